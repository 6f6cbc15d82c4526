"""`python -m haulmer demo`: the whole story runs against the fake and leaves verifiable files."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from haulmer import sii
from haulmer._demo import READ_NEXT, TERMS, run
from haulmer.cli import main
from haulmer.dte import CodRef
from pdf_reading import barcodes_on_page, page_sizes_mm, ted_bytes_of


def test_demo_json_log_reports_every_step_ok_and_the_files(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run(tmp_path, as_json=True, out=out) == 0
    log = json.loads(out.getvalue())
    assert log["ok"] is True
    assert all(step["ok"] for step in log["steps"])
    names = [step["step"] for step in log["steps"]]
    assert "wait for the SII certification" in names
    assert "issue a nota de crédito (61) that annuls the factura" in names
    inbox = next(step for step in log["steps"] if step["step"] == "read the buyer's inbox")
    assert inbox["emails"][0] == "Compra exitosa"
    assert len(inbox["emails"]) == 5
    assert len(log["files"]) == 6
    for name in log["files"]:
        assert Path(name).parent == tmp_path


def test_demo_writes_signed_xml_that_verifies_and_pdfs(tmp_path: Path) -> None:
    assert run(tmp_path, out=io.StringIO()) == 0
    xml_files = sorted(tmp_path.glob("*.xml"))
    assert [p.name.split("-folio-")[0] for p in xml_files] == [
        "boleta-39",
        "factura-33",
        "nota-credito-61",
    ]
    for path in xml_files:
        assert sii.verify(path.read_bytes()).ok
        pdf = path.with_suffix(".pdf").read_bytes()
        assert pdf.startswith(b"%PDF-")
        assert barcodes_on_page(pdf) == [ted_bytes_of(path.read_bytes())]
        paper_width = round(page_sizes_mm(pdf)[0][0])
        assert paper_width == (80 if path.name.startswith("boleta") else 216)
    note = sii.parse((tmp_path / "nota-credito-61-folio-1.xml").read_bytes())
    (reference,) = note.referencias
    assert reference.cod_ref == CodRef.ANULA
    assert reference.tipo_doc_ref == "33"
    assert reference.folio_ref == "1"
    factura = sii.parse((tmp_path / "factura-33-folio-1.xml").read_bytes())
    assert reference.fecha_ref == factura.encabezado.id_doc.fecha_emision


def test_demo_human_output_explains_each_stage(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run(tmp_path, out=out) == 0
    text = out.getvalue()
    for heading in ["Purchase", "E-mails", "Haulmer Accounts", "Workspace", "SII certification"]:
        assert heading in text
    assert "Everything worked" in text
    assert " x " not in text


def test_demo_explains_each_chilean_term_in_one_line_and_says_what_to_read_next(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    assert run(tmp_path, out=out) == 0
    text = out.getvalue()
    glossary = text.split("Chilean words you will meet:\n", 1)[1].split("\n\n", 1)[0]
    lines = glossary.splitlines()
    assert len(lines) == len(TERMS)
    for (term, meaning), line in zip(TERMS, lines, strict=True):
        assert line.split() == [*term.split(), *meaning.split()]
    for term in ("SII", "RUT", "razón social", "giro", "DTE", "folio", "timbre (TED)"):
        assert any(known == term for known, _ in TERMS)
    reading = text.split("What to read next", 1)[1]
    root = Path(__file__).resolve().parent.parent
    for _, where in READ_NEXT:
        assert where in reading
        assert (root / where).is_file(), where


def test_demo_exit_code_is_not_zero_when_a_step_fails(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should go")
    out = io.StringIO()
    assert run(blocker, as_json=True, out=out) == 1
    log = json.loads(out.getvalue())
    assert log["ok"] is False
    assert log["steps"][-1]["ok"] is False
    assert "error" in log["steps"][-1]


def test_cli_demo_runs_as_a_module(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "haulmer", "demo", "--json", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True


def test_cli_main_dispatches_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert "Everything worked" in capsys.readouterr().out


def test_demo_stops_quietly_when_its_reader_goes_away(tmp_path: Path) -> None:
    reader = subprocess.Popen(
        [sys.executable, "-m", "haulmer", "demo", "--out", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None
    reader.stdout.readline()
    reader.stdout.close()
    _, stderr = reader.communicate()
    assert b"Traceback" not in stderr
    assert b"BrokenPipeError" not in stderr


def test_demo_makes_the_first_sale_at_the_point_of_sale_and_a_support_ticket(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    assert run(tmp_path, as_json=True, out=out) == 0
    steps = {step["step"]: step for step in json.loads(out.getvalue())["steps"]}
    sale = steps["sell at the point of sale"]
    assert sale["ok"]
    assert sale["total"] == 10_565  # 1.5 kg x 1.990 + 2 x 1.290 (IVA and 10% inside) + 5.000
    assert "signature and timbre verified" in sale["summary"]
    assert steps["open a support ticket"]["ok"]
    assert steps["read support's answer"]["messages"] == 2


def test_demo_says_what_stopped_it_outside_any_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.errors import ConfigurationError
    from haulmer.testing import FakeHaulmer

    def refuse(self: FakeHaulmer, **kwargs: Any) -> Any:
        raise ConfigurationError("the client cannot start here")

    monkeypatch.setattr(FakeHaulmer, "client", refuse)  # stops the demo before any step
    out = io.StringIO()
    assert run(tmp_path, as_json=True, out=out) == 1
    log = json.loads(out.getvalue())
    assert log["ok"] is False
    assert log["error"] == "ConfigurationError: the client cannot start here"
    text = io.StringIO()
    assert run(tmp_path, out=text) == 1
    assert "the client cannot start here" in text.getvalue()
    assert "failed step above" not in text.getvalue()


def test_the_real_services_variables_do_not_stop_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAULMER_ENVIRONMENT", "bogus")
    monkeypatch.setenv("HAULMER_BASE_URL", "https://api.example.invalid")
    out = io.StringIO()
    assert run(tmp_path, as_json=True, out=out) == 0
    assert json.loads(out.getvalue())["ok"] is True


def test_demo_ignores_a_shared_rate_limiter_named_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an ERP's shell may name its Redis limiter; the demo talks to the fake in memory only
    monkeypatch.setenv("HAULMER_RATE_LIMIT_URL", "redis://127.0.0.1:9/0")
    out = io.StringIO()
    assert run(tmp_path, as_json=True, out=out) == 0, out.getvalue()


def test_demo_json_log_is_json_a_utf8_reader_takes_on_a_cp1252_output(tmp_path: Path) -> None:
    written = io.BytesIO()
    stream = io.TextIOWrapper(written, encoding="cp1252")
    assert run(tmp_path, as_json=True, out=stream) == 0
    stream.flush()
    log = json.loads(written.getvalue())
    assert any("Panadería Ana" in str(step.get("summary")) for step in log["steps"])


@pytest.mark.parametrize("inside", [False, True])
def test_demo_out_that_is_a_file_is_named_as_one_with_what_to_give_instead(
    inside: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # it said "FileExistsError: [Errno 17] File exists: 'x'" (or NotADirectoryError for a folder
    # inside a file): a user who asked for files there is told only that something exists
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where the output folder should go")
    out = blocker / "demo" if inside else blocker
    assert main(["demo", "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert f"--out {out}: {blocker} is a file, not a folder" in printed
    assert "Errno" not in printed
    assert blocker.read_text() == "a file where the output folder should go"


def test_every_glossary_word_the_story_uses_is_explained_before_it_starts(
    tmp_path: Path,
) -> None:
    # the quickstart says the demo explains every Chilean term it uses; it printed "neto 42210,
    # IVA 8020" and products "afecto" and "exento" without a word on any of them
    import re

    root = Path(__file__).resolve().parent.parent
    glossary = (root / "docs" / "glossary.md").read_text(encoding="utf-8")
    haulmer_names = {"OpenFactura", "Workspace", "MyHaulmer", "Point", "total"}
    words = {
        word
        for entry in re.findall(r"^\| \*\*(.+?)\*\*", glossary, flags=re.MULTILINE)
        for word in re.split(r", | / ", entry)
        if word not in haulmer_names
    } | {"afecto"}
    out = io.StringIO()
    assert run(tmp_path, out=out) == 0
    story = out.getvalue().split("\n== 1.", 1)[1]
    explained = " ".join(term for term, _ in TERMS)
    used = {word for word in words if re.search(rf"\b{re.escape(word)}\b", story)}
    assert {"IVA", "neto", "exento", "afecto", "folio"} <= used
    assert [word for word in sorted(used) if word not in explained] == []


def test_demo_out_written_with_an_equals_sign_and_a_tilde_is_in_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # bash expands ~ in "--out ~/demo" but not in "--out=~/demo": the demo made a folder named
    # "~" in the current one and said "Files written to ~/demo/", where ls ~/demo found nothing
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)
    assert main(["demo", "--out=~/demo"]) == 0
    assert len(list((home / "demo").glob("*.xml"))) == 3
    assert not (cwd / "~").exists()
    assert f"Files written to {home / 'demo'}/" in capsys.readouterr().out
