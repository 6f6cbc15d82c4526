"""The RUTs of a document by their SII path, and those whose check digit is wrong.

The lenient reading (``Document.from_sii_dict``: OpenFactura's JSON, a received dict) does not
verify check digits; the SII refuses a document with any wrong one, so ``check()`` names them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from haulmer._lazy import LazyModule
from haulmer.errors import ErrorDetail
from haulmer.rut import Rut, check_digit_advice, stand_in_problem

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports this module: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

__all__ = ["check_digit_problems", "emisor_stand_in_problems", "rut_paths"]


def rut_paths(document: _document.Document) -> list[tuple[str, Rut | None]]:
    """Every RUT of ``document`` (None where left out), by its SII path."""
    encabezado = document.encabezado
    ruts: list[tuple[str, Rut | None]] = [
        ("Encabezado.Emisor.RUTEmisor", encabezado.emisor.rut),
        ("Encabezado.Emisor.RUTProveedor", encabezado.emisor.proveedor_rut),
        ("Encabezado.RUTMandante", encabezado.rut_mandante),
        ("Encabezado.Receptor.RUTRecep", encabezado.receptor.rut),
        ("Encabezado.RUTSolicita", encabezado.rut_solicita),
        ("Encabezado.RUTProvSW", encabezado.rut_prov_sw),
    ]
    transporte = encabezado.transporte
    if transporte is not None:
        ruts.append(("Encabezado.Transporte.RUTTrans", transporte.rut_transportista))
        if transporte.chofer is not None:
            ruts.append(("Encabezado.Transporte.Chofer.RUTChofer", transporte.chofer.rut))
        if transporte.aduana is not None:
            ruts.append(
                ("Encabezado.Transporte.Aduana.RUTCiaTransp", transporte.aduana.rut_cia_transp)
            )
    ruts += [
        (f"Detalle[{index + 1}].RUTMandante", line.rut_mandante)
        for index, line in enumerate(document.detalle)
        if line.rut_mandante is not None
    ]
    ruts += [
        (f"Referencia[{index + 1}].RUTOtr", referencia.rut_otro)
        for index, referencia in enumerate(document.referencias)
    ]
    return ruts


def check_digit_problems(document: _document.Document) -> list[ErrorDetail]:
    """Each RUT of ``document`` whose check digit is wrong, with the right one."""
    return [
        ErrorDetail(path, f"{rut} has a wrong check digit: {check_digit_advice(rut.number)}")
        for path, rut in rut_paths(document)
        if rut is not None and not rut.is_dv_valid
    ]


def emisor_stand_in_problems(document: _document.Document) -> list[ErrorDetail]:
    """The emisor's RUT when it is one of the SII's stand-ins for a receptor (66666666-6,
    55555555-5): no company's, so no document of any type is issued under it."""
    rut = document.encabezado.emisor.rut
    problem = None if rut is None else stand_in_problem(rut)
    return [] if problem is None else [ErrorDetail("Encabezado.Emisor.RUTEmisor", problem)]
