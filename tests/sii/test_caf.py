"""Caf: loading CAF files and embedded CAFs, FRMA against the SII's keys, ranges and expiry."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import pickle
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from haulmer.dte.document import Document
from haulmer.errors import DocumentError, ValidationError, XMLError
from haulmer.pfx import Certificate
from haulmer.sii import (
    Caf,
    issue,
    parse,
    register_caf_signer_key,
    unregister_caf_signer_key,
    verify,
)
from haulmer.sii.keys import caf_signer_key
from haulmer.testing.caf import make_test_caf, make_test_caf_xml
from signers import xmlsec1_verify

from .conftest import EMISOR_RUT, REAL_DTES, SIGNED_AT, document_dict, make_document

AUTHORIZED_ON = dt.date(2026, 11, 1)
"""The FA of the test CAFs that stamp at ``SIGNED_AT``: folios are authorized before use."""


def _embedded_caf(name: str) -> bytes:
    xml = next(p for p in REAL_DTES if p.name == name).read_bytes()
    match = re.search(rb"<CAF version=\"1.0\">.*?</CAF>", xml, re.S)
    assert match is not None
    return b'<?xml version="1.0" encoding="ISO-8859-1"?>' + match.group(0)


def test_caf_embedded_in_a_real_document_loads_its_authorization() -> None:
    caf = Caf.from_xml(_embedded_caf("DTE--60910000-1--33--2336600.xml"))
    assert str(caf.rut_emisor) == "60910000-1"
    assert caf.razon_social == "UNIVERSIDAD DE CHILE"
    assert caf.dte_type == 33
    assert (caf.folio_from, caf.folio_to, caf.folio_count) == (2332141, 2342140, 10000)
    assert caf.authorized_on == dt.date(2019, 7, 26)
    assert caf.idk == 300
    assert caf.is_official
    assert caf.public_key.key_size == 512
    assert caf.public_key.public_numbers().e == 3
    assert caf.private_key is None
    assert not caf.keys_match()
    assert caf.contains(2336600)
    assert not caf.contains(2342141)


def test_a_public_caf_pickles_as_its_caf_element() -> None:
    caf = Caf.from_xml(_embedded_caf("DTE--60910000-1--33--2336600.xml"))
    back = pickle.loads(pickle.dumps(caf))
    assert back.to_xml() == caf.to_xml()
    assert (back.rut_emisor, back.folio_from, back.folio_to, back.idk) == (
        caf.rut_emisor,
        caf.folio_from,
        caf.folio_to,
        caf.idk,
    )
    assert back.public_key.public_numbers() == caf.public_key.public_numbers()
    assert back.frma_problem() is None


def test_a_caf_with_its_private_key_refuses_to_be_pickled_saying_what_to_pass() -> None:
    caf = make_test_caf(rut=EMISOR_RUT, razon_social="Ferretería", dte_type=33, folio_to=10)
    assert caf.private_key is not None
    with pytest.raises(TypeError, match=r"private key \(RSASK\) cannot be pickled.*Caf.from_xml"):
        pickle.dumps(caf)
    assert copy.deepcopy(caf) is caf  # frozen: copies (of a model holding it) share it


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_frma_of_every_real_caf_verifies_with_the_sii_production_key(path) -> None:  # type: ignore[no-untyped-def]
    caf = Caf.from_xml(_embedded_caf(path.name))
    assert caf.frma_problem() is None


def test_changed_authorization_data_breaks_the_frma() -> None:
    data = _embedded_caf("DTE--60910000-1--33--2336600.xml").replace(
        b"<H>2342140</H>", b"<H>2342999</H>"
    )
    assert (
        Caf.from_xml(data).frma_problem()
        == "FRMA does not verify with the SII production key (IDK 300)"
    )


def test_frma_claiming_the_certification_key_fails_for_a_production_caf() -> None:
    data = _embedded_caf("DTE--60910000-1--33--2336600.xml").replace(
        b"<IDK>300</IDK>", b"<IDK>100</IDK>"
    )
    assert "IDK 100" in (Caf.from_xml(data).frma_problem() or "")


def test_unknown_idk_is_reported() -> None:
    data = _embedded_caf("DTE--60910000-1--33--2336600.xml").replace(
        b"<IDK>300</IDK>", b"<IDK>4242</IDK>"
    )
    assert Caf.from_xml(data).frma_problem() == "no known key signs CAFs with IDK 4242"


def test_expiry_is_six_months_after_fa_for_facturas_and_notes() -> None:
    caf = Caf.from_xml(_embedded_caf("DTE--96670340-7--61--110616.xml"))
    assert caf.expires_on == dt.date(2019, 12, 21)
    assert caf.is_expired(dt.date(2019, 12, 22))
    assert not caf.is_expired(dt.date(2019, 12, 21))


@pytest.mark.parametrize(
    ("authorized_on", "expires_on"),
    [
        (dt.date(2018, 7, 1), dt.date(2019, 1, 1)),  # Res. Ex. SII 58/2017: six months from here
        (dt.date(2017, 5, 1), dt.date(2018, 11, 1)),  # before: eighteen months...
        (dt.date(2018, 3, 1), dt.date(2018, 12, 31)),  # ... ending on 31 December 2018 at most
        (dt.date(2016, 1, 1), dt.date(2017, 7, 1)),
        (dt.date(2015, 6, 1), dt.date(2017, 6, 30)),  # authorized before 2016: until 30 June 2017
    ],
)
def test_a_caf_authorized_before_july_2018_keeps_the_validity_the_sii_gave_it_then(
    authorized_on: dt.date, expires_on: dt.date
) -> None:
    caf = make_test_caf(
        rut="76086428-5", razon_social="X", dte_type=61, folio_to=5, issued_on=authorized_on
    )
    assert caf.expires_on == expires_on
    assert not caf.is_expired(expires_on)
    assert caf.is_expired(expires_on + dt.timedelta(days=1))


def test_a_factura_stamped_within_eighteen_months_of_a_2017_caf_issues_and_verifies() -> None:
    from haulmer.testing.certificates import make_test_certificate

    caf = make_test_caf(
        rut=EMISOR_RUT, razon_social="X", dte_type=33, folio_to=5, issued_on=dt.date(2017, 5, 1)
    )
    stamped_at = dt.datetime(2018, 2, 1, 10, 0)
    certificate = make_test_certificate(
        not_before=dt.datetime(2017, 1, 1), not_after=dt.datetime(2019, 1, 1)
    )
    data = document_dict(33)
    data["Encabezado"]["IdDoc"]["FchEmis"] = "2018-02-01"
    document = Document.from_sii_dict(data)
    signed = issue(document, caf=caf, certificate=certificate, timestamp=stamped_at, folio=1)
    result = verify(signed, check_caf=True, allow_test_cafs=True)
    assert result.ok, result.failures


def test_expiry_clamps_to_the_end_of_a_shorter_month() -> None:
    caf = make_test_caf(
        rut="76086428-5", razon_social="X", dte_type=33, issued_on=dt.date(2026, 8, 31)
    )
    assert caf.expires_on == dt.date(2027, 2, 28)


def test_expiry_from_a_leap_day_lands_on_the_29th_of_august() -> None:
    caf = make_test_caf(
        rut="76086428-5", razon_social="X", dte_type=33, issued_on=dt.date(2028, 2, 29)
    )
    assert caf.expires_on == dt.date(2028, 8, 29)


def test_a_datetime_is_judged_against_the_caf_on_its_day_in_chile() -> None:
    caf = make_test_caf(
        rut="76086428-5", razon_social="X", dte_type=33, issued_on=dt.date(2026, 7, 1)
    )
    assert caf.expires_on == dt.date(2027, 1, 1)
    # 02:00 UTC on 2 January 2027 is 23:00 on New Year's Day in Chile: the last day still.
    assert not caf.is_expired(dt.datetime(2027, 1, 2, 2, 0, tzinfo=dt.timezone.utc))
    assert caf.is_expired(dt.datetime(2027, 1, 2, 3, 0, tzinfo=dt.timezone.utc))
    # 03:30 UTC on 1 July 2026 is 23:30 on 30 June in Chile (UTC-4): before FA.
    assert caf.is_not_yet_authorized(dt.datetime(2026, 7, 1, 3, 30, tzinfo=dt.timezone.utc))
    assert not caf.is_not_yet_authorized(dt.datetime(2026, 7, 1, 12, 0))
    with pytest.raises(ValidationError, match=r"on must be a datetime\.date"):
        caf.is_expired("1 de enero")  # type: ignore[arg-type]


@pytest.mark.parametrize("machine_zone", ["Etc/GMT-14", "Etc/GMT+12"])
def test_expiry_by_default_goes_by_todays_date_in_chile_not_the_machines(
    machine_zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server far from Chile (UTC+14, UTC-12) is on another day for hours of each day; the
    folios may be used through their last day in Chile, as CONTRIBUTING.md's rule on "today"
    says."""
    import time

    from haulmer._chile import chile_today

    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        today = chile_today()
        last_day = make_test_caf(rut="76086428-5", razon_social="X", dte_type=33)
        last_day.__dict__["expires_on"] = today
        assert not last_day.is_expired()
        day_after = make_test_caf(rut="76086428-5", razon_social="X", dte_type=33)
        day_after.__dict__["expires_on"] = today - dt.timedelta(days=1)
        assert day_after.is_expired()
    finally:
        monkeypatch.undo()
        time.tzset()


def test_boleta_cafs_do_not_expire() -> None:
    caf = make_test_caf(
        rut="76086428-5", razon_social="X", dte_type=39, issued_on=dt.date(2020, 1, 1)
    )
    assert caf.expires_on is None
    assert not caf.is_expired()


def test_full_caf_file_has_a_matching_key_pair() -> None:
    caf = Caf.from_xml(make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33))
    assert caf.private_key is not None
    assert caf.keys_match()


def test_mismatched_key_pair_is_detected() -> None:
    one = make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33)
    two = make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33, fresh_key=True)
    other_key = re.search(rb"<RSASK>.*</RSASK>", two, re.S).group(0)  # type: ignore[union-attr]
    mixed = re.sub(rb"<RSASK>.*</RSASK>", other_key, one, flags=re.S)
    assert not Caf.from_xml(mixed).keys_match()


def test_repr_shows_no_key_material() -> None:
    caf = make_test_caf(rut="76086428-5", razon_social="X", dte_type=33, folio_to=9)
    text = repr(caf)
    assert text.startswith("Caf(rut_emisor='76086428-5', dte_type=33, folios=1..9, idk=9999")
    assert "PRIVATE" not in text
    assert "RSASK" not in text


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (b"<Foo/>", "expected a CAF file"),
        (b"<AUTORIZACION/>", "no <CAF>"),
        (b"<CAF/>", "no <DA>"),
        (b"<CAF><DA><RE>1-9</RE></DA></CAF>", "no <RNG/D>"),
        (
            b"<CAF><DA><RE>1-9</RE><RS>x</RS><TD>33</TD><RNG><D>9</D><H>1</H></RNG></DA></CAF>",
            "not a valid range",
        ),
        (
            b"<CAF><DA><RE>1-9</RE><RS>x</RS><TD>33</TD><RNG><D>1</D><H>2</H></RNG><FA>ayer</FA>"
            b"</DA></CAF>",
            "<FA> is not a date",
        ),
        (
            b"<CAF><DA><RE>1-9</RE><RS>x</RS><TD>33</TD><RNG><D>1</D><H>2</H></RNG>"
            b"<FA>2020-01-01</FA><RSAPK><M>%%%</M><E>Aw==</E></RSAPK><IDK>1</IDK></DA></CAF>",
            "not base64",
        ),
    ],
)
def test_malformed_caf_raises_xml_error_naming_the_part(xml: bytes, message: str) -> None:
    with pytest.raises(XMLError, match=re.escape(message)):
        Caf.from_xml(xml)


@pytest.mark.parametrize("field", [b"TD", b"D", b"H", b"IDK"])
@pytest.mark.parametrize("number", ["9" * 5000, "\u00b2", "1\u00b3", "\u0663", "12\u00b2"])
def test_a_caf_number_that_is_not_plain_digits_is_an_xml_error(field: bytes, number: str) -> None:
    # int() refuses more than 4300 digits and superscripts that str.isdigit() accepts.
    data = make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33)
    broken = re.sub(
        b"<" + field + b">[^<]*</" + field + b">",
        b"<" + field + b">" + number.encode("ascii", "xmlcharrefreplace") + b"</" + field + b">",
        data,
        count=1,
    )
    assert broken != data
    with pytest.raises(XMLError, match="is not a number of at most 18 digits") as caught:
        Caf.from_xml(broken)
    assert len(str(caught.value)) < 200


def test_a_caf_given_as_text_with_a_lone_surrogate_is_an_xml_error() -> None:
    text = make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33).decode("latin-1")
    with pytest.raises(XMLError, match="lone surrogate"):
        Caf.from_xml(text.replace("<RS>X</RS>", "<RS>X\udcc3</RS>"))


def test_a_timbre_whose_caf_or_folio_is_no_number_fails_verification(
    issued: dict[int, bytes],
) -> None:
    huge_folio = re.sub(rb"<F>1</F>", b"<F>" + b"9" * 5000 + b"</F>", issued[33], count=1)
    superscript = re.sub(rb"<F>1</F>", b"<F>&#178;</F>", issued[33], count=1)
    huge_range = re.sub(rb"<D>1</D>", b"<D>" + b"1" * 5000 + b"</D>", issued[33], count=1)
    for broken in (huge_folio, superscript, huge_range):
        assert broken != issued[33]
        result = verify(broken)
        assert not result.ok
        reasons = [f.reason for f in result.failures]
        assert not any("cannot be verified" in reason for reason in reasons), reasons
        assert any("folio" in r or "not a number" in r for r in reasons), reasons


def test_a_caf_files_path_given_for_its_contents_is_refused_saying_to_read_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "FoliosSII7608642833120261101.xml"
    path.write_bytes(make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33))
    for given in (path, str(path), path.name):
        with pytest.raises(XMLError, match=r"contents, not its path.*read_bytes\(\)"):
            Caf.from_xml(given)  # type: ignore[arg-type]
    assert Caf.from_xml(path.read_bytes()).dte_type == 33


def test_text_that_is_no_xml_is_not_quoted_back() -> None:
    # a CAF kept in base64 (a database column) holds the private key
    encoded = base64.b64encode(make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33))
    with pytest.raises(XMLError) as caught:
        Caf.from_xml(encoded.decode("ascii"))
    assert encoded.decode("ascii")[100:140] not in str(caught.value)


def test_unreadable_rsask_is_reported() -> None:
    data = make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33)
    broken = re.sub(
        rb"<RSASK>.*</RSASK>", b"<RSASK>-----BEGIN RSA PRIVATE KEY-----</RSASK>", data, flags=re.S
    )
    with pytest.raises(XMLError, match="RSASK"):
        Caf.from_xml(broken)


@pytest.mark.parametrize(
    "line_end",
    [b"\r\r\n", b"\n\n", b"\n \t\n"],
    ids=["cr-cr-lf (unix2dos twice)", "doubled", "blank line with blanks"],
)
def test_an_rsask_whose_lines_are_parted_by_blank_lines_loads(line_end: bytes) -> None:
    data = make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33, folio_to=9)
    head, rest = data.split(b"<RSASK>", 1)
    pem, tail = rest.split(b"</RSASK>", 1)
    spaced = pem.strip().replace(b"\n", line_end)
    caf = Caf.from_xml(head + b"<RSASK>" + spaced + b"</RSASK>" + tail)
    original = Caf.from_xml(data).private_key
    assert caf.private_key is not None
    assert original is not None
    assert caf.keys_match()
    assert caf.private_key.private_numbers() == original.private_numbers()


def test_an_rsask_encrypted_with_a_password_is_named_as_such() -> None:
    from cryptography.hazmat.primitives import serialization

    data = make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33)
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"clave"),
    )
    broken = re.sub(rb"<RSASK>.*</RSASK>", b"<RSASK>" + encrypted + b"</RSASK>", data, flags=re.S)
    with pytest.raises(XMLError, match=r"encrypted with a password.*download it again"):
        Caf.from_xml(broken)


def test_the_sii_keys_cannot_be_overridden() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    with pytest.raises(ValueError, match="belongs to the SII"):
        register_caf_signer_key(300, key)
    official = caf_signer_key(300)
    assert official is not None
    assert official.official


@pytest.mark.parametrize("idk", ["100", "4242", True, 300.0])
def test_an_idk_that_is_no_int_is_refused_so_no_test_key_is_filed_beside_the_siis(
    idk: object,
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    with pytest.raises(TypeError, match="IDK must be an int"):
        register_caf_signer_key(idk, key)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="idk must be an int"):
        make_test_caf(rut="76086428-5", razon_social="X", dte_type=33, idk=idk)  # type: ignore[arg-type]


def test_registered_test_keys_are_not_official_and_can_be_removed() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    register_caf_signer_key(4243, key, label="my key")
    try:
        signer = caf_signer_key(4243)
        assert signer is not None
        assert not signer.official
        assert signer.label == "my key"
    finally:
        unregister_caf_signer_key(4243)
    assert caf_signer_key(4243) is None


def test_a_test_keys_caf_is_refused_naming_its_idk_once() -> None:
    caf = make_test_caf(rut=EMISOR_RUT, razon_social="HAULMER SPA", dte_type=33, idk=4244)
    assert (
        caf.frma_problem() == "IDK 4244 is a haulmer test CAF key, not the SII's; not accepted here"
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    register_caf_signer_key(4244, key)  # another key under the same IDK: FRMA fails
    try:
        problem = Caf.from_xml(caf.to_xml()).frma_problem(allow_test_keys=True)
    finally:
        unregister_caf_signer_key(4244)
    assert problem == "FRMA does not verify with the registered test key (IDK 4244)"


@pytest.mark.parametrize("declaration", [b'<?xml version="1.0"?>\n', b""])
def test_a_caf_file_in_latin1_without_an_encoding_declaration_loads(declaration: bytes) -> None:
    # The SII ships CAF files as ISO-8859-1 bytes under a bare <?xml version="1.0"?>, so an
    # issuer whose razón social has an Ñ or an accent gets bytes that are not UTF-8.
    as_shipped = make_test_caf_xml(
        rut="76086428-5",
        razon_social="COMERCIAL PEÑA Y MUÑOZ LTDA",
        dte_type=33,
        issued_on=dt.date(2026, 11, 1),
    )
    body = as_shipped.split(b"?>", 1)[1].lstrip()
    assert "Ñ".encode("iso-8859-1") in body
    caf = Caf.from_xml(declaration + body)
    assert caf.razon_social == "COMERCIAL PEÑA Y MUÑOZ LTDA"
    assert caf.keys_match()
    assert caf.frma_problem(allow_test_keys=True) is None


@pytest.mark.parametrize("declaration", [b'<?xml version="1.0"?>\n', b""])
@pytest.mark.parametrize("buffer", [bytearray, memoryview])
def test_a_caf_file_as_shipped_loads_from_a_buffer_as_from_its_bytes(
    declaration: bytes, buffer: type[bytearray] | type[memoryview]
) -> None:
    # A file read into a bytearray, or an mmap's memoryview, holds the same bytes.
    as_shipped = make_test_caf_xml(
        rut="76086428-5",
        razon_social="COMERCIAL PEÑA Y MUÑOZ LTDA",
        dte_type=33,
        issued_on=dt.date(2026, 11, 1),
    )
    data = declaration + as_shipped.split(b"?>", 1)[1].lstrip()
    caf = Caf.from_xml(buffer(data))  # type: ignore[arg-type]
    assert caf.razon_social == "COMERCIAL PEÑA Y MUÑOZ LTDA"
    assert caf.to_xml() == Caf.from_xml(data).to_xml()


def test_utf8_text_without_a_declaration_is_still_read_as_utf8() -> None:
    as_shipped = make_test_caf_xml(
        rut="76086428-5",
        razon_social="COMERCIAL PEÑA LTDA",
        dte_type=33,
        issued_on=dt.date(2026, 11, 1),
    )
    text = as_shipped.decode("iso-8859-1").split("?>", 1)[1]
    caf = Caf.from_xml(text.encode("utf-8"))
    assert caf.razon_social == "COMERCIAL PEÑA LTDA"
    assert caf.frma_problem(allow_test_keys=True) is None


def test_a_document_stamped_with_a_latin1_caf_verifies(certificate: Certificate) -> None:
    as_shipped = make_test_caf_xml(
        rut=EMISOR_RUT,
        razon_social="COMERCIAL ÑANDÚ LTDA",
        dte_type=33,
        folio_to=10,
        issued_on=AUTHORIZED_ON,
    )
    caf = Caf.from_xml(b'<?xml version="1.0"?>\n' + as_shipped.split(b"?>", 1)[1].lstrip())
    signed = issue(make_document(33), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    assert "<RS>COMERCIAL ÑANDÚ LTDA</RS>".encode("iso-8859-1") in signed
    assert verify(signed, check_caf=True, allow_test_cafs=True).ok


def _caf_file_with(node: etree._Element, *, inside: str, at_text_middle: bool = False) -> bytes:
    """A full test CAF file with ``node`` (a comment or instruction) put inside the element
    named ``inside``: first, or in the middle of its text."""
    root = etree.fromstring(
        make_test_caf_xml(
            rut=EMISOR_RUT,
            razon_social="COMERCIAL LTDA",
            dte_type=33,
            folio_to=10,
            issued_on=AUTHORIZED_ON,
        )
    )
    target = next(root.iter(inside))
    if at_text_middle and target.text:
        half = len(target.text) // 2
        target.text, node.tail = target.text[:half], target.text[half:]
    target.insert(0, node)
    return etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True)


_CAF_ELEMENTS = ("AUTORIZACION", "CAF", "DA", "RE", "RS", "TD", "RNG", "D", "H", "FA")
_CAF_ELEMENTS += ("RSAPK", "M", "E", "IDK", "FRMA", "RSASK", "RSAPUBK")


@pytest.mark.parametrize("at_text_middle", [False, True], ids=["first", "mid-text"])
@pytest.mark.parametrize("inside", _CAF_ELEMENTS)
def test_a_comment_in_a_caf_file_is_no_part_of_the_timbre(
    certificate: Certificate, inside: str, at_text_middle: bool, tmp_path: Path
) -> None:
    # C14N without comments is what a DTE's digest covers: a comment carried into the TED made
    # a DTE whose digest and FRMT fail everywhere, the SII included.
    comment = etree.Comment(" x ")
    caf = Caf.from_xml(_caf_file_with(comment, inside=inside, at_text_middle=at_text_middle))
    assert caf.razon_social == "COMERCIAL LTDA"
    assert "<!--" not in caf.canonical_xml
    signed = issue(make_document(33), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    assert b"<!--" not in signed
    assert verify(signed, check_caf=True, allow_test_cafs=True).ok
    checked = xmlsec1_verify(
        signed, tmp_path, id_attr="Documento", certificate_pem=certificate.certificate_pem
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("inside", ["AUTORIZACION", "CAF", "FRMA", "RSASK", "RSAPUBK"])
def test_an_instruction_outside_the_signed_data_is_left_out_of_the_timbre(
    certificate: Certificate, inside: str
) -> None:
    caf = Caf.from_xml(_caf_file_with(etree.ProcessingInstruction("pi", "x"), inside=inside))
    assert "<?pi" not in caf.canonical_xml
    signed = issue(make_document(33), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    assert b"<?pi" not in signed
    assert verify(signed, check_caf=True, allow_test_cafs=True).ok


@pytest.mark.parametrize(
    "alter",
    [
        pytest.param(lambda data: data.replace(b"COMERCIAL LTDA", b"COMERCIAL SPA"), id="RS"),
        pytest.param(lambda data: data.replace(b"<H>10</H>", b"<H>99</H>"), id="range"),
        pytest.param(lambda data: data.replace(b"<RE>", b"<RE><?pi x?>"), id="instruction-in-DA"),
    ],
)
def test_a_caf_changed_after_it_was_signed_stamps_nothing(
    certificate: Certificate, alter: Callable[[bytes], bytes]
) -> None:
    data = make_test_caf_xml(
        rut=EMISOR_RUT, razon_social="COMERCIAL LTDA", dte_type=33, folio_to=10
    )
    caf = Caf.from_xml(alter(data))  # it loads: reading a CAF is no place to refuse one
    with pytest.raises(DocumentError) as raised:
        issue(make_document(33), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    (detail,) = [d for d in raised.value.details if d.field == "caf"]
    assert "FRMA does not verify with the key of IDK" in detail.issue
    assert "download the CAF again from the SII" in detail.issue


def test_a_caf_whose_idk_no_known_key_signs_still_stamps(certificate: Certificate) -> None:
    # Nothing is known about such a CAF's FRMA: stamping goes on, and verify(check_caf=True)
    # says that no known key signs it.
    data = make_test_caf_xml(
        rut=EMISOR_RUT,
        razon_social="COMERCIAL LTDA",
        dte_type=33,
        folio_to=10,
        issued_on=AUTHORIZED_ON,
    ).replace(b"<IDK>9999</IDK>", b"<IDK>4242</IDK>")
    signed = issue(
        make_document(33), caf=Caf.from_xml(data), certificate=certificate, timestamp=SIGNED_AT
    )
    outcome = verify(signed, check_caf=True, allow_test_cafs=True)
    assert [f.reason for f in outcome.failures] == ["no known key signs CAFs with IDK 4242"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_caf_file_saved_as_utf16_or_utf32_with_its_bom_loads(encoding: str) -> None:
    """A CAF opened and saved again by a Windows editor ("Unicode") keeps its meaning; the
    documents verify() reads are taken so, and the CAF must be too."""
    data = make_test_caf_xml(rut="76086428-5", razon_social="Ñandú Ltda.", dte_type=33)
    text = data.decode("iso-8859-1").replace("ISO-8859-1", encoding.upper())
    bom = {"utf-16-be": "\ufeff"}.get(encoding, "")  # utf-16 and utf-32 write their own
    reencoded = (bom + text).encode(encoding)
    original, loaded = Caf.from_xml(data), Caf.from_xml(reencoded)
    assert loaded.razon_social == original.razon_social == "Ñandú Ltda."
    assert loaded.keys_match()
    assert loaded.frma_problem(allow_test_keys=True) is None


@pytest.mark.parametrize(("text", "character"), [("EMPRESA € LTDA", "€"), ("CAFÉ “EL SOL”", "“")])
def test_a_caf_whose_text_iso_8859_1_cannot_write_stamps_nothing_saying_which_field(
    certificate: Certificate, text: str, character: str
) -> None:
    """The timbre copies the CAF and is signed in ISO-8859-1: a CAF edited into UTF-8 (under an
    IDK no known key signs, so that its FRMA says nothing) cannot be in one. It is a
    DocumentError naming RS and the character, not an encoding error from inside the stamp."""
    data = make_test_caf_xml(
        rut=EMISOR_RUT,
        razon_social="COMERCIAL LTDA",
        dte_type=33,
        folio_to=10,
        issued_on=AUTHORIZED_ON,
    ).decode("iso-8859-1")
    edited = (
        data.replace("ISO-8859-1", "UTF-8")
        .replace("<IDK>9999</IDK>", "<IDK>4242</IDK>")
        .replace("<RS>COMERCIAL LTDA</RS>", f"<RS>{text}</RS>")
    )
    caf = Caf.from_xml(edited.encode("utf-8"))
    assert caf.razon_social == text
    with pytest.raises(DocumentError) as raised:
        issue(make_document(33), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    (detail,) = [d for d in raised.value.details if d.field == "caf"]
    assert "<RS>" in detail.issue
    assert repr(character) in detail.issue
    assert "ISO-8859-1" in detail.issue


@pytest.mark.parametrize("blanks", ["\n", "\r\n", "  \r\n\r\n"])
def test_blank_lines_before_the_declaration_read_alike_from_bytes_and_from_text(
    blanks: str,
) -> None:
    """A CAF file an ERP or a PHP page saved with blank lines first: nothing signs what is
    outside <CAF>, and the text form already loaded; the bytes load the same CAF."""
    data = make_test_caf_xml(
        rut="76086428-5",
        razon_social="COMERCIAL PEÑA LTDA",
        dte_type=33,
        issued_on=dt.date(2026, 11, 1),
    )
    from_text = Caf.from_xml(blanks + data.decode("iso-8859-1"))
    from_bytes = Caf.from_xml(blanks.encode("ascii") + data)
    assert repr(from_bytes) == repr(from_text) == repr(Caf.from_xml(data))
    assert from_bytes.razon_social == "COMERCIAL PEÑA LTDA"
    assert from_bytes.keys_match()
    assert from_bytes.canonical_xml == from_text.canonical_xml


def test_a_caf_with_an_accented_attribute_name_outside_da_stamps_and_verifies(
    certificate: Certificate,
) -> None:
    """The timbre copies the CAF through a namespace-free copy of it, which must be made of a
    name such as ``versión`` as well (it was an lxml XMLSyntaxError from inside the stamp)."""
    data = make_test_caf_xml(
        rut=EMISOR_RUT,
        razon_social="COMERCIAL LTDA",
        dte_type=33,
        folio_to=10,
        issued_on=AUTHORIZED_ON,
    ).replace(
        b'<FRMA algoritmo="SHA1withRSA">',
        '<FRMA algoritmo="SHA1withRSA" versión="1">'.encode("iso-8859-1"),
    )
    caf = Caf.from_xml(data)
    assert caf.frma_problem(allow_test_keys=True) is None
    assert 'versión="1"' in caf.canonical_xml
    signed = issue(make_document(33), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    assert verify(signed, check_caf=True, allow_test_cafs=True).ok


@pytest.mark.parametrize(
    "after", [b"\x00", b"<html>p\xe1gina</html>", b"second CAF"], ids=["nul", "page", "second"]
)
def test_what_follows_the_cafs_end_is_refused_saying_to_keep_one_caf_per_file(
    after: bytes,
) -> None:
    data = make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33)
    if after == b"second CAF":  # two CAF files joined into one
        after = data.split(b"?>", 1)[1]
    with pytest.raises(XMLError) as raised:
        Caf.from_xml(data + after)
    message = str(raised.value)
    assert "Extra content at the end of the document" in message
    assert "comes after the end of <AUTORIZACION>" in message
    assert "a file holds one" in message


def _frames_showing(error: BaseException, secret: str) -> list[str]:
    """The SDK's frames along ``error``'s traceback (and what it chains) with a local whose
    repr shows ``secret``, as an error tracker that records locals would see them (the
    caller's own frames hold what the caller keeps)."""
    found, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            in_sdk = "/haulmer/" in tb.tb_frame.f_code.co_filename.replace("\\", "/")
            for name, value in tb.tb_frame.f_locals.items() if in_sdk else ():
                if secret in repr(value):
                    found.append(f"{tb.tb_frame.f_code.co_name}: {name}")
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
    return found


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data + b"\x00",  # refused by the XML parser
        lambda data: re.sub(rb"<FA>[^<]*</FA>", b"<FA>someday</FA>", data),  # by the reader
        lambda data: data.replace(b"-----END RSA", b"=-----END RSA"),  # an unreadable RSASK
    ],
    ids=["trailing-nul", "unreadable-fa", "unreadable-rsask"],
)
def test_a_refused_caf_file_leaves_its_private_key_in_no_frame(
    damage: Callable[[bytes], bytes],
) -> None:
    """Error trackers that record each frame's locals (Sentry, rich) show what the frames the
    refusal passed through held: the CAF file, its RSASK text."""
    data = make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33, fresh_key=True)
    key_line = data.split(b"-----BEGIN RSA PRIVATE KEY-----")[1].split()[1].decode("ascii")
    with pytest.raises(XMLError) as raised:
        Caf.from_xml(damage(data))
    assert key_line not in str(raised.value)
    assert _frames_showing(raised.value, key_line[:32]) == []


def test_an_unreadable_rsask_in_an_element_parsed_apart_is_in_no_frame_either() -> None:
    data = make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33, fresh_key=True)
    key_line = data.split(b"-----BEGIN RSA PRIVATE KEY-----")[1].split()[1].decode("ascii")
    root = etree.fromstring(data.replace(b"-----END RSA", b"=-----END RSA"))
    with pytest.raises(XMLError, match="not a readable PEM private key") as raised:
        Caf.from_element(root)
    assert _frames_showing(raised.value, key_line[:32]) == []


def test_a_caf_file_rewritten_in_utf8_under_its_latin1_declaration_loads_as_the_sii_signed_it(
    certificate: Certificate,
) -> None:
    """An ERP that keeps CAF files as UTF-8 text writes them back under the SII's
    ``encoding="ISO-8859-1"``: read as declared, RS would be mojibake (``PEÃ`` and a C1) and the
    FRMA would fail. When the bytes are UTF-8 and read so the SII's signature verifies, that is
    how they are read."""
    as_shipped = make_test_caf_xml(
        rut=EMISOR_RUT,
        razon_social="COMERCIAL PEÑA Y MUÑOZ LTDA",
        dte_type=33,
        folio_to=10,
        issued_on=AUTHORIZED_ON,
    )
    assert b"encoding='ISO-8859-1'" in as_shipped
    rewritten = as_shipped.decode("iso-8859-1").encode("utf-8")
    caf = Caf.from_xml(rewritten)
    assert caf.razon_social == "COMERCIAL PEÑA Y MUÑOZ LTDA"
    assert caf.frma_problem(allow_test_keys=True) is None
    assert caf.canonical_xml == Caf.from_xml(as_shipped).canonical_xml
    signed = issue(make_document(33), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    assert verify(signed, check_caf=True, allow_test_cafs=True).ok


@pytest.mark.parametrize("idk", [b"9999", b"4242"], ids=["signed-as-declared", "unknown-key"])
def test_latin1_bytes_that_are_utf8_too_follow_the_declaration_unless_the_frma_says_else(
    idk: bytes,
) -> None:
    # "Ã±" in ISO-8859-1 is the bytes of "ñ" in UTF-8: signed as declared (IDK 9999), or under
    # an IDK no known key signs, nothing shows the UTF-8 reading is the one meant.
    as_shipped = make_test_caf_xml(
        rut="76086428-5", razon_social="MARÃ±A LTDA", dte_type=33, fresh_key=True
    ).replace(b"<IDK>9999</IDK>", b"<IDK>" + idk + b"</IDK>")
    assert Caf.from_xml(as_shipped).razon_social == "MARÃ±A LTDA"


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"dte_type": "33"}, "dte_type"),
        ({"dte_type": None}, "dte_type"),
        ({"folio": "5"}, "folio"),
        ({"folio": 5.0}, "folio"),
        ({"folio": True}, "folio"),
    ],
)
def test_check_for_stamping_refuses_numbers_of_another_kind_naming_them(
    arguments: dict[str, object], named: str
) -> None:
    """A type read from a database as text was told "TipoDTE is 33 but the CAF authorizes 33";
    a folio as text failed with a bare comparison error."""
    caf = make_test_caf(rut="76086428-5", razon_social="X", dte_type=33, folio_to=10)
    given: dict[str, object] = {"dte_type": 33, "folio": 1, "rut_emisor": "76086428-5"}
    given.update(arguments)
    with pytest.raises(TypeError, match=f"^{named} must be an int") as raised:
        caf.check_for_stamping(**given)  # type: ignore[arg-type]
    assert type(arguments[named]).__name__ in str(raised.value)
    if named == "folio":
        with pytest.raises(TypeError, match=r"^folio must be an int"):
            caf.contains(arguments[named])  # type: ignore[arg-type]


def test_a_file_that_is_no_caf_is_refused_saying_what_it_is_and_what_reads_it(
    certificate: Certificate,
) -> None:
    """The DTE handed to Caf.from_xml (or `haulmer caf`) instead of the CAF file: told what
    it is and what reads it, as parse() and verify() are told of a CAF file."""
    caf = make_test_caf(
        rut=EMISOR_RUT, razon_social="X", dte_type=33, folio_to=10, issued_on=AUTHORIZED_ON
    )
    signed = issue(make_document(33), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    with pytest.raises(XMLError, match=r"got <DTE>; this is a DTE: read it with haulmer\.sii"):
        Caf.from_xml(signed)
    cased = caf.to_xml().replace(b"<CAF ", b"<Caf ").replace(b"</CAF>", b"</Caf>")
    with pytest.raises(XMLError, match="case-sensitive: the root must be <CAF>, not <Caf>"):
        Caf.from_xml(cased)


@pytest.mark.parametrize(
    "damage",
    [
        lambda line: "<" + line,  # read as a tag named by the key's text
        lambda line: line[:10] + "<" + line[10:],
        lambda line: "&" + line,  # read as an entity named by the key's text
        lambda line: line[:10] + "&" + line[10:] + ";",
        lambda line: "</" + line + ">",
    ],
    ids=["tag", "tag-inside", "entity", "entity-inside", "end-tag"],
)
def test_a_caf_file_broken_inside_its_private_key_is_refused_without_quoting_it(
    damage: Callable[[str], str],
) -> None:
    caf_file = make_test_caf_xml(
        rut=EMISOR_RUT, razon_social="HAULMER SPA", dte_type=33, issued_on=dt.date(2026, 11, 1)
    ).decode("iso-8859-1")
    key_lines = caf_file.split("-----BEGIN RSA PRIVATE KEY-----\n", 1)[1].split("\n-----END")[0]
    pieces = {
        line[start : start + 6] for line in key_lines.splitlines() for start in range(len(line) - 5)
    }
    for line in key_lines.splitlines():  # libxml2 quotes a name it reads up to a '+' or a '/'
        broken = caf_file.replace(line, damage(line), 1)
        for data in (broken, broken.encode("iso-8859-1")):
            with pytest.raises(XMLError, match="not well formed") as raised:
                Caf.from_xml(data)
            with pytest.raises(XMLError, match="not well formed") as parsed:
                parse(data)  # a CAF file handed to another reader by mistake
            verified = str(verify(data))
            for message in (str(raised.value), str(parsed.value), verified):
                assert [piece for piece in pieces if piece in message] == [], message
                assert "inside <RSASK>" in message


@pytest.mark.parametrize(
    "damage",
    [
        (b"<RS>HAULMER SPA</RS>", b"<RS>HAULMER & SPA</RS>"),  # before the key, on its line
        (b"<RS>HAULMER SPA</RS>", b"<RS>HAULMER SPA</Rs>"),
        (b"</RSASK><RSAPUBK>", b"</RSASK><RSAPUBK <>"),  # after the key, on its last line
    ],
    ids=["ampersand-in-rs", "mismatched-end-tag", "broken-tag-after-key"],
)
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "utf8-bom"])
def test_a_caf_file_broken_beside_its_private_key_is_not_said_to_break_inside_it(
    damage: tuple[bytes, bytes], bom: bytes
) -> None:
    """make_test_caf_xml writes the elements before the key on the line <RSASK> starts on:
    an error there was reported as a private key holding '<' or '&'."""
    caf_file = make_test_caf_xml(
        rut=EMISOR_RUT, razon_social="HAULMER SPA", dte_type=33, issued_on=dt.date(2026, 11, 1)
    )
    key_text = caf_file.split(b"-----BEGIN RSA PRIVATE KEY-----\n", 1)[1].split(b"\n-----END")[0]
    broken = bom + caf_file.replace(*damage)
    with pytest.raises(XMLError, match="not well formed") as raised:
        Caf.from_xml(broken)
    message = str(raised.value)
    assert "inside <RSASK>" not in message
    assert not any(line.decode() in message for line in key_text.splitlines())


@pytest.mark.parametrize("fa", ["9999-10-01", "2051-01-01", "1999-12-31"])
def test_a_caf_dated_outside_the_sii_s_years_is_refused_naming_fa(fa: str) -> None:
    caf_file = make_test_caf_xml(
        rut=EMISOR_RUT, razon_social="HAULMER SPA", dte_type=33, issued_on=dt.date(2026, 11, 1)
    )
    edited = caf_file.replace(b"<FA>2026-11-01</FA>", f"<FA>{fa}</FA>".encode())
    with pytest.raises(XMLError, match=rf"CAF <FA> {fa} is outside 2000-01-01 to 2050-12-31"):
        Caf.from_xml(edited)


def test_frma_problem_refuses_allow_test_keys_that_is_no_bool() -> None:
    """frma_problem(allow_test_keys="no") took the text as true and accepted a test key."""
    caf = make_test_caf(rut="76086428-5", razon_social="X", dte_type=33)
    assert caf.frma_problem(allow_test_keys=False) is not None
    with pytest.raises(ValidationError, match="allow_test_keys must be True or False"):
        caf.frma_problem(allow_test_keys="no")  # type: ignore[arg-type]
