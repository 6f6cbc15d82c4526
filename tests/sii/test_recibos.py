"""envio_recibos(): the acuse de recibo (Ley 19.983), one signed Recibo per DTE and the signed
EnvioRecibos, schema-valid, every input checked before signing."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import pytest
from lxml import etree

from haulmer.errors import DocumentError, InvalidRutError
from haulmer.pfx import Certificate
from haulmer.sii import Caf, envio_recibos, validate_schema
from haulmer.sii.recibos import DECLARACION
from haulmer.testing.certificates import make_test_certificate

from .answers import (
    ANSWERABLE,
    ANSWERED_AT,
    RECEPTOR,
    envelope_holding_twice,
    issued_to,
    misaddressed_envelope,
    real_received,
    received_envelope,
    sdk_checks,
    signxml_checks,
    texts_at,
    with_a_dte_changed,
    xmlsec1_checks,
)
from .conftest import EMISOR_RUT, REAL_DTES

SII = "{http://www.sii.cl/SiiDte}"
RECIBO = f"{SII}SetRecibos/{SII}Recibo/{SII}DocumentoRecibo/"


@pytest.fixture(scope="module")
def received(issued: dict[int, bytes], certificate: Certificate) -> bytes:
    return received_envelope([issued[t] for t in ANSWERABLE], certificate)


def _recibos(received: bytes, certificate: Certificate, **options: object) -> bytes:
    arguments: dict[str, object] = {
        "certificate": certificate,
        "rut_receptor": RECEPTOR,
        "recinto": "Bodega central, Ñuñoa",
        "timestamp": ANSWERED_AT,
    }
    arguments.update(options)
    return envio_recibos(received, **arguments)  # type: ignore[arg-type]


def test_the_envio_recibos_validates_against_the_sii_schema(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recibos(received, certificate)
    validate_schema(answer)
    assert answer.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<EnvioRecibos ')


def test_each_dte_gets_one_recibo_signed_by_the_certificate_holder(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recibos(received, certificate)
    assert texts_at(answer, RECIBO + f"{SII}TipoDoc") == [str(t) for t in ANSWERABLE]
    assert set(texts_at(answer, RECIBO + f"{SII}RutFirma")) == {str(certificate.holder_rut)}
    assert set(texts_at(answer, RECIBO + f"{SII}RUTRecep")) == {RECEPTOR}
    assert set(texts_at(answer, RECIBO + f"{SII}Recinto")) == {"Bodega central, Ñuñoa"}
    assert set(texts_at(answer, RECIBO + f"{SII}TmstFirmaRecibo")) == {"2026-11-27T12:30:00"}
    caratula = f"{SII}SetRecibos/{SII}Caratula/"
    assert texts_at(answer, caratula + f"{SII}RutResponde") == [RECEPTOR]
    assert texts_at(answer, caratula + f"{SII}RutRecibe") == [EMISOR_RUT]
    assert texts_at(answer, caratula + f"{SII}TmstFirmaEnv") == ["2026-11-27T12:30:00"]


def test_the_declaracion_is_the_text_the_schema_fixes(
    received: bytes, certificate: Certificate
) -> None:
    xsd = resources.files("haulmer.sii").joinpath("schemas", "Recibos_v10.xsd").read_bytes()
    fixed = etree.fromstring(xsd).find(
        ".//{http://www.w3.org/2001/XMLSchema}element[@name='Declaracion']"
    )
    assert fixed is not None
    assert fixed.get("fixed") == DECLARACION
    answer = _recibos(received, certificate)
    assert set(texts_at(answer, RECIBO + f"{SII}Declaracion")) == {fixed.get("fixed")}


def test_every_signature_verifies_with_the_sdk_signxml_and_xmlsec1(
    received: bytes, certificate: Certificate, tmp_path: Path
) -> None:
    answer = _recibos(received, certificate, documentos=[(33, 1), (52, 1)])
    assert sdk_checks(answer) == ["R1T33", "R1T52", "SetDteRecibidos"]
    # signxml checks the first Signature in document order: the first Recibo's.
    assert signxml_checks(answer, certificate).signed_xml.get("ID") == "R1T33"
    xmlsec1_checks(
        answer,
        certificate,
        tmp_path,
        id_attr="SetRecibos",
        xpath="/*/*[local-name()='Signature']",
    )
    for position in (1, 2):
        xmlsec1_checks(
            answer,
            certificate,
            tmp_path,
            id_attr="DocumentoRecibo",
            xpath=f"(//*[local-name()='Recibo'])[{position}]/*[local-name()='Signature']",
        )


def test_tampering_with_a_recibo_breaks_its_signature_and_the_envelope(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recibos(received, certificate)
    tampered = answer.replace(b"<Folio>1</Folio>", b"<Folio>2</Folio>", 1)
    with pytest.raises(AssertionError):
        sdk_checks(tampered)


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_real_dtes_received_are_acknowledged_with_valid_signed_xml(
    path: Path, certificate: Certificate
) -> None:
    received, receptor = real_received(path, certificate)
    answer = _recibos(received, certificate, rut_receptor=receptor)
    validate_schema(answer)
    assert len(sdk_checks(answer)) == 2
    signxml_checks(answer, certificate)


def test_only_the_dtes_named_are_acknowledged(received: bytes, certificate: Certificate) -> None:
    answer = _recibos(received, certificate, documentos={(61, 1), (33, 1)})
    validate_schema(answer)
    assert texts_at(answer, RECIBO + f"{SII}TipoDoc") == ["33", "61"]


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"recinto": ""}, DocumentError, "recinto is required"),
        ({"recinto": "x" * 81}, DocumentError, "recinto has 81 characters, more than the 80"),
        ({"recinto": 5}, TypeError, "recinto must be a str"),
        ({"documentos": [(33, 2)]}, DocumentError, r"names \(33, 2\), which is no"),
        ({"documentos": []}, DocumentError, "documentos is empty"),
        ({"documentos": "33"}, TypeError, "collection of \\(tipo, folio\\)"),
        ({"rut_firma": "13185095-6"}, DocumentError, "rut_firma is 13185095-6 but the cert"),
        ({"rut_firma": "13185095-7"}, InvalidRutError, "rut_firma"),
        ({"rut_receptor": "76555835-2"}, DocumentError, "addressed to 96790240-3"),
        ({"timestamp": dt.datetime(2051, 1, 1)}, DocumentError, "TmstFirmaEnv"),
    ],
)
def test_a_recibo_outside_the_schema_or_the_envelope_is_refused(
    received: bytes,
    certificate: Certificate,
    options: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        _recibos(received, certificate, **options)


def test_a_dte_addressed_to_another_company_is_not_acknowledged(
    certificate: Certificate, cafs: dict[int, Caf], issued: dict[int, bytes]
) -> None:
    stray = issued_to("76555835-2", certificate, cafs, folio=8)
    received = misaddressed_envelope([issued[33], stray], certificate)
    with pytest.raises(DocumentError, match=r"DTE \(33, 8\) is addressed to 76555835-2"):
        _recibos(received, certificate)
    validate_schema(_recibos(received, certificate, documentos=[(33, 1)]))


def test_a_dte_addressed_to_another_company_is_refused_saying_which_to_acknowledge(
    certificate: Certificate, cafs: dict[int, Caf], issued: dict[int, bytes]
) -> None:
    stray = issued_to("76555835-2", certificate, cafs, folio=8)
    received = misaddressed_envelope([stray], certificate)
    with pytest.raises(
        DocumentError,
        match=r"leave it out of documentos \(none of the envelope's DTEs is addressed to "
        r"96790240-3 from its issuer\)",
    ):
        _recibos(received, certificate)


def test_a_certificate_without_rut_needs_rut_firma(received: bytes) -> None:
    anonymous = make_test_certificate(
        rut=None,
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc),
    )
    with pytest.raises(DocumentError, match="rut_firma is required"):
        _recibos(received, anonymous)  # type: ignore[arg-type]
    answer = _recibos(received, anonymous, rut_firma="13185095-6")  # type: ignore[arg-type]
    validate_schema(answer)
    assert set(texts_at(answer, RECIBO + f"{SII}RutFirma")) == {"13185095-6"}


def test_validate_schema_names_the_recibos_schema_when_a_recibo_is_broken(
    received: bytes, certificate: Certificate
) -> None:
    from haulmer.errors import XMLError

    broken = _recibos(received, certificate).replace(b"<Declaracion>El", b"<Declaracion>Un", 1)
    with pytest.raises(XMLError, match=r"EnvioRecibos_v10\.xsd: line 2: .*Declaracion"):
        validate_schema(broken)


def test_a_blank_recinto_is_refused_without_speaking_of_a_rejection(
    received: bytes, certificate: Certificate
) -> None:
    with pytest.raises(DocumentError) as info:
        _recibos(received, certificate, recinto=" ")
    message = str(info.value)
    assert "recinto is required" in message
    assert "rejection" not in message
    assert "where the goods or services were received" in message


@pytest.mark.parametrize("key", [[33, 1], {33: 1}, (33, [1])])
def test_a_dte_named_by_an_unhashable_key_is_refused_saying_how_to_name_it(
    received: bytes, certificate: Certificate, key: object
) -> None:
    with pytest.raises(TypeError, match=r"documentos names .* name a DTE by a \(tipo, folio\)"):
        _recibos(received, certificate, documentos=[key])


def test_a_certificate_that_is_no_loaded_pfx_signs_no_recibo(received: bytes) -> None:
    with pytest.raises(TypeError, match=r"certificate must be a loaded \.pfx"):
        _recibos(received, "certificate.pfx")  # type: ignore[arg-type]


def test_the_contact_is_written_in_the_caratula_of_the_set(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recibos(
        received,
        certificate,
        nmb_contacto="Bodeguero Ñúñez",
        fono_contacto="+56 9 8765 4321",
        mail_contacto="bodega@minera.cl",
    )
    validate_schema(answer)
    assert len(sdk_checks(answer)) == len(ANSWERABLE) + 1
    caratula = f"{SII}SetRecibos/{SII}Caratula/"
    assert texts_at(answer, caratula + f"{SII}NmbContacto") == ["Bodeguero Ñúñez"]
    assert texts_at(answer, caratula + f"{SII}FonoContacto") == ["+56 9 8765 4321"]
    assert texts_at(answer, caratula + f"{SII}MailContacto") == ["bodega@minera.cl"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"nmb_contacto": "x" * 41}, "nmb_contacto has 41 characters, more than the 40"),
        ({"mail_contacto": "bodega"}, "mail_contacto 'bodega' is not an e-mail address"),
        ({"fono_contacto": " "}, "fono_contacto is blank"),
    ],
)
def test_a_contact_outside_the_schema_signs_no_recibo(
    received: bytes, certificate: Certificate, options: dict[str, object], message: str
) -> None:
    with pytest.raises(DocumentError, match=message):
        _recibos(received, certificate, **options)


def test_a_dte_the_envelope_holds_twice_is_acknowledged_once(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    twice = envelope_holding_twice(issued[33], issued[61], certificate)
    answer = _recibos(twice, certificate)
    validate_schema(answer)
    assert texts_at(answer, RECIBO + f"{SII}TipoDoc") == ["33", "61"]
    assert len(sdk_checks(answer)) == 3
    named = _recibos(twice, certificate, documentos=[(33, 1)])
    assert texts_at(named, RECIBO + f"{SII}TipoDoc") == ["33"]


def test_a_recibo_signed_before_the_dte_was_issued_is_refused(
    received: bytes, certificate: Certificate
) -> None:
    day_before = ANSWERED_AT - dt.timedelta(days=1)  # the DTEs' FchEmis is ANSWERED_AT's day
    with pytest.raises(DocumentError, match=r"DTE \(33, 1\) was issued on 2026-11-27") as caught:
        _recibos(received, certificate, timestamp=day_before)
    assert "2026-11-26T12:30:00" in str(caught.value)
    assert [d.field for d in caught.value.details] == ["TmstFirmaRecibo"]
    same_day = ANSWERED_AT.replace(hour=0, minute=0)
    validate_schema(_recibos(received, certificate, timestamp=same_day))


def test_a_dte_whose_signature_does_not_verify_is_not_acknowledged(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    changed = with_a_dte_changed([issued[33], issued[34]], certificate, changed=1)
    with pytest.raises(DocumentError, match=r"leave it out of documentos") as info:
        _recibos(changed, certificate)
    assert "the DTE (34, 1)'s signature does not verify" in str(info.value)
    answer = _recibos(changed, certificate, documentos=[(33, 1)])
    validate_schema(answer)
    assert texts_at(answer, RECIBO + f"{SII}TipoDoc") == ["33"]


def test_an_envelope_whose_rut_emisor_has_a_wrong_check_digit_is_not_acknowledged(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    from .resigning import resign_envelope

    wrong = resign_envelope(
        received_envelope([issued[33]], certificate),
        certificate,
        lambda xml: xml.replace(
            f"<RutEmisor>{EMISOR_RUT}</RutEmisor>".encode(), b"<RutEmisor>76086428-4</RutEmisor>", 1
        ),
    )
    with pytest.raises(DocumentError, match="RutEmisor 76086428-4"):
        _recibos(wrong, certificate)
