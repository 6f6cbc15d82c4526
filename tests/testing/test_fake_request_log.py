"""The request log is a ring buffer: bounded by default, its size set by the test."""

from __future__ import annotations

import httpx
import pytest
from fake_bodies import HAULMER_KEY

from haulmer.testing import FakeHaulmer
from haulmer.testing._log import DEFAULT_LOG_SIZE


def _get(fake: FakeHaulmer, times: int) -> None:
    with httpx.Client(
        transport=fake.transport, base_url="http://fake", headers={"apikey": HAULMER_KEY}
    ) as wire:
        for number in range(times):
            wire.get(f"/v2/dte/taxpayer/{number}-0")


def test_the_log_is_bounded_by_default_and_keeps_the_newest(fake: FakeHaulmer) -> None:
    assert fake.requests.maxlen == DEFAULT_LOG_SIZE
    fake.requests.maxlen = 5
    _get(fake, 12)
    assert len(fake.requests) == 5
    assert fake.requests.total == 12
    assert [r.path for r in fake.requests] == [f"/v2/dte/taxpayer/{n}-0" for n in range(7, 12)]
    assert fake.requests.last.path == "/v2/dte/taxpayer/11-0"
    assert fake.requests[0].path == "/v2/dte/taxpayer/7-0"
    assert [r.path for r in fake.requests[-2:]] == [
        "/v2/dte/taxpayer/10-0",
        "/v2/dte/taxpayer/11-0",
    ]


def test_the_size_is_set_at_construction_and_none_keeps_everything() -> None:
    small = FakeHaulmer(request_log_size=2)
    small.control.rate_limit(None)
    _get(small, 4)
    assert len(small.requests) == 2
    unbounded = FakeHaulmer(request_log_size=None)
    unbounded.control.rate_limit(None)
    _get(unbounded, DEFAULT_LOG_SIZE + 3)
    assert len(unbounded.requests) == unbounded.requests.total == DEFAULT_LOG_SIZE + 3


def test_shrinking_the_log_keeps_the_newest(fake: FakeHaulmer) -> None:
    _get(fake, 6)
    fake.requests.maxlen = 2
    assert [r.path for r in fake.requests] == ["/v2/dte/taxpayer/4-0", "/v2/dte/taxpayer/5-0"]


@pytest.mark.parametrize("size", [0, -1, 2.5, True, "10"])
def test_a_size_that_is_not_a_positive_int_is_refused(size: object) -> None:
    with pytest.raises(ValueError, match="int >= 1 or None"):
        FakeHaulmer(request_log_size=size)  # type: ignore[arg-type]


def test_reset_empties_the_log_and_its_count(fake: FakeHaulmer) -> None:
    _get(fake, 3)
    fake.reset()
    assert fake.requests == []
    assert fake.requests.total == 0
    assert "0 of 0 requests" in repr(fake.requests)


def test_the_log_compares_equal_to_a_list_of_the_same_entries(fake: FakeHaulmer) -> None:
    _get(fake, 2)
    assert fake.requests == list(fake.requests)
    assert fake.requests != [fake.requests[0]]


def test_for_route_refuses_a_route_name_the_fake_does_not_have(fake: FakeHaulmer) -> None:
    # A typo must not make "nothing was emitted" pass.
    with pytest.raises(ValueError, match=r"did you mean 'openfactura\.documents\.emit'"):
        fake.requests.for_route("openfactura.document.emit")
    assert fake.requests.for_route("openfactura.documents.emit") == []  # a real one: empty


def test_for_route_takes_the_selectors_the_control_takes(fake: FakeHaulmer) -> None:
    _get(fake, 2)
    paths = ["/v2/dte/taxpayer/0-0", "/v2/dte/taxpayer/1-0"]
    for selector in (
        "openfactura.taxpayer.retrieve",
        "/v2/dte/taxpayer/{rut}",
        "GET /v2/dte/taxpayer/{rut}",
    ):
        assert [r.path for r in fake.requests.for_route(selector)] == paths, selector
    assert [r.path for r in fake.requests.for_route("GET /v2/dte/taxpayer/1-0")] == paths[1:]
    assert fake.requests.for_route("POST /v2/dte/document/issued") == []  # served, not asked
    assert fake.requests.for_route("/v2/dte/taxpayer/9-9") == []  # a path the fake serves
    with httpx.Client(transport=fake.transport, base_url="http://fake") as wire:
        wire.get("/nope")
    assert [r.status for r in fake.requests.for_route("/nope")] == [404]  # asked, not served
    with pytest.raises(ValueError, match="no route of the fake matches '/v2/dte/taxpayers/1-9'"):
        fake.requests.for_route("/v2/dte/taxpayers/1-9")


def test_for_route_star_is_every_request_as_for_the_control(fake: FakeHaulmer) -> None:
    _get(fake, 3)
    assert [r.path for r in fake.requests.for_route("*")] == [r.path for r in fake.requests]
    assert len(fake.requests.for_route("*")) == 3


def test_last_on_an_empty_log_says_no_request_arrived() -> None:
    fake = FakeHaulmer()
    with pytest.raises(IndexError, match="has received no request since it was made or reset"):
        fake.requests.last  # noqa: B018
    _get(fake, 1)
    assert fake.requests.last.path == "/v2/dte/taxpayer/0-0"
    fake.reset()
    with pytest.raises(IndexError, match="no request"):
        fake.requests.last  # noqa: B018


def test_a_logged_requests_headers_print_no_credential_the_sdk_would_hide(
    fake: FakeHaulmer,
) -> None:
    custom = {
        "X-Auth-Token": "token-SECRET",
        "X-Api-Key": "key-SECRET",
        "Proxy-Authorization": "Basic proxy-SECRET",
        "X-Team": "erp",
    }
    client = fake.client(api_key=HAULMER_KEY, default_headers=custom)
    client.openfactura.organization.retrieve()
    shown = repr(fake.requests.last.headers)
    assert "SECRET" not in shown
    assert HAULMER_KEY not in shown
    assert "'X-Team': 'erp'" in shown or "'x-team': 'erp'" in shown


def test_a_password_sent_under_an_escaped_field_name_is_masked_too(fake: FakeHaulmer) -> None:
    # JSON lets a client spell "password" as "pass\u0077ord"; the fake reads it as the password,
    # and the log had kept it as sent.
    content = b'{"email": "ana@example.com", "pass\\u0077ord": "Secreta2026x"}'
    with httpx.Client(transport=fake.transport, base_url="http://fake") as wire:
        answer = wire.post(
            "/v1/accounts/login", content=content, headers={"content-type": "application/json"}
        )
    assert answer.status_code == 401  # read as a password, a wrong one: not "password missing"
    logged = fake.requests.last
    assert b"Secreta2026x" not in logged.content
    assert logged.json() == {"email": "ana@example.com", "password": "***"}


@pytest.mark.parametrize(
    "content",
    [
        b'{"email": "ana@example.com", "password": "Secreta2026x",}',  # a trailing comma
        '{"email": "ana@example.com", "password": "Secreta2026x\u00f1"}'.encode("latin-1"),
        b'[{"email": "ana@example.com", "password": "Secreta2026x"}]',
    ],
)
def test_a_body_with_a_password_that_is_no_json_object_is_kept_masked(
    fake: FakeHaulmer, content: bytes
) -> None:
    # The fake refuses it, but the log had kept it as sent, password and all.
    with httpx.Client(transport=fake.transport, base_url="http://fake") as wire:
        answer = wire.post(
            "/v1/accounts/login", content=content, headers={"content-type": "application/json"}
        )
    assert answer.status_code == 400
    logged = fake.requests.last
    assert b"Secreta2026x" not in logged.content
    assert logged.content == b"***"
