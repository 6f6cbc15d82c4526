"""The semantic rules of each family of DTE, and the table that picks a document's family.

Each family checks its schema's facets (``haulmer.dte.schema``) and what needs more than one
field (required data, counts, references, totals): ``documento`` (Documento and boletas),
``exportaciones`` (110, 111, 112) and ``liquidacion`` (43); ``referencias`` holds the Referencia
rules they share. ``check_document`` looks the document's type up in ``RULES_BY_TYPE``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from haulmer._lazy import LazyModule
from haulmer.dte.catalogue import DTEType
from haulmer.dte.rules.correos import e_mail_problems
from haulmer.dte.rules.documento import (
    check_documento,
    documento_root,
    documento_rules,
    line_amounts_at,
    stamping_problems,
)
from haulmer.dte.rules.documento import totals_problems as documento_totals_problems
from haulmer.dte.rules.exportaciones import (
    check_export_document,
    export_rules,
    export_totals_problems,
)
from haulmer.dte.rules.liquidacion import (
    check_liquidacion_document,
    liquidacion_rules,
    liquidacion_totals_problems,
)
from haulmer.dte.rules.outcome import DocumentCheck
from haulmer.dte.rules.paises import country_problems
from haulmer.dte.rules.ruts import check_digit_problems
from haulmer.dte.schema.checker import EXPORTACIONES_ROOT, LIQUIDACION_ROOT, SchemaRoot
from haulmer.errors import ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports this module: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

__all__ = [
    "RULES_BY_TYPE",
    "DocumentCheck",
    "check_document",
    "check_document_rules",
    "document_problems",
    "facet_root",
    "line_amounts_at",
    "stamping_problems",
    "totals_problems",
]

RULES_BY_TYPE: Mapping[DTEType, Callable[[_document.Document], DocumentCheck]] = {
    **dict.fromkeys(DTEType, check_documento),
    DTEType.FACTURA_EXPORTACION: check_export_document,
    DTEType.NOTA_DEBITO_EXPORTACION: check_export_document,
    DTEType.NOTA_CREDITO_EXPORTACION: check_export_document,
    DTEType.LIQUIDACION_FACTURA: check_liquidacion_document,
}
"""Which family's rules check each document type."""


def check_document(doc: _document.Document) -> DocumentCheck:
    """Every broken rule and wrong amount of ``doc``, with the line amounts and totals computed
    to check them (folio 0 accepted)."""
    return _with_check_digits(RULES_BY_TYPE[doc.tipo_dte](doc), doc)


def _with_check_digits(outcome: DocumentCheck, doc: _document.Document) -> DocumentCheck:
    """``outcome`` with the RUTs of ``doc`` whose check digit is wrong, which the lenient
    reading takes and the SII refuses; its e-mail elements that hold no address, and a
    Nacionalidad or a country of Aduana that is no country code of Aduana's."""
    wrong = check_digit_problems(doc) + e_mail_problems(doc) + country_problems(doc)
    return outcome._replace(problems=outcome.problems + wrong) if wrong else outcome


def check_document_rules(doc: _document.Document) -> DocumentCheck:
    """``check_document`` but the facet walk: for a caller that checks each value against the
    facets of ``facet_root(doc)`` as it writes it (``haulmer.sii.issue``)."""
    return _with_check_digits(_FAMILIES[RULES_BY_TYPE[doc.tipo_dte]][0](doc), doc)


def facet_root(doc: _document.Document) -> SchemaRoot:
    """The schema root whose facets ``doc`` must fit (the boleta's for 39 and 41)."""
    return _FAMILIES[RULES_BY_TYPE[doc.tipo_dte]][1](doc)


def _exportaciones(doc: _document.Document) -> SchemaRoot:
    return EXPORTACIONES_ROOT


def _liquidacion(doc: _document.Document) -> SchemaRoot:
    return LIQUIDACION_ROOT


_FAMILIES: Mapping[
    Callable[[_document.Document], DocumentCheck],
    tuple[
        Callable[[_document.Document], DocumentCheck], Callable[[_document.Document], SchemaRoot]
    ],
] = {
    check_documento: (documento_rules, documento_root),
    check_export_document: (export_rules, _exportaciones),
    check_liquidacion_document: (liquidacion_rules, _liquidacion),
}
"""Each family's rules but its facets, and its schema root, by the family's whole check."""


_TOTALS_BY_FAMILY: Mapping[
    Callable[[_document.Document], DocumentCheck], Callable[[_document.Document], list[ErrorDetail]]
] = {
    check_documento: documento_totals_problems,
    check_export_document: export_totals_problems,
    check_liquidacion_document: liquidacion_totals_problems,
}
"""Each family's comparison of the given amounts with the computed ones."""


def totals_problems(doc: _document.Document) -> list[ErrorDetail]:
    """Every given line amount or total of ``doc`` that differs from the one its family
    computes (an export's in its currency, a liquidación's with its commissions)."""
    return _TOTALS_BY_FAMILY[RULES_BY_TYPE[doc.tipo_dte]](doc)


def document_problems(doc: _document.Document) -> list[ErrorDetail]:
    """Every broken per-type rule and every wrong amount of ``doc`` (folio 0 accepted)."""
    return check_document(doc).problems
