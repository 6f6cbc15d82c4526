"""The benchmark table's machinery: rows, interleaved rounds, medians, spreads and the printout.

Every row compares the SDK with a reference measured in the same run (raw RSA work, a peer
library, a bare httpx call), because the machines are shared and noisy: absolute times mean
little, ratios taken side by side mean something. A round times the SDK and the reference back
to back; the ratio is taken per round, and the table shows its median and its spread.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata

__all__ = [
    "Measurement",
    "Row",
    "RowResult",
    "Skipped",
    "interleaved",
    "machine",
    "print_table",
]


class Skipped(Exception):
    """A row that cannot run here (a peer library is not installed); the reason is shown."""


@dataclass(frozen=True)
class Measurement:
    """Seconds per operation of ours and of the reference, one pair per round (same order)."""

    ours: list[float]
    reference: list[float]
    note: str = ""

    @property
    def ratios(self) -> list[float]:
        """ours / reference, round by round."""
        return [o / r for o, r in zip(self.ours, self.reference, strict=False) if r > 0]


@dataclass(frozen=True)
class Row:
    """One line of the table: what is measured, against what, and the target for the ratio.

    ``target`` is the bound on ``ours / reference``; ``at_most`` says whether the ratio must stay
    below it (slower by at most) or the reference's time over ours must reach it (faster by at
    least: then the ratio shown is reference / ours).
    """

    what: str
    reference: str
    target: float
    measure: Callable[[bool], Measurement]
    faster_by: bool = False
    group: str = ""

    def target_text(self) -> str:
        return f">= {self.target:g}x faster" if self.faster_by else f"<= {self.target:g}x"


@dataclass(frozen=True)
class RowResult:
    """A row's outcome: its measurement, or why it was skipped."""

    row: Row
    measurement: Measurement | None = None
    skipped: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """The median ratio in the row's direction (ours/reference, or reference/ours)."""
        if self.measurement is None or not self.measurement.ratios:
            return None
        ratios = self.measurement.ratios
        if self.row.faster_by:
            ratios = [1 / r for r in ratios]
        return statistics.median(ratios)

    @property
    def spread(self) -> tuple[float, float] | None:
        if self.measurement is None or not self.measurement.ratios:
            return None
        ratios = self.measurement.ratios
        if self.row.faster_by:
            ratios = [1 / r for r in ratios]
        return min(ratios), max(ratios)

    @property
    def passed(self) -> bool | None:
        ratio = self.ratio
        if ratio is None:
            return None
        return ratio >= self.row.target if self.row.faster_by else ratio <= self.row.target


def interleaved(
    ours: Callable[[], object],
    reference: Callable[[], object],
    *,
    rounds: int,
    seconds: float,
    clock: Callable[[], float] = time.perf_counter,
    warmup: bool = True,
) -> Measurement:
    """Time ``ours`` and ``reference`` in alternating rounds; each gets ``seconds`` in all.

    Within a round each is called in batches until its slice is spent; the per-call time of that
    round is recorded. Alternating puts both under the same load of a shared machine.
    """
    if warmup:
        for operation in (ours, reference):
            deadline = clock() + min(0.2, seconds / 10)
            while clock() < deadline:
                operation()
    slice_ = seconds / rounds
    ours_times: list[float] = []
    reference_times: list[float] = []
    for index in range(rounds):
        pair = ((ours, ours_times), (reference, reference_times))
        for operation, times in pair if index % 2 == 0 else reversed(pair):
            count, start = 0, clock()
            while True:
                operation()
                count += 1
                elapsed = clock() - start
                if elapsed >= slice_:
                    break
            times.append(elapsed / count)
    return Measurement(ours_times, reference_times)


def machine() -> str:
    """One line about where the table was taken: cores, Python and the libraries that matter."""
    versions = []
    for name in ("haulmer", "httpx", "pydantic", "lxml", "cryptography", "cl-sii", "python-stdnum"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return (
        f"{platform.machine()} {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()} on {sys.platform}; " + ", ".join(versions)
    )


def _us(seconds: float) -> str:
    if seconds >= 0.1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def print_table(results: Iterable[RowResult], *, out: Callable[[str], None] = print) -> None:
    """The table: what, ours, reference, ratio (median and spread), target, pass or fail."""
    header = (
        f"{'what':<46} {'ours':>10} {'reference':<40} {'ref.':>10} "
        f"{'ratio':>7} {'spread':>13}  {'target':<15} result"
    )
    out(header)
    out("-" * len(header))
    for result in results:
        row = result.row
        if result.measurement is None:
            out(
                f"{row.what:<46} {'':>10} {row.reference:<40} {'':>10} {'':>7} {'':>13}  "
                f"{row.target_text():<15} skipped: {result.skipped}"
            )
            continue
        m = result.measurement
        ratio, spread = result.ratio, result.spread
        assert ratio is not None
        assert spread is not None
        verdict = "pass" if result.passed else "FAIL"
        out(
            f"{row.what:<46} {_us(statistics.median(m.ours)):>10} {row.reference:<40} "
            f"{_us(statistics.median(m.reference)):>10} {ratio:>6.2f}x "
            f"{f'{spread[0]:.2f}-{spread[1]:.2f}':>13}  {row.target_text():<15} {verdict}"
            + (f"  ({m.note})" if m.note else "")
        )
