"""A process forked while another thread holds one of the SDK's locks goes on in the child: the
rate limiter, the fake (its request lock, its clock, its platform state, its outbox and request
log) and the SII engine's caches make their locks again there, instead of waiting forever for a
thread that the child does not have."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import Any

import pytest

from haulmer._forks import ForkSafeLock
from haulmer.ratelimit import InProcessRateLimiter
from haulmer.testing import FakeHaulmer

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform"),
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]

CHILD_DEADLINE = 20
"""Seconds a child may take before SIGALRM ends it: a child that waits on a lock held by no
thread of its own never finishes otherwise."""


def _forked_while_held(lock: Any, work: Callable[[], object]) -> str:
    """Fork while another thread holds ``lock``; what ``work()`` returned in the child (or the
    error it raised) as text, or "" when the child was ended at its deadline."""
    taken, done = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            taken.set()
            done.wait()

    holder = threading.Thread(target=hold)
    holder.start()
    taken.wait()
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns to pytest
        try:
            os.close(reading)
            signal.alarm(CHILD_DEADLINE)
            try:
                outcome = repr(work())
            except BaseException as exc:
                outcome = f"{type(exc).__name__}: {exc}"
            os.write(writing, outcome.encode())
        finally:
            os._exit(0)
    os.close(writing)
    done.set()
    holder.join()
    with os.fdopen(reading, "rb") as pipe:
        outcome = pipe.read().decode()
    os.waitpid(pid, 0)
    return outcome


def test_a_lock_held_by_another_thread_at_the_fork_is_free_in_the_child() -> None:
    for lock in (ForkSafeLock(), ForkSafeLock(reentrant=True)):
        assert _forked_while_held(lock, lambda lock=lock: lock.acquire(timeout=5)) == "True"


def test_a_rate_limiter_booking_at_the_fork_books_in_the_child() -> None:
    limiter = InProcessRateLimiter(clock=lambda: 100.0)
    limiter.book("bucket")
    outcome = _forked_while_held(limiter._lock, lambda: limiter.book("bucket").wait)
    assert outcome == "0.0"  # the second of 3 a second: at once


def test_a_client_of_the_fake_calls_in_a_child_forked_while_a_request_was_served() -> None:
    fake = FakeHaulmer()
    client = fake.client(rate_limit=True)
    client.openfactura.organization.retrieve()
    assert client.rate_limiter is not None

    def retrieve() -> str:
        return str(client.openfactura.organization.retrieve().rut)

    held: list[Any] = [fake.lock, fake.clock._lock, client.rate_limiter._lock]
    held += [fake.requests._lock, fake.outbox._lock, fake.platform_state.lock]
    for lock in held:
        assert _forked_while_held(lock, retrieve) == "'76795561-8'", lock


def test_the_sii_schemas_load_in_a_child_forked_while_another_thread_loaded_them() -> None:
    from haulmer.sii import schema

    def load() -> str:
        return type(schema._schema_tree("DTE_v10.xsd")).__name__

    schema._schema_tree.cache_clear()
    assert _forked_while_held(schema._lock, load) == "'_ElementTree'"
