"""The Chilean RUT (Rol Único Tributario) as an immutable, validated value object.

``Rut("76.795.561-8")`` parses the forms people type (dots in thousands groups, optional hyphen,
lower-case k, surrounding spaces), checks the módulo-11 check digit and prints the SII's canonical
form ``76795561-8``. It is a pydantic v2 field type too. Pure: no I/O, no heavy imports.
"""

from __future__ import annotations

import re
from functools import total_ordering
from typing import TYPE_CHECKING, Any, ClassVar

from haulmer._shown import about_digits, shown
from haulmer.errors import InvalidRutError

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

__all__ = [
    "GENERIC_RECEPTOR_RUT",
    "MAX_RUT_NUMBER",
    "SII_RUT",
    "Rut",
]

MAX_RUT_NUMBER = 99_999_999
"""The largest RUT body the SII format admits (8 digits)."""
_MAX_DIGITS = len(str(MAX_RUT_NUMBER))

_ALLOWED = re.compile(r"[0-9.\-kK]*")
_GROUPED_BODY = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_DV = re.compile(r"[0-9K]")
_PLAIN = re.compile(r"([0-9]{1,8})-([0-9K])")
"""How RUTs are mostly written (``76795561-8``): read at once, without the checks for others."""
_STRICT_RUT = re.compile(r"(?:([0-9]+)|([0-9]{1,3}(?:\.[0-9]{3})+)(?=-))-?([0-9kK])")
"""What ``Rut(text)`` accepts after stripping: a plain or (with a hyphen) dotted body, the DV."""


_DV_OF_REMAINDER = "0K987654321"
"""The check digit for each ``total % 11`` of the módulo-11 sum (11 - r, with 11 -> 0, 10 -> K)."""


def _weighted_sums(weights: tuple[int, int, int, int]) -> list[int]:
    """For every 4-digit group, its digits (units first) times ``weights``, modulo 11."""
    sums = []
    for group in range(10_000):
        total = 0
        for weight in weights:
            group, digit = divmod(group, 10)
            total += digit * weight
        sums.append(total % 11)
    return sums


_LOW_SUMS: list[int] = []
_HIGH_SUMS: list[int] = []


def _compute_dv(number: int) -> str:
    """The módulo-11 check digit; the sums of the two 4-digit halves come from two tables
    (weights 2,3,4,5 then 6,7,2,3), made on first use, since a RUT has at most 8 digits."""
    if number >= 100_000_000:
        return _compute_dv_digit_by_digit(number)
    if not _LOW_SUMS:
        _HIGH_SUMS[:] = _weighted_sums((6, 7, 2, 3))
        _LOW_SUMS[:] = _weighted_sums((2, 3, 4, 5))
    high, low = divmod(number, 10_000)
    return _DV_OF_REMAINDER[(_LOW_SUMS[low] + _HIGH_SUMS[high]) % 11]


def check_digit_advice(number: int) -> str:
    """What follows "has a wrong check digit:" wherever a RUT is reported for it (``parse()``,
    ``verify()``): the right digit, the RUT written with it, and why it matters."""
    right = _compute_dv(number)
    return (
        f"the check digit of {number} is {right} ({number}-{right}), and the SII refuses a RUT "
        "whose check digit is wrong"
    )


def _compute_dv_digit_by_digit(number: int) -> str:
    total = 0
    factor = 2
    while number:
        number, digit = divmod(number, 10)
        total += digit * factor
        factor = 2 if factor == 7 else factor + 1
    return _DV_OF_REMAINDER[total % 11]


def _shown_int(number: int) -> str:
    """An int as a message shows it; one of thousands of digits (which Python will not write as
    text) by its size."""
    if number.bit_length() > 100:
        return f"of {about_digits(number)}"
    return str(number)


def _shown(text: str) -> str:
    """The user's text quoted for a message, cut short when it is long."""
    return repr(text) if len(text) <= 40 else repr(text[:37] + "...")


_TO_HYPHEN = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
)
"""Typeset dashes (hyphen, non-breaking hyphen, en and em dash, minus...) as the plain hyphen:
what a RUT copied from a PDF or a word processor carries where its hyphen goes."""


def _foreign_characters(shown: str, bad: set[str]) -> InvalidRutError:
    """The error for a RUT holding characters no RUT has, naming up to five of them."""
    ordered = sorted(bad)
    listed = ", ".join(repr(c) for c in ordered[:5]) + (", ..." if len(ordered) > 5 else "")
    return InvalidRutError(
        f"the RUT {shown} has characters a RUT cannot have ({listed}); "
        "use digits, dots, one hyphen and the check digit (0-9 or K)"
    )


def _split(text: str) -> tuple[str, str]:
    """Split typed text into (body digits, check digit) or raise InvalidRutError saying why."""
    if not isinstance(text, str):
        raise InvalidRutError(f"a RUT must be given as text, got {type(text).__name__}")
    cleaned = text.strip()
    if not cleaned:
        raise InvalidRutError("the RUT is empty; write it as 76795561-8 or 76.795.561-8")
    plain = _PLAIN.fullmatch(cleaned)
    if plain:
        return plain[1].lstrip("0") or "0", plain[2]
    shown = _shown(cleaned)
    if not _ALLOWED.fullmatch(cleaned):
        bad = {c for c in cleaned if not _ALLOWED.fullmatch(c)}
        hyphenated = cleaned.translate(_TO_HYPHEN)
        if hyphenated != cleaned and _ALLOWED.fullmatch(hyphenated):
            dashes = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in sorted(bad))
            raise InvalidRutError(
                f"the RUT {shown} has {dashes}, a typeset dash, not the plain hyphen '-' a RUT "
                f"takes: write it {_shown(hyphenated)} (Rut.parse(text, lenient=True) reads "
                "such dashes as hyphens)"
            )
        raise _foreign_characters(shown, bad)
    if cleaned.count("-") > 1:
        raise InvalidRutError(
            f"the RUT {shown} has more than one hyphen; write one, before the check digit"
        )
    if "-" in cleaned:
        body, dv = cleaned.split("-")
        if not dv:
            raise InvalidRutError(f"the RUT {shown} has no check digit after the hyphen")
    else:
        body, dv = cleaned[:-1], cleaned[-1:]
    dv = dv.upper()
    if len(dv) != 1 or not _DV.fullmatch(dv):
        raise InvalidRutError(
            f"the RUT {shown} has an invalid check digit {_shown(dv)}; it must be one digit or K"
        )
    if not body:
        raise InvalidRutError(f"the RUT {shown} has no number before the check digit")
    if "K" in body.upper():
        raise InvalidRutError(
            f"the RUT {shown} has a K before the end; K can only be the check digit"
        )
    if "." in body:
        if "-" not in cleaned or not _GROUPED_BODY.fullmatch(body):
            raise InvalidRutError(
                f"the RUT {shown} has dots in the wrong places; group the number in "
                "thousands with a hyphen before the check digit (76.795.561-8) or leave the "
                "dots out (76795561-8)"
                + (_missing_dv_hint(cleaned) if _GROUPED_BODY.fullmatch(cleaned) else "")
            )
        body = body.replace(".", "")
    digits = body.lstrip("0")
    if len(digits) > len(str(MAX_RUT_NUMBER)):
        raise InvalidRutError(
            f"the RUT {shown} is out of range: its number has more than 8 digits "
            "(the largest RUT is 99.999.999)"
        )
    return digits or "0", dv


def _missing_dv_hint(value: str | Rut) -> str:
    """A hint for text stored without its check digit (``76430498``), as ERPs often keep RUTs.

    When the text has no hyphen and all of it reads as a RUT number, the last digit may not be
    a check digit at all: name the RUT that number makes, so the caller can pick the right one.
    """
    if not isinstance(value, str) or "-" in value:
        return ""
    digits = value.strip().replace(".", "")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > _MAX_DIGITS:
        return ""
    number = int(digits)
    if not 1 <= number <= MAX_RUT_NUMBER:
        return ""
    return (
        f"; if {digits} is the RUT number without its check digit, the RUT is "
        f"{number}-{_compute_dv(number)}"
    )


def _loosen(text: str) -> str:
    """python-stdnum's cleaning: drop spaces, dots and hyphens anywhere and a ``CL`` prefix."""
    compact = re.sub(r"[\s.\-]", "", text.translate(_TO_HYPHEN)).upper()
    if compact.startswith("CL"):
        compact = compact[2:]
    if len(compact) < 2:
        return text
    return f"{compact[:-1]}-{compact[-1]}"


@total_ordering
class Rut:
    """A RUT: ``number`` (int) and ``dv`` (check digit, ``"0"``-``"9"`` or ``"K"``).

    Equal and hashed on the canonical value, ordered by number. ``str()`` gives ``76795561-8``.
    """

    __slots__ = ("_dv", "_number")

    _number: int
    _dv: str

    def __init__(self, value: str | Rut, *, validate_dv: bool = True) -> None:
        plain = _PLAIN.fullmatch(value) if type(value) is str else None
        if plain is not None:  # 76795561-8, as RUTs mostly come: what _split would give
            number, dv = int(plain[1]), plain[2]
        elif isinstance(value, Rut):
            number, dv = value.number, value.dv
        else:
            body, dv = _split(value)
            number = int(body)
        if not 1 <= number <= MAX_RUT_NUMBER:
            raise InvalidRutError(
                f"the RUT number {number} is out of range; it must be between 1 and "
                f"{MAX_RUT_NUMBER:,}".replace(",", ".")
            )
        if validate_dv:
            expected = _compute_dv(number)
            if dv != expected:
                raise InvalidRutError(
                    f"the RUT {number}-{dv} has the wrong check digit: for {number} it is "
                    f"{expected} ({number}-{expected})" + _missing_dv_hint(value)
                )
        object.__setattr__(self, "_number", number)
        object.__setattr__(self, "_dv", dv)

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str | Rut, *, validate_dv: bool = True, lenient: bool = False) -> Rut:
        """Parse typed text; ``validate_dv=False`` keeps a syntax-only path for real-world data.

        ``lenient=True`` also takes what spreadsheets and other tools write (python-stdnum's
        cleaning): spaces, dots and hyphens anywhere, and a ``CL`` prefix; and a typeset dash
        (en dash, minus...) copied from a document, read as a hyphen.
        """
        if lenient and isinstance(text, str):
            loosened = _loosen(text)
            try:
                return cls(loosened, validate_dv=validate_dv)
            except InvalidRutError as exc:
                typed = text.strip()
                compact = re.sub(r"[\s.\-]", "", typed.translate(_TO_HYPHEN))
                if compact[:2].upper() == "CL":
                    compact = compact[2:]
                bad = {c for c in compact if c.upper() not in "0123456789K"}
                if bad:  # no reading makes a RUT of it: name what is wrong as typed
                    raise _foreign_characters(_shown(typed), bad) from None
                if loosened.strip() == typed:  # the lenient reading changed nothing
                    raise
                raise InvalidRutError(
                    f"{_shown(typed)} read leniently (without spaces, dots, hyphens or "
                    f"a CL prefix) is {_shown(loosened.strip())}, and {exc}"
                ) from None
        return cls(text, validate_dv=validate_dv)

    @classmethod
    def from_parts(cls, number: int, dv: str | None = None, *, validate_dv: bool = True) -> Rut:
        """Build from the number and check digit; the digit is computed when not given."""
        if isinstance(number, bool) or not isinstance(number, int):
            raise InvalidRutError(f"a RUT number must be an int, got {type(number).__name__}")
        if not 1 <= number <= MAX_RUT_NUMBER:
            raise InvalidRutError(
                f"the RUT number {_shown_int(number)} is out of range; it must be between 1 and "
                "99.999.999"
            )
        return cls(
            f"{number}-{dv if dv is not None else _compute_dv(number)}", validate_dv=validate_dv
        )

    @staticmethod
    def compute_dv(number: int) -> str:
        """The módulo-11 check digit of ``number``: ``"0"``-``"9"`` or ``"K"``."""
        if isinstance(number, bool) or not isinstance(number, int):
            raise InvalidRutError(
                f"compute_dv takes the RUT number as an int (e.g. 76795561), got {shown(number)}"
            )
        if not 1 <= number <= MAX_RUT_NUMBER:
            raise InvalidRutError(
                f"the RUT number {_shown_int(number)} is out of range; it must be between 1 and "
                "99.999.999"
            )
        return _compute_dv(number)

    @classmethod
    def is_valid(cls, text: object, *, lenient: bool = False) -> bool:
        """True when ``text`` is a well-formed RUT with the right check digit."""
        if isinstance(text, str) and not lenient:
            # The strict grammar of ``Rut(text)`` as one pattern: no exception on the way.
            match = _STRICT_RUT.fullmatch(text.strip())
            if match is None:
                return False
            plain, grouped, dv = match.groups()
            digits = (plain if plain is not None else grouped.replace(".", "")).lstrip("0")
            if len(digits) > _MAX_DIGITS:  # never int() of 5,000 digits
                return False
            number = int(digits or "0")
            return 0 < number <= MAX_RUT_NUMBER and _compute_dv(number) == dv.upper()
        if isinstance(text, Rut):
            return text.is_dv_valid
        if not isinstance(text, str):
            return False
        try:
            cls.parse(text, lenient=lenient)
        except InvalidRutError:
            return False
        return True

    # -- value --------------------------------------------------------------------------------

    @property
    def number(self) -> int:
        """The body of the RUT, without the check digit."""
        return self._number

    @property
    def dv(self) -> str:
        """The check digit (dígito verificador), upper-case."""
        return self._dv

    @property
    def is_dv_valid(self) -> bool:
        """Whether the check digit is right (always True unless parsed with validate_dv=False)."""
        return _compute_dv(self._number) == self._dv

    def format(self, *, dots: bool = False) -> str:
        """``76795561-8``, or ``76.795.561-8`` with ``dots=True``."""
        body = f"{self._number:,}".replace(",", ".") if dots else str(self._number)
        return f"{body}-{self._dv}"

    def __str__(self) -> str:
        return f"{self._number}-{self._dv}"

    def __repr__(self) -> str:
        return f"Rut('{self}')"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rut):
            return self._number == other._number and self._dv == other._dv
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Rut):
            return (self._number, self._dv) < (other._number, other._dv)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._number, self._dv))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Rut is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Rut is immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (self._number, self._dv))

    # -- pydantic v2 --------------------------------------------------------------------------

    # [0-9], not \d: a validator in Python reads \d as any Unicode digit, which no RUT has.
    _json_pattern: ClassVar[str] = r"^[0-9]{1,8}-[0-9K]$"
    _json_input_pattern: ClassVar[str] = r"^\s*([0-9]{1,3}(\.[0-9]{3})+-|[0-9]+-?)[0-9kK]\s*$"
    """What ``Rut(text)`` reads: a plain body with or without the hyphen, a dotted one with it."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic_core import core_schema

        def from_value(value: Any) -> Rut:
            if isinstance(value, Rut):
                return value
            if isinstance(value, str):
                return cls(value)
            raise InvalidRutError(f"a RUT must be given as text, got {type(value).__name__}")

        return core_schema.no_info_plain_validator_function(
            from_value,
            serialization=core_schema.to_string_ser_schema(),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        if handler.mode == "serialization":
            return {
                "type": "string",
                "pattern": cls._json_pattern,
                "description": "Chilean RUT in the SII canonical form, e.g. 76795561-8",
                "examples": ["76795561-8"],
            }
        return {
            "type": "string",
            "pattern": cls._json_input_pattern,
            "description": (
                "Chilean RUT, with or without dots in thousands groups and the hyphen, "
                "e.g. 76.795.561-8 or 76795561-8"
            ),
            "examples": ["76795561-8", "76.795.561-8"],
        }


def _restore(number: int, dv: str) -> Rut:
    return Rut(f"{number}-{dv}", validate_dv=False)


SII_RUT = Rut("60803000-K")
"""The Servicio de Impuestos Internos (Caratula/RutReceptor when sending to the SII)."""

GENERIC_RECEPTOR_RUT = Rut("66666666-6")
"""The generic, anonymous receptor used on boletas."""

RECEPTOR_STAND_INS = {
    "66666666-6": "the SII's generic RUT of a boleta's anonymous buyer",
    "55555555-5": "the RUT the SII has an export carry for its foreign receptor",
}
"""RUTs the SII has a document carry for a receptor without one of its own: no company's."""


def stand_in_problem(rut: Rut | str) -> str | None:
    """Why ``rut`` (canonical, or a ``Rut``) cannot be a company's, an organization's or an
    emisor's: it is one of the SII's stand-ins for a receptor; None for any other RUT."""
    what = RECEPTOR_STAND_INS.get(str(rut))
    if what is None:
        return None
    return (
        f"the RUT {rut} is {what}, no company's: give the company's own RUT (its e-RUT, or "
        "its Situación Tributaria at sii.cl, shows it)"
    )
