"""The yes-or-no options of the sii functions, refused when they are no bool: ``"no"`` and
``"false"`` are true to Python, and would allow what the caller meant to refuse."""

from __future__ import annotations

from haulmer._shown import shown
from haulmer.errors import ValidationError

__all__ = ["yes_or_no"]


def yes_or_no(value: object, name: str, meaning: str) -> bool:
    """``value`` when it is True or False; a ValidationError naming ``name`` and saying what
    True does (``meaning``) otherwise."""
    if value is True or value is False:
        return value
    raise ValidationError(f"{name} must be True or False, not {shown(value)}: True {meaning}")
