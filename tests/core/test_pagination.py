"""Pages: lazy iteration across pages, page metadata, 204 as an empty page, memory kept flat."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import pickle
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer._core import AsyncAPIResource
from haulmer._core.pagination import AsyncPage, AsyncPaginator, CursorPages, NumberedPages, SyncPage
from haulmer._core.request import APIRequest
from haulmer.errors import APIResponseValidationError, APIStatusError

from .conftest import API_KEY, PLATFORM, SANDBOX
from .helpers import Organization, apage, page

ISSUED = f"{SANDBOX}/v2/dte/document/issued"


def issued(**options: Any) -> APIRequest[Organization]:
    return APIRequest(
        "POST",
        "/v2/dte/document/issued",
        "openfactura",
        Organization,
        json={"TipoDTE": {"eq": 33}},
        safe=True,
        **options,
    )


def numbered(request: httpx.Request, last: int = 3) -> httpx.Response:
    number = int(json.loads(request.content).get("Page", 1))
    data = [{"rut": f"{number}-{i}"} for i in range(2)]
    body = {"current_page": number, "last_page": last, "total": 2 * last, "data": data}
    return httpx.Response(200, json=body)


def test_iterating_a_page_walks_every_page_lazily(client: Haulmer, mock: respx.MockRouter) -> None:
    route = mock.post(ISSUED).mock(side_effect=numbered)
    first = page(client, issued())
    assert route.call_count == 1
    assert (first.current_page, first.last_page, first.total) == (1, 3, 6)
    assert first.has_next_page()
    ruts = [org.rut for org in first]
    assert ruts == ["1-0", "1-1", "2-0", "2-1", "3-0", "3-1"]
    bodies = [json.loads(call.request.content) for call in route.calls]
    assert bodies == [
        {"TipoDTE": {"eq": 33}},
        {"TipoDTE": {"eq": 33}, "Page": 2},
        {"TipoDTE": {"eq": 33}, "Page": 3},
    ]


def test_iter_pages_and_next_page(client: Haulmer, mock: respx.MockRouter) -> None:
    mock.post(ISSUED).mock(side_effect=numbered)
    pages = list(page(client, issued()).iter_pages())
    assert [p.current_page for p in pages] == [1, 2, 3]
    assert not pages[-1].has_next_page()
    assert pages[-1].next_page() is None
    second = pages[0].next_page()
    assert second is not None
    assert second.current_page == 2


def test_http_204_is_an_empty_page(client: Haulmer, mock: respx.MockRouter) -> None:
    mock.post(ISSUED).respond(204)
    empty = page(client, issued())
    assert empty.items == []
    assert list(empty) == []
    assert not empty.has_next_page()


def test_an_empty_list_answered_204_counts_no_items_on_its_one_page(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    # Its total was None: a month without documents could not be added to the others.
    mock.post(ISSUED).respond(204)
    empty = page(client, issued())
    assert (empty.current_page, empty.last_page, empty.total) == (1, 1, 0)


def test_a_page_past_the_end_answered_204_is_that_page_of_an_untold_total(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).respond(204)
    past = page(client, issued().replace(json={"Page": 4}))
    assert (past.items, past.current_page, past.last_page, past.total) == ([], 4, None, None)
    assert not past.has_next_page()


async def test_async_an_empty_list_answered_204_counts_no_items(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).respond(204)
    empty = await apage(aclient, issued())
    assert (empty.current_page, empty.last_page, empty.total) == (1, 1, 0)


def test_a_page_that_is_not_json_is_an_error(client: Haulmer, mock: respx.MockRouter) -> None:
    mock.post(ISSUED).respond(200, content=b"<html/>")
    with pytest.raises(APIResponseValidationError):
        page(client, issued())


def test_memory_stays_flat_while_iterating_many_pages(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).mock(side_effect=lambda request: numbered(request, last=20))
    seen: list[weakref.ref[SyncPage[Organization]]] = []
    for current in page(client, issued()).iter_pages():
        seen.append(weakref.ref(current))
        del current  # pages hold no reference cycles: refcounting frees them at once
        alive = [ref for ref in seen[1:-1] if ref() is not None]
        assert alive == []  # only the first page (held by the caller's generator) and this one
    assert len(seen) == 20


def test_page_number_in_query_params_and_cursor_pages(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    def by_param(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        return httpx.Response(
            200, json={"current_page": number, "last_page": 2, "data": [{"rut": str(number)}]}
        )

    mock.get(f"{PLATFORM}/v1/orgs").mock(side_effect=by_param)
    request = APIRequest(
        "GET",
        "/v1/orgs",
        "platform",
        Organization,
        pagination=NumberedPages(field="page", location="params"),
    )
    assert [o.rut for o in page(client, request)] == ["1", "2"]

    def by_cursor(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("cursor")
        if cursor is None:
            return httpx.Response(200, json={"data": [{"rut": "a"}], "next_cursor": "c2"})
        return httpx.Response(200, json={"data": [{"rut": "b"}], "next_cursor": None})

    mock.get(f"{PLATFORM}/v1/people").mock(side_effect=by_cursor)
    request = APIRequest("GET", "/v1/people", "platform", Organization, pagination=CursorPages())
    assert [o.rut for o in page(client, request)] == ["a", "b"]


def test_a_bare_array_is_a_single_page(client: Haulmer, mock: respx.MockRouter) -> None:
    mock.get(f"{PLATFORM}/v1/list").respond(json=[{"rut": "x"}, {"rut": "y"}])
    request = APIRequest("GET", "/v1/list", "platform", Organization)
    only = page(client, request)
    assert [o.rut for o in only] == ["x", "y"]
    assert not only.has_next_page()


async def test_async_pages_iterate_across_pages(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).mock(side_effect=numbered)
    first = await apage(aclient, issued())
    ruts = [org.rut async for org in first]
    assert ruts == ["1-0", "1-1", "2-0", "2-1", "3-0", "3-1"]
    numbers = [p.current_page async for p in first.iter_pages()]
    assert numbers == [1, 2, 3]
    second = await first.next_page()
    assert second is not None
    assert second.current_page == 2


async def test_async_204_is_an_empty_page(aclient: AsyncHaulmer, mock: respx.MockRouter) -> None:
    mock.post(ISSUED).respond(204)
    empty = await apage(aclient, issued())
    assert [item async for item in empty] == []
    assert await empty.next_page() is None


def _paginator(aclient: AsyncHaulmer) -> AsyncPaginator[Organization]:
    resource = AsyncAPIResource(aclient)
    return AsyncPaginator(lambda: resource._get_page(issued()))


async def test_an_async_paginator_is_async_iterable_without_an_await(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(ISSUED).mock(side_effect=numbered)
    paginator = _paginator(aclient)
    assert route.call_count == 0  # nothing is sent before it is awaited or iterated
    ruts = [org.rut async for org in paginator]
    assert ruts == ["1-0", "1-1", "2-0", "2-1", "3-0", "3-1"]
    assert route.call_count == 3


async def test_awaiting_an_async_paginator_gives_its_first_page(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).mock(side_effect=numbered)
    first = await _paginator(aclient)
    assert isinstance(first, AsyncPage)
    assert (first.current_page, first.last_page, len(first.items)) == (1, 3, 2)


async def test_an_async_paginator_read_again_starts_again_from_its_first_page(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(ISSUED).mock(side_effect=numbered)
    paginator = _paginator(aclient)
    first = [org.rut async for org in paginator]
    again = [org.rut async for org in paginator]
    assert first == again == ["1-0", "1-1", "2-0", "2-1", "3-0", "3-1"]
    assert route.call_count == 6  # every page asked for again, nothing served from memory
    pages = [await paginator, await paginator]
    assert [(p.current_page, len(p.items)) for p in pages] == [(1, 2), (1, 2)]
    assert route.call_count == 8
    assert "async for" in repr(paginator)


@pytest.mark.parametrize(
    "name", ["items", "current_page", "last_page", "total", "has_next_page", "next_page"]
)
async def test_a_page_attribute_asked_of_an_async_paginator_says_to_await_it_first(
    aclient: AsyncHaulmer, mock: respx.MockRouter, name: str
) -> None:
    route = mock.post(ISSUED).mock(side_effect=numbered)
    paginator = _paginator(aclient)
    with pytest.raises(AttributeError, match=r"await it for its first page") as caught:
        getattr(paginator, name)
    assert f"page.{name}" in str(caught.value)
    assert "async for" in str(caught.value)
    assert route.call_count == 0
    assert not hasattr(paginator, "no_such_attribute")


@pytest.mark.parametrize("start", ["paginator", "page", "pages"])
def test_async_iteration_begun_in_one_event_loop_goes_on_in_the_next(
    mock: respx.MockRouter, start: str
) -> None:
    """``asyncio.run()`` returning closes the async generators it leaves: a list iterated on in
    a second loop ended there, its later items left out without a word."""
    mock.post(ISSUED).mock(side_effect=numbered)
    client = AsyncHaulmer(API_KEY, environment="sandbox")
    paginator = _paginator(client)

    async def begin() -> Any:
        if start == "paginator":
            iterator: Any = aiter(paginator)
        elif start == "page":
            iterator = aiter(await paginator)
        else:
            iterator = (await paginator).iter_pages()
        return iterator, await anext(iterator)

    async def rest(iterator: Any) -> list[Any]:
        return [item async for item in iterator]

    iterator, first = asyncio.run(begin())
    later = asyncio.run(rest(iterator))
    if start == "pages":
        assert [page.current_page for page in [first, *later]] == [1, 2, 3]
    else:
        assert [org.rut for org in [first, *later]] == ["1-0", "1-1", "2-0", "2-1", "3-0", "3-1"]
    asyncio.run(client.aclose())


async def test_an_async_list_whose_page_failed_to_come_asks_for_it_again_on_the_next_item(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    answers = iter([None, httpx.Response(400, json={"error": "busy"}), None, None])

    def flaky(request: httpx.Request) -> httpx.Response:
        return next(answers) or numbered(request)

    mock.post(ISSUED).mock(side_effect=flaky)
    iterator = aiter(_paginator(aclient))
    got = [(await anext(iterator)).rut, (await anext(iterator)).rut]
    with pytest.raises(APIStatusError):
        await anext(iterator)  # page 2 refused
    got += [org.rut async for org in iterator]
    assert got == ["1-0", "1-1", "2-0", "2-1", "3-0", "3-1"]


def test_a_list_whose_page_failed_to_come_asks_for_it_again_on_the_next_item(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    answers = iter([None, httpx.Response(400, json={"error": "busy"}), None, None])

    def flaky(request: httpx.Request) -> httpx.Response:
        return next(answers) or numbered(request)

    mock.post(ISSUED).mock(side_effect=flaky)
    iterator = iter(page(client, issued()))
    got = [next(iterator).rut, next(iterator).rut]
    with pytest.raises(APIStatusError):
        next(iterator)  # page 2 refused
    got += [org.rut for org in iterator]
    assert got == ["1-0", "1-1", "2-0", "2-1", "3-0", "3-1"]


async def test_one_async_iteration_shared_by_two_tasks_refuses_a_second_fetch_at_once(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(ISSUED).mock(side_effect=numbered)
    resource, answered = AsyncAPIResource(aclient), asyncio.Event()

    async def first_page() -> AsyncPage[Organization]:
        await answered.wait()  # the answer takes a while: the other task asks meanwhile
        return await resource._get_page(issued())

    iterator = aiter(AsyncPaginator(first_page))
    fetching = asyncio.ensure_future(anext(iterator))
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError, match="its own"):
        await anext(iterator)
    answered.set()
    assert (await fetching).rut == "1-0"
    assert [org.rut async for org in iterator] == ["1-1", "2-0", "2-1", "3-0", "3-1"]
    assert route.call_count == 3  # each page fetched once


def test_one_iteration_shared_by_two_threads_refuses_a_second_fetch_at_once(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    answered, asked = threading.Event(), threading.Event()

    def slow(request: httpx.Request) -> httpx.Response:
        if json.loads(request.content).get("Page") == 2:
            asked.set()
            answered.wait(10)
        return numbered(request)

    mock.post(ISSUED).mock(side_effect=slow)
    iterator = iter(page(client, issued()).iter_pages())
    assert next(iterator).current_page == 1
    with ThreadPoolExecutor(1) as pool:
        fetching = pool.submit(next, iterator)
        asked.wait(10)
        with pytest.raises(RuntimeError, match="in another thread"):
            next(iterator)
        answered.set()
        assert fetching.result().current_page == 2
    assert [p.current_page for p in iterator] == [3]


async def test_an_async_lists_iterators_close_as_async_generators_do(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(ISSUED).mock(side_effect=numbered)
    async with contextlib.aclosing(aiter(_paginator(aclient))) as rows:
        assert (await anext(rows)).rut == "1-0"
    assert [org async for org in rows] == []
    first = await _paginator(aclient)
    async with contextlib.aclosing(first.iter_pages()) as pages:
        assert (await anext(pages)).current_page == 1
    assert [p async for p in pages] == []
    assert route.call_count == 2  # two first pages, nothing after a close


def test_a_lists_iterators_close_as_generators_do(client: Haulmer, mock: respx.MockRouter) -> None:
    route = mock.post(ISSUED).mock(side_effect=numbered)
    first = page(client, issued())
    with contextlib.closing(iter(first)) as rows:
        assert next(rows).rut == "1-0"
    with contextlib.closing(first.iter_pages()) as pages:
        assert next(pages).current_page == 1
    assert (list(rows), list(pages)) == ([], [])
    assert route.call_count == 1


async def test_an_async_paginator_left_unused_sends_nothing_and_warns_nothing(
    aclient: AsyncHaulmer, mock: respx.MockRouter, recwarn: pytest.WarningsRecorder
) -> None:
    route = mock.post(ISSUED).respond(204)
    _paginator(aclient)
    assert route.call_count == 0
    assert [w for w in recwarn if "never awaited" in str(w.message)] == []


def stuck_on_page_one(request: httpx.Request) -> httpx.Response:
    data = [{"rut": "1-0"}, {"rut": "1-1"}]
    body = {"current_page": 1, "last_page": 3, "total": 6, "data": data}
    return httpx.Response(200, json=body, headers={"x-request-id": "req_stuck"})


def test_a_server_that_ignores_the_page_number_ends_iteration_with_an_error(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(ISSUED).mock(side_effect=stuck_on_page_one)
    first = page(client, issued())
    seen: list[str] = []
    with pytest.raises(APIResponseValidationError, match="page 1 when the page after 1") as caught:
        seen.extend(org.rut for org in first)
    assert seen == ["1-0", "1-1"]
    assert route.call_count == 2
    assert caught.value.status_code == 200
    assert caught.value.request_id == "req_stuck"
    with pytest.raises(APIResponseValidationError, match="ignored the page number"):
        first.next_page()


def test_a_page_number_going_back_is_refused_too(client: Haulmer, mock: respx.MockRouter) -> None:
    def back_to_one(request: httpx.Request) -> httpx.Response:
        asked = int(json.loads(request.content).get("Page", 1))
        return numbered(request) if asked < 3 else stuck_on_page_one(request)

    mock.post(ISSUED).mock(side_effect=back_to_one)
    pages = page(client, issued()).iter_pages()
    assert [next(pages).current_page, next(pages).current_page] == [1, 2]
    with pytest.raises(APIResponseValidationError, match="page 1 when the page after 2"):
        next(pages)


def test_a_page_number_skipping_ahead_ends_iteration_with_an_error(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    def skip_to_three(request: httpx.Request) -> httpx.Response:
        asked = int(json.loads(request.content).get("Page", 1))
        data = [{"rut": f"{asked}-0"}]
        current = 1 if asked == 1 else 3
        body = {"current_page": current, "last_page": 4, "total": 4, "data": data}
        return httpx.Response(200, json=body)

    mock.post(ISSUED).mock(side_effect=skip_to_three)
    seen: list[str] = []
    with pytest.raises(APIResponseValidationError, match="page 3 when page 2 was asked for"):
        seen.extend(org.rut for org in page(client, issued()))
    assert seen == ["1-0"]


def test_a_first_page_other_than_one_is_not_taken_for_a_stall(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).mock(side_effect=numbered)
    ruts = [org.rut for org in page(client, issued().replace(json={"Page": 2}))]
    assert ruts == ["2-0", "2-1", "3-0", "3-1"]


def test_a_list_resumed_at_a_page_and_answered_with_another_is_an_error_not_those_items(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    # Read as page 3, page 1's items came back and iterating went on to pages 2 and 3: a list
    # resumed where an earlier run stopped gave that run's items again.
    mock.post(ISSUED).mock(side_effect=stuck_on_page_one)
    with pytest.raises(APIResponseValidationError, match="page 1 when page 3 was asked for"):
        page(client, issued().replace(json={"Page": 3}))


async def test_async_a_list_resumed_at_a_page_and_answered_with_another_is_an_error(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).mock(side_effect=stuck_on_page_one)
    with pytest.raises(APIResponseValidationError, match="page 1 when page 2 was asked for"):
        await apage(aclient, issued().replace(json={"Page": 2}))


def test_the_page_asked_for_through_extra_body_is_the_one_the_first_page_answers(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(ISSUED).mock(side_effect=numbered)
    first = page(client, issued(extra_body={"Page": 2}))
    assert first.current_page == 2
    assert json.loads(route.calls.last.request.content)["Page"] == 2


def test_a_list_begun_at_a_page_given_in_extra_body_reads_on_from_it(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    # extra_body's page was sent over the next page's number, asking for page 2 again, and the
    # SDK said the server had ignored the page number.
    route = mock.post(ISSUED).mock(side_effect=numbered)
    ruts = [org.rut for org in page(client, issued(extra_body={"Page": 2}))]
    assert ruts == ["2-0", "2-1", "3-0", "3-1"]
    assert [json.loads(call.request.content)["Page"] for call in route.calls] == [2, 3]


async def test_async_a_list_begun_at_a_page_given_in_extra_body_reads_on_from_it(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(ISSUED).mock(side_effect=numbered)
    first = await apage(aclient, issued(extra_body={"Page": "2"}))
    assert [org.rut async for org in first] == ["2-0", "2-1", "3-0", "3-1"]
    assert [json.loads(call.request.content)["Page"] for call in route.calls] == ["2", 3]


def test_a_list_begun_at_a_page_or_cursor_given_in_extra_query_reads_on_from_it(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    def by_number(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["page"])
        body = {"current_page": number, "last_page": 3, "data": [{"rut": str(number)}]}
        return httpx.Response(200, json=body)

    mock.get(f"{PLATFORM}/v1/numbered").mock(side_effect=by_number)
    numbered_request = APIRequest(
        "GET",
        "/v1/numbered",
        "platform",
        Organization,
        pagination=NumberedPages(field="page", location="params"),
        extra_query={"page": 2},
    )
    assert [o.rut for o in page(client, numbered_request)] == ["2", "3"]

    def by_cursor(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params["cursor"]
        following = {"c1": "c2", "c2": None}[cursor]
        return httpx.Response(200, json={"data": [{"rut": cursor}], "next_cursor": following})

    mock.get(f"{PLATFORM}/v1/people").mock(side_effect=by_cursor)
    cursor_request = APIRequest(
        "GET",
        "/v1/people",
        "platform",
        Organization,
        pagination=CursorPages(),
        extra_query={"cursor": "c1"},
    )
    assert [o.rut for o in page(client, cursor_request)] == ["c1", "c2"]


def test_a_cursor_sent_back_unchanged_ends_iteration_with_an_error(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(f"{PLATFORM}/v1/people").respond(
        200, json={"data": [{"rut": "a"}], "next_cursor": "c2"}
    )
    request = APIRequest("GET", "/v1/people", "platform", Organization, pagination=CursorPages())
    with pytest.raises(APIResponseValidationError, match="same next_cursor"):
        list(page(client, request))


async def test_async_pages_and_paginators_stop_a_server_stuck_on_one_page(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    route = mock.post(ISSUED).mock(side_effect=stuck_on_page_one)
    first = await apage(aclient, issued())
    with pytest.raises(APIResponseValidationError, match="repeat the same items forever"):
        await first.next_page()
    seen: list[str] = []
    with pytest.raises(APIResponseValidationError, match="ignored the page number"):
        async for org in _paginator(aclient):
            seen.append(org.rut)
    assert seen == ["1-0", "1-1"]
    assert route.call_count == 4


@pytest.mark.parametrize("number", ["1e400", "-1e400", "Infinity", "NaN"])
@pytest.mark.parametrize("key", ["current_page", "last_page", "total"])
def test_a_page_number_no_int_can_hold_is_no_page_number(
    key: str, number: str, client: Haulmer, mock: respx.MockRouter
) -> None:
    fields = {"current_page": "1", "last_page": "1", "total": "2", key: number}
    body = "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + ', "data": []}'
    mock.post(ISSUED).respond(
        200, content=body.encode(), headers={"content-type": "application/json"}
    )
    try:
        first = page(client, issued(max_retries=0))
    except APIResponseValidationError:  # NaN and Infinity are not JSON
        assert number in ("Infinity", "NaN")
    else:
        assert getattr(first, key) is None
        assert not first.has_next_page()


def test_a_page_refuses_pickling_saying_to_pickle_its_items(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).mock(side_effect=numbered)
    first = page(client, issued())
    with pytest.raises(TypeError, match=r"SyncPage cannot be pickled.*Pickle page\.items"):
        pickle.dumps(first)
    assert [org.rut for org in pickle.loads(pickle.dumps(first.items))] == ["1-0", "1-1"]
    shallow, deep = copy.copy(first), copy.deepcopy(first)  # copies still work, and fetch on
    assert shallow.items is first.items
    assert deep.items == first.items
    assert [p.current_page for p in deep.iter_pages()] == [1, 2, 3]


async def test_async_pages_and_paginators_refuse_pickling_saying_what_to_pickle(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).mock(side_effect=numbered)
    paginator = AsyncAPIResource(aclient)._paginate(issued())
    with pytest.raises(TypeError, match=r"AsyncPaginator cannot be pickled.*pickle the items"):
        pickle.dumps(paginator)
    first = await paginator
    with pytest.raises(TypeError, match=r"AsyncPage cannot be pickled.*Pickle page\.items"):
        pickle.dumps(first)


def empty_after_page_one(status: int) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        asked = int(json.loads(request.content).get("Page", 1))
        if asked == 1:
            return numbered(request)
        if status == 204:
            return httpx.Response(204, headers={"x-request-id": "req_gone"})
        body = {"current_page": asked, "last_page": 3, "total": 6, "data": []}
        return httpx.Response(200, json=body, headers={"x-request-id": "req_gone"})

    return answer


@pytest.mark.parametrize("status", [200, 204])
def test_an_empty_page_before_the_last_ends_iteration_with_an_error_not_quietly(
    status: int, client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).mock(side_effect=empty_after_page_one(status))
    seen: list[str] = []
    expected = "where page 2 of 3 was expected"
    with pytest.raises(APIResponseValidationError, match=expected) as caught:
        seen.extend(org.rut for org in page(client, issued()))
    assert seen == ["1-0", "1-1"]
    assert caught.value.status_code == status
    assert caught.value.request_id == "req_gone"
    assert "leave out the items of pages 2-3" in str(caught.value)


@pytest.mark.parametrize("status", [200, 204])
async def test_async_an_empty_page_before_the_last_ends_iteration_with_an_error(
    status: int, aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).mock(side_effect=empty_after_page_one(status))
    seen: list[str] = []
    with pytest.raises(APIResponseValidationError, match="where page 2 of 3 was expected"):
        async for org in _paginator(aclient):
            seen.append(org.rut)
    assert seen == ["1-0", "1-1"]


def test_an_empty_first_page_ends_the_list_quietly_and_an_empty_last_page_does_not(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).respond(204)
    assert list(page(client, issued())) == []
    mock.post(ISSUED).respond(200, json={"current_page": 1, "last_page": 1, "data": []})
    assert list(page(client, issued())) == []

    def empty_last(request: httpx.Request) -> httpx.Response:
        asked = int(json.loads(request.content).get("Page", 1))
        if asked < 2:
            return numbered(request, last=2)
        return httpx.Response(200, json={"current_page": 2, "last_page": 2, "data": []})

    mock.post(ISSUED).mock(side_effect=empty_last)
    seen: list[str] = []
    with pytest.raises(APIResponseValidationError, match="leave out the items of page 2;"):
        seen.extend(org.rut for org in page(client, issued()))
    assert seen == ["1-0", "1-1"]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"current_page": 1, "last_page": 3, "total": 90}, "without its 'data' list"),
        ({"current_page": 1, "last_page": 3, "total": 90, "data": None}, "'data' is NoneType"),
        ({"current_page": 1, "last_page": 1, "data": {"0": {"rut": "1-9"}}}, "'data' is dict"),
        ({"Data": [{"rut": "1-9"}]}, "without its 'data' list"),
        ("listado", "a page that is str"),
    ],
)
def test_a_page_without_its_list_of_items_is_an_error_not_an_empty_list(
    body: Any, said: str, client: Haulmer, mock: respx.MockRouter
) -> None:
    """Read as no items, such a page ended the list quietly, whatever its total counted."""
    mock.post(ISSUED).respond(200, json=body, headers={"x-request-id": "req_odd"})
    with pytest.raises(APIResponseValidationError, match=said) as caught:
        page(client, issued())
    assert caught.value.request_id == "req_odd"
    assert caught.value.body == body


async def test_async_a_later_page_without_its_list_of_items_is_an_error(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if int(json.loads(request.content).get("Page", 1)) == 1:
            return numbered(request)
        return httpx.Response(200, json={"current_page": 2, "last_page": 3, "total": 6})

    mock.post(ISSUED).mock(side_effect=answer)
    seen: list[str] = []
    with pytest.raises(APIResponseValidationError, match="without its 'data' list"):
        async for org in _paginator(aclient):
            seen.append(org.rut)
    assert seen == ["1-0", "1-1"]
