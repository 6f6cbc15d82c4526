"""An argument of the wrong kind, named: the error the builders and ``Document``'s methods
raise for a text where whole pesos go, a list where the tax rates go, and the like.

It is a ``DocumentError`` naming the argument and its element, and a ``TypeError`` as Python
raises for a wrong kind, so code catching either catches it.
"""

from __future__ import annotations

from haulmer._shown import shown
from haulmer.errors import DocumentError, ErrorDetail

__all__ = [
    "FLAGS",
    "RATES_TAKE",
    "WHOLE_PESOS",
    "ArgumentTypeError",
    "credito_pesos",
    "flag",
    "kind_of",
    "whole_pesos",
]


class ArgumentTypeError(DocumentError, TypeError):
    """An argument of a builder or a ``Document`` method of the wrong kind (a dict where a list
    goes, a text where a dict goes): a DocumentError naming where it goes, and a TypeError as
    it was before."""


WHOLE_PESOS: dict[str, tuple[str, str]] = {
    "saldo_anterior": (
        "Encabezado.Totales.SaldoAnterior",
        "the SaldoAnterior in whole pesos (an int, negative for a balance in the receptor's "
        "favour)",
    ),
    "credito_constructoras": ("Encabezado.Totales.CredEC", "the CredEC in whole pesos (an int)"),
}
"""The arguments that are whole pesos: their SII element and what they are."""

RATES_TAKE = 'a mapping of tax codes to rates ({"28": Decimal("2.5")})'
"""What ``tasas_adicionales`` is, for an error."""


FLAGS: dict[str, str] = {
    "check": "check",
    "montos_brutos": "Encabezado.IdDoc.MntBruto",
    "montos_netos": "Encabezado.IdDoc.IndMntNeto",
    "for_stamping": "for_stamping",
}
"""The yes-or-no arguments: the SII element they set (``check`` and ``for_stamping`` set
none)."""


def flag(value: object, name: str) -> bool:
    """A yes-or-no argument, ``True`` or ``False``; an ArgumentTypeError naming ``name``
    otherwise: ``"no"`` or ``"false"`` are true to Python and would choose the other prices,
    or ask for a CAF's folio."""
    if not isinstance(value, bool):
        issue = f"{name} is True or False, got {shown(value)}"
        raise ArgumentTypeError(issue, [ErrorDetail(FLAGS.get(name, name), issue)])
    return value


def kind_of(value: object) -> str:
    """What ``value`` is, for an error: its type's name (a dict's, a list's...)."""
    return "None" if value is None else type(value).__name__


def whole_pesos(value: object, name: str) -> int | None:
    """``value`` when it is None or an int (not a bool); an ArgumentTypeError naming ``name``
    and its element (``WHOLE_PESOS``) otherwise."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    element, what = WHOLE_PESOS[name]
    issue = f"{name} is {what}, got {kind_of(value)}"
    raise ArgumentTypeError(issue, [ErrorDetail(element, issue)])


def credito_pesos(value: object) -> int | None:
    """``credito_constructoras`` as whole pesos (None or 0: no crédito); a DocumentError for
    one below 0, which no crédito is."""
    value = whole_pesos(value, "credito_constructoras")
    if value is None:
        return None
    if value < 0:
        raise DocumentError(
            f"credito_constructoras must be 0 or more pesos, got {value}",
            [ErrorDetail("Encabezado.Totales.CredEC", "a crédito is 0 or more pesos")],
        )
    return value or None
