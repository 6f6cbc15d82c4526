"""The shape of the schema facts: one ``Element`` per XSD element, nested as the XSD nests them.

``haulmer.dte.schema.facts`` holds one tree of these per root (Documento, the boleta's
Documento, Exportaciones, Liquidacion), written by ``scripts/generate_dte_schema.py``.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Element"]


class Element(NamedTuple):
    """One XSD element: occurrences, value kind and facets, or its child elements in order.

    ``kind`` is ``section`` (child elements), ``text``, ``integer``, ``decimal``, ``date``,
    ``datetime`` or ``binary``. ``minimum``/``maximum`` keep the XSD's literal (inclusive bounds;
    ``positiveInteger`` shows as minimum ``1``). ``choice`` numbers the xs:choice an element
    belongs to within its parent (0: none); of one choice, one element appears.
    """

    name: str
    min_occurs: int
    max_occurs: int | None
    kind: str
    max_length: int | None = None
    min_length: int | None = None
    total_digits: int | None = None
    fraction_digits: int | None = None
    minimum: str | None = None
    maximum: str | None = None
    enumeration: tuple[str, ...] | None = None
    pattern: str | None = None
    choice: int = 0
    children: tuple[Element, ...] = ()

    @property
    def required(self) -> bool:
        """Whether the schema requires this element (minOccurs > 0 and not one of a choice)."""
        return self.min_occurs > 0 and self.choice == 0

    def child(self, name: str) -> Element | None:
        """The child element called ``name``, or None when the schema has no such element."""
        for element in self.children:
            if element.name == name:
                return element
        return None
