"""envelope(): EnvioDTE and EnvioBOLETA, signed over #SetDoc with the xsi namespace in scope."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from built_documents import built_documents
from haulmer.dte.document import Document
from haulmer.errors import DocumentError, InvalidRutError, XMLError
from haulmer.pfx import Certificate
from haulmer.rut import Rut
from haulmer.sii import Caf, Caratula, envelope, issue, parse_all, validate_schema, verify
from haulmer.sii._xml import parse_xml
from haulmer.testing.certificates import make_test_certificate
from signers import emisor_cafs, xmlsec1_verify

from .conftest import EMISOR_RUT, FIXTURES, SIGNED_AT, make_document
from .resigning import resign, resign_envelope

CARATULA = Caratula(
    rut_emisor=EMISOR_RUT, fecha_resolucion=dt.date(2026, 1, 15), numero_resolucion=0
)
ENVELOPE_SIGNATURE = "/*/*[local-name()='Signature']"
SII = "{http://www.sii.cl/SiiDte}"


@pytest.fixture(scope="module")
def envio_dte(issued: dict[int, bytes], certificate: Certificate) -> bytes:
    documents = [issued[t] for t in (33, 34, 46, 52, 56, 61)]
    return envelope(documents, certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)


@pytest.fixture(scope="module")
def envio_boleta(issued: dict[int, bytes], certificate: Certificate) -> bytes:
    return envelope(
        [issued[39], issued[41]], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT
    )


def test_envio_dte_validates_against_the_xsd(envio_dte: bytes) -> None:
    validate_schema(envio_dte)


def test_envio_boleta_validates_against_the_xsd(envio_boleta: bytes) -> None:
    assert parse_xml(envio_boleta).tag == f"{SII}EnvioBOLETA"
    validate_schema(envio_boleta)


@pytest.mark.parametrize("name", ["envio_dte", "envio_boleta"])
def test_envelope_signature_verifies_with_xmlsec1(
    name: str, request: pytest.FixtureRequest, certificate: Certificate, tmp_path: Path
) -> None:
    xml = request.getfixturevalue(name)
    result = xmlsec1_verify(
        xml,
        tmp_path,
        id_attr="SetDTE",
        certificate_pem=certificate.certificate_pem,
        node_xpath=ENVELOPE_SIGNATURE,
    )
    assert result.returncode == 0, result.stderr


def test_every_signature_and_timbre_in_the_envelope_verifies(envio_dte: bytes) -> None:
    result = verify(envio_dte, check_caf=True, allow_test_cafs=True)
    assert result.ok, str(result)
    assert result.passed[0] == "signature EnvioDTE SetDoc"
    assert len(result.passed) == 1 + 3 * 6


def test_signed_documents_go_in_verbatim(envio_dte: bytes, issued: dict[int, bytes]) -> None:
    body = issued[33].split(b"?>", 1)[1].strip()
    assert body in envio_dte


@pytest.mark.parametrize("as_text", [False, True])
def test_a_signed_document_saved_with_a_byte_order_mark_is_enveloped(
    issued: dict[int, bytes], certificate: Certificate, as_text: bool
) -> None:
    # Windows tools save UTF-8 with a BOM; parse() reads such a file, so envelope() must too.
    utf8 = issued[33].decode("iso-8859-1").replace("ISO-8859-1", "UTF-8", 1)
    saved: bytes | str = "\ufeff" + utf8 if as_text else b"\xef\xbb\xbf" + utf8.encode("utf-8")
    envio = envelope([saved], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    assert issued[33].split(b"?>", 1)[1].strip() in envio
    assert verify(envio, allow_test_cafs=True).ok


def test_caratula_counts_documents_by_type_and_names_the_sender(envio_dte: bytes) -> None:
    caratula = parse_xml(envio_dte).find(f"{SII}SetDTE/{SII}Caratula")
    assert caratula is not None
    assert caratula.findtext(f"{SII}RutEnvia") == "11111111-1"
    assert caratula.findtext(f"{SII}RutReceptor") == "60803000-K"
    assert caratula.findtext(f"{SII}NroResol") == "0"
    assert caratula.findtext(f"{SII}TmstFirmaEnv") == SIGNED_AT.isoformat()
    subtotals = [
        (s.findtext(f"{SII}TpoDTE"), s.findtext(f"{SII}NroDTE"))
        for s in caratula.findall(f"{SII}SubTotDTE")
    ]
    assert subtotals == [
        ("33", "1"),
        ("34", "1"),
        ("46", "1"),
        ("52", "1"),
        ("56", "1"),
        ("61", "1"),
    ]


def test_envelope_signed_info_declares_xsi(envio_dte: bytes) -> None:
    assert b'<SignedInfo xmlns="http://www.w3.org/2000/09/xmldsig#" xmlns:xsi=' in envio_dte


def test_parse_all_reads_every_document(envio_dte: bytes) -> None:
    assert [int(d.tipo_dte) for d in parse_all(envio_dte)] == [33, 34, 46, 52, 56, 61]


def test_tampering_with_the_caratula_breaks_the_envelope_signature(envio_dte: bytes) -> None:
    tampered = envio_dte.replace(b"<NroResol>0</NroResol>", b"<NroResol>1</NroResol>")
    failures = verify(tampered).failures
    assert [(f.check, f.where) for f in failures] == [("digest", "EnvioDTE SetDoc")]


def test_removing_the_envelope_signature_is_detected(envio_dte: bytes) -> None:
    head, _, _ = envio_dte.rpartition(b"<Signature ")
    unsigned = head + b"</EnvioDTE>"
    failures = verify(unsigned).failures
    assert [(f.check, f.reason) for f in failures] == [("signature", "the envelope is not signed")]


def test_an_envelope_signature_over_another_set_than_the_one_read_is_refused(
    envio_dte: bytes, issued: dict[int, bytes]
) -> None:
    # Signature wrapping: a second SetDTE, unsigned by the envelope, is put first; verify and
    # parse_all read the first SetDTE, so the envelope signature must cover that one.
    start = envio_dte.index(b"<SetDTE")
    caratula = envio_dte[envio_dte.index(b"<Caratula", start) : envio_dte.index(b"<DTE ", start)]
    foreign = issued[39].split(b"?>", 1)[1].strip()
    wrapped = (
        envio_dte[:start]
        + b'<SetDTE ID="Other">'
        + caratula
        + foreign
        + b"</SetDTE>"
        + envio_dte[start:]
    )
    result = verify(wrapped)
    assert not result.ok
    assert ("signature", "EnvioDTE Other") in [(f.check, f.where) for f in result.failures]
    assert "signature EnvioDTE Other" not in result.passed


def test_boletas_and_facturas_cannot_share_an_envelope(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    with pytest.raises(DocumentError, match="EnvioBOLETA"):
        envelope([issued[33], issued[39]], certificate=certificate, caratula=CARATULA)


def test_documents_of_another_issuer_are_refused(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    other = Caratula(
        rut_emisor="96790240-3", fecha_resolucion=dt.date(2026, 1, 1), numero_resolucion=0
    )
    with pytest.raises(DocumentError) as info:
        envelope([issued[33], issued[34]], certificate=certificate, caratula=other)
    assert str(info.value).startswith(
        f"Caratula.rut_emisor is 96790240-3 but signed_documents[0] ({EMISOR_RUT}), "
        f"signed_documents[1] ({EMISOR_RUT}) are issued by {EMISOR_RUT}: an envelope carries "
        "the documents of one issuer; set Caratula(rut_emisor=...) to their RUTEmisor"
    )
    assert [d.field for d in info.value.details] == [
        "signed_documents[0].RUTEmisor",
        "signed_documents[1].RUTEmisor",
    ]


@pytest.mark.parametrize("field", ["rut_emisor", "rut_receptor", "rut_envia"])
def test_a_caratula_rut_with_a_wrong_check_digit_is_refused_naming_the_field(field: str) -> None:
    ruts = {"rut_emisor": EMISOR_RUT, "rut_receptor": "60803000-K", "rut_envia": "13185095-6"}
    ruts[field] = "1-1"
    with pytest.raises(InvalidRutError, match=rf"^Caratula\.{field}: the RUT 1-1 has the wrong"):
        Caratula(fecha_resolucion=dt.date(2026, 1, 1), numero_resolucion=0, **ruts)


def test_caratula_ruts_are_parsed_into_ruts() -> None:
    caratula = Caratula(
        rut_emisor="76.086.428-5",
        fecha_resolucion=dt.date(2026, 1, 1),
        numero_resolucion=0,
        rut_envia=Rut("13185095-6"),
    )
    assert caratula.rut_emisor == Rut("76086428-5")
    assert caratula.rut_receptor == Rut("60803000-K")
    assert caratula.rut_envia == Rut("13185095-6")
    assert dataclasses.replace(caratula, numero_resolucion=80) == Caratula(
        "76086428-5", dt.date(2026, 1, 1), 80, rut_envia="13185095-6"
    )


def test_unsigned_or_foreign_xml_is_refused(certificate: Certificate) -> None:
    with pytest.raises(XMLError, match="not signed"):
        envelope([b"<DTE/>"], certificate=certificate, caratula=CARATULA)
    with pytest.raises(XMLError, match="not a signed <DTE>"):
        envelope([b"<Foo/>"], certificate=certificate, caratula=CARATULA)


def test_an_empty_envelope_is_refused(certificate: Certificate) -> None:
    with pytest.raises(DocumentError, match="at least one"):
        envelope([], certificate=certificate, caratula=CARATULA)


def test_more_than_500_boletas_are_refused(certificate: Certificate, cafs: dict[int, Caf]) -> None:
    boleta = issue(make_document(39), caf=cafs[39], certificate=certificate, timestamp=SIGNED_AT)
    copies = [boleta.replace(b'ID="F1T39"', f'ID="F{n}T39"'.encode()) for n in range(501)]
    with pytest.raises(DocumentError, match="at most 500"):
        envelope(copies, certificate=certificate, caratula=CARATULA)


def test_the_same_document_twice_is_refused(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    with pytest.raises(DocumentError, match=r"signed_documents\[1\] repeats the document 'F1T33'"):
        envelope([issued[33], issued[33]], certificate=certificate, caratula=CARATULA)


@pytest.mark.parametrize("numero", [-1, 1_000_000])
def test_a_resolution_number_the_schema_cannot_carry_is_refused(
    issued: dict[int, bytes], certificate: Certificate, numero: int
) -> None:
    # NroResol is a nonNegativeInteger of at most 6 digits in both envelope schemas.
    caratula = dataclasses.replace(CARATULA, numero_resolucion=numero)
    with pytest.raises(DocumentError, match=r"numero_resolucion .*6 digits"):
        envelope([issued[33]], certificate=certificate, caratula=caratula)


def test_a_certificate_without_rut_needs_rut_envia(issued: dict[int, bytes]) -> None:
    anonymous = make_test_certificate(rut=None)
    with pytest.raises(DocumentError, match="rut_envia"):
        envelope([issued[33]], certificate=anonymous, caratula=CARATULA)
    explicit = Caratula(
        rut_emisor=EMISOR_RUT,
        fecha_resolucion=dt.date(2026, 1, 1),
        numero_resolucion=0,
        rut_envia="13185095-6",
    )
    xml = envelope([issued[33]], certificate=anonymous, caratula=explicit)
    assert b"<RutEnvia>13185095-6</RutEnvia>" in xml


def test_every_signature_and_timbre_in_the_boleta_envelope_verifies(envio_boleta: bytes) -> None:
    result = verify(envio_boleta, check_caf=True, allow_test_cafs=True)
    assert result.ok, str(result)
    assert result.passed[0] == "signature EnvioBOLETA SetDoc"


def _with_root(xml: bytes, old: str, new: str) -> bytes:
    """``xml`` with its root element renamed: the envelope's signature covers the SetDTE only,
    so it still holds."""
    return xml.replace(f"<{old} ".encode(), f"<{new} ".encode(), 1).replace(
        f"</{old}>".encode(), f"</{new}>".encode()
    )


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        pytest.param(
            "envio_boleta",
            "EnvioBOLETA",
            "EnvioDTE",
            "an EnvioDTE holds no boleta (39, 41): boletas travel in an EnvioBOLETA, and this "
            "one holds types 39, 41",
            id="boletas-in-an-envio-dte",
        ),
        pytest.param(
            "envio_dte",
            "EnvioDTE",
            "EnvioBOLETA",
            "an EnvioBOLETA holds boletas (39, 41) only: other types travel in an EnvioDTE, and "
            "this one holds types 33, 34, 46, 52, 56, 61",
            id="facturas-in-an-envio-boleta",
        ),
    ],
)
def test_an_envelope_of_the_wrong_kind_for_its_documents_fails_verification(
    name: str, old: str, new: str, expected: str, request: pytest.FixtureRequest
) -> None:
    wrong = _with_root(request.getfixturevalue(name), old, new)
    result = verify(wrong, check_caf=True, allow_test_cafs=True)
    assert [(f.check, f.reason) for f in result.failures] == [("structure", expected)]
    assert f"signature {new} SetDoc" in result.passed  # the signatures themselves still hold


def test_more_than_2000_documents_are_refused(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    with pytest.raises(DocumentError, match="at most 2000"):
        envelope([issued[33]] * 2001, certificate=certificate, caratula=CARATULA)


def test_two_thousand_documents_fit_one_envio_dte(certificate: Certificate) -> None:
    caf = emisor_cafs([33], folio_to=2000)[33]
    document = make_document(33, lines=1).checked(for_stamping=True)
    signed = [
        issue(document, caf=caf, certificate=certificate, timestamp=SIGNED_AT, folio=n)
        for n in range(1, 2001)
    ]
    xml = envelope(signed, certificate=certificate, caratula=CARATULA)
    assert xml.count(b"<DTE ") == 2000
    assert b"<SubTotDTE><TpoDTE>33</TpoDTE><NroDTE>2000</NroDTE></SubTotDTE>" in xml


@pytest.mark.parametrize("stored", [False, True], ids=["as-given", "stored-as-text"])
def test_a_dte_that_does_not_verify_leaves_in_no_envelope(
    issued: dict[int, bytes], certificate: Certificate, stored: bool
) -> None:
    # A renumbered copy: its signature names an ID no element has any more, and the SII would
    # reject it. Read back from storage (text, not the bytes issue() returned), it is checked
    # with verify() like any DTE from elsewhere.
    good = issued[33].decode("iso-8859-1") if stored else issued[33]
    renumbered = issued[33].replace(b'ID="F1T33"', b'ID="F7T33"')
    with pytest.raises(DocumentError) as raised:
        envelope([good, renumbered], certificate=certificate, caratula=CARATULA)
    assert str(raised.value).startswith("signed_documents[1] does not verify (signature [DTE")
    assert "the SII would reject it" in str(raised.value)
    assert {d.field for d in raised.value.details} == {"signed_documents[1]"}


def test_signed_documents_may_come_as_text(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    as_text = issued[33].decode("iso-8859-1")
    xml = envelope([as_text], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    assert "Ñandú".encode("iso-8859-1") in xml
    assert verify(xml, check_caf=True, allow_test_cafs=True).ok


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_signed_documents_may_come_as_bytes_like_buffers(
    kind: type, issued: dict[int, bytes], certificate: Certificate
) -> None:
    as_bytes = envelope(
        [issued[33]], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT
    )
    as_buffer = envelope(
        [kind(issued[33])], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT
    )
    assert as_buffer == as_bytes


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview, str])
def test_one_document_given_for_the_sequence_is_refused_as_one_document(
    kind: type, issued: dict[int, bytes], certificate: Certificate
) -> None:
    """A memoryview is a Sequence of ints: taken as a list it would be refused byte by byte."""
    one = issued[33].decode("iso-8859-1") if kind is str else kind(issued[33])
    with pytest.raises(TypeError, match="a sequence of signed DTEs, not one document"):
        envelope(one, certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)


@pytest.mark.parametrize(
    "variant",
    [
        "as-issued",
        "as-text",
        "utf-8",
        "with-comment",
        "comment-beside",
        "with-bom",
        "windows-1252",
    ],
)
def test_the_envelope_is_hashed_from_its_parts_exactly_as_if_parsed_whole(
    variant: str,
    issued: dict[int, bytes],
    certificate: Certificate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from haulmer.sii import envelopes

    def vary(xml: bytes) -> bytes | str:
        text = xml.decode("iso-8859-1")
        return {
            "as-issued": xml,
            "as-text": text,
            "utf-8": text.replace("ISO-8859-1", "UTF-8").encode("utf-8"),
            "with-comment": xml.replace(b"</DTE>", b"<!-- archived --></DTE>"),
            "comment-beside": xml.replace(b"\n<DTE ", b"\n<!-- saved -->\n<DTE ", 1) + b"\n",
            "with-bom": b"\xef\xbb\xbf" + text.replace("ISO-8859-1", "UTF-8").encode("utf-8"),
            "windows-1252": xml.replace(b"ISO-8859-1", b"windows-1252", 1),
        }[variant]

    documents = [vary(issued[t]) for t in (33, 34, 61)]
    fast = envelope(documents, certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    monkeypatch.setattr(envelopes, "_canonical_set", lambda documents, caratula: None)
    whole = envelope(documents, certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    assert fast == whole
    assert verify(fast).ok


def test_a_dte_declaring_other_namespaces_is_canonicalized_in_the_whole_envelope(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    odd = issued[33].replace(
        b'<DTE xmlns="http://www.sii.cl/SiiDte"',
        b'<DTE xmlns="http://www.sii.cl/SiiDte" xmlns:x="urn:x"',
        1,
    )
    envio = envelope([odd], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    failures = [(f.check, f.where) for f in verify(envio).failures]
    assert ("signature", "EnvioDTE SetDoc") not in failures


def test_documents_this_process_issued_are_taken_as_written_and_hash_the_same(
    issued: dict[int, bytes], certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.sii import envelopes
    from haulmer.sii.issued_memory import recall

    for tipo, xml in issued.items():
        facts = recall(xml)
        assert facts is not None, tipo
        quick = envelopes._as_issued(xml, facts)
        assert quick == envelopes._read_parsed(xml, 0), tipo
    for group in ([t for t in issued if t not in (39, 41)], [39, 41]):
        documents = [issued[t] for t in group]
        quick_envelope = envelope(
            documents, certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT
        )
        with monkeypatch.context() as patched:
            patched.setattr(envelopes, "recall", lambda data: None)
            patched.setattr(envelopes, "_canonical_set", lambda documents, caratula: None)
            whole = envelope(
                documents, certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT
            )
        assert quick_envelope == whole
        assert verify(quick_envelope).ok


def test_a_document_changed_after_it_was_issued_is_parsed_again(issued: dict[int, bytes]) -> None:
    from haulmer.sii.issued_memory import recall

    changed = issued[33].replace(b"</DTE>", b"<!-- x --></DTE>")
    assert recall(issued[33]) is not None
    assert recall(changed) is None


def test_the_memory_of_issued_documents_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from haulmer.sii import issued_memory

    monkeypatch.setattr(issued_memory, "LIMIT", 3)
    facts = issued_memory.IssuedFacts(33, EMISOR_RUT, "F1T33")
    for index in range(5):
        issued_memory.remember(b"<DTE>%d</DTE>" % index, facts)
    assert issued_memory.recall(b"<DTE>0</DTE>") is None
    assert issued_memory.recall(b"<DTE>4</DTE>") == facts
    assert len(issued_memory._remembered) <= 3


def test_a_validly_resigned_envelope_with_its_own_caratula_verifies(
    envio_dte: bytes, certificate: Certificate
) -> None:
    # The helper's own check: re-signing what envelope() wrote, unchanged, still verifies.
    same = resign_envelope(envio_dte, certificate, lambda xml: xml)
    assert verify(same, check_caf=True, allow_test_cafs=True).ok


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(
            lambda xml: xml.replace(
                b"<TpoDTE>33</TpoDTE><NroDTE>1</NroDTE>", b"<TpoDTE>33</TpoDTE><NroDTE>2</NroDTE>"
            ),
            "the Caratula's SubTotDTE counts 2 of type 33, 1 of type 34, 1 of type 46, 1 of type "
            "52, 1 of type 56, 1 of type 61, but the set holds 1 of type 33, 1 of type 34, 1 of "
            "type 46, 1 of type 52, 1 of type 56, 1 of type 61",
            id="a-count",
        ),
        pytest.param(
            lambda xml: xml.replace(
                b"<SubTotDTE><TpoDTE>61</TpoDTE><NroDTE>1</NroDTE></SubTotDTE>", b""
            ),
            "the Caratula's SubTotDTE counts 1 of type 33, 1 of type 34, 1 of type 46, 1 of type "
            "52, 1 of type 56, but the set holds 1 of type 33, 1 of type 34, 1 of type 46, 1 of "
            "type 52, 1 of type 56, 1 of type 61",
            id="a-type-left-out",
        ),
        pytest.param(
            lambda xml: xml.replace(
                b"<RutEmisor>76086428-5</RutEmisor>", b"<RutEmisor>96790240-3</RutEmisor>", 1
            ),
            "the DTE 'F1T33' is issued by '76086428-5' but the Caratula's RutEmisor is "
            "'96790240-3': an envelope carries the documents of its issuer",
            id="another-issuer",
        ),
    ],
)
def test_a_caratula_that_disagrees_with_its_set_fails_verification(
    envio_dte: bytes, certificate: Certificate, edit: Any, expected: str
) -> None:
    forged = resign_envelope(envio_dte, certificate, edit)
    result = verify(forged, check_caf=True, allow_test_cafs=True)
    caratula = [f for f in result.failures if f.check == "caratula"]
    assert caratula[0].reason == expected
    assert caratula[0].where == "EnvioDTE SetDoc"
    assert {f.check for f in result.failures} == {"caratula"}  # every signature still holds


def test_a_caratula_rut_written_with_dots_names_the_same_issuer(
    envio_dte: bytes, certificate: Certificate
) -> None:
    dotted = resign_envelope(
        envio_dte,
        certificate,
        lambda xml: xml.replace(
            b"<RutEmisor>76086428-5</RutEmisor>", b"<RutEmisor>76.086.428-5</RutEmisor>", 1
        ),
    )
    assert not [f for f in verify(dotted).failures if f.check == "caratula"]


@pytest.mark.parametrize(
    ("element", "right", "wrong", "number", "digit"),
    [
        ("RutEmisor", "76086428-5", "76086428-4", "76086428", "5"),
        ("RutEnvia", None, None, None, None),
        ("RutReceptor", "60803000-K", "60803000-1", "60803000", "K"),
    ],
)
def test_a_caratula_rut_with_a_wrong_check_digit_is_a_rut_failure(
    envio_dte: bytes,
    certificate: Certificate,
    element: str,
    right: str | None,
    wrong: str | None,
    number: str | None,
    digit: str | None,
) -> None:
    if right is None:  # who sent it: the certificate's holder, whatever its RUT is
        found = re.search(rb"<RutEnvia>(\d+)-([\dK])</RutEnvia>", envio_dte)
        assert found is not None
        number, digit = found.group(1).decode(), found.group(2).decode()
        right = f"{number}-{digit}"
        wrong = f"{number}-{'1' if digit != '1' else '2'}"
    assert wrong is not None
    forged = resign_envelope(
        envio_dte,
        certificate,
        lambda xml: xml.replace(
            f"<{element}>{right}</{element}>".encode(),
            f"<{element}>{wrong}</{element}>".encode(),
            1,
        ),
    )
    assert forged != envio_dte
    result = verify(forged, check_caf=True, allow_test_cafs=True)
    ruts = [f for f in result.failures if f.check == "rut"]
    assert [(f.where, f.reason) for f in ruts] == [
        (
            "EnvioDTE SetDoc",
            f"Caratula/{element} '{wrong}' has a wrong check digit: the check digit of {number} "
            f"is {digit} ({number}-{digit}), and the SII refuses a RUT whose check digit is wrong",
        )
    ]


@pytest.mark.parametrize(
    ("kind", "count"), [("033", "1"), ("33", "+1"), ("+33", "01"), ("0033", "+0001")]
)
def test_a_subtotal_written_as_the_schema_allows_integers_counts_its_dtes(
    envio_dte: bytes, certificate: Certificate, kind: str, count: str
) -> None:
    """TpoDTE and NroDTE are integers to the SII's schema, which reads ``033`` and ``+1`` as
    33 and 1: a Caratula writing them so counts what the set holds."""
    written = resign_envelope(
        envio_dte,
        certificate,
        lambda xml: xml.replace(
            b"<TpoDTE>33</TpoDTE><NroDTE>1</NroDTE>",
            f"<TpoDTE>{kind}</TpoDTE><NroDTE>{count}</NroDTE>".encode(),
        ),
    )
    assert written != envio_dte
    validate_schema(written)
    assert verify(written, check_caf=True, allow_test_cafs=True).ok


@pytest.mark.parametrize("count", ["dos", "9" * 5000, "１"])
def test_a_subtotal_that_is_no_count_is_a_caratula_failure(
    envio_dte: bytes, certificate: Certificate, count: str
) -> None:
    forged = resign_envelope(
        envio_dte,
        certificate,
        lambda xml: xml.replace(
            b"<TpoDTE>33</TpoDTE><NroDTE>1</NroDTE>",
            b"<TpoDTE>33</TpoDTE><NroDTE>" + count.encode("utf-8") + b"</NroDTE>",
        ),
    )
    reasons = [f.reason for f in verify(forged).failures if f.check == "caratula"]
    assert reasons[0].startswith("SubTotDTE for type '33' counts ")
    assert reasons[0].endswith("which is no count")
    assert len(reasons[0]) < 200


@pytest.mark.parametrize("tipo", ["²".encode("latin-1"), b"9" * 5000, b"", b"3 3"])
def test_a_tipo_dte_that_is_no_type_is_an_xml_error(
    issued: dict[int, bytes], certificate: Certificate, tipo: bytes
) -> None:
    # "²".isdigit() is True, and int() of 5,000 digits raises: neither may escape as ValueError.
    odd = issued[33].replace(b"<TipoDTE>33</TipoDTE>", b"<TipoDTE>" + tipo + b"</TipoDTE>", 1)
    with pytest.raises(XMLError, match=r"signed_documents\[0\] has no IdDoc/TipoDTE of 1 to 3"):
        envelope([odd], certificate=certificate, caratula=CARATULA)


@pytest.mark.parametrize("boletas", [False, True])
def test_an_envelope_timestamp_the_schema_cannot_carry_is_refused(
    issued: dict[int, bytes], boletas: bool
) -> None:
    wide = make_test_certificate(
        not_before=dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2070, 1, 1, tzinfo=dt.timezone.utc),
    )
    documents = [issued[39]] if boletas else [issued[33]]
    with pytest.raises(DocumentError, match="allows in TmstFirmaEnv") as info:
        envelope(
            documents,
            certificate=wide,
            caratula=CARATULA,
            timestamp=dt.datetime(2051, 1, 1),
        )
    assert [d.field for d in info.value.details] == ["TmstFirmaEnv"]


def test_an_envelope_timestamp_that_is_no_datetime_is_a_type_error(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    with pytest.raises(TypeError, match=r"timestamp must be a datetime\.datetime"):
        envelope(
            [issued[33]],
            certificate=certificate,
            caratula=CARATULA,
            timestamp="2026-11-27T11:00:00",  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"fecha_resolucion": dt.datetime(2026, 1, 15)}, "fecha_resolucion must be a datetime"),
        ({"fecha_resolucion": 20260115}, "fecha_resolucion must be a datetime"),
        ({"numero_resolucion": "80"}, "numero_resolucion must be an int"),
        ({"numero_resolucion": True}, "numero_resolucion must be an int"),
    ],
)
def test_a_resolution_of_the_wrong_type_is_refused_when_the_caratula_is_made(
    arguments: dict[str, Any], named: str
) -> None:
    # A datetime was written as 2026-01-15T00:00:00 and True as "True", both schema-invalid; a
    # text date or number failed later with AttributeError or a comparison TypeError.
    given: dict[str, Any] = {"fecha_resolucion": dt.date(2026, 1, 15), "numero_resolucion": 0}
    with pytest.raises(TypeError, match=named):
        Caratula(EMISOR_RUT, **{**given, **arguments})


def test_a_resolution_date_may_be_given_as_iso_text() -> None:
    caratula = Caratula(EMISOR_RUT, fecha_resolucion="2026-01-15", numero_resolucion=0)
    assert caratula.fecha_resolucion == dt.date(2026, 1, 15)
    with pytest.raises(DocumentError, match="is no date") as info:
        Caratula(EMISOR_RUT, fecha_resolucion="15-01-2026", numero_resolucion=0)
    assert [d.field for d in info.value.details] == ["FchResol"]


@pytest.mark.parametrize(
    ("fecha", "says"),
    [
        (dt.date(1999, 12, 31), "before 2000"),
        (dt.date(2026, 11, 28), "after the envelope is signed"),
    ],
)
def test_a_resolution_dated_before_2000_or_after_the_signing_is_refused(
    issued: dict[int, bytes], certificate: Certificate, fecha: dt.date, says: str
) -> None:
    caratula = dataclasses.replace(CARATULA, fecha_resolucion=fecha)
    with pytest.raises(DocumentError, match=says) as info:
        envelope([issued[33]], certificate=certificate, caratula=caratula, timestamp=SIGNED_AT)
    assert [d.field for d in info.value.details] == ["FchResol"]
    same_day = dataclasses.replace(CARATULA, fecha_resolucion=SIGNED_AT.date())
    validate_schema(
        envelope([issued[33]], certificate=certificate, caratula=same_day, timestamp=SIGNED_AT)
    )


def test_rut_envia_other_than_the_certificate_holder_is_refused(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    assert str(certificate.holder_rut) == "11111111-1"
    caratula = dataclasses.replace(CARATULA, rut_envia="22222222-2")
    with pytest.raises(DocumentError, match="certificate that signs the envelope") as info:
        envelope([issued[33]], certificate=certificate, caratula=caratula, timestamp=SIGNED_AT)
    assert [d.field for d in info.value.details] == ["RutEnvia"]
    holder = dataclasses.replace(CARATULA, rut_envia="11.111.111-1")
    xml = envelope([issued[33]], certificate=certificate, caratula=holder, timestamp=SIGNED_AT)
    assert b"<RutEnvia>11111111-1</RutEnvia>" in xml


def test_signed_documents_may_come_from_a_generator(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    documents = (issued[t] for t in (33, 34))
    xml = envelope(documents, certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    assert (
        envelope(
            [issued[33], issued[34]],
            certificate=certificate,
            caratula=CARATULA,
            timestamp=SIGNED_AT,
        )
        == xml
    )


def test_a_caratula_that_is_no_caratula_is_a_type_error(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    with pytest.raises(TypeError, match=r"caratula must be a haulmer\.sii\.Caratula"):
        envelope(
            [issued[33]],
            certificate=certificate,
            caratula={"rut_emisor": EMISOR_RUT},  # type: ignore[arg-type]
        )


REAL_PRODUCTION_DTE = Path(__file__).parent / "fixtures" / "DTE--76399752-9--33--25568.xml"
"""A factura the SII accepted in production: its timbre's CAF has IDK 300."""


def _real_caratula(numero: int) -> Caratula:
    return Caratula("76399752-9", fecha_resolucion=dt.date(2014, 8, 22), numero_resolucion=numero)


def test_production_documents_with_the_certification_resolution_number_are_refused(
    certificate: Certificate,
) -> None:
    real = REAL_PRODUCTION_DTE.read_bytes()
    assert b"<IDK>300</IDK>" in real
    with pytest.raises(DocumentError, match=r"production CAFs \(IDK 300\)") as info:
        envelope([real], certificate=certificate, caratula=_real_caratula(0), timestamp=SIGNED_AT)
    assert [d.field for d in info.value.details] == ["NroResol"]
    xml = envelope(
        [real], certificate=certificate, caratula=_real_caratula(80), timestamp=SIGNED_AT
    )
    assert b"<NroResol>80</NroResol>" in xml


def test_certification_documents_need_resolution_number_0(certificate: Certificate) -> None:
    certification = REAL_PRODUCTION_DTE.read_bytes().replace(b"<IDK>300</IDK>", b"<IDK>100</IDK>")
    with pytest.raises(DocumentError, match="where NroResol is always 0") as info:
        envelope(
            [certification],
            certificate=certificate,
            caratula=_real_caratula(80),
            timestamp=SIGNED_AT,
        )
    assert [d.field for d in info.value.details] == ["NroResol"]


def test_certification_and_production_documents_cannot_share_an_envelope(
    certificate: Certificate,
) -> None:
    real = REAL_PRODUCTION_DTE.read_bytes()
    certification = real.replace(b"<IDK>300</IDK>", b"<IDK>100</IDK>").replace(
        b'ID="MiPE76399752-6048"', b'ID="MiPE76399752-6049"'
    )
    with pytest.raises(DocumentError, match="each environment gets its own envelope"):
        envelope(
            [real, certification],
            certificate=certificate,
            caratula=_real_caratula(80),
            timestamp=SIGNED_AT,
        )


def test_documents_of_test_cafs_take_any_resolution_number(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    for numero in (0, 80):
        caratula = dataclasses.replace(CARATULA, numero_resolucion=numero)
        validate_schema(
            envelope([issued[33]], certificate=certificate, caratula=caratula, timestamp=SIGNED_AT)
        )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(built_documents(), min_size=1, max_size=4), st.booleans())
def test_property_every_document_of_an_envelope_reads_back_as_built(
    certificate: Certificate, cafs: dict[int, Caf], documents: list[Document], boletas: bool
) -> None:
    kept = [d for d in documents if (d.tipo_dte in (39, 41)) == boletas]
    assume(kept)
    signed = [
        issue(d, caf=cafs[d.tipo_dte], certificate=certificate, timestamp=SIGNED_AT, folio=n)
        for n, d in enumerate(kept, start=1)
    ]
    xml = envelope(signed, certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    assert verify(xml, check_caf=True, allow_test_cafs=True).ok
    expected = [d.with_folio(n).completed() for n, d in enumerate(kept, start=1)]
    assert parse_all(xml) == expected


@pytest.mark.parametrize("given", [None, "firma.pfx", b"0\x82\x01", 42])
def test_an_envelope_certificate_that_is_no_loaded_pfx_is_refused_saying_how_to_load_it(
    issued: dict[int, bytes], given: object
) -> None:
    with pytest.raises(TypeError, match=r"haulmer\.pfx\.load_pfx\(path_or_bytes, password\)"):
        envelope([issued[33]], certificate=given, caratula=CARATULA, timestamp=SIGNED_AT)  # type: ignore[arg-type]


def test_a_received_dte_with_comments_inside_its_type_rut_and_idk_is_enveloped_as_signed(
    certificate: Certificate,
) -> None:
    # C14N leaves comments out of the digest: the DTE verifies, and its type, issuer and IDK
    # are the whole texts around the comments.
    real = REAL_PRODUCTION_DTE.read_bytes()
    commented = (
        real.replace(b"<TipoDTE>33</TipoDTE>", b"<TipoDTE>3<!-- -->3</TipoDTE>", 1)
        .replace(b"<RUTEmisor>76399752-9</RUTEmisor>", b"<RUTEmisor>76<!-- -->399752-9</RUTEmisor>")
        .replace(b"<IDK>300</IDK>", b"<IDK>3<!-- -->00</IDK>")
    )
    assert commented.count(b"<!-- -->") == 3
    assert verify(commented).ok
    xml = envelope(
        [commented], certificate=certificate, caratula=_real_caratula(80), timestamp=SIGNED_AT
    )
    assert b"<SubTotDTE><TpoDTE>33</TpoDTE><NroDTE>1</NroDTE></SubTotDTE>" in xml
    assert verify(xml).ok


@pytest.mark.parametrize(
    "given",
    [make_document(33), make_document(33).checked(), 33, None],
    ids=["an-unsigned-document", "a-checked-document", "an-int", "none"],
)
def test_a_signed_document_that_is_no_xml_is_a_type_error_naming_its_place(
    issued: dict[int, bytes], certificate: Certificate, given: object
) -> None:
    with pytest.raises(TypeError) as raised:
        envelope([issued[33], given], certificate=certificate, caratula=CARATULA)  # type: ignore[list-item]
    message = str(raised.value)
    assert message.startswith(f"signed_documents[1] is {type(given).__name__}, not a signed DTE")
    if given is not None and not isinstance(given, int):
        assert "(a Document is stamped and signed first)" in message
    assert "haulmer.sii.issue(document, caf=..., certificate=...)" in message


def _renamed(signed: bytes, old: str, new: str, certificate: Certificate) -> bytes:
    """``signed`` with its Documento's ID ``old`` renamed ``new`` and signed again, as another
    producer would have written it."""
    renamed = signed.replace(f'ID="{old}"'.encode(), f'ID="{new}"'.encode())
    return resign(renamed.replace(f'URI="#{old}"'.encode(), f'URI="#{new}"'.encode()), certificate)


def test_a_dte_whose_id_is_the_set_dte_s_is_refused_before_writing_an_ambiguous_envelope(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    # Another producer's valid DTE whose Documento is ID="SetDoc": inside the envelope two
    # elements would carry the ID its signature names, which verify() and the SII refuse.
    clashing = _renamed(issued[33], "F1T33", "SetDoc", certificate)
    assert verify(clashing, check_caf=True, allow_test_cafs=True).ok
    with pytest.raises(DocumentError) as raised:
        envelope([issued[61], clashing], certificate=certificate, caratula=CARATULA)
    message = str(raised.value)
    assert message.startswith(
        "signed_documents[1] gives the ID 'SetDoc' to an element, the ID of the envelope's SetDTE"
    )
    assert "issue the document again" in message
    assert [d.field for d in raised.value.details] == ["signed_documents[1]"]


def test_two_dtes_giving_one_id_to_different_elements_are_refused(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    # The ID of one DTE's Documento given to an element inside another DTE (its own Documento
    # keeps its ID): the envelope would hold two elements with that ID.
    inner = issued[61].replace(b"<TED ", b'<TED ID="F1T33" ', 1)
    inner = resign(inner, certificate)
    with pytest.raises(DocumentError) as raised:
        envelope([issued[33], inner], certificate=certificate, caratula=CARATULA)
    assert str(raised.value).startswith(
        "signed_documents[1] gives the ID 'F1T33' to an element, as signed_documents[0] does"
    )


def _issued_to(receptor: str, certificate: Certificate, cafs: dict[int, Caf]) -> bytes:
    """A factura of folio 2 addressed to ``receptor``."""
    document = make_document(33, folio=2)
    encabezado = document.encabezado
    addressed = document.model_copy(
        update={
            "encabezado": encabezado.model_copy(
                update={"receptor": encabezado.receptor.model_copy(update={"rut": Rut(receptor)})}
            )
        }
    )
    return issue(addressed, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)


@pytest.mark.parametrize("stored", [False, True], ids=["as-issued", "stored-as-text"])
def test_an_envelope_to_a_receiver_holds_only_the_dtes_addressed_to_it(
    issued: dict[int, bytes], certificate: Certificate, cafs: dict[int, Caf], stored: bool
) -> None:
    # Intercambio: the Caratula names the receiving company, which answers a DTE addressed to
    # anyone else "DTE No Recibido - Error en RUT Receptor" (code 3).
    to_receiver = dataclasses.replace(CARATULA, rut_receptor=Rut("96790240-3"))
    elsewhere = _issued_to("77777777-7", certificate, cafs)
    documents: list[bytes | str] = [issued[33], issued[61], elsewhere]
    if stored:
        documents = [d.decode("iso-8859-1") for d in documents]  # type: ignore[union-attr]
    with pytest.raises(DocumentError) as raised:
        envelope(documents, certificate=certificate, caratula=to_receiver)
    assert str(raised.value).startswith(
        "Caratula.rut_receptor is 96790240-3 but signed_documents[2] is addressed to "
        "77777777-7: an envelope to a receiver carries only the DTEs addressed to it"
    )
    assert [d.field for d in raised.value.details] == ["signed_documents[2].RUTRecep"]
    xml = envelope(documents[:2], certificate=certificate, caratula=to_receiver)
    assert b"<RutReceptor>96790240-3</RutReceptor>" in xml
    assert verify(xml, check_caf=True, allow_test_cafs=True).ok


def test_an_envelope_to_the_sii_holds_dtes_addressed_to_anyone(
    issued: dict[int, bytes], certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    elsewhere = _issued_to("77777777-7", certificate, cafs)
    xml = envelope([issued[33], elsewhere], certificate=certificate, caratula=CARATULA)
    assert verify(xml, check_caf=True, allow_test_cafs=True).ok


def test_an_envelope_signed_by_another_than_its_rut_envia_fails_verification(
    envio_dte: bytes,
) -> None:
    # The Caratula names 11111111-1 as the sender, but another person's certificate signs the
    # envelope: the SII takes RutEnvia as the RUT of whoever signs it.
    other = make_test_certificate(
        rut="13185095-6",
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc),
    )
    assert b"<RutEnvia>11111111-1</RutEnvia>" in envio_dte
    signed_by_other = resign_envelope(envio_dte, other, lambda xml: xml)
    result = verify(signed_by_other, check_caf=True, allow_test_cafs=True)
    assert [str(f) for f in result.failures] == [
        "certificate [EnvioDTE SetDoc]: the Caratula's RutEnvia '11111111-1' is not 13185095-6, "
        "whose certificate signs the envelope: RutEnvia is the RUT of the person who signs it"
    ]
    assert "signature EnvioDTE SetDoc" in result.passed  # the signature itself holds


def test_a_dte_re_encoded_to_utf8_under_its_declaration_is_refused_saying_so(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    reencoded = issued[33].decode("iso-8859-1").encode("utf-8")
    with pytest.raises(DocumentError) as raised:
        envelope([issued[61], reencoded], certificate=certificate, caratula=CARATULA)
    assert "xml: the bytes are UTF-8 but the XML declaration says ISO-8859-1" in str(raised.value)
    repaired = reencoded.decode("utf-8").encode("iso-8859-1")
    xml = envelope([issued[61], repaired], certificate=certificate, caratula=CARATULA)
    assert verify(xml, check_caf=True, allow_test_cafs=True).ok


@pytest.mark.parametrize("as_text", [False, True], ids=["bytes", "text"])
@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b"<!-- generated by an ERP -->", b""),
        (b"", b"<!-- end of document -->"),
        (b'<?xml-stylesheet type="text/xsl" href="dte.xsl"?>', b"<?erp exported?>"),
    ],
    ids=["comment-before", "comment-after", "instructions"],
)
def test_what_sits_beside_a_dte_leaves_the_envelope_signature_whole(
    issued: dict[int, bytes], certificate: Certificate, before: bytes, after: bytes, as_text: bool
) -> None:
    # A producer's comment, a stylesheet for browsers, an application's mark, before or after
    # the DTE's root: no part of the DTE, but inside the SetDTE the instruction and the line
    # breaks around any of them would be in its C14N. Only the DTE element goes in.
    declaration, rest = issued[33].split(b"\n", 1)
    beside = declaration + b"\n" + before + b"\n" + rest + b"\n" + after + b"\n"
    assert verify(beside).ok
    given = beside.decode("iso-8859-1") if as_text else beside
    xml = envelope([given, issued[61]], certificate=certificate, caratula=CARATULA)
    for beside_it in (before, after):
        assert not beside_it or beside_it not in xml
    result = verify(xml, check_caf=True, allow_test_cafs=True)
    assert result.ok, str(result)
    assert [d.encabezado.id_doc.folio for d in parse_all(xml)] == [1, 1]


def test_an_envio_boleta_goes_to_the_sii_only(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    # Boletas are declared to the SII, never exchanged: even one naming the boletas' anonymous
    # receptor as its RutReceptor has no one to go to.
    anonymous = dataclasses.replace(CARATULA, rut_receptor=Rut("66666666-6"))
    with pytest.raises(DocumentError) as raised:
        envelope([issued[39], issued[41]], certificate=certificate, caratula=anonymous)
    assert str(raised.value).startswith(
        "Caratula.rut_receptor is 66666666-6 but an EnvioBOLETA goes to the SII only"
    )
    assert [d.field for d in raised.value.details] == ["RutReceptor"]


@pytest.mark.parametrize("as_text", [False, True], ids=["bytes", "text"])
def test_a_dte_with_a_cdata_section_beyond_latin1_is_enveloped_with_its_content_unchanged(
    issued: dict[int, bytes], certificate: Certificate, tmp_path: Path, as_text: bool
) -> None:
    # Another system's UTF-8 DTE writes a name in a CDATA section holding a euro sign, which
    # ISO-8859-1 cannot carry: inside a CDATA section a character reference is no character
    # but its seven letters, so the DTE must go in with the section written as escaped text.
    utf8 = issued[33].decode("iso-8859-1").replace("ISO-8859-1", "UTF-8", 1)
    with_cdata = utf8.replace("de 40</RznSocRecep>", "de 40<![CDATA[ €]]></RznSocRecep>", 1)
    signed = resign(with_cdata.encode("utf-8"), certificate)
    assert verify(signed).ok
    given = signed.decode("utf-8") if as_text else signed
    xml = envelope([given], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    result = verify(xml, check_caf=True, allow_test_cafs=True)
    assert result.ok, str(result)
    assert parse_all(xml)[0].encabezado.receptor.razon_social.endswith("de 40 €")
    checked = xmlsec1_verify(
        xml,
        tmp_path,
        id_attr="SetDTE",
        certificate_pem=certificate.certificate_pem,
        node_xpath=ENVELOPE_SIGNATURE,
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("as_text", [False, True], ids=["bytes", "text"])
def test_a_dte_whose_processing_instruction_holds_what_latin1_lacks_is_refused_saying_so(
    issued: dict[int, bytes], certificate: Certificate, as_text: bool
) -> None:
    # An instruction cannot hold a character reference: in an ISO-8859-1 envelope the euro
    # sign of a UTF-8 DTE's instruction would become seven letters, breaking its signature.
    utf8 = issued[33].decode("iso-8859-1").replace("ISO-8859-1", "UTF-8", 1)
    with_instruction = utf8.replace("</Encabezado>", "<?erp precio €?></Encabezado>", 1)
    documento = parse_xml(with_instruction.encode("utf-8"))[0]
    standalone = etree.fromstring(etree.tostring(documento, encoding="unicode"))
    signed = resign(
        with_instruction.encode("utf-8"),
        certificate,
        digest_of=etree.tostring(standalone, method="c14n"),
    )
    assert verify(signed).ok
    given = signed.decode("utf-8") if as_text else signed
    with pytest.raises(XMLError) as raised:
        envelope([given], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    assert str(raised.value).startswith(
        "signed_documents[0] holds the processing instruction <?erp precio €?> with characters"
    )


@pytest.mark.parametrize(
    "opening",
    [b"<DTE", b'<DTE version="2.0"', b'<DTE version="1.1"', b'<DTE version=""'],
    ids=["none", "2.0", "1.1", "empty"],
)
def test_a_dte_of_another_version_than_the_schemas_is_refused_before_enveloping(
    issued: dict[int, bytes], certificate: Certificate, opening: bytes
) -> None:
    # Another system's DTE without the version attribute, or with another one: outside the
    # signed Documento, so verify() takes it, but both envelope schemas fix it at 1.0 and the
    # SII would refuse the whole envelope.
    odd = issued[33].replace(b'<DTE xmlns="http://www.sii.cl/SiiDte" version="1.0"', b"", 1)
    odd = odd.replace(b'<?xml version="1.0" encoding="ISO-8859-1"?>\n', b"", 1)
    odd = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        + opening
        + b' xmlns="'
        + SII[1:-1].encode()
        + b'"'
        + odd
    )
    assert verify(odd).ok
    with pytest.raises(XMLError) as raised:
        envelope([odd], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    assert str(raised.value).startswith("signed_documents[0]'s DTE has ")
    assert "fix a DTE's version at 1.0" in str(raised.value)


def test_a_dte_version_written_as_another_decimal_one_is_enveloped(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    written = issued[33].replace(b'version="1.0"><Documento', b'version="1.00"><Documento', 1)
    xml = envelope([written], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    validate_schema(xml)
    assert verify(xml).ok


@pytest.mark.parametrize("as_text", [False, True], ids=["bytes", "text"])
def test_a_dte_declaring_an_encoding_python_names_otherwise_is_enveloped(
    issued: dict[int, bytes], certificate: Certificate, as_text: bool
) -> None:
    # The XML parser knows ISO-LATIN-1 (an iconv name of ISO-8859-1) but Python's codecs do
    # not: verify() and parse_all() read such a DTE, so envelope() takes it too.
    declared = issued[33].replace(b'encoding="ISO-8859-1"', b'encoding="ISO-LATIN-1"', 1)
    assert verify(declared).ok
    given = declared if not as_text else declared.decode("iso-8859-1")
    xml = envelope(
        [given, issued[61]], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT
    )
    result = verify(xml, check_caf=True, allow_test_cafs=True)
    assert result.ok, str(result)
    assert (
        parse_all(xml)[0].encabezado.receptor.razon_social
        == parse_all(issued[33])[0].encabezado.receptor.razon_social
    )


def test_a_dte_without_namespace_undeclaring_it_below_its_root_keeps_the_envelope_signature(
    certificate: Certificate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A producer's DTE written without the SII's namespace (verified as is) that appends an
    # element declaring xmlns="": standalone, C14N leaves that declaration out (it changes
    # nothing); inside the SetDTE, whose default namespace is the SII's, C14N writes it.
    from haulmer.sii import envelopes

    real = (FIXTURES / "DTE--60910000-1--33--2336600.xml").read_bytes()
    appended = real.replace(
        b"</DTE>", b'<DocPersonalizado xmlns=""><Nota>1</Nota></DocPersonalizado></DTE>', 1
    )
    assert verify(appended).ok
    caratula = Caratula("60910000-1", fecha_resolucion=dt.date(2014, 8, 22), numero_resolucion=80)
    xml = envelope([appended], certificate=certificate, caratula=caratula, timestamp=SIGNED_AT)
    result = verify(xml)
    assert result.ok, str(result)
    checked = xmlsec1_verify(
        xml,
        tmp_path,
        id_attr="SetDTE",
        certificate_pem=certificate.certificate_pem,
        node_xpath=ENVELOPE_SIGNATURE,
    )
    assert checked.returncode == 0, checked.stderr
    monkeypatch.setattr(envelopes, "_canonical_set", lambda documents, caratula: None)
    whole = envelope([appended], certificate=certificate, caratula=caratula, timestamp=SIGNED_AT)
    assert whole == xml


@pytest.mark.parametrize("as_text", [False, True], ids=["bytes", "text"])
@pytest.mark.parametrize(
    "appended",
    ["<NotaInterna€>1</NotaInterna€>", '<Nota medida€="kg">1</Nota>'],
    ids=["element", "attribute"],
)
def test_a_dte_naming_an_element_with_what_latin1_lacks_is_refused_saying_so(
    issued: dict[int, bytes], certificate: Certificate, as_text: bool, appended: str
) -> None:
    # A UTF-8 DTE may name an element or attribute with a euro sign (outside the Documento, the
    # signatures hold); a name cannot hold a character reference, so in ISO-8859-1 the
    # envelope would not even be well-formed XML.
    utf8 = issued[33].decode("iso-8859-1").replace("ISO-8859-1", "UTF-8", 1)
    extended = utf8.replace(
        "</DTE>", f"<DocPersonalizado>{appended}</DocPersonalizado></DTE>", 1
    ).encode("utf-8")
    assert verify(extended).ok
    given = extended.decode("utf-8") if as_text else extended
    with pytest.raises(XMLError) as raised:
        envelope([given], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT)
    assert str(raised.value).startswith("signed_documents[0] names ")
    assert "with characters ISO-8859-1 (the envelope's encoding) cannot carry" in str(raised.value)
