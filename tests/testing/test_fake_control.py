"""Fault injection through the one transport: statuses, drops before/after, slow answers, log."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
import pytest
from fake_bodies import HAULMER_KEY, factura

from haulmer.testing import FakeHaulmer


def test_fail_next_answers_the_status_then_recovers(fake: FakeHaulmer, wire: httpx.Client) -> None:
    fake.control.fail_next("openfactura.organization.retrieve", status=503, times=2, retry_after=7)
    first = wire.get("/v2/dte/organization")
    assert first.status_code == 503
    assert first.headers["Retry-After"] == "7"
    assert first.json() == {"statusCode": 503, "message": "Service Unavailable"}
    assert wire.get("/v2/dte/organization").status_code == 503
    assert wire.get("/v2/dte/organization").status_code == 200


def test_fail_next_429_uses_the_gateway_wording(fake: FakeHaulmer, wire: httpx.Client) -> None:
    fake.control.fail_next("*", status=429, retry_after=2)
    assert wire.get("/v2/dte/organization").json() == {
        "statusCode": 429,
        "message": "Rate limit is exceeded. Try again in 2 seconds.",
    }


def test_fail_next_with_a_code_uses_the_business_envelope(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    fake.control.fail_next("POST /v2/dte/document", status=400, code="OF-21", message="BD caída")
    answer = wire.post("/v2/dte/document", json=factura())
    assert answer.json() == {"error": {"message": "BD caída", "code": "OF-21"}}
    assert fake.openfactura_state.documents == []


def test_selectors_only_hit_their_route(fake: FakeHaulmer, wire: httpx.Client) -> None:
    fake.control.fail_next("/v2/dte/taxpayer/{rut}", status=500)
    assert wire.get("/v2/dte/organization").status_code == 200
    assert wire.get("/v2/dte/taxpayer/76430498-5").status_code == 500
    fake.control.fail_next("/v2/dte/taxpayer/76430498-5", status=502)
    assert wire.get("/v2/dte/taxpayer/76795561-8").status_code == 200
    assert wire.get("/v2/dte/taxpayer/76430498-5").status_code == 502
    fake.control.fail_next("GET /v2/dte/taxpayer/{rut}", status=503)
    assert wire.get("/v2/dte/taxpayer/76430498-5").status_code == 503


@pytest.mark.parametrize(
    ("selector", "suggested"),
    [
        ("openfactura.documents.issue", "'openfactura.documents.emit'"),
        ("openfactura.organization.get", "'openfactura.organization.retrieve'"),
        ("openfactura.registry.purchase", "'openfactura.registry.purchases'"),
        ("/v2/dte/taxpayers/{rut}", "'/v2/dte/taxpayer/{rut}'"),
        ("PUT /v2/dte/document", "'POST /v2/dte/document'"),
    ],
)
def test_an_unknown_route_is_refused_with_close_matches(
    fake: FakeHaulmer, selector: str, suggested: str
) -> None:
    for script in (
        lambda: fake.control.fail_next(selector),
        lambda: fake.control.drop_connection(selector),
        lambda: fake.control.slow(selector, seconds=1),
    ):
        with pytest.raises(ValueError, match="no route of the fake matches") as caught:
            script()
        assert suggested in str(caught.value)
    assert fake.control.faults == []


@pytest.mark.parametrize(
    ("selector", "suggested"),
    [
        ("emit", "'openfactura.documents.emit'"),
        ("documents.emit", "'openfactura.documents.emit'"),
        ("list_issued", "'openfactura.documents.list_issued'"),
    ],
)
def test_a_bare_method_name_suggests_the_routes_named_for_it(
    fake: FakeHaulmer, selector: str, suggested: str
) -> None:
    with pytest.raises(ValueError, match=f"did you mean {suggested}"):
        fake.control.fail_next(selector)
    with pytest.raises(ValueError, match=f"did you mean {suggested}"):
        fake.requests.for_route(selector)


def test_a_route_nothing_resembles_names_the_naming_rule(fake: FakeHaulmer) -> None:
    with pytest.raises(ValueError, match=r"'<namespace>\.<resource>\.<method>'"):
        fake.control.fail_next("/nowhere")


@pytest.mark.parametrize("status", [200, 204, 302, 399, 600, True])
def test_fail_next_refuses_a_status_that_is_not_an_error(fake: FakeHaulmer, status: int) -> None:
    with pytest.raises(ValueError, match="400-599"):
        fake.control.fail_next("*", status=status)
    assert fake.control.faults == []


def test_route_names_are_the_sdk_methods(fake: FakeHaulmer) -> None:
    names = {route.name for route in fake.router.routes if route.name.startswith("openfactura.")}
    sdk = {
        f"openfactura.{resource}.{method}"
        for resource, methods in {
            "documents": (
                "emit",
                "status",
                "json",
                "xml",
                "pdf",
                "cedible",
                "list_issued",
                "list_received",
                "accuse",
                "void_guia",
            ),
            "registry": ("sales", "purchases", "sync_rcv"),
            "organization": ("retrieve", "folios"),
            "taxpayer": ("retrieve",),
        }.items()
        for method in methods
    }
    # The one other OpenFactura API route is named for what it serves, and is no SDK method
    # (setup and certification are the platform's routes).
    api_names = {name for name in names if name.split(".")[1] not in ("setup", "certification")}
    assert api_names - sdk == {"openfactura.documents.unsupported_value"}
    assert sdk <= names
    client = fake.client()
    for name in sdk:
        _, resource, method = name.split(".")
        assert callable(getattr(getattr(client.openfactura, resource), method)), name
    assert not hasattr(client.openfactura.documents, "unsupported_value")


def test_a_document_value_route_serves_by_token_and_by_folio_and_only_its_value(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    issued = wire.post("/v2/dte/document", json=factura()).json()
    by_token = f"/v2/dte/document/{issued['TOKEN']}"
    by_folio = f"/v2/dte/document/76795561-8/33/{issued['FOLIO']}"
    fake.control.fail_next("openfactura.documents.status", status=503, times=2)
    assert wire.get(f"{by_token}/json").status_code == 200
    assert wire.get(f"{by_token}/status").status_code == 503
    assert wire.get(f"{by_folio}/status").status_code == 503
    assert wire.get(f"{by_folio}/status").json()["estado"] == "Pendiente"
    assert [r.route for r in fake.requests][-4:] == [
        "openfactura.documents.json",
        "openfactura.documents.status",
        "openfactura.documents.status",
        "openfactura.documents.status",
    ]
    unknown = wire.get(f"{by_token}/html")
    assert unknown.status_code == 400
    assert "html es Incorrecto" in unknown.text
    assert fake.requests.last.route == "openfactura.documents.unsupported_value"


def test_drop_before_raises_connect_error_and_nothing_happens(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    fake.control.drop_connection("openfactura.documents.emit", when="before")
    with pytest.raises(httpx.ConnectError):
        wire.post("/v2/dte/document", json=factura())
    assert fake.openfactura_state.documents == []
    assert fake.requests.last.outcome == "dropped_before"
    assert fake.requests.last.status is None


def test_drop_after_raises_read_error_but_the_document_exists(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    fake.control.drop_connection("openfactura.documents.emit", when="after")
    with pytest.raises(httpx.ReadError):
        wire.post("/v2/dte/document", json=factura())
    assert len(fake.openfactura_state.documents) == 1
    assert fake.requests.last.outcome == "dropped_after"
    assert fake.requests.last.status == 200


def test_slow_answer_moves_the_fake_clock_without_sleeping(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    before = fake.clock.now()
    fake.control.slow("openfactura.organization.retrieve", seconds=4)
    assert wire.get("/v2/dte/organization", timeout=5).status_code == 200
    assert (fake.clock.now() - before).total_seconds() == 4


def test_slow_answer_past_the_read_timeout_is_a_timeout_after_acting(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    before = fake.clock.now()
    fake.control.slow("openfactura.documents.emit", seconds=60)
    with pytest.raises(httpx.ReadTimeout):
        wire.post("/v2/dte/document", json=factura(), timeout=30)
    assert (fake.clock.now() - before).total_seconds() == 30
    assert len(fake.openfactura_state.documents) == 1
    assert fake.requests.last.outcome == "timed_out"


async def test_slow_answers_to_concurrent_async_requests_overlap_as_on_a_network(
    fake: FakeHaulmer,
) -> None:
    """Two slow answers to requests sent at once both arrive 4 s later, as they would over a
    network: each moved the fake clock by its own delay, one after the other (8 s)."""
    import asyncio

    fake.control.slow("openfactura.organization.retrieve", seconds=4, times=2)
    before = fake.clock.now()
    async with httpx.AsyncClient(
        transport=fake.transport, base_url="http://f", headers={"apikey": HAULMER_KEY}
    ) as client:

        async def get() -> float:
            answer = await client.get("/v2/dte/organization", timeout=5)
            assert answer.status_code == 200
            return (fake.clock.now() - before).total_seconds()

        assert await asyncio.gather(get(), get()) == [4, 4]
    assert (fake.clock.now() - before).total_seconds() == 4


async def test_async_client_sees_the_same_faults(fake: FakeHaulmer) -> None:
    async with httpx.AsyncClient(
        transport=fake.transport, base_url="http://f", headers={"apikey": HAULMER_KEY}
    ) as client:
        assert (await client.get("/v2/dte/organization")).status_code == 200
        fake.control.drop_connection(when="before")
        with pytest.raises(httpx.ConnectError):
            await client.get("/v2/dte/organization")
        fake.control.fail_next(status=500)
        assert (await client.get("/v2/dte/organization")).status_code == 500
        answer = await client.post("/v2/dte/document", json=factura(response=["FOLIO"]))
        assert answer.json()["FOLIO"] == 1


def test_request_log_records_routes_bodies_and_answers(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    wire.post("/v2/dte/document", json=factura(), headers={"Idempotency-Key": "k1"})
    wire.get("/v2/dte/organization?extra_fields=logo")
    issued = fake.requests.for_route("openfactura.documents.emit")
    assert len(issued) == 1
    assert issued[0].json()["dte"]["Encabezado"]["IdDoc"]["TipoDTE"] == 33
    assert issued[0].headers["idempotency-key"] == "k1"
    assert issued[0].status == 200
    assert "TOKEN" in issued[0].response
    assert fake.requests.last.query == {"extra_fields": "logo"}
    assert HAULMER_KEY not in repr(fake.requests.last.headers)
    assert fake.requests.for_route("GET /v2/dte/organization") == [fake.requests.last]


def test_invalid_control_arguments_are_refused(fake: FakeHaulmer) -> None:
    with pytest.raises(ValueError, match="times"):
        fake.control.fail_next(times=0)
    with pytest.raises(ValueError, match="when"):
        fake.control.drop_connection(when="during")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="seconds"):
        fake.control.slow(seconds=-1)


def test_reset_clears_pending_faults(fake: FakeHaulmer, wire: httpx.Client) -> None:
    fake.control.fail_next(status=500, times=5)
    fake.reset()
    assert wire.get("/v2/dte/organization").status_code == 200


def test_a_fault_with_a_probability_meets_a_seeded_share_of_requests(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    def run() -> list[int]:
        fake.control.clear()
        fake.control.rate_limit(None)
        fake.control.random.seed(2026)
        fake.control.fail_next(
            "openfactura.organization.retrieve", status=502, times=60, probability=0.25
        )
        return [wire.get("/v2/dte/organization").status_code for _ in range(200)]

    statuses = run()
    assert set(statuses) == {200, 502}
    assert 30 <= statuses.count(502) <= 60  # about a quarter of 200, and never past times
    assert run() == statuses  # the same seed replays the same run
    assert wire.get("/v2/dte/taxpayer/76430498-5").status_code == 200  # other routes untouched


def test_drops_and_slow_answers_take_a_probability_too(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    fake.control.random.seed(7)
    fake.control.drop_connection("*", when="before", times=1000, probability=0.2)
    fake.control.slow("*", seconds=2, times=1000, probability=0.2)
    before = fake.clock.now()
    dropped = 0
    for _ in range(200):
        try:
            wire.get("/v2/dte/organization")
        except httpx.ConnectError:
            dropped += 1
    outcomes = [entry.outcome for entry in fake.requests]
    assert 20 <= dropped <= 60
    assert outcomes.count("dropped_before") == dropped
    slowed = (fake.clock.now() - before).total_seconds() / 2  # each slow answer took 2 s
    assert slowed.is_integer()
    assert 20 <= slowed <= 60


@pytest.mark.parametrize("probability", [0, -0.5, 1.5, True, "half"])
def test_a_probability_outside_zero_to_one_is_refused(
    fake: FakeHaulmer, probability: object
) -> None:
    with pytest.raises(ValueError, match="probability"):
        fake.control.fail_next(probability=probability)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="probability"):
        fake.control.drop_connection(probability=probability)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="probability"):
        fake.control.slow(seconds=1, probability=probability)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: f.handle({"method": "GET"}), "handle() takes a FakeRequest, got dict"),
        (lambda f: f.mark_timed_out("last"), "mark_timed_out() takes a LoggedRequest, got str"),
        (lambda f: f.requests.for_route(None), "a route selector is text, got NoneType"),
        (lambda f: f.outbox.for_address(["a@b.cl"]), "an e-mail address is text, got list"),
        (lambda f: f.clock.set("2026-12-01"), "the fake clock takes a datetime.datetime, got str"),
    ],
    ids=["handle", "mark_timed_out", "for_route", "for_address", "clock.set"],
)
def test_the_fakes_own_api_names_a_wrong_argument(call: Any, message: str) -> None:
    fake = FakeHaulmer()
    with pytest.raises(TypeError, match=re.escape(message)):
        call(fake)


@pytest.mark.parametrize("estado", ["Rechazada", "rechazado", "Rejected", "Registrado", ""])
def test_script_status_refuses_a_state_an_issued_document_never_has(
    fake: FakeHaulmer, estado: str
) -> None:
    with pytest.raises(ValueError, match="Aceptado con Reparo") as caught:
        fake.control.script_status(estado)
    assert repr(estado) in str(caught.value)
    assert fake.control.scripted_statuses == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"times": 0}, "times must be an int >= 1, got 0"),
        ({"times": "2"}, "times must be an int >= 1, got '2'"),
        ({"after": dt.timedelta(minutes=-5)}, "after must be a datetime.timedelta >= 0"),
        ({"after": 300}, "after must be a datetime.timedelta >= 0, got 300"),
    ],
)
def test_script_status_refuses_a_count_or_delay_it_cannot_apply(
    fake: FakeHaulmer, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        fake.control.script_status("Rechazado", **kwargs)
    assert fake.control.scripted_statuses == []


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), "5", True, None])
def test_slow_refuses_seconds_that_are_no_finite_number(fake: FakeHaulmer, seconds: Any) -> None:
    with pytest.raises(ValueError, match="seconds must be a finite number of seconds >= 0"):
        fake.control.slow("openfactura.organization.retrieve", seconds=seconds)
    assert fake.control.faults == []


@pytest.mark.parametrize("retry_after", [-3, float("nan"), float("inf"), "2", True])
def test_fail_next_refuses_a_retry_after_that_is_no_wait(
    fake: FakeHaulmer, retry_after: Any
) -> None:
    with pytest.raises(ValueError, match="retry_after must be a finite number of seconds >= 0"):
        fake.control.fail_next(status=429, retry_after=retry_after)
    assert fake.control.faults == []


@pytest.mark.parametrize("times", ["2", 1.5, True, None])
def test_every_fault_refuses_a_times_that_is_no_count(fake: FakeHaulmer, times: Any) -> None:
    for add in (
        lambda: fake.control.fail_next(times=times),
        lambda: fake.control.drop_connection(times=times),
        lambda: fake.control.slow(seconds=1, times=times),
    ):
        with pytest.raises(ValueError, match="times must be an int >= 1"):
            add()
    assert fake.control.faults == []


def test_a_scripted_of06_carries_the_message_the_service_answers_a_replay_with(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    body = factura()
    wire.post("/v2/dte/document", json=body, headers={"Idempotency-Key": "k1"})
    replay = wire.post("/v2/dte/document", json=body, headers={"Idempotency-Key": "k1"})
    fake.control.fail_next("openfactura.documents.emit", code="OF-06")
    scripted = wire.post("/v2/dte/document", json=body, headers={"Idempotency-Key": "k2"})
    assert scripted.status_code == replay.status_code == 400
    assert scripted.json()["error"]["message"] == replay.json()["error"]["message"]
    assert scripted.json()["error"]["message"] == "Este DTE ya fue emitido (Idempotency-Key)"


@pytest.mark.parametrize(
    ("code", "written"), [("of-10", "OF-10"), ("OF-7", "OF-07"), ("OF10", "OF-10")]
)
def test_fail_next_refuses_a_code_not_written_as_openfactura_writes_it(
    fake: FakeHaulmer, code: str, written: str
) -> None:
    with pytest.raises(ValueError, match=f"use '{written}'"):
        fake.control.fail_next("openfactura.documents.emit", code=code)
    assert fake.control.faults == []


def test_fail_next_refuses_an_undocumented_openfactura_code_without_its_message(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    with pytest.raises(ValueError, match=r"'OF-99' is not one OpenFactura documents.*message="):
        fake.control.fail_next("openfactura.documents.emit", code="OF-99")
    fake.control.fail_next("openfactura.documents.emit", code="OF-99", message="Nuevo")
    answer = wire.post("/v2/dte/document", json=factura())
    assert answer.json() == {"error": {"message": "Nuevo", "code": "OF-99"}}


def test_fail_next_sends_a_platform_code_as_it_is(fake: FakeHaulmer, wire: httpx.Client) -> None:
    fake.control.fail_next("openfactura.organization.retrieve", status=401, code="token_invalid")
    assert wire.get("/v2/dte/organization").json()["error"]["code"] == "token_invalid"


def test_a_scripted_of429_is_a_429_unless_told_otherwise(
    fake: FakeHaulmer, wire: httpx.Client
) -> None:
    fake.control.fail_next("openfactura.organization.retrieve", code="OF-429")
    assert wire.get("/v2/dte/organization").status_code == 429


@pytest.mark.parametrize(
    "selector",
    [
        "get /v2/dte/taxpayer/{rut}",
        "GET /v2/dte/taxpayer/{rut}/",
        "/v2/dte/taxpayer/{rut}/",
        "get /v2/dte/taxpayer/76430498-5",
        "/v2/dte/taxpayer/76430498-5/",
    ],
)
def test_a_selector_the_control_takes_fires_and_finds_its_requests(
    fake: FakeHaulmer, wire: httpx.Client, selector: str
) -> None:
    fault = fake.control.fail_next(selector, status=503)
    assert wire.get("/v2/dte/taxpayer/76430498-5").status_code == 503
    assert fault.times == 0
    assert [r.status for r in fake.requests.for_route(selector)] == [503]


def test_a_template_with_a_misspelt_parameter_is_refused(fake: FakeHaulmer) -> None:
    with pytest.raises(ValueError, match=re.escape("did you mean '/v2/dte/taxpayer/{rut}'")):
        fake.control.fail_next("/v2/dte/taxpayer/{rutt}")
    with pytest.raises(ValueError, match="no route of the fake matches"):
        fake.requests.for_route("GET /v2/dte/taxpayer/{rutt}")


def test_a_selector_with_a_query_string_is_refused_naming_the_path(fake: FakeHaulmer) -> None:
    selector = "/v2/dte/taxpayer/76430498-5?extra=1"
    expected = re.escape("use '/v2/dte/taxpayer/76430498-5'")
    with pytest.raises(ValueError, match=expected):
        fake.control.fail_next(selector)
    with pytest.raises(ValueError, match=expected):
        fake.requests.for_route(selector)
    assert fake.control.faults == []


@pytest.mark.parametrize("code", ["OF-09", "OF-11", "OF-12", "OF-13"])
def test_fail_next_gives_every_documented_code_the_services_message_for_it(
    fake: FakeHaulmer, wire: httpx.Client, code: str
) -> None:
    """docs/testing.md: a documented code comes with the service's Spanish message; OF-09 and
    OF-11 to OF-13 came with "Bad Request", the gateway's status phrase."""
    fake.control.fail_next("openfactura.documents.emit", code=code)
    error = wire.post("/v2/dte/document", json=factura()).json()["error"]
    assert error["code"] == code
    assert error["message"] not in ("Bad Request", "Error")
