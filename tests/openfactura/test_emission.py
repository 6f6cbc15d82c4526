"""The pure conversion to OpenFactura's emission body, and the idempotency key derived from it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import haulmer.dte as dte
from haulmer.errors import DocumentError, ValidationError
from haulmer.openfactura.emission import (
    build_emission,
    document_idempotency_key,
    identity_differences,
    normalize_response,
    to_openfactura_dte,
)
from haulmer.openfactura.enums import IvaExceptional, ResponseOption

from . import samples


def _factura_dict() -> dict[str, Any]:
    return json.loads(json.dumps(to_openfactura_dte(samples.factura())))


def test_folio_is_forced_to_zero_right_after_tipo_dte() -> None:
    data = _factura_dict()
    data["Encabezado"]["IdDoc"] = {"FchEmis": "2026-02-10", "Folio": 77, "TipoDTE": 33}
    id_doc = to_openfactura_dte(data)["Encabezado"]["IdDoc"]
    assert id_doc == {"TipoDTE": 33, "Folio": 0, "FchEmis": "2026-02-10"}
    assert list(id_doc) == ["TipoDTE", "Folio", "FchEmis"]


def test_a_dict_in_sii_names_is_accepted_and_unwrapped_from_dte() -> None:
    assert to_openfactura_dte({"dte": _factura_dict()}) == to_openfactura_dte(samples.factura())


def test_boleta_names_are_applied_to_a_dict_written_with_factura_names() -> None:
    data = json.loads(json.dumps(to_openfactura_dte(samples.boleta())))
    emisor = data["Encabezado"]["Emisor"]
    emisor["RznSoc"] = emisor.pop("RznSocEmisor")
    emisor["GiroEmis"] = emisor.pop("GiroEmisor")
    emisor["Acteco"] = 479100
    data["Encabezado"]["Receptor"]["GiroRecep"] = "Particular"
    data["Encabezado"]["Totales"]["TasaIVA"] = "19"
    out = to_openfactura_dte(data)["Encabezado"]
    assert out["Emisor"]["RznSocEmisor"] == "HAULMER SPA"
    assert "RznSoc" not in out["Emisor"]
    assert "Acteco" not in out["Emisor"]
    assert out["Receptor"] == {"RUTRecep": "66666666-6"}
    assert "TasaIVA" not in out["Totales"]


@pytest.mark.parametrize(
    ("kind", "section", "key", "field", "meant"),
    [
        ("factura", "Receptor", "RznSocc", "Encabezado.Receptor.RznSocc", "RznSocRecep"),
        ("factura", "Totales", "MntNetto", "Encabezado.Totales.MntNetto", "MntNeto"),
        ("factura", "line", "DscItem2", "Detalle[1].DscItem2", "DscItem"),
        ("boleta", "Receptor", "RznSocc", "Encabezado.Receptor.RznSocc", "RznSocRecep"),
        ("boleta", "Emisor", "GiroEmisr", "Encabezado.Emisor.GiroEmisr", "GiroEmisor"),
    ],
)
def test_a_key_that_is_no_element_of_its_section_is_refused_by_name_not_dropped(
    kind: str, section: str, key: str, field: str, meant: str
) -> None:
    """A typo (``RznSocc`` for ``RznSocRecep``) was left out of the document sent, a boleta's
    Emisor and Receptor dropping it even before the check: the factura went without the
    receptor's name, with no word. It is refused before anything is sent, naming the element
    meant."""
    document = samples.factura() if kind == "factura" else samples.boleta()
    data = json.loads(json.dumps(to_openfactura_dte(document)))
    where = data["Detalle"][0] if section == "line" else data["Encabezado"][section]
    where[key] = "x"
    with pytest.raises(DocumentError) as refused:
        build_emission(data)
    (detail,) = refused.value.details
    assert detail.field == field
    assert f"did you mean '{meant}'" in str(detail.issue)


@pytest.mark.parametrize(
    ("kind", "section", "name", "sii"),
    [
        ("factura", "Receptor", "razon_social", "RznSocRecep"),
        ("factura", "Emisor", "giro", "GiroEmis"),
        ("factura", "line", "nombre", "NmbItem"),
        ("boleta", "Receptor", "contacto", "Contacto"),
    ],
)
def test_a_fields_python_name_in_a_dict_to_be_sent_is_refused_naming_its_sii_name(
    kind: str, section: str, name: str, sii: str
) -> None:
    """``razon_social`` was read by the check as RznSocRecep, yet sent under its Python name,
    which OpenFactura does not know: the factura went without the receptor's name."""
    document = samples.factura() if kind == "factura" else samples.boleta()
    data = json.loads(json.dumps(to_openfactura_dte(document)))
    where = data["Detalle"][0] if section == "line" else data["Encabezado"][section]
    where[name] = where.pop(sii, "x")
    with pytest.raises(DocumentError) as refused:
        build_emission(data)
    (detail,) = refused.value.details
    assert f"'{name}' is the SDK's name of {sii}" in str(detail.issue)
    assert f"writes '{sii}'" in str(detail.issue)
    assert dte.Document.from_sii_dict(data) is not None  # read leniently, as before


def test_a_boleta_without_its_receptor_is_told_the_rut_of_a_buyer_not_named() -> None:
    data = json.loads(json.dumps(to_openfactura_dte(samples.boleta())))
    del data["Encabezado"]["Receptor"]
    with pytest.raises(DocumentError) as refused:
        build_emission(data)
    assert [(d.field, d.issue) for d in refused.value.details] == [
        ("Receptor.RUTRecep", "required: a boleta to a buyer not named carries 66666666-6")
    ]
    factura = _factura_dict()
    del factura["Encabezado"]["Receptor"]
    with pytest.raises(DocumentError) as refused:
        build_emission(factura)
    assert ("Receptor.RUTRecep", "required") in [(d.field, d.issue) for d in refused.value.details]


def test_a_dicts_timbre_and_signing_time_are_still_left_out_of_an_emission() -> None:
    data = _factura_dict()
    data["TED"] = {"DD": {"RE": "76795561-8"}}
    data["TmstFirma"] = "2026-02-10T10:00:00"
    assert build_emission(data).body["dte"] == build_emission(_factura_dict()).body["dte"]


def test_an_unchecked_emission_still_carries_what_it_is_given() -> None:
    data = _factura_dict()
    data["Encabezado"]["Receptor"]["Desconocido"] = "x"
    assert (
        build_emission(data, validate=False).body["dte"]["Encabezado"]["Receptor"]["Desconocido"]
        == "x"
    )


def test_factura_names_are_applied_when_a_factura_comes_with_boleta_names() -> None:
    data = _factura_dict()
    emisor = data["Encabezado"]["Emisor"]
    emisor["RznSocEmisor"] = emisor.pop("RznSoc")
    emisor["GiroEmisor"] = emisor.pop("GiroEmis")
    out = to_openfactura_dte(data)["Encabezado"]["Emisor"]
    assert out["RznSoc"] == "HAULMER SPA"
    assert "RznSocEmisor" not in out


def test_texts_are_cut_to_the_lengths_haulmer_uses() -> None:
    data = _factura_dict()
    emisor = data["Encabezado"]["Emisor"]
    emisor.update(RznSoc="R" * 150, GiroEmis="G" * 120, DirOrigen="D" * 90, CmnaOrigen="C" * 30)
    data["Encabezado"]["Receptor"]["GiroRecep"] = "g" * 60
    data["Detalle"][0]["NmbItem"] = "n" * 100
    out = to_openfactura_dte(data)
    emisor = out["Encabezado"]["Emisor"]
    assert (len(emisor["RznSoc"]), len(emisor["GiroEmis"])) == (100, 80)
    assert (len(emisor["DirOrigen"]), len(emisor["CmnaOrigen"])) == (60, 20)
    assert len(out["Encabezado"]["Receptor"]["GiroRecep"]) == 40
    assert len(out["Detalle"][0]["NmbItem"]) == 80


def test_decimal_quantities_travel_as_numbers() -> None:
    data = _factura_dict()
    data["Detalle"][0].update(QtyItem="1.5", PrcItem="1333.333333")
    line = to_openfactura_dte(data)["Detalle"][0]
    assert line["QtyItem"] == "1.5"  # dict input is sent as given
    document = samples.factura()
    line_model = document.detalle[0].model_copy(update={"cantidad": Decimal("1.5")})
    document = document.model_copy(update={"detalle": [line_model]})
    line = to_openfactura_dte(document)["Detalle"][0]
    assert line["QtyItem"] == 1.5
    assert isinstance(line["PrcItem"], int)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["Encabezado"]["Emisor"].update(RUTEmisor="76795561-1"), "Emisor.RUTEmisor"),
        (lambda d: d["Encabezado"]["Receptor"].update(RUTRecep="1-2"), "Receptor.RUTRecep"),
        (lambda d: d["Encabezado"]["IdDoc"].update(FchEmis="10/02/2026"), "IdDoc.FchEmis"),
        (lambda d: d.update(Detalle=[]), "Detalle"),
        (lambda d: d["Encabezado"]["Totales"].pop("MntTotal"), "Totales.MntTotal"),
    ],
)
def test_structural_problems_are_reported_before_any_io(change: Any, field: str) -> None:
    data = _factura_dict()
    change(data)
    with pytest.raises(DocumentError) as caught:
        to_openfactura_dte(data)
    assert field in [detail.field for detail in caught.value.details]


def test_a_dict_without_totales_is_told_how_to_get_them() -> None:
    data = _factura_dict()
    del data["Encabezado"]["Totales"]
    with pytest.raises(DocumentError, match="from_sii_dict") as caught:
        to_openfactura_dte(data)
    assert [detail.field for detail in caught.value.details] == ["Encabezado.Totales"]
    assert "builders" in str(caught.value)


def test_a_credit_note_without_referencia_is_refused() -> None:
    data = json.loads(json.dumps(to_openfactura_dte(samples.nota_credito())))
    del data["Referencia"]
    with pytest.raises(DocumentError, match="must reference"):
        to_openfactura_dte(data)


def test_a_type_openfactura_does_not_issue_is_refused() -> None:
    data = _factura_dict()
    data["Encabezado"]["IdDoc"]["TipoDTE"] = 30
    with pytest.raises(DocumentError, match="does not issue DTE type 30"):
        to_openfactura_dte(data)


@pytest.mark.parametrize(
    "value", [33.9, Decimal("33.7"), 34.5, True, False, float("nan"), Decimal("Infinity")], ids=str
)
def test_a_type_that_is_no_whole_number_is_refused_not_cut_to_one(value: object) -> None:
    # 33.9 was cut to 33 and sent as a factura, True read as type 1.
    data = _factura_dict()
    data["Encabezado"]["IdDoc"]["TipoDTE"] = value
    with pytest.raises(DocumentError, match=r"no valid IdDoc\.TipoDTE") as caught:
        to_openfactura_dte(data)
    assert [detail.field for detail in caught.value.details] == ["IdDoc.TipoDTE"]


@pytest.mark.parametrize(
    "value", [Decimal("Infinity"), Decimal("-Infinity"), Decimal("sNaN")], ids=str
)
@pytest.mark.parametrize(
    "where", [("Detalle", 0, "PrcItem"), ("Encabezado", "Totales", "MntTotal")]
)
def test_a_decimal_infinity_or_signalling_nan_in_a_dict_is_refused_as_not_finite(
    value: Decimal, where: tuple[Any, ...]
) -> None:
    # An untyped OverflowError (InvalidOperation for sNaN) came out of emit() for these.
    data = _factura_dict()
    block: Any = data
    for key in where[:-1]:
        block = block[key]
    block[where[-1]] = value
    with pytest.raises(ValidationError):
        build_emission(data)


@pytest.mark.parametrize("value", [Decimal("Infinity"), Decimal("NaN"), float("inf")], ids=str)
@pytest.mark.parametrize(
    "where", [("Detalle", 0, "PrcItem"), ("Encabezado", "Totales", "MntTotal")]
)
def test_to_openfactura_dte_refuses_a_number_no_request_can_carry(
    value: object, where: tuple[Any, ...]
) -> None:
    # It passed a Decimal infinity through to the wire dict, which emit() then refused.
    data = _factura_dict()
    block: Any = data
    for key in where[:-1]:
        block = block[key]
    block[where[-1]] = value
    with pytest.raises(DocumentError, match="NaN or Infinity") as caught:
        to_openfactura_dte(data)
    named = {"PrcItem": "Detalle[1].PrcItem", "MntTotal": "Encabezado.Totales.MntTotal"}
    assert [detail.field for detail in caught.value.details] == [named[where[-1]]]


@pytest.mark.parametrize("value", [33, 33.0, Decimal("33"), "33", " 33 ", "033"], ids=repr)
def test_a_type_written_as_a_whole_number_is_read(value: object) -> None:
    data = _factura_dict()
    data["Encabezado"]["IdDoc"]["TipoDTE"] = value
    assert to_openfactura_dte(data)["Encabezado"]["IdDoc"]["TipoDTE"] == 33


@pytest.mark.parametrize("value", [" 2026-12-07 ", "2026-12-07\n", dt.date(2026, 12, 7)], ids=repr)
def test_an_emission_date_the_document_model_reads_is_read_and_sent_as_the_sii_writes_it(
    value: object,
) -> None:
    # " 2026-12-07 " was refused by emit() as no date, while Document.from_sii_dict() reads it.
    data = _factura_dict()
    data["Encabezado"]["IdDoc"]["FchEmis"] = value
    assert dte.Document.from_sii_dict(data).encabezado.id_doc.fecha_emision == dt.date(2026, 12, 7)
    body = build_emission(data).body
    assert body["dte"]["Encabezado"]["IdDoc"]["FchEmis"] == "2026-12-07"


def test_wrong_totals_are_caught_by_the_dte_models() -> None:
    data = _factura_dict()
    data["Encabezado"]["Totales"]["IVA"] = 381
    with pytest.raises(DocumentError) as caught:
        build_emission(data)
    assert any("IVA" in detail.field for detail in caught.value.details)


def test_response_options_are_checked_and_deduplicated() -> None:
    assert normalize_response(None) == ["FOLIO"]
    assert normalize_response(["token", "folio", ResponseOption.PDF, "FOLIO", "80MM"]) == [
        "FOLIO",
        "PDF",
        "80MM",
    ]
    assert normalize_response("XML") == ["XML"]
    with pytest.raises(ValidationError, match="unknown response option"):
        normalize_response(["PNG"])
    with pytest.raises(ValidationError, match="one PDF format"):
        normalize_response(["LETTER", "80MM"])


def test_self_service_asked_of_an_emission_points_at_self_service_link() -> None:
    with pytest.raises(ValidationError, match=r"documents\.self_service_link\(\)"):
        normalize_response(["FOLIO", "self_service"])


def test_send_email_and_custom_use_the_api_names() -> None:
    emission = build_emission(
        samples.factura(),
        send_email={"to": "a@b.cl", "cc": ["c@d.cl", "e@f.cl"]},
        custom={"information_note": "Gracias", "payment_note": "Transferencia"},
    )
    assert emission.body["sendEmail"] == {"to": "a@b.cl", "CC": "c@d.cl,e@f.cl"}
    assert emission.body["custom"] == {"informationNote": "Gracias", "paymentNote": "Transferencia"}
    assert build_emission(samples.factura(), send_email="x@y.cl").body["sendEmail"] == {
        "to": "x@y.cl"
    }


def test_send_email_addresses_travel_trimmed_comma_separated_and_once_each() -> None:
    emission = build_emission(
        samples.factura(),
        send_email={
            "to": " ana@hosty.cl , pedro@hosty.cl",
            "bcc": "conta@hosty.cl, CONTA@hosty.cl",
        },
    )
    assert emission.body["sendEmail"] == {
        "to": "ana@hosty.cl,pedro@hosty.cl",
        "BCC": "conta@hosty.cl",
    }


def test_send_email_takes_a_list_of_addresses_as_its_to() -> None:
    emission = build_emission(samples.factura(), send_email=["ana@hosty.cl", "pedro@hosty.cl"])
    assert emission.body["sendEmail"] == {"to": "ana@hosty.cl,pedro@hosty.cl"}
    with pytest.raises(ValidationError, match="send_email is invalid: to: '' is not an e-mail"):
        build_emission(samples.factura(), send_email=[])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"send_email": {"to": "not-an-address"}}, "not an e-mail address"),
        ({"send_email": "ana rojas@example.com"}, "'ana rojas@example.com' is not an e-mail"),
        ({"send_email": "ana@example"}, "'ana@example' is not an e-mail"),
        (
            {"send_email": "ana@example.com;pedro@example.com"},
            "not an e-mail address; separate addresses with commas",
        ),
        ({"send_email": {"to": "a@b.cl", "cc": ["c@d.cl", "c@@d.cl"]}}, "'c@@d.cl' is not"),
        ({"send_email": {"to": "a@b.cl", "subject": "hola"}}, "subject"),
        ({"custom": {"informatonNote": "Gracias"}}, "informatonNote"),
        ({"idempotency_key": "   "}, "idempotency_key is empty"),
    ],
)
def test_bad_emission_options_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        build_emission(samples.factura(), **kwargs)
    assert "Value error" not in str(caught.value)


def test_the_sales_origin_the_woocommerce_plugin_sends_in_custom_is_sent() -> None:
    # Haulmer's own plugin sends custom.origin; the fake keeps it, and the SDK refused it.
    emission = build_emission(
        samples.factura(), custom={"origin": "WOOCOMMERCE", "informationNote": "Gracias"}
    )
    assert emission.body["custom"] == {"origin": "WOOCOMMERCE", "informationNote": "Gracias"}


def test_the_callers_key_wins_over_the_derived_one() -> None:
    assert build_emission(samples.factura(), idempotency_key="order-17").idempotency_key == (
        "order-17"
    )


def test_the_derived_key_depends_on_the_document_only() -> None:
    key = build_emission(samples.factura()).idempotency_key
    assert key == build_emission(samples.factura(), response=["PDF"]).idempotency_key
    assert key == build_emission(_factura_dict()).idempotency_key
    assert key != build_emission(samples.factura(price=2001)).idempotency_key


def test_the_derived_key_is_the_same_in_another_process() -> None:
    here = str(Path(__file__).parent)
    code = (
        f"import sys; sys.path.insert(0, {here!r});"
        "import samples;"
        "from haulmer.openfactura.emission import build_emission;"
        "print(build_emission(samples.factura()).idempotency_key)"
    )
    other = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""},
    )
    assert other.stdout.strip() == build_emission(samples.factura()).idempotency_key


_json_leaf = st.one_of(st.integers(-(10**9), 10**9), st.text(max_size=8), st.booleans())


@given(st.dictionaries(st.text(min_size=1, max_size=6), _json_leaf, min_size=1, max_size=8))
def test_the_key_ignores_key_order(data: dict[str, Any]) -> None:
    reordered = dict(reversed(list(data.items())))
    assert document_idempotency_key(data) == document_idempotency_key(reordered)
    assert len(document_idempotency_key(data)) == len("haulmer-") + 48


def _stored_as_text(dte: Any) -> Any:
    """The dte the way OpenFactura's json value gives it back: every number as text."""
    if isinstance(dte, dict):
        return {key: _stored_as_text(value) for key, value in dte.items()}
    if isinstance(dte, list):
        return [_stored_as_text(value) for value in dte]
    if isinstance(dte, int | float) and not isinstance(dte, bool):
        return str(dte)
    return dte


def _two_line_boleta(**second: Any) -> dict[str, Any]:
    line = {"nombre": "Leche", "cantidad": 2, "precio": 500, **second}
    document = dte.boleta(
        emisor=samples.EMISOR,
        lines=[{"nombre": "Pan", "cantidad": "1.5", "precio": 1000}, line],
        fecha=samples.FECHA,
    )
    return to_openfactura_dte(document)


def test_a_stored_document_with_numbers_as_text_is_the_same_document() -> None:
    sent = _two_line_boleta()
    assert identity_differences(sent, _stored_as_text(sent)) == []


def test_an_item_name_openfactura_cut_matches_the_name_sent() -> None:
    long_name = "Torta de mil hojas con manjar y merengue, decorada a pedido para cumpleaños " * 3
    sent = _two_line_boleta()
    sent["Detalle"][1]["NmbItem"] = long_name
    stored = _stored_as_text(sent)
    stored["Detalle"][1]["NmbItem"] = long_name[:80]
    assert identity_differences(sent, stored) == []


def test_a_single_stored_line_as_an_object_is_compared_as_one_line() -> None:
    sent = _factura_dict()
    stored = _stored_as_text(sent)
    stored["Detalle"] = stored["Detalle"][0]
    assert identity_differences(sent, stored) == []
    stored["Detalle"]["NmbItem"] = "otro"
    assert identity_differences(sent, stored) == [
        "line 1 item (Detalle[1].NmbItem) 'otro' there, 'item' in this call"
    ]


@pytest.mark.parametrize(
    ("second", "named"),
    [
        (
            {"nombre": "Yogur"},
            "line 2 item (Detalle[2].NmbItem) 'Leche' there, 'Yogur' in this call",
        ),
        ({"cantidad": 4, "precio": 250}, "line 2 quantity (Detalle[2].QtyItem) 2 there, 4 in"),
        ({"cantidad": 4, "precio": 250}, "line 2 price (Detalle[2].PrcItem) 500 there, 250 in"),
    ],
)
def test_a_line_that_differs_is_named_with_both_values(second: dict[str, Any], named: str) -> None:
    stored = _stored_as_text(_two_line_boleta())
    differences = identity_differences(_two_line_boleta(**second), stored)
    assert any(named in difference for difference in differences), differences
    assert not any("MntTotal" in difference for difference in differences)


def test_another_number_of_lines_is_named() -> None:
    sent = _two_line_boleta()
    stored = _stored_as_text(sent)
    stored["Detalle"].append(dict(stored["Detalle"][1], NroLinDet="3"))
    assert "lines (Detalle) 3 there, 2 in this call" in identity_differences(sent, stored)


def test_a_line_amount_that_differs_is_named() -> None:
    sent = _two_line_boleta()
    stored = _stored_as_text(sent)
    stored["Detalle"][0]["MontoItem"] = "1600"
    assert identity_differences(sent, stored) == [
        "line 1 amount (Detalle[1].MontoItem) 1600 there, 1500 in this call"
    ]


# -- iva_exceptional=ARTESANO --------------------------------------------------------------------

ARTISAN: dict[str, Any] = {
    "rut": "76086428-5",
    "razon_social": "ARTESANIAS SPA",
    "giro": "Artesanía en greda",
    "direccion": "Calle Pomaire 12",
    "comuna": "Melipilla",
}


def _artisan_boleta(**emisor: Any) -> dte.Document:
    """A boleta 39 of 10,000 afecto (two vasijas) and 3,000 exempt, as the builder makes it (its
    Totales split the usual IVA out of the gross lines)."""
    return dte.boleta(
        emisor={**ARTISAN, **emisor},
        lines=[
            {"nombre": "Vasija", "cantidad": 2, "precio": 5000},
            {"nombre": "Libro", "cantidad": 1, "precio": 3000, "ind_exe": 1},
        ],
        fecha=samples.FECHA,
    )


ARTESANO_TOTALES = {"MntNeto": 10000, "MntExe": 3000, "IVA": 0, "MntTotal": 13000}


def test_an_artesano_boleta_goes_without_iva_its_lines_being_the_neto() -> None:
    document = _artisan_boleta()
    assert document.totales.iva == 1597  # the builder's usual split
    body = build_emission(document, iva_exceptional="ARTESANO").body
    assert body["ivaExceptional"] == ["ARTESANO"]
    encabezado = body["dte"]["Encabezado"]
    assert encabezado["Totales"] == ARTESANO_TOTALES
    assert encabezado["IdDoc"]["IndMntNeto"] == 2
    assert [line["MontoItem"] for line in body["dte"]["Detalle"]] == [10000, 3000]


def test_an_artesano_boleta_given_as_a_dict_gets_the_same_totals() -> None:
    data = json.loads(json.dumps(to_openfactura_dte(_artisan_boleta())))
    as_dict = build_emission(data, iva_exceptional=IvaExceptional.ARTESANO).body
    assert as_dict == build_emission(_artisan_boleta(), iva_exceptional="ARTESANO").body
    data["Encabezado"]["Totales"] = dict(ARTESANO_TOTALES)  # already in the ARTESANO shape
    again = build_emission(data, iva_exceptional="artesano").body
    assert again["dte"]["Encabezado"]["Totales"] == ARTESANO_TOTALES


def test_a_boleta_without_iva_is_refused_unless_the_emission_is_artesano() -> None:
    data = json.loads(json.dumps(to_openfactura_dte(_artisan_boleta())))
    data["Encabezado"]["Totales"] = dict(ARTESANO_TOTALES)
    with pytest.raises(DocumentError, match="IVA: is 0, expected 1597"):
        build_emission(data)
    document = dte.Document.from_sii_dict(data)
    totales = build_emission(document, iva_exceptional="ARTESANO").body["dte"]["Encabezado"]
    assert totales["Totales"] == ARTESANO_TOTALES


@pytest.mark.parametrize(
    ("totales", "named"),
    [
        ({"MntNeto": 10000, "MntExe": 3000, "IVA": 0, "MntTotal": 12000}, "MntTotal: is 12000"),
        ({"MntNeto": 10000, "MntExe": 3000, "IVA": 5, "MntTotal": 13005}, "IVA: is 5"),
        ({"MntNeto": 9000, "MntExe": 3000, "IVA": 0, "MntTotal": 12000}, "MntNeto: is 9000"),
    ],
)
def test_artesano_totals_of_neither_shape_are_refused_naming_the_amount(
    totales: dict[str, int], named: str
) -> None:
    data = json.loads(json.dumps(to_openfactura_dte(_artisan_boleta())))
    data["Encabezado"]["Totales"] = totales
    with pytest.raises(DocumentError, match="fit neither iva_exceptional=ARTESANO") as caught:
        build_emission(data, iva_exceptional="ARTESANO")
    assert named in str(caught.value)
    assert all(d.field.startswith("Encabezado.Totales.") for d in caught.value.details)


@pytest.mark.parametrize("value", ["OTRO", ["ARTESANO"], 1, ""])
def test_an_iva_exception_other_than_artesano_is_refused(value: Any) -> None:
    with pytest.raises(ValidationError, match="iva_exceptional must be 'ARTESANO'") as caught:
        build_emission(_artisan_boleta(), iva_exceptional=value)
    if isinstance(value, list):
        assert "not a list" in str(caught.value)


@pytest.mark.parametrize(
    "make", [samples.factura, samples.factura_exenta, samples.guia, samples.nota_credito]
)
def test_artesano_is_refused_on_anything_but_a_boleta(make: Any) -> None:
    with pytest.raises(DocumentError, match=r"for boletas \(39, 41\) only") as caught:
        build_emission(make(), iva_exceptional="ARTESANO")
    assert [d.field for d in caught.value.details] == ["Encabezado.IdDoc.TipoDTE"]
    data = json.loads(json.dumps(to_openfactura_dte(make())))
    with pytest.raises(DocumentError, match=r"for boletas \(39, 41\) only"):
        build_emission(data, iva_exceptional="ARTESANO")


def _declaring(acteco: Any) -> dict[str, Any]:
    """The artisan's boleta as a dict whose Emisor declares ``acteco`` (boletas carry none on
    the wire, but a document read from elsewhere may state it)."""
    data: dict[str, Any] = json.loads(json.dumps(_artisan_boleta().to_sii_dict(), default=str))
    data["Encabezado"]["Emisor"]["Acteco"] = acteco
    return data


def test_artesano_is_refused_when_the_emisor_declares_another_activity() -> None:
    with pytest.raises(DocumentError, match="Acteco 477396") as caught:
        build_emission(_declaring(620200), iva_exceptional="ARTESANO")
    assert [d.field for d in caught.value.details] == ["Encabezado.Emisor.Acteco"]
    document = dte.Document.from_sii_dict(_declaring([620200, 479100]))
    with pytest.raises(DocumentError, match="declares '620200, 479100'"):
        build_emission(document, iva_exceptional="ARTESANO")
    for declared in ([620200, 477396], "477396"):
        body = build_emission(_declaring(declared), iva_exceptional="ARTESANO").body
        assert "Acteco" not in body["dte"]["Encabezado"]["Emisor"]  # a boleta carries none
        document = dte.Document.from_sii_dict(_declaring(declared))
        body = build_emission(document, iva_exceptional="ARTESANO").body
        assert body["dte"]["Encabezado"]["Totales"] == ARTESANO_TOTALES


def test_an_artesano_boleta_is_checked_by_its_rules_too() -> None:
    data = json.loads(json.dumps(to_openfactura_dte(_artisan_boleta())))
    data["Detalle"][0]["MontoItem"] = 9000
    with pytest.raises(DocumentError) as caught:
        build_emission(data, iva_exceptional="ARTESANO")
    assert "Detalle[1].MontoItem" in [d.field for d in caught.value.details]


def test_an_artesano_boleta_exenta_keeps_its_totals() -> None:
    document = dte.boleta_exenta(
        emisor=ARTISAN,
        lines=[{"nombre": "Libro", "cantidad": 1, "precio": 3000}],
        fecha=samples.FECHA,
    )
    plain = build_emission(document).body
    body = build_emission(document, iva_exceptional="ARTESANO").body
    assert body == {**plain, "ivaExceptional": ["ARTESANO"]}


def test_an_artesano_boleta_of_net_prices_totals_its_lines() -> None:
    document = dte.boleta(
        emisor=ARTISAN,
        lines=[{"nombre": "Vasija", "cantidad": 1, "precio": 10000}],
        fecha=samples.FECHA,
        montos_netos=True,
    )
    assert document.totales.mnt_total == 11900
    totales = build_emission(document, iva_exceptional="ARTESANO").body["dte"]["Encabezado"]
    assert totales["Totales"] == {"MntNeto": 10000, "IVA": 0, "MntTotal": 10000}


def test_an_artesano_boleta_s_total_to_pay_is_its_total_without_iva_plus_the_balance() -> None:
    document = dte.boleta(
        emisor=ARTISAN,
        lines=[{"nombre": "Vasija", "cantidad": 1, "precio": 10000}],
        fecha=samples.FECHA,
        montos_netos=True,
        saldo_anterior=500,
    )
    assert document.totales.vlr_pagar == 12400  # the builder's usual split: 11900 + 500
    totales = build_emission(document, iva_exceptional="ARTESANO").body["dte"]["Encabezado"]
    assert totales["Totales"] == {
        "MntNeto": 10000,
        "IVA": 0,
        "MntTotal": 10000,
        "SaldoAnterior": 500,
        "VlrPagar": 10500,
    }
    data = json.loads(json.dumps(to_openfactura_dte(document)))
    data["Encabezado"]["Totales"] = {
        "MntNeto": 10000,
        "IVA": 0,
        "MntTotal": 10000,
        "SaldoAnterior": 500,
        "VlrPagar": 12400,
    }
    with pytest.raises(DocumentError, match="VlrPagar: is 12400, expected 10500"):
        build_emission(data, iva_exceptional="ARTESANO")


def test_the_derived_key_of_an_artesano_boleta_is_its_own() -> None:
    plain = build_emission(_artisan_boleta()).idempotency_key
    artesano = build_emission(_artisan_boleta(), iva_exceptional="ARTESANO").idempotency_key
    assert plain != artesano


@pytest.mark.parametrize("receptor", ["HOSTY SPA", ["76430498-5"]])
def test_a_receptor_that_is_no_object_is_a_document_error_naming_it(receptor: Any) -> None:
    data = build_emission(samples.factura()).body["dte"]
    data["Encabezado"]["Receptor"] = receptor
    with pytest.raises(DocumentError) as caught:
        build_emission(data, validate=False)
    assert [d.field for d in caught.value.details] == ["Encabezado.Receptor"]


def test_nan_in_a_numeric_field_of_an_unchecked_document_is_named() -> None:
    """``validate=False`` skips the models' check of numbers too: a NaN price reached the JSON
    writer, whose error named no field."""
    data = _factura_dict()
    data["Detalle"][0]["PrcItem"] = float("nan")
    with pytest.raises(DocumentError) as caught:
        build_emission(data, validate=False)
    assert [d.field for d in caught.value.details] == ["Detalle[1].PrcItem"]


def test_quantities_differing_past_the_17th_digit_make_different_documents() -> None:
    def factura(quantity: str) -> dte.Document:
        return dte.factura(
            emisor=samples.EMISOR,
            receptor=samples.RECEPTOR,
            lines=[{"nombre": "item", "cantidad": Decimal(quantity), "precio": Decimal("0.5")}],
            fecha=samples.FECHA,
            forma_pago=1,
        )

    first = build_emission(factura("123456789012.123456"))
    second = build_emission(factura("123456789012.123457"))
    assert first.body["dte"]["Detalle"][0]["QtyItem"] == Decimal("123456789012.123456")
    assert first.idempotency_key != second.idempotency_key


def test_a_derived_key_reads_a_decimal_quantity_as_its_shortest_number() -> None:
    """1.50 and 1.5 are the same quantity: the same document, the same derived key."""
    data = _factura_dict()
    data["Detalle"][0].update(QtyItem=Decimal("1.50"), PrcItem=2000, MontoItem=3000)
    data["Encabezado"]["Totales"].update(MntNeto=3000, IVA=570, MntTotal=3570)
    wire = to_openfactura_dte(data)
    assert str(wire["Detalle"][0]["QtyItem"]) == "1.5"
    assert document_idempotency_key(wire) == document_idempotency_key(
        {**wire, "Detalle": [{**wire["Detalle"][0], "QtyItem": 1.5}]}
    )


def test_a_quantity_of_absurd_size_in_a_dict_is_refused_naming_its_field() -> None:
    data = _factura_dict()
    data["Detalle"][0]["QtyItem"] = Decimal("1" * 30 + ".5")
    with pytest.raises(DocumentError) as caught:
        build_emission(data)
    assert "Detalle[1].QtyItem" in [str(detail.field) for detail in caught.value.details]


def _export_in_dollars(descuento: str) -> dict[str, Any]:
    document = dte.factura_exportacion(
        emisor=samples.EMISOR,
        receptor={"razon_social": "Jackie Chan", "direccion": "Calle 123, Hong Kong"},
        lines=[{"nombre": "Asesoría", "cantidad": 1, "precio": "100.25"}],
        moneda="DOLAR USA",
        ind_servicio=3,
        descuentos_recargos=[{"TpoMov": "D", "TpoValor": "$", "ValorDR": descuento}],
        fecha=samples.FECHA,
    )
    return to_openfactura_dte(document)


def test_an_export_total_that_differs_in_its_cents_is_named() -> None:
    """Totals were compared as whole numbers: an export of 90.25 dollars was taken for the one
    of 90.75 issued under the same key."""
    sent = _export_in_dollars("10")
    stored = _stored_as_text(_export_in_dollars("9.5"))
    assert identity_differences(sent, _stored_as_text(sent)) == []
    assert identity_differences(sent, stored) == [
        "total (MntTotal) 90.75 there, 90.25 in this call"
    ]


def _key_orders(value: Any, path: str = "dte") -> dict[str, list[str]]:
    """Every mapping's keys, in order, by where it sits."""
    found: dict[str, list[str]] = {}
    if isinstance(value, dict):
        found[path] = list(value)
        for key, held in value.items():
            found.update(_key_orders(held, f"{path}.{key}"))
    elif isinstance(value, list):
        for index, held in enumerate(value):
            found.update(_key_orders(held, f"{path}[{index}]"))
    return found


def test_a_dict_is_sent_with_every_section_in_the_sii_order_as_a_document_is() -> None:
    # Sections added at the end of a line or of the document (as one adds them to an ERP's
    # dict) went in the order given: OpenFactura writes the XML in the order it reads.
    data = _factura_dict()
    data["ManejoMadera"] = {
        "SistemareferenciaMadera": 1,
        "LongitudOrigenMadera": "-72.3537",
        "LatitudOrigenMadera": "-37.4697",
        "CodPlanConaf": "PM-2026-0042",
        "PrdRolOrigen": 7,
        "MnzRolOrigen": 12,
        "ComunaRolOrigen": 8101,
    }
    data["GeoRefEmision"] = {
        "SistemaReferencia": 1,
        "LongitudEmision": "-70.6506",
        "LatitudEmision": "-33.4372",
    }
    data["SubTotInfo"] = [{"LineasDeta": [1], "GlosaSTI": "Todo", "NroSTI": 1}]
    data = {key: data[key] for key in reversed(list(data))}
    line = data["Detalle"][0]
    line["SubDscto"] = [{"ValorDscto": "5", "TipoDscto": "%"}]
    line["OtrMnda"] = {"Moneda": "USD", "PrcOtrMon": "1.5"}
    line["Subcantidad"] = [{"SubCod": "LOTE-1", "SubQty": 1}]
    data["Detalle"][0] = {key: line[key] for key in reversed(list(line))}
    sent = to_openfactura_dte(data)
    expected = to_openfactura_dte(dte.Document.from_sii_dict(data))
    assert _key_orders(sent) == _key_orders(expected)
    assert list(sent) == ["Encabezado", "Detalle", "SubTotInfo", "GeoRefEmision", "ManejoMadera"]
    assert sent["Detalle"][0]["SubDscto"] == [{"TipoDscto": "%", "ValorDscto": "5"}]


@pytest.mark.parametrize("field", ["RUTEmisor", "RUTRecep"])
def test_a_rut_given_as_an_int_is_refused_not_read_with_its_last_digit_as_the_check_digit(
    field: str,
) -> None:
    # 76000018 is a RUT number (76000018-3); read as text, its last digit would make it the
    # RUT 7600001-8, a valid RUT of someone else.
    data = _factura_dict()
    section = "Emisor" if field == "RUTEmisor" else "Receptor"
    data["Encabezado"][section][field] = 76000018
    with pytest.raises(DocumentError) as caught:
        to_openfactura_dte(data)
    (detail,) = [d for d in caught.value.details if d.field == f"{section}.{field}"]
    assert "76000018-3" in detail.issue
    assert "text" in detail.issue


def test_a_dict_without_rut_emisor_is_told_it_is_required() -> None:
    data = _factura_dict()
    del data["Encabezado"]["Emisor"]["RUTEmisor"]
    with pytest.raises(DocumentError) as caught:
        to_openfactura_dte(data)
    assert [str(d) for d in caught.value.details] == ["Emisor.RUTEmisor: required"]


_NEW_YEAR_UTC = dt.datetime(2026, 1, 1, 2, 30, tzinfo=dt.timezone.utc)
"""02:30 UTC on New Year's Day: 23:30 on 31 December 2025 in Chile (UTC-3 in summer)."""


@pytest.mark.parametrize("field", ["FchEmis", "FchVenc"])
def test_a_datetime_in_a_date_field_of_a_dict_is_sent_as_its_day_in_chile(field: str) -> None:
    # As the document models read it (a dict is read into them): never its UTC wall clock.
    data = _factura_dict()
    data["Encabezado"]["IdDoc"][field] = _NEW_YEAR_UTC
    sent = build_emission(data, today=dt.date(2026, 3, 1)).body["dte"]
    assert sent["Encabezado"]["IdDoc"][field] == "2025-12-31"
    assert dte.Document.from_sii_dict(data).to_sii_dict()["Encabezado"]["IdDoc"][field] == (
        "2025-12-31"
    )


def test_an_aware_datetime_in_a_dict_is_sent_in_chilean_local_time_not_stripped_of_its_zone() -> (
    None
):
    data = json.loads(json.dumps(to_openfactura_dte(samples.boleta())))
    ticket = {
        "FolioTicket": "123456",
        "FchGenera": _NEW_YEAR_UTC - dt.timedelta(days=30),
        "NmbEvento": "Concierto",
        "TpoTicket": "GENERAL",
        "CdgEvento": "C01",
        "FchEvento": _NEW_YEAR_UTC,
        "LugarEvento": "Teatro Caupolicán",
        "UbicEvento": "Platea",
        "FilaUbicEvento": "07",
        "AsntoUbicEvento": "012",
    }
    data["Detalle"][0].update(ItemEspectaculo="01", InfoTicket=ticket)
    sent = to_openfactura_dte(data)["Detalle"][0]["InfoTicket"]
    assert sent["FchEvento"] == "2025-12-31T23:30:00"
    assert sent["FchGenera"] == "2025-12-01T23:30:00"
