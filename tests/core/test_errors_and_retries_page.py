"""docs/guides/errors-and-retries.md, claim by claim: the default number of retries, what is
retried always (and the one 429 never retried), the waits, the default timeouts and how much of
an error answer a message keeps are what the clients do."""

from __future__ import annotations

import inspect
from pathlib import Path

import haulmer
from haulmer import errors
from haulmer._core import responses, retry
from haulmer._core.types import DEFAULT_TIMEOUT

PAGE = " ".join(
    (Path(__file__).resolve().parents[2] / "docs" / "guides" / "errors-and-retries.md")
    .read_text("utf-8")
    .split()
)


def test_two_retries_by_default_and_the_always_retried_answers_but_sync_rcvs_window() -> None:
    assert "`max_retries=2` times by default" in PAGE
    assert inspect.signature(haulmer.Haulmer).parameters["max_retries"].default == 2
    assert (
        "| 408, 429, OF-21 (the server did nothing) | always, but `registry.sync_rcv()`'s" in PAGE
    )
    for status, code in ((408, None), (429, None), (400, "OF-21")):
        assert retry.should_retry(status_code=status, code=code, retry_safe=False)
    assert not retry.should_retry(status_code=429, code="OF-429", retry_safe=True)


def test_waits_and_timeouts_are_the_clients() -> None:
    assert "capped at 60 s per wait" in PAGE
    assert "an exponential backoff from 0.5 s to 8 s with jitter" in PAGE
    assert (retry.MAX_SERVER_WAIT, retry.INITIAL_BACKOFF, retry.MAX_BACKOFF) == (60.0, 0.5, 8.0)
    assert "Timeouts: 5 s to connect and 30 s for each other phase by default" in PAGE
    assert (DEFAULT_TIMEOUT.connect, DEFAULT_TIMEOUT.total) == (5.0, 30.0)


def test_an_error_keeps_300_characters_a_message_120_a_field_and_lists_20_details() -> None:
    assert "keep at most 300 characters, a field 120 and `str(error)` lists the first 20" in PAGE
    assert (responses._MAX_MESSAGE, responses._MAX_FIELD, errors._DETAILS_SHOWN) == (300, 120, 20)
