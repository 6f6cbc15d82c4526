"""A customer through the journey who calls OpenFactura before creating the company's API key is
told where that key comes from: the access token of a login is not it."""

from __future__ import annotations

import pytest

import haulmer.dte as dte
from haulmer import Haulmer
from haulmer.errors import ConfigurationError
from haulmer.testing import FakeHaulmer
from journey.story import START, ready_workspace

BOLETA = dte.boleta(
    emisor={
        "rut": "76086428-5",
        "razon_social": "PANADERIA ANA SPA",
        "giro": "Elaboración de pan",
        "direccion": "Arturo Prat 527",
        "comuna": "Curicó",
    },
    lines=[{"nombre": "Marraqueta", "cantidad": 10, "precio": 150}],
    fecha=START.date(),
)


def test_a_logged_in_client_without_a_key_is_told_the_login_is_not_it_and_where_the_key_comes_from(
    fake: FakeHaulmer,
) -> None:
    with fake.client(api_key=None) as client:
        admin = ready_workspace(fake, client).admin
        sent = len(fake.requests)
        with pytest.raises(ConfigurationError) as caught:
            admin.openfactura.documents.emit(BOLETA, idempotency_key="sale-1")
    message = str(caught.value)
    assert "No OpenFactura API key" in message
    assert "access token" in message
    assert "openfactura.certification.create_api_key(setup_id)" in message
    assert len(fake.requests) == sent


def test_a_client_without_a_key_or_a_login_names_where_a_companys_key_comes_from() -> None:
    with (
        Haulmer(environment="sandbox", api_key=None) as keyless,
        pytest.raises(ConfigurationError) as caught,
    ):
        keyless.openfactura.organization.retrieve()
    message = str(caught.value)
    assert "openfactura.certification.create_api_key(setup_id)" in message
    assert "haulmer.openfactura.sandbox" in message
    assert "access token" not in message
