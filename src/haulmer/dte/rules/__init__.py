"""The semantic rules of each family of DTE, and the table that picks a document's family.

Each family checks its schema's facets (``haulmer.dte.schema``) and what needs more than one
field (required data, counts, references, totals): ``documento`` (Documento and boletas),
``exportaciones`` (110, 111, 112) and ``liquidacion`` (43); ``referencias`` holds the Referencia
rules they share. ``check_document`` looks the document's type up in ``RULES_BY_TYPE``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from haulmer.dte.catalogue import DTEType
from haulmer.dte.rules.documento import (
    check_documento,
    line_amounts_at,
    stamping_problems,
    totals_problems,
)
from haulmer.dte.rules.exportaciones import check_export_document
from haulmer.dte.rules.liquidacion import check_liquidacion_document
from haulmer.dte.rules.outcome import DocumentCheck
from haulmer.errors import ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte.document import Document

__all__ = [
    "RULES_BY_TYPE",
    "DocumentCheck",
    "check_document",
    "document_problems",
    "line_amounts_at",
    "stamping_problems",
    "totals_problems",
]

RULES_BY_TYPE: Mapping[DTEType, Callable[[Document], DocumentCheck]] = {
    **dict.fromkeys(DTEType, check_documento),
    DTEType.FACTURA_EXPORTACION: check_export_document,
    DTEType.NOTA_DEBITO_EXPORTACION: check_export_document,
    DTEType.NOTA_CREDITO_EXPORTACION: check_export_document,
    DTEType.LIQUIDACION_FACTURA: check_liquidacion_document,
}
"""Which family's rules check each document type."""


def check_document(doc: Document) -> DocumentCheck:
    """Every broken rule and wrong amount of ``doc``, with the line amounts and totals computed
    to check them (folio 0 accepted)."""
    return RULES_BY_TYPE[doc.tipo_dte](doc)


def document_problems(doc: Document) -> list[ErrorDetail]:
    """Every broken per-type rule and every wrong amount of ``doc`` (folio 0 accepted)."""
    return check_document(doc).problems
