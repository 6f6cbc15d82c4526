"""Per-call ``extra_query=``, ``extra_body=`` and ``timeout=httpx.Timeout(...)`` (as in openai)."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from haulmer import ConfigurationError, Haulmer, Timeout
from haulmer.errors import ValidationError
from haulmer.testing import FakeHaulmer

from .conftest import API_KEY, SANDBOX
from .helpers import get_org, send

ORG = {"rut": "76795561-8", "razonSocial": "HAULMER SPA"}


def test_extra_query_reaches_the_wire_beside_the_calls_own(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    send(client, get_org(params={"a": "1"}, extra_query={"b": 2, "a": "replaced", "c": ["x", "y"]}))
    params = route.calls.last.request.url.params
    assert params["a"] == "replaced"
    assert params["b"] == "2"
    assert params.get_list("c") == ["x", "y"]


def test_extra_body_is_merged_over_the_json_body() -> None:
    fake = FakeHaulmer()
    with fake.client() as client:
        client.openfactura.documents.list_issued(
            tipo_dte=33, extra_body={"Extra": {"eq": "1"}, "Page": 2}
        )
    body = json.loads(fake.requests[-1].content)
    assert body == {"Page": 2, "TipoDTE": {"eq": 33}, "Extra": {"eq": "1"}}


def test_extra_options_go_through_every_method_of_the_async_face() -> None:
    import inspect

    from haulmer import AsyncHaulmer

    client = AsyncHaulmer(api_key="k")
    for resource in (client.checkout, client.openfactura.documents, client.point):
        for name, method in inspect.getmembers(resource, inspect.ismethod):
            parameters = inspect.signature(method).parameters
            if name.startswith("_") or "extra_headers" not in parameters:
                continue
            assert {"extra_query", "extra_body"} <= set(parameters), name


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({"a": object()}, "extra_query\\['a'\\] must be text"),
        ({"": "1"}, "non-empty text"),
        (["a"], "mapping"),
    ],
)
def test_bad_extra_query_is_refused_before_any_io(
    client: Haulmer, mock: respx.MockRouter, extra: object, why: str
) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    with pytest.raises(ValidationError, match=why):
        send(client, get_org(extra_query=extra))
    assert not route.called


def test_extra_body_on_a_call_without_a_json_object_is_refused(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    from haulmer._core.request import APIRequest

    route = mock.post(f"{SANDBOX}/v2/x").respond(json={})
    listed = APIRequest("POST", "/v2/x", "openfactura", dict, json=[1, 2], extra_body={"a": 1})
    with pytest.raises(ValidationError, match="not an object"):
        send(client, listed)
    uploaded = APIRequest("POST", "/v2/x", "openfactura", dict, content=b"x", extra_body={"a": 1})
    with pytest.raises(ValidationError, match="sends a file"):
        send(client, uploaded)
    assert not route.called


def test_a_call_without_a_body_gets_the_extra_body_alone(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    from haulmer._core.request import APIRequest

    route = mock.post(f"{SANDBOX}/v2/x").respond(json={})
    send(client, APIRequest("POST", "/v2/x", "openfactura", dict, extra_body={"a": 1}))
    assert json.loads(route.calls.last.request.content) == {"a": 1}


def test_an_httpx_timeout_is_taken_by_the_client_and_per_call(mock: respx.MockRouter) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    given = httpx.Timeout(10.0, connect=2.0, read=60.0)
    with Haulmer(API_KEY, environment="sandbox", timeout=given) as client:
        assert client.timeout == Timeout(60.0, connect=2.0, read=60.0, write=10.0, pool=10.0)
        send(client, get_org())
        send(client, get_org(timeout=httpx.Timeout(5.0, write=7.0)))
        assert client.with_options(timeout=httpx.Timeout(None)).timeout == Timeout(
            None, connect=None, read=None, write=None, pool=None
        )
    default, per_call = (call.request.extensions["timeout"] for call in route.calls)
    assert default == {"connect": 2.0, "read": 60.0, "write": 10.0, "pool": 10.0}
    assert per_call == {"connect": 5.0, "read": 5.0, "write": 7.0, "pool": 5.0}


def test_an_httpx_timeout_with_a_bad_phase_is_a_configuration_error() -> None:
    with pytest.raises(
        ConfigurationError, match=r"httpx\.Timeout: Timeout\.read must be a positive number"
    ):
        Haulmer("k", timeout=httpx.Timeout(5.0, read=-1.0))


def test_the_timeout_annotation_of_every_method_resolves_at_run_time() -> None:
    """Introspection (typing.get_type_hints, pydantic's validate_call) sees real types."""
    import inspect
    import sys
    import typing

    from haulmer import AsyncHaulmer

    checked = 0
    for client in (Haulmer(api_key="k"), AsyncHaulmer(api_key="k")):
        resources = [client.checkout, client.openfactura.documents, client.point, client.catalogue]
        for resource in resources:
            for name, method in inspect.getmembers(resource, inspect.ismethod):
                parameter = inspect.signature(method).parameters.get("timeout")
                if name.startswith("_") or parameter is None:
                    continue
                namespace = vars(sys.modules[method.__module__])
                resolved = eval(parameter.annotation, namespace)  # as get_type_hints does
                assert resolved is float or type(None) in typing.get_args(resolved), name
                checked += 1
    assert checked > 20
    client_timeout = inspect.signature(Haulmer.__init__).parameters["timeout"].annotation
    assert type(None) in typing.get_args(
        eval(client_timeout, vars(sys.modules["haulmer._sync.client"]))
    )
