"""A hostile value of a megabyte, anywhere in received XML, gives a short failure or error that
still names what is wrong: ``verify()``'s failures and passes and ``validate_schema()``'s
``XMLError`` quote a document's values and names cut, never whole."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from haulmer.errors import XMLError
from haulmer.pfx import Certificate
from haulmer.sii import Caratula, envelope, validate_schema, verify

from .conftest import EMISOR_RUT, SIGNED_AT

HUGE = "A" * 1_000_000
"""What a hostile producer writes where a short value belongs."""
LONGEST_MESSAGE = 2_000
"""Far above any real message, far below the megabyte that went in."""


def _swap(xml: bytes, pattern: bytes, replacement: bytes) -> bytes:
    changed, count = re.subn(pattern, replacement, xml, count=1)
    assert count == 1, pattern
    return changed


def _huge_text(tag: str) -> tuple[bytes, bytes]:
    return rb"<%s>[^<]*</%s>" % (tag.encode(), tag.encode()), b"<%s>%s</%s>" % (
        tag.encode(),
        HUGE.encode(),
        tag.encode(),
    )


IN_A_DTE = {
    "Reference URI": (rb'URI="#[^"]*"', b'URI="#' + HUGE.encode() + b'"', "ID"),
    "CanonicalizationMethod": (
        rb'CanonicalizationMethod Algorithm="[^"]*"',
        b'CanonicalizationMethod Algorithm="' + HUGE.encode() + b'"',
        "CanonicalizationMethod",
    ),
    "Documento ID": (rb'<Documento ID="[^"]*"', b'<Documento ID="' + HUGE.encode() + b'"', "ID"),
    **{f"DD/{tag}": (*_huge_text(tag), f"DD/{tag}") for tag in ("RR", "RSR", "IT1", "MNT")},
    "DD/TD": (*_huge_text("TD"), "DD/TD"),
    "DD/F": (*_huge_text("F"), "folio"),
    "DD/RE": (*_huge_text("RE"), "DD/RE"),
}


@pytest.mark.parametrize("where", sorted(IN_A_DTE))
def test_verify_names_a_megabyte_value_in_a_dte_in_a_short_failure(
    where: str, issued: dict[int, bytes]
) -> None:
    pattern, replacement, named = IN_A_DTE[where]
    result = verify(_swap(issued[33], pattern, replacement))
    assert not result.ok
    text = str(result)
    assert len(text) < LONGEST_MESSAGE, text[:300]
    assert named in text
    assert all(len(failure.where) <= 64 for failure in result.failures)


def test_verify_names_a_megabyte_value_in_an_envelope_in_a_short_failure(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    caratula = Caratula(
        rut_emisor=EMISOR_RUT, fecha_resolucion=dt.date(2026, 1, 15), numero_resolucion=0
    )
    envio = envelope([issued[33]], certificate=certificate, caratula=caratula, timestamp=SIGNED_AT)
    for pattern, replacement in (
        (rb'<SetDTE ID="[^"]*"', b'<SetDTE ID="' + HUGE.encode() + b'"'),
        _huge_text("RutEmisor"),
    ):
        result = verify(_swap(envio, pattern, replacement))
        assert not result.ok
        assert len(str(result)) < LONGEST_MESSAGE, str(result)[:300]


@pytest.mark.parametrize(
    ("tag", "named"),
    [("MntTotal", "MntTotal"), ("RUTRecep", "pattern"), ("FchEmis", "FchEmis")],
)
def test_validate_schema_cuts_a_megabyte_value_that_the_schema_refuses(
    tag: str, named: str, issued: dict[int, bytes]
) -> None:
    with pytest.raises(XMLError) as caught:
        validate_schema(_swap(issued[33], *_huge_text(tag)))
    message = str(caught.value)
    assert len(message) < LONGEST_MESSAGE, message[:300]
    assert named in message
    assert "AAAA..." in message  # the value is shown, cut


def test_validate_schema_cuts_a_megabyte_element_name_and_namespace(
    issued: dict[int, bytes],
) -> None:
    name = "B" * 50_000
    unknown = issued[33].replace(b"</Encabezado>", f"<{name}>x</{name}></Encabezado>".encode(), 1)
    with pytest.raises(XMLError) as caught:
        validate_schema(unknown)
    assert len(str(caught.value)) < LONGEST_MESSAGE
    foreign = re.sub(rb'xmlns="[^"]*"', b'xmlns="urn:' + HUGE.encode() + b'"', issued[33], count=1)
    with pytest.raises(XMLError) as caught:
        validate_schema(foreign)
    assert len(str(caught.value)) < LONGEST_MESSAGE
    assert "namespace" in str(caught.value)


def test_a_schema_message_keeps_every_short_quoted_value_and_its_explanation() -> None:
    from haulmer.sii.schema import _bounded

    message = (
        "Element '{http://www.sii.cl/SiiDte}TipoDTE': [facet 'enumeration'] The value '7' is "
        "not an element of the set {'33', '34', '39'}."
    )
    assert _bounded(message) == message
    unclosed = "Element 'MntTotal': '" + "9" * 500
    assert _bounded(unclosed) == "Element 'MntTotal': '" + "9" * 57 + "..."
