"""The builder of the liquidación-factura (43): sales liquidated for a consignor."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

import pydantic

from haulmer._numbers import own_arithmetic
from haulmer._shown import shown
from haulmer.dte.argument_errors import ArgumentTypeError
from haulmer.dte.builders.base import (
    build,
    document_options,
    flag,
    line_dict,
    model_dict,
    payment_id_doc,
    set_once,
)
from haulmer.dte.builders.inputs import (
    ComisionInput,
    EmisorInput,
    LineInput,
    PaymentOptions,
    ReceptorInput,
    check_options,
    item_place,
    listed,
)
from haulmer.dte.catalogue import DTEType
from haulmer.dte.document import Document, document_error, unreadable_number
from haulmer.dte.models import Comision
from haulmer.dte.totals import comision_iva
from haulmer.errors import DocumentError, ErrorDetail

if sys.version_info >= (3, 11):  # at run time too: typing.get_type_hints reads **fields
    from typing import Unpack
else:
    from typing_extensions import Unpack

__all__ = ["liquidacion_factura"]


def _with_iva(comision: ComisionInput) -> dict[str, Any]:
    """A commission with its ValComIVA (19% of ValComNeto) when left out."""
    model = comision if isinstance(comision, Comision) else Comision.model_validate(comision)
    data: dict[str, Any] = model_dict(model.model_copy(update={"val_com_iva": comision_iva(model)}))
    return data


@own_arithmetic
def liquidacion_factura(
    *,
    emisor: EmisorInput,
    receptor: ReceptorInput,
    lines: Iterable[LineInput],
    comisiones: Iterable[ComisionInput] = (),
    tipo_doc_liq: DTEType | str | int = DTEType.FACTURA,
    montos_brutos: bool = False,
    **options: Unpack[PaymentOptions],
) -> Document:
    """Liquidación-factura electrónica (43): a consignee liquidates the sales it made for the
    receptor (the consignor) and deducts its commissions and other charges.

    ``lines`` are the sales, taxed as on a factura; each line's TpoDocLiq (the type of the
    document it was sold with) defaults to ``tipo_doc_liq`` (33). ``comisiones``: dicts or
    ``Comision`` (TipoMovim ``"C"`` comisión or ``"O"`` otro cargo, Glosa, ValComNeto,
    ValComExe, TasaComision); ValComIVA is 19% of ValComNeto unless given. MntTotal = MntNeto +
    MntExe + IVA - the charges (Totales/Comisiones). ``options`` as in ``factura`` (a
    Liquidacion has no global discounts).
    """
    check_options("liquidacion_factura", options, PaymentOptions)
    if isinstance(tipo_doc_liq, str):
        liq = tipo_doc_liq
    elif isinstance(tipo_doc_liq, int) and not isinstance(tipo_doc_liq, bool):
        if not 0 < tipo_doc_liq < 1000:  # TpoDocLiq has 3 digits
            raise DocumentError(
                f"tipo_doc_liq must be the type of the document sold (33), got "
                f"{shown(tipo_doc_liq)}",
                [ErrorDetail("Detalle.TpoDocLiq", "a document type of up to 3 digits")],
            )
        liq = str(tipo_doc_liq)
    else:
        issue = f"tipo_doc_liq must be a document type code (33), got {type(tipo_doc_liq).__name__}"
        raise ArgumentTypeError(issue, [ErrorDetail("Detalle.TpoDocLiq", issue)])
    prepared = []
    for index, line in enumerate(listed(lines, "lines")):
        data = line_dict(line, place=item_place("lines", index))
        if data.get("TpoDocLiq") is None and data.get("tpo_doc_liq") is None:
            data["TpoDocLiq"] = liq
        prepared.append(data)
    charges = []
    for index, comision in enumerate(listed(comisiones, "comisiones")):
        try:
            charges.append(_with_iva(comision))
        except pydantic.ValidationError as exc:
            where = f"Comisiones[{index + 1}]"
            raise document_error(exc, f"the commission {where}", prefix=where) from None
        except ValueError as exc:
            raise unreadable_number(exc, f"the commission Comisiones[{index + 1}]") from None
    id_doc = payment_id_doc(options)
    gross = 1 if flag(montos_brutos, "montos_brutos") else None
    set_once(id_doc, "MntBruto", "mnt_bruto", gross, default=None)
    return build(
        DTEType.LIQUIDACION_FACTURA,
        emisor=emisor,
        receptor=receptor,
        lines=prepared,
        comisiones=charges,
        **document_options(options, id_doc=id_doc),
    )
