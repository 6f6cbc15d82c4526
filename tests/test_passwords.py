"""haulmer.passwords: the Haulmer Accounts policy, every broken rule reported, no secret leaked."""

from __future__ import annotations

import dataclasses
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haulmer.errors import PasswordMismatchError, ValidationError, WeakPasswordError
from haulmer.passwords import (
    DEFAULT_POLICY,
    PasswordPolicy,
    Violation,
    ViolationCode,
    check_password,
    same_password,
    validate_password,
)

SECRET = "Zq9xWv7Kp"  # a valid password with no English word in it


def codes(violations: list[Violation]) -> list[str]:
    return [str(v.code) for v in violations]


def test_a_good_password_breaks_no_rule() -> None:
    assert check_password(SECRET) == []
    assert check_password(SECRET, SECRET) == []
    validate_password(SECRET, SECRET)


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Ab1", ["too_short"]),
        ("abcdefg1", ["no_uppercase"]),
        ("ABCDEFG1", ["no_lowercase"]),
        ("Abcdefgh", ["no_digit"]),
        ("", ["too_short", "no_lowercase", "no_uppercase", "no_digit"]),
        ("abc", ["too_short", "no_uppercase", "no_digit"]),
        ("12345678", ["no_lowercase", "no_uppercase"]),
    ],
)
def test_every_broken_rule_is_reported(password: str, expected: list[str]) -> None:
    assert codes(check_password(password)) == expected


def test_exactly_eight_characters_is_enough() -> None:
    assert check_password("Abcdef12") == []
    assert codes(check_password("Abcdef1")) == ["too_short"]


def test_confirmation_mismatch_is_reported_alongside_the_rules() -> None:
    found = check_password("abc", "abd")
    assert codes(found) == ["too_short", "no_uppercase", "no_digit", "confirmation_mismatch"]
    mismatch = found[-1]
    assert mismatch.field == "confirmation"
    assert all(v.field == "password" for v in found[:-1])


def test_confirmation_none_means_not_asked() -> None:
    assert check_password(SECRET, None) == []
    assert codes(check_password(SECRET, "")) == ["confirmation_mismatch"]
    assert codes(check_password(SECRET, SECRET + " ")) == ["confirmation_mismatch"]


def test_letters_beyond_ascii_count_and_digits_must_be_ascii() -> None:
    assert check_password("ñandúÁ12") == []
    assert codes(check_password("ñandúÁ٣٣")) == ["no_digit"]


def test_validate_password_raises_with_every_violation() -> None:
    with pytest.raises(WeakPasswordError) as caught:
        validate_password("abc", "abd")
    error = caught.value
    assert codes(error.violations) == [
        "too_short",
        "no_uppercase",
        "no_digit",
        "confirmation_mismatch",
    ]
    message = str(error)
    assert "at least 8 characters" in message
    assert "upper-case" in message
    assert "do not match" in message
    assert isinstance(error, ValidationError)
    assert isinstance(error, ValueError)


def test_only_a_mismatch_raises_password_mismatch_error_a_kind_of_weak_password_error() -> None:
    with pytest.raises(PasswordMismatchError, match="do not match") as caught:
        validate_password(SECRET, SECRET.lower())
    assert isinstance(caught.value, WeakPasswordError)
    assert codes(caught.value.violations) == ["confirmation_mismatch"]
    assert caught.value.violations[0].field == "confirmation"
    assert "the rule is" not in str(caught.value)


def test_a_weak_password_with_a_mismatch_raises_weak_password_error_listing_both() -> None:
    with pytest.raises(WeakPasswordError) as caught:
        validate_password("abc", "abd")
    assert type(caught.value) is WeakPasswordError
    assert codes(caught.value.violations) == [
        "too_short",
        "no_uppercase",
        "no_digit",
        "confirmation_mismatch",
    ]


def test_custom_policy() -> None:
    policy = PasswordPolicy(
        min_length=12,
        max_length=16,
        require_uppercase=False,
        require_digit=False,
        require_symbol=True,
    )
    assert codes(check_password("abcdefghijkl", policy=policy)) == ["no_symbol"]
    assert check_password("abcdefghijk!", policy=policy) == []
    assert codes(check_password("a" * 17 + "!", policy=policy)) == ["too_long"]
    assert codes(check_password("ab!", policy=policy)) == ["too_short"]
    assert check_password("a b!cdefghijk", policy=policy) == []
    with pytest.raises(WeakPasswordError, match="at most 16"):
        validate_password("a" * 20 + "!", policy=policy)


def test_spaces_are_not_symbols() -> None:
    policy = PasswordPolicy(require_symbol=True)
    assert codes(check_password("Abcdefg1 ", policy=policy)) == ["no_symbol"]
    assert check_password("Abcdefg1_", policy=policy) == []


def test_a_policy_with_no_requirements_accepts_anything_long_enough() -> None:
    lax = PasswordPolicy(
        min_length=0, require_lowercase=False, require_uppercase=False, require_digit=False
    )
    assert check_password("", policy=lax) == []


def test_describe_states_the_policy() -> None:
    assert DEFAULT_POLICY.describe() == (
        "at least 8 characters, with lower-case letters, upper-case letters and digits"
    )
    assert PasswordPolicy(
        min_length=4, require_uppercase=False, require_digit=False
    ).describe() == ("at least 4 characters, with lower-case letters")
    assert PasswordPolicy(max_length=64, require_symbol=True).describe() == (
        "at least 8 characters and at most 64, with lower-case letters, upper-case letters, "
        "digits and symbols"
    )


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"min_length": -1}, ValueError),
        ({"min_length": 8, "max_length": 4}, ValueError),
        ({"min_length": 0, "max_length": 0}, ValueError),
        ({"min_length": "8"}, TypeError),
        ({"min_length": True}, TypeError),
        ({"max_length": "20"}, TypeError),
        ({"max_length": 20.5}, TypeError),
        ({"max_length": True}, TypeError),
        ({"require_digit": "no"}, TypeError),  # a setting read as text: "no" is truthy
        ({"require_symbol": "false"}, TypeError),
        ({"require_uppercase": 0}, TypeError),
    ],
)
def test_inconsistent_policies_are_refused(kwargs: dict[str, object], error: type) -> None:
    with pytest.raises(error):
        PasswordPolicy(**kwargs)  # type: ignore[arg-type]


def test_policy_and_violation_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_POLICY.min_length = 4  # type: ignore[misc]
    violation = check_password("x")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        violation.message = "changed"  # type: ignore[misc]


def test_non_text_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        check_password(b"Abcdefg1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="confirmation"):
        check_password("Abcdefg1", 12345678)  # type: ignore[arg-type]


def test_violation_codes_are_stable_strings() -> None:
    assert {c.value for c in ViolationCode} == {
        "too_short",
        "too_long",
        "no_lowercase",
        "no_uppercase",
        "no_digit",
        "no_symbol",
        "invalid_character",
        "confirmation_mismatch",
    }
    assert ViolationCode.TOO_SHORT == "too_short"
    violation = check_password("x")[0]
    assert str(violation) == violation.message


@pytest.mark.parametrize("password", ["Abcdefg1\ud800", "Abc\udcffdefg1", "Abcd\x00efg1"])
def test_a_password_that_is_no_sendable_text_is_a_violation_not_a_crash(password: str) -> None:
    assert codes(check_password(password)) == ["invalid_character"]
    assert codes(check_password("Abcdefg1", password)) == ["confirmation_mismatch"]
    assert codes(check_password(password, password)) == ["invalid_character"]
    with pytest.raises(WeakPasswordError) as caught:
        validate_password(password, "Abcdefg1")
    assert password not in str(caught.value)


# -- the password never leaks --------------------------------------------------------------------


LEAKY = ["hunter2", "Sup3rSecretButShort"[:7], "onlylowercaseletters", "ÑÑÑÑÑÑÑÑÑ"]


@pytest.mark.parametrize("password", LEAKY)
def test_no_message_or_repr_contains_the_password_or_confirmation(password: str) -> None:
    confirmation = password + "Zz9typo"
    policy = PasswordPolicy(max_length=8, require_symbol=True)
    found = check_password(password, confirmation, policy=policy)
    assert found
    with pytest.raises(WeakPasswordError) as caught:
        validate_password(password, confirmation, policy=policy)
    texts = [str(caught.value), repr(caught.value), repr(caught.value.violations)]
    texts += [repr(v) for v in found] + [str(v) for v in found]
    for text in texts:
        assert password not in text
        assert confirmation not in text


# Characters that cannot spell a 6-character run of any message text.
_UNQUOTABLE = st.text(alphabet="QXZJqxzj0123456789ñÑ#@", min_size=6, max_size=40)


@given(_UNQUOTABLE, _UNQUOTABLE)
def test_no_violation_ever_quotes_the_password(password: str, confirmation: str) -> None:
    policy = PasswordPolicy(max_length=20, require_symbol=True)
    for violation in check_password(password, confirmation, policy=policy):
        assert password not in violation.message
        assert password not in repr(violation)
        assert confirmation not in repr(violation)


@given(st.text(max_size=40), st.none() | st.text(max_size=40))
def test_validate_raises_exactly_when_check_finds_something(
    password: str, confirmation: str | None
) -> None:
    found = check_password(password, confirmation)
    if found:
        with pytest.raises(WeakPasswordError) as caught:
            validate_password(password, confirmation)
        assert caught.value.violations == found
    else:
        validate_password(password, confirmation)


@given(st.text(max_size=40))
def test_rules_match_their_definition(password: str) -> None:
    found = set(codes(check_password(password)))
    password = unicodedata.normalize("NFC", password)  # as the platform reads it
    assert ("too_short" in found) == (len(password) < 8)
    assert ("no_lowercase" in found) == (not any(c.islower() for c in password))
    assert ("no_uppercase" in found) == (not any(c.isupper() for c in password))
    assert ("no_digit" in found) == (not any(c in "0123456789" for c in password))


# -- one password however its accents are encoded ------------------------------------------------


def test_the_rules_count_a_decomposed_password_as_the_platform_does() -> None:
    # "Añoño1x" is 7 characters; with each ñ as n + U+0303 (as some keyboards write it) Python
    # counts 9, yet the platform compares and counts passwords in NFC.
    decomposed = unicodedata.normalize("NFD", "Añoño1x")
    assert len(decomposed) == 9
    found = check_password(decomposed)
    assert codes(found) == ["too_short"]
    assert "(it has 7)" in found[0].message
    assert codes(check_password(decomposed, policy=PasswordPolicy(require_symbol=True))) == [
        "too_short",
        "no_symbol",
    ]


def test_a_confirmation_typed_in_another_unicode_form_matches() -> None:
    composed = "Contraseña2026"
    decomposed = unicodedata.normalize("NFD", composed)
    assert check_password(composed, decomposed) == []
    assert check_password(decomposed, composed) == []
    validate_password(composed, decomposed)


@pytest.mark.parametrize(
    "password",
    ["Abcdefg1\n", "Abcdefg1\r\n", "\tAbcdefg1", "Abc\x1bdefg1", "\ufeffAbcdefg1", "Abcdefg1\x85"],
)
def test_a_password_with_a_line_break_tab_or_control_character_is_a_violation(
    password: str,
) -> None:
    """A password read from a file keeps its line's end (and Notepad's byte order mark): no
    password field can type those, so the account would open to no login form."""
    found = check_password(password, password)
    assert codes(found) == ["invalid_character"]
    assert "line break" in found[0].message
    assert password.strip() not in found[0].message


def test_a_control_character_is_no_symbol() -> None:
    policy = PasswordPolicy(require_symbol=True)
    assert codes(check_password("Abcdefg1\n", policy=policy)) == ["no_symbol", "invalid_character"]


def test_the_length_counts_unicode_characters_as_the_policy_says_not_what_a_person_sees() -> None:
    """The policy's docstring said the length was the characters a person sees; a flag is two
    (regional indicators), and the rules count them so."""
    assert "a person sees" not in (PasswordPolicy.__doc__ or "")
    flags = "Ab1\U0001f1e8\U0001f1f1\U0001f1e8\U0001f1f1"  # Ab1 and two Chilean flags: 5 seen
    assert len(flags) == 7
    assert "(it has 7)" in check_password(flags)[0].message


def _sdk_frames_showing(error: BaseException, *secrets: str) -> list[str]:
    """The SDK's frames along ``error``'s traceback with a local whose repr shows a secret, as an
    error tracker recording locals (Sentry, rich tracebacks) sees them."""
    found = []
    tb = error.__traceback__
    while tb is not None:
        if "/haulmer/" in tb.tb_frame.f_code.co_filename.replace("\\", "/"):
            for name, value in tb.tb_frame.f_locals.items():
                if any(secret in repr(value) for secret in secrets):
                    found.append(f"{tb.tb_frame.f_code.co_name}: {name}")
        tb = tb.tb_next
    return found


@pytest.mark.parametrize(
    ("password", "confirmation"),
    [("weak-secret-password", None), ("Strong2026secret", "Strong2026secreto")],
    ids=["weak", "mismatch"],
)
def test_the_frames_of_a_refused_password_keep_neither_it_nor_its_confirmation(
    password: str, confirmation: str | None
) -> None:
    with pytest.raises(WeakPasswordError) as caught:
        validate_password(password, confirmation)
    assert _sdk_frames_showing(caught.value, password, confirmation or password) == []


@pytest.mark.parametrize(
    "refused",
    [
        lambda: check_password("Strong2026secret", 2026),  # type: ignore[arg-type]
        lambda: PasswordPolicy().check("Strong2026secret", b"Strong2026secret"),  # type: ignore[arg-type]
        lambda: same_password(b"Strong2026secret"),  # type: ignore[arg-type]
    ],
    ids=["check_password", "PasswordPolicy.check", "same_password"],
)
def test_the_frames_of_a_password_refused_for_its_type_keep_no_password(refused: Any) -> None:
    with pytest.raises(TypeError, match="must be a str") as caught:
        refused()
    assert _sdk_frames_showing(caught.value, "Strong2026secret") == []
