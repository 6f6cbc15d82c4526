"""The sections of a DTE as pydantic models, fields declared in the SII's element order.

Python names are readable snake_case; the SII element names (``RUTEmisor``, ``MntTotal``...) are
the aliases, and both are accepted (``populate_by_name``). One model per section serves every
type: boletas (39/41) share them and are rendered with their own names and subset by
``haulmer.dte.sii_dict`` (``RznSocEmisor``/``GiroEmisor``, ``TelefonoRecep``, ``TotalPeriodo``...).
Money is ``int`` pesos, quantities and prices ``Decimal``, dates ``datetime.date``, RUTs ``Rut``;
the export documents (110/111/112) carry their amounts in the sale's currency, so MontoItem,
MntExe and MntTotal are ``Decimal`` there (``haulmer.dte.exports``).
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Final, Literal, TypeVar

from pydantic import AfterValidator, AliasChoices, BeforeValidator, Field, field_validator

from haulmer._chile import chile_date, read_timestamp, to_chile
from haulmer.dte._base import SiiModel
from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.dte.exports import Moneda
from haulmer.dte.number_text import (
    decimal_text,
    decimal_text_within,
    whole_text,
    whole_text_within,
)
from haulmer.rut import Rut

__all__ = [
    "Aduana",
    "CdgItem",
    "Chofer",
    "Comision",
    "ComisionesTotales",
    "Detalle",
    "DscRcgGlobal",
    "Emisor",
    "Encabezado",
    "Extranjero",
    "GeoRefEmision",
    "GuiaExport",
    "IdDoc",
    "ImpRetOtrMnda",
    "ImptoReten",
    "InfoTicket",
    "ManejoMadera",
    "MntPago",
    "OtrMnda",
    "OtraMoneda",
    "Receptor",
    "Referencia",
    "Retenedor",
    "SubDscto",
    "SubRecargo",
    "SubTotInfo",
    "Subcantidad",
    "TipoBultos",
    "Totales",
    "Transporte",
]


WHOLE_LIMIT = 10**18
"""No SII amount, code or count reaches this (amounts have 18 digits at most)."""
NUMBER_LIMIT = 10**40
"""Far past any SII quantity, price, rate or foreign amount (18 integer digits at most)."""

Whole = Annotated[int, Field(gt=-WHOLE_LIMIT, lt=WHOLE_LIMIT), BeforeValidator(whole_text)]
"""An int field's type. The bound is checked in pydantic's own code, before any arithmetic or
message meets the number: an int of more than 4,300 digits cannot even be written as text.
Text must be written as the SII's ``xs:integer`` (``"8592.0"`` and ``"1_000"`` are refused)."""

Number = Annotated[Decimal, Field(gt=-NUMBER_LIMIT, lt=NUMBER_LIMIT), BeforeValidator(decimal_text)]
"""A Decimal field's type, bounded the same way: ``1E+99999999`` would overflow a product, and
5,000 digits run out of digits when rounded. Text must be written as the SII's ``xs:decimal``
(``"8.592e3"`` is refused)."""

_WHOLE_BOUND = Field(gt=-WHOLE_LIMIT, lt=WHOLE_LIMIT)
_NUMBER_BOUND = Field(gt=-NUMBER_LIMIT, lt=NUMBER_LIMIT)

# Read from XML, these also have at most the digits their elements' totalDigits and
# fractionDigits allow (the schema facts, the loosest of the roots that have the element).
Whole1 = Annotated[int, _WHOLE_BOUND, BeforeValidator(whole_text_within(1))]
"""An int of one digit: IndGlobal, CdgTraslado."""
Whole2 = Annotated[int, _WHOLE_BOUND, BeforeValidator(whole_text_within(2))]
"""An int of up to 2 digits: the Aduana's codes of sale, clause, transport and units."""
Whole3 = Annotated[int, _WHOLE_BOUND, BeforeValidator(whole_text_within(3))]
"""An int of up to 3 digits: TermPagoDias, country codes, CodTpoBultos."""
Whole4 = Annotated[int, _WHOLE_BOUND, BeforeValidator(whole_text_within(4))]
"""An int of up to 4 digits: the Aduana's port codes."""
Whole6 = Annotated[int, _WHOLE_BOUND, BeforeValidator(whole_text_within(6))]
"""An int of up to 6 digits: Acteco, FolioAut."""
Whole7 = Annotated[int, _WHOLE_BOUND, BeforeValidator(whole_text_within(7))]
"""An int of up to 7 digits: Tara."""
Whole9 = Annotated[int, _WHOLE_BOUND, BeforeValidator(whole_text_within(9))]
"""An int of up to 9 digits: CdgSIISucur."""
Whole10 = Annotated[int, _WHOLE_BOUND, BeforeValidator(whole_text_within(10))]
"""An int of up to 10 digits: Folio, CantBultos."""
Rate = Annotated[Decimal, _NUMBER_BOUND, BeforeValidator(decimal_text_within(5, 2))]
"""A rate or percentage: 5 digits, 2 of them decimals (TasaIVA, TasaImp, DescuentoPct...)."""
Measure = Annotated[Decimal, _NUMBER_BOUND, BeforeValidator(decimal_text_within(18, 6))]
"""A line's quantity or price: 18 digits, 6 of them decimals (QtyItem, PrcItem...)."""
ForeignAmount = Annotated[Decimal, _NUMBER_BOUND, BeforeValidator(decimal_text_within(18, 4))]
"""An amount in an export's currency: 18 digits, 4 of them decimals."""
Cents = Annotated[Decimal, _NUMBER_BOUND, BeforeValidator(decimal_text_within(18, 2))]
"""An amount with up to 2 decimals: ValorDR, TotClauVenta."""
Weight = Annotated[Decimal, _NUMBER_BOUND, BeforeValidator(decimal_text_within(10, 2))]
"""A weight: 10 digits, 2 of them decimals (PesoBruto, PesoNeto)."""
ExchangeRate = Annotated[Decimal, _NUMBER_BOUND, BeforeValidator(decimal_text_within(10, 4))]
"""TpoCambio: 10 digits, 4 of them decimals."""

Amount = Annotated[Whole | Number, BeforeValidator(decimal_text_within(18, 4))]
"""MontoItem, MntExe and MntTotal: whole pesos (``int``), but an export's are in the sale's
currency, with decimals (``Decimal``, 4 at most). Read from XML, a Documento's decimals are
refused (``haulmer.dte.reading.reading_problems``)."""

# The same types with a field's lower bound beside the others, so pydantic checks it in its own
# code: written on the field (``ge=0``), after the text check, it is one more Python validator.
_AT_LEAST_0 = Field(ge=0, lt=WHOLE_LIMIT)
_AT_LEAST_1 = Field(ge=1, lt=WHOLE_LIMIT)
_NOT_NEGATIVE = Field(ge=0, lt=NUMBER_LIMIT)
_ABOVE_0 = Field(gt=0, lt=NUMBER_LIMIT)
NonNegativeWhole = Annotated[int, _AT_LEAST_0, BeforeValidator(whole_text)]
"""A :data:`Whole` of 0 or more: amounts in pesos (MntNeto, IVA, DescuentoMonto...)."""
PositiveWhole = Annotated[int, _AT_LEAST_1, BeforeValidator(whole_text)]
"""A :data:`Whole` of 1 or more: line numbers and counts (NroLinDet, TotItems...)."""
PositiveWhole2 = Annotated[int, _AT_LEAST_1, BeforeValidator(whole_text_within(2))]
"""A :data:`Whole2` of 1 or more: the Aduana's codes of sale, clause, transport and units."""
PositiveWhole3 = Annotated[int, _AT_LEAST_1, BeforeValidator(whole_text_within(3))]
"""A :data:`Whole3` of 1 or more: country codes, CodTpoBultos."""
PositiveWhole4 = Annotated[int, _AT_LEAST_1, BeforeValidator(whole_text_within(4))]
"""A :data:`Whole4` of 1 or more: the Aduana's port codes."""
PositiveWhole6 = Annotated[int, _AT_LEAST_1, BeforeValidator(whole_text_within(6))]
"""A :data:`Whole6` of 1 or more: FolioTicket, ManejoMadera's rol numbers."""
PositiveWhole7 = Annotated[int, _AT_LEAST_1, BeforeValidator(whole_text_within(7))]
"""A :data:`Whole7` of 1 or more: Tara."""
NonNegativeWhole10 = Annotated[int, _AT_LEAST_0, BeforeValidator(whole_text_within(10))]
"""A :data:`Whole10` of 0 or more: Folio."""
PositiveWhole10 = Annotated[int, _AT_LEAST_1, BeforeValidator(whole_text_within(10))]
"""A :data:`Whole10` of 1 or more: CantBultos."""
NonNegativeRate = Annotated[Decimal, _NOT_NEGATIVE, BeforeValidator(decimal_text_within(5, 2))]
"""A :data:`Rate` of 0 or more: TasaComision."""
PositiveRate = Annotated[Decimal, _ABOVE_0, BeforeValidator(decimal_text_within(5, 2))]
"""A :data:`Rate` above 0: DescuentoPct, RecargoPct."""
NonNegativeMeasure = Annotated[Decimal, _NOT_NEGATIVE, BeforeValidator(decimal_text_within(18, 6))]
"""A :data:`Measure` of 0 or more: PrcItem."""
PositiveMeasure = Annotated[Decimal, _ABOVE_0, BeforeValidator(decimal_text_within(18, 6))]
"""A :data:`Measure` above 0: QtyItem, QtyRef, PrcRef."""
NonNegativeForeignAmount = Annotated[
    Decimal, _NOT_NEGATIVE, BeforeValidator(decimal_text_within(18, 4))
]
"""A :data:`ForeignAmount` of 0 or more: MntExeOtrMnda, MntTotOtrMnda."""
PositiveForeignAmount = Annotated[Decimal, _ABOVE_0, BeforeValidator(decimal_text_within(18, 4))]
"""A :data:`ForeignAmount` above 0: MntFlete, MntSeguro."""
PositiveCents = Annotated[Decimal, _ABOVE_0, BeforeValidator(decimal_text_within(18, 2))]
"""A :data:`Cents` above 0: ValorDR, TotClauVenta."""
NonNegativeWeight = Annotated[Decimal, _NOT_NEGATIVE, BeforeValidator(decimal_text_within(10, 2))]
"""A :data:`Weight` of 0 or more: PesoBruto, PesoNeto."""
PositiveExchangeRate = Annotated[Decimal, _ABOVE_0, BeforeValidator(decimal_text_within(10, 4))]
"""An :data:`ExchangeRate` above 0: TpoCambio."""

_DATE: Final = date
"""datetime's own date class, kept at import (freezegun swaps the module's)."""


def _day(value: Any) -> Any:
    """A date field's value as its day in Chile (an aware datetime converted, text only as
    YYYY-MM-DD): pydantic would read a number as seconds since 1970 and refuse a datetime with a
    time of day in words that do not say what to pass."""
    if value.__class__ is str and len(value) == 10 and value[4] == "-" == value[7]:
        with contextlib.suppress(ValueError):  # the usual text, read at once; else worded below
            return _DATE.fromisoformat(value)
    if isinstance(value, (date, str, int, float, Decimal)):
        return chile_date(value)
    return value


Day = Annotated[date, BeforeValidator(_day)]
"""A date of the document (FchEmis, FchVenc...): a ``datetime.date`` or ``'YYYY-MM-DD'``."""

_HOUR: Final = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]")


def _hour(value: Any) -> Any:
    """A time of day as the SII's HoraType writes it (HH:MM:SS, 00:00:00 to 23:59:59): any other
    text would be issued and then fail the SII's schema."""
    if isinstance(value, time) and value.tzinfo is None:
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, str) and _HOUR.fullmatch(value):
        return value
    shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
    raise ValueError(
        f"{shown} is no time of day written HH:MM:SS (00:00:00 to 23:59:59): give e.g. "
        "'08:30:00' or a naive datetime.time"
    )


Hour = Annotated[str, BeforeValidator(_hour)]
"""A time of day (HraSalida): ``'HH:MM:SS'`` or a naive ``datetime.time``."""


def _moment(value: Any) -> Any:
    """A date and time of the document (xs:dateTime) as naive Chilean local time to the second,
    as the SII writes TSTED and TmstFirma: an aware datetime converted, a naive one taken as
    Chilean time, text only as an xs:dateTime (``2026-04-04T20:30:00``, a zone converted)."""
    if isinstance(value, datetime):
        try:
            return to_chile(value)
        except OverflowError:  # year 1 UTC is year 0 in Chile: no datetime holds it
            raise ValueError(
                f"{value.isoformat()} falls before year 1 or after 9999 in Chilean time; give "
                "the date and time of the document"
            ) from None
    if isinstance(value, str):
        read = read_timestamp(value)
        if read is not None:
            return to_chile(read)
        raise ValueError(
            f"{value[:40]!r} is no date and time written YYYY-MM-DDTHH:MM:SS (Chilean local "
            "time, e.g. '2026-04-04T20:30:00'); give that text or a datetime.datetime"
        )
    raise ValueError(
        "a date and time must be a datetime.datetime (naive Chilean local time, or aware) or "
        f"its text YYYY-MM-DDTHH:MM:SS, not {type(value).__name__}"
    )


Moment = Annotated[datetime, BeforeValidator(_moment)]
"""A date and time (InfoTicket's FchGenera, FchEvento): naive Chilean local time to the second;
an aware ``datetime`` or an xs:dateTime with a zone is converted to it."""


def _alias(sii: str, *others: str) -> Any:
    """Serialize as the SII name ``sii``; also accept ``others`` (the boleta spellings)."""
    return Field(default=None, alias=sii, validation_alias=AliasChoices(sii, *others))


def _code_text(value: Any) -> Any:
    """Codes the SII writes as text but users pass as ints or enums: 33, DTEType.FACTURA, "801"."""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


_Section = TypeVar("_Section", bound=SiiModel)


def _holds_a_value(section: SiiModel) -> bool:
    """Whether any field of ``section`` holds something other than None or an empty list."""
    return any(value is not None and value != [] for value in section.__dict__.values())


def _none_when_empty(section: _Section | None) -> _Section | None:
    """An optional section holding no value is no value, as blank optional text is: the XML
    would write it as an empty element (``<Transporte></Transporte>``), which reads back as
    None, and tells the SII nothing."""
    return section if section is None or _holds_a_value(section) else None


def _without_empty(sections: list[_Section]) -> list[_Section]:
    """``sections`` without those holding no value (``TipoBultos=[{}]``), which the XML would
    write as empty elements that read back as nothing."""
    if all(_holds_a_value(section) for section in sections):
        return sections
    return [section for section in sections if _holds_a_value(section)]


_NO_EMPTY_SECTION: Final = AfterValidator(_none_when_empty)
"""An optional section's validator: one holding no value becomes None."""
_NO_EMPTY_SECTIONS: Final = AfterValidator(_without_empty)
"""A list of sections' validator: the sections holding no value are left out."""


# -- Encabezado / IdDoc ---------------------------------------------------------------------------


class MntPago(SiiModel):
    """One instalment of a credit sale (IdDoc/MntPagos)."""

    fecha: Day = Field(alias="FchPago")
    monto: NonNegativeWhole = Field(alias="MntPago")
    glosa: str | None = Field(default=None, alias="GlosaPagos")


class IdDoc(SiiModel):
    """Identification: type, folio, date and the payment and dispatch indicators."""

    tipo_dte: DTEType = Field(alias="TipoDTE")
    folio: NonNegativeWhole10 = Field(default=0, alias="Folio")
    """0 while unassigned: OpenFactura assigns it; local stamping needs the CAF's folio."""
    fecha_emision: Day = Field(alias="FchEmis")
    ind_no_rebaja: Whole | None = Field(default=None, alias="IndNoRebaja")
    tipo_despacho: Whole | None = Field(default=None, alias="TipoDespacho")
    """Guías: 1 por cuenta del receptor, 2 del emisor a instalaciones del cliente, 3 a otras."""
    ind_traslado: Whole | None = Field(default=None, alias="IndTraslado")
    """Guías 1..9: 1 operación constituye venta, 5 traslado interno, 7 guía de devolución..."""
    tpo_impresion: str | None = Field(default=None, alias="TpoImpresion")
    ind_servicio: Whole | None = Field(default=None, alias="IndServicio")
    """Facturas 1..3; boletas 1..4 (3 = ventas y servicios, the usual retail value)."""
    mnt_bruto: Whole | None = Field(default=None, alias="MntBruto")
    """1 = line prices include IVA (facturas and notes)."""
    ind_mnt_neto: Whole | None = Field(default=None, alias="IndMntNeto")
    """Boletas only: 2 = line prices are net (boleta prices are gross by default)."""
    tpo_tran_compra: Whole | None = Field(default=None, alias="TpoTranCompra")
    tpo_tran_venta: Whole | None = Field(default=None, alias="TpoTranVenta")
    forma_pago: Whole | None = Field(default=None, alias="FmaPago")
    """1 contado, 2 crédito, 3 sin costo."""
    fma_pag_exp: Whole2 | None = Field(default=None, alias="FmaPagExp")
    fecha_cancelacion: Day | None = Field(default=None, alias="FchCancel")
    monto_cancelado: NonNegativeWhole | None = Field(default=None, alias="MntCancel")
    saldo_insoluto: NonNegativeWhole | None = Field(default=None, alias="SaldoInsol")
    pagos: list[MntPago] = Field(default_factory=list, alias="MntPagos")
    periodo_desde: Day | None = Field(default=None, alias="PeriodoDesde")
    periodo_hasta: Day | None = Field(default=None, alias="PeriodoHasta")
    medio_pago: str | None = Field(default=None, alias="MedioPago")
    """Facturas: CH, LT, EF, PE, TC, CF, OT. Boletas: a code 1..5."""
    tpo_cta_pago: str | None = Field(default=None, alias="TpoCtaPago")
    num_cta_pago: str | None = Field(default=None, alias="NumCtaPago")
    banco_pago: str | None = Field(default=None, alias="BcoPago")
    term_pago_codigo: str | None = Field(default=None, alias="TermPagoCdg")
    term_pago_glosa: str | None = Field(default=None, alias="TermPagoGlosa")
    term_pago_dias: Whole3 | None = Field(default=None, alias="TermPagoDias")
    fecha_vencimiento: Day | None = Field(default=None, alias="FchVenc")
    tipo_fact_esp: Whole1 | None = Field(default=None, alias="TipoFactEsp")
    """1: a factura de venta of a special kind the SII authorises (its TipoFactEsp)."""

    @field_validator("medio_pago", mode="before")
    @classmethod
    def _medio_pago_text(cls, value: Any) -> Any:
        return _code_text(value)


# -- Emisor / Receptor ----------------------------------------------------------------------------


class GuiaExport(SiiModel):
    """Emisor/GuiaExport: the customs transfer code of an export guía."""

    cdg_traslado: Whole1 | None = Field(default=None, alias="CdgTraslado")
    folio_aut: Whole6 | None = Field(default=None, alias="FolioAut")
    fecha_aut: Day | None = Field(default=None, alias="FchAut")


class Emisor(SiiModel):
    """The issuer. Boletas print RznSoc/GiroEmis as RznSocEmisor/GiroEmisor (both accepted)."""

    rut: Rut = Field(alias="RUTEmisor")
    razon_social: str | None = _alias("RznSoc", "RznSocEmisor", "razon_social")
    giro: str | None = _alias("GiroEmis", "GiroEmisor", "giro")
    telefonos: list[str] = Field(default_factory=list, alias="Telefono")
    correo: str | None = Field(default=None, alias="CorreoEmisor")
    actecos: list[Whole6] = Field(default_factory=list, alias="Acteco")
    """Códigos de actividad económica (1 to 4, six digits); required on facturas and notes. One
    code alone (``620200``, as OpenFactura writes it) is read as a list of one."""
    guia_export: Annotated[GuiaExport | None, _NO_EMPTY_SECTION] = Field(
        default=None, alias="GuiaExport"
    )
    sucursal: str | None = Field(default=None, alias="Sucursal")
    cdg_sii_sucur: Whole9 | None = Field(default=None, alias="CdgSIISucur")
    cod_adic_sucur: str | None = Field(default=None, alias="CodAdicSucur")
    """Exports only: an additional code of the branch."""
    direccion: str | None = Field(default=None, alias="DirOrigen")
    comuna: str | None = Field(default=None, alias="CmnaOrigen")
    ciudad: str | None = Field(default=None, alias="CiudadOrigen")
    cdg_vendedor: str | None = Field(default=None, alias="CdgVendedor")
    id_adic_emisor: str | None = Field(default=None, alias="IdAdicEmisor")
    proveedor_rut: Rut | None = Field(default=None, alias="RUTProveedor")
    """Not on exports nor boletas: the supplier's RUT when another issues in its name."""
    proveedor: str | None = Field(default=None, alias="RznSocProveedor")
    """The supplier's razón social (RznSocProveedor)."""

    @field_validator("actecos", mode="before")
    @classmethod
    def _one_acteco(cls, value: Any) -> Any:
        # One code alone stands for the list of one, as OpenFactura writes it ("Acteco": 620200).
        if isinstance(value, str | int) and not isinstance(value, bool):
            return [value]
        return value

    @field_validator("telefonos", mode="before")
    @classmethod
    def _phones(cls, value: Any) -> Any:
        # A blank phone is no phone, as blank optional text is no value: the XML writes none.
        if isinstance(value, str | int):
            value = [value]
        if isinstance(value, list):
            return [
                str(v) if isinstance(v, int) else v
                for v in value
                if not (isinstance(v, str) and not v.strip())
            ]
        return value


class Extranjero(SiiModel):
    """Receptor/Extranjero: a foreign receptor's id and nationality."""

    num_id: str | None = Field(default=None, alias="NumId")
    nacionalidad: str | None = Field(default=None, alias="Nacionalidad")
    tipo_doc_id: Whole | None = Field(default=None, alias="TipoDocID")
    """Not on exports (their Extranjero has IdAdicRecep instead)."""
    id_adic_recep: str | None = Field(default=None, alias="IdAdicRecep")
    """Exports only: an additional id of the foreign receptor."""

    @field_validator("nacionalidad", "num_id", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _code_text(value)


class Receptor(SiiModel):
    """The receptor (customer). Boletas may use the generic RUT 66666666-6."""

    rut: Rut = Field(alias="RUTRecep")
    cdg_int_recep: str | None = Field(default=None, alias="CdgIntRecep")
    razon_social: str | None = Field(default=None, alias="RznSocRecep")
    extranjero: Annotated[Extranjero | None, _NO_EMPTY_SECTION] = Field(
        default=None, alias="Extranjero"
    )
    giro: str | None = Field(default=None, alias="GiroRecep")
    contacto: str | None = Field(default=None, alias="Contacto")
    correo: str | None = Field(default=None, alias="CorreoRecep")
    telefono: str | None = Field(default=None, alias="TelefonoRecep")
    """Boletas only (EnvioBOLETA has TelefonoRecep; the DTE schema has none)."""
    direccion: str | None = Field(default=None, alias="DirRecep")
    comuna: str | None = Field(default=None, alias="CmnaRecep")
    ciudad: str | None = Field(default=None, alias="CiudadRecep")
    dir_postal: str | None = Field(default=None, alias="DirPostal")
    cmna_postal: str | None = Field(default=None, alias="CmnaPostal")
    ciudad_postal: str | None = Field(default=None, alias="CiudadPostal")

    @field_validator("telefono", mode="before")
    @classmethod
    def _phone(cls, value: Any) -> Any:
        return _code_text(value)


# -- Transporte -----------------------------------------------------------------------------------


class Chofer(SiiModel):
    """Transporte/Chofer: the driver of a guía de despacho."""

    rut: Rut = Field(alias="RUTChofer")
    nombre: str = Field(alias="NombreChofer")


class TipoBultos(SiiModel):
    """Aduana/TipoBultos: one kind of package (Aduana code), how many, marks and container."""

    cod_tpo_bultos: PositiveWhole3 | None = Field(default=None, alias="CodTpoBultos")
    cant_bultos: PositiveWhole10 | None = Field(default=None, alias="CantBultos")
    marcas: str | None = Field(default=None, alias="Marcas")
    id_container: str | None = Field(default=None, alias="IdContainer")
    sello: str | None = Field(default=None, alias="Sello")
    emisor_sello: str | None = Field(default=None, alias="EmisorSello")


class Aduana(SiiModel):
    """Transporte/Aduana: the customs data of an export (Aduana's codes, ints or the enums of
    ``haulmer.dte.exports``); amounts and weights are ``Decimal``."""

    cod_mod_venta: PositiveWhole2 | None = Field(default=None, alias="CodModVenta")
    """``ModalidadVenta``: 1 a firme, 2 bajo condición, 9 sin pago..."""
    cod_clau_venta: PositiveWhole2 | None = Field(default=None, alias="CodClauVenta")
    """``ClausulaVenta`` (Incoterm): 1 CIF, 2 CFR, 3 EXW, 5 FOB..."""
    tot_clau_venta: PositiveCents | None = Field(default=None, alias="TotClauVenta")
    """The value of the sale under the clause, in the document's currency (2 decimals)."""
    cod_via_transp: PositiveWhole2 | None = Field(default=None, alias="CodViaTransp")
    """``ViaTransporte``: 1 marítima, 4 aérea, 7 carretera..."""
    nombre_transp: str | None = Field(default=None, alias="NombreTransp")
    rut_cia_transp: Rut | None = Field(default=None, alias="RUTCiaTransp")
    nom_cia_transp: str | None = Field(default=None, alias="NomCiaTransp")
    id_adic_transp: str | None = Field(default=None, alias="IdAdicTransp")
    booking: str | None = Field(default=None, alias="Booking")
    operador: str | None = Field(default=None, alias="Operador")
    cod_pto_embarque: PositiveWhole4 | None = Field(default=None, alias="CodPtoEmbarque")
    id_adic_pto_emb: str | None = Field(default=None, alias="IdAdicPtoEmb")
    cod_pto_desemb: PositiveWhole4 | None = Field(default=None, alias="CodPtoDesemb")
    id_adic_pto_desemb: str | None = Field(default=None, alias="IdAdicPtoDesemb")
    tara: PositiveWhole7 | None = Field(default=None, alias="Tara")
    cod_unid_med_tara: PositiveWhole2 | None = Field(default=None, alias="CodUnidMedTara")
    peso_bruto: NonNegativeWeight | None = Field(default=None, alias="PesoBruto")
    cod_unid_peso_bruto: PositiveWhole2 | None = Field(default=None, alias="CodUnidPesoBruto")
    peso_neto: NonNegativeWeight | None = Field(default=None, alias="PesoNeto")
    cod_unid_peso_neto: PositiveWhole2 | None = Field(default=None, alias="CodUnidPesoNeto")
    tot_items: PositiveWhole | None = Field(default=None, alias="TotItems")
    tot_bultos: PositiveWhole | None = Field(default=None, alias="TotBultos")
    tipo_bultos: Annotated[list[TipoBultos], _NO_EMPTY_SECTIONS] = Field(
        default_factory=list, alias="TipoBultos"
    )
    mnt_flete: PositiveForeignAmount | None = Field(default=None, alias="MntFlete")
    mnt_seguro: PositiveForeignAmount | None = Field(default=None, alias="MntSeguro")
    cod_pais_recep: PositiveWhole3 | None = Field(default=None, alias="CodPaisRecep")
    """Aduana's country code of the receptor (225 Estados Unidos, 342 Hong Kong...)."""
    cod_pais_destin: PositiveWhole3 | None = Field(default=None, alias="CodPaisDestin")


class Transporte(SiiModel):
    """Where goods go (guías de despacho mostly): vehicle, carrier, driver, destination; and the
    customs data of an export (Aduana)."""

    patente: str | None = Field(default=None, alias="Patente")
    patente_carro: str | None = Field(default=None, alias="PatenteCarro")
    rut_transportista: Rut | None = Field(default=None, alias="RUTTrans")
    chofer: Chofer | None = Field(default=None, alias="Chofer")
    direccion_destino: str | None = Field(default=None, alias="DirDest")
    comuna_destino: str | None = Field(default=None, alias="CmnaDest")
    ciudad_destino: str | None = Field(default=None, alias="CiudadDest")
    aduana: Annotated[Aduana | None, _NO_EMPTY_SECTION] = Field(default=None, alias="Aduana")
    fecha_salida: Day | None = Field(default=None, alias="FchSalida")
    """Not on exports: the day the goods leave."""
    hora_salida: Hour | None = Field(default=None, alias="HraSalida")
    """``HH:MM:SS``, the hour the goods leave."""
    fecha_llegada: Day | None = Field(default=None, alias="FchLlegada")


# -- Totales --------------------------------------------------------------------------------------


class ImptoReten(SiiModel):
    """An additional tax or a retención (Totales/ImptoReten): code, rate, amount."""

    tipo: str = Field(alias="TipoImp")
    tasa: Rate | None = Field(default=None, alias="TasaImp")
    monto: Whole = Field(alias="MontoImp")

    @field_validator("tipo", mode="before")
    @classmethod
    def _tipo_text(cls, value: Any) -> Any:
        return _code_text(value)


class ComisionesTotales(SiiModel):
    """Totales/Comisiones of a liquidación-factura: the commissions and other charges deducted,
    summed (negative values are refunds)."""

    val_com_neto: Whole | None = Field(default=None, alias="ValComNeto")
    val_com_exe: Whole | None = Field(default=None, alias="ValComExe")
    val_com_iva: Whole | None = Field(default=None, alias="ValComIVA")


class Totales(SiiModel):
    """The document's totals. ``haulmer.dte.totals.compute_totals`` derives them from the lines.

    Exports have TpoMoneda, MntExe and MntTotal only, in that currency (``Decimal``).
    """

    tpo_moneda: Moneda | None = Field(default=None, alias="TpoMoneda")
    """Exports only: the currency of every amount of the document."""
    mnt_neto: NonNegativeWhole | None = Field(default=None, alias="MntNeto")
    mnt_exe: Amount | None = Field(default=None, alias="MntExe", ge=0)
    mnt_base: NonNegativeWhole | None = Field(default=None, alias="MntBase")
    mnt_margen_com: NonNegativeWhole | None = Field(default=None, alias="MntMargenCom")
    tasa_iva: Rate | None = Field(default=None, alias="TasaIVA")
    iva: NonNegativeWhole | None = Field(default=None, alias="IVA")
    iva_prop: NonNegativeWhole | None = Field(default=None, alias="IVAProp")
    iva_terc: NonNegativeWhole | None = Field(default=None, alias="IVATerc")
    impto_reten: list[ImptoReten] = Field(default_factory=list, alias="ImptoReten")
    iva_no_ret: NonNegativeWhole | None = Field(default=None, alias="IVANoRet")
    cred_ec: NonNegativeWhole | None = Field(default=None, alias="CredEC")
    grnt_dep: NonNegativeWhole | None = Field(default=None, alias="GrntDep")
    comisiones: Annotated[ComisionesTotales | None, _NO_EMPTY_SECTION] = Field(
        default=None, alias="Comisiones"
    )
    """Liquidación-factura (43): the commissions deducted from MntTotal."""
    mnt_total: Amount = Field(alias="MntTotal", ge=0)
    monto_nf: Whole | None = Field(default=None, alias="MontoNF")
    """Monto no facturable: lines with IndExe 2 (and 6, negative, on boletas)."""
    monto_periodo: Whole | None = _alias("MontoPeriodo", "TotalPeriodo", "monto_periodo")
    """Total del período (MntTotal + MontoNF); boletas call it TotalPeriodo."""
    saldo_anterior: Whole | None = Field(default=None, alias="SaldoAnterior")
    vlr_pagar: Whole | None = Field(default=None, alias="VlrPagar")


class ImpRetOtrMnda(SiiModel):
    """OtraMoneda/ImpRetOtrMnda: an additional tax or retención restated in the other currency."""

    tipo: str = Field(alias="TipoImpOtrMnda")
    tasa: Rate | None = Field(default=None, alias="TasaImpOtrMnda")
    valor: NonNegativeForeignAmount = Field(alias="VlrImpOtrMnda")

    @field_validator("tipo", mode="before")
    @classmethod
    def _tipo_text(cls, value: Any) -> Any:
        return _code_text(value)


class OtraMoneda(SiiModel):
    """The totals restated in another currency (usually PESO CL) at TpoCambio: exports, and
    Documentos that carry it (their amounts as written, not computed)."""

    tpo_moneda: Moneda = Field(alias="TpoMoneda")
    tpo_cambio: PositiveExchangeRate | None = Field(default=None, alias="TpoCambio")
    """Units of this currency per unit of the document's (1000 pesos per dólar: 1000)."""
    mnt_neto_otr_mnda: NonNegativeForeignAmount | None = Field(default=None, alias="MntNetoOtrMnda")
    mnt_exe_otr_mnda: NonNegativeForeignAmount | None = Field(default=None, alias="MntExeOtrMnda")
    mnt_fae_carne_otr_mnda: NonNegativeForeignAmount | None = Field(
        default=None, alias="MntFaeCarneOtrMnda"
    )
    mnt_marg_com_otr_mnda: NonNegativeForeignAmount | None = Field(
        default=None, alias="MntMargComOtrMnda"
    )
    iva_otr_mnda: NonNegativeForeignAmount | None = Field(default=None, alias="IVAOtrMnda")
    imp_ret_otr_mnda: list[ImpRetOtrMnda] = Field(default_factory=list, alias="ImpRetOtrMnda")
    iva_no_ret_otr_mnda: NonNegativeForeignAmount | None = Field(
        default=None, alias="IVANoRetOtrMnda"
    )
    mnt_tot_otr_mnda: NonNegativeForeignAmount | None = Field(default=None, alias="MntTotOtrMnda")
    """Required in the XML; computed from TpoCambio when left out."""


# -- Encabezado -----------------------------------------------------------------------------------


class Encabezado(SiiModel):
    """The header: IdDoc, Emisor, Receptor, Transporte and Totales (computed when left out)."""

    id_doc: IdDoc = Field(alias="IdDoc")
    emisor: Emisor = Field(alias="Emisor")
    rut_mandante: Rut | None = Field(default=None, alias="RUTMandante")
    receptor: Receptor = Field(alias="Receptor")
    rut_solicita: Rut | None = Field(default=None, alias="RUTSolicita")
    rut_prov_sw: Rut | None = Field(default=None, alias="RUTProvSW")
    """Boletas only: the RUT of the software provider."""
    transporte: Annotated[Transporte | None, _NO_EMPTY_SECTION] = Field(
        default=None, alias="Transporte"
    )
    totales: Totales | None = Field(default=None, alias="Totales")
    otra_moneda: OtraMoneda | None = Field(default=None, alias="OtraMoneda")
    """Exports: the totals in another currency (computed from TpoCambio by the builders)."""


# -- Detalle --------------------------------------------------------------------------------------


class CdgItem(SiiModel):
    """An item code: its codification (``INT1``, ``EAN13``, ``PLU``...) and value."""

    tipo: str = Field(alias="TpoCodigo")
    valor: str = Field(alias="VlrCodigo")

    @field_validator("valor", mode="before")
    @classmethod
    def _valor_text(cls, value: Any) -> Any:
        return _code_text(value)


class Retenedor(SiiModel):
    """Detalle/Retenedor: the line is subject to retention by the issuer acting as agent."""

    ind_agente: Literal["R"] = Field(default="R", alias="IndAgente")
    mnt_base_faena: NonNegativeWhole | None = Field(default=None, alias="MntBaseFaena")
    mnt_margen_comer: NonNegativeWhole | None = Field(default=None, alias="MntMargComer")
    prc_cons_final: NonNegativeWhole | None = Field(default=None, alias="PrcConsFinal")


class Subcantidad(SiiModel):
    """Detalle/Subcantidad: part of the line's quantity and the code (lot, serial) it is of."""

    cantidad: PositiveMeasure = Field(alias="SubQty")
    codigo: str = Field(alias="SubCod")
    tipo_codigo: str | None = Field(default=None, alias="TipCodSubQty")
    """Exports only: the kind of code SubCod is."""

    @field_validator("codigo", mode="before")
    @classmethod
    def _codigo_text(cls, value: Any) -> Any:
        return _code_text(value)


class InfoTicket(SiiModel):
    """Detalle/InfoTicket: the ticket a show boleta's line sells (event, date, place, seat)."""

    folio_ticket: PositiveWhole6 = Field(alias="FolioTicket")
    fecha_generacion: Moment = Field(alias="FchGenera")
    """When the ticket was made (Chilean local time)."""
    nombre_evento: str = Field(alias="NmbEvento")
    tipo_ticket: str = Field(alias="TpoTicket")
    codigo_evento: str = Field(alias="CdgEvento")
    fecha_evento: Moment = Field(alias="FchEvento")
    """When the event takes place (Chilean local time)."""
    lugar_evento: str = Field(alias="LugarEvento")
    ubicacion: str = Field(alias="UbicEvento")
    """The seat's area (platea, galería...)."""
    fila: str | None = Field(default=None, alias="FilaUbicEvento")
    asiento: str | None = Field(default=None, alias="AsntoUbicEvento")

    @field_validator("tipo_ticket", "codigo_evento", "ubicacion", "fila", "asiento", mode="before")
    @classmethod
    def _codes_text(cls, value: Any) -> Any:
        return _code_text(value)


class OtrMnda(SiiModel):
    """Detalle/OtrMnda: the line's price and amounts in another currency (informative)."""

    precio: PositiveMeasure = Field(alias="PrcOtrMon")
    """The unit price in that currency (an export's has 4 decimals at most)."""
    moneda: str = Field(alias="Moneda")
    """The currency's code, 3 characters at most (``USD``)."""
    factor_conversion: PositiveExchangeRate | None = Field(default=None, alias="FctConv")
    """Pesos (an export: units of its currency) per unit of that currency."""
    descuento: PositiveForeignAmount | None = Field(default=None, alias="DctoOtrMnda")
    recargo: PositiveForeignAmount | None = Field(default=None, alias="RecargoOtrMnda")
    monto_item: PositiveForeignAmount | None = Field(default=None, alias="MontoItemOtrMnda")
    """Required on exports."""


class SubDscto(SiiModel):
    """Detalle/SubDscto: one part of a line's discount, in percent (``%``) or pesos (``$``)."""

    tipo: Literal["%", "$"] = Field(alias="TipoDscto")
    valor: PositiveCents = Field(alias="ValorDscto")


class SubRecargo(SiiModel):
    """Detalle/SubRecargo: one part of a line's surcharge, in percent (``%``) or pesos (``$``)."""

    tipo: Literal["%", "$"] = Field(alias="TipoRecargo")
    valor: PositiveCents = Field(alias="ValorRecargo")


class Detalle(SiiModel):
    """One line: name, quantity x price, line discount/surcharge, exemption, MontoItem.

    ``monto_item`` left as None is computed (qty x price rounded half up, minus discount, plus
    surcharge); ``descuento_monto``/``recargo_monto`` are derived from the percentages likewise.
    """

    nro_lin_det: PositiveWhole | None = Field(default=None, alias="NroLinDet")
    codigos: list[CdgItem] = Field(default_factory=list, alias="CdgItem")
    tpo_doc_liq: str | None = Field(default=None, alias="TpoDocLiq")
    """Liquidación-factura (43) only: the type of the document liquidated (33, 34, 39...)."""
    ind_exe: Whole | None = Field(default=None, alias="IndExe")
    """1 exento o no afecto, 2 no facturable (goes to MontoNF), 6 no facturable negativo."""
    retenedor: Retenedor | None = Field(default=None, alias="Retenedor")
    item_espectaculo: str | None = Field(default=None, alias="ItemEspectaculo")
    """Boletas of shows only: ``"01"`` a ticket, ``"02"`` another item of the show, as written."""
    rut_mandante: Rut | None = Field(default=None, alias="RUTMandante")
    """Boletas only: the RUT of the principal the line is sold for."""
    nombre: str = Field(alias="NmbItem")
    info_ticket: InfoTicket | None = Field(default=None, alias="InfoTicket")
    """Boletas of shows only: the ticket the line sells."""
    descripcion: str | None = Field(default=None, alias="DscItem")
    cantidad_ref: PositiveMeasure | None = Field(default=None, alias="QtyRef")
    unidad_ref: str | None = Field(default=None, alias="UnmdRef")
    precio_ref: PositiveMeasure | None = Field(default=None, alias="PrcRef")
    cantidad: PositiveMeasure | None = Field(default=None, alias="QtyItem")
    subcantidades: list[Subcantidad] = Field(default_factory=list, alias="Subcantidad")
    """Up to 5 parts of the quantity, each with its code (a lot, a serial number...)."""
    fecha_elaboracion: Day | None = Field(default=None, alias="FchElabor")
    fecha_vencimiento: Day | None = Field(default=None, alias="FchVencim")
    unidad: str | None = Field(default=None, alias="UnmdItem")
    precio: NonNegativeMeasure | None = Field(default=None, alias="PrcItem")
    """Unit price; 0 is read as no price (the SII admits none)."""
    otra_moneda: OtrMnda | None = Field(default=None, alias="OtrMnda")
    """The price and amounts in another currency, as given (not computed)."""
    descuento_pct: PositiveRate | None = Field(default=None, alias="DescuentoPct")
    descuento_monto: NonNegativeWhole | None = Field(default=None, alias="DescuentoMonto")
    sub_dscto: list[SubDscto] = Field(default_factory=list, alias="SubDscto")
    """Up to 5 parts of the discount (informative: the SII states no sum they must make)."""
    recargo_pct: PositiveRate | None = Field(default=None, alias="RecargoPct")
    recargo_monto: NonNegativeWhole | None = Field(default=None, alias="RecargoMonto")
    sub_recargo: list[SubRecargo] = Field(default_factory=list, alias="SubRecargo")
    """Up to 5 parts of the surcharge (informative, as SubDscto)."""
    cod_imp_adic: list[str] = Field(default_factory=list, alias="CodImpAdic")
    """Up to two additional-tax or retención codes (``"24"`` licores, ``"15"`` IVA retenido)."""
    monto_item: Amount | None = Field(default=None, alias="MontoItem", ge=0)
    """Pesos; on exports, the document's currency (``Decimal``, up to 4 decimals)."""

    @field_validator("tpo_doc_liq", mode="before")
    @classmethod
    def _tpo_doc_liq_text(cls, value: Any) -> Any:
        return _code_text(value)

    @field_validator("item_espectaculo", mode="before")
    @classmethod
    def _item_espectaculo_text(cls, value: Any) -> Any:
        """A whole number as the SII's two-digit code (1 -> ``"01"``); text is kept as written."""
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 100:
            return f"{value:02d}"
        return _code_text(value)

    @field_validator("cod_imp_adic", mode="before")
    @classmethod
    def _codes_text(cls, value: Any) -> Any:
        if isinstance(value, str | int | Enum):
            value = [value]
        if isinstance(value, list | tuple):
            return [_code_text(v) for v in value]
        return value

    @field_validator("precio", mode="before")
    @classmethod
    def _no_price(cls, value: Any) -> Any:
        # The SII admits no zero PrcItem (minimum 0.000001): a free item or a corrige-texto line
        # has no price. Some producers write PrcItem false for that.
        if value is False:
            return None
        if isinstance(value, int | float | Decimal | str) and not isinstance(value, bool):
            try:
                if Decimal(str(value).strip()) == 0:
                    return None
            except ArithmeticError:
                return value
        return value


# -- SubTotInfo ----------------------------------------------------------------------------------


class SubTotInfo(SiiModel):
    """An informative subtotal (SubTotInfo): a label, its amounts and the lines it adds up.

    Printed as given; nothing is computed from it and it changes no total.
    """

    nro_sti: PositiveWhole = Field(alias="NroSTI")
    """Its number, 1 to 20 (99 on all but boletas)."""
    glosa: str | None = Field(default=None, alias="GlosaSTI")
    """Its label; required but on boletas."""
    orden: PositiveWhole | None = Field(default=None, alias="OrdenSTI")
    """Where it is printed among the lines."""
    sub_tot_neto: PositiveCents | None = Field(default=None, alias="SubTotNetoSTI")
    sub_tot_iva: PositiveCents | None = Field(default=None, alias="SubTotIVASTI")
    sub_tot_adic: PositiveCents | None = Field(default=None, alias="SubTotAdicSTI")
    sub_tot_exe: PositiveCents | None = Field(default=None, alias="SubTotExeSTI")
    val_subtot: PositiveCents | None = Field(default=None, alias="ValSubtotSTI")
    lineas_deta: list[PositiveWhole] = Field(default_factory=list, alias="LineasDeta")
    """The numbers (NroLinDet) of the lines it adds up."""

    @field_validator("lineas_deta", mode="before")
    @classmethod
    def _one_line(cls, value: Any) -> Any:
        return [value] if isinstance(value, str | int) else value


class GeoRefEmision(SiiModel):
    """Where the document was issued (GeoRefEmision): latitude and longitude as written, and
    the SII's code of their reference system (1 to 9)."""

    latitud: str = Field(alias="LatitudEmision")
    longitud: str = Field(alias="LongitudEmision")
    sistema_referencia: PositiveWhole = Field(alias="SistemaReferencia")

    @field_validator("latitud", "longitud", mode="before")
    @classmethod
    def _coordinate_text(cls, value: Any) -> Any:
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return str(value)
        return value


class ManejoMadera(SiiModel):
    """Timber transport (ManejoMadera): the rol (comuna, manzana, predio) of the land the timber
    leaves and reaches, the CONAF management plan, and both places' coordinates as written."""

    comuna_rol_origen: PositiveWhole6 = Field(alias="ComunaRolOrigen")
    manzana_rol_origen: PositiveWhole6 = Field(alias="MnzRolOrigen")
    predio_rol_origen: PositiveWhole6 = Field(alias="PrdRolOrigen")
    comuna_rol_destino: PositiveWhole6 | None = Field(default=None, alias="ComunaRolDestino")
    manzana_rol_destino: PositiveWhole6 | None = Field(default=None, alias="MnzRolDestino")
    predio_rol_destino: PositiveWhole6 | None = Field(default=None, alias="PrdRolDestino")
    codigo_plan_conaf: str = Field(alias="CodPlanConaf")
    """The CONAF management plan the timber comes under."""
    aviso_ejecucion_faena: str | None = Field(default=None, alias="AvisoEjecucionFaena")
    latitud_origen: str = Field(alias="LatitudOrigenMadera")
    longitud_origen: str = Field(alias="LongitudOrigenMadera")
    latitud_destino: str | None = Field(default=None, alias="LatitudDestinoMadera")
    longitud_destino: str | None = Field(default=None, alias="LongitudDestinoMadera")
    sistema_referencia: Whole1 = Field(alias="SistemareferenciaMadera")
    """The SII's code of the coordinates' reference system."""

    @field_validator("codigo_plan_conaf", "aviso_ejecucion_faena", mode="before")
    @classmethod
    def _codes_text(cls, value: Any) -> Any:
        return _code_text(value)

    @field_validator(
        "latitud_origen", "longitud_origen", "latitud_destino", "longitud_destino", mode="before"
    )
    @classmethod
    def _coordinate_text(cls, value: Any) -> Any:
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return str(value)
        return value


# -- DscRcgGlobal / Referencia --------------------------------------------------------------------


class DscRcgGlobal(SiiModel):
    """A global discount (``D``) or surcharge (``R``), in percent (``%``) or pesos (``$``).

    It applies to the afecto amount unless ``ind_exe`` is 1 (exempt amount) or 2 (no facturable).
    """

    nro_lin_dr: PositiveWhole | None = Field(default=None, alias="NroLinDR")
    tipo_mov: Literal["D", "R"] = Field(alias="TpoMov")
    glosa: str | None = Field(default=None, alias="GlosaDR")
    tipo_valor: Literal["%", "$"] = Field(alias="TpoValor")
    valor: PositiveCents = Field(alias="ValorDR")
    valor_otr_mnda: PositiveForeignAmount | None = Field(default=None, alias="ValorDROtrMnda")
    """Not on boletas: the value in OtraMoneda's currency."""
    ind_exe: Whole | None = Field(default=None, alias="IndExeDR")

    @field_validator("tipo_mov", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value


class Referencia(SiiModel):
    """A reference to another document (required on notes): type, folio, date and CodRef.

    ``tipo_doc_ref`` is text (``"33"``, ``"801"`` orden de compra, ``"SET"``); ints and the
    ``DTEType``/``ReferenceDocumentType`` enums are accepted. On boletas, ``cod_ref`` may be text.
    """

    nro_lin_ref: PositiveWhole | None = Field(default=None, alias="NroLinRef")
    tipo_doc_ref: str | None = Field(default=None, alias="TpoDocRef")
    ind_global: Whole1 | None = Field(default=None, alias="IndGlobal")
    folio_ref: str | None = Field(default=None, alias="FolioRef")
    rut_otro: Rut | None = Field(default=None, alias="RUTOtr")
    id_adic_otr: str | None = Field(default=None, alias="IdAdicOtr")
    """Exports only: an additional id of the other taxpayer (RUTOtr)."""
    fecha_ref: Day | None = Field(default=None, alias="FchRef")
    cod_ref: CodRef | str | None = Field(default=None, alias="CodRef")
    razon_ref: str | None = Field(default=None, alias="RazonRef")
    cod_vendedor: str | None = Field(default=None, alias="CodVndor")
    """Boletas only."""
    cod_caja: str | None = Field(default=None, alias="CodCaja")
    """Boletas only."""

    @field_validator("tipo_doc_ref", "folio_ref", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _code_text(value)

    @field_validator("cod_ref", mode="before")
    @classmethod
    def _cod_ref(cls, value: Any) -> Any:
        if isinstance(value, CodRef):
            return value
        text = value.strip() if isinstance(value, str) else ""
        if text.isascii() and text.isdigit() and len(text) <= 4:  # "²" and 5,000 digits stay text
            value = int(text)
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return CodRef(value)
            except ValueError:
                return str(value)
        return value


class Comision(SiiModel):
    """A commission (``C``) or other charge (``O``) a liquidación-factura deducts from what the
    consignee hands over; ValComIVA is computed (19% of ValComNeto) when left out."""

    nro_lin_com: PositiveWhole | None = Field(default=None, alias="NroLinCom")
    tipo_movim: Literal["C", "O"] = Field(alias="TipoMovim")
    glosa: str = Field(alias="Glosa")
    tasa_comision: NonNegativeRate | None = Field(default=None, alias="TasaComision")
    """Informative: the commission's rate in percent."""
    val_com_neto: Whole = Field(alias="ValComNeto")
    val_com_exe: Whole = Field(default=0, alias="ValComExe")
    val_com_iva: Whole | None = Field(default=None, alias="ValComIVA")

    @field_validator("tipo_movim", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value
