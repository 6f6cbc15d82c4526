"""The nota de crédito (61) that anuls or corrects an issued document, built with ``haulmer.dte``.

OpenFactura voids only guías (52); every other document is cancelled or corrected with a 61 whose
Referencia points at it: CodRef 1 anula (all lines again), 2 corrige texto (one line, amount 0),
3 corrige montos (the lines to credit).

A note needs what a boleta (39/41) does not carry: the emisor's Acteco and the receptor's razón
social. The emisor's comes from ``emisor=`` or the organization; a boleta to the generic receptor
66666666-6 gets the generic razón social ``GENERIC_RAZON_SOCIAL``; anything else is asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import pydantic

from haulmer._chile import chile_today
from haulmer._numbers import own_arithmetic
from haulmer._shown import shown
from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.dte.document import Document
from haulmer.dte.models import Emisor, Receptor
from haulmer.errors import DocumentError, ErrorDetail, ValidationError
from haulmer.openfactura._checks import check_date, check_folio
from haulmer.openfactura.artesano import is_issued_without_iva
from haulmer.rut import GENERIC_RECEPTOR_RUT

__all__ = [
    "GENERIC_RAZON_SOCIAL",
    "Original",
    "PartyInput",
    "build_credit_note",
    "check_original",
    "missing_acteco",
    "original_document",
]

GENERIC_RAZON_SOCIAL = "Cliente"
"""Razón social a note gives the generic receptor 66666666-6 when the boleta named none."""

Original = Document | Mapping[str, Any]
"""A document to amend: a ``haulmer.dte.Document`` or a dict in SII names."""

PartyInput = Emisor | Receptor | Mapping[str, Any]
"""``emisor=`` / ``receptor=`` of a note: the whole block, or a mapping of the fields to change
(Python or SII names: ``{"actecos": [479100]}``, ``{"RznSocRecep": "Juan Pérez"}``)."""

M = TypeVar("M", bound=pydantic.BaseModel)


def _not_whole(value: Any) -> bool:
    """Whether ``value`` is a float or a Decimal that is no whole number (NaN and Infinity too)."""
    if isinstance(value, float):
        return not value.is_integer()
    if isinstance(value, Decimal):
        return not value.is_finite() or value != value.to_integral_value()
    return False


def _code(value: CodRef | int) -> CodRef:
    given: Any = value  # callers without a type checker may pass anything
    try:
        # A bool or a fraction is no code: int() would make True ANULA and 2.9 CORRIGE_TEXTO.
        if isinstance(given, bool) or _not_whole(given):
            raise ValueError(given)
        return CodRef(int(given))
    except (TypeError, ValueError):
        raise ValidationError(
            "code must be CodRef.ANULA (1), CORRIGE_TEXTO (2) or CORRIGE_MONTOS (3), "
            f"got {shown(value)}"
        ) from None


@own_arithmetic
def original_document(original: Original) -> Document:
    """``original`` as a Document (an SII dict is read leniently, as OpenFactura stores it)."""
    if isinstance(original, Document):
        return original
    if isinstance(original, Mapping):
        return Document.from_sii_dict(_with_generic_buyer(original))
    raise ValidationError(
        "original must be an EmittedDocument, a token, a DocumentJson, a haulmer.dte Document "
        f"or a dict in SII names; got {type(original).__name__}"
    )


_BOLETA_CODES = frozenset({"39", "41"})


def _is_blank(receptor: Any) -> bool:
    """Whether a kept Receptor names nobody: none, ``{}``, or only blank fields."""
    if receptor is None:
        return True
    if not isinstance(receptor, Mapping):
        return False
    return all(
        value is None or (isinstance(value, str) and not value.strip())
        for value in receptor.values()
    )


def _with_generic_buyer(original: Mapping[str, Any]) -> Mapping[str, Any]:
    """A boleta kept without Receptor, or with one naming nobody (a self-service link's, sent as
    Haulmer's plugins send it), as the one OpenFactura issued: to the generic buyer 66666666-6;
    anything else as is."""
    encabezado = original.get("Encabezado")
    if not isinstance(encabezado, Mapping) or not _is_blank(encabezado.get("Receptor")):
        return original
    id_doc = encabezado.get("IdDoc")
    tipo = id_doc.get("TipoDTE") if isinstance(id_doc, Mapping) else None
    if isinstance(tipo, bool) or str(tipo).strip() not in _BOLETA_CODES:
        return original
    generic = {"RUTRecep": str(GENERIC_RECEPTOR_RUT)}
    return {**original, "Encabezado": {**encabezado, "Receptor": generic}}


def _field_names(model: type[pydantic.BaseModel]) -> dict[str, str]:
    """Every spelling a model accepts for its fields (Python and SII names) -> the field name."""
    names: dict[str, str] = {}
    for name, info in model.model_fields.items():
        names[name] = name
        if info.alias:
            names[info.alias] = name
        choices = info.validation_alias
        if isinstance(choices, pydantic.AliasChoices):
            for choice in choices.choices:
                if isinstance(choice, str):
                    names[choice] = name
        elif isinstance(choices, str):
            names[choices] = name
    return names


def _merged(model: type[M], base: M, override: Any, argument: str) -> M:
    """``base`` with ``override`` applied: a whole ``model`` replaces it, a mapping updates it."""
    if override is None:
        return base
    if isinstance(override, model):
        return override
    if not isinstance(override, Mapping):
        raise ValidationError(
            f"{argument}= must be a {model.__name__} or a mapping of its fields, "
            f"got {type(override).__name__}"
        )
    names = _field_names(model)
    data = base.model_dump(exclude_none=True)
    for key, value in override.items():
        data[names.get(str(key), str(key))] = value
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        from haulmer.dte import validation_details

        details = validation_details(exc, prefix=f"Encabezado.{model.__name__}")
        raise DocumentError(
            f"{argument}= does not make a valid {model.__name__}: " + "; ".join(map(str, details)),
            details,
        ) from None


@own_arithmetic
def check_original(original: Document, code: CodRef) -> None:
    """Refuse to annul or correct the amounts of a boleta issued without IVA
    (``iva_exceptional=ARTESANO``): OpenFactura documents that exception for boletas only, and a
    note built from its lines would credit IVA the sale never charged (a text correction,
    CodRef 2, credits nothing and goes)."""
    if code is CodRef.CORRIGE_TEXTO or not is_issued_without_iva(original):
        return
    totales = original.totales
    raise DocumentError(
        "this boleta was issued without IVA (ivaExceptional ARTESANO: MntNeto "
        f"{totales.mnt_neto}, IVA 0, MntTotal {totales.mnt_total}); OpenFactura documents that "
        "exception for boletas only, not for a nota de crédito, and a note built from this "
        "boleta's lines would credit IVA its sale never charged, so credit_note does not "
        "issue one with CodRef 1 or 3 (a text correction, CodRef 2, credits nothing and "
        "goes): ask Haulmer how to annul or correct the amounts of an ARTESANO boleta",
        [ErrorDetail("Referencia.TpoDocRef", "39 issued with ivaExceptional ARTESANO")],
    )


def missing_acteco(original: Document, emisor: PartyInput | None) -> bool:
    """Whether the note's emisor would have no Acteco (a boleta carries none): the caller may
    look it up (``organization.retrieve()``) before building the note."""
    return not _merged(Emisor, original.emisor, emisor, "emisor").actecos


def _note_emisor(doc: Document, emisor: PartyInput | None, acteco: int | None) -> Emisor:
    block = _merged(Emisor, doc.emisor, emisor, "emisor")
    if block.actecos:
        return block
    if acteco is not None:
        return block.model_copy(update={"actecos": [acteco]})
    raise DocumentError(
        f"a nota de crédito needs the emisor's actividad económica (Acteco), which the "
        f"{doc.tipo_dte.label} does not carry: pass emisor={{'actecos': [<6-digit code>]}}",
        [ErrorDetail("Encabezado.Emisor.Acteco", "pass emisor={'actecos': [...]}")],
    )


def _note_receptor(doc: Document, receptor: PartyInput | None) -> Receptor:
    block = _merged(Receptor, doc.receptor, receptor, "receptor")
    if block.razon_social:
        return block
    if block.rut == GENERIC_RECEPTOR_RUT:
        return block.model_copy(update={"razon_social": GENERIC_RAZON_SOCIAL})
    raise DocumentError(
        f"a nota de crédito needs the receptor's razón social, which the {doc.tipo_dte.label} "
        f"does not carry for {block.rut}: pass receptor={{'razon_social': '...'}}",
        [ErrorDetail("Encabezado.Receptor.RznSocRecep", "pass receptor={'razon_social': ...}")],
    )


def _with_arguments(error: DocumentError) -> DocumentError:
    """A builder error, saying which argument of ``credit_note`` fixes each part."""
    hints = []
    paths = [detail.field for detail in error.details]
    if any(path.startswith("Encabezado.Emisor") for path in paths):
        hints.append("emisor= (a mapping of the fields to change)")
    if any(path.startswith("Encabezado.Receptor") for path in paths):
        hints.append("receptor= (a mapping of the fields to change)")
    if any(path.startswith("Detalle") for path in paths):
        hints.append("lines=")
    if not hints:
        return error
    return DocumentError(
        f"{error}; fix it with credit_note(..., {', '.join(hints)})", error.details
    )


def check_note_arguments(reason: Any, code: CodRef | int, folio: Any) -> tuple[CodRef, int | None]:
    """A nota de crédito's own arguments checked, before the original is fetched: its code, the
    folio when given (an int or its digits), and a reason."""
    cod_ref = _code(code)
    folio_ref = (
        None if folio is None else check_folio(folio, "folio= (the folio of the document to amend)")
    )
    if reason is not None and not isinstance(reason, str):
        issue = f"reason= is the reason's text, got {shown(reason)}"
        raise DocumentError(issue, [ErrorDetail("Referencia.RazonRef", issue)])
    if reason is None or not reason.strip():
        raise DocumentError(
            "say why the note is issued (reason=); it goes in Referencia/RazonRef",
            [ErrorDetail("Referencia.RazonRef", "required")],
        )
    return cod_ref, folio_ref


@own_arithmetic
def build_credit_note(
    original: Original,
    *,
    reason: str,
    code: CodRef | int = CodRef.ANULA,
    folio: int | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
    fecha: dt.date | str | None = None,
    emisor: PartyInput | None = None,
    receptor: PartyInput | None = None,
    acteco: int | None = None,
) -> Document:
    """A checked nota de crédito (61) referencing ``original`` (a Document or an SII dict).

    ``folio`` is the original's folio when the document does not carry it (documents sent to
    OpenFactura carry 0; the folio comes back in ``EmittedDocument.folio``). ``fecha`` defaults
    to today in Chile. ``emisor`` / ``receptor`` change the original's blocks; ``acteco`` is the
    emisor's actividad económica when neither the original nor ``emisor`` has one.
    """
    from haulmer.dte import nota_credito

    cod_ref, folio_given = check_note_arguments(reason, code, folio)
    doc = original_document(original)
    check_original(doc, cod_ref)
    folio_ref = folio_given if folio_given is not None else doc.folio
    if isinstance(folio_ref, bool) or not isinstance(folio_ref, int) or folio_ref < 1:
        raise DocumentError(
            "the folio of the document to amend is unknown: pass folio= (EmittedDocument.folio)",
            [ErrorDetail("Referencia.FolioRef", "required")],
        )
    if doc.tipo_dte is DTEType.GUIA_DESPACHO and cod_ref is CodRef.ANULA:
        raise DocumentError(
            "a guía de despacho is voided with documents.void_guia(folio, fecha), not with a note",
            [ErrorDetail("Referencia.TpoDocRef", "52")],
        )
    when = chile_today() if fecha is None else check_date(fecha, "fecha")
    note_emisor = _note_emisor(doc, emisor, acteco)
    note_receptor = _note_receptor(doc, receptor)
    try:
        return nota_credito(
            doc,
            cod_ref=cod_ref,
            razon=reason.strip(),
            lines=None if lines is None else [dict(line) for line in lines],
            emisor=note_emisor,
            receptor=note_receptor,
            folio_ref=folio_ref,
            fecha=when,
        )
    except DocumentError as error:
        raise _with_arguments(error) from None
