"""Export documents (110, 111, 112): builders, totals in the sale's currency, OtraMoneda, rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import haulmer.dte as dte
from haulmer.dte import Document, DTEType, Moneda
from haulmer.dte.exports import EXPORT_RECEPTOR_RUT, currency_decimals, round_currency
from haulmer.dte.rules import document_problems
from haulmer.dte.totals import compute_otra_moneda, export_totals
from haulmer.errors import DocumentError

EMISOR: dict[str, Any] = {
    "RUTEmisor": "76192083-9",
    "RznSoc": "SASCO SpA",
    "GiroEmis": "Tecnología, informática y telecomunicaciones",
    "Acteco": [726000],
    "DirOrigen": "Santa Cruz",
    "CmnaOrigen": "Santa Cruz",
}
JACKIE: dict[str, Any] = {
    "RznSocRecep": "Jackie Chan",
    "Extranjero": {"Nacionalidad": 225},
    "GiroRecep": "Particular",
    "DirRecep": "Calle 123, Hong Kong, China",
}
HOTEL = {"IndExe": 1, "NmbItem": "Alojamiento 5 noches", "QtyItem": 1, "PrcItem": 50}
PASAPORTE = {"TpoDocRef": 813, "FolioRef": "E12345", "FchRef": date(2026, 1, 1)}
ADUANA = {
    "cod_mod_venta": dte.ModalidadVenta.A_FIRME,
    "cod_clau_venta": dte.ClausulaVenta.FOB,
    "tot_clau_venta": Decimal("81.5"),
    "cod_via_transp": dte.ViaTransporte.MARITIMA_FLUVIAL_LACUSTRE,
    "cod_pto_embarque": 906,
    "cod_pto_desemb": 343,
    "cod_pais_recep": 342,
    "cod_pais_destin": 342,
}


def _hotel(**kwargs: Any) -> Document:
    """LibreDTE's 110_001: a hotel stay sold in dollars, restated at 1000 pesos per dollar."""
    arguments: dict[str, Any] = {
        "emisor": EMISOR,
        "receptor": JACKIE,
        "lines": [HOTEL],
        "moneda": "DOLAR USA",
        "tipo_cambio": 1000,
        "ind_servicio": 4,
        "referencias": [PASAPORTE],
        "fecha": date(2026, 11, 27),
    }
    arguments.update(kwargs)
    return dte.factura_exportacion(**arguments)


def _problems(document: Document) -> dict[str, str]:
    with pytest.raises(DocumentError) as info:
        document.check()
    return {detail.field: detail.issue for detail in info.value.details}


# -- hand-checked totals (LibreDTE's documentos_ok 110/111/112 expected values) -----------------


def test_factura_exportacion_hotel_totals_and_otra_moneda() -> None:
    factura = _hotel()
    totales, otra = factura.encabezado.totales, factura.encabezado.otra_moneda
    assert totales is not None
    assert otra is not None
    assert (totales.tpo_moneda, totales.mnt_exe, totales.mnt_total) == (Moneda.DOLAR_USA, 50, 50)
    assert (otra.tpo_moneda, otra.mnt_exe_otr_mnda, otra.mnt_tot_otr_mnda) == (
        Moneda.PESO_CHILENO,
        50000,
        50000,
    )
    assert factura.receptor.rut == EXPORT_RECEPTOR_RUT
    assert factura.tipo_dte is DTEType.FACTURA_EXPORTACION


def test_a_saldo_anterior_given_to_an_export_is_refused_naming_it_alone() -> None:
    # The Exportaciones Totales has neither SaldoAnterior nor VlrPagar: the refusal names the
    # argument given, not also a VlrPagar the caller never wrote.
    with pytest.raises(DocumentError) as info:
        _hotel(saldo_anterior=100)
    assert [detail.field for detail in info.value.details] == ["Encabezado.Totales.SaldoAnterior"]
    assert "leave saldo_anterior out" in str(info.value)


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("credito_constructoras", 100, "Encabezado.Totales.CredEC"),
        ("tasas_adicionales", {"15": 19}, "Encabezado.Totales.ImptoReten"),
        ("tasas_adicionales", {"28": "6.5"}, "Encabezado.Totales.ImptoReten"),
    ],
)
def test_a_tax_or_credit_given_to_an_export_is_refused_not_dropped(
    option: str, value: Any, field: str
) -> None:
    # An export is exempt and its Totales (Exportaciones) has no CredEC nor ImptoReten: a
    # crédito or a retention given was silently left out of a document that then looked right.
    with pytest.raises(DocumentError) as info:
        _hotel(**{option: value})
    assert [detail.field for detail in info.value.details] == [field]
    assert f"leave {option} out" in str(info.value)
    factura = _hotel(folio=3)
    with pytest.raises(DocumentError) as info:
        dte.nota_credito_exportacion(factura, **{option: value})
    assert [detail.field for detail in info.value.details] == [field]
    typed = {"28": Decimal("6.5")} if option == "tasas_adicionales" else value
    with pytest.raises(DocumentError) as info:
        factura.completed(**{option: typed})
    assert [detail.field for detail in info.value.details] == [field]


def test_an_export_nota_refuses_gross_prices_it_has_no_iva_for() -> None:
    # montos_brutos=True says the prices include IVA; an export has none (nor MntBruto), and
    # the flag was silently ignored, the prices taken as they are.
    factura = _hotel(folio=3)
    with pytest.raises(DocumentError) as info:
        dte.nota_credito_exportacion(factura, montos_brutos=True)
    assert [detail.field for detail in info.value.details] == ["Encabezado.IdDoc.MntBruto"]
    assert "leave montos_brutos out" in str(info.value)
    plain = dte.nota_credito_exportacion(factura, montos_brutos=False)
    assert plain.totales.mnt_total == factura.totales.mnt_total


def test_factura_exportacion_transporte_terrestre_internacional() -> None:
    """LibreDTE's 110_003: IndServicio 5, FmaPagExp 12, Aduana with the road and the country."""
    factura = dte.factura_exportacion(
        emisor={**EMISOR, "CmnaOrigen": None, "CiudadOrigen": "Santa Cruz"},
        receptor={"RznSocRecep": "Jackie Chan", "DirRecep": "Calle 432", "CiudadRecep": "HK"},
        lines=[{"NmbItem": "Sillones", "QtyItem": 2, "PrcItem": 50}],
        moneda=Moneda.DOLAR_USA,
        tipo_cambio=1000,
        ind_servicio=5,
        forma_pago_exportacion=12,
        transporte={"DirDest": "Calle 123, Hong Kong, China", "CiudadDest": "Hong Kong"},
        aduana={"CodViaTransp": 7, "TotBultos": 54, "CodPaisRecep": 342},
        id_doc={"TipoDespacho": 1, "FchCancel": date(2024, 3, 20)},
    )
    sii = factura.to_sii_dict()
    assert sii["Encabezado"]["Totales"] == {
        "TpoMoneda": "DOLAR USA",
        "MntExe": Decimal(100),
        "MntTotal": Decimal(100),
    }
    assert sii["Encabezado"]["OtraMoneda"]["MntTotOtrMnda"] == 100000
    assert sii["Encabezado"]["Transporte"]["Aduana"] == {
        "CodViaTransp": 7,
        "TotBultos": 54,
        "CodPaisRecep": 342,
    }
    assert sii["Encabezado"]["IdDoc"]["FmaPagExp"] == 12


def test_nota_credito_exportacion_corrige_monto() -> None:
    """LibreDTE's 112_003: the amount credited, with the pasaporte reference kept."""
    factura = _hotel().with_folio(1)
    nc = dte.nota_credito_exportacion(
        factura, cod_ref="corrige_montos", lines=[HOTEL], referencias=[PASAPORTE]
    )
    assert nc.tipo_dte is DTEType.NOTA_CREDITO_EXPORTACION
    assert (nc.totals.mnt_exe, nc.totals.mnt_total) == (50, 50)
    otra = nc.encabezado.otra_moneda
    assert otra is not None
    assert otra.mnt_tot_otr_mnda == 50000
    main = nc.referencias[0]
    assert (main.tipo_doc_ref, main.folio_ref, main.cod_ref) == ("110", "1", dte.CodRef(3))
    assert nc.referencias[1].tipo_doc_ref == "813"
    assert nc.encabezado.id_doc.ind_servicio == 4  # carried from the factura


@pytest.mark.parametrize("key", ["IndServicio", "ind_servicio"])
def test_an_export_notas_ind_servicio_given_in_id_doc_is_kept(key: str) -> None:
    # Its Python spelling was refused as "given twice" beside the factura's IndServicio.
    nc = dte.nota_credito_exportacion(
        _hotel().with_folio(1), cod_ref="corrige_montos", lines=[HOTEL], id_doc={key: 3}
    )
    assert nc.encabezado.id_doc.ind_servicio == 3  # not the factura's 4


def test_an_export_nota_is_issued_by_the_issuer_of_the_export_it_modifies() -> None:
    """An export nota of another emisor RUT than its export's was built, referencing another
    issuer's folio; it is refused, naming the export's issuer."""
    other = {**EMISOR, "RUTEmisor": "96874030-K"}
    with pytest.raises(DocumentError) as info:
        dte.nota_credito_exportacion(_hotel().with_folio(1), emisor=other)
    assert info.value.details[0].field == "Encabezado.Emisor.RUTEmisor"


def test_nota_credito_exportacion_corrige_texto_is_zero() -> None:
    """LibreDTE's 112_002: one line of 0, MntExe 0, MntTotOtrMnda 0."""
    nc = dte.nota_credito_exportacion(
        _hotel().with_folio(1),
        cod_ref="corrige_texto",
        razon="DONDE DICE Calle 124 DEBE DECIR Calle 123",
    )
    assert [line.monto_item for line in nc.detalle] == [0]
    assert nc.totals.mnt_total == 0
    otra = nc.encabezado.otra_moneda
    assert otra is not None
    assert otra.mnt_tot_otr_mnda == 0


def test_nota_debito_exportacion_anula_nota_credito() -> None:
    """LibreDTE's 111_001: a 111 annulling a 112 copies its lines (50 dollars)."""
    nc = dte.nota_credito_exportacion(_hotel().with_folio(1)).with_folio(7)
    nd = dte.nota_debito_exportacion(nc, cod_ref="anula", razon="Anula nota de credito")
    assert nd.tipo_dte is DTEType.NOTA_DEBITO_EXPORTACION
    assert (nd.referencias[0].tipo_doc_ref, nd.referencias[0].folio_ref) == ("112", "7")
    assert nd.totals.mnt_total == 50


def test_export_notes_annul_as_the_sii_says() -> None:
    """A 111 annuls only a 112, and a 112 does not annul a 112."""
    factura = _hotel().with_folio(1)
    with pytest.raises(DocumentError, match=r"only a nota de crédito \(112\), not TpoDocRef 110"):
        dte.nota_debito_exportacion(factura, cod_ref="anula")
    nc = dte.nota_credito_exportacion(factura).with_folio(7)
    with pytest.raises(DocumentError, match="does not annul another nota de crédito"):
        dte.nota_credito_exportacion(nc, cod_ref="anula")


def test_export_notes_without_the_document() -> None:
    nd = dte.nota_debito_exportacion(
        tipo_doc_ref=110,
        folio_ref=3,
        fecha_ref=date(2026, 11, 1),
        emisor=EMISOR,
        receptor=JACKIE,
        moneda="EURO",
        lines=[{"NmbItem": "Flete adicional", "PrcItem": "10.5"}],
        id_doc={"IndServicio": 3},
    )
    assert nd.encabezado.otra_moneda is None
    assert nd.totals.mnt_total == Decimal("10.5")
    with pytest.raises(DocumentError) as info:
        dte.nota_credito_exportacion(tipo_doc_ref=110, folio_ref=3, emisor=EMISOR)
    fields = {detail.field for detail in info.value.details}
    assert {"Referencia.FchRef", "Encabezado.Receptor", "Encabezado.Totales.TpoMoneda"} <= fields


def test_cents_are_kept_and_rounded_half_up_to_four_decimals() -> None:
    factura = _hotel(
        lines=[
            {"NmbItem": "Cobre", "QtyItem": "3", "PrcItem": "0.33335"},  # 1.00005 -> 1.0001
            {"NmbItem": "Litio", "QtyItem": "2", "PrcItem": "12.345"},  # 24.69
        ],
        tipo_cambio="950.25",
    )
    assert [line.monto_item for line in factura.detalle] == [Decimal("1.0001"), Decimal("24.69")]
    assert factura.totals.mnt_total == Decimal("25.6901")
    otra = factura.encabezado.otra_moneda
    assert otra is not None
    assert otra.mnt_tot_otr_mnda == 24412  # 25.6901 x 950.25 = 24412.018... whole pesos


def test_a_sale_in_pesos_rounds_to_the_peso() -> None:
    factura = _hotel(
        moneda="PESO CL",
        tipo_cambio="950",
        otra_moneda="DOLAR USA",
        lines=[{"NmbItem": "Vino", "QtyItem": 3, "PrcItem": "333.5"}],  # 1000.5 -> 1001
    )
    totales = factura.encabezado.totales
    assert totales is not None
    assert (totales.mnt_exe, totales.mnt_total) == (1001, 1001)
    otra = factura.encabezado.otra_moneda
    assert otra is not None
    # 1001 pesos at 950 pesos per dollar: 1.05368... -> 1.0537 dollars
    assert (otra.tpo_moneda, otra.mnt_tot_otr_mnda) == (Moneda.DOLAR_USA, Decimal("1.0537"))


def test_line_discount_in_whole_units_and_global_discount_in_the_currency() -> None:
    factura = _hotel(
        lines=[{"NmbItem": "Lana", "QtyItem": 1, "PrcItem": "99.99", "DescuentoPct": 10}],
        descuentos_recargos=[{"TpoMov": "D", "TpoValor": "%", "ValorDR": "2.5"}],
    )
    line = factura.detalle[0]
    # The XSD's DescuentoMonto is an integer: 9.999 becomes 10, MontoItem 89.99.
    assert (line.descuento_monto, line.monto_item) == (10, Decimal("89.99"))
    # 2.5% of 89.99 = 2.24975 -> 2.2498 (half up); MntExe 87.7402.
    assert factura.totals.mnt_exe == Decimal("87.7402")
    assert factura.descuentos_recargos[0].ind_exe == 1


def test_an_export_line_discount_that_contradicts_its_percentage_is_named() -> None:
    with pytest.raises(DocumentError) as info:
        _hotel(
            lines=[
                {
                    "NmbItem": "Lana",
                    "QtyItem": 1,
                    "PrcItem": "99.99",
                    "DescuentoPct": 10,
                    "DescuentoMonto": 20,
                }
            ]
        )
    assert {d.field: d.issue for d in info.value.details} == {
        "Detalle[1].DescuentoMonto": "is 20, but DescuentoPct 10% of 99.99 units of DOLAR USA "
        "is 10: give the discount once (the percentage or the amount), or make them agree"
    }


def test_an_export_line_percentage_without_a_price_says_to_give_the_price() -> None:
    with pytest.raises(DocumentError) as info:
        _hotel(lines=[{"NmbItem": "Lana", "IndExe": 1, "MontoItem": "99.99", "RecargoPct": 150}])
    assert {d.field: d.issue for d in info.value.details} == {
        "Detalle[1].RecargoPct": "a percentage applies to the line's quantity x price, and the "
        "line has no price (PrcItem): give its price, or the surcharge as an amount"
    }


def test_a_global_discount_above_an_exports_lines_is_named_by_its_index() -> None:
    with pytest.raises(DocumentError) as info:
        _hotel(
            lines=[{"NmbItem": "Lana", "QtyItem": 1, "PrcItem": 100}],
            descuentos_recargos=[
                {"TpoMov": "R", "TpoValor": "$", "ValorDR": 10},
                {"TpoMov": "D", "TpoValor": "$", "ValorDR": 150},
            ],
        )
    assert [detail.field for detail in info.value.details] == ["DscRcgGlobal[2].ValorDR"]
    assert "the exempt lines add up to 100" in info.value.details[0].issue
    assert "would leave -40" in info.value.details[0].issue


def test_to_sii_dict_writes_the_export_elements_in_schema_order() -> None:
    factura = _hotel(aduana={**ADUANA, "tipo_bultos": [{"cod_tpo_bultos": 22, "cant_bultos": 3}]})
    header = factura.to_sii_dict()["Encabezado"]
    assert list(header) == ["IdDoc", "Emisor", "Receptor", "Transporte", "Totales", "OtraMoneda"]
    assert list(header["Totales"]) == ["TpoMoneda", "MntExe", "MntTotal"]
    assert list(header["OtraMoneda"]) == [
        "TpoMoneda",
        "TpoCambio",
        "MntExeOtrMnda",
        "MntTotOtrMnda",
    ]
    aduana = header["Transporte"]["Aduana"]
    assert aduana["CodClauVenta"] == 5
    assert aduana["TipoBultos"] == [{"CodTpoBultos": 22, "CantBultos": 3}]
    assert list(aduana)[:3] == ["CodModVenta", "CodClauVenta", "TotClauVenta"]


def test_from_sii_dict_reads_amounts_in_the_currency() -> None:
    sii = _hotel(lines=[{"NmbItem": "x", "QtyItem": 3, "PrcItem": "12.25"}]).to_sii_dict()
    as_text: dict[str, Any] = {
        **sii,
        "Encabezado": {
            **sii["Encabezado"],
            "Totales": {"TpoMoneda": "DOLAR USA", "MntExe": "36.75", "MntTotal": "36.75"},
        },
    }
    document = Document.from_sii_dict(as_text)
    totales = document.encabezado.totales
    assert totales is not None
    assert totales.mnt_total == Decimal("36.75")
    document.check()


# -- rules -----------------------------------------------------------------------------------


def test_receptor_of_an_export_is_the_foreigner_rut() -> None:
    problems = _problems(_hotel(receptor={**JACKIE, "RUTRecep": "60803000-K"}, check=False))
    assert "55555555-5" in problems["Encabezado.Receptor.RUTRecep"]


@pytest.mark.parametrize("tipo", [110, 111, 112])
def test_build_gives_an_export_receptor_without_rut_the_foreigner_rut(tipo: int) -> None:
    document = dte.build(
        tipo,
        emisor=EMISOR,
        receptor=JACKIE,
        lines=[HOTEL],
        moneda="DOLAR USA",
        id_doc={"IndServicio": 4},
        check=False,
    )
    assert str(document.receptor.rut) == "55555555-5"
    # 111/112 lack their reference here; the receptor's RUT is not at fault.
    assert "Encabezado.Receptor.RUTRecep" not in {p.field for p in document_problems(document)}


def test_build_of_an_export_matches_factura_exportacion() -> None:
    built = dte.build(
        110,
        emisor=EMISOR,
        receptor=JACKIE,
        lines=[HOTEL],
        moneda="DOLAR USA",
        otra_moneda={"TpoMoneda": "PESO CL", "TpoCambio": 1000},
        id_doc={"IndServicio": 4},
        referencias=[PASAPORTE],
        fecha=date(2026, 11, 27),
    )
    assert built.to_sii_dict() == _hotel().to_sii_dict()


def test_build_keeps_a_receptor_rut_given_and_a_non_export_gets_none() -> None:
    given = dte.build(
        110,
        emisor=EMISOR,
        receptor={**JACKIE, "rut": "60803000-K"},
        lines=[HOTEL],
        moneda="DOLAR USA",
        check=False,
    )
    assert str(given.receptor.rut) == "60803000-K"
    with pytest.raises(DocumentError) as info:
        dte.build(34, emisor=EMISOR, receptor=JACKIE, lines=[HOTEL])
    assert "Encabezado.Receptor.RUTRecep" in {detail.field for detail in info.value.details}


def test_tpo_moneda_is_required() -> None:
    document = dte.build(
        110,
        emisor=EMISOR,
        receptor={**JACKIE, "RUTRecep": "55555555-5"},
        lines=[HOTEL],
        id_doc={"IndServicio": 4},
        check=False,
    )
    assert "TpoMoneda" in str(_problems(document))
    assert "Encabezado.Totales.TpoMoneda" in _problems(document)


def test_unknown_currency_is_refused_with_the_table() -> None:
    with pytest.raises(DocumentError) as info:
        _hotel(moneda="BITCOIN")
    assert info.value.details[0].field == "Encabezado.Totales.TpoMoneda"
    assert "DOLAR USA" in info.value.details[0].issue


def test_goods_need_the_customs_data() -> None:
    problems = _problems(_hotel(ind_servicio=None, check=False))
    assert "CodClauVenta" in problems["Encabezado.Transporte.Aduana"]
    partial = _problems(_hotel(ind_servicio=None, aduana={"CodModVenta": 1}, check=False))
    assert set(partial) == {
        f"Encabezado.Transporte.Aduana.{name}"
        for name in (
            "CodClauVenta",
            "TotClauVenta",
            "CodViaTransp",
            "CodPtoEmbarque",
            "CodPtoDesemb",
            "CodPaisRecep",
            "CodPaisDestin",
        )
    }
    _hotel(ind_servicio=None, aduana=ADUANA)  # complete: no error


def test_elements_the_export_schema_lacks_are_refused() -> None:
    document = _hotel(
        id_doc={"MntBruto": 1},
        lines=[{**HOTEL, "CodImpAdic": ["24"]}],
        receptor={**JACKIE, "Extranjero": {"Nacionalidad": "225", "TipoDocID": 1}},
        check=False,
    )
    problems = _problems(document)
    for field in (
        "Encabezado.IdDoc.MntBruto",
        "Detalle[1].CodImpAdic",
        "Encabezado.Receptor.Extranjero.TipoDocID",
    ):
        assert "no such element" in problems[field]


def test_export_enumerations_lengths_digits_and_decimals() -> None:
    document = _hotel(
        ind_servicio=1,
        lines=[{**HOTEL, "IndExe": 2}],
        receptor={**JACKIE, "Extranjero": {"Nacionalidad": "1234"}},
        aduana={**ADUANA, "cod_pais_destin": 1000, "tot_clau_venta": Decimal("81.505")},
        check=False,
    )
    problems = _problems(document)
    assert "3, 4, 5, 6" in problems["Encabezado.IdDoc.IndServicio"]
    assert "not one of 1" in problems["Detalle[1].IndExe"]
    assert "at most 3" in problems["Encabezado.Receptor.Extranjero.Nacionalidad"]
    assert "3 digits" in problems["Encabezado.Transporte.Aduana.CodPaisDestin"]
    assert "2 decimals" in problems["Encabezado.Transporte.Aduana.TotClauVenta"]


def test_export_notes_reference_an_export_document() -> None:
    factura = dte.factura(
        emisor=EMISOR,
        receptor={**JACKIE, "RUTRecep": "60803000-K", "CmnaRecep": "Santiago"},
        lines=[{"nombre": "x", "precio": 100}],
    )
    with pytest.raises(DocumentError, match="nota_credito or nota_debito"):
        dte.nota_credito_exportacion(factura.with_folio(1))
    with pytest.raises(DocumentError, match="111/112"):
        dte.nota_credito(_hotel().with_folio(1))
    wrong = dte.nota_credito_exportacion(
        tipo_doc_ref=33,
        folio_ref=1,
        fecha_ref=date(2026, 1, 1),
        emisor=EMISOR,
        receptor=JACKIE,
        moneda="DOLAR USA",
        lines=[HOTEL],
        id_doc={"IndServicio": 4},
        check=False,
    )
    assert "110, 111 or 112" in _problems(wrong)["Referencia[1].TpoDocRef"]
    bare = _hotel(check=False).model_copy(
        update={"encabezado": wrong.encabezado, "referencias": []}
    )
    assert "CodRef" in _problems(bare)["Referencia"]


def test_wrong_amounts_are_named_with_the_expected_value() -> None:
    factura = _hotel()
    totales = factura.encabezado.totales
    otra = factura.encabezado.otra_moneda
    assert totales is not None
    assert otra is not None
    tampered = factura.model_copy(
        update={
            "encabezado": factura.encabezado.model_copy(
                update={
                    "totales": totales.model_copy(update={"mnt_total": Decimal("49.99")}),
                    "otra_moneda": otra.model_copy(update={"mnt_tot_otr_mnda": Decimal(1)}),
                }
            ),
            "detalle": [factura.detalle[0].model_copy(update={"monto_item": Decimal("50.01")})],
        }
    )
    problems = _problems(tampered)
    assert problems["Encabezado.Totales.MntTotal"] == "is 49.99, expected 50"
    assert problems["Detalle[1].MontoItem"].startswith("is 50.01, expected 50")
    assert problems["Encabezado.OtraMoneda.MntTotOtrMnda"].startswith("is 1, expected 50000")


def test_otra_moneda_without_rate_needs_its_total() -> None:
    document = Document.from_sii_dict(
        {
            **_hotel().to_sii_dict(),
            "Encabezado": {
                **_hotel().to_sii_dict()["Encabezado"],
                "OtraMoneda": {"TpoMoneda": "EURO"},
            },
        }
    )
    assert "MntTotOtrMnda" in str(_problems(document))


def test_folio_is_needed_for_stamping() -> None:
    with pytest.raises(DocumentError) as info:
        _hotel().check_for_stamping()
    assert info.value.details[0].field == "Encabezado.IdDoc.Folio"
    _hotel().with_folio(1).check_for_stamping()


# -- properties ------------------------------------------------------------------------------

_PRICES = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=6)
_QUANTITIES = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("9999"), places=3)


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.tuples(_QUANTITIES, _PRICES), min_size=1, max_size=8),
    moneda=st.sampled_from([Moneda.DOLAR_USA, Moneda.EURO, Moneda.PESO_CHILENO]),
    rate=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("9999"), places=4),
)
def test_export_totals_are_the_rounded_lines_and_their_conversion(
    lines: list[tuple[Decimal, Decimal]], moneda: Moneda, rate: Decimal
) -> None:
    detalle = [
        dte.Detalle(nombre=f"item {i}", cantidad=qty, precio=price, ind_exe=1)
        for i, (qty, price) in enumerate(lines)
    ]
    totales = export_totals(detalle, moneda=moneda)
    places = Decimal(1).scaleb(-currency_decimals(moneda))
    expected = sum(
        ((qty * price).quantize(places, rounding="ROUND_HALF_UP") for qty, price in lines),
        Decimal(0),
    )
    assert totales.mnt_exe == totales.mnt_total == expected
    assert totales.tpo_moneda is moneda
    otra = compute_otra_moneda(
        totales, dte.OtraMoneda(tpo_moneda=Moneda.PESO_CHILENO, tpo_cambio=rate)
    )
    assert otra.mnt_tot_otr_mnda == round_currency(expected * rate, Moneda.PESO_CHILENO)
    assert otra.mnt_tot_otr_mnda is not None
    assert otra.mnt_tot_otr_mnda == otra.mnt_tot_otr_mnda.to_integral_value()


@settings(max_examples=60, deadline=None)
@given(value=st.decimals(min_value=Decimal(0), max_value=Decimal("1e12"), places=8))
def test_round_currency_is_half_up_without_trailing_zeros(value: Decimal) -> None:
    rounded = round_currency(value, Moneda.DOLAR_USA)
    assert abs(rounded - value) <= Decimal("0.00005")
    exponent = rounded.as_tuple().exponent
    assert isinstance(exponent, int)
    assert -4 <= exponent <= 0
    assert round_currency(value, "PESO CL") == value.quantize(Decimal(1), rounding="ROUND_HALF_UP")


def test_an_exports_whole_amounts_read_back_as_decimal_as_built() -> None:
    built = _hotel()  # 50 dollars: whole
    assert isinstance(built.encabezado.totales.mnt_total, Decimal)  # type: ignore[union-attr]
    for again in (
        Document.from_sii_dict(built.to_sii_dict()),
        Document.model_validate(built.model_dump(mode="json")),
    ):
        line, totales = again.detalle[0], again.encabezado.totales
        assert isinstance(line.monto_item, Decimal)
        assert totales is not None
        assert isinstance(totales.mnt_total, Decimal)
        assert isinstance(totales.mnt_exe, Decimal)
        assert again.model_dump(mode="json") == built.model_dump(mode="json")


def test_a_factura_keeps_its_whole_pesos_as_int() -> None:
    factura = dte.factura(
        emisor=EMISOR,
        receptor={**JACKIE, "RUTRecep": "60803000-K", "CmnaRecep": "Santiago"},
        lines=[{"nombre": "a", "precio": 10}],
    )
    again = Document.from_sii_dict(factura.to_sii_dict())
    assert type(again.detalle[0].monto_item) is int
    assert type(again.totals.mnt_total) is int


def test_every_aduana_code_has_the_name_a_printed_dte_shows() -> None:
    labels = {
        cls: [member.label for member in cls]
        for cls in (dte.ModalidadVenta, dte.ClausulaVenta, dte.ViaTransporte)
    }
    for cls, names in labels.items():
        assert all(name.strip() for name in names), cls
        assert len(set(names)) == len(names), cls
    assert dte.ModalidadVenta.A_FIRME.label == "A firme"
    assert dte.ClausulaVenta.FOB.label == "FOB"
    assert dte.ClausulaVenta.SIN_CLAUSULA.label == "Sin cláusula"
    assert dte.ViaTransporte.AEREA.label == "Aérea"


def test_packages_given_in_transporte_are_kept_beside_the_aduana_argument() -> None:
    """``transporte={"Aduana": {"TotBultos": ...}}`` with ``aduana=`` lost the packages: the
    customs data of one replaced the other's."""
    bultos = {
        "TotBultos": 3,
        "TipoBultos": [{"CodTpoBultos": 75, "CantBultos": 3, "Marcas": "ABC-123"}],
    }
    factura = _hotel(
        ind_servicio=None,
        aduana=ADUANA,
        transporte={"DirDest": "Calle 123, Hong Kong", "Aduana": bultos},
    )
    transporte = factura.to_sii_dict()["Encabezado"]["Transporte"]
    assert transporte["DirDest"] == "Calle 123, Hong Kong"
    assert transporte["Aduana"]["TotBultos"] == 3
    assert transporte["Aduana"]["TipoBultos"] == bultos["TipoBultos"]
    assert transporte["Aduana"]["CodClauVenta"] == dte.ClausulaVenta.FOB
    same_python_names = _hotel(
        ind_servicio=None, aduana=ADUANA, transporte={"aduana": {"tot_bultos": 3}}
    )
    assert same_python_names.to_sii_dict()["Encabezado"]["Transporte"]["Aduana"]["TotBultos"] == 3


def test_a_customs_field_given_differently_in_transporte_and_aduana_is_refused() -> None:
    with pytest.raises(DocumentError) as info:
        _hotel(
            ind_servicio=None,
            aduana=ADUANA,
            transporte={"Aduana": {"CodPaisDestin": 224}},
        )
    (detail,) = info.value.details
    assert detail.field == "Encabezado.Transporte.Aduana.CodPaisDestin"
    assert "342" in detail.issue
    assert "224" in detail.issue


def test_a_sale_in_pesos_restated_in_dollars_divides_by_the_banco_central_rate() -> None:
    """TpoCambio is the Banco Central's pesos per unit of the other currency: a sale of 3002
    pesos at 950 pesos per dollar was restated as 2,851,900 dollars (multiplied) instead of
    3.16 dollars."""
    factura = _hotel(
        lines=[{**HOTEL, "QtyItem": 3, "PrcItem": "1000.5"}],
        moneda=Moneda.PESO_CHILENO,
        otra_moneda=Moneda.DOLAR_USA,
        tipo_cambio=950,
    )
    otra = factura.encabezado.otra_moneda
    assert otra is not None
    assert factura.encabezado.totales.mnt_total == 3002  # type: ignore[union-attr]
    # 3002 / 950 = 3.16
    assert (otra.mnt_exe_otr_mnda, otra.mnt_tot_otr_mnda) == (Decimal("3.16"), Decimal("3.16"))
    factura.check()
    wrong = factura.model_copy(
        update={
            "encabezado": factura.encabezado.model_copy(
                update={"otra_moneda": otra.model_copy(update={"mnt_tot_otr_mnda": 2851900})}
            )
        }
    )
    assert "expected 3.16" in _problems(wrong)["Encabezado.OtraMoneda.MntTotOtrMnda"]


@pytest.mark.parametrize("domestic", [33, 34, 52, 61])
def test_an_export_nota_modifying_a_domestic_document_too_is_refused(domestic: int) -> None:
    """A 112 whose second reference with a CodRef named a factura (33) or a guía (52) was built
    and checked, while a 61 naming a 110 is refused: an export nota modifies export documents
    only, and a domestic one is modified by a nota de crédito or débito (61, 56)."""
    factura = _hotel(folio=3)
    second = {"TpoDocRef": domestic, "FolioRef": 5, "FchRef": date(2026, 11, 1), "CodRef": 3}
    with pytest.raises(DocumentError) as info:
        dte.nota_credito_exportacion(
            factura,
            cod_ref="corrige_montos",
            lines=[{"NmbItem": "Ajuste", "QtyItem": 1, "PrcItem": 1}],
            referencias=[second],
        )
    assert [detail.field for detail in info.value.details] == ["Referencia[2].TpoDocRef"]
    assert "nota_credito or nota_debito" in str(info.value)
    informing = {key: value for key, value in second.items() if key != "CodRef"}
    nota = dte.nota_credito_exportacion(
        factura,
        cod_ref="corrige_montos",
        lines=[{"NmbItem": "Ajuste", "QtyItem": 1, "PrcItem": 1}],
        referencias=[informing],
    )
    assert nota.referencias[1].tipo_doc_ref == str(domestic)


def test_an_export_nota_restated_in_another_currency_does_not_take_the_documents_rate() -> None:
    """A nota of a sale in dollars restated in pesos at 1000, given otra_moneda="EURO" and no
    rate, took the 1000 pesos per dollar as euros per dollar: 50 dollars came to 50,000 euros.
    The document's rate goes with its OtraMoneda's currency only; another one needs its own."""
    factura = _hotel(folio=3)
    with pytest.raises(DocumentError) as info:
        dte.nota_credito_exportacion(factura, otra_moneda="EURO")
    assert [detail.field for detail in info.value.details] == ["Encabezado.OtraMoneda.TpoCambio"]
    assert "tipo_cambio=" in str(info.value)
    in_euros = dte.nota_credito_exportacion(factura, otra_moneda="EURO", tipo_cambio="0.9")
    otra = in_euros.encabezado.otra_moneda
    assert otra is not None
    assert (otra.tpo_moneda, otra.mnt_tot_otr_mnda) == (Moneda.EURO, Decimal(45))
    in_pesos = dte.nota_credito_exportacion(factura, otra_moneda="PESO CL")
    assert in_pesos.encabezado.otra_moneda == factura.encabezado.otra_moneda


def test_a_112_annulling_a_112_is_told_to_use_the_export_nota_de_debito() -> None:
    """The refusal said to annul it with nota_debito(nota, cod_ref='anula'), which refuses an
    export document: a 112 is annulled by a 111, nota_debito_exportacion."""
    credit = dte.nota_credito_exportacion(_hotel(folio=3)).with_folio(2)
    with pytest.raises(DocumentError) as info:
        dte.nota_credito_exportacion(credit)
    assert "nota_debito_exportacion(nota, cod_ref='anula')" in str(info.value)
    annulled = dte.nota_debito_exportacion(credit, cod_ref="anula")
    assert annulled.referencias[0].tipo_doc_ref == "112"


def test_otra_moneda_given_without_a_rate_is_refused_not_dropped() -> None:
    """factura_exportacion(otra_moneda="EURO") without tipo_cambio, and the same on a nota of
    an export that has no OtraMoneda, returned the document without any OtraMoneda: the
    currency asked for was dropped without a word."""
    with pytest.raises(DocumentError) as info:
        _hotel(tipo_cambio=None, otra_moneda="EURO")
    assert [detail.field for detail in info.value.details] == ["Encabezado.OtraMoneda.TpoCambio"]
    assert "tipo_cambio=" in str(info.value)
    plain = _hotel(tipo_cambio=None, folio=3)
    assert plain.encabezado.otra_moneda is None
    with pytest.raises(DocumentError) as info:
        dte.nota_credito_exportacion(plain, otra_moneda="PESO CL")
    assert [detail.field for detail in info.value.details] == ["Encabezado.OtraMoneda.TpoCambio"]
    assert dte.nota_credito_exportacion(plain).encabezado.otra_moneda is None


def test_otra_moneda_without_a_rate_says_the_rate_the_totals_are_read_at() -> None:
    """A sale in pesos restated in dollars without tipo_cambio was told to pass dollars per peso
    (0.00105), while its totals are divided by the Banco Central's pesos per dollar (950): the
    rate so given made 3002 pesos some 2.7 million dollars. The refusal asks for pesos per
    unit of the other currency on a sale in pesos, and units of it per unit of the sale's
    currency on any other."""
    pesos = {"lines": [{**HOTEL, "PrcItem": 3002}], "moneda": Moneda.PESO_CHILENO}
    with pytest.raises(DocumentError) as info:
        _hotel(**pesos, tipo_cambio=None, otra_moneda=Moneda.DOLAR_USA)
    (detail,) = info.value.details
    assert detail.field == "Encabezado.OtraMoneda.TpoCambio"
    assert "pesos per unit of it" in detail.issue
    assert "per unit of the sale's currency" not in detail.issue
    followed = _hotel(**pesos, tipo_cambio=950, otra_moneda=Moneda.DOLAR_USA)
    assert followed.encabezado.otra_moneda.mnt_tot_otr_mnda == Decimal("3.16")  # type: ignore[union-attr]
    with pytest.raises(DocumentError) as info:
        _hotel(tipo_cambio=None, otra_moneda=Moneda.EURO)
    (detail,) = info.value.details
    assert "units of it per unit of the sale's currency" in detail.issue
    assert "pesos per unit of it" not in detail.issue


def test_otra_moneda_in_the_currency_of_the_sale_is_refused() -> None:
    """A sale in pesos given a tipo_cambio (otra_moneda left at its default, PESO CL) was
    "restated" in pesos: 1000 pesos at 950 came to an OtraMoneda of 950,000 pesos. OtraMoneda
    restates the totals in another currency, so the same one is refused, naming it."""
    with pytest.raises(DocumentError) as info:
        _hotel(lines=[{**HOTEL, "PrcItem": 1000}], moneda=Moneda.PESO_CHILENO, tipo_cambio=950)
    assert [detail.field for detail in info.value.details] == ["Encabezado.OtraMoneda.TpoMoneda"]
    assert "otra_moneda=" in str(info.value)
    with pytest.raises(DocumentError) as info:
        _hotel(otra_moneda=Moneda.DOLAR_USA)
    assert [detail.field for detail in info.value.details] == ["Encabezado.OtraMoneda.TpoMoneda"]
    in_dollars = _hotel(
        lines=[{**HOTEL, "PrcItem": 1000}],
        moneda=Moneda.PESO_CHILENO,
        tipo_cambio=950,
        otra_moneda=Moneda.DOLAR_USA,
    )
    assert in_dollars.encabezado.otra_moneda is not None
    assert in_dollars.encabezado.otra_moneda.mnt_tot_otr_mnda == Decimal("1.0526")


@pytest.mark.parametrize("build", [dte.nota_credito_exportacion, dte.nota_debito_exportacion])
def test_an_export_nota_in_another_currency_than_its_document_is_refused(build: Any) -> None:
    """A nota of 1.5 EURO on a factura of dollars was built: it credits or adds to amounts
    the factura does not have in that currency."""
    factura = _hotel().with_folio(1)  # DOLAR USA
    with pytest.raises(DocumentError) as info:
        build(factura, cod_ref="corrige_montos", lines=[{**HOTEL, "PrcItem": "1.5"}], moneda="EURO")
    (detail,) = info.value.details
    assert detail.field == "Encabezado.Totales.TpoMoneda"
    assert "DOLAR USA" in detail.issue
    assert "EURO" in detail.issue
    same = build(factura, cod_ref="corrige_montos", lines=[HOTEL], moneda="DOLAR USA")
    assert same.encabezado.totales.tpo_moneda is Moneda.DOLAR_USA  # type: ignore[union-attr]


def test_an_export_nota_correcting_text_modifies_one_document_and_no_amount() -> None:
    """CodRef 2 on an export nota: one referenced document, amounts of 0."""
    factura = _hotel().with_folio(1)
    with pytest.raises(DocumentError, match="CodRef 2"):
        dte.nota_credito_exportacion(factura, cod_ref="corrige_texto", lines=[HOTEL])
    second = {"TpoDocRef": 110, "FolioRef": "2", "FchRef": date(2026, 11, 27), "CodRef": 2}
    with pytest.raises(DocumentError, match="one document"):
        dte.nota_credito_exportacion(factura, cod_ref="corrige_texto", referencias=[second])


def test_an_export_reference_with_the_issuers_own_rut_as_rut_otro_is_refused() -> None:
    own = {**PASAPORTE, "TpoDocRef": 110, "FolioRef": "3", "RUTOtr": EMISOR["RUTEmisor"]}
    assert "Referencia[2].RUTOtr" in _problems(_hotel(referencias=[PASAPORTE, own], check=False))


FACTURA_RECEPTOR: dict[str, Any] = {
    "RUTRecep": "76086428-5",
    "RznSocRecep": "Importadora Local SpA",
    "GiroRecep": "Comercio",
    "DirRecep": "Av. Providencia 1",
    "CmnaRecep": "Providencia",
}


@pytest.mark.parametrize("tipo", [33, 34, 52, 61])
def test_a_currency_given_to_a_document_in_pesos_is_refused_not_dropped(tipo: int) -> None:
    """build(33, moneda="DOLAR USA") returned a factura in pesos as if no currency were given:
    only an export's amounts are in another currency."""
    options: dict[str, Any] = {"referencias": [PASAPORTE]} if tipo == 61 else {}
    with pytest.raises(DocumentError) as info:
        dte.build(
            tipo,
            emisor=EMISOR,
            receptor=FACTURA_RECEPTOR,
            lines=[{"NmbItem": "Servicio", "QtyItem": 1, "PrcItem": 100}],
            moneda="DOLAR USA",
            check=False,
            **options,
        )
    assert [detail.field for detail in info.value.details] == ["Encabezado.Totales.TpoMoneda"]
    assert "leave moneda out" in str(info.value)


def test_otra_moneda_without_its_total_on_a_factura_is_refused_before_an_invalid_xml() -> None:
    """A factura given OtraMoneda with a rate alone passed check() and was stamped into XML
    that fails the SII's schema (OtraMoneda needs MntTotOtrMnda), which only exports' builders
    compute."""
    factura = dte.build(
        33,
        emisor=EMISOR,
        receptor=FACTURA_RECEPTOR,
        lines=[{"NmbItem": "Servicio", "QtyItem": 1, "PrcItem": 95000}],
        otra_moneda={"TpoMoneda": "DOLAR USA", "TpoCambio": 950},
        check=False,
    )
    assert list(_problems(factura)) == ["Encabezado.OtraMoneda.MntTotOtrMnda"]
    given = dte.build(
        33,
        emisor=EMISOR,
        receptor=FACTURA_RECEPTOR,
        lines=[{"NmbItem": "Servicio", "QtyItem": 1, "PrcItem": 95000}],
        otra_moneda={"TpoMoneda": "DOLAR USA", "TpoCambio": 950, "MntTotOtrMnda": 119},
    )
    assert given.encabezado.otra_moneda is not None


def test_an_export_without_mnt_exe_is_refused_before_an_invalid_xml() -> None:
    """A 112 correcting text, read from a dict whose Totales left MntExe out (its total 0),
    passed check() and was stamped into XML that fails DTE_v10.xsd, where an export's MntExe is
    required; check() now names it."""
    nota = dte.nota_credito_exportacion(
        _hotel(folio=3), cod_ref="corrige_texto", razon="Corrige la dirección"
    )
    data = nota.to_sii_dict()
    del data["Encabezado"]["Totales"]["MntExe"]  # type: ignore[attr-defined]
    problems = _problems(Document.from_sii_dict(data))
    assert list(problems) == ["Encabezado.Totales.MntExe"]
    assert "required" in problems["Encabezado.Totales.MntExe"]
    factura = _hotel().to_sii_dict()
    del factura["Encabezado"]["Totales"]["MntExe"]  # type: ignore[attr-defined]
    assert list(_problems(Document.from_sii_dict(factura))) == ["Encabezado.Totales.MntExe"]


def test_an_export_read_with_a_rate_but_no_total_in_otra_moneda_is_refused() -> None:
    """An export read from a dict whose OtraMoneda gave TpoCambio without MntTotOtrMnda passed
    check() (only the builders compute it) and issue() wrote XML that fails DTE_v10.xsd; the
    fake issued it. check() now names the missing total with its amount at that rate."""
    data = _hotel().to_sii_dict()
    otra = data["Encabezado"]["OtraMoneda"]  # type: ignore[index]
    del otra["MntTotOtrMnda"], otra["MntExeOtrMnda"]
    problems = _problems(Document.from_sii_dict(data))
    assert list(problems) == ["Encabezado.OtraMoneda.MntTotOtrMnda"]
    assert "required, 50000 at TpoCambio 1000" in problems["Encabezado.OtraMoneda.MntTotOtrMnda"]


@pytest.mark.parametrize("element", ["cod_pais_recep", "cod_pais_destin"])
def test_a_country_of_aduana_below_101_is_refused(element: str) -> None:
    """CodPaisRecep and CodPaisDestin took any number of up to 3 digits (5), though Aduana's
    country codes have three, from 101."""
    with pytest.raises(DocumentError) as info:
        _hotel(ind_servicio=None, aduana={**ADUANA, element: 5})
    problems = {d.field: d.issue for d in info.value.details}
    alias = {"cod_pais_recep": "CodPaisRecep", "cod_pais_destin": "CodPaisDestin"}[element]
    assert "is not Aduana's country code" in problems[f"Encabezado.Transporte.Aduana.{alias}"]
