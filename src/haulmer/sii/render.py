"""Render the SII's nested dict (``Document.to_sii_dict()``) as the ``Documento`` element.

Keys become elements in the dict's order (the models keep the SII's element order), lists become
repeated elements and leaves become text. Text must fit ISO-8859-1, the SII's encoding.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any, Final

from lxml import etree

from haulmer.errors import DocumentError, ErrorDetail
from haulmer.sii._xml import SII_NS

__all__ = ["leaf_text", "render_documento"]

_NS: Final = "{" + SII_NS + "}"
_XML_UNSAFE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def leaf_text(value: Any, path: str) -> str:
    """The XML text of one leaf value; ``path`` names it in errors."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        raise DocumentError(
            f"{path} is a boolean; the SII wants a code", [ErrorDetail(path, "is a boolean")]
        )
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, (dt.date, dt.datetime)):
        text = value.isoformat()
    else:
        text = str(value)
    if _XML_UNSAFE.search(text):
        raise DocumentError(
            f"{path} holds a control character that XML cannot carry",
            [ErrorDetail(path, "holds a control character")],
        )
    try:
        text.encode("iso-8859-1")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        raise DocumentError(
            f"{path} holds {bad!r}, which ISO-8859-1 (the SII's encoding) cannot represent; "
            "replace it (e.g. use plain quotes and letters)",
            [ErrorDetail(path, f"character {bad!r} is not ISO-8859-1")],
        ) from None
    return text


def _append(parent: etree._Element, data: Mapping[str, Any], path: str) -> None:
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                _append_one(parent, key, item, f"{path}{key}[{index + 1}]")
        else:
            _append_one(parent, key, value, f"{path}{key}")


def _append_one(parent: etree._Element, key: str, value: Any, path: str) -> None:
    if value is None:
        return
    child = etree.SubElement(parent, _NS + key)
    if isinstance(value, Mapping):
        _append(child, value, path + ".")
    else:
        child.text = leaf_text(value, path)


def render_documento(
    sii: Mapping[str, Any], *, document_id: str, root_tag: str = "Documento"
) -> etree._Element:
    """The ``Documento`` (or ``Liquidacion``/``Exportaciones``) element, as the root of its own
    tree with the SII namespace declared on it, so that its C14N is exact without re-parsing."""
    nsmap: Any = {None: SII_NS}
    root = etree.Element(_NS + root_tag, nsmap=nsmap)
    root.set("ID", document_id)
    _append(root, sii, "")
    return root
