"""Elements the models do not carry: refused by name when read, never dropped unseen."""

from __future__ import annotations

import typing
from typing import Any

import pytest

from haulmer.dte import Document
from haulmer.dte._base import SiiModel
from haulmer.dte.schema.checker import BOLETA_RENAMES
from haulmer.dte.schema.elements import Element
from haulmer.dte.schema.facts import BOLETA, DOCUMENTO, EXPORTACIONES, LIQUIDACION
from haulmer.errors import DocumentError
from haulmer.sii import parse
from haulmer.sii.parsing import _read_at_first_sight, _read_the_general_way

from .conftest import REAL_DTES

_MAX = 10_000_000

REFUSED: dict[str, str] = {}
"""Elements of the SII's schemas the models do not carry, each with why: parse refuses a
document holding one, naming it, rather than read it without its value."""


def _sii_names(model: type[SiiModel]) -> dict[str, type[SiiModel] | None]:
    """Every SII name ``model`` reads (alias and alias choices) -> the section model it holds."""
    names: dict[str, type[SiiModel] | None] = {}
    for name, info in model.model_fields.items():
        held: Any = info.annotation
        while True:
            args = [a for a in typing.get_args(held) if a is not type(None)]
            # list[X] is no class (on Python 3.10 isinstance(list[X], type) says it is)
            if (isinstance(held, type) and typing.get_origin(held) is None) or not args:
                break
            held = args[0]
        plain_class = isinstance(held, type) and typing.get_origin(held) is None
        section = held if plain_class and issubclass(held, SiiModel) else None
        spellings = {info.alias or name}
        choices = getattr(info.validation_alias, "choices", ())
        spellings.update(c for c in choices if isinstance(c, str) and c != name)
        for spelling in spellings:
            names[spelling] = section
    return names


def _uncarried(element: Element, model: type[SiiModel], path: str, out: set[str]) -> None:
    carried = _sii_names(model)
    model_names = {name: name for name in carried}
    model_names.update((BOLETA_RENAMES[n], n) for n in carried if n in BOLETA_RENAMES)
    for child in element.children:
        child_path = f"{path}.{child.name}" if path else child.name
        name = model_names.get(child.name)
        if name is None:
            out.add(child_path)
            continue
        section = carried[name]
        if child.children and section is not None:
            _uncarried(child, section, child_path, out)


def test_every_schema_element_is_carried_by_the_models_or_refused_with_a_reason() -> None:
    uncarried: set[str] = set()
    for root in (DOCUMENTO, BOLETA, EXPORTACIONES, LIQUIDACION):
        _uncarried(root, Document, "", uncarried)
    assert sorted(uncarried) == sorted(REFUSED)
    assert all(reason.strip() for reason in REFUSED.values())


def _real(index: int = 0) -> bytes:
    return REAL_DTES[index].read_bytes()


_NOT_IN_THE_SCHEMA = [
    (b"</IdDoc>", b"<Foo>1</Foo></IdDoc>", "Encabezado.IdDoc.Foo"),
    (b"</Emisor>", b"<GiroEmisr>x</GiroEmisr></Emisor>", "Encabezado.Emisor.GiroEmisr"),
    (b"</Receptor>", b"<CdgSIISucur>1</CdgSIISucur></Receptor>", "Encabezado.Receptor.CdgSIISucur"),
    (b"</Detalle>", b"<Folio>1</Folio></Detalle>", "Detalle[1].Folio"),
    (b"</Encabezado>", b"</Encabezado><Nota><x>1</x></Nota>", "Nota"),
]


@pytest.mark.parametrize(("before", "after", "path"), _NOT_IN_THE_SCHEMA)
def test_an_element_in_no_schema_is_refused_by_name_in_both_readings(
    before: bytes, after: bytes, path: str
) -> None:
    xml = _real().replace(before, after, 1)
    assert after in xml
    assert _read_at_first_sight(xml, _MAX) is None
    for read in (parse, lambda x: _read_the_general_way(x, _MAX)):
        with pytest.raises(DocumentError, match="does not follow the SII's schema") as refused:
            read(xml)
        assert path in [detail.field for detail in refused.value.details]


def test_a_real_document_with_a_section_lacking_required_elements_is_refused_naming_them() -> None:
    madera = b"<ManejoMadera><ComunaRolOrigen>13101</ComunaRolOrigen></ManejoMadera>"
    xml = _real().replace(b"<TED", madera + b"<TED", 1)
    with pytest.raises(DocumentError, match="required") as refused:
        parse(xml)
    assert [d.field for d in refused.value.details] == [
        "ManejoMadera.MnzRolOrigen",
        "ManejoMadera.PrdRolOrigen",
        "ManejoMadera.CodPlanConaf",
        "ManejoMadera.LatitudOrigenMadera",
        "ManejoMadera.LongitudOrigenMadera",
        "ManejoMadera.SistemareferenciaMadera",
    ]


def test_an_sii_xml_dict_with_an_unknown_key_is_refused_and_its_timbre_left_out() -> None:
    data = _as_xml_text(_parsed_dict())
    data["TED"] = {"DD": {"F": "1"}}
    data["TmstFirma"] = "2024-01-01T00:00:00"
    assert Document.from_sii_xml_dict(data) == parse(_real())
    data["Encabezado"]["IdDoc"]["Foo"] = "1"
    with pytest.raises(DocumentError, match="does not follow the SII's schema") as refused:
        Document.from_sii_xml_dict(data)
    assert [d.field for d in refused.value.details] == ["Encabezado.IdDoc.Foo"]


def test_openfactura_json_keys_of_its_own_are_still_left_out_of_an_sii_dict() -> None:
    data = _parsed_dict()
    data["custom"] = {"informationNote": "x"}
    assert Document.from_sii_dict(data) == parse(_real())


def _as_xml_text(value: Any) -> Any:
    """``value`` with its leaves as the text XML gives them."""
    if isinstance(value, dict):
        return {key: _as_xml_text(held) for key, held in value.items()}
    if isinstance(value, list):
        return [_as_xml_text(held) for held in value]
    return str(value)


def _parsed_dict() -> dict[str, Any]:
    return parse(_real()).to_sii_dict()


_NEWLY_CARRIED: dict[int, list[tuple[tuple[str, ...], str, Any]]] = {
    33: [
        (("Encabezado", "IdDoc"), "TipoFactEsp", 1),
        (("Encabezado", "Emisor"), "RUTProveedor", "76354771-K"),
        (("Encabezado", "Emisor"), "RznSocProveedor", "PROVEEDOR SPA"),
        (("Encabezado", "Transporte"), "FchSalida", "2026-11-21"),
        (("Encabezado", "Transporte"), "HraSalida", "08:30:00"),
        (("Encabezado", "Transporte"), "FchLlegada", "2026-11-22"),
    ],
    39: [
        (("Encabezado",), "RUTProvSW", "76354771-K"),
        (("Detalle", 0), "RUTMandante", "76354771-K"),
    ],
    110: [
        (("Encabezado", "Emisor"), "CodAdicSucur", "SUC-12"),
        (("Referencia", 0), "IdAdicOtr", "ID-7"),
    ],
}


@pytest.mark.parametrize("tipo", sorted(_NEWLY_CARRIED))
def test_sii_elements_now_carried_survive_issue_and_parse(
    tipo: int, certificate: Any, cafs: Any
) -> None:
    from haulmer.sii import issue, validate_schema

    from .conftest import SIGNED_AT, document_dict

    data = document_dict(tipo)
    if tipo == 110 and not data.get("Referencia"):
        data["Referencia"] = [{"TpoDocRef": "801", "FolioRef": "77", "FchRef": "2026-11-20"}]
    for where, name, value in _NEWLY_CARRIED[tipo]:
        place: Any = data
        for step in where:
            place = place.setdefault(step, {}) if isinstance(step, str) else place[step]
        place[name] = value
    document = Document.from_sii_dict(data)
    xml = issue(document, caf=cafs[tipo], certificate=certificate, timestamp=SIGNED_AT)
    validate_schema(xml)
    read = parse(xml).to_sii_dict()
    for where, name, value in _NEWLY_CARRIED[tipo]:
        place = read
        for step in where:
            place = place[step]
        assert str(place[name]) == str(value)
    assert parse(xml) == document.completed().with_folio(parse(xml).folio)


_ANOTHER_NAMESPACE = [
    (b"</IdDoc>", b'<Anadido xmlns="urn:erp">1</Anadido></IdDoc>'),
    (b"</Encabezado>", b'</Encabezado><erp:Extra xmlns:erp="urn:erp"><erp:A>1</erp:A></erp:Extra>'),
    (b"</Emisor>", b'<Folio xmlns="urn:erp">999999</Folio></Emisor>'),
    (b"</IdDoc>", b'<Folio xmlns="urn:erp">999999</Folio></IdDoc>'),
]


@pytest.mark.parametrize(("before", "after"), _ANOTHER_NAMESPACE)
def test_an_element_of_another_namespace_is_an_erps_own_left_out_in_both_readings(
    before: bytes, after: bytes
) -> None:
    """An ERP's own element (a namespace other than the SII's) is no SII content: the document
    is read as without it, and a known name there (a Folio of the ERP's) is not the SII's."""
    plain = parse(_real())
    xml = _real().replace(before, after, 1)
    assert after in xml
    for read in (parse, lambda x: _read_the_general_way(x, _MAX)[0]):
        assert read(xml) == plain


def test_a_document_wholly_in_another_namespace_is_read_as_its_own() -> None:
    """Elements in the namespace of their parent are the document's, whatever that namespace
    is: only an element of a namespace other than its parent's and the SII's is left out."""
    xml = _real().replace(b'<DTE version="1.0">', b'<DTE xmlns="urn:sii-copy" version="1.0">', 1)
    assert b"urn:sii-copy" in xml
    assert _read_the_general_way(xml, _MAX)[0] == parse(_real())


def test_the_guide_names_as_not_modelled_exactly_the_elements_parse_refuses() -> None:
    from pathlib import Path

    guide = (Path(__file__).parents[2] / "docs" / "dte.md").read_text(encoding="utf-8")
    section = guide.split("## Not covered", 1)[1].split("\n\n", 2)[1]
    for path in REFUSED:
        assert path.rsplit(".", 1)[-1] in section, path
    carried = ("SubTotInfo", "Subcantidad", "OtrMnda", "SubDscto", "SubRecargo", "GeoRef")
    for name in (*carried, "ManejoMadera", "InfoTicket", "ItemEspectaculo"):
        assert name not in section, name
    if not REFUSED:
        assert "Every element" in section
