"""RUTs whose check digit is wrong, worded one way for ``verify()``'s ``rut`` failures: the SII
checks every RUT it reads (a document's, its timbre's, its CAF's, its envelope's Caratula's)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Final

from haulmer._shown import shown
from haulmer.errors import ValidationError
from haulmer.rut import Rut, check_digit_advice
from haulmer.sii.caf import lenient_rut

__all__ = ["check_digit_problems"]


def check_digit_problems(texts: Mapping[str, str | None]) -> list[str]:
    """Each RUT among ``texts`` (field name -> its text, None when absent) whose check digit is
    wrong, once per RUT with every field that writes it. A text that is no RUT at all is left
    to the checks that read it (the schema, the timbre's disagreements)."""
    wrong: dict[Rut, list[str]] = {}
    for field, text in texts.items():
        if not text:
            continue
        rut = _wrong_rut(text) if len(text) <= _REMEMBERED_LENGTH else _judged_rut(text)
        if rut is not None:
            wrong.setdefault(rut, []).append(field)
    return [
        f"{' and '.join(fields)} {shown(str(rut))} "
        f"{'has' if len(fields) == 1 else 'have'} a wrong check digit: "
        f"{check_digit_advice(rut.number)}"
        for rut, fields in wrong.items()
    ]


def _judged_rut(text: str) -> Rut | None:
    """The RUT ``text`` writes when its check digit is wrong; None when it is right or ``text``
    is no RUT."""
    try:
        rut = lenient_rut(text)
    except ValidationError:
        return None
    return None if rut.is_dv_valid else rut


_REMEMBERED_LENGTH: Final = 24
_wrong_rut = lru_cache(maxsize=1024)(_judged_rut)
"""``_judged_rut`` remembered: a document writes its issuer's RUT three times (RUTEmisor, the
timbre's RE, its CAF's RE), and a sender's documents repeat it."""
