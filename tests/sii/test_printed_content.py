"""What a printed DTE says, without drawing it: numbers the Chilean way, every section labelled,
and the timbre's bytes exactly as the FRMT was signed."""

from __future__ import annotations

import base64
import re
from decimal import Decimal
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from haulmer.sii import Caf
from haulmer.sii.printed import numbers
from haulmer.sii.printed.content import (
    Field,
    cedible_legend,
    line_of,
    printed_document,
    sii_office_of,
)
from haulmer.sii.printed.source import ted_barcode_bytes


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("0", "0"),
        ("7", "7"),
        ("1234567", "1.234.567"),
        ("-1200", "-1.200"),
        ("1234567.50", "1.234.567,5"),
        ("12.000", "12"),
        ("0.000001", "0,000001"),
        ("1E+3", "1.000"),
        (" 950.25 ", "950,25"),
        ("abc", "abc"),
        ("NaN", "NaN"),
    ],
)
def test_numbers_are_written_with_dots_for_thousands_and_a_decimal_comma(
    text: str, shown: str
) -> None:
    assert numbers.number(text) == shown


@given(st.decimals(min_value=-(10**15), max_value=10**15, places=6, allow_nan=False))
def test_a_written_number_reads_back_as_the_same_value(value: Decimal) -> None:
    written = numbers.number(str(value))
    assert Decimal(written.replace(".", "").replace(",", ".")) == value


@given(st.from_regex(r"\A[0-9]{1,20}\Z"))
def test_plain_digits_are_written_as_the_same_number_with_a_decimal_point_would_be(
    digits: str,
) -> None:
    assert numbers.number(digits) == numbers.number(f"{digits}.0")
    for pesos in (True, False):
        assert numbers.amount(digits, pesos=pesos) == numbers.amount(f"{digits}.0", pesos=pesos)


def _rut_as_rut_formats_it(text: str) -> str:
    from haulmer.errors import ValidationError
    from haulmer.rut import Rut

    try:
        return Rut(text.strip(), validate_dv=False).format(dots=True)
    except ValidationError:
        return text


_RUT_LIKE = st.builds(
    "{}{}{}{}".format,
    st.sampled_from(["", " ", "0", "00"]),
    st.integers(min_value=0, max_value=1_000_000_000).map(str)
    | st.text("0123456789.٣", max_size=12),
    st.sampled_from(["-", "", "--", "-k"]),
    st.text("0123456789kKx ", max_size=2),
)


@given(_RUT_LIKE | st.text(max_size=14))
def test_a_rut_is_formatted_exactly_as_rut_formats_it(text: str) -> None:
    assert numbers.rut(text) == _rut_as_rut_formats_it(text)


def test_amounts_percentages_dates_and_ruts() -> None:
    assert numbers.amount("119000") == "$ 119.000"
    assert numbers.amount("0") == "$ 0"
    assert numbers.amount("12.5", pesos=False) == "12,50"
    assert numbers.amount("12.2575", pesos=False) == "12,2575"
    assert numbers.amount("n/a") == "n/a"
    assert numbers.percent("19.00") == "19 %"
    assert numbers.date("2026-12-08") == "8 de diciembre de 2026"
    assert numbers.date("8/12/2026") == "8/12/2026"
    assert numbers.rut("76086428-5") == "76.086.428-5"
    assert numbers.rut("no es rut") == "no es rut"


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("2026-12-08Z", "8 de diciembre de 2026"),  # an xs:date with its time zone
        ("2026-12-08-03:00", "8 de diciembre de 2026"),
        (" 2026-12-08\n", "8 de diciembre de 2026"),
        # Read as dates by Python 3.11's date.fromisoformat, not 3.10's: text on every Python.
        ("20261208", "20261208"),
        ("2026-W50-2", "2026-W50-2"),
        # More than a date: printed whole, not as the date it starts with.
        ("2026-12-08 rectificada", "2026-12-08 rectificada"),
        ("2026-12-08T10:00:00", "2026-12-08T10:00:00"),
    ],
)
def test_a_date_is_printed_in_words_only_when_it_is_an_xs_date(text: str, printed: str) -> None:
    assert numbers.date(text) == printed


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("1E+30", "1.000.000.000.000.000.000.000.000.000.000"),
        ("1234567890123456789012345678901.5", "1.234.567.890.123.456.789.012.345.678.901,5"),
        ("9" * 5000, ".".join(["99"] + ["999"] * 1666)),
        ("0" * 4 + "1234", "1.234"),
        ("1E+999999", "1E+999999"),
        ("-1E-999999", "-1E-999999"),
        ("9" * 5000 + ".5", ".".join(["99"] + ["999"] * 1666) + ",5"),
    ],
)
def test_numbers_of_any_size_a_received_dte_holds_are_written_and_never_fail(
    text: str, shown: str
) -> None:
    """A received DTE is printed as it came: a quantity of ``1E+30`` raised
    ``decimal.InvalidOperation`` and an amount of 5,000 digits Python's ``ValueError`` for long
    integers; a number of absurd size (a million digits written out) prints as its text."""
    assert numbers.number(text) == shown
    assert numbers.amount(text, pesos=True).removeprefix("$ ") == shown
    assert numbers.amount(text, pesos=False).startswith(shown.partition(",")[0])
    assert numbers.percent(text).removesuffix(" %") == shown


def test_the_default_sii_office_is_the_comuna_in_capitals_without_accents() -> None:
    assert sii_office_of("Curicó") == "CURICO"
    assert sii_office_of(" Ñuñoa ") == "ÑUÑOA"
    assert sii_office_of("") == ""


@pytest.mark.parametrize(
    ("tipo", "legend"), [(33, "CEDIBLE"), (46, "CEDIBLE"), (52, "CEDIBLE CON SU FACTURA")]
)
def test_cedible_legends(tipo: int, legend: str) -> None:
    assert cedible_legend(tipo) == legend


def _everything() -> dict[str, Any]:
    return {
        "Encabezado": {
            "IdDoc": {
                "TipoDTE": "33",
                "Folio": "15",
                "FchEmis": "2026-11-27",
                "MntBruto": "1",
                "FmaPago": "2",
                "MedioPago": "TC",
                "PeriodoDesde": "2026-11-01",
                "PeriodoHasta": "2026-11-30",
            },
            "Emisor": {
                "RUTEmisor": "76086428-5",
                "RznSoc": "Viña Ñandú SpA",
                "GiroEmis": "Vinos",
                "Telefono": ["+56 2 2345 6789", "+56 9 8765 4321"],
                "CorreoEmisor": "ventas@vina.cl",
                "DirOrigen": "Camino Real 1",
                "CmnaOrigen": "Curicó",
                "CdgVendedor": "V-12",
            },
            "Receptor": {
                "RUTRecep": "96790240-3",
                "RznSocRecep": "Minera Los Pelambres",
                "Contacto": "Ana Pérez",
            },
            "RUTSolicita": "12345678-5",
            "Transporte": {
                "Patente": "ABCD12",
                "Chofer": {"RUTChofer": "11111111-1", "NombreChofer": "Juan Soto"},
                "DirDest": "Faena 3",
            },
            "Totales": {
                "MntNeto": "100000",
                "TasaIVA": "19",
                "IVA": "19000",
                "ImptoReten": [
                    {"TipoImp": "24", "TasaImp": "31.5", "MontoImp": "31500"},
                    {"TipoImp": "999", "MontoImp": "10"},
                ],
                "MntTotal": "150510",
                "SaldoAnterior": "1000",
                "VlrPagar": "151510",
            },
        },
        "Detalle": [
            {
                "NroLinDet": "1",
                "NmbItem": "Pisco 40°",
                "QtyItem": "2.5",
                "UnmdItem": "LT",
                "PrcItem": "40000",
                "SubDscto": [{"TipoDscto": "%", "ValorDscto": "5"}],
                "DescuentoMonto": "5000",
                "RecargoPct": "2",
                "RecargoMonto": "2000",
                "MontoItem": "97000",
                "IndExe": "2",
            }
        ],
        "SubTotInfo": [{"GlosaSTI": "Licores", "ValSubtotSTI": "97000"}],
        "Referencia": [
            {
                "TpoDocRef": "33",
                "FolioRef": "9",
                "CodRef": "1",
                "RazonRef": "Anula",
                "RUTOtr": "1-9",
            },
            {"TpoDocRef": "ZZ", "FolioRef": "1", "IndGlobal": "1"},
        ],
    }


def test_every_section_of_a_rich_document_is_labelled_in_spanish() -> None:
    doc = printed_document(_everything())
    assert doc.title == "FACTURA ELECTRÓNICA"
    assert (doc.folio, doc.emisor_rut, doc.sii_office) == ("15", "76.086.428-5", "CURICO")
    assert "Teléfono +56 2 2345 6789  Teléfono +56 9 8765 4321  ventas@vina.cl" in doc.emisor_lines
    assert "Vendedor: V-12" in doc.emisor_lines
    assert Field("Contacto", "Ana Pérez") in doc.receptor
    assert Field("R.U.T. solicitante", "12.345.678-5") in doc.receptor
    for field in (
        Field("Forma de pago", "Crédito"),
        Field("Medio de pago", "Tarjeta de crédito"),
        Field("Período", "1 de noviembre de 2026 al 30 de noviembre de 2026"),
        Field("Precios", "incluyen IVA"),
    ):
        assert field in doc.document_fields
    (line,) = doc.lines
    assert (line.quantity, line.unit, line.price) == ("2,5", "LT", "$ 40.000")
    assert (line.discount, line.surcharge, line.amount) == ("$ 5.000", "$ 2.000 (2 %)", "$ 97.000")
    assert line.notes == ("no facturable", "descuento 5 %")
    assert doc.subtotals == (Field("Licores", "$ 97.000"),)
    first, second = doc.references
    assert first.document == "Factura electrónica (33), emitido por 1-9"
    assert first.code == "Anula documento de referencia"
    assert second.document == "ZZ, global"
    assert Field("Chofer", "Juan Soto, 11.111.111-1") in doc.transport
    assert [f.label for f in doc.totals] == [
        "Monto neto",
        "IVA (19 %)",
        "Impuesto licores, piscos, whisky (31,5 %)",
        "Impuesto código 999",
        "Total",
        "Saldo anterior",
        "Valor a pagar",
    ]
    assert doc.totals[doc.total_at] == Field("Total", "$ 150.510")


def test_an_anonymous_boleta_prints_no_receptor_block() -> None:
    data = _everything()
    data["Encabezado"]["IdDoc"]["TipoDTE"] = "39"
    data["Encabezado"]["Receptor"] = {"RUTRecep": "66666666-6"}
    doc = printed_document(data)
    assert doc.receptor == ()
    assert doc.is_boleta


def test_a_boleta_prints_its_receptor_but_not_the_rut_the_sii_says_is_not_printed() -> None:
    """A boleta's RUTRecep is printed only when it is neither 66.666.666-6 nor 0 (a customer
    known by its internal code)."""
    data = _everything()
    data["Encabezado"]["IdDoc"]["TipoDTE"] = "39"
    data["Encabezado"]["Receptor"] = {"RUTRecep": "66666666-6", "RznSocRecep": "Juan Pérez"}
    data["Encabezado"].pop("RUTSolicita", None)
    assert printed_document(data).receptor == (Field("Señor(es)", "Juan Pérez"),)
    data["Encabezado"]["Receptor"] = {"RUTRecep": "0", "CdgIntRecep": "MED-4471"}
    assert printed_document(data).receptor == (Field("Código interno", "MED-4471"),)


@pytest.mark.parametrize(
    ("tipo", "medio", "shown"),
    [
        ("39", "1", "Efectivo"),
        ("41", "2", "Pago electrónico"),
        ("39", "3", "Transferencia electrónica"),
        ("39", "4", "Cheque"),
        ("39", "5", "Otro"),
        ("33", "EF", "Efectivo"),
        ("33", "TC", "Tarjeta de crédito"),
    ],
)
def test_the_medio_de_pago_is_named_by_the_code_list_of_its_document(
    tipo: str, medio: str, shown: str
) -> None:
    """A boleta's MedioPago is EnvioBOLETA's number (1 to 5); a factura's, the DTE's letters."""
    data = _everything()
    data["Encabezado"]["IdDoc"]["TipoDTE"] = tipo
    data["Encabezado"]["IdDoc"]["MedioPago"] = medio
    assert Field("Medio de pago", shown) in printed_document(data).document_fields


def test_a_boleta_s_total_del_periodo_is_printed_after_its_total() -> None:
    """EnvioBOLETA calls it TotalPeriodo (the DTE's MontoPeriodo): Monto Total plus the monto no
    facturable, printed after the total."""
    data = _everything()
    data["Encabezado"]["IdDoc"]["TipoDTE"] = "39"
    data["Encabezado"]["Totales"] = {
        "MntNeto": "1000",
        "IVA": "190",
        "MntTotal": "1190",
        "MontoNF": "500",
        "TotalPeriodo": "1690",
    }
    doc = printed_document(data)
    assert doc.totals[doc.total_at :] == (
        Field("Total", "$ 1.190"),
        Field("Monto no facturable", "$ 500"),
        Field("Total del período", "$ 1.690"),
    )


# -- the timbre's bytes: as the FRMT was signed ------------------------------------------------

LATIN1 = b'<?xml version="1.0" encoding="ISO-8859-1"?>'


def _ted_signed_with_raw_quotes(caf: Caf) -> etree._Element:
    """A TED whose producer signed the DD with its quotes left raw (not as &quot;)."""
    assert caf.private_key is not None
    dd = (
        "<DD><RE>76086428-5</RE><TD>33</TD><F>1</F><FE>2026-11-27</FE><RR>96790240-3</RR>"
        '<RSR>Minera "Los Pelambres"</RSR><MNT>1190</MNT><IT1>Martillo</IT1>'
        f"{caf.canonical_xml}<TSTED>2026-11-27T10:30:00</TSTED></DD>"
    )
    signature = caf.private_key.sign(dd.encode("iso-8859-1"), padding.PKCS1v15(), hashes.SHA1())
    frmt = base64.b64encode(signature).decode()
    ted = f'<TED version="1.0">{dd}<FRMT algoritmo="SHA1withRSA">{frmt}</FRMT></TED>'
    return etree.fromstring(LATIN1 + ted.encode("iso-8859-1"))


def test_the_barcode_keeps_raw_quotes_when_the_frmt_was_signed_over_them(
    cafs: dict[int, Caf],
) -> None:
    data = ted_barcode_bytes(_ted_signed_with_raw_quotes(cafs[33]))
    assert b'<RSR>Minera "Los Pelambres"</RSR>' in data
    assert b"&quot;" not in data


def test_a_comment_inside_the_frmt_does_not_hide_the_form_it_was_signed_over(
    cafs: dict[int, Caf],
) -> None:
    ted = _ted_signed_with_raw_quotes(cafs[33])
    frmt = ted.find("FRMT")
    assert frmt is not None
    assert frmt.text is not None
    half = len(frmt.text) // 2
    frmt.text, tail = frmt.text[:half], frmt.text[half:]
    comment = etree.Comment(" kept out of the signature's digest ")
    comment.tail = tail
    frmt.append(comment)
    data = ted_barcode_bytes(ted)
    assert b'<RSR>Minera "Los Pelambres"</RSR>' in data


def test_the_barcode_writes_quotes_as_entities_when_the_frmt_was_signed_so(
    issued: dict[int, bytes],
) -> None:
    xml = issued[33]
    ted = re.search(rb"<TED\b.*?</TED>", xml, re.DOTALL)
    assert ted is not None
    raw_quotes = ted.group(0).replace(b"&quot;", b'"')  # the same XML, written differently
    data = ted_barcode_bytes(etree.fromstring(LATIN1 + raw_quotes))
    assert data == ted.group(0)
    assert b"&quot;" in data


@pytest.mark.parametrize("moneda", ["PESO MEX", "PESO COL", "PESO URUG", "PESO"])
def test_an_export_in_a_foreign_peso_prints_its_currency_not_chilean_pesos(moneda: str) -> None:
    """Mexican, Colombian, Uruguayan or Argentine pesos were printed as Chilean ones ("$ 32,5",
    no Moneda): only PESO CL is written with the peso sign."""
    data = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": "110", "Folio": "1", "FchEmis": "2026-11-27"},
            "Receptor": {"RUTRecep": "55555555-5", "RznSocRecep": "Jackie Chan"},
            "Totales": {"TpoMoneda": moneda, "MntExe": "32.5", "MntTotal": "32.5"},
            "OtraMoneda": {"TpoMoneda": moneda, "TpoCambio": "1.5", "MntTotOtrMnda": "48.75"},
        },
        "Detalle": [{"NroLinDet": "1", "NmbItem": "Cobre", "PrcItem": "32.5", "MontoItem": "32.5"}],
    }
    doc = printed_document(data)
    assert doc.currency == moneda
    assert Field("Moneda", moneda) in doc.document_fields
    assert doc.totals[doc.total_at] == Field("Total", "32,50")
    assert doc.lines[0].price == "32,50"
    assert Field("Total", "48,75") in doc.other_currency


def test_an_export_in_chilean_pesos_prints_them_with_the_peso_sign() -> None:
    data = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": "110", "Folio": "1", "FchEmis": "2026-11-27"},
            "Totales": {"TpoMoneda": "PESO CL", "MntExe": "3200", "MntTotal": "3200"},
            "OtraMoneda": {"TpoMoneda": "PESO CL", "MntTotOtrMnda": "3200"},
        },
    }
    doc = printed_document(data)
    assert doc.totals[doc.total_at] == Field("Total", "$ 3.200")
    assert Field("Total", "$ 3.200") in doc.other_currency


def test_an_export_prints_its_freight_insurance_weights_and_containers() -> None:
    """MntFlete and MntSeguro (amounts in the sale's currency), the weights and the bultos'
    containers and seals were left off the printed export."""
    data = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": "110", "Folio": "1", "FchEmis": "2026-11-27"},
            "Transporte": {
                "Aduana": {
                    "CodClauVenta": "1",
                    "TotClauVenta": "1150.75",
                    "PesoBruto": "2500.5",
                    "CodUnidPesoBruto": "6",
                    "PesoNeto": "2400",
                    "CodUnidPesoNeto": "6",
                    "TotBultos": "3",
                    "TipoBultos": [
                        {
                            "CodTpoBultos": "75",
                            "CantBultos": "3",
                            "Marcas": "ABC-123",
                            "IdContainer": "MSCU1234567",
                            "Sello": "S-99",
                        }
                    ],
                    "MntFlete": "120.5",
                    "MntSeguro": "30.25",
                }
            },
            "Totales": {"TpoMoneda": "DOLAR USA", "MntExe": "1000", "MntTotal": "1000"},
        },
    }
    transport = printed_document(data).transport
    for field in (
        Field("Peso bruto", "2.500,5 (unidad 6)"),
        Field("Peso neto", "2.400 (unidad 6)"),
        Field("Flete", "120,50"),
        Field("Seguro", "30,25"),
        Field("Bultos", "3 de tipo 75, marcas ABC-123, contenedor MSCU1234567, sello S-99"),
    ):
        assert field in transport, transport


def test_an_export_in_chilean_pesos_prints_its_customs_amounts_with_the_peso_sign() -> None:
    """MntFlete and MntSeguro are in the sale's currency, as TotClauVenta is: on an export in
    pesos they printed as a foreign currency's amounts (``1.200``) beside totals in ``$``."""
    aduana = {"CodClauVenta": "5", "TotClauVenta": "191055", "MntFlete": "1200", "MntSeguro": "300"}
    data = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": "110", "Folio": "1", "FchEmis": "2026-11-27"},
            "Transporte": {"Aduana": aduana},
            "Totales": {"TpoMoneda": "PESO CL", "MntExe": "191055", "MntTotal": "191055"},
        },
    }
    transport = printed_document(data).transport
    for field in (
        Field("Total cláusula de venta", "$ 191.055"),
        Field("Flete", "$ 1.200"),
        Field("Seguro", "$ 300"),
    ):
        assert field in transport, transport


@pytest.mark.parametrize(
    ("desde", "hasta", "shown"),
    [
        ("2026-11-01", "", "desde el 1 de noviembre de 2026"),
        ("", "2026-11-30", "hasta el 30 de noviembre de 2026"),
        ("2026-11-01", "2026-11-30", "1 de noviembre de 2026 al 30 de noviembre de 2026"),
    ],
)
def test_a_period_given_by_one_end_says_which_end_it_is(desde: str, hasta: str, shown: str) -> None:
    """PeriodoDesde alone printed "1 de noviembre de 2026 al", and PeriodoHasta alone " al 30
    de noviembre de 2026"."""
    sii = _everything()
    id_doc = sii["Encabezado"]["IdDoc"]
    id_doc.update(PeriodoDesde=desde, PeriodoHasta=hasta)
    for tag in ("PeriodoDesde", "PeriodoHasta"):
        if not id_doc[tag]:
            del id_doc[tag]
    assert Field("Período", shown) in printed_document(sii).document_fields


@pytest.mark.parametrize(("dias", "shown"), [("1", "1 día"), ("30", "30 días")])
def test_the_term_of_payment_is_printed_in_days(dias: str, shown: str) -> None:
    data = {"Encabezado": {"IdDoc": {"TipoDTE": "33", "TermPagoDias": dias}}}
    assert printed_document(data).payments == (Field("Plazo de pago", shown),)


def test_a_payment_that_says_nothing_prints_no_empty_line() -> None:
    data = {"Encabezado": {"IdDoc": {"TipoDTE": "33", "MntPagos": [{"GlosaPagos": " "}]}}}
    assert printed_document(data).payments == ()


def test_the_other_currency_prints_its_taxes_and_retentions() -> None:
    """OtraMoneda/ImpRetOtrMnda, the additional taxes and retentions in the other currency,
    were left off while the IVA beside them printed."""
    data = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": "33", "Folio": "1", "FchEmis": "2026-11-27"},
            "Totales": {"MntNeto": "100000", "MntTotal": "150000"},
            "OtraMoneda": {
                "TpoMoneda": "DOLAR USA",
                "TpoCambio": "950",
                "IVAOtrMnda": "20",
                "ImpRetOtrMnda": [
                    {"TipoImpOtrMnda": "24", "TasaImpOtrMnda": "31.5", "VlrImpOtrMnda": "33.16"}
                ],
                "MntTotOtrMnda": "157.89",
            },
        },
    }
    other = printed_document(data).other_currency
    assert [f.label for f in other] == [
        "Moneda",
        "Tipo de cambio",
        "IVA",
        "Impuesto licores, piscos, whisky (31,5 %)",
        "Total",
    ]
    assert other[3].value == "33,16"


def test_a_line_in_another_currency_prints_its_price_and_amount_there() -> None:
    """Detalle/OtrMnda, a line's price and amount in the currency it was agreed in (an export
    invoiced in pesos for a buyer paying in dollars), was left off."""
    line = line_of(
        {
            "NmbItem": "Cobre",
            "QtyItem": "2",
            "PrcItem": "95000",
            "OtrMnda": {
                "PrcOtrMon": "100.5",
                "Moneda": "USD",
                "FctConv": "945.27",
                "MontoItemOtrMnda": "201",
            },
            "MontoItem": "190000",
        },
        pesos=True,
    )
    assert line.notes == ("en USD: precio 100,50, monto 201, tipo de cambio 945,27",)


def test_the_fields_the_2026_schema_adds_are_printed() -> None:
    """The SII's DTE schema of February 2026 adds a guía's departure and arrival (FchSalida,
    HraSalida, FchLlegada), the emisor's supplier (RUTProveedor, RznSocProveedor) and the
    timber's provenance (ManejoMadera); a received document holding them printed none."""
    data = {
        "Encabezado": {
            "IdDoc": {"TipoDTE": "52", "Folio": "1", "FchEmis": "2026-11-27", "IndTraslado": "5"},
            "Emisor": {
                "RUTEmisor": "76086428-5",
                "RznSoc": "Forestal Ñandú SpA",
                "RUTProveedor": "96790240-3",
                "RznSocProveedor": "Aserradero del Sur Ltda.",
            },
            "Transporte": {
                "Patente": "ABCD12",
                "FchSalida": "2026-11-27",
                "HraSalida": "08:30:00",
                "FchLlegada": "2026-11-28",
            },
            "Totales": {"MntTotal": "0"},
        },
        "ManejoMadera": {
            "ComunaRolOrigen": "9101",
            "MnzRolOrigen": "12",
            "PrdRolOrigen": "34",
            "CodPlanConaf": "PM-2026-77",
            "AvisoEjecucionFaena": "AEF-123",
            "LatitudOrigenMadera": "-38.7359",
            "LongitudOrigenMadera": "-72.5904",
            "SistemareferenciaMadera": "1",
        },
    }
    doc = printed_document(data)
    assert "Proveedor: Aserradero del Sur Ltda., R.U.T. 96.790.240-3" in doc.emisor_lines
    for field in (
        Field("Salida", "27 de noviembre de 2026, 08:30:00"),
        Field("Llegada", "28 de noviembre de 2026"),
        Field("Rol de origen de la madera", "comuna 9101, manzana 12, predio 34"),
        Field("Plan de manejo CONAF", "PM-2026-77"),
        Field("Aviso de ejecución de faena", "AEF-123"),
        Field("Origen de la madera", "-38.7359, -72.5904"),
    ):
        assert field in doc.transport, field


def _with_codes(written: dict[str, str]) -> dict[str, Any]:
    """A guía whose integer codes are written as ``written`` gives them."""
    return {
        "Encabezado": {
            "IdDoc": {
                "TipoDTE": written["52"],
                "Folio": "1",
                "FchEmis": "2026-11-27",
                "TipoDespacho": written["2"],
                "IndTraslado": written["1"],
                "MntBruto": written["1"],
                "FmaPago": written["1"],
                "IndServicio": written["2"],
                "IndNoRebaja": written["1"],
                "TermPagoDias": written["1"],
            },
            "Emisor": {"RUTEmisor": "76086428-5", "RznSoc": "Ferretería Ñandú SpA"},
            "Totales": {
                "MntNeto": "1000",
                "ImptoReten": [{"TipoImp": written["271"], "TasaImp": "18", "MontoImp": "180"}],
                "MntTotal": "1180",
            },
        },
        "Detalle": [
            {
                "NroLinDet": "1",
                "NmbItem": "Bebida",
                "IndExe": written["1"],
                "CodImpAdic": written["271"],
                "MontoItem": "1000",
            }
        ],
        "DscRcgGlobal": [
            {
                "NroLinDR": "1",
                "TpoMov": "D",
                "TpoValor": "$",
                "ValorDR": "10",
                "IndExeDR": written["2"],
            }
        ],
        "Referencia": [
            {
                "NroLinRef": "1",
                "TpoDocRef": "33",
                "FolioRef": "0",
                "IndGlobal": written["1"],
                "CodRef": written["2"],
                "RazonRef": "Cambia la dirección",
            }
        ],
    }


@pytest.mark.parametrize(
    "padded",
    [
        {"1": "01", "2": "02", "52": "052", "271": "0271"},
        {"1": "+1", "2": "+002", "52": "+52", "271": "+271"},
    ],
)
def test_an_integer_code_with_leading_zeros_or_a_plus_prints_as_its_value(
    padded: dict[str, str],
) -> None:
    """The schema's integer codes match their tables by value, so a received ``01`` is valid
    and ``sii.parse`` reads it as 1; the page printed "Tipo de traslado: 01", the reason code
    ``02`` and "indicador de exención 01" instead of what each means."""
    plain = printed_document(_with_codes({"1": "1", "2": "2", "52": "52", "271": "271"}))
    assert Field("Tipo de traslado", "Operación constituye venta") in plain.document_fields
    assert printed_document(_with_codes(padded)) == plain
