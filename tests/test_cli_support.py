"""The command-line tools for supporting an integration: verify, parse, rut, caf, serve."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from haulmer._chile import chile_today
from haulmer.cli import build_parser, main
from haulmer.errors import InvalidRutError
from haulmer.rut import Rut
from haulmer.testing.caf import make_test_caf_xml

FIXTURES = Path(__file__).parent / "sii" / "fixtures"
FACTURA = FIXTURES / "DTE--76354771-K--33--170.xml"
NOTA_CON_DOC_PERSONALIZADO = FIXTURES / "DTE--96670340-7--61--110616.xml"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_verify_a_real_sii_document_exits_zero_and_names_what_held(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["verify", str(FACTURA)], capsys)
    assert code == 0
    assert "verified" in out
    assert "signature" in out
    assert "ted" in out
    assert "schema" in out


def test_verify_reports_a_tampered_document_in_words_and_exits_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tampered = tmp_path / "tampered.xml"
    tampered.write_bytes(FACTURA.read_bytes().replace(b"<Folio>170<", b"<Folio>171<"))
    code, out, _ = run(["verify", str(tampered)], capsys)
    assert code == 1
    assert "NOT VERIFIED" in out
    assert "digest" in out or "signature" in out


def test_verify_checks_a_receiver_s_answer_and_its_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from haulmer.sii import Caratula, Resultado, envelope, resultado_comercial
    from haulmer.testing.certificates import make_test_certificate

    certificate = make_test_certificate(rut="11111111-1")
    received = envelope(
        [FACTURA.read_bytes()],
        certificate=certificate,
        caratula=Caratula("76354771-K", dt.date(2014, 8, 22), 80, rut_receptor="96790240-3"),
    )
    answer = tmp_path / "respuesta.xml"
    answer.write_bytes(
        resultado_comercial(
            received,
            certificate=certificate,
            rut_receptor="96790240-3",
            id_respuesta=1,
            cod_envio=1,
            resultados=Resultado(0),
        )
    )
    code, out, _ = run(["verify", str(answer)], capsys)
    assert (code, out.strip()) == (
        0,
        f"{answer}: verified (signature RespuestaDTE ResultadoEnvio, schema)",
    )
    answer.write_bytes(answer.read_bytes().replace(b"<EstadoDTE>0<", b"<EstadoDTE>2<"))
    code, out, _ = run(["verify", str(answer)], capsys)
    assert code == 1
    assert "digest [RespuestaDTE ResultadoEnvio]" in out
    # the help named only the DTE and its envelopes among the files verify takes
    assert main(["verify", "--help"]) == 0
    files_help = " ".join(capsys.readouterr().out.split("FILE.xml", 3)[3].split())
    assert files_help.startswith(
        "a DTE, EnvioDTE, EnvioBOLETA, or a receiver's RespuestaDTE or EnvioRecibos"
    )


def test_verify_json_lists_checks_and_failures(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["verify", "--json", str(NOTA_CON_DOC_PERSONALIZADO)], capsys)
    (report,) = json.loads(out)  # a list even for one file, so a script reads one shape
    # signed by the SII and timbre right, but DocPersonalizado is outside the SII's schema
    assert code == 1
    assert report["ok"] is False
    assert any(p.startswith("signature") for p in report["passed"])
    assert any(p.startswith("ted") for p in report["passed"])
    assert [f["check"] for f in report["failures"]] == ["schema"]
    assert "DocPersonalizado" in report["failures"][0]["reason"]


def test_verify_without_schema_passes_the_same_real_document(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["verify", "--no-schema", str(NOTA_CON_DOC_PERSONALIZADO)], capsys)
    assert code == 0, out


def test_verify_of_several_files_exits_with_the_worst_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.xml"
    code, out, err = run(["verify", str(FACTURA), str(missing)], capsys)
    assert code == 2
    assert "cannot read" in err
    assert "missing.xml" in err
    assert "verified" in out


def test_verify_with_allow_test_cafs_but_no_check_caf_is_a_wrong_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Without --check-caf no CAF is checked: the option was dropped and the file "verified".
    code, out, err = run(["verify", "--allow-test-cafs", str(FACTURA)], capsys)
    assert code == 2
    assert out == ""
    assert "--allow-test-cafs counts only with --check-caf" in err


def test_verify_of_something_that_is_not_xml_fails_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"\x00\x01 not xml at all")
    code, out, _ = run(["verify", str(junk)], capsys)
    assert code == 1
    assert "xml" in out.lower()


def test_parse_prints_the_document_with_sii_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["parse", str(FACTURA)], capsys)
    assert code == 0
    document = json.loads(out)
    assert document["Encabezado"]["IdDoc"]["TipoDTE"] == 33
    assert document["Encabezado"]["IdDoc"]["Folio"] == 170
    assert document["Encabezado"]["Emisor"]["RUTEmisor"] == "76354771-K"
    assert document["Detalle"]


def test_parse_all_always_prints_a_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["parse", "--all", str(FACTURA)], capsys)
    assert code == 0
    assert isinstance(json.loads(out), list)


def test_parse_accepts_json_as_a_no_op_since_it_always_prints_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["parse", "--json", str(FACTURA)], capsys)
    assert code == 0
    assert json.loads(out)["Encabezado"]["IdDoc"]["Folio"] == 170
    code, help_text, _ = run(["parse", "--help"], capsys)
    assert code == 0
    assert "--json" in help_text


def test_parse_refuses_hostile_xml_with_a_typed_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = tmp_path / "xxe.xml"
    hostile.write_text(
        '<?xml version="1.0"?><!DOCTYPE DTE [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<DTE>&x;</DTE>"
    )
    code, out, _ = run(["parse", str(hostile)], capsys)
    assert code == 1
    report = json.loads(out)
    assert report["error"] == "XMLError"
    assert "root:" not in out  # nothing of the file was read


def test_rut_prints_the_formats_of_a_valid_rut(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rut", "76.430.498-5"], capsys)
    assert code == 0
    assert "76430498-5" in out
    assert "76.430.498-5" in out


def test_rut_suggests_the_check_digit_of_a_bare_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(["rut", "76430498"], capsys)
    assert code == 1
    assert "did you mean 76430498-5" in out


def test_rut_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rut", "--json", "76430498"], capsys)
    (report,) = json.loads(out)  # a list even for one RUT, as for several
    assert code == 1
    assert report["valid"] is False
    assert report["candidates"][0]["rut"] == "76430498-5"
    code, out, _ = run(["rut", "--json", "76430498-5"], capsys)
    assert code == 0
    assert json.loads(out)[0]["dotted"] == "76.430.498-5"


def test_caf_describes_range_type_and_expiry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "caf.xml"
    path.write_bytes(
        make_test_caf_xml(
            rut="76086428-5",
            razon_social="Comercial Ñandú Ltda.",
            dte_type=33,
            folio_from=101,
            folio_to=200,
            issued_on=chile_today(),
        )
    )
    code, out, _ = run(["caf", "--json", "--allow-test-cafs", str(path)], capsys)
    report = json.loads(out)
    assert code == 0
    assert report["rut_emisor"] == "76086428-5"
    assert report["razon_social"] == "Comercial Ñandú Ltda."
    assert (report["dte_type"], report["folio_from"], report["folio_to"]) == (33, 101, 200)
    assert report["folio_count"] == 100
    assert report["expires_on"] is not None
    assert report["expired"] is False
    # without --allow-test-cafs a test key is not the SII's: it cannot stamp real documents
    code, out, _ = run(["caf", str(path)], capsys)
    assert code == 1
    assert "NOT valid" in out
    assert "folios        101 to 200" in out


def test_caf_shows_a_razon_social_holding_line_breaks_quoted_on_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    caf_file = make_test_caf_xml(
        rut="76086428-5", razon_social="Comercial", dte_type=33, issued_on=chile_today()
    )
    forged = "Comercial\r  SII signature valid\n  expires       never"
    path = tmp_path / "forged.xml"
    path.write_bytes(
        caf_file.replace(b"<RS>Comercial</RS>", f"<RS>{forged}</RS>".encode("ascii")).replace(
            b"\r", b"&#13;"
        )
    )
    code, out, _ = run(["caf", "--allow-test-cafs", str(path)], capsys)
    assert code == 1  # the RS was changed after the signature
    assert f"  emisor        76086428-5 {forged!r}\n" in out
    assert "\r" not in out
    assert not any(line.startswith("  expires       never") for line in out.splitlines())


def test_caf_refuses_a_caf_dated_past_the_sii_s_years_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    caf_file = make_test_caf_xml(
        rut="76086428-5", razon_social="Comercial", dte_type=33, issued_on=chile_today()
    )
    path = tmp_path / "far.xml"
    path.write_bytes(caf_file.replace(f"<FA>{chile_today()}</FA>".encode(), b"<FA>9999-10-01</FA>"))
    code, out, err = run(["caf", "--allow-test-cafs", str(path)], capsys)
    assert code == 1
    assert "CAF <FA> 9999-10-01 is outside 2000-01-01 to 2050-12-31" in err
    assert "Traceback" not in out + err


def test_caf_says_when_folios_have_expired(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.xml"
    path.write_bytes(
        make_test_caf_xml(
            rut="76086428-5",
            razon_social="Comercial",
            dte_type=33,
            issued_on=chile_today() - dt.timedelta(days=400),
        )
    )
    code, out, _ = run(["caf", "--allow-test-cafs", str(path)], capsys)
    assert code == 1
    assert "EXPIRED" in out


def test_caf_says_when_folios_are_authorized_after_today(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "future.xml"
    path.write_bytes(
        make_test_caf_xml(
            rut="76086428-5",
            razon_social="Comercial",
            dte_type=39,
            issued_on=chile_today() + dt.timedelta(days=1),
        )
    )
    code, out, _ = run(["caf", "--allow-test-cafs", str(path)], capsys)
    assert code == 1
    assert "AFTER TODAY in Chile" in out
    code, out, _ = run(["caf", "--json", "--allow-test-cafs", str(path)], capsys)
    assert code == 1
    assert json.loads(out)["not_yet_authorized"] is True


def test_caf_refuses_a_file_that_is_not_a_caf(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["caf", str(FACTURA)], capsys)
    assert code == 1
    assert "XMLError" in err or "CAF" in err


def test_serve_is_offered_with_loopback_defaults() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8080)


def test_serve_starts_the_fake_platform_over_http() -> None:
    import httpx

    with subprocess.Popen(  # the with closes both pipes after the wait
        [sys.executable, "-u", "-m", "haulmer", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            assert "listening on http://127.0.0.1:" in first
            url = first.rsplit(" ", 1)[-1].strip()
            answer = httpx.get(f"{url}/v1/openapi.json", timeout=10)
            assert answer.status_code == 200
            assert answer.json()["openapi"].startswith("3.")
        finally:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.parametrize("command", ["verify", "parse", "rut", "caf", "serve"])
def test_every_support_command_explains_itself_and_its_exit_codes(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "haulmer", command, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    if command != "serve":
        assert "Exit status" in result.stdout


def test_a_wrong_command_line_exits_two() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "haulmer", "verify"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2


def test_the_commands_read_no_larger_file_than_the_sii_layer_parses() -> None:
    from haulmer._support_commands import LARGEST_FILE
    from haulmer.sii._xml import MAX_XML_BYTES

    assert LARGEST_FILE == MAX_XML_BYTES


def test_serve_on_a_port_in_use_says_so_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run(["serve", "--port", str(port)], capsys)
    assert code == 1
    assert out == ""
    assert err.startswith(f"haulmer serve: cannot listen on host '127.0.0.1', port {port}: ")
    assert "choose another --port" in err
    assert len(err.strip().splitlines()) == 1


def test_serve_on_a_host_that_does_not_resolve_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    def unknown(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)  # no resolver is asked
    code, _, err = run(["serve", "--host", "no-such-host.invalid", "--port", "0"], capsys)
    assert code == 1
    assert "cannot listen on host 'no-such-host.invalid', port 0: " in err


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_serve_refuses_a_port_outside_0_to_65535_as_a_usage_error(
    port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--port", port]) == 2
    assert "--port" in capsys.readouterr().err


def test_verify_json_reports_an_unreadable_file_beside_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.xml"
    code, out, err = run(["verify", "--json", str(FACTURA), str(missing), str(tmp_path)], capsys)
    assert code == 2
    reports = json.loads(out)
    assert [report["file"] for report in reports] == [str(FACTURA), str(missing), str(tmp_path)]
    assert [report["ok"] for report in reports] == [True, False, False]
    assert reports[1]["failures"] == [
        {"check": "read", "where": "", "reason": "cannot read it: No such file or directory"}
    ]
    assert reports[2]["failures"][0]["check"] == "read"
    assert "cannot read" in err  # the person at the terminal is told too


def test_verify_json_of_one_unreadable_file_is_a_list_of_its_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["verify", "--json", str(tmp_path / "missing.xml")], capsys)
    assert code == 2
    (report,) = json.loads(out)
    assert report["ok"] is False
    assert report["passed"] == []
    assert report["failures"][0]["check"] == "read"


@pytest.mark.parametrize("command", [["parse"], ["caf", "--json"]])
def test_parse_and_caf_json_report_an_unreadable_file_in_json(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.xml"
    code, out, err = run([*command, str(missing)], capsys)
    assert code == 2
    assert json.loads(out) == {
        "file": str(missing),
        "ok": False,
        "error": "FileNotFoundError",
        "message": "cannot read it: No such file or directory",
    }
    assert "cannot read" in err


def test_rut_checks_every_rut_it_is_given(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rut", "76430498-5", "76795561-8"], capsys)
    assert code == 0
    assert "76430498-5: valid RUT" in out
    assert "76795561-8: valid RUT" in out
    code, out, _ = run(["rut", "--json", "76430498-5", "76430498", "76795561-8"], capsys)
    assert code == 1  # one of them is not valid
    reports = json.loads(out)
    assert [report["input"] for report in reports] == ["76430498-5", "76430498", "76795561-8"]
    assert [report["valid"] for report in reports] == [True, False, True]


def test_allow_test_cafs_accepts_a_test_caf_made_by_another_process(tmp_path: Path) -> None:
    """The fake's CAFs are signed by one test key in every process, so the command line, a
    process of its own, can check the CAFs of documents the fake or the demo issued."""
    import haulmer.dte as dte
    from haulmer import sii
    from haulmer.testing.caf import make_test_caf
    from haulmer.testing.certificates import make_test_certificate

    caf = make_test_caf(rut="76795561-8", razon_social="HAULMER SPA", dte_type=33)
    factura = dte.factura(
        emisor={"rut": "76795561-8", "razon_social": "HAULMER SPA", "giro": "Software",
                "actecos": [620200], "direccion": "Arturo Prat 527", "comuna": "Curicó"},
        receptor={"rut": "76430498-5", "razon_social": "HOSTY SPA", "giro": "Informática",
                  "direccion": "Arturo Prat 527", "comuna": "Curicó"},
        lines=[{"nombre": "Hosting", "cantidad": 1, "precio": 2000}],
    )  # fmt: skip
    signed = tmp_path / "factura.xml"
    signed.write_bytes(sii.issue(factura, caf=caf, certificate=make_test_certificate(), folio=1))
    caf_file = tmp_path / "caf.xml"
    caf_file.write_bytes(caf.to_xml())

    def haulmer(*argv: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "haulmer", *argv]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    checked = haulmer("verify", "--json", "--check-caf", "--allow-test-cafs", str(signed))
    assert checked.returncode == 0, checked.stdout
    assert any(check.startswith("caf") for check in json.loads(checked.stdout)[0]["passed"])
    described = haulmer("caf", "--json", "--allow-test-cafs", str(caf_file))
    assert json.loads(described.stdout)["signed_by_test_key"] is True
    # without the option a test key is still not the SII's
    refused = haulmer("verify", "--check-caf", str(signed))
    assert refused.returncode == 1
    assert "not the SII's" in refused.stdout


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_verify_parse_and_caf_read_standard_input_for_a_dash(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, FACTURA.read_bytes())
    code, out, _ = run(["verify", "-"], capsys)
    assert (code, out) == (0, out)
    assert out.startswith("-: verified (")
    _stdin(monkeypatch, FACTURA.read_bytes())
    code, out, _ = run(["parse", "-"], capsys)
    assert code == 0
    assert json.loads(out)["Encabezado"]["IdDoc"]["Folio"] == 170
    caf_xml = make_test_caf_xml(
        rut="76086428-5", razon_social="Comercial", dte_type=33, issued_on=chile_today()
    )
    _stdin(monkeypatch, caf_xml)
    code, out, _ = run(["caf", "--json", "--allow-test-cafs", "-"], capsys)
    assert code == 0
    assert json.loads(out)["file"] == "-"


def test_standard_input_is_read_no_further_than_a_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from haulmer import _support_commands

    monkeypatch.setattr(_support_commands, "LARGEST_FILE", 10)
    _stdin(monkeypatch, FACTURA.read_bytes())
    code, _, err = run(["verify", "-"], capsys)
    assert code == 2
    assert "cannot read standard input: it holds more than 10 bytes" in err


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_json_output_is_json_a_utf8_reader_takes_whatever_the_output_encoding(
    encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows writes a redirected standard output in cp1252, PYTHONIOENCODING may say ascii:
    # "Crédito" came out as the byte 0xE9, which no JSON reader decodes, or as \xe9, which JSON
    # refuses as an escape.
    for argv, read in (
        (["parse", str(NOTA_CON_DOC_PERSONALIZADO)], lambda doc: doc["Encabezado"]["IdDoc"]),
        (["rut", "--json", "7643049ñ"], lambda reports: reports[0]),
    ):
        written = io.BytesIO()
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(written, encoding=encoding))
        main(argv)
        sys.stdout.flush()
        loaded = json.loads(written.getvalue())  # JSON's own encoding: UTF-8
        assert written.getvalue().isascii()
        if argv[0] == "parse":
            assert read(loaded)["TermPagoGlosa"] == "Crédito"
        else:
            assert read(loaded)["input"] == "7643049ñ"


@pytest.mark.parametrize("root", ["EnvioDTE", "EnvioBOLETA"])
def test_parse_of_an_envelope_holding_no_dte_says_so_and_exits_one(
    root: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # it printed [] and exited 0, "the input is good", for a file with nothing to read
    path = tmp_path / "envio.xml"
    path.write_text(
        f'<{root} xmlns="http://www.sii.cl/SiiDte" version="1.0"><SetDTE ID="S">'
        f"<Caratula/></SetDTE></{root}>",
        encoding="utf-8",
    )
    for argv in (["parse", str(path)], ["parse", "--all", str(path)]):
        code, out, _ = run(argv, capsys)
        assert code == 1
        report = json.loads(out)
        assert (report["ok"], report["error"]) == (False, "XMLError")
        assert report["message"] == "the envelope holds no DTE: there is no document to print"


def test_verify_refuses_standard_input_named_twice_instead_of_failing_it_as_empty(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the second '-' met the end of what the first read, and was reported as an empty XML
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(FACTURA.read_bytes())))
    code, out, err = run(["verify", "-", str(FACTURA), "-"], capsys)
    assert code == 2
    assert out == ""
    assert err == "haulmer verify: '-' (standard input) can be read only once; name it once\n"


@pytest.mark.parametrize("command", [["rut", "76430498-5"], ["parse", "missing.xml"]])
def test_a_command_started_with_standard_output_closed_says_so_and_fails(
    command: list[str],
) -> None:
    """``haulmer rut 76430498-5 >&-`` printed nothing and exited 0, as if all went well."""
    import os

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    closed = ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "haulmer", *command]
    result = subprocess.run(closed, stderr=subprocess.PIPE, text=True, env=env, check=False)
    assert result.returncode == 1
    assert f"haulmer {command[0]}: standard output is closed" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("typed", ["76430498-", "76430498 -", "76.430.498-", "76 430 498"])
def test_rut_suggests_the_check_digit_of_a_number_typed_with_a_trailing_dash_or_spaces(
    typed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["rut", "--json", typed], capsys)
    (report,) = json.loads(out)
    assert code == 1
    assert [candidate["rut"] for candidate in report["candidates"]] == ["76430498-5"]


@pytest.mark.parametrize(
    "typed", ["CL76795561-8", "76 795 561-8", "CL 76.795.561 8", "76795561 - 8"]
)
def test_rut_calls_no_rut_valid_that_the_sdk_refuses_and_suggests_its_reading(
    typed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Read leniently, these were reported "valid RUT" (status 0), while Rut(), the models and
    # every call's RUT argument refuse them.
    with pytest.raises(InvalidRutError):
        Rut(typed)
    code, out, _ = run(["rut", "--json", typed], capsys)
    (report,) = json.loads(out)
    assert (code, report["valid"]) == (1, False)
    assert "cannot have" in report["error"]
    assert [candidate["rut"] for candidate in report["candidates"]] == ["76795561-8"]
    code, out, _ = run(["rut", typed], capsys)
    assert code == 1
    assert "not a valid RUT" in out
    assert "did you mean 76795561-8" in out


def test_caf_json_says_ok_in_the_same_key_whether_or_not_the_file_was_a_caf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "caf.xml"
    caf_xml = make_test_caf_xml(
        rut="76086428-5", razon_social="Comercial Ñandú Ltda.", dte_type=33, issued_on=chile_today()
    )
    path.write_bytes(caf_xml)
    code, out, _ = run(["caf", "--json", "--allow-test-cafs", str(path)], capsys)
    assert (code, json.loads(out)["ok"]) == (0, True)
    code, out, _ = run(["caf", "--json", str(path)], capsys)  # a test key: not the SII's
    assert (code, json.loads(out)["ok"]) == (1, False)
    code, out, _ = run(["caf", "--json", str(FACTURA)], capsys)
    assert (code, json.loads(out)["ok"]) == (1, False)


def _zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("DTE.xml", data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("packed", "advice"),
    [(gzip.compress, "gunzip"), (_zipped, "extract the XML file")],
    ids=["gzip", "zip"],
)
def test_verify_and_parse_say_a_compressed_file_must_be_decompressed_first(
    packed: Callable[[bytes], bytes],
    advice: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "DTE.xml"
    path.write_bytes(packed(FACTURA.read_bytes()))
    code, out, _ = run(["verify", "--json", str(path)], capsys)
    (report,) = json.loads(out)
    assert code == 1
    assert advice in report["failures"][0]["reason"]
    code, out, _ = run(["parse", str(path)], capsys)
    assert code == 1
    assert advice in json.loads(out)["message"]


def test_verify_shows_a_file_name_with_a_line_break_on_one_quoted_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = FACTURA.read_bytes().replace(b"<MntTotal>", b"<MntTotal>1")
    path = tmp_path / "DTE.xml: verified (signature, ted, schema)\nnext.xml"
    path.write_bytes(forged)
    code, out, _ = run(["verify", str(path)], capsys)
    assert code == 1
    assert not any(line.startswith("DTE.xml: verified") for line in out.splitlines())
    assert out.splitlines()[0] == f"{str(path)!r}: NOT VERIFIED"
    missing = str(tmp_path / "a\nb.xml")
    code, out, err = run(["verify", missing], capsys)
    assert (code, err) == (2, f"haulmer: cannot read {missing!r}: No such file or directory\n")


def _serving_stops_at_once(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make a server that starts stop at once (as after Ctrl+C), noting the URL it served."""
    from haulmer.testing._server import FakeServer

    served: list[str] = []

    def stop(self: FakeServer, poll_interval: float = 0.5) -> None:
        served.append(self.url)
        raise KeyboardInterrupt

    monkeypatch.setattr(FakeServer, "serve_forever", stop)
    return served


@pytest.mark.parametrize(
    ("host", "said"),
    [
        ("", "not empty"),
        ("  ", "not empty"),
        ("http://127.0.0.1", "not a URL"),
        ("127.0.0.1:9000", "the port goes in --port"),
        # no host name or address starts with a dash: haulmer serve said "expected one
        # argument" of --host=-x, and python -m haulmer.testing serve looked the name up
        ("-x", "no address starts with '-'"),
    ],
)
@pytest.mark.parametrize("prog", ["haulmer", "python -m haulmer.testing"])
def test_serve_refuses_a_host_that_is_no_address_as_a_usage_error(
    host: str,
    said: str,
    prog: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # an empty --host (a variable left unset: --host "$HOST") served the fake on every
    # interface, 0.0.0.0, instead of loopback; a URL or host:port failed as a name not known
    from haulmer.testing.__main__ import main as testing_main

    served = _serving_stops_at_once(monkeypatch)
    if prog == "haulmer":
        assert main(["serve", f"--host={host}", "--port", "0"]) == 2
    else:
        with pytest.raises(SystemExit) as stopped:
            testing_main(["serve", f"--host={host}", "--port", "0"])
        assert stopped.value.code == 2
    assert served == []
    err = capsys.readouterr().err
    assert "--host" in err
    assert said in err


@pytest.mark.parametrize("prog", ["haulmer", "python -m haulmer.testing"])
def test_ctrl_c_while_serve_starts_stops_it_as_ctrl_c_while_it_serves_does(
    prog: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the fake takes half a second to build: Ctrl+C then gave python -m haulmer.testing serve a
    # traceback, and haulmer serve status 130, where the help promises 0 when stopped so
    from haulmer.testing import _fake
    from haulmer.testing.__main__ import main as testing_main

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_fake.FakeHaulmer, "__init__", interrupted)
    try:
        if prog == "haulmer":
            code: int | None = main(["serve", "--port", "0"])
        else:
            code = testing_main(["serve", "--port", "0"])
    except KeyboardInterrupt:
        code = None
    captured = capsys.readouterr()
    assert (code, captured.out, captured.err.strip()) == (0, "", "stopped")


def test_caf_names_the_sii_environment_its_idk_belongs_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A certification CAF (IDK 100, maullin) stamps documents the SII's production refuses:
    the description says which environment a CAF is for, not only that the SII signed it."""
    import re

    fixture = Path(__file__).parent / "sii" / "fixtures" / "DTE--76354771-K--33--170.xml"
    match = re.search(rb"<CAF version=\"1.0\">.*?</CAF>", fixture.read_bytes(), re.S)
    assert match is not None
    production = tmp_path / "production.xml"
    production.write_bytes(match.group(0))
    _, out, _ = run(["caf", "--json", str(production)], capsys)
    report = json.loads(out)
    assert (report["idk"], report["sii_environment"], report["signed_by_sii"]) == (
        300,
        "production",
        True,
    )
    _, out, _ = run(["caf", str(production)], capsys)
    assert "IDK 300, the SII's production environment" in out

    certification = tmp_path / "certification.xml"
    certification.write_bytes(match.group(0).replace(b"<IDK>300</IDK>", b"<IDK>100</IDK>"))
    _, out, _ = run(["caf", "--json", str(certification)], capsys)
    assert (json.loads(out)["idk"], json.loads(out)["sii_environment"]) == (100, "certification")
    _, out, _ = run(["caf", str(certification)], capsys)
    assert "IDK 100, the SII's certification environment" in out

    test_caf = tmp_path / "test.xml"
    test_caf.write_bytes(make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33))
    _, out, _ = run(["caf", "--json", "--allow-test-cafs", str(test_caf)], capsys)
    assert (json.loads(out)["idk"], json.loads(out)["sii_environment"]) == (9999, None)
    _, out, _ = run(["caf", "--allow-test-cafs", str(test_caf)], capsys)
    assert "IDK 9999, not one of the SII's" in out
    assert "SII signature a test key's, valid (accepted with --allow-test-cafs" in out
    assert "SII signature valid" not in out


def test_caf_json_does_not_say_the_sii_signed_a_test_caf_allowed_by_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A test CAF accepted with --allow-test-cafs can stamp documents here (ok), but its FRMA is
    a test key's: --json says so as the text does, not that the SII signed it."""
    test_caf = tmp_path / "test.xml"
    test_caf.write_bytes(make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33))
    code, out, _ = run(["caf", "--json", "--allow-test-cafs", str(test_caf)], capsys)
    report = json.loads(out)
    assert (code, report["ok"], report["sii_signature_problem"]) == (0, True, None)
    assert (report["signed_by_sii"], report["signed_by_test_key"]) == (False, True)

    fixture = Path(__file__).parent / "sii" / "fixtures" / "DTE--76354771-K--33--170.xml"
    match = re.search(rb"<CAF version=\"1.0\">.*?</CAF>", fixture.read_bytes(), re.S)
    assert match is not None
    official = tmp_path / "official.xml"
    official.write_bytes(match.group(0))
    for options in ([], ["--allow-test-cafs"]):
        _, out, _ = run(["caf", "--json", *options, str(official)], capsys)
        report = json.loads(out)
        assert (report["signed_by_sii"], report["signed_by_test_key"]) == (True, False)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_parse_prints_quantities_prices_and_rates_as_json_numbers_of_their_exact_digits(
    tmp_path: Path, encoding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The SII writes QtyItem, PrcItem and TasaIVA as decimals: printed as strings ("2"), a
    # script's sum of the prices joined their digits instead of adding them.
    source = tmp_path / "fraccion.xml"
    source.write_bytes(
        FACTURA.read_bytes().replace(
            b"<QtyItem>2.00</QtyItem>", b"<QtyItem>123456789012.123456</QtyItem>"
        )
    )
    for path, quantity in ((FACTURA, 2), (source, "123456789012.123456")):
        written = io.BytesIO()
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(written, encoding=encoding))
        assert main(["parse", str(path)]) == 0
        sys.stdout.flush()
        text = written.getvalue().decode("utf-8")
        document = json.loads(text, parse_float=Decimal)
        line = document["Detalle"][0]
        assert line["PrcItem"] == 1258950
        assert document["Encabezado"]["Totales"]["TasaIVA"] == 19
        assert line["QtyItem"] == (quantity if isinstance(quantity, int) else Decimal(quantity))
        assert f'"QtyItem": {quantity}' in text  # every digit, as the XML has them


@pytest.mark.parametrize(
    "command", [["verify"], ["verify", "--json"], ["parse"], ["caf"], ["caf", "--json"]]
)
@pytest.mark.parametrize("content", [b"", b"\r\n  \n"], ids=["0 bytes", "blank lines"])
def test_an_empty_input_is_nothing_to_check_not_a_document_found_wrong(
    command: list[str],
    content: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `curl -s URL | haulmer verify -` whose download failed read nothing, and exited 1 as a
    # forged or broken invoice does, where the docs promise 2: "there was nothing to check"
    empty = tmp_path / "vacío.xml"
    empty.write_bytes(content)
    for path in (str(empty), "-"):
        _stdin(monkeypatch, content)
        code, out, err = run([*command, path], capsys)
        where = "standard input" if path == "-" else path
        assert code == 2
        assert err == f"haulmer: {where} is empty: there is nothing to check\n"
        if command in (["verify"], ["caf"]):
            assert out == ""
        elif command[0] == "verify":
            (report,) = json.loads(out)
            assert report["ok"] is False
            assert report["failures"] == [
                {"check": "read", "where": "", "reason": "it is empty: there is nothing to check"}
            ]
        else:
            assert json.loads(out) == {
                "file": path,
                "ok": False,
                "error": "XMLError",
                "message": "it is empty: there is nothing to check",
            }
    code, _, _ = run(["verify", str(FACTURA), str(empty)], capsys)
    assert code == 2


def test_rut_reads_one_rut_a_line_from_standard_input_for_a_dash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # '-' was checked as a RUT ("has no check digit after the hyphen"), so a column of RUTs
    # exported from an ERP could only be given as arguments, which Windows cuts at 8,191
    # characters; a Windows file brings a BOM, CRLF line ends and blank lines
    _stdin(monkeypatch, b"\xef\xbb\xbf76430498-5\r\n\r\n 76.795.561-8 \r\n76430498\r\n")
    code, out, err = run(["rut", "--json", "12345678-5", "-"], capsys)
    assert (code, err) == (1, "")  # 76430498 lacks its check digit
    reports = json.loads(out)
    assert [report["input"] for report in reports] == [
        "12345678-5",
        "76430498-5",
        "76.795.561-8",
        "76430498",
    ]
    assert [report["valid"] for report in reports] == [True, True, True, False]
    _stdin(monkeypatch, b"76430498-5\n")
    code, out, _ = run(["rut", "-"], capsys)
    assert code == 0
    assert out.startswith("76430498-5: valid RUT\n")
    for given, said in (
        (b"", "haulmer: standard input is empty: there is nothing to check\n"),
        (b"\n\n", "haulmer: standard input is empty: there is nothing to check\n"),
    ):
        _stdin(monkeypatch, given)
        code, out, err = run(["rut", "--json", "-"], capsys)
        assert (code, out, err) == (2, "", said)
    code, out, err = run(["rut", "-", "-"], capsys)
    assert (code, out) == (2, "")
    assert "'-' (standard input) can be read only once" in err


def test_verify_expands_a_pattern_itself_where_the_shell_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # cmd and PowerShell pass recibidos\*.xml as it is written: the help's example
    # `haulmer verify recibidos/*.xml --json` reported one file it could not read
    from haulmer import _support_commands

    folder = tmp_path / "recibidos"
    folder.mkdir()
    for name in ("b.xml", "a.xml"):
        (folder / name).write_bytes(FACTURA.read_bytes())
    (folder / "notas.txt").write_text("no")
    monkeypatch.setattr(_support_commands, "SHELL_EXPANDS_PATTERNS", False)
    code, out, _ = run(["verify", "--json", str(folder / "*.xml"), str(FACTURA)], capsys)
    assert code == 0
    assert [report["file"] for report in json.loads(out)] == [
        str(folder / "a.xml"),
        str(folder / "b.xml"),
        str(FACTURA),
    ]
    # a pattern matching nothing is the name it is, reported as unreadable
    code, out, _ = run(["verify", "--json", str(folder / "*.pdf")], capsys)
    assert code == 2
    assert json.loads(out)[0]["file"] == str(folder / "*.pdf")
    # where the shell expands patterns, what reaches the command is a name: taken as it is
    monkeypatch.setattr(_support_commands, "SHELL_EXPANDS_PATTERNS", True)
    code, out, _ = run(["verify", "--json", str(folder / "*.xml")], capsys)
    assert code == 2
