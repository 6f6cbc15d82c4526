"""The SII's nested dict of an element: text leaves, lists for the elements the schemas repeat.

It is what ``Document.from_sii_dict`` reads and what the printed representation shows.
"""

from __future__ import annotations

from typing import Any, Final

from lxml import etree

from haulmer.sii._xml import SII_PREFIX, has_elements, leaf_text, local_name, ns_prefix

__all__ = [
    "BOLETA_TYPES",
    "DOCUMENT_PATTERNS",
    "DOCUMENT_TAGS",
    "REPEATED",
    "SKIPPED",
    "documento_to_dict",
    "element_to_dict",
    "local_name_of",
]

REPEATED: Final = frozenset(
    {
        "Acteco",
        "CdgItem",
        "CodImpAdic",
        "Detalle",
        "DscRcgGlobal",
        "ImpRetOtrMnda",
        "ImptoReten",
        "LineasDeta",
        "MntPagos",
        "Referencia",
        "SubDscto",
        "SubRecargo",
        "SubTotInfo",
        "Subcantidad",
        "Telefono",
        "TipoBultos",
    }
)
"""Elements the SII schemas allow more than once (maxOccurs > 1) wherever they stand: always
read as lists (a test holds this set to the schema facts, ``haulmer.dte.schema.facts``)."""

SKIPPED: Final = frozenset({"TED", "TmstFirma", "Signature"})
"""Elements left out of the dict: the timbre and the signature are no content (the elements
the models, read from XML, leave out rather than refuse)."""
DOCUMENT_TAGS: Final = ("Documento", "Liquidacion", "Exportaciones")
"""The elements that hold a DTE's content (Comisiones repeat in them)."""
DOCUMENT_PATTERNS: Final = tuple(f"{{*}}{tag}" for tag in DOCUMENT_TAGS)
"""The document tags in any namespace (or none), as lxml matches them without a proxy each."""
BOLETA_TYPES: Final = frozenset({"39", "41"})
"""TipoDTE of a boleta as the XML writes it: what an EnvioBOLETA holds, with its own schema and
timbre rules."""


def element_to_dict(element: etree._Element) -> dict[str, Any]:
    """The children of ``element`` as the SII's nested dict: text leaves, lists for repeats.

    Empty elements are left out, and so are comments and elements in a namespace other than
    their parent's and the SII's (an ERP's own additions, no SII content).
    """
    return _children(element, local_name(element) in DOCUMENT_TAGS)


LOCAL_NAMES: dict[str, str] = {}
"""Local names by ``{namespace}tag``: a document repeats a few dozen tags."""
_KNOWN_TAGS: Final = 4096
"""Tags remembered at most, so hostile XML with ever new tags cannot grow the cache."""


def local_name_of(tag: str) -> str:
    """The local name of a ``{namespace}tag``, remembered (up to a bound) by ``LOCAL_NAMES``."""
    name = tag.rpartition("}")[2]
    if len(LOCAL_NAMES) < _KNOWN_TAGS:
        LOCAL_NAMES[tag] = name
    return name


def documento_to_dict(
    documento: etree._Element, *, apart: str
) -> tuple[dict[str, Any], list[etree._Element]]:
    """:func:`element_to_dict` of a Documento (or a Liquidacion or Exportaciones), its children
    named ``apart`` handed back as elements, in order, instead of read into the dict."""
    aside: list[etree._Element] = []
    return _children(documento, True, apart, aside), aside


def _children(
    element: etree._Element,
    in_document: bool,
    apart: str | None = None,
    aside: list[etree._Element] | None = None,
) -> dict[str, Any]:
    """:func:`element_to_dict`; ``in_document`` says whether ``element`` is a Documento (or a
    Liquidacion or Exportaciones), where Comisiones repeat; children named ``apart`` go to
    ``aside`` unread."""
    out: dict[str, Any] = {}
    names = LOCAL_NAMES
    own = ns_prefix(element)
    for child in element:
        tag = child.tag
        name = names.get(tag)
        if name is None:
            if not isinstance(tag, str):  # a comment or a processing instruction
                continue
            name = local_name_of(tag)
        if name in SKIPPED:
            continue
        if tag[:1] == "{" and not tag.startswith(SII_PREFIX) and not (own and tag.startswith(own)):
            continue  # another namespace than its parent's and the SII's: an ERP's own element
        if name == apart and aside is not None:
            aside.append(child)
            continue
        if not len(child):  # a leaf: its text (most elements)
            text = child.text
            if not text:
                continue
            value: Any = text.strip()
            if not value:
                continue
        elif has_elements(child):
            value = _children(child, name in DOCUMENT_TAGS)
        else:  # text around comments: read as C14N reads it
            value = (leaf_text(child) or "").strip()
            if not value:
                continue
        if name in REPEATED or (in_document and name == "Comisiones"):
            out.setdefault(name, []).append(value)
        elif name in out:
            previous = out[name]
            out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[name] = value
    return out
