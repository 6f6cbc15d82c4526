"""Rows for the call path: the SDK over loopback against bare httpx on the same server.

Both talk to ``benchmarks.loopback_server`` in another process; the ratio is what the SDK adds
(request building, headers, the retry loop, decoding into models) to httpx's own work. The sync
row is timed in wall time, one call after another; the async row in the client's CPU (process
time), where 100 calls in flight on two cores make wall time swing with the server's share.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.harness import Measurement, Row, interleaved

RUT = "76795561-8"


@contextlib.contextmanager
def loopback_server() -> Iterator[str]:
    """Start the loopback server in a subprocess; yield its base URL; stop it afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.loopback_server"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def measure_sync_call(quick: bool) -> Measurement:
    """``taxpayer.retrieve()`` against ``httpx.Client.get(...).json()`` (wall time)."""
    import httpx

    from haulmer import Haulmer

    with loopback_server() as url:
        client = Haulmer(api_key="bench-key", base_urls={"openfactura": url}, max_retries=0)
        bare = httpx.Client(base_url=url, headers={"apikey": "bench-key"})
        path = f"/v2/dte/taxpayer/{RUT}"
        try:
            return interleaved(
                lambda: client.openfactura.taxpayer.retrieve(RUT),
                lambda: bare.get(path).json(),
                rounds=5 if quick else 15,
                seconds=1.0 if quick else 6.0,
            )
        finally:
            client.close()
            bare.close()


def measure_async_calls(quick: bool) -> Measurement:
    """1,000 ``taxpayer.retrieve()`` with 100 in flight, against bare ``httpx.AsyncClient``.

    Both pools are warmed over a few batches first: a new pool of 100 connections takes several
    batches to settle, and a round timed before that measures the warming, not the calls.
    """
    import httpx

    from haulmer import AsyncHaulmer

    calls, in_flight = (300, 100) if quick else (1_000, 100)
    rounds = 5 if quick else 9
    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)

    async def batch(call: object) -> float:
        semaphore = asyncio.Semaphore(in_flight)

        async def one() -> None:
            async with semaphore:
                await call()  # type: ignore[operator]

        start = time.process_time()
        await asyncio.gather(*(one() for _ in range(calls)))
        return (time.process_time() - start) / calls

    async def run(url: str) -> Measurement:
        client = AsyncHaulmer(
            api_key="bench-key",
            base_urls={"openfactura": url},
            max_retries=0,
            http_client=httpx.AsyncClient(limits=limits),
        )
        bare = httpx.AsyncClient(base_url=url, headers={"apikey": "bench-key"}, limits=limits)
        path = f"/v2/dte/taxpayer/{RUT}"

        async def ours() -> None:
            await client.openfactura.taxpayer.retrieve(RUT)

        async def theirs() -> None:
            (await bare.get(path)).json()

        try:
            for _ in range(4):  # warm both pools: each takes a few batches to settle
                await batch(ours)
                await batch(theirs)
            ours_times, theirs_times = [], []
            for index in range(rounds):
                if index % 2:
                    theirs_times.append(await batch(theirs))
                    ours_times.append(await batch(ours))
                else:
                    ours_times.append(await batch(ours))
                    theirs_times.append(await batch(theirs))
            return Measurement(
                ours_times, theirs_times, note=f"{calls} calls, {in_flight} in flight"
            )
        finally:
            await client.aclose()
            await bare.aclose()

    with loopback_server() as url:
        return asyncio.run(run(url))


ROWS = [
    Row(
        "sync taxpayer.retrieve() over loopback",
        "bare httpx.Client GET + .json()",
        1.15,
        measure_sync_call,
        group="transport",
    ),
    Row(
        "async, 100 in flight",
        "bare httpx.AsyncClient, same",
        1.15,
        measure_async_calls,
        group="transport",
    ),
]
