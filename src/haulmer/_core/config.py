"""A client's settings as one immutable value, resolved from arguments and the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from haulmer._core.environments import PRODUCTS, resolve_base_urls
from haulmer._core.log import redact_url
from haulmer._core.types import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, Product, Timeout
from haulmer.errors import ConfigurationError

__all__ = ["API_KEY_ENV", "ClientConfig", "normalize_max_retries", "normalize_timeout"]

API_KEY_ENV = "HAULMER_API_KEY"


def normalize_timeout(value: Any) -> Timeout | None:
    """A Timeout from seconds (for every phase), a Timeout or None (no limit)."""
    if value is None or isinstance(value, Timeout):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
        if seconds <= 0:
            raise ConfigurationError(f"timeout must be a positive number of seconds, got {value!r}")
        return Timeout(total=seconds, connect=seconds)
    raise ConfigurationError(
        f"timeout must be seconds (float), haulmer.Timeout(...) or None, got {type(value).__name__}"
    )


def normalize_max_retries(value: Any) -> int:
    """A non-negative retry count, or a ConfigurationError saying what was wrong."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"max_retries must be an integer >= 0, got {value!r}")
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
        api_key: str | None,
        environment: str,
        base_urls: Mapping[str, str] | None,
        timeout: Any,
        max_retries: Any,
        default_headers: Mapping[str, str] | None,
        access_token: str | None,
        rate_limit: bool,
    ) -> ClientConfig:
        """Validate the arguments; the API key falls back to HAULMER_API_KEY."""
        if api_key is None:
            api_key = os.environ.get(API_KEY_ENV) or None
        if api_key is not None and (not isinstance(api_key, str) or not api_key.strip()):
            raise ConfigurationError(
                f"api_key must be a non-empty string (or set {API_KEY_ENV}); got an empty value"
            )
        if not isinstance(environment, str):
            raise ConfigurationError(
                "environment must be 'production', 'sandbox' or 'local', "
                f"got {type(environment).__name__}"
            )
        headers = dict(default_headers or {})
        for name, value in headers.items():
            if not isinstance(name, str) or not isinstance(value, str):
                raise ConfigurationError("default_headers must map header names to string values")
        return cls(
            api_key=api_key.strip() if api_key else None,
            environment=environment,
            base_urls=resolve_base_urls(environment, base_urls),
            timeout=normalize_timeout(timeout),
            max_retries=normalize_max_retries(max_retries),
            default_headers=headers,
            access_token=access_token or None,
            rate_limit=bool(rate_limit),
            base_url_overrides=dict(base_urls or {}),
        )
