"""How the fake reads an issued document's Referencia: its list, and whether one names a given
document, by its type and its folio read as a number ("0012" is folio 12, as the SDK reads it)."""

from __future__ import annotations

from typing import Any

from haulmer.testing.openfactura._state import IssuedDocument
from haulmer.testing.openfactura._wire import whole_number

__all__ = ["annuls", "references", "refers_to"]


def references(doc: IssuedDocument) -> list[dict[str, Any]]:
    """``doc``'s Referencia as a list of dicts (one written alone included)."""
    found = doc.dte.get("Referencia") or []
    if isinstance(found, dict):
        found = [found]
    return [ref for ref in found if isinstance(ref, dict)]


def refers_to(ref: dict[str, Any], dte_type: int, folio: int) -> bool:
    """Whether ``ref`` names document ``dte_type`` ``folio``."""
    return (
        str(ref.get("TpoDocRef", "")).strip() == str(dte_type)
        and whole_number(str(ref.get("FolioRef", "")).strip()) == folio
    )


def annuls(doc: IssuedDocument, dte_type: int, folio: int) -> bool:
    """Whether ``doc`` is a nota de crédito annulling document ``dte_type`` ``folio`` (CodRef 1)."""
    return doc.dte_type == 61 and any(
        refers_to(ref, dte_type, folio) and str(ref.get("CodRef", "")).strip() == "1"
        for ref in references(doc)
    )
