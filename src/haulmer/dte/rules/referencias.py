"""The Referencia rules of every family: how many, which fields, what a nota must reference."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from haulmer._lazy import LazyModule
from haulmer._shown import shown
from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.dte.models import Referencia, Totales
from haulmer.dte.rules.outcome import blank
from haulmer.errors import ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports this module: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

__all__ = [
    "document_code_issue",
    "documento_reference_problems",
    "export_reference_problems",
    "issued_reference_problems",
    "liquidacion_reference_problems",
    "reference_field_problems",
    "text_correction_amount_problems",
]


def reference_field_problems(ref: Referencia, where: str, example: str) -> list[ErrorDetail]:
    """TpoDocRef, FolioRef and FchRef required; ``example`` shows valid TpoDocRef (CodRef's
    values are the schema's)."""
    problems: list[ErrorDetail] = []
    if blank(ref.tipo_doc_ref):
        problems.append(ErrorDetail(f"{where}.TpoDocRef", f"required (e.g. {example})"))
    if blank(ref.folio_ref):
        problems.append(ErrorDetail(f"{where}.FolioRef", "required"))
    if ref.fecha_ref is None:
        problems.append(ErrorDetail(f"{where}.FchRef", "required (the referenced date)"))
    return problems


_RUTOTR_TYPES = frozenset({46, 56, 61, 110, 111, 112})
_EXPORT_TYPES = frozenset({"110", "111", "112"})


_ANNULLED_BY: dict[int, frozenset[str]] = {
    56: frozenset({"61"}),
    111: frozenset({"112"}),
}
"""What a nota de débito annuls (CodRef 1): only a nota de crédito (of export, for 111)."""
_NEVER_ANNULLED_BY: dict[int, frozenset[str]] = {
    61: frozenset({"61"}),
    112: frozenset({"112"}),
}
"""What a nota de crédito does not annul: another nota de crédito, which a nota de débito
annuls (a second credit would add to the first instead of undoing it)."""
_DEBIT_NOTE_OF: dict[int, str] = {61: "nota_debito", 112: "nota_debito_exportacion"}
"""The builder of the nota de débito (56, 111) that annuls a nota de crédito of each type."""


_DTE_CODES = frozenset(str(int(tipo)) for tipo in DTEType)
_FOLIO_DIGITS = 10
"""An electronic document's folio has at most 10 digits (the SII's FolioType)."""

_BY_EXPORT_NOTAS = (
    "an export document is modified by an export nota: nota_credito_exportacion (112) or "
    "nota_debito_exportacion (111)"
)
_NOT_MODIFIED_BY_NOTAS: dict[str, str] = {
    "52": "a guía de despacho carries no débito fiscal, so no nota modifies it (the SII "
    "refuses it, REF-3-415): void the guía (documents.void_guia), or modify the factura that "
    "invoiced it",
    **dict.fromkeys(("110", "111", "112"), _BY_EXPORT_NOTAS),
}
"""The documents a nota de crédito or débito (56, 61) cannot modify (reference with a CodRef),
and what to do instead."""


def _modified_document_problems(refs: Sequence[Referencia]) -> list[ErrorDetail]:
    """A nota's references with a CodRef to a document no nota (56, 61) modifies: a guía de
    despacho or an export document."""
    problems: list[ErrorDetail] = []
    for index, ref in enumerate(refs):
        referenced = (ref.tipo_doc_ref or "").strip()
        if isinstance(ref.cod_ref, CodRef) and referenced in _NOT_MODIFIED_BY_NOTAS:
            problems.append(
                ErrorDetail(
                    f"Referencia[{index + 1}].TpoDocRef",
                    f"is {referenced} with CodRef {int(ref.cod_ref)}: "
                    + _NOT_MODIFIED_BY_NOTAS[referenced],
                )
            )
    return problems


def _zero_led_code_problems(refs: Sequence[Referencia]) -> list[ErrorDetail]:
    """A TpoDocRef written with zeros before its digits ("033"): no table of the SII's holds it,
    and the checks of the document it meant (a factura's folio, what a nota may annul) did not
    run on it; and one that is no code of the SII's at all (``document_code_issue``)."""
    problems: list[ErrorDetail] = []
    for index, ref in enumerate(refs):
        referenced = (ref.tipo_doc_ref or "").strip()
        if len(referenced) > 1 and referenced.startswith("0") and referenced.isdigit():
            problems.append(
                ErrorDetail(
                    f"Referencia[{index + 1}].TpoDocRef",
                    f"{shown(referenced)}: write it {int(referenced)}, without zeros before it",
                )
            )
            continue
        issue = document_code_issue(referenced, letters=True)
        if issue is not None:
            problems.append(ErrorDetail(f"Referencia[{index + 1}].TpoDocRef", issue))
    return problems


_LOWEST_DOCUMENT_CODE: Final = 29
"""The lowest number of the SII's table of document types (29, factura de inicio)."""


def document_code_issue(code: str, *, letters: bool) -> str | None:
    """What is wrong with ``code`` as a code of the SII's table of document types (TpoDocRef,
    with ``letters``: SET, or a company's code of capital letters; TpoDocLiq: digits only), or
    None. The schema takes any text of 1 to 3 characters; a longer or blank one is its facets'
    and the required rules' to name."""
    if not code or len(code) > 3:
        return None
    if code.isascii() and code.isdigit():
        if int(code) < _LOWEST_DOCUMENT_CODE:
            return (
                f"{shown(code)}: no document type of the SII's table is numbered below "
                f"{_LOWEST_DOCUMENT_CODE}; give the type of the document (33 factura, 39 boleta, "
                "801 orden de compra...)"
            )
        return None
    if not letters:
        return (
            f"{shown(code)} is no document type: the SII's types are digits (33 factura, "
            "39 boleta...)"
        )
    if not all("A" <= c <= "Z" or "0" <= c <= "9" for c in code):
        return (
            f"{shown(code)} is no code of the SII's table of document types, which are digits or "
            "capital letters: give the type's code (33 factura, 801 orden de compra, SET "
            "in the certification)"
        )
    return None


def _annulment_problems(tipo: int, refs: Sequence[Referencia]) -> list[ErrorDetail]:
    """A nota that annuls (CodRef 1) what its kind cannot: the SII's cases are a nota de
    crédito annulling a factura, a nota de débito or a factura de compra, and a nota de débito
    annulling a nota de crédito."""
    problems: list[ErrorDetail] = []
    for index, ref in enumerate(refs):
        if ref.cod_ref is not CodRef.ANULA:
            continue
        referenced = (ref.tipo_doc_ref or "").strip()
        if referenced not in _DTE_CODES:
            continue  # an orden de compra, a contrato...: not a document a nota annuls
        where = f"Referencia[{index + 1}].CodRef"
        if tipo in _ANNULLED_BY and referenced not in _ANNULLED_BY[tipo]:
            credit = "112" if tipo == 111 else "61"
            problems.append(
                ErrorDetail(
                    where,
                    f"a nota de débito annuls (CodRef 1) only a nota de crédito ({credit}), not "
                    f"TpoDocRef {referenced}: to undo a document, issue a nota de "
                    "crédito that annuls it; to add to its amounts, CodRef 3 (corrige montos)",
                )
            )
        elif referenced in _NEVER_ANNULLED_BY.get(tipo, ()):
            problems.append(
                ErrorDetail(
                    where,
                    f"a nota de crédito does not annul another nota de crédito ({referenced}): "
                    f"a nota de débito with CodRef 1 does ({_DEBIT_NOTE_OF[tipo]}(nota, "
                    "cod_ref='anula'))",
                )
            )
    return problems


def _own_rut_problems(doc: _document.Document, refs: Sequence[Referencia]) -> list[ErrorDetail]:
    """RUTOtr that is the issuer's own RUT: it names the issuer of a referenced document issued
    by someone else, so the SII's format requires it to differ from RUTEmisor."""
    emisor = doc.encabezado.emisor.rut
    return [
        ErrorDetail(
            f"Referencia[{index + 1}].RUTOtr",
            f"is {ref.rut_otro}, this document's own issuer (RUTEmisor): RUTOtr names another "
            "contribuyente who issued the referenced document; leave RUTOtr out for a document "
            "of this issuer",
        )
        for index, ref in enumerate(refs)
        if ref.rut_otro is not None and ref.rut_otro == emisor
    ]


_ONE_DOCUMENT_CODES = frozenset({CodRef.ANULA, CodRef.CORRIGE_TEXTO})


def _one_document_problems(refs: Sequence[Referencia]) -> list[ErrorDetail]:
    """A nota that annuls (CodRef 1) or corrects text (CodRef 2) with more than one reference
    carrying a CodRef: the SII's cases for those codes have a single referenced document."""
    coded = [(index, ref) for index, ref in enumerate(refs) if isinstance(ref.cod_ref, CodRef)]
    if len(coded) < 2 or not any(ref.cod_ref in _ONE_DOCUMENT_CODES for _, ref in coded):
        return []
    return [
        ErrorDetail(
            f"Referencia[{index + 1}].CodRef",
            f"is {int(ref.cod_ref)} on a second reference with a CodRef, and a nota that "
            "annuls (CodRef 1) or corrects text (CodRef 2) modifies one document, as the SII "
            "requires: issue one nota per document; a reference that only informs (an orden de "
            "compra...) goes without CodRef, and a nota that corrects amounts (CodRef 3) may "
            "modify several documents",
        )
        for index, ref in coded[1:]
        if isinstance(ref.cod_ref, CodRef)
    ]


def text_correction_amount_problems(
    doc: _document.Document, totals: Totales | None
) -> list[ErrorDetail]:
    """A nota that corrects text (CodRef 2) with amounts: it credits or charges nothing, so its
    total is 0 (``totals``: the computed Totales, used when the document declares none)."""
    if not doc.tipo_dte.is_note:
        return []
    if not any(ref.cod_ref is CodRef.CORRIGE_TEXTO for ref in doc.referencias):
        return []
    declared = doc.encabezado.totales if doc.encabezado.totales is not None else totals
    if declared is None or not declared.mnt_total:
        return []
    return [
        ErrorDetail(
            "Encabezado.Totales.MntTotal",
            f"is {declared.mnt_total} on a nota that corrects text (CodRef 2), which credits or "
            "charges nothing: give its lines amounts of 0 (the builders' "
            "cod_ref='corrige_texto' without lines= does), or correct the amounts with "
            "cod_ref='corrige_montos' (CodRef 3)",
        )
    ]


def issued_reference_problems(
    doc: _document.Document, refs: Sequence[Referencia]
) -> list[ErrorDetail]:
    """References to electronic documents (TpoDocRef 33, 39, 52...) that cannot be of one
    already issued: dated after the document that references it, or with folio 0 (DTE folios
    start at 1; FolioRef 0 goes with IndGlobal 1, a reference to many documents); and a type
    written with zeros before it ("033"), which names none."""
    problems = _zero_led_code_problems(refs)
    fecha = doc.fecha_emision
    for index, ref in enumerate(refs):
        referenced = (ref.tipo_doc_ref or "").strip()
        if referenced not in _DTE_CODES:
            continue
        where = f"Referencia[{index + 1}]"
        if ref.fecha_ref is not None and ref.fecha_ref > fecha:
            problems.append(
                ErrorDetail(
                    f"{where}.FchRef",
                    f"is {ref.fecha_ref}, after this document's date ({fecha}): a document "
                    "references one already issued; give the referenced document's date, or "
                    "date this one (FchEmis) on or after it",
                )
            )
        folio = (ref.folio_ref or "").strip()
        digits = folio.isascii() and folio.isdigit()
        if digits and int(folio) == 0 and ref.ind_global != 1:
            problems.append(
                ErrorDetail(
                    f"{where}.FolioRef",
                    "is 0, and an electronic document's folio is 1 or more: give the folio of "
                    "the referenced document (document.with_folio(n) before the nota), or "
                    "IndGlobal 1 for a reference to many documents",
                )
            )
        elif folio and (not digits or len(folio.lstrip("0")) > _FOLIO_DIGITS):
            problems.append(
                ErrorDetail(
                    f"{where}.FolioRef",
                    f"is {shown(folio)}, and the folio of an electronic document (TpoDocRef "
                    f"{referenced}) is a whole number from 1 to "
                    f"{10**_FOLIO_DIGITS - 1}, so the SII finds no such document: give the "
                    "referenced document's folio",
                )
            )
    return problems


def documento_reference_problems(doc: _document.Document) -> list[ErrorDetail]:
    """References of a Documento or a boleta: at most 40, a nota's CodRef, each one's fields."""
    tipo = doc.tipo_dte
    refs = doc.referencias
    problems: list[ErrorDetail] = []
    if len(refs) > 40:
        problems.append(
            ErrorDetail(
                "Referencia",
                f"{len(refs)} references; the SII allows at most 40: keep the 40 that matter "
                "(a nota references the document it modifies first)",
            )
        )
    if tipo.requires_reference:
        with_code = [r for r in refs if isinstance(r.cod_ref, CodRef)]
        if not with_code:
            problems.append(
                ErrorDetail(
                    "Referencia",
                    "a nota needs a Referencia to the document it modifies, with CodRef "
                    "1 (anula), 2 (corrige texto) or 3 (corrige montos)",
                )
            )
        problems += _annulment_problems(int(tipo), refs)
        problems += _one_document_problems(refs)
        problems += _modified_document_problems(refs)
    if not tipo.is_boleta:  # boleta references: every element optional, CodRef free text
        problems += issued_reference_problems(doc, refs)
        problems += _own_rut_problems(doc, refs)
    for index, ref in enumerate(refs):
        where = f"Referencia[{index + 1}]"
        if ref.nro_lin_ref is not None and ref.nro_lin_ref != index + 1:
            problems.append(ErrorDetail(f"{where}.NroLinRef", f"must be {index + 1}"))
        if tipo.is_boleta:
            continue
        problems += reference_field_problems(ref, where, "33, 801")
        if ref.rut_otro is not None and int(tipo) not in _RUTOTR_TYPES:
            problems.append(
                ErrorDetail(f"{where}.RUTOtr", f"not allowed on type {int(tipo)} (46, 56, 61 only)")
            )
    return problems


def export_reference_problems(doc: _document.Document) -> list[ErrorDetail]:
    """References of an export: an export note modifies an export document (110, 111, 112)."""
    problems: list[ErrorDetail] = []
    refs = doc.referencias
    if len(refs) > 40:
        problems.append(ErrorDetail("Referencia", f"{len(refs)} references; at most 40"))
    if doc.tipo_dte.is_note:
        main = [r for r in refs if isinstance(r.cod_ref, CodRef)]
        if not main:
            problems.append(
                ErrorDetail(
                    "Referencia",
                    "an export note needs a Referencia to the export document it modifies "
                    "(TpoDocRef 110, 111 or 112) with CodRef 1 (anula), 2 (corrige texto) "
                    "or 3 (corrige montos)",
                )
            )
        problems += _annulment_problems(int(doc.tipo_dte), refs)
        problems += _one_document_problems(refs)
        if main and not any((r.tipo_doc_ref or "").strip() in _EXPORT_TYPES for r in main):
            index = refs.index(main[0])
            problems.append(
                ErrorDetail(
                    f"Referencia[{index + 1}].TpoDocRef",
                    "an export note modifies an export document: 110, 111 or 112",
                )
            )
        else:
            problems += _domestic_modified_problems(refs)
    problems += issued_reference_problems(doc, refs)
    problems += _own_rut_problems(doc, refs)
    for index, ref in enumerate(refs):
        where = f"Referencia[{index + 1}]"
        if ref.nro_lin_ref is not None and ref.nro_lin_ref != index + 1:
            problems.append(ErrorDetail(f"{where}.NroLinRef", f"must be {index + 1}"))
        problems += reference_field_problems(ref, where, "110, 813")
    return problems


def _domestic_modified_problems(refs: Sequence[Referencia]) -> list[ErrorDetail]:
    """An export nota's references with a CodRef to an electronic document that is no export
    (a factura, a guía...): an export nota modifies export documents only, as a nota de crédito
    or débito (56, 61) modifies no export."""
    problems: list[ErrorDetail] = []
    for index, ref in enumerate(refs):
        referenced = (ref.tipo_doc_ref or "").strip()
        if not isinstance(ref.cod_ref, CodRef) or referenced in _EXPORT_TYPES:
            continue
        if referenced in _DTE_CODES:
            problems.append(
                ErrorDetail(
                    f"Referencia[{index + 1}].TpoDocRef",
                    f"is {referenced} with CodRef {int(ref.cod_ref)}: an export nota modifies "
                    "export documents (110, 111, 112) only; modify that document with "
                    "nota_credito or nota_debito (61, 56), or leave CodRef out of a reference "
                    "that only informs",
                )
            )
    return problems


def liquidacion_reference_problems(doc: _document.Document) -> list[ErrorDetail]:
    """References of a liquidación-factura: at most 40, each one's fields."""
    problems: list[ErrorDetail] = []
    if len(doc.referencias) > 40:
        problems.append(ErrorDetail("Referencia", "at most 40 references"))
    problems += issued_reference_problems(doc, doc.referencias)
    for index, ref in enumerate(doc.referencias):
        where = f"Referencia[{index + 1}]"
        if ref.nro_lin_ref is not None and ref.nro_lin_ref != index + 1:
            problems.append(ErrorDetail(f"{where}.NroLinRef", f"must be {index + 1}"))
        problems += reference_field_problems(ref, where, "33, 801")
    return problems
