"""Turn what the server answered into a value or an error; pure (bytes and headers in).

Knows the three OpenFactura error shapes (``error`` envelope with a details list, unwrapped with
a details object, gateway ``statusCode``/``message``), plain-text and HTML bodies, and bodies in
ISO-8859-1 rather than UTF-8.
"""

from __future__ import annotations

import functools
import html
import http
import json
import math
import re
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, TypeVar, cast
from urllib.parse import quote, quote_plus

import pydantic
from pydantic import ValidationInfo

from haulmer._core.pagination import (
    NumberedPages,
    PageInfo,
    Pagination,
    empty_page_info,
    why_ended_early,
    why_not_advancing,
    why_not_the_page_asked,
)
from haulmer._core.request import APIRequest
from haulmer._core.retry import server_wait
from haulmer._raw_response import REQUEST_ID_HEADERS, RawResponse, request_id_from
from haulmer._shown import cut
from haulmer.errors import (
    AlreadyIssuedError,
    APIResponseValidationError,
    APIStatusError,
    ErrorDetail,
    ServerError,
    error_class_for,
    platform_rate_limit_hint,
    server_error_hint,
)

__all__ = [
    "ANSWERED",
    "MAX_JSON_DEPTH",
    "REQUEST_ID_HEADERS",
    "DecodedError",
    "RawResponse",
    "answered",
    "decode_error_body",
    "decode_json",
    "decode_page",
    "decode_text",
    "error_from_response",
    "hide_echoed_in_body",
    "hide_echoed_secrets",
    "parse_response",
    "request_id_from",
]

T = TypeVar("T")

_MAX_MESSAGE = 300
"""How much of an error body's message, or of one detail's issue, an error keeps and shows."""
_MAX_FIELD = 120
_MAX_CODE = 40
_ELLIPSIS = "…"
"""What ends a text of an error body that was cut."""
_UTF8_BOM = b"\xef\xbb\xbf"
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)


def decode_text(content: bytes, content_type: str | None = None) -> str:
    """Body text: the declared charset, else UTF-8, falling back to ISO-8859-1 (never fails).

    A UTF-8 byte order mark (which some gateways put before JSON) is dropped.
    """
    if content.startswith(_UTF8_BOM):
        content = content[len(_UTF8_BOM) :]
    match = _CHARSET.search(content_type or "")
    if match:
        try:
            return content.decode(match.group(1))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("iso-8859-1")


_NOT_JSON = object()
_TOO_DEEP = object()

MAX_JSON_DEPTH = 64
"""The deepest nesting of arrays and objects an answer may have: the documented answers stay
under 10 levels, and a deeper one (hostile, or broken) would exhaust Python's recursion in the
decoder or in the validation of its value."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def exact_json_number(text: str) -> float | Decimal:
    """``json.loads(parse_float=)``: a number with decimals as a float when the float is the
    number written (``1.5``, ``19.00``), else as the Decimal of its digits: a DTE's QtyItem or
    PrcItem has up to 18, a float keeps 17. A number past floats (1e400) is the float Infinity,
    for the caller to judge."""
    number = float(text)
    if math.isinf(number) or Decimal(repr(number)) == Decimal(text):
        return number
    return Decimal(text)


_JSON = json.JSONDecoder(parse_constant=_no_constant, parse_float=exact_json_number)
"""JSON as RFC 8259 has it: Python's decoder also takes ``NaN`` and ``Infinity``, which no
answer holds and which would reach a page number or a wait as a float no int can be made of.
A number a float cannot hold exactly is read as a Decimal."""


def decode_json(content: bytes, content_type: str | None = None) -> Any:
    """The JSON value of a body, or a marker: ``_NOT_JSON`` when it is empty or not JSON,
    ``_TOO_DEEP`` when it nests deeper than ``MAX_JSON_DEPTH``."""
    text = decode_text(content, content_type).strip()
    if not text:
        return _NOT_JSON
    if _nests_deeper_than(text, MAX_JSON_DEPTH):
        return _TOO_DEEP
    try:
        return _JSON.decode(text)
    except RecursionError:
        return _TOO_DEEP
    except ValueError:
        return _NOT_JSON


_OPENERS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]')


def _nests_deeper_than(text: str, limit: int) -> bool:
    """Whether the brackets of ``text`` (outside strings) open deeper than ``limit``; linear."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _OPENERS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


@dataclass(frozen=True)
class DecodedError:
    """The useful parts of an error body, whatever its shape."""

    message: str
    code: str | None
    details: list[ErrorDetail]
    token: str | None
    retry_after_field: Any
    body: Any


def _details(value: Any, path: str = "") -> list[ErrorDetail]:
    """The details of an error body as a list; an object nested in a details object names its
    fields by their path (``Receptor.RUTRecep``), never shown as Python writes a dict."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        if "field" in value or "issue" in value:
            return [_detail(_joined(path, value.get("field") or ""), _issue_of(value))]
        out: list[ErrorDetail] = []
        for key, item in value.items():
            issues = item if isinstance(item, list) else [item]
            for issue in issues:
                field = _joined(path, key)
                is_object = isinstance(issue, Mapping)
                out.extend(_details(issue, field) if is_object else [_detail(field, issue)])
        return out
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        out = []
        for item in value:
            is_object = isinstance(item, Mapping)
            out.extend(_details(item, path) if is_object else [_detail(path, item)])
        return out
    return [_detail(path, value)]


def _joined(path: str, field: Any) -> str:
    """``field`` under ``path``, dotted ("" names the object itself), cut as a detail's field
    is (so a hostile body's long names nested deep never build a long path)."""
    field = cut(str(field), _MAX_FIELD, _ELLIPSIS)
    return cut(f"{path}.{field}", _MAX_FIELD, _ELLIPSIS) if path and field else path or field


_ISSUE_NAMES: Final = ("issue", "message", "error", "msg")
"""Where a ``{"field": ...}`` detail says what is wrong: ``issue`` as documented, or the names
other services give it."""


def _issue_of(detail: Mapping[str, Any]) -> Any:
    """What a ``{"field", "issue"}`` detail says is wrong ("" when it says nothing)."""
    return next((detail[name] for name in _ISSUE_NAMES if detail.get(name)), "")


def _detail(field: Any, issue: Any) -> ErrorDetail:
    """One detail of an error body, its texts cut (the whole body stays in ``error.body``)."""
    return ErrorDetail(
        cut(str(field), _MAX_FIELD, _ELLIPSIS), cut(str(issue), _MAX_MESSAGE, _ELLIPSIS)
    )


def _text_message(text: str) -> str | None:
    text = text.strip()
    if not text or text.lstrip().startswith("<"):
        return None  # empty or an HTML error page: the status phrase says more
    return cut(" ".join(text.split()), _MAX_MESSAGE, _ELLIPSIS)


_GATEWAY_PHRASES: Final = {
    520: "Web server returned an unknown error",
    521: "Web server is down",
    522: "Connection timed out",
    523: "Origin is unreachable",
    524: "A timeout occurred",
    525: "SSL handshake failed",
    526: "Invalid SSL certificate",
}
"""What Cloudflare's own statuses mean (its HTML page says it, not a JSON body): no HTTP
standard names them, so a gateway's answer would otherwise read as a bare "Error"."""


def _status_phrase(status_code: int) -> str:
    try:
        return http.HTTPStatus(status_code).phrase
    except ValueError:
        return _GATEWAY_PHRASES.get(status_code, "Error")


def _str_or_none(value: Any, limit: int = _MAX_MESSAGE) -> str | None:
    """A field of an error body as text, cut to ``limit``; None when absent or empty."""
    return None if value is None or value == "" else cut(str(value), limit, _ELLIPSIS)


def decode_error_body(status_code: int, content: bytes, content_type: str | None) -> DecodedError:
    """Message, code, details (always a list), OF-06 token and retry_after of an error body."""
    data = decode_json(content, content_type)
    if data is _TOO_DEEP:
        deep = f"{_status_phrase(status_code)} (its body nests deeper than {MAX_JSON_DEPTH} levels)"
        return DecodedError(deep, None, [], None, None, None)
    if data is _NOT_JSON:
        text = _text_message(decode_text(content, content_type))
        return DecodedError(text or _status_phrase(status_code), None, [], None, None, None)
    if not isinstance(data, Mapping):
        return DecodedError(_status_phrase(status_code), None, _details(data), None, None, data)

    return _decoded_object(status_code, data)


def _decoded_object(status_code: int, data: Mapping[str, Any]) -> DecodedError:
    """``decode_error_body`` of a body that is a JSON object."""
    levels = _envelopes(data)
    message = _str_or_none(_innermost(levels, "message", "msg"))
    if message is None:  # {"error": "text"}
        message = _str_or_none(_innermost(levels, "error", kinds=(str,)))
    token = _innermost(levels, "token", "Token")
    return DecodedError(
        message=message or _status_phrase(status_code),
        code=_code(_innermost(levels, "code")),
        details=_details(_innermost(levels, "details")),
        token=None if token is None else str(token),
        retry_after_field=_innermost(levels, "retry_after"),
        body=data,
    )


_MAX_ENVELOPES: Final = 4
"""How deep ``_envelopes`` looks for an envelope inside an envelope."""
_ENVELOPE_FIELDS: Final = ("code", "message", "msg")


def _envelopes(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The body and the envelopes nested in it, outermost first: shape A's ``error`` object (in
    an ``error`` object again, say), or a ``message`` object holding a code or a message."""
    levels = [data]
    for _ in range(_MAX_ENVELOPES):
        inner = levels[-1].get("error")
        if not isinstance(inner, Mapping):
            inner = levels[-1].get("message")
            if not isinstance(inner, Mapping) or not any(k in inner for k in _ENVELOPE_FIELDS):
                break
        levels.append(inner)
    return levels


def _innermost(
    levels: Sequence[Mapping[str, Any]], *names: str, kinds: tuple[type, ...] = (object,)
) -> Any:
    """The value of the first of ``names`` the innermost envelope holds, looking outwards, if it
    is one of ``kinds``; None when none holds one. "" is no value, nor is an envelope of
    ``levels`` (the ``message`` object holding the code and message)."""
    for level in reversed(levels):
        for name in names:
            value = level.get(name)
            if value is None or value == "" or any(value is envelope for envelope in levels):
                continue
            if isinstance(value, kinds):
                return value
    return None


_OF_CODE: Final = re.compile(r"of-\d+", re.IGNORECASE)


def _code(value: Any) -> str | None:
    """An error body's code as text; an OpenFactura code written in lower case (``of-09``) as
    OpenFactura writes it (``OF-09``), so that the error table knows it."""
    code = _str_or_none(value, _MAX_CODE)
    if code is None:
        return None
    code = code.strip()
    return code.upper() if _OF_CODE.fullmatch(code) else code or None


_CREDENTIALS_REFUSED = "invalid authentication credentials"
"""The message of OpenFactura's 403 for a key it does not know: the key is wrong, not the
resource's owner."""
_UNKNOWN_KEY_HINT = (
    "OpenFactura does not know this API key (its gateway answers such a key with 403). Check "
    "the API key (HAULMER_API_KEY) and that it belongs to this environment: the sandbox keys "
    "work on the sandbox only, and a production key is generated in OpenFactura (Configuración "
    "> API) once the company is certified with the SII"
)


def error_from_response(
    raw: RawResponse,
    *,
    now: float,
    attempts: int = 1,
    retry_safe: bool = True,
    hints: Mapping[str, str] | None = None,
    product: str = "openfactura",
) -> APIStatusError:
    """The typed error for a 4xx/5xx answer; ``now`` (epoch seconds) reads HTTP-date waits.

    ``attempts`` (how many times the call was sent) and ``retry_safe`` make a 5xx hint say
    truthfully whether the call was retried; ``hints`` (by code) is the calling method's own
    advice, which replaces the general table's; ``product`` names the service that answered (a
    platform 429's advice is not OpenFactura's).
    """
    decoded = decode_error_body(raw.status_code, raw.content, raw.headers.get("content-type"))
    cls = error_class_for(raw.status_code, decoded.code)
    wait = server_wait(
        raw.headers, message=decoded.message, retry_after_field=decoded.retry_after_field, now=now
    )
    kwargs: dict[str, Any] = {
        "status_code": raw.status_code,
        "code": decoded.code,
        "details": decoded.details,
        "request_id": raw.request_id,
        "body": decoded.body,
        "response": raw,
        "retry_after": wait,
    }
    if raw.status_code >= 500 and issubclass(cls, ServerError):
        kwargs["hint"] = server_error_hint(attempts=attempts, retry_safe=retry_safe)
    elif raw.status_code == 403 and _CREDENTIALS_REFUSED in decoded.message.casefold():
        kwargs["hint"] = _UNKNOWN_KEY_HINT
    elif product != "openfactura":
        platform_hint = platform_rate_limit_hint(raw.status_code, decoded.code, retry_after=wait)
        if platform_hint is not None:
            kwargs["hint"] = platform_hint
    if hints and decoded.code is not None and decoded.code in hints:
        kwargs["hint"] = hints[decoded.code]
    if issubclass(cls, AlreadyIssuedError):
        return cls(decoded.message, token=decoded.token, **kwargs)
    return cls(decoded.message, **kwargs)


def hide_echoed_secrets(
    content: bytes, secrets: Sequence[str], content_type: str | None = None
) -> bytes:
    """``content`` with each of ``secrets`` replaced by a marker, as text, as JSON writes it
    (also with "/" escaped, as PHP does) and as HTML escapes it, in UTF-8, in ISO-8859-1 and
    in the charset ``content_type`` declares (as ``decode_text`` reads it): an error answer
    that echoes the request (its API key, a password, a .pfx in base64) must not carry it into
    the error's message, body and response.

    Only a secret standing whole is an echo: one inside a longer word (a password
    "credentials" in the code ``invalid_credentials``) is left, and so is a JSON field name
    that a secret of letters only spells (a password "message"), or the answer's code, message
    and advice would be lost. A UTF-8 JSON answer is read and written again (in ASCII) with its
    values hidden.
    """
    found: list[tuple[str, list[bytes]]] = []
    elsewise: dict[bytes, bytes] = {}  # a form in another charset: the marker in that charset
    charsets = _charsets(content_type)
    for secret in secrets:
        utf8 = _echo_forms(secret, "utf-8")
        if any(form in content for form in utf8):
            found.append((secret, utf8))
        for charset in charsets:
            for form in _echo_forms(secret, charset):
                if form not in utf8 and form in content:
                    elsewise[form] = _encoded(_HIDDEN.decode(), charset)
    if not found and not elsewise:
        return content
    data = _utf8_json(content) if not elsewise else _NOT_JSON
    if data is _NOT_JSON:  # text, HTML, another charset, broken or too deep JSON: its bytes
        markers = {form: _HIDDEN for _, forms in found for form in forms} | elsewise
        for form in sorted(markers, key=len, reverse=True):
            content = _whole(form).sub(markers[form], content)
        return content
    hidden = _hidden_in_json(data, found)
    # Written in ASCII, which reads the same in the charset the answer declares (ISO-8859-1...).
    return json.dumps(hidden).encode("ascii")


def hide_echoed_in_body(error: APIResponseValidationError, secrets: Sequence[str]) -> None:
    """Hide in the body ``error`` keeps (decoded JSON), and in its message, each of ``secrets``
    its answer echoed, as ``hide_echoed_secrets`` hides them in an error answer: a 2xx answer
    that did not fit (an echo service at the base URL) may repeat the request, its password and
    API key, and its message may quote what the body says is wrong."""
    if not secrets:
        return
    found = [(secret, _echo_forms(secret, "utf-8")) for secret in secrets]
    message = _hidden_in_text(error.message, found)  # what the body said it quotes
    if message != error.message:
        error.message = message
        error.args = (message,)
    if error.body is not None:
        error.body = _hidden_in_json(error.body, found)


def _charsets(content_type: str | None) -> list[str]:
    """The charsets other than UTF-8 an answer's text may be read in (see ``decode_text``)."""
    charsets = ["iso-8859-1"]
    match = _CHARSET.search(content_type or "")
    if match and match.group(1).lower() not in {"utf-8", "utf8", "iso-8859-1", "latin-1"}:
        charsets.append(match.group(1))
    return charsets


def _utf8_json(content: bytes) -> Any:
    """``content`` decoded as UTF-8 JSON, or ``_NOT_JSON``."""
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return _NOT_JSON


def _echo_forms(secret: str, charset: str) -> list[bytes]:
    """The bytes ``secret`` may be echoed as in ``charset``: itself and as JSON writes it
    (longest first); none if the charset is unknown or cannot write it."""
    ascii_json = json.dumps(secret)[1:-1]
    utf8_json = json.dumps(secret, ensure_ascii=False)[1:-1]
    texts = {
        secret,
        ascii_json,
        utf8_json,
        ascii_json.replace("/", "\\/"),
        utf8_json.replace("/", "\\/"),
    }
    texts |= {escaped for text in texts for escaped in _html_escaped(text)}
    texts |= _url_encoded(secret)
    forms = set()
    for text in texts:
        try:
            forms.add(_encoded(text, charset))
        except (LookupError, UnicodeError):
            continue
    return sorted(forms, key=len, reverse=True)


def _url_encoded(text: str) -> set[str]:
    """``text`` as a URL or a form body writes it (a proxy's error page echoing the request):
    percent-encoded in UTF-8, spaces as ``%20`` or ``+``, "/" kept or encoded, hex digits in
    either case."""
    encoded = {quote(text, safe=""), quote(text, safe="/"), quote_plus(text, safe="")}
    encoded |= {_PERCENT_HEX.sub(lambda m: m.group(0).lower(), form) for form in encoded}
    return encoded - {text}


_PERCENT_HEX = re.compile("%[0-9A-F]{2}")


def _html_escaped(text: str) -> set[str]:
    """``text`` as an HTML page (a framework's debug page) writes it: ``&amp;``, ``&lt;``,
    ``&gt;``, the quotes as ``&quot;`` and ``&#x27;`` (``&#39;``, ``&#039;``) or as they are."""
    if not any(character in text for character in "&<>\"'"):
        return set()
    escaped = html.escape(text)
    return {
        escaped,
        escaped.replace("&#x27;", "&#39;"),
        escaped.replace("&#x27;", "&#039;"),
        html.escape(text, quote=False),
    }


def _encoded(text: str, charset: str) -> bytes:
    """``text`` in ``charset`` without a byte order mark (UTF-16's, UTF-32's): as it stands
    inside an answer."""
    encoded = text.encode(charset, "surrogatepass" if charset == "utf-8" else "strict")
    mark = "".encode(charset)
    return encoded.removeprefix(mark) if mark else encoded


_WORD_BYTE: Final = re.compile(rb"[A-Za-z0-9_]")


@functools.lru_cache(maxsize=64)
def _whole(form: bytes) -> re.Pattern[bytes]:
    """``form`` where no letter, digit or "_" goes on from either end (a JSON escape such as
    ``\\n`` before it ends a word too)."""
    before = (
        rb"(?:(?<![A-Za-z0-9_])|(?<=\\[nrtbf])|(?<=\\u[0-9A-Fa-f]{4}))"
        if _WORD_BYTE.match(form[:1])
        else b""
    )
    after = rb"(?![A-Za-z0-9_])" if _WORD_BYTE.match(form[-1:]) else b""
    return re.compile(before + re.escape(form) + after)


def _hidden_in_json(value: Any, found: Sequence[tuple[str, list[bytes]]]) -> Any:
    """``value`` (decoded JSON) with the secrets hidden in its texts, and in its field names
    unless the secret is letters only (and so may be a field's name)."""
    if isinstance(value, str):
        return _hidden_in_text(value, found)
    if isinstance(value, list):
        return [_hidden_in_json(item, found) for item in value]
    if isinstance(value, dict):
        return {
            _hidden_in_text(key, found, names=True): _hidden_in_json(item, found)
            for key, item in value.items()
        }
    return value


_NAME_LIKE: Final = re.compile(r"[A-Za-z_]+")


def _hidden_in_text(
    text: str, found: Sequence[tuple[str, list[bytes]]], *, names: bool = False
) -> str:
    """``text`` with each secret of ``found`` (and its forms) standing whole in it hidden;
    ``names``: ``text`` is a field's name, left as it is by a secret of letters only."""
    encoded = text.encode("utf-8", "surrogatepass")
    for secret, forms in found:
        if names and _NAME_LIKE.fullmatch(secret):
            continue
        for form in forms:
            if form in encoded:
                encoded = _whole(form).sub(_HIDDEN, encoded)
    return encoded.decode("utf-8", "surrogatepass")


_HIDDEN = b"[redacted]"


@functools.lru_cache(maxsize=512)
def _validator(tp: Any) -> Callable[[Any], Any]:
    """How a decoded answer is checked as ``tp``: by pydantic, made once per type. A JSON object
    asked for as ``dict[str, Any]`` (or ``dict``) is taken as it is: its keys are text already,
    so pydantic would only copy it."""
    adapter = pydantic.TypeAdapter(tp)

    def validate(data: Any) -> Any:
        return adapter.validate_python(data, context=ANSWERED)

    if tp is dict or tp == dict[str, Any]:

        def json_object(data: Any) -> Any:
            return data if type(data) is dict else validate(data)

        return json_object
    return validate


ANSWERED: Final = {"answered": True}
"""The validation context of every answer: the checks of what the SDK sends (a buyer's phone, a
plan's months) are skipped for what the platform answered, which ``answered(info)`` tells."""


def answered(info: ValidationInfo) -> bool:
    """Whether a validator runs on an answer (else on the caller's input, to check before
    sending): a value the SDK would refuse to send, the platform may still answer."""
    context = info.context
    return isinstance(context, dict) and context.get("answered") is True


def _invalid(raw: RawResponse, why: str, body: object = None) -> APIResponseValidationError:
    return APIResponseValidationError(
        f"{raw.method} {raw.url.split('?')[0]} answered HTTP {raw.status_code} with {why}",
        status_code=raw.status_code,
        request_id=raw.request_id,
        body=_secrets_masked(body),
    )


_SECRET_NAME_WORDS: Final = (
    "password",
    "passwd",
    "secret",
    "apikey",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "sessiontoken",
    "pfx",
    "privatekey",
    "authorization",
    "cookie",
)
"""Words in a field's name, read without ``_`` and ``-`` and in lower case (``access_token``,
``accessToken``, ``API-Key``), that say its value is a secret. A bare ``token`` is not one: it
names an OpenFactura document, which the caller of an emission whose answer did not fit needs."""


def _secret_name(name: object) -> bool:
    """Whether a field named ``name`` holds a secret (see ``_SECRET_NAME_WORDS``)."""
    squeezed = str(name).lower().replace("_", "").replace("-", "")
    return any(word in squeezed for word in _SECRET_NAME_WORDS)


def _secrets_masked(value: Any, *, secret: bool = False) -> Any:
    """``value`` (decoded JSON) with each text under a secret-named field, at any depth, shown
    as ``[redacted]``: the body an error keeps (its attribute, its pickle, what an error tracker
    records) never carries a login's access token or a password an answer echoes."""
    if isinstance(value, str):
        return _HIDDEN.decode() if secret else value
    if isinstance(value, dict):
        return {
            key: _secrets_masked(item, secret=secret or _secret_name(key))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_secrets_masked(item, secret=secret) for item in value]
    return value


def answer_problems(exc: pydantic.ValidationError, name: str) -> str:
    """What is wrong with an answer, as field paths and reasons only: pydantic's own text (and so
    a chained cause) quotes the values, and an answer may carry an access token or an API key."""
    return "; ".join(
        f"{'.'.join(str(part) for part in err['loc']) or name}: {err['msg']}"
        for err in exc.errors(include_input=False, include_url=False)
    )


def _validate(raw: RawResponse, tp: Any, data: Any) -> Any:
    try:
        return _validator(tp)(data)
    except pydantic.ValidationError as exc:
        name = getattr(tp, "__name__", str(tp))
        problems = answer_problems(exc, name)
        said = _error_said(raw.status_code, data)
        reads = f"; it reads as an error: {said}" if said else ""
        why = f"a body that is not a valid {name} ({problems}){reads}"
        raise _invalid(raw, why, data) from None


_ERROR_DETAILS_SHOWN: Final = 5


def _error_said(status_code: int, data: Any) -> str | None:
    """What a 2xx body that did not fit says is wrong, when it is an error body (an ``error``
    envelope, the gateway's ``statusCode`` and ``message``, a ``code`` and a ``message``): its
    code, message and first details; None for any other body."""
    if not isinstance(data, Mapping):
        return None
    error = data.get("error")
    shaped = isinstance(error, (Mapping, str)) and error != ""
    if not (shaped or ("message" in data and ("statusCode" in data or "code" in data))):
        return None
    decoded = _decoded_object(status_code, data)
    head = f"{decoded.code}: " if decoded.code else ""
    shown_details = "; ".join(str(d) for d in decoded.details[:_ERROR_DETAILS_SHOWN])
    return head + decoded.message + (f" ({shown_details})" if shown_details else "")


def _admits_none(tp: Any) -> bool:
    """Whether ``cast_to`` is an optional type (``X | None``): the call then reads an HTTP 204
    No Content (how OpenFactura answers "nothing here") as None instead of an unreadable body."""
    return type(None) in typing.get_args(tp) and typing.get_origin(tp) in _UNIONS


_UNIONS = (typing.Union, types.UnionType)


def parse_response(request: APIRequest[T], raw: RawResponse) -> T:
    """The value of a 2xx answer as ``request.cast_to`` asks: model, bytes, text or None."""
    tp: Any = request.cast_to
    if tp is type(None) or tp is None:
        return cast(T, None)
    if tp is bytes:
        return cast(T, raw.content)
    if tp is str:
        return cast(T, decode_text(raw.content, raw.headers.get("content-type")))
    if raw.status_code == 204 and not raw.content.strip() and _admits_none(tp):
        return cast(T, None)
    data = decode_json(raw.content, raw.headers.get("content-type"))
    if data is _TOO_DEEP:
        raise _invalid(raw, f"a body that nests deeper than {MAX_JSON_DEPTH} levels")
    if data is _NOT_JSON:
        what = "an empty body" if not raw.content.strip() else "a body that is not JSON"
        raise _invalid(raw, what)
    return cast(T, _validate(raw, tp, data))


def decode_page(
    request: APIRequest[T], raw: RawResponse, *, after: PageInfo | None = None
) -> tuple[list[T], PageInfo, APIRequest[T] | None]:
    """Items, page metadata and the next page's request; HTTP 204 or an empty body: no items.

    ``after``: the page this one was asked to follow; a page that does not move on from it is an
    APIResponseValidationError, since iterating would repeat the same items forever, and so is
    one without items where ``after`` said more pages follow, since ending there loses them.
    """
    pagination: Pagination = request.pagination or NumberedPages()
    if raw.status_code == 204 or not raw.content.strip():
        ended = why_ended_early(after)
        if ended:
            raise _invalid(raw, ended)
        return [], PageInfo() if after is not None else empty_page_info(pagination, request), None
    body = decode_json(raw.content, raw.headers.get("content-type"))
    if body is _TOO_DEEP:
        raise _invalid(raw, f"a page that nests deeper than {MAX_JSON_DEPTH} levels")
    if body is _NOT_JSON:
        raise _invalid(raw, "a page that is not JSON")
    missing = pagination.missing_items(body)
    if missing:
        raise _invalid(raw, missing, body)
    info = pagination.info(body)
    if after is not None:
        stalled = why_not_advancing(after, info)
        if stalled:
            raise _invalid(raw, stalled, body)
    else:
        elsewhere = why_not_the_page_asked(pagination.asked_page(request), info)
        if elsewhere:
            raise _invalid(raw, elsewhere, body)
    items = [_validate(raw, request.cast_to, item) for item in pagination.items(body)]
    if not items:
        ended = why_ended_early(after)
        if ended:
            raise _invalid(raw, ended, body)
    return items, info, pagination.next_request(request, body)
