"""Validation against the SII's own XSDs, bundled with the package (``haulmer/sii/schemas``).

A DTE or an EnvioDTE is checked with ``EnvioDTE_v10.xsd`` (which includes ``DTE_v10.xsd``), an
EnvioBOLETA with ``EnvioBOLETA_v11.xsd`` and a lone boleta with the boleta type from that file.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources
from typing import Any, Final

from lxml import etree

from haulmer.errors import XMLError
from haulmer.sii._xml import SII_NS, local_name, parse_xml

__all__ = ["schema_for", "validate_schema"]

_SCHEMA_FILES: Final = {
    "EnvioDTE": "EnvioDTE_v10.xsd",
    "DTE": "EnvioDTE_v10.xsd",
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


def schema_for(root: etree._Element) -> tuple[str, etree.XMLSchema]:
    """The bundled schema that governs ``root`` and its file name."""
    name = local_name(root)
    if name == "DTE":
        tipo = root.find(
            f"{{{SII_NS}}}*/{{{SII_NS}}}Encabezado/{{{SII_NS}}}IdDoc/{{{SII_NS}}}TipoDTE"
        )
        if tipo is not None and (tipo.text or "").strip() in _BOLETA_TYPES:
            name = "BoletaDTE"
    filename = _SCHEMA_FILES.get(name)
    if filename is None:
        raise XMLError(f"no SII schema for <{name}>; expected DTE, EnvioDTE or EnvioBOLETA")
    return filename, _load(filename)


def validate_schema(xml: bytes | str | etree._Element) -> None:
    """Check ``xml`` against the SII schema for its root; raise ``XMLError`` quoting the XSD.

    The message names the schema file and quotes libxml2's first errors with their lines;
    ``error.line`` is the line of the first one.
    """
    root = xml if isinstance(xml, etree._Element) else parse_xml(xml)
    filename, schema = schema_for(root)
    if schema.validate(root):
        return
    log: Any = schema.error_log
    errors = list(log)
    first = errors[0] if errors else None
    quoted = "; ".join(f"line {e.line}: {e.message}" for e in errors[:5])
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    raise XMLError(
        f"does not match the SII schema {filename}: {quoted}{more}",
        line=first.line if first is not None else None,
    )
