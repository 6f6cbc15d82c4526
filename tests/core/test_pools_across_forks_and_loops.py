"""A client's connections stay with the process and the event loop that opened them: a forked
child and a new loop get new ones, and what cannot be done says so with a typed error."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import threading
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx
import pytest

from haulmer import AsyncHaulmer, Haulmer
from haulmer._core.request import APIRequest
from haulmer.errors import ConfigurationError

from .helpers import Organization, asend, get_org, send

forks = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")


class _KeepAlive(BaseHTTPRequestHandler):
    """Answers every GET and POST with an organization, keeping the connection open, and
    records the client port each request came from (one port per connection)."""

    protocol_version = "HTTP/1.1"
    ports: ClassVar[list[int]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.do_GET()

    def do_GET(self) -> None:
        type(self).ports.append(self.client_address[1])
        body = json.dumps({"rut": "76795561-8"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        return  # a connection dropped with its loop is reset: nothing to print


@pytest.fixture
def server() -> Iterator[str]:
    _KeepAlive.ports = []
    httpd = _Server(("127.0.0.1", 0), _KeepAlive)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _in_child(work: object) -> str:
    """Run ``work()`` in a forked child; what it returned (or the error it raised), as text."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns to pytest
        try:
            os.close(reading)
            try:
                outcome = repr(work())  # type: ignore[operator]
            except BaseException as exc:
                outcome = f"{type(exc).__name__}: {exc}"
            os.write(writing, outcome.encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        outcome = pipe.read().decode()
    os.waitpid(pid, 0)
    return outcome


@forks
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_sends_on_connections_of_its_own_and_leaves_the_parents(
    server: str,
) -> None:
    with Haulmer("k", base_urls={"openfactura": server}, max_retries=0) as client:
        copy = client.with_options(max_retries=1)
        assert send(client, get_org()).rut == "76795561-8"

        def in_child() -> tuple[str, str]:
            return str(send(client, get_org()).rut), str(send(copy, get_org()).rut)

        assert _in_child(in_child) == "('76795561-8', '76795561-8')"
        assert send(client, get_org()).rut == "76795561-8"
    parent, child, child_copy, parent_again = _KeepAlive.ports
    assert child != parent  # the parent's socket, read by two processes, mixes their answers
    assert child_copy == child  # copies follow the client's new pool
    assert parent_again == parent  # the parent keeps its connection


@forks
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_client_closed_before_the_fork_stays_closed_in_the_child(server: str) -> None:
    client = Haulmer("k", base_urls={"openfactura": server}, max_retries=0)
    send(client, get_org())
    client.close()
    assert _in_child(lambda: send(client, get_org())).startswith("ClientClosedError: ")


def test_an_async_client_serves_one_asyncio_run_after_another(server: str) -> None:
    client = AsyncHaulmer("k", base_urls={"openfactura": server}, max_retries=0)

    async def call() -> str:
        return str((await asend(client, get_org())).rut)

    assert [asyncio.run(call()) for _ in range(3)] == ["76795561-8"] * 3
    asyncio.run(client.aclose())  # from yet another loop: closed, without a RuntimeError
    assert client.is_closed
    assert len(set(_KeepAlive.ports)) == 3  # a new connection in each loop


def test_an_async_client_in_use_by_a_running_loop_refuses_another(server: str) -> None:
    client = AsyncHaulmer("k", base_urls={"openfactura": server}, max_retries=0)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(asend(client, get_org()), loop).result(timeout=30)
        with pytest.raises(ConfigurationError, match="in use by another event loop") as caught:
            asyncio.run(asend(client, get_org()))
        assert "AsyncHaulmer in each thread" in str(caught.value)
        answer = asyncio.run_coroutine_threadsafe(asend(client, get_org()), loop).result(30)
        assert answer.rut == "76795561-8"  # its own loop still has it
        asyncio.run_coroutine_threadsafe(client.aclose(), loop).result(timeout=30)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
    assert len(_KeepAlive.ports) == 2  # the refused call sent nothing


def test_an_aclose_from_another_loop_closes_the_connections_in_the_loop_still_running_them(
    server: str,
) -> None:
    client = AsyncHaulmer("k", base_urls={"openfactura": server}, max_retries=0)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(asend(client, get_org()), loop).result(timeout=30)
        pool = client._http_client
        asyncio.run(client.aclose())  # the application's loop, not the one of the connections
        assert client.is_closed

        async def closed_there() -> bool:
            """Whether the pool closes while its own loop turns a bounded number of times."""
            for _ in range(1_000):
                if pool.is_closed:
                    return True
                await asyncio.sleep(0)
            return False

        # Not left open for as long as the other loop runs.
        assert asyncio.run_coroutine_threadsafe(closed_there(), loop).result(timeout=30)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


@pytest.mark.skipif(sys.platform == "win32", reason="selector loops only")
def test_a_users_pool_used_in_a_second_loop_fails_with_a_typed_error(server: str) -> None:
    # The pool is the test's, as a user's is theirs: its connections of the loops that ended
    # cannot be closed from another loop, so they go here, unwarned, not in a later test.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        _use_a_users_pool_in_two_loops(server)
        gc.collect()


def _use_a_users_pool_in_two_loops(server: str) -> None:
    client = AsyncHaulmer(
        "k", base_urls={"openfactura": server}, max_retries=0, http_client=httpx.AsyncClient()
    )
    order = APIRequest(
        "POST", "/v2/dte/document", "openfactura", Organization, json={"n": 1},
        idempotency_key="sale-1", creates="the document",
    )  # fmt: skip

    async def call(request: APIRequest[Organization]) -> str:
        return str((await asend(client, request)).rut)

    assert asyncio.run(call(get_org())) == "76795561-8"
    with pytest.raises(ConfigurationError, match="holds connections of another event loop") as read:
        asyncio.run(call(get_org()))
    assert "inside the event loop that uses them" in str(read.value)
    assert str(read.value).endswith("it only reads, so repeating it is safe")
    assert asyncio.run(call(order)) == "76795561-8"
    with pytest.raises(ConfigurationError, match="holds connections of another event loop") as made:
        asyncio.run(call(order))
    assert str(made.value).endswith(
        "the document may exist: repeat the call with idempotency_key='sale-1' (the key it sent)"
    )


def _dropped_after_its_loop_closed(server: str, *, close_first: bool) -> list[str]:
    """The messages of the warnings raised when an AsyncHaulmer that sent in a loop closed
    without shutting down (no asyncio.run()) is dropped."""
    client = AsyncHaulmer("k", base_urls={"openfactura": server}, max_retries=0)
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(asend(client, get_org()))
        if close_first:
            loop.run_until_complete(client.aclose())
    finally:
        loop.close()  # without loop.shutdown_asyncgens(): nothing closes the pool now
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del client
        gc.collect()
    return [str(warning.message) for warning in caught if warning.category is ResourceWarning]


def test_an_async_client_dropped_unclosed_after_its_loop_closed_says_how_to_close_it(
    server: str,
) -> None:
    messages = _dropped_after_its_loop_closed(server, close_first=False)
    ours = [m for m in messages if m.startswith("An AsyncHaulmer was dropped unclosed")]
    assert len(ours) == 1
    assert "`async with AsyncHaulmer(...) as client:`" in ours[0]
    assert "`await client.aclose()`" in ours[0]


def test_an_async_client_closed_before_its_loop_closed_is_dropped_without_a_warning(
    server: str,
) -> None:
    messages = _dropped_after_its_loop_closed(server, close_first=True)
    assert not [m for m in messages if "AsyncHaulmer" in m]
