"""What the errors carry is typed for the code that catches them, never ``Any``.

mypy --strict checks this file; pytest runs the same code.
"""

from __future__ import annotations

from typing_extensions import assert_type

from haulmer import AlreadyIssuedError, WeakPasswordError
from haulmer.passwords import Violation, ViolationCode, validate_password


def _codes_of(error: WeakPasswordError) -> list[ViolationCode]:
    """What a sign-up form reads of a refused password: the rules it broke."""
    assert_type(error.violations, list[Violation])
    return [violation.code for violation in error.violations]


def _a_violation_is_read_by_its_fields(error: WeakPasswordError) -> object:
    """Never run: mypy must refuse a field no violation has (else the ignore is unused)."""
    return error.violations[0].rule  # type: ignore[attr-defined]


def test_a_weak_passwords_violations_are_typed() -> None:
    try:
        validate_password("short")
    except WeakPasswordError as error:
        codes = _codes_of(error)
    assert ViolationCode.TOO_SHORT in codes


def _an_already_issued_error_is_built_as_its_base_is(token: str) -> None:
    """Never run: mypy checks the arguments of a test double of OF-06 as its base class's."""
    AlreadyIssuedError("ya emitido", token=token, status_code=400, code="OF-06")
    AlreadyIssuedError("ya emitido", token=token)  # type: ignore[call-arg]
    AlreadyIssuedError("ya emitido", status_code="400")  # type: ignore[arg-type]


def test_an_already_issued_error_built_by_hand_keeps_its_token() -> None:
    error = AlreadyIssuedError("ya emitido", token="abc", status_code=400, code="OF-06")
    assert_type(error.token, str | None)
    assert (error.token, error.status_code, error.code) == ("abc", 400, "OF-06")
