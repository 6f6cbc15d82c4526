"""``fake.reset()`` and the hooks it runs: back to a fresh fake, whatever a test added."""

from __future__ import annotations

import httpx
import pytest
from fake_bodies import HAULMER_KEY, factura

from haulmer.testing import FakeHaulmer


@pytest.mark.parametrize("hook", [5, None, "clear"])
def test_a_reset_hook_that_cannot_be_called_is_refused_when_given(hook: object) -> None:
    # Taken, it broke every later reset() halfway, with "'int' object is not callable".
    fake = FakeHaulmer()
    with pytest.raises(TypeError, match="on_reset"):
        fake.on_reset(hook)  # type: ignore[arg-type]
    fake.control.fail_next("*")
    fake.reset()
    assert fake.control.faults == []


def test_a_reset_runs_every_hook_given(fake: FakeHaulmer) -> None:
    cleared: list[str] = []
    fake.on_reset(lambda: cleared.append("sessions"))
    fake.reset()
    fake.reset()
    assert cleared == ["sessions", "sessions"]


def test_a_token_from_before_a_reset_names_no_document_after_it(fake: FakeHaulmer) -> None:
    """Tokens were made from the issuer, type, folio, a counter and the clock, which a reset
    all sets back: the first document after a reset got the token of the first one before it,
    so a token a test kept named another sale, instead of none (OF-22)."""
    client = httpx.Client(
        transport=fake.transport, base_url="http://fake.test", headers={"apikey": HAULMER_KEY}
    )
    before = client.post("/v2/dte/document", json=factura(neto=2000)).json()["TOKEN"]
    fake.reset()
    fake.control.rate_limit(None)
    after = client.post("/v2/dte/document", json=factura(neto=9000)).json()["TOKEN"]
    assert after != before
    stale = client.get(f"/v2/dte/document/{before}/json")
    assert stale.status_code == 400
    assert stale.json()["error"]["code"] == "OF-22"
