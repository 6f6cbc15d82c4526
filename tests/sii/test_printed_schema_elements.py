"""What the printed page shows of the schema's less common elements: a show boleta's ticket,
where the document was issued, the issuer's subtotals, a line's retainer and principal, and the
transport box's title, on letter paper and on an 80 mm roll."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from haulmer import sii
from haulmer.dte.document import Document
from haulmer.pfx import Certificate
from haulmer.sii import Caf
from haulmer.sii.printed.content import Field, line_of, printed_document
from haulmer.sii.printed.source import _as_text
from pdf_reading import one_line, page_texts

from .conftest import SIGNED_AT, document_dict
from .test_every_optional_element import ROOTS, VARIANTS, _completed

PAPERS = ("letter", "80mm")


def _printed(data: dict[str, Any], caf: Caf, certificate: Certificate, paper: str) -> str:
    """The text of the PDF of ``data`` issued with ``caf``, on ``paper``, in one line."""
    xml = sii.issue(
        Document.from_sii_dict(data), caf=caf, certificate=certificate, timestamp=SIGNED_AT
    )
    return one_line("\n".join(page_texts(sii.render_pdf(xml, paper=paper))))  # type: ignore[arg-type]


@pytest.mark.parametrize("paper", PAPERS)
def test_a_guia_that_exports_nothing_titles_its_box_transporte_alone(
    cafs: dict[int, Caf], certificate: Certificate, paper: str
) -> None:
    """A guía de despacho's patente and chofer printed under "Transporte y exportación", though
    nothing was exported; an export's box keeps that title."""
    data = document_dict(52)
    data["Encabezado"]["Transporte"] = {"Patente": "ABCD12", "RUTTrans": "76086428-5"}
    text = _printed(data, cafs[52], certificate, paper)
    assert "Transporte Patente: ABCD12" in text
    assert "exportación" not in text
    export = _printed(document_dict(110), cafs[110], certificate, paper)
    assert "Transporte y exportación" in export


_TICKET = {
    "FolioTicket": "4711",
    "FchGenera": "2026-11-20T18:05:00",
    "NmbEvento": "Los Jaivas en el Caupolicán",
    "TpoTicket": "Adulto",
    "CdgEvento": "JV26",
    "FchEvento": "2026-12-05T21:30:00",
    "LugarEvento": "Teatro Caupolicán, San Diego 850, Santiago",
    "UbicEvento": "Platea alta",
    "FilaUbicEvento": "F",
    "AsntoUbicEvento": "12",
}


def test_a_show_boletas_line_prints_its_ticket_its_kind_and_its_principal() -> None:
    """A show boleta's ticket (InfoTicket: event, when, where, seat), whether the line is the
    ticket or the service charge (ItemEspectaculo) and the principal it is sold for
    (RUTMandante) were read and kept but not printed: the buyer's paper named no event."""
    ticket = line_of(
        {
            "NroLinDet": "1",
            "ItemEspectaculo": "01",
            "RUTMandante": "76354771-K",
            "NmbItem": "Entrada general",
            "InfoTicket": _TICKET,
            "QtyItem": "1",
            "PrcItem": "25000",
            "MontoItem": "25000",
        },
        pesos=True,
    )
    assert ticket.notes == (
        "entrada",
        "por cuenta de R.U.T. 76.354.771-K",
        "entrada N° 4711, Adulto: Los Jaivas en el Caupolicán (evento JV26), "
        "5 de diciembre de 2026, 21:30, Teatro Caupolicán, San Diego 850, Santiago, "
        "Platea alta, fila F, asiento 12; emitida el 20 de noviembre de 2026, 18:05",
    )
    charge = line_of(
        {"ItemEspectaculo": "02", "NmbItem": "Cargo por servicio", "MontoItem": "1500"},
        pesos=True,
    )
    assert charge.notes == ("cargo por servicio",)


@pytest.mark.parametrize("paper", PAPERS)
def test_a_show_boleta_prints_its_ticket_on_both_papers(
    cafs: dict[int, Caf], certificate: Certificate, paper: str
) -> None:
    data = document_dict(39, lines=1)
    data["Detalle"][0].update(ItemEspectaculo="01", InfoTicket=_TICKET)
    text = _printed(data, cafs[39], certificate, paper)
    for expected in ("Los Jaivas en el Caupolicán", "5 de diciembre de 2026, 21:30", "asiento 12"):
        assert expected in text, expected


def test_a_lines_retainer_and_the_kind_of_its_lot_codes_are_printed() -> None:
    """A line the emisor retains on as agent (Retenedor: the base of faenamiento, the margin,
    the final price) and the kind of code an export's Subcantidad is of (TipCodSubQty) were
    left off the page."""
    line = line_of(
        {
            "NmbItem": "Novillo",
            "Retenedor": {"IndAgente": "R", "MntBaseFaena": "100000", "PrcConsFinal": "150000"},
            "Subcantidad": [{"SubQty": "2", "SubCod": "L-77", "TipCodSubQty": "LOTE"}],
            "MontoItem": "120000",
        },
        pesos=True,
    )
    assert line.notes == (
        "agente retenedor, base de faenamiento $ 100.000, precio al consumidor final $ 150.000",
        "2 de L-77 (LOTE)",
    )


def test_the_issuers_subtotals_print_their_parts_and_lines_in_the_order_they_ask() -> None:
    """SubTotInfo printed its glosa and ValSubtotSTI alone: one of net and IVA without a
    total printed an empty line, the lines it covers (LineasDeta) were lost, and OrdenSTI,
    the order the issuer asks them printed in, was ignored."""
    doc = printed_document(
        {
            "Encabezado": {"IdDoc": {"TipoDTE": "33"}},
            "SubTotInfo": [
                {
                    "NroSTI": "1",
                    "GlosaSTI": "Bebidas",
                    "OrdenSTI": "2",
                    "SubTotNetoSTI": "10000",
                    "SubTotIVASTI": "1900",
                    "SubTotAdicSTI": "1000",
                    "ValSubtotSTI": "12900",
                    "LineasDeta": ["1", "3"],
                },
                {"NroSTI": "2", "OrdenSTI": "1", "SubTotExeSTI": "500.25", "LineasDeta": "2"},
            ],
        }
    )
    assert doc.subtotals == (
        Field("Subtotal 2", "exento $ 500,25 (línea 2)"),
        Field(
            "Bebidas",
            "neto $ 10.000, IVA $ 1.900, impuestos adicionales $ 1.000, total $ 12.900 "
            "(líneas 1 y 3)",
        ),
    )


def test_where_the_document_was_issued_is_printed_with_its_reference_system() -> None:
    """GeoRefEmision, the place a document was issued, printed nothing; and timber's
    coordinates printed without the reference system they are in."""
    doc = printed_document(
        {
            "Encabezado": {"IdDoc": {"TipoDTE": "52", "FchEmis": "2026-11-27"}},
            "GeoRefEmision": {
                "LatitudEmision": "-33.4489",
                "LongitudEmision": "-70.6693",
                "SistemaReferencia": "1",
            },
            "ManejoMadera": {
                "ComunaRolOrigen": "9101",
                "MnzRolOrigen": "12",
                "PrdRolOrigen": "34",
                "CodPlanConaf": "PM-1",
                "LatitudOrigenMadera": "-38.7359",
                "LongitudOrigenMadera": "-72.5904",
                "SistemareferenciaMadera": "2",
            },
        }
    )
    assert Field("Lugar de emisión", "-33.4489, -70.6693 (sistema de referencia 1)") in (
        doc.document_fields
    )
    assert Field("Sistema de referencia de las coordenadas", "2") in doc.transport


def test_what_the_header_says_of_paying_serving_and_reaching_the_parties_is_printed() -> None:
    """The date a document was paid (FchCancel), the service it bills (IndServicio), the
    payment term's code (TermPagoCdg), a nota de crédito that gives no right to reduce the
    débito (IndNoRebaja), the receptor's postal address and a boleta buyer's phone, a tourist's
    kind of identification (TipoDocID), the emisor's additional identification and branch code
    (IdAdicEmisor, CodAdicSucur) and an exceptional transfer's authorization (GuiaExport) were
    read and kept but left off the page."""
    doc = printed_document(
        {
            "Encabezado": {
                "IdDoc": {
                    "TipoDTE": "61",
                    "FchEmis": "2026-11-27",
                    "IndNoRebaja": "1",
                    "IndServicio": "3",
                    "TermPagoCdg": "30D",
                    "FchCancel": "2026-11-30",
                },
                "Emisor": {
                    "RUTEmisor": "76086428-5",
                    "RznSoc": "Ñandú SpA",
                    "IdAdicEmisor": "EORI CL123",
                    "CodAdicSucur": "SUC-7",
                    "GuiaExport": {"CdgTraslado": "2", "FolioAut": "345", "FchAut": "2026-01-15"},
                },
                "Receptor": {
                    "RUTRecep": "76354771-K",
                    "RznSocRecep": "Hosty SpA",
                    "TelefonoRecep": "+56 9 1234 5678",
                    "DirPostal": "Casilla 123",
                    "CmnaPostal": "Curicó",
                    "CiudadPostal": "Curicó",
                    "Extranjero": {"NumId": "AB123", "TipoDocID": "2"},
                },
                "Totales": {"MntTotal": "0"},
            }
        }
    )
    for field in (
        Field("Fecha de pago", "30 de noviembre de 2026"),
        Field("Servicio", "Factura de servicio"),
        Field("Código de condiciones de pago", "30D"),
        Field("Nota de crédito", "sin derecho a descontar débito"),
    ):
        assert field in doc.document_fields, field
    for field in (
        Field("Teléfono", "+56 9 1234 5678"),
        Field("Dirección postal", "Casilla 123, Curicó, Curicó"),
        Field("Tipo de documento de identificación", "2"),
    ):
        assert field in doc.receptor, field
    for line in (
        "Identificación adicional: EORI CL123",
        "Código de sucursal: SUC-7",
        "Traslado excepcional código 2, autorización N° 345 del 15 de enero de 2026",
    ):
        assert line in doc.emisor_lines, line


def test_references_and_global_discounts_print_their_remaining_elements() -> None:
    """A boleta reference's vendedor and caja (CodVndor, CodCaja), an export reference's
    additional identification of the other contributor (IdAdicOtr) and a global discount's
    value in the other currency (ValorDROtrMnda) were left off the page."""
    boleta = printed_document(
        {
            "Encabezado": {"IdDoc": {"TipoDTE": "39"}},
            "Referencia": [
                {
                    "NroLinRef": "1",
                    "CodRef": "SET",
                    "RazonRef": "Caso 1",
                    "CodVndor": "V12",
                    "CodCaja": "C3",
                }
            ],
        }
    )
    assert boleta.references[0].text() == "SET, Caso 1, vendedor V12, caja C3"
    export = printed_document(
        {
            "Encabezado": {
                "IdDoc": {"TipoDTE": "112"},
                "Totales": {"TpoMoneda": "DOLAR USA", "MntTotal": "100"},
                "OtraMoneda": {"TpoMoneda": "PESO CL", "TpoCambio": "950"},
            },
            "DscRcgGlobal": [
                {
                    "NroLinDR": "1",
                    "TpoMov": "D",
                    "TpoValor": "$",
                    "ValorDR": "10",
                    "ValorDROtrMnda": "9500",
                    "IndExeDR": "1",
                }
            ],
            "Referencia": [
                {
                    "NroLinRef": "1",
                    "TpoDocRef": "110",
                    "FolioRef": "120",
                    "RUTOtr": "55555555-5",
                    "IdAdicOtr": "TAX-ID 99",
                    "FchRef": "2026-11-20",
                }
            ],
        }
    )
    assert "emitido por 55.555.555-5 (TAX-ID 99)" in export.references[0].text()
    alone = printed_document({"Referencia": [{"TpoDocRef": "110", "IdAdicOtr": "TAX-ID 99"}]})
    assert (
        alone.references[0].text()
        == "Factura de exportación electrónica (110), emitido por TAX-ID 99"
    )
    assert export.adjustments[0].value == "10 ($ 9.500 en PESO CL)"


def test_a_lines_discount_and_surcharge_parts_in_money_print_as_amounts() -> None:
    """A line's SubDscto or SubRecargo of type ``$`` printed as "descuento 500 $", the sign
    after the number; an amount is written "$ 500" (or bare in an export's currency), and its
    other codes (CdgItem beyond the first, which the code column shows) with their kind."""
    line = line_of(
        {
            "CdgItem": [
                {"TpoCodigo": "INT1", "VlrCodigo": "A-1"},
                {"TpoCodigo": "EAN13", "VlrCodigo": "7801234567890"},
            ],
            "NmbItem": "Vino",
            "SubDscto": [{"TipoDscto": "$", "ValorDscto": "500"}],
            "SubRecargo": [{"TipoRecargo": "%", "ValorRecargo": "2.5"}],
            "MontoItem": "9500",
        },
        pesos=True,
    )
    assert line.code == "A-1"
    assert line.notes == ("descuento $ 500", "recargo 2,5 %", "EAN13 7801234567890")
    export = line_of(
        {"NmbItem": "Cobre", "SubDscto": [{"TipoDscto": "$", "ValorDscto": "12.5"}]}, pesos=False
    )
    assert export.notes == ("descuento 12,50",)


def test_a_boletas_service_prints_only_when_it_is_not_a_shops_sale() -> None:
    """Every boleta carries IndServicio (3, ventas y servicios, in a shop): that one says
    nothing a receipt needs; periodic services and a show sold for others do."""

    def servicio(indicador: str) -> list[Field]:
        doc = printed_document(
            {"Encabezado": {"IdDoc": {"TipoDTE": "39", "IndServicio": indicador}}}
        )
        return [f for f in doc.document_fields if f.label == "Servicio"]

    assert servicio("3") == []
    assert servicio("4") == [
        Field("Servicio", "Boleta de espectáculo emitida por cuenta de terceros")
    ]


UNPRINTED: dict[str, str] = {
    "Encabezado.Emisor.Acteco": "the giro is printed; the printed format asks for no activity code",
    "Encabezado.Emisor.CdgSIISucur": "the SII's own code of the branch; its name (Sucursal) prints",
    "Encabezado.IdDoc.TpoImpresion": "how the document is to be printed, not what it says",
    "Encabezado.IdDoc.TpoTranCompra": "a code for the purchase registry (RCV), not for a reader",
    "Encabezado.IdDoc.TpoTranVenta": "a code for the sales registry (RCV), not for a reader",
    "Encabezado.IdDoc.TipoFactEsp": "the SII's code of a special invoice, which it names nowhere",
    "Encabezado.RUTProvSW": "the RUT of the boleta software's provider, for the SII alone",
    "Detalle.CdgItem.TpoCodigo": "the code column shows the first code alone; others have it",
    "Detalle.Retenedor.IndAgente": "always R, which 'agente retenedor' says",
    "Detalle.SubRecargo.TipoRecargo": "an export's $: its amounts print bare, as absence does",
    "Referencia.NroLinRef": "a line number: the references print in its order",
    "DscRcgGlobal.NroLinDR": "a line number: the discounts print in its order",
    "SubTotInfo.NroSTI": "a number, printed only for a subtotal without a glosa",
    "SubTotInfo.OrdenSTI": "the order the subtotals print in",
    "Comisiones.NroLinCom": "a line number: the commissions print in its order",
    "Comisiones.TipoMovim": "a commission is named by its Glosa, which the schema requires",
    "DscRcgGlobal.TpoMov": "the generated first document's D, which absence also means",
    "DscRcgGlobal.TpoValor": "the generated second document's $, which absence also means",
    "Referencia.RazonRef": "a boleta's generated reason repeats its code, which prints once",
}
"""Elements of the generated documents whose absence leaves the printed page as it is, each
with why."""


def _leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for key, held in value.items() for p in _leaf_paths(held, (*path, key))]
    if isinstance(value, list):
        return [p for i, held in enumerate(value) for p in _leaf_paths(held, (*path, i))]
    return [path]


def _without(data: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    copied = copy.deepcopy(data)
    place: Any = copied
    for step in path[:-1]:
        place = place[step]
    if isinstance(place, list):
        place[path[-1]] = ""
    else:
        del place[path[-1]]
    return copied


def test_every_element_the_models_carry_is_printed_or_said_why_not() -> None:
    """Each leaf of the every-optional-element documents, of every type, changes the printed
    facts when it is taken away, but those UNPRINTED lists: an element the models read and keep
    and the page leaves off is found here, not by a reader of the paper."""
    unprinted: set[str] = set()
    for tipo in sorted(ROOTS):
        for variant in VARIANTS:
            data = _as_text(_completed(tipo, variant).to_sii_dict())
            printed = printed_document(data)
            for path in _leaf_paths(data):
                if path[0] == "TED" or path[-1] == "TmstFirma":
                    continue
                if printed_document(_without(data, path)) == printed:
                    unprinted.add(".".join(str(s) for s in path if not isinstance(s, int)))
    assert sorted(unprinted) == sorted(UNPRINTED)
