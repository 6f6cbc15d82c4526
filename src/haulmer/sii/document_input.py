"""A Documento element read straight into the input ``Document`` takes, in one walk.

``element_to_dict`` and then each model's lenient cleaning give the same input in two passes;
this walk reads only the keys the models know, wraps lists and reads RUTs as it goes, and
leaves out the timbre and signature; an element no model reads sends the document to the
general reading, which refuses it. Where the general reading could read a value
differently (text around comments, a single field repeated, a RUT it cannot read...), it gives
up and says so, and the caller reads the document the general way.
"""

from __future__ import annotations

from typing import Any, Final

from lxml import etree

from haulmer._forks import ForkSafeLock
from haulmer.dte.reading import FieldReading, document_reading, read_rut
from haulmer.sii._xml import SII_PREFIX, has_elements
from haulmer.sii.sii_dict import DOCUMENT_TAGS, REPEATED, SKIPPED, element_to_dict

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
        read = _read(documento, _document_walk())
    except _ReadTheGeneralWay:
        return None
    # Without an Encabezado, Document.from_sii_dict looks for a wrapper (DTE, Documento...).
    return read if "Encabezado" in read else None


_ONE, _LIST, _RUT, _GENERAL, _AMOUNT = range(5)
"""How a value is kept: alone (a second one sends the document the general way), appended to
a list, read as a RUT when it is text, or not at all: the general way reads the document; an
amount (int or Decimal) is kept alone, as an int when its text is plain digits."""
_Field = tuple[str, int, Any]
"""How this walk reads a child: (its local name, how its value is kept, the nested model's
walk or None)."""
_Walk = dict[Any, "_Field | None"]
"""A model's reading by local name, and by each tag met (``{namespace}name``, comments...),
remembered; None for what no model reads (and what the SII dict skips: TED, Signature...)."""
_KNOWN_TAGS: Final = 1024
"""Tags remembered per walk at most, so hostile XML with ever new tags cannot grow it."""


def _document_walk() -> _Walk:
    """The walk of ``Document``, built once, whole, before any reader uses it."""
    if _DOCUMENT_WALK:
        return _DOCUMENT_WALK[0]
    with _BUILDING:
        if not _DOCUMENT_WALK:
            _DOCUMENT_WALK.append(_walk_of(document_reading(), {}, in_document=True))
    return _DOCUMENT_WALK[0]


_DOCUMENT_WALK: list[_Walk] = []
_BUILDING = ForkSafeLock()


def _walk_of(
    reading: dict[str, FieldReading], built: dict[int, _Walk], *, in_document: bool = False
) -> _Walk:
    """``reading`` as this walk uses it; ``built`` holds the walks of this build by the id of
    their reading; ``in_document`` for the Documento's own, where Comisiones repeat (as in
    ``element_to_dict``)."""
    walk = built.get(id(reading))
    if walk is not None:
        return walk
    walk = built[id(reading)] = {}
    for key, (is_list, is_rut, model, opaque, is_amount) in reading.items():
        if key in SKIPPED:
            continue
        nested = _walk_of(model, built) if model is not None else None
        if opaque or key in DOCUMENT_TAGS:  # a nested Documento: the general way
            keep = _GENERAL
        elif is_list or key in REPEATED or (in_document and key == "Comisiones"):
            keep = _LIST
        elif is_amount:
            keep = _AMOUNT
        else:
            keep = _RUT if is_rut else _ONE
        walk[key] = (key, keep, nested)
    return walk


def _field_of(walk: _Walk, tag: Any) -> _Field | None:
    """How ``walk`` reads a child with this tag (first met), remembered under the tag; an
    element no model reads here, other than the timbre and signature, and a known name in
    another namespace than the SII's are the general way's to judge."""
    field = None
    if isinstance(tag, str):
        name = tag.rpartition("}")[2]
        field = walk.get(name)
        if field is None and name not in SKIPPED:
            raise _ReadTheGeneralWay
        if field is not None and tag[:1] == "{" and not tag.startswith(SII_PREFIX):
            raise _ReadTheGeneralWay  # a known name in another namespace: read as it is there
    if len(walk) < _KNOWN_TAGS:
        walk[tag] = field
    return field


def _read(element: etree._Element, walk: _Walk) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in element:
        field = walk.get(child.tag)
        if field is None:
            tag = child.tag
            if tag in walk:
                continue  # a comment, a PI, or what no model reads
            field = _field_of(walk, tag)
            if field is None:
                continue
        name, keep, model = field
        value: Any
        if not len(child):  # a leaf: its text (most elements)
            text = child.text
            if not text:
                continue
            value = text.strip()
            if not value:
                continue
            if keep == _AMOUNT and len(value) <= 18 and value.isascii() and value.isdigit():
                # The int the models make of it, read at once: as text, Amount's union tries
                # its int and Decimal members with their text checks (the schema's 18 digits).
                value = int(value)
                keep = _ONE
            if keep == _ONE:  # (most leaves: the checks below, in short)
                if name in out:
                    raise _ReadTheGeneralWay  # a single field given twice
                out[name] = value
                continue
        elif keep == _GENERAL:
            raise _ReadTheGeneralWay  # models in a shape this walk does not follow
        elif model is not None:
            value = _read(child, model)
            if not value and not has_elements(child):  # (a section read has elements)
                raise _ReadTheGeneralWay  # text around comments
        elif has_elements(child):
            value = _general_dict(child)
        else:
            raise _ReadTheGeneralWay  # text around comments
        if keep == _LIST:
            values = out.get(name)
            if values is None:
                out[name] = [value]
            else:
                values.append(value)
        elif keep == _GENERAL or name in out:
            raise _ReadTheGeneralWay  # read the general way, or a single field given twice
        elif keep != _RUT or not isinstance(value, str):
            out[name] = value
        else:
            try:
                out[name] = read_rut(value)
            except ValueError:
                raise _ReadTheGeneralWay from None
    return out


def _general_dict(element: etree._Element) -> dict[str, Any]:
    """``element_to_dict`` of an element no model reads as a section (the models then say what
    is wrong with it), when it holds no comment or PI, around which its text could differ."""
    for _ in element.iter(etree.Comment, etree.ProcessingInstruction):
        raise _ReadTheGeneralWay
    return element_to_dict(element)
