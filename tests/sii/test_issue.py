"""issue(): every supported type renders, stamps and signs into a document the SII would take."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from built_documents import built_documents
from haulmer.dte.catalogue import DTEType
from haulmer.dte.document import Document
from haulmer.errors import CertificateError, DocumentError
from haulmer.pfx import Certificate
from haulmer.sii import Caf, issue, parse, validate_schema, verify
from haulmer.sii._xml import parse_xml
from haulmer.testing.caf import make_test_caf
from haulmer.testing.certificates import make_test_certificate
from signers import xmlsec1_verify

from .conftest import EMISOR_RUT, SIGNED_AT, SUPPORTED_TYPES, document_dict, make_document

SII = "{http://www.sii.cl/SiiDte}"
DSIG = "{http://www.w3.org/2000/09/xmldsig#}"


@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_issued_document_validates_against_the_bundled_xsd(
    issued: dict[int, bytes], tipo: int
) -> None:
    validate_schema(issued[tipo])


@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_issued_document_signature_verifies_with_xmlsec1(
    issued: dict[int, bytes], certificate: Certificate, tipo: int, tmp_path: Path
) -> None:
    root = DTEType(tipo).xml_root  # Documento, or Exportaciones for 110/111/112
    result = xmlsec1_verify(
        issued[tipo], tmp_path, id_attr=root, certificate_pem=certificate.certificate_pem
    )
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout + result.stderr


@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_issued_document_parses_back_to_the_same_model(issued: dict[int, bytes], tipo: int) -> None:
    assert parse(issued[tipo]) == make_document(tipo).completed()


@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_issued_document_passes_verify_with_test_cafs_allowed(
    issued: dict[int, bytes], tipo: int
) -> None:
    result = verify(issued[tipo], check_caf=True, allow_test_cafs=True)
    assert result.ok, str(result)
    assert result.passed == (f"signature DTE F1T{tipo}", f"ted DTE F1T{tipo}", f"caf DTE F1T{tipo}")


def test_xmlsec1_rejects_an_issued_document_with_a_flipped_amount(
    issued: dict[int, bytes], certificate: Certificate, tmp_path: Path
) -> None:
    tampered = issued[33].replace(b"<MontoItem>1190</MontoItem>", b"<MontoItem>1191</MontoItem>")
    assert tampered != issued[33]
    result = xmlsec1_verify(
        tampered, tmp_path, id_attr="Documento", certificate_pem=certificate.certificate_pem
    )
    assert result.returncode != 0


def test_signature_follows_the_sii_profile(issued: dict[int, bytes]) -> None:
    root = parse_xml(issued[33])
    assert root.tag == f"{SII}DTE"
    assert root.get("version") == "1.0"
    assert [child.tag for child in root] == [f"{SII}Documento", f"{DSIG}Signature"]
    signature = root[1]
    signed_info = signature.find(f"{DSIG}SignedInfo")
    assert signed_info is not None
    assert signed_info.find(f"{DSIG}CanonicalizationMethod").get("Algorithm") == (
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    )
    assert signed_info.find(f"{DSIG}SignatureMethod").get("Algorithm") == (
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
    )
    references = signed_info.findall(f"{DSIG}Reference")
    assert len(references) == 1
    assert references[0].get("URI") == "#F1T33"
    key_info = signature.find(f"{DSIG}KeyInfo")
    assert [child.tag for child in key_info] == [f"{DSIG}KeyValue", f"{DSIG}X509Data"]


def test_document_is_iso_8859_1_with_sii_escaping(issued: dict[int, bytes]) -> None:
    xml = issued[33]
    assert xml.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    # Ñ is one ISO-8859-1 byte, never a character reference; quotes are entities in text.
    assert "Ñandú".encode("iso-8859-1") in xml
    assert b"&#" not in xml
    assert b"&amp; Hijos &quot;El \xd1ato&quot;" in xml
    assert b"O&apos;Higgins" in xml


def test_timbre_cuts_rsr_and_it1_to_40_characters(issued: dict[int, bytes]) -> None:
    dd = parse_xml(issued[33]).find(f"{SII}Documento/{SII}TED/{SII}DD")
    assert dd is not None
    rsr, it1 = dd.findtext(f"{SII}RSR"), dd.findtext(f"{SII}IT1")
    assert rsr == 'Minera Los Pelambres & Cía. "Ltda" con u'
    assert len(rsr) == 40
    assert it1 == "Martillo N°1 & 'clavos' \"Ñ\""
    assert dd.findtext(f"{SII}TSTED") == SIGNED_AT.isoformat()


def test_timbre_copies_the_caf_verbatim(issued: dict[int, bytes], cafs: dict[int, Caf]) -> None:
    caf_in_dd = parse_xml(issued[33]).find(f"{SII}Documento/{SII}TED/{SII}DD/{SII}CAF")
    assert caf_in_dd is not None
    assert Caf.from_element(caf_in_dd).to_xml() == cafs[33].to_xml()


def test_aware_timestamps_are_written_in_chilean_time(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    utc = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.timezone.utc)  # summer time: UTC-3
    xml = issue(make_document(33), caf=cafs[33], certificate=certificate, timestamp=utc)
    assert b"<TmstFirma>2026-11-27T12:00:00</TmstFirma>" in xml


def test_folio_argument_assigns_the_folio(certificate: Certificate, cafs: dict[int, Caf]) -> None:
    xml = issue(
        make_document(33, folio=0),
        caf=cafs[33],
        certificate=certificate,
        folio=42,
        timestamp=SIGNED_AT,
    )
    assert parse(xml).folio == 42
    assert b'ID="F42T33"' in xml


def test_folio_outside_the_caf_range_is_refused(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    with pytest.raises(DocumentError, match=r"outside the CAF range 1\.\.100") as info:
        issue(make_document(33, folio=101), caf=cafs[33], certificate=certificate)
    assert [d.field for d in info.value.details] == ["Folio"]


def test_caf_of_another_type_is_refused(certificate: Certificate, cafs: dict[int, Caf]) -> None:
    with pytest.raises(DocumentError, match="the CAF authorizes 34"):
        issue(make_document(33), caf=cafs[34], certificate=certificate)


def test_caf_of_another_issuer_is_refused(certificate: Certificate) -> None:
    caf = make_test_caf(rut="96790240-3", razon_social="Otra", dte_type=33)
    with pytest.raises(DocumentError, match="RUTEmisor"):
        issue(make_document(33), caf=caf, certificate=certificate)


def test_public_caf_without_rsask_cannot_stamp(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    public_only = Caf.from_xml(cafs[33].to_xml())
    with pytest.raises(DocumentError, match="no private key"):
        issue(make_document(33), caf=public_only, certificate=certificate)


def test_expired_certificate_cannot_sign(cafs: dict[int, Caf]) -> None:
    old = make_test_certificate(
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc),
    )
    with pytest.raises(CertificateError) as info:
        issue(make_document(33), caf=cafs[33], certificate=old, timestamp=SIGNED_AT)
    assert info.value.reason == "expired"


class _SmallKeySigner:
    """A signer of its own kind (an HSM's) whose key has 512 bits: it signs as asked."""

    def __init__(self, certificate: Certificate) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        p, q, e = _PRIME_P, _PRIME_Q, 65537
        d = pow(e, -1, (p - 1) * (q - 1))
        self._key = rsa.RSAPrivateNumbers(
            p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p), rsa.RSAPublicNumbers(e, p * q)
        ).private_key()
        self.certificate_der = certificate.certificate_der
        self.public_key = self._key.public_key()
        self._certificate = certificate

    def sign_sha1(self, data: bytes) -> bytes:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        return self._key.sign(data, padding.PKCS1v15(), hashes.SHA1())

    def is_valid_at(self, when: dt.datetime) -> bool:
        return self._certificate.is_valid_at(when)


_PRIME_P = 2**256 - 189
_PRIME_Q = 2**256 - 357
"""Two 256-bit primes: a 512-bit modulus."""


def test_a_signer_with_a_512_bit_key_is_refused(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    signer = _SmallKeySigner(certificate)
    assert signer.public_key.key_size == 512
    with pytest.raises(CertificateError, match="512-bit") as info:
        issue(make_document(33), caf=cafs[33], certificate=signer, timestamp=SIGNED_AT)  # type: ignore[arg-type]
    assert info.value.reason == "key_too_small"


def test_text_outside_iso_8859_1_is_refused_with_its_field(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    from haulmer.dte.document import Document

    from .conftest import document_dict

    data = document_dict(33)
    data["Detalle"][1]["NmbItem"] = "Taza \u2615"
    with pytest.raises(DocumentError) as info:
        issue(Document.from_sii_dict(data), caf=cafs[33], certificate=certificate)
    assert [d.field for d in info.value.details] == ["Detalle[2].NmbItem"]


def test_a_c1_control_character_is_refused_by_issue_of_an_unchecked_document(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    """issue() of a Document read with from_sii_dict (never check()ed) wrote a C1 control
    character (a Windows-1252 quote read as ISO-8859-1) into the signed XML."""
    data = document_dict(33)
    data["Detalle"][1]["NmbItem"] = "Caf\x82 \x93molido\x94"
    with pytest.raises(DocumentError) as info:
        issue(
            Document.from_sii_dict(data), caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT
        )
    assert [d.field for d in info.value.details] == ["Detalle[2].NmbItem"]
    assert "U+0082" in info.value.details[0].issue


def test_a_decomposed_accent_is_refused_saying_how_to_compose_it(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    from haulmer.dte.document import Document

    from .conftest import document_dict

    data = document_dict(33)
    data["Detalle"][1]["NmbItem"] = "Cafe\u0301 de grano"  # macOS writes é as e + U+0301
    with pytest.raises(DocumentError) as info:
        issue(Document.from_sii_dict(data), caf=cafs[33], certificate=certificate)
    assert [d.field for d in info.value.details] == ["Detalle[2].NmbItem"]
    assert "unicodedata.normalize('NFC', text)" in str(info.value)
    assert "'e' followed by U+0301 as 'é' (U+00E9)" in str(info.value)
    data["Detalle"][1]["NmbItem"] = unicodedata.normalize("NFC", data["Detalle"][1]["NmbItem"])
    issue(Document.from_sii_dict(data), caf=cafs[33], certificate=certificate)


@pytest.mark.parametrize("given", [None, "firma.pfx", b"0\x82\x01", 42])
def test_a_certificate_that_is_no_loaded_pfx_is_refused_saying_how_to_load_it(
    cafs: dict[int, Caf], given: object
) -> None:
    with pytest.raises(TypeError, match=r"haulmer\.pfx\.load_pfx\(path_or_bytes, password\)"):
        issue(make_document(33), caf=cafs[33], certificate=given, timestamp=SIGNED_AT)  # type: ignore[arg-type]


def test_invalid_document_is_refused_before_stamping(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    from haulmer.dte.document import Document

    from .conftest import document_dict

    data = document_dict(61)
    del data["Referencia"]
    with pytest.raises(DocumentError, match="Referencia"):
        issue(Document.from_sii_dict(data), caf=cafs[61], certificate=certificate)


@pytest.mark.parametrize("tipo", [33, 39, 61])
def test_issued_document_signature_verifies_with_signxml(
    issued: dict[int, bytes], certificate: Certificate, tipo: int
) -> None:
    from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLVerifier

    verifier = XMLVerifier()
    # signxml needs this to work around the same lxml subtree C14N bug (signxml#193, #275).
    verifier.excise_empty_xmlns_declarations = True
    result = verifier.verify(
        issued[tipo],
        x509_cert=certificate.certificate_pem.decode("ascii"),
        expect_config=SignatureConfiguration(
            signature_methods=frozenset({SignatureMethod.RSA_SHA1}),
            digest_algorithms=frozenset({DigestAlgorithm.SHA1}),
        ),
        ignore_ambiguous_key_info=True,
        id_attribute="ID",
    )
    assert result.signed_xml is not None
    assert result.signed_xml.get("ID") == f"F1T{tipo}"


def test_a_caf_past_its_six_months_cannot_stamp(certificate: Certificate) -> None:
    caf = make_test_caf(
        rut=EMISOR_RUT, razon_social="X", dte_type=33, issued_on=dt.date(2026, 5, 26)
    )
    assert caf.expires_on == dt.date(2026, 11, 26)
    with pytest.raises(DocumentError, match="expired on 2026-11-26") as info:
        issue(make_document(33), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    assert [d.field for d in info.value.details] == ["caf"]
    on_time = dt.datetime(2026, 11, 26, 23, 59)
    dated_that_day = _dated(33, "2026-11-26")
    assert issue(dated_that_day, caf=caf, certificate=certificate, timestamp=on_time)


@pytest.mark.parametrize("tipo", [33, 39, 52])
def test_a_caf_authorized_after_the_timbres_date_cannot_stamp(
    certificate: Certificate, tipo: int
) -> None:
    # FA is the day the SII authorized the folios: a timbre dated before it (a wrong clock, an
    # old timestamp) stamps a folio that did not exist yet, whatever the type's expiry rule.
    caf = make_test_caf(
        rut=EMISOR_RUT, razon_social="X", dte_type=tipo, issued_on=dt.date(2026, 11, 28)
    )
    with pytest.raises(DocumentError, match="authorized on 2026-11-28, after the timbre") as e:
        issue(make_document(tipo), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    assert [d.field for d in e.value.details] == ["caf"]
    same_day = dt.datetime(2026, 11, 28, 0, 0, 1)
    assert issue(make_document(tipo), caf=caf, certificate=certificate, timestamp=same_day)


def _certificate_valid_1990_to_2070() -> Certificate:
    return make_test_certificate(
        not_before=dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2070, 1, 1, tzinfo=dt.timezone.utc),
    )


@pytest.mark.parametrize("tipo", [34, 39, 52, 110])
@pytest.mark.parametrize(
    "timestamp", [dt.datetime(2051, 1, 1, 10), dt.datetime(1999, 12, 31, 23, 59, 59)]
)
def test_a_timestamp_the_sii_schema_cannot_carry_is_refused_before_signing(
    cafs: dict[int, Caf], tipo: int, timestamp: dt.datetime
) -> None:
    # FechaHoraType (TSTED, TmstFirma) runs from 2000 to 2050: a document stamped outside it
    # fails the SII's schema.
    with pytest.raises(DocumentError, match=r"outside what the SII's schema allows in TSTED") as e:
        issue(
            make_document(tipo),
            caf=cafs[tipo],
            certificate=_certificate_valid_1990_to_2070(),
            timestamp=timestamp,
        )
    assert [d.field for d in e.value.details] == ["TSTED"]


@pytest.mark.parametrize(
    "timestamp",
    [
        dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc),
        dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-12))),
    ],
    ids=["year-1-utc", "year-9999-utc-12"],
)
def test_an_aware_timestamp_past_the_years_of_a_datetime_in_chile_is_refused_as_any_other(
    cafs: dict[int, Caf], timestamp: dt.datetime
) -> None:
    # In Chilean time these fall outside the years a datetime holds: an untyped OverflowError
    # came out of issue() where a naive year 1 gets a DocumentError.
    with pytest.raises(DocumentError, match=r"outside what the SII's schema allows in TSTED") as e:
        issue(
            make_document(34),
            caf=cafs[34],
            certificate=_certificate_valid_1990_to_2070(),
            timestamp=timestamp,
        )
    assert [d.field for d in e.value.details] == ["TSTED"]


def test_the_last_second_the_schema_allows_is_taken(cafs: dict[int, Caf]) -> None:
    xml = issue(
        make_document(34),
        caf=cafs[34],
        certificate=_certificate_valid_1990_to_2070(),
        timestamp=dt.datetime(2050, 12, 31, 23, 59, 59),
    )
    validate_schema(xml)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"timestamp": "2026-11-27T10:30:00"}, "timestamp must be a datetime.datetime"),
        ({"timestamp": dt.date(2026, 11, 27)}, "timestamp must be a datetime.datetime"),
        ({"caf": b"<AUTORIZACION/>"}, r"caf must be a haulmer\.sii\.Caf"),
        ({"folio": "7"}, "folio must be an int"),
    ],
)
def test_arguments_of_the_wrong_type_are_named_in_a_type_error(
    certificate: Certificate, cafs: dict[int, Caf], arguments: dict[str, object], named: str
) -> None:
    given: dict[str, object] = {"caf": cafs[33], "timestamp": SIGNED_AT, **arguments}
    with pytest.raises(TypeError, match=named):
        issue(make_document(33), certificate=certificate, **given)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(built_documents())
def test_property_an_issued_document_parses_back_to_what_was_built(
    certificate: Certificate, cafs: dict[int, Caf], document: Document
) -> None:
    xml = issue(document, caf=cafs[document.tipo_dte], certificate=certificate, timestamp=SIGNED_AT)
    assert parse(xml) == document.completed()


def test_text_with_blanks_around_it_is_issued_trimmed_as_the_timbre_holds_it(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    data = document_dict(33)
    data["Detalle"][0]["NmbItem"] = "  spaced  "
    data["Encabezado"]["Receptor"]["GiroRecep"] = " Minería\t"
    data["Encabezado"]["Receptor"]["Contacto"] = "   "
    document = Document.model_validate(data)
    xml = issue(document, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    assert b"<NmbItem>spaced</NmbItem>" in xml
    assert b"<IT1>spaced</IT1>" in xml
    assert "<GiroRecep>Minería</GiroRecep>".encode("latin-1") in xml
    assert b"<Contacto" not in xml
    assert parse(xml) == document.completed()


def test_an_optional_section_with_no_value_is_issued_as_none_and_parses_back(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    data = document_dict(52)
    encabezado = data["Encabezado"]
    encabezado["Transporte"] = {"Patente": "  ", "Aduana": {}}
    encabezado["Receptor"]["Extranjero"] = {}
    encabezado["Emisor"]["GuiaExport"] = {"FchAut": None}
    document = Document.model_validate(data)
    xml = issue(document, caf=cafs[52], certificate=certificate, timestamp=SIGNED_AT)
    for name in (b"Transporte", b"Aduana", b"Extranjero", b"GuiaExport"):
        assert b"<" + name not in xml
    assert parse(xml) == document.completed()


def test_an_export_package_with_no_value_is_no_package(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    data = document_dict(110)
    aduana = data["Encabezado"]["Transporte"]["Aduana"]
    aduana["TipoBultos"] = [{}, *aduana["TipoBultos"], {"Marcas": " "}]
    document = Document.model_validate(data)
    xml = issue(document, caf=cafs[110], certificate=certificate, timestamp=SIGNED_AT)
    assert xml.count(b"<TipoBultos>") == 1
    assert parse(xml) == document.completed()


def test_an_exports_whole_amounts_parse_back_as_decimal(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    data = document_dict(110, lines=1)
    line = data["Detalle"][0]
    line.update(PrcItem=Decimal(12), MontoItem=Decimal(12))
    data["Encabezado"]["Totales"].update(MntExe=Decimal(12), MntTotal=Decimal(12))
    data["Encabezado"]["Transporte"]["Aduana"]["TotClauVenta"] = Decimal(12)
    data["Encabezado"]["OtraMoneda"].update(MntExeOtrMnda=11403, MntTotOtrMnda=11403)
    document = Document.model_validate(data)
    xml = issue(document, caf=cafs[110], certificate=certificate, timestamp=SIGNED_AT)
    assert b"<MntTotal>12</MntTotal>" in xml
    parsed = parse(xml)
    assert parsed.model_dump(mode="json") == document.completed().model_dump(mode="json")
    assert isinstance(parsed.detalle[0].monto_item, Decimal)


def _dated(tipo: int, fecha: str) -> Document:
    data = document_dict(tipo)
    data["Encabezado"]["IdDoc"]["FchEmis"] = fecha
    return Document.from_sii_dict(data)


@pytest.mark.parametrize("tipo", [33, 39])
def test_a_document_dated_after_the_timbres_day_is_refused_before_signing(
    certificate: Certificate, cafs: dict[int, Caf], tipo: int
) -> None:
    # The SII refuses a DTE dated after it receives it, as emit() does: a timbre stamped on the
    # 27th for a document dated the 28th is one no day of sending can make right.
    with pytest.raises(DocumentError, match="after the day it is stamped") as info:
        issue(
            _dated(tipo, "2026-11-28"), caf=cafs[tipo], certificate=certificate, timestamp=SIGNED_AT
        )
    assert [d.field for d in info.value.details] == ["IdDoc.FchEmis"]
    late_evening = dt.datetime(2026, 11, 28, 0, 0, 1)
    assert issue(
        _dated(tipo, "2026-11-28"), caf=cafs[tipo], certificate=certificate, timestamp=late_evening
    )


def test_a_document_dated_after_today_is_refused_when_stamped_now(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    with pytest.raises(DocumentError, match="2050-12-31 is after the day it is stamped"):
        issue(_dated(33, "2050-12-31"), caf=cafs[33], certificate=certificate)


def test_stamp_and_sign_refuses_a_document_dated_after_the_timbres_day(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    from haulmer.sii.issuing import stamp_and_sign

    sii = _dated(33, "2026-11-28").to_sii_dict()
    with pytest.raises(DocumentError, match="after the day it is stamped") as info:
        stamp_and_sign(sii, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    assert [d.field for d in info.value.details] == ["IdDoc.FchEmis"]


@pytest.mark.parametrize("total", ["NaN", "Infinity", -5])
def test_stamp_and_sign_refuses_a_total_no_timbre_can_carry_naming_mnt(
    certificate: Certificate, cafs: dict[int, Caf], total: object
) -> None:
    # MNT is an unsigned amount: "NaN" and -5 were stamped as they came, "Infinity" raised a
    # bare OverflowError.
    from haulmer.sii.issuing import stamp_and_sign

    sii = make_document(33).to_sii_dict()
    sii["Encabezado"]["Totales"]["MntTotal"] = total
    with pytest.raises(DocumentError, match="DD/MNT") as info:
        stamp_and_sign(sii, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    assert [d.field for d in info.value.details] == ["DD/MNT"]


def test_stamp_and_sign_names_the_values_when_one_is_malformed(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    from haulmer.sii.issuing import stamp_and_sign

    sii = make_document(33).to_sii_dict()
    sii["Encabezado"]["Totales"]["MntTotal"] = "1.190,00"
    with pytest.raises(DocumentError, match=r"MntTotal '1\.190,00': one is malformed") as info:
        stamp_and_sign(sii, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    assert "ConversionSyntax" not in str(info.value)
