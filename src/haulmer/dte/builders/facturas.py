"""Builders of facturas (33, 34, 46) and of the guía de despacho (52): sales in a Documento."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from haulmer._numbers import own_arithmetic
from haulmer._shown import shown
from haulmer.dte.builders.base import (
    build,
    document_options,
    exempt_globals,
    exempt_lines,
    flag,
    payment_id_doc,
    retained_lines,
    set_once,
)
from haulmer.dte.builders.inputs import (
    DocumentOptions,
    EmisorInput,
    LineInput,
    PaymentOptions,
    ReceptorInput,
    TransporteInput,
    check_options,
)
from haulmer.dte.catalogue import DTEType
from haulmer.dte.document import Document
from haulmer.dte.totals import RETAINED_CODES, SII_TAX_CODES
from haulmer.errors import DocumentError, ErrorDetail

if sys.version_info >= (3, 11):  # at run time too: typing.get_type_hints reads **fields
    from typing import Unpack
else:
    from typing_extensions import Unpack

__all__ = ["factura", "factura_compra", "factura_exenta", "guia_despacho"]


@own_arithmetic
def factura(
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    montos_brutos: bool = False,
    **options: Unpack[PaymentOptions],
) -> Document:
    """Factura electrónica (33): net prices (``montos_brutos=True`` for IVA-included prices).

    Lines with ``ind_exe=1`` are exempt; ``forma_pago`` 1 contado, 2 crédito, 3 sin costo.
    An empresa constructora gives its crédito especial as ``credito_constructoras`` (CredEC).
    ``options``: ``PaymentOptions`` (``fecha``, ``folio``, ``forma_pago``, ``medio_pago``,
    ``fecha_vencimiento``, ``descuentos_recargos``, ``referencias``, ``id_doc``, ``check``).
    """
    check_options("factura", options, PaymentOptions)
    id_doc = payment_id_doc(options)
    gross = 1 if flag(montos_brutos, "montos_brutos") else None
    set_once(id_doc, "MntBruto", "mnt_bruto", gross, default=None)
    return build(
        DTEType.FACTURA,
        emisor=emisor,
        receptor=receptor,
        lines=lines,
        **document_options(options, id_doc=id_doc),
    )


@own_arithmetic
def factura_exenta(
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    **options: Unpack[PaymentOptions],
) -> Document:
    """Factura no afecta o exenta electrónica (34): every line exempt (IndExe 1), no IVA.

    Global discounts and surcharges apply to the exempt amount (IndExeDR 1) unless they say 2.
    ``options`` as in :func:`factura`.
    """
    check_options("factura_exenta", options, PaymentOptions)
    return build(
        DTEType.FACTURA_EXENTA,
        emisor=emisor,
        receptor=receptor,
        lines=exempt_lines(lines),
        **document_options(
            options,
            id_doc=payment_id_doc(options),
            descuentos_recargos=exempt_globals(options.get("descuentos_recargos", ())),
        ),
    )


@own_arithmetic
def factura_compra(
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    retencion: str | None = "15",
    **options: Unpack[PaymentOptions],
) -> Document:
    """Factura de compra electrónica (46): the buyer issues it and retains the seller's IVA.

    ``retencion`` is the CodImpAdic given to afecto lines that carry no retention, beside an
    additional tax a line carries: ``"15"`` IVA retenido total (default; MntTotal = MntNeto), a
    partial code such as ``"34"`` trigo (4%), or None for no retention. Lines may set their own
    retention in ``cod_imp_adic``. The emisor is the buyer.
    ``options`` as in :func:`factura`.
    """
    check_options("factura_compra", options, PaymentOptions)
    return build(
        DTEType.FACTURA_COMPRA,
        emisor=emisor,
        receptor=receptor,
        lines=retained_lines(lines, _retention_code(retencion)),
        **document_options(options, id_doc=payment_id_doc(options)),
    )


def _retention_code(value: object) -> str | None:
    """``factura_compra``'s ``retencion`` as a code of the SII's table that retains IVA, or a
    DocumentError: an additional tax's code there would add a tax instead of retaining the IVA."""
    if value is None:
        return None
    code = (
        str(value).strip()
        if isinstance(value, (str, int)) and not isinstance(value, bool)
        else None
    )
    if code in RETAINED_CODES:
        return code
    what = "an additional tax" if code in SII_TAX_CODES else "no code of the SII's table"
    issue = (
        f"{shown(value)} is {what}, not an IVA retention: give a code of "
        "haulmer.dte.totals.RETAINED_CODES (15 IVA retenido total, 34 trigo...), or None for no "
        "retention; an additional tax goes on its lines as cod_imp_adic"
    )
    raise DocumentError(f"retencion {issue}", [ErrorDetail("retencion", issue)])


@own_arithmetic
def guia_despacho(
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    ind_traslado: int,
    tipo_despacho: int | None = None,
    transporte: TransporteInput | None = None,
    **options: Unpack[DocumentOptions],
) -> Document:
    """Guía de despacho electrónica (52): goods on the move.

    ``ind_traslado``: 1 operación constituye venta, 2 ventas por efectuar, 3 consignaciones,
    4 entrega gratuita, 5 traslado interno, 6 otros traslados no venta, 7 guía de devolución,
    8 traslado para exportación, 9 venta para exportación. ``tipo_despacho``: 1 por cuenta del
    receptor, 2 del emisor a instalaciones del cliente, 3 del emisor a otras instalaciones.
    ``options``: ``DocumentOptions`` (``fecha``, ``folio``, ``descuentos_recargos``,
    ``referencias``, ``id_doc``, ``check``).
    """
    check_options("guia_despacho", options, DocumentOptions)
    id_doc: dict[str, Any] = dict(options.get("id_doc") or {})
    set_once(id_doc, "IndTraslado", "ind_traslado", ind_traslado, default=None)
    set_once(id_doc, "TipoDespacho", "tipo_despacho", tipo_despacho, default=None)
    return build(
        DTEType.GUIA_DESPACHO,
        emisor=emisor,
        receptor=receptor,
        lines=lines,
        transporte=transporte,
        **document_options(options, id_doc=id_doc),
    )
