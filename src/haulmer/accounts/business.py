"""The models, request builders and plans of ``haulmer.accounts``, which its faces import."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Protocol
from urllib.parse import parse_qs, unquote

from pydantic import Field

from haulmer._core.request import (
    APIRequest,
    idempotency_key_or_new,
)
from haulmer._enums import StrEnum
from haulmer._frames import LocalsForgottenOnRefusal
from haulmer._models import HaulmerModel, SecretText
from haulmer._platform import EMAIL_ADDRESS, as_enum
from haulmer._shown import shown
from haulmer.errors import ValidationError
from haulmer.passwords import same_password, validate_password

__all__ = [
    "Account",
    "ForgotPasswordResult",
    "LinkLike",
    "LinkPurpose",
    "LinkResent",
    "Platform",
    "Session",
    "same_password",
    "token_from_link",
]


class Platform(StrEnum):
    """The Haulmer platforms one account opens."""

    MY_HAULMER = "my_haulmer"
    OPENFACTURA = "openfactura"
    POINT = "point"
    CATALOGUE = "catalogue"


class LinkPurpose(StrEnum):
    """The e-mail links that carry a token, each of which ``resend_link`` can send again."""

    CREATE_PASSWORD = "create_password"
    CHOOSE_TAX_DOCUMENT = "choose_tax_document"
    ACTIVATE_WORKSPACE = "activate_workspace"
    START_OPENFACTURA_SETUP = "start_openfactura_setup"


class _HasToken(Protocol):
    @property
    def token(self) -> str: ...


LinkLike = str | _HasToken
"""An e-mail link: its token, its URL (``...?token=...``) or a ``Link`` from the fake's outbox."""


_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
"""What an e-mail link's token is made of (docs/platform-api.md §3): URL-safe base64."""

_INVISIBLE_MARKS = "\u200b\u200c\u200d\u2060\ufeff"
_OPENING_MARKS = "<([{'\"\u2018\u201a\u201c\u201e\u00ab\u2039" + _INVISIBLE_MARKS
_CLOSING_MARKS = ".,;:!?)]}>'\"\u2019\u201c\u201d\u00bb\u203a\u2026" + _INVISIBLE_MARKS
"""What text around a pasted link adds: the marks that delimit it (straight or typographic
quotes, Spanish « »), the sentence's end (an ellipsis too) and the zero-width characters some
mail and chat apps put next to a link."""


def token_from_link(link: LinkLike) -> str:
    """The token an e-mail link carries; raises ValidationError (without the token) if none.

    A link pasted from text is read as RFC 3986 (appendix C) reads one: blanks of a line break
    removed, delimiters (``<...>``, straight or typographic quotes, ``« »``, ``URL:``), the
    sentence's final mark and zero-width characters left out; a link without its scheme, its
    ``token=...`` alone, the link URL-encoded whole (once or twice) or inside a mail service's
    own (Outlook's Safe Links, Google's redirect) gives its token too.
    """
    try:
        with LocalsForgottenOnRefusal():
            return _token_of(link)
    finally:
        del link  # not in this frame's locals, which error trackers record


def _token_of(link: LinkLike) -> str:
    """``token_from_link``'s work, whose frame a refusal leaves without locals."""
    try:
        value = getattr(link, "token", link)
    except LookupError as error:  # the fake's Email without exactly one link
        raise ValidationError(str(error)) from None  # it says to pass .link(purpose)
    links = getattr(link, "links", None)  # the fake's Email: its one link's purpose
    purpose = getattr(links[0] if isinstance(links, list) and links else link, "purpose", None)
    if value == "" and isinstance(purpose, str):  # the fake's Link of a page, not of a step
        raise ValidationError(
            f"the e-mail's {shown(purpose)} link carries no token: pass the link of the e-mail "
            "for this step"
        )
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("an e-mail link (its URL or its token) is required")
    text = "".join(value.split())
    for _ in range(3):  # a link URL-encoded whole (inside another link), once or twice
        if "%" not in text or "?" in text:
            break
        text = unquote(text)
    text = text.lstrip(_OPENING_MARKS)
    if text[:4].lower() == "url:":
        text = text[4:].lstrip(_OPENING_MARKS)
    text = text.rstrip(_CLOSING_MARKS)
    if "?" in text or "/" in text or "=" in text:
        query = text.partition("?")[2] if "?" in text else text if "/" not in text else ""
        params = parse_qs(query.partition("#")[0])
        tokens = params.get("token") or _wrapped_tokens(params)
        if len(tokens) != 1 or not tokens[0]:
            raise ValidationError(
                "this link carries no token: pass the link from the e-mail as it was sent"
            )
        text = tokens[0].strip()  # a blank a link tracker encoded at its end (%0A, %20)
    if not _TOKEN.fullmatch(text):
        raise ValidationError(
            "this is not an e-mail link's token: a token is letters, digits, '-' and '_' "
            f"({_what_was_given(text)}, not shown); pass the e-mail's link or its token as the "
            "e-mail shows it"
        )
    return text


def _wrapped_tokens(params: dict[str, list[str]]) -> list[str]:
    """The tokens of a link wrapped in a mail service's own (Outlook's Safe Links ``?url=``,
    Google's ``?q=``): a parameter whose value is a link carrying ``token=``."""
    found: list[str] = []
    for values in params.values():
        for value in values:
            if "?" in value and "token=" in value:
                found.extend(parse_qs(value.partition("?")[2].partition("#")[0]).get("token", []))
    return found


class Account(HaulmerModel):
    """A Haulmer Accounts identity; ``platforms`` are ``Platform``s, or the platform's text for
    one the SDK does not know yet."""

    id: str
    email: str
    name: str
    has_password: bool
    password_created_at: datetime | None = None
    platforms: list[Annotated[Platform | str, Field(union_mode="left_to_right")]] = Field(
        default_factory=list
    )
    created_at: datetime


class Session(HaulmerModel):
    """A login: the bearer access token, when it expires, and the account.

    ``access_token`` is plain text to use (``with_options(access_token=...)``), hidden from repr,
    and dumped as pydantic's ``SecretStr`` is: masked in ``model_dump()`` and its JSON.
    """

    access_token: SecretText
    token_type: str = "Bearer"
    expires_at: datetime
    platform: Platform | str = Field(union_mode="left_to_right")
    account: Account


class LinkResent(HaulmerModel):
    """The platform accepted a resend; the e-mail goes out only where that link is still due (a
    create-password link: to any address with an account, as ``forgot_password``'s)."""

    status: str
    purpose: LinkPurpose | str | None = Field(default=None, union_mode="left_to_right")
    message: str = ""


class ForgotPasswordResult(HaulmerModel):
    """The platform accepted the request; the e-mail goes out only if the address has an account."""

    status: str
    message: str = ""


def create_password_request(
    link: LinkLike,
    password: str,
    confirmation: str,
    idempotency_key: str | None,
    **options: Any,
) -> APIRequest[Account]:
    """The request that sets the password from an e-mail link, policy and confirmation checked."""
    token = token_from_link(link)
    for given in (password, confirmation):
        if not isinstance(given, str):
            raise ValidationError(
                "type the password twice: password and confirmation are text, "
                f"{_not_text(given)}; the value is not shown"
            )
    password, confirmation = same_password(password), same_password(confirmation)
    validate_password(password, confirmation)
    body = {"token": token, "password": password, "password_confirmation": confirmation}
    return APIRequest(
        "POST",
        "/v1/accounts/password",
        "platform",
        Account,
        json=body,
        auth="none",
        idempotency_key=idempotency_key_or_new(idempotency_key),
        creates="the password",
        **options,
    )


def forgot_password_request(email: str, **options: Any) -> APIRequest[ForgotPasswordResult]:
    """The request that re-sends the password e-mail to ``email``."""
    if not isinstance(email, str) or not EMAIL_ADDRESS.fullmatch(email.strip()):
        raise ValidationError(
            f"{shown(email)} is not an e-mail address: give the address the purchase was made with"
        )
    return APIRequest(
        "POST",
        "/v1/accounts/password/forgot",
        "platform",
        ForgotPasswordResult,
        json={"email": email.strip()},
        auth="none",
        **options,
    )


def resend_link_request(
    email: str, purpose: LinkPurpose | str, **options: Any
) -> APIRequest[LinkResent]:
    """The request that sends an e-mail link again, with a new token."""
    chosen = as_enum(LinkPurpose, purpose, "e-mail link")
    if not isinstance(email, str) or not EMAIL_ADDRESS.fullmatch(email.strip()):
        raise ValidationError(
            f"{shown(email)} is not an e-mail address: give the address the link was sent to"
        )
    return APIRequest(
        "POST",
        "/v1/accounts/links/resend",
        "platform",
        LinkResent,
        json={"email": email.strip(), "purpose": chosen.value},
        auth="none",
        **options,
    )


def login_request(
    email: str, password: str, platform: Platform | str, **options: Any
) -> APIRequest[Session]:
    """The request that logs in to ``platform`` and returns a session."""
    if not isinstance(email, str) or not EMAIL_ADDRESS.fullmatch(email.strip()):
        # Not quoted: a login's "e-mail" that is none is most often the password, given first.
        raise ValidationError(
            f"login()'s email is not an e-mail address ({_what_was_given(email)}, not shown: it "
            "may be the password): log in with login(email, password), in that order"
        )
    if password is None or password == "":
        raise ValidationError("the password is required to log in")
    if not isinstance(password, str):
        raise ValidationError(
            f"login()'s password must be text (str), {_not_text(password)}; the value is not shown"
        )
    if "\0" in password:  # create_password refuses one: no account's password holds it
        raise ValidationError(
            "the password holds a NUL character, which no password can (a C string's "
            "terminator or a padded field read with it leaves one behind): remove it; the "
            "value is not shown"
        )
    if _LINE_BREAK.search(password):  # no login form types one, nor can create_password set one
        raise ValidationError(
            "the password holds a line break, which no password can (a password read from a "
            "file keeps its line's end: strip it, e.g. .rstrip('\\r\\n')); the value is not shown"
        )
    if password.startswith("\ufeff"):  # create_password refuses one: no password starts so
        raise ValidationError(
            "the password starts with a byte order mark (U+FEFF, which Notepad writes at the "
            "start of a UTF-8 file): read the file with encoding='utf-8-sig'; the value is not "
            "shown"
        )
    chosen = as_enum(Platform, platform, "platform")
    body: Mapping[str, Any] = {
        "email": email.strip(),
        "password": same_password(password),
        "platform": chosen.value,
    }
    return APIRequest(
        "POST", "/v1/accounts/login", "platform", Session, json=body, auth="none", **options
    )


_LINE_BREAK = re.compile("[\r\n\x85\u2028\u2029]")
"""Line breaks, which a password field drops as it is typed or pasted: no password holds one."""


def _not_text(value: object) -> str:
    """The type of a secret given as something other than text, and how to make it text."""
    kind = type(value).__name__
    if callable(getattr(value, "get_secret_value", None)):  # pydantic's SecretStr, and its kin
        return f"got {kind}: pass password.get_secret_value()"
    if isinstance(value, bytes | bytearray):
        return f"got {kind}: decode it (password.decode())"
    return f"got {kind}"


def _what_was_given(value: object) -> str:
    """A value described without quoting it: its type, and its length when it is text."""
    if isinstance(value, str):
        return f"text of {len(value)} characters"
    return f"a {type(value).__name__}"


def me_request(**options: Any) -> APIRequest[Account]:
    """The request for the account of the access token."""
    return APIRequest("GET", "/v1/accounts/me", "platform", Account, auth="bearer", **options)
