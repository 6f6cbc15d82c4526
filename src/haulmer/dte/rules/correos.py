"""The e-mail addresses of a document (CorreoEmisor, CorreoRecep) that are no address.

The SII's MailType is an e-mail address ("Dirección email") of at most 80 characters; its
schema checks only the length, so any text passed. The receptor's copy and the answers go to
these addresses, so ``check()`` names one that is none.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from haulmer._lazy import LazyModule
from haulmer._shown import shown
from haulmer.errors import ErrorDetail

if TYPE_CHECKING:
    from haulmer.dte import document as _document
else:  # haulmer.dte.document imports this module: ``_document.Document`` resolves once loaded
    _document = LazyModule("haulmer.dte.document")

__all__ = ["E_MAIL_ADDRESS", "e_mail_problems"]

E_MAIL_ADDRESS: Final = re.compile(r"[^@\s]+@(?:[^@\s.]+\.)+[^@\s.]+")
"""One e-mail address, matched whole: ``name@domain``, no blanks, one ``@``, the domain
dot-separated labels, none empty (``x.cl.`` and ``x..cl`` deliver nowhere)."""


def e_mail_problems(document: _document.Document) -> list[ErrorDetail]:
    """CorreoEmisor and CorreoRecep when given and no e-mail address."""
    encabezado = document.encabezado
    problems = []
    for path, value in (
        ("Encabezado.Emisor.CorreoEmisor", encabezado.emisor.correo),
        ("Encabezado.Receptor.CorreoRecep", encabezado.receptor.correo),
    ):
        if value is None or E_MAIL_ADDRESS.fullmatch(value):
            continue
        element = path.rpartition(".")[2]
        several = value.count("@") > 1
        advice = (
            f"the SII's {element} holds one address: keep one"
            if several
            else f"give an address such as ventas@empresa.cl, or leave {element} out"
        )
        problems.append(ErrorDetail(path, f"{shown(value)} is not an e-mail address: {advice}"))
    return problems
