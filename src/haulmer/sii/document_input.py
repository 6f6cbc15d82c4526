"""A Documento element read straight into the input ``Document`` takes, in one walk.

``element_to_dict`` and then each model's lenient cleaning give the same input in two passes;
this walk reads only the keys the models know, wraps lists and reads RUTs as it goes, and
leaves out whole subtrees no model reads. Where the general reading could read a value
differently (text around comments, a single field repeated, a RUT it cannot read...), it gives
up and says so, and the caller reads the document the general way.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from haulmer.dte.reading import FieldReading, document_reading, read_rut
from haulmer.sii._xml import has_elements
from haulmer.sii.sii_dict import (
    DOCUMENT_TAGS,
    LOCAL_NAMES,
    REPEATED,
    SKIPPED,
    element_to_dict,
    local_name_of,
)

__all__ = ["read_document_input"]


class _ReadTheGeneralWay(Exception):
    """The element holds something that only the general reading is sure to read right."""


def read_document_input(documento: etree._Element) -> dict[str, Any] | None:
    """The input of ``Document`` for a Documento (Liquidacion, Exportaciones) element, as
    ``element_to_dict`` and the lenient models would read it; None to read it the general way.

    Text is read only from elements without children, so it reads the same in a tree built
    without indentation (``parse_xml(keep_blank_text=False)``).
    """
    try:
        read = _read(documento, _walk_of(document_reading()), in_document=True)
    except _ReadTheGeneralWay:
        return None
    # Without an Encabezado, Document.from_sii_dict looks for a wrapper (DTE, Documento...).
    return read if "Encabezado" in read else None


_Walk = dict[str, tuple[bool, bool, Any, bool]]
"""A model's reading as this walk uses it: key -> (always a list, is a RUT, the nested model's
walk or None, opaque); keys the SII dict skips (TED, Signature...) are left out."""
_WALKS: dict[int, _Walk] = {}


def _walk_of(reading: dict[str, FieldReading]) -> _Walk:
    walk = _WALKS.get(id(reading))
    if walk is None:
        walk = _WALKS[id(reading)] = {}
        for key, (is_list, is_rut, model, opaque) in reading.items():
            if key not in SKIPPED:
                nested = _walk_of(model) if model is not None else None
                walk[key] = (is_list or key in REPEATED, is_rut, nested, opaque)
    return walk


def _read(element: etree._Element, walk: _Walk, *, in_document: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    names = LOCAL_NAMES
    for child in element:
        tag = child.tag
        name = names.get(tag)
        if name is None:
            if not isinstance(tag, str):  # a comment or a processing instruction
                continue
            name = local_name_of(tag)
        field = walk.get(name)
        if field is None:
            continue  # no model reads it
        as_list, is_rut, model, opaque = field
        value: Any
        if not len(child):  # a leaf: its text (most elements)
            text = child.text
            if not text:
                continue
            value = text.strip()
            if not value:
                continue
        elif opaque or not has_elements(child):
            raise _ReadTheGeneralWay  # text around comments, or models in an unusual shape
        elif model is not None:
            value = _read(child, model, in_document=name in DOCUMENT_TAGS)
        else:
            value = _general_dict(child)
        if as_list or (in_document and name == "Comisiones"):
            out.setdefault(name, []).append(value)
        elif name in out:
            raise _ReadTheGeneralWay  # a single field given twice
        elif is_rut and isinstance(value, str):
            try:
                out[name] = read_rut(value)
            except ValueError:
                raise _ReadTheGeneralWay from None
        else:
            out[name] = value
    return out


def _general_dict(element: etree._Element) -> dict[str, Any]:
    """``element_to_dict`` of an element no model reads as a section (the models then say what
    is wrong with it), when it holds no comment or PI, around which its text could differ."""
    for _ in element.iter(etree.Comment, etree.ProcessingInstruction):
        raise _ReadTheGeneralWay
    return element_to_dict(element)
