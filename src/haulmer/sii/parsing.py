"""Read received SII XML (a DTE or an envelope) into ``haulmer.dte.Document`` models, safely.

The XML is parsed without DTDs, entities or network access and with a size limit; the models
are built with ``Document.from_sii_dict``, which is lenient about numbers written as text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from lxml import etree

from haulmer.errors import XMLError
from haulmer.sii._xml import MAX_XML_BYTES, has_elements, leaf_text, local_name, parse_xml

if TYPE_CHECKING:
    from haulmer.dte.document import Document

__all__ = ["element_to_dict", "parse", "parse_all"]

REPEATED: Final = frozenset(
    {
        "Acteco",
        "CdgItem",
        "CodImpAdic",
        "Detalle",
        "DscRcgGlobal",
        "ImpRetOtrMnda",
        "ImptoReten",
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
"""Elements the SII schemas allow more than once (maxOccurs > 1): always read as lists."""

_SKIPPED: Final = frozenset({"TED", "TmstFirma", "Signature"})
_DOCUMENT_TAGS: Final = ("Documento", "Liquidacion", "Exportaciones")


def element_to_dict(element: etree._Element) -> dict[str, Any]:
    """The children of ``element`` as the SII's nested dict: text leaves, lists for repeats.

    Empty elements are left out; namespaces are ignored; comments are skipped.
    """
    return _children(element, local_name(element) in _DOCUMENT_TAGS)


_LOCAL_NAMES: dict[str, str] = {}
"""Local names by ``{namespace}tag``: a document repeats a few dozen tags."""
_KNOWN_TAGS: Final = 4096
"""Tags remembered at most, so hostile XML with ever new tags cannot grow the cache."""


def _children(element: etree._Element, in_document: bool) -> dict[str, Any]:
    """:func:`element_to_dict`; ``in_document`` says whether ``element`` is a Documento (or a
    Liquidacion or Exportaciones), where Comisiones repeat."""
    out: dict[str, Any] = {}
    names = _LOCAL_NAMES
    for child in element:
        tag = child.tag
        name = names.get(tag)
        if name is None:
            if not isinstance(tag, str):  # a comment or a processing instruction
                continue
            name = tag.rpartition("}")[2]
            if len(names) < _KNOWN_TAGS:
                names[tag] = name
        if name in _SKIPPED:
            continue
        if not len(child):  # a leaf: its text (most elements)
            text = child.text
            if not text:
                continue
            value: Any = text.strip()
            if not value:
                continue
        elif has_elements(child):
            value = _children(child, name in _DOCUMENT_TAGS)
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


def _document_of(dte: etree._Element) -> Document:
    from haulmer.dte.document import Document

    found = [c for c in dte if local_name(c) in _DOCUMENT_TAGS]
    if not found:
        raise XMLError("the DTE holds no Documento, Liquidacion or Exportaciones")
    if len(found) > 1:
        raise XMLError(
            f"the DTE holds {len(found)} Documento elements where one is expected: it is "
            "ambiguous (a signature covers one at most); refuse it or check it with verify()"
        )
    documento = found[0]
    return Document.from_sii_dict(element_to_dict(documento))


def parse(xml: bytes | str, *, max_bytes: int = MAX_XML_BYTES) -> Document:
    """The document in a ``<DTE>`` (or in an envelope holding exactly one).

    Raises ``XMLError`` for hostile, malformed or foreign XML and ``DocumentError`` when the
    content does not fit the models. Signatures are not checked here: use ``verify``.
    """
    documents = parse_all(xml, max_bytes=max_bytes)
    if len(documents) != 1:
        raise XMLError(
            f"the envelope holds {len(documents)} documents; use parse_all() to read them all"
        )
    return documents[0]


def parse_all(xml: bytes | str, *, max_bytes: int = MAX_XML_BYTES) -> list[Document]:
    """Every document in a ``<DTE>``, ``<EnvioDTE>`` or ``<EnvioBOLETA>``, in order."""
    root = parse_xml(xml, max_bytes=max_bytes, decode_windows_1252=True)
    name = local_name(root)
    if name == "DTE":
        return [_document_of(root)]
    if name in ("EnvioDTE", "EnvioBOLETA"):
        set_dte = root.find("{*}SetDTE")
        dtes = set_dte.findall("{*}DTE") if set_dte is not None else []
        return [_document_of(dte) for dte in dtes]
    raise XMLError(f"expected DTE, EnvioDTE or EnvioBOLETA, got <{name}>")
