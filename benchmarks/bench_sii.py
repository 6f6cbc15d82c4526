"""Throughput of haulmer.sii against the raw RSA work it cannot avoid, measured in the same run.

A 10-line factura (33) costs two RSA signatures to issue (the timbre's FRMT with the CAF key and
the XMLDSig SignatureValue with the certificate's key) and two RSA verifications to verify. The
ratio SDK time / raw RSA time says how much the rest adds; the target is <= 2 (the SDK spends at
most as long again as the cryptography).

- ``issue()`` end to end (model checks, totals, SII dict, XML, TED, XMLDSig) is held to that
  target; ``--check`` exits with status 1 when its ratio is above 2, for CI.
- ``verify()`` cannot reach 2: RSA *verification* (public exponent 65537) is some 15 times
  cheaper than signing, and before it any verifier must parse the document and canonicalize the
  signed parts (Documento, SignedInfo, the timbre's DD) and hash them. That unavoidable floor
  alone costs about 4.5-5x the two RSA verifications on a 10-line factura (parse ~47 us, the
  canonical forms and their hashes ~53 us, RSA ~27 us on a 2-core Xeon). So verify is also
  reported against "parse + RSA" and against that floor ("parse + c14n + RSA"), which say how
  much the checks themselves add (about 0.9x the floor: reading the certificate, the CAF and
  the timbre, comparing the keys and the DD with the document).

Timing: every operation is warmed up, then run in interleaved rounds (so the SDK and the raw
figures face the same machine load) and the best round counts. Rounds are timed in process CPU
time, so time the process spends descheduled on a busy machine does not count; what remains of
the noise (shared caches, a busy sibling core) is a few percent, and the best-of keeps it low.

Run: python benchmarks/bench_sii.py [--seconds 1] [--rounds 15] [--check]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
import time
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from haulmer.dte.document import Document
from haulmer.sii import issue, verify
from haulmer.sii._xml import SII_NS, c14n_exclusive, descend, parse_xml, timbre_bytes
from haulmer.sii.issuing import stamp_and_sign
from haulmer.testing.caf import make_test_caf
from haulmer.testing.certificates import make_test_certificate

RUT = "76086428-5"
TIMESTAMP = dt.datetime(2026, 11, 27, 10, 30)
TARGET = 2.0


def ten_line_factura() -> Document:
    """The benchmark's document: a factura with ten priced lines and the usual parties."""
    return Document.from_sii_dict(
        {
            "Encabezado": {
                "IdDoc": {"TipoDTE": 33, "Folio": 1, "FchEmis": "2026-11-27"},
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


def best_seconds(
    operations: dict[str, Callable[[], object]], seconds: float, rounds: int
) -> dict[str, float]:
    """Best seconds per call of each operation over ``rounds`` interleaved rounds."""
    clock = time.process_time
    for operation in operations.values():  # warm-up: caches, lazy imports, branch predictors
        deadline = clock() + min(0.2, seconds / 10)
        while clock() < deadline:
            operation()
    best = dict.fromkeys(operations, float("inf"))
    slice_ = seconds / rounds  # each operation gets about ``seconds`` in all
    for _ in range(rounds):
        for name, operation in operations.items():
            count, start = 0, clock()
            while True:
                for _ in range(5):
                    operation()
                count += 5
                elapsed = clock() - start
                if elapsed >= slice_:
                    break
            best[name] = min(best[name], elapsed / count)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=1.0, help="CPU time per operation")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (best counts)")
    parser.add_argument(
        "--check", action="store_true", help=f"exit 1 if the issue() ratio is above {TARGET}"
    )
    args = parser.parse_args(argv)

    certificate = make_test_certificate(
        key="rsa2048",
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc),
    )
    caf = make_test_caf(
        rut=RUT,
        razon_social="Comercial Ñandú & Hijos Ltda.",
        dte_type=33,
        issued_on=dt.date(2026, 11, 1),
    )
    assert caf.private_key is not None
    document = ten_line_factura()
    xml = issue(document, caf=caf, certificate=certificate, timestamp=TIMESTAMP)
    result = verify(xml)
    assert result.ok, str(result)

    # Raw RSA: the same two keys over inputs of the sizes the SDK signs (DD, SignedInfo).
    caf_key, cert_key = caf.private_key, certificate.private_key
    dd_bytes, signed_info = b"x" * 900, b"y" * 600
    pkcs1, sha1 = padding.PKCS1v15(), hashes.SHA1()
    frmt = caf_key.sign(dd_bytes, pkcs1, sha1)
    signature = cert_key.sign(signed_info, pkcs1, sha1)
    caf_public, cert_public = caf.public_key, certificate.public_key

    def raw_sign() -> None:
        caf_key.sign(dd_bytes, pkcs1, sha1)
        cert_key.sign(signed_info, pkcs1, sha1)

    def raw_verify() -> None:
        caf_public.verify(frmt, dd_bytes, pkcs1, sha1)
        cert_public.verify(signature, signed_info, pkcs1, sha1)

    def parse_and_verify() -> None:
        parse_xml(xml)
        raw_verify()

    def verify_floor() -> None:
        """What any verifier of this file must do: parse, canonicalize and hash what is signed
        (Documento, SignedInfo, the timbre's DD) and check the two RSA signatures."""
        root = parse_xml(xml)
        documento, signature_element = root[0], root[1]
        hashlib.sha1(c14n_exclusive(documento)).digest()
        c14n_exclusive(signature_element[0])
        dd = descend(documento, f"{{{SII_NS}}}TED", f"{{{SII_NS}}}DD")
        assert dd is not None
        timbre_bytes(dd)
        raw_verify()

    def sdk_issue() -> None:
        issue(document, caf=caf, certificate=certificate, timestamp=TIMESTAMP)

    sii = document.checked_sii_dict(for_stamping=True)

    def xml_layer() -> None:
        stamp_and_sign(sii, caf=caf, certificate=certificate, timestamp=TIMESTAMP)

    def sdk_verify() -> None:
        verify(xml)

    seconds = best_seconds(
        {
            "issue": sdk_issue,
            "xml_layer": xml_layer,
            "raw_sign": raw_sign,
            "verify": sdk_verify,
            "raw_verify": raw_verify,
            "parse_verify": parse_and_verify,
            "verify_floor": verify_floor,
        },
        args.seconds,
        args.rounds,
    )
    rows = [
        ("issue() end to end", "issue", "raw_sign", "2 RSA signatures"),
        ("  stamp+sign only", "xml_layer", "raw_sign", "2 RSA signatures"),
        ("verify()", "verify", "raw_verify", "2 RSA verifications"),
        ("verify()", "verify", "parse_verify", "parse + 2 RSA verifications"),
        ("verify()", "verify", "verify_floor", "parse + c14n + 2 RSA verifications"),
    ]
    print(
        f"10-line factura, {len(xml)} bytes; certificate RSA-{certificate.key_size}, "
        f"CAF RSA-{caf.public_key.key_size}; best of {args.rounds} interleaved rounds"
    )
    print(f"{'operation':<21}{'us/op':>9}   {'against':<36}{'us/op':>9}{'ratio':>8}")
    for label, sdk, base, base_label in rows:
        print(
            f"{label:<21}{seconds[sdk] * 1e6:>9.1f}   {base_label:<36}"
            f"{seconds[base] * 1e6:>9.1f}{seconds[sdk] / seconds[base]:>8.2f}"
        )
    issue_ratio = seconds["issue"] / seconds["raw_sign"]
    print(
        f"issue() ratio {issue_ratio:.2f} (target <= {TARGET:g}): "
        f"{'met' if issue_ratio <= TARGET else 'NOT met'}. "
        "'stamp+sign only' starts from the SII dict (no model checks)."
    )
    print(
        "verify() cannot reach the target: parsing and canonicalizing alone cost several times "
        "the two RSA verifications; compare it with the floor rows."
    )
    if args.check and issue_ratio > TARGET:
        print(f"--check: issue() ratio {issue_ratio:.2f} is above {TARGET:g}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
