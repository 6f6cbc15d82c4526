"""Each reader handed an SII file it does not read says what the file is and what reads it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from haulmer.errors import XMLError
from haulmer.sii import (
    parse,
    read_recibos,
    read_respuesta,
    render_pdf,
    validate_schema,
    verify,
)

_SII = 'xmlns="http://www.sii.cl/SiiDte"'
_AEC = (
    f'<AEC {_SII} version="1.0"><DocumentoAEC ID="A1"><Cesiones><DTECedido version="1.0">'
    '<DocumentoDTECedido ID="D1"><DTE version="1.0"/></DocumentoDTECedido></DTECedido>'
    "</Cesiones></DocumentoAEC></AEC>"
).encode()


def _refusal(reader: Callable[[bytes], Any], xml: bytes) -> str:
    if reader is verify:
        result = verify(xml)
        assert not result.ok
        return str(result)
    with pytest.raises(XMLError) as info:
        reader(xml)
    return str(info.value)


_READERS = [parse, verify, validate_schema, render_pdf, read_respuesta, read_recibos]


@pytest.mark.parametrize("reader", _READERS, ids=lambda r: r.__name__)
def test_an_aec_is_named_a_cesion_and_the_ceded_dte_is_pointed_to(
    reader: Callable[[bytes], Any],
) -> None:
    message = _refusal(reader, _AEC)
    assert "got <AEC>" in message or "<AEC>, not" in message or "for <AEC>" in message
    assert "this is a cesión (AEC): haulmer does not read cesiones" in message
    assert "DocumentoDTECedido: take that <DTE> out to parse() or verify() it" in message


@pytest.mark.parametrize(
    ("root", "advice"),
    [
        ("RESULTADO_ENVIO", "the SII's answer about an upload, not a document"),
        ("RECEPCIONDTE", "the SII's answer about an upload, not a document"),
        ("LibroCompraVenta", "a report to the SII, not a document: haulmer does not read it"),
        ("AUTORIZACION", "a CAF file: read it with haulmer.sii.Caf.from_xml()"),
        ("CAF", "a CAF (a timbre's): read it with haulmer.sii.Caf.from_xml()"),
    ],
)
@pytest.mark.parametrize("reader", [parse, verify, render_pdf], ids=lambda r: r.__name__)
def test_other_sii_files_are_named_with_what_reads_them(
    reader: Callable[[bytes], Any], root: str, advice: str
) -> None:
    assert f"; this is {advice}" in _refusal(reader, f"<{root}><X>1</X></{root}>".encode())


def test_an_answer_handed_to_parse_names_its_reader() -> None:
    respuesta = f'<RespuestaDTE {_SII} version="1.0"/>'.encode()
    with pytest.raises(XMLError, match=r"got <RespuestaDTE>; this is a receiver's answer: read "):
        parse(respuesta)
    recibos = f'<EnvioRecibos {_SII} version="1.0"/>'.encode()
    with pytest.raises(XMLError, match=r"this is a receiver's acuse de recibo: .*read_recibos"):
        render_pdf(recibos)


def test_a_root_in_the_wrong_case_is_told_the_right_name() -> None:
    with pytest.raises(
        XMLError, match=r"case-sensitive: the root must be <EnvioDTE>, not <enviodte>"
    ):
        parse(b"<enviodte><SetDTE/></enviodte>")
    assert "the root must be <DTE>, not <dte>" in str(verify(b"<dte/>"))


def test_an_unknown_root_gets_no_advice() -> None:
    assert str(verify(b"<Factura/>")).endswith("got <Factura>")
