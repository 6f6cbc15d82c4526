"""Where each product lives in each environment, and how ``base_urls`` overrides resolve."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, get_args
from urllib.parse import SplitResult, urlsplit

from haulmer._core.log import redact_url
from haulmer._core.types import Product
from haulmer._shown import looks_like_credential, shown, shown_unless_credential
from haulmer.errors import ConfigurationError

__all__ = ["ENVIRONMENTS", "LOCAL_URL", "PRODUCTS", "environment_word", "resolve_base_urls"]

LOCAL_URL: Final = "http://127.0.0.1:8080"
PRODUCTS: Final[tuple[Product, ...]] = get_args(Product)

# Haulmer publishes no endpoint for the platform (checkout, accounts, workspace, setup): None.
ENVIRONMENTS: Final[Mapping[str, Mapping[Product, str | None]]] = {
    "production": {"openfactura": "https://api.haulmer.com", "platform": None},
    "sandbox": {"openfactura": "https://dev-api.haulmer.com", "platform": None},
    "local": {"openfactura": LOCAL_URL, "platform": LOCAL_URL},
}


def environment_word(given: str) -> str:
    """``given`` as the environment it names, when it names one in any case or with blanks
    around it (``"Sandbox"``, ``" production"``); otherwise ``given`` as it is, for the
    caller's error to show."""
    word = given.strip().lower()
    return word if word in ENVIRONMENTS else given


def resolve_base_urls(
    environment: str, overrides: Mapping[str, str] | None
) -> dict[Product, str | None]:
    """Base URL per product: the environment's, replaced by any explicit ``base_urls`` entry."""
    if environment not in ENVIRONMENTS:
        known = ", ".join(repr(name) for name in ENVIRONMENTS)
        raise ConfigurationError(
            f"Unknown environment {shown_environment(environment)}: use one of {known}, "
            "or pass base_urls={'openfactura': ..., 'platform': ...}"
        )
    urls: dict[Product, str | None] = dict(ENVIRONMENTS[environment])
    for product, url in (overrides or {}).items():
        if product not in PRODUCTS:
            raise ConfigurationError(
                f"Unknown product {shown_unless_credential(product)} in base_urls: "
                "the keys are 'openfactura' and 'platform'"
            )
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ConfigurationError(
                f"base_urls[{shown(product)}] must be an http:// or https:// URL, got {_shown(url)}"
            )
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise ConfigurationError(
                f"base_urls[{shown(product)}] is not a valid URL ({exc}): {_shown(url)}"
            ) from None
        if parts.query or parts.fragment or not parts.netloc:
            raise ConfigurationError(
                f"base_urls[{shown(product)}] must be a scheme, a host and an optional path prefix "
                f"(no ?query or #fragment), got {_shown(url)}"
            )
        _check_sendable(product, url, parts)
        urls[product] = url.rstrip("/")
    return urls


def _check_sendable(product: str, url: str, parts: SplitResult) -> None:
    """Refuse, when the client is made, a base URL that splits but that no request can be sent
    to: httpx would raise its own untyped InvalidURL at the first call, or connect nowhere."""
    if any(character.isspace() or not character.isprintable() for character in url):
        raise ConfigurationError(
            f"base_urls[{shown(product)}] holds a blank, a line break or a control character, "
            f"which no URL carries (a value read from a file with its newline?): remove it, got "
            f"{_shown(url)}"
        )
    try:
        parts.port  # noqa: B018 - read for urllib's check of the port
    except ValueError:
        raise ConfigurationError(
            f"base_urls[{shown(product)}] has a port that is not a number from 0 to 65535, got "
            f"{_shown(url)}"
        ) from None
    if not parts.hostname:
        raise ConfigurationError(
            f"base_urls[{shown(product)}] names no host, got {_shown(url)}: write it as "
            "https://host or https://host:port/path"
        )


_LONGEST_SHOWN_ENVIRONMENT = 24
"""Longer "environments" are not quoted: an API key pasted in its place is 32 characters."""


def shown_environment(value: object) -> str:
    """How a refused environment appears in an error: quoted when it is short enough to be a
    typo of one, else only its length (it may be the API key, given in the wrong place)."""
    if isinstance(value, str) and len(value) > _LONGEST_SHOWN_ENVIRONMENT:
        return f"(a text of {len(value)} characters, not shown: it may be a credential)"
    return shown(value)


def _shown(url: object) -> str:
    """How a refused URL appears in an error: any ``user:password@`` replaced, never echoed."""
    if not isinstance(url, str):
        return f"a value of type {type(url).__name__}"
    if looks_like_credential(url):
        return shown_unless_credential(url)
    try:
        text = redact_url(url)
    except ValueError:  # not even parseable as a URL
        text = url
    # Everything up to the last "@" may be user info, however the slashes were typed.
    return repr(re.sub(r"^([A-Za-z][\w+.-]*:/*)?.*@", r"\1[redacted]@", text, flags=re.DOTALL))
