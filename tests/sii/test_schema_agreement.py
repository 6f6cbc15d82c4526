"""The facet checker and the SII's XSDs agree, field by field, on documents of every type.

For a valid document of each type (1 to 4 lines, any folio of the CAF), hypothesis changes one
element of its header or of any line to a value that may or may
not fit its schema (texts of any length, integers of any size, numbers with any decimals,
codes inside and outside their enumeration, dates inside and outside 2000-2050, elements the
type's schema lacks); the document is rendered and signed without any local check and
validated with ``sii.validate_schema``. The checker must flag exactly the elements the XSD
refuses, and the walk ``issue()`` writes and judges each value in must accept exactly what the
checker accepts.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from haulmer.dte.document import Document
from haulmer.dte.rules import facet_root
from haulmer.dte.schema.checker import (
    BOLETA_ROOT,
    DOCUMENTO_ROOT,
    EXPORTACIONES_ROOT,
    LIQUIDACION_ROOT,
    SchemaRoot,
    schema_problems,
)
from haulmer.errors import XMLError
from haulmer.pfx import Certificate
from haulmer.sii import Caf, validate_schema
from haulmer.sii.issuing import stamp_and_sign
from haulmer.sii.section_writer import canonical_sections

from .conftest import SIGNED_AT, SUPPORTED_TYPES, make_document

_TEXT = st.text(alphabet="abcXYZ019ñÑé", min_size=1, max_size=130)
_INTEGERS = st.one_of(
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=1, max_value=10**12),
)
_DECIMALS = st.integers(min_value=0, max_value=8).flatmap(
    lambda places: st.decimals(
        min_value=Decimal(0), max_value=Decimal("1e15"), places=places, allow_nan=False
    )
)
_CODES = st.sampled_from(
    ["CH", "LT", "EF", "PE", "TC", "CF", "OT", "1", "2", "5", "9", "XX", "AHORRO", "VISTA", "OTRA"]
)
_DATES = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))


class _Target(NamedTuple):
    """An element to change: where its model sits, its attribute, and what values to try."""

    section: tuple[str | int, ...]
    attribute: str
    values: st.SearchStrategy[Any]
    as_list: bool = False


_TARGETS: tuple[_Target, ...] = (
    _Target(("encabezado", "emisor"), "razon_social", _TEXT),
    _Target(("encabezado", "emisor"), "giro", _TEXT),
    _Target(("encabezado", "emisor"), "direccion", _TEXT),
    _Target(("encabezado", "emisor"), "comuna", _TEXT),
    _Target(("encabezado", "emisor"), "cdg_sii_sucur", _INTEGERS),
    _Target(("encabezado", "emisor"), "actecos", _INTEGERS, as_list=True),
    _Target(("encabezado", "receptor"), "razon_social", _TEXT),
    _Target(("encabezado", "receptor"), "giro", _TEXT),
    _Target(("encabezado", "receptor"), "contacto", _TEXT),
    _Target(("encabezado", "id_doc"), "forma_pago", _INTEGERS),
    _Target(("encabezado", "id_doc"), "ind_servicio", _INTEGERS),
    _Target(("encabezado", "id_doc"), "fecha_vencimiento", _DATES),
    _Target(("encabezado", "id_doc"), "term_pago_dias", _INTEGERS),
    _Target(("encabezado", "id_doc"), "medio_pago", _CODES),
    _Target(("encabezado", "id_doc"), "tpo_cta_pago", _CODES),
    _Target(("encabezado", "id_doc"), "tipo_despacho", _INTEGERS),
    _Target(("encabezado", "id_doc"), "ind_traslado", _INTEGERS),
    _Target(("encabezado", "id_doc"), "tpo_tran_venta", _INTEGERS),
    _Target(("encabezado", "id_doc"), "fecha_cancelacion", _DATES),
    _Target(("encabezado", "id_doc"), "monto_cancelado", _INTEGERS),
    _Target(("encabezado", "receptor"), "direccion", _TEXT),
    _Target(("encabezado", "receptor"), "correo", _TEXT),
    _Target(("encabezado", "receptor"), "telefono", _TEXT),
    _Target(("encabezado", "emisor"), "correo", _TEXT),
    _Target(("encabezado", "emisor"), "telefonos", _TEXT, as_list=True),
    _Target(("detalle", 0), "nombre", _TEXT),
    _Target(("detalle", 0), "descripcion", _TEXT),
    _Target(("detalle", 0), "cantidad", _DECIMALS),
    _Target(("detalle", 0), "precio", _DECIMALS),
    _Target(("detalle", 0), "ind_exe", _INTEGERS),
    _Target(("detalle", 0), "unidad", _TEXT),
)

_ROOTS: dict[int, SchemaRoot] = {
    **dict.fromkeys((39, 41), BOLETA_ROOT),
    **dict.fromkeys((110, 111, 112), EXPORTACIONES_ROOT),
    43: LIQUIDACION_ROOT,
}
_ELEMENT = re.compile(r"Element '\{http://www\.sii\.cl/SiiDte\}(\w+)'")


def _replace(model: Any, path: tuple[str | int, ...], attribute: str, value: Any) -> Any:
    """``model`` with the attribute at ``path`` replaced, without validation (any value)."""
    if not path:
        return model.model_copy(update={attribute: value})
    step, rest = path[0], path[1:]
    if isinstance(step, int):
        items = list(model)
        items[step] = _replace(items[step], rest, attribute, value)
        return items
    inner = getattr(model, step)
    return model.model_copy(update={step: _replace(inner, rest, attribute, value)})


def _element_name(model: BaseModel, path: tuple[str | int, ...], attribute: str) -> str:
    section: Any = model
    for step in path:
        section = section[step] if isinstance(step, int) else getattr(section, step)
    info = type(section).model_fields[attribute]
    return info.alias or attribute


def _xsd_refusals(xml: bytes) -> set[str]:
    try:
        validate_schema(xml)
    except XMLError as error:
        return set(_ELEMENT.findall(str(error))) or {"?"}
    return set()


def _local_refusals(document: Document) -> set[str]:
    root = _ROOTS.get(int(document.tipo_dte), DOCUMENTO_ROOT)
    return {
        re.sub(r"\[\d+\]", "", p.field).rsplit(".", 1)[-1] for p in schema_problems(document, root)
    }


def _accepted_as_written(document: Document) -> bool:
    """Whether the walk ``issue()`` writes the document's text with accepts its values (the
    amounts are given in these documents, so the values written are the model's own)."""
    sections = document.rendered_sections(document.amounts_by_line(), None)
    return canonical_sections(sections, facet_root(document)) is not None


def _signed(document: Document, caf: Caf, certificate: Certificate) -> bytes:
    return stamp_and_sign(
        document.to_sii_dict(), caf=caf, certificate=certificate, timestamp=SIGNED_AT
    )


_SECTIONS = {"encabezado": "Encabezado", "emisor": "Emisor", "receptor": "Receptor",
             "id_doc": "IdDoc", "detalle": "Detalle"}  # fmt: skip


def _rendered(document: Document, target: _Target, name: str) -> bool:
    """Whether the renderer wrote the element (it leaves out what the document's kind lacks:
    a boleta's missing elements, the boleta-only ones elsewhere)."""
    section: Any = document.to_sii_dict()
    for step in target.section:
        section = section[step] if isinstance(step, int) else section[_SECTIONS[step]]
    renamed = {"RznSoc": "RznSocEmisor", "GiroEmis": "GiroEmisor"}.get(name, name)
    return name in section or renamed in section


_NAMES = st.text(alphabet="abcXYZ019ñÑé &'\"", min_size=1, max_size=80).filter(str.strip)
_QUANTITIES = st.integers(min_value=0, max_value=3).flatmap(
    lambda places: st.decimals(
        min_value=Decimal(1), max_value=Decimal(9999), places=places, allow_nan=False
    )
)
_PRICES = st.integers(min_value=0, max_value=6).flatmap(
    lambda places: st.decimals(  # above the liquidación's commissions of the sample
        min_value=Decimal(2000), max_value=Decimal(999999), places=places, allow_nan=False
    )
)


@st.composite
def _valid_documents(draw: st.DrawFn, tipo: int, lines: int) -> Document:
    """A valid document of ``tipo``: any folio of the CAF, item names of any valid text and, but
    on exports (whose amounts are given in their currency), any quantities and prices."""
    document = make_document(tipo, folio=draw(st.integers(1, 100)), lines=lines)
    detalle = []
    for line in document.detalle:
        update: dict[str, Any] = {"nombre": draw(_NAMES)}
        if tipo not in (110, 111, 112):
            update.update(cantidad=draw(_QUANTITIES), precio=draw(_PRICES))
        detalle.append(line.model_copy(update=update))
    # amounts given, so a changed element moves no total
    return document.model_copy(update={"detalle": detalle}).completed()


@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_the_unchanged_documents_are_valid_for_both(
    tipo: int, certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    document = make_document(tipo)
    assert _local_refusals(document) == set()
    assert _xsd_refusals(_signed(document, cafs[tipo], certificate)) == set()


@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_checker_refuses_what_the_xsd_refuses_field_by_field(
    tipo: int, certificate: Certificate, cafs: dict[int, Caf], data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from(_TARGETS), label="element")
    value = data.draw(target.values, label="value")
    lines = data.draw(st.integers(min_value=1, max_value=4), label="lines")
    document = data.draw(_valid_documents(tipo, lines), label="document")
    line = data.draw(st.integers(min_value=0, max_value=lines - 1), label="line")
    if target.section[0] == "detalle":
        target = target._replace(section=("detalle", line))
    name = _element_name(document, target.section, target.attribute)
    changed = _replace(
        document, target.section, target.attribute, [value] if target.as_list else value
    )
    local = _local_refusals(changed)
    # issue()'s one walk, which judges each value as it writes it, accepts what the checker does.
    assert _accepted_as_written(changed) == (not local), (name, value, local)
    if not _rendered(changed, target, name):
        # The renderer leaves out what the kind of document lacks; the checker names it.
        assert len(local) == 1, local
        return
    xsd = _xsd_refusals(_signed(changed, cafs[tipo], certificate))
    boleta_name = {"RznSoc": "RznSocEmisor", "GiroEmis": "GiroEmisor"}.get(name, name)
    assert local <= {name, boleta_name}, (local, xsd)
    assert xsd <= {name, boleta_name}, (local, xsd)
    assert bool(local) == bool(xsd), (name, value, local, xsd)
    event("refused" if xsd else "accepted")
