"""A client's settings as one immutable value, resolved from arguments and the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from haulmer._core.environments import (
    ENVIRONMENTS,
    PRODUCTS,
    environment_word,
    resolve_base_urls,
    shown_environment,
)
from haulmer._core.log import redact_url
from haulmer._core.types import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    LONGEST_TIMEOUT,
    NotGiven,
    Product,
    Timeout,
    is_timeout_seconds,
)
from haulmer._shown import shown
from haulmer.errors import ConfigurationError

if TYPE_CHECKING:
    from pydantic import SecretStr

__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "ENVIRONMENT_ENV",
    "PRODUCT_BASE_URL_ENV",
    "ClientConfig",
    "checked_mapping",
    "normalize_max_retries",
    "normalize_timeout",
    "timeout_within",
]

API_KEY_ENV = "HAULMER_API_KEY"
ENVIRONMENT_ENV = "HAULMER_ENVIRONMENT"
BASE_URL_ENV = "HAULMER_BASE_URL"
"""One base URL for every product (a server of the fake, ``python -m haulmer serve``)."""
PRODUCT_BASE_URL_ENV: dict[Product, str] = {
    "openfactura": "HAULMER_OPENFACTURA_BASE_URL",
    "platform": "HAULMER_PLATFORM_BASE_URL",
}
"""The base URL of one product; it wins over ``HAULMER_BASE_URL`` for that product."""


def _environment_from_env() -> str:
    """``HAULMER_ENVIRONMENT`` checked (naming the variable when wrong), else "production"."""
    given = (os.environ.get(ENVIRONMENT_ENV) or "").strip()
    if not given:
        return "production"
    value = environment_word(given)  # "Sandbox", "PRODUCTION": a variable's case says nothing
    if value not in ENVIRONMENTS:
        known = ", ".join(repr(name) for name in ENVIRONMENTS)
        raise ConfigurationError(
            f"{ENVIRONMENT_ENV}={shown_environment(given)} is not an environment: set it to one "
            f"of {known}, "
            "or unset it"
        )
    return value


def _base_urls_from_env() -> dict[str, str]:
    """Base URLs from ``HAULMER_BASE_URL`` and the per-product variables, each checked."""
    urls: dict[str, str] = {}
    shared = (os.environ.get(BASE_URL_ENV) or "").strip()
    for product in PRODUCTS:
        name = PRODUCT_BASE_URL_ENV[product]
        own = (os.environ.get(name) or "").strip()
        value, source = (own, name) if own else (shared, BASE_URL_ENV)
        if not value:
            continue
        try:
            resolve_base_urls("production", {product: value})
        except ConfigurationError:
            raise ConfigurationError(
                f"{source} must be an http:// or https:// URL of a scheme, a host and an "
                "optional path prefix (no ?query or #fragment), such as "
                "http://127.0.0.1:8080; fix or unset it"
            ) from None
        urls[product] = value
    return urls


def _is_httpx_timeout(value: Any) -> bool:
    """Whether ``value`` is an ``httpx.Timeout`` (told by its shape: httpx loads lazily)."""
    return type(value).__module__.startswith("httpx") and all(
        hasattr(value, phase) for phase in ("connect", "read", "write", "pool")
    )


def normalize_timeout(value: Any) -> Timeout | None:
    """A Timeout from seconds (for every phase), a Timeout, an ``httpx.Timeout`` or None."""
    if value is None or isinstance(value, Timeout):
        return value
    if _is_httpx_timeout(value):
        try:
            return Timeout(
                total=value.read,
                connect=value.connect,
                read=value.read,
                write=value.write,
                pool=value.pool,
            )
        except ConfigurationError as exc:
            raise ConfigurationError(f"httpx.Timeout: {exc}") from None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not is_timeout_seconds(value):
            raise ConfigurationError(
                f"timeout must be a positive, finite number of seconds, got {shown(value)}; "
                f"at most {LONGEST_TIMEOUT:,.0f}, or None for no limit"
            )
        seconds = float(value)
        return Timeout(total=seconds, connect=seconds)
    raise ConfigurationError(
        "timeout must be seconds (float), haulmer.Timeout(...), httpx.Timeout(...) or None, "
        f"got {type(value).__name__}"
    )


SHORTEST_POLL_TIMEOUT = 1.0
"""The least time a ``wait...()``'s poll is given near its deadline: enough for one answer."""


def timeout_within(timeout: Timeout | None, seconds: float) -> Timeout:
    """``timeout`` with no phase longer than ``seconds`` (at least ``SHORTEST_POLL_TIMEOUT``):
    the HTTP timeout of a ``wait...()``'s poll, so that one stuck poll ends near the wait's
    deadline, not a whole client timeout past it."""
    bound = min(max(seconds, SHORTEST_POLL_TIMEOUT), LONGEST_TIMEOUT)
    if timeout is None:
        return Timeout(total=bound, connect=bound)

    def phase(value: float | NotGiven | None) -> float:
        if isinstance(value, NotGiven):
            value = timeout.total
        return bound if value is None else min(value, bound)

    return Timeout(
        total=phase(timeout.total),
        connect=phase(timeout.connect),
        read=phase(timeout.read),
        write=phase(timeout.write),
        pool=phase(timeout.pool),
    )


_MAPPING_EXAMPLE = {
    "base_urls": "{'openfactura': 'https://...', 'platform': 'https://...'}",
    "default_headers": "{'X-Trace': '...'}",
}


def checked_mapping(name: str, value: Any) -> Mapping[str, Any] | None:
    """``base_urls=`` or ``default_headers=`` as given, once known to be a mapping (or None);
    anything else, a URL given alone or a list of pairs, is a ConfigurationError saying what
    it takes, never quoting it (it may hold a password or a credential)."""
    if value is None or isinstance(value, Mapping):
        return value
    alone = (
        f" (to send every product to one server, name it for each product, or set {BASE_URL_ENV})"
        if name == "base_urls" and isinstance(value, str)
        else ""
    )
    raise ConfigurationError(
        f"{name} takes a mapping such as {_MAPPING_EXAMPLE[name]}, got "
        f"{type(value).__name__}{alone}"
    )


def normalize_max_retries(value: Any) -> int:
    """A non-negative retry count, or a ConfigurationError saying what was wrong."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"max_retries must be an integer >= 0, got {shown(value)}")
    return value


@dataclass(frozen=True)
class ClientConfig:
    """Everything a client knows before it sends anything; secrets hidden from repr."""

    api_key: str | None = field(repr=False)
    environment: str
    base_urls: Mapping[Product, str | None] = field(repr=False)
    timeout: Timeout | None = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    default_headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Hidden from repr: users put credentials in them (``Authorization``, say)."""
    access_token: str | None = field(default=None, repr=False)
    rate_limit: bool = False
    base_url_overrides: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The ``base_urls`` the user passed (kept so ``with_options(environment=...)`` keeps them)."""
    base_urls_from_env: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The base URLs read from the environment variables (an explicit environment drops them)."""
    derived: dict[str, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    """What preparing requests derives from these settings once (the headers every call
    starts with, checked), kept by ``prepare`` under its own names."""

    def __repr__(self) -> str:
        return f"ClientConfig({self.describe()})"

    def describe(self) -> str:
        """The settings as ``name=value`` pairs for a repr: no secret, URLs without user info.

        ``environment`` is left out when ``base_urls`` replaced the URL of every product, since
        then it decides nothing (a client on the fake is not a production client).
        """
        urls = {k: redact_url(v) for k, v in self.base_urls.items() if v}
        key = "set" if self.api_key else "missing"
        shown = (
            []
            if set(PRODUCTS) <= set(self.base_url_overrides)
            else [f"environment={self.environment!r}"]
        )
        shown += [
            f"base_urls={urls!r}",
            f"api_key=<{key}>",
            f"max_retries={self.max_retries}",
            f"rate_limit={self.rate_limit}",
        ]
        if self.access_token:
            shown.append("access_token=<set>")
        return ", ".join(shown)

    @classmethod
    def create(
        cls,
        *,
        api_key: str | SecretStr | None,
        environment: str | None,
        base_urls: Mapping[str, str] | None,
        timeout: Any,
        max_retries: Any,
        default_headers: Mapping[str, str] | None,
        access_token: str | SecretStr | None,
        rate_limit: bool,
    ) -> ClientConfig:
        """Validate the arguments; what is not passed comes from the environment variables:
        HAULMER_API_KEY, HAULMER_ENVIRONMENT and the base URLs (only when ``environment`` is
        not passed: an explicit environment means its own URLs). Explicit ``base_urls`` win."""
        from_env: dict[str, str] = {}
        if environment is None:
            environment = _environment_from_env()
            from_env = _base_urls_from_env()
        key: Any = _revealed(api_key)
        if key is None:  # a blank variable (KEY= in an env file) is an unset one, as the others
            key = (os.environ.get(API_KEY_ENV) or "").strip() or None
        token: Any = _revealed(access_token)
        for name, value in (("api_key", key), ("access_token", token)):
            if value is not None and not isinstance(value, str):
                decode = " (decode it: value.decode())" if isinstance(value, bytes) else ""
                if name == "access_token" and hasattr(value, "access_token"):
                    decode = f" (a login's {type(value).__name__}: pass session.access_token)"
                if name == "api_key" and hasattr(value, "api_key"):
                    decode = " (pass its .api_key, the key as text)"
                raise ConfigurationError(
                    f"{name} must be text (str), got {type(value).__name__}{decode}; the value "
                    "is not shown, as it is a credential (a pydantic SecretStr is taken too)"
                )
        token = _checked_access_token(token)
        if key is not None and _is_dump_mask(key):
            raise ConfigurationError(
                "api_key is '**********', the mask a model's dump writes in place of the key, "
                "not the key: keep apikey.api_key itself (in your secret store or "
                f"{API_KEY_ENV}), not its model_dump_json()"
            )
        if key is not None and not key.strip():
            raise ConfigurationError(
                f"api_key must be a non-empty string (or set {API_KEY_ENV}); got an empty value"
            )
        if not isinstance(environment, str):
            raise ConfigurationError(
                "environment must be 'production', 'sandbox' or 'local', "
                f"got {type(environment).__name__}"
            )
        environment = environment_word(environment)  # "Sandbox": read as its variable is
        headers = dict(checked_mapping("default_headers", default_headers) or {})
        for name, value in headers.items():
            if not isinstance(name, str) or not isinstance(value, str):
                raise ConfigurationError("default_headers must map header names to string values")
        return cls(
            api_key=key.strip() if key else None,
            environment=environment,
            base_urls=resolve_base_urls(
                environment, {**from_env, **(checked_mapping("base_urls", base_urls) or {})}
            ),
            timeout=normalize_timeout(timeout),
            max_retries=normalize_max_retries(max_retries),
            default_headers=headers,
            access_token=token or None,
            rate_limit=bool(rate_limit),
            base_url_overrides=dict(base_urls or {}),
            base_urls_from_env=from_env,
        )


def _checked_access_token(token: str | None) -> str | None:
    """The access token trimmed; ConfigurationError (not quoting it) for one pasted with its
    ``Bearer`` prefix or holding a blank, which the platform would refuse as not valid."""
    if token is None:
        return None
    token = token.strip()
    if token[:7].lower() == "bearer " or token.lower() == "bearer":
        raise ConfigurationError(
            "access_token starts with 'Bearer ': give the token alone, without the 'Bearer ' "
            "prefix, which the SDK adds (session.access_token is the token alone); the value is "
            "not shown, as it is a credential"
        )
    if _is_dump_mask(token):
        raise ConfigurationError(
            "access_token is '**********', the mask session.model_dump_json() (and str() of "
            "model_dump()'s SecretStr) writes in place of the token, not the token: keep "
            "session.access_token itself, or log in again"
        )
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
        raise ConfigurationError(
            "access_token is wrapped in quotes, which are not part of any access token (copied "
            "from a login's JSON answer?): give session.access_token, or the text between the "
            "quotes; the value is not shown, as it is a credential"
        )
    if any(character.isspace() for character in token):
        raise ConfigurationError(
            "access_token holds a blank or a line break, which no access token has: copy it again "
            "whole and alone (session.access_token); the value is not shown, as it is a credential"
        )
    return token


def _is_dump_mask(value: str) -> bool:
    """Whether ``value`` is only asterisks: what a dump (``"**********"``) or a ``SecretStr``
    shows in place of a credential, which no key or token is."""
    text = value.strip()
    return bool(text) and text.strip("*") == ""


def _revealed(value: object) -> Any:
    """A credential given as a pydantic ``SecretStr`` (what ``model_dump()`` of a ``Session`` or
    an ``ApiKey`` holds) as its text, to send; anything else as it is, for the checks to judge."""
    if value is None or isinstance(value, str):
        return value
    from pydantic import SecretStr

    return value.get_secret_value() if isinstance(value, SecretStr) else value
