"""Every public entry point that takes a RUT agrees with ``Rut()``: the same spellings read as the
same RUT, the same refused with an ``InvalidRutError``, before anything is sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import haulmer.dte as dte
from haulmer import Haulmer
from haulmer.checkout.business import Buyer, create_order_request, tax_document_request
from haulmer.errors import DocumentError, InvalidRutError
from haulmer.openfactura.filters import ISSUED_FILTERS, build_filters
from haulmer.openfactura.setup.business import NewOrganization
from haulmer.point.business import sale_request
from haulmer.rut import Rut
from haulmer.workspace.business import organization_request

_EMISOR = {
    "rut": "76795561-8",
    "razon_social": "ACME SPA",
    "giro": "Venta",
    "actecos": [620200],
    "direccion": "Calle 1",
    "comuna": "Santiago",
}
_RECEPTOR = {
    "razon_social": "HOSTY SPA",
    "giro": "Inf",
    "direccion": "Prat 527",
    "comuna": "Curicó",
}
_BUYER = {"name": "Ana Rojas", "email": "ana@example.com", "phone": "+56 9 8765 4321"}


class _Sent(Exception):
    """A request reached the transport: the RUT was not refused before it."""


def _refuse_every_request(request: httpx.Request) -> httpx.Response:
    raise _Sent(f"{request.method} {request.url}")


@pytest.fixture(scope="module")
def client() -> Iterator[Haulmer]:
    """A sandbox client whose transport fails any request it is handed."""
    http = httpx.Client(transport=httpx.MockTransport(_refuse_every_request))
    with Haulmer(
        api_key="0123456789abcdef0123456789abcdef",
        environment="sandbox",
        http_client=http,
        max_retries=0,
    ) as sdk:
        yield sdk


def _local_entry_points() -> dict[str, Callable[[Any], Rut]]:
    """What each pure entry point reads a RUT as (raising when it refuses it): what it would
    send, read back without judging it."""

    def dte_receptor(rut: Any) -> Rut:
        lines = [{"nombre": "x", "precio": 1000}]
        document = dte.factura(emisor=_EMISOR, receptor={**_RECEPTOR, "rut": rut}, lines=lines)
        return document.encabezado.receptor.rut

    def order(rut: Any) -> Rut:
        request = create_order_request(
            {**_BUYER, "rut": rut},
            {"openfactura": 1},
            [{"code": "emprendedor", "months": 12}],
            None,
        )
        assert request.json is not None
        return Rut(request.json["buyer"]["rut"], validate_dv=False)

    def factura_receiver(rut: Any) -> Rut:
        request = tax_document_request("tok_1", "factura", {**_RECEPTOR, "rut": rut})
        assert request.json is not None
        return Rut(request.json["receiver"]["rut"], validate_dv=False)

    def sale(rut: Any) -> Rut:
        request = sale_request("pos_1", [("prd_1", 1)], "cash", None, None, {"rut": rut}, None)
        assert request.json is not None
        return Rut(request.json["receptor"]["rut"], validate_dv=False)

    def workspace_organization(rut: Any) -> Rut:
        request = organization_request("ws_1", "PANADERIA ANA SPA", rut, None)
        assert request.json is not None
        return Rut(request.json["rut"], validate_dv=False)

    def filter_number(rut: Any) -> Rut:
        number = build_filters(ISSUED_FILTERS, {"rut_recep": rut})["RUTRecep"]["eq"]
        return Rut.from_parts(number)

    return {
        "Rut": Rut,
        "Buyer": lambda rut: Buyer(**_BUYER, rut=rut).rut,
        "NewOrganization": lambda rut: NewOrganization(razon_social="X SPA", rut=rut).rut,
        "dte.factura receptor": dte_receptor,
        "checkout.create_order": order,
        "checkout.choose_tax_document": factura_receiver,
        "point.sell receptor": sale,
        "workspace.add_organization": workspace_organization,
        "list_issued(rut_recep=)": filter_number,
    }


_LOCAL = _local_entry_points()

_OPENFACTURA_CALLS: dict[str, Callable[[Haulmer, Any], Any]] = {
    "taxpayer.retrieve": lambda client, rut: client.openfactura.taxpayer.retrieve(rut),
    "documents.status": lambda client, rut: client.openfactura.documents.status(
        rut=rut, dte_type=33, folio=1
    ),
    "documents.accuse": lambda client, rut: client.openfactura.documents.accuse(rut, 33, 1, "ACD"),
}


def _spellings(rut: Rut) -> list[str]:
    """The ways ``Rut()`` documents reading a RUT: plain, with dots, without the hyphen, a
    lower-case k, blanks around it, leading zeros."""
    plain = str(rut)
    return [
        plain,
        rut.format(dots=True),
        f"{rut.number}{rut.dv}",
        plain.lower(),
        f"  {rut.format(dots=True).lower()}\n",
        f"00{plain}",
    ]


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 99_999_999))
def test_every_accepted_spelling_reads_as_the_same_rut_at_every_entry_point(number: int) -> None:
    rut = Rut.from_parts(number)
    for spelling in _spellings(rut):
        for name, read in _LOCAL.items():
            assert read(spelling) == rut, (name, spelling)


_REFUSED: list[Any] = [
    "76795561-9",
    "76.795.5618",
    "CL76795561-8",
    "76 795 561-8",
    "0-0",
    "123456789-0",
    Rut("76795561-9", validate_dv=False),
]


@pytest.mark.parametrize("value", _REFUSED, ids=str)
@pytest.mark.parametrize("name", sorted(_LOCAL))
def test_a_refused_rut_is_an_invalid_rut_error_at_every_pure_entry_point(
    name: str, value: Any
) -> None:
    with pytest.raises(Exception) as caught:
        _LOCAL[name](value)
    assert _refuses_the_rut(caught.value), (name, type(caught.value), caught.value)


def _refuses_the_rut(error: BaseException) -> bool:
    """Whether ``error`` is a refusal of the RUT: an InvalidRutError; a model's validation error
    carrying one; a DocumentError (a builder gathers every problem of a document) naming it."""
    if isinstance(error, InvalidRutError):
        return True
    if isinstance(error, pydantic.ValidationError):
        causes = [(item.get("ctx") or {}).get("error") for item in error.errors()]
        return [item["loc"] for item in error.errors()] == [("rut",)] and isinstance(
            causes[0], InvalidRutError
        )
    if isinstance(error, DocumentError):
        return [detail.field for detail in error.details] == ["Encabezado.Receptor.RUTRecep"]
    return False


@pytest.mark.parametrize("value", _REFUSED, ids=str)
@pytest.mark.parametrize("call", sorted(_OPENFACTURA_CALLS))
def test_a_refused_rut_is_refused_before_any_request_of_an_openfactura_call(
    client: Haulmer, call: str, value: Any
) -> None:
    # A Rut read without checking its check digit (real-world data) went out in the URL or
    # body of these calls, which the SII answers for no such RUT.
    with pytest.raises(InvalidRutError):
        _OPENFACTURA_CALLS[call](client, value)
