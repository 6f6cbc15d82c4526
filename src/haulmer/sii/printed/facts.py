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

from haulmer.sii._xml import has_elements, leaf_text
from haulmer.sii.parsing import REPEATED, element_to_dict
from haulmer.sii.printed import numbers
from haulmer.sii.printed.content import Line, PrintedDocument, line_of, printed_document

__all__ = ["documento_facts"]

_SKIPPED: Final = frozenset({"TED", "TmstFirma", "Signature"})
"""What ``element_to_dict`` leaves out of a Documento."""
_PLAIN: Final = {
    "NroLinDet": 0,
    "NmbItem": 1,
    "DscItem": 2,
    "QtyItem": 3,
    "UnmdItem": 4,
    "PrcItem": 5,
    "MontoItem": 6,
}
"""The leaves a plain line prints, by their place in the texts read."""
_EXTRAS: Final = frozenset(
    {
        "CdgItem",
        "IndExe",
        "TpoDocLiq",
        "SubDscto",
        "SubRecargo",
        "DescuentoPct",
        "DescuentoMonto",
        "RecargoPct",
        "RecargoMonto",
    }
)
"""A line's elements that make it more than plain (``content`` reads them with its rules)."""
_LOCAL_NAMES: dict[str, str] = {}
"""Local names by ``{namespace}tag``: a document repeats a few dozen tags."""
_KNOWN_TAGS: Final = 4096
"""Tags remembered at most, so hostile XML with ever new tags cannot grow the cache."""


def documento_facts(documento: etree._Element, *, sii_office: str | None) -> PrintedDocument:
    """``content.printed_document(element_to_dict(documento), sii_office=...)``, with less work.

    ``documento`` is a Documento, Liquidacion or Exportaciones element.
    """
    sii: dict[str, Any] = {}
    detalles: list[etree._Element] = []
    for child in documento:
        name = _local_name(child.tag)
        if name == "Detalle":
            if has_elements(child):  # else the SII dict holds text, which prints no line
                detalles.append(child)
        elif name and name not in _SKIPPED:
            _add(sii, name, child)
    return printed_document(
        sii,
        sii_office=sii_office,
        read_lines=lambda pesos: [_line(detalle, pesos) for detalle in detalles],
    )


def _local_name(tag: Any) -> str:
    """The local name of an element's tag; "" for a comment or a processing instruction."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        if not isinstance(tag, str):
            return ""
        name = tag.rpartition("}")[2]
        if len(_LOCAL_NAMES) < _KNOWN_TAGS:
            _LOCAL_NAMES[tag] = name
    return name


def _add(sii: dict[str, Any], name: str, child: etree._Element) -> None:
    """Put a Documento's ``child`` into ``sii`` as ``element_to_dict`` does."""
    value: Any
    if not len(child):
        value = (child.text or "").strip()
    elif has_elements(child):
        value = element_to_dict(child)
    else:  # text around comments
        value = (leaf_text(child) or "").strip()
    if value == "":
        return
    if name in REPEATED or name == "Comisiones":  # Comisiones repeat in a Documento
        sii.setdefault(name, []).append(value)
    elif name in sii:
        previous = sii[name]
        sii[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
    else:
        sii[name] = value


def _line(detalle: etree._Element, pesos: bool) -> Line:
    """A Detalle as printed: read in one pass when it is plain, else through its SII dict."""
    texts = ["", "", "", "", "", "", ""]
    seen = 0
    names = _LOCAL_NAMES
    for child in detalle:
        tag = child.tag
        name = names.get(tag) or _local_name(tag)
        if not name or len(child) or name in _EXTRAS:  # a comment, a branch, an extra
            return line_of(element_to_dict(detalle), pesos=pesos)
        at = _PLAIN.get(name)
        if at is not None:
            bit = 1 << at
            if seen & bit:  # repeated: the SII dict's rules decide what prints
                return line_of(element_to_dict(detalle), pesos=pesos)
            seen |= bit
            text = child.text
            if text:
                texts[at] = text.strip()
    number, name, description, quantity, unit, price, amount = texts
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
