"""Four processes sharing one API key and one Redis keep, together, to 3 requests/s and 100/min.

Real time, real processes, a real redis-server, the fake's HTTP server with its rate limit on
(as Haulmer's). The quick case (24 boletas, about 8 s) runs in the default suite; the full one
(300 boletas: about 2.5 minutes, the 100/min window twice over) with ``HAULMER_LONG_TESTS=1``,
which ``.ci/run`` runs once. It stays on real time: what it checks is that the shared margin
covers the real spread between a booking and its request's arrival across processes, which a
virtual clock (still while requests travel) would take away.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from haulmer.testing import FakeHaulmer, serve

from .sales import boleta_dict
from .servers import ROOT

PROCESSES = 4


def minimum_seconds(count: int, limits: tuple[tuple[int, float], ...]) -> float:
    """When the last of ``count`` requests can go out at the earliest, the first at 0."""
    sent: list[float] = []
    for _ in range(count):
        at = sent[-1] if sent else 0.0
        for allowed, period in limits:
            if len(sent) >= allowed:
                at = max(at, sent[-allowed] + period)
        sent.append(at)
    return sent[-1]


def most_in_any_window(times: list[float], seconds: float) -> int:
    """The most requests inside any window of ``seconds`` (closed at the start, open at the end)."""
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


LONG = os.environ.get("HAULMER_LONG_TESTS") == "1"


def test_four_processes_share_the_limit_through_redis(fresh_redis: str) -> None:
    total = 300 if LONG else 24
    fake = FakeHaulmer()
    day = fake.clock.today().isoformat()
    # The fake serves one request at a time and counts it when its turn comes: its first boleta
    # (which makes a CAF, a fresh RSA key) would hold the next ones back by a few hundred ms and
    # bunch them up, which Haulmer's gateway, counting on arrival, does not do. Issue it first.
    fake.control.rate_limit(None)
    with fake.client() as warm:
        warm.openfactura.documents.emit(boleta_dict(0, fake.clock.today()), idempotency_key="warm")
    fake.control.rate_limit()  # Haulmer's 3/s and 100/min per key, counted from here
    share = total // PROCESSES
    with serve(fake, port=0) as url:
        started = time.monotonic()
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.scale.emitter",
                    url,
                    fresh_redis,
                    str(n * share),
                    str(share),
                    day,
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(PROCESSES)
        ]
        outputs = [worker.communicate(timeout=600)[0] for worker in workers]
        wall = time.monotonic() - started
    assert [worker.returncode for worker in workers] == [0] * PROCESSES
    lines = [json.loads(line) for output in outputs for line in output.splitlines()]
    assert len(lines) == total
    assert {line["status"] for line in lines} == {
        "issued"
    }  # no 429 (nor anything) reached a caller
    emissions = [
        r
        for r in fake.requests.for_route("openfactura.documents.emit")
        if r.headers.get("idempotency-key", "").startswith("sale-")
    ]
    assert [r.status for r in emissions] == [200] * total  # and the fake never refused one
    times = sorted(r.at.timestamp() for r in emissions)
    assert most_in_any_window(times, 1.0) <= 3
    assert most_in_any_window(times, 60.0) <= 100
    minimum = minimum_seconds(total, ((3, 1.0), (100, 60.0)))
    span = times[-1] - times[0]
    print(
        f"{total} boletas: first to last request {span:.1f} s (minimum {minimum:.0f} s), "
        f"{wall:.1f} s with the processes' start"
    )
    assert minimum <= span <= 1.15 * minimum
