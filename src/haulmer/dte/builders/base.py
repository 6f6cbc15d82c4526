"""The general builder, ``build(tipo, ...)``, and the steps the builders of each family share.

``build`` validates the parties and lines into a ``Document``, computes an export's amounts in
its currency, fills line numbers, line amounts and Totales, and checks the result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Iterable, Mapping
from typing import Any, Final, cast

import pydantic

from haulmer._chile import chile_date, chile_today
from haulmer._numbers import own_arithmetic
from haulmer._shown import about_digits, shown
from haulmer.dte.argument_errors import ArgumentTypeError, credito_pesos, flag, whole_pesos
from haulmer.dte.builders.inputs import (
    MAPPED,
    ComisionInput,
    DocumentOptions,
    EmisorInput,
    GlobalInput,
    LineInput,
    LineSource,
    MonedaInput,
    PaymentOptions,
    ReceptorInput,
    TransporteInput,
    check_options,
    item_place,
    listed,
    mapping_argument,
)
from haulmer.dte.catalogue import DTEType
from haulmer.dte.document import Document, document_error, unreadable_number
from haulmer.dte.exports import EXPORT_RECEPTOR_RUT, Moneda
from haulmer.dte.models import Emisor, OtraMoneda, Totales
from haulmer.dte.sii_dict import BOLETA_ELEMENTS
from haulmer.dte.totals import (
    RETAINED_CODES,
    compute_otra_moneda,
    export_totals,
    line_amounts,
    tax_rates,
)
from haulmer.errors import DocumentError, ErrorDetail

if sys.version_info >= (3, 11):  # at run time too: typing.get_type_hints reads **fields
    from typing import Unpack
else:
    from typing_extensions import Unpack

__all__ = [
    "PARTY_PLACES",
    "boleta_emisor",
    "build",
    "document_options",
    "dte_type",
    "exempt_globals",
    "exempt_lines",
    "flag",
    "items_dicts",
    "model_dict",
    "payment_id_doc",
    "retained_lines",
    "set_once",
]


PARTY_PLACES: Final = {name: (name, MAPPED[name]) for name in ("emisor", "receptor")}
"""The parties as an error names them, given as None: the argument and its SII element."""


def model_dict(value: Any, place: tuple[str, str] | None = None) -> Any:
    """A model as a dict of SII names (None left out); a mapping as a plain dict.

    Anything else is an ArgumentTypeError, naming ``place`` when given: an item of a list
    argument and its element (``item_place``: ``("lines[1]", "Detalle[2]")``)."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(by_alias=True, exclude_none=True)
    if isinstance(value, Mapping):
        return dict(value)
    argument, element = place if place is not None else ("", "")
    issue = (
        "expected a mapping of SII or Python field names (a dict) or a haulmer.dte model, got "
        f"{'None' if value is None else type(value).__name__}"
    )
    message = f"{argument}: {issue}" if argument else issue
    raise ArgumentTypeError(message, [ErrorDetail(element, issue)])


def items_dicts(values: Iterable[Any], name: str, before: int = 0) -> list[Any]:
    """Each item of the list argument ``name`` as ``model_dict`` gives it, an item of the wrong
    kind named by its place (``descuentos_recargos[1]``, ``DscRcgGlobal[2]``; ``before`` as in
    ``item_place``)."""
    return [
        model_dict(value, item_place(name, index, before)) for index, value in enumerate(values)
    ]


def line_dict(line: LineInput, *, prices: str = "net", place: tuple[str, str] | None = None) -> Any:
    """A line as ``model_dict`` gives it; a product or ``(product, quantity)`` asked for its line.

    ``prices``: ``"gross"`` on boletas (IVA and additional taxes inside the price), ``"net"``
    on every other type; ``place``: where the line is, for an error (``item_place``).
    """
    if isinstance(line, tuple) and len(line) == 2 and isinstance(line[0], LineSource):
        return dict(line[0].dte_line(line[1], prices=prices))
    if isinstance(line, LineSource):
        return dict(line.dte_line(prices=prices))
    return model_dict(line, place)


def retained_lines(lines: Iterable[LineInput], code: str | None) -> list[Any]:
    """Lines of a factura de compra or its nota: each afecto line that carries no retention of
    its own given the retention ``code`` (none when ``code`` is None) beside any additional tax
    it carries, as the buyer retains the seller's IVA on every afecto line."""
    prepared = []
    for index, line in enumerate(listed(lines, "lines")):
        data = line_dict(line, place=item_place("lines", index))
        exempt = data.get("IndExe") is not None or data.get("ind_exe") is not None
        key = "cod_imp_adic" if data.get("cod_imp_adic") else "CodImpAdic"
        given = data.get(key)
        codes = _tax_codes(given)
        if code is None or exempt or codes is None or RETAINED_CODES.intersection(codes):
            prepared.append(data)
            continue
        if len(codes) >= 2:
            issue = (
                f"carries {len(codes)} additional taxes ({', '.join(codes)}) and the SII takes "
                f"at most 2 codes a line, so the retention {code} cannot join them: split the "
                "line, one part per additional tax"
            )
            raise DocumentError(
                f"Detalle[{index + 1}]: the line {issue}",
                [ErrorDetail(f"Detalle[{index + 1}].CodImpAdic", issue)],
            )
        held = [given] if isinstance(given, (str, int)) else list(given or ())
        data[key] = [*held, code] if codes else [code]
        prepared.append(data)
    return prepared


def _tax_codes(value: object) -> list[str] | None:
    """A line's CodImpAdic as given (none, one code, or a list of them) as codes, or None for
    a value of another kind, which the line's model names."""
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return [str(value).strip()]
    if isinstance(value, (list, tuple)) and all(
        isinstance(item, (str, int)) and not isinstance(item, bool) for item in value
    ):
        return [str(item).strip() for item in value]
    return None


def _prices_of(tipo: DTEType, id_doc: Mapping[str, Any]) -> str:
    """The price basis of a type's lines: gross on boletas (39, 41) unless IndMntNeto 2, net
    elsewhere unless MntBruto 1, so a product's line is priced as the document reads it."""
    if tipo.is_boleta:
        net = id_doc.get("IndMntNeto", id_doc.get("ind_mnt_neto"))
        return "net" if str(net).strip() == "2" else "gross"
    bruto = id_doc.get("MntBruto", id_doc.get("mnt_bruto"))
    return "gross" if str(bruto).strip() == "1" else "net"


@own_arithmetic
def build(
    tipo_dte: DTEType | int,
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    transporte: TransporteInput | None = None,
    moneda: MonedaInput | None = None,
    otra_moneda: OtraMoneda | Mapping[str, Any] | None = None,
    comisiones: Iterable[ComisionInput] = (),
    **options: Unpack[DocumentOptions],
) -> Document:
    """Build, complete and (unless ``check=False``) check a document of any type.

    ``options`` are every builder's (``DocumentOptions``): ``fecha`` (today in Chile),
    ``folio`` (0), ``id_doc`` (IdDoc fields, Python or SII names: ``{"forma_pago": 2}``),
    ``descuentos_recargos``, ``referencias``, ``tasas_adicionales`` (rates of the tax codes
    without a fixed one: ``{"28": Decimal("2.5")}``), ``credito_constructoras`` (CredEC in
    pesos), ``saldo_anterior`` (SaldoAnterior in pesos; VlrPagar is computed), ``subtotales``
    (SubTotInfo), ``geo_ref_emision`` (GeoRefEmision), ``manejo_madera`` (ManejoMadera),
    ``check``.
    Exports only: ``moneda`` (Totales/TpoMoneda) and ``otra_moneda``
    (``{"TpoMoneda": "PESO CL", "TpoCambio": 950}``; amounts computed); an export's receptor
    without a RUT gets 55555555-5, as in
    ``factura_exportacion``. Liquidación-factura only: ``comisiones``.
    Raises DocumentError with one ErrorDetail per problem.
    """
    check_options("build", options, DocumentOptions)
    lines = listed(lines, "lines")
    comisiones = listed(comisiones, "comisiones")
    for name, value in (
        ("emisor", emisor),
        ("receptor", receptor),
        ("transporte", transporte),
        ("otra_moneda", otra_moneda),
    ):
        mapping_argument(value, name)
    tipo = dte_type(tipo_dte)
    id_doc = dict(options.get("id_doc") or {})
    _refuse_another_type(id_doc, tipo)
    set_once(id_doc, "Folio", "folio", options.get("folio"), default=0)
    fecha = options.get("fecha")
    if isinstance(fecha, dt.datetime):  # its day in Chile, as the model reads it, for id_doc's
        with contextlib.suppress(ValueError):  # no day in Chile: the model says why
            fecha = chile_date(fecha)
    set_once(id_doc, "FchEmis", "fecha_emision", fecha, default=chile_today(), argument="fecha")
    if tipo.is_boleta:  # as boleta() and boleta_exenta(): 3 ventas y servicios, unless given
        set_once(id_doc, "IndServicio", "ind_servicio", None, default=3)
    header: dict[str, Any] = {
        "IdDoc": {**id_doc, "TipoDTE": tipo},
        "Emisor": boleta_emisor(emisor)
        if tipo.is_boleta
        else model_dict(emisor, PARTY_PLACES["emisor"]),
        "Receptor": _receptor_dict(tipo, receptor),
    }
    if transporte is not None:
        header["Transporte"] = model_dict(transporte)
    data = {
        "Encabezado": header,
        "Detalle": [
            line_dict(line, prices=_prices_of(tipo, id_doc), place=item_place("lines", index))
            for index, line in enumerate(lines)
        ],
        "DscRcgGlobal": items_dicts(options.get("descuentos_recargos", ()), "descuentos_recargos"),
        "Referencia": items_dicts(options.get("referencias", ()), "referencias"),
    }
    if otra_moneda is not None:
        header["OtraMoneda"] = model_dict(otra_moneda)
    subtotales = items_dicts(options.get("subtotales", ()), "subtotales")
    if subtotales:
        data["SubTotInfo"] = subtotales
    geo_ref_emision = options.get("geo_ref_emision")
    if geo_ref_emision is not None:
        data["GeoRefEmision"] = model_dict(geo_ref_emision)
    manejo_madera = options.get("manejo_madera")
    if manejo_madera is not None:
        data["ManejoMadera"] = model_dict(manejo_madera)
    charges = items_dicts(comisiones, "comisiones")
    if charges:
        data["Comisiones"] = charges
    try:
        document = Document.model_validate(data)
    except pydantic.ValidationError as exc:
        raise document_error(exc, f"the {tipo.label}") from None
    except ValueError as exc:
        raise unreadable_number(exc, f"the {tipo.label}") from None
    try:
        currency = Moneda(moneda) if moneda is not None else None
    except ValueError:
        known = ", ".join(m.value for m in Moneda)
        raise DocumentError(
            f"{shown(moneda)} is not a currency of the SII's table: use a haulmer.dte.Moneda "
            "or its value, such as 'DOLAR USA', 'EURO' or 'PESO CL'",
            [ErrorDetail("Encabezado.Totales.TpoMoneda", f"use one of {known}")],
        ) from None
    if currency is not None and not tipo.is_export:
        issue = (
            f"is {currency.value}, and only an export's (110, 111, 112) amounts are in another "
            f"currency than pesos; a {tipo.label} is in pesos: leave moneda out"
        )
        raise DocumentError(
            f"the {tipo.label}: Totales.TpoMoneda {issue}",
            [ErrorDetail("Encabezado.Totales.TpoMoneda", issue)],
        )
    saldo_anterior = _saldo_anterior(options.get("saldo_anterior"))
    rates = tax_rates(options.get("tasas_adicionales"))
    credito = credito_pesos(options.get("credito_constructoras"))
    if tipo.is_export:
        document = _export_amounts(document, currency)
    document = document.completed(
        tasas_adicionales=rates,
        credito_constructoras=credito,
        saldo_anterior=saldo_anterior,
    )
    if flag(options.get("check", True), "check"):
        document.check()
    return document


def _saldo_anterior(value: object) -> int | None:
    """``saldo_anterior`` as whole pesos, positive or negative (the SII's ValorType: 18 digits
    at most); None when left out."""
    value = whole_pesos(value, "saldo_anterior")
    if value is None:
        return None
    if abs(value) >= 10**18:
        raise DocumentError(
            f"saldo_anterior has more than 18 digits ({about_digits(value)}); the SII's "
            "SaldoAnterior has 18 at most",
            [ErrorDetail("Encabezado.Totales.SaldoAnterior", "18 digits at most")],
        )
    return value


_BUILDERS: Final = {
    DTEType.FACTURA: "factura()",
    DTEType.FACTURA_EXENTA: "factura_exenta()",
    DTEType.BOLETA: "boleta()",
    DTEType.BOLETA_EXENTA: "boleta_exenta()",
    DTEType.LIQUIDACION_FACTURA: "liquidacion_factura()",
    DTEType.FACTURA_COMPRA: "factura_compra()",
    DTEType.GUIA_DESPACHO: "guia_despacho()",
    DTEType.NOTA_DEBITO: "nota_debito()",
    DTEType.NOTA_CREDITO: "nota_credito()",
    DTEType.FACTURA_EXPORTACION: "factura_exportacion()",
    DTEType.NOTA_DEBITO_EXPORTACION: "nota_debito_exportacion()",
    DTEType.NOTA_CREDITO_EXPORTACION: "nota_credito_exportacion()",
}
"""The builder of each type, as an error names it."""


def _refuse_another_type(id_doc: dict[str, Any], tipo: DTEType) -> None:
    """Drop ``id_doc``'s TipoDTE (either spelling) when it is the builder's ``tipo``; refuse
    another one, which the builder's type would otherwise replace without a word."""
    for key in ("TipoDTE", "tipo_dte"):
        given = id_doc.pop(key, None)
        if given is None:
            continue
        if isinstance(given, str) and given.strip().isdigit() and len(given.strip()) <= 3:
            given = int(given)
        other = dte_type(given)  # no type: its DocumentError lists the types
        if other is not tipo:
            issue = (
                f"id_doc's {key} {int(other)} ({other.label}) is not the {tipo.label} "
                f"({int(tipo)}) this builder makes: leave {key} out of id_doc, or build a "
                f"{int(other)} with {_BUILDERS[other]} or build({int(other)}, ...)"
            )
            raise DocumentError(issue, [ErrorDetail("Encabezado.IdDoc.TipoDTE", issue)])


def dte_type(value: object) -> DTEType:
    """``value`` as a ``DTEType``, or a DocumentError listing every type with its name."""
    try:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError
        return DTEType(value)
    except ValueError:
        known = ", ".join(f"{int(t)} ({t.label})" for t in DTEType)
        raise DocumentError(
            f"{shown(value)} is not an electronic document type (TipoDTE); the types are: {known}",
            [ErrorDetail("Encabezado.IdDoc.TipoDTE", f"use one of {known}")],
        ) from None


def boleta_emisor(emisor: EmisorInput) -> dict[str, Any]:
    """The issuer reduced to what a boleta carries (no Acteco, Telefono...): an ERP keeps one
    emisor for every type, and a boleta (EnvioBOLETA) has no place for the rest."""
    given = emisor if isinstance(emisor, Emisor) else model_dict(emisor, PARTY_PLACES["emisor"])
    try:
        model = given if isinstance(given, Emisor) else Emisor.model_validate(given)
    except pydantic.ValidationError as exc:
        raise document_error(exc, "the issuer", prefix="Encabezado.Emisor") from None
    except ValueError as exc:
        raise unreadable_number(exc, "the issuer") from None
    allowed = set(BOLETA_ELEMENTS[Emisor])
    data = model.model_dump(by_alias=True, exclude_none=True)
    return {key: value for key, value in data.items() if key in allowed}


def _receptor_dict(tipo: DTEType, receptor: ReceptorInput) -> Any:
    """The receptor as given; an export's without a RUT gets the one every export carries
    (55555555-5): the foreigner is identified in Receptor.Extranjero."""
    data = model_dict(receptor, PARTY_PLACES["receptor"])
    has_rut = isinstance(data, dict) and any(data.get(key) for key in ("RUTRecep", "rut"))
    if tipo.is_export and isinstance(data, dict) and not has_rut:
        data["RUTRecep"] = EXPORT_RECEPTOR_RUT
    return data


def _export_amounts(document: Document, moneda: Moneda | None) -> Document:
    """An export with its lines' MontoItem, its Totales and OtraMoneda in its currency.

    Line amounts given are kept (``check`` says whether they are right).
    """
    lines = []
    for index, line in enumerate(document.detalle):
        amounts = line_amounts(line, field=f"Detalle[{index + 1}]", moneda=moneda, export=True)
        update = {
            "nro_lin_det": line.nro_lin_det or index + 1,
            "descuento_monto": amounts.descuento_monto,
            "recargo_monto": amounts.recargo_monto,
            "monto_item": amounts.monto_item if line.monto_item is None else line.monto_item,
        }
        lines.append((line.model_copy(update=update), amounts.monto_item))
    totales: Totales = export_totals(
        [line for line, _ in lines],
        document.descuentos_recargos,
        moneda=moneda,
        montos=[monto for _, monto in lines],
    )
    encabezado = document.encabezado
    otra = encabezado.otra_moneda
    header = encabezado.model_copy(
        update={
            "totales": totales,
            "otra_moneda": compute_otra_moneda(totales, otra) if otra is not None else None,
        }
    )
    return document.model_copy(
        update={"encabezado": header, "detalle": [line for line, _ in lines]}
    )


def payment_id_doc(options: PaymentOptions) -> dict[str, Any]:
    """``id_doc`` with the payment terms (FmaPago, MedioPago, FchVenc) the options give; each
    given both as an argument and in ``id_doc`` must agree."""
    out: dict[str, Any] = dict(options.get("id_doc") or {})
    for key, name in (
        ("forma_pago", "FmaPago"),
        ("medio_pago", "MedioPago"),
        ("fecha_vencimiento", "FchVenc"),
    ):
        set_once(out, name, key, options.get(key), default=None)
    return out


def set_once(
    id_doc: dict[str, Any],
    alias: str,
    name: str,
    given: object,
    *,
    default: object,
    argument: str | None = None,
) -> None:
    """Put a builder argument into ``id_doc`` under ``alias``, unless ``id_doc`` has it by
    either spelling: then they must agree, for one value would otherwise replace the other.
    ``argument``: the builder's name for it when not ``name`` (``fecha`` for FchEmis)."""
    own = next((key for key in (alias, name) if id_doc.get(key) is not None), None)
    if own is None:
        for key in (alias, name):  # a spelling given as None: no value
            id_doc.pop(key, None)
        value = default if given is None else given
        if value is not None:
            id_doc[alias] = value
    elif given is not None and str(id_doc[own]).strip() != str(given).strip():
        issue = (
            f"given twice, as {argument or name}={shown(given)} and as id_doc's {own}="
            f"{shown(id_doc[own])}; "
            "give it once"
        )
        raise DocumentError(f"{alias} {issue}", [ErrorDetail(f"Encabezado.IdDoc.{alias}", issue)])


def document_options(options: Mapping[str, Any], **changes: Any) -> DocumentOptions:
    """The keys of ``options`` that ``build`` takes (a builder's own left out), with
    ``changes`` (DocumentOptions keys) replacing theirs."""
    unknown = changes.keys() - DocumentOptions.__optional_keys__
    if unknown:  # pragma: no cover - a builder's mistake, not a caller's
        raise TypeError(f"build() takes no {', '.join(sorted(unknown))}")
    keys = DocumentOptions.__optional_keys__
    out = {key: value for key, value in options.items() if key in keys}
    out.update(changes)
    return cast(DocumentOptions, out)


def exempt_lines(lines: Iterable[LineInput], *, prices: str = "net") -> list[dict[str, Any]]:
    """Lines of an exempt document: IndExe 1 unless they say otherwise (2 no facturable)."""
    return [
        _defaulted(
            line_dict(line, prices=prices, place=item_place("lines", index)), "IndExe", "ind_exe", 1
        )
        for index, line in enumerate(listed(lines, "lines"))
    ]


def exempt_globals(items: Iterable[GlobalInput]) -> list[dict[str, Any]]:
    """Global discounts of an exempt document: on the exempt amount (IndExeDR 1) unless told."""
    return [
        _defaulted(data, "IndExeDR", "ind_exe", 1)
        for data in items_dicts(listed(items, "descuentos_recargos"), "descuentos_recargos")
    ]


def _defaulted(data: dict[str, Any], alias: str, name: str, value: int) -> dict[str, Any]:
    """``data`` with ``alias`` set to ``value`` unless either spelling gives one; a spelling
    given as None (no value) is dropped, so that the default is not a second spelling of it."""
    if data.get(alias) is None and data.get(name) is None:
        data.pop(name, None)
        data[alias] = value
    return data
