"""docs/sii.md, docs/guides/local-signing.md and docs/guides/verifying.md, claim by claim: the
CAF types that expire, the envelopes' limits and receivers, the XML size limit, the years a
timestamp may take, the codes, types and lengths of a receiver's answers, the test CAFs' key and
IDK, the SII keys that cannot be overridden and the size of the memory of issued DTEs are what
haulmer.sii does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from haulmer.errors import DocumentError
from haulmer.rut import Rut
from haulmer.sii import _xml, answer_parts, caf, envelopes, issuing, received, respuestas

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _page(name: str) -> str:
    return " ".join((DOCS / name).read_text("utf-8").split())


def test_cafs_of_these_types_expire_six_months_after_their_date() -> None:
    assert "`expires_on` (six months for 33/43/46/56/61)" in _page("sii.md")
    assert "six months after its date for 33, 43, 46, 56, 61" in _page("guides/local-signing.md")
    assert sorted(caf.EXPIRING_TYPES) == [33, 43, 46, 56, 61]
    assert caf._VALIDITY_MONTHS == 6
    assert "before July 2018 keeps the validity Res. Ex. SII 58/2017 gave it (eighteen months, " + (
        "to 31 December 2018 at most; until 30 June 2017 if authorized before 2016)"
    ) in _page("sii.md")
    assert caf._OLD_VALIDITY_MONTHS == 18
    assert [d.isoformat() for d in (caf._SIX_MONTHS_FROM, caf._OLD_VALIDITY_END)] == [
        "2018-07-01",
        "2018-12-31",
    ]
    assert caf._BEFORE_2016_END.isoformat() == "2017-06-30"


def test_envelopes_hold_2000_documents_or_500_boletas() -> None:
    assert "(at most 2000; 500 boletas in an EnvioBOLETA v1.1" in _page("sii.md")
    assert "limits (2000 documents, 500 boletas)" in _page("guides/local-signing.md")
    assert (envelopes.MAX_DTES, envelopes.MAX_BOLETAS) == (2000, 500)


def test_xml_over_64_mib_is_refused_and_timestamps_stay_within_2000_to_2050() -> None:
    assert "64 MiB limit" in _page("sii.md")
    assert "more than 64 MiB) is an `XMLError`" in _page("guides/verifying.md")
    assert _xml.MAX_XML_BYTES == 64 * 1024 * 1024
    assert "a `timestamp` outside the SII's 2000-2050" in _page("guides/local-signing.md")
    assert (issuing._EARLIEST.year, issuing._LATEST.year) == (2000, 2050)


def test_the_answers_codes_types_and_lengths_are_the_writers() -> None:
    page = _page("sii.md")
    envio = re.search(r"`Resultado\(0\)` by default; codes ([\d, ]+)\)", page)
    dte = re.search(r"by `\(tipo, folio\)`; codes ([\d, ]+)\)", page)
    assert envio is not None
    assert dte is not None
    assert [int(code) for code in envio.group(1).split(", ")] == sorted(
        respuestas.ESTADOS_RECEPCION_ENVIO
    )
    assert [int(code) for code in dte.group(1).split(", ")] == sorted(
        respuestas.ESTADOS_RECEPCION_DTE
    )
    assert "0 accepted, 1 accepted with discrepancies, 2 rejected" in page
    assert sorted(respuestas.ESTADOS_DTE) == [0, 1, 2]
    assert "types 33, 34, 46, 52, 56 and 61 are the ones the SII's schema lets" in page
    assert sorted(received.ANSWERABLE_TYPES) == [33, 34, 46, 52, 56, 61]
    assert "its `glosa` (up to 256 characters)" in page
    assert answer_parts._MAX_GLOSA == 256


def test_test_cafs_use_e_3_under_idk_9999_and_the_siis_idks_cannot_be_overridden() -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from haulmer.sii import register_caf_signer_key
    from haulmer.testing.caf import make_test_caf

    page = _page("sii.md")
    assert "its own key pair (e=3, like the SII's)" in page
    assert "under IDK 9999" in page
    assert "(IDKs 100 and 300 cannot be overridden)" in page
    made = make_test_caf(rut="76192083-9", razon_social="SASCO SpA", dte_type=33, folio_to=100)
    assert made.idk == 9999
    assert made.public_key.public_numbers().e == 3
    assert not made.is_official
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    for idk in (100, 300):
        with pytest.raises(ValueError, match="belongs to the SII"):
            register_caf_signer_key(idk, key)


def test_envelope_remembers_at_most_10000_issued_dtes_by_digest() -> None:
    from haulmer.sii import issued_memory

    assert "(remembered by a digest of its bytes, at most 10,000, never the XML)" in _page("sii.md")
    assert issued_memory.LIMIT == 10_000


def test_envelopes_go_to_the_sii_by_default_and_an_envio_boleta_to_the_sii_only() -> None:
    page = _page("sii.md")
    assert "`RutReceptor` to the SII (60803000-K)" in page
    assert "An EnvioBOLETA goes to the SII only (boletas are not exchanged)" in page
    assert "carries only the DTEs whose RUTRecep is its RutReceptor" in page
    assert envelopes.SII_RUT == "60803000-K"
    assert str(envelopes.Caratula("76795561-8", "2014-08-22", 0).rut_receptor) == "60803000-K"
    with pytest.raises(DocumentError, match="an EnvioBOLETA goes to the SII only"):
        envelopes._refuse_other_receptors([], Rut("76430498-5"), "EnvioBOLETA")
