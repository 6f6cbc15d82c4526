"""Builders of boletas (39, 41): sales to consumers, in EnvioBOLETA_v11's names and subset."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from haulmer._numbers import own_arithmetic
from haulmer.dte.builders.base import (
    boleta_emisor,
    build,
    document_options,
    exempt_globals,
    exempt_lines,
    flag,
    set_once,
)
from haulmer.dte.builders.inputs import (
    DocumentOptions,
    EmisorInput,
    LineInput,
    ReceptorInput,
    check_options,
)
from haulmer.dte.catalogue import DTEType
from haulmer.dte.document import Document
from haulmer.rut import GENERIC_RECEPTOR_RUT

if sys.version_info >= (3, 11):  # at run time too: typing.get_type_hints reads **fields
    from typing import Unpack
else:
    from typing_extensions import Unpack

__all__ = ["boleta", "boleta_exenta"]


def _boleta(
    tipo: DTEType,
    emisor: EmisorInput,
    lines: Iterable[LineInput],
    receptor: ReceptorInput | None,
    id_doc: dict[str, Any],
    options: DocumentOptions,
) -> Document:
    exempt = tipo.is_exempt
    globales = options.get("descuentos_recargos", ())
    return build(
        tipo,
        emisor=boleta_emisor(emisor),
        receptor=receptor if receptor is not None else {"RUTRecep": GENERIC_RECEPTOR_RUT},
        lines=exempt_lines(lines, prices="gross") if exempt else lines,
        **document_options(
            options,
            id_doc=id_doc,
            descuentos_recargos=exempt_globals(globales) if exempt else globales,
        ),
    )


def _boleta_id_doc(
    options: DocumentOptions, ind_servicio: int | None, medio_pago: int | str | None
) -> dict[str, Any]:
    """IdDoc of a boleta: ``id_doc`` with IndServicio (the argument, else id_doc's, else 3
    ventas y servicios) and MedioPago (the argument or id_doc's); each given both ways must
    agree."""
    id_doc: dict[str, Any] = dict(options.get("id_doc") or {})
    set_once(id_doc, "IndServicio", "ind_servicio", ind_servicio, default=3)
    set_once(id_doc, "MedioPago", "medio_pago", medio_pago, default=None)
    return id_doc


@own_arithmetic
def boleta(
    *,
    emisor: EmisorInput,
    lines: Iterable[LineInput],
    receptor: ReceptorInput | None = None,
    ind_servicio: int | None = None,
    montos_netos: bool = False,
    medio_pago: int | str | None = None,
    **options: Unpack[DocumentOptions],
) -> Document:
    """Boleta electrónica (39): gross prices (IVA included) split into MntNeto and IVA.

    The receptor defaults to the anonymous 66666666-6; ``ind_servicio`` (IndServicio, or
    ``id_doc``'s) defaults to 3 = ventas y servicios; ``montos_netos=True`` (IndMntNeto 2) for
    net line prices. The issuer keeps only the boleta's fields (RznSocEmisor, GiroEmisor,
    CdgSIISucur, address). ``options``: ``DocumentOptions``
    (``fecha``, ``folio``, ``descuentos_recargos``, ``referencias``, ``id_doc``, ``check``).
    """
    check_options("boleta", options, DocumentOptions)
    id_doc = _boleta_id_doc(options, ind_servicio, medio_pago)
    net = 2 if flag(montos_netos, "montos_netos") else None
    set_once(id_doc, "IndMntNeto", "ind_mnt_neto", net, default=None)
    return _boleta(DTEType.BOLETA, emisor, lines, receptor, id_doc, options)


@own_arithmetic
def boleta_exenta(
    *,
    emisor: EmisorInput,
    lines: Iterable[LineInput],
    receptor: ReceptorInput | None = None,
    ind_servicio: int | None = None,
    medio_pago: int | str | None = None,
    **options: Unpack[DocumentOptions],
) -> Document:
    """Boleta no afecta o exenta electrónica (41): every line exempt, MntExe and MntTotal.

    ``options`` as in :func:`boleta`.
    """
    check_options("boleta_exenta", options, DocumentOptions)
    id_doc = _boleta_id_doc(options, ind_servicio, medio_pago)
    return _boleta(DTEType.BOLETA_EXENTA, emisor, lines, receptor, id_doc, options)
