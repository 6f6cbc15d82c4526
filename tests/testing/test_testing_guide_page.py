"""docs/guides/testing.md's cost of the fake's rate limit for a client over ``serve()``: every
fourth quick request waits about a second, ten calls about 3 s. Counted here on the fake's
clock, which ``serve()`` runs on real time, so the same waits are real there."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from haulmer.testing import FakeHaulmer

PAGE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "testing.md"
PROSE = re.sub(r"\s+", " ", PAGE.read_text(encoding="utf-8"))


def test_ten_quick_calls_under_the_fakes_limit_take_about_three_seconds() -> None:
    assert "makes every fourth quick request wait about a second (ten calls: about 3 s)" in PROSE
    fake = FakeHaulmer()
    started = fake.clock.now()
    with fake.client() as client:
        for _ in range(10):
            client.openfactura.organization.retrieve()
    taken = fake.clock.now() - started
    statuses = [r.status for r in fake.requests.for_route("openfactura.organization.retrieve")]
    assert statuses == [200, 200, 200, 429] * 3 + [200]  # every fourth waits its turn
    assert timedelta(seconds=2.5) <= taken <= timedelta(seconds=3.5)
