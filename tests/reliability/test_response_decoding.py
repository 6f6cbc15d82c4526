"""Fuzzing what the server answers: whatever the bytes, headers and status, decoding an answer
ends in a value or a typed ``HaulmerError``, never in an untyped exception.

The decoders are pure (bytes and headers in), so hypothesis drives them directly: error bodies
of every shape, 2xx bodies for every kind of ``cast_to``, pages of both pagination styles, and
pages asked to follow another page. Deeply nested JSON is part of the search space.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haulmer._core.pagination import CursorPages, NumberedPages, PageInfo
from haulmer._core.request import APIRequest
from haulmer._core.responses import (
    RawResponse,
    decode_json,
    decode_page,
    error_from_response,
    parse_response,
)
from haulmer.errors import APIStatusError, HaulmerError
from haulmer.openfactura.models import (
    EmittedDocument,
    IssuedDocumentSummary,
    Organization,
    PurchaseRegistry,
    SyncRcvResult,
)

CASTS: list[Any] = [
    EmittedDocument,
    Organization,
    SyncRcvResult,
    list[PurchaseRegistry],
    dict[str, Any],
    Any,
    bytes,
    str,
    type(None),
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["OF-06", "OF-21", "OF-429", "76795561-8", "2026-11-27", "Try again in 5 s"]),
)
KEYS = [
    "error",
    "code",
    "message",
    "msg",
    "details",
    "token",
    "Token",
    "retry_after",
    "statusCode",
    "data",
    "current_page",
    "last_page",
    "total",
    "next_cursor",
    "TOKEN",
    "FOLIO",
    "rut",
    "razonSocial",
    "field",
    "issue",
]
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children, max_size=5
        ),
    ),
    max_leaves=30,
)


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    """Answer bodies: JSON of any shape, deeply nested JSON, text, HTML, random bytes."""
    kind = draw(st.sampled_from(["json", "deep", "text", "bytes", "latin1", "bom"]))
    if kind == "json":
        return json.dumps(draw(json_values), allow_nan=True).encode()
    if kind == "deep":
        depth = draw(st.integers(min_value=50, max_value=5000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}"), ('{"error":', "}")]))
        inner = draw(st.sampled_from(["1", '"x"', "[]", "{}"]))
        closed = draw(st.booleans())
        return (opener * depth + inner + (closer * depth if closed else "")).encode()
    if kind == "text":
        return draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")
    if kind == "latin1":
        return json.dumps({"error": {"message": draw(st.text(max_size=30))}}).encode(
            "latin-1", "replace"
        )
    if kind == "bom":
        return b"\xef\xbb\xbf" + json.dumps(draw(json_values)).encode()
    return draw(st.binary(max_size=200))


headers = st.fixed_dictionaries(
    {},
    optional={
        "content-type": st.one_of(
            st.sampled_from(
                [
                    "application/json",
                    "application/json; charset=utf-8",
                    "text/html; charset=iso-8859-1",
                    "text/plain; charset=nonsense",
                    "application/json; charset=utf-16",
                ]
            ),
            st.text(max_size=30),
        ),
        "retry-after": st.one_of(
            st.sampled_from(["5", "-1", "1e400", "nan", "Wed, 21 Oct 2015 07:28:00 GMT"]),
            st.text(max_size=30),
        ),
        "retry-after-ms": st.text(max_size=12),
        "x-request-id": st.text(max_size=12),
    },
)


def _raw(status: int, body: bytes, head: dict[str, str]) -> RawResponse:
    return RawResponse(
        status_code=status, headers=head, content=body, method="POST", url="https://x/v2/dte"
    )


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(status=st.integers(min_value=400, max_value=599), body=bodies(), head=headers)
def test_an_error_answer_always_becomes_a_typed_error(
    status: int, body: bytes, head: dict[str, str]
) -> None:
    error = error_from_response(_raw(status, body, head), now=1_700_000_000.0)
    assert isinstance(error, APIStatusError)
    assert error.status_code == status
    assert str(error)
    assert repr(error)
    assert isinstance(error.hint, str)


@FUZZ
@given(
    status=st.integers(min_value=200, max_value=299),
    body=bodies(),
    head=headers,
    cast=st.sampled_from(CASTS),
)
def test_a_2xx_answer_is_a_value_or_a_typed_error(
    status: int, body: bytes, head: dict[str, str], cast: Any
) -> None:
    request: APIRequest[Any] = APIRequest("GET", "/v2/dte/x", "openfactura", cast)
    with contextlib.suppress(HaulmerError):
        parse_response(request, _raw(status, body, head))


@FUZZ
@given(
    body=bodies(),
    head=headers,
    style=st.sampled_from([NumberedPages(), NumberedPages(location="params"), CursorPages()]),
    after=st.one_of(
        st.none(),
        st.builds(
            PageInfo,
            current_page=st.one_of(st.none(), st.integers()),
            last_page=st.one_of(st.none(), st.integers()),
            next_cursor=st.one_of(st.none(), st.text(max_size=5)),
        ),
    ),
)
def test_a_page_is_items_and_a_next_request_or_a_typed_error(
    body: bytes, head: dict[str, str], style: Any, after: PageInfo | None
) -> None:
    request: APIRequest[Any] = APIRequest(
        "POST",
        "/v2/dte/document/issued",
        "openfactura",
        IssuedDocumentSummary,
        json={"Page": 1},
        pagination=style,
    )
    try:
        items, _, following = decode_page(request, _raw(200, body, head), after=after)
    except HaulmerError:
        return
    assert all(isinstance(item, IssuedDocumentSummary) for item in items)
    assert following is None or isinstance(following, APIRequest)


def test_a_thousand_nested_arrays_are_a_typed_error_everywhere() -> None:
    body = b"[" * 1000 + b"]" * 1000
    request: APIRequest[Any] = APIRequest("GET", "/v2/dte/x", "openfactura", dict[str, Any])
    for cast in CASTS[:6]:
        with pytest.raises(HaulmerError, match="deeper than"):
            parse_response(request.replace(cast_to=cast), _raw(200, body, {}))
    error = error_from_response(_raw(502, body, {}), now=0.0)
    assert "nests deeper" in str(error)


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_not_json(constant: bytes) -> None:
    from haulmer._core.responses import _NOT_JSON

    assert decode_json(b'{"total": ' + constant + b"}") is _NOT_JSON
    assert decode_json(b"[1e400]") == [float("inf")]  # valid JSON; its readers check it
