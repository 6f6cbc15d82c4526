"""What a DTE's printed representation shows, read from the SII's nested dict: pure, no PDF.

Every section the SII asks for is here (parties, every line with its discounts and surcharges,
global discounts and surcharges, references, commissions, totals) as labelled Spanish text, so
both paper layouts print the same facts and a test can check them without reading a PDF.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, NamedTuple

from haulmer.dte.catalogue import CodRef, DTEType, lookup_document_code
from haulmer.dte.exports import ClausulaVenta, ModalidadVenta, ViaTransporte
from haulmer.sii.printed import numbers
from haulmer.sii.sii_dict import BOLETA_TYPES

__all__ = [
    "LINE_EXTRAS",
    "Field",
    "Line",
    "PrintedDocument",
    "Reference",
    "cedible_legend",
    "labelled",
    "line_of",
    "printed_document",
    "sii_office_of",
]

GENERIC_RECEPTORS: Final = frozenset({"66666666-6", "55555555-5"})
"""The SII's stand-in RUTs: an anonymous boleta buyer and a foreign receptor."""
_UNPRINTED_RUTS: Final = frozenset({"66666666-6", "0"})
"""Receptor RUTs the SII says are not printed: the anonymous buyer's, and 0, a boleta's customer
known by its internal code alone (CdgIntRecep)."""

_FORMA_PAGO: Final = {"1": "Contado", "2": "Crédito", "3": "Sin costo (entrega gratuita)"}
_MEDIO_PAGO: Final = {
    "CH": "Cheque",
    "CF": "Cheque a fecha",
    "LT": "Letra",
    "EF": "Efectivo",
    "PE": "Pago a cuenta corriente",
    "TC": "Tarjeta de crédito",
    "OT": "Otro",
}
_MEDIO_PAGO_BOLETA: Final = {
    "1": "Efectivo",
    "2": "Pago electrónico",
    "3": "Transferencia electrónica",
    "4": "Cheque",
    "5": "Otro",
}
"""A boleta's MedioPago: EnvioBOLETA's own numeric codes, not the DTE's letters."""
_TRASLADO: Final = {
    "1": "Operación constituye venta",
    "2": "Ventas por efectuar",
    "3": "Consignaciones",
    "4": "Entrega gratuita",
    "5": "Traslados internos",
    "6": "Otros traslados no venta",
    "7": "Guía de devolución",
    "8": "Traslado para exportación (no venta)",
    "9": "Venta para exportación",
}
_DESPACHO: Final = {
    "1": "Por cuenta del receptor",
    "2": "Por el emisor a instalaciones del cliente",
    "3": "Por el emisor a otras instalaciones",
}
_EXENTO: Final = {
    "1": "exento",
    "2": "no facturable",
    "3": "garantía de depósito",
    "4": "ítem no venta",
    "5": "ítem a rebajar",
    "6": "no facturable negativo",
}
_IMPUESTOS: Final = {
    "14": "IVA de margen de comercialización",
    "15": "IVA retenido total",
    "16": "IVA retenido parcial",
    "17": "IVA anticipado faenamiento carne",
    "18": "IVA anticipado carne",
    "19": "IVA anticipado harina",
    "23": "Impuesto adicional (art. 37 a, b, c)",
    "24": "Impuesto licores, piscos, whisky",
    "25": "Impuesto vinos",
    "26": "Impuesto cervezas y bebidas alcohólicas",
    "27": "Impuesto bebidas analcohólicas",
    "271": "Impuesto bebidas azucaradas",
    "28": "Impuesto específico diésel",
    "30": "IVA retenido legumbres",
    "31": "IVA retenido silvestres",
    "32": "IVA retenido ganado",
    "33": "IVA retenido madera",
    "34": "IVA retenido trigo",
    "35": "Impuesto específico gasolina",
    "36": "IVA retenido arroz",
    "37": "IVA retenido hidrobiológicas",
    "38": "IVA retenido chatarra",
    "39": "IVA retenido PPA",
    "40": "IVA retenido opcional",
    "41": "IVA retenido construcción",
    "44": "Impuesto adicional (art. 37 e, h, i, l)",
    "45": "Impuesto adicional pirotecnia",
    "46": "IVA retenido oro",
    "47": "IVA retenido cartones",
    "48": "IVA retenido frambuesas y pasas",
    "49": "IVA retenido factura de compra sin retención",
    "50": "IVA de margen de comercialización de instrumentos de prepago",
    "51": "Impuesto gas natural comprimido",
    "52": "Impuesto gas licuado de petróleo",
    "53": "Impuesto retenido suplementeros",
    "301": "IVA retenido legumbres (total)",
    "321": "IVA retenido ganado (total)",
    "331": "IVA retenido madera (total)",
    "341": "IVA retenido trigo (total)",
    "361": "IVA retenido arroz (total)",
    "371": "IVA retenido hidrobiológicas (total)",
    "481": "IVA retenido frambuesas y pasas (total)",
}
_TOTALS: Final = (
    ("MntNeto", "Monto neto"),
    ("MntExe", "Monto exento"),
    ("MntBase", "Monto base faenamiento carne"),
    ("MntMargenCom", "Margen de comercialización"),
)
_TOTALS_AFTER_TAXES: Final = (
    ("IVANoRet", "IVA no retenido"),
    ("CredEC", "Crédito especial empresas constructoras"),
    ("GrntDep", "Garantía por depósito de envases"),
)
_TOTALS_AFTER_TOTAL: Final = (
    ("MontoNF", "Monto no facturable"),
    ("MontoPeriodo", "Monto del período"),
    ("TotalPeriodo", "Total del período"),
    ("SaldoAnterior", "Saldo anterior"),
    ("VlrPagar", "Valor a pagar"),
)
_OTRA_MONEDA: Final = (
    ("MntNetoOtrMnda", "Monto neto"),
    ("MntExeOtrMnda", "Monto exento"),
    ("MntFaeCarneOtrMnda", "Monto base faenamiento"),
    ("MntMargComOtrMnda", "Margen de comercialización"),
    ("IVAOtrMnda", "IVA"),
    ("IVANoRetOtrMnda", "IVA no retenido"),
    ("MntTotOtrMnda", "Total"),
)
_RECEPTOR: Final = (
    ("GiroRecep", "Giro"),
    ("DirRecep", "Dirección"),
    ("CmnaRecep", "Comuna"),
    ("CiudadRecep", "Ciudad"),
    ("Contacto", "Contacto"),
    ("CorreoRecep", "Correo"),
    ("CdgIntRecep", "Código interno"),
)
_TRANSPORTE: Final = (
    ("Patente", "Patente"),
    ("PatenteCarro", "Patente del carro"),
    ("RUTTrans", "R.U.T. transportista"),
    ("DirDest", "Dirección de destino"),
    ("CmnaDest", "Comuna de destino"),
    ("CiudadDest", "Ciudad de destino"),
)
_RUT_TRANS_AT: Final = [tag for tag, _ in _TRANSPORTE].index("RUTTrans")
_ADUANA: Final = (
    ("CodModVenta", "Modalidad de venta"),
    ("CodClauVenta", "Cláusula de venta"),
    ("TotClauVenta", "Total cláusula de venta"),
    ("CodViaTransp", "Vía de transporte"),
    ("NombreTransp", "Nave o transporte"),
    ("NomCiaTransp", "Compañía transportista"),
    ("RUTCiaTransp", "R.U.T. compañía transportista"),
    ("IdAdicTransp", "Identificación adicional del transporte"),
    ("Booking", "Booking"),
    ("Operador", "Operador"),
    ("CodPtoEmbarque", "Puerto de embarque"),
    ("CodPtoDesemb", "Puerto de desembarque"),
    ("TotItems", "Total de ítems"),
    ("TotBultos", "Total de bultos"),
    ("CodPaisRecep", "País receptor"),
    ("CodPaisDestin", "País de destino"),
)
_PORT_DETAILS: Final = {"CodPtoEmbarque": "IdAdicPtoEmb", "CodPtoDesemb": "IdAdicPtoDesemb"}
"""Each port's code and the element that adds where in it (a pier, a terminal)."""
_ADUANA_WEIGHTS: Final = (
    ("Tara", "CodUnidMedTara", "Tara"),
    ("PesoBruto", "CodUnidPesoBruto", "Peso bruto"),
    ("PesoNeto", "CodUnidPesoNeto", "Peso neto"),
)
"""The weights of an export's goods and the Aduana unit code each is measured in."""
_BULTO_PARTS: Final = (
    ("Marcas", "marcas"),
    ("IdContainer", "contenedor"),
    ("Sello", "sello"),
    ("EmisorSello", "emisor del sello"),
)
_ADUANA_CODES: Final[Mapping[str, type[ModalidadVenta | ClausulaVenta | ViaTransporte]]] = {
    "CodModVenta": ModalidadVenta,
    "CodClauVenta": ClausulaVenta,
    "CodViaTransp": ViaTransporte,
}
"""The Aduana codes printed by name and code (``FOB (5)``): the tables the SDK holds."""
_BOLETAS: Final = frozenset(int(code) for code in BOLETA_TYPES)
"""The boleta types as numbers, as :attr:`PrintedDocument.dte_type` holds them."""
_EXPORTS: Final = frozenset({110, 111, 112})
"""The export types, whose IdDoc/IndServicio has codes of its own."""
_SERVICIO: Final = {
    "1": "Facturación de servicios periódicos domiciliarios",
    "2": "Facturación de otros servicios periódicos",
    "3": "Factura de servicio",
}
"""IdDoc/IndServicio of a factura or note: the service the document bills."""
_SERVICIO_BOLETA: Final = {
    "1": "Boleta de servicios periódicos",
    "2": "Boleta de servicios periódicos domiciliarios",
    "3": "Boleta de ventas y servicios",
    "4": "Boleta de espectáculo emitida por cuenta de terceros",
}
"""A boleta's IndServicio, EnvioBOLETA's own codes."""
_SERVICIO_EXPORT: Final = {"3": "Factura de servicio"}
"""An export's IndServicio codes the SII's schema names; the others print as codes."""
_CEDIBLE_WITH_INVOICE: Final = frozenset({52})
_KINDS: Final = {str(int(kind)): kind for kind in DTEType}
"""The document types by their codes as the XML writes them (``"33"``)."""
_TITLES: Final = {kind: kind.label.upper() for kind in DTEType}
"""The title a printed document of each type carries, over its folio."""


class Field(NamedTuple):
    """One labelled value: ``Field("Giro", "Extracción de cobre")``.

    Named tuples, like :class:`Line`: a document makes dozens and they cost half a frozen
    dataclass."""

    label: str
    value: str


class Line(NamedTuple):
    """A Detalle line as printed: every value already formatted, empty when absent."""

    number: str
    code: str
    name: str
    description: str
    quantity: str
    unit: str
    price: str
    discount: str
    surcharge: str
    amount: str
    notes: tuple[str, ...] = ()
    """Indications printed under the name: exento, no facturable, the liquidación's type..."""


class Reference(NamedTuple):
    """A Referencia as printed."""

    document: str
    folio: str
    fecha: str
    code: str
    reason: str

    def text(self) -> str:
        """The reference in one line, as both papers print it: document, folio, date, code, why."""
        parts = (
            self.document,
            f"folio {self.folio}" if self.folio else "",
            f"del {self.fecha}" if self.fecha else "",
            self.code,
            self.reason,
        )
        return ", ".join(part for part in parts if part)


class PrintedDocument(NamedTuple):
    """Everything a printed DTE shows, as text, in the order the layouts print it."""

    dte_type: int
    title: str
    folio: str
    emisor_rut: str
    emisor_name: str
    emisor_lines: tuple[str, ...]
    sii_office: str
    receptor: tuple[Field, ...]
    document_fields: tuple[Field, ...]
    lines: tuple[Line, ...]
    adjustments: tuple[Field, ...]
    references: tuple[Reference, ...]
    commissions: tuple[Field, ...]
    subtotals: tuple[Field, ...]
    transport: tuple[Field, ...]
    totals: tuple[Field, ...]
    """In print order; the one at ``total_at`` is the document's total (MntTotal), in bold."""
    total_at: int
    other_currency: tuple[Field, ...]
    currency: str | None
    """Totales/TpoMoneda of an export (``DOLAR USA``); None for pesos."""
    issued: str = ""
    """IdDoc/FchEmis as the document holds it (``2026-11-27``): the date the PDF is made on."""
    resolution: tuple[int, dt.date] | None = None
    """The number and date of the SII resolution its envelope's Caratula declares (NroResol,
    FchResol); None for a lone DTE, which does not carry it."""
    payments: tuple[Field, ...] = ()
    """The agreed payments (IdDoc/MntPagos), what was paid and is owed, the term and the
    account to pay into: a section of their own, as 30 payments are too many for the header."""
    transport_title: str = "Transporte"
    """The title of the transport box: "Transporte y exportación" when it holds an export's
    customs data (Transporte/Aduana), "Transporte" for a guía's truck or timber alone."""

    @property
    def is_boleta(self) -> bool:
        """Boletas (39, 41) are printed with gross prices and no receptor block when anonymous."""
        return self.dte_type in _BOLETAS


def cedible_legend(dte_type: int) -> str:
    """The legend of the cedible copy: ``CEDIBLE``, or ``CEDIBLE CON SU FACTURA`` for a guía.

    Raises ``DocumentError`` for a type that has no cedible copy (boletas, notes, exports).
    """
    kind = DTEType.parse(dte_type)
    if not kind.is_cedible:
        from haulmer.errors import DocumentError, ErrorDetail

        cedibles = ", ".join(str(int(t)) for t in DTEType if t.is_cedible)
        raise DocumentError(
            f"a {kind.label.lower()} ({int(kind)}) has no cedible copy; only types "
            f"{cedibles} do: render it with cedible=False",
            [ErrorDetail("cedible", f"type {int(kind)} has no cedible copy")],
        )
    return "CEDIBLE CON SU FACTURA" if kind in _CEDIBLE_WITH_INVOICE else "CEDIBLE"


def _given_sii_office(office: str) -> str:
    """The SII unit a caller named, as printed after "S.I.I. - ": without blanks around it and
    without an "S.I.I. -" (or "SII -") it may already begin with, which would print twice; blank
    text prints "S.I.I." alone."""
    return _SII_PREFIX.sub("", office.strip()).strip()


_SII_PREFIX: Final = re.compile(r"^S\.?\s*I\.?\s*I\.?(?:\s*[-–—:]\s*|\s+|$)", re.IGNORECASE)


def sii_office_of(comuna: str) -> str:
    """The default SII office: the emisor's comuna in capitals, without accents (Ñ stays)."""
    upper = comuna.strip().upper()
    if upper.isascii():
        return upper
    kept = []
    for char in upper:
        if char == "Ñ":
            kept.append(char)
            continue
        base = unicodedata.normalize("NFD", char)
        kept.append("".join(c for c in base if not unicodedata.combining(c)))
    return "".join(kept)


def _text(value: Any) -> str:
    if type(value) is str:  # what parsed XML holds: the common case first
        return value.strip()
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


_SCHEMA_INTEGER: Final = re.compile(r"\+?0*([0-9]+)")


def _code(value: Any) -> str:
    """A code of the SII's integer types as the schema reads it: ``01`` and ``+1`` are the
    ``1`` the tables name (IndTraslado, CodRef, IndExe...), as ``sii.parse`` reads them."""
    text = _text(value)
    if text[:1] not in ("0", "+"):  # most: written as the tables hold them
        return text
    found = _SCHEMA_INTEGER.fullmatch(text)
    return found.group(1) if found is not None else text


def _is_mapping(value: Any) -> bool:
    """Whether ``value`` is a mapping; a plain dict (what the XML and the models give) without
    the abstract class's slower check."""
    return type(value) is dict or isinstance(value, Mapping)


def _dict(value: Any) -> Mapping[str, Any]:
    if type(value) is dict:  # most: a group the document has (no call to tell it)
        return value
    if value is None:  # a group it lacks: no abstract-class check of None
        return {}
    if isinstance(value, list):
        value = value[0] if value else None
    return value if _is_mapping(value) else {}


def _list(value: Any) -> list[Mapping[str, Any]]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [item for item in items if _is_mapping(item)]


def _texts(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [t for t in (_text(item) for item in items) if t]


def _joined(*parts: str, sep: str = ", ") -> str:
    return sep.join([p for p in parts if p])


_CHILEAN_PESOS: Final = frozenset({"PESO CL", "PESO CHILENO", "CLP"})
"""How a currency of Chilean pesos is written: the Aduana's ``PESO CL`` (TipMonType), and the
spellings a received document may use. ``PESO``, ``PESO MEX``... are other countries' pesos."""


def _in_chilean_pesos(moneda: str) -> bool:
    """Whether amounts in ``moneda`` (a TpoMoneda) are Chilean pesos, printed with ``$``."""
    return " ".join(moneda.upper().split()) in _CHILEAN_PESOS


def printed_document(
    sii: Mapping[str, Any],
    *,
    sii_office: str | None = None,
    read_lines: Callable[[bool], Sequence[Line]] | None = None,
) -> PrintedDocument:
    """The printed facts of a document given as the SII's nested dict (``Documento``'s children).

    Leaves may be text (parsed XML) or numbers (a model's dict). ``sii_office`` is the SII unit
    printed under the box; by default the emisor's comuna (:func:`sii_office_of`). A reader
    that has the lines apart from ``sii`` gives ``read_lines``, called with whether the
    amounts are in pesos.
    """
    encabezado = _dict(sii.get("Encabezado"))
    id_doc = _dict(encabezado.get("IdDoc"))
    emisor = _dict(encabezado.get("Emisor"))
    receptor = _dict(encabezado.get("Receptor"))
    totales = _dict(encabezado.get("Totales"))
    tipo = _code(id_doc.get("TipoDTE"))
    kind: DTEType | None = _KINDS.get(tipo)  # "33" as the XML writes it: no enum call
    if kind is None:
        try:
            kind = DTEType.parse(tipo)
        except ValueError:
            kind = None
    known_digits = tipo.isascii() and tipo.isdigit() and len(tipo) <= 3
    dte_type = int(kind) if kind is not None else int(tipo) if known_digits else 0
    currency = _text(totales.get("TpoMoneda")) or None
    pesos = currency is None or _in_chilean_pesos(currency)
    office = (
        _given_sii_office(sii_office)
        if sii_office is not None
        else sii_office_of(_text(emisor.get("CmnaOrigen")))
    )
    totals, total_at = _totals(totales, pesos=pesos)
    return PrintedDocument(
        dte_type=dte_type,
        title=_TITLES[kind] if kind is not None else f"Documento tributario {tipo}".upper(),
        folio=_text(id_doc.get("Folio")),
        emisor_rut=numbers.rut(_text(emisor.get("RUTEmisor"))),
        emisor_name=_text(emisor.get("RznSoc")) or _text(emisor.get("RznSocEmisor")),
        emisor_lines=_emisor_lines(emisor),
        sii_office=office,
        receptor=_receptor_fields(encabezado, receptor),
        document_fields=_document_fields(
            id_doc,
            encabezado,
            currency,
            boleta=dte_type in _BOLETAS,
            export=dte_type in _EXPORTS,
        )
        + _issued_at(_dict(sii.get("GeoRefEmision"))),
        lines=tuple(
            [line_of(d, pesos=pesos) for d in _list(sii.get("Detalle"))]
            if read_lines is None
            else read_lines(pesos)
        ),
        adjustments=tuple(
            _adjustment(
                g, pesos=pesos, otra=_text(_dict(encabezado.get("OtraMoneda")).get("TpoMoneda"))
            )
            for g in _list(sii.get("DscRcgGlobal"))
        ),
        references=tuple(_reference(r) for r in _list(sii.get("Referencia"))),
        commissions=tuple(_commission(c) for c in _list(sii.get("Comisiones"))),
        subtotals=_subtotals(_list(sii.get("SubTotInfo")), pesos=pesos),
        transport=_transport(_dict(encabezado.get("Transporte")), pesos=pesos)
        + _madera(_dict(sii.get("ManejoMadera"))),
        totals=totals,
        total_at=total_at,
        other_currency=_other_currency(_dict(encabezado.get("OtraMoneda"))),
        currency=None if pesos else currency,
        issued=_text(id_doc.get("FchEmis")),
        payments=_payments(id_doc, pesos=pesos),
        transport_title=_transport_title(_dict(encabezado.get("Transporte"))),
    )


def _in_system(place: str, system: str) -> str:
    """Coordinates with the SII's code of the reference system they are written in."""
    return f"{place} (sistema de referencia {system})" if place and system else place


def _issued_at(geo: Mapping[str, Any]) -> tuple[Field, ...]:
    """GeoRefEmision, where the document was issued: its coordinates and their system."""
    if not geo:  # most documents do not say
        return ()
    place = _joined(_text(geo.get("LatitudEmision")), _text(geo.get("LongitudEmision")))
    shown = _in_system(place, _text(geo.get("SistemaReferencia")))
    return (Field("Lugar de emisión", shown),) if shown else ()


_SUBTOTAL_PARTS: Final = (
    ("SubTotNetoSTI", "neto"),
    ("SubTotIVASTI", "IVA"),
    ("SubTotAdicSTI", "impuestos adicionales"),
    ("SubTotExeSTI", "exento"),
    ("ValSubtotSTI", "total"),
)
"""The amounts a SubTotInfo may declare, in print order."""


def _subtotals(subtotales: list[Mapping[str, Any]], *, pesos: bool) -> tuple[Field, ...]:
    """The subtotals the issuer declares (SubTotInfo), in the order it asks (OrdenSTI, then
    NroSTI): each under its glosa (else "Subtotal <n>") with its net, IVA, additional taxes,
    exento and total, and the lines it adds (LineasDeta)."""
    if not subtotales:  # most documents declare none
        return ()

    def order(item: tuple[int, Mapping[str, Any]]) -> tuple[int, int]:
        orden = _text(item[1].get("OrdenSTI"))
        return (int(orden) if orden.isdigit() and orden.isascii() else 100, item[0])

    fields = []
    for _, sub in sorted(enumerate(subtotales), key=order):
        numero = _text(sub.get("NroSTI"))
        label = _text(sub.get("GlosaSTI")) or (f"Subtotal {numero}" if numero else "Subtotal")
        amounts = [
            f"{said} {numbers.amount(_text(sub.get(tag)), pesos=pesos)}"
            for tag, said in _SUBTOTAL_PARTS
            if _text(sub.get(tag))
        ]
        if amounts and len(amounts) == 1 and amounts[0].startswith("total "):
            amounts[0] = amounts[0].removeprefix("total ")  # the subtotal alone: its amount
        lineas = _texts(sub.get("LineasDeta"))
        covered = ""
        if lineas:
            listed = ", ".join(lineas[:-1]) + f" y {lineas[-1]}" if len(lineas) > 1 else lineas[0]
            covered = f"({'líneas' if len(lineas) > 1 else 'línea'} {listed})"
        value = _joined(", ".join(amounts), covered, sep=" ")
        if value:
            fields.append(Field(label, value))
    return tuple(fields)


def _transport_title(transporte: Mapping[str, Any]) -> str:
    """ "Transporte y exportación" over an export's customs data, else "Transporte"."""
    return "Transporte y exportación" if _dict(transporte.get("Aduana")) else "Transporte"


def _emisor_lines(emisor: Mapping[str, Any]) -> tuple[str, ...]:
    giro = _text(emisor.get("GiroEmis")) or _text(emisor.get("GiroEmisor"))
    address = _joined(
        _text(emisor.get("DirOrigen")),
        _text(emisor.get("CmnaOrigen")),
        _text(emisor.get("CiudadOrigen")),
    )
    contact = _joined(
        *(f"Teléfono {t}" for t in _texts(emisor.get("Telefono"))),
        _text(emisor.get("CorreoEmisor")),
        sep="  ",
    )
    sucursal = _text(emisor.get("Sucursal"))
    codigo_sucursal = _text(emisor.get("CodAdicSucur"))
    adicional = _text(emisor.get("IdAdicEmisor"))
    vendedor = _text(emisor.get("CdgVendedor"))
    proveedor_rut = _text(emisor.get("RUTProveedor"))
    proveedor = _joined(
        _text(emisor.get("RznSocProveedor")),
        f"R.U.T. {numbers.rut(proveedor_rut)}" if proveedor_rut else "",
    )
    return tuple(
        [
            line
            for line in (
                giro,
                address,
                contact,
                f"Sucursal: {sucursal}" if sucursal else "",
                f"Código de sucursal: {codigo_sucursal}" if codigo_sucursal else "",
                f"Identificación adicional: {adicional}" if adicional else "",
                f"Vendedor: {vendedor}" if vendedor else "",
                f"Proveedor: {proveedor}" if proveedor else "",
                _guia_export(_dict(emisor.get("GuiaExport"))),
            )
            if line
        ]
    )


def _guia_export(guia: Mapping[str, Any]) -> str:
    """Emisor/GuiaExport, the SII's authorization of an exceptional transfer: its code, the
    resolution's number and date."""
    if not guia:
        return ""
    codigo, folio = _text(guia.get("CdgTraslado")), _text(guia.get("FolioAut"))
    fecha = _text(guia.get("FchAut"))
    autorizacion = _joined(
        f"autorización N° {folio}" if folio else "",
        f"del {numbers.date(fecha)}" if fecha else "",
        sep=" ",
    )
    said = _joined(f"código {codigo}" if codigo else "", autorizacion)
    return f"Traslado excepcional {said}" if said else ""


def _receptor_fields(
    encabezado: Mapping[str, Any], receptor: Mapping[str, Any]
) -> tuple[Field, ...]:
    rut = _text(receptor.get("RUTRecep"))
    name = _text(receptor.get("RznSocRecep"))
    if rut in GENERIC_RECEPTORS and not name:
        return ()
    fields = [
        Field("Señor(es)", name),
        Field("R.U.T.", "" if rut in _UNPRINTED_RUTS else numbers.rut(rut)),
    ]
    for tag, label in _RECEPTOR:  # a Field only for a value: most are absent
        if tag in receptor:
            text = _text(receptor[tag])
            if text:
                fields.append(Field(label, text))
    telefono = _text(receptor.get("TelefonoRecep"))  # a boleta's buyer
    if telefono:
        fields.append(Field("Teléfono", telefono))
    postal = _joined(
        *(_text(receptor.get(tag)) for tag in ("DirPostal", "CmnaPostal", "CiudadPostal"))
    )
    if postal:
        fields.append(Field("Dirección postal", postal))
    extranjero = _dict(receptor.get("Extranjero"))
    if extranjero:
        fields.append(Field("Identificación extranjera", _text(extranjero.get("NumId"))))
        fields.append(
            Field("Tipo de documento de identificación", _text(extranjero.get("TipoDocID")))
        )
        fields.append(Field("Nacionalidad (código)", _text(extranjero.get("Nacionalidad"))))
        fields.append(Field("Identificación adicional", _text(extranjero.get("IdAdicRecep"))))
    for tag, label in (("RUTSolicita", "R.U.T. solicitante"), ("RUTMandante", "R.U.T. mandante")):
        if tag in encabezado:
            value = _text(encabezado[tag])
            if value:
                fields.append(Field(label, numbers.rut(value)))
    return tuple([f for f in fields if f.value])


_ID_DOC_TERMS: Final = frozenset(
    {
        "FchVenc",
        "FmaPago",
        "MedioPago",
        "TermPagoGlosa",
        "PeriodoDesde",
        "PeriodoHasta",
        "IndTraslado",
        "TipoDespacho",
        "MntBruto",
        "IndMntNeto",
        "FmaPagExp",
        "FchCancel",
        "IndServicio",
        "TermPagoCdg",
        "IndNoRebaja",
    }
)
"""What IdDoc may hold that prints besides the issue date: most documents hold none of it."""


def _document_fields(
    id_doc: Mapping[str, Any],
    encabezado: Mapping[str, Any],
    currency: str | None,
    *,
    boleta: bool = False,
    export: bool = False,
) -> tuple[Field, ...]:
    fields = [Field("Fecha de emisión", numbers.date(_text(id_doc.get("FchEmis"))))]
    if not _ID_DOC_TERMS.isdisjoint(id_doc):  # most documents print none of them
        venc = _text(id_doc.get("FchVenc"))  # a Field only for a value: most are absent
        if venc:
            fields.append(Field("Fecha de vencimiento", numbers.date(venc)))
        forma = _code(id_doc.get("FmaPago"))
        if forma:
            fields.append(Field("Forma de pago", _FORMA_PAGO.get(forma, forma)))
        exportacion = _text(id_doc.get("FmaPagExp"))
        if exportacion:  # the Aduana's table, which the SDK does not name: its code
            fields.append(Field("Forma de pago exportación", exportacion))
        medio = _text(id_doc.get("MedioPago"))
        if medio:
            names = _MEDIO_PAGO_BOLETA if boleta else _MEDIO_PAGO
            fields.append(Field("Medio de pago", names.get(medio, medio)))
        condiciones = _text(id_doc.get("TermPagoGlosa"))
        if condiciones:
            fields.append(Field("Condiciones de pago", condiciones))
        desde, hasta = _text(id_doc.get("PeriodoDesde")), _text(id_doc.get("PeriodoHasta"))
        if desde and hasta:
            fields.append(Field("Período", f"{numbers.date(desde)} al {numbers.date(hasta)}"))
        elif desde or hasta:  # one end alone (each is optional): which one it is
            end = f"desde el {numbers.date(desde)}" if desde else f"hasta el {numbers.date(hasta)}"
            fields.append(Field("Período", end))
        traslado = _code(id_doc.get("IndTraslado"))
        if traslado:
            fields.append(Field("Tipo de traslado", _TRASLADO.get(traslado, traslado)))
        despacho = _code(id_doc.get("TipoDespacho"))
        if despacho:
            fields.append(Field("Tipo de despacho", _DESPACHO.get(despacho, despacho)))
        if _code(id_doc.get("MntBruto")) == "1":
            fields.append(Field("Precios", "incluyen IVA"))
        if _code(id_doc.get("IndMntNeto")) == "2":  # a boleta's, gross unless it says so
            fields.append(Field("Precios", "netos, sin IVA"))
        cancelada = _text(id_doc.get("FchCancel"))
        if cancelada:
            fields.append(Field("Fecha de pago", numbers.date(cancelada)))
        servicio = _code(id_doc.get("IndServicio"))
        if servicio and not (boleta and servicio == "3"):  # every shop's boleta: nothing to say
            names = _SERVICIO_BOLETA if boleta else _SERVICIO_EXPORT if export else _SERVICIO
            fields.append(Field("Servicio", names.get(servicio, f"indicador {servicio}")))
        codigo_pago = _text(id_doc.get("TermPagoCdg"))
        if codigo_pago:
            fields.append(Field("Código de condiciones de pago", codigo_pago))
        if _code(id_doc.get("IndNoRebaja")) == "1":
            fields.append(Field("Nota de crédito", "sin derecho a descontar débito"))
    if currency is not None:
        fields.append(Field("Moneda", currency))
    return tuple([f for f in fields if f.value])


_CUENTAS: Final = {
    "AHORRO": "cuenta de ahorro",
    "CORRIENTE": "cuenta corriente",
    "VISTA": "cuenta vista",
}
"""TpoCtaPago, the kind of account the document asks to be paid into."""


_PAYMENT_TERMS: Final = frozenset(
    {"MntPagos", "MntCancel", "SaldoInsol", "TermPagoDias", "NumCtaPago", "BcoPago"}
)
"""What IdDoc may say of paying besides its forma and medio: most documents say none of it."""


def _payments(id_doc: Mapping[str, Any], *, pesos: bool) -> tuple[Field, ...]:
    """What IdDoc says of paying: each agreed payment (MntPagos, up to 30), what was paid and
    is owed (MntCancel, SaldoInsol), the term in days and the account to pay into."""
    if _PAYMENT_TERMS.isdisjoint(id_doc):
        return ()
    fields = []
    for pago in _list(id_doc.get("MntPagos")):
        fecha, monto = _text(pago.get("FchPago")), _text(pago.get("MntPago"))
        fields.append(
            Field(
                "Pago",
                _joined(
                    numbers.date(fecha) if fecha else "",
                    numbers.amount(monto, pesos=pesos) if monto else "",
                    _text(pago.get("GlosaPagos")),
                ),
            )
        )
    for tag, label in (("MntCancel", "Monto pagado"), ("SaldoInsol", "Saldo insoluto")):
        value = _text(id_doc.get(tag))
        if value:
            fields.append(Field(label, numbers.amount(value, pesos=pesos)))
    dias = _code(id_doc.get("TermPagoDias"))
    if dias:
        fields.append(Field("Plazo de pago", f"{dias} día" if dias == "1" else f"{dias} días"))
    kind = _text(id_doc.get("TpoCtaPago"))
    cuenta = _joined(
        _joined(_CUENTAS.get(kind.upper(), kind), _text(id_doc.get("NumCtaPago")), sep=" "),
        _text(id_doc.get("BcoPago")),
    )
    if _text(id_doc.get("NumCtaPago")) or _text(id_doc.get("BcoPago")):
        fields.append(Field("Cuenta de pago", cuenta))
    return tuple([f for f in fields if f.value])


LINE_EXTRAS: Final = frozenset(
    {
        "CdgItem",
        "IndExe",
        "TpoDocLiq",
        "SubDscto",
        "SubRecargo",
        "DescuentoPct",
        "DescuentoMonto",
        "RecargoPct",
        "RecargoMonto",
        "QtyRef",
        "UnmdRef",
        "PrcRef",
        "Subcantidad",
        "FchElabor",
        "FchVencim",
        "CodImpAdic",
        "OtrMnda",
        "ItemEspectaculo",
        "RUTMandante",
        "InfoTicket",
        "Retenedor",
    }
)
"""What a line may carry besides its name, quantity, price and amount; most lines carry none."""


def line_of(detalle: Mapping[str, Any], *, pesos: bool) -> Line:
    """A Detalle line as printed, from its SII dict; ``pesos`` says how amounts are written."""
    get = detalle.get
    if LINE_EXTRAS.isdisjoint(detalle):
        code = discount = surcharge = ""
        notes: tuple[str, ...] = ()
    else:
        code, notes, discount, surcharge = _line_extras(detalle, pesos=pesos)
    price = _text(get("PrcItem"))
    return Line(  # by position, in Line's order: a line is made per Detalle
        _text(get("NroLinDet")),
        code,
        _text(get("NmbItem")),
        _text(get("DscItem")),
        numbers.number(_text(get("QtyItem"))),
        _text(get("UnmdItem")),
        numbers.amount(price, pesos=pesos) if price else "",
        discount,
        surcharge,
        numbers.amount(_text(get("MontoItem")), pesos=pesos),
        notes,
    )


def _line_extras(
    detalle: Mapping[str, Any], *, pesos: bool
) -> tuple[str, tuple[str, ...], str, str]:
    """A line's code, indications, discount and surcharge."""
    get = detalle.get
    codes = _list(get("CdgItem"))
    code = _text(codes[0].get("VlrCodigo")) if codes else ""
    notes = []
    exento = _code(get("IndExe"))
    if exento:
        notes.append(_EXENTO.get(exento, f"indicador de exención {exento}"))
    liquidado = _text(get("TpoDocLiq"))
    if liquidado:
        found = lookup_document_code(liquidado)
        notes.append(f"liquida {found.label if found is not None else liquidado}")
    espectaculo = _text(get("ItemEspectaculo"))
    if espectaculo:
        notes.append(_ITEM_ESPECTACULO.get(espectaculo.lstrip("0"), f"ítem {espectaculo}"))
    mandante = _text(get("RUTMandante"))
    if mandante:
        notes.append(f"por cuenta de R.U.T. {numbers.rut(mandante)}")
    ticket = _dict(get("InfoTicket"))
    if ticket:
        notes.append(_ticket(ticket))
    retenedor = _dict(get("Retenedor"))
    if retenedor:
        notes.append(_retenedor(retenedor, pesos=pesos))
    for sub in _list(get("SubDscto")) + _list(get("SubRecargo")):
        kind = "descuento" if "TipoDscto" in sub else "recargo"
        value = _text(sub.get("ValorDscto")) or _text(sub.get("ValorRecargo"))
        unit = _text(sub.get("TipoDscto")) or _text(sub.get("TipoRecargo"))
        if unit == "$":  # an amount, written as the document's amounts are
            notes.append(f"{kind} {numbers.amount(value, pesos=pesos)}".strip())
        else:
            notes.append(f"{kind} {numbers.number(value)} {unit}".strip())
    for other in codes[1:]:  # the code column shows the first code; the others, with their kind
        shown = _joined(_text(other.get("TpoCodigo")), _text(other.get("VlrCodigo")), sep=" ")
        if shown:
            notes.append(shown)
    notes.extend(_line_details(detalle, pesos=pesos))
    return (
        code,
        tuple(notes),
        _line_adjustment(detalle, "DescuentoPct", "DescuentoMonto", pesos=pesos),
        _line_adjustment(detalle, "RecargoPct", "RecargoMonto", pesos=pesos),
    )


_ITEM_ESPECTACULO: Final = {"1": "entrada", "2": "cargo por servicio"}
"""A show boleta's ItemEspectaculo, written 01 and 02: the ticket, or the service's charge."""


def _moment(text: str) -> str:
    """``2026-12-05T21:30:00`` as ``5 de diciembre de 2026, 21:30``; other text as it came."""
    day, _, time = text.partition("T")
    shown = numbers.date(day)
    if shown == day and day != text:  # not a date: the text as the document holds it
        return text
    return _joined(shown, time[:5] if time[5:] in ("", ":00") else time)


def _ticket(ticket: Mapping[str, Any]) -> str:
    """A show boleta's InfoTicket in one line: the ticket's folio and type, the event and its
    code, when and where it takes place, the seat, and when the ticket was made."""
    get = ticket.get
    folio, tipo = _text(get("FolioTicket")), _text(get("TpoTicket"))
    evento, codigo = _text(get("NmbEvento")), _text(get("CdgEvento"))
    fila, asiento = _text(get("FilaUbicEvento")), _text(get("AsntoUbicEvento"))
    cuando, generada = _text(get("FchEvento")), _text(get("FchGenera"))
    what = _joined(f"entrada N° {folio}" if folio else "entrada", tipo)
    event = _joined(evento, f"(evento {codigo})" if codigo else "", sep=" ")
    place = _joined(
        _moment(cuando) if cuando else "",
        _text(get("LugarEvento")),
        _text(get("UbicEvento")),
        f"fila {fila}" if fila else "",
        f"asiento {asiento}" if asiento else "",
    )
    told = _joined(f"{what}: {event}" if event else what, place)
    return f"{told}; emitida el {_moment(generada)}" if generada else told


_RETENEDOR: Final = (
    ("MntBaseFaena", "base de faenamiento"),
    ("MntMargComer", "margen de comercialización"),
    ("PrcConsFinal", "precio al consumidor final"),
)
"""What Detalle/Retenedor says of a line the emisor retains on as agent, in print order."""


def _retenedor(retenedor: Mapping[str, Any], *, pesos: bool) -> str:
    """A line's Retenedor: the emisor retains on it as agent, on these amounts."""
    amounts = [
        f"{said} {numbers.amount(_text(retenedor.get(tag)), pesos=pesos)}"
        for tag, said in _RETENEDOR
        if _text(retenedor.get(tag))
    ]
    return _joined("agente retenedor", *amounts)


_LINE_OTRA_MONEDA: Final = (
    ("PrcOtrMon", "precio"),
    ("DctoOtrMnda", "descuento"),
    ("RecargoOtrMnda", "recargo"),
    ("MontoItemOtrMnda", "monto"),
)
"""A line's amounts in the other currency (Detalle/OtrMnda), in print order."""


def _line_details(detalle: Mapping[str, Any], *, pesos: bool) -> list[str]:
    """A line's price per reference unit, the lots or serial numbers it is made of, its dates
    of elaboration and expiry, its amounts in another currency and the additional taxes it
    bears."""
    get = detalle.get
    notes = []
    reference = _text(get("PrcRef"))
    if reference:
        per = _joined(numbers.number(_text(get("QtyRef"))), _text(get("UnmdRef")), sep=" ")
        shown = f"precio de referencia {numbers.amount(reference, pesos=pesos)}"
        notes.append(f"{shown} por {per}" if per else shown)  # alone, a bare amount misleads
    for sub in _list(get("Subcantidad")):
        quantity, code = numbers.number(_text(sub.get("SubQty"))), _text(sub.get("SubCod"))
        kind = _text(sub.get("TipCodSubQty"))  # an export's: what kind of code SubCod is
        code = f"{code} ({kind})" if code and kind else code
        notes.append(f"{quantity} de {code}" if quantity and code else quantity or code)
    for tag, said in (("FchElabor", "elaborado el"), ("FchVencim", "vence el")):
        fecha = _text(get(tag))
        if fecha:
            notes.append(f"{said} {numbers.date(fecha)}")
    otra = _dict(get("OtrMnda"))
    if otra:
        amounts = [
            f"{name} {numbers.amount(_text(otra.get(tag)), pesos=False)}"
            for tag, name in _LINE_OTRA_MONEDA
            if _text(otra.get(tag))
        ]
        rate = _text(otra.get("FctConv"))
        if rate:
            amounts.append(f"tipo de cambio {numbers.number(rate)}")
        moneda = _text(otra.get("Moneda"))
        notes.append(f"en {moneda}: {', '.join(amounts)}" if moneda else ", ".join(amounts))
    tax_codes = [_code(code) for code in _texts(get("CodImpAdic"))]
    taxes = [_IMPUESTOS.get(code, f"impuesto código {code}") for code in tax_codes]
    if taxes:
        notes.append(f"afecto a {' y '.join(taxes)}")
    return [note for note in notes if note]


def _line_adjustment(detalle: Mapping[str, Any], pct: str, monto: str, *, pesos: bool) -> str:
    amount, rate = _text(detalle.get(monto)), _text(detalle.get(pct))
    if not amount and not rate:
        return ""
    shown = numbers.amount(amount, pesos=pesos) if amount else ""
    return _joined(shown, f"({numbers.percent(rate)})" if rate else "", sep=" ")


def _adjustment(global_: Mapping[str, Any], *, pesos: bool, otra: str = "") -> Field:
    """A global discount or surcharge; ``otra`` is the other currency (OtraMoneda/TpoMoneda)
    its ValorDROtrMnda is in."""
    recargo = _text(global_.get("TpoMov")).upper() == "R"
    glosa = _text(global_.get("GlosaDR"))
    value = _text(global_.get("ValorDR"))
    exempt = _code(global_.get("IndExeDR"))
    label = _joined(
        "Recargo global" if recargo else "Descuento global",
        glosa,
        {"1": "(exento)", "2": "(no facturable)"}.get(exempt, ""),
        sep=" ",
    )
    if _text(global_.get("TpoValor")) == "%":
        shown = numbers.percent(value)
    else:
        shown = numbers.amount(value, pesos=pesos)
    other = _text(global_.get("ValorDROtrMnda"))
    if other:
        there = numbers.amount(other, pesos=_in_chilean_pesos(otra))
        shown = _joined(
            shown, f"({there} en {otra})" if otra else f"({there} en otra moneda)", sep=" "
        )
    return Field(label, shown)


def _reference(referencia: Mapping[str, Any]) -> Reference:
    tipo = _text(referencia.get("TpoDocRef"))
    found = lookup_document_code(tipo) if tipo else None
    document = f"{found.label} ({tipo})" if found is not None else tipo
    folio = _text(referencia.get("FolioRef"))
    if _code(referencia.get("IndGlobal")) == "1":
        document += ", global"
        if not folio.strip("0"):  # the SII's FolioRef 0 of a global reference names no folio
            folio = ""
    other = _text(referencia.get("RUTOtr"))
    adicional = _text(referencia.get("IdAdicOtr"))
    if other or adicional:
        # a foreign contributor's identification beside its RUT, or alone
        by = f"{numbers.rut(other)} ({adicional})" if other and adicional else adicional
        by = numbers.rut(other) if other and not adicional else by
        document = _joined(document, f"emitido por {by}")
    cod = _code(referencia.get("CodRef"))
    code = CodRef(int(cod)).label if cod in ("1", "2", "3") else cod
    reason = _text(referencia.get("RazonRef"))
    if reason.casefold() == code.casefold():  # "Corrige montos" twice says it no better
        reason = ""
    vendedor, caja = _text(referencia.get("CodVndor")), _text(referencia.get("CodCaja"))
    if vendedor or caja:  # a boleta's: who sold it, at which till
        reason = _joined(
            reason, f"vendedor {vendedor}" if vendedor else "", f"caja {caja}" if caja else ""
        )
    fecha = _text(referencia.get("FchRef"))
    return Reference(
        document=document,
        folio=folio,
        fecha=numbers.date(fecha) if fecha else "",
        code=code,
        reason=reason,
    )


def _commission(comision: Mapping[str, Any]) -> Field:
    kind = "Comisión" if _text(comision.get("TipoMovim")).upper() == "C" else "Otro cargo"
    rate = _text(comision.get("TasaComision"))
    label = _joined(
        _text(comision.get("Glosa")) or kind,
        f"({numbers.percent(rate)})" if rate else "",
        sep=" ",
    )
    parts = [
        f"{name} {numbers.amount(_text(comision.get(tag)))}"
        for tag, name in (("ValComNeto", "neto"), ("ValComExe", "exento"), ("ValComIVA", "IVA"))
        if _text(comision.get(tag))
    ]
    return Field(label, ", ".join(parts))


def _transport(transporte: Mapping[str, Any], *, pesos: bool) -> tuple[Field, ...]:
    """Transporte in print order; an export's customs amounts (TotClauVenta, MntFlete, MntSeguro)
    are in the sale's currency, printed with ``$`` when ``pesos``."""
    if not transporte:  # most documents: nothing to look up
        return ()
    fields = [Field(label, _text(transporte.get(tag))) for tag, label in _TRANSPORTE]
    rut_trans = _text(transporte.get("RUTTrans"))
    if rut_trans:  # in the edited form, as every RUT is printed
        fields[_RUT_TRANS_AT] = Field(fields[_RUT_TRANS_AT].label, numbers.rut(rut_trans))
    chofer = _dict(transporte.get("Chofer"))
    if chofer:
        name = _text(chofer.get("NombreChofer"))
        rut = _text(chofer.get("RUTChofer"))
        fields.append(Field("Chofer", _joined(name, numbers.rut(rut) if rut else "", sep=", ")))
    salida, llegada = _text(transporte.get("FchSalida")), _text(transporte.get("FchLlegada"))
    hora = _text(transporte.get("HraSalida"))
    if salida or hora:
        fields.append(Field("Salida", _joined(numbers.date(salida) if salida else "", hora)))
    if llegada:
        fields.append(Field("Llegada", numbers.date(llegada)))
    aduana = _dict(transporte.get("Aduana"))
    if not aduana:
        return tuple([f for f in fields if f.value])
    fields.extend(Field(label, _aduana_value(aduana, tag, pesos=pesos)) for tag, label in _ADUANA)
    for tag, unit, label in _ADUANA_WEIGHTS:
        weight = _text(aduana.get(tag))
        if weight:
            code = _text(aduana.get(unit))
            value = numbers.number(weight)
            fields.append(Field(label, f"{value} (unidad {code})" if code else value))
    for bulto in _list(aduana.get("TipoBultos")):
        cantidad = f"{_text(bulto.get('CantBultos'))} de tipo {_text(bulto.get('CodTpoBultos'))}"
        parts = [
            f"{name} {_text(bulto.get(tag))}" for tag, name in _BULTO_PARTS if _text(bulto.get(tag))
        ]
        fields.append(Field("Bultos", _joined(cantidad, *parts)))
    fields.extend(
        Field(label, numbers.amount(_text(aduana.get(tag)), pesos=pesos))
        for tag, label in (("MntFlete", "Flete"), ("MntSeguro", "Seguro"))
        if _text(aduana.get(tag))
    )
    return tuple([f for f in fields if f.value])


_ROLES: Final = (("Origen", "de origen"), ("Destino", "de destino"))
"""ManejoMadera's two properties: the suffix of their elements and how they are printed."""


def _madera(madera: Mapping[str, Any]) -> tuple[Field, ...]:
    """ManejoMadera, where a guía's timber comes from and goes to: each property's rol
    (comuna, manzana, predio), the CONAF plan, the aviso de ejecución de faena, and the
    coordinates of origin and destination."""
    if not madera:  # most documents: no timber
        return ()
    fields = []
    for suffix, said in _ROLES:
        rol = _joined(
            *(
                f"{name} {_text(madera.get(f'{tag}Rol{suffix}'))}"
                for tag, name in (("Comuna", "comuna"), ("Mnz", "manzana"), ("Prd", "predio"))
                if _text(madera.get(f"{tag}Rol{suffix}"))
            )
        )
        fields.append(Field(f"Rol {said} de la madera", rol))
    fields.append(Field("Plan de manejo CONAF", _text(madera.get("CodPlanConaf"))))
    fields.append(Field("Aviso de ejecución de faena", _text(madera.get("AvisoEjecucionFaena"))))
    for suffix, _ in _ROLES:
        place = _joined(
            _text(madera.get(f"Latitud{suffix}Madera")),
            _text(madera.get(f"Longitud{suffix}Madera")),
        )
        fields.append(Field(f"{suffix} de la madera", place))
    fields.append(
        Field(
            "Sistema de referencia de las coordenadas", _text(madera.get("SistemareferenciaMadera"))
        )
    )
    return tuple([f for f in fields if f.value])


def _aduana_value(aduana: Mapping[str, Any], tag: str, *, pesos: bool) -> str:
    """An Aduana element as printed: TotClauVenta an amount in the sale's currency (``pesos``
    when Chilean pesos), RUTCiaTransp a RUT, a port's code with its additional identification,
    a code of a table the SDK holds by its name and code (``FOB (5)``), any other code (a port,
    a country) as given."""
    text = _text(aduana.get(tag))
    if tag == "TotClauVenta":
        return numbers.amount(text, pesos=pesos)
    if tag == "RUTCiaTransp":
        return numbers.rut(text) if text else ""
    if tag in _PORT_DETAILS:  # the port's code, and what identifies the place within it
        return _joined(text, _text(aduana.get(_PORT_DETAILS[tag])))
    table = _ADUANA_CODES.get(tag)
    if table is None or not text.isdigit():
        return text
    try:
        code = table(int(text))
    except ValueError:  # a code the SDK's table lacks: the code alone
        return text
    return f"{code.label} ({text})"


def _totals(totales: Mapping[str, Any], *, pesos: bool) -> tuple[tuple[Field, ...], int]:
    """The totals in print order and where MntTotal is among them (before what follows it:
    MontoNF, MontoPeriodo or a boleta's TotalPeriodo, SaldoAnterior, VlrPagar)."""
    fields = [
        Field(label, numbers.amount(_text(totales[tag]), pesos=pesos))
        for tag, label in _TOTALS
        if tag in totales and _text(totales[tag])
    ]
    if _text(totales.get("IVA")):
        rate = _text(totales.get("TasaIVA"))
        label = f"IVA ({numbers.percent(rate)})" if rate else "IVA"
        fields.append(Field(label, numbers.amount(_text(totales.get("IVA")), pesos=pesos)))
    for tag, label in (("IVAProp", "IVA propio"), ("IVATerc", "IVA terceros")):
        if tag in totales and _text(totales[tag]):
            fields.append(Field(label, numbers.amount(_text(totales.get(tag)), pesos=pesos)))
    for impuesto in _list(totales.get("ImptoReten")):
        code = _code(impuesto.get("TipoImp"))
        rate = _text(impuesto.get("TasaImp"))
        name = _IMPUESTOS.get(code, f"Impuesto código {code}")
        label = f"{name} ({numbers.percent(rate)})" if rate else name
        fields.append(Field(label, numbers.amount(_text(impuesto.get("MontoImp")), pesos=pesos)))
    fields.extend(
        [
            Field(label, numbers.amount(_text(totales[tag]), pesos=pesos))
            for tag, label in _TOTALS_AFTER_TAXES
            if tag in totales and _text(totales[tag])
        ]
    )
    comisiones = _dict(totales.get("Comisiones"))
    if comisiones:  # most documents have none
        for tag, label in (
            ("ValComNeto", "Comisiones neto"),
            ("ValComExe", "Comisiones exento"),
            ("ValComIVA", "Comisiones IVA"),
        ):
            if _text(comisiones.get(tag)):
                fields.append(Field(label, numbers.amount(_text(comisiones.get(tag)))))
    after = [
        Field(label, numbers.amount(_text(totales[tag]), pesos=pesos))
        for tag, label in _TOTALS_AFTER_TOTAL
        if tag in totales and _text(totales[tag])
    ]
    fields.append(Field("Total", numbers.amount(_text(totales.get("MntTotal")), pesos=pesos)))
    return (*fields, *after), len(fields) - 1


def _other_currency(otra: Mapping[str, Any]) -> tuple[Field, ...]:
    if not otra:
        return ()
    moneda = _text(otra.get("TpoMoneda"))
    pesos = _in_chilean_pesos(moneda)
    fields = [
        Field("Moneda", moneda),
        Field("Tipo de cambio", numbers.number(_text(otra.get("TpoCambio")))),
    ]
    for tag, label in _OTRA_MONEDA:
        if _text(otra.get(tag)):
            fields.append(Field(label, numbers.amount(_text(otra.get(tag)), pesos=pesos)))
        if tag == "IVAOtrMnda":  # the taxes and retentions follow the IVA, as in Totales
            for impuesto in _list(otra.get("ImpRetOtrMnda")):
                code = _code(impuesto.get("TipoImpOtrMnda"))
                rate = _text(impuesto.get("TasaImpOtrMnda"))
                name = _IMPUESTOS.get(code, f"Impuesto código {code}")
                value = numbers.amount(_text(impuesto.get("VlrImpOtrMnda")), pesos=pesos)
                fields.append(Field(f"{name} ({numbers.percent(rate)})" if rate else name, value))
    return tuple([f for f in fields if f.value])


def labelled(fields: Sequence[Field]) -> list[str]:
    """``["Giro: Extracción de cobre", ...]``: fields as single lines."""
    return [f"{f.label}: {f.value}" if f.label else f.value for f in fields]
