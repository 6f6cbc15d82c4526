"""The SII XML layer: CAF, timbre (TED), XMLDSig signature, envelopes, verification and parsing.

Everything here loads lxml and cryptography on first use, never at ``import haulmer``.
Entry points: ``Caf.from_xml``, ``issue``, ``envelope``, ``verify``, ``parse``,
``validate_schema`` and ``render_pdf`` (the printed representation, with the ``pdf`` extra); a
receiver answers a supplier's EnvioDTE with ``respuesta_recepcion``, ``resultado_comercial`` and
``envio_recibos``; the sender reads them back with ``read_respuesta`` and ``read_recibos``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames

if TYPE_CHECKING:
    from haulmer.sii._xml import timbre_bytes, to_latin1
    from haulmer.sii.answer_parts import Resultado
    from haulmer.sii.answer_reading import (
        Contacto,
        RecepcionDte,
        RecepcionEnvio,
        Recibo,
        Recibos,
        Respuesta,
        ResultadoDte,
        read_recibos,
        read_respuesta,
    )
    from haulmer.sii.caf import Caf
    from haulmer.sii.envelopes import Caratula, envelope
    from haulmer.sii.issuing import issue
    from haulmer.sii.keys import register_caf_signer_key, unregister_caf_signer_key
    from haulmer.sii.parsing import parse, parse_all
    from haulmer.sii.printed import pdf_extra_installed, render_pdf, render_pdfs, timbre_png
    from haulmer.sii.recibos import envio_recibos
    from haulmer.sii.respuestas import respuesta_recepcion, resultado_comercial
    from haulmer.sii.schema import validate_schema
    from haulmer.sii.verification import Failure, Verification, verify

__all__ = [
    "Caf",
    "Caratula",
    "Contacto",
    "Failure",
    "RecepcionDte",
    "RecepcionEnvio",
    "Recibo",
    "Recibos",
    "Respuesta",
    "Resultado",
    "ResultadoDte",
    "Verification",
    "envelope",
    "envio_recibos",
    "issue",
    "parse",
    "parse_all",
    "pdf_extra_installed",
    "read_recibos",
    "read_respuesta",
    "register_caf_signer_key",
    "render_pdf",
    "render_pdfs",
    "respuesta_recepcion",
    "resultado_comercial",
    "timbre_bytes",
    "timbre_png",
    "to_latin1",
    "unregister_caf_signer_key",
    "validate_schema",
    "verify",
]

_LAZY: dict[str, str] = {
    "Caf": "haulmer.sii.caf",
    "Caratula": "haulmer.sii.envelopes",
    "envelope": "haulmer.sii.envelopes",
    "Resultado": "haulmer.sii.answer_parts",
    **dict.fromkeys(
        (
            "Contacto",
            "RecepcionDte",
            "RecepcionEnvio",
            "Recibo",
            "Recibos",
            "Respuesta",
            "ResultadoDte",
            "read_recibos",
            "read_respuesta",
        ),
        "haulmer.sii.answer_reading",
    ),
    "envio_recibos": "haulmer.sii.recibos",
    "respuesta_recepcion": "haulmer.sii.respuestas",
    "resultado_comercial": "haulmer.sii.respuestas",
    "issue": "haulmer.sii.issuing",
    "register_caf_signer_key": "haulmer.sii.keys",
    "unregister_caf_signer_key": "haulmer.sii.keys",
    "parse": "haulmer.sii.parsing",
    "parse_all": "haulmer.sii.parsing",
    "pdf_extra_installed": "haulmer.sii.printed",
    "render_pdf": "haulmer.sii.printed",
    "render_pdfs": "haulmer.sii.printed",
    "timbre_png": "haulmer.sii.printed",
    "validate_schema": "haulmer.sii.schema",
    "Failure": "haulmer.sii.verification",
    "Verification": "haulmer.sii.verification",
    "verify": "haulmer.sii.verification",
    "timbre_bytes": "haulmer.sii._xml",
    "to_latin1": "haulmer.sii._xml",
}


_LAZY_NAMES = LazyNames(__name__, _LAZY, globals())
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _LAZY_NAMES.getattr
__dir__: Callable[[], list[str]] = _LAZY_NAMES.dir
