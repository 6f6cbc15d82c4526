"""The SII's catalogue of document codes: electronic DTE types, reference-only codes, CodRef.

Pure data with the properties the rest of the SDK asks of a type (is it a boleta? exempt? a note?
which envelope carries it?). Labels are the SII's official Spanish names.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from haulmer._enums import IntEnum, StrEnum
from haulmer._shown import shown
from haulmer.errors import DocumentError, ErrorDetail

__all__ = ["IVA_RATE", "CodRef", "DTEType", "ReferenceDocumentType", "lookup_document_code"]

IVA_RATE = Decimal("19")
"""Chile's IVA rate, in percent."""

_LABELS: dict[int, str] = {
    33: "Factura electrónica",
    34: "Factura no afecta o exenta electrónica",
    39: "Boleta electrónica",
    41: "Boleta no afecta o exenta electrónica",
    43: "Liquidación-factura electrónica",
    46: "Factura de compra electrónica",
    52: "Guía de despacho electrónica",
    56: "Nota de débito electrónica",
    61: "Nota de crédito electrónica",
    110: "Factura de exportación electrónica",
    111: "Nota de débito de exportación electrónica",
    112: "Nota de crédito de exportación electrónica",
}

# Sets of ints: a DTEType (an IntEnum) is looked up in them directly, without ``.value``.
_EXEMPT = frozenset({34, 41, 110, 111, 112})
_NOTES = frozenset({56, 61, 111, 112})
_EXPORTS = frozenset({110, 111, 112})
_BOLETAS = frozenset({39, 41})
_CEDIBLE = frozenset({33, 34, 43, 46, 52})


class DTEType(IntEnum):
    """An electronic tax document type (código de tipo de DTE)."""

    FACTURA = 33
    FACTURA_EXENTA = 34
    BOLETA = 39
    BOLETA_EXENTA = 41
    LIQUIDACION_FACTURA = 43
    FACTURA_COMPRA = 46
    GUIA_DESPACHO = 52
    NOTA_DEBITO = 56
    NOTA_CREDITO = 61
    FACTURA_EXPORTACION = 110
    NOTA_DEBITO_EXPORTACION = 111
    NOTA_CREDITO_EXPORTACION = 112

    @classmethod
    def parse(cls, value: int | str | DTEType) -> DTEType:
        """The type for a code given as int or text (``33``, ``"33"``), or a DocumentError."""
        if isinstance(value, DTEType):
            return value
        code: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            code = value
        elif isinstance(value, str) and _is_code(value.strip()):
            code = int(value.strip())
        if code is None or code not in _LABELS:
            known = ", ".join(str(c) for c in _LABELS)
            shown_value = shown(value) if isinstance(value, str | int) else type(value).__name__
            raise DocumentError(
                f"{shown_value} is not an electronic document type; use one of {known}",
                details=[ErrorDetail("TipoDTE", f"unknown type {shown_value}")],
            )
        return cls(code)

    @property
    def label(self) -> str:
        """The SII's official name, e.g. ``"Factura electrónica"``."""
        return _LABELS[self.value]

    @property
    def is_boleta(self) -> bool:
        """Boletas (39, 41): gross prices, EnvioBOLETA, RznSocEmisor/GiroEmisor."""
        return self in _BOLETAS

    @property
    def is_exempt(self) -> bool:
        """No IVA by default (34, 41 and the exports)."""
        return self in _EXEMPT

    @property
    def is_note(self) -> bool:
        """Notas de débito y crédito (56, 61, 111, 112)."""
        return self in _NOTES

    @property
    def requires_reference(self) -> bool:
        """Whether the SII requires a Referencia to another document (the notes)."""
        return self in _NOTES

    @property
    def is_export(self) -> bool:
        """Export documents (110, 111, 112), rooted at ``Exportaciones``."""
        return self in _EXPORTS

    @property
    def is_cedible(self) -> bool:
        """Whether the document can be assigned (factoring) and so has a cedible copy.

        Follows LibreDTE, which also prints a cedible copy of guías de despacho (52).
        """
        return self in _CEDIBLE

    @property
    def envelope(self) -> Literal["EnvioDTE", "EnvioBOLETA"]:
        """The envelope that carries it to the SII."""
        return "EnvioBOLETA" if self.is_boleta else "EnvioDTE"

    @property
    def xml_root(self) -> Literal["Documento", "Liquidacion", "Exportaciones"]:
        """The element under ``DTE`` that holds the document."""
        if self.is_export:
            return "Exportaciones"
        if self is DTEType.LIQUIDACION_FACTURA:
            return "Liquidacion"
        return "Documento"

    @property
    def default_iva_rate(self) -> Decimal | None:
        """19 (percent) for afecto documents, None for exempt ones."""
        return None if self.is_exempt else IVA_RATE

    @property
    def max_lines(self) -> int:
        """The most Detalle lines the SII admits: 1000 on boletas, 60 elsewhere."""
        return 1000 if self.is_boleta else 60


class ReferenceDocumentType(StrEnum):
    """Codes that appear only as TpoDocRef in a Referencia (not electronic DTE types)."""

    FACTURA_PAPEL = "30"
    FACTURA_NO_AFECTA_PAPEL = "32"
    BOLETA_PAPEL = "35"
    BOLETA_EXENTA_PAPEL = "38"
    LIQUIDACION_FACTURA_PAPEL = "40"
    FACTURA_COMPRA_PAPEL = "45"
    GUIA_DESPACHO_PAPEL = "50"
    NOTA_DEBITO_PAPEL = "55"
    NOTA_CREDITO_PAPEL = "60"
    LIQUIDACION = "103"
    ORDEN_DE_COMPRA = "801"
    NOTA_DE_PEDIDO = "802"
    CONTRATO = "803"
    RESOLUCION = "804"
    PROCESO_CHILECOMPRA = "805"
    FICHA_CHILECOMPRA = "806"
    DUS = "807"
    BL = "808"
    AWB = "809"
    MIC_DTA = "810"
    CARTA_DE_PORTE = "811"
    RESOLUCION_SNA = "812"
    PASAPORTE = "813"
    CERTIFICADO_DEPOSITO_BOLSA = "814"
    VALE_PRENDA_BOLSA = "815"
    REGISTRO_DE_ACUERDOS = "820"
    SET_DE_PRUEBAS = "SET"

    @property
    def label(self) -> str:
        """The SII's name for the code, e.g. ``"Orden de compra"``."""
        return _REFERENCE_LABELS[self.value]


_REFERENCE_LABELS: dict[str, str] = {
    "30": "Factura",
    "32": "Factura de venta de bienes y servicios no afectos o exentos de IVA",
    "35": "Boleta",
    "38": "Boleta exenta",
    "40": "Liquidación factura",
    "45": "Factura de compra",
    "50": "Guía de despacho",
    "55": "Nota de débito",
    "60": "Nota de crédito",
    "103": "Liquidación",
    "801": "Orden de compra",
    "802": "Nota de pedido",
    "803": "Contrato",
    "804": "Resolución",
    "805": "Proceso ChileCompra",
    "806": "Ficha ChileCompra",
    "807": "Documento único de salida (DUS)",
    "808": "Conocimiento de embarque (B/L)",
    "809": "Guía de transporte aéreo (AWB)",
    "810": "Manifiesto internacional de carga (MIC)",
    "811": "Carta de porte",
    "812": "Resolución del SNA donde califica servicios de exportación",
    "813": "Pasaporte",
    "814": "Certificado de depósito Bolsa Prod. Chile",
    "815": "Vale de prenda Bolsa Prod. Chile",
    "820": "Código de inscripción en el Registro de Acuerdos con plazo de pago excepcional",
    "SET": "Set de pruebas (certificación SII)",
}


def _is_code(text: str) -> bool:
    """Whether ``text`` is a document code in digits: ASCII only (``str.isdigit`` takes ``²``,
    which ``int`` refuses) and short enough for ``int`` to read (codes have 3 digits)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def lookup_document_code(value: int | str) -> DTEType | ReferenceDocumentType | None:
    """What a TpoDocRef names: a DTE type, a reference-only code, or None when not catalogued.

    None is not an error: the SII schema lets TpoDocRef hold any code of up to 3 characters.
    """
    if isinstance(value, DTEType | ReferenceDocumentType):
        return value
    text = str(value).strip().upper() if isinstance(value, int | str) else ""
    if _is_code(text):
        text = str(int(text))
        if int(text) in _LABELS:
            return DTEType(int(text))
    try:
        return ReferenceDocumentType(text)
    except ValueError:
        return None


class CodRef(IntEnum):
    """What a note does to the document it references (Referencia/CodRef)."""

    ANULA = 1
    """Anula el documento de referencia."""
    CORRIGE_TEXTO = 2
    """Corrige texto del documento de referencia."""
    CORRIGE_MONTOS = 3
    """Corrige montos."""

    @property
    def label(self) -> str:
        """The SII's wording, e.g. ``"Anula documento de referencia"``."""
        return _COD_REF_LABELS[self.value]


_COD_REF_LABELS: dict[int, str] = {
    1: "Anula documento de referencia",
    2: "Corrige texto documento de referencia",
    3: "Corrige montos",
}
