"""Re-signing helpers for attack tests: a validly signed document with a chosen SignedInfo.

An attack on the signature profile (an XPath transform, another canonicalization) only proves
something when the signature itself verifies; these helpers sign what the attacker would sign.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from haulmer.pfx import Certificate
from haulmer.sii._xml import DSIG_NS, SII_NS, c14n_inclusive, parse_xml
from haulmer.sii.signature import C14N_10, RSA_SHA1, SHA1, signature_over_digest

_RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
_SIGNATURE = re.compile(
    rb"<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">.*</Signature>", re.S
)


def resign(
    xml: bytes,
    certificate: Certificate,
    *,
    canonicalization: str = C14N_10,
    transforms: tuple[str, ...] = (C14N_10,),
    transform_body: str = "",
    digest_of: bytes | None = None,
    sha256: bool = False,
    empty_transforms: bool = False,
) -> bytes:
    """``xml`` (a signed DTE) signed again over its Documento with a SignedInfo of our choosing.

    ``digest_of`` replaces the canonical Documento whose SHA-1 goes into DigestValue (to sign
    what an XPath or XSLT transform would have produced). ``sha256`` digests and signs with
    SHA-256 (xmldsig-more's rsa-sha256 and xmlenc's sha256) instead of the SII's SHA-1;
    ``empty_transforms`` writes ``<Transforms>`` with no Transform in it.
    """
    root = parse_xml(xml)
    documento = root[0]
    reference_id = documento.get("ID")
    if digest_of is None:
        digest_of = etree.tostring(
            etree.fromstring(etree.tostring(documento)), method="c14n", with_comments=False
        )
    hash_function = hashlib.sha256 if sha256 else hashlib.sha1
    digest = base64.b64encode(hash_function(digest_of).digest()).decode("ascii")
    signature_method = _RSA_SHA256 if sha256 else RSA_SHA1
    digest_method = _SHA256 if sha256 else SHA1
    transform_xml = "".join(
        f'<Transform Algorithm="{algorithm}">{transform_body}</Transform>'
        for algorithm in transforms
    )
    signed_info = (
        f'<SignedInfo xmlns="{DSIG_NS}">'
        f'<CanonicalizationMethod Algorithm="{canonicalization}"></CanonicalizationMethod>'
        f'<SignatureMethod Algorithm="{signature_method}"></SignatureMethod>'
        f'<Reference URI="#{reference_id}">'
        + (f"<Transforms>{transform_xml}</Transforms>" if transforms or empty_transforms else "")
        + f'<DigestMethod Algorithm="{digest_method}"></DigestMethod>'
        f"<DigestValue>{digest}</DigestValue></Reference></SignedInfo>"
    ).encode("utf-8")
    canonical_signed_info = etree.tostring(etree.fromstring(signed_info), method="c14n")
    if sha256:
        signed = certificate.private_key.sign(
            canonical_signed_info, padding.PKCS1v15(), hashes.SHA256()
        )
    else:
        signed = certificate.sign_sha1(canonical_signed_info)
    value = base64.b64encode(signed)
    der = base64.b64encode(certificate.certificate_der)
    numbers = certificate.public_key.public_numbers()
    modulus = base64.b64encode(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big"))
    exponent = base64.b64encode(numbers.e.to_bytes(3, "big"))
    signature = b"".join(
        (
            f'<Signature xmlns="{DSIG_NS}">'.encode("ascii"),
            signed_info.replace(f' xmlns="{DSIG_NS}"'.encode("ascii"), b"", 1),
            b"<SignatureValue>" + value + b"</SignatureValue>",
            b"<KeyInfo><KeyValue><RSAKeyValue><Modulus>" + modulus + b"</Modulus>",
            b"<Exponent>" + exponent + b"</Exponent></RSAKeyValue></KeyValue>",
            b"<X509Data><X509Certificate>" + der + b"</X509Certificate></X509Data></KeyInfo>",
            b"</Signature>",
        )
    )
    return _SIGNATURE.sub(signature.replace(b"\\", b"\\\\"), xml, count=1)


def resign_envelope(xml: bytes, certificate: Certificate, edit: Callable[[bytes], bytes]) -> bytes:
    """An envelope whose SetDTE was changed by ``edit`` (on its bytes) and signed again, as its
    producer would have signed it: what only a faulty producer can send."""
    changed = edit(xml)
    root = parse_xml(changed)
    set_dte = root.find(f"{{{SII_NS}}}SetDTE")
    assert set_dte is not None
    digest = hashlib.sha1(c14n_inclusive(set_dte)).digest()
    signature = signature_over_digest(digest, "SetDoc", certificate, with_xsi=True)
    start = changed.rindex(b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">')
    end = changed.rindex(b"</Signature>") + len(b"</Signature>")
    return changed[:start] + signature + changed[end:]


def resign_with_transform(xml: bytes, certificate: Certificate, transform: str) -> bytes:
    """``xml`` (a DTE or an envelope) with every signature made again the way a producer whose
    XMLDSig library declares ``transform`` signs: the DTEs' first, then the envelope's, each
    Reference digesting its element canonicalized by that transform (exclusive C14N leaves out
    the ``xmlns:xsi`` an envelope puts in scope) and each SignedInfo signed in its context."""
    root = parse_xml(xml)
    signatures = sorted(
        root.iter(f"{{{DSIG_NS}}}Signature"), key=lambda s: -len(list(s.iterancestors()))
    )
    for signature in signatures:
        signed_info = signature.find(f"{{{DSIG_NS}}}SignedInfo")
        assert signed_info is not None
        reference = signed_info.find(f"{{{DSIG_NS}}}Reference")
        assert reference is not None
        for node in reference.iter(f"{{{DSIG_NS}}}Transform"):
            node.set("Algorithm", transform)
        parent = signature.getparent()
        assert parent is not None
        target = next(e for e in parent if e.get("ID") == reference.get("URI", "")[1:])
        exclusive = transform == "http://www.w3.org/2001/10/xml-exc-c14n#"
        # Serialized and read again: lxml's C14N of a subtree is wrong under an inherited xmlns.
        canonical = etree.tostring(
            etree.fromstring(etree.tostring(target)), method="c14n", exclusive=exclusive
        )
        digest_value = reference.find(f"{{{DSIG_NS}}}DigestValue")
        assert digest_value is not None
        digest_value.text = base64.b64encode(hashlib.sha1(canonical).digest()).decode("ascii")
        canonical_signed_info = etree.tostring(
            etree.fromstring(etree.tostring(signed_info)), method="c14n"
        )
        value = signature.find(f"{{{DSIG_NS}}}SignatureValue")
        assert value is not None
        value.text = base64.b64encode(certificate.sign_sha1(canonical_signed_info)).decode()
    return etree.tostring(root, xml_declaration=True, encoding="ISO-8859-1")
