"""The SII's stand-in RUTs for a receptor (66666666-6, a boleta's anonymous buyer; 55555555-5, an
export's foreign one) are no company's: neither an organization nor a document's emisor."""

from __future__ import annotations

import pytest

import haulmer.dte as dte
from haulmer import Haulmer
from haulmer.errors import BadRequestError, DocumentError, ValidationError
from haulmer.openfactura.setup import SetupStatus
from haulmer.testing import FakeHaulmer
from journey.story import COMPANY, ReadyWorkspace, ready_workspace, started_setup

PLACEHOLDERS = ["66666666-6", "55555555-5", "66.666.666-6"]


@pytest.fixture
def ready(fake: FakeHaulmer, client: Haulmer) -> ReadyWorkspace:
    return ready_workspace(fake, client)


@pytest.mark.parametrize("rut", PLACEHOLDERS)
def test_a_placeholder_rut_is_refused_as_an_organization_locally_and_by_the_platform(
    fake: FakeHaulmer, ready: ReadyWorkspace, rut: str
) -> None:
    workspace = ready.owner.workspace
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match="no company's") as local:
        workspace.add_organization(ready.workspace.id, razon_social="GENERICO SPA", rut=rut)
    assert "own RUT" in str(local.value)
    assert len(fake.requests) == sent
    with pytest.raises(BadRequestError) as caught:  # a client that skips the SDK's check
        workspace.add_organization(
            ready.workspace.id,
            razon_social="GENERICO SPA",
            rut="76111222-8",
            extra_body={"rut": rut},
        )
    assert caught.value.code == "validation_failed"
    assert [d.field for d in caught.value.details] == ["rut"]
    organizations = workspace.retrieve(ready.workspace.id).organizations
    assert [o.razon_social for o in organizations] == ["PANADERIA ANA SPA"]


@pytest.mark.parametrize("rut", PLACEHOLDERS)
def test_a_placeholder_rut_is_refused_as_the_setups_new_organization(
    fake: FakeHaulmer, ready: ReadyWorkspace, rut: str
) -> None:
    setup = started_setup(fake, ready)
    with pytest.raises(ValidationError, match="no company's"):
        ready.admin.openfactura.setup.choose_organization(
            setup.id,
            new_organization={"razon_social": "GENERICO SPA", "rut": rut},
            company=COMPANY,
        )
    with pytest.raises(BadRequestError) as caught:
        ready.admin.openfactura.setup.choose_organization(
            setup.id,
            new_organization={"razon_social": "GENERICO SPA", "rut": "76111222-8"},
            company=COMPANY,
            extra_body={"new_organization": {"razon_social": "GENERICO SPA", "rut": rut}},
        )
    assert [d.field for d in caught.value.details] == ["rut"]
    assert ready.admin.openfactura.setup.retrieve(setup.id).status is (
        SetupStatus.PENDING_ORGANIZATION
    )


@pytest.mark.parametrize("rut", ["66666666-6", "55555555-5"])
def test_a_document_whose_emisor_is_a_placeholder_rut_is_refused_naming_the_field(
    rut: str,
) -> None:
    with pytest.raises(DocumentError) as caught:
        dte.boleta(
            emisor={
                "rut": rut,
                "razon_social": "GENERICO SPA",
                "giro": "Comercio",
                "direccion": "Arturo Prat 527",
                "comuna": "Curicó",
            },
            lines=[{"nombre": "Marraqueta", "cantidad": 1, "precio": 150}],
        )
    assert [d.field for d in caught.value.details] == ["Encabezado.Emisor.RUTEmisor"]
    assert "no company's" in str(caught.value)


_PLACEHOLDER_EMISOR = {
    "razon_social": "GENERICO SPA",
    "giro": "Comercio",
    "actecos": [479100],
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}
_COMPANY_RECEPTOR = {
    "rut": "76086428-5",
    "razon_social": "PANADERIA ANA SPA",
    "giro": "Panadería",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}


@pytest.mark.parametrize("rut", ["66666666-6", "55555555-5"])
def test_an_export_or_liquidacion_whose_emisor_is_a_placeholder_rut_is_refused(rut: str) -> None:
    # the exports' and the liquidación's own rules let the stand-in through as the emisor
    emisor = {"rut": rut, **_PLACEHOLDER_EMISOR}
    lines = [{"nombre": "Asesoría", "cantidad": 1, "precio": 100}]
    with pytest.raises(DocumentError) as export:
        dte.factura_exportacion(
            emisor=emisor,
            receptor={"razon_social": "ACME INC", "extranjero": {"nacionalidad": 225}},
            lines=lines,
            moneda="DOLAR USA",
            ind_servicio=3,
        )
    with pytest.raises(DocumentError) as liquidacion:
        dte.liquidacion_factura(emisor=emisor, receptor=_COMPANY_RECEPTOR, lines=lines)
    for caught in (export, liquidacion):
        assert [d.field for d in caught.value.details] == ["Encabezado.Emisor.RUTEmisor"]
        assert "no company's" in str(caught.value)
