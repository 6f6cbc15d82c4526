"""haulmer.dte builders: one per type, and the notes that reference another document."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

import haulmer.dte as dte
from haulmer.dte import CodRef, Document, DTEType
from haulmer.errors import DocumentError

RJ45 = {"nombre": "Conectores RJ45", "cantidad": 450, "precio": 70}


@pytest.fixture
def factura(emisor: dict[str, Any], receptor: dict[str, Any]) -> Document:
    return dte.factura(emisor=emisor, receptor=receptor, lines=[RJ45], fecha=date(2026, 1, 5))


def _totales(doc: Document) -> dict[str, Any]:
    return dict(doc.to_sii_dict()["Encabezado"]["Totales"])


# -- types ----------------------------------------------------------------------------------------


def test_factura_fills_totals_and_payment_terms(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = dte.factura(
        emisor=emisor,
        receptor=receptor,
        lines=[RJ45],
        fecha=date(2026, 1, 5),
        forma_pago=2,
        medio_pago="TC",
        fecha_vencimiento=date(2026, 2, 5),
    )
    assert doc.tipo_dte is DTEType.FACTURA
    assert doc.folio == 0
    id_doc = doc.to_sii_dict()["Encabezado"]["IdDoc"]
    assert id_doc == {
        "TipoDTE": 33,
        "Folio": 0,
        "FchEmis": "2026-01-05",
        "FmaPago": 2,
        "MedioPago": "TC",
        "FchVenc": "2026-02-05",
    }
    assert doc.encabezado.totales == doc.totals
    assert _totales(doc) == {
        "MntNeto": 31500,
        "TasaIVA": Decimal(19),
        "IVA": 5985,
        "MntTotal": 37485,
    }


def test_factura_with_gross_prices(emisor: dict[str, Any], receptor: dict[str, Any]) -> None:
    doc = dte.factura(
        emisor=emisor,
        receptor=receptor,
        lines=[{"nombre": "x", "precio": 1190}],
        montos_brutos=True,
    )
    assert doc.encabezado.id_doc.mnt_bruto == 1
    assert _totales(doc) == {"MntNeto": 1000, "TasaIVA": Decimal(19), "IVA": 190, "MntTotal": 1190}


def test_factura_exenta_marks_lines_exempt(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = dte.factura_exenta(
        emisor=emisor,
        receptor=receptor,
        lines=[
            {"nombre": "Horas", "precio": 20000},
            {"nombre": "NF", "precio": 35000, "IndExe": 2},
        ],
    )
    assert [line.ind_exe for line in doc.detalle] == [1, 2]
    assert _totales(doc) == {
        "MntExe": 20000,
        "MntTotal": 20000,
        "MontoNF": 35000,
        "MontoPeriodo": 55000,
    }


def test_exempt_builders_put_global_discounts_on_the_exempt_amount(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    discount = {"TpoMov": "D", "TpoValor": "%", "ValorDR": 10}
    factura = dte.factura_exenta(
        emisor=emisor,
        receptor=receptor,
        lines=[{"nombre": "Horas", "cantidad": 5, "precio": 25000}],
        descuentos_recargos=[discount],
    )
    assert factura.to_sii_dict()["DscRcgGlobal"][0]["IndExeDR"] == 1
    assert _totales(factura) == {"MntExe": 112500, "MntTotal": 112500}
    boleta = dte.boleta_exenta(
        emisor=emisor, lines=[{"nombre": "S", "precio": 1000}], descuentos_recargos=[discount]
    )
    assert _totales(boleta) == {"MntExe": 900, "MntTotal": 900}


def test_exempt_builders_take_ind_exe_none_as_not_given(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    # A line or a global discount copied from a form or a model dump carries ind_exe=None:
    # the exempt default applies, as it does when the key is absent, instead of the builder's
    # IndExe 1 being taken for a second spelling of it.
    none_line = {"nombre": "Horas", "precio": 20000, "ind_exe": None}
    discount = {"TpoMov": "D", "TpoValor": "%", "ValorDR": 10, "ind_exe": None}
    factura = dte.factura_exenta(
        emisor=emisor, receptor=receptor, lines=[none_line], descuentos_recargos=[discount]
    )
    assert [line.ind_exe for line in factura.detalle] == [1]
    assert [g.ind_exe for g in factura.descuentos_recargos] == [1]
    assert _totales(factura) == {"MntExe": 18000, "MntTotal": 18000}
    boleta = dte.boleta_exenta(emisor=emisor, lines=[none_line], descuentos_recargos=[discount])
    assert _totales(boleta) == {"MntExe": 18000, "MntTotal": 18000}
    exenta = factura.with_folio(3)
    returned = {**none_line, "precio": 15000}  # within the 18000 the factura charged
    nota = dte.nota_credito(exenta, cod_ref="corrige_montos", lines=[returned])
    assert [line.ind_exe for line in nota.detalle] == [1]


def test_zero_price_is_no_price(emisor: dict[str, Any], receptor: dict[str, Any]) -> None:
    doc = dte.factura(
        emisor=emisor, receptor=receptor, lines=[{"nombre": "Regalo", "cantidad": 1, "precio": 0}]
    )
    line = doc.to_sii_dict()["Detalle"][0]
    assert "PrcItem" not in line
    assert line["MontoItem"] == 0


def test_boleta_defaults_and_issuer_subset(emisor: dict[str, Any]) -> None:
    doc = dte.boleta(
        emisor={**emisor, "telefonos": ["1"], "correo": "x@y.cl"},
        lines=[{"nombre": "Item", "precio": 1000}],
    )
    assert doc.receptor.rut == dte.Receptor(rut="66666666-6").rut
    assert doc.encabezado.id_doc.ind_servicio == 3
    assert doc.emisor.actecos == []
    assert doc.emisor.telefonos == []
    assert doc.montos_brutos
    assert _totales(doc) == {"MntNeto": 840, "IVA": 160, "MntTotal": 1000}


@pytest.mark.parametrize("builder", [dte.boleta, dte.boleta_exenta])
@pytest.mark.parametrize("key", ["IndServicio", "ind_servicio"])
def test_a_boletas_ind_servicio_given_in_id_doc_is_kept(
    emisor: dict[str, Any], builder: Any, key: str
) -> None:
    # A utility's boleta of servicios periódicos (1) must not be issued as a sale (3); it names
    # its customer and the address served, as the SII requires of IndServicio 1.
    customer = {"rut": "12531909-2", "razon_social": "Juan Pérez", "direccion": "Los Aromos 12"}
    doc = builder(
        emisor=emisor,
        receptor=customer,
        lines=[{"nombre": "Agua", "precio": 24500}],
        id_doc={key: 1},
    )
    assert doc.encabezado.id_doc.ind_servicio == 1


@pytest.mark.parametrize("key", ["IndServicio", "ind_servicio"])
def test_build_takes_a_boletas_ind_servicio_given_as_none_as_not_given(
    emisor: dict[str, Any], key: str
) -> None:
    # As boleta() does: None is no value, so the default (3 ventas y servicios) applies.
    doc = dte.build(
        39,
        emisor=emisor,
        receptor={"rut": "66666666-6"},
        lines=[{"nombre": "Agua", "precio": 24500}],
        id_doc={key: None},
    )
    assert doc.encabezado.id_doc.ind_servicio == 3


@pytest.mark.parametrize("builder", [dte.boleta, dte.boleta_exenta])
def test_a_boletas_ind_servicio_given_twice_differently_is_refused(
    emisor: dict[str, Any], builder: Any
) -> None:
    with pytest.raises(DocumentError, match=r"IndServicio.*given twice") as caught:
        builder(
            emisor=emisor,
            lines=[{"nombre": "Agua", "precio": 24500}],
            ind_servicio=2,
            id_doc={"IndServicio": 1},
        )
    assert [d.field for d in caught.value.details] == ["Encabezado.IdDoc.IndServicio"]


@pytest.mark.parametrize("builder", [dte.boleta, dte.boleta_exenta])
def test_a_boletas_ind_servicio_given_twice_alike_is_taken(
    emisor: dict[str, Any], builder: Any
) -> None:
    doc = builder(
        emisor=emisor,
        # a show's boleta (4) says what each line sells: 02, the service's charge
        lines=[{"nombre": "Cargo por servicio", "precio": 24500, "ItemEspectaculo": "02"}],
        ind_servicio=4,
        id_doc={"ind_servicio": 4},
    )
    assert doc.encabezado.id_doc.ind_servicio == 4


@pytest.mark.parametrize("key", ["MedioPago", "medio_pago"])
def test_a_boletas_medio_pago_given_twice_differently_is_refused_not_replaced(
    emisor: dict[str, Any], key: str
) -> None:
    with pytest.raises(DocumentError, match=r"MedioPago.*given twice") as caught:
        dte.boleta(
            emisor=emisor, lines=[{"nombre": "TV", "precio": 990}], medio_pago=2, id_doc={key: 1}
        )
    assert [d.field for d in caught.value.details] == ["Encabezado.IdDoc.MedioPago"]


def test_a_boletas_medio_pago_given_twice_alike_is_taken(emisor: dict[str, Any]) -> None:
    doc = dte.boleta(
        emisor=emisor,
        lines=[{"nombre": "TV", "precio": 990}],
        medio_pago=1,
        id_doc={"medio_pago": 1},
    )
    assert doc.encabezado.id_doc.medio_pago == "1"  # the model keeps the code as text


@pytest.mark.parametrize(
    ("argument", "value", "key", "other"),
    [
        ("forma_pago", 2, "FmaPago", 1),
        ("medio_pago", "CH", "medio_pago", "EF"),
        ("fecha_vencimiento", date(2026, 2, 5), "FchVenc", "2026-03-05"),
    ],
)
def test_a_facturas_payment_terms_given_twice_differently_are_refused_not_replaced(
    emisor: dict[str, Any],
    receptor: dict[str, Any],
    argument: str,
    value: Any,
    key: str,
    other: Any,
) -> None:
    """``forma_pago=2`` with ``id_doc={"FmaPago": 1}`` silently sent 2; which one the caller
    meant cannot be told, so both are refused, naming the field; given alike, they are taken."""
    common: dict[str, Any] = {"emisor": emisor, "receptor": receptor, "lines": [RJ45]}
    alias = {"forma_pago": "FmaPago", "medio_pago": "MedioPago"}.get(argument, "FchVenc")
    with pytest.raises(DocumentError, match=rf"{alias} given twice") as caught:
        dte.factura(**common, fecha=date(2026, 1, 5), id_doc={key: other}, **{argument: value})
    assert [d.field for d in caught.value.details] == [f"Encabezado.IdDoc.{alias}"]
    alike = dte.factura(**common, fecha=date(2026, 1, 5), id_doc={key: value}, **{argument: value})
    assert str(getattr(alike.encabezado.id_doc, argument)) == str(value)


@pytest.mark.parametrize("key", ["IndMntNeto", "ind_mnt_neto"])
def test_a_boletas_net_prices_given_both_ways_alike_are_taken(
    emisor: dict[str, Any], key: str
) -> None:
    # montos_netos=True beside id_doc's ind_mnt_neto 2 was refused as "given twice".
    doc = dte.boleta(
        emisor=emisor,
        lines=[{"nombre": "Item", "precio": 1000}],
        montos_netos=True,
        id_doc={key: 2},
    )
    assert doc.encabezado.id_doc.ind_mnt_neto == 2
    assert _totales(doc) == {"MntNeto": 1000, "IVA": 190, "MntTotal": 1190}


@pytest.mark.parametrize("key", ["MntBruto", "mnt_bruto"])
@pytest.mark.parametrize("builder", ["factura", "liquidacion_factura", "nota_credito"])
def test_gross_prices_given_both_ways_alike_are_taken(
    emisor: dict[str, Any], receptor: dict[str, Any], factura: Document, key: str, builder: str
) -> None:
    # montos_brutos=True beside id_doc's mnt_bruto 1 was refused as "given twice".
    line = {"nombre": "Item", "precio": 1190}
    if builder == "nota_credito":
        doc = dte.nota_credito(
            factura.with_folio(5),
            cod_ref="corrige_montos",
            lines=[line],
            montos_brutos=True,
            id_doc={key: 1},
        )
    else:
        if builder == "liquidacion_factura":
            line = {**line, "tpo_doc_liq": "33"}
        doc = getattr(dte, builder)(
            emisor=emisor, receptor=receptor, lines=[line], montos_brutos=True, id_doc={key: 1}
        )
    assert doc.encabezado.id_doc.mnt_bruto == 1
    assert doc.totals.mnt_neto == 1000


def test_boleta_with_net_prices(emisor: dict[str, Any]) -> None:
    doc = dte.boleta(emisor=emisor, lines=[{"nombre": "Item", "precio": 1000}], montos_netos=True)
    assert doc.encabezado.id_doc.ind_mnt_neto == 2
    assert not doc.montos_brutos
    assert _totales(doc) == {"MntNeto": 1000, "IVA": 190, "MntTotal": 1190}


def test_boleta_exenta(emisor: dict[str, Any]) -> None:
    doc = dte.boleta_exenta(emisor=emisor, lines=[{"nombre": "Agua", "precio": 24500}])
    assert doc.tipo_dte is DTEType.BOLETA_EXENTA
    assert _totales(doc) == {"MntExe": 24500, "MntTotal": 24500}


@pytest.mark.parametrize("builder", [dte.boleta, dte.boleta_exenta])
def test_a_boleta_line_with_ind_exe_3_is_named_once_as_a_value_boletas_lack(
    emisor: dict[str, Any], builder: Any
) -> None:
    # EnvioBOLETA has no garantía por depósito de envases: the line's IndExe is what to fix,
    # not a GrntDep the calculator would have made of it.
    with pytest.raises(DocumentError) as caught:
        builder(emisor=emisor, lines=[{"nombre": "Envase", "precio": 200, "ind_exe": 3}])
    assert [(d.field, d.issue) for d in caught.value.details] == [
        ("Detalle[1].IndExe", "3 is not one of 1, 2, 6")
    ]


@pytest.mark.parametrize("montos_netos", [False, True])
def test_a_boleta_line_with_cod_imp_adic_is_named_once_as_an_element_boletas_lack(
    emisor: dict[str, Any], montos_netos: bool
) -> None:
    # EnvioBOLETA has no CodImpAdic nor ImptoReten: the line's code is what to fix, not its
    # prices (net prices do not make it writable) nor an ImptoReten computed from it.
    with pytest.raises(DocumentError) as caught:
        dte.boleta(
            emisor=emisor,
            lines=[{"nombre": "Pisco", "precio": 11900, "cod_imp_adic": ["24"]}],
            montos_netos=montos_netos,
        )
    assert [d.field for d in caught.value.details] == ["Detalle[1].CodImpAdic"]
    assert "a boleta (EnvioBOLETA_v11) has no such element" in caught.value.details[0].issue
    assert "montos_brutos" not in str(caught.value)


def test_factura_compra_retains_all_iva_by_default(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = dte.factura_compra(
        emisor=emisor, receptor=receptor, lines=[{"nombre": "P1", "precio": 100000}]
    )
    assert doc.detalle[0].cod_imp_adic == ["15"]
    totales = _totales(doc)
    assert totales["ImptoReten"] == [{"TipoImp": "15", "TasaImp": Decimal(19), "MontoImp": 19000}]
    assert totales["MntTotal"] == 100000
    assert "IVANoRet" not in totales


def test_factura_compra_partial_retention_and_exempt_lines(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = dte.factura_compra(
        emisor=emisor,
        receptor=receptor,
        lines=[
            {"nombre": "Trigo", "cantidad": 2, "precio": 5000},
            {"nombre": "Exento", "precio": 100, "ind_exe": 1},
            {"nombre": "Ganado", "precio": 1000, "cod_imp_adic": ["32"]},
        ],
        retencion="34",
    )
    assert [line.cod_imp_adic for line in doc.detalle] == [["34"], [], ["32"]]
    totales = _totales(doc)
    assert [t["TipoImp"] for t in totales["ImptoReten"]] == ["32", "34"]
    # neto 11000, IVA 2090, retained 400 + 80, exento 100
    assert (totales["IVANoRet"], totales["MntTotal"]) == (1610, 11000 + 100 + 2090 - 480)


def test_factura_compra_retains_the_iva_of_a_line_with_an_additional_tax(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    """A line's additional tax (ILA on pisco) is no retention: the buyer still retains its IVA."""
    doc = dte.factura_compra(
        emisor=emisor,
        receptor=receptor,
        lines=[
            {"nombre": "Pisco", "precio": 10000, "cod_imp_adic": ["24"]},
            {"nombre": "Vino", "precio": 1000, "CodImpAdic": "25"},
            {"nombre": "Ganado", "precio": 1000, "cod_imp_adic": ["24", "32"]},
        ],
    )
    assert [line.cod_imp_adic for line in doc.detalle] == [["24", "15"], ["25", "15"], ["24", "32"]]
    totales = _totales(doc)
    retained = {t["TipoImp"]: t["MontoImp"] for t in totales["ImptoReten"]}
    assert (retained["15"], retained["32"]) == (2090, 80)
    # neto 12000, IVA 2280; ILA 3465 + 205; retained 2090 + 80
    assert totales["MntTotal"] == 12000 + 2280 + 3465 + 205 - 2090 - 80


def test_factura_compra_refuses_a_line_with_two_additional_taxes_and_no_room_to_retain(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError) as caught:
        dte.factura_compra(
            emisor=emisor,
            receptor=receptor,
            lines=[
                {"nombre": "A", "precio": 1000},
                {"nombre": "Mix", "precio": 1000, "cod_imp_adic": ["24", "27"]},
            ],
        )
    assert [d.field for d in caught.value.details] == ["Detalle[2].CodImpAdic"]
    assert "the retention 15 cannot join them" in str(caught.value)
    assert "split the line" in str(caught.value)


def test_factura_compra_without_retention(emisor: dict[str, Any], receptor: dict[str, Any]) -> None:
    doc = dte.factura_compra(
        emisor=emisor, receptor=receptor, lines=[{"nombre": "A", "precio": 45000}], retencion=None
    )
    assert _totales(doc)["MntTotal"] == 53550


@pytest.mark.parametrize("code", ["24", "27", "19"])
def test_factura_compra_refuses_a_retencion_that_is_an_additional_tax(
    emisor: dict[str, Any], receptor: dict[str, Any], code: str
) -> None:
    with pytest.raises(DocumentError) as caught:
        dte.factura_compra(
            emisor=emisor,
            receptor=receptor,
            lines=[{"nombre": "A", "precio": 1000}],
            retencion=code,
        )
    assert [d.field for d in caught.value.details] == ["retencion"]
    assert "not an IVA retention" in str(caught.value)
    assert "RETAINED_CODES" in str(caught.value)


def test_factura_compra_takes_a_retencion_whose_rate_the_document_gives(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = dte.factura_compra(
        emisor=emisor,
        receptor=receptor,
        lines=[{"nombre": "A", "precio": 1000}],
        retencion="16",
        tasas_adicionales={"16": 10},
    )
    assert _totales(doc)["MntTotal"] == 1000 + 190 - 100


def test_factura_compra_to_its_own_issuer_is_refused(emisor: dict[str, Any]) -> None:
    seller = {
        "rut": "76.192.083-9",  # the emisor's RUT, written with dots
        "razon_social": "Vendedor",
        "giro": "Agricultor",
        "direccion": "Campo",
        "comuna": "Talca",
    }
    with pytest.raises(DocumentError) as caught:
        dte.factura_compra(emisor=emisor, receptor=seller, lines=[{"nombre": "A", "precio": 9}])
    assert [d.field for d in caught.value.details] == ["Encabezado.Receptor.RUTRecep"]
    assert "the seller" in str(caught.value)


def test_a_nota_correcting_a_factura_de_compras_amounts_retains_its_iva_as_the_factura_did(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    compra = dte.factura_compra(
        emisor=emisor, receptor=receptor, folio=9, lines=[{"nombre": "Trigo", "precio": 5000}]
    )
    nota = dte.nota_credito(
        compra,
        cod_ref="corrige_montos",
        lines=[
            {"nombre": "Trigo", "precio": 1000},
            {"nombre": "Flete", "precio": 100, "ind_exe": 1},
            {"nombre": "Pisco", "precio": 100, "cod_imp_adic": ["24"]},
        ],
    )
    # the pisco's IVA is retained too, beside its additional tax
    assert [line.cod_imp_adic for line in nota.detalle] == [["15"], [], ["24", "15"]]
    totales = _totales(nota)
    assert totales["ImptoReten"][0] == {"TipoImp": "15", "TasaImp": Decimal(19), "MontoImp": 209}
    assert totales["MntTotal"] == 1100 + 100 + 209 - 209 + 32


def test_a_nota_of_a_factura_de_compra_without_one_retention_leaves_its_lines_as_given(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    mixed = dte.factura_compra(
        emisor=emisor,
        receptor=receptor,
        folio=9,
        lines=[
            {"nombre": "Trigo", "precio": 5000},
            {"nombre": "Ganado", "precio": 10, "cod_imp_adic": ["32"]},
        ],
    )
    unretained = dte.factura_compra(
        emisor=emisor,
        receptor=receptor,
        folio=9,
        lines=[{"nombre": "A", "precio": 5000}],  # more than the nota credits
        retencion=None,
    )
    for compra in (mixed, unretained):
        nota = dte.nota_credito(
            compra, cod_ref="corrige_montos", lines=[{"nombre": "A", "precio": 1000}]
        )
        assert nota.detalle[0].cod_imp_adic == []


def _diesel(emisor: dict[str, Any], receptor: dict[str, Any], **options: Any) -> Document:
    """A factura of 100 litres of diésel (code 28, no fixed rate) at 800 each."""
    return dte.factura(
        emisor=emisor,
        receptor=receptor,
        lines=[{"nombre": "Diésel", "cantidad": 100, "precio": 800, "cod_imp_adic": ["28"]}],
        **options,
    )


def test_tasas_adicionales_rate_the_codes_without_a_fixed_one(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = _diesel(emisor, receptor, tasas_adicionales={"28": "6.5"})
    totales = _totales(doc)
    assert totales["ImptoReten"] == [{"TipoImp": "28", "TasaImp": Decimal("6.5"), "MontoImp": 5200}]
    assert totales["MntTotal"] == 80000 + 15200 + 5200


def test_without_tasas_adicionales_a_code_without_a_fixed_rate_says_how_to_give_it(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError) as info:
        _diesel(emisor, receptor)
    assert "tasas_adicionales={'28': rate}" in info.value.details[0].issue


def test_a_nota_takes_the_tasas_adicionales_of_its_document(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    factura = _diesel(emisor, receptor, tasas_adicionales={"28": "6.5"}, folio=7)
    nota = dte.nota_credito(factura)
    assert _totales(nota)["ImptoReten"] == _totales(factura)["ImptoReten"]
    assert _totales(nota)["MntTotal"] == _totales(factura)["MntTotal"]


def test_a_declared_retention_of_a_received_factura_de_compra_is_subtracted(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    built = dte.factura_compra(
        emisor=emisor,
        receptor=receptor,
        lines=[{"nombre": "Trigo", "precio": 10000, "cod_imp_adic": ["16"]}],
        tasas_adicionales={"16": 10},
    )
    received = Document.model_validate(built.to_sii_dict())
    assert _totales(received)["MntTotal"] == 10000 + 1900 - 1000
    received.check()


@pytest.mark.parametrize(
    ("rates", "issue"),
    [
        ({"99": 5}, "not a tax code of the SII's table"),
        ({"28": 0}, "0 is not a rate in percent from 0.01 to 100"),
        ({"28": "seis"}, "'seis' is not a rate"),
        ({"28": "100.5"}, "is not a rate"),
        ({"28": "1.234"}, "in cents"),
        ({"28": True}, "is not a rate"),
        ({"28": float("nan")}, "is not a rate"),
    ],
)
def test_bad_tasas_adicionales_are_named_before_anything_is_built(
    emisor: dict[str, Any], receptor: dict[str, Any], rates: dict[str, Any], issue: str
) -> None:
    with pytest.raises(DocumentError) as info:
        _diesel(emisor, receptor, tasas_adicionales=rates)
    assert info.value.details[0].field.startswith("tasas_adicionales[")
    assert issue in info.value.details[0].issue


def test_tasas_adicionales_that_are_not_a_mapping_are_a_type_error(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(TypeError, match="tasas_adicionales is a mapping"):
        dte.factura(
            emisor=emisor,
            receptor=receptor,
            lines=[{"nombre": "x", "precio": 800}],
            tasas_adicionales=[("28", 5)],  # type: ignore[typeddict-item]
        )


def _guia(emisor: dict[str, Any], receptor: dict[str, Any], **given: Any) -> Document:
    return dte.guia_despacho(emisor=emisor, receptor=receptor, lines=[RJ45], **given)


def _export(emisor: dict[str, Any], receptor: dict[str, Any], **given: Any) -> Document:
    foreigner = {"razon_social": "Jackie Chan", "extranjero": {"nacionalidad": "225"}}
    line = {"nombre": "Consultoría", "precio": 100}
    return dte.factura_exportacion(
        emisor=emisor, receptor=foreigner, lines=[line], moneda="DOLAR USA", **given
    )


@pytest.mark.parametrize(
    ("builder", "argument", "value", "key", "other"),
    [
        (_guia, "ind_traslado", 5, "IndTraslado", 1),
        (_guia, "tipo_despacho", 2, "tipo_despacho", 1),
        (_export, "ind_servicio", 3, "IndServicio", 4),
        (_export, "forma_pago_exportacion", 21, "FmaPagExp", 1),
    ],
)
def test_a_guias_and_an_exports_arguments_given_twice_differently_are_refused_not_replaced(
    emisor: dict[str, Any],
    receptor: dict[str, Any],
    builder: Any,
    argument: str,
    value: int,
    key: str,
    other: int,
) -> None:
    """``ind_traslado=5`` with ``id_doc={"IndTraslado": 1}`` silently sent a traslado interno
    where the caller's id_doc said a sale; both are refused, naming the field, as the payment
    terms are; given alike, they are taken."""
    alias = {"tipo_despacho": "TipoDespacho", "forma_pago_exportacion": "FmaPagExp"}.get(
        argument, key
    )
    needed = {_guia: ("ind_traslado", 1), _export: ("ind_servicio", 3)}[builder]
    given = dict([needed]) if argument != needed[0] else {}
    with pytest.raises(DocumentError, match=rf"{alias} given twice") as caught:
        builder(emisor, receptor, id_doc={key: other}, **{**given, argument: value})
    assert [d.field for d in caught.value.details] == [f"Encabezado.IdDoc.{alias}"]
    alike = builder(emisor, receptor, id_doc={key: value}, **{**given, argument: value})
    assert alike.to_sii_dict()["Encabezado"]["IdDoc"][alias] == value


def test_guia_despacho_carries_transport(emisor: dict[str, Any], receptor: dict[str, Any]) -> None:
    doc = dte.guia_despacho(
        emisor=emisor,
        receptor=receptor,
        lines=[RJ45],
        ind_traslado=4,
        tipo_despacho=1,
        transporte={
            "DirDest": "Calle 123",
            "CmnaDest": "Santiago",
            "Patente": "ABCD12",
            "RUTTrans": "2-7",
            "Chofer": {"RUTChofer": "1-9", "NombreChofer": "Pedro"},
        },
    )
    enc = doc.to_sii_dict()["Encabezado"]
    assert list(enc) == ["IdDoc", "Emisor", "Receptor", "Transporte", "Totales"]
    assert enc["IdDoc"]["TipoDespacho"] == 1
    assert enc["IdDoc"]["IndTraslado"] == 4
    assert list(enc["Transporte"]) == ["Patente", "RUTTrans", "Chofer", "DirDest", "CmnaDest"]
    assert enc["Transporte"]["Chofer"] == {"RUTChofer": "1-9", "NombreChofer": "Pedro"}
    assert enc["Totales"]["MntTotal"] == 37485


@pytest.mark.parametrize("key", ["FchEmis", "fecha_emision"])
def test_an_issue_date_given_in_id_doc_is_the_documents(emisor: dict[str, Any], key: str) -> None:
    # A boleta issued after a contingency carries the day of the sale: id_doc's FchEmis was
    # replaced by today, and its Python spelling was refused as "given twice".
    doc = dte.boleta(
        emisor=emisor, lines=[{"nombre": "Pan", "precio": 1190}], id_doc={key: "2026-01-05"}
    )
    assert doc.fecha_emision == date(2026, 1, 5)
    alike = dte.boleta(
        emisor=emisor,
        lines=[{"nombre": "Pan", "precio": 1190}],
        id_doc={key: "2026-01-05"},
        fecha=date(2026, 1, 5),
    )
    assert alike.fecha_emision == date(2026, 1, 5)
    at_noon = dte.boleta(
        emisor=emisor,
        lines=[{"nombre": "Pan", "precio": 1190}],
        id_doc={key: "2026-01-05"},
        fecha=datetime(2026, 1, 5, 12, 0),
    )
    assert at_noon.fecha_emision == date(2026, 1, 5)


@pytest.mark.parametrize("key", ["Folio", "folio"])
def test_a_folio_given_in_id_doc_is_the_documents(emisor: dict[str, Any], key: str) -> None:
    doc = dte.boleta(emisor=emisor, lines=[{"nombre": "Pan", "precio": 1190}], id_doc={key: 7})
    assert doc.folio == 7


@pytest.mark.parametrize(
    ("argument", "value", "key", "other", "alias"),
    [
        ("fecha", date(2026, 1, 6), "FchEmis", "2026-01-05", "FchEmis"),
        ("fecha", date(2026, 1, 6), "fecha_emision", date(2026, 1, 5), "FchEmis"),
        ("folio", 8, "Folio", 7, "Folio"),
        ("folio", 8, "folio", 7, "Folio"),
    ],
)
def test_an_issue_date_or_folio_given_twice_differently_is_refused_not_replaced(
    emisor: dict[str, Any], argument: str, value: Any, key: str, other: Any, alias: str
) -> None:
    with pytest.raises(DocumentError, match=rf"{alias} given twice, as {argument}=") as caught:
        dte.boleta(
            emisor=emisor,
            lines=[{"nombre": "Pan", "precio": 1190}],
            id_doc={key: other},
            **{argument: value},
        )
    assert [d.field for d in caught.value.details] == [f"Encabezado.IdDoc.{alias}"]


@pytest.mark.parametrize("key", ["TipoDTE", "tipo_dte"])
def test_another_type_given_in_id_doc_is_refused_not_replaced(
    emisor: dict[str, Any], key: str
) -> None:
    # boleta(id_doc={"TipoDTE": 41}) made a 39 without a word.
    with pytest.raises(DocumentError, match=rf"{key} 41 .* boleta_exenta\(\)") as caught:
        dte.boleta(emisor=emisor, lines=[{"nombre": "Pan", "precio": 1190}], id_doc={key: 41})
    assert [d.field for d in caught.value.details] == ["Encabezado.IdDoc.TipoDTE"]
    same = dte.boleta(emisor=emisor, lines=[{"nombre": "Pan", "precio": 1190}], id_doc={key: 39})
    assert same.tipo_dte is DTEType.BOLETA


def test_a_guia_arriving_before_it_leaves_is_refused(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    """Transporte's FchLlegada before its FchSalida (the dates swapped, as an ERP mapping both
    does) was taken and sent: goods arrive on or after the day they leave."""
    with pytest.raises(DocumentError, match="before FchSalida") as caught:
        _guia(
            emisor,
            receptor,
            ind_traslado=1,
            transporte={"FchSalida": date(2026, 11, 28), "FchLlegada": date(2026, 11, 27)},
        )
    assert [d.field for d in caught.value.details] == ["Encabezado.Transporte.FchLlegada"]
    same_day = _guia(
        emisor,
        receptor,
        ind_traslado=1,
        transporte={"FchSalida": date(2026, 11, 27), "FchLlegada": date(2026, 11, 27)},
    )
    assert same_day.to_sii_dict()["Encabezado"]["Transporte"]["FchLlegada"] == "2026-11-27"


def test_build_accepts_extra_id_doc_fields_and_models(emisor: dict[str, Any]) -> None:
    doc = dte.build(
        33,
        emisor=dte.Emisor.model_validate(emisor),
        receptor=dte.Receptor(rut="1-9", razon_social="R", giro="G", direccion="D", comuna="C"),
        lines=[dte.Detalle(nombre="x", precio=Decimal(10))],
        id_doc={"tpo_tran_venta": 1, "FmaPago": 1},
        fecha=date(2026, 1, 1),
        folio=15,
    )
    assert (doc.encabezado.id_doc.tpo_tran_venta, doc.encabezado.id_doc.forma_pago) == (1, 1)
    assert doc.folio == 15


def test_builder_input_errors_become_document_errors(emisor: dict[str, Any]) -> None:
    with pytest.raises(DocumentError) as info:
        dte.boleta(emisor=emisor, lines=[{"nombre": "x", "cantidad": -1, "precio": 1}])
    assert info.value.details[0].field == "Detalle[1].QtyItem"
    with pytest.raises(DocumentError) as bad_rut:
        dte.boleta(emisor={**emisor, "rut": "76192083-0"}, lines=[{"nombre": "x", "precio": 1}])
    assert bad_rut.value.details[0].field == "Encabezado.Emisor.RUTEmisor"
    assert "check digit" in bad_rut.value.details[0].issue


@pytest.mark.parametrize("acteco", [620200, "620200", " 620200 "])
@pytest.mark.parametrize("key", ["actecos", "Acteco"])
def test_a_single_acteco_not_in_a_list_is_the_emisors_one_activity(
    emisor: dict[str, Any], receptor: dict[str, Any], acteco: Any, key: str
) -> None:
    # OpenFactura's own examples write "Acteco": 620200, and from_sii_dict reads it so.
    given = {**{k: v for k, v in emisor.items() if k != "actecos"}, key: acteco}
    doc = dte.factura(emisor=given, receptor=receptor, lines=[RJ45])
    assert doc.emisor.actecos == [620200]
    assert dte.Emisor.model_validate({"RUTEmisor": "76192083-9", key: acteco}).actecos == [620200]


# -- notes ----------------------------------------------------------------------------------------


def test_nota_credito_anula_copies_the_document(factura: Document) -> None:
    nc = dte.nota_credito(factura.with_folio(106), cod_ref="anula", fecha=date(2026, 1, 20))
    assert nc.tipo_dte is DTEType.NOTA_CREDITO
    assert nc.emisor == factura.emisor
    assert nc.receptor == factura.receptor
    assert [line.nombre for line in nc.detalle] == ["Conectores RJ45"]
    assert nc.totals == factura.totals
    assert nc.to_sii_dict()["Referencia"] == [
        {
            "NroLinRef": 1,
            "TpoDocRef": "33",
            "FolioRef": "106",
            "FchRef": "2026-01-05",
            "CodRef": 1,
            "RazonRef": "Anula documento de referencia",
        }
    ]


def test_nota_credito_anula_copies_global_discounts(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    original = dte.factura(
        emisor=emisor,
        receptor=receptor,
        lines=[{"nombre": "Cert", "precio": 104090}],
        descuentos_recargos=[{"TpoMov": "D", "TpoValor": "%", "ValorDR": 10}],
    )
    nc = dte.nota_credito(original.with_folio(1))
    assert nc.totals.mnt_total == original.totals.mnt_total == 111480
    assert nc.descuentos_recargos[0].nro_lin_dr == 1


def test_nota_credito_anula_of_a_factura_exenta_is_exempt(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    exenta = dte.factura_exenta(
        emisor=emisor, receptor=receptor, lines=[{"nombre": "h", "precio": 9}]
    )
    nc = dte.nota_credito(exenta.with_folio(3))
    assert _totales(nc) == {"MntExe": 9, "MntTotal": 9}


def test_nota_credito_of_a_boleta_keeps_gross_prices(emisor: dict[str, Any]) -> None:
    boleta = dte.boleta(emisor=emisor, lines=[{"nombre": "Producto", "precio": 1190}])
    receptor = {"rut": "66666666-6", "razon_social": "Sin RUT"}
    nc = dte.nota_credito(boleta.with_folio(9), emisor=emisor, receptor=receptor)
    assert nc.encabezado.id_doc.mnt_bruto == 1
    assert _totales(nc) == {"MntNeto": 1000, "TasaIVA": Decimal(19), "IVA": 190, "MntTotal": 1190}
    assert nc.referencias[0].tipo_doc_ref == "39"


def test_nota_credito_of_a_boleta_needs_the_full_issuer(emisor: dict[str, Any]) -> None:
    boleta = dte.boleta(emisor=emisor, lines=[{"nombre": "Producto", "precio": 1190}])
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(boleta.with_folio(9))
    fields = [d.field for d in info.value.details]
    assert "Encabezado.Emisor.Acteco" in fields
    assert "Encabezado.Receptor.RznSocRecep" in fields
    # ...saying the boleta lacks them and how to give them
    assert "the boleta names no actividad económica" in str(info.value)
    assert "pass emisor= with its actecos" in str(info.value)
    assert "pass receptor= with the buyer's RUT and razón social" in str(info.value)


def test_a_nota_of_a_boleta_given_its_parties_needs_nothing_more(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    boleta = dte.boleta(emisor=emisor, lines=[{"nombre": "Producto", "precio": 1190}])
    full = {**emisor, "actecos": [620200]}
    nc = dte.nota_credito(boleta.with_folio(9), emisor=full, receptor=receptor)
    assert nc.encabezado.receptor is not None
    assert nc.encabezado.receptor.razon_social == receptor["RznSocRecep"]


def test_a_nota_annulling_a_show_boleta_leaves_out_its_lines_ticket_and_show_item(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    # ItemEspectaculo and InfoTicket are a boleta's (EnvioBOLETA_v11); a nota is a Documento,
    # whose schema lacks them, so the annulling nota carried them and its own check refused it.
    ticket = {
        "FolioTicket": 123456,
        "FchGenera": "2026-11-20T18:05:00",
        "NmbEvento": "Concierto",
        "TpoTicket": "GENERAL",
        "CdgEvento": "C01",
        "FchEvento": "2026-12-24T21:30:00",
        "LugarEvento": "Teatro Caupolicán",
        "UbicEvento": "Platea",
    }
    boleta = dte.boleta(
        emisor=emisor,
        lines=[
            {"nombre": "Entrada", "precio": 11900, "item_espectaculo": "01", "info_ticket": ticket}
        ],
    )
    assert boleta.detalle[0].info_ticket is not None
    full = {**emisor, "actecos": [620200]}
    nc = dte.nota_credito(boleta.with_folio(9), emisor=full, receptor=receptor)
    assert (nc.detalle[0].item_espectaculo, nc.detalle[0].info_ticket) == (None, None)
    assert (nc.detalle[0].nombre, nc.totals.mnt_total) == ("Entrada", 11900)
    assert boleta.detalle[0].info_ticket is not None


def test_nota_credito_corrige_texto_has_zero_totals(factura: Document) -> None:
    nc = dte.nota_credito(
        factura.with_folio(1),
        cod_ref=CodRef.CORRIGE_TEXTO,
        razon="DONDE DICE Giro1 DEBE DECIR Giro2",
    )
    assert [(line.nombre, line.monto_item) for line in nc.detalle] == [
        ("DONDE DICE Giro1 DEBE DECIR Giro2", 0)
    ]
    assert _totales(nc) == {"MntNeto": 0, "TasaIVA": Decimal(19), "IVA": 0, "MntTotal": 0}
    assert nc.referencias[0].cod_ref is CodRef.CORRIGE_TEXTO


def test_nota_credito_corrige_montos_needs_lines(factura: Document) -> None:
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(factura.with_folio(1), cod_ref="corrige_montos")
    assert [d.field for d in info.value.details] == ["Detalle"]
    nc = dte.nota_credito(
        factura.with_folio(1),
        cod_ref=3,
        lines=[{"nombre": "Conectores RJ45", "cantidad": 450, "precio": 20}],
        razon="Corrige monto",
    )
    assert _totales(nc)["MntTotal"] == 10710


def test_nota_credito_without_a_document(emisor: dict[str, Any], receptor: dict[str, Any]) -> None:
    nc = dte.nota_credito(
        emisor=emisor,
        receptor=receptor,
        tipo_doc_ref=DTEType.FACTURA,
        folio_ref=1,
        fecha_ref=date(2016, 1, 1),
        cod_ref="anula",
        lines=[RJ45],
        referencias=[{"TpoDocRef": "801", "FolioRef": "OC-7", "FchRef": "2015-12-20"}],
    )
    assert [r.nro_lin_ref for r in nc.referencias] == [1, 2]
    assert _totales(nc)["MntTotal"] == 37485


def test_nota_credito_missing_pieces_are_all_named() -> None:
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(cod_ref="anula")
    assert [d.field for d in info.value.details] == [
        "Referencia.TpoDocRef",
        "Referencia.FolioRef",
        "Referencia.FchRef",
        "Encabezado.Emisor",
        "Encabezado.Receptor",
        "Detalle",
    ]


def test_note_needs_the_referenced_folio(factura: Document) -> None:
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(factura)
    assert [d.field for d in info.value.details] == ["Referencia.FolioRef"]
    assert "with_folio" in info.value.details[0].issue


@pytest.mark.parametrize("bad", ["borra", 7])
def test_unknown_cod_ref(factura: Document, bad: Any) -> None:
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(factura.with_folio(1), cod_ref=bad)
    assert info.value.details[0].field == "Referencia.CodRef"


def test_cod_ref_spellings(factura: Document) -> None:
    for spelling in ("Corrige texto", "corrige-texto", "2", 2, CodRef.CORRIGE_TEXTO):
        nc = dte.nota_credito(factura.with_folio(1), cod_ref=spelling)
        assert nc.referencias[0].cod_ref is CodRef.CORRIGE_TEXTO


def test_export_documents_are_not_referenced_by_these_notes(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    export = dte.build(110, emisor=emisor, receptor=receptor, lines=[RJ45], folio=1, check=False)
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(export)
    assert "111/112" in str(info.value)


@pytest.mark.parametrize("precio", [100, 5000])
def test_a_nota_that_annuls_with_lines_of_another_total_is_refused(
    factura: Document, precio: int
) -> None:
    """Annulling (CodRef 1) voids the whole document: a nota crediting part of it would mark
    the factura void while crediting 119 pesos (part of it is CodRef 3, corrige montos)."""
    total = factura.totals.mnt_total
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(
            factura.with_folio(5), cod_ref="anula", lines=[{"nombre": "x", "precio": precio}]
        )
    assert [d.field for d in info.value.details] == ["Encabezado.Totales.MntTotal"]
    assert f"which annuls the Factura electrónica, whose total is {total}" in str(info.value)
    assert "cod_ref='corrige_montos'" in str(info.value)
    nc = dte.nota_credito(factura.with_folio(1))
    with pytest.raises(DocumentError, match="which annuls the Nota de crédito"):
        dte.nota_debito(nc.with_folio(2), cod_ref="anula", lines=[{"nombre": "x", "precio": 1}])


def test_a_nota_that_annuls_with_its_own_lines_of_the_same_total_passes(
    factura: Document,
) -> None:
    lines = [{"nombre": "Todo", "precio": factura.totals.mnt_neto}]
    nc = dte.nota_credito(factura.with_folio(5), cod_ref="anula", lines=lines)
    assert nc.totals.mnt_total == factura.totals.mnt_total


def test_a_nota_that_annuls_by_copying_a_document_whose_total_is_off_still_builds(
    factura: Document,
) -> None:
    """A document of the company's that another system totalled a peso apart (IVA per line):
    the nota copying its lines is what annulling it takes, whatever its declared total."""
    totales = factura.totales.model_copy(update={"mnt_total": factura.totales.mnt_total + 1})
    off = factura.model_copy(
        update={"encabezado": factura.encabezado.model_copy(update={"totales": totales})}
    )
    nc = dte.nota_credito(off.with_folio(5), cod_ref="anula")
    assert nc.totals.mnt_total == factura.totals.mnt_total


def test_nota_debito_anula_a_nota_credito(factura: Document) -> None:
    nc = dte.nota_credito(factura.with_folio(1))
    nd = dte.nota_debito(nc.with_folio(1), cod_ref="anula", razon="Anula nota de crédito")
    assert nd.tipo_dte is DTEType.NOTA_DEBITO
    assert nd.referencias[0].tipo_doc_ref == "61"
    assert nd.totals.mnt_total == 37485


def test_a_nota_de_credito_does_not_annul_another_nota_de_credito(factura: Document) -> None:
    """The SII's cases for CodRef 1: a nota de crédito annuls a factura, a nota de débito or a
    factura de compra; a nota de crédito is annulled by a nota de débito."""
    nc = dte.nota_credito(factura.with_folio(1)).with_folio(2)
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(nc, cod_ref="anula")
    assert info.value.details[0].field == "Referencia[1].CodRef"
    assert "nota_debito(nota, cod_ref='anula')" in str(info.value)
    nd = dte.nota_debito(factura.with_folio(1), lines=[{"nombre": "Intereses", "precio": 1000}])
    assert dte.nota_credito(nd.with_folio(3)).referencias[0].tipo_doc_ref == "56"
    assert dte.nota_credito(nc, cod_ref="corrige_texto").referencias[0].tipo_doc_ref == "61"


@pytest.mark.parametrize("tipo_doc_ref", ["33", "34", "39", "46", "56"])
def test_a_nota_de_debito_annuls_only_a_nota_de_credito(
    factura: Document, tipo_doc_ref: str
) -> None:
    with pytest.raises(DocumentError) as info:
        dte.nota_debito(
            tipo_doc_ref=tipo_doc_ref,
            folio_ref=5,
            fecha_ref=date(2026, 11, 1),
            emisor=factura.encabezado.emisor,
            receptor=factura.encabezado.receptor,
            cod_ref="anula",
            lines=[{"nombre": "Anula", "precio": 1000}],
        )
    assert info.value.details[0].field == "Referencia[1].CodRef"
    assert f"only a nota de crédito (61), not TpoDocRef {tipo_doc_ref}" in str(info.value)


def test_a_referenced_type_written_with_zeros_before_it_is_refused_naming_the_code_to_write(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    # "033" names no type in any of the SII's tables, and the checks of a reference to a
    # factura (its folio, what a nota may annul) did not run on it.
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(
            emisor=emisor,
            receptor=receptor,
            tipo_doc_ref="033",
            folio_ref=1,
            fecha_ref=date(2016, 1, 1),
            cod_ref="anula",
            lines=[RJ45],
        )
    assert "Referencia[1].TpoDocRef: '033': write it 33, without zeros before it" in str(info.value)
    with pytest.raises(DocumentError, match=r"Referencia\[1\]\.TpoDocRef: '0801': write it 801"):
        dte.factura(
            emisor=emisor,
            receptor=receptor,
            lines=[RJ45],
            referencias=[{"TpoDocRef": "0801", "FolioRef": "OC-7", "FchRef": "2015-12-20"}],
        )


def test_a_nota_de_debito_annulling_an_orden_de_compra_is_not_judged(factura: Document) -> None:
    """CodRef 1 on a reference that is no DTE (801, an orden de compra) is left as it is."""
    nd = dte.nota_debito(
        tipo_doc_ref="801",
        folio_ref="OC-5",
        fecha_ref=date(2026, 11, 1),
        emisor=factura.encabezado.emisor,
        receptor=factura.encabezado.receptor,
        cod_ref="anula",
        lines=[{"nombre": "Flete", "precio": 1000}],
    )
    assert nd.referencias[0].tipo_doc_ref == "801"


@pytest.mark.parametrize("cod_ref", ["anula", "corrige_montos"])
def test_a_nota_does_not_modify_a_guia_de_despacho(
    emisor: dict[str, Any], receptor: dict[str, Any], cod_ref: str
) -> None:
    """A guía carries no débito fiscal: the SII refuses a nota modifying it (REF-3-415)."""
    guia = dte.guia_despacho(
        ind_traslado=1, emisor=emisor, receptor=receptor, lines=[RJ45], folio=8
    )
    for build in (dte.nota_credito, dte.nota_debito):
        with pytest.raises(DocumentError) as info:
            build(guia, cod_ref=cod_ref, lines=[{"nombre": "Flete", "precio": 1000}])
        assert "Referencia[1].TpoDocRef" in [detail.field for detail in info.value.details]
        assert "guía de despacho carries no débito fiscal" in str(info.value)
        assert "void_guia" in str(info.value)


def test_a_guia_named_beside_the_modified_factura_is_kept(factura: Document) -> None:
    """A reference to a guía without CodRef only says which dispatch the factura covered."""
    guia_ref = {"TpoDocRef": "52", "FolioRef": "991", "FchRef": date(2026, 11, 1)}
    nc = dte.nota_credito(factura.with_folio(1), referencias=[guia_ref])
    assert [r.tipo_doc_ref for r in nc.referencias] == ["33", "52"]


def test_a_nota_named_by_tipo_doc_ref_does_not_modify_an_export_document(
    factura: Document,
) -> None:
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(
            tipo_doc_ref=110,
            folio_ref=5,
            fecha_ref=date(2026, 11, 1),
            emisor=factura.encabezado.emisor,
            receptor=factura.encabezado.receptor,
            cod_ref="corrige_montos",
            lines=[{"nombre": "Rebaja", "precio": 1000}],
        )
    assert info.value.details[0].field == "Referencia[1].TpoDocRef"
    assert "nota_credito_exportacion (112)" in str(info.value)


@pytest.mark.parametrize("folio_ref", ["-1", "ABC", "1.5", "F-12", "12345678901"])
def test_a_folio_no_electronic_document_has_is_refused_in_its_reference(
    factura: Document, folio_ref: str
) -> None:
    """An electronic document's folio is 1 to 10 digits; FolioRef text is for other documents."""
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(factura.with_folio(1), folio_ref=folio_ref)
    assert info.value.details[0].field == "Referencia[1].FolioRef"
    assert "is a whole number from 1 to 9999999999" in str(info.value)


def test_text_folios_of_other_documents_and_ten_digit_folios_are_kept(factura: Document) -> None:
    order = {"TpoDocRef": "801", "FolioRef": "OC-2026/17", "FchRef": date(2026, 11, 1)}
    nc = dte.nota_credito(factura, folio_ref="9999999999", referencias=[order])
    assert [r.folio_ref for r in nc.referencias] == ["9999999999", "OC-2026/17"]


def test_a_nota_goes_to_the_receptor_of_the_document_it_modifies(factura: Document) -> None:
    """The SII refuses a nota whose receptor RUT is not the referenced document's (REF-3-751)."""
    other = {**factura.encabezado.receptor.model_dump(), "rut": "96874030-K"}
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(factura.with_folio(1), cod_ref="corrige_texto", receptor=other)
    assert info.value.details[0].field == "Encabezado.Receptor.RUTRecep"
    assert "refuses a nota to another receptor" in str(info.value)
    renamed = {**factura.encabezado.receptor.model_dump(), "razon_social": "Nuevo Nombre SpA"}
    nc = dte.nota_credito(factura.with_folio(1), cod_ref="corrige_texto", receptor=renamed)
    assert nc.receptor.razon_social == "Nuevo Nombre SpA"


@pytest.mark.parametrize("builder", [dte.nota_credito, dte.nota_debito])
def test_a_nota_is_issued_by_the_issuer_of_the_document_it_modifies(
    factura: Document, builder: Any
) -> None:
    """A nota's Referencia names the document by type and folio among its issuer's own: a nota
    built from a document with another emisor RUT was built, referencing another issuer's
    folio; it is refused, and emisor= may still change the issuer's other fields."""
    other = {**factura.emisor.model_dump(), "rut": "96874030-K"}
    with pytest.raises(DocumentError) as info:
        builder(factura.with_folio(1), cod_ref="corrige_texto", emisor=other)
    assert info.value.details[0].field == "Encabezado.Emisor.RUTEmisor"
    assert "76192083-9" in str(info.value)
    moved = {**factura.emisor.model_dump(), "direccion": "Av. Nueva 123"}
    nota = builder(factura.with_folio(1), cod_ref="corrige_texto", emisor=moved)
    assert nota.emisor.direccion == "Av. Nueva 123"


def test_nota_debito_defaults_to_corrige_montos(factura: Document) -> None:
    nd = dte.nota_debito(factura.with_folio(1), lines=[{"nombre": "Intereses", "precio": 1000}])
    assert nd.referencias[0].cod_ref is CodRef.CORRIGE_MONTOS
    assert nd.totals.mnt_total == 1190


def test_a_nota_crediting_two_documents_may_credit_more_than_one_of_them(
    factura: Document,
) -> None:
    """A nota correcting the amounts of two facturas (a second reference with CodRef 3) was
    refused for crediting more than the first one charged; what it credits is bounded by both,
    and a reference that only informs (an orden de compra) leaves the first one's bound."""
    returned = [{"nombre": "Conectores RJ45", "cantidad": 600, "precio": 70}]
    second = {"TpoDocRef": "33", "FolioRef": "11", "FchRef": date(2026, 1, 5), "CodRef": 3}
    nc = dte.nota_credito(
        factura.with_folio(10), cod_ref="corrige_montos", lines=returned, referencias=[second]
    )
    assert nc.totals.mnt_total > factura.totals.mnt_total
    order = {"TpoDocRef": "801", "FolioRef": "OC-17", "FchRef": date(2026, 1, 5)}
    with pytest.raises(DocumentError, match="credits more than its document"):
        dte.nota_credito(
            factura.with_folio(10), cod_ref="corrige_montos", lines=returned, referencias=[order]
        )


@pytest.mark.parametrize("code", ["anula", "corrige_texto"])
def test_a_blank_reason_is_taken_as_none_given(factura: Document, code: str) -> None:
    """A reason of spaces gave an annulling nota no RazonRef at all, and a text correction a
    line without a name (refused as Detalle's NmbItem, a field the caller never gave); like an
    empty reason, it now gives the code's own text."""
    given = dte.nota_credito(factura.with_folio(1), cod_ref=code, razon="   ")
    empty = dte.nota_credito(factura.with_folio(1), cod_ref=code, razon="")
    assert given.referencias[0].razon_ref == empty.referencias[0].razon_ref
    assert given.referencias[0].razon_ref
    assert [line.nombre for line in given.detalle] == [line.nombre for line in empty.detalle]


@pytest.mark.parametrize("razon", [5, ["Devolución"], b"Devolucion"])
def test_a_reason_that_is_no_text_is_refused_naming_razon(factura: Document, razon: object) -> None:
    """``razon=5`` became the RazonRef "5", and a list its Python repr: a nota whose reason
    says nothing the caller meant."""
    from haulmer.dte.argument_errors import ArgumentTypeError

    with pytest.raises(ArgumentTypeError, match="razon is the reason's text") as refused:
        dte.nota_credito(factura.with_folio(1), razon=razon)  # type: ignore[arg-type]
    assert refused.value.details[0].field == "Referencia[1].RazonRef"


def test_a_reason_longer_than_razonref_allows_is_refused_not_cut(factura: Document) -> None:
    """The builders cut a reason to RazonRef's 90 characters without a word, changing what the
    nota says it does; like the other texts the SII limits, it is now refused, naming the field."""
    with pytest.raises(DocumentError, match=r"RazonRef") as refused:
        dte.nota_credito(factura.with_folio(1), cod_ref="corrige_texto", razon="x" * 200)
    assert "90" in str(refused.value)
    nc = dte.nota_credito(factura.with_folio(1), cod_ref="corrige_texto", razon="x" * 90)
    assert nc.referencias[0].razon_ref == "x" * 90


def test_a_text_correction_names_its_line_by_a_reason_that_fits_and_describes_a_longer_one(
    factura: Document,
) -> None:
    """The correction's line was named by the reason cut to NmbItem's 80 characters; a reason
    that does not fit goes whole into the line's description (DscItem) under a plain name."""
    short = dte.nota_credito(factura.with_folio(1), cod_ref="corrige_texto", razon="Corrige giro")
    assert (short.detalle[0].nombre, short.detalle[0].descripcion) == ("Corrige giro", None)
    reason = "Corrige la dirección del receptor: Avenida Libertador Bernardo O'Higgins 1449, of. 3"
    assert 80 < len(reason) <= 90
    long = dte.nota_credito(factura.with_folio(1), cod_ref="corrige_texto", razon=reason)
    assert (long.detalle[0].nombre, long.detalle[0].descripcion) == ("Corrige texto", reason)
    assert long.referencias[0].razon_ref == reason
    assert long.totals.mnt_total == 0
    plain = dte.nota_credito(factura.with_folio(1), cod_ref="corrige_texto")
    assert plain.detalle[0].nombre == "Corrige texto"


def test_note_named_by_type_only_follows_exempt_and_gross_documents(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    common: dict[str, Any] = {
        "emisor": emisor,
        "receptor": receptor,
        "folio_ref": 5,
        "fecha_ref": date(2026, 1, 1),
        "cod_ref": "corrige_montos",
    }
    exenta = dte.nota_credito(
        tipo_doc_ref=34,
        lines=[{"nombre": "Horas", "precio": 1000}],
        descuentos_recargos=[{"TpoMov": "D", "TpoValor": "$", "ValorDR": 100}],
        **common,
    )
    assert _totales(exenta) == {"MntExe": 900, "MntTotal": 900}
    boleta = dte.nota_credito(
        tipo_doc_ref="39", lines=[{"nombre": "Producto", "precio": 1190}], **common
    )
    assert boleta.encabezado.id_doc.mnt_bruto == 1
    assert _totales(boleta)["MntTotal"] == 1190
    orden = dte.nota_credito(
        tipo_doc_ref="801", lines=[{"nombre": "Producto", "precio": 1000}], **common
    )
    assert _totales(orden)["MntTotal"] == 1190


def test_build_refuses_an_unknown_type(emisor: dict[str, Any], receptor: dict[str, Any]) -> None:
    with pytest.raises(DocumentError) as info:
        dte.build(30, emisor=emisor, receptor=receptor, lines=[RJ45])
    assert info.value.details[0].field == "Encabezado.IdDoc.TipoDTE"
    assert "33" in info.value.details[0].issue


@pytest.mark.parametrize("name", [n for n in dte.__all__ if callable(getattr(dte, n))])
def test_type_hints_of_every_public_dte_function_resolve_at_run_time(name: str) -> None:
    """``typing.get_type_hints`` (pydantic's ``validate_call``, FastAPI, typer) reads the builders'
    ``**fields: Unpack[...]`` and every other public signature of ``haulmer.dte``."""
    import inspect
    import typing

    obj = getattr(dte, name)
    functions = (
        [obj]
        if inspect.isfunction(obj)
        else [
            f for attr, f in vars(obj).items() if inspect.isfunction(f) and not attr.startswith("_")
        ]
    )
    for function in functions:
        typing.get_type_hints(function)


@pytest.mark.parametrize("where", ["receptor", "boleta emisor", "line"])
def test_an_int_of_thousands_of_digits_given_for_text_is_a_document_error(
    emisor: dict[str, Any], receptor: dict[str, Any], where: str
) -> None:
    huge = 10**5000
    with pytest.raises(DocumentError, match="a number of thousands of digits where text goes"):
        if where == "receptor":
            dte.factura(emisor=emisor, receptor={**receptor, "RznSocRecep": huge}, lines=[RJ45])
        elif where == "boleta emisor":
            dte.boleta(emisor={**emisor, "razon_social": huge}, lines=[RJ45])
        else:
            dte.factura(emisor=emisor, receptor=receptor, lines=[{**RJ45, "nombre": huge}])


def test_a_field_given_under_both_its_names_is_named_as_given_twice(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    # pydantic takes one spelling and calls the other unknown; "did you mean 'razon_social'"
    # for 'razon_social' helped nobody.
    with pytest.raises(DocumentError) as raised:
        dte.factura(emisor=emisor, receptor={**receptor, "razon_social": "Otra"}, lines=[RJ45])
    assert [(d.field, d.issue) for d in raised.value.details] == [
        (
            "Encabezado.Receptor.RznSocRecep",
            "given twice, as 'razon_social' and as 'RznSocRecep'; give it once",
        )
    ]


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (
            lambda e, r: dte.factura(
                emisor=e,
                receptor=r,
                lines=[RJ45, {"nombre": "Cable", "precio": 100, "descuento_monto": 200}],
            ),
            [r"Detalle\[2\]: a discount of 200", r"at most 100"],
        ),
        (
            lambda e, r: dte.factura_exportacion(
                emisor=e,
                receptor={"razon_social": "Jackie Chan", "extranjero": {"nacionalidad": "225"}},
                lines=[{"nombre": "Cobre", "precio": "10.5", "descuento_monto": 20}],
                moneda="DOLAR USA",
                id_doc={"IndServicio": 3},
            ),
            # DescuentoMonto is a whole number: the most it can be is 10, not the line's 10.5
            [r"Detalle\[1\]: a discount of 20", r"line amount \(10\.5\)", r"at most 10(?![.\d])"],
        ),
        (
            lambda e, r: dte.factura(
                emisor=e,
                receptor=r,
                lines=[{"nombre": "Diésel", "precio": 800, "CodImpAdic": ["28"]}],
            ),
            [r"tax code 28", r"tasas_adicionales=\{'28': rate\}"],
        ),
        (
            lambda e, r: dte.factura(
                emisor=e, receptor=r, lines=[{"nombre": "X", "precio": 800, "CodImpAdic": ["99"]}]
            ),
            [r"'99'", r"SII_TAX_CODES"],
        ),
        (
            lambda e, r: dte.factura(
                emisor=e,
                receptor=r,
                lines=[{"nombre": "X", "precio": 100}],
                descuentos_recargos=[{"TpoMov": "D", "TpoValor": "$", "ValorDR": 101}],
            ),
            [r"would be -1", r"lower the discounts \(ValorDR\)"],
        ),
        (
            lambda e, r: dte.factura_exportacion(
                emisor=e,
                receptor={"razon_social": "Jackie Chan", "extranjero": {"nacionalidad": "225"}},
                lines=[{"nombre": "Cobre", "precio": 1}],
                moneda="dolar usa",
                id_doc={"IndServicio": 3},
            ),
            [r"'dolar usa'", r"'DOLAR USA'"],
        ),
    ],
    ids=["line-discount", "export-line-discount", "rate", "tax-code", "global-discount", "moneda"],
)
def test_a_refused_amount_says_where_and_what_to_give_in_its_message(
    emisor: dict[str, Any], receptor: dict[str, Any], build: Any, says: list[str]
) -> None:
    # str(error) is what a log or a user sees: it names the field and how to fix it, as the
    # problems check() lists do, not only the error's details.
    with pytest.raises(DocumentError) as info:
        build(emisor, receptor)
    for pattern in says:
        assert re.search(pattern, str(info.value)), (pattern, str(info.value))


def test_a_saldo_anterior_given_to_a_builder_is_added_to_the_total_to_pay(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = dte.factura(emisor=emisor, receptor=receptor, lines=[RJ45], saldo_anterior=-1485)
    totales = doc.to_sii_dict()["Encabezado"]["Totales"]
    assert (totales["MntTotal"], totales["SaldoAnterior"], totales["VlrPagar"]) == (
        37485,
        -1485,
        36000,
    )


def test_vlr_pagar_counts_the_non_billable_amount_of_the_period(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    lines = [RJ45, {"nombre": "Cuota anterior", "cantidad": 1, "precio": 1000, "ind_exe": 2}]
    doc = dte.factura(emisor=emisor, receptor=receptor, lines=lines, saldo_anterior=500)
    totales = doc.encabezado.totales
    assert totales is not None
    assert (totales.mnt_total, totales.monto_nf, totales.vlr_pagar) == (37485, 1000, 38985)


def test_a_vlr_pagar_that_does_not_add_up_is_named_with_what_it_should_be(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = dte.factura(emisor=emisor, receptor=receptor, lines=[RJ45], saldo_anterior=100)
    assert doc.encabezado.totales is not None
    totales = doc.encabezado.totales.model_copy(update={"vlr_pagar": 37485})
    wrong = doc.model_copy(
        update={"encabezado": doc.encabezado.model_copy(update={"totales": totales})}
    )
    with pytest.raises(DocumentError) as raised:
        wrong.check()
    assert [(d.field, d.issue) for d in raised.value.details] == [
        (
            "Encabezado.Totales.VlrPagar",
            "is 37485, expected 37585: the total to pay is the period's total (37485: MntTotal "
            "+ MontoNF) plus SaldoAnterior (100)",
        )
    ]


def test_a_total_to_pay_filled_beside_a_wrong_given_period_total_follows_the_computed_one(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    # completed() fills VlrPagar by the rule check() holds it to: the period's total computed
    # from the lines, so only the wrong MontoPeriodo is named, not a VlrPagar the user never gave.
    doc = dte.factura(emisor=emisor, receptor=receptor, lines=[RJ45])
    assert doc.encabezado.totales is not None
    totales = doc.encabezado.totales.model_copy(update={"monto_periodo": 30000})
    given = doc.model_copy(
        update={"encabezado": doc.encabezado.model_copy(update={"totales": totales})}
    )
    completed = given.completed(saldo_anterior=100)
    assert completed.encabezado.totales is not None
    assert completed.encabezado.totales.vlr_pagar == 37585
    with pytest.raises(DocumentError) as raised:
        completed.check()
    assert [(d.field, d.issue) for d in raised.value.details] == [
        ("Encabezado.Totales.MontoPeriodo", "is 30000, expected 37485")
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"folio": True}, "Encabezado.IdDoc.Folio"),
        ({"forma_pago": True}, "Encabezado.IdDoc.FmaPago"),
        ({"lines": [{**RJ45, "ind_exe": True}]}, "Detalle[1].IndExe"),
        ({"lines": [{**RJ45, "descuento_monto": True}]}, "Detalle[1].DescuentoMonto"),
    ],
)
def test_a_bool_where_a_whole_number_goes_is_refused_not_read_as_1(
    emisor: dict[str, Any], receptor: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    # pydantic reads True as 1: folio 1, an exempt line, a discount of 1 peso, silently.
    arguments: dict[str, Any] = {"emisor": emisor, "receptor": receptor, "lines": [RJ45]}
    with pytest.raises(DocumentError) as raised:
        dte.factura(**{**arguments, **changes})
    assert [(d.field, d.issue) for d in raised.value.details] == [
        (field, "a whole number, not True")
    ]


@pytest.mark.parametrize(
    ("builder", "name", "value"),
    [
        ("boleta", "montos_netos", "no"),
        ("factura", "montos_brutos", "false"),
        ("factura", "montos_brutos", 0),
        ("factura", "check", "no"),
    ],
)
def test_a_yes_or_no_argument_is_true_or_false_not_any_value(
    emisor: dict[str, Any], receptor: dict[str, Any], builder: str, name: str, value: Any
) -> None:
    # montos_netos="no" is true to Python: the boleta's prices were read as net.
    arguments: dict[str, Any] = {"emisor": emisor, "lines": [RJ45], name: value}
    if builder == "factura":
        arguments["receptor"] = receptor
    with pytest.raises(TypeError, match=f"{name} is True or False, got {value!r}"):
        getattr(dte, builder)(**arguments)


@pytest.mark.parametrize(
    ("value", "error"), [("100", TypeError), (True, TypeError), (10**18, DocumentError)]
)
def test_a_saldo_anterior_that_is_no_whole_amount_of_pesos_is_refused(
    emisor: dict[str, Any], receptor: dict[str, Any], value: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match="saldo_anterior"):
        dte.factura(emisor=emisor, receptor=receptor, lines=[RJ45], saldo_anterior=value)


@pytest.mark.parametrize("cod_ref", [1, 2])
def test_a_nota_that_annuls_or_corrects_text_modifies_one_document(
    factura: Document, cod_ref: int
) -> None:
    """The SII's cases for CodRef 1 and 2 carry a single referenced document: a second
    reference with a CodRef is refused; one to an orden de compra without a CodRef is kept, and
    corrige montos (3) may modify several documents."""
    second = {"TpoDocRef": "33", "FolioRef": "2", "FchRef": date(2026, 1, 5), "CodRef": cod_ref}
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(factura.with_folio(1), cod_ref=cod_ref, referencias=[second])
    assert [detail.field for detail in info.value.details] == ["Referencia[2].CodRef"]
    assert "one document" in str(info.value)
    order = {"TpoDocRef": "801", "FolioRef": "OC-7", "FchRef": date(2026, 1, 2)}
    nc = dte.nota_credito(factura.with_folio(1), cod_ref=cod_ref, referencias=[order])
    assert [r.tipo_doc_ref for r in nc.referencias] == ["33", "801"]
    montos = {**second, "CodRef": 3}
    several = dte.nota_credito(
        factura.with_folio(1), cod_ref="corrige_montos", lines=[RJ45], referencias=[montos]
    )
    assert [r.folio_ref for r in several.referencias] == ["1", "2"]
    with pytest.raises(DocumentError, match="one document"):
        dte.nota_credito(
            factura.with_folio(1), cod_ref="corrige_montos", lines=[RJ45], referencias=[second]
        )


def test_a_text_correction_with_amounts_is_refused(factura: Document) -> None:
    """A nota that corrects text (CodRef 2) credits or charges nothing: lines with amounts
    belong to a nota that corrects amounts (CodRef 3)."""
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(factura.with_folio(1), cod_ref="corrige_texto", lines=[RJ45])
    assert [detail.field for detail in info.value.details] == ["Encabezado.Totales.MntTotal"]
    assert "corrige_montos" in str(info.value)
    with pytest.raises(DocumentError, match="CodRef 2"):
        dte.nota_debito(factura.with_folio(1), cod_ref="corrige_texto", lines=[RJ45])
    free = {**RJ45, "descuento_pct": 100}
    nc = dte.nota_credito(factura.with_folio(1), cod_ref="corrige_texto", lines=[free])
    assert nc.totals.mnt_total == 0


def test_a_nota_de_credito_crediting_more_than_its_document_is_refused(
    factura: Document,
) -> None:
    """Built from the document it modifies, a nota de crédito credits at most what that
    document charged; a nota de débito adds and is not held to it."""
    assert factura.totals.mnt_total == 37485
    more = [{**RJ45, "precio": 71}]
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(factura.with_folio(1), cod_ref="corrige_montos", lines=more)
    assert [detail.field for detail in info.value.details] == ["Encabezado.Totales.MntTotal"]
    assert "38021" in str(info.value)
    assert "37485" in str(info.value)
    whole = dte.nota_credito(factura.with_folio(1), cod_ref="corrige_montos", lines=[RJ45])
    assert whole.totals.mnt_total == 37485
    assert dte.nota_debito(factura.with_folio(1), lines=more).totals.mnt_total == 38021


def test_an_export_nota_de_credito_crediting_more_than_its_export_is_refused() -> None:
    export = dte.factura_exportacion(
        emisor={
            "RUTEmisor": "76192083-9",
            "RznSoc": "SASCO SpA",
            "GiroEmis": "Tecnología",
            "Acteco": [726000],
            "DirOrigen": "Santa Cruz",
            "CmnaOrigen": "Santa Cruz",
        },
        receptor={"RznSocRecep": "Jackie Chan", "Extranjero": {"Nacionalidad": 225}},
        lines=[{"IndExe": 1, "NmbItem": "Alojamiento", "QtyItem": 1, "PrcItem": 50}],
        moneda="DOLAR USA",
        ind_servicio=4,
        fecha=date(2026, 11, 27),
    ).with_folio(1)
    with pytest.raises(DocumentError, match="more than"):
        dte.nota_credito_exportacion(
            export,
            cod_ref="corrige_montos",
            lines=[{"IndExe": 1, "NmbItem": "Alojamiento", "QtyItem": 1, "PrcItem": "50.5"}],
        )


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"tipo_doc_ref": "34"}, "Referencia.TpoDocRef"),
        ({"folio_ref": 2}, "Referencia.FolioRef"),
        ({"fecha_ref": date(2026, 1, 4)}, "Referencia.FchRef"),
    ],
)
def test_a_nota_given_its_document_and_another_reference_is_refused(
    factura: Document, given: dict[str, Any], field: str
) -> None:
    """A nota built from a document copies that document's lines and references it: a type,
    folio or date given for another document would reference one and credit the other."""
    with pytest.raises(DocumentError) as info:
        dte.nota_credito(factura.with_folio(1), **given)
    assert [detail.field for detail in info.value.details] == [field]
    assert "the document given" in str(info.value)
    same = {"tipo_doc_ref": 33, "folio_ref": "1", "fecha_ref": date(2026, 1, 5)}
    nc = dte.nota_credito(factura.with_folio(1), **same)
    assert (nc.referencias[0].tipo_doc_ref, nc.referencias[0].folio_ref) == ("33", "1")
    unnumbered = dte.nota_credito(factura, folio_ref=9)
    assert unnumbered.referencias[0].folio_ref == "9"


_GEO = {"latitud": "-33.4372", "longitud": "-70.6506", "sistema_referencia": 1}
_MADERA = {
    "ComunaRolOrigen": 8101,
    "MnzRolOrigen": 12,
    "PrdRolOrigen": 7,
    "CodPlanConaf": "PM-2026-0042",
    "LatitudOrigenMadera": "-37.4697",
    "LongitudOrigenMadera": "-72.3537",
    "SistemareferenciaMadera": 1,
}


def test_the_builders_take_subtotals_where_issued_and_timber_transport(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    subtotal = {"nro_sti": 1, "glosa": "Cables", "val_subtot": "900", "lineas_deta": [1]}
    factura = dte.factura(
        emisor=emisor,
        receptor=receptor,
        lines=[{"nombre": "Cable", "precio": 900}, {"nombre": "Enchufe", "precio": 100}],
        subtotales=[subtotal],
        geo_ref_emision=_GEO,
    )
    assert [(s.glosa, s.val_subtot, s.lineas_deta) for s in factura.subtotales] == [
        ("Cables", Decimal(900), [1])
    ]
    assert factura.geo_ref_emision == dte.GeoRefEmision.model_validate(_GEO)
    guia = dte.guia_despacho(
        emisor=emisor,
        receptor=receptor,
        lines=[{"nombre": "Trozos de pino", "cantidad": 30, "precio": 1000}],
        ind_traslado=1,
        manejo_madera=dte.ManejoMadera.model_validate(_MADERA),
    )
    assert guia.manejo_madera is not None
    assert guia.manejo_madera.codigo_plan_conaf == "PM-2026-0042"
    assert list(guia.to_sii_dict())[-1] == "ManejoMadera"
    boleta = dte.boleta(
        emisor=emisor, lines=[{"nombre": "P", "precio": 1190}], geo_ref_emision=_GEO
    )
    assert boleta.geo_ref_emision is not None


def test_a_builder_given_a_section_its_type_lacks_refuses_it_naming_it(
    emisor: dict[str, Any],
) -> None:
    with pytest.raises(DocumentError) as refused:
        dte.boleta(emisor=emisor, lines=[{"nombre": "P", "precio": 1190}], manejo_madera=_MADERA)
    assert [d.field for d in refused.value.details] == ["ManejoMadera"]


def test_a_factura_de_compra_given_iva_retenido_total_at_a_partial_rate_is_refused(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError, match=r"retains the whole IVA \(19%\), not 10%"):
        dte.factura_compra(
            emisor=emisor,
            receptor=receptor,
            lines=[{"nombre": "Trigo", "precio": 10000}],
            tasas_adicionales={"15": 10},
        )


def test_a_document_declaring_iva_retenido_total_at_a_partial_rate_fails_its_check(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    built = dte.factura_compra(
        emisor=emisor, receptor=receptor, lines=[{"nombre": "Trigo", "precio": 10000}]
    )
    data = built.to_sii_dict()
    data["Encabezado"]["Totales"].update(
        ImptoReten=[{"TipoImp": "15", "TasaImp": 10, "MontoImp": 1000}],
        IVANoRet=900,
        MntTotal=10900,
    )
    with pytest.raises(DocumentError) as info:
        Document.model_validate(data).check()
    assert any(
        d.field == "Detalle.CodImpAdic" and "retains the whole IVA" in d.issue
        for d in info.value.details
    )


def test_factura_compra_sin_retencion_49_is_built_and_read_back(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = dte.factura_compra(
        emisor=emisor,
        receptor=receptor,
        retencion="49",
        lines=[{"nombre": "Trigo", "precio": 1000}],
    )
    totales = _totales(doc)
    assert totales["ImptoReten"] == [{"TipoImp": "49", "MontoImp": 0}]
    assert totales["MntTotal"] == 1190
    Document.model_validate(doc.to_sii_dict()).check()
