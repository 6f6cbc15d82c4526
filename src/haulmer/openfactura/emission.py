"""From a DTE to the body of ``POST /v2/dte/document``, and its idempotency key. Pure, no I/O.

OpenFactura takes the DTE in SII names with a few rules of its own: ``Folio`` is always 0 (it
assigns folios), boletas 39/41 name the emisor ``RznSocEmisor``/``GiroEmisor`` and carry a minimal
``Receptor`` without ``TasaIVA``, ``TasaIVA`` travels as text, and some texts are cut to the
lengths Haulmer's own plugins use.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, Field, field_validator

from haulmer._chile import chile_date, to_chile
from haulmer._core.request import idempotency_key_or_new
from haulmer._models import encode_json, holds_non_finite_number, non_finite_numbers
from haulmer._numbers import ANY_SIZE, own_arithmetic
from haulmer._platform import EMAIL_ADDRESS, dte_text
from haulmer._shown import shown
from haulmer.dte.catalogue import DTEType
from haulmer.dte.document import Document
from haulmer.dte.models import Emisor, Receptor
from haulmer.dte.schema.elements import Element
from haulmer.dte.schema.facts import BOLETA, DOCUMENTO, EXPORTACIONES, LIQUIDACION
from haulmer.dte.sii_dict import BOLETA_ELEMENTS, BOLETA_RENAMES, render_section, sii_names
from haulmer.errors import DocumentError, ErrorDetail, InvalidRutError, ValidationError
from haulmer.openfactura._base import RequestModel, build_request
from haulmer.openfactura._checks import whole_number
from haulmer.openfactura.artesano import (
    boleta_without_iva,
    check_artesano,
    normalize_iva_exceptional,
)
from haulmer.openfactura.enums import PDF_FORMATS, IvaExceptional, ResponseOption
from haulmer.rut import MAX_RUT_NUMBER, Rut
from haulmer.sii.render import clean_latin1

__all__ = [
    "DEFAULT_RESPONSE",
    "EMITTABLE_TYPES",
    "Custom",
    "Emission",
    "SendEmail",
    "build_emission",
    "document_idempotency_key",
    "document_identity",
    "identity_differences",
    "normalize_response",
    "to_openfactura_dte",
]

EMITTABLE_TYPES = frozenset({33, 34, 39, 41, 43, 46, 52, 56, 61, 110, 111, 112})
"""DTE types OpenFactura issues (110-112 are undocumented but accepted by the SII format)."""

DEFAULT_RESPONSE: tuple[ResponseOption, ...] = (ResponseOption.FOLIO,)
"""What ``emit`` asks for when the caller does not say: the folio (the token always comes)."""

_TOP_LEVEL_ORDER = (
    "Encabezado",
    "Detalle",
    "SubTotInfo",
    "DscRcgGlobal",
    "Referencia",
    "Comisiones",
)
_DROPPED_TOP_LEVEL = frozenset({"TED", "TmstFirma", "ID", "@ID", "Signature"})

_BOLETA_EMISOR = tuple(BOLETA_RENAMES.get(name, name) for name in BOLETA_ELEMENTS[Emisor])
"""The boleta's Emisor elements (EnvioBOLETA_v11, from the schema facts)."""
_BOLETA_RECEPTOR = tuple(BOLETA_RENAMES.get(name, name) for name in BOLETA_ELEMENTS[Receptor])
"""The boleta's Receptor elements (EnvioBOLETA_v11, from the schema facts)."""

_EMISOR_ELEMENTS = sii_names(Emisor)
_RECEPTOR_ELEMENTS = sii_names(Receptor)
"""Every SII name of the issuer's and the receptor's elements, as any document type writes
them (never a field's Python name)."""


def _boleta_section(
    section: Mapping[str, Any], kept: tuple[str, ...], elements: frozenset[str]
) -> dict[str, Any]:
    """A boleta's Emisor or Receptor: its own elements in the schema's order, without those
    only other types carry, and with any key that is no element at all (``RznSocc``), which
    the document's check then refuses by name rather than have it dropped unseen."""
    unknown = {key: value for key, value in section.items() if key not in elements}
    return {**{key: section[key] for key in kept if key in section}, **unknown}


TEXT_CUTS: Mapping[str, Mapping[str, int]] = {
    "Emisor": {"RznSoc": 100, "GiroEmis": 80, "DirOrigen": 60, "CmnaOrigen": 20},
    "Receptor": {"GiroRecep": 40},
    "Detalle": {"NmbItem": 80},
}
"""The texts OpenFactura's emission cuts, by section and SII name (boletas cut RznSocEmisor and
GiroEmisor alike): the lengths Haulmer's own plugins cut the issuer's texts to (reference
section 4.3) and the server's own cuts (4.4, 4.7). The one table of OpenFactura's cuts; any
other text over the SII's length (a receptor's razón social, a line's DscItem) is refused by
the check, naming the field, never cut."""

_CUTS_BY_WIRE_NAME: Mapping[str, Mapping[str, int]] = {
    section: {
        **limits,
        **{BOLETA_RENAMES[name]: limit for name, limit in limits.items() if name in BOLETA_RENAMES},
    }
    for section, limits in TEXT_CUTS.items()
}


# -- request options -------------------------------------------------------------------------


class SendEmail(RequestModel):
    """``sendEmail``: who gets the document by e-mail once the SII accepts it."""

    to: str
    cc: str | None = Field(default=None, alias="CC")
    bcc: str | None = Field(default=None, alias="BCC")

    @field_validator("to", "cc", "bcc", mode="before")
    @classmethod
    def _addresses(cls, value: Any) -> Any:
        """One address or several (a list, or text with commas), sent as OpenFactura reads
        them: comma-separated without blanks, each address once (its case aside)."""
        if isinstance(value, list | tuple):
            value = ",".join(str(item).strip() for item in value)
        if isinstance(value, str):
            addresses: dict[str, str] = {}
            for address in (part.strip() for part in value.split(",")):
                if not EMAIL_ADDRESS.fullmatch(address):
                    hint = "; separate addresses with commas" if ";" in address else ""
                    raise ValueError(f"{shown(address)} is not an e-mail address{hint}")
                addresses.setdefault(address.casefold(), address)
            value = ",".join(addresses.values())
        return value


class Custom(RequestModel):
    """``custom``: notes OpenFactura prints on the PDF, and the sale's ``origin`` (Haulmer's
    WooCommerce plugin sends ``"WOOCOMMERCE"``). Another key is refused: a misspelt note would
    be dropped without a word."""

    information_note: str | None = Field(default=None, alias="informationNote")
    payment_note: str | None = Field(default=None, alias="paymentNote")
    origin: str | None = None


def normalize_response(options: Iterable[ResponseOption | str] | None) -> list[str]:
    """Check the ``response`` options: known, upper-case, no duplicates, at most one PDF format."""
    if options is None:
        options = DEFAULT_RESPONSE
    if isinstance(options, str | ResponseOption):
        options = [options]
    chosen: list[ResponseOption] = []
    for option in options:
        try:
            value = ResponseOption(option.upper() if isinstance(option, str) else option)
        except ValueError:
            known = ", ".join(o.value for o in ResponseOption)
            hint = (
                " (SELF_SERVICE, the link, is what documents.self_service_link() asks for)"
                if isinstance(option, str) and option.strip().upper() == "SELF_SERVICE"
                else ""
            )
            raise ValidationError(
                f"unknown response option {shown(option)}; choose among {known}{hint}"
            ) from None
        if value is ResponseOption.TOKEN or value in chosen:
            continue  # the token always comes back; TOKEN is not a real option
        chosen.append(value)
    formats = [o.value for o in chosen if o in PDF_FORMATS]
    if len(formats) > 1:
        raise ValidationError(f"choose one PDF format, not {' and '.join(formats)}")
    return [o.value for o in chosen]


# -- the dte object ----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready copy: RUTs and dates as text, enums as their values, whole Decimals as ints
    and others as Decimals of at most 6 decimals, which ``encode_json`` writes exactly; a
    datetime as the document models read it (in a date element, its day in Chile; elsewhere,
    Chilean local time)."""
    kind = type(value)
    if kind is dict:  # what a rendered SII dict is made of: plain dicts, lists, str and int
        out: dict[str, Any] = {}
        for key, item in value.items():
            if item is None:
                continue
            item_kind = type(item)
            if isinstance(item, dt.datetime) and key in _date_elements():
                item = _day_in_chile(key, item)
            elif not (item_kind is str or item_kind is int):
                item = _plain(item)
            out[key if type(key) is str else str(key)] = item
        return out
    if kind is list:
        return [item if type(item) is str else _plain(item) for item in value]
    return _plain_value(value)


def _day_in_chile(element: str, value: dt.datetime) -> str:
    """A datetime given for a date element (FchEmis...), as the models read it: its day in
    Chile (an aware one at its moment there, a naive one as Chilean local time)."""
    try:
        return chile_date(value).isoformat()
    except ValueError as exc:  # a moment still before year 1 in Chile
        raise ValidationError(f"cannot send {element} {value.isoformat()}: {exc}") from None


@cache
def _date_elements() -> frozenset[str]:
    """The names of the DTE's date elements (FchEmis, FchVenc, FchRef...) in every schema."""
    names: set[str] = set()
    pending: list[Element] = [DOCUMENTO, BOLETA, EXPORTACIONES, LIQUIDACION]
    while pending:
        element = pending.pop()
        if element.kind == "date":
            names.add(element.name)
        pending.extend(element.children)
    return frozenset(names)


_MICRO = Decimal("0.000001")
"""The 6 decimals the SII takes in a quantity or a price (QtyItem, PrcItem)."""


def _plain_value(value: Any) -> Any:
    """:func:`_plain` of anything but a plain dict or list."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():  # kept, for the checks to name (int() of one would raise)
            return value
        if value == value.to_integral_value():
            return int(value)
        # Kept a Decimal (its digits, no trailing zeros): encode_json writes it exactly, where a
        # float would lose the digits of a QtyItem or PrcItem of 12 integer and 6 decimal ones.
        value = value.quantize(_MICRO, context=ANY_SIZE)  # of any size: the checks name it
        return int(value) if value == value.to_integral_value() else value.normalize(ANY_SIZE)
    if isinstance(value, Rut):
        return str(value)
    if isinstance(value, dt.datetime):
        try:  # an aware one at its moment in Chile, never its own zone's wall clock
            return to_chile(value).isoformat()
        except OverflowError:
            raise ValidationError(
                f"cannot send {value.isoformat()} in a DTE: it falls before year 1 or after "
                "9999 in Chilean time"
            ) from None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return _plain(dict(value))
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    raise ValidationError(f"cannot send a {type(value).__name__} in a DTE: {shown(value)}")


def _cut(block: dict[str, Any], limits: Mapping[str, int]) -> None:
    for name, limit in limits.items():
        value = block.get(name)
        if isinstance(value, str) and len(value) > limit:
            block[name] = value[:limit]


def _rename(block: dict[str, Any], renames: Mapping[str, str]) -> dict[str, Any]:
    return {renames.get(key, key): value for key, value in block.items()}


def _tasa(value: Any) -> str:
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def _as_sii_dict(document: Any) -> dict[str, Any]:
    if isinstance(document, Mapping):
        data = dict(document)
    elif hasattr(document, "to_sii_dict"):
        data = dict(document.to_sii_dict())
    else:
        raise ValidationError(
            "emit() takes a haulmer.dte document or a dict in SII names "
            f"(Encabezado, Detalle...), got {type(document).__name__}"
        )
    for wrapper in ("dte", "DTE", "Documento"):
        if set(data) == {wrapper} and isinstance(data[wrapper], Mapping):
            data = dict(data[wrapper])
    return data


def _section(data: Mapping[str, Any], name: str, where: str) -> dict[str, Any]:
    value = data.get(name)
    if not isinstance(value, Mapping):
        hint = _MISSING_SECTION_HINTS.get(name, "")
        raise DocumentError(
            f"the document has no {where}{name}{hint}",
            [ErrorDetail(f"{where}{name}", "required")],
        )
    return dict(value)


_MISSING_SECTION_HINTS = {
    "Totales": (
        ": a document in SII names (a dict, or a sale of 'haulmer emit-batch') is sent as it is, "
        "so write its Totales (MntNeto, IVA, MntTotal... as the DTE carries them); in Python, "
        "haulmer.dte's builders (dte.factura(...), dte.boleta(...)) and "
        "haulmer.dte.Document.from_sii_dict(d), passed to emit(), compute them from the lines"
    ),
}


def _check_rut(value: Any, field: str, problems: list[ErrorDetail]) -> str | None:
    """The canonical text of a RUT field, or a problem saying why there is none. Only text (or
    a ``Rut``) is read: an int holds no K, so it is a RUT's number, whose last digit is no check
    digit, and ``str()`` of anything else would be judged as characters nobody typed."""
    if value is None:
        problems.append(ErrorDetail(field, "required"))
        return None
    if not isinstance(value, str | Rut):
        issue = f"a RUT is text with its check digit ('76795561-8'), got {shown(value)}"
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_RUT_NUMBER:
            issue += f"; if {value} is the RUT's number, write '{value}-{Rut.compute_dv(value)}'"
        problems.append(ErrorDetail(field, issue))
        return None
    try:
        return str(Rut(value))
    except InvalidRutError as exc:
        problems.append(ErrorDetail(field, str(exc)))
        return None


_Section = TypeVar("_Section", bound=BaseModel)


# -- from a Document: its checked form, with OpenFactura's differences --------------------------


@cache
def _text_limits(model: type[BaseModel], section: str) -> tuple[tuple[str, int], ...]:
    """The attributes of ``model`` that OpenFactura cuts in ``section``, with their lengths."""
    limits = TEXT_CUTS[section]
    return tuple(
        (attribute, limits[info.alias or attribute])
        for attribute, info in model.model_fields.items()
        if (info.alias or attribute) in limits
    )


def _cut_texts(model: _Section, section: str) -> _Section:
    """``model`` with its texts over OpenFactura's lengths in ``section`` (a ``TEXT_CUTS`` key)
    cut (the same model when none is)."""
    update = {}
    values = model.__dict__
    for attribute, limit in _text_limits(type(model), section):
        value = values[attribute]
        if isinstance(value, str) and len(value) > limit:
            update[attribute] = value[:limit]
    return model.model_copy(update=update) if update else model


@cache
def _not_on_boletas(model: type[BaseModel]) -> tuple[str, ...]:
    """The attributes of ``model`` whose elements a boleta's section lacks."""
    allowed = BOLETA_ELEMENTS[model]
    return tuple(
        attribute
        for attribute, info in model.model_fields.items()
        if (info.alias or attribute) not in allowed
    )


def _boleta_subset(model: _Section) -> _Section:
    """``model`` without the elements a boleta's section lacks (Acteco, GiroRecep, TasaIVA...),
    which OpenFactura's boletas leave out."""
    update: dict[str, Any] = {}
    values = model.__dict__
    for attribute in _not_on_boletas(type(model)):
        value = values[attribute]
        if value is not None and value != []:
            update[attribute] = [] if isinstance(value, list) else None
    return model.model_copy(update=update) if update else model


def _for_openfactura(document: Document) -> Document:
    """OpenFactura's differences on the model: Folio 0 (it assigns folios), its text cuts, and
    on boletas only the elements a boleta has."""
    encabezado = document.encabezado
    emisor = _cut_texts(encabezado.emisor, "Emisor")
    receptor = _cut_texts(encabezado.receptor, "Receptor")
    totales = encabezado.totales
    if document.tipo_dte.is_boleta:
        emisor, receptor = _boleta_subset(emisor), _boleta_subset(receptor)
        totales = _boleta_subset(totales) if totales is not None else None
    id_doc = encabezado.id_doc
    if id_doc.folio != 0:
        id_doc = id_doc.model_copy(update={"folio": 0})
    if (
        emisor is not encabezado.emisor
        or receptor is not encabezado.receptor
        or totales is not encabezado.totales
        or id_doc is not encabezado.id_doc
    ):
        encabezado = encabezado.model_copy(
            update={"emisor": emisor, "receptor": receptor, "totales": totales, "id_doc": id_doc}
        )
    lines = [_cut_texts(line, "Detalle") for line in document.detalle]
    changed = any(new is not old for new, old in zip(lines, document.detalle, strict=True))
    if encabezado is document.encabezado and not changed:
        return document
    update: dict[str, Any] = {"encabezado": encabezado}
    if changed:
        update["detalle"] = lines
    return document.model_copy(update=update)


def _document_dte(
    document: Document, *, validate: bool, without_iva: bool = False
) -> dict[str, Any]:
    """The ``dte`` object of a Document: checked once (``validate``) in OpenFactura's form
    (``without_iva``: an ARTESANO boleta's, see :func:`boleta_without_iva`).

    The model already guarantees the type, dates and RUTs, so nothing is parsed or checked a
    second time: the checked form is rendered and given OpenFactura's wire conventions.
    """
    tipo = int(document.tipo_dte)
    if tipo not in EMITTABLE_TYPES:
        raise DocumentError(
            f"OpenFactura does not issue DTE type {tipo}",
            [ErrorDetail("IdDoc.TipoDTE", f"{tipo} is not one of {sorted(EMITTABLE_TYPES)}")],
        )
    prepared = _for_openfactura(document)
    if without_iva:
        final, amounts, totales = boleta_without_iva(prepared, validate=validate)
        dte = _wire_form(final.rendered_sii_dict(amounts, totales), document.tipo_dte)
        if validate:
            return dte
    elif validate:
        return _wire_form(prepared.checked().sii_dict(), document.tipo_dte)
    else:
        dte = _wire_form(prepared.to_sii_dict(), document.tipo_dte)
    problems = []
    if not dte["Detalle"]:
        problems.append(ErrorDetail("Detalle", "a document needs at least one line"))
    if document.tipo_dte.requires_reference and not dte.get("Referencia"):
        label = document.tipo_dte.label
        problems.append(
            ErrorDetail("Referencia", f"a {label} must reference the document it amends")
        )
    if problems:
        raise DocumentError(
            "the document cannot be sent to OpenFactura: " + "; ".join(map(str, problems)),
            problems,
        )
    return dte


def _emisor_on_the_wire(emisor: dict[str, Any]) -> None:
    """OpenFactura's spelling of an Emisor, in place: CdgSIISucur as text, one Acteco bare."""
    if "CdgSIISucur" in emisor:
        emisor["CdgSIISucur"] = str(emisor["CdgSIISucur"])
    actecos = emisor.get("Acteco")
    if isinstance(actecos, list) and len(actecos) == 1:
        emisor["Acteco"] = actecos[0]


def _wire_form(sii: Mapping[str, Any], dte_type: DTEType) -> dict[str, Any]:
    """A rendered SII dict (boleta names and subset already) in OpenFactura's JSON: numbers as
    JSON numbers, TasaIVA and CdgSIISucur as text, one Acteco bare, reference ids as text."""
    data: dict[str, Any] = _plain(sii)
    encabezado = data["Encabezado"]
    emisor, totales = encabezado["Emisor"], encabezado["Totales"]
    if "TasaIVA" in totales:
        totales["TasaIVA"] = _tasa(totales["TasaIVA"])
    _emisor_on_the_wire(emisor)
    for reference in data.get("Referencia", ()):
        for key in ("TpoDocRef", "FolioRef"):
            if key in reference:
                reference[key] = str(reference[key])
    return data


# -- from a dict in SII names ------------------------------------------------------------------


@own_arithmetic
def _whole_type(value: Any) -> int | None:
    """A DTE type written as a whole number (33, "33", 33.0); None for anything else."""
    number = whole_number(value)
    if isinstance(value, float):
        value = Decimal(value) if math.isfinite(value) else None
    finite = isinstance(value, Decimal) and value.is_finite()
    if number is None and finite and value == value.to_integral_value():
        number = int(value)
    return number


def to_openfactura_dte(document: Any) -> dict[str, Any]:
    """The ``dte`` object of an emission, in SII names and order, with OpenFactura's rules applied.

    ``document`` is a :class:`haulmer.dte.Document` (rendered as it is, unchecked) or a dict in
    SII names. Raises DocumentError listing every structural problem found (type, date, RUTs,
    lines, references, a NaN or Infinity no JSON request can carry). A quantity or price with
    decimals is a ``Decimal`` (every digit kept; the SDK's JSON writer sends it as a number).
    """
    if isinstance(document, Document):
        return _document_dte(document, validate=False)
    data = _plain(_as_sii_dict(document))
    problems: list[ErrorDetail] = []
    encabezado = _section(data, "Encabezado", "")
    id_doc = _section(encabezado, "IdDoc", "Encabezado.")
    emisor = _section(encabezado, "Emisor", "Encabezado.")
    receptor = _section(encabezado, "Receptor", "Encabezado.") if encabezado.get("Receptor") else {}
    totales = _section(encabezado, "Totales", "Encabezado.")

    tipo = _whole_type(id_doc.get("TipoDTE"))
    if tipo is None:  # never cut 33.9 to 33, nor read True as 1
        raise DocumentError(
            "the document has no valid IdDoc.TipoDTE",
            [ErrorDetail("IdDoc.TipoDTE", f"{shown(id_doc.get('TipoDTE'))} is not a DTE type")],
        )
    if tipo not in EMITTABLE_TYPES:
        raise DocumentError(
            f"OpenFactura does not issue DTE type {tipo}",
            [ErrorDetail("IdDoc.TipoDTE", f"{tipo} is not one of {sorted(EMITTABLE_TYPES)}")],
        )
    dte_type = DTEType(tipo)

    fch = id_doc.get("FchEmis")
    try:  # read as the document models read it, and sent as the SII writes it
        id_doc["FchEmis"] = chile_date(fch).isoformat()
    except ValueError:
        problems.append(ErrorDetail("IdDoc.FchEmis", f"{shown(fch)} is not a date YYYY-MM-DD"))

    # Folio: OpenFactura assigns it; the key must sit right after TipoDTE.
    id_doc = {"TipoDTE": tipo, "Folio": 0, **{k: v for k, v in id_doc.items() if k != "TipoDTE"}}
    id_doc["Folio"] = 0

    rut_emisor = _check_rut(emisor.get("RUTEmisor"), "Emisor.RUTEmisor", problems)
    if rut_emisor:
        emisor["RUTEmisor"] = rut_emisor
    if "RUTRecep" not in receptor:
        hint = ": a boleta to a buyer not named carries 66666666-6" if dte_type.is_boleta else ""
        problems.append(ErrorDetail("Receptor.RUTRecep", "required" + hint))
    else:
        rut_recep = _check_rut(receptor["RUTRecep"], "Receptor.RUTRecep", problems)
        if rut_recep:
            receptor["RUTRecep"] = rut_recep

    if dte_type.is_boleta:
        emisor = _rename(emisor, {"RznSoc": "RznSocEmisor", "GiroEmis": "GiroEmisor"})
        emisor = _boleta_section(emisor, _BOLETA_EMISOR, _EMISOR_ELEMENTS)
        receptor = _boleta_section(receptor, _BOLETA_RECEPTOR, _RECEPTOR_ELEMENTS)
        totales.pop("TasaIVA", None)
    else:
        emisor = _rename(emisor, {"RznSocEmisor": "RznSoc", "GiroEmisor": "GiroEmis"})
        if "TasaIVA" in totales:
            totales["TasaIVA"] = _tasa(totales["TasaIVA"])
    _emisor_on_the_wire(emisor)
    _cut(emisor, _CUTS_BY_WIRE_NAME["Emisor"])
    _cut(receptor, _CUTS_BY_WIRE_NAME["Receptor"])
    if "MntTotal" not in totales:
        problems.append(ErrorDetail("Totales.MntTotal", "required"))

    encabezado["IdDoc"] = id_doc
    encabezado["Emisor"] = emisor
    encabezado["Receptor"] = receptor
    encabezado["Totales"] = totales
    order = ("IdDoc", "Emisor", "RUTMandante", "Receptor", "RUTSolicita", "Transporte", "Totales")
    encabezado = {
        **{key: encabezado[key] for key in order if key in encabezado},
        **{key: value for key, value in encabezado.items() if key not in order},
    }

    detalle = data.get("Detalle")
    if isinstance(detalle, Mapping):
        detalle = [detalle]
    if not detalle:
        problems.append(ErrorDetail("Detalle", "a document needs at least one line"))
        detalle = []
    lines: list[dict[str, Any]] = []
    for number, line in enumerate(detalle, start=1):
        line = dict(line)
        line.setdefault("NroLinDet", number)
        _cut(line, _CUTS_BY_WIRE_NAME["Detalle"])
        lines.append(line)

    result: dict[str, Any] = {"Encabezado": encabezado, "Detalle": lines}
    for key in _TOP_LEVEL_ORDER[2:]:
        value = data.get(key)
        if value:
            result[key] = [value] if isinstance(value, Mapping) else list(value)
    for key, value in data.items():
        if key not in result and key not in _DROPPED_TOP_LEVEL and value not in (None, [], {}):
            result[key] = value

    references = result.get("Referencia", [])
    for index, reference in enumerate(references):
        reference = dict(reference)
        reference.setdefault("NroLinRef", index + 1)
        for key in ("TpoDocRef", "FolioRef"):
            if key in reference:
                reference[key] = str(reference[key])
        references[index] = reference
    if dte_type.requires_reference and not references:
        problems.append(
            ErrorDetail("Referencia", f"a {dte_type.label} must reference the document it amends")
        )
    if problems:
        raise DocumentError(
            "the document cannot be sent to OpenFactura: "
            + "; ".join(str(problem) for problem in problems),
            problems,
        )
    _check_numbers(result)  # what no request can carry
    return _in_schema_order(result, _schema_of(dte_type))


def _schema_of(dte_type: DTEType) -> Element:
    """The schema's tree of ``dte_type``'s document (its element order)."""
    if dte_type.is_boleta:
        return BOLETA
    if dte_type.is_export:
        return EXPORTACIONES
    if dte_type is DTEType.LIQUIDACION_FACTURA:
        return LIQUIDACION
    return DOCUMENTO


def _in_schema_order(section: Mapping[str, Any], element: Element) -> dict[str, Any]:
    """``section`` (of a wire DTE) with its keys in ``element``'s order, and each child
    section's likewise, as a Document is written: OpenFactura writes the XML in the order it
    reads. Keys the schema does not name follow, in their order."""
    rank = {child.name: index for index, child in enumerate(element.children)}
    ordered: dict[str, Any] = {}
    for key in sorted(section, key=lambda key: rank.get(key, len(rank))):  # stable for the rest
        child = element.child(key)
        held = section[key]
        if child is not None and child.kind == "section":
            if isinstance(held, Mapping):
                held = _in_schema_order(held, child)
            elif isinstance(held, list):
                held = [
                    _in_schema_order(item, child) if isinstance(item, Mapping) else item
                    for item in held
                ]
        ordered[key] = held
    return ordered


# -- what the XML can carry ------------------------------------------------------------------


def _texts(node: Any, path: str) -> Iterable[tuple[str, str]]:
    """Every text of a wire DTE with its path (``Detalle[2].NmbItem``)."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for index, item in enumerate(node, 1):
            yield from _texts(item, f"{path}[{index}]")


def _check_issuer_address(dte: Mapping[str, Any]) -> None:
    """Refuse a document without the issuer's razón social, DirOrigen or CmnaOrigen: OpenFactura
    requires them on every type (OF-02), boletas too, whose SII schema leaves them out; facturas
    and notes are already refused by the document's rules."""
    encabezado = dte.get("Encabezado", {})
    emisor = encabezado.get("Emisor", {})
    boleta = str(encabezado.get("IdDoc", {}).get("TipoDTE")) in ("39", "41")
    razon_social = "RznSocEmisor" if boleta else "RznSoc"
    missing = [
        ErrorDetail(f"Encabezado.Emisor.{name}", f"required by OpenFactura: the issuer's {what}")
        for name, what in (
            (razon_social, "razón social"),
            ("DirOrigen", "address"),
            ("CmnaOrigen", "comuna"),
        )
        if not str(emisor.get(name) or "").strip()
    ]
    if missing:
        raise DocumentError(
            "OpenFactura requires the issuer's razón social, address (DirOrigen) and comuna "
            "(CmnaOrigen) on every document, boletas too, and refuses it otherwise (OF-02): give "
            "them (emisor={'razon_social': ..., 'direccion': ..., 'comuna': ...} in haulmer.dte; "
            "RznSocEmisor, DirOrigen and CmnaOrigen in a boleta's dict)",
            missing,
        )


def _check_encoding(dte: Mapping[str, Any]) -> None:
    """Refuse, naming each field, a DTE with text its XML cannot carry: OpenFactura writes the
    document in ISO-8859-1 (the SII's encoding), which has no emoji, curly quotes or long
    dashes, and XML has no control characters."""
    texts = list(_texts(dte, ""))
    if clean_latin1("".join(text for _, text in texts)):  # the usual case: one encoding, no walk
        return
    problems = []
    for path, text in texts:
        if not clean_latin1(text):
            try:
                dte_text(text, path.rsplit(".", 1)[-1])
            except ValueError as error:
                problems.append(ErrorDetail(path, str(error)))
    raise DocumentError(
        "the document holds text no DTE can carry: "
        + "; ".join(f"{p.field}: {p.issue}" for p in problems),
        problems,
    )


def _check_not_future(dte: Mapping[str, Any], today: dt.date) -> None:
    """Refuse a DTE whose FchEmis is after ``today`` in Chile: the SII refuses a document dated
    after its reception, and OpenFactura answers OF-10 on FchEmis before sending it there."""
    raw = dte["Encabezado"]["IdDoc"].get("FchEmis")
    try:
        day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        return  # the document's check names a FchEmis that is no date
    if day > today:
        issue = f"{day.isoformat()} is after today in Chile ({today.isoformat()})"
        raise DocumentError(
            f"IdDoc.FchEmis {issue}: the SII refuses a DTE dated after it receives it; date the "
            "document today or earlier",
            [ErrorDetail("IdDoc.FchEmis", issue)],
        )


def _check_numbers(dte: Mapping[str, Any]) -> None:
    """Refuse, naming each field, a DTE holding NaN or Infinity (a float in a field the models
    pass through, or in any field when unchecked): JSON has neither, so no request carries it."""
    if not holds_non_finite_number(dte):
        return
    problems = [
        ErrorDetail(
            path,
            f"{value} is no number a request can carry; give a finite number, or leave it out",
        )
        for path, value in non_finite_numbers(dte, first_index=1)
    ]
    if problems:
        raise DocumentError(
            "the document holds NaN or Infinity, which no JSON request can carry: "
            + "; ".join(str(problem) for problem in problems),
            problems,
        )


# -- ivaExceptional ARTESANO: the wire dict's part ----------------------------------------------


def _declared_actecos(document: Any) -> list[int]:
    """The Actecos the Emisor of a dict in SII names declares (one or a list); unreadable ones
    are left to the models, and a boleta's wire form drops them all."""
    encabezado = _as_sii_dict(document).get("Encabezado")
    emisor = encabezado.get("Emisor") if isinstance(encabezado, Mapping) else None
    raw = emisor.get("Acteco") if isinstance(emisor, Mapping) else None
    values = raw if isinstance(raw, list | tuple) else [] if raw is None else [raw]
    found = []
    for value in values:
        try:
            found.append(int(str(value).strip()))
        except ValueError:
            continue
    return found


def _dict_without_iva(dte: dict[str, Any], *, validate: bool) -> dict[str, Any]:
    """A boleta 39's wire ``dte`` (a dict the caller gave) as an ARTESANO boleta: IndMntNeto 2
    and its Totales in that shape (see :func:`boleta_without_iva`), the rest as given."""
    document = Document.from_sii_dict(dte, refuse_unknown=validate)
    _final, _amounts, totales = boleta_without_iva(document, validate=validate)
    encabezado = dte["Encabezado"]
    encabezado["IdDoc"]["IndMntNeto"] = 2
    encabezado["Totales"] = _plain(render_section(totales, boleta=True))
    return dte


# -- idempotency and the whole body ----------------------------------------------------------


@own_arithmetic
def document_idempotency_key(
    dte: Mapping[str, Any], iva_exceptional: IvaExceptional | None = None
) -> str:
    """A key derived from the document alone, the same in every process: a hash of canonical JSON
    (and of ``iva_exceptional`` when given, which a boleta exenta's ``dte`` does not show).

    Two documents with identical content share a key, so ``emit`` treats an OF-06 met by such a
    key as an error (``AlreadyIssuedError``) unless an earlier attempt of the same call may have
    issued it. Callers that issue the same content twice (two equal boletas) pass their own key.
    """
    canonical = encode_json(dte, sort_keys=True)
    if iva_exceptional is not None:
        canonical += f"|ivaExceptional={iva_exceptional.value}".encode()
    return "haulmer-" + hashlib.sha256(canonical).hexdigest()[:48]


@dataclass(frozen=True)
class Emission:
    """A checked emission: the JSON body, its Idempotency-Key and the options asked for."""

    body: dict[str, Any]
    idempotency_key: str
    response: tuple[str, ...]
    key_is_derived: bool = False
    """True when the key was derived from the content (the caller passed no ``idempotency_key``)."""

    @property
    def dte_type(self) -> int:
        """The TipoDTE being issued."""
        return int(self.body["dte"]["Encabezado"]["IdDoc"]["TipoDTE"])


@own_arithmetic
def build_emission(
    document: Any,
    *,
    response: Sequence[ResponseOption | str] | None = None,
    idempotency_key: str | None = None,
    send_email: SendEmail | Mapping[str, Any] | str | Sequence[str] | None = None,
    custom: Custom | Mapping[str, Any] | None = None,
    iva_exceptional: IvaExceptional | str | None = None,
    validate: bool = True,
    today: dt.date | None = None,
) -> Emission:
    """Check everything locally and build the request body of ``POST /v2/dte/document``.

    A :class:`haulmer.dte.Document` is checked once (after OpenFactura's folio 0 and text
    cuts) and its wire form is written from that checked form; a dict is read into the models
    once and checked once. ``validate=False`` skips the document's rules.

    ``iva_exceptional=ARTESANO``: a boleta (39, 41) of an artisan (Acteco 477396), sent with
    ``ivaExceptional: ["ARTESANO"]``; a boleta 39 goes without IVA (its lines' amounts are the
    neto, IndMntNeto 2, IVA 0, MntTotal = MntNeto + MntExe) and is checked in that shape.

    ``today`` (the day in Chile by the caller's clock; the clients pass their own) refuses a
    FchEmis after it, as OpenFactura and the SII do; None leaves the date's day unchecked.
    """
    exceptional = normalize_iva_exceptional(iva_exceptional)
    if isinstance(document, Document):  # checked once, rendered from its checked form
        if exceptional is not None:
            check_artesano(document.tipo_dte, document.emisor.actecos)
        without_iva = exceptional is not None and document.tipo_dte is DTEType.BOLETA
        dte = _document_dte(document, validate=validate, without_iva=without_iva)
    else:
        dte = to_openfactura_dte(document)
        tipo = dte["Encabezado"]["IdDoc"]["TipoDTE"]
        if exceptional is not None:
            check_artesano(tipo, _declared_actecos(document))
        if exceptional is not None and tipo == DTEType.BOLETA:
            dte = _dict_without_iva(dte, validate=validate)
        elif validate:  # the dict read into the models once, and checked once
            Document.from_sii_dict(dte, refuse_unknown=True).check()
    if validate:
        _check_issuer_address(dte)
        _check_encoding(dte)
        if today is not None:
            _check_not_future(dte, today)
    body: dict[str, Any] = {}
    options = normalize_response(response)
    if options:
        body["response"] = options
    body["dte"] = dte
    if send_email is not None:
        if isinstance(send_email, str | list | tuple):  # the addresses of ``to``
            send_email = {"to": send_email}
        body["sendEmail"] = build_request(SendEmail, send_email, what="send_email").to_wire()
    if custom is not None:
        body["custom"] = build_request(Custom, custom, what="custom").to_wire()
    if exceptional is not None:
        body["ivaExceptional"] = [exceptional.value]
    if idempotency_key is not None:
        given: Any = idempotency_key  # callers without a type checker may pass anything
        if isinstance(given, str) and not given.strip():
            raise ValidationError("idempotency_key is empty; pass None to derive one")
        # Text of 1 to 255 printable ASCII characters, as the header carries it (and as a
        # batch's sale ids are): checked here, before anything is sent.
        key = idempotency_key_or_new(given.strip() if isinstance(given, str) else given)
    else:
        key = document_idempotency_key(dte, exceptional)
    return Emission(
        body=body,
        idempotency_key=key,
        response=tuple(options),
        key_is_derived=idempotency_key is None,
    )


# -- what identifies an issued document --------------------------------------------------------

_IDENTITY: tuple[tuple[str, str, str], ...] = (
    ("IdDoc", "TipoDTE", "type"),
    ("Totales", "MntTotal", "total"),
    ("Receptor", "RUTRecep", "receptor"),
    ("IdDoc", "FchEmis", "date"),
)


def _identity_value(encabezado: Mapping[str, Any], section: str, name: str) -> str | None:
    block = encabezado.get(section)
    value = block.get(name) if isinstance(block, Mapping) else None
    if value is None or value == "":
        return None
    text = str(value).strip()
    if name == "RUTRecep":
        return text.replace(".", "").upper().lstrip("0")
    if name == "FchEmis":
        return text[:10]
    try:  # by value, decimals kept: an export's total is in its currency (90.25 dollars)
        return format(Decimal(text).normalize(), "f")
    except ArithmeticError:
        return text


def _lines(dte: Mapping[str, Any]) -> list[Mapping[str, Any]] | None:
    """The Detalle lines of a DTE (one line may be stored as a bare object); None if it has none."""
    detalle = dte.get("Detalle")
    if isinstance(detalle, Mapping):
        return [detalle]
    if isinstance(detalle, list):
        return [line for line in detalle if isinstance(line, Mapping)]
    return None


def _line_value(line: Mapping[str, Any], name: str) -> str | None:
    """A line's value comparable across sides: numbers normalized, names cut as OpenFactura does."""
    value = line.get(name)
    if value is None or value == "":
        return None
    text = str(value).strip()
    limit = TEXT_CUTS["Detalle"].get(name)
    if limit is not None:
        return repr(text[:limit])
    try:
        return format(Decimal(text).normalize(), "f")
    except ArithmeticError:
        return repr(text)


_LINE_IDENTITY: tuple[tuple[str, str], ...] = (
    ("NmbItem", "item"),
    ("QtyItem", "quantity"),
    ("PrcItem", "price"),
    ("MontoItem", "amount"),
)


def _line_differences(sent: Mapping[str, Any], stored: Mapping[str, Any]) -> list[str]:
    """How the stored lines differ from the ones sent: their count, then each line's item name,
    quantity, price and amount (each compared only when both carry it)."""
    mine = _lines(sent)
    theirs = _lines(stored)
    if mine is None or theirs is None:
        return []
    if len(mine) != len(theirs):
        return [f"lines (Detalle) {len(theirs)} there, {len(mine)} in this call"]
    differences: list[str] = []
    for number, (sent_line, stored_line) in enumerate(zip(mine, theirs, strict=True), start=1):
        for name, label in _LINE_IDENTITY:
            mine_value = _line_value(sent_line, name)
            theirs_value = _line_value(stored_line, name)
            if mine_value is not None and theirs_value is not None and mine_value != theirs_value:
                differences.append(
                    f"line {number} {label} (Detalle[{number}].{name}) {theirs_value} there, "
                    f"{mine_value} in this call"
                )
    return differences


@own_arithmetic
def document_identity(dte: Mapping[str, Any]) -> dict[str, Any]:
    """What ``identity_differences`` compares of a DTE (TipoDTE, MntTotal, RUTRecep, FchEmis and
    each line's NmbItem, QtyItem, PrcItem, MontoItem), as text in the same shape: small, JSON,
    and compared later against another DTE as a stored one is."""
    header = dte.get("Encabezado")
    encabezado: dict[str, dict[str, str]] = {}
    if isinstance(header, Mapping):
        for section, name, _label in _IDENTITY:
            block = header.get(section)
            value = block.get(name) if isinstance(block, Mapping) else None
            if value is not None:
                encabezado.setdefault(section, {})[name] = str(value)
    identity: dict[str, Any] = {"Encabezado": encabezado}
    lines = _lines(dte)
    if lines is not None:
        identity["Detalle"] = [
            {name: str(line[name]) for name, _label in _LINE_IDENTITY if line.get(name) is not None}
            for line in lines
        ]
    return identity


@own_arithmetic
def identity_differences(sent: Mapping[str, Any], stored: Mapping[str, Any]) -> list[str]:
    """How a stored DTE differs from the one sent, in what identifies it: TipoDTE, MntTotal,
    RUTRecep, FchEmis and the lines (their count; per line NmbItem, QtyItem, PrcItem, MontoItem),
    each value compared only when both carry it. Empty: the same document.

    Numbers compare by value (OpenFactura stores them as text) and item names as OpenFactura
    keeps them (cut to 80 characters).
    """
    sent_header = sent.get("Encabezado")
    stored_header = stored.get("Encabezado")
    if not isinstance(sent_header, Mapping) or not isinstance(stored_header, Mapping):
        return []
    differences: list[str] = []
    for section, name, label in _IDENTITY:
        mine = _identity_value(sent_header, section, name)
        theirs = _identity_value(stored_header, section, name)
        if mine is not None and theirs is not None and mine != theirs:
            differences.append(f"{label} ({name}) {theirs} there, {mine} in this call")
    return differences + _line_differences(sent, stored)
