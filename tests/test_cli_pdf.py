"""``haulmer pdf FILE.xml``: a received or issued DTE printed from the command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from haulmer.cli import main
from pdf_reading import barcodes_on_page, one_line, page_sizes_mm, page_texts, ted_bytes_of

FIXTURES = Path(__file__).parent / "sii" / "fixtures"
RECEIVED = FIXTURES / "DTE--76354771-K--33--170.xml"


def _text(pdf: bytes) -> str:
    return one_line("\n".join(page_texts(pdf)))


def test_pdf_writes_the_letter_pdf_next_to_the_xml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "recibida.xml"
    source.write_bytes(RECEIVED.read_bytes())
    assert main(["pdf", str(source)]) == 0
    target = tmp_path / "recibida.pdf"
    assert capsys.readouterr().out.strip() == str(target)
    pdf = target.read_bytes()
    assert round(page_sizes_mm(pdf)[0][0]) == 216
    assert barcodes_on_page(pdf) == [ted_bytes_of(source.read_bytes())]


def test_pdf_options_choose_the_roll_the_cedible_copy_and_the_printed_extras(
    tmp_path: Path,
) -> None:
    out = tmp_path / "copia.pdf"
    code = main(
        [
            "pdf",
            str(RECEIVED),
            "-o",
            str(out),
            "--paper",
            "80mm",
            "--cedible",
            "--resolucion",
            "80:2014-08-22",
            "--sii-office",
            "SANTIAGO ORIENTE",
            "--note",
            "Recibido conforme",
        ]
    )
    assert code == 0
    pdf = out.read_bytes()
    text = _text(pdf)
    assert round(page_sizes_mm(pdf)[0][0]) == 80
    for expected in (
        "CEDIBLE",
        "Res. N° 80 de 2014",
        "S.I.I. - SANTIAGO ORIENTE",
        "Recibido conforme",
    ):
        assert expected in text


def test_pdf_default_names_say_which_copy_and_paper(tmp_path: Path) -> None:
    source = tmp_path / "f.xml"
    source.write_bytes(RECEIVED.read_bytes())
    assert main(["pdf", str(source), "--cedible", "--paper", "80mm"]) == 0
    assert (tmp_path / "f-cedible-80mm.pdf").read_bytes().startswith(b"%PDF")


def test_pdf_to_standard_output() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "haulmer", "pdf", str(RECEIVED), "-o", "-"],
        capture_output=True,
        check=True,
    )
    assert result.stdout.startswith(b"%PDF-")
    assert barcodes_on_page(result.stdout) == [ted_bytes_of(RECEIVED.read_bytes())]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["nowhere.xml"], 2, "cannot read"),
        (["{fixture}", "--resolucion", "ochenta"], 2, "NUMERO:YYYY-MM-DD"),
        (["{fixture}", "--cedible", "--paper", "letter"], 0, ""),
        (["{notes}", "--cedible"], 2, "has no cedible copy"),
        (
            ["{fixture}", "--note", "Gracias", "--note", "\x1b[31mUrgente"],
            2,
            "haulmer pdf: --note 2 holds U+001B, a control character, at character 1",
        ),
        (["{fixture}", "-o", "/nonexistent-dir/x.pdf"], 1, "cannot write"),
    ],
)
def test_pdf_errors_are_one_line_on_stderr_with_a_nonzero_exit(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    names = {
        "{fixture}": str(RECEIVED),
        "{notes}": str(FIXTURES / "DTE--96670340-7--61--110616.xml"),
    }
    argv = ["pdf", *(names.get(a, a) for a in args)]
    if "-o" not in args:
        argv += ["-o", str(tmp_path / "out.pdf")]
    assert main(argv) == code
    err = capsys.readouterr().err
    assert message in err
    if code:
        assert err.startswith("haulmer pdf: ")
        assert err.count("\n") == 1


def _envelope(*dtes: bytes) -> bytes:
    bodies = b"".join(re.sub(rb"^<\?xml[^>]*\?>\s*", b"", dte) for dte in dtes)
    return (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b'<EnvioDTE xmlns="http://www.sii.cl/SiiDte" version="1.0"><SetDTE ID="S">'
        + bodies
        + b"</SetDTE></EnvioDTE>"
    )


def _two_document_envelope(folder: Path) -> Path:
    """``envio.xml`` in ``folder``: an EnvioDTE of the received factura 33 and a nota 61."""
    source = folder / "envio.xml"
    second = (FIXTURES / "DTE--96670340-7--61--110616.xml").read_bytes()
    source.write_bytes(_envelope(RECEIVED.read_bytes(), second))
    return source


def test_pdf_of_an_envelope_writes_one_pdf_per_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = RECEIVED.read_bytes()
    second = (FIXTURES / "DTE--96670340-7--61--110616.xml").read_bytes()
    source = tmp_path / "envio.xml"
    source.write_bytes(_envelope(first, second))
    out = tmp_path / "pdfs"
    out.mkdir()
    assert main(["pdf", str(source), "-o", str(out)]) == 0
    written = [Path(line) for line in capsys.readouterr().out.split()]
    assert [p.name for p in written] == ["envio-T33F170.pdf", "envio-T61F110616.pdf"]
    for path, xml in zip(written, (first, second), strict=True):
        assert barcodes_on_page(path.read_bytes()) == [ted_bytes_of(xml)]
    assert main(["pdf", str(source), "-o", "-"]) == 2
    assert "holds 2 documents" in capsys.readouterr().err


def test_pdf_into_an_existing_folder_writes_the_default_name_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "recibida.xml"
    source.write_bytes(RECEIVED.read_bytes())
    folder = tmp_path / "impresos"
    folder.mkdir()
    assert main(["pdf", str(source), "-o", str(folder), "--cedible"]) == 0
    target = folder / "recibida-cedible.pdf"
    assert capsys.readouterr().out.strip() == str(target)
    assert barcodes_on_page(target.read_bytes()) == [ted_bytes_of(RECEIVED.read_bytes())]
    # an envelope of one document is printed the same way
    envelope = tmp_path / "envio.xml"
    envelope.write_bytes(_envelope(RECEIVED.read_bytes()))
    assert main(["pdf", str(envelope), "-o", str(folder)]) == 0
    assert (folder / "envio.pdf").is_file()


def test_pdf_of_an_envelope_creates_its_output_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _two_document_envelope(tmp_path)
    out = tmp_path / "pdfs" / "diciembre"
    assert main(["pdf", str(source), "-o", f"{out}/"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["envio-T33F170.pdf", "envio-T61F110616.pdf"]
    # a folder named with a trailing separator is a folder for one document too
    single = tmp_path / "una.xml"
    single.write_bytes(RECEIVED.read_bytes())
    assert main(["pdf", str(single), "-o", str(tmp_path / "nueva") + "/"]) == 0
    assert (tmp_path / "nueva" / "una.pdf").is_file()


def test_pdf_of_an_envelope_into_a_file_says_it_needs_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _two_document_envelope(tmp_path)
    taken = tmp_path / "salida.pdf"
    taken.write_bytes(b"not a folder")
    assert main(["pdf", str(source), "-o", str(taken)]) == 2
    err = capsys.readouterr().err
    assert err == f"haulmer pdf: -o {taken} is a file, not a folder ({source} holds 2 documents)\n"


def test_pdf_reads_standard_input_for_a_dash_and_needs_o_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    def stdin(data: bytes) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))

    stdin(RECEIVED.read_bytes())
    target = tmp_path / "recibida.pdf"
    assert main(["pdf", "-", "-o", str(target)]) == 0
    assert barcodes_on_page(target.read_bytes()) == [ted_bytes_of(RECEIVED.read_bytes())]
    capsys.readouterr()
    stdin(RECEIVED.read_bytes())
    assert main(["pdf", "-"]) == 2  # no file to write the PDF next to
    assert "-o must say where the PDF goes" in capsys.readouterr().err


def test_pdf_of_a_dte_without_its_printed_facts_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A DTE holding a timbre and nothing else was printed as a PDF of blanks, exit 0."""
    source = tmp_path / "hueco.xml"
    source.write_bytes(
        b'<DTE xmlns="http://www.sii.cl/SiiDte"><Documento><TED version="1.0"/></Documento></DTE>'
    )
    assert main(["pdf", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("haulmer pdf: the document cannot be printed: it lacks IdDoc/TipoDTE")
    assert err.count("\n") == 1
    assert not (tmp_path / "hueco.pdf").exists()


def _png(size: tuple[int, int]) -> bytes:
    import io

    from PIL import Image

    stored = io.BytesIO()
    Image.new("1", size).save(stored, format="PNG")
    return stored.getvalue()


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ("missing", "haulmer pdf: cannot read --logo {logo}: No such file or directory"),
        ("text", "haulmer pdf: --logo {logo} is not an image: give a PNG or JPEG file"),
        ("huge", "haulmer pdf: --logo {logo} has more pixels than a logo needs"),
    ],
)
def test_pdf_says_what_is_wrong_with_the_logo_in_the_command_lines_terms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], logo: str, message: str
) -> None:
    """The library's "logo= must be PNG or JPEG bytes, a path to one or a PIL image" spoke of
    arguments the command line does not have."""
    path = tmp_path / "logo.png"
    if logo == "text":
        path.write_bytes(b"not an image")
    elif logo == "huge":
        path.write_bytes(_png((20_000, 20_000)))
    assert main(["pdf", str(RECEIVED), "--logo", str(path), "-o", str(tmp_path / "o.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message.format(logo=path))
    assert err.count("\n") == 1
    assert "logo=" not in err
    assert "PIL" not in err


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("-5:2014-08-22", "the resolution's number cannot be negative"),
        ("80:2014-08-22:x", "NUMERO:YYYY-MM-DD"),
        ("٨٠:2014-08-22", "NUMERO:YYYY-MM-DD"),
        # Python 3.11's date.fromisoformat reads these, 3.10's does not: refused on both.
        ("80:20140822", "NUMERO:YYYY-MM-DD"),
        ("80:2014-W34-5", "NUMERO:YYYY-MM-DD"),
    ],
)
def test_pdf_says_what_is_wrong_with_the_resolution_in_the_command_lines_terms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, message: str
) -> None:
    """-5:2014-08-22 reached the library, whose "resolucion must be Resolucion(numero, fecha)
    or (numero, 'YYYY-MM-DD')" neither named --resolucion nor said that -5 was the fault."""
    argv = ["pdf", str(RECEIVED), f"--resolucion={given}", "-o", str(tmp_path / "o.pdf")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("haulmer pdf: --resolucion")
    assert message in err
    assert err.count("\n") == 1
    assert "Resolucion(" not in err


def test_pdf_of_a_cedible_copy_a_type_has_not_says_to_leave_out_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The library's advice, "render it with cedible=False", named an argument the command
    line does not have."""
    nota = FIXTURES / "DTE--96670340-7--61--110616.xml"
    assert main(["pdf", str(nota), "--cedible", "-o", str(tmp_path / "o.pdf")]) == 2
    err = capsys.readouterr().err
    assert "has no cedible copy" in err
    assert err.endswith(": print it without --cedible\n")
    assert "cedible=" not in err


def test_pdf_refuses_a_resolution_number_of_more_than_six_digits_in_its_terms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The SII's NroResol has 6 digits at most: 1234567 is a mistyped resolution."""
    argv = ["pdf", str(RECEIVED), "--resolucion=1234567:2014-08-22", "-o", str(tmp_path / "o.pdf")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("haulmer pdf: --resolucion: the resolution's number has 6 digits at most")
    assert not (tmp_path / "o.pdf").exists()


def test_pdf_of_an_envelope_holding_a_document_twice_writes_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both were written to envio-T33F170.pdf, the second over the first, and named twice."""
    source = tmp_path / "envio.xml"
    source.write_bytes(_envelope(RECEIVED.read_bytes(), RECEIVED.read_bytes()))
    out = tmp_path / "pdfs"
    assert main(["pdf", str(source), "-o", str(out)]) == 0
    written = [Path(line) for line in capsys.readouterr().out.split()]
    assert [p.name for p in written] == ["envio-T33F170.pdf", "envio-T33F170-2.pdf"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)


@pytest.mark.parametrize("folio", ["../../../evil", "..\\..\\evil", "7/8", "1" * 300])
def test_pdf_of_a_received_envelope_names_its_files_inside_the_folder_whatever_its_folios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], folio: str
) -> None:
    """A received envelope is not checked against the schema: a Folio holding a path went into
    the file's name ("envio-T33F../../../evil.pdf"), out of the folder or failing to write."""
    hostile = RECEIVED.read_bytes().replace(
        b"<Folio>170</Folio>", f"<Folio>{folio}</Folio>".encode()
    )
    source = tmp_path / "envio.xml"
    source.write_bytes(_envelope(RECEIVED.read_bytes(), hostile))
    out = tmp_path / "pdfs"
    assert main(["pdf", str(source), "-o", str(out)]) == 0
    written = [Path(line) for line in capsys.readouterr().out.split()]
    assert len(written) == 2
    assert written[0].name == "envio-T33F170.pdf"
    for path in written:
        assert path.parent == out
        assert re.fullmatch(r"envio-T33F[0-9A-Za-z_]{1,40}\.pdf", path.name), path.name
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["envio.xml", "pdfs"]


def test_the_paper_is_read_in_any_case_as_the_other_commands_read_their_choices(
    tmp_path: Path,
) -> None:
    source = tmp_path / "f.xml"
    source.write_bytes(RECEIVED.read_bytes())
    assert main(["pdf", str(source), "--paper", "80MM"]) == 0
    assert (tmp_path / "f-80mm.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("how", ["-o the XML itself", "an XML named like its PDF"])
def test_pdf_never_writes_over_the_xml_it_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    if how == "-o the XML itself":
        source = tmp_path / "recibida.xml"
        argv = ["pdf", str(source), "-o", str(tmp_path / "." / "recibida.xml")]
    else:  # the default output, FILE.pdf next to it, is the file read
        source = tmp_path / "recibida.pdf"
        argv = ["pdf", str(source)]
    source.write_bytes(RECEIVED.read_bytes())
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert source.read_bytes() == RECEIVED.read_bytes()  # the received DTE is kept as it came
    assert captured.out == ""
    assert captured.err.startswith("haulmer pdf: ")
    assert "is the XML being printed" in captured.err
    assert captured.err.count("\n") == 1


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--resolucion", "", "argument --resolucion: NUMERO:YYYY-MM-DD"),
        ("--logo", "", "argument --logo: a path, not an empty value"),
        ("--sii-office", "", "argument --sii-office: the SII office's name"),
        ("--sii-office", "  ", "argument --sii-office: the SII office's name"),
        ("--sii-office", "SANTIAGO\nORIENTE", "argument --sii-office: the SII office's name"),
    ],
)
def test_pdf_refuses_an_empty_printed_extra_instead_of_printing_without_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, said: str
) -> None:
    # "$RESOLUCION" unset printed the default N° 0, "$LOGO" no logo and "$OFICINA" a bare
    # "S.I.I." without its office, all with status 0; a line break lost the office's second line
    out = tmp_path / "out.pdf"
    assert main(["pdf", str(RECEIVED), "-o", str(out), option, value]) == 2
    assert said in capsys.readouterr().err
    assert not out.exists()


def test_pdf_takes_a_leading_tilde_after_an_equals_sign_as_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # bash expands ~ in "-o ~/pdfs/" but not in "--output=~/pdfs/": the PDF went to a folder
    # named "~" in the current one, and --logo=~/logo.png was not found, where demo --out and
    # emit-batch --journal take it as the home folder
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    (home / "logo.png").write_bytes(_png((40, 20)))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)
    argv = ["pdf", str(RECEIVED), "--output=~/pdfs/", "--logo=~/logo.png"]
    assert main(argv) == 0
    written = home / "pdfs" / f"{RECEIVED.stem}.pdf"
    assert capsys.readouterr().out.strip() == str(written)
    assert written.read_bytes().startswith(b"%PDF")
    assert not (cwd / "~").exists()
