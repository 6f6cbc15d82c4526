"""``control.fail_next`` scripts OpenFactura's real rejections: details, the three body shapes,
the service's Spanish messages, so code reading ``DocumentRejectedError.details`` can be tested."""

from __future__ import annotations

import httpx
import pytest
from fake_bodies import factura

from haulmer.errors import (
    APIStatusError,
    DocumentRejectedError,
    ErrorDetail,
    RateLimitError,
    ServerError,
)
from haulmer.testing import FakeHaulmer

ORG = "openfactura.organization.retrieve"


def test_a_scripted_of10_reads_like_the_service(fake: FakeHaulmer) -> None:
    fake.control.fail_next(
        "openfactura.documents.emit",
        code="OF-10",
        details={"MntNeto": "Monto erróneo : 1000"},
    )
    with fake.client(max_retries=0) as client, pytest.raises(DocumentRejectedError) as caught:
        client.openfactura.documents.emit(factura()["dte"])
    error = caught.value
    assert error.status_code == 400
    assert error.code == "OF-10"
    assert error.message == "Validación de Campos"
    assert error.details == [ErrorDetail("MntNeto", "Monto erróneo : 1000")]
    assert "Bad Request" not in str(error)
    assert "MntNeto" in str(error)
    assert fake.openfactura_state.documents == []


def test_details_take_pairs_and_field_issue_items(fake: FakeHaulmer, wire: httpx.Client) -> None:
    fake.control.fail_next(
        ORG, code="OF-02", details=[("RUTRecep", "Campo obligatorio"), ("FchEmis", "x")]
    )
    assert wire.get("/v2/dte/organization").json() == {
        "error": {
            "message": "Faltan campos obligatorios del DTE",
            "code": "OF-02",
            "details": [
                {"field": "RUTRecep", "issue": "Campo obligatorio"},
                {"field": "FchEmis", "issue": "x"},
            ],
        }
    }
    fake.control.fail_next(ORG, code="OF-10", details=[{"field": "Folio", "issue": "y"}])
    body = wire.get("/v2/dte/organization").json()
    assert body["error"]["details"] == [{"field": "Folio", "issue": "y"}]


def test_the_unwrapped_shape_is_the_registrys_body(fake: FakeHaulmer) -> None:
    fake.control.fail_next(
        "openfactura.documents.list_issued",
        code="OF-10",
        message="Validación de Campos.",
        details={"Error": "Fecha Incorrecta"},
        shape="unwrapped",
    )
    with fake.client(max_retries=0) as client, pytest.raises(DocumentRejectedError) as caught:
        client.openfactura.documents.list_issued()
    assert fake.requests[-1].response == {
        "message": "Validación de Campos.",
        "code": "OF-10",
        "details": {"Error": "Fecha Incorrecta"},
    }
    assert caught.value.details == [ErrorDetail("Error", "Fecha Incorrecta")]


def test_the_gateway_shape_and_any_body_as_it_is(fake: FakeHaulmer) -> None:
    fake.control.fail_next(ORG, status=429, shape="gateway", retry_after=3)
    fake.control.fail_next(ORG, status=502, body={"message": "upstream", "extra": [1]})
    with fake.client(max_retries=0) as client:
        with pytest.raises(RateLimitError) as limited:
            client.openfactura.organization.retrieve()
        assert limited.value.retry_after == 3
        with pytest.raises(ServerError) as broken:
            client.openfactura.organization.retrieve()
    assert broken.value.message == "upstream"
    assert broken.value.body == {"message": "upstream", "extra": [1]}


def test_a_code_defaults_to_http_400_and_each_code_has_its_message(fake: FakeHaulmer) -> None:
    fake.control.fail_next(ORG, code="OF-05")
    with fake.client(max_retries=0) as client, pytest.raises(DocumentRejectedError) as caught:
        client.openfactura.organization.retrieve()
    assert caught.value.status_code == 400
    assert caught.value.message == "Tipo de DTE no soportado"
    assert "organization.folios()" in str(caught.value)


def test_the_fakes_own_of03_is_a_document_rejection(fake: FakeHaulmer) -> None:
    wrong_emisor = factura()
    wrong_emisor["dte"]["Encabezado"]["Emisor"]["RUTEmisor"] = "76430498-5"
    with fake.client(max_retries=0) as client, pytest.raises(DocumentRejectedError) as of03:
        client.openfactura.documents.emit(wrong_emisor["dte"])
    assert of03.value.code == "OF-03"
    assert "RUTEmisor" in str(of03.value)


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"details": {"a": "b"}}, "need code="),
        ({"code": "OF-10", "shape": "gateway"}, "carries no code"),
        ({"code": "OF-10", "shape": "wrapped"}, "shape must be"),
        ({"code": "OF-10", "body": {}}, "body= is sent as it is"),
        ({"code": "OF-10", "details": "MntNeto"}, "details must be"),
        ({"code": "OF-10", "details": [("a", 1)]}, "details must be"),
    ],
)
def test_contradictory_scripts_are_refused(
    fake: FakeHaulmer, kwargs: dict[str, object], why: str
) -> None:
    with pytest.raises(ValueError, match=why):
        fake.control.fail_next(ORG, **kwargs)  # type: ignore[arg-type]


def test_every_scripted_status_still_is_a_status_error(fake: FakeHaulmer) -> None:
    fake.control.fail_next(ORG, code="OF-22")
    with fake.client(max_retries=0) as client, pytest.raises(APIStatusError) as caught:
        client.openfactura.organization.retrieve()
    assert caught.value.message == "Problemas al procesar los datos"
