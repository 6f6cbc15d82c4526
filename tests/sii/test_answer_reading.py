"""read_respuesta() and read_recibos(): the sender of an EnvioDTE reads its receiver's answers
back, every signature and the schema checked first; what the writers write is read back as
written, and tampering is reported, never read as if signed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from lxml import etree

from haulmer.errors import DocumentError, XMLError
from haulmer.pfx import Certificate
from haulmer.rut import Rut
from haulmer.sii import (
    Caf,
    Contacto,
    Resultado,
    envio_recibos,
    read_recibos,
    read_respuesta,
    respuesta_recepcion,
    resultado_comercial,
    verify,
)
from haulmer.sii.received import read_received
from haulmer.sii.recibos import DECLARACION
from haulmer.testing.certificates import make_test_certificate

from .answers import (
    ANSWERABLE,
    ANSWERED_AT,
    RECEPTOR,
    issued_to,
    misaddressed_envelope,
    received_envelope,
)
from .conftest import EMISOR_RUT

_RECEIVED_AT = ANSWERED_AT - dt.timedelta(minutes=5)


@pytest.fixture(scope="module")
def received(issued: dict[int, bytes], certificate: Certificate) -> bytes:
    return received_envelope([issued[t] for t in ANSWERABLE], certificate)


def _recepcion(received: bytes, certificate: Certificate, **options: object) -> bytes:
    arguments: dict[str, object] = {
        "certificate": certificate,
        "rut_receptor": RECEPTOR,
        "id_respuesta": 7,
        "cod_envio": 41,
        "nombre_envio": "EnvioDTE_76086428-5.xml",
        "fecha_recepcion": _RECEIVED_AT,
        "timestamp": ANSWERED_AT,
    }
    arguments.update(options)
    return respuesta_recepcion(received, **arguments)  # type: ignore[arg-type]


def _comercial(received: bytes, certificate: Certificate, **options: object) -> bytes:
    arguments: dict[str, object] = {
        "certificate": certificate,
        "rut_receptor": RECEPTOR,
        "id_respuesta": 8,
        "cod_envio": 41,
        "resultados": Resultado(0),
        "timestamp": ANSWERED_AT,
    }
    arguments.update(options)
    return resultado_comercial(received, **arguments)  # type: ignore[arg-type]


def _recibos(received: bytes, certificate: Certificate, **options: object) -> bytes:
    arguments: dict[str, object] = {
        "certificate": certificate,
        "rut_receptor": RECEPTOR,
        "recinto": "Bodega central, Ñuñoa & <patio>",
        "timestamp": ANSWERED_AT,
    }
    arguments.update(options)
    return envio_recibos(received, **arguments)  # type: ignore[arg-type]


# -- round trips -------------------------------------------------------------------------------


def test_a_reception_answer_is_read_back_as_written(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recepcion(
        received,
        certificate,
        documentos={(61, 1): Resultado(4, "Repetido: ya recibido el 2026-11-20")},
        nmb_contacto="María Ñúñez",
        mail_contacto="dte@minera.cl",
    )
    read = read_respuesta(answer)
    sent = read_received(received)
    assert read.verification.ok
    assert (read.rut_responde, read.rut_recibe) == (Rut(RECEPTOR), Rut(EMISOR_RUT))
    assert read.id_respuesta == 7
    assert read.firmada == ANSWERED_AT
    assert read.contacto == Contacto("María Ñúñez", None, "dte@minera.cl")
    assert read.resultados == ()
    (envio,) = read.recepciones
    assert envio.recibido
    assert (envio.nombre_envio, envio.cod_envio) == ("EnvioDTE_76086428-5.xml", 41)
    assert envio.fecha_recepcion == _RECEIVED_AT
    assert (envio.envio_dte_id, envio.digest) == (sent.set_id, sent.digest)
    assert (envio.rut_emisor, envio.rut_receptor) == (sent.rut_emisor, sent.rut_receptor)
    assert tuple(d.dte for d in envio.documentos) == sent.documents
    assert [d.recibido for d in envio.documentos] == [True] * 5 + [False]
    repeated = read.recepcion(61, 1)
    assert repeated is not None
    assert (repeated.estado, repeated.glosa) == (4, "Repetido: ya recibido el 2026-11-20")
    assert read.recepcion(33, 99) is None


def test_a_rejected_envelope_is_read_back_without_dtes(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recepcion(received, certificate, envio=Resultado(2, "Firma no verifica"))
    (envio,) = read_respuesta(answer).recepciones
    assert not envio.recibido
    assert (envio.estado, envio.glosa, envio.documentos) == (2, "Firma no verifica", ())


def test_a_commercial_answer_is_read_back_as_written(
    received: bytes, certificate: Certificate
) -> None:
    given = {
        (33, 1): Resultado(0),
        (34, 1): Resultado(1, "Faltan 2 unidades", -2),
        (61, 1): Resultado(2, "No corresponde & <nuestra> compra\r\n€", -999),
    }
    answer = _comercial(received, certificate, resultados=given, fono_contacto="+56 2 2345 6789")
    read = read_respuesta(answer)
    sent = {dte.key: dte for dte in read_received(received).documents}
    assert read.recepciones == ()
    assert read.contacto == Contacto(None, "+56 2 2345 6789", None)
    assert [r.dte for r in read.resultados] == [sent[key] for key in given]
    assert {r.dte.key: r.resultado for r in read.resultados} == {
        (33, 1): Resultado(0, "DTE Aceptado OK"),
        (34, 1): given[(34, 1)],
        (61, 1): given[(61, 1)],
    }
    assert {r.cod_envio for r in read.resultados} == {41}
    rejected = read.resultado(61, 1)
    assert rejected is not None
    assert not rejected.aceptado
    accepted = read.resultado(34, 1)
    assert accepted is not None
    assert accepted.aceptado
    assert read.resultado(52, 9) is None


def test_an_envio_recibos_is_read_back_as_written(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recibos(received, certificate, documentos=[(52, 1), (33, 1)], nmb_contacto="Bodega")
    read = read_recibos(answer)
    sent = {dte.key: dte for dte in read_received(received).documents}
    assert read.verification.ok
    assert len(read.verification.passed) == 3
    assert (read.rut_responde, read.rut_recibe) == (Rut(RECEPTOR), Rut(EMISOR_RUT))
    assert read.firmado == ANSWERED_AT
    assert read.contacto == Contacto("Bodega")
    assert [r.dte for r in read.recibos] == [sent[(33, 1)], sent[(52, 1)]]
    recibo = read.recibo(52, 1)
    assert recibo is not None
    assert recibo.recinto == "Bodega central, Ñuñoa & <patio>"
    assert recibo.rut_firma == certificate.holder_rut
    assert recibo.declaracion == DECLARACION
    assert recibo.firmado == ANSWERED_AT
    assert read.recibo(61, 1) is None


def test_an_answer_given_as_text_is_read(received: bytes, certificate: Certificate) -> None:
    answer = _comercial(received, certificate)
    assert read_respuesta(answer.decode("iso-8859-1")).resultados


# -- signatures --------------------------------------------------------------------------------


def test_a_tampered_commercial_result_is_refused_naming_the_failed_check(
    received: bytes, certificate: Certificate
) -> None:
    answer = _comercial(received, certificate, resultados=Resultado(2, "Precio no pactado"))
    tampered = answer.replace(b"<EstadoDTE>2</EstadoDTE>", b"<EstadoDTE>0</EstadoDTE>", 1)
    with pytest.raises(DocumentError, match=r"RespuestaDTE does not verify.*digest") as info:
        read_respuesta(tampered)
    assert info.value.details[0].issue.startswith("digest: the content of 'ResultadoEnvio'")
    read = read_respuesta(tampered, require_verified=False)
    assert not read.verification.ok
    assert read.resultados[0].estado == 0


@pytest.mark.parametrize("reader", ["respuesta", "recibos"])
def test_require_verified_that_is_no_bool_is_refused(
    received: bytes, certificate: Certificate, reader: str
) -> None:
    """require_verified="no" was taken as true: the answer was refused as if asked to be."""
    from haulmer.errors import ValidationError

    if reader == "respuesta":
        answer, read = _comercial(received, certificate), read_respuesta
    else:
        answer, read = _recibos(received, certificate, documentos=[(33, 1)]), read_recibos
    with pytest.raises(ValidationError, match="require_verified must be True or False"):
        read(answer, require_verified="no")  # type: ignore[operator]


def test_an_unsigned_answer_is_refused(received: bytes, certificate: Certificate) -> None:
    answer = _comercial(received, certificate)
    unsigned = re.sub(rb"<Signature .*</Signature>", b"", answer, flags=re.S)
    with pytest.raises(DocumentError, match="the RespuestaDTE is not signed"):
        read_respuesta(unsigned)


def test_a_tampered_recibo_is_refused_even_when_the_set_is_signed_again(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recibos(received, certificate)
    tampered = answer.replace(b"<MntTotal>", b"<MntTotal>1", 1)
    with pytest.raises(DocumentError, match=r"digest \[Recibo R1T33\]"):
        read_recibos(tampered)


def test_a_recibo_signed_with_a_certificate_naming_no_rut_is_read_with_its_rut_firma(
    received: bytes,
) -> None:
    anonymous = make_test_certificate(
        rut=None,
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc),
    )
    answer = envio_recibos(
        received,
        certificate=anonymous,  # type: ignore[arg-type]
        rut_receptor=RECEPTOR,
        recinto="Bodega",
        rut_firma="13185095-6",
        timestamp=ANSWERED_AT,
    )
    read = read_recibos(answer)
    assert read.verification.ok
    assert {r.rut_firma for r in read.recibos} == {Rut("13185095-6")}


def test_a_recibo_whose_rut_firma_names_another_than_its_signer_is_refused(
    received: bytes, certificate: Certificate
) -> None:
    from haulmer.sii.answer_parts import signed_part

    answer = _recibos(received, certificate, documentos=[(33, 1)])
    holder = str(certificate.holder_rut).encode()
    documento = re.search(rb'<DocumentoRecibo ID="R1T33">.*?</DocumentoRecibo>', answer, re.S)
    assert documento is not None
    claimed = documento.group().replace(
        b"<RutFirma>" + holder + b"</RutFirma>", b"<RutFirma>13185095-6</RutFirma>"
    )
    resigned = signed_part(claimed.decode("iso-8859-1"), "R1T33", certificate).encode("iso-8859-1")
    recibo = re.search(rb"<Recibo .*?</Recibo>", answer, re.S)
    assert recibo is not None
    forged = answer.replace(recibo.group(), b'<Recibo version="1.0">' + resigned + b"</Recibo>")
    outcome = verify(forged)
    assert [f.check for f in outcome.failures if f.where == "Recibo R1T33"] == ["certificate"]
    with pytest.raises(DocumentError, match=r"RutFirma '13185095-6' is not 11111111-1"):
        read_recibos(forged)


def test_an_answer_signed_by_an_expired_certificate_is_refused(received: bytes) -> None:
    from haulmer.sii.answer_parts import signed_part

    expired = make_test_certificate(
        rut="11111111-1",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc),
    )
    valid = make_test_certificate(
        rut="11111111-1",
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2036, 1, 1, tzinfo=dt.timezone.utc),
    )
    answer = _comercial(received, valid)  # type: ignore[arg-type]
    part = re.search(rb'<Resultado ID="ResultadoEnvio">.*?</Resultado>', answer, re.S)
    assert part is not None
    resigned = signed_part(part.group().decode("iso-8859-1"), "ResultadoEnvio", expired)
    forged = re.sub(
        rb'<Resultado ID="ResultadoEnvio">.*</Signature>',
        resigned.encode("iso-8859-1").replace(b"\\", b"\\\\"),
        answer,
        flags=re.S,
    )
    with pytest.raises(DocumentError, match=r"certificate .*not valid at the signing time"):
        read_respuesta(forged)


# -- what is no answer -------------------------------------------------------------------------


def test_each_reader_names_the_other_for_the_other_answer(
    received: bytes, certificate: Certificate
) -> None:
    with pytest.raises(XMLError, match=r"<EnvioRecibos>, not a RespuestaDTE; .*read_recibos"):
        read_respuesta(_recibos(received, certificate))
    with pytest.raises(XMLError, match=r"<RespuestaDTE>, not an EnvioRecibos; .*read_respuesta"):
        read_recibos(_comercial(received, certificate))
    with pytest.raises(
        XMLError,
        match=r"<EnvioDTE>, not a RespuestaDTE; .*parse_all\(\), verify\(\) or render_pdfs",
    ):
        read_respuesta(received)
    with pytest.raises(TypeError, match="xml must be the RespuestaDTE's bytes"):
        read_respuesta(None)  # type: ignore[arg-type]


def test_a_signed_answer_outside_the_schema_is_refused(
    received: bytes, certificate: Certificate
) -> None:
    from haulmer.sii.answer_parts import answer_document, signed_part

    caratula = (
        '<Caratula version="1.0"><RutResponde>96790240-3</RutResponde>'
        "<RutRecibe>76086428-5</RutRecibe><IdRespuesta>1</IdRespuesta>"
        "<NroDetalles>1</NroDetalles><TmstFirmaResp>2026-11-27T12:30:00</TmstFirmaResp>"
        "</Caratula>"
    )
    bad_row = (
        "<ResultadoDTE><TipoDTE>33</TipoDTE><Folio>1</Folio><FchEmis>2026-11-27</FchEmis>"
        "<RUTEmisor>76086428-5</RUTEmisor><RUTRecep>96790240-3</RUTRecep>"
        "<MntTotal>100</MntTotal><CodEnvio>1</CodEnvio><EstadoDTE>7</EstadoDTE>"
        "<EstadoDTEGlosa>x</EstadoDTEGlosa></ResultadoDTE>"
    )
    part = f'<Resultado ID="ResultadoEnvio">{caratula}{bad_row}</Resultado>'
    signed = answer_document(
        "RespuestaDTE",
        "RespuestaEnvioDTE_v10.xsd",
        signed_part(part, "ResultadoEnvio", certificate),
    )
    assert verify(signed).ok
    with pytest.raises(XMLError, match=r"RespuestaEnvioDTE_v10\.xsd.*EstadoDTE"):
        read_respuesta(signed)


# -- comments inside signed values -------------------------------------------------------------


def _commented(answer: bytes, tag: bytes) -> bytes:
    """``answer`` with a comment after the first character of the first ``tag``'s text: C14N
    leaves it out, so every signature still verifies."""
    start = answer.index(b"<" + tag + b">") + len(tag) + 2
    return answer[: start + 1] + b"<!-- -->" + answer[start + 1 :]


def test_a_comment_inside_a_commercial_answer_s_values_reads_them_as_signed(
    received: bytes, certificate: Certificate
) -> None:
    answer = _comercial(received, certificate, resultados=Resultado(2, "Precio no pactado", -3))
    signed = read_respuesta(answer).resultados
    commented = answer
    for tag in (b"Folio", b"MntTotal", b"EstadoDTEGlosa", b"CodRchDsc", b"RUTRecep"):
        commented = _commented(commented, tag)
    read = read_respuesta(commented)
    assert read.verification.ok
    assert read.resultados == signed


def test_a_comment_inside_a_recibo_s_values_reads_them_as_signed(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recibos(received, certificate, documentos=[(33, 1)])
    signed = read_recibos(answer).recibos
    commented = answer
    for tag in (b"Recinto", b"Folio", b"Declaracion", b"TmstFirmaRecibo", b"RutFirma"):
        commented = _commented(commented, tag)
    read = read_recibos(commented)
    assert read.verification.ok
    assert read.recibos == signed


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_every_reader_of_answers_and_received_envelopes_takes_bytes_like_xml(
    kind: type, received: bytes, certificate: Certificate
) -> None:
    """A bytearray or memoryview (a buffer read from a socket or an mmap) is read as its bytes,
    as parse() and verify() read it, instead of being refused as if it were not XML."""
    assert read_received(kind(received)) == read_received(received)
    recepcion = _recepcion(received, certificate)
    assert _recepcion(kind(received), certificate) == recepcion
    assert _comercial(kind(received), certificate) == _comercial(received, certificate)
    recibos = _recibos(received, certificate)
    assert _recibos(kind(received), certificate) == recibos
    assert read_respuesta(kind(recepcion)) == read_respuesta(recepcion)
    assert read_recibos(kind(recibos)) == read_recibos(recibos)


# -- who answers whom --------------------------------------------------------------------------

_OTHER_COMPANY = "60803000-K"


def _resigned_part(
    answer: bytes, certificate: Certificate, old: bytes | str, new: bytes | str
) -> bytes:
    """``answer`` with ``old`` replaced by ``new`` in its signed part (the RespuestaDTE's
    Resultado or the EnvioRecibos' SetRecibos), that part signed again with ``certificate``: a
    validly signed answer saying something its receiver's own answer would not."""
    from haulmer.sii.answer_parts import answer_document, signed_part

    text = answer.decode("iso-8859-1")
    root, schema, part_id = (
        ("RespuestaDTE", "RespuestaEnvioDTE_v10.xsd", "ResultadoEnvio")
        if "<RespuestaDTE " in text
        else ("EnvioRecibos", "EnvioRecibos_v10.xsd", "SetDteRecibidos")
    )
    start = text.index(f' ID="{part_id}"')
    start = text.rindex("<", 0, start)
    end = text.rindex('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">')
    as_text = [value.decode("ascii") if isinstance(value, bytes) else value for value in (old, new)]
    part = text[start:end].replace(as_text[0], as_text[1])
    assert part != text[start:end]
    return answer_document(root, schema, signed_part(part, part_id, certificate))


@pytest.mark.parametrize("element", [b"RutResponde", b"RutRecibe"])
def test_a_commercial_answer_by_another_than_the_dtes_receptor_or_to_another_issuer_is_refused(
    received: bytes, certificate: Certificate, element: bytes
) -> None:
    answer = _comercial(received, certificate, resultados={(33, 1): Resultado(0)})
    old = RECEPTOR if element == b"RutResponde" else EMISOR_RUT
    forged = _resigned_part(
        answer,
        certificate,
        b"<%s>%s</%s>" % (element, old.encode(), element),
        b"<%s>%s</%s>" % (element, _OTHER_COMPANY.encode(), element),
    )
    failures = [(f.check, f.reason) for f in verify(forged).failures]
    assert len(failures) == 1
    assert failures[0][0] == "answer"
    assert f"{element.decode()} {_OTHER_COMPANY}" in failures[0][1]
    assert "(33, 1)" in failures[0][1]
    with pytest.raises(DocumentError, match=f"{element.decode()} {_OTHER_COMPANY}"):
        read_respuesta(forged)
    assert read_respuesta(forged, require_verified=False).resultado(33, 1) is not None


def test_an_acuse_de_recibo_by_another_than_the_dtes_receptor_is_refused(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recibos(received, certificate, documentos=[(33, 1)])
    forged = _resigned_part(
        answer,
        certificate,
        f"<RutResponde>{RECEPTOR}</RutResponde>".encode(),
        f"<RutResponde>{_OTHER_COMPANY}</RutResponde>".encode(),
    )
    assert [f.check for f in verify(forged).failures] == ["answer"]
    with pytest.raises(DocumentError, match=f"RutResponde {_OTHER_COMPANY}.*RUTRecep {RECEPTOR}"):
        read_recibos(forged)


def test_a_reception_answer_names_a_dte_of_another_receptor_only_as_not_received(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    ours = issued_to(RECEPTOR, certificate, cafs, folio=8)
    theirs = issued_to(_OTHER_COMPANY, certificate, cafs, folio=9)
    envelope = misaddressed_envelope([ours, theirs], certificate)
    answer = _recepcion(envelope, certificate, documentos={(33, 9): Resultado(3, "No es nuestro")})
    read = read_respuesta(answer)
    assert read.verification.ok
    recepcion = read.recepcion(33, 9)
    assert recepcion is not None
    assert not recepcion.recibido
    forged = _resigned_part(
        answer,
        certificate,
        b"<EstadoRecepDTE>3</EstadoRecepDTE><RecepDTEGlosa>No es nuestro",
        b"<EstadoRecepDTE>0</EstadoRecepDTE><RecepDTEGlosa>No es nuestro",
    )
    with pytest.raises(DocumentError, match=rf"\(33, 9\).*RUTRecep {_OTHER_COMPANY}"):
        read_respuesta(forged)


def test_a_commercial_answer_giving_one_dte_two_results_is_refused(
    received: bytes, certificate: Certificate
) -> None:
    answer = _comercial(received, certificate, resultados={(33, 1): Resultado(0)})
    row = re.search(rb"<ResultadoDTE>.*?</ResultadoDTE>", answer, re.S)
    assert row is not None
    rejected = (
        row.group()
        .replace(b"<EstadoDTE>0</EstadoDTE>", b"<EstadoDTE>2</EstadoDTE>")
        .replace(b"DTE Aceptado OK", b"Rechazado")
    )
    forged = _resigned_part(
        answer, certificate, row.group().decode("ascii"), (row.group() + rejected).decode("ascii")
    )
    failures = [(f.check, f.reason) for f in verify(forged).failures]
    assert failures == [
        (
            "answer",
            "the DTE (33, 1) of 76086428-5 is given 2 commercial results: which one stands "
            "cannot be told",
        )
    ]
    with pytest.raises(DocumentError, match=r"\(33, 1\) of 76086428-5 is given 2 commercial"):
        read_respuesta(forged)


def test_an_answer_s_failure_quotes_a_forged_value_on_one_line() -> None:
    from haulmer.sii.answer_parties import party_problems

    part = etree.fromstring(
        '<Resultado xmlns="http://www.sii.cl/SiiDte" ID="ResultadoEnvio"><Caratula>'
        f"<RutResponde>{_OTHER_COMPANY}</RutResponde><RutRecibe>{EMISOR_RUT}</RutRecibe>"
        "</Caratula><ResultadoDTE><TipoDTE>33</TipoDTE>"
        f"<Folio>1\nverified: signature {'9' * 100}</Folio><RUTEmisor>{EMISOR_RUT}</RUTEmisor>"
        f"<RUTRecep>{RECEPTOR}</RUTRecep></ResultadoDTE></Resultado>"
    )
    (problem,) = party_problems(part)
    assert "\n" not in problem
    assert "(33, '1\\nverified: signatu...)" in problem
    assert len(problem) < 250


def _reception_part(estado_envio: int, rut_receptor: str, estado_dte: int) -> etree._Element:
    return etree.fromstring(
        '<Resultado xmlns="http://www.sii.cl/SiiDte" ID="ResultadoEnvio"><Caratula>'
        f"<RutResponde>{RECEPTOR}</RutResponde><RutRecibe>{EMISOR_RUT}</RutRecibe></Caratula>"
        f"<RecepcionEnvio><RutEmisor>{EMISOR_RUT}</RutEmisor>"
        f"<RutReceptor>{rut_receptor}</RutReceptor><EstadoRecepEnv>{estado_envio}</EstadoRecepEnv>"
        f"<RecepcionDTE><TipoDTE>33</TipoDTE><Folio>9</Folio><RUTEmisor>{EMISOR_RUT}</RUTEmisor>"
        f"<RUTRecep>{_OTHER_COMPANY}</RUTRecep><EstadoRecepDTE>{estado_dte}</EstadoRecepDTE>"
        "</RecepcionDTE></RecepcionEnvio></Resultado>"
    )


def test_saying_an_envelope_or_a_dte_was_not_received_may_name_another_company() -> None:
    from haulmer.sii.answer_parties import party_problems

    for estado in (1, 2, 3, 4, 99):  # a DTE of another receptor not received, for any reason
        assert party_problems(_reception_part(0, RECEPTOR, estado)) == []
    for estado in (1, 2, 3, 90, 91, 99):  # an envelope of another receptor rejected
        assert party_problems(_reception_part(estado, _OTHER_COMPANY, 3)) == []
    (received,) = party_problems(_reception_part(0, _OTHER_COMPANY, 3))
    assert f"addressed to {_OTHER_COMPANY}, not to RutResponde {RECEPTOR}" in received


@pytest.mark.parametrize("zero", ["00", "+0"])
def test_a_received_code_written_otherwise_than_0_is_judged_as_received(
    certificate: Certificate, cafs: dict[int, Caf], zero: str
) -> None:
    """The schema reads ``00`` and ``+0`` as the code 0, and so do the readers: a DTE of
    another receptor said received so is no more its receptor's word than with ``0``."""
    ours = issued_to(RECEPTOR, certificate, cafs, folio=8)
    theirs = issued_to(_OTHER_COMPANY, certificate, cafs, folio=9)
    envelope = misaddressed_envelope([ours, theirs], certificate)
    answer = _recepcion(envelope, certificate, documentos={(33, 9): Resultado(3, "No es nuestro")})
    forged = _resigned_part(
        answer,
        certificate,
        b"<EstadoRecepDTE>3</EstadoRecepDTE><RecepDTEGlosa>No es nuestro",
        f"<EstadoRecepDTE>{zero}</EstadoRecepDTE><RecepDTEGlosa>No es nuestro".encode(),
    )
    assert read_respuesta(forged, require_verified=False).recepcion(33, 9).recibido  # type: ignore[union-attr]
    assert [f.check for f in verify(forged).failures] == ["answer"]
    with pytest.raises(DocumentError, match=rf"\(33, 9\).*RUTRecep {_OTHER_COMPANY}"):
        read_respuesta(forged)
    envio = _reception_part(0, _OTHER_COMPANY, 3)
    code = envio.find(".//{http://www.sii.cl/SiiDte}EstadoRecepEnv")
    assert code is not None
    code.text = zero
    from haulmer.sii.answer_parties import party_problems

    (received,) = party_problems(envio)
    assert f"addressed to {_OTHER_COMPANY}, not to RutResponde {RECEPTOR}" in received


def test_one_dte_given_two_results_is_refused_however_its_numbers_are_written(
    received: bytes, certificate: Certificate
) -> None:
    answer = _comercial(received, certificate, resultados={(33, 1): Resultado(0)})
    row = re.search(rb"<ResultadoDTE>.*?</ResultadoDTE>", answer, re.S)
    assert row is not None
    rejected = (
        row.group()
        .replace(b"<TipoDTE>33<", b"<TipoDTE>033<")
        .replace(b"<Folio>1<", b"<Folio>+01<")
        .replace(b"<EstadoDTE>0</EstadoDTE>", b"<EstadoDTE>2</EstadoDTE>")
        .replace(b"DTE Aceptado OK", b"Rechazado")
    )
    forged = _resigned_part(
        answer, certificate, row.group().decode("ascii"), (row.group() + rejected).decode("ascii")
    )
    assert [r.estado for r in read_respuesta(forged, require_verified=False).resultados] == [0, 2]
    with pytest.raises(DocumentError, match=r"\(33, 1\) of 76086428-5 is given 2 commercial"):
        read_respuesta(forged)


def test_a_dte_said_received_under_a_rejected_envelope_is_judged_as_received(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    """A rejected envelope lists no DTE when its receiver answers it; one listed anyway as
    received (EstadoRecepDTE 0) is read as received, so it must be its receptor's word."""
    ours = issued_to(RECEPTOR, certificate, cafs, folio=8)
    theirs = issued_to(_OTHER_COMPANY, certificate, cafs, folio=9)
    envelope = misaddressed_envelope([ours, theirs], certificate)
    answer = _recepcion(envelope, certificate, documentos={(33, 9): Resultado(3, "No es nuestro")})
    rejected = _resigned_part(
        answer,
        certificate,
        b"<EstadoRecepEnv>0</EstadoRecepEnv><RecepEnvGlosa>Envio Recibido Conforme<",
        b"<EstadoRecepEnv>99</EstadoRecepEnv><RecepEnvGlosa>Rechazado<",
    )
    forged = _resigned_part(
        rejected,
        certificate,
        b"<EstadoRecepDTE>3</EstadoRecepDTE><RecepDTEGlosa>No es nuestro",
        b"<EstadoRecepDTE>0</EstadoRecepDTE><RecepDTEGlosa>No es nuestro",
    )
    unchecked = read_respuesta(forged, require_verified=False)
    assert not unchecked.recepciones[0].recibido
    assert unchecked.recepcion(33, 9).recibido  # type: ignore[union-attr]
    assert [f.check for f in verify(forged).failures] == ["answer"]
    with pytest.raises(DocumentError, match=rf"\(33, 9\).*RUTRecep {_OTHER_COMPANY}"):
        read_respuesta(forged)
    from haulmer.sii.answer_parties import party_problems

    assert party_problems(_reception_part(2, _OTHER_COMPANY, 4)) == []


def test_the_rejection_of_an_envelope_whose_caratula_ruts_have_a_wrong_check_digit_is_read(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    """respuesta_recepcion() rejects such an envelope repeating its RUTs as written (the issuer
    it answers, the RutReceptor another receiver echoes): the reader reads them so too."""
    from .resigning import resign_envelope

    envelope = received_envelope([issued[33]], certificate)
    to_a_typo = resign_envelope(
        envelope,
        certificate,
        lambda xml: xml.replace(
            f"<RutEmisor>{EMISOR_RUT}</RutEmisor>".encode(), b"<RutEmisor>76086428-4</RutEmisor>"
        ),
    )
    rejected = read_respuesta(
        _recepcion(to_a_typo, certificate, envio=Resultado(99, "RUT emisor errado"))
    )
    assert rejected.rut_recibe == Rut("76086428-4", validate_dv=False)
    assert not rejected.rut_recibe.is_dv_valid
    (recepcion,) = rejected.recepciones
    assert (recepcion.estado, recepcion.rut_emisor) == (99, rejected.rut_recibe)
    misaddressed = resign_envelope(
        envelope,
        certificate,
        lambda xml: xml.replace(
            f"<RutReceptor>{RECEPTOR}</RutReceptor>".encode(),
            b"<RutReceptor>96790240-4</RutReceptor>",
        ),
    )
    answer = _recepcion(misaddressed, certificate, envio=Resultado(3, "No es para nosotros"))
    echoed = _resigned_part(  # as another receiver writes it: the RutReceptor it was sent to
        answer,
        certificate,
        f"<RutEmisor>{EMISOR_RUT}</RutEmisor><EstadoRecepEnv>",
        f"<RutEmisor>{EMISOR_RUT}</RutEmisor><RutReceptor>96790240-4</RutReceptor><EstadoRecepEnv>",
    )
    (not_ours,) = read_respuesta(echoed).recepciones
    assert (not_ours.estado, not_ours.rut_receptor) == (3, Rut("96790240-4", validate_dv=False))
