"""Closed sets of codes the OpenFactura API speaks: acuse codes, response options, the IVA
exception, registries."""

from __future__ import annotations

from haulmer._enums import StrEnum

__all__ = [
    "PDF_FORMATS",
    "AcuseCode",
    "IssuedStatus",
    "IvaExceptional",
    "PurchaseStatus",
    "ReceivedStatus",
    "RegistryKind",
    "ResponseOption",
]


class AcuseCode(StrEnum):
    """What the receptor says about a received document (acuse de recibo / reclamo)."""

    ACEPTA_CONTENIDO = "ACD"
    """ACD: acepta el contenido del documento."""
    RECLAMA_CONTENIDO = "RCD"
    """RCD: reclama el contenido del documento."""
    RECIBO_MERCADERIAS = "ERM"
    """ERM: otorga recibo de mercaderías o servicios (Ley 19.983)."""
    FALTA_PARCIAL = "RFP"
    """RFP: reclamo por falta parcial de mercaderías."""
    FALTA_TOTAL = "RFT"
    """RFT: reclamo por falta total de mercaderías."""


class ResponseOption(StrEnum):
    """What ``POST /v2/dte/document`` returns besides the token, and the PDF format it uses."""

    TOKEN = "TOKEN"
    FOLIO = "FOLIO"
    PDF = "PDF"
    XML = "XML"
    TIMBRE = "TIMBRE"
    LOGO = "LOGO"
    RESOLUCION = "RESOLUCION"
    LETTER = "LETTER"
    """PDF on letter paper (the default), limited to one page."""
    ROLL_80MM = "80MM"
    """PDF on an 80 mm roll."""
    ROLL_80MM_NO_LOGO = "80MMNOLOGO"
    """PDF on an 80 mm roll, without the logo."""
    LETTER_80MM = "LETTER_80MM"
    """Letter, falling back to 80 mm when the document does not fit one page."""


PDF_FORMATS = frozenset(
    {
        ResponseOption.LETTER,
        ResponseOption.ROLL_80MM,
        ResponseOption.ROLL_80MM_NO_LOGO,
        ResponseOption.LETTER_80MM,
    }
)
"""The response options that choose a PDF format (at most one per emission)."""


class IvaExceptional(StrEnum):
    """``ivaExceptional``: why a boleta carries no IVA (OpenFactura documents one reason)."""

    ARTESANO = "ARTESANO"
    """An artisan's sale (Acteco 477396): the boleta's IVA is 0, up to 5 UTM of them a month."""


class IssuedStatus(StrEnum):
    """SII state of an issued document (``estado``)."""

    ACEPTADO = "Aceptado"
    PENDIENTE = "Pendiente"
    RECHAZADO = "Rechazado"
    ACEPTADO_CON_REPARO = "Aceptado con Reparo"
    SIN_ESTADO = "Sin estado"

    @classmethod
    def _missing_(cls, value: object) -> IssuedStatus | None:
        if isinstance(value, str):
            wanted = " ".join(value.split()).casefold()
            for status in cls:
                if status.value.casefold() == wanted:
                    return status
        return None


class ReceivedStatus(StrEnum):
    """Registry state of a received document (``estado``); the sandbox says ``Registro``."""

    PENDIENTE = "Pendiente"
    REGISTRADO = "Registrado"
    NO_INCLUIR = "No_incluir"
    RECLAMADO = "Reclamado"

    @classmethod
    def _missing_(cls, value: object) -> ReceivedStatus | None:
        """A state in any case or spacing, ``No incluir`` for ``No_incluir``, and the sandbox's
        ``Registro``, as ``IssuedStatus`` reads its states."""
        if isinstance(value, str):
            wanted = " ".join(value.replace("_", " ").split()).casefold()
            if wanted == "registro":
                return cls.REGISTRADO
            for status in cls:
                if status.value.replace("_", " ").casefold() == wanted:
                    return status
        return None


class PurchaseStatus(StrEnum):
    """The ``status`` filter of the purchase registry."""

    PENDING = "pending"
    REGISTERED = "registered"
    EXCLUDE = "exclude"
    RECLAIMED = "reclaimed"


class RegistryKind(StrEnum):
    """Which RCV book ``sync-rcv`` refreshes from the SII."""

    SALES = "sales"
    PURCHASE = "purchase"
