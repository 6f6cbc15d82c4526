"""Read received SII XML (a DTE or an envelope) into ``haulmer.dte.Document`` models, safely.

The XML is parsed without DTDs, entities or network access and with a size limit; the models
are built with ``Document.from_sii_xml_dict``, which reads numbers written as text as the SII's
schema writes them.
Usual documents are read first on a tree without indentation, each in one walk
(``document_input``); anything unusual is read again the general way, which gives the result
or words the error, so both ways give the same.
"""

from __future__ import annotations

from lxml import etree

from haulmer._numbers import own_arithmetic
from haulmer.dte.document import Document
from haulmer.dte.reading import document_from_input, reading_error, reading_problems
from haulmer.errors import XMLError
from haulmer.sii._xml import MAX_XML_BYTES, local_name, parse_xml
from haulmer.sii.document_input import read_document_input
from haulmer.sii.root_advice import root_advice
from haulmer.sii.sii_dict import DOCUMENT_PATTERNS, DOCUMENT_TAGS, REPEATED, element_to_dict

__all__ = ["REPEATED", "element_to_dict", "parse", "parse_all"]


def _document_of(dte: etree._Element) -> Document:
    found = [c for c in dte if local_name(c) in DOCUMENT_TAGS]
    if not found:
        raise XMLError("the DTE holds no Documento, Liquidacion or Exportaciones")
    if len(found) > 1:
        raise XMLError(
            f"the DTE holds {len(found)} Documento elements where one is expected: it is "
            "ambiguous (a signature covers one at most); refuse it or check it with verify()"
        )
    documento = found[0]
    document = Document.from_sii_xml_dict(element_to_dict(documento))
    problems = reading_problems(document)
    if problems:
        raise reading_error(problems)
    return document


@own_arithmetic
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


@own_arithmetic
def parse_all(xml: bytes | str, *, max_bytes: int = MAX_XML_BYTES) -> list[Document]:
    """Every document in a ``<DTE>``, ``<EnvioDTE>`` or ``<EnvioBOLETA>``, in order."""
    documents = _read_at_first_sight(xml, max_bytes)
    if documents is not None:
        return documents
    return _read_the_general_way(xml, max_bytes)


def _read_the_general_way(xml: bytes | str, max_bytes: int) -> list[Document]:
    """``parse_all``'s documents read from the full tree through ``element_to_dict`` and
    ``Document.from_sii_dict``; raises the errors ``parse_all`` documents."""
    root = parse_xml(xml, max_bytes=max_bytes, decode_windows_1252=True, decode_latin1=True)
    name = local_name(root)
    if name == "DTE":
        return [_document_of(root)]
    if name in ("EnvioDTE", "EnvioBOLETA"):
        set_dte = root.find("{*}SetDTE")
        dtes = set_dte.findall("{*}DTE") if set_dte is not None else []
        return [_document_of(dte) for dte in dtes]
    raise XMLError(f"expected DTE, EnvioDTE or EnvioBOLETA, got <{name}>{root_advice(name)}")


def _read_at_first_sight(xml: bytes | str, max_bytes: int) -> list[Document] | None:
    """``parse_all``'s documents read on a tree without indentation, each in one walk; None
    when anything asks for the general reading (which then gives the documents or the error).

    XML that is not well formed (or too big, or carries a DOCTYPE) raises here the ``XMLError``
    the general reading would raise: leaving out blanks changes no such verdict, and a hostile
    input is not parsed twice.
    """
    root = parse_xml(
        xml,
        max_bytes=max_bytes,
        decode_windows_1252=True,
        decode_latin1=True,
        keep_blank_text=False,
    )
    name = local_name(root)
    if name == "DTE":
        dtes = [root]
    elif name in ("EnvioDTE", "EnvioBOLETA"):
        set_dte = root.find("{*}SetDTE")
        dtes = set_dte.findall("{*}DTE") if set_dte is not None else []
    else:
        return None
    documents = []
    for dte in dtes:
        found = list(dte.iterchildren(*DOCUMENT_PATTERNS))
        read = read_document_input(found[0]) if len(found) == 1 else None
        document = document_from_input(read) if read is not None else None
        if document is None or reading_problems(document):
            return None  # the general reading says why
        documents.append(document)
    return documents
