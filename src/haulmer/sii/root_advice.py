"""What an XML file is, told by its root element, and what reads it: the advice a refusal gives.

``parse``, ``verify``, ``validate_schema``, ``render_pdf`` and the answer readers each read some
roots only; handed another SII file (an AEC, a CAF, the SII's answer to an upload, a libro),
they say what it is and which function reads it, or that haulmer does not.
"""

from __future__ import annotations

from typing import Final

__all__ = ["root_advice"]

_DOCUMENTS: Final = "haulmer.sii.parse_all(), verify() or render_pdfs()"

_WHAT_READS: Final[dict[str, str]] = {
    "DTE": "a DTE: read it with haulmer.sii.parse(), verify() or render_pdf()",
    "EnvioDTE": f"an envelope of DTEs: read it with {_DOCUMENTS}",
    "EnvioBOLETA": f"an envelope of boletas: read it with {_DOCUMENTS}",
    "RespuestaDTE": "a receiver's answer: read it with haulmer.sii.read_respuesta()",
    "EnvioRecibos": "a receiver's acuse de recibo: read it with haulmer.sii.read_recibos()",
    "AUTORIZACION": "a CAF file: read it with haulmer.sii.Caf.from_xml() (or `haulmer caf`)",
    "CAF": "a CAF (a timbre's): read it with haulmer.sii.Caf.from_xml() (or `haulmer caf`)",
}

_CEDED: Final = (
    "haulmer does not read cesiones; the ceded document is the <DTE> inside its "
    "DTECedido/DocumentoDTECedido: take that <DTE> out to parse() or verify() it"
)
_SII_ANSWER: Final = (
    "the SII's answer about an upload, not a document: haulmer does not read it (the documents "
    "are in the EnvioDTE or EnvioBOLETA that was uploaded)"
)
_LIBRO: Final = "a report to the SII, not a document: haulmer does not read it"

_UNREAD: Final[dict[str, str]] = {
    "AEC": f"a cesión (AEC): {_CEDED}",
    "DTECedido": f"a ceded DTE (DTECedido): {_CEDED}",
    "Cesion": "one cesión of an AEC: haulmer does not read cesiones",
    "RESULTADO_ENVIO": _SII_ANSWER,
    "RECEPCIONDTE": _SII_ANSWER,
    "RESPUESTA": _SII_ANSWER,
    "LibroCompraVenta": _LIBRO,
    "LibroGuia": _LIBRO,
    "LibroBoleta": _LIBRO,
    "ConsumoFolios": _LIBRO,
}

_BY_LOWER: Final = {name.lower(): name for name in _WHAT_READS}


def root_advice(name: str, *, readable: frozenset[str] = frozenset()) -> str:
    """``"; it is ..."`` saying what a root named ``name`` is and what reads it, or ``""`` when
    nothing is known of it or it is one of the ``readable`` roots of the caller (which then
    refuses it for another reason)."""
    if name in readable:
        return ""
    known = _WHAT_READS.get(name) or _UNREAD.get(name)
    if known is not None:
        return f"; this is {known}"
    proper = _BY_LOWER.get(name.lower())
    if proper is not None:
        return f"; XML names are case-sensitive: the root must be <{proper}>, not <{name}>"
    return ""
