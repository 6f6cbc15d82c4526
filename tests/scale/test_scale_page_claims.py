"""docs/scale.md's figures are the code's: the limiters' margins and windows, the longest hold,
the fingerprint, emit_many's and emit-batch's limits and defaults, and the bounds the real-time
tests assert (which the page quotes instead of one run's seconds)."""

from __future__ import annotations

import re

from tests.test_docs import DOCS

import haulmer
from haulmer._batch_command import MAX_SALE_LINE_BYTES
from haulmer._core.redis_ratelimit import SHARED_SLOT_MARGIN
from haulmer.openfactura.batch import MAX_CONCURRENCY, MAX_SALE_ID_LENGTH
from haulmer.ratelimit import (
    HAULMER_LIMITS,
    SLOT_MARGIN,
    InProcessRateLimiter,
    api_key_fingerprint,
)
from haulmer.testing import FakeHaulmer

from .test_shared_rate_limit import minimum_seconds

PAGE = (DOCS / "scale.md").read_text(encoding="utf-8")
PROSE = re.sub(r"\s+", " ", PAGE)


def test_the_limits_and_margins_are_the_pages() -> None:
    assert HAULMER_LIMITS == ((3, 1.0), (100, 60.0))
    assert "3 requests per second and 100 per minute" in PROSE
    assert SLOT_MARGIN == 0.05
    assert "50 ms in one process" in PROSE
    assert SHARED_SLOT_MARGIN == 0.1
    assert "100 ms shared through Redis" in PROSE


def test_the_fingerprint_is_32_hex_digits_without_the_key() -> None:
    fingerprint = api_key_fingerprint("a-secret-api-key")
    assert re.fullmatch(r"[0-9a-f]{32}", fingerprint)
    assert "32 hex digits of a salted SHA-256" in PROSE


def test_a_hold_lasts_at_most_60_seconds_whatever_the_server_asked() -> None:
    assert "A hold lasts at most 60 s" in PROSE
    fake = FakeHaulmer()
    limiter = InProcessRateLimiter(clock=lambda: 100.0)
    fake.control.fail_next("openfactura.organization.retrieve", status=429, retry_after=600)
    with fake.client(rate_limit=limiter) as client:
        client.openfactura.organization.retrieve()
    assert limiter.book(api_key_fingerprint(haulmer.SANDBOX_API_KEY)).wait == 60.0


def test_emit_many_and_emit_batch_limits_are_the_pages() -> None:
    assert MAX_CONCURRENCY == 64
    assert "(4 by default, at most 64)" in PROSE
    assert MAX_SALE_ID_LENGTH == 255
    assert "printable ASCII, 1 to 255 characters" in PROSE
    assert MAX_SALE_LINE_BYTES == 4 * 1024 * 1024
    assert "each line at most 4 MiB" in PROSE
    assert "`--concurrency` (4), `--max-retries` (5 per emission)" in PROSE


def test_the_shared_limit_bounds_quoted_are_the_tests() -> None:
    """The page quotes the minimum and the 15% the test allows, not one run's seconds."""
    assert minimum_seconds(24, HAULMER_LIMITS) == 7.0
    assert minimum_seconds(300, HAULMER_LIMITS) == 153.0
    assert "24 boletas in 7 s at best and 300" in PROSE
    assert "in 153 s" in PROSE
    assert "at most 15% over that minimum (8.05 s and 176 s)" in PROSE
    assert round(1.15 * 7.0, 2) == 8.05
    assert round(1.15 * 153.0) == 176
    held = (DOCS.parent / "tests" / "scale" / "test_shared_rate_limit.py").read_text("utf-8")
    assert "minimum <= span <= 1.15 * minimum" in held


def test_the_crash_and_celery_tests_sizes_are_the_pages() -> None:
    tests = DOCS.parent / "tests" / "scale"
    kills = (tests / "test_emit_batch_command.py").read_text("utf-8")
    assert "sales(500," in kills
    assert "for _ in range(3):" in kills
    assert "kills a batch of 500 sales with SIGKILL at random points three times" in PROSE
    celery = (tests / "test_celery_recipe.py").read_text("utf-8")
    assert 'COUNT = 100 if os.environ.get("HAULMER_LONG_TESTS") == "1" else 12' in celery
    assert "12 sales in the default suite, 100 with `HAULMER_LONG_TESTS=1`" in PROSE
