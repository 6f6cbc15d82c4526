"""Rows for ``haulmer.sii``: issue, verify, envelopes, parse and the schema check.

The references are the raw RSA work each operation cannot avoid, the SDK itself on a smaller
unit (one DTE against the same DTEs in an envelope), and cl-sii, the established Python peer,
on the same real SII-signed files when it is installed beside the SDK (``pip install
'haulmer[bench]'``).
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime as dt
import statistics
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from benchmarks.harness import Measurement, Row, Skipped, interleaved

REAL_DTES = sorted((Path(__file__).parent.parent / "tests" / "sii" / "fixtures").glob("DTE--*.xml"))
RUT = "76086428-5"
TIMESTAMP = dt.datetime(2026, 11, 27, 10, 30)
DSIG = "{http://www.w3.org/2000/09/xmldsig#}"


def ten_line_factura(folio: int = 1) -> Any:
    """The benchmark's document: a factura with ten priced lines and the usual parties."""
    from haulmer.dte.document import Document

    return Document.from_sii_dict(
        {
            "Encabezado": {
                "IdDoc": {"TipoDTE": 33, "Folio": folio, "FchEmis": "2026-11-27"},
                "Emisor": {
                    "RUTEmisor": RUT,
                    "RznSoc": "Comercial Ñandú & Hijos Ltda.",
                    "GiroEmis": "Venta al por mayor de artículos de ferretería",
                    "Acteco": [475201],
                    "DirOrigen": "Av. O'Higgins 1234",
                    "CmnaOrigen": "Santiago",
                },
                "Receptor": {
                    "RUTRecep": "96790240-3",
                    "RznSocRecep": "Minera Los Pelambres",
                    "GiroRecep": "Extracción de cobre",
                    "DirRecep": "Av. Apoquindo 4001",
                    "CmnaRecep": "Las Condes",
                },
            },
            "Detalle": [
                {
                    "NmbItem": f"Producto número {i + 1}",
                    "DscItem": "Descripción del producto",
                    "QtyItem": i + 1,
                    "UnmdItem": "UN",
                    "PrcItem": 1000 + 137 * i,
                }
                for i in range(10)
            ],
        }
    )


@cache
def signing_material() -> tuple[Any, Any]:
    """A 2048-bit test certificate and a 1024-bit test CAF (as the SII issues them)."""
    from haulmer.testing.caf import make_test_caf
    from haulmer.testing.certificates import make_test_certificate

    certificate = make_test_certificate(
        key="rsa2048",
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc),
    )
    caf = make_test_caf(
        rut=RUT,
        razon_social="Comercial Ñandú & Hijos Ltda.",
        dte_type=33,
        folio_from=1,
        folio_to=20_000,
        issued_on=dt.date(2026, 11, 1),
    )
    return certificate, caf


def _raw_rsa() -> tuple[Callable[[], None], Callable[[], None]]:
    """Two raw PKCS#1 v1.5 SHA-1 signatures (CAF key, certificate key) and their verifications."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    certificate, caf = signing_material()
    caf_key, cert_key = caf.private_key, certificate.private_key
    dd_bytes, signed_info = b"x" * 900, b"y" * 600
    pkcs1, sha1 = padding.PKCS1v15(), hashes.SHA1()
    frmt = caf_key.sign(dd_bytes, pkcs1, sha1)
    signature = cert_key.sign(signed_info, pkcs1, sha1)
    caf_public, cert_public = caf.public_key, certificate.public_key

    def sign() -> None:
        caf_key.sign(dd_bytes, pkcs1, sha1)
        cert_key.sign(signed_info, pkcs1, sha1)

    def verify() -> None:
        caf_public.verify(frmt, dd_bytes, pkcs1, sha1)
        cert_public.verify(signature, signed_info, pkcs1, sha1)

    return sign, verify


def _timing(quick: bool) -> dict[str, Any]:
    return {
        "rounds": 5 if quick else 15,
        "seconds": 0.5 if quick else 3.0,
        "clock": time.process_time,
    }


def measure_issue(quick: bool) -> Measurement:
    """``sii.issue()`` of a 10-line factura against its two raw RSA signatures."""
    from haulmer.sii import issue

    certificate, caf = signing_material()
    document = ten_line_factura()
    raw_sign, _ = _raw_rsa()
    return interleaved(
        lambda: issue(document, caf=caf, certificate=certificate, timestamp=TIMESTAMP),
        raw_sign,
        **_timing(quick),
    )


def _real_files() -> list[bytes]:
    return [path.read_bytes() for path in REAL_DTES]


def _verify_floor(files: list[bytes]) -> Callable[[], None]:
    """What any verifier of ``files`` does at the least, with the libraries the SDK uses: parse
    each file safely, canonicalize and hash its Documento, canonicalize its SignedInfo and its
    timbre's DD, and make the two RSA checks (keys read beforehand). No other check: no
    structure, reference, algorithm, certificate date, CAF or DD-against-document check."""
    import hashlib

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.x509 import load_der_x509_certificate

    from haulmer.sii._xml import parse_xml, timbre_forms
    from haulmer.sii.caf import Caf
    from haulmer.sii.canonical_forms import in_context

    pkcs1, sha1 = padding.PKCS1v15(), hashes.SHA1()
    keys = []
    for data in files:
        root = parse_xml(data, decode_windows_1252=True)
        cert_text = root.find(f".//{DSIG}X509Certificate").text  # type: ignore[union-attr]
        der = base64.b64decode("".join(cert_text.split()))
        caf = root.find(".//{*}CAF")
        assert caf is not None
        keys.append((load_der_x509_certificate(der).public_key(), Caf.from_element(caf).public_key))

    def floor() -> None:
        for data, (cert_key, caf_key) in zip(files, keys, strict=True):
            root = parse_xml(data, decode_windows_1252=True)
            documento = root.find("{*}Documento")
            signature = root.find(f"{DSIG}Signature")
            assert documento is not None
            assert signature is not None
            hashlib.sha1(in_context(documento, [])).digest()
            value = base64.b64decode("".join((signature[1].text or "").split()))
            # these files verify: a failed check raises, and a floor that skipped work would too
            cert_key.verify(value, in_context(signature[0], []), pkcs1, sha1)
            ted = documento.find("{*}TED")
            assert ted is not None
            frmt = base64.b64decode(ted[1].text or "")
            caf_key.verify(frmt, timbre_forms(ted[0])[0], pkcs1, sha1)

    return floor


def _floor_note(floor: Callable[[], None], reference: Callable[[], None], quick: bool) -> str:
    """The floor's ratio to the row's reference, measured the row's way: what the target is up
    against before any check is made."""
    measured = interleaved(floor, reference, **_timing(quick))
    ratio = statistics.median(measured.ratios)
    return f"{ratio:.2f}x" if ratio >= 1 else f"{1 / ratio:.2f}x faster"


def measure_verify_raw(quick: bool) -> Measurement:
    """``sii.verify()`` of the 4 real DTEs against their 8 raw RSA verifications."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.x509 import load_der_x509_certificate

    from haulmer.sii import verify
    from haulmer.sii.caf import Caf

    files = _real_files()
    checks: list[tuple[Any, bytes, bytes]] = []
    from lxml import etree

    for data in files:
        root = etree.fromstring(data)
        cert_text = root.find(f".//{DSIG}X509Certificate").text  # type: ignore[union-attr]
        public = load_der_x509_certificate(
            base64.b64decode("".join(cert_text.split()))
        ).public_key()
        value = base64.b64decode("".join(root.find(f".//{DSIG}SignatureValue").text.split()))  # type: ignore[union-attr]
        checks.append((public, value, b"s" * 600))
        caf_element = root.find(".//{*}CAF")
        assert caf_element is not None
        caf = Caf.from_element(caf_element)
        frmt = root.find(".//{*}FRMT")
        assert frmt is not None
        assert frmt.text
        checks.append((caf.public_key, base64.b64decode(frmt.text), b"d" * 900))
    pkcs1, sha1 = padding.PKCS1v15(), hashes.SHA1()

    def raw_verifications() -> None:
        for public, value, data in checks:
            # the bytes differ from what was signed: the RSA work is the same
            with contextlib.suppress(Exception):
                public.verify(value, data, pkcs1, sha1)

    def ours() -> None:
        for data in files:
            verify(data)

    measured = interleaved(ours, raw_verifications, **_timing(quick))
    floor = _floor_note(_verify_floor(files), raw_verifications, quick)
    return Measurement(
        measured.ours,
        measured.reference,
        note=f"parsing, C14N, SHA-1 and the RSA checks alone: {floor}",
    )


class _PeerMissing(Skipped):
    pass


def _cl_sii() -> Any:
    try:
        import cl_sii.dte.parse as cl_parse
        import cl_sii.libs.crypto_utils as cl_crypto
        import cl_sii.libs.xml_utils as cl_xml
    except ImportError as exc:
        raise _PeerMissing("cl-sii is not installed (pip install 'haulmer[bench]')") from exc
    return cl_parse, cl_crypto, cl_xml


def measure_verify_cl_sii(quick: bool) -> Measurement:
    """``sii.verify()`` (signature and timbre) against cl-sii's signature check, same 4 files."""
    import signxml

    from haulmer.sii import verify

    _cl_parse, cl_crypto, cl_xml = _cl_sii()
    files = _real_files()
    prepared = []
    for data in files:
        document = cl_xml.parse_untrusted_xml(data)
        cert_text = document.find(f".//{DSIG}X509Certificate").text
        certificate = cl_crypto.load_der_x509_cert(base64.b64decode("".join(cert_text.split())))
        prepared.append((data, certificate, certificate.not_valid_before_utc))

    class AtSigningTime(signxml.XMLVerifier):  # type: ignore[misc]
        """signxml judging the (long expired) certificates when they were valid, as we do."""

        at: dt.datetime

        def verify(self, data: Any, **kwargs: Any) -> Any:
            config = kwargs.get("expect_config")
            if config is not None:
                kwargs["expect_config"] = dataclasses.replace(config, verification_time=self.at)
            return super().verify(data, **kwargs)

    def check_with_peer(data: bytes, certificate: Any, valid_from: dt.datetime) -> None:
        verifier = AtSigningTime()
        verifier.excise_empty_xmlns_declarations = True
        verifier.at = valid_from + dt.timedelta(days=1)
        document = cl_xml.parse_untrusted_xml(data)
        cl_xml.verify_xml_signature(document, trusted_x509_cert=certificate, xml_verifier=verifier)

    usable = []
    for item in prepared:  # the peer cannot check some real documents (MiPyme's, for one)
        try:
            check_with_peer(*item)
        except Exception:
            continue
        usable.append(item)
    if not usable:
        raise Skipped("cl-sii verifies none of the real documents here")

    def theirs() -> None:
        for item in usable:
            check_with_peer(*item)

    def ours() -> None:
        for data, _, _ in usable:
            verify(data)

    measured = interleaved(ours, theirs, **_timing(quick))
    floor = _floor_note(_verify_floor([data for data, _, _ in usable]), theirs, quick)
    return Measurement(
        measured.ours,
        measured.reference,
        note=f"the {len(usable)} of {len(prepared)} files cl-sii can verify; parsing, C14N, "
        f"SHA-1 and the RSA checks alone: {floor}",
    )


def _signed_facturas(count: int) -> list[bytes]:
    from haulmer.sii import issue

    certificate, caf = signing_material()
    return [
        issue(ten_line_factura(folio), caf=caf, certificate=certificate, timestamp=TIMESTAMP)
        for folio in range(1, count + 1)
    ]


def _caratula() -> Any:
    from haulmer.sii import Caratula

    return Caratula(rut_emisor=RUT, fecha_resolucion=dt.date(2014, 8, 22), numero_resolucion=80)


def measure_envelope_verify(quick: bool) -> Measurement:
    """``verify(EnvioDTE)`` per document against ``verify()`` of the same DTEs one by one."""
    from haulmer.sii import envelope, verify

    certificate, _ = signing_material()
    count = 20 if quick else 100
    documents = _signed_facturas(count)
    envio = envelope(documents, caratula=_caratula(), certificate=certificate, timestamp=TIMESTAMP)

    def one_by_one() -> None:
        for data in documents:
            verify(data)

    measured = interleaved(lambda: verify(envio), one_by_one, **_timing(quick))
    return Measurement(
        [seconds / count for seconds in measured.ours],
        [seconds / count for seconds in measured.reference],
        note=f"{count} facturas",
    )


def measure_envelope_build(quick: bool) -> Measurement:
    """``envelope()`` of many facturas, per document, against ``issue()`` of one factura."""
    from haulmer.sii import envelope, issue

    certificate, caf = signing_material()
    count = 200 if quick else 2_000
    documents = _signed_facturas(count)
    document = ten_line_factura()
    caratula = _caratula()
    timing = _timing(quick)
    timing["rounds"] = 3 if quick else 7
    measured = interleaved(
        lambda: envelope(
            documents, caratula=caratula, certificate=certificate, timestamp=TIMESTAMP
        ),
        lambda: issue(document, caf=caf, certificate=certificate, timestamp=TIMESTAMP),
        **timing,
    )
    per_document = [seconds / count for seconds in measured.ours]
    return Measurement(per_document, measured.reference, note=f"{count} facturas")


def measure_envelope_linear(quick: bool) -> Measurement:
    """``envelope()`` per document of a full envelope against one an eighth its size: about 1
    when the cost is linear in the number of documents."""
    from haulmer.sii import envelope

    certificate, _ = signing_material()
    count = 400 if quick else 2_000
    small = count // 8
    documents = _signed_facturas(count)
    caratula = _caratula()
    timing = _timing(quick)
    timing["rounds"] = 3 if quick else 7

    def wrap(some: list[bytes]) -> Any:
        return lambda: envelope(
            some, caratula=caratula, certificate=certificate, timestamp=TIMESTAMP
        )

    measured = interleaved(wrap(documents), wrap(documents[:small]), **timing)
    return Measurement(
        [seconds / count for seconds in measured.ours],
        [seconds / small for seconds in measured.reference],
        note=f"{count} against {small} facturas",
    )


def measure_parse_cl_sii(quick: bool) -> Measurement:
    """``sii.parse()`` against cl-sii's documented parse (untrusted XML, clean, parse)."""
    from haulmer.sii import parse

    cl_parse, _, cl_xml = _cl_sii()
    files = _real_files()

    def theirs() -> None:
        for data in files:
            document = cl_xml.parse_untrusted_xml(data)
            cleaned, _ = cl_parse.clean_dte_xml(
                document, set_missing_xmlns=True, remove_doc_personalizado=True
            )
            cl_parse.parse_dte_xml(cleaned)

    def ours() -> None:
        for data in files:
            parse(data)

    return interleaved(ours, theirs, **_timing(quick))


def measure_schema_cl_sii(quick: bool) -> Measurement:
    """``sii.validate_schema()`` against cl-sii's XSD check, on the same (cleaned) files."""
    from lxml import etree

    from haulmer.sii import validate_schema

    cl_parse, _, cl_xml = _cl_sii()
    cleaned_files = []
    for data in _real_files():
        document = cl_xml.parse_untrusted_xml(data)
        cleaned, _ = cl_parse.clean_dte_xml(
            document, set_missing_xmlns=True, remove_doc_personalizado=True
        )
        cleaned_files.append(etree.tostring(cleaned))

    def theirs() -> None:
        for data in cleaned_files:
            cl_parse.validate_dte_xml(cl_xml.parse_untrusted_xml(data))

    def ours() -> None:
        for data in cleaned_files:
            validate_schema(data)

    return interleaved(ours, theirs, **_timing(quick))


ROWS = [
    Row(
        "sii.issue(), 10-line factura", "its 2 raw RSA signatures", 1.5, measure_issue, group="sii"
    ),
    Row(
        "sii.verify(), 4 real SII DTEs",
        "cl-sii signature check, same files",
        5.0,
        measure_verify_cl_sii,
        faster_by=True,
        group="sii",
    ),
    Row(
        "sii.verify(), 4 real SII DTEs",
        "their 8 raw RSA verifications",
        8.0,
        measure_verify_raw,
        group="sii",
    ),
    Row(
        "verify(EnvioDTE), per document",
        "verify() of the same DTEs one by one",
        1.2,
        measure_envelope_verify,
        group="sii",
    ),
    Row(
        "sii.envelope(), per document",
        "issue() of one factura",
        0.15,
        measure_envelope_build,
        group="sii",
    ),
    Row(
        "sii.envelope(), per document, full envelope",
        "the same, an envelope an eighth its size",
        1.2,
        measure_envelope_linear,
        group="sii",
    ),
    Row(
        "sii.parse(), 4 real SII DTEs",
        "cl-sii parse, same files",
        3.0,
        measure_parse_cl_sii,
        faster_by=True,
        group="sii",
    ),
    Row(
        "sii.validate_schema(), 4 real DTEs",
        "cl-sii XSD check, same files",
        1.0,
        measure_schema_cl_sii,
        faster_by=True,
        group="sii",
    ),
]
