"""Lenient reading (parsed XML, OpenFactura JSON): what each SII section keeps of its input."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from haulmer.dte._base import SiiModel, _shapes, lenient_context
from haulmer.dte.models import Detalle, Emisor, Receptor, Totales
from haulmer.rut import InvalidRutError, Rut

MODELS = [Emisor, Receptor, Totales, Detalle]


def _expected(model: type[SiiModel], data: dict[Any, Any]) -> dict[Any, Any]:
    """The rule, written plainly: unknown keys dropped, blank text absent unless required,
    single items as lists where many are allowed, RUT text read without its check digit."""
    shapes = _shapes(model)
    kept: dict[Any, Any] = {}
    for key, value in data.items():
        shape = shapes.get(key) if isinstance(key, str) else None
        if shape is None:
            continue
        if isinstance(value, str) and not value.strip():
            if shape.is_required:
                kept[key] = value
            continue
        if shape.is_list and value is not None and not isinstance(value, list | tuple):
            value = [value]
        if shape.is_rut and isinstance(value, str):
            value = Rut.parse(value.strip(), validate_dv=False)
        if value is not None:
            kept[key] = value
    return kept


_TEXT = st.one_of(
    st.sampled_from(["", " ", "\u00a0", "\t x", "x ", "Ñandú", "76086428-5", " 1-9 ", "12"]),
    st.text(alphabet=" \u3000ab1-K", max_size=6),
)
_VALUE = st.one_of(
    _TEXT, st.none(), st.integers(), st.lists(_TEXT, max_size=2), st.just({"NmbItem": "x"})
)


@st.composite
def _inputs(draw: st.DrawFn) -> tuple[type[SiiModel], dict[Any, Any]]:
    model = draw(st.sampled_from(MODELS))
    keys = st.one_of(st.sampled_from(sorted(_shapes(model))), st.just("Unknown"), st.just(7))
    return model, draw(st.dictionaries(keys, _VALUE, max_size=8))


@given(_inputs())
def test_lenient_reading_keeps_what_the_rule_keeps(
    case: tuple[type[SiiModel], dict[Any, Any]],
) -> None:
    model, data = case
    try:
        expected: Any = _expected(model, data)
    except InvalidRutError as exc:
        expected = ("error", str(exc))
    try:
        got: Any = model._read_leniently(data, _Info())  # type: ignore[arg-type]
    except InvalidRutError as exc:
        got = ("error", str(exc))
    assert got == expected


class _Info:
    context = lenient_context()
