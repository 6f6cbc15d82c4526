"""haulmer.dte.Document: to_sii_dict (names, order, leaf types), from_sii_dict, round trips."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import haulmer.dte as dte
from built_documents import built_documents
from haulmer.dte import Document
from haulmer.dte.models import Detalle
from haulmer.dte.sii_dict import normalize_decimal
from haulmer.errors import DocumentError
from haulmer.rut import Rut

# The four real SII-accepted documents (the sii tests keep the same files in the repository).
FIXTURES = Path(__file__).resolve().parents[1] / "sii" / "fixtures"


def _xml_to_dict(element: Any) -> Any:
    """A test-only XML -> SII dict reader: repeated children become lists, leaves text."""
    from lxml import etree

    children = [c for c in element if isinstance(c.tag, str)]
    if not children:
        return element.text or ""
    out: dict[str, Any] = {}
    for child in children:
        name = etree.QName(child).localname
        value = _xml_to_dict(child)
        if name in out:
            if not isinstance(out[name], list):
                out[name] = [out[name]]
            out[name].append(value)
        else:
            out[name] = value
    return out


def _fixture_documents() -> Iterator[tuple[str, dict[str, Any]]]:
    from lxml import etree

    for path in sorted(FIXTURES.glob("DTE--*.xml")):
        root = etree.parse(str(path)).getroot()
        yield path.name, _xml_to_dict(root)


# -- to_sii_dict ----------------------------------------------------------------------------------


def test_factura_sii_dict_uses_sii_names_in_schema_order(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = dte.factura(
        emisor={
            **emisor,
            "telefonos": ["+56 2 1234"],
            "correo": "a@b.cl",
            "cdg_sii_sucur": 81303347,
        },
        receptor=receptor,
        lines=[
            {
                "nombre": "Conectores RJ45",
                "cantidad": 450,
                "precio": "70.00",
                "unidad": "UN",
                "codigos": [{"tipo": "INT1", "valor": "rj45"}],
            }
        ],
        fecha=date(2026, 2, 10),
        forma_pago=2,
        fecha_vencimiento=date(2026, 3, 10),
        referencias=[
            {"tipo_doc_ref": "801", "folio_ref": 4510083633, "fecha_ref": date(2026, 2, 1)}
        ],
    )
    d = doc.to_sii_dict()
    assert list(d) == ["Encabezado", "Detalle", "Referencia"]
    enc = d["Encabezado"]
    assert list(enc) == ["IdDoc", "Emisor", "Receptor", "Totales"]
    assert list(enc["IdDoc"]) == ["TipoDTE", "Folio", "FchEmis", "FmaPago", "FchVenc"]
    assert enc["IdDoc"] == {
        "TipoDTE": 33,
        "Folio": 0,
        "FchEmis": "2026-02-10",
        "FmaPago": 2,
        "FchVenc": "2026-03-10",
    }
    assert list(enc["Emisor"]) == [
        "RUTEmisor",
        "RznSoc",
        "GiroEmis",
        "Telefono",
        "CorreoEmisor",
        "Acteco",
        "CdgSIISucur",
        "DirOrigen",
        "CmnaOrigen",
    ]
    assert enc["Emisor"]["Acteco"] == [726000]
    assert enc["Emisor"]["RUTEmisor"] == "76192083-9"
    assert enc["Totales"] == {
        "MntNeto": 31500,
        "TasaIVA": Decimal(19),
        "IVA": 5985,
        "MntTotal": 37485,
    }
    assert list(d["Detalle"][0]) == [
        "NroLinDet",
        "CdgItem",
        "NmbItem",
        "QtyItem",
        "UnmdItem",
        "PrcItem",
        "MontoItem",
    ]
    assert d["Detalle"][0]["CdgItem"] == [{"TpoCodigo": "INT1", "VlrCodigo": "rj45"}]
    assert str(d["Detalle"][0]["PrcItem"]) == "70"
    assert d["Referencia"] == [
        {"NroLinRef": 1, "TpoDocRef": "801", "FolioRef": "4510083633", "FchRef": "2026-02-01"}
    ]


def test_sii_dict_leaves_are_int_decimal_or_str(emisor: dict[str, Any]) -> None:
    doc = dte.boleta(emisor=emisor, lines=[{"nombre": "x", "cantidad": "1.500", "precio": 1000}])

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        else:
            assert type(value) in (int, str, Decimal), value

    walk(doc.to_sii_dict())
    assert str(doc.to_sii_dict()["Detalle"][0]["QtyItem"]) == "1.5"


@pytest.mark.parametrize(
    ("given", "text"),
    [
        ("2000.00", "2000"),
        ("1.50", "1.5"),
        ("0.000001", "0.000001"),
        ("19", "19"),
        ("1E+3", "1000"),
    ],
)
def test_decimals_are_normalized_without_exponent_or_trailing_zeros(given: str, text: str) -> None:
    assert str(normalize_decimal(Decimal(given))) == text


def test_boleta_uses_envioboleta_names_and_subset(emisor: dict[str, Any]) -> None:
    doc = dte.boleta(
        emisor={**emisor, "cdg_sii_sucur": 81303347, "telefonos": ["123"]},
        receptor={"rut": "66666666-6", "telefono": "+56 9 1111 2222"},
        lines=[{"nombre": "Item 1", "cantidad": 1, "precio": 1000}],
        fecha=date(2026, 2, 10),
        medio_pago="1",
        referencias=[{"NroLinRef": 1, "CodRef": "SET", "RazonRef": "CASO 1", "CodCaja": "7"}],
    )
    d = doc.to_sii_dict()
    enc = d["Encabezado"]
    assert enc["IdDoc"] == {
        "TipoDTE": 39,
        "Folio": 0,
        "FchEmis": "2026-02-10",
        "IndServicio": 3,
        "MedioPago": 1,
    }
    assert enc["Emisor"] == {
        "RUTEmisor": "76192083-9",
        "RznSocEmisor": "SASCO SpA",
        "GiroEmisor": "Tecnología, informática y telecomunicaciones",
        "CdgSIISucur": 81303347,
        "DirOrigen": "Santa Cruz",
        "CmnaOrigen": "Santa Cruz",
    }
    assert enc["Receptor"] == {"RUTRecep": "66666666-6", "TelefonoRecep": "+56 9 1111 2222"}
    assert enc["Totales"] == {"MntNeto": 840, "IVA": 160, "MntTotal": 1000}
    assert d["Referencia"] == [
        {"NroLinRef": 1, "CodRef": "SET", "RazonRef": "CASO 1", "CodCaja": "7"}
    ]


def test_boleta_totals_name_the_period_total_totalperiodo(emisor: dict[str, Any]) -> None:
    doc = dte.boleta(
        emisor=emisor,
        lines=[{"nombre": "a", "precio": 1190}, {"nombre": "nf", "precio": 100, "ind_exe": 2}],
    )
    totales = doc.to_sii_dict()["Encabezado"]["Totales"]
    assert list(totales) == ["MntNeto", "IVA", "MntTotal", "MontoNF", "TotalPeriodo"]
    assert totales["TotalPeriodo"] == 1290


def test_facturas_leave_out_boleta_only_elements(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = dte.factura(
        emisor=emisor,
        receptor={**receptor, "telefono": "123"},
        lines=[{"nombre": "x", "precio": 1}],
        check=False,
    )
    assert "TelefonoRecep" not in doc.to_sii_dict()["Encabezado"]["Receptor"]


def test_to_sii_dict_fills_line_numbers_amounts_and_totals(emisor: dict[str, Any]) -> None:
    doc = Document.model_validate(
        {
            "Encabezado": {
                "IdDoc": {"TipoDTE": 33, "FchEmis": "2026-01-05"},
                "Emisor": emisor,
                "Receptor": {"RUTRecep": "60803000-K"},
            },
            "Detalle": [{"NmbItem": "a", "QtyItem": 2, "PrcItem": 500, "DescuentoPct": 10}],
            "DscRcgGlobal": [{"TpoMov": "R", "TpoValor": "$", "ValorDR": 100}],
        }
    )
    d = doc.to_sii_dict()
    assert d["Detalle"][0]["NroLinDet"] == 1
    assert d["Detalle"][0]["DescuentoMonto"] == 100
    assert d["Detalle"][0]["MontoItem"] == 900
    assert d["DscRcgGlobal"][0]["NroLinDR"] == 1
    assert d["Encabezado"]["Totales"]["MntTotal"] == 1190
    assert doc.encabezado.totales is None  # the document itself is not changed


# -- from_sii_dict --------------------------------------------------------------------------------


def test_round_trip_of_every_builder(emisor: dict[str, Any], receptor: dict[str, Any]) -> None:
    factura = dte.factura(emisor=emisor, receptor=receptor, lines=[{"nombre": "a", "precio": 10}])
    docs = [
        factura,
        dte.factura_exenta(emisor=emisor, receptor=receptor, lines=[{"nombre": "e", "precio": 5}]),
        dte.boleta(emisor=emisor, lines=[{"nombre": "b", "precio": 1190}]),
        dte.boleta_exenta(emisor=emisor, lines=[{"nombre": "b", "precio": 100}]),
        dte.factura_compra(emisor=emisor, receptor=receptor, lines=[{"nombre": "c", "precio": 9}]),
        dte.guia_despacho(
            emisor=emisor,
            receptor=receptor,
            lines=[{"nombre": "g", "cantidad": 3, "precio": 7}],
            ind_traslado=1,
            tipo_despacho=2,
            transporte={"patente": "ABCD12", "chofer": {"rut": "1-9", "nombre": "Pedro"}},
        ),
        dte.nota_credito(factura.with_folio(7), cod_ref="anula"),
        dte.nota_debito(factura.with_folio(7), lines=[{"nombre": "interés", "precio": 3}]),
    ]
    for doc in docs:
        d = doc.to_sii_dict()
        again = Document.from_sii_dict(d)
        assert again.to_sii_dict() == d, doc.tipo_dte
        assert again == doc, doc.tipo_dte


def test_from_sii_dict_reads_an_openfactura_style_json() -> None:
    data = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": "33", "Folio": "0", "FchEmis": "2026-02-10", "TpoTranVenta": "1"},
            "Emisor": {
                "RUTEmisor": "76795561-8",
                "RznSoc": "HAULMER SPA",
                "GiroEmis": "VENTA AL POR MENOR",
                "Acteco": 479100,
                "DirOrigen": "ARTURO PRAT 527",
                "CmnaOrigen": "Curicó",
                "CdgSIISucur": "81303347",
            },
            "Receptor": {"RUTRecep": "76430498-5", "RznSocRecep": "HOSTY SPA", "Contacto": ""},
            "Totales": {"MntNeto": "2000", "TasaIVA": "19.00", "IVA": 380, "MntTotal": 2380},
        },
        "Detalle": {
            "NroLinDet": 1,
            "NmbItem": "item",
            "QtyItem": 1.0,
            "PrcItem": 2000,
            "MontoItem": 2000,
        },
        "DscRcgGlobal": [],
        "custom": {"informationNote": "ignored"},
    }
    doc = Document.from_sii_dict(data)
    assert doc.tipo_dte is dte.DTEType.FACTURA
    assert doc.emisor.actecos == [479100]
    assert doc.emisor.cdg_sii_sucur == 81303347
    assert doc.receptor.contacto is None
    assert doc.detalle[0].cantidad == Decimal(1)
    assert doc.encabezado.totales is not None
    assert doc.encabezado.totales.tasa_iva == Decimal(19)
    doc.check_totals()


def test_from_sii_dict_reads_boleta_names_and_unwraps_dte() -> None:
    data = {
        "DTE": {
            "Documento": {
                "Encabezado": {
                    "IdDoc": {"TipoDTE": 39, "Folio": 5, "FchEmis": "2026-02-10", "IndServicio": 3},
                    "Emisor": {"RUTEmisor": "76795561-8", "RznSocEmisor": "H", "GiroEmisor": "G"},
                    "Receptor": {"RUTRecep": "66666666-6"},
                    "Totales": {"MntNeto": 840, "IVA": 160, "MntTotal": 1000, "TotalPeriodo": 1000},
                },
                "Detalle": [
                    {"NroLinDet": 1, "NmbItem": "Item", "PrcItem": 1000, "MontoItem": 1000}
                ],
                "TED": {"DD": {"RE": "76795561-8"}},
                "TmstFirma": "2026-02-10T10:00:00",
            }
        }
    }
    doc = Document.from_sii_dict(data)
    assert doc.emisor.razon_social == "H"
    assert doc.emisor.giro == "G"
    assert doc.encabezado.totales is not None
    assert doc.encabezado.totales.monto_periodo == 1000
    assert doc.folio == 5


def test_from_sii_dict_accepts_a_rut_with_a_wrong_check_digit() -> None:
    data = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": 33, "Folio": 1, "FchEmis": "2026-02-10"},
            "Emisor": {"RUTEmisor": "13185095-K"},
            "Receptor": {"RUTRecep": "76086428-1"},
        },
        "Detalle": [{"NmbItem": "x", "MontoItem": 1}],
    }
    doc = Document.from_sii_dict(data)
    assert doc.emisor.rut == Rut("13185095-K", validate_dv=False)
    assert not doc.receptor.rut.is_dv_valid


def test_from_sii_dict_errors_name_the_sii_path() -> None:
    data = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": 33, "Folio": 1, "FchEmis": "yesterday"},
            "Emisor": {"RUTEmisor": "76795561-8"},
            "Receptor": {"RUTRecep": "60803000-K"},
        },
        "Detalle": [{"NmbItem": "x", "QtyItem": "many"}],
    }
    with pytest.raises(DocumentError) as info:
        Document.from_sii_dict(data)
    fields = [d.field for d in info.value.details]
    assert "Encabezado.IdDoc.FchEmis" in fields
    assert "Detalle[1].QtyItem" in fields


def test_from_sii_dict_refuses_what_is_not_a_mapping() -> None:
    with pytest.raises(DocumentError):
        Document.from_sii_dict({"DTE": ["not", "a", "document"]})


def test_built_models_refuse_unknown_names(emisor: dict[str, Any]) -> None:
    with pytest.raises(DocumentError) as info:
        dte.boleta(emisor=emisor, lines=[{"nombre": "x", "price": 1000}])
    assert info.value.details[0].field == "Detalle[1].price"


def test_errors_name_python_spelled_fields_by_their_sii_path(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError) as info:
        dte.factura(
            emisor={**emisor, "rut": "76192083-8", "actecos": ["many"]},
            receptor=receptor,
            lines=[{"nombre": "a", "precio": -5, "cantidad": 1}],
        )
    issues = {d.field: d.issue for d in info.value.details}
    assert set(issues) == {
        "Encabezado.Emisor.RUTEmisor",
        "Encabezado.Emisor.Acteco[1]",
        "Detalle[1].PrcItem",
    }
    assert issues["Encabezado.Emisor.RUTEmisor"].startswith("the RUT 76192083-8 has the wrong")
    assert "Value error" not in str(info.value)


def test_a_misspelt_key_suggests_the_field_instead_of_calling_it_missing(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError) as info:
        dte.factura(emisor=emisor, receptor=receptor, lines=[{"nombr": "a", "precio": 100}])
    assert [(d.field, d.issue) for d in info.value.details] == [
        ("Detalle[1].nombr", "unknown field 'nombr'; did you mean 'nombre' (NmbItem)?")
    ]


def test_a_misspelt_sii_name_suggests_the_sii_name(receptor: dict[str, Any]) -> None:
    emisor = {"RUTEmisor": "76795561-8", "RznSocc": "X"}
    with pytest.raises(DocumentError) as info:
        dte.factura(emisor=emisor, receptor=receptor, lines=[{"NmbItem": "a", "PrcItem": 1}])
    assert [(d.field, d.issue) for d in info.value.details] == [
        (
            "Encabezado.Emisor.RznSocc",
            "unknown field 'RznSocc'; did you mean 'RznSoc' (razon_social)?",
        )
    ]


def test_an_unknown_key_without_a_close_field_says_so(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError) as info:
        dte.factura(emisor=emisor, receptor=receptor, lines=[{"nombre": "a", "zzz": 1}])
    assert [(d.field, d.issue) for d in info.value.details] == [
        (
            "Detalle[1].zzz",
            "unknown field 'zzz': Detalle has no such field (see haulmer.dte.Detalle)",
        )
    ]


def test_a_missing_required_field_is_required_by_its_sii_name(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError) as info:
        dte.factura(emisor=emisor, receptor=receptor, lines=[{"precio": 100}])
    assert [(d.field, d.issue) for d in info.value.details] == [("Detalle[1].NmbItem", "required")]


def test_a_buyer_named_without_a_rut_is_told_the_sii_generic_receptors(
    emisor: dict[str, Any],
) -> None:
    with pytest.raises(DocumentError) as info:
        dte.boleta(
            emisor=emisor, receptor={"RznSocRecep": "Juan"}, lines=[{"precio": 1000, "nombre": "a"}]
        )
    [detail] = info.value.details
    assert detail.field == "Encabezado.Receptor.RUTRecep"
    assert detail.issue.startswith("required")
    assert "66666666-6" in detail.issue
    assert "55555555-5" in detail.issue


def test_a_value_failing_every_member_of_a_union_is_reported_once() -> None:
    data = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": 61, "FchEmis": "2026-11-27"},
            "Emisor": {"RUTEmisor": "76795561-8"},
            "Receptor": {"RUTRecep": "60803000-K"},
        },
        "Detalle": [{"NmbItem": "x"}],
        "Referencia": [{"CodRef": [1]}],
    }
    with pytest.raises(DocumentError) as info:
        Document.from_sii_dict(data)
    assert [d.field for d in info.value.details] == ["Referencia[1].CodRef"]


def test_the_boleta_issuer_errors_carry_the_emisor_path(emisor: dict[str, Any]) -> None:
    with pytest.raises(DocumentError) as info:
        dte.boleta(emisor={**emisor, "razon_socal": "X"}, lines=[{"nombre": "x", "precio": 1}])
    assert [(d.field, d.issue) for d in info.value.details] == [
        (
            "Encabezado.Emisor.razon_socal",
            "unknown field 'razon_socal'; did you mean 'razon_social' (RznSoc)?",
        )
    ]


def test_every_real_sii_document_reads_and_passes_every_check(fixture_names: list[str]) -> None:
    assert fixture_names  # the four real documents are there
    for name, tree in _fixture_documents():
        doc = Document.from_sii_dict(tree)
        assert doc.folio > 0, name
        doc.check_for_stamping()  # SII-accepted documents break none of our rules
        again = Document.from_sii_dict(doc.to_sii_dict())
        assert again == doc, name


@pytest.fixture
def fixture_names() -> list[str]:
    return [p.name for p in FIXTURES.glob("DTE--*.xml")]


def test_real_nota_de_credito_reads_its_reference() -> None:
    trees = dict(_fixture_documents())
    doc = Document.from_sii_dict(trees["DTE--96670340-7--61--110616.xml"])
    assert doc.tipo_dte is dte.DTEType.NOTA_CREDITO
    ref = doc.referencias[0]
    assert (ref.tipo_doc_ref, ref.folio_ref, ref.cod_ref) == (
        "33",
        "115885",
        dte.CodRef.CORRIGE_MONTOS,
    )
    assert ref.fecha_ref == date(2019, 8, 2)
    assert doc.totals.mnt_total == 57347078


# -- property: round trip -------------------------------------------------------------------------

_text = st.text(alphabet="abcdefghijklmnñopqrstuvwxyzÁÉ &'\"<>0123456789", min_size=1, max_size=30)
_line = st.fixed_dictionaries(
    {
        "nombre": _text,
        "cantidad": st.decimals(min_value=Decimal("0.01"), max_value=Decimal(999), places=2),
        "precio": st.decimals(min_value=0, max_value=Decimal(99999), places=3),
        "ind_exe": st.sampled_from([None, 1]),
        "descuento_pct": st.sampled_from([None, Decimal("2.5")]),
    }
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(_line, min_size=1, max_size=8),
    st.sampled_from(["factura", "boleta", "factura_exenta", "boleta_exenta"]),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 12, 31)),
)
def test_property_to_and_from_sii_dict_round_trip(
    lines: list[dict[str, Any]], kind: str, fecha: date
) -> None:
    emisor = {
        "rut": "76192083-9",
        "razon_social": "S",
        "giro": "G",
        "actecos": [726000],
        "direccion": "D",
        "comuna": "C",
    }
    receptor = {
        "rut": "60803000-K",
        "razon_social": "R",
        "giro": "G",
        "direccion": "D",
        "comuna": "C",
    }
    clean = [{k: v for k, v in line.items() if v is not None} for line in lines]
    if kind.startswith("boleta"):
        doc = getattr(dte, kind)(emisor=emisor, lines=clean, fecha=fecha, check=False)
    else:
        doc = getattr(dte, kind)(
            emisor=emisor, receptor=receptor, lines=clean, fecha=fecha, check=False
        )
    d = doc.to_sii_dict()
    again = Document.from_sii_dict(d)
    assert again == doc
    assert again.to_sii_dict() == d


def _stringify(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify(v) for v in value]
    return str(value)


@settings(max_examples=40, deadline=None)
@given(st.lists(_line, min_size=1, max_size=5), st.sampled_from(["factura", "boleta"]))
def test_property_numbers_written_as_text_read_the_same(
    lines: list[dict[str, Any]], kind: str
) -> None:
    emisor = {
        "rut": "76192083-9",
        "razon_social": "S",
        "giro": "G",
        "actecos": [726000],
        "direccion": "D",
        "comuna": "C",
    }
    clean = [{k: v for k, v in line.items() if v is not None} for line in lines]
    if kind == "boleta":
        doc = dte.boleta(emisor=emisor, lines=clean, fecha=date(2026, 1, 1), check=False)
    else:
        receptor = {"rut": "1-9", "razon_social": "R"}
        doc = dte.factura(
            emisor=emisor, receptor=receptor, lines=clean, fecha=date(2026, 1, 1), check=False
        )
    as_text = _stringify(doc.to_sii_dict())
    assert Document.from_sii_dict(as_text).to_sii_dict() == doc.to_sii_dict()


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Encabezado",
                    "IdDoc",
                    "Emisor",
                    "Receptor",
                    "Totales",
                    "Detalle",
                    "TipoDTE",
                    "Folio",
                    "FchEmis",
                    "RUTEmisor",
                    "RUTRecep",
                    "NmbItem",
                    "QtyItem",
                    "PrcItem",
                    "MntTotal",
                    "Acteco",
                    "Referencia",
                    "CodRef",
                    "DscRcgGlobal",
                    "x",
                ]
            ),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(_json)
def test_property_from_sii_dict_fails_only_with_document_error(data: Any) -> None:
    try:
        doc = Document.from_sii_dict(data)
    except DocumentError:
        return
    # Whatever it accepted renders and checks without crashing.
    try:
        doc.to_sii_dict()
        doc.check()
    except DocumentError:
        pass


def test_document_error_of_another_model_keeps_pydantic_locations() -> None:
    import pydantic

    from haulmer.dte.document import document_error

    class Other(pydantic.BaseModel):
        numbers: list[int]

    with pytest.raises(pydantic.ValidationError) as info:
        Other.model_validate({"numbers": [1, "x"]})
    error = document_error(info.value, "the thing", prefix="Somewhere")
    assert [d.field for d in error.details] == ["Somewhere.numbers[2]"]


_SECTIONS = [
    ("Encabezado.Emisor", "emisor", dte.Emisor),
    ("Encabezado.Receptor", "receptor", dte.Receptor),
    ("Detalle[1]", "line", dte.Detalle),
]


@settings(max_examples=60, deadline=None)
@given(section=st.sampled_from(_SECTIONS), data=st.data())
def test_property_a_bad_value_is_named_by_its_sii_path_in_either_spelling(
    section: tuple[str, str, type[Any]], data: st.DataObject
) -> None:
    path, role, model = section
    name = data.draw(st.sampled_from(sorted(model.model_fields)), label="field")
    alias = model.model_fields[name].alias or name
    key = data.draw(st.sampled_from([name, alias]), label="spelling")
    parts: dict[str, Any] = {
        "emisor": {"RUTEmisor": "76795561-8", "RznSoc": "X"},
        "receptor": {"RUTRecep": "60803000-K"},
        "line": {"NmbItem": "x", "PrcItem": 1},
    }
    parts[role] = {k: v for k, v in parts[role].items() if k != alias} | {key: {"not": "valid"}}
    with pytest.raises(DocumentError) as info:
        dte.factura(emisor=parts["emisor"], receptor=parts["receptor"], lines=[parts["line"]])
    fields = [d.field for d in info.value.details]
    target = f"{path}.{alias}"  # a nested section names its own bad key below it
    assert any(f == target or f.startswith((f"{target}.", f"{target}[")) for f in fields)
    assert all("Value error" not in d.issue for d in info.value.details)


# -- text: trimmed, and blank is no value, whichever way a document is made -----------------------


def test_text_is_trimmed_the_same_way_by_every_door(emisor: dict[str, Any]) -> None:
    spaced = {"nombre": "  Martillo\t", "precio": 10, "descripcion": "\n con mango "}
    built = dte.boleta(emisor=emisor, lines=[spaced], fecha=date(2026, 11, 27))
    line = built.detalle[0]
    assert (line.nombre, line.descripcion) == ("Martillo", "con mango")
    assert Detalle(**spaced).nombre == "Martillo"
    assert Detalle.model_validate({"NmbItem": " Martillo ", "PrcItem": 10}).nombre == "Martillo"
    assert Document.from_sii_dict(built.to_sii_dict()) == built


def test_blank_optional_text_is_no_value(emisor: dict[str, Any], receptor: dict[str, Any]) -> None:
    doc = dte.factura(
        emisor=emisor,
        receptor={**receptor, "contacto": "   ", "correo": ""},
        lines=[{"nombre": "a", "precio": 10, "descripcion": " \t"}],
    )
    assert doc.encabezado.receptor.contacto is None
    assert doc.encabezado.receptor.correo is None
    assert doc.detalle[0].descripcion is None
    assert "Contacto" not in doc.to_sii_dict()["Encabezado"]["Receptor"]  # type: ignore[operator]


def test_blank_required_text_is_still_refused(emisor: dict[str, Any]) -> None:
    with pytest.raises(DocumentError, match="NmbItem"):
        dte.boleta(emisor=emisor, lines=[{"nombre": "   ", "precio": 10}])


def test_an_optional_section_with_no_value_is_no_value_whichever_way_it_is_made(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    empty_sections = {
        "Transporte": {"Patente": " ", "Chofer": None, "Aduana": {"TipoBultos": [{}]}},
        "Totales": {"MntTotal": 0, "Comisiones": {}},
    }
    data = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": 52, "FchEmis": "2026-11-27", "IndTraslado": 5},
            "Emisor": {**emisor, "GuiaExport": {}},
            "Receptor": {**receptor, "Extranjero": {"NumId": ""}},
            **empty_sections,
        },
        "Detalle": [{"NmbItem": "Traslado", "Retenedor": {"MntBaseFaena": None}}],
    }
    for made in (Document.model_validate(data), Document.from_sii_dict(data)):
        encabezado = made.encabezado
        assert encabezado.transporte is None
        assert encabezado.receptor.extranjero is None
        assert encabezado.emisor.guia_export is None
        assert encabezado.totales is not None
        assert encabezado.totales.comisiones is None
        assert made.detalle[0].retenedor is not None  # IndAgente R is a value
        assert "Transporte" not in made.to_sii_dict()["Encabezado"]
        assert Document.model_validate_json(made.model_dump_json()) == made
    assert (
        dte.Encabezado.model_validate(
            {**data["Encabezado"], "Transporte": dte.Transporte(aduana=dte.Aduana())}
        ).transporte
        is None
    )


def test_an_export_package_with_no_value_is_left_out_of_its_list() -> None:
    aduana = dte.Aduana.model_validate(
        {"TipoBultos": [{}, {"CodTpoBultos": 22, "CantBultos": 3}, {"Marcas": "  "}]}
    )
    assert [bultos.cod_tpo_bultos for bultos in aduana.tipo_bultos] == [22]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(built_documents())
def test_property_a_built_document_survives_every_local_trip(document: Document) -> None:
    assert Document.from_sii_dict(document.to_sii_dict()) == document
    assert Document.model_validate(document.to_sii_dict()) == document
    assert Document.model_validate(document.model_dump()) == document
    assert Document.model_validate(document.model_dump(mode="json")) == document
    assert Document.model_validate(document.model_dump(mode="json", by_alias=True)) == document
    assert Document.model_validate_json(document.model_dump_json()) == document
    assert pickle.loads(pickle.dumps(document)) == document


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(built_documents(types=(43, 110, 111, 112)))
def test_property_check_totals_accepts_the_amounts_of_every_family(document: Document) -> None:
    """An export's amounts are in its currency and a liquidación's carry commissions: the
    amounts its own check computes are the ones ``check_totals`` compares with."""
    completed = document.completed()
    completed.check()
    completed.check_totals()
    wrong = completed.to_sii_dict()
    wrong["Encabezado"]["Totales"]["MntTotal"] += 1  # type: ignore[index,operator]
    with pytest.raises(DocumentError) as error:
        Document.from_sii_dict(wrong).check_totals()
    assert [d.field for d in error.value.details] == ["Encabezado.Totales.MntTotal"]


def _plain_factura(emisor: dict[str, Any], receptor: dict[str, Any]) -> Document:
    return dte.factura(emisor=emisor, receptor=receptor, lines=[{"nombre": "x", "precio": 2000}])


@pytest.mark.parametrize("folio", ["5", "abc", 5.0, True, None])
def test_with_folio_of_the_wrong_kind_is_refused(
    emisor: dict[str, Any], receptor: dict[str, Any], folio: object
) -> None:
    """with_folio("abc") stored the text unchecked (a copy is not validated), and check() and
    to_sii_dict() passed the document on with Folio "abc"."""
    with pytest.raises(DocumentError, match="a folio is a whole number") as info:
        _plain_factura(emisor, receptor).with_folio(folio)  # type: ignore[arg-type]
    assert isinstance(info.value, TypeError)
    assert [d.field for d in info.value.details] == ["Encabezado.IdDoc.Folio"]


@pytest.mark.parametrize("folio", [-1, 10**10])
def test_with_folio_outside_the_sii_s_folios_is_refused(
    emisor: dict[str, Any], receptor: dict[str, Any], folio: int
) -> None:
    with pytest.raises(DocumentError, match="from 1 to 9999999999") as info:
        _plain_factura(emisor, receptor).with_folio(folio)
    assert [d.field for d in info.value.details] == ["Encabezado.IdDoc.Folio"]


def test_with_folio_takes_a_folio_and_0(emisor: dict[str, Any], receptor: dict[str, Any]) -> None:
    factura = _plain_factura(emisor, receptor)
    assert factura.with_folio(9_999_999_999).folio == 9_999_999_999
    assert factura.with_folio(0).folio == 0  # OpenFactura assigns it


@pytest.mark.parametrize(
    ("argument", "value", "field"),
    [
        ("saldo_anterior", "5", "Encabezado.Totales.SaldoAnterior"),
        ("saldo_anterior", 5.5, "Encabezado.Totales.SaldoAnterior"),
        ("saldo_anterior", True, "Encabezado.Totales.SaldoAnterior"),
        ("credito_constructoras", "5", "Encabezado.Totales.CredEC"),
        ("tasas_adicionales", [("28", 5)], "tasas_adicionales"),
        ("tasas_adicionales", "28", "tasas_adicionales"),
    ],
)
def test_completed_refuses_an_argument_of_the_wrong_kind_naming_it(
    emisor: dict[str, Any], receptor: dict[str, Any], argument: str, value: object, field: str
) -> None:
    """completed(saldo_anterior="5") crashed with "unsupported operand type(s)", 5.5 and True
    were written as SaldoAnterior, and credito_constructoras="5" was dropped without a word."""
    with pytest.raises(DocumentError, match=rf"^{argument} is ") as info:
        _plain_factura(emisor, receptor).completed(**{argument: value})
    assert isinstance(info.value, TypeError)
    assert [d.field for d in info.value.details] == [field]


def test_completed_refuses_a_credito_below_0(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    """completed(credito_constructoras=-5) dropped the crédito without a word; the builders
    refuse it."""
    with pytest.raises(DocumentError, match="0 or more pesos") as info:
        _plain_factura(emisor, receptor).completed(credito_constructoras=-5)
    assert [d.field for d in info.value.details] == ["Encabezado.Totales.CredEC"]


@pytest.mark.parametrize("method", ["checked", "checked_sii_dict"])
def test_for_stamping_that_is_no_bool_is_refused(
    emisor: dict[str, Any], receptor: dict[str, Any], method: str
) -> None:
    """checked(for_stamping="no") took the text as true and asked for a CAF's folio."""
    factura = _plain_factura(emisor, receptor)
    with pytest.raises(DocumentError, match="for_stamping is True or False, got 'no'") as info:
        getattr(factura, method)(for_stamping="no")
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize("medio_pago", ["\u00b2", "1\u00b2", "\u0663", "\uff13"])
def test_a_boletas_medio_pago_in_other_digits_is_rendered_as_written_and_named_by_check(
    emisor: dict[str, Any], medio_pago: str
) -> None:
    # superscript digits, which int() cannot read, and other scripts' digits, which it reads
    doc = dte.boleta(emisor=emisor, lines=[{"nombre": "a", "precio": 1190}], check=False)
    data = doc.to_sii_dict()
    data["Encabezado"]["IdDoc"]["MedioPago"] = medio_pago
    read = Document.from_sii_dict(data)
    assert read.to_sii_dict()["Encabezado"]["IdDoc"]["MedioPago"] == medio_pago
    with pytest.raises(DocumentError) as caught:
        read.check()
    assert [d.field for d in caught.value.details] == ["Encabezado.IdDoc.MedioPago"]
