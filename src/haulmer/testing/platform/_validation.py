"""Checks the fake platform applies to request bodies, collecting per-field problems."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from haulmer.passwords import check_password
from haulmer.testing.platform._errors import invalid

Problems = list[tuple[str, str]]


def new_id(prefix: str) -> str:
    """A random id such as ``ord_1a2b3c4d5e6f7a8b``."""
    return f"{prefix}_{secrets.token_hex(8)}"


def hash_password(password: str, salt: bytes) -> bytes:
    """The stored form of a password (the fake never keeps the password itself), compared in
    Unicode NFC (``haulmer.accounts.same_password``); text no UTF-8 carries matches nothing."""
    from haulmer.accounts import same_password

    data = same_password(password).encode("utf-8", "surrogatepass")
    return hashlib.pbkdf2_hmac("sha256", data, salt, 1_000)


_WIRE_FIELDS = {"password": "password", "confirmation": "password_confirmation"}


def password_problems(password: str, confirmation: str) -> Problems:
    """The server's check of the Haulmer Accounts policy: the SDK's own rules
    (``haulmer.passwords``), each violation on its wire field, the password never quoted.
    """
    from haulmer.accounts import same_password

    found = check_password(same_password(password), same_password(confirmation))
    return [(_WIRE_FIELDS[v.field], v.message) for v in found]


def text_field(body: dict[str, Any], name: str, problems: Problems) -> str:
    """A required, non-empty text field (stripped), or "" with a problem noted."""
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        problems.append((name, "required, non-empty text"))
        return ""
    return value.strip()


def name_field(body: dict[str, Any], name: str, problems: Problems, what: str) -> str:
    """A required one-line name (stripped, no control character nor lone surrogate: the SDK's
    ``name_text``), or what it is with a problem noted."""
    from haulmer._platform import name_text

    value = text_field(body, name, problems)
    try:
        name_text(value, what)
    except ValueError as error:
        problems.append((name, str(error)))
    return value


def person_name_field(body: dict[str, Any], name: str, problems: Problems, what: str) -> str:
    """A person's name (a buyer's, an administrator's): ``name_field``, at most the SDK's
    ``MAX_PERSON_NAME_LENGTH`` characters."""
    from haulmer._platform import person_name_problem

    noted = len(problems)
    value = name_field(body, name, problems, what)
    if len(problems) == noted and (problem := person_name_problem(value)) is not None:
        problems.append((name, f"the {what} {problem}"))
    return value


def rut_field(body: dict[str, Any], name: str, problems: Problems) -> str:
    """A RUT field in canonical form, or "" with the reason it is wrong noted."""
    from haulmer.errors import InvalidRutError
    from haulmer.rut import Rut

    value = body.get(name)
    if not isinstance(value, str):
        problems.append((name, "required: a RUT such as 76795561-8"))
        return ""
    try:
        return str(Rut(value))
    except InvalidRutError as error:
        problems.append((name, str(error)))
        return ""


def raise_if(problems: Problems, what: str) -> None:
    """Refuse with 400 ``validation_failed`` listing every problem, if there is any."""
    if problems:
        raise invalid(f"{what} is not valid; see details", problems)
