"""The self-service link variant of ``POST /v2/dte/document``: its body and key. Pure, no I/O.

A shop sends a sale's boleta with ``selfService`` and gets back a link (``SELF_SERVICE.url``) it
shows or mails to its customer, who then takes the boleta or, when the shop allows it, turns it
into a factura with their own company's data; OpenFactura then voids an issued boleta with a
nota de crédito itself. The ``dte`` is validated as any emission's, issued now or not.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import Field, field_validator, model_validator

from haulmer._chile import chile_date
from haulmer._numbers import own_arithmetic
from haulmer._platform import EMAIL_ADDRESS, dte_text
from haulmer._shown import shown
from haulmer.dte.catalogue import DTEType
from haulmer.dte.document import Document
from haulmer.errors import DocumentError, ErrorDetail, ValidationError
from haulmer.openfactura._base import RequestModel, build_request
from haulmer.openfactura._checks import check_flag
from haulmer.openfactura.emission import (
    Custom,
    build_emission,
    document_idempotency_key,
    normalize_response,
)
from haulmer.openfactura.enums import PDF_FORMATS, ResponseOption

__all__ = [
    "CUSTOMER_EMAIL_LENGTH",
    "CUSTOMER_NAME_LENGTH",
    "HYPERLINK_TEXT_LENGTH",
    "ORDER_REFERENCE_TYPE",
    "SELF_SERVICE_OPTION",
    "URL_LENGTH",
    "CustomizePage",
    "ExternalReference",
    "OrderReference",
    "SelfServiceCustomer",
    "SelfServiceEmission",
    "build_self_service",
]

ORDER_REFERENCE_TYPE = "801"
"""The SII's reference type of an orden de compra, what Haulmer's plugins send for the order."""

CUSTOMER_NAME_LENGTH = 100
"""``customer.fullName`` is cut to this length, as Haulmer's plugins cut it."""

CUSTOMER_EMAIL_LENGTH = 80
"""The longest ``customer.email`` Haulmer's plugins send (an address cannot be cut: refused)."""

HYPERLINK_TEXT_LENGTH = 100
"""The longest ``hyperlinkText`` accepted: a link's label (Haulmer documents no limit)."""

URL_LENGTH = 2000
"""The longest URL accepted (the common limit of browsers; Haulmer documents none)."""

_REFERENCE_ID_LENGTH = 18
"""The SII's FolioRef holds at most 18 characters, the order id included."""

_REFERENCE_TYPE = re.compile(r"[0-9A-Z]{1,3}")
"""A TpoDocRef: a DTE type or a code such as 801 (orden de compra), at most 3 characters."""

_GENERIC_RECEPTOR = "66666666-6"

_SALE_SERVICE = 3
"""IndServicio 3, ventas y servicios: what a shop's boleta is, filled in when left out."""

_DOCUMENT_OPTIONS = frozenset(
    {
        ResponseOption.FOLIO.value,
        ResponseOption.PDF.value,
        ResponseOption.XML.value,
        ResponseOption.TIMBRE.value,
        *(option.value for option in PDF_FORMATS),
    }
)
"""``response`` options about the issued boleta: nothing to return when none is issued now."""


def _https_url(value: Any, what: str) -> Any:
    if not isinstance(value, str):
        return value  # the field's type says what is wrong
    text = value.strip()
    if len(text) > URL_LENGTH:
        raise ValueError(f"{what} has {len(text)} characters; a URL here has at most {URL_LENGTH}")
    if not re.fullmatch(r"https://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", text, re.IGNORECASE):
        raise ValueError(
            f"{shown(text)} is not an https URL: the customer's page is served over https, "
            "and a browser shows no logo or link over plain http there (https://shop.cl/...)"
        )
    return "https://" + text[len("https://") :]  # a scheme is read in any case (RFC 3986)


class SelfServiceCustomer(RequestModel):
    """``customer``: who bought, shown on the self-service page (and its e-mail's recipient)."""

    full_name: str | None = Field(default=None, alias="fullName")
    email: str | None = None

    @field_validator("full_name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()[:CUSTOMER_NAME_LENGTH]
            if not value:
                raise ValueError("the customer's full name is blank: give it, or leave it out")
        return value

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not EMAIL_ADDRESS.fullmatch(value):
                raise ValueError(f"{shown(value)} is not an e-mail address")
            if len(value) > CUSTOMER_EMAIL_LENGTH:
                raise ValueError(
                    f"the e-mail address has {len(value)} characters; OpenFactura takes at most "
                    f"{CUSTOMER_EMAIL_LENGTH}"
                )
        return value

    @model_validator(mode="after")
    def _someone(self) -> SelfServiceCustomer:
        if self.full_name is None and self.email is None:
            raise ValueError("give the customer's full_name, email or both, or pass no customer")
        return self


class ExternalReference(RequestModel):
    """``externalReference``: a link from the self-service page back to the shop's order."""

    hyperlink_text: str = Field(alias="hyperlinkText")
    hyperlink_url: str = Field(alias="hyperlinkURL")

    @field_validator("hyperlink_text", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                raise ValueError("the link's text is blank (e.g. 'Orden de compra #1234')")
            if len(value) > HYPERLINK_TEXT_LENGTH:
                raise ValueError(
                    f"the link's text has {len(value)} characters; at most "
                    f"{HYPERLINK_TEXT_LENGTH} are accepted"
                )
        return value

    @field_validator("hyperlink_url", mode="before")
    @classmethod
    def _url(cls, value: Any) -> Any:
        return _https_url(value, "the link's URL")


class CustomizePage(RequestModel):
    """``customizePage``: the shop's logo and a link back to its order on the self-service page."""

    url_logo: str | None = Field(default=None, alias="urlLogo")
    external_reference: ExternalReference | None = Field(default=None, alias="externalReference")

    @field_validator("url_logo", mode="before")
    @classmethod
    def _logo(cls, value: Any) -> Any:
        return _https_url(value, "the logo's URL")

    @model_validator(mode="after")
    def _something(self) -> CustomizePage:
        if self.url_logo is None and self.external_reference is None:
            raise ValueError(
                "give the page's url_logo, external_reference or both, or pass no customize_page"
            )
        return self


class OrderReference(RequestModel):
    """The shop's order the sale belongs to: ``selfService.documentReference``.

    Sent as Haulmer's plugins send it, a list of one object with ``ID`` in capitals:
    ``[{"type": "801", "ID": 1234, "date": "2026-02-10"}]``. The API documentation shows a bare
    object with ``id`` instead; the plugins' form is the one proven in production.
    """

    id: int | str = Field(alias="ID")
    date: dt.date
    type: str = ORDER_REFERENCE_TYPE

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("the order id must be the order's number or code, not a bool")
        if isinstance(value, int):
            if value < 1:
                raise ValueError(f"the order id must be positive, got {shown(value)}")
            if value >= 10**_REFERENCE_ID_LENGTH:
                raise ValueError(
                    f"the order id {shown(value)} has more digits than the SII's reference "
                    f"(FolioRef) holds: at most {_REFERENCE_ID_LENGTH}"
                )
            return value
        if isinstance(value, str):
            value = value.strip()
            if not value:
                raise ValueError("the order id is blank: give the shop's order number")
            if len(value) > _REFERENCE_ID_LENGTH:
                raise ValueError(
                    f"the order id {shown(value)} has {len(value)} characters; the SII's "
                    f"reference (FolioRef) holds at most {_REFERENCE_ID_LENGTH}"
                )
            dte_text(value, "FolioRef")
        return value

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime):
            return chile_date(value)  # its day in Chile, the calendar the SII dates by
        if isinstance(value, str):
            try:
                return chile_date(value)
            except ValueError:
                raise ValueError(f"{shown(value)} is not a date YYYY-MM-DD") from None
        if isinstance(value, (int, float)):  # pydantic would read seconds since 1970
            raise ValueError(
                f"{shown(value)} is not a date YYYY-MM-DD: give a datetime.date or its text"
            )
        return value

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            value = value.strip().upper()
            if not _REFERENCE_TYPE.fullmatch(value):
                raise ValueError(
                    f"{shown(value)} is not a reference type: 801 (orden de compra), a DTE "
                    "type or another SII code of at most 3 characters"
                )
        return value

    def to_wire(self) -> dict[str, Any]:
        """The reference as the plugins send it: ``{"type", "ID", "date"}``."""
        return {"type": self.type, "ID": self.id, "date": self.date.isoformat()}


@dataclass(frozen=True)
class SelfServiceEmission:
    """A checked self-service request: the JSON body, its Idempotency-Key and what it asks."""

    body: dict[str, Any]
    idempotency_key: str
    response: tuple[str, ...]
    issue_boleta: bool
    key_is_derived: bool = False


def _boleta_dict(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a boleta in SII names with its TipoDTE (as given, else 41 when its totals are
    only exempt, the plugins' boleta exenta, else 39), its IndServicio (3, ventas y servicios,
    which OpenFactura fills in when the plugins leave it out) and a Receptor (the generic
    consumer when it has none; a Receptor that is no block, a bare RUT, is a DocumentError)."""
    data: Any = copy.deepcopy(dict(document))
    for wrapper in ("dte", "DTE", "Documento"):
        if set(data) == {wrapper} and isinstance(data[wrapper], Mapping):
            data = copy.deepcopy(dict(data[wrapper]))
    encabezado = data.get("Encabezado")
    if not isinstance(encabezado, Mapping):
        return dict(data)  # build_emission says what is missing
    encabezado = data["Encabezado"] = dict(encabezado)
    id_doc = encabezado.get("IdDoc")
    if not isinstance(id_doc, Mapping):
        return dict(data)
    id_doc = encabezado["IdDoc"] = dict(id_doc)
    if id_doc.get("TipoDTE") in (None, ""):
        totales = encabezado.get("Totales")
        amounts = totales if isinstance(totales, Mapping) else {}
        exempt_only = amounts.get("MntExe") is not None and not any(
            _nonzero(amounts.get(name)) for name in ("MntNeto", "IVA")
        )
        tipo = DTEType.BOLETA_EXENTA if exempt_only else DTEType.BOLETA
        id_doc = {"TipoDTE": int(tipo), **id_doc}
        id_doc["TipoDTE"] = int(tipo)
        encabezado["IdDoc"] = id_doc
    if id_doc.get("IndServicio") in (None, "") and _is_boleta(id_doc.get("TipoDTE")):
        id_doc["IndServicio"] = _SALE_SERVICE
    receptor = encabezado.get("Receptor")
    if receptor is None:
        encabezado["Receptor"] = {"RUTRecep": _GENERIC_RECEPTOR}  # the plugins send none
    elif not isinstance(receptor, Mapping):
        # A bare RUT is no receptor: taken for the generic buyer, the boleta would go anonymous.
        raise DocumentError(
            f"Encabezado.Receptor must be a block of the buyer's fields, such as "
            f"{{'RUTRecep': '12345678-5', 'RznSocRecep': ...}}, got {shown(receptor)}; "
            "leave it out for the anonymous buyer 66666666-6",
            [ErrorDetail("Encabezado.Receptor", f"{shown(receptor)} is no RUTRecep block")],
        )
    return dict(data)


def _nonzero(amount: Any) -> bool:
    """Whether an amount is there and not 0, by its value: ``"0"`` (a number written as text,
    as OpenFactura's JSON writes them) is no amount."""
    if amount is None or isinstance(amount, bool):
        return bool(amount)
    try:
        return Decimal(str(amount).strip()) != 0
    except ArithmeticError:
        return bool(str(amount).strip())


def _is_boleta(tipo: Any) -> bool:
    try:
        return DTEType(int(tipo)).is_boleta
    except (TypeError, ValueError):
        return False


def _check_boleta_type(tipo: Any) -> None:
    try:
        kind = DTEType(int(tipo))
    except (TypeError, ValueError):
        return  # build_emission names a TipoDTE that is no type
    if not kind.is_boleta:
        raise DocumentError(
            f"a self-service link sells with a boleta (39 or 41), not a {kind.label} "
            f"({int(kind)}): send the sale's boleta; the customer turns it into a factura "
            "on the link's page when allow_factura=True",
            [ErrorDetail("IdDoc.TipoDTE", f"{int(kind)} is not 39 or 41")],
        )


SELF_SERVICE_OPTION = "SELF_SERVICE"
"""The ``response`` option that returns the link: always asked for here, and only here."""


def _options(response: Sequence[ResponseOption | str] | None, issue_boleta: bool) -> list[str]:
    given = [response] if isinstance(response, str) else list(response or [])
    chosen = normalize_response(
        [o for o in given if not (isinstance(o, str) and o.upper() == SELF_SERVICE_OPTION)]
    )
    if not issue_boleta:
        pointless = [option for option in chosen if option in _DOCUMENT_OPTIONS]
        if pointless:
            raise ValidationError(
                f"issue_boleta=False issues no boleta now, so there is no {', '.join(pointless)} "
                "to return: leave it out of response=, or pass issue_boleta=True"
            )
    wanted = [SELF_SERVICE_OPTION]
    if issue_boleta:
        wanted.append(ResponseOption.FOLIO.value)
    return wanted + [option for option in chosen if option not in wanted]


@own_arithmetic
def build_self_service(
    document: Any,
    *,
    order: OrderReference | Mapping[str, Any],
    issue_boleta: bool,
    allow_factura: bool,
    customer: SelfServiceCustomer | Mapping[str, Any] | None = None,
    customize_page: CustomizePage | Mapping[str, Any] | None = None,
    response: Sequence[ResponseOption | str] | None = None,
    idempotency_key: str | None = None,
    custom: Custom | Mapping[str, Any] | None = None,
    today: dt.date | None = None,
) -> SelfServiceEmission:
    """Check everything locally and build the body of a self-service link request.

    ``document`` is the sale's boleta (39 or 41): a ``haulmer.dte`` Document or a dict in SII
    names, where TipoDTE, Folio, IndServicio and Receptor may be left out (a dict without
    TipoDTE is a 41 when its totals are only exempt, else a 39; IndServicio is 3, ventas). It
    is checked as ``emit`` checks a document, whether the boleta is issued now or not. The
    generic receptor 66666666-6 is left out, as Haulmer's plugins leave it. The derived key is
    the boleta's and the order's alone, so two orders with the same boleta get two links, and
    one sale asked for again with another customer, page, response or flags gets OF-06.
    ``today`` as in ``build_emission``: a FchEmis after it is refused.
    """
    issue = check_flag(issue_boleta, "issue_boleta", "issue the boleta now")
    allow = check_flag(allow_factura, "allow_factura", "let the customer ask for a factura")
    reference = build_request(OrderReference, order, what="order")
    buyer = (
        None if customer is None else build_request(SelfServiceCustomer, customer, what="customer")
    )
    page = (
        None
        if customize_page is None
        else build_request(CustomizePage, customize_page, what="customize_page")
    )
    options = _options(response, issue)
    if isinstance(document, Document):
        _check_boleta_type(document.tipo_dte)
    elif isinstance(document, Mapping):
        document = _boleta_dict(document)
        encabezado = document.get("Encabezado")
        id_doc = encabezado.get("IdDoc") if isinstance(encabezado, Mapping) else None
        if isinstance(id_doc, Mapping):
            _check_boleta_type(id_doc.get("TipoDTE"))
    emission = build_emission(
        document, response=[], idempotency_key=idempotency_key, custom=custom, today=today
    )
    dte = emission.body["dte"]
    _check_boleta_type(dte["Encabezado"]["IdDoc"]["TipoDTE"])
    receptor = dte["Encabezado"].get("Receptor")
    if receptor == {"RUTRecep": _GENERIC_RECEPTOR}:
        del dte["Encabezado"]["Receptor"]
    body: dict[str, Any] = {"response": options}
    if buyer is not None:
        body["customer"] = buyer.to_wire()
    if page is not None:
        body["customizePage"] = page.to_wire()
    body["selfService"] = {
        "issueBoleta": issue,
        "allowFactura": allow,
        "documentReference": [reference.to_wire()],
    }
    body["dte"] = dte
    if "custom" in emission.body:
        body["custom"] = emission.body["custom"]
    if idempotency_key is not None:
        key = emission.idempotency_key  # the caller's, as build_emission checked it
    else:
        # The sale: its boleta and its order. How the link is shown (customer, page, response,
        # custom) and its flags are left out, so a call repeated with another of them after a
        # lost answer meets OF-06 instead of issuing the sale's boleta a second time.
        sale = {"dte": dte, "documentReference": body["selfService"]["documentReference"]}
        key = document_idempotency_key(sale)
    return SelfServiceEmission(
        body=body,
        idempotency_key=key,
        response=tuple(options),
        issue_boleta=issue,
        key_is_derived=idempotency_key is None,
    )
