"""A document checked once, with the arithmetic the check did: what the wire is written from.

``Document.checked()`` runs the rules of the document's family once and keeps the line amounts
and totals they computed, so rendering (``sii_dict()``), stamping (``haulmer.sii.issue``) and
emitting (``haulmer.openfactura``) read them instead of checking or computing again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from haulmer._lazy import LazyModule
from haulmer._numbers import own_arithmetic
from haulmer.dte.catalogue import DTEType
from haulmer.dte.models import Totales
from haulmer.dte.sii_dict import SiiValue
from haulmer.dte.totals import LineAmounts

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports this module: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

__all__ = ["CheckedDocument"]


@dataclass(frozen=True)
class CheckedDocument:
    """A document that passed its rules, with its lines' amounts and its computed totals.

    Made by :meth:`haulmer.dte.Document.checked`; ``for_stamping`` says whether the folio was
    checked for local stamping too (> 0).
    """

    document: _document.Document
    line_amounts: Sequence[LineAmounts]
    computed_totals: Totales
    for_stamping: bool = False

    @property
    @own_arithmetic
    def totals(self) -> Totales:
        """The Totales the document carries: the given ones (checked equal) or the computed."""
        given = self.document.encabezado.totales
        return given if given is not None else self.computed_totals

    @property
    def tipo_dte(self) -> DTEType:
        """IdDoc/TipoDTE."""
        return self.document.tipo_dte

    @property
    def folio(self) -> int:
        """IdDoc/Folio."""
        return self.document.folio

    @property
    def fecha_emision(self) -> date:
        """IdDoc/FchEmis."""
        return self.document.fecha_emision

    @property
    @own_arithmetic
    def monto_total(self) -> int | Decimal:
        """MntTotal as the SII dict writes it: pesos, or an export's amount (normalized)."""
        total = self.totals.mnt_total
        if isinstance(total, Decimal):
            integral = total == total.to_integral_value()
            return total.quantize(Decimal(1)) if integral else total.normalize()
        return total

    @property
    def primer_item(self) -> str:
        """The first line's NmbItem (the timbre's IT1)."""
        return self.document.detalle[0].nombre

    @own_arithmetic
    def with_folio(self, folio: int) -> CheckedDocument:
        """The same checked document with IdDoc/Folio set (a folio changes no amount)."""
        return CheckedDocument(
            self.document.with_folio(folio), self.line_amounts, self.computed_totals, False
        )

    @own_arithmetic
    def sii_dict(self) -> dict[str, SiiValue]:
        """The document as the SII's nested dict, from the amounts the check computed."""
        return self.document.rendered_sii_dict(self.line_amounts, self.computed_totals)
