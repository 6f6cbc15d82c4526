"""Checks shared by every document's rules: what counts as blank, and one Referencia's fields."""

from __future__ import annotations

from typing import Any

from haulmer.dte.models import Referencia
from haulmer.errors import ErrorDetail

__all__ = ["blank", "reference_field_problems"]


def blank(value: Any) -> bool:
    """Missing for the SII: None, an empty list, or text that is only spaces."""
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def reference_field_problems(ref: Referencia, where: str, example: str) -> list[ErrorDetail]:
    """TpoDocRef, FolioRef and FchRef required, CodRef 1-3; ``example`` shows valid TpoDocRef."""
    problems: list[ErrorDetail] = []
    if blank(ref.tipo_doc_ref):
        problems.append(ErrorDetail(f"{where}.TpoDocRef", f"required (e.g. {example})"))
    if blank(ref.folio_ref):
        problems.append(ErrorDetail(f"{where}.FolioRef", "required"))
    if ref.fecha_ref is None:
        problems.append(ErrorDetail(f"{where}.FchRef", "required (the referenced date)"))
    if isinstance(ref.cod_ref, str):
        problems.append(ErrorDetail(f"{where}.CodRef", "must be 1, 2 or 3"))
    return problems
