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

from collections.abc import Callable
from operator import attrgetter
from typing import Any, Final

from lxml import etree

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
"""The leaves a plain line prints, in the order :func:`_lines` reads them."""
_NO_LINE: Final[tuple[int, ...]] = ()
"""The layout of a Detalle without child elements: its SII dict holds text, which prints no
line."""
_NOT_PLAIN_LINE: Final[tuple[int, ...]] = (-2,)
"""The layout of a Detalle that is more than plain: a comment, a repeated leaf, or an element
``content`` reads with its rules (codes, exemption, liquidated type, discounts and
surcharges)."""
_LAYOUTS: dict[tuple[Any, ...], tuple[int, ...]] = {}
"""A Detalle's layout by its children's tags (full tags, comments' too), worked out once: for
a plain line, where each of :data:`_PLAIN` is among its children (-1 when absent)."""
_KNOWN_LAYOUTS: Final = 4096
"""Layouts remembered at most, so hostile XML with ever new tags cannot grow the cache."""
_LONGEST_REMEMBERED: Final = 32
"""The most children a remembered layout has: a plain line has about seven."""
_TAG: Final = attrgetter("tag")
"""An element's tag, read without a Python frame."""
_new_line: Final[Callable[[type[Line], tuple[Any, ...]], Line]] = tuple.__new__
"""``Line``'s values made into a ``Line`` without the Python ``__new__`` a named tuple has:
one is made per Detalle line."""


def documento_facts(documento: etree._Element, *, sii_office: str | None) -> PrintedDocument:
    """``content.printed_document(element_to_dict(documento), sii_office=...)``, with less work.

    ``documento`` is a Documento, Liquidacion or Exportaciones element.
    """
    sii, detalles = documento_to_dict(documento, apart="Detalle")
    return printed_document(
        sii, sii_office=sii_office, read_lines=lambda pesos: _lines(detalles, pesos)
    )


def _lines(detalles: list[etree._Element], pesos: bool) -> list[Line]:
    """The printed lines of ``detalles``: each plain one read in one pass over its children, the
    others through their SII dict, and none for a Detalle of text alone (no child element)."""
    lines = []
    layouts = _LAYOUTS
    for detalle in detalles:
        children = list(detalle)
        tags = tuple(map(_TAG, children))
        at = layouts.get(tags)
        if at is None:
            at = _layout(tags)
        if at is _NO_LINE:  # the SII dict holds text, which prints no line
            continue
        if at is _NOT_PLAIN_LINE or any(map(len, children)):  # a branch
            lines.append(line_of(element_to_dict(detalle), pesos=pesos))
            continue
        number, name, description, quantity, unit, price, amount = [
            ((children[index].text or "").strip() if index >= 0 else "") for index in at
        ]
        lines.append(
            _new_line(
                Line,
                (
                    number,
                    "",
                    name,
                    description,
                    quantity  # most: a few digits, as number() prints them
                    if len(quantity) <= 3
                    and quantity.isdigit()
                    and quantity.isascii()
                    and quantity[:1] != "0"
                    else numbers.number(quantity),
                    unit,
                    numbers.amount(price, pesos=pesos) if price else "",
                    "",
                    "",
                    numbers.amount(amount, pesos=pesos),
                    (),
                ),
            )
        )
    return lines


def _layout(tags: tuple[Any, ...]) -> tuple[int, ...]:
    """Where each leaf a plain line prints is among children with these tags (-1: absent), or
    :data:`_NOT_PLAIN_LINE` (a comment, an extra, a repeated leaf), or :data:`_NO_LINE` when
    none is an element; remembered for short layouts, up to a bound."""
    if not any(isinstance(tag, str) for tag in tags):
        at = _NO_LINE
    else:
        found = [-1] * len(_PLAIN)
        for index, tag in enumerate(tags):
            name = local_name_of(tag) if isinstance(tag, str) else ""  # "": a comment or a PI
            if not name or name in LINE_EXTRAS:
                found = []
                break
            if name in _PLAIN:
                slot = _PLAIN.index(name)
                if found[slot] >= 0:  # repeated: the SII dict's rules decide what prints
                    found = []
                    break
                found[slot] = index
        at = tuple(found) if found else _NOT_PLAIN_LINE
    if len(tags) <= _LONGEST_REMEMBERED and len(_LAYOUTS) < _KNOWN_LAYOUTS:
        _LAYOUTS[tags] = at
    return at
