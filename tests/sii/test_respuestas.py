"""respuesta_recepcion() and resultado_comercial(): the receiver's RespuestaDTE, schema-valid,
signed over #ResultadoEnvio, every input checked before signing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from lxml import etree

from haulmer.errors import CertificateError, DocumentError, InvalidRutError, XMLError
from haulmer.pfx import Certificate
from haulmer.rut import Rut
from haulmer.sii import (
    Caf,
    Resultado,
    read_respuesta,
    respuesta_recepcion,
    resultado_comercial,
    validate_schema,
)
from haulmer.testing.certificates import make_test_certificate

from .answers import (
    ANSWERABLE,
    ANSWERED_AT,
    RECEPTOR,
    envelope_holding_twice,
    issued_to,
    misaddressed_envelope,
    real_received,
    received_envelope,
    sdk_checks,
    signxml_checks,
    texts_at,
    with_a_dte_changed,
    with_a_dte_rewritten,
    with_the_envelope_changed,
    xmlsec1_checks,
)
from .conftest import EMISOR_RUT, REAL_DTES, SIGNED_AT

SII = "{http://www.sii.cl/SiiDte}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"


@pytest.fixture(scope="module")
def received(issued: dict[int, bytes], certificate: Certificate) -> bytes:
    return received_envelope([issued[t] for t in ANSWERABLE], certificate)


def _recepcion(received: bytes, certificate: Certificate, **options: object) -> bytes:
    arguments: dict[str, object] = {
        "certificate": certificate,
        "rut_receptor": RECEPTOR,
        "id_respuesta": 1,
        "cod_envio": 41,
        "nombre_envio": "EnvioDTE_76086428-5.xml",
        "fecha_recepcion": ANSWERED_AT - dt.timedelta(minutes=5),
        "timestamp": ANSWERED_AT,
    }
    arguments.update(options)
    return respuesta_recepcion(received, **arguments)  # type: ignore[arg-type]


def _comercial(received: bytes, certificate: Certificate, **options: object) -> bytes:
    arguments: dict[str, object] = {
        "certificate": certificate,
        "rut_receptor": RECEPTOR,
        "id_respuesta": 2,
        "cod_envio": 41,
        "resultados": Resultado(0),
        "timestamp": ANSWERED_AT,
    }
    arguments.update(options)
    return resultado_comercial(received, **arguments)  # type: ignore[arg-type]


# -- what is written ---------------------------------------------------------------------------


def test_the_reception_answer_validates_against_the_sii_schema(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recepcion(received, certificate)
    validate_schema(answer)
    assert answer.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<RespuestaDTE ')


def test_the_reception_answer_names_the_envelope_and_each_dte(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recepcion(received, certificate)
    caratula = f"{SII}Resultado/{SII}Caratula/"
    assert texts_at(answer, caratula + f"{SII}RutResponde") == [RECEPTOR]
    assert texts_at(answer, caratula + f"{SII}RutRecibe") == [EMISOR_RUT]
    assert texts_at(answer, caratula + f"{SII}NroDetalles") == ["1"]
    envio = f"{SII}Resultado/{SII}RecepcionEnvio/"
    assert texts_at(answer, envio + f"{SII}EnvioDTEID") == ["SetDoc"]
    envelope_digest = etree.fromstring(received).find(
        f"{DS}Signature/{DS}SignedInfo/{DS}Reference/{DS}DigestValue"
    )
    assert envelope_digest is not None
    assert texts_at(answer, envio + f"{SII}Digest") == [envelope_digest.text]
    assert texts_at(answer, envio + f"{SII}EstadoRecepEnv") == ["0"]
    assert texts_at(answer, envio + f"{SII}RecepEnvGlosa") == ["Envio Recibido Conforme"]
    assert texts_at(answer, envio + f"{SII}NroDTE") == [str(len(ANSWERABLE))]
    assert texts_at(answer, envio + f"{SII}RecepcionDTE/{SII}TipoDTE") == [
        str(t) for t in ANSWERABLE
    ]
    assert set(texts_at(answer, envio + f"{SII}RecepcionDTE/{SII}EstadoRecepDTE")) == {"0"}


def test_timestamps_are_written_as_the_sii_writes_them_in_chilean_time(
    received: bytes, certificate: Certificate
) -> None:
    aware = dt.datetime(2026, 11, 27, 15, 30, 5, 123456, tzinfo=dt.timezone.utc)
    answer = _recepcion(received, certificate, timestamp=aware, fecha_recepcion=aware)
    assert texts_at(answer, f"{SII}Resultado/{SII}Caratula/{SII}TmstFirmaResp") == [
        "2026-11-27T12:30:05"
    ]
    assert texts_at(answer, f"{SII}Resultado/{SII}RecepcionEnvio/{SII}FchRecep") == [
        "2026-11-27T12:30:05"
    ]


def test_a_rejected_envelope_lists_no_dte(received: bytes, certificate: Certificate) -> None:
    answer = _recepcion(received, certificate, envio=Resultado(2, "Firma del envio no verifica"))
    validate_schema(answer)
    envio = f"{SII}Resultado/{SII}RecepcionEnvio/"
    assert texts_at(answer, envio + f"{SII}EstadoRecepEnv") == ["2"]
    assert texts_at(answer, envio + f"{SII}RecepEnvGlosa") == ["Firma del envio no verifica"]
    assert texts_at(answer, envio + f"{SII}RecepcionDTE") == []
    assert texts_at(answer, envio + f"{SII}NroDTE") == []


def test_a_dte_is_answered_with_the_code_given_for_it(
    received: bytes, certificate: Certificate
) -> None:
    answer = _recepcion(received, certificate, documentos={(61, 1): Resultado(4, "Repetido")})
    validate_schema(answer)
    estados = texts_at(
        answer, f"{SII}Resultado/{SII}RecepcionEnvio/{SII}RecepcionDTE/{SII}EstadoRecepDTE"
    )
    assert estados == ["0", "0", "0", "0", "0", "4"]


def test_a_dte_the_envelope_holds_twice_is_answered_as_repeated_the_second_time(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    twice = envelope_holding_twice(issued[33], issued[61], certificate)
    answer = _recepcion(twice, certificate, documentos={(33, 1): Resultado(0)})
    validate_schema(answer)
    recepcion = f"{SII}Resultado/{SII}RecepcionEnvio/"
    assert texts_at(answer, recepcion + f"{SII}RecepcionDTE/{SII}Folio") == ["1", "1", "1"]
    assert texts_at(answer, recepcion + f"{SII}RecepcionDTE/{SII}EstadoRecepDTE") == ["0", "4", "0"]
    assert texts_at(answer, recepcion + f"{SII}RecepcionDTE/{SII}RecepDTEGlosa")[1] == (
        "DTE No Recibido - DTE Repetido"
    )
    assert texts_at(answer, recepcion + f"{SII}NroDTE") == ["3"]


def test_a_dte_the_envelope_holds_twice_is_answered_commercially_once(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    twice = envelope_holding_twice(issued[33], issued[61], certificate)
    rejected = _comercial(twice, certificate, resultados={(33, 1): Resultado(2, "Precio mal")})
    validate_schema(rejected)
    assert texts_at(rejected, f"{SII}Resultado/{SII}ResultadoDTE/{SII}Folio") == ["1"]
    every = _comercial(twice, certificate)
    validate_schema(every)
    assert texts_at(every, f"{SII}Resultado/{SII}ResultadoDTE/{SII}TipoDTE") == ["33", "61"]
    assert texts_at(every, f"{SII}Resultado/{SII}Caratula/{SII}NroDetalles") == ["2"]


def test_the_commercial_answer_validates_and_carries_each_result(
    received: bytes, certificate: Certificate
) -> None:
    answer = _comercial(
        received,
        certificate,
        resultados={
            (33, 1): Resultado(0),
            (34, 1): Resultado(1, "Faltan 2 unidades", -2),
            (61, 1): Resultado(2, "No corresponde a una compra & <nuestra>"),
        },
    )
    validate_schema(answer)
    result = f"{SII}Resultado/{SII}ResultadoDTE/"
    assert texts_at(answer, result + f"{SII}TipoDTE") == ["33", "34", "61"]
    assert texts_at(answer, result + f"{SII}EstadoDTE") == ["0", "1", "2"]
    assert texts_at(answer, result + f"{SII}EstadoDTEGlosa") == [
        "DTE Aceptado OK",
        "Faltan 2 unidades",
        "No corresponde a una compra & <nuestra>",
    ]
    assert texts_at(answer, result + f"{SII}CodRchDsc") == ["-2"]
    assert texts_at(answer, result + f"{SII}CodEnvio") == ["41", "41", "41"]
    assert texts_at(answer, f"{SII}Resultado/{SII}Caratula/{SII}NroDetalles") == ["3"]


def test_one_result_answers_every_dte(received: bytes, certificate: Certificate) -> None:
    answer = _comercial(received, certificate)
    assert len(texts_at(answer, f"{SII}Resultado/{SII}ResultadoDTE")) == len(ANSWERABLE)


def test_a_glosa_outside_latin1_is_written_as_a_reference_and_still_verifies(
    received: bytes, certificate: Certificate
) -> None:
    answer = _comercial(received, certificate, resultados=Resultado(2, "Precio en € no pactado"))
    assert b"&#8364;" in answer
    validate_schema(answer)
    assert sdk_checks(answer) == ["ResultadoEnvio"]


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_real_dtes_received_are_answered_with_valid_signed_xml(
    path: Path, certificate: Certificate, tmp_path: Path
) -> None:
    received, receptor = real_received(path, certificate)
    for answer in (
        _recepcion(received, certificate, rut_receptor=receptor),
        _comercial(received, certificate, rut_receptor=receptor),
    ):
        validate_schema(answer)
        assert sdk_checks(answer) == ["ResultadoEnvio"]
        signxml_checks(answer, certificate)


# -- signatures --------------------------------------------------------------------------------


@pytest.mark.parametrize("build", [_recepcion, _comercial], ids=["recepcion", "comercial"])
def test_the_answer_signature_verifies_with_the_sdk_signxml_and_xmlsec1(
    build: object, received: bytes, certificate: Certificate, tmp_path: Path
) -> None:
    answer = build(received, certificate)  # type: ignore[operator]
    assert sdk_checks(answer) == ["ResultadoEnvio"]
    result = signxml_checks(answer, certificate)
    assert result.signed_xml.get("ID") == "ResultadoEnvio"
    xmlsec1_checks(
        answer, certificate, tmp_path, id_attr="Resultado", xpath="/*/*[local-name()='Signature']"
    )


def test_tampering_with_an_answer_breaks_its_signature(
    received: bytes, certificate: Certificate
) -> None:
    answer = _comercial(received, certificate)
    tampered = answer.replace(b"<EstadoDTE>0</EstadoDTE>", b"<EstadoDTE>2</EstadoDTE>", 1)
    signature = etree.fromstring(tampered).find(f"{DS}Signature")
    assert signature is not None
    from haulmer.sii.signature import check_signature

    assert not check_signature(signature).ok


# -- refusals ----------------------------------------------------------------------------------


def test_an_envelope_addressed_to_another_company_is_refused_unless_answered_so(
    received: bytes, certificate: Certificate
) -> None:
    other = "76555835-2"
    with pytest.raises(DocumentError, match="addressed to 96790240-3, not to rut_receptor"):
        _recepcion(received, certificate, rut_receptor=other)
    with pytest.raises(DocumentError, match="addressed to 96790240-3"):
        _comercial(received, certificate, rut_receptor=other)
    answer = _recepcion(
        received, certificate, rut_receptor=other, envio=Resultado(3, "No somos el receptor")
    )
    validate_schema(answer)
    assert texts_at(answer, f"{SII}Resultado/{SII}Caratula/{SII}RutResponde") == [other]


def test_an_envelope_whose_rut_receptor_has_a_wrong_check_digit_is_answered_as_not_ours(
    received: bytes, certificate: Certificate
) -> None:
    wrong = received.replace(
        b"<RutReceptor>96790240-3</RutReceptor>", b"<RutReceptor>96790240-4</RutReceptor>", 1
    )
    with pytest.raises(DocumentError, match=r"addressed to 96790240-4.*envio=Resultado\(3"):
        _recepcion(wrong, certificate)
    answer = _recepcion(wrong, certificate, envio=Resultado(3, "RUT receptor errado"))
    validate_schema(answer)
    recepcion = f"{SII}Resultado/{SII}RecepcionEnvio/"
    assert texts_at(answer, recepcion + f"{SII}EstadoRecepEnv") == ["3"]
    assert texts_at(answer, recepcion + f"{SII}RutReceptor") == []
    assert read_respuesta(answer).recepciones[0].rut_receptor is None
    with pytest.raises(DocumentError, match="addressed to 96790240-4, not to rut_receptor"):
        _comercial(wrong, certificate)


def test_a_dte_addressed_to_another_company_is_refused_unless_answered_so(
    certificate: Certificate, cafs: dict[int, Caf], issued: dict[int, bytes]
) -> None:
    stray = issued_to("76555835-2", certificate, cafs, folio=7)
    received = misaddressed_envelope([issued[33], stray], certificate)
    with pytest.raises(DocumentError, match=r"DTE \(33, 7\) is addressed to 76555835-2") as info:
        _recepcion(received, certificate)
    assert info.value.details[0].field == "documentos[(33, 7)]"
    with pytest.raises(DocumentError, match=r"DTE \(33, 7\) is addressed to 76555835-2"):
        _comercial(received, certificate)
    answer = _recepcion(
        received, certificate, documentos={(33, 7): Resultado(3, "RUT receptor no corresponde")}
    )
    validate_schema(answer)
    accepted_only_ours = _comercial(received, certificate, resultados={(33, 1): Resultado(0)})
    validate_schema(accepted_only_ours)


def test_a_dte_addressed_to_another_company_is_refused_saying_which_to_answer(
    certificate: Certificate, cafs: dict[int, Caf], issued: dict[int, bytes]
) -> None:
    stray = issued_to("76555835-2", certificate, cafs, folio=7)
    received = misaddressed_envelope([issued[33], stray, issued[61]], certificate)
    with pytest.raises(
        DocumentError,
        match=r"leave it out of resultados \(the envelope's DTEs addressed to 96790240-3 from "
        r"its issuer: \(33, 1\), \(61, 1\)\)",
    ):
        _comercial(received, certificate)


@pytest.mark.parametrize(
    ("resultado", "message"),
    [
        (Resultado(5), r"estado 5 is not one of the SII's codes: 0 \(DTE Aceptado OK\)"),
        (Resultado(True), "estado True is not one of the SII's codes"),  # type: ignore[arg-type]
        (Resultado(2), r"glosa is required: say why"),
        (Resultado(1, "   "), r"glosa is required"),
        (Resultado(2, "x" * 257), "has 257 characters, more than the 256"),
        (Resultado(2, "bad \x01 byte"), "U\\+0001, which XML cannot carry"),
        # a Windows-1252 quote read as ISO-8859-1: written as the C1 byte, shown as garbage
        (Resultado(2, "\x93no\x94"), "U\\+0093, a control character"),
        (Resultado(2, "borrado\x7f"), "U\\+007F, a control character"),
        (Resultado(0, cod_rch_dsc=-1), "only a DTE accepted with discrepancies or rejected"),
        (Resultado(2, "x", cod_rch_dsc=0), "-1 to -999"),
        (Resultado(2, "x", cod_rch_dsc=-1000), "-1 to -999"),
        (Resultado(2, "x", cod_rch_dsc=3), "-1 to -999"),
    ],
)
def test_a_commercial_result_outside_the_schema_is_refused(
    received: bytes, certificate: Certificate, resultado: Resultado, message: str
) -> None:
    with pytest.raises(DocumentError, match=message):
        _comercial(received, certificate, resultados={(33, 1): resultado})


def test_the_longest_glosa_the_schema_allows_is_written(
    received: bytes, certificate: Certificate
) -> None:
    validate_schema(_comercial(received, certificate, resultados=Resultado(2, "ñ" * 256)))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"envio": Resultado(7, "x")}, r"envio.estado 7 is not one of the SII's codes"),
        ({"envio": Resultado(99)}, "envio.glosa is required"),
        ({"documentos": {(33, 1): Resultado(9, "x")}}, "estado 9 is not one of"),
        ({"documentos": {(33, 1): Resultado(99)}}, "glosa is required"),
        ({"documentos": {(33, 1): Resultado(1, "x", -1)}}, "only a DTE accepted with"),
        ({"documentos": {(33, 99): Resultado(0)}}, r"names \(33, 99\), which is no"),
        ({"nombre_envio": "x" * 81}, "nombre_envio has 81 characters, more than the 80"),
        ({"nombre_envio": ""}, "nombre_envio is required"),
        ({"cod_envio": 0}, "cod_envio 0 is not a positive whole number of at most 10 digits"),
        ({"id_respuesta": 10**10}, "id_respuesta 10000000000 is not a positive"),
        (
            {"fecha_recepcion": ANSWERED_AT + dt.timedelta(seconds=1)},
            "is after the answer is signed",
        ),
    ],
)
def test_a_reception_answer_outside_the_schema_is_refused(
    received: bytes, certificate: Certificate, options: dict[str, object], message: str
) -> None:
    with pytest.raises(DocumentError, match=message):
        _recepcion(received, certificate, **options)


def test_numbers_and_results_of_the_wrong_type_are_refused(
    received: bytes, certificate: Certificate
) -> None:
    with pytest.raises(TypeError, match="cod_envio must be an int"):
        _recepcion(received, certificate, cod_envio="41")
    with pytest.raises(TypeError, match=r"must be a haulmer\.sii\.Resultado"):
        _comercial(received, certificate, resultados={(33, 1): 0})
    with pytest.raises(
        TypeError, match=r"resultados must be a haulmer\.sii\.Resultado or a mapping"
    ):
        _comercial(received, certificate, resultados=[Resultado(0)])
    with pytest.raises(DocumentError, match="resultados is empty"):
        _comercial(received, certificate, resultados={})


def test_a_receiver_rut_with_a_wrong_check_digit_is_refused(
    received: bytes, certificate: Certificate
) -> None:
    with pytest.raises(InvalidRutError, match="rut_receptor"):
        _comercial(received, certificate, rut_receptor="96790240-4")


def test_only_an_envio_dte_is_answered(issued: dict[int, bytes], certificate: Certificate) -> None:
    with pytest.raises(XMLError, match="received is <DTE>, not an EnvioDTE"):
        _comercial(issued[33], certificate)
    boletas = misaddressed_envelope([issued[39]], certificate)
    with pytest.raises(XMLError, match="received is <EnvioBOLETA>, not an EnvioDTE"):
        _comercial(boletas, certificate)
    with pytest.raises(XMLError, match="not well formed"):
        _comercial(b"<EnvioDTE", certificate)


def test_a_type_the_answer_cannot_name_is_refused(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    exports = received_envelope([issued[110]], certificate, receptor="55555555-5")
    with pytest.raises(DocumentError, match="is of type 110, which a RespuestaDTE or a Recibo"):
        _recepcion(exports, certificate, rut_receptor="55555555-5")


def test_an_envelope_holding_a_type_the_answer_cannot_name_can_still_be_rejected(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    mixed = misaddressed_envelope([issued[33], issued[110]], certificate)
    with pytest.raises(DocumentError, match=r"type 110.*can only be rejected: envio=Resultado"):
        _recepcion(mixed, certificate)
    answer = _recepcion(mixed, certificate, envio=Resultado(1, "Tipo de DTE no corresponde"))
    validate_schema(answer)
    recepcion = f"{SII}Resultado/{SII}RecepcionEnvio/"
    assert texts_at(answer, recepcion + f"{SII}EstadoRecepEnv") == ["1"]
    assert texts_at(answer, recepcion + f"{SII}RecepcionDTE") == []
    with pytest.raises(DocumentError, match="is of type 110"):
        _comercial(mixed, certificate)


def test_an_envelope_holding_a_dte_that_cannot_be_read_can_still_be_rejected(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    both = received_envelope([issued[33], issued[61]], certificate)
    at = both.rindex(b"<FchEmis>2026-11-27</FchEmis>")
    wrong = both[:at] + b"<FchEmis>2026-02-30</FchEmis>" + both[at + 29 :]
    with pytest.raises(
        DocumentError, match=r"DTE \[1\] \(61 1\).*no day of the calendar.*can only be rejected"
    ):
        _recepcion(wrong, certificate)
    answer = _recepcion(wrong, certificate, envio=Resultado(99, "DTE 61 1 ilegible"))
    validate_schema(answer)
    recepcion = f"{SII}Resultado/{SII}RecepcionEnvio/"
    assert texts_at(answer, recepcion + f"{SII}EstadoRecepEnv") == ["99"]
    assert texts_at(answer, recepcion + f"{SII}RecepcionDTE") == []
    with pytest.raises(DocumentError, match=r"DTE \[1\] \(61 1\) cannot be read"):
        _comercial(wrong, certificate)


def test_an_empty_or_overfull_envelope_can_still_be_rejected(
    issued: dict[int, bytes], certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    import haulmer.sii.received as module

    both = received_envelope([issued[33], issued[61]], certificate)
    empty = re.sub(rb"<DTE .*</DTE>", b"", both, flags=re.S)
    monkeypatch.setattr(module, "MAX_RECEIVED", 1)
    for envelope, why in ((empty, "holds no DTE"), (both, "holds 2 DTEs, more than the 1")):
        with pytest.raises(DocumentError, match=why + ".*can only be rejected"):
            _recepcion(envelope, certificate)
        answer = _recepcion(envelope, certificate, envio=Resultado(1, "SetDTE fuera del schema"))
        validate_schema(answer)
        recepcion = f"{SII}Resultado/{SII}RecepcionEnvio/"
        assert texts_at(answer, recepcion + f"{SII}EstadoRecepEnv") == ["1"]
        assert texts_at(answer, recepcion + f"{SII}RecepcionDTE") == []
        with pytest.raises(DocumentError, match=why):
            _comercial(envelope, certificate)


def test_an_expired_certificate_signs_no_answer(received: bytes) -> None:
    expired = make_test_certificate(
        rut="11111111-1",
        not_before=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc),
        not_after=dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc),
    )
    with pytest.raises(CertificateError, match="not valid at"):
        _comercial(received, expired)  # type: ignore[arg-type]


def test_a_timestamp_the_schema_cannot_carry_is_refused(
    received: bytes, certificate: Certificate
) -> None:
    with pytest.raises(DocumentError, match="TmstFirmaResp"):
        _comercial(received, certificate, timestamp=dt.datetime(1999, 12, 31))
    assert SIGNED_AT < ANSWERED_AT


def test_a_reception_time_that_is_no_datetime_is_refused_naming_it(
    received: bytes, certificate: Certificate
) -> None:
    with pytest.raises(TypeError, match=r"fecha_recepcion must be a datetime\.datetime"):
        _recepcion(received, certificate, fecha_recepcion=dt.date(2026, 11, 27))


def test_a_carriage_return_in_a_glosa_is_kept(received: bytes, certificate: Certificate) -> None:
    answer = _comercial(received, certificate, resultados=Resultado(2, "linea 1\r\nlinea 2"))
    assert b"linea 1&#13;\nlinea 2" in answer
    assert texts_at(answer, f"{SII}Resultado/{SII}ResultadoDTE/{SII}EstadoDTEGlosa")[0] == (
        "linea 1\r\nlinea 2"
    )
    assert sdk_checks(answer) == ["ResultadoEnvio"]


def test_validate_schema_names_the_answer_schema_when_an_answer_is_broken(
    received: bytes, certificate: Certificate
) -> None:
    broken = _comercial(received, certificate).replace(
        b"<EstadoDTE>0</EstadoDTE>", b"<EstadoDTE>7</EstadoDTE>", 1
    )
    with pytest.raises(XMLError, match=r"RespuestaEnvioDTE_v10\.xsd: line 2: .*EstadoDTE"):
        validate_schema(broken)


def test_a_long_unknown_key_is_quoted_cut(received: bytes, certificate: Certificate) -> None:
    with pytest.raises(DocumentError) as info:
        _comercial(received, certificate, resultados={("x" * 10_000, 1): Resultado(0)})
    assert len(str(info.value)) < 400


def test_dte_results_for_a_rejected_envelope_are_refused(
    received: bytes, certificate: Certificate
) -> None:
    with pytest.raises(DocumentError, match=r"envio is rejected \(code 90\) but documentos"):
        _recepcion(
            received,
            certificate,
            envio=Resultado(90, "Archivo repetido"),
            documentos={(33, 1): Resultado(0)},
        )


def test_a_blank_nombre_envio_is_refused_without_speaking_of_a_rejection(
    received: bytes, certificate: Certificate
) -> None:
    with pytest.raises(DocumentError) as info:
        _recepcion(received, certificate, nombre_envio="  ")
    message = str(info.value)
    assert "nombre_envio is required" in message
    assert "rejection" not in message
    assert "file" in message


@pytest.mark.parametrize("given", [None, "certificate.pfx", b"\x30\x82"])
def test_a_certificate_that_is_no_loaded_pfx_is_refused_naming_it(
    received: bytes, given: object
) -> None:
    with pytest.raises(TypeError, match=r"certificate must be a loaded \.pfx \(haulmer\.pfx"):
        _comercial(received, given)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"certificate must be a loaded \.pfx"):
        _recepcion(received, given)  # type: ignore[arg-type]


_CONTACT = {
    "nmb_contacto": "María José Ñúñez",
    "fono_contacto": "+56 2 2345 6789",
    "mail_contacto": "dte@minera.cl",
}


@pytest.mark.parametrize("build", [_recepcion, _comercial], ids=["recepcion", "comercial"])
def test_the_contact_is_written_in_the_caratula_where_the_schema_puts_it(
    build: object, received: bytes, certificate: Certificate
) -> None:
    answer = build(received, certificate, **_CONTACT)  # type: ignore[operator]
    validate_schema(answer)
    assert sdk_checks(answer) == ["ResultadoEnvio"]
    caratula = f"{SII}Resultado/{SII}Caratula/"
    assert texts_at(answer, caratula + f"{SII}NmbContacto") == ["María José Ñúñez"]
    assert texts_at(answer, caratula + f"{SII}FonoContacto") == ["+56 2 2345 6789"]
    assert texts_at(answer, caratula + f"{SII}MailContacto") == ["dte@minera.cl"]


def test_a_contact_at_the_schema_s_longest_is_written(
    received: bytes, certificate: Certificate
) -> None:
    answer = _comercial(
        received,
        certificate,
        nmb_contacto="ñ" * 40,
        fono_contacto="9" * 40,
        mail_contacto="a" * 69 + "@ejemplo.cl",
    )
    validate_schema(answer)


def test_a_contact_left_out_writes_no_element(received: bytes, certificate: Certificate) -> None:
    answer = _comercial(received, certificate, mail_contacto="dte@minera.cl")
    validate_schema(answer)
    caratula = f"{SII}Resultado/{SII}Caratula/"
    assert texts_at(answer, caratula + f"{SII}NmbContacto") == []
    assert texts_at(answer, caratula + f"{SII}MailContacto") == ["dte@minera.cl"]


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"nmb_contacto": "x" * 41},
            DocumentError,
            "nmb_contacto has 41 characters, more than the 40",
        ),
        ({"fono_contacto": "9" * 41}, DocumentError, "fono_contacto has 41 characters"),
        ({"mail_contacto": "a" * 72 + "@ejemplo.cl"}, DocumentError, "more than the 80"),
        ({"mail_contacto": "dte.minera.cl"}, DocumentError, "is not an e-mail address"),
        ({"mail_contacto": "dte @minera.cl"}, DocumentError, "is not an e-mail address"),
        ({"mail_contacto": "dte@minera"}, DocumentError, "is not an e-mail address"),
        ({"nmb_contacto": "  "}, DocumentError, "nmb_contacto is blank: give the contact's name"),
        ({"fono_contacto": ""}, DocumentError, "fono_contacto is blank"),
        ({"nmb_contacto": "a\x00b"}, DocumentError, "U\\+0000, which XML cannot carry"),
        ({"fono_contacto": 56222345678}, TypeError, "fono_contacto must be a str"),
    ],
)
def test_a_contact_outside_the_schema_is_refused_before_signing(
    received: bytes,
    certificate: Certificate,
    options: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        _comercial(received, certificate, **options)
    with pytest.raises(error, match=message):
        _recepcion(received, certificate, **options)


def test_a_long_mail_that_is_no_address_is_refused_quickly_and_quoted_cut(
    received: bytes, certificate: Certificate
) -> None:
    with pytest.raises(DocumentError) as info:
        _comercial(received, certificate, mail_contacto="a" * 70 + "@" + "." * 9)
    assert len(str(info.value)) < 200
    for no_address in ("dte@.cl", "dte@minera.", "dte@minera..cl", "@minera.cl"):
        with pytest.raises(DocumentError, match="is not an e-mail address"):
            _comercial(received, certificate, mail_contacto=no_address)


def test_a_dte_is_not_accepted_before_it_was_issued_but_can_be_rejected(
    received: bytes, certificate: Certificate
) -> None:
    day_before = ANSWERED_AT - dt.timedelta(days=1)  # the DTEs' FchEmis is ANSWERED_AT's day
    for accepted in (Resultado(0), {(52, 1): Resultado(1, "Faltan 2 cajas")}):
        with pytest.raises(DocumentError, match=r"DTE \(\d\d, 1\) was issued on 2026-11-27"):
            _comercial(received, certificate, resultados=accepted, timestamp=day_before)
    rejected = _comercial(
        received, certificate, resultados=Resultado(2, "Fecha futura"), timestamp=day_before
    )
    validate_schema(rejected)


# -- what a signature that does not verify allows ----------------------------------------------


def test_an_envelope_whose_signature_does_not_verify_is_not_answered_as_received(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    changed = with_the_envelope_changed([issued[33], issued[34]], certificate)
    with pytest.raises(DocumentError, match=r"envio=Resultado\(2, ") as info:
        _recepcion(changed, certificate)
    assert "the received envelope's signature does not verify" in str(info.value)
    assert "changed after it was signed" in str(info.value)
    answer = _recepcion(changed, certificate, envio=Resultado(2, "Firma del envio no valida"))
    validate_schema(answer)
    envio = f"{SII}Resultado/{SII}RecepcionEnvio/"
    assert texts_at(answer, envio + f"{SII}EstadoRecepEnv") == ["2"]
    assert texts_at(answer, envio + f"{SII}RecepcionDTE") == []


def test_a_dte_whose_signature_does_not_verify_is_not_answered_as_received(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    changed = with_a_dte_changed([issued[33], issued[34]], certificate, changed=1)
    with pytest.raises(DocumentError, match=r"documentos=\{\(34, 1\): Resultado\(1, ") as info:
        _recepcion(changed, certificate)
    assert "the DTE (34, 1)'s signature does not verify" in str(info.value)
    answer = _recepcion(
        changed, certificate, documentos={(34, 1): Resultado(1, "Firma del DTE no valida")}
    )
    validate_schema(answer)
    recepcion = f"{SII}Resultado/{SII}RecepcionEnvio/{SII}RecepcionDTE/"
    assert texts_at(answer, recepcion + f"{SII}EstadoRecepDTE") == ["0", "1"]


def test_a_dte_whose_signature_does_not_verify_is_rejected_not_accepted(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    changed = with_a_dte_changed([issued[33], issued[34]], certificate, changed=1)
    for accepted in (Resultado(0), {(34, 1): Resultado(1, "Faltan 2 cajas")}):
        with pytest.raises(DocumentError, match=r"reject it: resultados\[\(34, 1\)\]") as info:
            _comercial(changed, certificate, resultados=accepted)
        assert "the DTE (34, 1)'s signature does not verify" in str(info.value)
    only_the_good_one = _comercial(changed, certificate, resultados={(33, 1): Resultado(0)})
    assert texts_at(only_the_good_one, f"{SII}Resultado/{SII}ResultadoDTE/{SII}Folio") == ["1"]
    rejected = _comercial(changed, certificate, resultados={(34, 1): Resultado(2, "Alterado")})
    validate_schema(rejected)


def test_an_envelope_whose_rut_emisor_has_a_wrong_check_digit_can_only_be_rejected(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    from .resigning import resign_envelope

    wrong = resign_envelope(
        received_envelope([issued[33]], certificate),
        certificate,
        lambda xml: xml.replace(
            f"<RutEmisor>{EMISOR_RUT}</RutEmisor>".encode(), b"<RutEmisor>76086428-4</RutEmisor>", 1
        ),
    )
    with pytest.raises(DocumentError, match=r"RutEmisor 76086428-4 .*envio=Resultado\(99, "):
        _recepcion(wrong, certificate)
    answer = _recepcion(wrong, certificate, envio=Resultado(99, "RUT emisor errado"))
    validate_schema(answer)
    assert texts_at(answer, f"{SII}Resultado/{SII}Caratula/{SII}RutRecibe") == ["76086428-4"]
    assert texts_at(answer, f"{SII}Resultado/{SII}RecepcionEnvio/{SII}EstadoRecepEnv") == ["99"]
    with pytest.raises(DocumentError, match="RutEmisor 76086428-4"):
        _comercial(wrong, certificate)


def test_an_envelope_whose_caratula_miscounts_its_dtes_can_only_be_rejected(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    from .resigning import resign_envelope

    miscounted = resign_envelope(  # signed by its producer: only the Caratula is wrong
        received_envelope([issued[33], issued[34]], certificate),
        certificate,
        lambda xml: xml.replace(
            b"<TpoDTE>34</TpoDTE><NroDTE>1</NroDTE>", b"<TpoDTE>34</TpoDTE><NroDTE>2</NroDTE>", 1
        ),
    )
    with pytest.raises(DocumentError, match=r"envio=Resultado\(99, ") as info:
        _recepcion(miscounted, certificate)
    assert "2 of type 34" in str(info.value)
    assert "1 of type 34" in str(info.value)
    answer = _recepcion(miscounted, certificate, envio=Resultado(99, "Caratula no cuadra"))
    validate_schema(answer)
    envio = f"{SII}Resultado/{SII}RecepcionEnvio/"
    assert texts_at(answer, envio + f"{SII}EstadoRecepEnv") == ["99"]
    assert texts_at(answer, envio + f"{SII}RecepcionDTE") == []


def test_a_dte_whose_ruts_have_a_wrong_check_digit_is_answered_beside_the_others(
    issued: dict[int, bytes], certificate: Certificate
) -> None:
    three = [issued[33], issued[34], issued[61]]
    for old, new, code in (
        (b"<RUTRecep>96790240-3<", b"<RUTRecep>96790240-4<", 3),  # Error en RUT Receptor
        (b"<RUTEmisor>76086428-5<", b"<RUTEmisor>76086428-4<", 2),  # Error en RUT Emisor
    ):
        typo = with_a_dte_rewritten(three, certificate, changed=1, old=old, new=new)
        with pytest.raises(DocumentError, match=rf"documentos=\{{\(34, 1\): Resultado\({code}, "):
            _recepcion(typo, certificate)
        answer = _recepcion(typo, certificate, documentos={(34, 1): Resultado(code, "RUT errado")})
        validate_schema(answer)
        recepcion = f"{SII}Resultado/{SII}RecepcionEnvio/{SII}RecepcionDTE/"
        assert texts_at(answer, recepcion + f"{SII}EstadoRecepDTE") == ["0", str(code), "0"]
        written = new.strip(b"<").decode().split(">")
        assert texts_at(answer, recepcion + f"{SII}{written[0]}")[1] == written[1]
        read_back = read_respuesta(answer)
        not_received = read_back.recepcion(34, 1)
        assert not_received is not None
        assert (not_received.estado, not_received.recibido) == (code, False)
        assert not Rut(written[1], validate_dv=False).is_dv_valid
        others = _comercial(
            typo, certificate, resultados={(33, 1): Resultado(0), (61, 1): Resultado(0)}
        )
        validate_schema(others)
        assert texts_at(others, f"{SII}Resultado/{SII}ResultadoDTE/{SII}TipoDTE") == ["33", "61"]
