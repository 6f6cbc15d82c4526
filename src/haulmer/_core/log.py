"""The ``haulmer`` logger: request lines with secrets redacted; ``HAULMER_LOG`` switches it on."""

from __future__ import annotations

import logging
import os
import re
import sys
import warnings
from collections.abc import Mapping
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from haulmer._forks import ForkSafeLock
from haulmer._shown import shown

__all__ = [
    "LOG_ENV",
    "REDACTED",
    "is_secret_header",
    "logger",
    "redact_headers",
    "redact_url",
    "setup_from_env",
]

LOG_ENV: Final = "HAULMER_LOG"
REDACTED: Final = "[redacted]"

logger = logging.getLogger("haulmer")

_SECRET_HEADERS: Final = frozenset(
    {
        "apikey",
        "api-key",
        "x-api-key",
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
    }
)
_SECRET_PARAM_WORDS: Final = ("token", "password", "secret", "apikey", "api_key", "key", "code")


_SECRET_HEADER_WORDS: Final = ("auth", "token", "secret", "key", "password", "session", "cookie")
_PLAIN_HEADERS: Final = frozenset({"idempotency-key"})
"""Headers whose names sound secret but which identify a call (shown, to find it by)."""


def is_secret_header(name: str) -> bool:
    """Whether the header ``name`` carries a credential: a known one, or one whose name says so
    (``X-Auth-Token``, ``X-Client-Secret``...), but for ``Idempotency-Key``."""
    lowered = name.lower()
    if lowered in _SECRET_HEADERS:
        return True
    return lowered not in _PLAIN_HEADERS and any(word in lowered for word in _SECRET_HEADER_WORDS)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with credentials replaced by a marker: the known ones, and any
    header whose name says it carries one (``X-Auth-Token``, ``X-Client-Secret``...).
    """
    return {k: (REDACTED if is_secret_header(k) else v) for k, v in headers.items()}


def _secret_param(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_PARAM_WORDS)


def redact_url(url: str) -> str:
    """``url`` with its user info (``user:password@``) and the values of token/password/key-like
    query parameters replaced.
    """
    if "@" not in url and "?" not in url:  # no user info and no query: nothing to redact
        return url
    try:
        parts = urlsplit(url)
    except ValueError:  # a bracketed host that is no address ("user:[redacted]@", "[::1")
        return _roughly_redacted(url)
    if "@" not in parts.netloc and not parts.query:
        return url
    if "@" in parts.netloc:
        parts = parts._replace(netloc=f"{REDACTED}@{parts.netloc.rpartition('@')[2]}")
    if not parts.query:
        return urlunsplit(parts)
    pairs = [
        (k, REDACTED if _secret_param(k) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="[]")))


_USER_INFO: Final = re.compile(r"^([^/?#]*//)[^/?#]*@")


def _roughly_redacted(url: str) -> str:
    """``url``, which Python cannot split, with everything before an ``@`` of its authority and
    its whole query replaced: what cannot be read cannot be sorted into secret and not."""
    head, mark, _query = url.partition("?")
    fragment = _query.partition("#")[2]
    shown = _USER_INFO.sub(lambda found: f"{found.group(1)}{REDACTED}@", head)
    if mark:
        shown += f"?{REDACTED}" + (f"#{fragment}" if fragment else "")
    return shown


_configured = False


_OFF: Final = frozenset({"", "0", "off", "false", "no", "none"})


def setup_from_env() -> None:
    """Log ``haulmer``'s lines when HAULMER_LOG is ``debug`` or ``info`` (once), to stderr unless
    the application's logging already takes them; warn
    once about any other value but an off one, which would otherwise do nothing unseen. Once
    across threads too: two first clients made at once add one handler."""
    if _configured:
        return
    with _CONFIGURING:
        if not _configured:
            _configure_from_env()


_CONFIGURING: Final = ForkSafeLock()
_PACKAGE: Final = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
"""The ``haulmer`` package's folder, whose frames a warning's place skips."""


def _callers_level() -> int:
    """The ``stacklevel`` that makes a warning, warned by this function's caller, name the
    first line outside the SDK (the line that made the client, through whichever face or
    fake), not a line of the SDK's own."""
    level, frame = 1, sys._getframe(1)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE + os.sep):
        level, frame = level + 1, frame.f_back
    return level


def _configure_from_env() -> None:
    """``setup_from_env``'s work, under its lock."""
    global _configured
    given = os.environ.get(LOG_ENV, "")
    level = given.strip().lower()
    if level not in {"debug", "info"}:
        if level not in _OFF:
            _configured = True
            warnings.warn(
                f"{LOG_ENV}={shown(given)} is not a level the SDK knows: set it to info (each "
                "attempt) or debug (with redacted headers); logging stays off",
                stacklevel=_callers_level(),
            )
        return
    _configured = True
    logger.setLevel(logging.DEBUG if level == "debug" else logging.INFO)
    if logger.hasHandlers():  # the application's logging (a root handler) writes the lines
        return  # once: a handler of ours beside it would write each line twice
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    logger.addHandler(handler)
