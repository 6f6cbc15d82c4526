"""What the builders take: the shapes of their inputs and the options every builder shares.

The options are written once, as TypedDicts that the builders unpack (``**options``): type
checkers and IDEs list and check each key; ``check_options`` refuses an unknown one at run time
as Python refuses an unknown keyword.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal, Protocol, TypedDict, runtime_checkable

import pydantic

from haulmer._shown import shown
from haulmer.dte.argument_errors import (
    FLAGS,
    RATES_TAKE,
    WHOLE_PESOS,
    ArgumentTypeError,
    flag,
    kind_of,
    whole_pesos,
)
from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.dte.exports import Moneda
from haulmer.dte.models import (
    Aduana,
    CdgItem,
    Comision,
    Detalle,
    DscRcgGlobal,
    Emisor,
    GeoRefEmision,
    ManejoMadera,
    Receptor,
    Referencia,
    SubTotInfo,
    Transporte,
)
from haulmer.errors import ErrorDetail

__all__ = [
    "AduanaInput",
    "CodRefInput",
    "ComisionInput",
    "DocumentOptions",
    "EmisorInput",
    "ExportNoteOptions",
    "GlobalInput",
    "LineDict",
    "LineInput",
    "LineSource",
    "MonedaInput",
    "NoteOptions",
    "PaymentOptions",
    "RateInput",
    "ReceptorInput",
    "ReferenciaInput",
    "SubtotalInput",
    "TransporteInput",
    "check_options",
    "item_place",
    "listed",
    "mapping_argument",
]


class LineDict(TypedDict, total=False):
    """One Detalle line as a plain dict (Python names; the SII names work too): what a product
    of a catalogue becomes to be sold on a DTE. ``nombre`` is the one key always needed."""

    nombre: str
    """NmbItem, up to 80 characters."""
    cantidad: Decimal | int | str
    """QtyItem (up to 6 decimals)."""
    precio: Decimal | int | str
    """PrcItem: net on facturas, IVA included on boletas (up to 6 decimals)."""
    unidad: str
    """UnmdItem, up to 4 characters (``"UN"``, ``"KG"``)."""
    descripcion: str
    """DscItem, up to 1000 characters."""
    codigos: Sequence[CdgItem | Mapping[str, Any]]
    """CdgItem: up to 5 ``{"TpoCodigo": "INT1", "VlrCodigo": "SKU-1"}``."""
    ind_exe: int
    """IndExe: 1 exempt, 2 no facturable (...6)."""
    descuento_pct: Decimal | int | str
    """DescuentoPct: a discount in percent (the builders compute DescuentoMonto)."""
    descuento_monto: int
    """DescuentoMonto: a discount in pesos."""
    recargo_pct: Decimal | int | str
    """RecargoPct: a surcharge in percent."""
    recargo_monto: int
    """RecargoMonto: a surcharge in pesos."""
    cod_imp_adic: Sequence[str]
    """CodImpAdic: up to 2 additional-tax or retención codes (``["15"]``)."""
    tpo_doc_liq: str
    """TpoDocLiq (liquidación-factura 43 only)."""


EmisorInput = Emisor | Mapping[str, Any]
ReceptorInput = Receptor | Mapping[str, Any]


@runtime_checkable
class LineSource(Protocol):
    """Anything that makes itself a line: a catalogue product (``haulmer.catalogue.Product``).

    ``prices`` is ``"gross"`` for a boleta's lines (taxes inside the price) and ``"net"`` for
    every other type's; the builders choose it from the document type.
    """

    def dte_line(self, quantity: Any = 1, *, prices: Any) -> Mapping[str, Any]:
        """The line for ``quantity`` units at ``prices``."""
        ...


LineInput = Detalle | LineDict | Mapping[str, Any] | LineSource | tuple[LineSource, Any]
"""A line: a ``Detalle``, a dict (Python or SII names), a product, or ``(product, quantity)``."""
GlobalInput = DscRcgGlobal | Mapping[str, Any]
ReferenciaInput = Referencia | Mapping[str, Any]
TransporteInput = Transporte | Mapping[str, Any]
AduanaInput = Aduana | Mapping[str, Any]
ComisionInput = Comision | Mapping[str, Any]
SubtotalInput = SubTotInfo | Mapping[str, Any]
MonedaInput = Moneda | str
RateInput = Decimal | int | str
CodRefInput = CodRef | int | Literal["anula", "corrige_texto", "corrige_montos"]


class DocumentOptions(TypedDict, total=False):
    """What every builder takes besides its parties and lines, each key optional."""

    fecha: date | None
    """IdDoc/FchEmis; id_doc's FchEmis, else today in Chile, when left out."""
    folio: int
    """IdDoc/Folio; id_doc's Folio, else 0 (OpenFactura assigns it), when left out. Local
    stamping needs the CAF's."""
    descuentos_recargos: Iterable[GlobalInput]
    """DscRcgGlobal: global discounts and surcharges (a nota that annuls copies the document's
    when left out)."""
    referencias: Iterable[ReferenciaInput]
    """Referencia: an orden de compra, a guía... (a nota's own reference comes first)."""
    id_doc: Mapping[str, Any] | None
    """More IdDoc fields, Python or SII names: ``{"forma_pago": 2}``, ``{"FmaPago": 2}``. Its
    FchEmis and Folio are the document's when ``fecha`` and ``folio`` are left out (given both
    ways, they must agree); a TipoDTE other than the builder's is refused."""
    tasas_adicionales: Mapping[str, Decimal | int | str] | None
    """Rates in percent of the lines' CodImpAdic codes that have no fixed one (28 diésel,
    35 gasolina, 16 IVA retenido parcial...): ``{"28": Decimal("2.5")}``, written as
    Totales/ImptoReten/TasaImp. A nota takes its document's when left out. Refused on exports,
    which are exempt."""
    credito_constructoras: int | None
    """Totales/CredEC: an empresa constructora's crédito especial in pesos (at most 65% of the
    IVA), deducted from MntTotal. A nota that annuls takes its document's when left out.
    Refused on exports, which have no IVA."""
    saldo_anterior: int | None
    """Totales/SaldoAnterior: the balance carried over in pesos, positive or negative; VlrPagar
    (the total to pay, MontoPeriodo + SaldoAnterior) is computed from it. Refused on exports."""
    subtotales: Iterable[SubtotalInput]
    """SubTotInfo: informative subtotals (up to 20: NroSTI, GlosaSTI, their amounts, the
    LineasDeta they add up), printed as given; nothing is computed from them."""
    geo_ref_emision: GeoRefEmision | Mapping[str, Any] | None
    """GeoRefEmision: where the document is issued (LatitudEmision, LongitudEmision,
    SistemaReferencia). Refused on exports and liquidación-facturas, whose schemas lack it."""
    manejo_madera: ManejoMadera | Mapping[str, Any] | None
    """ManejoMadera: a timber transport's rol of origin and destination, CONAF plan and
    coordinates. Refused on boletas, exports and liquidación-facturas."""
    check: bool
    """Run ``Document.check()`` (True when left out); False returns the document unchecked."""


class PaymentOptions(DocumentOptions, total=False):
    """A factura's payment terms, besides the options every builder takes."""

    forma_pago: int | None
    """IdDoc/FmaPago: 1 contado, 2 crédito, 3 sin costo."""
    medio_pago: str | None
    """IdDoc/MedioPago: CH cheque, LT letra, EF efectivo, PE pago a cta. cte., TC tarjeta..."""
    fecha_vencimiento: date | None
    """IdDoc/FchVenc: when payment is due."""


class NoteOptions(DocumentOptions, total=False):
    """What a nota de crédito or débito takes (56, 61, 111, 112) besides the document it
    modifies; what the document gives is taken from it when left out."""

    cod_ref: CodRefInput
    """Referencia/CodRef: ``"anula"`` (copies the lines), ``"corrige_texto"`` (one line of 0),
    ``"corrige_montos"`` (``lines`` required). Notas de crédito default to ``"anula"``, notas de
    débito to ``"corrige_montos"``."""
    razon: str | None
    """Referencia/RazonRef (a standard text per CodRef when left out)."""
    lines: Iterable[LineInput] | None
    """The note's lines (the document's when annulling, one line of 0 when correcting text)."""
    emisor: EmisorInput | None
    """The document's emisor when left out."""
    receptor: ReceptorInput | None
    """The document's receptor when left out."""
    tipo_doc_ref: DTEType | str | int | None
    """Referencia/TpoDocRef: the document's type when left out."""
    folio_ref: int | str | None
    """Referencia/FolioRef: the document's folio when left out."""
    fecha_ref: date | None
    """Referencia/FchRef: the document's date when left out."""
    montos_brutos: bool | None
    """MntBruto 1 (IVA-included prices): as the referenced document when left out; an export
    nota refuses True (no IVA, no MntBruto)."""


class ExportNoteOptions(NoteOptions, total=False):
    """What an export nota (111, 112) takes besides a nota's options."""

    moneda: MonedaInput | None
    """Totales/TpoMoneda: the document's currency when left out."""
    tipo_cambio: RateInput | None
    """OtraMoneda/TpoCambio: the document's rate when left out (pass the note date's rate)."""
    otra_moneda: MonedaInput | None
    """OtraMoneda/TpoMoneda: the document's (pesos) when left out."""


LISTED: dict[str, tuple[str, str]] = {
    "lines": ("Detalle", "lines"),
    "descuentos_recargos": ("DscRcgGlobal", "global discounts and surcharges"),
    "referencias": ("Referencia", "references"),
    "subtotales": ("SubTotInfo", "subtotals"),
    "comisiones": ("Comisiones", "commissions"),
}
"""The arguments that are lists: their SII element and what their items are."""

MAPPED: dict[str, str] = {
    "emisor": "Encabezado.Emisor",
    "receptor": "Encabezado.Receptor",
    "transporte": "Encabezado.Transporte",
    "aduana": "Encabezado.Transporte.Aduana",
    "otra_moneda": "Encabezado.OtraMoneda",
    "id_doc": "Encabezado.IdDoc",
    "geo_ref_emision": "GeoRefEmision",
    "manejo_madera": "ManejoMadera",
}
"""The arguments that are one dict or model: their SII element."""


def listed(value: object, name: str) -> Iterable[Any]:
    """``value`` when it is a list (or other iterable) of items; an ArgumentTypeError naming
    ``name`` when it is one item, a text or None, whose iteration would read keys or letters."""
    one = (str, bytes, bytearray, Mapping, pydantic.BaseModel)  # a model iterates its fields
    if isinstance(value, Iterable) and not isinstance(value, one):
        return value
    element, items = LISTED.get(name, (name, "items"))
    issue = (
        f"{name} is a list of {items}, each a dict or a haulmer.dte model, got "
        f"{kind_of(value)}: put a single one in a list ([...])"
    )
    if name != "lines":
        issue += f", or leave {name} out for none"
    raise ArgumentTypeError(issue, [ErrorDetail(element, issue)])


def mapping_argument(value: object, name: str) -> None:
    """Refuse ``value`` unless it is a dict or a model (None leaves the argument out): an
    ArgumentTypeError naming ``name``."""
    if value is None or isinstance(value, (Mapping, pydantic.BaseModel)):
        return
    issue = (
        f"{name}: expected a mapping of SII or Python field names (a dict) or a haulmer.dte "
        f"model, got {kind_of(value)}"
    )
    raise ArgumentTypeError(issue, [ErrorDetail(MAPPED.get(name, name), issue)])


def item_place(name: str, index: int, before: int = 0) -> tuple[str, str]:
    """Item ``index`` (from 0) of the list argument ``name`` as an error names it: the argument's
    item and its SII element, ``("lines[1]", "Detalle[2]")``; ``before``: the elements the
    builder writes ahead of the argument's (a nota's own reference)."""
    element = LISTED.get(name, (name, ""))[0]
    return f"{name}[{index}]", f"{element}[{index + before + 1}]"


def check_options(builder: str, options: Mapping[str, Any], allowed: type) -> None:
    """Raise TypeError, as Python does for a keyword, when ``options`` has a key ``allowed``
    (a TypedDict) does not declare; an ArgumentTypeError when a list, a dict, an amount in
    pesos, a yes or no or the tax rates are of the wrong kind (a nota's ``lines`` and
    ``descuentos_recargos`` may be None: its document's)."""
    known: frozenset[str] = allowed.__optional_keys__ | allowed.__required_keys__  # type: ignore[attr-defined]
    for key in options:
        if key not in known:
            raise TypeError(f"{builder}() got an unexpected keyword argument {shown(key)}")
    nullable = {"lines", "descuentos_recargos"} if "lines" in known else set()
    for key, value in options.items():
        if key in LISTED and not (key in nullable and value is None):
            listed(value, key)
        elif key in MAPPED and key != "otra_moneda":  # an export nota's is its TpoMoneda
            mapping_argument(value, key)
        elif key in WHOLE_PESOS:
            whole_pesos(value, key)
        elif key in FLAGS and value is not None:  # a nota's montos_brutos: its document's
            flag(value, key)
        elif key == "tasas_adicionales" and value is not None and not isinstance(value, Mapping):
            issue = f"tasas_adicionales is {RATES_TAKE}, got {kind_of(value)}"
            raise ArgumentTypeError(issue, [ErrorDetail(key, issue)])
