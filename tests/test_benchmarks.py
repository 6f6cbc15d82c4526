"""The benchmark table's machinery: ratios per round, the direction of a target, the rows."""

from __future__ import annotations

import itertools

import pytest
from benchmarks.__main__ import ALL_ROWS, run
from benchmarks.harness import Measurement, Row, RowResult, Skipped, interleaved


def _row(target: float, *, faster_by: bool = False) -> Row:
    return Row("what", "reference", target, lambda quick: Measurement([], []), faster_by=faster_by)


def test_a_slower_by_at_most_row_passes_at_or_below_its_target() -> None:
    measured = Measurement(ours=[1.0, 1.2, 1.4], reference=[1.0, 1.0, 1.0])
    result = RowResult(_row(1.2), measured)
    assert result.ratio == pytest.approx(1.2)
    assert result.spread == (pytest.approx(1.0), pytest.approx(1.4))
    assert result.passed is True
    assert RowResult(_row(1.1), measured).passed is False


def test_a_faster_by_row_shows_reference_over_ours() -> None:
    measured = Measurement(ours=[1.0, 1.0, 1.0], reference=[4.0, 5.0, 6.0])
    result = RowResult(_row(5.0, faster_by=True), measured)
    assert result.ratio == pytest.approx(5.0)
    assert result.passed is True
    assert RowResult(_row(5.5, faster_by=True), measured).passed is False


def test_interleaved_alternates_and_records_a_time_per_round() -> None:
    ticks = itertools.count()
    calls: list[str] = []

    def clock() -> float:
        return float(next(ticks))

    measured = interleaved(
        lambda: calls.append("ours"),
        lambda: calls.append("theirs"),
        rounds=4,
        seconds=4.0,
        clock=clock,
        warmup=False,
    )
    assert len(measured.ours) == len(measured.reference) == 4
    # rounds alternate which side goes first, so a trend in machine load hits both alike
    assert calls[:4] == ["ours", "theirs", "theirs", "ours"]


def test_a_row_that_cannot_run_is_kept_with_its_reason() -> None:
    def missing(quick: bool) -> Measurement:
        raise Skipped("peer not installed")

    (result,) = run([Row("x", "y", 1.0, missing)], quick=True)
    assert result.measurement is None
    assert result.skipped == "peer not installed"
    assert result.passed is None


def test_every_row_of_the_table_is_named_and_has_a_target() -> None:
    names = [(row.what, row.reference) for row in ALL_ROWS]
    assert len(names) == len(set(names))
    assert all(row.target > 0 for row in ALL_ROWS)
    assert len(ALL_ROWS) >= 14


def test_the_verify_floor_makes_every_check_it_counts_on_the_real_files() -> None:
    # The floor's RSA checks raise when they fail: one run proves it did the whole work.
    from benchmarks.rows_sii import _real_files, _verify_floor

    files = _real_files()
    assert len(files) == 4
    _verify_floor(files)()


def test_the_emission_floor_stamps_and_signs_and_the_bare_post_reads_an_answer() -> None:
    from benchmarks.rows_fake import _bare_httpx_post, _boleta, _emission_floor, _fake

    from haulmer.sii import verify
    from haulmer.testing.caf import make_test_caf
    from haulmer.testing.certificates import make_test_certificate

    fake = _fake()
    document = _boleta(fake, 1)
    caf = make_test_caf(
        rut="76795561-8", razon_social="HAULMER SPA", dte_type=39, issued_on=fake.clock.today()
    )
    signed = _emission_floor(document, caf, make_test_certificate())()
    assert isinstance(signed, bytes)
    assert verify(signed).ok
    assert _bare_httpx_post(document)() == {"TOKEN": "t"}
