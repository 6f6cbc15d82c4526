"""Validation against the SII's own XSDs, bundled with the package (``haulmer/sii/schemas``).

A DTE is checked with ``DTE_v10.xsd``, an EnvioDTE with ``EnvioDTE_v10.xsd`` (which includes
it), an EnvioBOLETA with ``EnvioBOLETA_v11.xsd`` and a lone boleta with the boleta type from
that file. The schemas are in the SII's namespace: a root without ``xmlns`` (MiPyme files) is
refused with a message saying so, or validated as if it were declared when asked.
"""

from __future__ import annotations

import threading
from copy import deepcopy
from functools import cache
from importlib import resources
from typing import Any, Final

from lxml import etree

from haulmer.errors import XMLError
from haulmer.sii._xml import SII_NS, descend, local_name, parse_xml

__all__ = ["schema_for", "validate_schema"]

_SCHEMA_FILES: Final = {
    "EnvioDTE": "EnvioDTE_v10.xsd",
    "DTE": "DTE_v10.xsd",
    "EnvioBOLETA": "EnvioBOLETA_v11.xsd",
    "BoletaDTE": "HaulmerBoletaDTE.xsd",
}
_BOLETA_TYPES: Final = frozenset({"39", "41"})
_lock = threading.Lock()


@cache
def _load(filename: str) -> etree.XMLSchema:
    directory = resources.files("haulmer.sii").joinpath("schemas")
    with _lock, resources.as_file(directory) as path:
        tree = etree.parse(str(path / filename))
        return etree.XMLSchema(tree)


def _file_for(root: etree._Element) -> str:
    name = local_name(root)
    if name == "DTE" and _is_boleta(root):
        name = "BoletaDTE"
    return _SCHEMA_FILES.get(name, "")


def _is_boleta(dte: etree._Element) -> bool:
    tipo = dte.find("{*}*/{*}Encabezado/{*}IdDoc/{*}TipoDTE")
    return tipo is not None and (tipo.text or "").strip() in _BOLETA_TYPES


def schema_for(root: etree._Element) -> tuple[str, etree.XMLSchema]:
    """The bundled schema that governs ``root`` and its file name."""
    name = local_name(root)
    if name == "DTE":
        tipo = _tipo_dte(root)
        if tipo is not None and (tipo.text or "").strip() in _BOLETA_TYPES:
            name = "BoletaDTE"
    filename = _SCHEMA_FILES.get(name)
    if filename is None:
        raise XMLError(f"no SII schema for <{name}>; expected DTE, EnvioDTE or EnvioBOLETA")
    return filename, _load(filename)


_SII: Final = "{" + SII_NS + "}"
_TIPO_DTE_PATH: Final = f"{_SII}*/{_SII}Encabezado/{_SII}IdDoc/{_SII}TipoDTE"


def _tipo_dte(dte: etree._Element) -> etree._Element | None:
    """The first ``*/Encabezado/IdDoc/TipoDTE`` in the SII's namespace, as ``find`` finds it.

    Following first children finds it when each step's first child has the next one (a valid
    document); ``find`` searches the other shapes.
    """
    first = dte[0] if len(dte) else None
    if first is None or not str(first.tag).startswith(_SII):
        first = next(dte.iterchildren(_SII + "*"), None)
    tipo = descend(first, _SII + "Encabezado", _SII + "IdDoc", _SII + "TipoDTE")
    if tipo is None and first is not None:
        tipo = dte.find(_TIPO_DTE_PATH)
    return tipo


def _with_sii_namespace(root: etree._Element) -> etree._Element:
    """A copy of ``root`` with every element in no namespace moved into the SII's.

    The Signature keeps its XMLDSig namespace; line numbers stay those of the original.
    """
    copy = deepcopy(root)
    prefix = f"{{{SII_NS}}}"
    for node in copy.iter():
        tag = node.tag
        if isinstance(tag, str) and not tag.startswith("{"):
            node.tag = prefix + tag
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
    root = xml if isinstance(xml, etree._Element) else parse_xml(xml, decode_windows_1252=True)
    namespace = _namespace_of(root)
    restored = ""
    if namespace != SII_NS:
        name = local_name(root)
        if namespace is not None:
            raise XMLError(
                f"the <{name}> is in the namespace {namespace!r}, not the SII's; SII documents "
                f'declare xmlns="{SII_NS}" on the root'
            )
        if name not in _SCHEMA_FILES:
            schema_for(root)  # raises: no schema for this root
        if not restore_namespace:
            raise XMLError(
                f'this <{name}> has no xmlns="{SII_NS}" (as MiPyme writes a lone DTE); the SII\'s '
                f"schema {_file_for(root)} needs it: declare it on the root, or call "
                "validate_schema(xml, restore_namespace=True) to validate it as if declared",
                line=_line(root),
            )
        root = _with_sii_namespace(root)
        restored = f' (validated with xmlns="{SII_NS}" restored on the root)'
    filename, schema = schema_for(root)
    if schema.validate(root):
        return
    log: Any = schema.error_log
    errors = list(log)
    first = errors[0] if errors else None
    quoted = "; ".join(f"line {e.line}: {e.message}" for e in errors[:5])
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    raise XMLError(
        f"does not match the SII schema {filename}{restored}: {quoted}{more}",
        line=first.line if first is not None else None,
    )
