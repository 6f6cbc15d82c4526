"""The timbre against its document: a DD that no longer says what the document says, or whose CAF
does not cover it, fails verify even when the document's XMLDSig signature is valid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from haulmer.errors import DocumentError
from haulmer.pfx import Certificate
from haulmer.sii import Caf, verify
from haulmer.sii._xml import DSIG_NS, SII_NS, c14n_inclusive, parse_xml
from haulmer.sii.signature import signature_xml
from haulmer.sii.ted import TimbreData, stamp, stamped_forms
from haulmer.testing.caf import make_test_caf

from .conftest import EMISOR_RUT, REAL_DTES, SIGNED_AT

SII = f"{{{SII_NS}}}"
Edit = Callable[[etree._Element], None]


def _resigned(xml: bytes, edit: Edit, certificate: Certificate) -> bytes:
    """``xml`` with its Documento edited and signed again: the XMLDSig is valid, the TED is not
    touched."""
    root = parse_xml(xml)
    documento = root[0]
    edit(documento)
    old_signature = root.find(f"{{{DSIG_NS}}}Signature")
    assert old_signature is not None
    root.remove(old_signature)
    signature = signature_xml(c14n_inclusive(documento), documento.get("ID") or "", certificate)
    root.append(etree.fromstring(signature))
    serialized = etree.tostring(root, xml_declaration=True, encoding="ISO-8859-1")
    assert isinstance(serialized, bytes)
    return serialized


def _find(documento: etree._Element, path: str) -> etree._Element:
    """The element at ``path`` (slash-separated SII names) under ``documento``."""
    node = documento.find("/".join(SII + name for name in path.split("/")))
    assert node is not None, path
    return node


def _setter(path: str, value: str) -> Edit:
    def edit(documento: etree._Element) -> None:
        _find(documento, path).text = value

    return edit


def _failures(xml: bytes) -> list[tuple[str, str]]:
    return [(f.check, f.reason) for f in verify(xml).failures]


def test_an_issued_document_re_signed_untouched_still_verifies(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    result = verify(_resigned(issued[33], lambda _: None, certificate))
    assert result.ok, str(result)


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (
            "Encabezado/Receptor/RUTRecep",
            "96874030-K",
            "DD/RR is '96790240-3' but the document's RUTRecep is '96874030-K'",
        ),
        ("Encabezado/IdDoc/Folio", "2", "DD/F is '1' but the document says '2'"),
        (
            "Encabezado/Totales/MntTotal",
            "8593",
            "DD/MNT is '8592' but the document's MntTotal is '8593'",
        ),
        (
            "Detalle/NmbItem",
            "Serrucho",
            "DD/IT1 is 'Martillo N°1 & \\'clavos\\' \"Ñ\"' but the first NmbItem, cut to 40, "
            "is 'Serrucho'",
        ),
        (
            "Encabezado/Receptor/RznSocRecep",
            "Minera Escondida",
            "DD/RSR is 'Minera Los Pelambres & Cía. \"Ltda\" con u' but RznSocRecep, cut to 40, "
            "is 'Minera Escondida'",
        ),
        (
            "Encabezado/IdDoc/FchEmis",
            "2026-11-26",
            "DD/FE is '2026-11-27' but the document says '2026-11-26'",
        ),
    ],
    ids=["RUTRecep", "Folio", "MntTotal", "NmbItem", "RznSocRecep", "FchEmis"],
)
def test_a_field_changed_and_re_signed_no_longer_matches_the_timbre(
    issued: dict[int, bytes], certificate: Certificate, path: str, value: str, reason: str
) -> None:
    tampered = _resigned(issued[33], _setter(path, value), certificate)
    result = verify(tampered)
    assert "signature DTE F1T33" in result.passed  # the XMLDSig holds; only the timbre objects
    assert _failures(tampered) == [("ted", reason)]


def test_a_dd_with_a_character_outside_iso_8859_1_names_it(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    tampered = _resigned(
        issued[33], _setter("TED/DD/IT1", "Clavos \u201cpremium\u201d"), certificate
    )
    reasons = [reason for check, reason in _failures(tampered) if check == "ted"]
    assert (
        "FRMT cannot verify: the DD holds '\u201c' (U+201C), a character outside ISO-8859-1, "
        "which a timbre's signed bytes cannot carry"
    ) in reasons


def test_the_total_is_compared_as_a_number(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    tampered = _resigned(issued[33], _setter("Encabezado/Totales/MntTotal", "8592.00"), certificate)
    assert verify(tampered).ok


def test_the_receptor_is_compared_as_a_rut_not_as_text(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    edit = _setter("Encabezado/Receptor/RUTRecep", "096790240-3")
    assert verify(_resigned(issued[33], edit, certificate)).ok


def test_whitespace_around_the_razon_social_and_item_is_not_a_mismatch(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    # The timbre holds them trimmed (our stamping and the SII's), so padding in the document is
    # not a disagreement.
    def pad(documento: etree._Element) -> None:
        for tag in ("Encabezado/Receptor/RznSocRecep", "Detalle/NmbItem"):
            node = _find(documento, tag)
            node.text = f"\n   {node.text}  "

    assert verify(_resigned(issued[33], pad, certificate)).ok


def test_only_the_first_item_is_compared(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    def rename_second(documento: etree._Element) -> None:
        _find(documento.findall(f"{SII}Detalle")[1], "NmbItem").text = "Serrucho"

    assert verify(_resigned(issued[33], rename_second, certificate)).ok


def test_a_boleta_without_receptor_agrees_with_the_generic_rr(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    def drop_receptor(documento: etree._Element) -> None:
        _find(documento, "Encabezado").remove(_find(documento, "Encabezado/Receptor"))

    assert verify(_resigned(issued[39], drop_receptor, certificate)).ok


def test_a_factura_without_receptor_rut_is_reported(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    def drop_rut(documento: etree._Element) -> None:
        receptor = _find(documento, "Encabezado/Receptor")
        receptor.remove(_find(receptor, "RUTRecep"))

    tampered = _resigned(issued[33], drop_rut, certificate)
    assert _failures(tampered) == [
        ("ted", "DD/RR is '96790240-3' but the document has no RUTRecep")
    ]


def test_an_export_rr_of_55555555_5_agrees_with_its_receptor(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    # Exports are stamped RR 55555555-5 whatever identifies the foreign receptor.
    edit = _setter("Encabezado/Receptor/RUTRecep", "96874030-K")
    exportacion = _resigned(issued[110], edit, certificate)
    assert verify(exportacion).ok, str(verify(exportacion))


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_real_documents_timbre_agrees_with_the_document(path: Path) -> None:
    # The four real documents hold exactly the document's texts in their DD (no whitespace or
    # case differences), so they pass the same comparison as ours.
    result = verify(path.read_bytes())
    assert result.ok, str(result)
    assert any(check.startswith("ted ") for check in result.passed)


def _restamped(xml: bytes, caf: Caf, certificate: Certificate) -> bytes:
    """``xml`` with a valid timbre for its own data made with ``caf``, and signed again; the CAF
    is not checked (``stamped_forms``), as a producer that does not check it would stamp."""
    dd = parse_xml(xml).find(f"{SII}Documento/{SII}TED/{SII}DD")
    assert dd is not None

    def text(tag: str) -> str:
        value = dd.findtext(SII + tag)
        assert value is not None
        return value

    data = TimbreData(
        rut_emisor=text("RE"),
        dte_type=int(text("TD")),
        folio=int(text("F")),
        fecha_emision=dt.date.fromisoformat(text("FE")),
        rut_receptor=text("RR"),
        razon_social_receptor=text("RSR"),
        monto_total=int(Decimal(text("MNT"))),
        primer_item=text("IT1"),
    )
    ted_text = stamped_forms(data, caf, timestamp=SIGNED_AT)[0].replace(
        "<TED ", f'<TED xmlns="{SII_NS}" ', 1
    )

    def replace_ted(documento: etree._Element) -> None:
        old = documento.find(f"{SII}TED")
        assert old is not None
        new = etree.fromstring(ted_text)
        new.tail = old.tail
        documento.replace(old, new)

    return _resigned(xml, replace_ted, certificate)


def _caf(*, rut: str = EMISOR_RUT, dte_type: int = 33, folios: tuple[int, int] = (1, 100)) -> Caf:
    return make_test_caf(
        rut=rut,
        razon_social="Comercial Ñandú & Hijos Ltda.",
        dte_type=dte_type,
        folio_from=folios[0],
        folio_to=folios[1],
        issued_on=dt.date(2026, 11, 1),
    )


def test_a_timbre_restamped_with_a_fitting_caf_verifies(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    assert verify(_restamped(issued[33], _caf(), certificate)).ok


@pytest.mark.parametrize(
    ("make_caf", "reason"),
    [
        (lambda: _caf(dte_type=34), "DD/TD '33' is not the CAF's type 34"),
        (lambda: _caf(folios=(101, 200)), "folio '1' is outside the CAF range 101..200"),
        (lambda: _caf(rut="96790240-3"), "DD/RE '76086428-5' is not the CAF's issuer 96790240-3"),
    ],
    ids=["another-type", "another-folio-range", "another-issuer"],
)
def test_a_timbre_validly_signed_with_a_caf_that_does_not_cover_the_document_is_reported(
    issued: dict[int, bytes],
    certificate: Certificate,
    make_caf: Callable[[], Caf],
    reason: str,
) -> None:
    tampered = _restamped(issued[33], make_caf(), certificate)
    result = verify(tampered)
    assert "signature DTE F1T33" in result.passed
    assert _failures(tampered) == [("ted", reason)]


def test_an_aware_timestamp_is_stamped_as_chilean_local_time_not_stripped_of_its_zone(
    issued: dict[int, bytes],
) -> None:
    data = TimbreData(
        rut_emisor=EMISOR_RUT,
        dte_type=33,
        folio=1,
        fecha_emision=dt.date(2026, 11, 27),
        rut_receptor="60803000-K",
        razon_social_receptor="SII",
        monto_total=1190,
        primer_item="Item",
    )
    at_noon_utc = dt.datetime(2026, 11, 27, 13, 30, 0, 500, tzinfo=dt.timezone.utc)
    assert "<TSTED>2026-11-27T10:30:00</TSTED>" in stamp(data, _caf(), timestamp=at_noon_utc)


@pytest.mark.parametrize(
    ("written", "stamped_on"),
    [("2026-11-01T02:00:00Z", "2026-10-31"), ("2026-11-01T01:30:00.5+01:00", "2026-10-31")],
)
def test_a_tsted_with_an_offset_is_judged_against_the_caf_on_its_day_in_chile(
    issued: dict[int, bytes],
    certificate: Certificate,
    monkeypatch: pytest.MonkeyPatch,
    written: str,
    stamped_on: str,
) -> None:
    import haulmer.sii.ted as ted

    monkeypatch.setattr(ted, "_format_timestamp", lambda when: written)
    restamped = _restamped(issued[33], _caf(), certificate)
    assert f"<TSTED>{written}</TSTED>".encode() in restamped
    assert _failures(restamped) == [
        ("ted", f"stamped on {stamped_on}, before the CAF was authorized on 2026-11-01")
    ]


def _timbre_data(**changes: object) -> TimbreData:
    data = TimbreData(
        rut_emisor=EMISOR_RUT,
        dte_type=33,
        folio=1,
        fecha_emision=dt.date(2026, 11, 27),
        rut_receptor="60803000-K",
        razon_social_receptor="SII",
        monto_total=1190,
        primer_item="Item",
    )
    return data._replace(**changes)


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"folio": 101}, "Folio: 101 is outside the CAF range 1..100"),
        ({"dte_type": 34}, "TipoDTE: is 34 but the CAF authorizes 33"),
        ({"rut_emisor": "96790240-3"}, "RUTEmisor: is 96790240-3 but the CAF is for 76086428-5"),
    ],
    ids=["folio-outside-the-range", "another-type", "another-issuer"],
)
def test_stamp_refuses_a_caf_that_does_not_cover_the_timbre(
    changes: dict[str, object], named: str
) -> None:
    with pytest.raises(DocumentError, match="the CAF cannot stamp this document") as info:
        stamp(_timbre_data(**changes), _caf(), timestamp=SIGNED_AT)
    assert named in str(info.value)


def test_stamp_refuses_a_timbre_dated_outside_the_caf_s_validity() -> None:
    with pytest.raises(DocumentError, match="after the timbre's date 2026-10-31"):
        stamp(_timbre_data(), _caf(), timestamp=dt.datetime(2026, 10, 31, 12))
    with pytest.raises(DocumentError, match="expired on 2027-05-01"):
        stamp(_timbre_data(), _caf(), timestamp=dt.datetime(2027, 5, 2, 12))


@pytest.mark.parametrize(
    ("changes", "field", "told"),
    [
        ({"razon_social_receptor": "Café €uro"}, "RSR", "'€' (U+20AC)"),
        ({"primer_item": "Martillo \u201cpro\u201d"}, "IT1", "'\u201c' (U+201C)"),
        ({"primer_item": "Martillo\x01"}, "IT1", "U+0001"),
        ({"razon_social_receptor": "Caf\x0bé"}, "RSR", "U+000B"),
        ({"monto_total": -5}, "MNT", "-5"),
    ],
    ids=["euro-in-rsr", "curly-quote-in-it1", "control-in-it1", "control-in-rsr", "negative"],
)
def test_stamp_refuses_what_no_timbre_can_carry_naming_the_field(
    changes: dict[str, object], field: str, told: str
) -> None:
    with pytest.raises(DocumentError) as info:
        stamp(_timbre_data(**changes), _caf(), timestamp=SIGNED_AT)
    assert f"DD/{field}" in str(info.value)
    assert told in str(info.value)
    assert info.value.details[0].field == f"DD/{field}"


def test_stamp_refuses_an_issue_date_that_is_no_day() -> None:
    for fecha in (dt.datetime(2026, 11, 27, 10, 30), "2026-11-27"):
        with pytest.raises(TypeError, match=r"fecha_emision must be a datetime\.date"):
            stamp(_timbre_data(fecha_emision=fecha), _caf(), timestamp=SIGNED_AT)


def test_stamp_refuses_a_fe_after_the_day_of_tsted() -> None:
    caf = make_test_caf(
        rut=EMISOR_RUT, razon_social="X", dte_type=33, issued_on=dt.date(2026, 11, 1)
    )
    data = TimbreData(EMISOR_RUT, 33, 1, dt.date(2026, 11, 28), "66666666-6", "R", 100, "Item")
    with pytest.raises(DocumentError, match="after the day it is stamped") as info:
        stamp(data, caf, timestamp=SIGNED_AT)
    assert [d.field for d in info.value.details] == ["IdDoc.FchEmis"]
    assert "<FE>2026-11-28</FE>" in stamp(data, caf, timestamp=dt.datetime(2026, 11, 28, 8))


@pytest.mark.parametrize("total", [1190.0, True, "1190", None])
def test_stamp_refuses_a_total_that_is_no_int_or_decimal_before_signing(total: object) -> None:
    # MNT would be written as "1190.0" or "True": a timbre no schema takes, signed all the same.
    caf = make_test_caf(
        rut=EMISOR_RUT, razon_social="X", dte_type=33, issued_on=dt.date(2026, 11, 1)
    )
    data = TimbreData(EMISOR_RUT, 33, 1, dt.date(2026, 11, 27), "66666666-6", "R", total, "I")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="monto_total must be an int"):
        stamp(data, caf, timestamp=SIGNED_AT)


@pytest.mark.parametrize("total", [Decimal("NaN"), Decimal("Infinity"), Decimal("sNaN")])
def test_stamp_refuses_a_total_that_is_no_finite_amount_naming_mnt(total: Decimal) -> None:
    caf = make_test_caf(
        rut=EMISOR_RUT, razon_social="X", dte_type=33, issued_on=dt.date(2026, 11, 1)
    )
    data = TimbreData(EMISOR_RUT, 33, 1, dt.date(2026, 11, 27), "66666666-6", "R", total, "I")
    with pytest.raises(DocumentError, match="DD/MNT") as info:
        stamp(data, caf, timestamp=SIGNED_AT)
    assert [d.field for d in info.value.details] == ["DD/MNT"]


def test_stamp_refuses_a_receptor_rut_that_is_no_text() -> None:
    caf = make_test_caf(
        rut=EMISOR_RUT, razon_social="X", dte_type=33, issued_on=dt.date(2026, 11, 1)
    )
    data = TimbreData(EMISOR_RUT, 33, 1, dt.date(2026, 11, 27), 66666666, "R", 5, "I")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rut_receptor must be a str"):
        stamp(data, caf, timestamp=SIGNED_AT)
