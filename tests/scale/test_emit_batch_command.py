"""``haulmer emit-batch``: a file of sales issued resumably, even when killed with SIGKILL."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from haulmer._batch_command import read_sales
from haulmer._models import encode_json
from haulmer.cli import main
from haulmer.journal import JournalEntry, SQLiteJournal
from haulmer.testing import SANDBOX_API_KEY, FakeHaulmer, serve

from .sales import sales
from .servers import ROOT


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def _command(url: str, batch: Path, journal: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "haulmer", "emit-batch", str(batch), "--journal", str(journal),
        "--base-url", url, "--environment", "sandbox", *extra,
    ]  # fmt: skip


def _env() -> dict[str, str]:
    env = {**os.environ, "HAULMER_API_KEY": SANDBOX_API_KEY, "PYTHONPATH": str(ROOT)}
    env.pop("HAULMER_RATE_LIMIT_URL", None)
    return env


def test_a_file_is_issued_with_progress_then_a_rerun_issues_nothing(tmp_path: Path) -> None:
    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    batch, journal = tmp_path / "sales.jsonl", tmp_path / "journal.db"
    rows: list[dict[str, object]] = list(sales(6, fake.clock.today()))
    rows[3] = {"id": "broken", "document": {"Encabezado": {}}}
    _write(batch, rows)
    with serve(fake, port=0) as url:
        first = subprocess.run(
            _command(url, batch, journal), env=_env(), capture_output=True, text=True
        )
        second = subprocess.run(
            _command(url, batch, journal), env=_env(), capture_output=True, text=True
        )
    assert first.returncode == 1, first.stderr  # one sale failed
    lines = [json.loads(line) for line in first.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["issued"] * 3 + ["failed"] + ["issued"] * 2
    assert lines[3]["error"].startswith("DocumentError")
    assert "6/6" in first.stderr
    assert "1 of 6 sales failed" in first.stderr
    assert SANDBOX_API_KEY not in first.stderr + first.stdout
    again = [json.loads(line) for line in second.stdout.splitlines()]
    assert [line["status"] for line in again].count("already_issued") == 5
    assert len(fake.openfactura_state.documents) == 5


def test_an_unreadable_file_sends_nothing(tmp_path: Path) -> None:
    batch = tmp_path / "sales.jsonl"
    batch.write_text('{"id": "a", "document": {}}\nnot json\n', encoding="utf-8")
    done = subprocess.run(
        _command("http://127.0.0.1:9", batch, tmp_path / "j.db"),
        env=_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "line 2: not JSON" in done.stderr


def test_killed_three_times_then_rerun_every_sale_is_issued_exactly_once(tmp_path: Path) -> None:
    """500 sales; the batch is killed with SIGKILL at random points three times (with emissions
    in flight), then run to the end: 500 documents, none twice, and the journal agrees."""
    fake = FakeHaulmer(request_log_size=None)
    fake.control.rate_limit(None)  # this test is about crashes; the limit has its own tests
    batch, journal = tmp_path / "sales.jsonl", tmp_path / "journal.db"
    rows = sales(500, fake.clock.today())
    _write(batch, rows)
    rng = random.Random(500)
    with serve(fake, port=0) as url:
        for _ in range(3):
            issued_before = len(fake.openfactura_state.documents)
            kill_after = rng.randrange(20, 110)  # documents issued in this run, then SIGKILL
            with subprocess.Popen(  # the with closes the pipe once the run is killed
                _command(url, batch, journal, "--concurrency", "8", "--rate-limit", "off"),
                env=_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            ) as run:
                assert run.stdout is not None
                for line in run.stdout:
                    if json.loads(line)["status"] == "issued":
                        kill_after -= 1
                        if kill_after == 0:
                            break
                run.send_signal(signal.SIGKILL)
                run.wait()
            assert len(fake.openfactura_state.documents) > issued_before
        final = subprocess.run(
            _command(url, batch, journal, "--concurrency", "8", "--rate-limit", "off"),
            env=_env(),
            capture_output=True,
            text=True,
        )
    assert final.returncode == 0, final.stderr
    results = [json.loads(line) for line in final.stdout.splitlines()]
    assert [r["id"] for r in results] == [row["id"] for row in rows]
    documents = fake.openfactura_state.documents
    assert len(documents) == 500
    assert len({d.token for d in documents}) == 500
    assert sorted(d.folio for d in documents) == list(range(1, 501))
    by_token = {d.token: d.folio for d in documents}
    with SQLiteJournal(journal) as recorded:
        entries = list(recorded.entries())
    assert len(entries) == 500
    assert all(e.state == "issued" for e in entries)
    assert {e.token: e.folio for e in entries} == by_token  # the journal agrees with the fake
    assert {r["token"] for r in results} == set(by_token)
    # Each sale was sent under its own id, and the fake issued one document per id.
    keys = [
        r.headers.get("idempotency-key")
        for r in fake.requests.for_route("openfactura.documents.emit")
        if r.status == 200
    ]
    assert sorted(set(keys)) == sorted(row["id"] for row in rows)
    replays = [r for r in fake.requests.for_route("openfactura.documents.emit") if r.status == 400]
    print(f"{len(replays)} emissions in flight at a kill were answered OF-06 on the rerun")


@pytest.fixture(autouse=True)
def _no_shared_limiter_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)


@pytest.mark.parametrize(
    "line", ['{"id": 1' + "0" * 5000 + "}", "[" * 100_000 + "]" * 100_000], ids=["long", "deep"]
)
def test_a_line_python_cannot_decode_is_named_not_a_traceback(tmp_path: Path, line: str) -> None:
    # int() refuses 5,000 digits (ValueError) and the decoder recurses on deep nesting
    # (RecursionError): neither is a JSONDecodeError.
    batch = tmp_path / "sales.jsonl"
    batch.write_text('{"id": "a", "document": {}}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: not JSON a sale can be"):
        read_sales(str(batch))


def test_a_file_with_no_line_ends_is_refused_at_its_first_four_mebibytes(tmp_path: Path) -> None:
    # /dev/zero, a binary, a JSON array on one line of megabytes: read no further than a line.
    batch = tmp_path / "sales.jsonl"
    batch.write_bytes(b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(ValueError, match=r"line 1: longer than 4 MiB; no sale is that long"):
        read_sales(str(batch))


def test_what_windows_tools_write_is_read_a_bom_and_crlf_line_ends(tmp_path: Path) -> None:
    batch = tmp_path / "sales.jsonl"
    batch.write_bytes(
        b'\xef\xbb\xbf{"id": "a", "document": {}}\r\n\r\n{"id": "b", "document": {}}\r\n'
    )
    assert [sale["id"] for sale in read_sales(str(batch))] == ["a", "b"]


def test_a_line_separator_inside_a_json_string_does_not_cut_the_line(tmp_path: Path) -> None:
    # JSON allows U+2028 and U+2029 raw in a string; they end no line of a JSON-lines file.
    batch = tmp_path / "sales.jsonl"
    batch.write_text('{"id": "a\u2028b", "document": {}}\n', encoding="utf-8")
    assert [sale["id"] for sale in read_sales(str(batch))] == ["a\u2028b"]


def test_a_line_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    batch = tmp_path / "sales.jsonl"
    batch.write_bytes(b'{"id": "a", "document": {}}\n{"id": "\xf1"}\n')
    with pytest.raises(ValueError, match=r"line 2: not UTF-8"):
        read_sales(str(batch))


def test_a_utf16_file_is_named_as_utf16_with_what_to_do(tmp_path: Path) -> None:
    # PowerShell 5's "> sales.jsonl" writes UTF-16 with a BOM
    batch = tmp_path / "sales.jsonl"
    batch.write_bytes('{"id": "a", "document": {}}\r\n'.encode("utf-16"))
    with pytest.raises(ValueError, match=r"line 1: UTF-16, not UTF-8; save the file as UTF-8"):
        read_sales(str(batch))


def test_a_missing_file_is_named_in_plain_words(tmp_path: Path) -> None:
    missing = tmp_path / "sales.jsonl"
    with pytest.raises(ValueError) as refused:
        read_sales(str(missing))
    assert str(refused.value) == f"cannot read {missing}: No such file or directory"


def test_a_dash_reads_the_sales_from_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    piped = io.TextIOWrapper(
        io.BytesIO(b'{"id": "a", "document": {}}\n{"id": "b", "document": {}}\n')
    )
    monkeypatch.setattr(sys, "stdin", piped)
    assert [sale["id"] for sale in read_sales("-")] == ["a", "b"]


class _FillsUpAfterTwoAttempts(SQLiteJournal):
    """A journal whose disk fills up once two sales' attempts are recorded."""

    def record_attempt(self, sale_id: str, idempotency_key: str) -> JournalEntry:
        entry = super().record_attempt(sale_id, idempotency_key)
        if entry.sale_id == "sale-00001":
            self._here.execute("PRAGMA query_only = 1")
        return entry


def test_a_journal_that_fills_up_part_way_names_the_document_and_how_far_it_got(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    batch, journal = tmp_path / "sales.jsonl", tmp_path / "journal.db"
    _write(batch, list(sales(4, fake.clock.today())))
    monkeypatch.setattr("haulmer.journal.SQLiteJournal", _FillsUpAfterTwoAttempts)
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    with serve(fake, port=0) as url:
        code = main(_command(url, batch, journal, "--concurrency", "1", "--quiet")[3:])
    out, err = capsys.readouterr()
    assert code == 2
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["sale-00000"]
    second = fake.openfactura_state.documents[1]
    assert f"the sale on line 2 ('sale-00001') was issued (token {second.token}" in err
    assert "stopped after 1 of 4 sales" in err
    assert "Traceback" not in err


def test_a_result_lines_error_names_its_sale_by_the_line_it_is_on_as_the_line_field_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command counts lines from 1; emit_many's messages named the sale by its index from
    0 ("sale 1" for the sale on line 3), so a message and its line disagreed."""
    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    first, second = sales(2, fake.clock.today())
    batch = tmp_path / "sales.jsonl"
    batch.write_text(
        "\n" + json.dumps(first) + "\n" + json.dumps({**second, "id": first["id"]}) + "\n",
        encoding="utf-8",
    )  # a blank first line: the sales are on lines 2 and 3
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    with serve(fake, port=0) as url:
        code = main(_command(url, batch, tmp_path / "j.db", "--quiet")[3:])
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1
    assert [(r["line"], r["status"]) for r in results] == [(2, "issued"), (3, "failed")]
    assert results[1]["error"].startswith(
        f"ValidationError: the sale on line 3: the id {first['id']!r} came before in this batch"
    )
    assert "sale 1" not in results[1]["error"]


def test_result_lines_are_json_a_utf8_reader_takes_on_a_cp1252_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    batch, journal = tmp_path / "sales.jsonl", tmp_path / "journal.db"
    rows: list[dict[str, object]] = list(sales(1, dt.date(2026, 1, 5)))
    rows[0]["id"] = "venta-ñandú"  # refused before sending: its line quotes it
    _write(batch, rows)
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    written = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(written, encoding="cp1252"))
    code = main(_command("http://127.0.0.1:9", batch, journal, "--quiet")[3:])
    sys.stdout.flush()
    assert code == 1
    assert "'venta-ñandú'" in json.loads(written.getvalue())["error"]


def _refused_before_sending(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *extra: str,
) -> str:
    """What emit-batch says on stderr of a command line it refuses (exit status 2), sending
    nothing: its base URL listens nowhere."""
    batch = tmp_path / "sales.jsonl"
    _write(batch, list(sales(1, dt.date(2026, 1, 5))))
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    argv = _command("http://127.0.0.1:9", batch, tmp_path / "j.db", "--quiet", *extra)[3:]
    assert main(argv) == 2  # argparse's usage error, returned as main() returns any status
    assert not (tmp_path / "j.db").exists()
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "said", "not_said"),
    [
        (("--concurrency", "0"), "argument --concurrency: 1 to 64", "concurrency="),
        (("--concurrency", "many"), "argument --concurrency: 1 to 64", "invalid int"),
        (("--max-retries", "-1"), "argument --max-retries: 0 or more", "max_retries"),
        (("--key", ""), "argument --key: the name of the field", "key="),
        (("--document", ""), "argument --document: the name of the field", "document="),
        (("--environment", "prod"), "argument --environment: invalid choice", "base_urls"),
        (("--base-url", "ftp://x"), "argument --base-url: an http:// or https:// URL", "base_urls"),
    ],
)
def test_emit_batch_refuses_its_own_arguments_in_its_own_terms(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
    said: str,
    not_said: str,
) -> None:
    """The library's messages (concurrency= must be..., max_retries must be..., key= names how
    to get a sale's id..., base_urls['openfactura'] must be...) named arguments the command line
    does not have."""
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    err = _refused_before_sending(tmp_path, monkeypatch, capsys, *extra)
    assert said in err
    assert not_said not in err


@pytest.mark.parametrize("key", [None, "  "])
def test_emit_batch_without_an_api_key_says_to_set_the_variable(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    key: str | None,
) -> None:
    if key is None:
        monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    else:
        monkeypatch.setenv("HAULMER_API_KEY", key)
    err = _refused_before_sending(tmp_path, monkeypatch, capsys)
    assert err == (
        "haulmer: no API key: set HAULMER_API_KEY to the OpenFactura API key to issue with\n"
    )


def test_result_lines_name_the_file_line_and_what_a_refused_id_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sale whose id was refused came out as "id": null, with a message telling to pass
    key=lambda sale: ... or key= naming the field, which the command line cannot."""
    document = sales(1, dt.date(2026, 1, 5))[0]["document"]
    batch = tmp_path / "sales.jsonl"
    rows: list[dict[str, object] | None] = [
        {"id": "venta-ñandú", "document": document},
        None,  # a blank line
        {"venta": 7, "document": document},
        {"id": "b-1", "documento": document},
        {"id": 1.5, "document": document},
        {"id": "ok-1", "document": document},
    ]
    batch.write_text(
        "".join((json.dumps(row) if row else "") + "\n" for row in rows), encoding="utf-8"
    )
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    with serve(fake, port=0) as url:
        assert main(_command(url, batch, tmp_path / "j.db", "--quiet")[3:]) == 1
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["index"], r["line"], r["id"], r["status"]) for r in results] == [
        (0, 1, "venta-ñandú", "failed"),
        (1, 3, None, "failed"),
        (2, 4, "b-1", "failed"),
        (3, 5, "1.5", "failed"),
        (4, 6, "ok-1", "issued"),
    ]
    errors = [r["error"] for r in results[:4]]
    assert "printable ASCII only" in errors[0]
    assert "--key" in errors[1]
    assert "'id'" in errors[1]
    assert "--document" in errors[2]
    assert "a string or a whole number, got 1.5" in errors[3]
    for error in errors:
        assert "key=" not in error
        assert "document=" not in error
        assert "lambda" not in error


@pytest.mark.parametrize("given", ["ON", "Off", " on "])
def test_rate_limit_on_and_off_are_taken_in_any_case(given: str) -> None:
    """--rate-limit ON was taken for a URL and refused as an unknown rate limiter URL."""
    from haulmer.cli import build_parser

    args = build_parser().parse_args(
        ["emit-batch", "s.jsonl", "--journal", "j.db", "--rate-limit", given]
    )
    assert args.rate_limit is (given.strip().lower() == "on")
    assert build_parser().parse_args(["emit-batch", "s.jsonl", "--journal", "j.db"]).rate_limit


@pytest.mark.parametrize(
    ("given", "echoed"),
    [
        ("bogus", True),
        ("yes", True),
        ("http://localhost:6379", False),
        ("redis:/:s3cret-password@localhost:6379/0", False),  # a mistyped "//"
    ],
)
def test_an_unknown_rate_limit_is_refused_naming_on_off_and_the_urls(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    given: str,
    echoed: bool,
) -> None:
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    err = _refused_before_sending(tmp_path, monkeypatch, capsys, "--rate-limit", given)
    assert "argument --rate-limit: on, off, or the URL of a limiter" in err
    assert "redis://" in err
    assert "memory://" in err
    assert (given in err) is echoed  # a URL may hold a password


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_a_file_without_sales_is_said_on_stderr_with_exit_status_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str,
) -> None:
    """An empty sales file exited 0 with no output at all: an export that wrote nothing looked
    like a batch that was issued."""
    batch = tmp_path / "sales.jsonl"
    batch.write_text(content, encoding="utf-8")
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    code = main(["emit-batch", str(batch), "--journal", str(tmp_path / "j.db"), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    said = f"haulmer: {batch} holds no sales (no line holds a JSON object): nothing to issue"
    assert err == said + "\n"
    assert not (tmp_path / "j.db").exists()


def test_without_environment_the_variables_choose_where_to_issue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """HAULMER_ENVIRONMENT=sandbox and HAULMER_OPENFACTURA_BASE_URL, as on the client: without
    --environment the command must not issue in production."""
    import haulmer

    opened: list[str | None] = []

    class Recorded(haulmer.Haulmer):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            opened.append(self._config.base_urls["openfactura"])
            assert opened[-1] != "https://api.haulmer.com", "would have issued in production"

    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    batch, journal = tmp_path / "sales.jsonl", tmp_path / "journal.db"
    _write(batch, list(sales(2, fake.clock.today())))
    monkeypatch.setattr(haulmer, "Haulmer", Recorded)
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.setenv("HAULMER_ENVIRONMENT", "sandbox")
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    with serve(fake, port=0) as url:
        monkeypatch.setenv("HAULMER_OPENFACTURA_BASE_URL", url)
        code = main(["emit-batch", str(batch), "--journal", str(journal), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert opened == [url]
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["issued"] * 2
    assert len(fake.openfactura_state.documents) == 2


def test_a_limiter_lost_part_way_ends_with_status_2_saying_what_was_issued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit status 2 is not "nothing was sent": a shared limiter that cannot be reached any
    more ends the batch after some sales were issued, and the lines and stderr say which."""
    from haulmer.errors import RateLimiterUnavailableError
    from haulmer.ratelimit import Booking, InProcessRateLimiter

    class LostAtThirdBooking(InProcessRateLimiter):
        booked = 0

        def book(self, bucket: str) -> Booking:
            LostAtThirdBooking.booked += 1
            if LostAtThirdBooking.booked == 3:
                raise RateLimiterUnavailableError("the limiter's store cannot be reached")
            return super().book(bucket)

    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    batch, journal = tmp_path / "sales.jsonl", tmp_path / "journal.db"
    _write(batch, list(sales(4, fake.clock.today())))
    monkeypatch.setattr("haulmer._core.ratelimit_choice.InProcessRateLimiter", LostAtThirdBooking)
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    with serve(fake, port=0) as url:
        code = main(_command(url, batch, journal, "--concurrency", "1", "--quiet")[3:])
    out, err = capsys.readouterr()
    assert code == 2
    issued = [json.loads(line) for line in out.splitlines()]
    assert [line["status"] for line in issued] == ["issued", "issued"]
    assert len(fake.openfactura_state.documents) == 2
    assert "the limiter's store cannot be reached" in err
    assert "stopped after 2 of 4 sales" in err


def test_a_wrong_api_key_stops_at_the_first_sale_with_status_2_and_a_rerun_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One 401 says every sale will be refused: the command stops there, names the sale's line
    and what to fix, and the journal takes the right key on the rerun."""
    wrong = "0123456789abcdef0123456789abcdef"
    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    batch, journal = tmp_path / "sales.jsonl", tmp_path / "journal.db"
    batch.write_text(
        "\n" + "".join(json.dumps(row) + "\n" for row in sales(5, fake.clock.today())),
        encoding="utf-8",
    )  # a blank first line: the first sale is on line 2
    monkeypatch.setenv("HAULMER_API_KEY", wrong)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    with serve(fake, port=0) as url:
        code = main(_command(url, batch, journal, "--concurrency", "1", "--quiet")[3:])
        out, err = capsys.readouterr()
        assert code == 2
        assert out == ""
        assert len(fake.requests.for_route("openfactura.documents.emit")) == 1
        assert "The batch stopped at the sale on line 2 ('sale-00000')" in err
        assert "AuthenticationError" in err
        assert "HAULMER_API_KEY" in err
        assert f"stopped at the sale on line 2 of {batch}" in err
        assert "run the same command again" in err
        assert wrong not in err
        assert "Traceback" not in err
        monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
        code = main(_command(url, batch, journal, "--quiet")[3:])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["issued"] * 5
    assert len(fake.openfactura_state.documents) == 5


@pytest.mark.parametrize(
    ("number", "said"),
    [
        ("NaN", "NaN is no JSON number"),
        ("Infinity", "Infinity is no JSON number"),
        ("-Infinity", "-Infinity is no JSON number"),
        ("1e400", "'1e400' is too large a number"),
    ],
)
def test_a_number_json_does_not_have_stops_the_file_naming_its_line(
    tmp_path: Path, number: str, said: str
) -> None:
    """Python's reader takes NaN and Infinity (and reads 1e400 as Infinity), which JSON does not
    have: in a field the document passes through, the request could not be written, and the
    batch ended at that sale without naming its line."""
    batch = tmp_path / "sales.jsonl"
    batch.write_text(
        '{"id": "a", "document": {}}\n{"id": "b", "document": {"Extra": ' + number + "}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"line 2: ") as refused:
        read_sales(str(batch))
    assert said in str(refused.value)


def test_a_quantity_of_18_digits_is_read_and_sent_with_every_digit(tmp_path: Path) -> None:
    """QtyItem and PrcItem take 12 integer and 6 decimal digits; read as a float, the file's
    quantity lost its last digits, so the document issued was not the one written. A number a
    float holds exactly is read as before."""
    batch = tmp_path / "sales.jsonl"
    batch.write_text(
        '{"id": "a", "document": {"Detalle": [{"QtyItem": 123456789012.123456, "PrcItem": 1.5}]}}'
        "\n",
        encoding="utf-8",
    )
    (sale,) = read_sales(str(batch))
    line = sale["document"]["Detalle"][0]
    assert line == {"QtyItem": Decimal("123456789012.123456"), "PrcItem": 1.5}
    assert type(line["PrcItem"]) is float
    assert b'"QtyItem":123456789012.123456' in encode_json(sale)


@pytest.mark.parametrize(
    "line",
    [
        '{"id": "b", "id": "c", "document": {}}',
        '{"id": "b", "document": {"Folio": 1, "Folio": 2}}',
    ],
)
def test_a_key_given_twice_in_a_sale_stops_the_file_naming_its_line_and_key(
    tmp_path: Path, line: str
) -> None:
    """Python's JSON reader kept the last of two values of one key, without a word; other
    readers keep the first, so the sale sent could differ from the one its author checked."""
    batch = tmp_path / "sales.jsonl"
    batch.write_text('{"id": "a", "document": {}}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: the key '(id|Folio)' appears more than once"):
        read_sales(str(batch))


def test_a_file_of_sales_is_held_as_its_lines_not_as_python_objects(tmp_path: Path) -> None:
    """Every sale was held read into dicts for the whole batch: about eight times the file (a
    50 MB export took 400 MB for the hours its batch lasts). Its lines are kept, and each sale is
    read again when the batch reaches it."""
    import tracemalloc

    from haulmer._batch_command import read_numbered_sales

    batch = tmp_path / "sales.jsonl"
    rows = sales(2_000, dt.date(2026, 1, 5))
    _write(batch, rows)
    size = batch.stat().st_size
    tracemalloc.start()
    try:
        read = read_numbered_sales(str(batch))
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 2 * size, f"{held:,} bytes held for a file of {size:,}"
    assert len(read) == 2_000
    assert read[1_999] == (2_000, rows[1_999])
    assert [sale.sale["id"] for sale in read] == [row["id"] for row in rows]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            '{"id": "a", "document": {"RznSocRecep": "Peñalolén"}}\n'.encode("cp1252"),
            "line 1: not UTF-8 (invalid continuation byte at byte 44): 'ñ' in Latin-1 or "
            "Windows-1252, as Excel and older systems write; save the file as UTF-8 (iconv",
        ),
        (
            '{"id": "a", "document": {}}\n'.encode("utf-16-le"),
            "line 1: holds NUL bytes, which no UTF-8 JSON line does: is the file UTF-16 or "
            "UTF-32? save the file as UTF-8",
        ),
        ('{"id": "a", "document": {}}\n'.encode("utf-32"), "line 1: UTF-32, not UTF-8"),
        (
            b'[{"id": "a", "document": {}}]\n',
            "line 1: the file is one JSON array; emit-batch reads JSON lines, one sale object a "
            "line (jq -c '.[]'",
        ),
        (
            b'{\n  "id": "a",\n  "document": {}\n}\n',
            "line 1: not JSON (Expecting property name enclosed in double quotes, column 3); a "
            "sale takes one line: is the file pretty-printed JSON?",
        ),
        (
            b'# exported 2026-01-05\n{"id": "a", "document": {}}\n',
            "line 1: not JSON (Expecting value, column 1); a JSON-lines file has no comment lines",
        ),
        (
            b'{"id": "a", "document": {}}\r{"id": "b", "document": {}}\r',
            "line 1: not JSON (Extra data, column 29); its lines end with a CR alone",
        ),
    ],
    ids=["windows-1252", "utf-16-without-bom", "utf-32", "array", "pretty", "comment", "cr"],
)
def test_what_an_export_wrote_instead_of_json_lines_is_named_with_what_to_do(
    tmp_path: Path, content: bytes, said: str
) -> None:
    """A Latin-1 ñ was "not UTF-8 (invalid continuation byte)", UTF-16 without a BOM and a
    pretty-printed file "not JSON (Expecting ...)", UTF-32 was named UTF-16, a JSON array "a
    sale is a JSON object, got [...]": none said what the file was or how to save it."""
    batch = tmp_path / "sales.jsonl"
    batch.write_bytes(content)
    with pytest.raises(ValueError) as refused:
        read_sales(str(batch))
    assert said in str(refused.value)


def test_the_error_on_line_5000_names_it_and_its_column_before_anything_is_read_on(
    tmp_path: Path,
) -> None:
    batch = tmp_path / "sales.jsonl"
    good = "".join(f'{{"id": "s{n}", "document": {{}}}}\n' for n in range(4_999))
    batch.write_text(good + '{"id": "x", \n' + '{"id": "y", "document": {}}\n', encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"line 5000: not JSON \(Expecting property name .*, column 14\)"
    ):
        read_sales(str(batch))


def test_a_bom_at_the_start_of_a_later_line_is_read_as_concatenated_files_write_it(
    tmp_path: Path,
) -> None:
    """``cat monday.jsonl tuesday.jsonl`` of two files a Windows tool wrote: the second BOM
    starts line 2, which was refused as "Unexpected UTF-8 BOM (decode using utf-8-sig)"."""
    batch = tmp_path / "sales.jsonl"
    batch.write_bytes(
        b'\xef\xbb\xbf{"id": "a", "document": {}}\r\n\xef\xbb\xbf{"id": "b", "document": {}}'
    )  # no line end after the last sale either
    assert [sale["id"] for sale in read_sales(str(batch))] == ["a", "b"]


def test_a_sale_without_totales_is_told_to_write_them_in_its_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sale's document without Encabezado.Totales was told to call Python's builders or
    Document.from_sii_dict, which a user of the command cannot: its line says to write them."""
    document = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": 39, "FchEmis": "2026-12-07"},
            "Emisor": {"RUTEmisor": "76795561-8", "RznSocEmisor": "HAULMER SPA"},
            "Receptor": {"RUTRecep": "66666666-6"},
        },
        "Detalle": [{"NmbItem": "Pan", "QtyItem": 1, "PrcItem": 1990}],
    }
    batch = tmp_path / "sales.jsonl"
    _write(batch, [{"id": "sale-1", "document": document}])
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    code = main([
        "emit-batch", str(batch), "--journal", str(tmp_path / "j.db"), "--quiet",
        "--base-url", "http://127.0.0.1:9", "--rate-limit", "off",
    ])  # fmt: skip
    out, _ = capsys.readouterr()
    assert code == 1
    (line,) = [json.loads(text) for text in out.splitlines()]
    assert line["status"] == "failed"
    assert line["error"].startswith("DocumentError: the document has no Encabezado.Totales")
    assert "write its Totales (MntNeto, IVA, MntTotal" in line["error"]


class _InterruptedAtFirstLine:
    """Standard output where Ctrl+C comes while the first result line is written."""

    def write(self, text: str) -> int:
        raise KeyboardInterrupt

    def flush(self) -> None:
        pass


def test_interrupted_while_a_result_is_written_the_batch_stops_before_the_client_closes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The batch is stopped first, so no sale it had yet to send meets a closed client: those
    # stay out of the journal (the rerun sends them), none is recorded failed or attempted.
    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    batch, journal = tmp_path / "sales.jsonl", tmp_path / "journal.db"
    _write(batch, list(sales(6, fake.clock.today())))
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    monkeypatch.setattr(sys, "stdout", _InterruptedAtFirstLine())
    with serve(fake, port=0) as url:
        code = main(_command(url, batch, journal, "--concurrency", "4", "--quiet")[3:])
        issued = len(fake.openfactura_state.documents)
    assert code == 130
    with SQLiteJournal(journal) as kept:
        states = {entry.sale_id: entry.state for entry in kept.entries()}
    assert set(states.values()) == {"issued"}
    assert len(states) == issued


def test_a_journal_emit_batch_cannot_use_is_advised_in_its_options_terms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    batch = tmp_path / "sales.jsonl"
    _write(batch, list(sales(1, dt.date(2026, 1, 5))))
    code = main(["emit-batch", str(batch), "--journal", ":memory:", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Name a file, such as --journal emissions.db (created if new)" in err
    assert "SQLiteJournal(" not in err


def test_a_batch_started_with_its_standard_error_closed_issues_its_sales_and_prints_only_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # started with 2>&-, the progress display met no stream: the batch stopped at once with a
    # traceback nobody saw, exit status 1 ("some sales failed"), nothing issued nor printed
    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    batch, journal = tmp_path / "sales.jsonl", tmp_path / "journal.db"
    _write(batch, list(sales(2, fake.clock.today())))
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    monkeypatch.setattr(sys, "stderr", None)
    with serve(fake, port=0) as url:
        code = main(_command(url, batch, journal, "--concurrency", "1")[3:])
    assert sys.stderr is None  # given back as it was
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [r["status"] for r in results] == ["issued", "issued"]
    assert len(fake.openfactura_state.documents) == 2


def test_a_refusal_with_standard_error_closed_leaves_standard_output_to_the_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # print(file=sys.stderr) with no standard error writes to standard output, where a script
    # reads the result lines as JSON
    batch = tmp_path / "sales.jsonl"
    _write(batch, list(sales(1, dt.date(2026, 1, 5))))
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    monkeypatch.setattr(sys, "stderr", None)
    code = main(["emit-batch", str(batch), "--journal", str(tmp_path / "j.db")])
    assert (code, capsys.readouterr().out) == (2, "")


def test_a_rate_limiter_url_from_the_environment_that_names_no_limiter_names_its_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # a shell's stale HAULMER_RATE_LIMIT_URL was refused as "Unknown rate limiter URL" on a
    # command line that names no URL, without saying where the URL came from
    batch = tmp_path / "sales.jsonl"
    _write(batch, list(sales(1, dt.date(2026, 1, 5))))
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.setenv("HAULMER_RATE_LIMIT_URL", "http://user:s3cret@limits.example")
    code = main(_command("http://127.0.0.1:9", batch, tmp_path / "j.db", "--quiet")[3:])
    err = capsys.readouterr().err
    assert code == 2
    assert "HAULMER_RATE_LIMIT_URL" in err
    assert "fix or unset it" in err
    assert "s3cret" not in err
    assert not (tmp_path / "j.db").exists()


def test_a_journal_written_with_an_equals_sign_and_a_tilde_is_in_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # bash expands ~ in "--journal ~/j.db" but not in "--journal=~/j.db": the journal went to a
    # folder named "~" in the current one, where "haulmer journal ~/j.db" never found it
    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    batch = tmp_path / "sales.jsonl"
    _write(batch, list(sales(1, fake.clock.today())))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    with serve(fake, port=0) as url:
        argv = ["emit-batch", str(batch), "--journal=~/j.db", "--base-url", url, "--quiet"]
        assert main([*argv, "--environment", "sandbox"]) == 0
    assert (home / "j.db").is_file()
    assert not (cwd / "~").exists()
    capsys.readouterr()
    assert main(["journal", "~/j.db"]) == 0  # quoted, as a script may pass it
    assert json.loads(capsys.readouterr().out)["state"] == "issued"


@pytest.mark.parametrize("spelled", ["Sandbox", "SANDBOX"])
def test_the_environment_option_reads_a_name_in_any_case_as_the_variable_does(
    spelled: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """HAULMER_ENVIRONMENT=Sandbox is read as sandbox: the option naming the same thing was
    refused as an invalid choice."""
    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    batch = tmp_path / "sales.jsonl"
    _write(batch, list(sales(1, fake.clock.today())))
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    with serve(fake, port=0) as url:
        argv = [*_command(url, batch, tmp_path / "j.db")[3:-1], spelled, "--quiet"]
        assert argv[-3] == "--environment"
        assert main(argv) == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["status"] == "issued"


@pytest.mark.parametrize(
    "pasted",
    [
        SANDBOX_API_KEY[:8] + "\N{NO-BREAK SPACE}" + SANDBOX_API_KEY[8:],  # a bad paste
        SANDBOX_API_KEY[:8] + "\udce9" + SANDBOX_API_KEY[8:],  # a Latin-1 byte in the variable
    ],
    ids=["no-break space", "byte that is no UTF-8"],
)
def test_an_api_key_no_request_can_carry_is_refused_before_the_journal_records_a_sale(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pasted: str,
) -> None:
    """Such a key crashed with a UnicodeEncodeError traceback, or tied the journal to itself
    with every sale recorded as sent (nothing was): fixed, the rerun was refused as another
    API key's batch."""
    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    batch, journal = tmp_path / "sales.jsonl", tmp_path / "journal.db"
    _write(batch, list(sales(3, fake.clock.today())))
    monkeypatch.setenv("HAULMER_API_KEY", pasted)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    with serve(fake, port=0) as url:
        code = main(_command(url, batch, journal, "--quiet")[3:])
        out, err = capsys.readouterr()
        assert code == 2
        assert out == ""
        assert "The API key (api_key= or HAULMER_API_KEY)" in err
        assert "Traceback" not in err
        assert SANDBOX_API_KEY[8:] not in err
        assert not fake.requests.for_route("openfactura.documents.emit")
        with SQLiteJournal(journal) as written:
            assert list(written.entries()) == []
        monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
        code = main(_command(url, batch, journal, "--quiet")[3:])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["issued"] * 3


def test_a_journal_given_as_the_sales_file_is_named_as_a_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The two files swapped (emit-batch emisiones.db --journal ventas.jsonl) was told "holds NUL
    bytes ... is the file UTF-16 or UTF-32? save the file as UTF-8", a conversion that would
    have destroyed the journal."""
    journal, batch = tmp_path / "emisiones.db", tmp_path / "ventas.jsonl"
    with SQLiteJournal(journal) as written:
        written.record_attempt("venta-1", "venta-1")
    _write(batch, list(sales(1, dt.date(2026, 1, 5))))
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    kept = batch.read_bytes()
    code = main(["emit-batch", str(journal), "--journal", str(batch), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err == (
        f"haulmer: {journal}, line 1: an SQLite database (an emit-batch journal?), not a "
        "JSON-lines file of sales; give the sales file first and the journal after --journal\n"
    )
    assert batch.read_bytes() == kept


def test_a_sale_to_settle_by_hand_is_not_told_to_be_retried_by_running_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sale first sent two days ago whose answer was never learnt is not sent again by any
    rerun; the final message told to run the command again to retry it. It now says that the
    rerun does not send it and how to settle it, as haulmer journal lists it."""
    import time

    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    rows = sales(2, fake.clock.today())
    batch, journal = tmp_path / "sales.jsonl", tmp_path / "j.db"
    _write(batch, list(rows))
    with SQLiteJournal(journal, clock=lambda: time.time() - 2 * 86400) as killed:
        killed.record_attempt(rows[0]["id"], rows[0]["id"])  # a run killed two days ago
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    with serve(fake, port=0) as url:
        code = main(_command(url, batch, journal, "--quiet")[3:])
    out, err = capsys.readouterr()
    assert code == 1
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["failed", "issued"]
    assert "1 of 2 sales failed" in err
    assert "retry them" not in err
    assert "1 of them a rerun does not send" in err
    assert f"haulmer journal {journal}" in err
    assert len(fake.openfactura_state.documents) == 1


def test_a_batch_stopped_part_way_on_a_terminal_says_why_on_a_line_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The progress bar redrawn on a terminal ends its line only at the last sale: a batch
    stopped before it (a key refused) printed its message on the bar's line, after "s left"."""
    import io

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = FakeHaulmer()
    fake.control.rate_limit(None)
    batch, journal = tmp_path / "sales.jsonl", tmp_path / "j.db"
    rows = list(sales(3, fake.clock.today()))
    monkeypatch.setenv("HAULMER_API_KEY", SANDBOX_API_KEY)
    monkeypatch.delenv("HAULMER_RATE_LIMIT_URL", raising=False)
    terminal = Terminal()
    with serve(fake, port=0) as url:
        _write(batch, rows[:1])
        assert main(_command(url, batch, journal, "--quiet")[3:]) == 0
        _write(batch, rows)
        fake.control.fail_next("openfactura.documents.emit", status=401, times=10)
        monkeypatch.setattr(sys, "stderr", terminal)
        code = main(_command(url, batch, journal, "--concurrency", "1")[3:])
    shown = terminal.getvalue()
    assert code == 2
    assert "\r[" in shown  # the bar was drawn, then the refusal
    assert "The batch stopped at the sale on line 2" in shown
    lines = shown.split("\n")  # not splitlines(), which cuts at the bar's "\r" too
    assert all(line.startswith("haulmer: ") or "haulmer: " not in line for line in lines), shown
