"""How the lenient models read each input key, for readers that build the models' input in
one walk (the SII XML parser) instead of a dict that every model then cleans again.

Input read this way holds only known keys, a list wherever a field takes one and a ``Rut``
for each RUT text, at every level: what the lenient cleaning makes of an SII dict, which
cleaning it leaves unchanged. ``document_from_input`` validates it without cleaning it again.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

import pydantic

from haulmer._forks import ForkSafeLock
from haulmer.dte._base import CLEAN_CONTEXT, SiiModel, _lenient_rut, _shapes, _strip_optional
from haulmer.dte.document import Document
from haulmer.dte.rules.ruts import check_digit_problems, rut_paths
from haulmer.errors import DocumentError, ErrorDetail
from haulmer.rut import Rut

__all__ = [
    "FieldReading",
    "document_from_input",
    "document_reading",
    "read_rut",
    "reading_error",
    "reading_problems",
    "rut_paths",
]


class FieldReading(NamedTuple):
    """How one input key of a model is read."""

    is_list: bool
    """The field takes a list: a single value is wrapped in one."""
    is_rut: bool
    """The field is a ``Rut``: its text is read with ``read_rut``."""
    model: dict[str, FieldReading] | None
    """The reading of the model the field holds (alone or in a list), else None."""
    opaque: bool
    """The field holds models in a shape this reading does not follow: read it the general way."""
    is_amount: bool = False
    """The field takes an int or a Decimal (``Amount``: MontoItem, MntExe, MntTotal)."""


def document_reading() -> dict[str, FieldReading]:
    """Each input key of ``Document`` (SII names, Python names and alias choices) -> its reading.

    Built once, whole, before any caller sees it.
    """
    if _DOCUMENT_READING:
        return _DOCUMENT_READING[0]
    with _BUILDING:
        if not _DOCUMENT_READING:
            _DOCUMENT_READING.append(_reading(Document, {}))
    return _DOCUMENT_READING[0]


_DOCUMENT_READING: list[dict[str, FieldReading]] = []
_BUILDING = ForkSafeLock()


def _reading(
    model: type[SiiModel], built: dict[type[SiiModel], dict[str, FieldReading]]
) -> dict[str, FieldReading]:
    """``model``'s reading; ``built`` holds those of this build (so a model may hold itself)."""
    known = built.get(model)
    if known is not None:
        return known
    reading: dict[str, FieldReading] = {}
    built[model] = reading
    for key, shape in _shapes(model).items():
        annotation = _strip_optional(model.model_fields[shape.name].annotation)
        held = typing.get_args(annotation)[0] if shape.is_list else annotation
        nested = _reading(held, built) if _is_sii_model(held) else None
        opaque = nested is None and _holds_a_model(annotation)
        is_amount = _takes_int_or_decimal(annotation)
        reading[key] = FieldReading(shape.is_list, shape.is_rut, nested, opaque, is_amount)
    return reading


def _is_sii_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, SiiModel)


def _takes_int_or_decimal(annotation: Any) -> bool:
    """Whether ``annotation`` (Annotated or not) is a union of an int and a Decimal type."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = annotation.__origin__
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return False
    members = {getattr(arg, "__origin__", arg) for arg in typing.get_args(annotation)}
    return members == {int, Decimal}


@cache
def _holds_a_model(annotation: Any) -> bool:
    """Whether a pydantic model appears anywhere in ``annotation`` (unions, lists, dicts...)."""
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return True
    return any(_holds_a_model(argument) for argument in typing.get_args(annotation))


def read_rut(text: str) -> Rut:
    """A RUT as the lenient models read it: check digit not verified, remembered. Raises
    ``ValueError`` (``InvalidRutError``) for a text that is no RUT."""
    return _lenient_rut(text)


def document_from_input(data: dict[str, Any]) -> Document | None:
    """The ``Document`` of input read as described above; None when the models refuse it (the
    general reading, ``Document.from_sii_dict``, then says why). It is validated as given,
    without the lenient context, whose cleaning would leave it as it is."""
    try:  # the reading trimmed every text and left out the blank ones
        return Document.model_validate(data, context=CLEAN_CONTEXT)
    except (pydantic.ValidationError, ValueError, TypeError):
        return None


def reading_problems(document: Document) -> list[ErrorDetail]:
    """What the models let through but the SII refuses in a document read from XML: decimals in
    a Documento's MontoItem, MntExe or MntTotal (whole pesos, the schema's ``MontoType``; only
    exports have decimals there) and RUTs whose check digit is wrong (the SII checks every one).

    The models read both (an export's amounts are ``Decimal``, and the lenient reading does not
    check check digits, as OpenFactura's JSON needs); the XML reader (``haulmer.sii.parse``)
    refuses them. One test per amount and per RUT: reading stays fast.
    """
    problems: list[ErrorDetail] = []
    encabezado = document.encabezado
    if not encabezado.id_doc.tipo_dte.is_export:
        totales = encabezado.totales
        if totales is not None:
            for name, value in (("MntExe", totales.mnt_exe), ("MntTotal", totales.mnt_total)):
                if isinstance(value, Decimal):
                    problems.append(_decimals(f"Encabezado.Totales.{name}", value, document))
        for index, line in enumerate(document.detalle):
            if isinstance(line.monto_item, Decimal):
                path = f"Detalle[{index + 1}].MontoItem"
                problems.append(_decimals(path, line.monto_item, document))
    problems.extend(check_digit_problems(document))
    return problems


def reading_error(problems: list[ErrorDetail]) -> DocumentError:
    """The DocumentError for ``reading_problems``, worded as a model's refusal is."""
    shown = "; ".join(str(problem) for problem in problems[:5])
    if len(problems) > 5:
        shown += f" (and {len(problems) - 5} more)"
    return DocumentError(f"the DTE is not valid: {shown}", problems)


def _decimals(path: str, value: Decimal, document: Document) -> ErrorDetail:
    tipo = document.tipo_dte
    return ErrorDetail(
        path,
        f"'{value}' is written with decimals, but the SII's schema allows only whole pesos "
        f"here in a {tipo.label} ({int(tipo)}): an integer of up to 18 digits, without a "
        "decimal point (only exports, 110, 111 and 112, have decimals there)",
    )
