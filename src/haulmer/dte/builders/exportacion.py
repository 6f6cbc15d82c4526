"""The builder of the factura de exportación (110), and the export document its notes share.

Exports are exempt and in the sale's currency; with a ``tipo_cambio`` their totals are restated
in pesos (OtraMoneda). The receptor's RUT is 55555555-5 unless given.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

import pydantic

from haulmer._numbers import own_arithmetic
from haulmer._shown import shown
from haulmer.dte.builders.base import (
    PARTY_PLACES,
    build,
    document_options,
    exempt_globals,
    exempt_lines,
    model_dict,
    set_once,
)
from haulmer.dte.builders.inputs import (
    AduanaInput,
    DocumentOptions,
    EmisorInput,
    LineInput,
    MonedaInput,
    RateInput,
    ReceptorInput,
    TransporteInput,
    check_options,
    mapping_argument,
)
from haulmer.dte.catalogue import DTEType
from haulmer.dte.document import Document
from haulmer.dte.exports import Moneda
from haulmer.dte.models import Aduana
from haulmer.errors import DocumentError, ErrorDetail

if sys.version_info >= (3, 11):  # at run time too: typing.get_type_hints reads **fields
    from typing import Unpack
else:
    from typing_extensions import Unpack

__all__ = ["export_document", "factura_exportacion"]


def _export_receptor(receptor: ReceptorInput) -> dict[str, Any]:
    """The foreign receptor without a phone (the DTE schema has no TelefonoRecep); ``build``
    fills the RUT every export carries (55555555-5) unless given."""
    data: dict[str, Any] = model_dict(receptor, PARTY_PLACES["receptor"])
    data.pop("TelefonoRecep", None)
    data.pop("telefono", None)
    return data


def _aduana_by_sii_name(value: Any) -> dict[str, Any]:
    """Customs data given in Python or SII names, by SII name (as given when it does not fit
    the model: ``build`` names the problem)."""
    data = model_dict(value)
    try:
        model = Aduana.model_validate(data)
    except pydantic.ValidationError:
        return dict(data)
    by_name: dict[str, Any] = model.model_dump(by_alias=True, exclude_unset=True)
    return by_name


def _export_transporte(
    transporte: TransporteInput | None, aduana: AduanaInput | None
) -> dict[str, Any] | None:
    """Transporte with ``aduana`` merged into the Aduana it may already hold (the packages in
    one, the sale's clause in the other); a field given differently in both is refused."""
    if transporte is None and aduana is None:
        return None
    data = model_dict(transporte) if transporte is not None else {}
    if aduana is None:
        return data
    merged = _aduana_by_sii_name(aduana)
    for key in ("Aduana", "aduana"):
        held = data.pop(key, None)
        if held is None:
            continue
        for name, value in _aduana_by_sii_name(held).items():
            if name in merged and merged[name] != value:
                issue = (
                    f"is {shown(merged[name])} in aduana= and {shown(value)} in "
                    "transporte's Aduana: give it once"
                )
                raise DocumentError(
                    f"Aduana.{name} is given twice, differently: {issue}",
                    [ErrorDetail(f"Encabezado.Transporte.Aduana.{name}", issue)],
                )
            merged[name] = value
    data["Aduana"] = merged
    return data


def _rate_meaning(moneda: MonedaInput | None) -> str:
    """What tipo_cambio is for a sale in ``moneda``, as ``compute_otra_moneda`` reads it: the
    Banco Central's pesos per unit of the other currency for a sale in pesos (the totals are
    divided by it), else the units of the other currency per unit of the sale's."""
    per_unit = "units of it per unit of the sale's currency"
    pesos = "the Banco Central's pesos per unit of it, which the totals in pesos are divided by"
    if moneda is None:
        return f"{per_unit}; for a sale in pesos, {pesos}"
    return pesos if getattr(moneda, "value", moneda) == Moneda.PESO_CHILENO.value else per_unit


def export_document(
    tipo: DTEType,
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    moneda: MonedaInput | None,
    tipo_cambio: RateInput | None,
    otra_moneda: MonedaInput | None,
    id_doc: dict[str, Any],
    options: DocumentOptions,
    transporte: dict[str, Any] | None = None,
) -> Document:
    """An export (110, 111, 112): exempt lines and discounts, its currency, OtraMoneda at
    ``tipo_cambio`` (in ``otra_moneda``, pesos when None), the foreign receptor. An
    ``otra_moneda`` without a rate is refused: OtraMoneda's amounts come from it."""
    otra = None
    if tipo_cambio is not None:
        currency = otra_moneda if otra_moneda is not None else Moneda.PESO_CHILENO
        otra = {"TpoMoneda": currency, "TpoCambio": tipo_cambio}
    elif otra_moneda is not None:
        issue = (
            f"otra_moneda={shown(getattr(otra_moneda, 'value', otra_moneda))} restates the totals "
            f"at a rate: pass tipo_cambio= ({_rate_meaning(moneda)}), or leave otra_moneda out"
        )
        raise DocumentError(
            f"the {tipo.label}: {issue}", [ErrorDetail("Encabezado.OtraMoneda.TpoCambio", issue)]
        )
    return build(
        tipo,
        emisor=emisor,
        receptor=_export_receptor(receptor),
        lines=exempt_lines(lines),
        transporte=transporte,
        moneda=moneda,
        otra_moneda=otra,
        **document_options(
            options,
            id_doc=id_doc,
            descuentos_recargos=exempt_globals(options.get("descuentos_recargos", ())),
        ),
    )


@own_arithmetic
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
    **options: Unpack[DocumentOptions],
) -> Document:
    """Factura de exportación electrónica (110): exempt, in the sale's currency.

    ``moneda`` is Totales/TpoMoneda (a ``Moneda`` or its SII name, ``"DOLAR USA"``); prices and
    MontoItem are in it, rounded half up to 4 decimals (whole units for ``"PESO CL"``).
    ``tipo_cambio`` adds OtraMoneda: the totals in ``otra_moneda`` (pesos by default) at that
    rate, the Banco Central's pesos per unit of the foreign currency (a sale in pesos restated
    in dollars is divided by it; OtraMoneda in the sale's own currency is refused). The
    receptor's RUT defaults to 55555555-5 (identify the foreigner in
    ``receptor["extranjero"]``). Goods need ``aduana`` (CodModVenta, CodClauVenta,
    TotClauVenta, CodViaTransp, ports, countries); services set ``ind_servicio`` (3 servicios,
    4 hotel, 5 transporte terrestre internacional) instead; ``aduana`` joins the Aduana that
    ``transporte`` may hold (its packages, TipoBultos). ``forma_pago_exportacion`` is
    FmaPagExp (Aduana's table: 1 COB1, 11 ACRED, 21 sin pago, 32 anticipo...).
    ``options``: ``DocumentOptions`` (``fecha``, ``folio``, ``descuentos_recargos``,
    ``referencias``, ``id_doc``, ``subtotales``, ``manejo_madera``, ``check``; an export's
    schema has no GeoRefEmision, so ``geo_ref_emision`` is refused).
    """
    check_options("factura_exportacion", options, DocumentOptions)
    for name, value in (
        ("emisor", emisor),
        ("receptor", receptor),
        ("transporte", transporte),
        ("aduana", aduana),
    ):
        mapping_argument(value, name)
    id_doc: dict[str, Any] = dict(options.get("id_doc") or {})
    set_once(id_doc, "IndServicio", "ind_servicio", ind_servicio, default=None)
    set_once(id_doc, "FmaPagExp", "forma_pago_exportacion", forma_pago_exportacion, default=None)
    return export_document(
        DTEType.FACTURA_EXPORTACION,
        emisor=emisor,
        receptor=receptor,
        lines=lines,
        moneda=moneda,
        tipo_cambio=tipo_cambio,
        otra_moneda=None if otra_moneda == Moneda.PESO_CHILENO else otra_moneda,
        id_doc=id_doc,
        options=options,
        transporte=_export_transporte(transporte, aduana),
    )
