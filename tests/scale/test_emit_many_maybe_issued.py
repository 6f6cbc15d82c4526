"""A sale whose answer was lost failed, yet its document may exist: the results say so apart from
the sales that issued nothing, so that nobody issues it again under another id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from haulmer.cli import main
from haulmer.openfactura.batch import BatchProgress
from haulmer.testing import SANDBOX_API_KEY, FakeHaulmer, serve

from .sales import sales

EMIT = "openfactura.documents.emit"


def test_a_lost_answer_is_reported_as_may_have_been_issued_and_counted(tmp_path: Path) -> None:
    fake = FakeHaulmer()
    batch = sales(3, fake.clock.today())
    batch[2]["document"] = {"Encabezado": {}}  # fails before anything is sent
    fake.control.drop_connection(EMIT, when="after")  # the first sale: issued, answer lost
    progress: list[BatchProgress] = []
    with fake.client() as client:
        results = list(
            client.openfactura.documents.emit_many(
                batch,
                journal=tmp_path / "j.db",
                max_retries=0,
                concurrency=1,
                on_progress=progress.append,
            )
        )
    assert [r.status for r in results] == ["failed", "issued", "failed"]
    assert [r.may_have_been_issued for r in results] == [True, False, False]
    assert (progress[-1].failed, progress[-1].may_have_been_issued) == (2, 1)


def test_the_command_marks_a_lost_answers_line_and_says_how_to_get_its_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    fake.control.drop_connection(EMIT, when="after")
    batch = tmp_path / "sales.jsonl"
    batch.write_text(
        "".join(json.dumps(sale) + "\n" for sale in sales(2, fake.clock.today())),
        encoding="utf-8",
    )
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    with serve(fake, port=0) as url:
        code = main([
            "emit-batch", str(batch), "--journal", str(tmp_path / "j.db"), "--base-url", url,
            "--environment", "sandbox", "--max-retries", "0", "--concurrency", "1", "--quiet",
        ])  # fmt: skip
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [(line["status"], line["may_have_been_issued"]) for line in lines] == [
        ("failed", True),
        ("issued", False),
    ]
    assert "1 of 2 sales failed" in err
    assert "1 of them may have been issued" in err
    assert "never under another id" in err
