"""What is specific to the export documents (110, 111, 112): Aduana codes, currencies, rounding.

Exports are rooted at ``Exportaciones``, are exempt, and carry their amounts in the currency of
the sale (``Totales/TpoMoneda``), with up to 4 decimals (DTE_v10.xsd); ``OtraMoneda`` restates
the totals in another currency, usually pesos, at ``TpoCambio``. The codes are the Servicio
Nacional de Aduanas' tables the SII refers to; fields accept the enums or plain ints.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from haulmer._enums import IntEnum, StrEnum
from haulmer._numbers import ANY_SIZE, own_arithmetic
from haulmer.rut import Rut

__all__ = [
    "EXPORT_RECEPTOR_RUT",
    "ClausulaVenta",
    "ModalidadVenta",
    "Moneda",
    "ViaTransporte",
    "currency_decimals",
    "round_currency",
]

EXPORT_RECEPTOR_RUT = Rut.parse("55555555-5")
"""The RUTRecep (and so the timbre's RR) of every export document: the foreign receptor."""


class Moneda(StrEnum):
    """Totales/TpoMoneda and OtraMoneda/TpoMoneda: the Aduana currency names (TipMonType)."""

    BOLIVAR = "BOLIVAR"
    BOLIVIANO = "BOLIVIANO"
    CHELIN = "CHELIN"
    CORONA_DINAMARCA = "CORONA DIN"
    CORONA_NORUEGA = "CORONA NOR"
    CORONA_SUECA = "CORONA SC"
    CRUZEIRO_REAL = "CRUZEIRO REAL"
    DIRHAM = "DIRHAM"
    DOLAR_AUSTRALIANO = "DOLAR AUST"
    DOLAR_CANADIENSE = "DOLAR CAN"
    DOLAR_HONG_KONG = "DOLAR HK"
    DOLAR_NEOZELANDES = "DOLAR NZ"
    DOLAR_SINGAPUR = "DOLAR SIN"
    DOLAR_TAIWAN = "DOLAR TAI"
    DOLAR_USA = "DOLAR USA"
    DRACMA = "DRACMA"
    ESCUDO = "ESCUDO"
    EURO = "EURO"
    FLORIN = "FLORIN"
    FRANCO_BELGA = "FRANCO BEL"
    FRANCO_FRANCES = "FRANCO FR"
    FRANCO_SUIZO = "FRANCO SZ"
    GUARANI = "GUARANI"
    LIBRA_ESTERLINA = "LIBRA EST"
    LIRA = "LIRA"
    MARCO_ALEMAN = "MARCO AL"
    MARCO_FINLANDES = "MARCO FIN"
    NUEVO_SOL = "NUEVO SOL"
    OTRAS_MONEDAS = "OTRAS MONEDAS"
    PESETA = "PESETA"
    PESO = "PESO"
    PESO_CHILENO = "PESO CL"
    PESO_COLOMBIANO = "PESO COL"
    PESO_MEXICANO = "PESO MEX"
    PESO_URUGUAYO = "PESO URUG"
    RAND = "RAND"
    RENMINBI = "RENMINBI"
    RUPIA = "RUPIA"
    SUCRE = "SUCRE"
    YEN = "YEN"


class ModalidadVenta(IntEnum):
    """Aduana/CodModVenta: the terms under which the goods are sold."""

    A_FIRME = 1
    BAJO_CONDICION = 2
    CONSIGNACION_LIBRE = 3
    CONSIGNACION_MINIMO_A_FIRME = 4
    SIN_PAGO = 9

    @property
    def label(self) -> str:
        """The Aduana's name of the modalidad, as a printed DTE shows it: ``"A firme"``."""
        return _MODALIDAD_LABELS[self.value]


class ClausulaVenta(IntEnum):
    """Aduana/CodClauVenta: the Incoterm of the sale (TotClauVenta is its value)."""

    CIF = 1
    CFR = 2
    EXW = 3
    FAS = 4
    FOB = 5
    SIN_CLAUSULA = 6
    FCA = 7
    OTROS = 8
    DDP = 9
    CPT = 11
    CIP = 12
    DAT = 17
    DAP = 18

    @property
    def label(self) -> str:
        """The Incoterm as a printed DTE shows it: ``"FOB"``, ``"Sin cláusula"``."""
        return _CLAUSULA_LABELS.get(self.value, self.name)


class ViaTransporte(IntEnum):
    """Aduana/CodViaTransp: how the goods leave the country."""

    MARITIMA_FLUVIAL_LACUSTRE = 1
    AEREA = 4
    POSTAL = 5
    FERROVIARIA = 6
    CARRETERA_TERRESTRE = 7
    OLEODUCTOS_GASODUCTOS = 8
    TENDIDO_ELECTRICO = 9
    OTRA = 10
    COURIER_AEREO = 11

    @property
    def label(self) -> str:
        """The Aduana's name of the vía, as a printed DTE shows it: ``"Aérea"``."""
        return _VIA_LABELS[self.value]


_MODALIDAD_LABELS: dict[int, str] = {
    1: "A firme",
    2: "Bajo condición",
    3: "En consignación libre",
    4: "En consignación con un mínimo a firme",
    9: "Sin pago",
}
_CLAUSULA_LABELS: dict[int, str] = {6: "Sin cláusula", 8: "Otros"}
"""The clauses that are no Incoterm; the others are named by their Incoterm, the member's name."""
_VIA_LABELS: dict[int, str] = {
    1: "Marítima, fluvial y lacustre",
    4: "Aérea",
    5: "Postal",
    6: "Ferroviaria",
    7: "Carretera o terrestre",
    8: "Oleoductos y gasoductos",
    9: "Tendido eléctrico",
    10: "Otra",
    11: "Courier aéreo",
}


_XSD_DECIMALS = 4
"""Fraction digits of the export amounts (MontoItem, MntExe, MntTotal, OtraMoneda): Dec14_4."""


def currency_decimals(moneda: Moneda | str | None) -> int:
    """Decimals an amount in ``moneda`` is rounded to: 0 for Chilean pesos, else the XSD's 4."""
    code = moneda.value if isinstance(moneda, Moneda) else moneda
    return 0 if code == Moneda.PESO_CHILENO.value else _XSD_DECIMALS


_QUANTA = {digits: Decimal(f"1E-{digits}") for digits in range(_XSD_DECIMALS + 1)}
"""1, 0.1 ... 0.0001, written out: no arithmetic at import, in the importer's decimal context."""


@own_arithmetic
def round_currency(value: Decimal | int, moneda: Moneda | str | None) -> Decimal:
    """Round half up to ``moneda``'s decimals, without trailing zeros (``Decimal("12.5")``).

    Any size is rounded (the schema's facets refuse an amount too large afterwards, naming its
    field): the default context's 28 digits would raise ``InvalidOperation`` on a larger one.
    """
    exact = value if isinstance(value, Decimal) else Decimal(value)
    quantum = _QUANTA[currency_decimals(moneda)]
    rounded = exact.quantize(quantum, rounding=ROUND_HALF_UP, context=ANY_SIZE)
    if rounded == rounded.to_integral_value():
        return rounded.quantize(_QUANTA[0], context=ANY_SIZE)
    return rounded.normalize(context=ANY_SIZE)
