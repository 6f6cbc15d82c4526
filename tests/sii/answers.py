"""What the tests of a receiver's answers share: envelopes as received and the signature oracles
(the SDK's own check, signxml and xmlsec1) applied to every signature of an answer."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from lxml import etree

from haulmer.dte.document import Document
from haulmer.pfx import Certificate
from haulmer.sii import Caf, Caratula, envelope, issue, parse
from haulmer.sii._xml import DSIG_NS
from haulmer.sii.envelopes import SII_RUT
from haulmer.sii.signature import check_signature
from signers import xmlsec1_verify

from .conftest import EMISOR_RUT, SIGNED_AT, document_dict
from .resigning import resign, resign_envelope

RECEPTOR = "96790240-3"
"""The receptor of the documents conftest builds: the company that answers."""
ANSWERED_AT = SIGNED_AT + dt.timedelta(hours=2)
ANSWERABLE = (33, 34, 46, 52, 56, 61)
_SIGNATURE = f"{{{DSIG_NS}}}Signature"


def caratula_to(receptor: str = RECEPTOR) -> Caratula:
    return Caratula(EMISOR_RUT, dt.date(2026, 1, 15), 0, rut_receptor=receptor)


def received_envelope(
    documents: list[bytes], certificate: Certificate, *, receptor: str = RECEPTOR
) -> bytes:
    """An EnvioDTE as the SDK sends it to ``receptor``."""
    return envelope(
        documents, certificate=certificate, caratula=caratula_to(receptor), timestamp=SIGNED_AT
    )


def misaddressed_envelope(
    documents: list[bytes], certificate: Certificate, *, receptor: str = RECEPTOR
) -> bytes:
    """An EnvioDTE to ``receptor`` holding DTEs addressed to others, which ``envelope()``
    refuses to write: sent to the SII, then readdressed and signed again, as only a faulty
    producer sends it."""
    to_sii = envelope(
        documents, certificate=certificate, caratula=caratula_to(SII_RUT), timestamp=SIGNED_AT
    )
    return resign_envelope(
        to_sii,
        certificate,
        lambda xml: xml.replace(
            f"<RutReceptor>{SII_RUT}</RutReceptor>".encode(),
            f"<RutReceptor>{receptor}</RutReceptor>".encode(),
            1,
        ),
    )


def envelope_holding_twice(first: bytes, other: bytes, certificate: Certificate) -> bytes:
    """An EnvioDTE to the receptor holding ``first`` twice (right after itself), then ``other``,
    signed again: a producer's repeated send, its Caratula counting what it sends."""
    once = received_envelope([first, other], certificate)
    dte = re.search(rb"<DTE .*?</DTE>", once, re.S)
    assert dte is not None
    tipo = re.search(rb"<TipoDTE>(\d+)</TipoDTE>", dte.group())
    assert tipo is not None
    counted = b"<TpoDTE>%s</TpoDTE><NroDTE>1</NroDTE>" % tipo.group(1)
    assert counted in once

    def repeated(xml: bytes) -> bytes:
        twice = xml.replace(dte.group(), dte.group() * 2)
        return twice.replace(counted, counted.replace(b"<NroDTE>1<", b"<NroDTE>2<"), 1)

    return resign_envelope(once, certificate, repeated)


def with_a_dte_changed(documents: list[bytes], certificate: Certificate, *, changed: int) -> bytes:
    """An EnvioDTE to the receptor whose DTE at ``changed`` had its MntTotal raised by 10000
    after it was signed, the envelope signed again over it: the envelope's signature holds,
    that DTE's does not (a DTE altered on its way, or by its producer after signing)."""
    whole = received_envelope(documents, certificate)
    dtes = list(re.finditer(rb"<DTE .*?</DTE>", whole, re.S))
    original = dtes[changed].group()
    altered = re.sub(
        rb"<MntTotal>(\d+)</MntTotal>",
        lambda m: b"<MntTotal>%d</MntTotal>" % (int(m.group(1)) + 10000),
        original,
        count=1,
    )
    assert altered != original
    return resign_envelope(whole, certificate, lambda xml: xml.replace(original, altered, 1))


def with_a_dte_rewritten(
    documents: list[bytes], certificate: Certificate, *, changed: int, old: bytes, new: bytes
) -> bytes:
    """An EnvioDTE to the receptor whose DTE at ``changed`` says ``new`` where it said ``old``,
    that DTE and the envelope signed again by their producer: what a faulty system sends (its
    own signatures hold)."""
    whole = received_envelope(documents, certificate)
    original = documents[changed].split(b"?>\n", 1)[1]  # the envelope holds it as it is
    assert original in whole
    assert old in original
    rewritten = resign(documents[changed].replace(old, new, 1), certificate)
    body = rewritten.split(b"?>\n", 1)[1]
    return resign_envelope(whole, certificate, lambda xml: xml.replace(original, body, 1))


def with_the_envelope_changed(documents: list[bytes], certificate: Certificate) -> bytes:
    """An EnvioDTE to the receptor whose Caratula was changed after the envelope was signed:
    every DTE's signature holds, the envelope's does not."""
    whole = received_envelope(documents, certificate)
    changed = re.sub(
        rb"<TmstFirmaEnv>[^<]*</TmstFirmaEnv>",
        b"<TmstFirmaEnv>2026-11-27T09:00:00</TmstFirmaEnv>",
        whole,
        count=1,
    )
    assert changed != whole
    return changed


def issued_to(
    rut_recep: str, certificate: Certificate, cafs: dict[int, Caf], *, folio: int
) -> bytes:
    """A factura of the conftest's issuer addressed to ``rut_recep``."""
    data: dict[str, Any] = document_dict(33, folio=folio)
    data["Encabezado"]["Receptor"]["RUTRecep"] = rut_recep
    return issue(
        Document.from_sii_dict(data), caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT
    )


def real_received(path: Path, certificate: Certificate) -> tuple[bytes, str]:
    """A real SII-signed DTE wrapped in an EnvioDTE to its receptor, and that receptor's RUT."""
    raw = path.read_bytes()
    document = parse(raw)
    receptor = document.encabezado.receptor
    assert receptor is not None
    assert receptor.rut is not None
    caratula = Caratula(
        str(document.encabezado.emisor.rut),
        dt.date(2014, 8, 22),
        80,
        rut_receptor=str(receptor.rut),
    )
    return envelope([raw], certificate=certificate, caratula=caratula), str(receptor.rut)


def sdk_checks(answer: bytes) -> list[str]:
    """The reference of every signature of ``answer`` the SDK's checker accepts; fails on any
    problem."""
    root = etree.fromstring(answer)
    references = []
    for signature in root.iter(_SIGNATURE):
        check = check_signature(signature)
        assert check.ok, check.problems
        references.append(str(check.reference_id))
    return references


def signxml_checks(answer: bytes, certificate: Certificate) -> Any:
    """signxml's verification (the SII profile) of the first signature in document order."""
    from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLVerifier

    verifier = XMLVerifier()
    verifier.excise_empty_xmlns_declarations = True  # the lxml subtree C14N bug (signxml#193)
    return verifier.verify(
        answer,
        x509_cert=certificate.certificate_pem.decode("ascii"),
        expect_config=SignatureConfiguration(
            signature_methods=frozenset({SignatureMethod.RSA_SHA1}),
            digest_algorithms=frozenset({DigestAlgorithm.SHA1}),
        ),
        ignore_ambiguous_key_info=True,
        id_attribute="ID",
        verification_time=ANSWERED_AT.replace(tzinfo=dt.timezone(dt.timedelta(hours=-3))),
    )


def xmlsec1_checks(
    answer: bytes, certificate: Certificate, tmp_path: Path, *, id_attr: str, xpath: str
) -> None:
    """xmlsec1's verification of the signature at ``xpath``, whose reference is an ``id_attr``."""
    result = xmlsec1_verify(
        answer,
        tmp_path,
        id_attr=id_attr,
        certificate_pem=certificate.certificate_pem,
        node_xpath=xpath,
    )
    assert result.returncode == 0, result.stderr


def texts_at(xml: bytes, path: str) -> list[str]:
    """The text of every element at ``path`` in an answer (empty for an element without)."""
    return [node.text or "" for node in etree.fromstring(xml).iterfind(path)]
