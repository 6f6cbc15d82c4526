"""Throughput of haulmer.sii against the work it cannot avoid and against peers, in the same run.

Each row is a function that returns its numbers (a :class:`Row`): what was measured, our time,
the reference's time, their ratio (median and spread over interleaved rounds) and the target.
Rounds interleave the SDK and its reference so both face the same machine load; each is timed
in process CPU time, so time spent descheduled on a busy machine does not count.

Rows:
- ``issue()`` of a 10-line factura against the two raw RSA signatures it needs (the timbre's
  FRMT with the 1024-bit CAF key, the XMLDSig SignatureValue with the 2048-bit certificate).
- ``verify()`` of the 4 real SII-signed DTEs against their 8 raw RSA verifications (each DTE's
  SignatureValue over its SignedInfo and FRMT over its DD, with the real keys and bytes).
- ``verify()`` of the same DTEs against cl-sii's signature check, when cl-sii is installed.
- ``verify()`` of an EnvioDTE, per document, against ``verify()`` of its DTEs one by one.
- ``envelope()`` of 2,000 facturas, per document, against ``issue()`` of one factura; and the
  per-document cost at 2,000 against 250 (1.0 is linear; an envelope holds at most 2,000).
- ``validate_schema()`` of the 4 real DTEs against cl-sii's XSD check, when cl-sii is installed.

Run: python benchmarks/bench_sii.py [--seconds 1] [--rounds 9] [--check]
``--check`` exits 1 when a row misses its target, for people on a quiet machine; CI only prints.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from haulmer.dte.document import Document
from haulmer.pfx import Certificate
from haulmer.sii import Caf, Caratula, envelope, issue, validate_schema, verify
from haulmer.sii._xml import parse_xml, timbre_bytes
from haulmer.sii.caf import Caf as CafType
from haulmer.sii.canonical_forms import signed_forms
from haulmer.testing.caf import make_test_caf
from haulmer.testing.certificates import make_test_certificate

RUT = "76086428-5"
TIMESTAMP = dt.datetime(2026, 11, 27, 10, 30)
REAL_DTES = sorted((Path(__file__).parent.parent / "tests/sii/fixtures").glob("DTE--*.xml"))
ENVELOPE_SIZE = 2_000
SMALL_ENVELOPE = 250


@dataclass(frozen=True)
class Row:
    """One measured row: ``ratio`` = ours / reference (median of the rounds), ``spread`` its
    lowest and highest round, ``target`` the ratio to stay at or below (None: informative)."""

    what: str
    ours_us: float
    reference: str
    reference_us: float
    ratio: float
    spread: tuple[float, float]
    target: float | None

    @property
    def met(self) -> bool | None:
        """Whether the median ratio is within the target (None without a target)."""
        return None if self.target is None else self.ratio <= self.target


def interleaved(
    ours: Callable[[], object],
    reference: Callable[[], object],
    *,
    seconds: float,
    rounds: int,
    per_call: int = 1,
) -> tuple[float, float, list[float]]:
    """Median seconds per unit of ``ours`` and ``reference`` and the per-round ratios.

    Each call handles ``per_call`` units (documents), so the times come back per unit.
    """
    clock = time.process_time
    for operation in (ours, reference):  # warm-up: caches, lazy imports
        deadline = clock() + min(0.2, seconds / 10)
        while clock() < deadline:
            operation()
    slice_ = seconds / rounds
    ours_times: list[float] = []
    reference_times: list[float] = []
    for _ in range(rounds):
        for operation, sink in ((ours, ours_times), (reference, reference_times)):
            count, start = 0, clock()
            while True:
                operation()
                count += 1
                elapsed = clock() - start
                if elapsed >= slice_:
                    break
            sink.append(elapsed / count / per_call)
    ratios = [o / r for o, r in zip(ours_times, reference_times, strict=True)]
    return statistics.median(ours_times), statistics.median(reference_times), ratios


def _row(
    what: str,
    reference: str,
    measured: tuple[float, float, list[float]],
    target: float | None,
) -> Row:
    ours, theirs, ratios = measured
    return Row(
        what,
        ours * 1e6,
        reference,
        theirs * 1e6,
        statistics.median(ratios),
        (min(ratios), max(ratios)),
        target,
    )


# -- fixtures -----------------------------------------------------------------------------------


@cache
def certificate() -> Certificate:
    return make_test_certificate(
        key="rsa2048",
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc),
    )


@cache
def caf() -> Caf:
    return make_test_caf(
        rut=RUT,
        razon_social="Comercial Ñandú & Hijos Ltda.",
        dte_type=33,
        folio_to=20_000,
        issued_on=dt.date(2026, 11, 1),
    )


def ten_line_factura(folio: int = 1) -> Document:
    """The benchmark's document: a factura with ten priced lines and the usual parties."""
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
def issued(count: int) -> tuple[bytes, ...]:
    """``count`` signed facturas, folios 1..count."""
    return tuple(
        issue(ten_line_factura(folio), caf=caf(), certificate=certificate(), timestamp=TIMESTAMP)
        for folio in range(1, count + 1)
    )


CARATULA = Caratula(rut_emisor=RUT, fecha_resolucion=dt.date(2026, 1, 15), numero_resolucion=0)


# -- rows ---------------------------------------------------------------------------------------


def issue_row(seconds: float, rounds: int) -> Row:
    """``issue()`` end to end against its two raw RSA signatures (same keys, similar sizes)."""
    document, key, cert_key = ten_line_factura(), caf().private_key, certificate().private_key
    assert key is not None
    dd, signed_info = b"x" * 900, b"y" * 600
    pkcs1, sha1 = padding.PKCS1v15(), hashes.SHA1()

    def ours() -> None:
        issue(document, caf=caf(), certificate=certificate(), timestamp=TIMESTAMP)

    def raw() -> None:
        key.sign(dd, pkcs1, sha1)
        cert_key.sign(signed_info, pkcs1, sha1)

    measured = interleaved(ours, raw, seconds=seconds, rounds=rounds)
    return _row("issue(), 10-line factura", "its 2 raw RSA signatures", measured, 1.5)


def _real_rsa_work() -> list[tuple[Any, bytes, bytes, Any, bytes, bytes]]:
    """Per real DTE: the signer's key, SignatureValue and the SignedInfo bytes it signs, the CAF
    key, FRMT and the DD bytes it signs, read and checked once."""
    work = []
    for path in REAL_DTES:
        root = parse_xml(path.read_bytes())
        ds = "{http://www.w3.org/2000/09/xmldsig#}"
        der_text = root.findtext(f"{ds}Signature/{ds}KeyInfo/{ds}X509Data/{ds}X509Certificate")
        key = x509.load_der_x509_certificate(
            base64.b64decode("".join(der_text.split()))
        ).public_key()
        value = base64.b64decode(
            "".join(root.findtext(f"{ds}Signature/{ds}SignatureValue").split())
        )
        signature = root.find(f"{ds}Signature")
        signed_info = root.find(f"{ds}Signature/{ds}SignedInfo")
        form = next(
            f
            for f in signed_forms(signed_info, signed_in=signature.getparent())
            if _verifies(key, value, f)
        )
        documento = root[0] if isinstance(root[0].tag, str) else root.find("{*}Documento")
        dd = documento.find("{*}TED/{*}DD")
        frmt = base64.b64decode(documento.findtext("{*}TED/{*}FRMT"))
        caf_key = CafType.from_element(dd.find("{*}CAF")).public_key
        dd_bytes = timbre_bytes(dd)
        assert _verifies(caf_key, frmt, dd_bytes)
        work.append((key, value, form, caf_key, frmt, dd_bytes))
    return work


def _verifies(key: Any, value: bytes, data: bytes) -> bool:
    try:
        key.verify(value, data, padding.PKCS1v15(), hashes.SHA1())
    except Exception:
        return False
    return True


def verify_row(seconds: float, rounds: int) -> Row:
    """``verify()`` of the 4 real DTEs against their 8 raw RSA verifications."""
    documents = [path.read_bytes() for path in REAL_DTES]
    assert all(verify(d).ok for d in documents)
    work = _real_rsa_work()
    pkcs1, sha1 = padding.PKCS1v15(), hashes.SHA1()

    def ours() -> None:
        for document in documents:
            verify(document)

    def raw() -> None:
        for key, value, form, caf_key, frmt, dd in work:
            key.verify(value, form, pkcs1, sha1)
            caf_key.verify(frmt, dd, pkcs1, sha1)

    measured = interleaved(ours, raw, seconds=seconds, rounds=rounds, per_call=len(documents))
    return _row("verify(), 4 real DTEs, per DTE", "their raw RSA verifications", measured, 8.0)


def cl_sii_verify_row(seconds: float, rounds: int) -> Row | None:
    """``verify()`` of the 4 real DTEs against cl-sii's signature check (None without cl-sii)."""
    try:
        from cl_sii.dte.parse import clean_dte_xml
        from cl_sii.libs.xml_utils import parse_untrusted_xml, verify_xml_signature
        from signxml import XMLVerifier
    except ImportError:
        return None

    class AtSigningTime(XMLVerifier):  # type: ignore[misc]
        """cl-sii's verifier, judging the (long expired) certificates as valid, as verify() does
        at TmstFirma: the rest of its work is what is measured."""

        excise_empty_xmlns_declarations = True

        def _check_cert_validity(self, *args: Any, **kwargs: Any) -> None:
            return None

    documents = [path.read_bytes() for path in REAL_DTES]
    prepared = []
    for data in documents:
        tree = clean_dte_xml(parse_untrusted_xml(data), set_missing_xmlns=b"MiPE" in data)[0]
        der = re.search(rb"<X509Certificate>(.*?)</X509Certificate>", data, re.S)
        assert der is not None
        cert = x509.load_der_x509_certificate(base64.b64decode(b"".join(der.group(1).split())))
        prepared.append((tree, cert))

    def theirs() -> None:
        for data, (_, cert) in zip(documents, prepared, strict=True):
            # MiPyme files lost the xmlns they were signed with; cl-sii restores it on request.
            tree = clean_dte_xml(parse_untrusted_xml(data), set_missing_xmlns=b"MiPE" in data)[0]
            verify_xml_signature(tree, trusted_x509_cert=cert, xml_verifier=AtSigningTime())

    theirs()

    def ours() -> None:
        for document in documents:
            verify(document)

    measured = interleaved(ours, theirs, seconds=seconds, rounds=rounds, per_call=len(documents))
    return _row("verify(), 4 real DTEs, per DTE", "cl-sii's signature check", measured, 0.2)


def envelope_verify_row(seconds: float, rounds: int, size: int = 50) -> Row:
    """``verify()`` of an EnvioDTE of ``size`` facturas, per document, against ``verify()`` of the
    same DTEs one by one."""
    documents = issued(size)
    envio = envelope(
        list(documents), certificate=certificate(), caratula=CARATULA, timestamp=TIMESTAMP
    )
    assert verify(envio).ok

    def ours() -> None:
        verify(envio)

    def one_by_one() -> None:
        for document in documents:
            verify(document)

    measured = interleaved(ours, one_by_one, seconds=seconds, rounds=rounds, per_call=size)
    return _row(f"verify(EnvioDTE of {size}), per DTE", "verify() of each DTE alone", measured, 1.2)


def envelope_build_rows(seconds: float, rounds: int) -> list[Row]:
    """``envelope()`` of 2,000 facturas per document against one ``issue()``; and its per-document
    cost at 2,000 against 250 (linear when about 1)."""
    big, small = list(issued(ENVELOPE_SIZE)), list(issued(ENVELOPE_SIZE)[:SMALL_ENVELOPE])
    document = ten_line_factura()

    def wrap(documents: list[bytes]) -> Callable[[], object]:
        return lambda: envelope(
            documents, certificate=certificate(), caratula=CARATULA, timestamp=TIMESTAMP
        )

    def one_issue() -> None:
        issue(document, caf=caf(), certificate=certificate(), timestamp=TIMESTAMP)

    slow_rounds = max(3, rounds // 3)
    per_doc = interleaved(wrap(big), one_issue, seconds=seconds * 3, rounds=slow_rounds)
    per_doc = (per_doc[0] / ENVELOPE_SIZE, per_doc[1], [r / ENVELOPE_SIZE for r in per_doc[2]])
    linear = interleaved(wrap(big), wrap(small), seconds=seconds * 3, rounds=slow_rounds)
    scale = ENVELOPE_SIZE / SMALL_ENVELOPE
    linear = (linear[0] / ENVELOPE_SIZE, linear[1] / SMALL_ENVELOPE, [r / scale for r in linear[2]])
    return [
        _row(f"envelope() of {ENVELOPE_SIZE}, per DTE", "issue() of one factura", per_doc, 0.15),
        _row(
            f"envelope() of {ENVELOPE_SIZE}, per DTE",
            f"envelope() of {SMALL_ENVELOPE}, per DTE",
            linear,
            1.2,
        ),
    ]


def cl_sii_schema_row(seconds: float, rounds: int) -> Row | None:
    """``validate_schema()`` of the real DTEs against cl-sii's XSD check (None without cl-sii)."""
    try:
        from cl_sii.dte.parse import DTE_XML_SCHEMA_OBJ, clean_dte_xml
        from cl_sii.libs.xml_utils import parse_untrusted_xml, validate_xml_doc
    except ImportError:
        return None
    # The nota de crédito carries a non-standard element that both refuse; the three facturas.
    documents = [p.read_bytes() for p in REAL_DTES if "--61--" not in p.name]

    def ours() -> None:
        for document in documents:
            validate_schema(document, restore_namespace=True)

    def theirs() -> None:
        for document in documents:
            tree = clean_dte_xml(parse_untrusted_xml(document), set_missing_xmlns=True)[0]
            validate_xml_doc(DTE_XML_SCHEMA_OBJ, tree)

    ours()
    theirs()
    measured = interleaved(ours, theirs, seconds=seconds, rounds=rounds, per_call=len(documents))
    return _row("validate_schema(), real DTEs, per DTE", "cl-sii's XSD check", measured, 1.0)


def all_rows(seconds: float, rounds: int) -> list[Row]:
    """Every row of this file, peers' rows only where the peer is installed."""
    rows = [issue_row(seconds, rounds), verify_row(seconds, rounds)]
    for optional in (cl_sii_verify_row(seconds, rounds),):
        if optional is not None:
            rows.append(optional)
    rows.append(envelope_verify_row(seconds, rounds))
    rows.extend(envelope_build_rows(seconds, rounds))
    schema = cl_sii_schema_row(seconds, rounds)
    if schema is not None:
        rows.append(schema)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=1.0, help="CPU time per row and side")
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds (median counts)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a row misses its target")
    args = parser.parse_args(argv)
    rows = all_rows(args.seconds, args.rounds)
    print(f"{'what':<38}{'us':>9}  {'against':<38}{'us':>9}{'ratio':>7}  spread       target")
    for row in rows:
        low, high = row.spread
        target = "" if row.target is None else f"<= {row.target:g}"
        verdict = {True: "met", False: "MISSED", None: ""}[row.met]
        print(
            f"{row.what:<38}{row.ours_us:>9.1f}  {row.reference:<38}{row.reference_us:>9.1f}"
            f"{row.ratio:>7.2f}  {low:.2f}..{high:.2f}   {target} {verdict}"
        )
    missed = [row for row in rows if row.met is False]
    if args.check and missed:
        print(f"--check: {len(missed)} row(s) missed their target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
