"""haulmer.dte rules: every DocumentError path of check(), check_totals(), check_for_stamping()."""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import haulmer.dte as dte
from haulmer.dte import Document
from haulmer.dte.rules import check_document
from haulmer.errors import DocumentError, ErrorDetail, ValidationError

BASE: dict[str, Any] = {
    "Encabezado": {
        "IdDoc": {"TipoDTE": 33, "Folio": 1, "FchEmis": "2026-02-10"},
        "Emisor": {
            "RUTEmisor": "76192083-9",
            "RznSoc": "SASCO SpA",
            "GiroEmis": "Tecnología",
            "Acteco": [726000],
            "DirOrigen": "Santa Cruz",
            "CmnaOrigen": "Santa Cruz",
        },
        "Receptor": {
            "RUTRecep": "60803000-K",
            "RznSocRecep": "Servicio de Impuestos Internos",
            "GiroRecep": "Gobierno",
            "DirRecep": "Santiago",
            "CmnaRecep": "Santiago",
        },
    },
    "Detalle": [{"NmbItem": "Conectores RJ45", "QtyItem": 450, "PrcItem": 70}],
}
BOLETA: dict[str, Any] = {
    "Encabezado": {
        "IdDoc": {"TipoDTE": 39, "Folio": 1, "FchEmis": "2026-02-10", "IndServicio": 3},
        "Emisor": {"RUTEmisor": "76192083-9", "RznSocEmisor": "SASCO SpA"},
        "Receptor": {"RUTRecep": "66666666-6"},
    },
    "Detalle": [{"NmbItem": "Producto", "PrcItem": 1190}],
}
REFERENCE = {"TpoDocRef": "33", "FolioRef": "1", "FchRef": "2026-02-01", "CodRef": 1}


def _doc(base: dict[str, Any] = BASE, **changes: Any) -> Document:
    """A copy of ``base`` with ``changes`` at dotted paths (``Encabezado.Emisor.RznSoc``)."""
    data = copy.deepcopy(base)
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        node = data
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return Document.model_validate(data)


def _problems(doc: Document) -> list[ErrorDetail]:
    with pytest.raises(DocumentError) as info:
        doc.check()
    return info.value.details


def _fields(doc: Document) -> list[str]:
    return [d.field for d in _problems(doc)]


def test_a_good_factura_passes() -> None:
    _doc().check()
    _doc().check_for_stamping()
    _doc(BOLETA).check()


def test_document_error_is_a_validation_error_listing_every_problem() -> None:
    doc = _doc(Encabezado__Emisor__RznSoc=None, Encabezado__Emisor__GiroEmis=None)
    with pytest.raises(ValidationError) as info:
        doc.check()
    assert isinstance(info.value, DocumentError)
    assert "Factura electrónica (33) has 2 problems" in str(info.value)
    assert "Encabezado.Emisor.RznSoc" in str(info.value)


def test_the_summary_says_problem_for_one_and_problems_for_more() -> None:
    with pytest.raises(DocumentError) as one:
        _doc(Encabezado__Emisor__RznSoc=None).check()
    assert "Factura electrónica (33) has 1 problem: Encabezado.Emisor.RznSoc" in str(one.value)
    with pytest.raises(DocumentError) as amount:
        _doc(
            Encabezado__Totales={"MntNeto": 31500, "TasaIVA": 19, "IVA": 5985, "MntTotal": 1}
        ).check_totals()
    assert "has 1 wrong amount: " in str(amount.value)


def test_counted_limits_say_how_many_and_what_to_do() -> None:
    doc = _doc(
        Encabezado__Emisor__Acteco=[1, 2, 3, 4, 5],
        Encabezado__Emisor__Telefono=["1", "2", "3"],
        Detalle=[
            {
                "NmbItem": "x",
                "PrcItem": 1,
                "CdgItem": [{"TpoCodigo": "INT1", "VlrCodigo": str(i)} for i in range(6)],
            }
        ],
    )
    issues = {p.field: p.issue for p in _problems(doc)}
    assert issues["Encabezado.Emisor.Acteco"] == (
        "5 actividades económicas; the SII allows at most 4: keep the ones this sale belongs to"
    )
    assert issues["Encabezado.Emisor.Telefono"] == (
        "3 phone numbers; the SII allows at most 2: keep two"
    )
    assert issues["Detalle[1].CdgItem"] == "6 item codes; the SII allows at most 5: keep five"


def test_a_discount_percentage_over_100_is_named_on_the_percentage() -> None:
    doc = _doc(Detalle=[{"NmbItem": "x", "QtyItem": 3, "PrcItem": 333, "DescuentoPct": 150}])
    assert [(p.field, p.issue) for p in _problems(doc)] == [
        ("Detalle[1].DescuentoPct", "is 150; a discount is at most 100 (%)")
    ]


@pytest.mark.parametrize(
    "line",
    [
        {"NmbItem": "x", "PrcItem": 2000, "DescuentoPct": "100.01"},  # rounds to the whole line
        {"NmbItem": "x", "PrcItem": 2000, "DescuentoPct": "100.01", "DescuentoMonto": 2000},
    ],
)
def test_a_discount_percentage_just_over_100_is_refused_though_the_line_stays_at_0(
    line: dict[str, Any],
) -> None:
    doc = _doc(Detalle=[line])
    assert [(p.field, p.issue) for p in _problems(doc)] == [
        ("Detalle[1].DescuentoPct", "is 100.01; a discount is at most 100 (%)")
    ]


def test_an_export_s_discount_percentage_over_100_is_refused() -> None:
    export = dte.factura_exportacion(
        emisor=BASE["Encabezado"]["Emisor"],
        receptor={"RznSocRecep": "ACME GMBH"},
        lines=[{"NmbItem": "x", "PrcItem": 2000}],
        moneda="EURO",
        ind_servicio=3,
    )
    line = export.detalle[0].model_copy(update={"descuento_pct": Decimal("100.01")})
    doc = export.model_copy(update={"detalle": [line]})
    assert ("Detalle[1].DescuentoPct", "is 100.01; a discount is at most 100 (%)") in [
        (p.field, p.issue) for p in _problems(doc)
    ]


def test_an_export_s_discount_percentage_that_leaves_its_line_below_0_is_named() -> None:
    with pytest.raises(DocumentError) as info:
        dte.factura_exportacion(
            emisor=BASE["Encabezado"]["Emisor"],
            receptor={"RznSocRecep": "ACME GMBH"},
            lines=[{"NmbItem": "x", "PrcItem": 2000, "DescuentoPct": 150}],
            moneda="EURO",
            ind_servicio=3,
        )
    assert [(p.field, p.issue) for p in info.value.details] == [
        ("Detalle[1].DescuentoPct", "is 150; a discount is at most 100 (%)")
    ]


def test_a_global_discount_over_100_percent_says_what_it_is_and_to_lower_it() -> None:
    discount = {"TpoMov": "D", "TpoValor": "%", "ValorDR": "100.01"}
    problems = _problems(_doc(DscRcgGlobal=[discount]))
    assert (
        "DscRcgGlobal[1].ValorDR",
        "is 100.01%; a discount is at most 100 (%) of the amount it applies to: lower it",
    ) in [(p.field, p.issue) for p in problems]


def test_a_part_of_a_discount_over_100_percent_is_refused() -> None:
    parts = [{"TipoDscto": "$", "ValorDscto": 500}, {"TipoDscto": "%", "ValorDscto": 150}]
    doc = _doc(
        Detalle=[{"NmbItem": "x", "PrcItem": 2000, "DescuentoMonto": 100, "SubDscto": parts}]
    )
    assert [(p.field, p.issue) for p in _problems(doc)] == [
        ("Detalle[1].SubDscto[2].ValorDscto", "is 150%; a part of a discount is at most 100 (%)")
    ]
    surcharge = [{"TipoRecargo": "%", "ValorRecargo": 150}]  # a surcharge may exceed 100%
    doc = _doc(
        Detalle=[{"NmbItem": "x", "PrcItem": 2000, "RecargoMonto": 3000, "SubRecargo": surcharge}]
    )
    doc.check()


def test_a_given_discount_amount_too_large_stays_named_on_the_amount() -> None:
    doc = _doc(Detalle=[{"NmbItem": "x", "PrcItem": 100, "DescuentoMonto": 150}])
    assert _fields(doc) == ["Detalle[1].DescuentoMonto"]


@pytest.mark.parametrize(
    "path",
    [
        "Encabezado.Emisor.RznSoc",
        "Encabezado.Emisor.GiroEmis",
        "Encabezado.Emisor.Acteco",
        "Encabezado.Emisor.DirOrigen",
        "Encabezado.Emisor.CmnaOrigen",
        "Encabezado.Receptor.RznSocRecep",
        "Encabezado.Receptor.GiroRecep",
        "Encabezado.Receptor.DirRecep",
        "Encabezado.Receptor.CmnaRecep",
    ],
)
def test_factura_required_fields(path: str) -> None:
    doc = _doc(**{path.replace(".", "__"): None})
    assert _fields(doc) == [path]


def test_required_text_cannot_be_blank() -> None:
    assert _fields(_doc(Encabezado__Emisor__RznSoc="   ")) == ["Encabezado.Emisor.RznSoc"]


def test_nota_does_not_require_receptor_giro_but_guia_requires_ind_traslado() -> None:
    nota = _doc(
        Encabezado__IdDoc__TipoDTE=61, Encabezado__Receptor__GiroRecep=None, Referencia=[REFERENCE]
    )
    nota.check()
    guia = _doc(Encabezado__IdDoc__TipoDTE=52)
    assert _fields(guia) == ["Encabezado.IdDoc.IndTraslado"]


def test_boleta_requires_ind_servicio() -> None:
    assert _fields(_doc(BOLETA, Encabezado__IdDoc__IndServicio=None)) == [
        "Encabezado.IdDoc.IndServicio"
    ]


def test_acteco_count_and_digits() -> None:
    too_many = _doc(Encabezado__Emisor__Acteco=[1, 2, 3, 4, 5])
    assert _fields(too_many) == ["Encabezado.Emisor.Acteco"]
    too_long = _doc(Encabezado__Emisor__Acteco=[1234567])
    assert _fields(too_long) == ["Encabezado.Emisor.Acteco[1]"]


@pytest.mark.parametrize("tipo", [33, 34, 46])
def test_a_factura_to_the_generic_receptor_rut_is_refused(tipo: int) -> None:
    # 66666666-6 stands for a boleta's anonymous buyer; a factura names a contribuyente.
    generic = _doc(Encabezado__IdDoc__TipoDTE=tipo, Encabezado__Receptor__RUTRecep="66666666-6")
    named = _doc(Encabezado__IdDoc__TipoDTE=tipo)
    found = [p for p in _problems(generic) if p.field == "Encabezado.Receptor.RUTRecep"]
    assert len(found) == 1
    assert "66666666-6" in found[0].issue
    assert "boleta" in found[0].issue
    named_problems = check_document(named).problems
    assert "Encabezado.Receptor.RUTRecep" not in [p.field for p in named_problems]


def test_a_boleta_to_the_generic_receptor_rut_is_accepted() -> None:
    doc = dte.boleta(
        emisor={"rut": "76192083-9", "razon_social": "SASCO SpA"},
        receptor={"rut": "66666666-6"},
        lines=[{"nombre": "Producto", "precio": 1190}],
    )
    assert str(doc.receptor.rut) == "66666666-6"


def test_at_most_two_phone_numbers() -> None:
    doc = _doc(Encabezado__Emisor__Telefono=["1", "2", "3"])
    assert _fields(doc) == ["Encabezado.Emisor.Telefono"]


@pytest.mark.parametrize(
    ("path", "length", "limit", "advice"),
    [
        ("Encabezado.Emisor.RznSoc", 101, 100, "razon_social[:100])"),
        ("Encabezado.Emisor.GiroEmis", 81, 80, "giro[:80])"),
        ("Encabezado.Receptor.GiroRecep", 41, 40, "giro[:40])"),
        ("Encabezado.Receptor.CmnaRecep", 21, 20, "comuna[:20])"),
        ("Encabezado.Emisor.DirOrigen", 71, 70, "direccion[:70])"),
    ],
)
def test_text_longer_than_the_schema_allows_says_how_to_cut_it(
    path: str, length: int, limit: int, advice: str
) -> None:
    problems = _problems(_doc(**{path.replace(".", "__"): "x" * length}))
    assert [(p.field, p.issue) for p in problems] == [
        (
            path,
            f"is {length} characters long; the SII allows at most {limit}: "
            f"cut it to {limit} characters (e.g. {advice}",
        )
    ]


@pytest.mark.parametrize(
    ("path", "length", "limit"),
    [
        ("Encabezado.Receptor.CorreoRecep", 81, 80),
        ("Encabezado.Transporte.Patente", 9, 8),
    ],
)
def test_a_long_code_or_identifier_is_not_told_to_be_cut(
    path: str, length: int, limit: int
) -> None:
    value = "x" * length
    if path.endswith("CorreoRecep"):  # an address, which only its length makes wrong
        value = "x" * (length - 5) + "@x.cl"
    problems = _problems(_doc(**{path.replace(".", "__"): value}))
    assert [(p.field, p.issue) for p in problems] == [
        (
            path,
            f"is {length} characters long; the SII allows at most {limit}: it is a code or an "
            f"identifier, which cutting would change, so use one of at most {limit} characters",
        )
    ]


def test_long_codes_in_lines_and_references_are_not_told_to_be_cut() -> None:
    doc = _doc(
        Referencia=[{"TpoDocRef": "9999", "FolioRef": "1", "FchRef": "2026-12-01"}],
    )
    issues = {p.field: p.issue for p in _problems(doc)}
    assert "which cutting would change" in issues["Referencia[1].TpoDocRef"]
    assert "[:3]" not in issues["Referencia[1].TpoDocRef"]


def test_a_long_receptor_giro_from_the_registry_is_refused_with_the_cut_to_make() -> None:
    giro = "Actividades de consultoría de informática y de gestión de instalaciones"
    with pytest.raises(DocumentError) as info:
        _doc(Encabezado__Receptor__GiroRecep=giro).check()
    assert "giro[:40]" in str(info.value)
    _doc(Encabezado__Receptor__GiroRecep=giro[:40]).check()


def test_lengths_inside_lines_and_references() -> None:
    doc = _doc(
        Detalle=[
            {
                "NmbItem": "n" * 81,
                "PrcItem": 1,
                "UnmdItem": "KILOS",
                "CdgItem": [{"TpoCodigo": "INT1", "VlrCodigo": "v" * 36}],
            }
        ],
        Referencia=[{**REFERENCE, "RazonRef": "r" * 91, "CodRef": None}],
    )
    assert _fields(doc) == [
        "Detalle[1].CdgItem[1].VlrCodigo",
        "Detalle[1].NmbItem",
        "Detalle[1].UnmdItem",
        "Referencia[1].RazonRef",
    ]


def test_boleta_lengths_use_boleta_names() -> None:
    doc = _doc(BOLETA, Encabezado__Emisor__RznSocEmisor="x" * 101)
    assert _fields(doc) == ["Encabezado.Emisor.RznSocEmisor"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("Encabezado.IdDoc.FmaPago", 4),
        ("Encabezado.IdDoc.MedioPago", "XX"),
        ("Encabezado.IdDoc.IndServicio", 4),
        ("Encabezado.IdDoc.TipoDespacho", 9),
        ("Encabezado.IdDoc.TpoTranVenta", 5),
        ("Encabezado.IdDoc.MntBruto", 2),
        ("Encabezado.IdDoc.TpoCtaPago", "OTRA"),
    ],
)
def test_enumerations_of_facturas(path: str, value: Any) -> None:
    problems = _problems(_doc(**{path.replace(".", "__"): value}))
    assert problems[0].field == path
    assert "is not one of" in problems[0].issue


def test_enumerations_of_boletas() -> None:
    doc = _doc(BOLETA, Encabezado__IdDoc__MedioPago="CH", Encabezado__IdDoc__IndServicio=5)
    assert _fields(doc) == ["Encabezado.IdDoc.IndServicio", "Encabezado.IdDoc.MedioPago"]


def test_ind_exe_values_differ_between_facturas_and_boletas() -> None:
    # DTE_v10 (06/02/2026) allows 1 to 6 on a Documento; EnvioBOLETA_v11 only 1, 2 and 6.
    factura = _doc(Detalle=[{"NmbItem": "x", "PrcItem": 1, "IndExe": 7}])
    assert "Detalle[1].IndExe" in _fields(factura)
    _doc(Detalle=[{"NmbItem": "x", "PrcItem": 1, "IndExe": 3}]).check()
    boleta = _doc(BOLETA, Detalle=[{"NmbItem": "x", "PrcItem": 1, "IndExe": 3}])
    assert "Detalle[1].IndExe" in _fields(boleta)


def test_a_boletas_given_grnt_dep_is_named_once_as_an_element_boletas_lack() -> None:
    totales = {"MntNeto": 1000, "IVA": 190, "MntTotal": 1190, "GrntDep": 200}
    problems = _problems(_doc(BOLETA, Encabezado__Totales=totales))
    assert [d.field for d in problems] == ["Encabezado.Totales.GrntDep"]
    assert "has no such element" in problems[0].issue


def test_a_boletas_line_cod_imp_adic_is_named_once_as_an_element_boletas_lack() -> None:
    boleta = _doc(BOLETA, Detalle=[{"NmbItem": "Pisco", "PrcItem": 11900, "CodImpAdic": "24"}])
    problems = _problems(boleta)
    assert [d.field for d in problems] == ["Detalle[1].CodImpAdic"]
    assert "has no such element" in problems[0].issue


def test_dates_outside_the_sii_range() -> None:
    doc = _doc(Encabezado__IdDoc__FchEmis="1999-12-31")
    assert _fields(doc) == ["Encabezado.IdDoc.FchEmis"]


def test_boleta_refuses_elements_its_schema_lacks() -> None:
    doc = _doc(
        BOLETA,
        Encabezado__Emisor__Acteco=[726000],
        Encabezado__Receptor__GiroRecep="Giro",
        Referencia=[{"TpoDocRef": "39", "FolioRef": "5", "FchRef": "2026-01-01"}],
    )
    problems = _problems(doc)
    assert [p.field for p in problems] == [
        "Encabezado.Emisor.Acteco",
        "Encabezado.Receptor.GiroRecep",
        "Referencia[1].FchRef",
    ]
    assert "EnvioBOLETA_v11" in problems[0].issue


def test_facturas_refuse_boleta_only_elements() -> None:
    doc = _doc(Encabezado__IdDoc__IndMntNeto=2, Encabezado__Receptor__TelefonoRecep="1")
    assert _fields(doc) == ["Encabezado.IdDoc.IndMntNeto", "Encabezado.Receptor.TelefonoRecep"]


def test_lines_are_required() -> None:
    assert _fields(_doc(Detalle=[])) == ["Detalle"]


def test_at_most_60_lines_on_facturas_and_1000_on_boletas() -> None:
    line = {"NmbItem": "x", "PrcItem": 1}
    assert _fields(_doc(Detalle=[line] * 61)) == ["Detalle"]
    _doc(Detalle=[line] * 60).check()
    _doc(BOLETA, Detalle=[line] * 1000).check()
    problems = _problems(_doc(BOLETA, Detalle=[line] * 1001))
    assert [(p.field, p.issue) for p in problems] == [
        (
            "Detalle",
            "1001 lines; the SII allows at most 1000: group items into fewer lines or split "
            "the sale into several documents",
        )
    ]


def test_line_numbers_must_follow_the_order() -> None:
    doc = _doc(Detalle=[{"NroLinDet": 2, "NmbItem": "x", "PrcItem": 1}])
    assert _fields(doc) == ["Detalle[1].NroLinDet"]


def test_line_name_cannot_be_blank() -> None:
    assert _fields(_doc(Detalle=[{"NmbItem": " ", "PrcItem": 1}])) == ["Detalle[1].NmbItem"]


def test_code_counts_per_line() -> None:
    codes = [{"TpoCodigo": "INT1", "VlrCodigo": str(i)} for i in range(6)]
    doc = _doc(Detalle=[{"NmbItem": "x", "PrcItem": 1, "CdgItem": codes}])
    assert _fields(doc) == ["Detalle[1].CdgItem"]
    taxes = _doc(Detalle=[{"NmbItem": "x", "PrcItem": 1, "CodImpAdic": ["24", "25", "26"]}])
    assert "Detalle[1].CodImpAdic" in _fields(taxes)


def test_cod_imp_adic_only_on_afecto_lines_and_never_on_boletas() -> None:
    exempt_line = _doc(Detalle=[{"NmbItem": "x", "PrcItem": 1, "IndExe": 1, "CodImpAdic": "24"}])
    assert _fields(exempt_line) == ["Detalle[1].CodImpAdic"]
    boleta = _doc(BOLETA, Detalle=[{"NmbItem": "x", "PrcItem": 1190, "CodImpAdic": "24"}])
    assert "Detalle[1].CodImpAdic" in _fields(boleta)


def test_a_tax_code_repeated_on_a_line_is_refused_not_levied_twice() -> None:
    doc = _doc(Detalle=[{"NmbItem": "Pisco", "PrcItem": 1000, "CodImpAdic": ["24", "24"]}])
    problems = _problems(doc)
    assert [d.field for d in problems] == ["Detalle[1].CodImpAdic"]
    assert "24 twice" in problems[0].issue
    assert [(t.tipo, t.monto) for t in doc.totals.impto_reten] == [("24", 315)]


def test_two_iva_retentions_on_one_line_are_refused() -> None:
    doc = _doc(Detalle=[{"NmbItem": "Trigo", "PrcItem": 1000, "CodImpAdic": ["15", "34"]}])
    problems = _problems(doc)
    assert [d.field for d in problems] == ["Detalle[1].CodImpAdic"]
    assert "15 and 34" in problems[0].issue


def test_an_additional_tax_and_a_retention_on_one_line_pass() -> None:
    _doc(Detalle=[{"NmbItem": "Harina", "PrcItem": 1000, "CodImpAdic": ["19", "15"]}]).check()


def test_every_rut_read_leniently_with_a_wrong_check_digit_is_named_by_check() -> None:
    data = copy.deepcopy(BASE)
    data["Encabezado"]["IdDoc"].update(TipoDTE=52, IndTraslado=1)
    data["Encabezado"]["RUTSolicita"] = "3-8"
    data["Encabezado"]["Transporte"] = {
        "RUTTrans": "1-8",
        "Chofer": {"RUTChofer": "2-8", "NombreChofer": "Juan"},
    }
    doc = Document.from_sii_dict(data)
    problems = _problems(doc)
    assert [d.field for d in problems] == [
        "Encabezado.RUTSolicita",
        "Encabezado.Transporte.RUTTrans",
        "Encabezado.Transporte.Chofer.RUTChofer",
    ]
    assert "1-8 has a wrong check digit" in problems[1].issue
    assert "1-9" in problems[1].issue


def test_global_discounts_and_surcharges_limits() -> None:
    item = {"TpoMov": "R", "TpoValor": "$", "ValorDR": 1}
    assert _fields(_doc(DscRcgGlobal=[item] * 21)) == ["DscRcgGlobal"]
    numbered = _doc(DscRcgGlobal=[{**item, "NroLinDR": 3}])
    assert _fields(numbered) == ["DscRcgGlobal[1].NroLinDR"]
    over = _doc(DscRcgGlobal=[{"TpoMov": "D", "TpoValor": "%", "ValorDR": 150}])
    assert "DscRcgGlobal[1].ValorDR" in _fields(over)


def test_notes_need_a_reference_with_cod_ref() -> None:
    for tipo in (56, 61):
        problems = _problems(_doc(Encabezado__IdDoc__TipoDTE=tipo))
        assert [p.field for p in problems] == ["Referencia"]
        assert "CodRef" in problems[0].issue
    no_code = _doc(Encabezado__IdDoc__TipoDTE=61, Referencia=[{**REFERENCE, "CodRef": None}])
    assert _fields(no_code) == ["Referencia"]


def test_reference_fields_required_outside_boletas() -> None:
    doc = _doc(Referencia=[{"NroLinRef": 1}])
    assert _fields(doc) == [
        "Referencia[1].TpoDocRef",
        "Referencia[1].FolioRef",
        "Referencia[1].FchRef",
    ]


def test_text_cod_ref_only_on_boletas() -> None:
    doc = _doc(Referencia=[{**REFERENCE, "CodRef": "SET"}])
    assert _fields(doc) == ["Referencia[1].CodRef"]
    _doc(BOLETA, Referencia=[{"NroLinRef": 1, "CodRef": "SET"}]).check()


def test_rut_otro_only_on_compra_and_notes() -> None:
    doc = _doc(Referencia=[{**REFERENCE, "RUTOtr": "1-9"}])
    assert _fields(doc) == ["Referencia[1].RUTOtr"]
    _doc(Encabezado__IdDoc__TipoDTE=61, Referencia=[{**REFERENCE, "RUTOtr": "1-9"}]).check()


def test_at_most_40_references() -> None:
    refs = [{**REFERENCE, "NroLinRef": i + 1, "CodRef": None} for i in range(41)]
    assert _fields(_doc(Referencia=refs)) == ["Referencia"]


def test_folio_has_at_most_10_digits() -> None:
    assert _fields(_doc(Encabezado__IdDoc__Folio=10**10)) == ["Encabezado.IdDoc.Folio"]


def test_folio_zero_is_fine_for_openfactura_but_not_for_stamping() -> None:
    doc = _doc(Encabezado__IdDoc__Folio=0)
    doc.check()
    with pytest.raises(DocumentError) as info:
        doc.check_for_stamping()
    assert [d.field for d in info.value.details] == ["Encabezado.IdDoc.Folio"]
    assert "CAF" in info.value.details[0].issue
    doc.with_folio(42).check_for_stamping()


# -- totals ---------------------------------------------------------------------------------------

GOOD_TOTALS = {"MntNeto": 31500, "TasaIVA": 19, "IVA": 5985, "MntTotal": 37485}


def test_correct_given_totals_pass() -> None:
    _doc(Encabezado__Totales=GOOD_TOTALS).check_totals()


def test_each_wrong_total_is_named_with_its_expected_value() -> None:
    wrong = {"MntNeto": 31500, "TasaIVA": 19, "IVA": 5986, "MntTotal": 37486}
    with pytest.raises(DocumentError) as info:
        _doc(Encabezado__Totales=wrong).check_totals()
    assert [(d.field, d.issue) for d in info.value.details] == [
        ("Encabezado.Totales.IVA", "is 5986, expected 5985"),
        ("Encabezado.Totales.MntTotal", "is 37486, expected 37485"),
    ]
    assert "wrong amounts" in str(info.value)


def test_missing_or_extra_amounts_count_as_zero() -> None:
    extra = {**GOOD_TOTALS, "MntExe": 0}
    _doc(Encabezado__Totales=extra).check_totals()
    with pytest.raises(DocumentError) as info:
        _doc(Encabezado__Totales={**GOOD_TOTALS, "MntExe": 5}).check_totals()
    assert [(d.field, d.issue) for d in info.value.details] == [
        ("Encabezado.Totales.MntExe", "is 5, expected 0")
    ]
    with pytest.raises(DocumentError) as info:
        _doc(Encabezado__Totales={"MntTotal": 37485}).check_totals()
    assert [d.field for d in info.value.details] == [
        "Encabezado.Totales.MntNeto",
        "Encabezado.Totales.IVA",
    ]


def test_iva_propio_and_de_terceros_must_split_the_iva() -> None:
    split = {**GOOD_TOTALS, "IVAProp": 5000, "IVATerc": 985}
    _doc(Encabezado__Totales=split).check_totals()
    with pytest.raises(DocumentError) as info:
        _doc(Encabezado__Totales={**GOOD_TOTALS, "IVAProp": 1, "IVATerc": 5}).check_totals()
    assert [(d.field, d.issue) for d in info.value.details] == [
        (
            "Encabezado.Totales.IVATerc",
            "IVAProp (1) + IVATerc (5) is 6, but the IVA is 5985: they split the IVA between "
            "the issuer's own and third parties', so they add up to it",
        )
    ]


def test_wrong_tasa_iva() -> None:
    with pytest.raises(DocumentError) as info:
        _doc(Encabezado__Totales={**GOOD_TOTALS, "TasaIVA": 18}).check_totals()
    assert info.value.details[0].field == "Encabezado.Totales.TasaIVA"


def test_wrong_line_amount_is_named() -> None:
    doc = _doc(Detalle=[{"NmbItem": "x", "QtyItem": 450, "PrcItem": 70, "MontoItem": 31000}])
    with pytest.raises(DocumentError) as info:
        doc.check_totals()
    assert info.value.details[0].field == "Detalle[1].MontoItem"
    assert "expected 31500" in info.value.details[0].issue


def test_wrong_retention_and_unexpected_tax() -> None:
    lines = [{"NmbItem": "Trigo", "QtyItem": 2, "PrcItem": 5000, "CodImpAdic": "34"}]
    totales = {
        "MntNeto": 10000,
        "TasaIVA": 19,
        "IVA": 1900,
        "ImptoReten": [
            {"TipoImp": 34, "TasaImp": 4, "MontoImp": 401},
            {"TipoImp": 24, "TasaImp": "31.5", "MontoImp": 1},
        ],
        "IVANoRet": 1500,
        "MntTotal": 11500,
    }
    doc = _doc(Encabezado__IdDoc__TipoDTE=46, Detalle=lines, Encabezado__Totales=totales)
    with pytest.raises(DocumentError) as info:
        doc.check_totals()
    assert [(d.field, d.issue) for d in info.value.details] == [
        (
            "Encabezado.Totales.ImptoReten[TipoImp=24].MontoImp",
            "is 1, but no line carries CodImpAdic 24",
        ),
        ("Encabezado.Totales.ImptoReten[TipoImp=34].MontoImp", "is 401, expected 400"),
    ]


def test_a_tax_written_twice_in_totales_is_named() -> None:
    """IVA retenido total 15 stated twice with the right amount: a reader adding ImptoReten
    up would retain it twice, though MntTotal subtracts it once."""
    lines = [{"NmbItem": "Trigo", "QtyItem": 2, "PrcItem": 5000, "CodImpAdic": "15"}]
    retention = {"TipoImp": 15, "TasaImp": 19, "MontoImp": 1900}
    totales = {
        "MntNeto": 10000,
        "TasaIVA": 19,
        "IVA": 1900,
        "ImptoReten": [retention, retention],
        "MntTotal": 10000,
    }
    doc = _doc(Encabezado__IdDoc__TipoDTE=46, Detalle=lines, Encabezado__Totales=totales)
    with pytest.raises(DocumentError) as info:
        doc.check_totals()
    assert [(d.field, d.issue) for d in info.value.details] == [
        (
            "Encabezado.Totales.ImptoReten[TipoImp=15]",
            "is written 2 times; each tax or retention goes once in Totales, with the sum of "
            "its lines: keep one",
        )
    ]


def test_declared_rate_serves_a_code_without_fixed_rate() -> None:
    lines = [{"NmbItem": "diesel", "PrcItem": 1000, "CodImpAdic": "28"}]
    totales = {
        "MntNeto": 1000,
        "TasaIVA": 19,
        "IVA": 190,
        "ImptoReten": [{"TipoImp": "28", "TasaImp": "2.5", "MontoImp": 25}],
        "MntTotal": 1215,
    }
    _doc(Detalle=lines, Encabezado__Totales=totales).check()


def test_wrong_period_total() -> None:
    lines = [{"NmbItem": "a", "PrcItem": 1190}, {"NmbItem": "nf", "PrcItem": 10, "IndExe": 2}]
    totales = {"MntNeto": 1000, "IVA": 190, "MntTotal": 1190, "MontoNF": 10, "TotalPeriodo": 1}
    with pytest.raises(DocumentError) as info:
        _doc(BOLETA, Detalle=lines, Encabezado__Totales=totales).check_totals()
    assert [(d.field, d.issue) for d in info.value.details] == [
        ("Encabezado.Totales.TotalPeriodo", "is 1, expected 1200")
    ]


def test_calculator_refusals_are_reported_by_check() -> None:
    doc = _doc(Detalle=[{"NmbItem": "x", "PrcItem": 10, "DescuentoMonto": 11}])
    assert _fields(doc) == ["Detalle[1].DescuentoMonto"]


def test_check_shows_at_most_five_problems_in_the_message() -> None:
    doc = _doc(
        Encabezado__Emisor={"RUTEmisor": "76192083-9"},
        Encabezado__Receptor={"RUTRecep": "60803000-K"},
    )
    with pytest.raises(DocumentError) as info:
        doc.check()
    assert len(info.value.details) == 9
    assert "(and 4 more)" in str(info.value)


def test_builders_check_unless_told_not_to(emisor: dict[str, Any]) -> None:
    with pytest.raises(DocumentError):
        dte.factura(emisor=emisor, receptor={"rut": "1-9"}, lines=[{"nombre": "x", "precio": 1}])
    doc = dte.factura(
        emisor=emisor, receptor={"rut": "1-9"}, lines=[{"nombre": "x", "precio": 1}], check=False
    )
    assert doc.totals.mnt_total == 1


def test_fecha_defaults_to_today_in_chile(emisor: dict[str, Any]) -> None:
    before = datetime.now(ZoneInfo("America/Santiago")).date()
    doc = dte.factura(
        emisor=emisor, receptor={"rut": "1-9"}, lines=[{"nombre": "x", "precio": 1}], check=False
    )
    after = datetime.now(ZoneInfo("America/Santiago")).date()
    assert before <= doc.fecha_emision <= after


def test_decimal_precision_follows_the_schema() -> None:
    doc = _doc(
        Detalle=[
            {
                "NmbItem": "x",
                "QtyItem": "1.0000001",
                "PrcItem": "1234567890123",
                "DescuentoPct": "1000",
            }
        ],
        DscRcgGlobal=[{"TpoMov": "R", "TpoValor": "$", "ValorDR": "1.005"}],
    )
    problems = {(p.field, p.issue) for p in _problems(doc)}
    assert ("Detalle[1].QtyItem", "1.0000001 has more than 6 decimals; round it") in problems
    assert (
        "Detalle[1].PrcItem",
        "1234567890123 has more than 12 integer digits; the SII allows at most 12: check the value",
    ) in problems
    assert (
        "Detalle[1].DescuentoPct",
        "1000 has more than 3 integer digits; the SII allows at most 3: check the value",
    ) in problems
    assert ("DscRcgGlobal[1].ValorDR", "1.005 has more than 2 decimals; round it") in problems


def test_blank_required_element_read_leniently_is_named_by_the_rules() -> None:
    data = copy.deepcopy(BASE)
    data["Detalle"] = [{"NmbItem": "  ", "PrcItem": 1}]
    data["Encabezado"]["Receptor"]["Contacto"] = ""
    doc = Document.from_sii_dict(data)
    assert doc.receptor.contacto is None
    assert _fields(doc) == ["Detalle[1].NmbItem"]


def test_lengths_of_driver_foreigner_and_instalments() -> None:
    doc = _doc(
        Encabezado__IdDoc__MntPagos=[
            {"FchPago": "2026-03-01", "MntPago": 1, "GlosaPagos": "g" * 41}
        ],
        Encabezado__Receptor__Extranjero={"NumId": "n" * 21, "Nacionalidad": "CHIL"},
        Encabezado__Transporte={"Chofer": {"RUTChofer": "1-9", "NombreChofer": "c" * 31}},
    )
    assert _fields(doc) == [
        "Encabezado.IdDoc.MntPagos[1].GlosaPagos",
        "Encabezado.Receptor.Extranjero.NumId",
        "Encabezado.Receptor.Extranjero.Nacionalidad",
        "Encabezado.Transporte.Chofer.NombreChofer",
    ]


def test_boleta_line_percentages_at_most_100() -> None:
    doc = _doc(BOLETA, Detalle=[{"NmbItem": "x", "PrcItem": 1190, "RecargoPct": 101}])
    assert _fields(doc) == ["Detalle[1].RecargoPct"]


def test_global_movement_letter_is_read_in_any_case() -> None:
    doc = _doc(DscRcgGlobal=[{"TpoMov": "d", "TpoValor": "$", "ValorDR": 500}])
    assert doc.descuentos_recargos[0].tipo_mov == "D"
    assert doc.totals.mnt_neto == 31000


def test_export_and_liquidacion_elements_are_refused_on_a_documento() -> None:
    doc = _doc(
        Encabezado__Totales={
            "TpoMoneda": "DOLAR USA",
            "MntNeto": 31500,
            "TasaIVA": 19,
            "IVA": 5985,
            "MntTotal": 37485,
        },
        Encabezado__Receptor__Extranjero={"NumId": "X1", "IdAdicRecep": "extra"},
        Detalle=[{"NmbItem": "x", "QtyItem": 450, "PrcItem": 70, "TpoDocLiq": "33"}],
        Comisiones=[{"TipoMovim": "C", "Glosa": "Comisión", "ValComNeto": 100}],
    )
    issues = {p.field: p.issue for p in _problems(doc)}
    documento = "a Documento (33, 34, 46, 52, 56, 61) has no such element"
    assert issues == {
        "Encabezado.Totales.TpoMoneda": (
            f"{documento} (only exports (110, 111, 112) have TpoMoneda); remove it"
        ),
        "Encabezado.Receptor.Extranjero.IdAdicRecep": (
            f"{documento} (only exports (110, 111, 112) have IdAdicRecep); remove it"
        ),
        "Detalle[1].TpoDocLiq": (
            f"{documento} (only a liquidación-factura (43) has TpoDocLiq); remove it"
        ),
        "Comisiones": "only a liquidación-factura (43) has Comisiones; remove them",
    }


def test_amounts_with_decimals_are_refused_on_a_documento() -> None:
    doc = _doc(Detalle=[{"NmbItem": "x", "PrcItem": 70, "MontoItem": "70.5"}])
    assert (
        "Detalle[1].MontoItem",
        "70.5 is not a whole number of pesos (decimals are for the currencies of exports); "
        "round it",
    ) in [(p.field, p.issue) for p in _problems(doc)]


def test_an_absurdly_large_number_is_refused_with_its_size_not_a_crash() -> None:
    # Refused where it comes in (an int of 5,000 digits cannot even be written as text).
    data = copy.deepcopy(BASE)
    data["Encabezado"]["Emisor"]["Acteco"] = [10**5000]
    with pytest.raises(DocumentError) as raised:
        Document.from_sii_dict(data)
    problems = raised.value.details
    assert [p.field for p in problems] == ["Encabezado.Emisor.Acteco[1]"]
    assert problems[0].issue == (
        "a number of about 5000 digits is larger than any SII number (they have 18 digits at most)"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("QtyItem", "1E+99999999"),  # the product with the price overflowed
        ("PrcItem", "9" * 5000),  # rounding it to pesos ran out of digits
        ("QtyItem", 10**5000),  # turned into a Decimal through text, which Python refuses
    ],
    ids=["exponent", "long-text", "huge-int"],
)
def test_an_absurd_quantity_or_price_is_refused_where_it_comes_in(field: str, value: Any) -> None:
    data = copy.deepcopy(BASE)
    data["Detalle"] = [{"NmbItem": "x", "QtyItem": 1, "PrcItem": 1000, field: value}]
    with pytest.raises(DocumentError) as raised:
        Document.from_sii_dict(data)
    (detail,) = raised.value.details
    assert detail.field == f"Detalle[1].{field}"
    assert detail.issue.endswith(" is larger than any SII number (they have 18 digits at most)")
    assert len(detail.issue) < 120


@pytest.mark.parametrize("value", [10**5000, -(10**41), "9" * 45], ids=["huge", "negative", "text"])
def test_an_absurd_whole_amount_is_refused_by_its_size(value: Any) -> None:
    # The totals' messages and the facets would otherwise have to print it.
    data = copy.deepcopy(BASE)
    data["Detalle"] = [{"NmbItem": "x", "QtyItem": 1, "PrcItem": 1000, "MontoItem": value}]
    with pytest.raises(DocumentError) as raised:
        Document.from_sii_dict(data)
    (detail,) = raised.value.details
    assert detail.field == "Detalle[1].MontoItem"
    assert detail.issue.endswith(" is larger than any SII number (they have 18 digits at most)")


def test_thousands_of_digits_of_text_in_a_whole_number_field_is_a_document_error() -> None:
    data = copy.deepcopy(BASE)
    data["Encabezado"]["Totales"] = {"MntNeto": "9" * 5000, "MntTotal": 1}
    with pytest.raises(DocumentError, match=r"Totales\.MntNeto: Unable to parse input string"):
        Document.from_sii_dict(data)


def test_an_int_of_thousands_of_digits_where_text_goes_is_a_document_error() -> None:
    # Text fields take numbers as text; pydantic lets Python's refusal to write an int of more
    # than 4,300 digits through as a ValueError.
    data = copy.deepcopy(BASE)
    data["Detalle"] = [{"NmbItem": 10**5000, "QtyItem": 1, "PrcItem": 1000}]
    with pytest.raises(DocumentError, match="the DTE holds a number of thousands of digits"):
        Document.from_sii_dict(data)


def test_an_absurdly_small_rate_reaches_the_facets_that_name_it() -> None:
    # 1E-99999999 breaks no arithmetic (it underflows to 0); the facets refuse it by name.
    doc = _doc(
        Detalle=[{"NmbItem": "x", "QtyItem": 1, "PrcItem": 1000, "DescuentoPct": "1E-99999999"}]
    )
    assert ("Detalle[1].DescuentoPct", "1E-99999999 is below the SII's minimum of 0.01") in [
        (p.field, p.issue) for p in _problems(doc)
    ]


def test_totals_past_any_sii_amount_are_named_not_a_pydantic_error() -> None:
    # Each number is within bounds; their product is not.
    doc = _doc(Detalle=[{"NmbItem": "x", "QtyItem": "1E+17", "PrcItem": "1E+17"}])
    issues = {p.field: p.issue for p in _problems(doc)}
    assert issues["Encabezado.Totales.MntNeto"].endswith(
        "is larger than any SII number (they have 18 digits at most)"
    )
    with pytest.raises(DocumentError, match="the computed totals cannot be written"):
        doc.to_sii_dict()


@pytest.mark.parametrize(
    ("percent", "field", "what"),
    [
        ("DescuentoPct", "Detalle[1].DescuentoPct", "discount"),
        ("RecargoPct", "Detalle[1].RecargoPct", "surcharge"),
    ],
)
def test_a_line_percentage_that_rounds_to_zero_pesos_is_named_with_the_fix(
    percent: str, field: str, what: str
) -> None:
    line = {"NmbItem": "Bolsa", "QtyItem": 1, "PrcItem": 4, percent: 10}
    doc = _doc(Detalle=[line]).completed()
    assert doc.detalle[0].descuento_monto is None  # 0 pesos: nothing to write
    assert doc.detalle[0].recargo_monto is None
    assert [(p.field, p.issue) for p in _problems(doc)] == [
        (
            field,
            f"10% of 4 pesos rounds to 0, and the SII takes an amount from 1: leave this line "
            f"without the {what}, or give it in pesos",
        )
    ]


@pytest.mark.parametrize(
    ("percent", "amount", "field", "what"),
    [
        ("DescuentoPct", "DescuentoMonto", "Detalle[1].DescuentoMonto", "discount"),
        ("RecargoPct", "RecargoMonto", "Detalle[1].RecargoMonto", "surcharge"),
    ],
)
def test_a_line_amount_that_contradicts_its_percentage_is_named(
    percent: str, amount: str, field: str, what: str
) -> None:
    """10% of a 1000-peso line written with 50 pesos: the document would state two different
    discounts (the printed 10% and the 50 taken off)."""
    line = {"NmbItem": "Bolsa", "QtyItem": 2, "PrcItem": 500, percent: 10, amount: 50}
    doc = _doc(Detalle=[line]).completed()
    assert [(p.field, p.issue) for p in _problems(doc)] == [
        (
            field,
            f"is 50, but {percent} 10% of 1000 pesos is 100: give the {what} once (the "
            "percentage or the amount), or make them agree",
        )
    ]


def test_a_line_amount_that_is_its_percentage_rounded_half_up_passes() -> None:
    line = {"NmbItem": "Bolsa", "QtyItem": 3, "PrcItem": "33.5", "DescuentoPct": 5}
    _doc(Detalle=[{**line, "DescuentoMonto": 5}]).completed().check()  # 5.025 -> 5
    line = {"NmbItem": "Bolsa", "QtyItem": 1, "PrcItem": 15, "RecargoPct": 10}
    _doc(Detalle=[{**line, "RecargoMonto": 2}]).completed().check()  # 1.5 -> 2


@pytest.mark.parametrize(
    ("percent", "what"), [("DescuentoPct", "discount"), ("RecargoPct", "surcharge")]
)
def test_a_line_percentage_without_a_price_says_to_give_the_price(percent: str, what: str) -> None:
    """A percentage of a line given by its MontoItem alone has nothing to apply to: the check
    said the MontoItem should be 0, which would drop the line's amount."""
    doc = _doc(Detalle=[{"NmbItem": "Servicio", "MontoItem": 1000, percent: 10}])
    assert [(p.field, p.issue) for p in _problems(doc)] == [
        (
            f"Detalle[1].{percent}",
            f"a percentage applies to the line's quantity x price, and the line has no price "
            f"(PrcItem): give its price, or the {what} in pesos",
        )
    ]


def test_a_line_percentage_of_at_least_one_peso_is_written() -> None:
    doc = _doc(Detalle=[{"NmbItem": "Bolsa", "QtyItem": 1, "PrcItem": 5, "DescuentoPct": 10}])
    completed = doc.completed()
    assert completed.detalle[0].descuento_monto == 1
    completed.check()


@pytest.mark.parametrize(
    ("path", "text", "said"),
    [
        ("Encabezado__Receptor__RznSocRecep", "O’Higgins SpA", "'’' (U+2019) cannot be written"),
        ("Encabezado__Emisor__GiroEmis", "Venta de pan 🍞", "U+1F35E"),
        ("Encabezado__Emisor__GiroEmis", "Precio en €", "U+20AC"),
        ("Encabezado__Emisor__GiroEmis", "Pan\x0bamasado", "control character"),
    ],
)
def test_text_a_dte_cannot_carry_is_named_by_check_not_only_when_issued(
    path: str, text: str, said: str
) -> None:
    """check() let a curly quote, an emoji, the euro sign or a control character through; only
    issue() and emit() refused them, so a document check() passed could not be issued."""
    problems = _problems(_doc(**{path: text}))
    element = path.rsplit("__", 1)[1]
    assert [p.field for p in problems] == [path.replace("__", ".")]
    assert said in problems[0].issue
    assert f"a DTE's {element}" in problems[0].issue


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("O\x92Higgins SpA", "'\\x92' (U+0092) is a control character"),
        ("\x93Ltda\x94", "Windows-1252 writes '“' with"),
        ("Pan\x85amasado", "'\\x85' (U+0085) is a control character"),
        ("Pan\x81", "U+0081"),
        ("Borrado\x7f", "'\\x7f' (U+007F) is a control character"),
    ],
)
def test_c1_control_characters_and_delete_are_named_by_check(text: str, said: str) -> None:
    """U+007F to U+009F are in ISO-8859-1 but stand for no character: they are what text
    read from a Windows-1252 file as ISO-8859-1 holds instead of its curly quotes and dashes,
    which the SII's readers and printed copies show as nothing or garbage."""
    problems = _problems(_doc(Encabezado__Receptor__RznSocRecep=text))
    assert [p.field for p in problems] == ["Encabezado.Receptor.RznSocRecep"]
    assert said in problems[0].issue
    assert "a DTE's RznSocRecep" in problems[0].issue


def test_c1_control_characters_are_refused_by_the_builders() -> None:
    with pytest.raises(DocumentError) as info:
        dte.factura(
            emisor=BASE["Encabezado"]["Emisor"],
            receptor=BASE["Encabezado"]["Receptor"],
            lines=[{"nombre": "Caf\x82 molido", "precio": 1000}],
        )
    assert [p.field for p in info.value.details] == ["Detalle[1].NmbItem"]


@pytest.mark.parametrize(
    "address",
    [
        "no tiene",
        "ventas",
        "ventas@",
        "@ejemplo.cl",
        "ventas@ejemplo",
        "ventas@ejemplo..cl",
        "ventas@@ejemplo.cl",
        "ventas @ejemplo.cl",
        "ventas@ejemplo.cl; pagos@ejemplo.cl",
    ],
)
@pytest.mark.parametrize(
    "path", ["Encabezado__Receptor__CorreoRecep", "Encabezado__Emisor__CorreoEmisor"]
)
def test_an_e_mail_element_that_is_no_e_mail_address_is_refused(path: str, address: str) -> None:
    """CorreoRecep and CorreoEmisor are the SII's MailType, an e-mail address ("Dirección
    email"), where the receptor's copy and the answers go; any text up to 80 characters was
    accepted."""
    problems = _problems(_doc(**{path: address}))
    assert [p.field for p in problems] == [path.replace("__", ".")]
    assert "is not an e-mail address" in problems[0].issue


def test_an_e_mail_address_passes_check() -> None:
    _doc(
        Encabezado__Receptor__CorreoRecep="Facturacion.Electronica+dte@sub.ejemplo-uno.cl",
        Encabezado__Emisor__CorreoEmisor="ventas@ñandú.cl",
    ).check()


def test_a_boleta_s_and_an_export_s_e_mail_are_checked_too() -> None:
    boleta = _doc(BOLETA, Encabezado__Receptor__CorreoRecep="sin correo")
    assert _fields(boleta) == ["Encabezado.Receptor.CorreoRecep"]
    export = dte.factura_exportacion(
        emisor=BASE["Encabezado"]["Emisor"],
        receptor={"RznSocRecep": "ACME GMBH"},
        lines=[{"NmbItem": "x", "PrcItem": 2000}],
        moneda="EURO",
        ind_servicio=3,
        check=False,
    )
    receptor = export.encabezado.receptor.model_copy(update={"correo": "acme.de"})
    encabezado = export.encabezado.model_copy(update={"receptor": receptor})
    assert _fields(export.model_copy(update={"encabezado": encabezado})) == [
        "Encabezado.Receptor.CorreoRecep"
    ]


@pytest.mark.parametrize("nacionalidad", ["ARG", "usa", "ZZ", "2.5", "25", "007"])
def test_a_nacionalidad_that_is_no_country_code_of_aduana_is_refused(nacionalidad: str) -> None:
    """Nacionalidad is a code of Aduana's table of countries (225 the United States): the
    schema takes any text of up to 3 characters, so an ISO code (ARG) passed."""
    doc = _doc(Encabezado__Receptor__Extranjero={"NumId": "P1", "Nacionalidad": nacionalidad})
    problems = _problems(doc)
    assert [p.field for p in problems] == ["Encabezado.Receptor.Extranjero.Nacionalidad"]
    assert "Aduana's country code" in problems[0].issue


def test_a_nacionalidad_of_aduana_passes_check() -> None:
    _doc(Encabezado__Receptor__Extranjero={"NumId": "P1", "Nacionalidad": "225"}).check()


@pytest.mark.parametrize(
    ("tipo_doc_ref", "said"),
    [
        ("O.C", "digits or capital letters"),
        ("a-b", "digits or capital letters"),
        ("oc", "digits or capital letters"),
        ("1", "below 29"),
        ("0", "below 29"),
    ],
)
def test_a_tpo_doc_ref_that_is_no_code_of_the_sii_is_refused(tipo_doc_ref: str, said: str) -> None:
    reference = {"TpoDocRef": tipo_doc_ref, "FolioRef": "7", "FchRef": "2026-02-01"}
    problems = _problems(_doc(Referencia=[reference]))
    assert [p.field for p in problems] == ["Referencia[1].TpoDocRef"]
    assert said in problems[0].issue


@pytest.mark.parametrize("tipo_doc_ref", ["801", "SET", "HES", "30", "914"])
def test_a_tpo_doc_ref_of_digits_or_capitals_passes_check(tipo_doc_ref: str) -> None:
    reference = {"TpoDocRef": tipo_doc_ref, "FolioRef": "7", "FchRef": "2026-02-01"}
    _doc(Referencia=[reference]).check()


@pytest.mark.parametrize(("tipo_doc_liq", "said"), [("ZZ", "digits"), ("1", "below 29")])
def test_a_tpo_doc_liq_that_is_no_document_type_is_refused(tipo_doc_liq: str, said: str) -> None:
    with pytest.raises(DocumentError) as info:
        dte.liquidacion_factura(
            emisor=BASE["Encabezado"]["Emisor"],
            receptor=BASE["Encabezado"]["Receptor"],
            lines=[{"nombre": "Venta", "precio": 1000}],
            tipo_doc_liq=tipo_doc_liq,
        )
    assert [p.field for p in info.value.details] == ["Detalle[1].TpoDocLiq"]
    assert said in info.value.details[0].issue


def test_latin1_letters_and_symbols_pass_check() -> None:
    _doc(
        Encabezado__Receptor__RznSocRecep="Ñuñoa & Cía. «Ltda.» ½ °",
        Encabezado__Emisor__GiroEmis="Panadería\tpastelería",
    ).check()


def test_reference_line_numbers_follow_their_order() -> None:
    """NroLinRef numbers the references 1, 2, 3... as NroLinDet numbers the lines; a number
    given out of order (two references numbered 1) is refused, as on exports."""
    order = {"TpoDocRef": "801", "FolioRef": "OC-1", "FchRef": "2026-02-01"}
    doc = _doc(
        Encabezado__IdDoc__TipoDTE=61,
        Referencia=[{**REFERENCE, "NroLinRef": 1}, {**order, "NroLinRef": 1}],
    )
    assert _fields(doc) == ["Referencia[2].NroLinRef"]
    _doc(Encabezado__IdDoc__TipoDTE=61, Referencia=[REFERENCE, order]).check()


def test_rut_otro_names_another_issuer_than_this_documents() -> None:
    """RUTOtr says the referenced document was issued by someone else: the SII's format
    requires it to differ from RUTEmisor (the issuer's own documents go without it)."""
    own = _doc(Encabezado__IdDoc__TipoDTE=61, Referencia=[{**REFERENCE, "RUTOtr": "76192083-9"}])
    assert _fields(own) == ["Referencia[1].RUTOtr"]
    assert "leave RUTOtr out" in _problems(own)[0].issue


# -- boletas: the SII's Formato Boletas Electrónicas (v4.2) ---------------------------------------

_BOLETA_EMISOR = {"rut": "76192083-9", "razon_social": "Aguas del Valle SA", "giro": "Agua"}
_HOME = {"rut": "12531909-2", "razon_social": "Juan Pérez", "direccion": "Los Aromos 12"}
_SHOW_LINE: dict[str, Any] = {
    "NmbItem": "TICKET platea",
    "ItemEspectaculo": "01",
    "QtyItem": 1,
    "PrcItem": 15000,
    "InfoTicket": {
        "FolioTicket": 123,
        "FchGenera": "2026-11-27T10:00:00",
        "NmbEvento": "Concierto",
        "TpoTicket": "Adulto",
        "CdgEvento": "C1",
        "FchEvento": "2026-12-20T21:00:00",
        "LugarEvento": "Estadio",
        "UbicEvento": "Platea",
    },
}


def _boleta_issues(**arguments: Any) -> list[tuple[str, str]]:
    given: dict[str, Any] = {
        "emisor": _BOLETA_EMISOR,
        "lines": [{"nombre": "Consumo de agua", "precio": 24500}],
        "check": False,
        **arguments,
    }
    return [(d.field, d.issue) for d in check_document(dte.boleta(**given)).problems]


@pytest.mark.parametrize("servicio", [1, 2])
def test_a_boleta_of_periodic_services_names_its_customer_and_where_it_is_given(
    servicio: int,
) -> None:
    # The SII: DirRecep is required when IndServicio is 1 or 2, and the generic RUT
    # 66666666-6 serves only boletas de ventas y servicios no periódicos ni domiciliarios.
    fecha_vencimiento = {"FchVenc": "2026-12-20"} if servicio == 2 else {}
    issues = _boleta_issues(ind_servicio=servicio, id_doc=fecha_vencimiento)
    assert [field for field, _ in issues] == [
        "Encabezado.Receptor.RUTRecep",
        "Encabezado.Receptor.DirRecep",
    ]
    assert "66666666-6" in issues[0][1]
    assert f"IndServicio {servicio}" in issues[0][1]
    named = _boleta_issues(ind_servicio=servicio, receptor=_HOME, id_doc=fecha_vencimiento)
    assert named == []


def test_a_boleta_of_periodic_home_services_says_when_payment_is_due() -> None:
    # The SII: FchVenc is required on servicios periódicos domiciliarios (IndServicio 2).
    issues = _boleta_issues(ind_servicio=2, receptor=_HOME)
    assert [field for field, _ in issues] == ["Encabezado.IdDoc.FchVenc"]
    assert _boleta_issues(ind_servicio=1, receptor=_HOME) == []


def test_a_sale_or_show_boleta_may_go_to_the_anonymous_buyer() -> None:
    assert _boleta_issues(ind_servicio=3) == []
    assert _boleta_issues(ind_servicio=4, lines=[_SHOW_LINE]) == []


def test_a_show_boletas_lines_say_what_they_sell_and_a_ticket_carries_its_ticket() -> None:
    # The SII: ItemEspectaculo is required when IndServicio is 4, InfoTicket when it is 01.
    plain = {"nombre": "Entrada", "precio": 15000}
    without_ticket = {key: value for key, value in _SHOW_LINE.items() if key != "InfoTicket"}
    issues = _boleta_issues(ind_servicio=4, lines=[_SHOW_LINE, plain, without_ticket])
    assert [field for field, _ in issues] == [
        "Detalle[2].ItemEspectaculo",
        "Detalle[3].InfoTicket",
    ]


@pytest.mark.parametrize("fecha", ["2002-07-31", "2051-01-01"])
def test_a_boletas_issue_date_is_one_the_sii_takes(fecha: str) -> None:
    # The SII takes a boleta's FchEmis from 2002-08-01 to 2050-12-31; its XSD's xs:date does not
    # say so, as the Documento's FechaType does.
    assert [field for field, _ in _boleta_issues(fecha=fecha)] == ["Encabezado.IdDoc.FchEmis"]
    assert _boleta_issues(fecha="2050-12-31") == []


def test_a_boletas_reference_to_a_document_gives_its_folio() -> None:
    # The SII: FolioRef is required when TpoDocRef is given; the boleta's schema leaves both
    # optional, as a certification case's reference (CodRef SET) carries neither.
    orden = {"TpoDocRef": "801"}
    issues = _boleta_issues(referencias=[orden, {"CodRef": "SET", "RazonRef": "CASO-1"}])
    assert [field for field, _ in issues] == ["Referencia[1].FolioRef"]
    assert _boleta_issues(referencias=[{**orden, "FolioRef": "OC-12"}]) == []
