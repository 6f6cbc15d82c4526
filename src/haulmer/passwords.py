"""The Haulmer Accounts password policy, checked locally before a password is sent anywhere.

``check_password`` lists every broken rule as a :class:`Violation`; ``validate_password`` raises
``WeakPasswordError`` with them (``PasswordMismatchError``, a kind of it, when the mismatched
confirmation is the only problem). Messages say what is missing, never what the password is.
Passwords are read in Unicode NFC, as the platform compares them (``same_password``).
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass

from haulmer._enums import StrEnum
from haulmer._frames import LocalsForgottenOnRefusal
from haulmer.errors import PasswordMismatchError, WeakPasswordError

__all__ = [
    "DEFAULT_POLICY",
    "PasswordPolicy",
    "Violation",
    "ViolationCode",
    "check_password",
    "same_password",
    "validate_password",
]


class ViolationCode(StrEnum):
    """Which rule a password breaks: the stable value of ``Violation.code``."""

    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NO_LOWERCASE = "no_lowercase"
    NO_UPPERCASE = "no_uppercase"
    NO_DIGIT = "no_digit"
    NO_SYMBOL = "no_symbol"
    INVALID_CHARACTER = "invalid_character"
    CONFIRMATION_MISMATCH = "confirmation_mismatch"


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``code``, a human ``message`` and the ``field`` it is about.

    ``field`` is ``"password"`` or ``"confirmation"``; neither the password nor the
    confirmation is ever stored here.
    """

    code: ViolationCode
    message: str
    field: str = "password"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class PasswordPolicy:
    """What a password needs. The defaults are Haulmer Accounts': 8+ chars, a-z, A-Z and 0-9.

    The rules read the password in NFC (``same_password``), so its length counts an accent
    typed apart from its letter with it, however a keyboard encoded it; it counts Unicode
    characters, so an emoji made of several (a flag, a family) counts each of them. Letters
    are Unicode-aware (``ñ`` is lower-case, ``Á`` upper-case); digits are 0-9; a symbol is any
    character that is neither a letter, a digit, white space nor a control character (which no
    password may hold: no form types one).
    """

    min_length: int = 8
    max_length: int | None = None
    require_lowercase: bool = True
    require_uppercase: bool = True
    require_digit: bool = True
    require_symbol: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.min_length, bool) or not isinstance(self.min_length, int):
            raise TypeError("min_length must be an int")
        if self.min_length < 0:
            raise ValueError("min_length cannot be negative")
        if self.max_length is not None and (
            isinstance(self.max_length, bool) or not isinstance(self.max_length, int)
        ):
            raise TypeError("max_length must be an int or None")
        for name in ("require_lowercase", "require_uppercase", "require_digit", "require_symbol"):
            wanted = getattr(self, name)
            if not isinstance(wanted, bool):
                # A setting read as text ("no", "false") is truthy: it would require the rule.
                raise TypeError(f"{name} must be True or False, got {type(wanted).__name__}")
        if self.max_length is not None and self.max_length < max(self.min_length, 1):
            raise ValueError("max_length must be at least min_length (and at least 1)")

    def describe(self) -> str:
        """The policy in one sentence, for a form's help text."""
        needs = [
            label
            for wanted, label in (
                (self.require_lowercase, "lower-case letters"),
                (self.require_uppercase, "upper-case letters"),
                (self.require_digit, "digits"),
                (self.require_symbol, "symbols"),
            )
            if wanted
        ]
        text = f"at least {self.min_length} characters"
        if self.max_length is not None:
            text += f" and at most {self.max_length}"
        if needs:
            listed = needs[0] if len(needs) == 1 else ", ".join(needs[:-1]) + " and " + needs[-1]
            text += f", with {listed}"
        return text

    def check(self, password: str, confirmation: str | None = None) -> list[Violation]:
        """Every rule ``password`` breaks (and a mismatch with ``confirmation`` if given)."""
        try:
            with LocalsForgottenOnRefusal():
                return self._violations(password, confirmation)
        finally:
            del password, confirmation  # not in this frame's locals, which error trackers record

    def _violations(self, password: str, confirmation: str | None) -> list[Violation]:
        """``check``'s work, whose frame a refusal leaves without locals."""
        if not isinstance(password, str):
            raise TypeError(f"a password must be a str, got {type(password).__name__}")
        if confirmation is not None and not isinstance(confirmation, str):
            raise TypeError(f"a confirmation must be a str, got {type(confirmation).__name__}")
        password = same_password(password)
        if confirmation is not None:
            confirmation = same_password(confirmation)
        found: list[Violation] = []
        length = len(password)
        if length < self.min_length:
            found.append(
                Violation(
                    ViolationCode.TOO_SHORT,
                    f"the password needs at least {self.min_length} characters (it has {length})",
                )
            )
        if self.max_length is not None and length > self.max_length:
            found.append(
                Violation(
                    ViolationCode.TOO_LONG,
                    f"the password can have at most {self.max_length} characters (it has {length})",
                )
            )
        if self.require_lowercase and not any(c.islower() for c in password):
            found.append(
                Violation(ViolationCode.NO_LOWERCASE, "the password needs a lower-case letter")
            )
        if self.require_uppercase and not any(c.isupper() for c in password):
            found.append(
                Violation(ViolationCode.NO_UPPERCASE, "the password needs an upper-case letter")
            )
        if self.require_digit and not any("0" <= c <= "9" for c in password):
            found.append(Violation(ViolationCode.NO_DIGIT, "the password needs a digit (0-9)"))
        if self.require_symbol and not any(_is_symbol(c) for c in password):
            found.append(
                Violation(
                    ViolationCode.NO_SYMBOL,
                    "the password needs a symbol (a character that is not a letter or digit)",
                )
            )
        if _UNSENDABLE.search(password):
            found.append(
                Violation(
                    ViolationCode.INVALID_CHARACTER,
                    "the password holds a character that cannot be sent (a NUL or a lone "
                    "surrogate, which a wrongly decoded text leaves behind); type it again",
                )
            )
        elif _UNTYPABLE.search(password):
            found.append(
                Violation(
                    ViolationCode.INVALID_CHARACTER,
                    "the password holds a line break, a tab or another control character (or "
                    "a byte order mark), which no login form can type: a password read from a "
                    "file keeps its line's end; remove it",
                )
            )
        # surrogatepass: a lone surrogate compares like any other character, never raises.
        if confirmation is not None and not hmac.compare_digest(
            password.encode("utf-8", "surrogatepass"),
            confirmation.encode("utf-8", "surrogatepass"),
        ):
            found.append(
                Violation(
                    ViolationCode.CONFIRMATION_MISMATCH,
                    "the password and its confirmation do not match; type the same password twice",
                    field="confirmation",
                )
            )
        return found


def same_password(password: str) -> str:
    """The password as the platform compares it: Unicode NFC, so an ``ñ`` typed as one character
    or as ``n`` and a combining tilde (as some keyboards and files write it) is the same."""
    if not isinstance(password, str):
        kind = type(password).__name__
        del password  # not in this frame's locals, which error trackers record
        raise TypeError(f"a password must be a str, got {kind}")
    return unicodedata.normalize("NFC", password)


DEFAULT_POLICY = PasswordPolicy()
"""The Haulmer Accounts policy: at least 8 characters with lower-case, upper-case and digits."""


def check_password(
    password: str, confirmation: str | None = None, *, policy: PasswordPolicy | None = None
) -> list[Violation]:
    """Every rule ``password`` breaks under ``policy`` (default: Haulmer's); empty when fine."""
    try:
        if policy is not None and not isinstance(policy, PasswordPolicy):
            raise TypeError(f"policy must be a PasswordPolicy, got {type(policy).__name__}")
        return (policy or DEFAULT_POLICY).check(password, confirmation)
    finally:
        del password, confirmation  # not in this frame's locals, which error trackers record


def validate_password(
    password: str, confirmation: str | None = None, *, policy: PasswordPolicy | None = None
) -> None:
    """Raise ``WeakPasswordError`` listing every broken rule; return None when all is well.

    When the only problem is a confirmation that differs, the error is ``PasswordMismatchError``
    (a ``WeakPasswordError`` too), so one ``except WeakPasswordError`` catches every refusal.
    """
    try:
        with LocalsForgottenOnRefusal():
            violations = check_password(password, confirmation, policy=policy)
    finally:
        del password, confirmation  # not in this frame's locals, which error trackers record
    if [v.code for v in violations] == [ViolationCode.CONFIRMATION_MISMATCH]:
        raise PasswordMismatchError(violations[0].message, violations=violations)
    if violations:
        listed = "; ".join(v.message for v in violations)
        rules = (policy or DEFAULT_POLICY).describe()
        raise WeakPasswordError(
            f"the password cannot be used: {listed} (the rule is: {rules})",
            violations=violations,
        )


_UNSENDABLE = re.compile("[\x00\ud800-\udfff]")
"""Characters no password may hold: NUL ends C strings, lone surrogates are not text."""


_UNTYPABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
"""Characters no login form can type into a password: line breaks (a file's line end), tabs,
other control characters and the byte order mark a Notepad-saved file starts with."""


def _is_symbol(char: str) -> bool:
    return not (char.isalpha() or char.isdigit() or char.isspace() or _UNTYPABLE.match(char))
