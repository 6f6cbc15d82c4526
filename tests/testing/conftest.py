"""Fixtures for the fake's tests: a fake on a fixed clock and raw OpenFactura wire clients."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fake_bodies import HAULMER_KEY, HOSTY_KEY, START, factura

from haulmer.testing import FakeClock, FakeHaulmer


@pytest.fixture
def fake() -> FakeHaulmer:
    """A fresh fake whose clock starts on a fixed Friday morning in Chile, rate limit off.

    These tests send raw requests in one fake instant and are about other things than the
    limit; the rate-limit tests turn it back on (it is on by default).
    """
    fake = FakeHaulmer(clock=FakeClock(START))
    fake.control.rate_limit(None)
    return fake


@pytest.fixture
def wire(fake: FakeHaulmer) -> Iterator[httpx.Client]:
    """A plain httpx client speaking OpenFactura's wire format as HAULMER SPA."""
    with httpx.Client(
        transport=fake.transport, base_url="http://fake.test", headers={"apikey": HAULMER_KEY}
    ) as client:
        yield client


@pytest.fixture
def hosty(fake: FakeHaulmer) -> Iterator[httpx.Client]:
    """A plain httpx client for HOSTY SPA (the receptor of the sample facturas)."""
    with httpx.Client(
        transport=fake.transport, base_url="http://fake.test", headers={"apikey": HOSTY_KEY}
    ) as client:
        yield client


@pytest.fixture
def issue(wire: httpx.Client) -> Callable[..., dict[str, Any]]:
    """Issue a body (default: a factura) and return the 200 answer's JSON."""

    def _issue(body: dict[str, Any] | None = None, **headers: str) -> dict[str, Any]:
        response = wire.post(
            "/v2/dte/document", json=copy.deepcopy(body or factura()), headers=headers
        )
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    return _issue
