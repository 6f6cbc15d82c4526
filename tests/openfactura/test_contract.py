"""The contract suite: the OpenFactura scenarios' answers, shape by shape, fake against another.

By default (and in CI) the other side is ``serve()`` (the same fake over loopback HTTP), so the
mechanism keeps working and the diff must be empty. With ``HAULMER_LIVE_SANDBOX=1`` (and a
network) the same test talks to Haulmer's real sandbox with the public key instead; the diff is
printed as a table and any difference fails the test.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from haulmer import Haulmer
from haulmer.openfactura import SANDBOX_API_KEY
from haulmer.testing import FakeHaulmer, serve

from .contract import Clients, Recording, diff, error_shape, record, route_label, shape, table
from .scenarios import SCENARIOS

LIVE = os.environ.get("HAULMER_LIVE_SANDBOX") == "1"
UNKNOWN_KEY = "f" * 32


def _fake() -> FakeHaulmer:
    return FakeHaulmer()


def _fake_clients(fake: FakeHaulmer) -> Clients:
    """The fake's own in-process clients, their answers seen by the recording hooks."""

    @contextlib.contextmanager
    def clients(hooks: dict[str, list[Any]]) -> Iterator[tuple[Haulmer, Haulmer]]:
        with (
            httpx.Client(transport=fake.transport, event_hooks=hooks) as pool,
            fake.client(http_client=pool) as client,
            fake.client(http_client=pool, api_key=UNKNOWN_KEY) as stranger,
        ):
            yield client, stranger

    return clients


def _http_clients(**options: Any) -> Clients:
    """Real HTTP clients built with ``options`` (base URLs or environment, sleep...)."""

    @contextlib.contextmanager
    def clients(hooks: dict[str, list[Any]]) -> Iterator[tuple[Haulmer, Haulmer]]:
        with (
            httpx.Client(event_hooks=hooks, timeout=60) as pool,
            Haulmer(api_key=SANDBOX_API_KEY, http_client=pool, **options) as client,
            Haulmer(api_key=UNKNOWN_KEY, http_client=pool, **options) as stranger,
        ):
            yield client, stranger

    return clients


def _reference() -> tuple[Recording, FakeHaulmer]:
    """The scenarios against an in-process fake: the shapes the others are held to."""
    fake = _fake()
    recording = record(
        SCENARIOS, _fake_clients(fake), fake=fake, label=route_label(fake), strict=True
    )
    return recording, fake


def test_every_scenario_answers_in_the_fakes_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    """Against ``serve()`` (CI), or Haulmer's sandbox with ``HAULMER_LIVE_SANDBOX=1``."""
    expected, labels = _reference()
    if LIVE:  # pragma: no cover - needs Haulmer's sandbox and a network
        against = "the real sandbox"
        clients = _http_clients(environment="sandbox", rate_limit=True)
        actual = record(SCENARIOS, clients, fake=None, label=route_label(labels), strict=False)
    else:
        against = "serve()"
        served = _fake()
        with serve(served, real_time=False) as url:
            clients = _http_clients(
                base_urls={"openfactura": url, "platform": url}, sleep=served.clock.sleep
            )
            actual = record(SCENARIOS, clients, fake=served, label=route_label(labels), strict=True)
    rows = diff(expected, actual)
    with capsys.disabled():
        print("\n" + table(rows, against=against))
        for name, reason in {**actual.skipped, **actual.failures}.items():
            print(f"- {name}: {reason}")
    assert rows == []
    assert sum(len(a) for a in expected.answers.values()) > 100  # the scenarios did talk


def test_a_difference_in_status_keys_types_or_error_shape_shows_in_the_table() -> None:
    from .contract import Answer

    def answer(status: int, body: Any) -> Answer:
        return Answer("openfactura.documents.json", status, error_shape(body), str(shape(body)))

    mine = Recording(answers={"s": [answer(200, {"Token": "x", "FOLIO": 1})]})
    for other_body, status in [
        ({"token": "x", "FOLIO": 1}, 200),  # a key spelled otherwise
        ({"Token": "x", "FOLIO": "1"}, 200),  # a type
        ({"Token": "x", "FOLIO": 1}, 201),  # a status
    ]:
        theirs = Recording(answers={"s": [answer(status, other_body)]})
        rows = diff(mine, theirs)
        assert len(rows) == 1
        assert "| s | #1 openfactura.documents.json |" in table(rows, against="x")
    assert error_shape({"error": {"code": "OF-10"}}) == "A"
    assert error_shape({"message": "m", "code": "OF-10", "details": {}}) == "B"
    assert error_shape({"statusCode": 401, "message": "m"}) == "C"
    assert error_shape({"message": "API rate limit exceeded"}) == "C"
    assert shape({"a": [1, 2, "x"], "b": None}) == {
        "a": ["list", '"int"', '"str"'],
        "b": "null",
    }
    assert table([], against="serve()") == "contract: no difference between the fake and serve()"


def test_the_diff_against_serve_finds_what_production_answers_otherwise() -> None:
    expected, labels = _reference()
    served = FakeHaulmer(environment="production")
    with serve(served, real_time=False) as url:
        clients = _http_clients(
            base_urls={"openfactura": url, "platform": url}, sleep=served.clock.sleep
        )
        actual = record(SCENARIOS, clients, fake=served, label=route_label(labels), strict=True)
    rows = diff(expected, actual)
    requests = {request.split(" ", 1)[1] for _, request, _, _ in rows}
    # Issued rows say "token" in production; purchase blocks "Registrado" is a value, not a shape.
    assert requests == {"openfactura.documents.list_issued"}
    assert rows
    assert all("Token" in mine and "Token" not in other for _, _, mine, other in rows)
    assert all("token" in other for _, _, _, other in rows)
