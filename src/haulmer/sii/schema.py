"""Validation against the SII's own XSDs, bundled with the package (``haulmer/sii/schemas``).

A DTE is checked with ``DTE_v10.xsd``, an EnvioDTE with ``EnvioDTE_v10.xsd`` (which includes
it), an EnvioBOLETA with ``EnvioBOLETA_v11.xsd``, a lone boleta with the boleta type from
that file, and a receiver's answers with ``RespuestaEnvioDTE_v10.xsd`` (RespuestaDTE) and
``EnvioRecibos_v10.xsd``. The schemas are in the SII's namespace: a root without ``xmlns``
(MiPyme files) is refused with a message saying so, or validated as if it were declared when
asked.
"""

from __future__ import annotations

import threading
from copy import deepcopy
from functools import cache
from importlib import resources
from typing import Any, Final

from lxml import etree

from haulmer._forks import ForkSafeLock
from haulmer._shown import cut, shown
from haulmer.errors import XMLError
from haulmer.sii._xml import (
    SII_NS,
    SII_PREFIX,
    descend,
    has_elements,
    local_name,
    parse_xml,
    stripped_text,
)
from haulmer.sii.root_advice import root_advice
from haulmer.sii.sii_dict import BOLETA_TYPES

__all__ = ["schema_for", "validate_schema"]

_SCHEMA_FILES: Final = {
    "EnvioDTE": "EnvioDTE_v10.xsd",
    "DTE": "DTE_v10.xsd",
    "EnvioBOLETA": "EnvioBOLETA_v11.xsd",
    "BoletaDTE": "HaulmerBoletaDTE.xsd",
    "RespuestaDTE": "RespuestaEnvioDTE_v10.xsd",
    "EnvioRecibos": "EnvioRecibos_v10.xsd",
}
_SCHEMA_NAMES: Final = {
    "HaulmerBoletaDTE.xsd": "EnvioBOLETA_v11.xsd (its DTE: a lone boleta)",
}
"""How messages name a bundled file that is not one of the SII's: a lone boleta is checked
against EnvioBOLETA_v11.xsd's DTE, through a small schema of this package that imports it."""
_lock = ForkSafeLock()
_per_thread = threading.local()


@cache
def _schema_tree(filename: str) -> etree._ElementTree:
    """The parsed XSD file, read once per process (schemas are made from it per thread)."""
    directory = resources.files("haulmer.sii").joinpath("schemas")
    with _lock, resources.as_file(directory) as path:
        return etree.parse(str(path / filename))


def _made(filename: str) -> etree.XMLSchema:
    """A new schema of ``filename``, its includes read from the package's schema folder."""
    tree = _schema_tree(filename)
    directory = resources.files("haulmer.sii").joinpath("schemas")
    with _lock, resources.as_file(directory):
        return etree.XMLSchema(tree)


def _load(filename: str) -> etree.XMLSchema:
    """This thread's schema of ``filename``: an ``XMLSchema`` keeps the errors of its last
    validation on itself, so two threads sharing one would read each other's (a few ms to make
    once per thread; freed with the thread)."""
    schemas: dict[str, etree.XMLSchema] | None = getattr(_per_thread, "schemas", None)
    if schemas is None:
        schemas = _per_thread.schemas = {}
    schema = schemas.get(filename)
    if schema is None:
        schema = schemas[filename] = _made(filename)
    return schema


def _file_for(root: etree._Element) -> str:
    name = local_name(root)
    if name == "DTE" and _is_boleta(root):
        name = "BoletaDTE"
    return _SCHEMA_FILES.get(name, "")


def _schema_name(filename: str) -> str:
    """``filename`` as messages name it: the SII's file a user can look up."""
    return _SCHEMA_NAMES.get(filename, filename)


def _is_boleta(dte: etree._Element) -> bool:
    tipo = dte.find("{*}*/{*}Encabezado/{*}IdDoc/{*}TipoDTE")
    return stripped_text(tipo) in BOLETA_TYPES


def schema_for(root: etree._Element) -> tuple[str, etree.XMLSchema]:
    """The bundled schema that governs ``root`` and its file name."""
    name = local_name(root)
    if name == "DTE":
        tipo = _tipo_dte(root)
        if stripped_text(tipo) in BOLETA_TYPES:  # around comments, as the XSD reads it
            name = "BoletaDTE"
    filename = _SCHEMA_FILES.get(name)
    if filename is None:
        raise XMLError(
            f"no SII schema for <{name}>; expected DTE, EnvioDTE, EnvioBOLETA, RespuestaDTE or "
            f"EnvioRecibos{root_advice(name)}"
        )
    return filename, _load(filename)


_TIPO_DTE_PATH: Final = "/".join(
    SII_PREFIX + name for name in ("*", "Encabezado", "IdDoc", "TipoDTE")
)


def _tipo_dte(dte: etree._Element) -> etree._Element | None:
    """The first ``*/Encabezado/IdDoc/TipoDTE`` in the SII's namespace, as ``find`` finds it.

    Following first children finds it when each step's first child has the next one (a valid
    document); ``find`` searches the other shapes.
    """
    first = dte[0] if len(dte) else None
    if first is None or not str(first.tag).startswith(SII_PREFIX):
        first = next(dte.iterchildren(SII_PREFIX + "*"), None)
    tipo = descend(first, SII_PREFIX + "Encabezado", SII_PREFIX + "IdDoc", SII_PREFIX + "TipoDTE")
    if tipo is None and first is not None:
        tipo = dte.find(_TIPO_DTE_PATH)
    return tipo


def _with_sii_namespace(root: etree._Element) -> etree._Element:
    """A copy of ``root`` with every element in no namespace moved into the SII's.

    The Signature keeps its XMLDSig namespace; line numbers stay those of the original.
    """
    copy = deepcopy(root)
    for node in copy.iter():
        tag = node.tag
        if isinstance(tag, str) and not tag.startswith("{"):
            node.tag = SII_PREFIX + tag
    return copy


def _line(element: etree._Element) -> int | None:
    line: object = element.sourceline
    return line if isinstance(line, int) else None


def _namespace_of(root: etree._Element) -> str | None:
    tag = root.tag
    return tag[1 : tag.index("}")] if isinstance(tag, str) and tag.startswith("{") else None


def validate_schema(xml: bytes | str | etree._Element, *, restore_namespace: bool = False) -> None:
    """Check ``xml`` against the SII schema for its root; raise ``XMLError`` quoting the XSD.

    The message names the schema file and quotes libxml2's first errors with their lines;
    ``error.line`` is the line of the first one. A root without
    ``xmlns="http://www.sii.cl/SiiDte"`` (as MiPyme writes lone DTEs) does not match the SII's
    schema and is refused saying so; with ``restore_namespace=True`` it is validated as if the
    namespace were declared (as ``verify`` reads it), and any error says it was restored.
    """
    if isinstance(xml, bytes) and _valid_at_first_sight(xml):
        return
    root = xml if isinstance(xml, etree._Element) else parse_xml(xml, decode_windows_1252=True)
    namespace = _namespace_of(root)
    restored = ""
    if namespace != SII_NS:
        name = local_name(root)
        if namespace is not None:
            raise XMLError(
                f"the <{name}> is in the namespace {shown(namespace)}, not the SII's; SII "
                f'documents declare xmlns="{SII_NS}" on the root'
            )
        if name not in _SCHEMA_FILES:
            schema_for(root)  # raises: no schema for this root
        if not restore_namespace:
            raise XMLError(
                f'this <{name}> has no xmlns="{SII_NS}" (as MiPyme writes a lone DTE); the SII\'s '
                f"schema {_schema_name(_file_for(root))} needs it: declare it on the root, or call "
                "validate_schema(xml, restore_namespace=True) to validate it as if declared",
                line=_line(root),
            )
        root = _with_sii_namespace(root)
        restored = f' (validated with xmlns="{SII_NS}" restored on the root)'
    filename, schema = schema_for(root)
    try:
        if schema.validate(root):
            return
    except etree.XMLSchemaValidateError:  # libxml2 gave up on a value (see _unjudged)
        raise _unjudged(filename, schema, restored) from None
    log: Any = schema.error_log
    errors = list(log)
    first = errors[0] if errors else None
    quoted = "; ".join(f"line {e.line}: {_bounded(e.message)}" for e in errors[:5])
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    raise XMLError(
        f"does not match the SII schema {_schema_name(filename)}{restored}: {quoted}{more}",
        line=first.line if first is not None else None,
    )


def _unjudged(filename: str, schema: etree.XMLSchema, restored: str) -> XMLError:
    """The error for a document libxml2's validator gave up on: it fails with an "internal
    error" on a value its types cannot hold (a date whose year has more than four digits),
    which no valid document has."""
    log: Any = schema.error_log
    errors = list(log)
    line = errors[0].line if errors else None
    where = f" at line {line}" if line is not None else ""
    return XMLError(
        f"does not match the SII schema {_schema_name(filename)}{restored}: the validator could "
        f"not judge a value{where}, one beyond what the schema's types hold (a date whose year "
        "has more than four digits, a number far longer than any SII element allows); correct "
        "that value",
        line=line,
    )


_LONGEST_QUOTED: Final = 60
_LONGEST_SCHEMA_MESSAGE: Final = 1000


def _bounded(message: str) -> str:
    """libxml2's message with each quoted value or name past 60 characters cut, and the whole
    cut to 1,000: it quotes a value whole (or up to its own cut, leaving the quote open), so a
    hostile megabyte would otherwise fill the error."""
    parts = message.split("'")
    for index in range(1, len(parts), 2):  # the quoted ones, an unclosed last quote included
        parts[index] = cut(parts[index], _LONGEST_QUOTED)
    return cut("'".join(parts), _LONGEST_SCHEMA_MESSAGE)


_QUICK_ROOTS: Final = frozenset({f"{SII_PREFIX}EnvioDTE", f"{SII_PREFIX}EnvioBOLETA"})
_QUICK_ENCODINGS: Final = frozenset({"UTF-8", "ISO-8859-1", "US-ASCII", "ASCII"})
_TIPO_DTE_LOOKED_FOR: Final = 2048
"""Bytes in which ``<TipoDTE>`` is looked for: it comes within the first few hundred."""


def _valid_at_first_sight(data: bytes) -> bool:
    """Whether ``data`` is surely valid, found on a smaller tree; False means "look closer".

    The tree leaves out indentation (whitespace-only text beside child elements, which the XSDs
    ignore in element content), and a DTE whose first TipoDTE in its bytes is no boleta's is
    tried against DTE_v10.xsd without walking to its TipoDTE (a DTE valid there is no boleta).
    Only a success is final: anything else goes the general way, which words the errors. XML
    that is not well formed raises the general way's ``XMLError`` here (leaving out blanks
    changes no such verdict), so a hostile input is not parsed twice.
    """
    if not _markup_is_ascii(data):
        return False
    among_elements = _markup_among_elements(data)
    if not among_elements and b"[" in data and b"<![CDATA[" in data:
        return False  # blanks beside CDATA are part of a value: only the full tree has them
    root = parse_xml(data, decode_windows_1252=True, keep_blank_text=False)
    tag = root.tag
    if tag == f"{SII_PREFIX}DTE":
        schema = (
            _load(_SCHEMA_FILES["DTE"]) if _no_boleta_at_a_glance(data) else schema_for(root)[1]
        )
    elif tag in _QUICK_ROOTS:
        schema = schema_for(root)[1]
    else:
        return False
    if data[:5] == b"<?xml" and not _declares_an_ascii_encoding(root):
        return False  # the byte checks read ASCII markup
    if not among_elements and not _blanks_only_between_elements(root):
        return False
    try:
        return bool(schema.validate(root))
    except etree.XMLSchemaValidateError:  # the general way says what is wrong
        return False


def _markup_is_ascii(data: bytes) -> bool:
    """Whether markup such as ``<![CDATA[`` is written in ASCII bytes (not UTF-16, UTF-32 or
    EBCDIC), so that looking for it in ``data`` finds it."""
    return data[:1] == b"<" and data[1:2] != b"\x00"


def _declares_an_ascii_encoding(root: etree._Element) -> bool:
    """Whether the declared encoding writes markup in ASCII bytes, as the byte checks read it
    (without a declaration, ASCII markup at the start means UTF-8)."""
    encoding: Any = root.getroottree().docinfo.encoding
    return str(encoding).upper() in _QUICK_ENCODINGS


def _no_boleta_at_a_glance(data: bytes) -> bool:
    """Whether the first ``TipoDTE>`` in the head of ``data`` is followed by no boleta's type:
    a guess, which validation against DTE_v10.xsd confirms."""
    at = data.find(b"TipoDTE>", 0, _TIPO_DTE_LOOKED_FOR)
    return at >= 0 and data[at + 8 : at + 11] not in (b"39<", b"41<")


def _markup_among_elements(data: bytes) -> bool:
    """Whether each comment and PI in ``data`` is followed, past blanks, by a start tag, and
    nothing else starts with ``<!`` (CDATA, DOCTYPE): then each sits among child elements.

    Read from the bytes, quicker than the tree; False only means "look at the tree".
    """
    for mark, end_mark in ((b"!", b"-->"), (b"?", b"?>")):
        at = data.find(mark)
        while at >= 0:
            if data[at - 1 : at] != b"<":  # a "!" or "?" in text or in an attribute
                at = data.find(mark, at + 1)
                continue
            if mark == b"!" and data[at + 1 : at + 3] != b"--":
                return False  # CDATA or a DOCTYPE
            end = data.find(end_mark, at + 1)
            if end < 0:
                return False
            after = end + len(end_mark)
            following = data[after : after + _BLANKS_LOOKED_AT].lstrip(b" \t\r\n")
            if following[:1] != b"<" or following[1:2] in (b"/", b"!", b"?", b""):
                return False
            at = data.find(mark, after)
    return True


_BLANKS_LOOKED_AT: Final = 64
"""Bytes after a comment or PI in which its following start tag is looked for."""


def _blanks_only_between_elements(root: etree._Element) -> bool:
    """Whether every comment and PI sits among child elements: then each blank left out of the
    tree was between elements too, never part of a value (``<A> <!--x-->1</A>``)."""
    for node in root.iter(etree.Comment, etree.ProcessingInstruction):
        parent = node.getparent()
        if parent is not None and not has_elements(parent):
            return False
    return True
