"""Turn a request description and a client config into the exact request to send; pure."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from haulmer._core.config import API_KEY_ENV, ClientConfig, normalize_max_retries, normalize_timeout
from haulmer._core.log import is_secret_header, redact_url
from haulmer._core.request import APIRequest
from haulmer._core.types import Auth, NotGiven, Product, Timeout
from haulmer._frames import forget_locals
from haulmer._raw_response import RequestInfo
from haulmer._shown import cut, shown
from haulmer._version import __version__
from haulmer.errors import ConfigurationError, ValidationError

__all__ = [
    "USER_AGENT",
    "PreparedRequest",
    "check_api_key_header",
    "prepare_request",
    "sent_secrets",
]

USER_AGENT = f"haulmer-python/{__version__}"

_NO_PLATFORM_URL = (
    "Haulmer publishes no public API for checkout, accounts, workspace or OpenFactura setup, so "
    "environment {env!r} has no 'platform' URL. Pass base_urls={{'platform': 'https://...'}} for "
    "a server that speaks docs/platform-api.md, use environment='local' with "
    "`python -m haulmer.testing serve`, or use haulmer.testing.FakeHaulmer in tests."
)


_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")
_SECRET_VALUE_OF = {
    "apikey": f"The API key (api_key= or {API_KEY_ENV})",
    "authorization": "The access token",
}


def _check_header(name: str, value: str) -> None:
    """Refuse, before any I/O, a header HTTP cannot carry; the value is never quoted.

    A key pasted with a line break or an invisible character would otherwise fail deep in httpx,
    as an encoding error or as a "broken connection" whose chained cause quotes the key.
    """
    if not isinstance(name, str) or not isinstance(value, str):
        raise ConfigurationError(
            f"Headers map names to text values; got {type(name).__name__} -> "
            f"{type(value).__name__} for {shown(name)}"
        )
    if not _HEADER_NAME.fullmatch(name):
        raise ConfigurationError(
            f"Header name {shown(name)} is not a valid HTTP header name (letters, digits, '-' and "
            "no spaces)"
        )
    if not _HEADER_VALUE.fullmatch(value):
        what = _SECRET_VALUE_OF.get(name.lower(), f"The value of header {shown(name)}")
        raise ConfigurationError(
            f"{what} contains a line break, a control character or a character that is not "
            "ASCII, which an HTTP header cannot carry; copy it again without them "
            "(the value is not shown, as it may be a credential)"
        )
    if name.lower() in _FRAMING_HEADERS:
        raise ConfigurationError(
            f"Header {shown(name)} is the transport's to set, from the body it sends; one given "
            "in default_headers or extra_headers would contradict it and break the exchange: "
            "leave it out"
        )
    if name.lower() == "apikey":
        _check_api_key(value)


def check_api_key_header(api_key: str) -> None:
    """Refuse, as the first request would, an API key no request can carry (a line break, a
    character that is not ASCII, a blank): a batch checks it before its journal records a sale
    as sent. The refusal keeps no locals (the key) in the frames it passed through."""
    try:
        _check_header("apikey", api_key)
    except Exception as refused:
        forget_locals(refused)
        raise


_FRAMING_HEADERS = frozenset({"content-length"})
"""Headers that frame the body on the wire: httpx sets them from the body it sends, and one that
disagrees makes h11 raise its own untyped LocalProtocolError mid-request."""


def _check_api_key(key: str) -> None:
    """Refuse, never quoting it, an API key a bad paste or an env file left its mark on: a blank
    or a tab inside, or the quotes around it that ``docker --env-file`` and systemd keep."""
    if "\t" in key or " " in key:
        raise ConfigurationError(
            f"{_SECRET_VALUE_OF['apikey']} holds a blank or a tab, which no OpenFactura API key "
            "has (copied with a label, such as 'apikey: ...'?): copy the key again alone (the "
            "value is not shown, as it is a credential)"
        )
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"":
        raise ConfigurationError(
            f"{_SECRET_VALUE_OF['apikey']} is wrapped in quotes, which are not part of any "
            "OpenFactura API key (docker --env-file and systemd keep the quotes written in an "
            "env file): remove them (the value is not shown, as it is a credential)"
        )


@dataclass(frozen=True)
class PreparedRequest:
    """One fully resolved HTTP request; ``headers``, ``params`` and ``content`` are hidden from
    repr (they hold credentials, e-mail tokens, passwords or a .pfx)."""

    method: str
    url: str
    product: Product
    params: Mapping[str, Any] = field(repr=False)
    headers: Mapping[str, str] = field(repr=False)
    content: bytes | None = field(repr=False)
    timeout: Timeout | None
    max_retries: int
    retry_safe: bool
    error_hints: Mapping[str, str] = field(default_factory=dict)
    """Advice for this call's error codes, replacing the general table's (see ``APIRequest``)."""
    idempotency_key: str | None = None
    """The key of a call that takes ``idempotency_key=`` (not one only set in extra headers)."""
    creates: str = "what this call creates"
    """What the call makes, for the error after a lost answer (see ``APIRequest.creates``)."""

    def __init__(
        self,
        method: str,
        url: str,
        product: Product,
        params: Mapping[str, Any],
        headers: Mapping[str, str],
        content: bytes | None,
        timeout: Timeout | None,
        max_retries: int,
        retry_safe: bool,
        error_hints: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        creates: str = "what this call creates",
    ) -> None:
        # Written out, as APIRequest's is: a frozen dataclass's generated __init__ sets each
        # field through object.__setattr__, and every call prepares a request.
        self.__dict__.update(
            method=method,
            url=url,
            product=product,
            params=params,
            headers=headers,
            content=content,
            timeout=timeout,
            max_retries=max_retries,
            retry_safe=retry_safe,
            error_hints={} if error_hints is None else error_hints,
            idempotency_key=idempotency_key,
            creates=creates,
        )

    def __str__(self) -> str:
        """How the log names the call: its method and URL, credentials redacted."""
        return f"{self.method} {redact_url(self.url)}"

    def info(self) -> RequestInfo:
        """What an API error ending this call names as its ``request``: the method and the URL
        with its query, secret-like values redacted; no header, no body."""
        url = self.url
        if self.params:
            query = urlencode([(k, _query_text(v)) for k, v in self.params.items()], doseq=True)
            url += ("&" if "?" in url else "?") + query
        return RequestInfo(self.method, redact_url(url))

    def __repr__(self) -> str:
        return (
            f"PreparedRequest(method={self.method!r}, url={redact_url(self.url)!r}, "
            f"product={self.product!r}, max_retries={self.max_retries}, "
            f"retry_safe={self.retry_safe}, idempotency_key={self.idempotency_key!r})"
        )


def _query_text(value: Any) -> Any:
    """A query value written as httpx writes it (``true``, ``false``, empty for None)."""
    if isinstance(value, (list, tuple)):
        return [_query_text(item) for item in value]
    if value is True or value is False:
        return "true" if value else "false"
    return "" if value is None else str(value)


def _effective_auth(request: APIRequest[Any], token: str | None) -> Auth:
    if request.auth is not None:
        return request.auth
    if request.product == "openfactura":
        return "api_key"
    return "bearer" if token else "none"


def _set(headers: dict[str, tuple[str, str]], name: str, value: str) -> None:
    headers[name.lower()] = (name, value)


def _client_headers(config: ClientConfig, *, json_body: bool) -> dict[str, tuple[str, str]]:
    """The headers every call of a client starts with: ours (with Content-Type for a JSON body),
    then its ``default_headers``; made once per client settings."""
    key = "headers, json body" if json_body else "headers"
    headers: dict[str, tuple[str, str]] | None = config.derived.get(key)
    if headers is None:
        headers = {}
        _set(headers, "User-Agent", USER_AGENT)
        _set(headers, "Accept", "application/json")
        if json_body:
            _set(headers, "Content-Type", "application/json")
        for name, value in config.default_headers.items():
            _set(headers, name, value)
        config.derived[key] = headers
    return headers


def _valid_client_headers(config: ClientConfig) -> frozenset[tuple[str, str]]:
    """The headers a client's settings give its calls (its own, its credentials) that HTTP can
    carry, found once: each call checks only the others. One that cannot is left out, so the
    call that sends it refuses it as before."""
    valid: frozenset[tuple[str, str]] | None = config.derived.get("valid headers")
    if valid is None:
        pairs = [
            *_client_headers(config, json_body=False).values(),
            *_client_headers(config, json_body=True).values(),
        ]
        if config.api_key:
            pairs.append(("apikey", config.api_key))
        if config.access_token:
            pairs.append(("Authorization", f"Bearer {config.access_token}"))
        valid = frozenset(pair for pair in pairs if _is_valid_header(*pair))
        config.derived["valid headers"] = valid
    return valid


def _is_valid_header(name: str, value: str) -> bool:
    try:
        _check_header(name, value)
    except ConfigurationError:
        return False
    return True


def _extra_query(extra: Mapping[str, object] | None) -> dict[str, Any]:
    """``extra_query=`` checked: names are text, values text, numbers or lists of them."""
    if extra is None:
        return {}
    if not isinstance(extra, Mapping):
        raise ValidationError(
            "extra_query must be a mapping of parameter names to values, "
            f"got {type(extra).__name__}"
        )
    out: dict[str, Any] = {}
    for name, value in extra.items():
        if not isinstance(name, str) or not name or not _is_utf8(name):
            raise ValidationError(
                f"extra_query names must be non-empty text UTF-8 can carry, got {shown(name)}"
            )
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                raise ValidationError(
                    f"extra_query[{shown(name)}] must be text, a number or a list of them, "
                    f"got {type(item).__name__}"
                )
            if isinstance(item, str) and not _is_utf8(item):
                raise ValidationError(
                    f"extra_query[{shown(name)}] holds a lone surrogate, which no URL can "
                    f"carry (text decoded with the wrong encoding): {shown(item)}"
                )
            if isinstance(item, int) and item.bit_length() > _LONGEST_QUERY_INT_BITS:
                raise ValidationError(
                    f"extra_query[{shown(name)}] is {shown(item)}: far too long for a query value"
                )
        out[name] = list(value) if isinstance(value, tuple) else value
    return out


_LONGEST_QUERY_INT_BITS = 14_000
"""About 4,200 digits: Python writes no more than 4,300 as text, and half of a URL is none."""


def _is_utf8(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (no lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _body_with_extras(request: APIRequest[Any]) -> Any:
    """The JSON body to send: the call's own, with ``extra_body=`` fields merged over it."""
    extra = request.extra_body
    if extra is None:
        return request.json
    if not isinstance(extra, Mapping):
        raise ValidationError(
            "extra_body must be a mapping of JSON field names to values, "
            f"got {type(extra).__name__}"
        )
    if request.content is not None:
        raise ValidationError(
            "extra_body cannot be added to this call: it sends a file, not a JSON object"
        )
    from haulmer._models import to_jsonable

    body = {} if request.json is None else to_jsonable(request.json)
    if not isinstance(body, dict):
        raise ValidationError(
            f"extra_body cannot be added to this call: its body is a JSON {type(body).__name__}, "
            "not an object"
        )
    try:
        extras = to_jsonable(dict(extra))
    except TypeError as exc:
        raise ValidationError(f"extra_body must hold JSON values: {exc}") from None
    return {**body, **extras}


def _headers(
    config: ClientConfig,
    request: APIRequest[Any],
    *,
    json_body: bool,
    auth: Auth,
    token: str | None,
) -> dict[str, str]:
    """The headers of the call: the client's, the call's own, the credentials, the key, the extra
    headers (a later one replaces an earlier one of the same name); ConfigurationError for a
    missing credential or one that HTTP cannot carry.

    A call that adds none of its own (most reads) sends what its client's settings give: found
    and checked once per client (and credential), then copied.
    """
    sent_by_kind: dict[tuple[bool, Auth], dict[str, str]] | None = None
    if not (request.headers or request.idempotency_key or request.extra_headers) and (
        token is config.access_token
    ):
        sent_by_kind = config.derived.get("sent headers")
        if sent_by_kind is None:
            sent_by_kind = config.derived["sent headers"] = {}
        cached = sent_by_kind.get((json_body, auth))
        if cached is not None:
            return dict(cached)
    headers = dict(_client_headers(config, json_body=json_body))
    for name, value in (request.headers or {}).items():
        if not isinstance(name, str) or not isinstance(value, str):
            _check_header(name, value)
        _set(headers, name, value)
    if auth == "api_key":
        if not config.api_key:
            login = "the access token of a Haulmer Accounts login is not it; " if token else ""
            raise ConfigurationError(
                f"No OpenFactura API key: pass Haulmer(api_key=...) or set {API_KEY_ENV}. "
                f"OpenFactura takes the company's own key ({login}it comes from OpenFactura's "
                "web application, or from client.openfactura.certification.create_api_key"
                "(setup_id) once the company's SII certification ends); sandbox keys are "
                "listed in haulmer.openfactura.sandbox."
            )
        _set(headers, "apikey", config.api_key)
    elif auth == "bearer":
        if not token:
            raise ConfigurationError(
                "This call needs an access token: log in first, then use "
                "client.with_options(access_token=...) or Haulmer(access_token=...)"
            )
        _set(headers, "Authorization", f"Bearer {token}")

    if request.idempotency_key:
        _set(headers, "Idempotency-Key", request.idempotency_key)
    extra = request.extra_headers
    if extra is not None and not isinstance(extra, Mapping):
        raise ValidationError(
            f"extra_headers must be a mapping of header names to values, got {type(extra).__name__}"
        )
    for name, value in (extra or {}).items():
        if not isinstance(name, str) or not isinstance(value, str):
            _check_header(name, value)  # raises, naming the types: _set lowercases the name
        _set(headers, name, value)

    valid = _valid_client_headers(config)
    for pair in headers.values():
        if pair not in valid:
            _check_header(*pair)
    sent = dict(headers.values())
    if sent_by_kind is not None:
        sent_by_kind[json_body, auth] = dict(sent)
    return sent


def prepare_request(config: ClientConfig, request: APIRequest[Any]) -> PreparedRequest:
    """Resolve URL, headers, body, auth, timeout and retries; raise ConfigurationError early.

    A refusal keeps no locals of the frames it passed through: they held the body encoded, a
    password or an e-mail link's token among it, which error trackers recording locals show.
    """
    try:
        return _prepared(config, request)
    except Exception as refused:
        forget_locals(refused)
        raise


def _prepared(config: ClientConfig, request: APIRequest[Any]) -> PreparedRequest:
    """:func:`prepare_request`'s work."""
    base_url = config.base_urls.get(request.product)
    if base_url is None:
        if request.product == "platform":
            raise ConfigurationError(_NO_PLATFORM_URL.format(env=config.environment))
        raise ConfigurationError(
            f"No base URL for product {shown(request.product)}: pass base_urls={{...}}"
        )

    content: bytes | None = request.content
    body = request.json if request.extra_body is None else _body_with_extras(request)
    if body is not None:
        # pydantic's model machinery loads with the first JSON body, not with the first client
        from haulmer._models import encode_json

        content = encode_json(body)
    token = request.access_token or config.access_token
    auth = _effective_auth(request, token)
    headers = _headers(config, request, json_body=body is not None, auth=auth, token=token)

    timeout = (
        config.timeout
        if isinstance(request.timeout, NotGiven)
        else normalize_timeout(request.timeout)
    )
    max_retries = (
        config.max_retries
        if request.max_retries is None
        else normalize_max_retries(request.max_retries)
    )
    params = {k: v for k, v in request.params.items() if v is not None} if request.params else {}
    if request.extra_query is not None:
        params.update(_extra_query(request.extra_query))
    url = base_url + request.path
    _check_url_length(request, url, params)
    _refuse_secrets_in_url(config, request, token, headers, params)
    # The key actually sent: extra headers may replace the call's own, or blank it.
    key = _sent_key(headers) if request.idempotency_key else None
    retry_safe = request.retry_safe
    if request.idempotency_key and not key:  # no server keeps a blank key: not safe to repeat
        retry_safe = request.replace(idempotency_key=None).retry_safe
    return PreparedRequest(
        method=request.method,
        url=url,
        product=request.product,
        params=params,
        headers=headers,
        content=content,
        timeout=timeout,
        max_retries=max_retries,
        retry_safe=retry_safe,
        error_hints=dict(request.error_hints) if request.error_hints else None,
        idempotency_key=key,
        creates=request.creates,
    )


_LONGEST_URL = 8_192
"""The longest URL a call may make: what web servers and gateways commonly accept (httpx
itself refuses past 65,536 with an untyped error); no SDK call comes near it."""


def _check_url_length(request: APIRequest[Any], url: str, params: Mapping[str, Any]) -> None:
    """A ValidationError, before any wait or network, for a URL no server would take: an id
    or a query value of thousands of characters. The query's length is counted unencoded."""
    size = len(url)
    if params and size <= _LONGEST_URL:
        size += sum(len(str(name)) + len(str(value)) + 2 for name, value in params.items())
    if size > _LONGEST_URL:
        raise ValidationError(
            f"{request.method} {cut(request.path, 60)} "
            f"would make a URL of about {size:,} characters; servers refuse URLs past "
            f"{_LONGEST_URL:,}: an id or a query value (filters, extra_query) is far too long"
        )


def _refuse_secrets_in_url(
    config: ClientConfig,
    request: APIRequest[Any],
    token: str | None,
    headers: Mapping[str, str],
    params: Mapping[str, Any],
) -> None:
    """A ValidationError, before anything is sent, for a call whose path or query holds the
    client's own API key, access token or another credential it sends (given where an id or a
    search goes): a URL is logged, kept in the error's request and response, and recorded by
    every server and proxy on the way. The message shows the path with the secret redacted."""
    named = {config.api_key: "API key", token: "access token", config.access_token: "access token"}
    secrets = {secret: what for secret, what in named.items() if secret}
    for value in _header_credentials(headers):
        secrets.setdefault(value, "credentials")
    path = unquote(request.path)
    texts = [*path.split("/")]
    for value in params.values():
        texts += [str(item) for item in (value if isinstance(value, list) else [value])]
    for secret, what in sorted(secrets.items(), key=lambda pair: len(pair[0]), reverse=True):
        if len(secret) < _SHORTEST_SECRET:
            continue
        if any(text == secret or (len(secret) >= 16 and secret in text) for text in texts):
            shown_path = cut(path.replace(secret, "[redacted]"), 80)
            raise ValidationError(
                f"{request.method} {shown_path}: the call's path or query holds this client's "
                f"{what} where an id or a search goes; pass the resource's own id (a secret "
                "in a URL is written to logs and kept by every server on the way), so nothing "
                "was sent"
            )


def _sent_key(headers: Mapping[str, str]) -> str | None:
    """The Idempotency-Key header sent, whatever the case of its name; None if blank."""
    key = next((v for k, v in headers.items() if k.lower() == "idempotency-key"), None)
    return key if key and key.strip() else None


_SECRET_FIELD_WORDS = ("password", "token", "secret", "apikey", "api_key", "pfx")
"""Words in a JSON body field's name that say its value is a secret (a password, an e-mail
link's token, a .pfx in base64)."""
_SHORTEST_SECRET = 6
"""Shorter values are not looked for in an answer: replacing them would cut up its numbers."""


def sent_secrets(prepared: PreparedRequest) -> list[str]:
    """The secrets ``prepared`` carries: its API key, its access token, the values of its
    body's secret fields and its base URL's password, longest first, so that an answer echoing
    one can hide it."""
    found = _user_info_credentials(prepared.url) | _header_credentials(prepared.headers)
    if prepared.content:
        try:
            body = json.loads(prepared.content)
        except ValueError:
            body = None
        _secret_fields(body, found)
    return sorted((s for s in found if len(s) >= _SHORTEST_SECRET), key=len, reverse=True)


def _header_credentials(headers: Mapping[str, str]) -> set[str]:
    """The credentials ``headers`` send: an Authorization's credential after its scheme
    ("Bearer"), and the value of every header the DEBUG line redacts (X-Auth-Token...)."""
    found = set()
    for name, value in headers.items():
        if name.lower() in {"authorization", "proxy-authorization"}:
            found.add(value.partition(" ")[2].strip() or value)
        if is_secret_header(name):
            found.add(value)
    return found


def _user_info_credentials(url: str) -> set[str]:
    """What a base URL's ``user:password@`` sends: the password (a user alone when there is
    none) and, since httpx sends them as Basic credentials, ``user:password`` and its base64."""
    import base64

    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return set()
    if user is None:
        return set()
    pair = f"{unquote(user)}:{unquote(password or '')}"
    secret = unquote(password) if password is not None else unquote(user)
    return {secret, pair, base64.b64encode(pair.encode("utf-8")).decode("ascii")}


def _secret_fields(value: Any, found: set[str]) -> None:
    if isinstance(value, dict):
        for name, item in value.items():
            if isinstance(item, str) and any(w in str(name).lower() for w in _SECRET_FIELD_WORDS):
                found.add(item)
            else:
                _secret_fields(item, found)
    elif isinstance(value, list):
        for item in value:
            _secret_fields(item, found)
