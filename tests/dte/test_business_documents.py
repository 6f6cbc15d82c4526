"""Documents a Chilean business issues, checked against the SII's rules on totals and
references: the crédito especial de empresas constructoras, notas and their references,
non-billable amounts and export discounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import haulmer.dte as dte
from haulmer.errors import DocumentError

FECHA = date(2026, 11, 27)
CASA = [{"nombre": "Vivienda lote 12", "precio": 100_000_000}]


# -- CredEC: crédito especial de empresas constructoras ------------------------------------------


def test_constructora_factura_deducts_its_credito_especial_from_mnttotal(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = dte.factura(
        emisor=emisor, receptor=receptor, lines=CASA, fecha=FECHA, credito_constructoras=12_350_000
    )
    totales = doc.totales
    assert (totales.mnt_neto, totales.iva, totales.cred_ec) == (100_000_000, 19_000_000, 12_350_000)
    assert totales.mnt_total == 106_650_000


def test_a_factura_read_with_its_credec_passes_the_totals_check(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    data = dte.factura(emisor=emisor, receptor=receptor, lines=CASA, fecha=FECHA).to_sii_dict()
    totales = data["Encabezado"]["Totales"]
    totales.update(CredEC=12_350_000, MntTotal=106_650_000)
    doc = dte.Document.from_sii_dict(data)
    doc.check()
    assert doc.totals.mnt_total == 106_650_000


def test_a_credec_over_65_percent_of_the_iva_is_refused(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError, match="65%") as caught:
        dte.factura(
            emisor=emisor,
            receptor=receptor,
            lines=CASA,
            fecha=FECHA,
            credito_constructoras=12_350_001,
        )
    assert caught.value.details[0].field == "Encabezado.Totales.CredEC"


def test_a_credec_on_a_document_without_iva_is_refused(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError, match="no IVA"):
        dte.factura_exenta(
            emisor=emisor, receptor=receptor, lines=CASA, fecha=FECHA, credito_constructoras=1
        )


def test_a_nota_that_annuls_a_constructora_factura_carries_its_credec(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    factura = dte.factura(
        emisor=emisor,
        receptor=receptor,
        lines=CASA,
        fecha=FECHA,
        folio=8,
        credito_constructoras=12_350_000,
    )
    nota = dte.nota_credito(factura, fecha=FECHA)
    assert nota.totales.cred_ec == 12_350_000
    assert nota.totales.mnt_total == factura.totales.mnt_total


# -- exports: line percentages in the sale's currency --------------------------------------------

EXPORT_EMISOR: dict[str, Any] = {
    "RUTEmisor": "76192083-9",
    "RznSoc": "SASCO SpA",
    "GiroEmis": "Tecnología",
    "Acteco": [726000],
    "DirOrigen": "Santa Cruz",
    "CmnaOrigen": "Santa Cruz",
}
EXPORT_RECEPTOR: dict[str, Any] = {
    "RznSocRecep": "Jackie Chan",
    "Extranjero": {"Nacionalidad": 225},
    "GiroRecep": "Particular",
    "DirRecep": "Calle 123, Hong Kong, China",
}


def test_an_export_line_percentage_that_rounds_to_no_unit_is_refused_not_dropped() -> None:
    with pytest.raises(DocumentError) as caught:
        dte.factura_exportacion(
            emisor=EXPORT_EMISOR,
            receptor=EXPORT_RECEPTOR,
            lines=[{"nombre": "Asesoría", "precio": "4.99", "descuento_pct": 10}],
            moneda="DOLAR USA",
            ind_servicio=3,
            fecha=FECHA,
        )
    assert [d.field for d in caught.value.details] == ["Detalle[1].DescuentoPct"]
    assert "units of DOLAR USA" in caught.value.details[0].issue


def test_an_export_line_percentage_of_a_unit_or_more_is_applied() -> None:
    doc = dte.factura_exportacion(
        emisor=EXPORT_EMISOR,
        receptor=EXPORT_RECEPTOR,
        lines=[{"nombre": "Asesoría", "precio": "49.90", "descuento_pct": 10}],
        moneda="DOLAR USA",
        ind_servicio=3,
        fecha=FECHA,
    )
    assert (doc.detalle[0].descuento_monto, doc.totales.mnt_total) == (5, Decimal("44.9"))


# -- references to documents already issued -----------------------------------------------------


def _factura(emisor: dict[str, Any], receptor: dict[str, Any]) -> dte.Document:
    return dte.factura(
        emisor=emisor, receptor=receptor, lines=[{"nombre": "Asesoría", "precio": 1000}], folio=7
    )


def test_a_nota_referencing_a_document_dated_after_it_is_refused(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    factura = _factura(emisor, receptor)
    with pytest.raises(DocumentError) as caught:
        dte.nota_credito(factura, fecha=FECHA, fecha_ref=date(2026, 12, 5))
    assert [d.field for d in caught.value.details] == ["Referencia[1].FchRef"]
    assert "after this document's date (2026-11-27)" in caught.value.details[0].issue


def test_a_nota_referencing_a_document_of_the_same_day_is_accepted(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    lines = [{"nombre": "Asesoría", "precio": 1000}]
    factura = dte.factura(emisor=emisor, receptor=receptor, lines=lines, folio=7, fecha=FECHA)
    nota = dte.nota_credito(factura, fecha=FECHA)
    assert nota.referencias[0].fecha_ref == FECHA


def test_a_reference_to_an_electronic_document_with_folio_0_is_refused(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    with pytest.raises(DocumentError) as caught:
        dte.nota_credito(
            tipo_doc_ref=33,
            folio_ref=0,
            fecha_ref=FECHA,
            emisor=emisor,
            receptor=receptor,
            fecha=FECHA,
            cod_ref="corrige_montos",
            lines=[{"nombre": "Descuento", "precio": 100}],
        )
    assert [d.field for d in caught.value.details] == ["Referencia[1].FolioRef"]


def test_a_global_reference_with_folio_0_is_accepted(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    factura = dte.factura(
        emisor=emisor,
        receptor=receptor,
        lines=[{"nombre": "Asesoría", "precio": 1000}],
        fecha=FECHA,
        referencias=[{"TpoDocRef": "52", "IndGlobal": 1, "FolioRef": "0", "FchRef": FECHA}],
    )
    assert factura.referencias[0].folio_ref == "0"


def test_an_orden_de_compra_reference_keeps_its_own_folio_and_date(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    factura = dte.factura(
        emisor=emisor,
        receptor=receptor,
        lines=[{"nombre": "Asesoría", "precio": 1000}],
        fecha=FECHA,
        referencias=[{"TpoDocRef": "801", "FolioRef": "0", "FchRef": date(2026, 11, 30)}],
    )
    assert factura.referencias[0].tipo_doc_ref == "801"


# -- MontoPeriodo: the period's total ------------------------------------------------------------


def _with_totales(doc: dte.Document, **changes: Any) -> dte.Document:
    data = doc.to_sii_dict()
    data["Encabezado"]["Totales"].update(changes)
    return dte.Document.from_sii_dict(data)


def test_a_montoperiodo_other_than_mnttotal_without_non_billable_lines_is_refused(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = _with_totales(_factura(emisor, receptor), MontoPeriodo=1)
    with pytest.raises(DocumentError) as caught:
        doc.check()
    assert [(d.field, d.issue) for d in caught.value.details] == [
        ("Encabezado.Totales.MontoPeriodo", "is 1, expected 1190")
    ]


def test_a_montoperiodo_equal_to_mnttotal_is_accepted(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    doc = _with_totales(_factura(emisor, receptor), MontoPeriodo=1190)
    doc.check()
    assert doc.totales.monto_periodo == 1190


# -- dates given by users -------------------------------------------------------------------------


def test_a_datetime_given_as_fecha_is_dated_on_its_day_in_chile(
    emisor: dict[str, Any], receptor: dict[str, Any]
) -> None:
    from datetime import datetime, timezone

    # 02:00 UTC on New Year's Day is 23:00 on 31 December in Chile: the SII's FchEmis.
    new_year_utc = datetime(2027, 1, 1, 2, 0, tzinfo=timezone.utc)
    doc = dte.factura(emisor=emisor, receptor=receptor, lines=CASA, fecha=new_year_utc)
    assert doc.encabezado.id_doc.fecha_emision == date(2026, 12, 31)
    noon = datetime(2026, 11, 27, 12, 0)  # naive: Chilean local time
    doc = dte.factura(emisor=emisor, receptor=receptor, lines=CASA, fecha=noon)
    assert doc.to_sii_dict()["Encabezado"]["IdDoc"]["FchEmis"] == "2026-11-27"


@pytest.mark.parametrize(
    ("fecha", "issue"),
    [
        ("2026-02-30", "'2026-02-30' is no day of the calendar"),
        ("2026-2-3", "'2026-2-3' is not a date written YYYY-MM-DD"),
        ("03-02-2026", "'03-02-2026' is not a date written YYYY-MM-DD"),
        ("20260203", "'20260203' is not a date written YYYY-MM-DD"),
        (20260203, "a date must be a datetime.date or its text YYYY-MM-DD, not int"),
        (1767225600, "a date must be a datetime.date or its text YYYY-MM-DD, not int"),
    ],
)
def test_a_fecha_that_is_no_date_is_refused_saying_the_form_asked(
    emisor: dict[str, Any], receptor: dict[str, Any], fecha: Any, issue: str
) -> None:
    with pytest.raises(DocumentError) as raised:
        dte.factura(emisor=emisor, receptor=receptor, lines=CASA, fecha=fecha)
    assert [(d.field, d.issue[: len(issue)]) for d in raised.value.details] == [
        ("Encabezado.IdDoc.FchEmis", issue)
    ]


# -- Transporte: the hour the goods leave ---------------------------------------------------------


def _with_hora_salida(hora: Any) -> dict[str, Any]:
    return {
        "Encabezado": {
            "IdDoc": {"TipoDTE": 52, "Folio": 1, "FchEmis": "2026-11-27", "IndTraslado": 1},
            "Emisor": {
                "RUTEmisor": "76086428-5",
                "RznSoc": "Ferretería Ñandú",
                "GiroEmis": "Ferretería",
                "Acteco": [475201],
                "DirOrigen": "Av. O'Higgins 1234",
                "CmnaOrigen": "Ñuñoa",
            },
            "Receptor": {"RUTRecep": "96790240-3", "RznSocRecep": "Minera", "GiroRecep": "Cobre"},
            "Transporte": {"FchSalida": "2026-11-27", "HraSalida": hora},
        },
        "Detalle": [{"NmbItem": "Martillo", "QtyItem": 1, "PrcItem": 1000}],
    }


@pytest.mark.parametrize("hora", ["8:30", "08:30", "25:00:00", "08:61:00", "mañana", "083000"])
def test_a_hora_salida_that_is_no_time_of_day_is_refused_saying_the_form_asked(hora: str) -> None:
    """HraSalida is the SII's HoraType (xs:time, HH:MM:SS): anything else would be issued and
    then fail the SII's schema."""
    with pytest.raises(DocumentError) as raised:
        dte.Document.from_sii_dict(_with_hora_salida(hora))
    assert [d.field for d in raised.value.details] == ["Encabezado.Transporte.HraSalida"]
    assert "HH:MM:SS" in raised.value.details[0].issue


def test_a_hora_salida_given_as_a_time_is_written_hh_mm_ss() -> None:
    from datetime import time

    for hora in ("08:30:00", time(8, 30)):
        doc = dte.Document.from_sii_dict(_with_hora_salida(hora))
        assert doc.to_sii_dict()["Encabezado"]["Transporte"]["HraSalida"] == "08:30:00"
