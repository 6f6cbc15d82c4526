"""The printed facts of a parsed Documento, its plain Detalle lines read straight from their
elements.

A line of text leaves only (number, name, description, quantity, unit, price, amount), most
lines of most documents, is printed from one pass over its elements, without the SII dict that
:func:`element_to_dict` would build for it and :mod:`content` would read back. Everything else
(the Encabezado, references, a line with codes, exemptions, adjustments, nested, repeated or
commented elements) is read as ``content.printed_document(element_to_dict(documento))`` reads
it, which is what this gives in every case (a test holds it).
"""

from __future__ import annotations

from typing import Any, Final

from lxml import etree

from haulmer.sii._xml import has_elements
from haulmer.sii.printed import numbers
from haulmer.sii.printed.content import (
    LINE_EXTRAS,
    Line,
    PrintedDocument,
    line_of,
    printed_document,
)
from haulmer.sii.sii_dict import documento_to_dict, element_to_dict, local_name_of

__all__ = ["documento_facts"]

_PLAIN: Final = ("NroLinDet", "NmbItem", "DscItem", "QtyItem", "UnmdItem", "PrcItem", "MontoItem")
"""The leaves a plain line prints, in the order of their slots among the texts read."""
_OTHER: Final = len(_PLAIN)
"""The slot of a leaf a plain line does not print (a tax code, a reference quantity...)."""
_NOT_PLAIN: Final = -1
"""The slot of what makes a line more than plain: a comment, or an element ``content`` reads
with its rules (codes, exemption, liquidated type, discounts and surcharges)."""
_SLOTS: dict[Any, int] = {}
"""The slot of a Detalle child by its full tag, worked out once per tag."""
_KNOWN_TAGS: Final = 4096
"""Tags remembered at most, so hostile XML with ever new tags cannot grow the cache."""


def documento_facts(documento: etree._Element, *, sii_office: str | None) -> PrintedDocument:
    """``content.printed_document(element_to_dict(documento), sii_office=...)``, with less work.

    ``documento`` is a Documento, Liquidacion or Exportaciones element.
    """
    sii, detalles = documento_to_dict(documento, apart="Detalle")
    return printed_document(
        sii,
        sii_office=sii_office,
        read_lines=lambda pesos: [
            _line(detalle, pesos)
            for detalle in detalles
            if has_elements(detalle)  # else the SII dict holds text, which prints no line
        ],
    )


def _line(detalle: etree._Element, pesos: bool) -> Line:
    """A Detalle as printed: read in one pass when it is plain, else through its SII dict."""
    texts = ["", "", "", "", "", "", "", ""]
    seen = 0
    slots = _SLOTS
    for child in detalle:
        tag = child.tag
        slot = slots.get(tag)
        if slot is None:
            slot = _slot(tag)
        if slot < 0 or len(child):  # a comment, an extra, a branch
            return line_of(element_to_dict(detalle), pesos=pesos)
        if slot != _OTHER:
            bit = 1 << slot
            if seen & bit:  # repeated: the SII dict's rules decide what prints
                return line_of(element_to_dict(detalle), pesos=pesos)
            seen |= bit
            text = child.text
            if text:
                texts[slot] = text.strip()
    number, name, description, quantity, unit, price, amount, _ = texts
    return Line(
        number,
        "",
        name,
        description,
        numbers.number(quantity),
        unit,
        numbers.amount(price, pesos=pesos) if price else "",
        "",
        "",
        numbers.amount(amount, pesos=pesos),
    )


def _slot(tag: Any) -> int:
    """Where the text of a Detalle child with this tag goes (:data:`_PLAIN`), or that it is some
    other leaf (:data:`_OTHER`) or not plain (:data:`_NOT_PLAIN`)."""
    name = local_name_of(tag) if isinstance(tag, str) else ""  # "": a comment or a PI
    if not name or name in LINE_EXTRAS:
        slot = _NOT_PLAIN
    else:
        slot = _PLAIN.index(name) if name in _PLAIN else _OTHER
    if len(_SLOTS) < _KNOWN_TAGS:
        _SLOTS[tag] = slot
    return slot
