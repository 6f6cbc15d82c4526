"""Pages of list results: how the next page is asked for, and lazy sync/async iteration.

Strategies are pure (body in, items and next request out). Pages keep only their own items, so
iterating a thousand pages uses the memory of one.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Generator,
    Hashable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from haulmer._core.request import APIRequest, PageInfo, Pagination
from haulmer._core.self_type import Self
from haulmer._forks import ForkSafeLock
from haulmer.errors import HaulmerError

__all__ = [
    "AsyncPage",
    "AsyncPaginator",
    "CursorPages",
    "NumberedPages",
    "PageInfo",
    "Pagination",
    "SyncPage",
    "by_id",
    "empty_page_info",
    "fetched_pages",
    "item_identity",
    "lazy_pages",
    "why_ended_early",
    "why_not_advancing",
    "why_not_the_page_asked",
]

T = TypeVar("T")


def by_id(item: Any) -> Hashable:
    """The identity of an item that carries its own ``id``."""
    return item.id  # type: ignore[no-any-return]


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a number past floats (1e400)
        return None


def _missing_at(body: Any, key: str) -> str | None:
    """Why ``body`` is no page of items: neither a list nor an object whose ``key`` is a list.
    Read as an empty page, such an answer would end the list without a word, however many
    items its ``total`` counts."""
    if isinstance(body, list):
        return None
    if isinstance(body, Mapping):
        if key not in body:
            return f"a page without its {key!r} list of items"
        if isinstance(body[key], list):
            return None
        return f"a page whose {key!r} is {type(body[key]).__name__}, not a list of items"
    return f"a page that is {type(body).__name__}, not an object with a {key!r} list of items"


def _items_at(body: Any, key: str) -> Sequence[Any]:
    if isinstance(body, list):
        return body
    if isinstance(body, Mapping):
        items = body.get(key)
        if isinstance(items, list):
            return items
    return []


@dataclass(frozen=True)
class NumberedPages:
    """Numbered pages (OpenFactura's ``{"current_page", "last_page", "total", "data"}``).

    The page number goes in the JSON body field ``field`` (``"Page"`` for OpenFactura) or in the
    query parameter of that name when ``location="params"``. ``key`` names an item (a
    document's type and folio): an item issued while the list is read pushes the later ones
    down a place, so a page can begin with the item the page before it ended on, which
    iterating item by item then skips.
    """

    field: str = "Page"
    location: Literal["json", "params"] = "json"
    items_key: str = "data"
    current_key: str = "current_page"
    last_key: str = "last_page"
    total_key: str = "total"
    first_page: int = 1
    key: Callable[[Any], Hashable] | None = None

    def items(self, body: Any) -> Sequence[Any]:
        return _items_at(body, self.items_key)

    def identity(self, item: Any) -> Hashable | None:
        return None if self.key is None else self.key(item)

    def missing_items(self, body: Any) -> str | None:
        return _missing_at(body, self.items_key)

    def asked_page(self, request: APIRequest[Any]) -> int | None:
        """The page number sent (``extra_body``/``extra_query`` over the call's own), else the
        first page's."""
        if self.location == "params":
            sources = (request.extra_query, request.params)
        else:
            sources = (request.extra_body, request.json)
        for source in sources:
            if isinstance(source, Mapping) and self.field in source:
                return _as_int(source[self.field])
        return self.first_page

    def info(self, body: Any) -> PageInfo:
        if not isinstance(body, Mapping):
            return PageInfo()
        return PageInfo(
            current_page=_as_int(body.get(self.current_key)),
            last_page=_as_int(body.get(self.last_key)),
            total=_as_int(body.get(self.total_key)),
        )

    def next_request(self, request: APIRequest[T], body: Any) -> APIRequest[T] | None:
        info = self.info(body)
        if info.current_page is None or info.last_page is None:
            return None
        if info.current_page >= info.last_page or not self.items(body):
            return None
        page = info.current_page + 1
        if self.location == "params":
            following = request.replace(params={**(request.params or {}), self.field: page})
        else:
            base = request.json if isinstance(request.json, Mapping) else {}
            following = request.replace(json={**base, self.field: page})
        return _also_in_extras(following, self.location, self.field, page)


@dataclass(frozen=True)
class CursorPages:
    """Cursor pages: ``{"data": [...], "next_cursor": "..." | null}``; cursor sent as a param."""

    param: str = "cursor"
    items_key: str = "data"
    cursor_key: str = "next_cursor"

    def items(self, body: Any) -> Sequence[Any]:
        return _items_at(body, self.items_key)

    def missing_items(self, body: Any) -> str | None:
        return _missing_at(body, self.items_key)

    def identity(self, item: Any) -> Hashable | None:
        return None  # a cursor holds its place while the list grows: no item comes twice

    def asked_page(self, request: APIRequest[Any]) -> int | None:
        return None  # a cursor names no page number

    def info(self, body: Any) -> PageInfo:
        cursor = body.get(self.cursor_key) if isinstance(body, Mapping) else None
        return PageInfo(next_cursor=str(cursor) if cursor else None)

    def next_request(self, request: APIRequest[T], body: Any) -> APIRequest[T] | None:
        cursor = self.info(body).next_cursor
        if not cursor or not self.items(body):
            return None
        following = request.replace(params={**(request.params or {}), self.param: cursor})
        return _also_in_extras(following, "params", self.param, cursor)


def _also_in_extras(
    request: APIRequest[T], location: Literal["json", "params"], field: str, value: Any
) -> APIRequest[T]:
    """``request`` with ``field`` set to ``value`` in ``extra_body`` (or ``extra_query``) too
    when the list was begun with it there: the extras are sent over the call's own fields, so
    the first page's number or cursor would be asked for again at every page."""
    extra = request.extra_query if location == "params" else request.extra_body
    if not isinstance(extra, Mapping) or field not in extra:
        return request
    changed = {**extra, field: value}
    if location == "params":
        return request.replace(extra_query=changed)
    return request.replace(extra_body=changed)


def why_ended_early(before: PageInfo | None) -> str | None:
    """Why a page without items (empty, or HTTP 204), fetched to follow ``before``, cannot end
    the list: ``before`` said more pages follow, and ending there would leave their items out
    without a word. None when it may end the list."""
    if before is None or before.current_page is None or before.last_page is None:
        return None
    if before.current_page >= before.last_page:
        return None
    asked, last = before.current_page + 1, before.last_page
    pages = f"page {last}" if asked == last else f"pages {asked}-{last}"
    return (
        f"no items where page {asked} of {last} was expected (page {asked - 1} said the list "
        f"has {last} pages): the list changed while it was read, or the server lost the page, "
        f"and ending here would leave out the items of {pages}; read the list "
        "again from its first page"
    )


def empty_page_info(pagination: Pagination, request: APIRequest[Any]) -> PageInfo:
    """What an answer without a body (HTTP 204: nothing to list) says of the page asked for: the
    first page of an empty list is its only one and counts 0 items; a later page is that page, of
    a list whose size it does not tell."""
    asked = pagination.asked_page(request)
    if asked is None:
        return PageInfo()
    first = pagination.first_page if isinstance(pagination, NumberedPages) else 1
    if asked == first:
        return PageInfo(current_page=asked, last_page=asked, total=0)
    return PageInfo(current_page=asked)


def why_not_the_page_asked(asked: int | None, answered: PageInfo) -> str | None:
    """Why a list's first page fetched, ``answered``, is not the page ``asked`` for (a server
    ignoring the page number: a list resumed at page 3 would give pages 1 and 2 again), or None
    when it is or cannot be told."""
    got = answered.current_page
    if asked is None or got is None or got == asked:
        return None
    return (
        f"page {got} when page {asked} was asked for: the server did not serve the page asked "
        "for, and reading on would give the items of other pages than those asked for"
    )


def why_not_advancing(before: PageInfo, after: PageInfo) -> str | None:
    """Why the page ``after``, fetched to follow ``before``, does not move on to the next one (a
    page number that is not higher or skips pages, or the same cursor again), or None when it
    does or cannot be told."""
    old, new = before.current_page, after.current_page
    if old is not None and new is not None and new <= old:
        return (
            f"page {new} when the page after {old} was asked for: the server ignored the page "
            "number, and reading on would repeat the same items forever"
        )
    if old is not None and new is not None and new > old + 1:
        return (
            f"page {new} when page {old + 1} was asked for: the server skipped pages, and "
            "reading on would leave out their items"
        )
    if before.next_cursor is not None and after.next_cursor == before.next_cursor:
        return "the same next_cursor it was sent: reading on would repeat the same items forever"
    return None


class RecentItems:
    """The identities of the last ``size`` items of the pages read so far, to tell an item a page
    repeats from an earlier page (the list grew at its head while it was read), or from earlier
    on its own page (a document listed twice), from a new one, in bounded memory: a document is
    given once wherever the pages split."""

    def __init__(self, identity: Callable[[Any], Hashable | None], size: int = 3000) -> None:
        self._identity = identity
        self._order: deque[Hashable] = deque()
        self._seen: set[Hashable] = set()
        self._size = size

    def new_items(self, items: Sequence[T]) -> list[T]:
        """The items of the next page that no earlier page, nor an earlier item of this page,
        gave; remembers the page's."""
        fresh: list[T] = []
        for item in items:
            key = self._identity(item)
            if key is None:
                fresh.append(item)
            elif key not in self._seen:
                fresh.append(item)
                self._seen.add(key)
                self._order.append(key)
        while len(self._order) > self._size:
            self._seen.discard(self._order.popleft())
        return fresh


def _no_identity(item: Any) -> None:
    return None


def item_identity(request: APIRequest[Any]) -> Callable[[Any], Hashable | None]:
    """How the items of ``request``'s pages are told apart (each unknown when the list's style
    cannot say)."""
    return request.pagination.identity if request.pagination is not None else _no_identity


class _PageBase(Generic[T]):
    def __init__(
        self,
        items: Sequence[T],
        info: PageInfo,
        next_request: APIRequest[T] | None,
        identity: Callable[[Any], Hashable | None] = _no_identity,
    ) -> None:
        self.items: list[T] = list(items)
        self.info = info
        self._next_request = next_request
        self._identity = identity
        self.request_id: str | None = None
        """Haulmer's id of the request that fetched this page (``X-Request-Id``)."""

    @property
    def current_page(self) -> int | None:
        return self.info.current_page

    @property
    def last_page(self) -> int | None:
        return self.info.last_page

    @property
    def total(self) -> int | None:
        return self.info.total

    def has_next_page(self) -> bool:
        """Whether another page follows this one."""
        return self._next_request is not None

    def _following(self) -> APIRequest[T]:
        if self._next_request is None:
            raise HaulmerError(
                f"page {self.current_page or 1} is the last page: check has_next_page() before "
                "get_next_page(), or use next_page(), which returns None there"
            )
        return self._next_request

    def __reduce__(self) -> Any:
        """Refused: a page fetches the next one through the client that listed it."""
        raise TypeError(
            f"a {type(self).__name__} cannot be pickled: it fetches the following pages through "
            "the client that listed it, which stays in its process. Pickle page.items (a list "
            "of models, which pickle), with page.current_page, page.last_page and page.total "
            "if you need them, and list again where the next page is wanted"
        )

    def __copy__(self) -> Self:
        copied = object.__new__(type(self))
        copied.__dict__.update(self.__dict__)
        return copied

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        copied = object.__new__(type(self))
        memo[id(self)] = copied
        copied.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return copied

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} items={len(self.items)} page={self.current_page} "
            f"last_page={self.last_page} total={self.total}>"
        )


class SyncPage(_PageBase[T]):
    """One page of results; iterate it for every item of every page, fetched as needed."""

    def __init__(
        self,
        items: Sequence[T],
        info: PageInfo,
        next_request: APIRequest[T] | None,
        fetch: Callable[[APIRequest[T]], SyncPage[T]],
        identity: Callable[[Any], Hashable | None] = _no_identity,
    ) -> None:
        super().__init__(items, info, next_request, identity)
        self._fetch = fetch

    def next_page(self) -> SyncPage[T] | None:
        """Fetch the following page, or None when this is the last."""
        return None if self._next_request is None else self._fetch(self._next_request)

    def get_next_page(self) -> SyncPage[T]:
        """Fetch the following page (after ``has_next_page()``: no None to handle); on the last
        page a HaulmerError says so."""
        return self._fetch(self._following())

    def iter_pages(self) -> Iterator[SyncPage[T]]:
        """This page and every following one, fetched one at a time."""
        return _SyncPages(self)

    def __iter__(self) -> Iterator[T]:
        """Every item of this page and the following ones; an item a page repeats from an
        earlier page (the list grew while it was read) is skipped."""
        return _SyncItems(self.iter_pages())


class _SyncPages(Iterator[SyncPage[T]]):
    """A list's pages from ``first``, each fetched when asked for. A plain iterator, as the
    asyncio face's: a page that failed to come (an error raised to the loop reading it) is
    asked for again by the next ``next()``, where a generator would have ended short."""

    def __init__(self, first: SyncPage[T]) -> None:
        self._first: SyncPage[T] | None = first
        self._page: SyncPage[T] | None = None
        self._fetching = ForkSafeLock()

    def __next__(self) -> SyncPage[T]:
        if not self._fetching.acquire(blocking=False):  # two threads would fetch one page
            raise RuntimeError(
                "this iteration of a list is already fetching its next page in another thread: "
                "iterate each page in one thread (see the thread-safety guide), or hand the "
                "items to the others through a queue.Queue"
            )
        try:
            if self._first is not None:
                page: SyncPage[T] | None = self._first
                self._first = None
            elif self._page is not None:
                page = self._page.next_page()
            else:
                page = None
        finally:
            self._fetching.release()
        self._page = page
        if page is None:
            raise StopIteration
        return page

    def close(self) -> None:
        """End the iteration (as a generator's ``close()``): nothing more is fetched."""
        self._first = self._page = None


class _SyncItems(Iterator[T]):
    """Every item of the pages ``pages`` gives, an item a page repeats from an earlier page
    skipped (see ``RecentItems``)."""

    def __init__(self, pages: Iterator[SyncPage[T]]) -> None:
        self._pages = pages
        self._recent: RecentItems | None = None
        self._items: deque[T] = deque()

    def __next__(self) -> T:
        while not self._items:
            page = next(self._pages)  # StopIteration after the last page
            if self._recent is None:
                self._recent = RecentItems(page._identity)
            self._items.extend(self._recent.new_items(page.items))
        return self._items.popleft()

    def close(self) -> None:
        """End the iteration (as a generator's ``close()``): nothing more is given or fetched."""
        self._items.clear()
        close = getattr(self._pages, "close", None)
        if close is not None:
            close()


class AsyncPage(_PageBase[T]):
    """One page of results; ``async for`` it for every item of every page, fetched as needed."""

    def __init__(
        self,
        items: Sequence[T],
        info: PageInfo,
        next_request: APIRequest[T] | None,
        fetch: Callable[[APIRequest[T]], Awaitable[AsyncPage[T]]],
        identity: Callable[[Any], Hashable | None] = _no_identity,
    ) -> None:
        super().__init__(items, info, next_request, identity)
        self._fetch = fetch

    async def next_page(self) -> AsyncPage[T] | None:
        """Fetch the following page, or None when this is the last."""
        return None if self._next_request is None else await self._fetch(self._next_request)

    async def get_next_page(self) -> AsyncPage[T]:
        """Fetch the following page (after ``has_next_page()``: no None to handle); on the last
        page a HaulmerError says so."""
        return await self._fetch(self._following())

    def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """This page and every following one, fetched one at a time."""
        return _AsyncPages(lambda: _given(self))

    def __aiter__(self) -> AsyncIterator[T]:
        """Every item of this page and the following ones; an item a page repeats from an
        earlier page (the list grew while it was read) is skipped."""
        return _AsyncItems(self.iter_pages())


async def _given(page: AsyncPage[T]) -> AsyncPage[T]:
    return page


class _AsyncPages(AsyncIterator[AsyncPage[T]]):
    """A list's pages from its first (``first()`` gives it), each fetched when asked for.

    A plain iterator, not an async generator: the end of an event loop (``asyncio.run()``
    returning) closes the async generators it leaves, and a list begun in one loop would end
    short in the next; this one goes on in it. A page that failed to come is asked for again
    by the next ``__anext__``, as on the blocking face.
    """

    def __init__(self, first: Callable[[], Awaitable[AsyncPage[T]]]) -> None:
        self._first: Callable[[], Awaitable[AsyncPage[T]]] | None = first
        self._page: AsyncPage[T] | None = None
        self._fetching = False

    async def __anext__(self) -> AsyncPage[T]:
        if self._fetching:  # two tasks would fetch the same page, and give its items twice
            raise RuntimeError(
                "this iteration of a list is already fetching its next page for another task: "
                "give each task its own (async for over the list), or hand the items to the "
                "others through an asyncio.Queue"
            )
        self._fetching = True
        try:
            if self._first is not None:
                page: AsyncPage[T] | None = await self._first()
                self._first = None
            elif self._page is not None:
                page = await self._page.next_page()
            else:
                page = None
        finally:
            self._fetching = False
        self._page = page
        if page is None:
            raise StopAsyncIteration
        return page

    async def aclose(self) -> None:
        """End the iteration (as an async generator's ``aclose()``, which
        ``contextlib.aclosing`` calls): nothing more is fetched."""
        self._first = self._page = None


class _AsyncItems(AsyncIterator[T]):
    """Every item of the pages ``pages`` gives, an item a page repeats from an earlier page
    skipped (see ``RecentItems``); a plain iterator too, going on in another event loop."""

    def __init__(self, pages: AsyncIterator[AsyncPage[T]]) -> None:
        self._pages = pages
        self._recent: RecentItems | None = None
        self._items: deque[T] = deque()

    async def __anext__(self) -> T:
        while not self._items:
            page = await self._pages.__anext__()  # StopAsyncIteration after the last page
            if self._recent is None:
                self._recent = RecentItems(page._identity)
            self._items.extend(self._recent.new_items(page.items))
        return self._items.popleft()

    async def aclose(self) -> None:
        """End the iteration (as an async generator's ``aclose()``, which
        ``contextlib.aclosing`` calls): nothing more is given or fetched."""
        self._items.clear()
        aclose = getattr(self._pages, "aclose", None)
        if aclose is not None:
            await aclose()


class AsyncPaginator(Generic[T]):
    """What an async list method returns: ``await`` it for the first page, or ``async for`` it
    for every item of every page (no extra ``await``).

    Each ``await`` and each ``async for`` reads the list afresh from its first page (as iterating
    a ``SyncPage`` again fetches the following pages again), so a paginator can be walked twice.
    Bad arguments were already refused when the list method was called.
    """

    def __init__(self, first_page: Callable[[], Coroutine[Any, Any, AsyncPage[T]]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._first_page().__await__()

    def __aiter__(self) -> AsyncIterator[T]:
        """Every item of every page, from a first page fetched afresh (see ``AsyncPage``)."""
        return _AsyncItems(_AsyncPages(self._first_page))

    if not TYPE_CHECKING:  # a type checker already refuses these names on a paginator

        def __getattr__(self, name: str) -> Any:
            """A page's attribute asked of the list, whose page is not fetched yet (an ``await``
            forgotten): an AttributeError saying to await it first."""
            if name in _PAGE_ATTRIBUTES:
                raise AttributeError(
                    f"'{type(self).__name__}' object has no attribute {name!r}: it is the list, "
                    f"not a page; await it for its first page (page = await "
                    f"client....list_...(...), then page.{name}), or async for it for every "
                    "item of every page"
                )
            raise AttributeError(f"'{type(self).__name__}' object has no attribute {name!r}")

    def __reduce__(self) -> Any:
        """Refused: the list is fetched through its client when awaited."""
        raise TypeError(
            "an AsyncPaginator cannot be pickled: it fetches the list through the client that "
            "made it, which stays in its process. Await it and pickle the items "
            "([row async for row in paginator], a list of models, which pickle)"
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} (await it for a page, async for it for every item)>"


_PAGE_ATTRIBUTES = frozenset(
    name
    for name in (*vars(_PageBase), *vars(AsyncPage), "items", "info", "request_id")
    if not name.startswith("_")
)
"""What a page has and its paginator has not (``items``, ``has_next_page``...)."""


def lazy_pages(first_page: Callable[[], Coroutine[Any, Any, AsyncPage[T]]]) -> AsyncPaginator[T]:
    """What the async face's list methods return: pages fetched when awaited or iterated."""
    return AsyncPaginator(first_page)


def fetched_pages(first_page: Callable[[], SyncPage[T]]) -> SyncPage[T]:
    """What the sync face's list methods return: the first page, fetched now (the generated
    counterpart of ``lazy_pages``); iterating it fetches the rest."""
    return first_page()
