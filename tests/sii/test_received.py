"""read_received(): the facts of a received EnvioDTE that its answers repeat."""

from __future__ import annotations

import re

import pytest

from haulmer.errors import DocumentError, XMLError
from haulmer.pfx import Certificate
from haulmer.rut import Rut
from haulmer.sii.received import read_received

from .answers import RECEPTOR, received_envelope
from .conftest import EMISOR_RUT

_DTE = re.compile(rb"<DTE .*?</DTE>", re.S)


@pytest.fixture(scope="module")
def received(issued: dict[int, bytes], certificate: Certificate) -> bytes:
    return received_envelope([issued[33], issued[61]], certificate)


def test_the_envelope_and_its_dtes_are_read(received: bytes) -> None:
    read = read_received(received)
    assert read.set_id == "SetDoc"
    assert (read.rut_emisor, read.rut_receptor) == (Rut(EMISOR_RUT), Rut(RECEPTOR))
    assert read.digest is not None
    assert len(read.digest) == 28
    assert [d.key for d in read.documents] == [(33, 1), (61, 1)]
    assert all(d.rut_receptor == Rut(RECEPTOR) for d in read.documents)


def test_the_same_dte_twice_is_refused(received: bytes) -> None:
    dte = _DTE.search(received)
    assert dte is not None
    doubled = received.replace(dte.group(), dte.group() * 2, 1)
    with pytest.raises(DocumentError, match=r"holds the DTE \(33, 1\) .*more than once"):
        read_received(doubled)


def test_a_set_id_longer_than_envio_dte_id_allows_is_refused(received: bytes) -> None:
    long_id = received.replace(b'ID="SetDoc"', b'ID="' + b"S" * 81 + b'"', 1)
    with pytest.raises(XMLError, match="longer than the 80 characters EnvioDTEID can carry"):
        read_received(long_id)


def test_a_caratula_without_rut_receptor_is_refused(received: bytes) -> None:
    without = re.sub(rb"<RutReceptor>[^<]*</RutReceptor>", b"", received, count=1)
    with pytest.raises(XMLError, match="Caratula has no RutReceptor"):
        read_received(without)


def test_a_digest_that_is_not_base64_is_left_out(received: bytes) -> None:
    broken = re.sub(
        rb"(</Caratula>.*</SetDTE><Signature.*?<DigestValue>)[^<]*",
        rb"\1not base64!",
        received,
        count=1,
        flags=re.S,
    )
    assert b"not base64!" in broken
    assert read_received(broken).digest is None


def test_received_must_be_bytes_or_text() -> None:
    with pytest.raises(TypeError, match="received must be the EnvioDTE's bytes"):
        read_received(123)  # type: ignore[arg-type]


def test_more_dtes_than_an_envio_dte_holds_are_refused(
    received: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import haulmer.sii.received as module

    monkeypatch.setattr(module, "MAX_RECEIVED", 1)
    with pytest.raises(DocumentError, match="holds 2 DTEs, more than the 1 the SII's schema"):
        read_received(received)


def test_a_dte_with_an_accented_element_name_is_read_beside_one_that_cannot_be(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    """When one DTE cannot be read, each is read alone from a copy of it: a copy that must
    hold an ERP's own element named in Spanish (``Añadido``), or the readable DTE was named
    as the one that cannot be read."""
    both = received_envelope([issued[33], issued[61]], certificate)
    first_ted = both.index(b"</TED>") + len(b"</TED>")
    extended = (
        both[:first_ted] + '<Añadido xmlns="urn:erp">1</Añadido>'.encode("iso-8859-1")
        + both[first_ted:]
    )  # fmt: skip
    at = extended.rindex(b"<FchEmis>2026-11-27</FchEmis>")
    wrong = extended[:at] + b"<FchEmis>2026-02-30</FchEmis>" + extended[at + 29 :]
    with pytest.raises(DocumentError, match=r"DTE \[1\] \(61 1\) cannot be read") as raised:
        read_received(wrong)
    assert "DTE [0]" not in str(raised.value)
