"""The core's basic value: ``APIRequest``, one API call described purely (no I/O, no client).

Product modules build them with pure functions; plans yield them; the runners send them.
The ``Pagination`` a request carries (and the ``PageInfo`` a style reads) is defined here, not in
``pagination``: a style makes requests and a request carries its style, so the two modules would
import each other.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from haulmer._core.types import NOT_GIVEN, Auth, Body, Headers, Product, Query, TimeoutArg
from haulmer._shown import shown
from haulmer.errors import ValidationError

__all__ = [
    "APIRequest",
    "PageInfo",
    "Pagination",
    "call_options",
    "idempotency_key_or_new",
    "new_idempotency_key",
]

T = TypeVar("T")

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def call_options(
    extra_headers: Headers | None,
    timeout: TimeoutArg,
    max_retries: int | None,
    extra_query: Query | None = None,
    extra_body: Body | None = None,
) -> dict[str, Any]:
    """The per-call options every resource method takes, as ``APIRequest`` keyword arguments."""
    return {
        "extra_headers": extra_headers,
        "timeout": timeout,
        "max_retries": max_retries,
        "extra_query": extra_query,
        "extra_body": extra_body,
    }


def new_idempotency_key() -> str:
    """A fresh random idempotency key, for creating calls whose caller gave none."""
    return uuid.uuid4().hex


MAX_IDEMPOTENCY_KEY_LENGTH = 255


def idempotency_key_or_new(key: str | None) -> str:
    """The caller's ``idempotency_key=`` (checked: text of 1 to 255 characters), else a new one.

    Built into the request description, so every retry of the call sends the same key.
    """
    if key is None:
        return new_idempotency_key()
    if (
        not isinstance(key, str)
        or not key.strip()
        or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH
        or not _HEADER_TEXT.fullmatch(key)
    ):
        raise ValidationError(
            f"idempotency_key must be text of 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters, such "
            "as your own id for this operation, in printable ASCII (it travels in the "
            f"Idempotency-Key header, which carries no line break or accented letter); "
            f"got {shown(key)}"
        )
    return key


_HEADER_TEXT = re.compile("[\x20-\x7e]+")
"""What an HTTP header value carries as it is: printable ASCII."""


@dataclass(frozen=True)
class PageInfo:
    """What a page says about the list: its number, the last page's, the total count if known."""

    current_page: int | None = None
    last_page: int | None = None
    total: int | None = None
    next_cursor: str | None = None


class Pagination(Protocol):
    """A pure pagination style: where items are and how to ask for the next page."""

    def items(self, body: Any) -> Sequence[Any]:
        """The raw items of one decoded page body."""
        ...

    def info(self, body: Any) -> PageInfo:
        """Page metadata of one decoded page body."""
        ...

    def next_request(self, request: APIRequest[T], body: Any) -> APIRequest[T] | None:
        """The request for the page after ``body`` (sent by ``request``), or None at the end."""
        ...

    def missing_items(self, body: Any) -> str | None:
        """Why ``body`` holds no list of items where the style keeps them, or None when it does."""
        ...

    def identity(self, item: Any) -> Hashable | None:
        """What names a decoded item among the list's (None: unknown), so that iterating item by
        item can skip one an earlier page already gave."""
        ...

    def asked_page(self, request: APIRequest[Any]) -> int | None:
        """The page number ``request`` asks for (None when the style has no page numbers), which
        its answer's ``current_page`` must be."""
        ...


@dataclass(frozen=True)
class APIRequest(Generic[T]):
    """One API call and how to decode its answer (no I/O, no client state). ``cast_to``: any type
    pydantic validates, ``bytes``, ``str`` or ``type(None)``; for pages, the type of one item.
    """

    method: str
    path: str
    product: Product
    cast_to: type[T]
    params: Mapping[str, Any] | None = None
    json: Any = field(default=None, repr=False)
    """The body; hidden from repr because it may carry passwords, a .pfx or its password."""
    content: bytes | None = field(default=None, repr=False)
    headers: Headers | None = field(default=None, repr=False)
    auth: Auth | None = None
    """None: "api_key" for openfactura; for platform "bearer" when the client has a token."""
    access_token: str | None = field(default=None, repr=False)
    """A bearer token for this call only (overrides the client's ``access_token``)."""
    idempotency_key: str | None = None
    safe: bool | None = None
    """True when the call changes nothing (retried like a GET); None: only GET/HEAD/OPTIONS."""
    pagination: Pagination | None = None
    timeout: TimeoutArg = NOT_GIVEN
    max_retries: int | None = None
    extra_headers: Headers | None = field(default=None, repr=False)
    extra_query: Query | None = field(default=None, repr=False)
    """Query parameters added to the call's own (a same name replaces it)."""
    extra_body: Body | None = field(default=None, repr=False)
    """JSON fields merged over the call's body (which must be a JSON object, or none)."""
    creates: str = "what this call creates"
    """What a keyed call makes ("the document", "the order"), named by an error after a lost
    answer: it may exist, and the key repeats the call safely. "" for a call whose key is the
    SDK's own (the method takes none) and which makes nothing new: no error names that key."""
    error_hints: Mapping[str, str] | None = None
    """Advice for this call's error codes (``{"token_used": ...}``), instead of the general one:
    the way out of a used e-mail link depends on which link it was."""

    def __init__(
        self,
        method: str,
        path: str,
        product: Product,
        cast_to: type[T],
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Headers | None = None,
        auth: Auth | None = None,
        access_token: str | None = None,
        idempotency_key: str | None = None,
        safe: bool | None = None,
        pagination: Pagination | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        creates: str = "what this call creates",
        error_hints: Mapping[str, str] | None = None,
    ) -> None:
        # Written out (the fields' defaults repeated; a test compares them) because the
        # __init__ a frozen dataclass generates sets each of the twenty fields through
        # object.__setattr__, a cost every call pays. One dict update writes them all.
        if not path.startswith("/"):
            raise ValidationError(f"APIRequest.path must start with '/', got {shown(path, 300)}")
        if json is not None and content is not None:
            raise ValidationError("APIRequest takes json= or content=, not both")
        self.__dict__.update(
            method=method.upper(),
            path=path,
            product=product,
            cast_to=cast_to,
            params=params,
            json=json,
            content=content,
            headers=headers,
            auth=auth,
            access_token=access_token,
            idempotency_key=idempotency_key,
            safe=safe,
            pagination=pagination,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            creates=creates,
            error_hints=error_hints,
        )

    @property
    def retry_safe(self) -> bool:
        """Whether a timeout or 5xx may be retried: safe methods, or an idempotency key."""
        if self.idempotency_key:
            return True
        if self.safe is not None:
            return self.safe
        return self.method in _SAFE_METHODS

    def replace(self, **changes: Any) -> APIRequest[T]:
        """A copy with some fields changed (used by pagination for the next page)."""
        return dataclasses.replace(self, **changes)
