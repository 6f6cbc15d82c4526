"""Builders per document type: the ergonomic way to make a complete, checked ``Document``.

Each takes the parties and lines (models or dicts, with Python or SII names), fills line
numbers, line amounts and Totales, runs ``Document.check()`` and returns the document. Folio 0
(the default) is what OpenFactura expects; local stamping sets the CAF's folio.

    doc = haulmer.dte.factura(
        emisor={"rut": "76795561-8", "razon_social": "HAULMER SPA", "giro": "Software",
                "actecos": [620200], "direccion": "Arturo Prat 527", "comuna": "Curicó"},
        receptor={"rut": "76430498-5", "razon_social": "HOSTY SPA", "giro": "Hosting",
                  "direccion": "Calle 1", "comuna": "Curicó"},
        lines=[{"nombre": "Plan anual", "cantidad": 1, "precio": 2000}],
    )
    nc = haulmer.dte.nota_credito(doc.with_folio(106), cod_ref="anula")

Exports (110/111/112) take the currency of their amounts (``moneda="DOLAR USA"``) and, with a
``tipo_cambio``, restate the totals in pesos (OtraMoneda): see :func:`factura_exportacion`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal

import pydantic

from haulmer._chile import chile_today
from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.dte.document import Document, document_error
from haulmer.dte.exports import EXPORT_RECEPTOR_RUT, Moneda
from haulmer.dte.models import (
    Aduana,
    Comision,
    Detalle,
    DscRcgGlobal,
    Emisor,
    OtraMoneda,
    Receptor,
    Referencia,
    Totales,
    Transporte,
)
from haulmer.dte.sii_dict import BOLETA_ELEMENTS
from haulmer.dte.totals import comision_iva, compute_otra_moneda, export_totals, line_amounts
from haulmer.errors import DocumentError, ErrorDetail
from haulmer.rut import GENERIC_RECEPTOR_RUT

__all__ = [
    "CodRefInput",
    "boleta",
    "boleta_exenta",
    "build",
    "factura",
    "factura_compra",
    "factura_exenta",
    "factura_exportacion",
    "guia_despacho",
    "liquidacion_factura",
    "nota_credito",
    "nota_credito_exportacion",
    "nota_debito",
    "nota_debito_exportacion",
]

EmisorInput = Emisor | Mapping[str, Any]
ReceptorInput = Receptor | Mapping[str, Any]
LineInput = Detalle | Mapping[str, Any]
GlobalInput = DscRcgGlobal | Mapping[str, Any]
ReferenciaInput = Referencia | Mapping[str, Any]
TransporteInput = Transporte | Mapping[str, Any]
AduanaInput = Aduana | Mapping[str, Any]
ComisionInput = Comision | Mapping[str, Any]
MonedaInput = Moneda | str
RateInput = Decimal | int | str
CodRefInput = CodRef | int | Literal["anula", "corrige_texto", "corrige_montos"]

_COD_REF_NAMES = {
    "anula": CodRef.ANULA,
    "corrige_texto": CodRef.CORRIGE_TEXTO,
    "corrige_montos": CodRef.CORRIGE_MONTOS,
}
_DEFAULT_RAZON = {
    CodRef.ANULA: "Anula documento de referencia",
    CodRef.CORRIGE_TEXTO: "Corrige texto del documento de referencia",
    CodRef.CORRIGE_MONTOS: "Corrige montos del documento de referencia",
}


def _model_dict(value: Any) -> Any:
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(by_alias=True, exclude_none=True)
    return dict(value) if isinstance(value, Mapping) else value


def build(
    tipo_dte: DTEType | int,
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    fecha: date | None = None,
    folio: int = 0,
    id_doc: Mapping[str, Any] | None = None,
    descuentos_recargos: Iterable[GlobalInput] = (),
    referencias: Iterable[ReferenciaInput] = (),
    transporte: TransporteInput | None = None,
    moneda: MonedaInput | None = None,
    otra_moneda: OtraMoneda | Mapping[str, Any] | None = None,
    comisiones: Iterable[ComisionInput] = (),
    check: bool = True,
) -> Document:
    """Build, complete and (unless ``check=False``) check a document of any type.

    ``fecha`` defaults to today in Chile. ``id_doc`` adds IdDoc fields (Python or SII names:
    ``{"forma_pago": 2}``, ``{"FmaPago": 2}``). Exports only: ``moneda`` (Totales/TpoMoneda)
    and ``otra_moneda`` (``{"TpoMoneda": "PESO CL", "TpoCambio": 950}``; amounts computed).
    An export's receptor without a RUT gets 55555555-5, as in ``factura_exportacion``.
    Liquidación-factura only: ``comisiones``.
    Raises DocumentError with one ErrorDetail per problem.
    """
    try:
        tipo = DTEType(tipo_dte)
    except ValueError:
        known = ", ".join(str(int(t)) for t in DTEType)
        raise DocumentError(
            f"{tipo_dte!r} is not an electronic document type",
            [ErrorDetail("Encabezado.IdDoc.TipoDTE", f"use one of {known}")],
        ) from None
    header: dict[str, Any] = {
        "IdDoc": {
            **(dict(id_doc) if id_doc else {}),
            "TipoDTE": tipo,
            "Folio": folio,
            "FchEmis": fecha or chile_today(),
        },
        "Emisor": _model_dict(emisor),
        "Receptor": _receptor_dict(tipo, receptor),
    }
    if transporte is not None:
        header["Transporte"] = _model_dict(transporte)
    data = {
        "Encabezado": header,
        "Detalle": [_model_dict(line) for line in lines],
        "DscRcgGlobal": [_model_dict(g) for g in descuentos_recargos],
        "Referencia": [_model_dict(r) for r in referencias],
    }
    if otra_moneda is not None:
        header["OtraMoneda"] = _model_dict(otra_moneda)
    charges = [_model_dict(c) for c in comisiones]
    if charges:
        data["Comisiones"] = charges
    try:
        document = Document.model_validate(data)
        currency = Moneda(moneda) if moneda is not None else None
    except pydantic.ValidationError as exc:
        raise document_error(exc, f"the {tipo.label}") from None
    except ValueError:
        known = ", ".join(m.value for m in Moneda)
        raise DocumentError(
            f"{moneda!r} is not a currency of the SII's table",
            [ErrorDetail("Encabezado.Totales.TpoMoneda", f"use one of {known}")],
        ) from None
    if tipo.is_export:
        document = _export_amounts(document, currency)
    document = document.completed()
    if check:
        document.check()
    return document


def _receptor_dict(tipo: DTEType, receptor: ReceptorInput) -> Any:
    """The receptor as given; an export's without a RUT gets the one every export carries
    (55555555-5): the foreigner is identified in Receptor.Extranjero."""
    data = _model_dict(receptor)
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


def _payment(
    forma_pago: int | None, medio_pago: str | None, fecha_vencimiento: date | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if forma_pago is not None:
        out["FmaPago"] = forma_pago
    if medio_pago is not None:
        out["MedioPago"] = medio_pago
    if fecha_vencimiento is not None:
        out["FchVenc"] = fecha_vencimiento
    return out


def factura(
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    fecha: date | None = None,
    folio: int = 0,
    forma_pago: int | None = None,
    medio_pago: str | None = None,
    fecha_vencimiento: date | None = None,
    montos_brutos: bool = False,
    descuentos_recargos: Iterable[GlobalInput] = (),
    referencias: Iterable[ReferenciaInput] = (),
    id_doc: Mapping[str, Any] | None = None,
    check: bool = True,
) -> Document:
    """Factura electrónica (33): net prices (``montos_brutos=True`` for IVA-included prices).

    Lines with ``ind_exe=1`` are exempt; ``forma_pago`` 1 contado, 2 crédito, 3 sin costo.
    """
    extra = {
        **(dict(id_doc) if id_doc else {}),
        **_payment(forma_pago, medio_pago, fecha_vencimiento),
    }
    if montos_brutos:
        extra["MntBruto"] = 1
    return build(
        DTEType.FACTURA,
        emisor=emisor,
        receptor=receptor,
        lines=lines,
        fecha=fecha,
        folio=folio,
        id_doc=extra,
        descuentos_recargos=descuentos_recargos,
        referencias=referencias,
        check=check,
    )


def _exempt_lines(lines: Iterable[LineInput]) -> list[dict[str, Any]]:
    """Lines of an exempt document: IndExe 1 unless they say otherwise (2 no facturable)."""
    out = []
    for line in lines:
        data = _model_dict(line)
        if data.get("IndExe") is None and data.get("ind_exe") is None:
            data["IndExe"] = 1
        out.append(data)
    return out


def _exempt_globals(items: Iterable[GlobalInput]) -> list[dict[str, Any]]:
    """Global discounts of an exempt document: on the exempt amount (IndExeDR 1) unless told."""
    out = []
    for item in items:
        data = _model_dict(item)
        if data.get("IndExeDR") is None and data.get("ind_exe") is None:
            data["IndExeDR"] = 1
        out.append(data)
    return out


def factura_exenta(
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    fecha: date | None = None,
    folio: int = 0,
    forma_pago: int | None = None,
    medio_pago: str | None = None,
    fecha_vencimiento: date | None = None,
    descuentos_recargos: Iterable[GlobalInput] = (),
    referencias: Iterable[ReferenciaInput] = (),
    id_doc: Mapping[str, Any] | None = None,
    check: bool = True,
) -> Document:
    """Factura no afecta o exenta electrónica (34): every line exempt (IndExe 1), no IVA.

    Global discounts and surcharges apply to the exempt amount (IndExeDR 1) unless they say 2.
    """
    extra = {
        **(dict(id_doc) if id_doc else {}),
        **_payment(forma_pago, medio_pago, fecha_vencimiento),
    }
    return build(
        DTEType.FACTURA_EXENTA,
        emisor=emisor,
        receptor=receptor,
        lines=_exempt_lines(lines),
        fecha=fecha,
        folio=folio,
        id_doc=extra,
        descuentos_recargos=_exempt_globals(descuentos_recargos),
        referencias=referencias,
        check=check,
    )


def _boleta_emisor(emisor: EmisorInput) -> dict[str, Any]:
    """The issuer reduced to what a boleta carries (no Acteco, Telefono...)."""
    model = emisor if isinstance(emisor, Emisor) else Emisor.model_validate(dict(emisor))
    allowed = set(BOLETA_ELEMENTS[Emisor])
    data = model.model_dump(by_alias=True, exclude_none=True)
    return {key: value for key, value in data.items() if key in allowed}


def _boleta(
    tipo: DTEType,
    *,
    emisor: EmisorInput,
    lines: Iterable[LineInput],
    receptor: ReceptorInput | None,
    fecha: date | None,
    folio: int,
    ind_servicio: int,
    montos_netos: bool,
    medio_pago: int | str | None,
    descuentos_recargos: Iterable[GlobalInput],
    referencias: Iterable[ReferenciaInput],
    id_doc: Mapping[str, Any] | None,
    check: bool,
) -> Document:
    extra: dict[str, Any] = {**(dict(id_doc) if id_doc else {}), "IndServicio": ind_servicio}
    if montos_netos:
        extra["IndMntNeto"] = 2
    if medio_pago is not None:
        extra["MedioPago"] = medio_pago
    try:
        boleta_emisor = _boleta_emisor(emisor)
    except pydantic.ValidationError as exc:
        raise document_error(exc, "the issuer", prefix="Encabezado.Emisor") from None
    return build(
        tipo,
        emisor=boleta_emisor,
        receptor=receptor if receptor is not None else {"RUTRecep": GENERIC_RECEPTOR_RUT},
        lines=_exempt_lines(lines) if tipo.is_exempt else lines,
        fecha=fecha,
        folio=folio,
        id_doc=extra,
        descuentos_recargos=_exempt_globals(descuentos_recargos)
        if tipo.is_exempt
        else descuentos_recargos,
        referencias=referencias,
        check=check,
    )


def boleta(
    *,
    emisor: EmisorInput,
    lines: Iterable[LineInput],
    receptor: ReceptorInput | None = None,
    fecha: date | None = None,
    folio: int = 0,
    ind_servicio: int = 3,
    montos_netos: bool = False,
    medio_pago: int | str | None = None,
    descuentos_recargos: Iterable[GlobalInput] = (),
    referencias: Iterable[ReferenciaInput] = (),
    id_doc: Mapping[str, Any] | None = None,
    check: bool = True,
) -> Document:
    """Boleta electrónica (39): gross prices (IVA included) split into MntNeto and IVA.

    The receptor defaults to the anonymous 66666666-6; ``ind_servicio`` 3 = ventas y servicios;
    ``montos_netos=True`` (IndMntNeto 2) for net line prices. The issuer keeps only the boleta's
    fields (RznSocEmisor, GiroEmisor, CdgSIISucur, address).
    """
    return _boleta(
        DTEType.BOLETA,
        emisor=emisor,
        lines=lines,
        receptor=receptor,
        fecha=fecha,
        folio=folio,
        ind_servicio=ind_servicio,
        montos_netos=montos_netos,
        medio_pago=medio_pago,
        descuentos_recargos=descuentos_recargos,
        referencias=referencias,
        id_doc=id_doc,
        check=check,
    )


def boleta_exenta(
    *,
    emisor: EmisorInput,
    lines: Iterable[LineInput],
    receptor: ReceptorInput | None = None,
    fecha: date | None = None,
    folio: int = 0,
    ind_servicio: int = 3,
    medio_pago: int | str | None = None,
    descuentos_recargos: Iterable[GlobalInput] = (),
    referencias: Iterable[ReferenciaInput] = (),
    id_doc: Mapping[str, Any] | None = None,
    check: bool = True,
) -> Document:
    """Boleta no afecta o exenta electrónica (41): every line exempt, MntExe and MntTotal."""
    return _boleta(
        DTEType.BOLETA_EXENTA,
        emisor=emisor,
        lines=lines,
        receptor=receptor,
        fecha=fecha,
        folio=folio,
        ind_servicio=ind_servicio,
        montos_netos=False,
        medio_pago=medio_pago,
        descuentos_recargos=descuentos_recargos,
        referencias=referencias,
        id_doc=id_doc,
        check=check,
    )


def factura_compra(
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    retencion: str | None = "15",
    fecha: date | None = None,
    folio: int = 0,
    forma_pago: int | None = None,
    medio_pago: str | None = None,
    fecha_vencimiento: date | None = None,
    descuentos_recargos: Iterable[GlobalInput] = (),
    referencias: Iterable[ReferenciaInput] = (),
    id_doc: Mapping[str, Any] | None = None,
    check: bool = True,
) -> Document:
    """Factura de compra electrónica (46): the buyer issues it and retains the seller's IVA.

    ``retencion`` is the CodImpAdic given to afecto lines that carry none: ``"15"`` IVA
    retenido total (default; MntTotal = MntNeto), a partial code such as ``"34"`` trigo (4%),
    or None for no retention. Lines may set their own ``cod_imp_adic``. The emisor is the buyer.
    """
    prepared = []
    for line in lines:
        data = _model_dict(line)
        exempt = data.get("IndExe") is not None or data.get("ind_exe") is not None
        has_code = data.get("CodImpAdic") or data.get("cod_imp_adic")
        if retencion is not None and not exempt and not has_code:
            data["CodImpAdic"] = [retencion]
        prepared.append(data)
    extra = {
        **(dict(id_doc) if id_doc else {}),
        **_payment(forma_pago, medio_pago, fecha_vencimiento),
    }
    return build(
        DTEType.FACTURA_COMPRA,
        emisor=emisor,
        receptor=receptor,
        lines=prepared,
        fecha=fecha,
        folio=folio,
        id_doc=extra,
        descuentos_recargos=descuentos_recargos,
        referencias=referencias,
        check=check,
    )


def guia_despacho(
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    ind_traslado: int,
    tipo_despacho: int | None = None,
    transporte: TransporteInput | None = None,
    fecha: date | None = None,
    folio: int = 0,
    descuentos_recargos: Iterable[GlobalInput] = (),
    referencias: Iterable[ReferenciaInput] = (),
    id_doc: Mapping[str, Any] | None = None,
    check: bool = True,
) -> Document:
    """Guía de despacho electrónica (52): goods on the move.

    ``ind_traslado``: 1 operación constituye venta, 2 ventas por efectuar, 3 consignaciones,
    4 entrega gratuita, 5 traslado interno, 6 otros traslados no venta, 7 guía de devolución,
    8 traslado para exportación, 9 venta para exportación. ``tipo_despacho``: 1 por cuenta del
    receptor, 2 del emisor a instalaciones del cliente, 3 del emisor a otras instalaciones.
    """
    extra: dict[str, Any] = {**(dict(id_doc) if id_doc else {}), "IndTraslado": ind_traslado}
    if tipo_despacho is not None:
        extra["TipoDespacho"] = tipo_despacho
    return build(
        DTEType.GUIA_DESPACHO,
        emisor=emisor,
        receptor=receptor,
        lines=lines,
        fecha=fecha,
        folio=folio,
        id_doc=extra,
        descuentos_recargos=descuentos_recargos,
        referencias=referencias,
        transporte=transporte,
        check=check,
    )


def _cod_ref(value: CodRefInput) -> CodRef:
    if isinstance(value, str):
        key = value.strip().lower().replace(" ", "_").replace("-", "_")
        if key in _COD_REF_NAMES:
            return _COD_REF_NAMES[key]
        if key.isdigit():
            value = int(key)
        else:
            raise DocumentError(
                f"unknown CodRef {value!r}",
                [ErrorDetail("Referencia.CodRef", "use anula, corrige_texto or corrige_montos")],
            )
    try:
        return CodRef(value)
    except ValueError:
        raise DocumentError(
            f"unknown CodRef {value!r}",
            [ErrorDetail("Referencia.CodRef", "must be 1 (anula), 2 or 3")],
        ) from None


def _dte_type(value: DTEType | str | int | None) -> DTEType | None:
    """The electronic type a TpoDocRef names, if it names one (``"33"`` yes, ``"801"`` no)."""
    if value is None:
        return None
    try:
        return DTEType(int(str(getattr(value, "value", value)).strip()))
    except ValueError:
        return None


def _note(
    tipo: DTEType,
    documento: Document | None,
    *,
    cod_ref: CodRefInput,
    razon: str | None,
    lines: Iterable[LineInput] | None,
    emisor: EmisorInput | None,
    receptor: ReceptorInput | None,
    tipo_doc_ref: DTEType | str | int | None,
    folio_ref: int | str | None,
    fecha_ref: date | None,
    fecha: date | None,
    folio: int,
    montos_brutos: bool | None,
    descuentos_recargos: Iterable[GlobalInput] | None,
    referencias: Sequence[ReferenciaInput],
    id_doc: Mapping[str, Any] | None,
    check: bool,
) -> Document:
    code = _cod_ref(cod_ref)
    missing: list[ErrorDetail] = []
    if documento is not None:
        if documento.tipo_dte.is_export:
            raise DocumentError(
                "export documents are corrected with export notes (111/112): use "
                "nota_credito_exportacion or nota_debito_exportacion",
                [ErrorDetail("Referencia.TpoDocRef", f"{int(documento.tipo_dte)} is an export")],
            )
        tipo_doc_ref = tipo_doc_ref if tipo_doc_ref is not None else documento.tipo_dte
        folio_ref = folio_ref if folio_ref is not None else documento.folio or None
        fecha_ref = fecha_ref or documento.fecha_emision
        emisor = emisor if emisor is not None else documento.emisor
        receptor = receptor if receptor is not None else documento.receptor
        if montos_brutos is None:
            montos_brutos = documento.montos_brutos
    if tipo_doc_ref is None:
        missing.append(ErrorDetail("Referencia.TpoDocRef", "pass documento= or tipo_doc_ref="))
    if folio_ref is None:
        missing.append(
            ErrorDetail(
                "Referencia.FolioRef",
                "the referenced document has no folio yet; pass folio_ref= or a document "
                "with its folio (document.with_folio(n))",
            )
        )
    if fecha_ref is None:
        missing.append(ErrorDetail("Referencia.FchRef", "pass documento= or fecha_ref="))
    if emisor is None:
        missing.append(ErrorDetail("Encabezado.Emisor", "pass documento= or emisor="))
    if receptor is None:
        missing.append(ErrorDetail("Encabezado.Receptor", "pass documento= or receptor="))

    source = documento.tipo_dte if documento is not None else _dte_type(tipo_doc_ref)
    exempt_source = source is not None and source.is_exempt
    if montos_brutos is None and source is not None:
        montos_brutos = source.is_boleta and not exempt_source
    if lines is None:
        if code is CodRef.CORRIGE_TEXTO:
            line: dict[str, Any] = {"NmbItem": (razon or "Corrige texto")[:80], "MontoItem": 0}
            if exempt_source:
                line["IndExe"] = 1
            lines = [line]
        elif code is CodRef.ANULA and documento is not None:
            lines = [line.model_copy(update={"nro_lin_det": None}) for line in documento.detalle]
            if descuentos_recargos is None:
                descuentos_recargos = documento.descuentos_recargos
        else:
            missing.append(
                ErrorDetail("Detalle", "a note that corrects amounts needs its lines (lines=)")
            )
    if missing:
        raise DocumentError(
            f"cannot build the {tipo.label}: " + "; ".join(map(str, missing)), missing
        )
    assert emisor is not None
    assert receptor is not None
    assert lines is not None

    line_list = _exempt_lines(lines) if exempt_source else list(lines)
    globales = [
        g.model_copy(update={"nro_lin_dr": None}) if isinstance(g, DscRcgGlobal) else g
        for g in (descuentos_recargos or ())
    ]
    reference: dict[str, Any] = {
        "TpoDocRef": tipo_doc_ref,
        "FolioRef": folio_ref,
        "FchRef": fecha_ref,
        "CodRef": code,
        "RazonRef": (razon or _DEFAULT_RAZON[code])[:90],
    }
    extra = dict(id_doc) if id_doc else {}
    if montos_brutos:
        extra["MntBruto"] = 1
    receptor_data = _model_dict(receptor)
    receptor_data.pop("TelefonoRecep", None)  # boleta-only; a note is not a boleta
    emisor_data = _model_dict(emisor)
    return build(
        tipo,
        emisor=emisor_data,
        receptor=receptor_data,
        lines=line_list,
        fecha=fecha,
        folio=folio,
        id_doc=extra,
        descuentos_recargos=_exempt_globals(globales) if exempt_source else globales,
        referencias=[reference, *referencias],
        check=check,
    )


def nota_credito(
    documento: Document | None = None,
    *,
    cod_ref: CodRefInput = CodRef.ANULA,
    razon: str | None = None,
    lines: Iterable[LineInput] | None = None,
    emisor: EmisorInput | None = None,
    receptor: ReceptorInput | None = None,
    tipo_doc_ref: DTEType | str | int | None = None,
    folio_ref: int | str | None = None,
    fecha_ref: date | None = None,
    fecha: date | None = None,
    folio: int = 0,
    montos_brutos: bool | None = None,
    descuentos_recargos: Iterable[GlobalInput] | None = None,
    referencias: Sequence[ReferenciaInput] = (),
    id_doc: Mapping[str, Any] | None = None,
    check: bool = True,
) -> Document:
    """Nota de crédito electrónica (61) referencing ``documento`` (or tipo/folio/fecha_ref).

    ``cod_ref``: ``"anula"`` (default; copies the document's lines and global discounts unless
    ``lines`` is given), ``"corrige_texto"`` (one line with MontoItem 0 and the ``razon``; totals
    0) or ``"corrige_montos"`` (``lines`` required: the amounts being credited). Emisor and
    receptor default to the document's; a boleta's gross prices carry over as MntBruto 1 and an
    exempt document's (34, 41) lines and global discounts stay exempt, also when the document is
    named by ``tipo_doc_ref`` only. Extra ``referencias`` (an orden de compra...) follow the
    main one.
    """
    return _note(
        DTEType.NOTA_CREDITO,
        documento,
        cod_ref=cod_ref,
        razon=razon,
        lines=lines,
        emisor=emisor,
        receptor=receptor,
        tipo_doc_ref=tipo_doc_ref,
        folio_ref=folio_ref,
        fecha_ref=fecha_ref,
        fecha=fecha,
        folio=folio,
        montos_brutos=montos_brutos,
        descuentos_recargos=descuentos_recargos,
        referencias=referencias,
        id_doc=id_doc,
        check=check,
    )


def nota_debito(
    documento: Document | None = None,
    *,
    cod_ref: CodRefInput = CodRef.CORRIGE_MONTOS,
    razon: str | None = None,
    lines: Iterable[LineInput] | None = None,
    emisor: EmisorInput | None = None,
    receptor: ReceptorInput | None = None,
    tipo_doc_ref: DTEType | str | int | None = None,
    folio_ref: int | str | None = None,
    fecha_ref: date | None = None,
    fecha: date | None = None,
    folio: int = 0,
    montos_brutos: bool | None = None,
    descuentos_recargos: Iterable[GlobalInput] | None = None,
    referencias: Sequence[ReferenciaInput] = (),
    id_doc: Mapping[str, Any] | None = None,
    check: bool = True,
) -> Document:
    """Nota de débito electrónica (56): same arguments as ``nota_credito``.

    Default ``"corrige_montos"`` (``lines`` = the amounts added); ``"anula"`` on a nota de
    crédito annuls it (copying its lines).
    """
    return _note(
        DTEType.NOTA_DEBITO,
        documento,
        cod_ref=cod_ref,
        razon=razon,
        lines=lines,
        emisor=emisor,
        receptor=receptor,
        tipo_doc_ref=tipo_doc_ref,
        folio_ref=folio_ref,
        fecha_ref=fecha_ref,
        fecha=fecha,
        folio=folio,
        montos_brutos=montos_brutos,
        descuentos_recargos=descuentos_recargos,
        referencias=referencias,
        id_doc=id_doc,
        check=check,
    )


def _export_receptor(receptor: ReceptorInput) -> dict[str, Any]:
    """The foreign receptor without a phone (the DTE schema has no TelefonoRecep); ``build``
    fills the RUT every export carries (55555555-5) unless given."""
    data: dict[str, Any] = _model_dict(receptor)
    data.pop("TelefonoRecep", None)
    data.pop("telefono", None)
    return data


def _export_transporte(
    transporte: TransporteInput | None, aduana: AduanaInput | None
) -> dict[str, Any] | None:
    if transporte is None and aduana is None:
        return None
    data = _model_dict(transporte) if transporte is not None else {}
    if aduana is not None:
        data.pop("aduana", None)
        data["Aduana"] = _model_dict(aduana)
    return data


def _otra_moneda(tipo_cambio: RateInput | None, otra_moneda: MonedaInput) -> dict[str, Any] | None:
    if tipo_cambio is None:
        return None
    return {"TpoMoneda": otra_moneda, "TpoCambio": tipo_cambio}


def _export(
    tipo: DTEType,
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    moneda: MonedaInput | None,
    tipo_cambio: RateInput | None,
    otra_moneda: MonedaInput,
    ind_servicio: int | None,
    forma_pago_exportacion: int | None,
    aduana: AduanaInput | None,
    transporte: TransporteInput | None,
    fecha: date | None,
    folio: int,
    descuentos_recargos: Iterable[GlobalInput],
    referencias: Iterable[ReferenciaInput],
    id_doc: Mapping[str, Any] | None,
    check: bool,
) -> Document:
    extra: dict[str, Any] = dict(id_doc) if id_doc else {}
    if ind_servicio is not None:
        extra["IndServicio"] = ind_servicio
    if forma_pago_exportacion is not None:
        extra["FmaPagExp"] = forma_pago_exportacion
    return build(
        tipo,
        emisor=emisor,
        receptor=_export_receptor(receptor),
        lines=_exempt_lines(lines),
        fecha=fecha,
        folio=folio,
        id_doc=extra,
        descuentos_recargos=_exempt_globals(descuentos_recargos),
        referencias=referencias,
        transporte=_export_transporte(transporte, aduana),
        moneda=moneda,
        otra_moneda=_otra_moneda(tipo_cambio, otra_moneda),
        check=check,
    )


def factura_exportacion(
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    moneda: MonedaInput,
    tipo_cambio: RateInput | None = None,
    otra_moneda: MonedaInput = Moneda.PESO_CHILENO,
    ind_servicio: int | None = None,
    forma_pago_exportacion: int | None = None,
    aduana: AduanaInput | None = None,
    transporte: TransporteInput | None = None,
    fecha: date | None = None,
    folio: int = 0,
    descuentos_recargos: Iterable[GlobalInput] = (),
    referencias: Iterable[ReferenciaInput] = (),
    id_doc: Mapping[str, Any] | None = None,
    check: bool = True,
) -> Document:
    """Factura de exportación electrónica (110): exempt, in the sale's currency.

    ``moneda`` is Totales/TpoMoneda (a ``Moneda`` or its SII name, ``"DOLAR USA"``); prices and
    MontoItem are in it, rounded half up to 4 decimals (whole units for ``"PESO CL"``).
    ``tipo_cambio`` adds OtraMoneda: the totals in ``otra_moneda`` (pesos by default) at that
    rate. The receptor's RUT defaults to 55555555-5 (identify the foreigner in
    ``receptor["extranjero"]``). Goods need ``aduana`` (CodModVenta, CodClauVenta,
    TotClauVenta, CodViaTransp, ports, countries); services set ``ind_servicio`` (3 servicios,
    4 hotel, 5 transporte terrestre internacional) instead. ``forma_pago_exportacion`` is
    FmaPagExp (Aduana's table: 1 COB1, 11 ACRED, 21 sin pago, 32 anticipo...).
    """
    return _export(
        DTEType.FACTURA_EXPORTACION,
        emisor=emisor,
        receptor=receptor,
        lines=lines,
        moneda=moneda,
        tipo_cambio=tipo_cambio,
        otra_moneda=otra_moneda,
        ind_servicio=ind_servicio,
        forma_pago_exportacion=forma_pago_exportacion,
        aduana=aduana,
        transporte=transporte,
        fecha=fecha,
        folio=folio,
        descuentos_recargos=descuentos_recargos,
        referencias=referencias,
        id_doc=id_doc,
        check=check,
    )


def _export_note(
    tipo: DTEType,
    documento: Document | None,
    *,
    cod_ref: CodRefInput,
    razon: str | None,
    lines: Iterable[LineInput] | None,
    emisor: EmisorInput | None,
    receptor: ReceptorInput | None,
    moneda: MonedaInput | None,
    tipo_cambio: RateInput | None,
    otra_moneda: MonedaInput | None,
    tipo_doc_ref: DTEType | str | int | None,
    folio_ref: int | str | None,
    fecha_ref: date | None,
    fecha: date | None,
    folio: int,
    descuentos_recargos: Iterable[GlobalInput] | None,
    referencias: Sequence[ReferenciaInput],
    id_doc: Mapping[str, Any] | None,
    check: bool,
) -> Document:
    code = _cod_ref(cod_ref)
    extra: dict[str, Any] = dict(id_doc) if id_doc else {}
    if documento is not None:
        if not documento.tipo_dte.is_export:
            raise DocumentError(
                f"an export note modifies an export document (110, 111, 112), not a "
                f"{documento.tipo_dte.label}: use nota_credito or nota_debito",
                [ErrorDetail("Referencia.TpoDocRef", f"{int(documento.tipo_dte)} is not export")],
            )
        header = documento.encabezado
        tipo_doc_ref = tipo_doc_ref if tipo_doc_ref is not None else documento.tipo_dte
        folio_ref = folio_ref if folio_ref is not None else documento.folio or None
        fecha_ref = fecha_ref or documento.fecha_emision
        emisor = emisor if emisor is not None else documento.emisor
        receptor = receptor if receptor is not None else documento.receptor
        if moneda is None and header.totales is not None:
            moneda = header.totales.tpo_moneda
        if header.otra_moneda is not None:
            otra_moneda = otra_moneda or header.otra_moneda.tpo_moneda
            if tipo_cambio is None:
                tipo_cambio = header.otra_moneda.tpo_cambio
        if header.id_doc.ind_servicio is not None:
            extra.setdefault("IndServicio", header.id_doc.ind_servicio)
    missing: list[ErrorDetail] = []
    for value, field, issue in (
        (tipo_doc_ref, "Referencia.TpoDocRef", "pass documento= or tipo_doc_ref= (110, 111...)"),
        (folio_ref, "Referencia.FolioRef", "pass folio_ref= or a document with its folio"),
        (fecha_ref, "Referencia.FchRef", "pass documento= or fecha_ref="),
        (emisor, "Encabezado.Emisor", "pass documento= or emisor="),
        (receptor, "Encabezado.Receptor", "pass documento= or receptor="),
        (moneda, "Encabezado.Totales.TpoMoneda", "pass documento= or moneda="),
    ):
        if value is None:
            missing.append(ErrorDetail(field, issue))
    if lines is None:
        if code is CodRef.CORRIGE_TEXTO:
            lines = [{"NmbItem": (razon or "Corrige texto")[:80], "MontoItem": 0}]
        elif code is CodRef.ANULA and documento is not None:
            lines = [line.model_copy(update={"nro_lin_det": None}) for line in documento.detalle]
            if descuentos_recargos is None:
                descuentos_recargos = documento.descuentos_recargos
        else:
            missing.append(
                ErrorDetail("Detalle", "a note that corrects amounts needs its lines (lines=)")
            )
    if missing:
        raise DocumentError(
            f"cannot build the {tipo.label}: " + "; ".join(map(str, missing)), missing
        )
    assert emisor is not None
    assert receptor is not None
    assert lines is not None
    reference: dict[str, Any] = {
        "TpoDocRef": tipo_doc_ref,
        "FolioRef": folio_ref,
        "FchRef": fecha_ref,
        "CodRef": code,
        "RazonRef": (razon or _DEFAULT_RAZON[code])[:90],
    }
    globales = [
        g.model_copy(update={"nro_lin_dr": None}) if isinstance(g, DscRcgGlobal) else g
        for g in (descuentos_recargos or ())
    ]
    return _export(
        tipo,
        emisor=emisor,
        receptor=receptor,
        lines=lines,
        moneda=moneda,
        tipo_cambio=tipo_cambio,
        otra_moneda=otra_moneda or Moneda.PESO_CHILENO,
        ind_servicio=None,
        forma_pago_exportacion=None,
        aduana=None,
        transporte=None,
        fecha=fecha,
        folio=folio,
        descuentos_recargos=globales,
        referencias=[reference, *referencias],
        id_doc=extra,
        check=check,
    )


def nota_credito_exportacion(
    documento: Document | None = None,
    *,
    cod_ref: CodRefInput = CodRef.ANULA,
    razon: str | None = None,
    lines: Iterable[LineInput] | None = None,
    emisor: EmisorInput | None = None,
    receptor: ReceptorInput | None = None,
    moneda: MonedaInput | None = None,
    tipo_cambio: RateInput | None = None,
    otra_moneda: MonedaInput | None = None,
    tipo_doc_ref: DTEType | str | int | None = None,
    folio_ref: int | str | None = None,
    fecha_ref: date | None = None,
    fecha: date | None = None,
    folio: int = 0,
    descuentos_recargos: Iterable[GlobalInput] | None = None,
    referencias: Sequence[ReferenciaInput] = (),
    id_doc: Mapping[str, Any] | None = None,
    check: bool = True,
) -> Document:
    """Nota de crédito de exportación electrónica (112) referencing an export ``documento``.

    ``cod_ref`` as in ``nota_credito``: ``"anula"`` (default; copies the lines),
    ``"corrige_texto"`` (one line of 0) or ``"corrige_montos"`` (``lines`` required). Emisor,
    receptor, currency, IndServicio and OtraMoneda's currency and rate default to the
    document's (pass ``tipo_cambio`` for the rate of the note's date). Without ``documento``,
    give ``tipo_doc_ref`` (110...), ``folio_ref``, ``fecha_ref``, the parties and ``moneda``.
    """
    return _export_note(
        DTEType.NOTA_CREDITO_EXPORTACION,
        documento,
        cod_ref=cod_ref,
        razon=razon,
        lines=lines,
        emisor=emisor,
        receptor=receptor,
        moneda=moneda,
        tipo_cambio=tipo_cambio,
        otra_moneda=otra_moneda,
        tipo_doc_ref=tipo_doc_ref,
        folio_ref=folio_ref,
        fecha_ref=fecha_ref,
        fecha=fecha,
        folio=folio,
        descuentos_recargos=descuentos_recargos,
        referencias=referencias,
        id_doc=id_doc,
        check=check,
    )


def nota_debito_exportacion(
    documento: Document | None = None,
    *,
    cod_ref: CodRefInput = CodRef.CORRIGE_MONTOS,
    razon: str | None = None,
    lines: Iterable[LineInput] | None = None,
    emisor: EmisorInput | None = None,
    receptor: ReceptorInput | None = None,
    moneda: MonedaInput | None = None,
    tipo_cambio: RateInput | None = None,
    otra_moneda: MonedaInput | None = None,
    tipo_doc_ref: DTEType | str | int | None = None,
    folio_ref: int | str | None = None,
    fecha_ref: date | None = None,
    fecha: date | None = None,
    folio: int = 0,
    descuentos_recargos: Iterable[GlobalInput] | None = None,
    referencias: Sequence[ReferenciaInput] = (),
    id_doc: Mapping[str, Any] | None = None,
    check: bool = True,
) -> Document:
    """Nota de débito de exportación electrónica (111): same arguments as
    ``nota_credito_exportacion``; default ``"corrige_montos"`` (``lines`` = the amounts added),
    ``"anula"`` on a 112 annuls it."""
    return _export_note(
        DTEType.NOTA_DEBITO_EXPORTACION,
        documento,
        cod_ref=cod_ref,
        razon=razon,
        lines=lines,
        emisor=emisor,
        receptor=receptor,
        moneda=moneda,
        tipo_cambio=tipo_cambio,
        otra_moneda=otra_moneda,
        tipo_doc_ref=tipo_doc_ref,
        folio_ref=folio_ref,
        fecha_ref=fecha_ref,
        fecha=fecha,
        folio=folio,
        descuentos_recargos=descuentos_recargos,
        referencias=referencias,
        id_doc=id_doc,
        check=check,
    )


def _with_iva(comision: ComisionInput) -> dict[str, Any]:
    """A commission with its ValComIVA (19% of ValComNeto) when left out."""
    model = comision if isinstance(comision, Comision) else Comision.model_validate(comision)
    data: dict[str, Any] = _model_dict(
        model.model_copy(update={"val_com_iva": comision_iva(model)})
    )
    return data


def liquidacion_factura(
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    comisiones: Iterable[ComisionInput] = (),
    tipo_doc_liq: DTEType | str | int = DTEType.FACTURA,
    fecha: date | None = None,
    folio: int = 0,
    forma_pago: int | None = None,
    medio_pago: str | None = None,
    fecha_vencimiento: date | None = None,
    montos_brutos: bool = False,
    referencias: Iterable[ReferenciaInput] = (),
    id_doc: Mapping[str, Any] | None = None,
    check: bool = True,
) -> Document:
    """Liquidación-factura electrónica (43): a consignee liquidates the sales it made for the
    receptor (the consignor) and deducts its commissions and other charges.

    ``lines`` are the sales, taxed as on a factura; each line's TpoDocLiq (the type of the
    document it was sold with) defaults to ``tipo_doc_liq`` (33). ``comisiones``: dicts or
    ``Comision`` (TipoMovim ``"C"`` comisión or ``"O"`` otro cargo, Glosa, ValComNeto,
    ValComExe, TasaComision); ValComIVA is 19% of ValComNeto unless given. MntTotal = MntNeto +
    MntExe + IVA - the charges (Totales/Comisiones).
    """
    liq = str(int(tipo_doc_liq)) if isinstance(tipo_doc_liq, int) else str(tipo_doc_liq)
    prepared = []
    for line in lines:
        data = _model_dict(line)
        if data.get("TpoDocLiq") is None and data.get("tpo_doc_liq") is None:
            data["TpoDocLiq"] = liq
        prepared.append(data)
    try:
        charges = [_with_iva(c) for c in comisiones]
    except pydantic.ValidationError as exc:
        raise document_error(exc, "a commission", prefix="Comisiones") from None
    extra = {
        **(dict(id_doc) if id_doc else {}),
        **_payment(forma_pago, medio_pago, fecha_vencimiento),
    }
    if montos_brutos:
        extra["MntBruto"] = 1
    return build(
        DTEType.LIQUIDACION_FACTURA,
        emisor=emisor,
        receptor=receptor,
        lines=prepared,
        fecha=fecha,
        folio=folio,
        id_doc=extra,
        referencias=referencias,
        comisiones=charges,
        check=check,
    )
