"""verify(): real documents pass; tampering, foreign certificates and hostile XML fail cleanly."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haulmer.errors import DocumentError
from haulmer.pfx import Certificate
from haulmer.sii import Caf, issue, parse, verify
from haulmer.sii.issuing import stamp_and_sign
from haulmer.testing.caf import make_test_caf

from .conftest import EMISOR_RUT, REAL_DTES, SIGNED_AT, make_document

IDS = {
    "DTE--60910000-1--33--2336600.xml": "DTE-33-2336600",
    "DTE--76354771-K--33--170.xml": "MiPE76354771-13419",
    "DTE--76399752-9--33--25568.xml": "MiPE76399752-6048",
    "DTE--96670340-7--61--110616.xml": "DTE-61-110616",
}


def _real(name: str) -> bytes:
    return next(path for path in REAL_DTES if path.name == name).read_bytes()


def test_the_four_real_documents_are_copied_into_the_repository() -> None:
    assert sorted(path.name for path in REAL_DTES) == sorted(IDS)


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_real_document_passes_signature_ted_and_caf_checks(path: Path) -> None:
    result = verify(path.read_bytes(), check_caf=True)
    document_id = IDS[path.name]
    assert result.ok, str(result)
    assert result.passed == (
        f"signature DTE {document_id}",
        f"ted DTE {document_id}",
        f"caf DTE {document_id}",
    )


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_flipping_one_amount_in_a_real_document_is_detected(path: Path) -> None:
    xml = path.read_bytes()
    tampered = re.sub(rb"<MntNeto>(\d+)</MntNeto>", rb"<MntNeto>\g<1>1</MntNeto>", xml, count=1)
    assert tampered != xml
    result = verify(tampered)
    assert not result.ok
    assert ("digest", IDS[path.name]) in {(f.check, f.where.split()[-1]) for f in result.failures}


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_flipping_the_total_breaks_both_the_digest_and_the_timbre(path: Path) -> None:
    tampered = re.sub(
        rb"<MntTotal>(\d+)</MntTotal>", rb"<MntTotal>\g<1>0</MntTotal>", path.read_bytes(), count=1
    )
    checks = {f.check for f in verify(tampered).failures}
    assert checks == {"digest", "ted"}


def _certificate_of(xml: bytes) -> bytes:
    match = re.search(rb"<X509Certificate>(.*?)</X509Certificate>", xml, re.S)
    assert match is not None
    return match.group(1)


def test_replacing_the_certificate_is_detected() -> None:
    victim = _real("DTE--60910000-1--33--2336600.xml")
    other = _certificate_of(_real("DTE--96670340-7--61--110616.xml"))
    tampered = victim.replace(_certificate_of(victim), other)
    result = verify(tampered)
    reasons = {(f.check, f.reason) for f in result.failures}
    assert ("key", "X509Certificate and KeyValue hold different keys") in reasons
    assert ("signature", _SIGNED_WITH_KEY_VALUE) in reasons


_SIGNED_WITH_KEY_VALUE = (
    "SignatureValue verifies with the KeyValue's key, not with the certificate's: the "
    "X509Certificate does not name who signed"
)


def test_a_signature_made_with_the_key_value_but_not_the_certificate_key_says_so(
    issued: dict[int, bytes],
) -> None:
    """The SII's own sample (F60T33) is signed so: its X509Certificate is another person's."""
    import base64

    from haulmer.testing.certificates import make_test_certificate

    stranger = make_test_certificate(
        rut="22222222-2",
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc),
        fresh_key=True,
    )
    xml = issued[33]
    replaced = xml.replace(_certificate_of(xml), base64.b64encode(stranger.certificate_der), 1)
    reasons = [(f.check, f.reason) for f in verify(replaced).failures]
    assert reasons == [
        ("key", "X509Certificate and KeyValue hold different keys"),
        ("signature", _SIGNED_WITH_KEY_VALUE),
    ]
    # A SignatureValue made with neither key over this SignedInfo is still a broken signature.
    value = re.compile(rb"<SignatureValue>.*?</SignatureValue>", re.S)
    borrowed = value.search(issued[34])
    assert borrowed is not None
    forged = value.sub(borrowed.group(0).replace(b"\\", b"\\\\"), replaced)
    assert ("signature", "SignatureValue does not verify with the signer's key") in {
        (f.check, f.reason) for f in verify(forged).failures
    }


def test_replacing_certificate_and_key_value_together_is_detected() -> None:
    victim = _real("DTE--96670340-7--61--110616.xml")
    donor = _real("DTE--76354771-K--33--170.xml")
    key_info = re.compile(rb"<KeyInfo>.*</KeyInfo>", re.S)
    tampered = key_info.sub(key_info.search(donor).group(0).replace(b"\\", b"\\\\"), victim)
    result = verify(tampered)
    assert [f.check for f in result.failures] == ["signature"]


def test_removing_the_signature_is_detected() -> None:
    xml = _real("DTE--60910000-1--33--2336600.xml")
    unsigned = re.sub(rb"<Signature .*</Signature>", b"", xml, flags=re.S)
    result = verify(unsigned)
    assert not result.ok
    assert [(f.check, f.reason) for f in result.failures] == [
        ("signature", "the document is not signed")
    ]


def test_a_garbled_certificate_is_reported_not_raised() -> None:
    xml = _real("DTE--60910000-1--33--2336600.xml")
    broken = xml.replace(_certificate_of(xml), b"bm90IGEgY2VydGlmaWNhdGU=")
    result = verify(broken)
    assert ("certificate", "X509Certificate cannot be read") in {
        (f.check, f.reason) for f in result.failures
    }


def test_a_timbre_signed_with_another_key_is_detected() -> None:
    xml = _real("DTE--60910000-1--33--2336600.xml")
    other = re.search(rb"<FRMT[^>]*>(.*?)</FRMT>", _real("DTE--96670340-7--61--110616.xml"))
    tampered = re.sub(rb"(<FRMT[^>]*>).*?(</FRMT>)", rb"\g<1>" + other.group(1) + rb"\2", xml)
    failures = verify(tampered).failures
    assert ("ted", "FRMT does not verify with the CAF key over DD") in {
        (f.check, f.reason) for f in failures
    }


def test_reference_to_an_element_that_is_not_a_sibling_is_refused() -> None:
    xml = _real("DTE--60910000-1--33--2336600.xml")
    wrapped = xml.replace(b'URI="#DTE-33-2336600"', b'URI="#Elsewhere"')
    reasons = [f.reason for f in verify(wrapped).failures]
    assert "no sibling element has ID 'Elsewhere'" in reasons
    assert "signs '#Elsewhere', not the Documento" in reasons


def test_a_signature_refused_early_is_still_checked_for_what_it_signs() -> None:
    xml = _real("DTE--60910000-1--33--2336600.xml")
    elsewhere = xml.replace(b'URI="#DTE-33-2336600"', b'URI="Elsewhere"')
    reasons = [f.reason for f in verify(elsewhere).failures]
    assert reasons == [
        "Reference URI 'Elsewhere' is not '#ID'",
        "signs 'Elsewhere', not the Documento",
    ]


def test_a_remembered_certificate_is_judged_again_at_each_signing_time() -> None:
    xml = _real("DTE--76399752-9--33--25568.xml")
    moved = xml.replace(b"<TmstFirma>2019-03-28T13:59:52", b"<TmstFirma>2031-03-28T13:59:52")
    for _ in range(2):  # the signer and the signing times are remembered after the first pass
        assert verify(xml).ok
        assert "certificate" in {f.check for f in verify(moved).failures}


def test_expired_certificates_are_judged_at_tmstfirma() -> None:
    # Every real signer certificate expired years ago; they verify at the signing time.
    xml = _real("DTE--76399752-9--33--25568.xml")
    assert verify(xml).ok
    moved = xml.replace(b"<TmstFirma>2019-03-28T13:59:52", b"<TmstFirma>2031-03-28T13:59:52")
    failures = verify(moved).failures
    assert {f.check for f in failures} == {"digest", "certificate"}


@pytest.fixture(scope="module")
def signed_in_2020() -> bytes:
    """A factura signed in 2020 with a certificate that expired at the end of that year."""
    from haulmer.testing.certificates import make_test_certificate

    old = make_test_certificate(
        rut="11111111-1",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc),
    )
    caf = make_test_caf(
        rut=EMISOR_RUT, razon_social="Comercial", dte_type=33, issued_on=dt.date(2020, 6, 1)
    )
    document = make_document(33).model_copy(deep=True)
    document.encabezado.id_doc.fecha_emision = dt.date(2020, 6, 2)
    return issue(document, caf=caf, certificate=old, timestamp=dt.datetime(2020, 6, 2, 10, 0))


@pytest.mark.parametrize(
    "written", ["2020-06-02T10:00:00", "2020-06-02T14:00:00Z", "2020-06-02T10:00:00.25-04:00"]
)
def test_a_signing_time_in_any_xs_datetime_form_is_the_time_the_certificate_is_judged_at(
    signed_in_2020: bytes, written: str
) -> None:
    moved = signed_in_2020.replace(
        b"<TmstFirma>2020-06-02T10:00:00", b"<TmstFirma>" + written.encode()
    )
    assert "certificate" not in {f.check for f in verify(moved).failures}


@pytest.mark.parametrize(
    "written",
    [
        "",
        "ayer",
        "2020-06-02T10:00:00 hora Chile",
        "2020-06-02T10:00",  # no seconds: no xs:dateTime, though Python reads it
        "20200602T100000",  # ISO's basic form: Python 3.11 reads it, 3.10 and the schema do not
        "2020-06-02 10:00:00",
    ],
)
def test_an_unreadable_signing_time_is_named_not_taken_for_now(
    signed_in_2020: bytes, written: str
) -> None:
    moved = signed_in_2020.replace(
        b"<TmstFirma>2020-06-02T10:00:00", b"<TmstFirma>" + written.encode()
    )
    reasons = [f.reason for f in verify(moved).failures if f.check == "certificate"]
    assert len(reasons) == 1
    assert reasons[0].startswith(
        "the signing time (TmstFirma, TmstFirmaEnv) is missing or not a date and time, so the "
        "certificate was judged now, "
    )
    assert reasons[0].endswith(": not valid then (valid 2020-01-01..2021-01-01)")


@pytest.mark.parametrize(
    ("xml", "check"),
    [
        (b"", "xml"),
        (b"not xml at all", "xml"),
        (b"<DTE><Documento", "xml"),
        (b"<Factura/>", "structure"),
        (b"<DTE/>", "structure"),
        (b'<?xml version="1.0"?><!DOCTYPE DTE [<!ENTITY a "b">]><DTE>&a;</DTE>', "xml"),
        (b"<EnvioDTE><SetDTE/></EnvioDTE>", "signature"),
        ("<DTE><Documento ID='x'/></DTE>", "signature"),
    ],
)
def test_hostile_or_broken_input_is_a_failure_not_an_exception(
    xml: bytes | str, check: str
) -> None:
    result = verify(xml)
    assert not result.ok
    assert check in {f.check for f in result.failures}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_verify_never_raises_on_arbitrary_input(data: bytes | str) -> None:
    result = verify(data)
    assert not result.ok


@settings(max_examples=60, deadline=None)
@given(position=st.integers(min_value=0), replacement=st.sampled_from(list(b"<>&\"'x0 ")))
def test_verify_never_raises_on_a_corrupted_real_document(position: int, replacement: int) -> None:
    xml = bytearray(_real("DTE--96670340-7--61--110616.xml"))
    xml[position % len(xml)] = replacement
    verify(bytes(xml))


def test_str_of_a_verification_names_what_failed() -> None:
    result = verify(b"<Factura/>")
    assert (
        str(result)
        == "not verified: structure: expected DTE, EnvioDTE, EnvioBOLETA, RespuestaDTE or "
        "EnvioRecibos, got <Factura>"
    )


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_real_document_still_verifies_with_the_sii_namespace_restored(path: Path) -> None:
    # cl-sii's "cleaned" variants: the root gets xmlns back. Documents signed without a namespace
    # then verify through the namespace-stripped form, MiPyme ones through the inclusive form.
    cleaned = path.read_bytes().replace(
        b'<DTE version="1.0">', b'<DTE xmlns="http://www.sii.cl/SiiDte" version="1.0">', 1
    )
    result = verify(cleaned, check_caf=True)
    assert result.ok, str(result)


def test_a_real_document_inside_an_envelope_verifies_in_the_envelope_context() -> None:
    # Inside an EnvioDTE the inherited xmlns:xsi changes the inclusive C14N; the verifier falls
    # back to the exclusive form, as the SII does with the documents it receives.
    dte = _real("DTE--96670340-7--61--110616.xml").split(b"?>", 1)[1]
    wrapped = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b'<EnvioDTE xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.0">'
        b'<SetDTE ID="SetDoc">' + dte + b"</SetDTE></EnvioDTE>"
    )
    failures = verify(wrapped).failures
    assert [(f.check, f.reason) for f in failures] == [("signature", "the envelope is not signed")]


def test_a_timbre_stamped_after_the_caf_expired_is_detected(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    caf = make_test_caf(
        rut=EMISOR_RUT, razon_social="X", dte_type=33, issued_on=dt.date(2026, 1, 1)
    )
    # issue() refuses an expired CAF; switch that check off to forge such a document.
    monkeypatch.setattr(Caf, "is_expired", lambda self, on=None: False)
    xml = issue(make_document(33), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    monkeypatch.undo()
    reasons = [(f.check, f.reason) for f in verify(xml).failures]
    assert reasons == [("ted", "stamped on 2026-11-27 but the CAF's folios expired on 2026-07-01")]


def test_a_timbre_stamped_before_its_caf_was_authorized_is_detected(
    certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    caf = make_test_caf(
        rut=EMISOR_RUT, razon_social="X", dte_type=39, issued_on=dt.date(2026, 12, 1)
    )
    # issue() refuses such a CAF; switch that check off to forge such a document.
    monkeypatch.setattr(Caf, "is_not_yet_authorized", lambda self, on=None: False)
    xml = issue(make_document(39), caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    monkeypatch.undo()
    reasons = [(f.check, f.reason) for f in verify(xml).failures]
    assert reasons == [
        ("ted", "stamped on 2026-11-27, before the CAF was authorized on 2026-12-01")
    ]


def _caf_element(xml: bytes) -> bytes:
    match = re.search(rb"<CAF version=\"1.0\">.*?</CAF>", xml, re.S)
    assert match is not None
    return match.group(0)


def test_each_timbre_is_checked_against_its_own_caf_after_others_were_read(
    certificate: Certificate, issued: dict[int, bytes]
) -> None:
    other_caf = make_test_caf(
        rut=EMISOR_RUT,
        razon_social="Comercial Ñandú & Hijos Ltda.",
        dte_type=33,
        folio_from=101,
        folio_to=200,
        issued_on=dt.date(2026, 11, 1),
    )
    other = issue(
        make_document(33, folio=150), caf=other_caf, certificate=certificate, timestamp=SIGNED_AT
    )
    assert verify(issued[33]).ok
    assert verify(other).ok
    swapped = issued[33].replace(_caf_element(issued[33]), _caf_element(other))
    reasons = {(f.check, f.reason) for f in verify(swapped).failures}
    assert ("ted", "FRMT does not verify with the CAF key over DD") in reasons
    assert ("ted", "folio '1' is outside the CAF range 101..200") in reasons
    assert verify(issued[33]).ok


def test_a_certificate_seen_before_is_still_compared_with_the_key_value() -> None:
    xml = _real("DTE--60910000-1--33--2336600.xml")
    assert verify(xml).ok
    other_modulus = re.search(
        rb"<Modulus>(.*?)</Modulus>", _real("DTE--96670340-7--61--110616.xml"), re.S
    )
    assert other_modulus is not None
    tampered = re.sub(
        rb"(<Modulus>).*?(</Modulus>)", rb"\g<1>" + other_modulus.group(1) + rb"\2", xml, flags=re.S
    )
    reasons = {(f.check, f.reason) for f in verify(tampered).failures}
    assert reasons == {("key", "X509Certificate and KeyValue hold different keys")}


_X509_DATA = re.compile(rb"<X509Data>.*?</X509Data>", re.S)
_EXPONENT = re.compile(rb"<Exponent>.*?</Exponent>", re.S)


_NO_CERTIFICATE = (
    "certificate",
    "KeyInfo has no X509Certificate: the SII's schema requires the signer's certificate, "
    "without which nobody can tell who signed or whether the certificate was valid then",
)


def test_a_key_value_without_a_certificate_checks_the_signature_but_fails_the_profile(
    issued: dict[int, bytes],
) -> None:
    # The KeyValue's key still checks the signature (no "signature" failure), but the SII's
    # xmldsignature_v10.xsd requires X509Data: the missing certificate is what fails.
    result = verify(_X509_DATA.sub(b"", issued[33]))
    assert [(f.check, f.reason) for f in result.failures] == [_NO_CERTIFICATE]


def test_an_unusable_key_value_without_a_certificate_is_no_key(issued: dict[int, bytes]) -> None:
    # An even exponent makes no RSA key.
    broken = _EXPONENT.sub(b"<Exponent>Ag==</Exponent>", _X509_DATA.sub(b"", issued[33]))
    reasons = [(f.check, f.reason) for f in verify(broken).failures]
    assert reasons == [("key", "no usable RSA key in KeyInfo"), _NO_CERTIFICATE]


def test_a_certificate_without_a_key_value_fails_the_profile(issued: dict[int, bytes]) -> None:
    # The certificate's key checks the signature; the schema requires KeyValue beside it.
    without = re.sub(rb"<KeyValue>.*?</KeyValue>", b"", issued[33], flags=re.S)
    reasons = [(f.check, f.reason) for f in verify(without).failures]
    assert reasons == [
        (
            "key",
            "KeyInfo has no KeyValue with RSAKeyValue's Modulus and Exponent, which the SII's "
            "schema requires beside the certificate",
        )
    ]


def test_an_unusable_key_value_next_to_a_certificate_is_ignored(issued: dict[int, bytes]) -> None:
    result = verify(_EXPONENT.sub(b"<Exponent>Ag==</Exponent>", issued[33]))
    assert result.ok, str(result)


@pytest.mark.parametrize("chain_first", [True, False], ids=["issuer-first", "signer-first"])
def test_a_certificate_chain_in_x509_data_is_named_as_outside_the_profile(
    issued: dict[int, bytes], chain_first: bool
) -> None:
    # The SII's xmldsignature_v10.xsd allows one X509Certificate: a chain in either order is
    # refused, and the failure says so first instead of only "different keys".
    signer = _certificate_of(issued[33])
    issuer = _certificate_of(_real("DTE--96670340-7--61--110616.xml"))
    pair = (issuer, signer) if chain_first else (signer, issuer)
    chain = b"".join(b"<X509Certificate>" + c + b"</X509Certificate>" for c in pair)
    result = verify(_X509_DATA.sub(b"<X509Data>" + chain + b"</X509Data>", issued[33]))
    assert not result.ok
    first = result.failures[0]
    assert first.check == "certificate"
    assert first.reason.startswith("X509Data holds 2 X509Certificate elements; the SII's schema")
    if not chain_first:  # the signer's certificate read: the profile is all that fails
        assert len(result.failures) == 1


def _answers(issued: dict[int, bytes], certificate: Certificate) -> dict[str, bytes]:
    from haulmer.sii import Resultado, envio_recibos, resultado_comercial

    from .answers import ANSWERED_AT, RECEPTOR, received_envelope

    received = received_envelope([issued[33], issued[61]], certificate)
    common = {"certificate": certificate, "rut_receptor": RECEPTOR, "timestamp": ANSWERED_AT}
    return {
        "RespuestaDTE": resultado_comercial(
            received, id_respuesta=1, cod_envio=1, resultados=Resultado(0), **common
        ),
        "EnvioRecibos": envio_recibos(received, recinto="Bodega", **common),
    }


def test_a_receiver_s_answers_are_verified_signature_by_signature(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    answers = _answers(issued, certificate)
    respuesta = verify(answers["RespuestaDTE"])
    assert respuesta.ok, str(respuesta)
    assert respuesta.passed == ("signature RespuestaDTE ResultadoEnvio",)
    recibos = verify(answers["EnvioRecibos"])
    assert recibos.ok, str(recibos)
    assert recibos.passed == (
        "signature EnvioRecibos SetDteRecibidos",
        "signature Recibo R1T33",
        "signature Recibo R1T61",
    )


@pytest.mark.parametrize("kind", ["RespuestaDTE", "EnvioRecibos"])
def test_an_answer_signed_twice_is_refused_as_the_sii_schema_allows_one_signature(
    issued: dict[int, bytes], certificate: Certificate, kind: str
) -> None:
    answer = _answers(issued, certificate)[kind]
    start = answer.rindex(b"<Signature ")
    end = answer.rindex(b"</Signature>") + len(b"</Signature>")
    doubled = answer[:end] + answer[start:end] + answer[end:]
    failures = verify(doubled).failures
    assert [(f.check, f.reason) for f in failures] == [("signature", "2 signatures, expected 1")]


def test_a_tampered_or_unsigned_answer_fails_verification(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    answers = _answers(issued, certificate)
    tampered = answers["RespuestaDTE"].replace(b"<EstadoDTE>0<", b"<EstadoDTE>2<", 1)
    assert [f.check for f in verify(tampered).failures] == ["digest"]
    unsigned = re.sub(rb"<Signature .*</Signature>", b"", answers["RespuestaDTE"], flags=re.S)
    assert [str(f) for f in verify(unsigned).failures] == [
        "signature [RespuestaDTE ResultadoEnvio]: the RespuestaDTE is not signed"
    ]
    recibo_unsigned = re.sub(
        rb"(</DocumentoRecibo>)<Signature .*?</Signature>",
        rb"\1",
        answers["EnvioRecibos"],
        count=1,
        flags=re.S,
    )
    failures = verify(recibo_unsigned).failures
    assert "signature [Recibo R1T33]: the Recibo is not signed" in [str(f) for f in failures]


def test_an_answer_with_a_second_signed_part_fails_as_ambiguous(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    answer = _answers(issued, certificate)["RespuestaDTE"]
    part = re.search(rb'<Resultado ID="ResultadoEnvio">.*?</Resultado>', answer, re.S)
    assert part is not None
    doubled = answer.replace(
        part.group(), part.group() + part.group().replace(b"ResultadoEnvio", b"Otro"), 1
    )
    checks = {f.check for f in verify(doubled).failures}
    assert "structure" in checks


def _signed_with(sii: dict[str, Any], cafs: dict[int, Caf], certificate: Certificate) -> bytes:
    """A factura 33 stamped and signed as given, without the document rules' checks."""
    return stamp_and_sign(sii, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)


def test_a_wrong_check_digit_written_alike_in_document_and_timbre_is_a_rut_failure(
    cafs: dict[int, Caf], certificate: Certificate
) -> None:
    sii = make_document(33).to_sii_dict()
    sii["Encabezado"]["Receptor"]["RUTRecep"] = "96790240-4"  # its check digit is 3
    xml = _signed_with(sii, cafs, certificate)
    assert b"<RR>96790240-4</RR>" in xml  # the timbre says the same: no disagreement
    result = verify(xml)
    assert not result.ok
    assert [(f.check, f.reason) for f in result.failures] == [
        (
            "rut",
            "RUTRecep and DD/RR '96790240-4' have a wrong check digit: the check digit of "
            "96790240 is 3 (96790240-3), and the SII refuses a RUT whose check digit is wrong",
        )
    ]
    assert any(passed.startswith("ted ") for passed in result.passed)


def test_a_caf_whose_re_has_a_wrong_check_digit_is_a_rut_failure(
    certificate: Certificate,
) -> None:
    # The SII validates the CAF's RE too: a CAF for 96790240-4 (its check digit is 3) stamps a
    # document whose RUTEmisor and DD/RE agree with it, and all three are named.
    caf = make_test_caf(
        rut="96790240-4", razon_social="EMISOR", dte_type=33, issued_on=dt.date(2026, 11, 1)
    )
    sii = make_document(33).to_sii_dict()
    sii["Encabezado"]["Emisor"]["RUTEmisor"] = "96790240-4"
    xml = stamp_and_sign(sii, caf=caf, certificate=certificate, timestamp=SIGNED_AT)
    assert b"<RE>96790240-4</RE>" in xml
    failures = [(f.check, f.reason) for f in verify(xml).failures if f.check != "signature"]
    assert failures == [
        (
            "rut",
            "RUTEmisor and DD/RE and CAF/DA/RE '96790240-4' have a wrong check digit: the check "
            "digit of 96790240 is 3 (96790240-3), and the SII refuses a RUT whose check digit is "
            "wrong",
        )
    ]


def test_the_documents_of_every_type_have_right_check_digits(issued: dict[int, bytes]) -> None:
    for tipo, xml in issued.items():
        assert not [f for f in verify(xml).failures if f.check == "rut"], tipo


def test_every_rut_parse_refuses_for_its_check_digit_is_a_rut_failure(
    cafs: dict[int, Caf], certificate: Certificate
) -> None:
    # parse() refuses a wrong check digit in any RUT field; a signed document holding one in
    # RUTMandante, RUTSolicita, the Transporte's RUTs or a Referencia's RUTOtr verified.
    sii = make_document(33).to_sii_dict()
    encabezado = sii["Encabezado"]
    encabezado["RUTMandante"] = "11111111-2"  # its check digit is 1
    encabezado["RUTSolicita"] = "22222222-3"  # 2
    encabezado["Transporte"] = {
        "RUTTrans": "33333333-4",  # 3
        "Chofer": {"RUTChofer": "44444444-5", "NombreChofer": "Juan"},  # 4
        "Aduana": {"RUTCiaTransp": "55555555-6"},  # 5
    }
    sii["Referencia"] = [
        {
            "NroLinRef": 1,
            "TpoDocRef": "801",
            "FolioRef": "1",
            "RUTOtr": "66666666-7",
            "FchRef": "2026-11-01",
        },  # 6
    ]
    xml = _signed_with(sii, cafs, certificate)
    with pytest.raises(DocumentError):
        parse(xml)
    failures = [
        (f.check, f.reason.split(" have ")[0].split(" has ")[0]) for f in verify(xml).failures
    ]
    assert failures == [
        ("rut", "RUTMandante '11111111-2'"),
        ("rut", "RUTSolicita '22222222-3'"),
        ("rut", "Transporte/RUTTrans '33333333-4'"),
        ("rut", "Transporte/Chofer/RUTChofer '44444444-5'"),
        ("rut", "Transporte/Aduana/RUTCiaTransp '55555555-6'"),
        ("rut", "Referencia[1]/RUTOtr '66666666-7'"),
    ]


@pytest.mark.parametrize("declared", ["ISO-8859-1", "windows-1252"])
def test_a_dte_re_encoded_to_utf8_under_its_eight_bit_declaration_is_named_so(
    issued: dict[int, bytes], declared: str
) -> None:
    # Stored as UTF-8 text and encoded back as UTF-8, the declaration still saying ISO-8859-1:
    # every Ñ reads as two characters, the digest and the timbre fail, and the failures say why.
    text = issued[33].decode("iso-8859-1").replace("ISO-8859-1", declared, 1)
    reencoded = text.encode("utf-8")
    result = verify(reencoded)
    assert not result.ok
    assert str(result.failures[-1]) == (
        f"xml: the bytes are UTF-8 but the XML declaration says {declared}: they were "
        f"re-encoded after signing (stored as UTF-8 text?); give "
        f"xml.decode('utf-8').encode('{declared}'), or the bytes issue() returned"
    )
    assert verify(reencoded.decode("utf-8").encode(declared)).ok


def test_a_failing_dte_in_its_declared_encoding_gets_no_encoding_hint(
    issued: dict[int, bytes],
) -> None:
    tampered = issued[33].replace(b"Martillo", b"Serrucho", 1)
    assert all(failure.check != "xml" for failure in verify(tampered).failures)


def test_a_timbre_with_an_accented_element_name_added_is_reported_as_altered(
    issued: dict[int, bytes],
) -> None:
    """An element in another namespace named in Spanish (``Añadido``) put into the DD: its
    namespace-free copy, which the FRMT check reads, must hold such a name; the document is
    reported as changed, not as ``cannot be verified: XMLSyntaxError``."""
    altered = issued[33].replace(
        b"<TSTED>", '<Añadido xmlns="urn:erp">1</Añadido><TSTED>'.encode("iso-8859-1")
    )
    failures = verify(altered).failures
    assert [f for f in failures if f.check == "xml"] == []
    assert ("ted", "FRMT does not verify with the CAF key over DD") in [
        (f.check, f.reason) for f in failures
    ]


def _signature_moved_before(xml: bytes, signed_start: bytes) -> bytes:
    """``xml`` with its last Signature moved to just before the element opening with
    ``signed_start``: the signed bytes are unchanged, their order is not the schema's."""
    start = xml.rindex(b"<Signature ")
    end = xml.rindex(b"</Signature>") + len(b"</Signature>")
    signature, rest = xml[start:end], xml[:start] + xml[end:]
    at = rest.index(signed_start)
    return rest[:at] + signature + rest[at:]


@pytest.mark.parametrize(
    "name", ["DTE--60910000-1--33--2336600.xml", "DTE--96670340-7--61--110616.xml"]
)
def test_a_real_document_whose_signature_precedes_its_documento_fails(name: str) -> None:
    """The SII's DTE schema has Documento then Signature; a Signature before it still matched
    its digest and passed verify(), which only the schema check refused."""
    moved = _signature_moved_before(_real(name), b"<Documento ")
    assert moved != _real(name)
    failures = verify(moved).failures
    assert [(f.check, f.reason) for f in failures] == [
        (
            "structure",
            "the Signature stands before the Documento it signs: the SII's schema has it after",
        )
    ]


def test_an_issued_document_whose_signature_precedes_its_documento_fails(
    issued: dict[int, bytes],
) -> None:
    moved = _signature_moved_before(issued[33], b"<Documento ")
    assert [f.check for f in verify(moved).failures] == ["structure"]


def test_an_envelope_whose_signature_precedes_its_set_dte_fails(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    from .answers import received_envelope

    envio = received_envelope([issued[33]], certificate)
    assert verify(envio).ok
    moved = _signature_moved_before(envio, b"<SetDTE ")
    assert [(f.check, f.reason) for f in verify(moved).failures] == [
        (
            "structure",
            "the Signature stands before the SetDTE it signs: the SII's schema has it after",
        )
    ]


@pytest.mark.parametrize(
    ("kind", "signed_start"),
    [("RespuestaDTE", b"<Resultado "), ("EnvioRecibos", b"<SetRecibos ")],
)
def test_an_answer_whose_signature_precedes_its_signed_part_fails(
    issued: dict[int, bytes], certificate: Certificate, kind: str, signed_start: bytes
) -> None:
    moved = _signature_moved_before(_answers(issued, certificate)[kind], signed_start)
    assert [f.check for f in verify(moved).failures] == ["structure"]


@pytest.mark.parametrize(
    ("flag", "value"), [("allow_test_cafs", "false"), ("allow_test_cafs", 0), ("check_caf", "no")]
)
def test_a_yes_or_no_option_of_verify_that_is_no_bool_is_refused(
    issued: dict[int, bytes], flag: str, value: object
) -> None:
    """verify(..., allow_test_cafs="false") took the text as true and passed a document stamped
    with a test CAF as ok."""
    from haulmer.errors import ValidationError

    options: dict[str, Any] = {"check_caf": True, flag: value}
    with pytest.raises(ValidationError, match=rf"^{flag} must be True or False, not "):
        verify(issued[33], **options)
    assert not verify(issued[33], check_caf=True, allow_test_cafs=False).ok
