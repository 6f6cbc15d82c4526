"""The RUT row: ``Rut.is_valid`` on mixed inputs against python-stdnum's ``cl.rut.is_valid``."""

from __future__ import annotations

import random
import time
from functools import cache

from benchmarks.harness import Measurement, Row, Skipped, interleaved


@cache
def mixed_inputs(count: int = 100_000) -> list[str]:
    """RUTs as people and ERPs write them: canonical, dotted, lower k, wrong digit, junk."""
    from haulmer.rut import Rut

    chooser = random.Random(20261206)
    inputs: list[str] = []
    for _ in range(count):
        number = chooser.randint(1_000_000, 99_999_999)
        dv = Rut.compute_dv(number)
        form = chooser.randrange(6)
        if form == 0:
            inputs.append(f"{number}-{dv}")
        elif form == 1:
            inputs.append(f"{number:,}".replace(",", ".") + f"-{dv}")
        elif form == 2:
            inputs.append(f"{number}{dv.lower()}")
        elif form == 3:
            wrong = "0" if dv != "0" else "1"
            inputs.append(f"{number}-{wrong}")
        elif form == 4:
            inputs.append(f" {number}-{dv} ")
        else:
            inputs.append(chooser.choice(["", "abc", "12.34-5", "1-", "K-1", f"{number}--{dv}"]))
    return inputs


def measure_rut(quick: bool) -> Measurement:
    """Validate every input once per call, ours against stdnum's."""
    try:
        from stdnum.cl import rut as stdnum_rut
    except ImportError as exc:
        raise Skipped("python-stdnum is not installed") from exc
    from haulmer.rut import Rut

    inputs = mixed_inputs(10_000 if quick else 100_000)
    is_valid = Rut.is_valid
    theirs_is_valid = stdnum_rut.is_valid

    def ours() -> None:
        for text in inputs:
            is_valid(text)

    def theirs() -> None:
        for text in inputs:
            theirs_is_valid(text)

    measured = interleaved(
        ours,
        theirs,
        rounds=5 if quick else 11,
        seconds=1.0 if quick else 6.0,
        clock=time.process_time,
    )
    return Measurement(measured.ours, measured.reference, note=f"{len(inputs):,} inputs")


ROWS = [
    Row(
        "Rut.is_valid, mixed inputs",
        "python-stdnum cl.rut.is_valid",
        4.0,
        measure_rut,
        faster_by=True,
        group="rut",
    ),
]
