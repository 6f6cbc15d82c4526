"""Write ``src/haulmer/dte/schema/facts.py``: the SII's DTE schemas as Python data.

Reads ``DTE_v10.xsd`` (with ``SiiTypes_v10.xsd``) and ``EnvioBOLETA_v11.xsd`` from
``src/haulmer/sii/schemas`` and writes one ``Element`` tree per root: ``Documento``, the
boleta's ``Documento``, ``Exportaciones`` and ``Liquidacion``, each element with its occurrences,
kind, lengths, digits, decimals, bounds, enumeration and pattern, in schema order. The stamp's
own elements (TED, TmstFirma) are left out: they are the signer's output, not document content.

Run: python scripts/generate_dte_schema.py [--check]   (--check exits 1 when the file drifts)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "src" / "haulmer" / "sii" / "schemas"
TARGET = ROOT / "src" / "haulmer" / "dte" / "schema" / "facts.py"

XS = "{http://www.w3.org/2001/XMLSchema}"
SKIPPED = frozenset({"TED", "TmstFirma"})

_KINDS = {
    "string": "text",
    "normalizedString": "text",
    "token": "text",
    "ID": "text",
    "integer": "integer",
    "positiveInteger": "integer",
    "nonNegativeInteger": "integer",
    "long": "integer",
    "int": "integer",
    "short": "integer",
    "decimal": "decimal",
    "date": "date",
    "dateTime": "datetime",
    "base64Binary": "binary",
}
_IMPLIED_MINIMUM = {"positiveInteger": "1", "nonNegativeInteger": "0"}
_FACETS = {
    "maxLength": "max_length",
    "minLength": "min_length",
    "length": "length",
    "totalDigits": "total_digits",
    "fractionDigits": "fraction_digits",
    "minInclusive": "minimum",
    "maxInclusive": "maximum",
    "pattern": "pattern",
}
_ORDER = (
    "max_length",
    "min_length",
    "total_digits",
    "fraction_digits",
    "minimum",
    "maximum",
    "enumeration",
    "pattern",
    "choice",
)


def _local(qname: str) -> str:
    return qname.split(":", 1)[-1]


class _Schema:
    """The named simple types of one schema file (and the files it includes)."""

    def __init__(self, *files: str) -> None:
        self.types: dict[str, etree._Element] = {}
        self.trees = [etree.parse(str(SCHEMAS / name)) for name in files]
        for tree in self.trees:
            for node in tree.getroot().iterfind(f"{XS}simpleType"):
                self.types[node.get("name", "")] = node

    def simple(self, type_name: str) -> dict[str, Any]:
        """Kind and facets of a named type: a built-in one, or a restriction chain."""
        local = _local(type_name)
        if type_name.startswith("xs:") or local not in self.types:
            facets: dict[str, Any] = {"kind": _KINDS.get(local, "text")}
            if local in _IMPLIED_MINIMUM:
                facets["minimum"] = _IMPLIED_MINIMUM[local]
            return facets
        return self.restriction(self.types[local])

    def restriction(self, simple_type: etree._Element) -> dict[str, Any]:
        """Kind and facets of an xs:simpleType, its base's facets overridden by its own."""
        restriction = simple_type.find(f"{XS}restriction")
        if restriction is None:
            return {"kind": "text"}
        facets = dict(self.simple(restriction.get("base", "xs:string")))
        enumeration = [e.get("value", "") for e in restriction.iterfind(f"{XS}enumeration")]
        if enumeration:
            facets["enumeration"] = tuple(enumeration)
        for node in restriction:
            name = _FACETS.get(etree.QName(node).localname)
            if name == "length":
                facets["max_length"] = facets["min_length"] = int(node.get("value", "0"))
            elif name in ("max_length", "min_length", "total_digits", "fraction_digits"):
                facets[name] = int(node.get("value", "0"))
            elif name is not None:
                facets[name] = node.get("value", "")
        return facets

    def element(self, node: etree._Element, min_occurs: int, choice: int) -> dict[str, Any]:
        """One xs:element as a dict of ``Element`` fields."""
        max_text = node.get("maxOccurs", "1")
        out: dict[str, Any] = {
            "name": node.get("name", ""),
            "min_occurs": min(int(node.get("minOccurs", "1")), min_occurs),
            "max_occurs": None if max_text == "unbounded" else int(max_text),
            "choice": choice,
        }
        type_name = node.get("type")
        complex_type = node.find(f"{XS}complexType")
        simple_type = node.find(f"{XS}simpleType")
        if type_name is not None:
            out.update(self.simple(type_name))
        elif simple_type is not None:
            out.update(self.restriction(simple_type))
        elif complex_type is not None:
            content = complex_type.find(f"{XS}simpleContent")
            if content is not None:
                extension = content[0]
                out.update(self.simple(extension.get("base", "xs:string")))
            else:
                out["kind"] = "section"
                out["children"] = list(self.children(complex_type))
        else:
            out["kind"] = "text"
        return out

    def children(self, parent: etree._Element) -> Iterator[dict[str, Any]]:
        """The child elements of a complex type, in order, through sequences and choices."""
        counter = [0]
        yield from self._group(parent, 1, 0, counter)

    def _group(
        self, parent: etree._Element, min_occurs: int, choice: int, counter: list[int]
    ) -> Iterator[dict[str, Any]]:
        for node in parent:
            if not isinstance(node.tag, str):
                continue
            tag = etree.QName(node).localname
            group_min = min(int(node.get("minOccurs", "1")), min_occurs)
            if tag == "element":
                if node.get("name") in SKIPPED or node.get("ref") is not None:
                    continue
                yield self.element(node, min_occurs, choice)
            elif tag == "sequence":
                yield from self._group(node, group_min, choice, counter)
            elif tag == "choice":
                counter[0] += 1
                yield from self._group(node, group_min, choice or counter[0], counter)


def _find(tree: etree._ElementTree, path: str) -> etree._Element:
    found = tree.getroot().find(path)
    if found is None:  # pragma: no cover - the bundled schemas have these
        raise SystemExit(f"no {path} in the schema")
    return found


def roots() -> Mapping[str, dict[str, Any]]:
    """The four roots as nested dicts of ``Element`` fields."""
    dte = _Schema("DTE_v10.xsd", "SiiTypes_v10.xsd")
    choice = f"{XS}complexType[@name='DTEDefType']/{XS}sequence/{XS}choice"
    found: dict[str, dict[str, Any]] = {}
    for constant, name in (
        ("DOCUMENTO", "Documento"),
        ("LIQUIDACION", "Liquidacion"),
        ("EXPORTACIONES", "Exportaciones"),
    ):
        node = _find(dte.trees[0], f"{choice}/{XS}element[@name='{name}']")
        found[constant] = dte.element(node, 1, 0)
    boleta = _Schema("EnvioBOLETA_v11.xsd")
    path = f"{XS}complexType[@name='BOLETADefType']/{XS}sequence/{XS}element[@name='Documento']"
    found["BOLETA"] = boleta.element(_find(boleta.trees[0], path), 1, 0)
    return found


def _literal(fields: Mapping[str, Any], depth: int) -> str:
    indent = "    " * depth
    head = f"{indent}Element({fields['name']!r}, {fields['min_occurs']}, {fields['max_occurs']}, "
    head += repr(fields["kind"])
    for name in _ORDER:
        value = fields.get(name)
        if value is None or (name == "choice" and value == 0):
            continue
        head += f", {name}={value!r}"
    children = fields.get("children")
    if not children:
        return head + ")"
    inner = ",\n".join(_literal(child, depth + 1) for child in children)
    return f"{head}, children=(\n{inner},\n{indent}))"


_HEADER = '''\
"""The SII's DTE schemas as data: one ``Element`` tree per root, in schema order.

Generated by ``scripts/generate_dte_schema.py`` from DTE_v10.xsd, SiiTypes_v10.xsd and
EnvioBOLETA_v11.xsd; do not edit (a test fails when the XSDs and this file drift).
"""
# fmt: off
# ruff: noqa: E501

from haulmer.dte.schema.elements import Element

__all__ = ["BOLETA", "DOCUMENTO", "EXPORTACIONES", "LIQUIDACION"]
'''

_DOCS = {
    "DOCUMENTO": "DTE_v10.xsd: Documento (facturas, guías, notas: 33, 34, 46, 52, 56, 61).",
    "BOLETA": "EnvioBOLETA_v11.xsd: the boleta's Documento (39, 41).",
    "EXPORTACIONES": "DTE_v10.xsd: Exportaciones (110, 111, 112).",
    "LIQUIDACION": "DTE_v10.xsd: Liquidacion (the liquidación-factura, 43).",
}


def render() -> str:
    """The text of ``facts.py``."""
    parts = [_HEADER]
    for constant, fields in roots().items():
        parts.append(f"\n{constant} = (\n{_literal(fields, 1)}\n)\n")
        parts.append(f'"""{_DOCS[constant]}"""\n')
    return "".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when facts.py drifts")
    args = parser.parse_args()
    text = render()
    if args.check:
        if TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is out of date: run scripts/generate_dte_schema.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
