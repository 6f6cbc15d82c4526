"""``with_raw_response`` on every resource of both faces, and the request id on returned models."""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Iterator
from typing import Any

import pytest

from haulmer._core import AsyncAPIResource, SyncAPIResource
from haulmer._core.raw import NO_RAW_RESPONSE, APIResponse
from haulmer.errors import APIStatusError
from haulmer.testing import FakeHaulmer
from openfactura import samples


@pytest.fixture
def fake() -> FakeHaulmer:
    return FakeHaulmer()


def _resources(obj: Any, path: str = "client") -> Iterator[tuple[str, Any]]:
    """Every resource hanging off ``obj`` through properties, with its path."""
    for name in dir(type(obj)):
        static = inspect.getattr_static(type(obj), name, None)
        if name.startswith("_") or not isinstance(static, (property, functools.cached_property)):
            continue
        value = getattr(obj, name)
        if isinstance(value, (SyncAPIResource, AsyncAPIResource)):
            yield f"{path}.{name}", value
        if hasattr(value, "_client"):
            yield from _resources(value, f"{path}.{name}")


def _methods(resource: Any) -> list[str]:
    return [
        name
        for name in dir(type(resource))
        if not name.startswith("_")
        and inspect.isfunction(inspect.getattr_static(type(resource), name))
    ]


@pytest.mark.parametrize("face", ["sync", "async"])
def test_every_method_of_every_resource_has_a_raw_response_form(
    fake: FakeHaulmer, face: str
) -> None:
    client = fake.client() if face == "sync" else fake.async_client()
    resources = dict(_resources(client))
    assert {"client.openfactura.documents", "client.checkout", "client.point"} <= set(resources)
    checked = 0
    refused = set()
    for path, resource in resources.items():
        raw = resource.with_raw_response
        for name in _methods(resource):
            if getattr(getattr(type(resource), name), NO_RAW_RESPONSE, None) is not None:
                refused.add(f"{path}.{name}")
                continue
            method = getattr(raw, name)
            assert callable(method), f"{path}.with_raw_response.{name}"
            assert method.__doc__ == getattr(resource, name).__doc__
            checked += 1
    assert checked > 50
    assert refused == {"client.openfactura.documents.emit_many"}


@pytest.mark.parametrize("face", ["sync", "async"])
def test_a_batch_has_no_raw_form_and_the_refusal_says_where_its_responses_are(
    fake: FakeHaulmer, face: str
) -> None:
    """``emit_many`` sends nothing when called, a request per sale as its results are read:
    its raw form is refused by name, not called to raise "sent no request"."""
    client = fake.client() if face == "sync" else fake.async_client()
    raw = client.openfactura.documents.with_raw_response
    with pytest.raises(AttributeError, match=r"Documents\.emit_many has no with_raw_response") as e:
        raw.emit_many  # noqa: B018
    assert "request_id" in str(e.value)
    assert not hasattr(raw, "emit_many")
    assert "emit_many" not in dir(raw)
    assert "emit" in dir(raw)
    assert fake.requests == []


def test_a_raw_response_carries_status_headers_request_id_and_the_parsed_model(
    fake: FakeHaulmer,
) -> None:
    with fake.client() as client:
        response = client.openfactura.organization.with_raw_response.retrieve()
    logged = fake.requests[-1]
    assert isinstance(response, APIResponse)
    assert response.status_code == 200
    assert response.request_id == logged.request_id
    assert response.request_id
    assert response.request_id.startswith("req_")
    assert response.headers["x-request-id"] == response.request_id
    organization = response.parse()
    assert organization.rut
    assert organization.request_id == response.request_id
    assert response.request_id in repr(response)


def test_a_raw_responses_headers_are_read_whatever_the_case_of_their_names(
    fake: FakeHaulmer,
) -> None:
    with fake.client() as client:
        response = client.openfactura.organization.with_raw_response.retrieve()
    assert response.headers["X-Request-Id"] == response.request_id
    assert response.headers.get("X-REQUEST-ID") == response.request_id
    assert "Content-Type" in response.headers
    assert response.headers.get("Content-Type", "").startswith("application/json")
    assert "x-request-id" in list(response.headers)  # the names as httpx gives them
    assert response.headers == dict(response.headers.items())
    assert json.loads(json.dumps(response.headers))["x-request-id"] == response.request_id
    assert response.request_id not in repr(response.headers)  # names only, as the answer's


def test_an_errors_answer_headers_are_read_whatever_the_case_of_their_names(
    fake: FakeHaulmer,
) -> None:
    fake.control.fail_next("openfactura.organization.retrieve", status=400)
    with fake.client() as client, pytest.raises(APIStatusError) as caught:
        client.openfactura.organization.retrieve()
    assert caught.value.response is not None
    assert caught.value.response.headers.get("X-Request-Id") == caught.value.request_id
    assert caught.value.request_id


def test_the_namespace_hands_out_its_resources_raw_forms(fake: FakeHaulmer) -> None:
    with fake.client() as client:
        response = client.openfactura.with_raw_response.organization.retrieve()
    assert response.status_code == 200


def test_returned_models_carry_the_request_id_of_their_answer(fake: FakeHaulmer) -> None:
    with fake.client() as client:
        first = client.openfactura.organization.retrieve()
        second = client.openfactura.organization.retrieve()
    ids = [entry.request_id for entry in fake.requests]
    assert first.request_id == ids[-2]
    assert second.request_id == ids[-1]
    assert first.request_id != second.request_id


def test_an_emitted_document_carries_its_request_id_to_store_beside_the_folio(
    fake: FakeHaulmer,
) -> None:
    with fake.client() as client:
        raw = client.openfactura.documents.with_raw_response.emit(samples.factura())
        document = raw.parse()
    assert document.folio is not None
    assert document.request_id == raw.request_id == fake.requests[-1].request_id


def test_a_page_and_its_items_carry_the_request_id(fake: FakeHaulmer) -> None:
    with fake.client() as client:
        client.openfactura.documents.emit(samples.factura())
        response = client.openfactura.documents.with_raw_response.list_issued()
        page = response.parse()
    assert page.request_id == response.request_id
    assert page.items
    assert all(item.request_id == response.request_id for item in page.items)


async def test_the_async_face_answers_the_same(fake: FakeHaulmer) -> None:
    async with fake.async_client() as client:
        response = await client.openfactura.organization.with_raw_response.retrieve()
        listed = await client.openfactura.documents.with_raw_response.list_issued()
    assert response.status_code == 200
    assert response.parse().request_id == response.request_id
    assert listed.parse().request_id == listed.request_id


def test_a_model_built_locally_has_no_request_id() -> None:
    from haulmer.openfactura.models import Organization

    assert Organization.model_validate({"rut": "76795561-8"}).request_id is None


def test_a_models_request_id_survives_copies_and_pickling_and_takes_part_in_equality() -> None:
    import copy
    import pickle

    from haulmer.openfactura.models import Taxpayer

    data = {"rut": "76795561-8", "actividades": [{"giro": "Software"}]}
    answered, local = Taxpayer.model_validate(data), Taxpayer.model_validate(data)
    answered._set_request_id(None)  # an answer without a request id header
    assert answered == local
    assert answered.request_id is None
    answered._set_request_id("req-1")
    assert answered != local
    assert answered.actividades[0].request_id is None  # only what the call returns is stamped
    for kept in (
        copy.copy(answered),
        copy.deepcopy(answered),
        pickle.loads(pickle.dumps(answered)),
        answered.model_copy(update={"email": "a@b.cl"}),
    ):
        assert kept.request_id == "req-1"
    assert "req-1" not in repr(answered)
    assert "req-1" not in answered.model_dump_json()


def test_the_raw_form_refuses_what_is_not_a_method(fake: FakeHaulmer) -> None:
    with fake.client() as client:
        raw = client.openfactura.documents.with_raw_response
        with pytest.raises(AttributeError):
            raw._request  # noqa: B018
        with pytest.raises(AttributeError):
            raw.no_such_method  # noqa: B018


def test_errors_still_raise_through_the_raw_form(fake: FakeHaulmer) -> None:
    from haulmer.errors import BadRequestError

    with fake.client() as client, pytest.raises(BadRequestError) as caught:
        client.openfactura.documents.with_raw_response.json("0" * 64)
    assert caught.value.request_id == fake.requests[-1].request_id


def test_a_call_of_several_requests_answers_its_last_and_keeps_them_all(
    fake: FakeHaulmer,
) -> None:
    fake.control.drop_connection("openfactura.documents.emit", when="after")
    with fake.client() as client:
        raw = client.openfactura.documents.with_raw_response.emit(
            samples.factura(), idempotency_key="sale-1"
        )
    document = raw.parse()
    assert document.already_issued
    answered = [entry for entry in fake.requests if entry.outcome == "answered"]
    assert [r.request_id for r in raw.responses] == [e.request_id for e in answered]
    assert len(raw.responses) >= 2
    assert raw.request_id == answered[-1].request_id
    assert raw.responses[0].status_code == 400  # the OF-06 that found it
    assert document.request_id == answered[0].request_id == raw.responses[0].request_id


def test_a_model_a_method_makes_of_its_answer_carries_that_answers_request_id(
    fake: FakeHaulmer,
) -> None:
    """``taxpayer.retrieve`` reads a JSON object and makes the ``Taxpayer`` itself."""
    with fake.client() as client:
        rut = client.openfactura.organization.retrieve().rut
        taxpayer = client.openfactura.taxpayer.retrieve(rut)
    assert taxpayer is not None
    assert taxpayer.request_id == fake.requests[-1].request_id
    assert taxpayer.request_id is not None


async def test_the_async_face_gives_the_made_model_its_request_id_too(fake: FakeHaulmer) -> None:
    async with fake.async_client() as client:
        rut = (await client.openfactura.organization.retrieve()).rut
        taxpayer = await client.openfactura.taxpayer.retrieve(rut)
    assert taxpayer is not None
    assert taxpayer.request_id == fake.requests[-1].request_id
