"""Closing a client while other threads or tasks still call it, or never closing it: the calls
under way get their answers, and every connection the client opened is closed in the end (no
socket is left to the garbage collector's ResourceWarning)."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import ClientClosedError

from .helpers import asend, get_org, send


class _Held(BaseHTTPRequestHandler):
    """Answers every GET with an organization on a kept-alive connection; while ``hold`` is
    clear, says it has the request (``arrived``) and waits before answering."""

    protocol_version = "HTTP/1.1"
    arrived: ClassVar[threading.Event] = threading.Event()
    hold: ClassVar[threading.Event] = threading.Event()

    def do_GET(self) -> None:
        type(self).arrived.set()
        type(self).hold.wait(timeout=30)
        body = json.dumps({"rut": "76795561-8"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    _Held.arrived = threading.Event()
    _Held.hold = threading.Event()
    _Held.hold.set()
    httpd = _Server(("127.0.0.1", 0), _Held)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        _Held.hold.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _resource_warnings(work: Callable[[], object]) -> list[str]:
    """The ResourceWarnings raised while ``work()`` runs and its garbage is collected."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        work()
        gc.collect()
    return [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]


def test_a_close_while_another_thread_waits_for_an_answer_lets_it_arrive(server: str) -> None:
    client = Haulmer("k", base_urls={"openfactura": server}, max_retries=0)
    _Held.hold.clear()

    def close_during_a_call() -> None:
        with ThreadPoolExecutor(1) as threads:
            call = threads.submit(send, client, get_org())
            assert _Held.arrived.wait(timeout=30)
            client.close()
            client.close()  # twice: nothing more happens
            with pytest.raises(ClientClosedError, match="is closed"):
                send(client, get_org())
            _Held.hold.set()
            assert call.result(timeout=30).rut == "76795561-8"  # not a broken connection
        assert client._http_client.is_closed  # closed once the call under way ended

    assert _resource_warnings(close_during_a_call) == []


async def test_an_aclose_while_another_task_waits_for_an_answer_lets_it_arrive(
    server: str,
) -> None:
    client = AsyncHaulmer("k", base_urls={"openfactura": server}, max_retries=0)
    _Held.hold.clear()
    call = asyncio.ensure_future(asend(client, get_org()))
    assert await asyncio.to_thread(_Held.arrived.wait, 30)
    await client.aclose()
    await client.aclose()
    with pytest.raises(ClientClosedError, match="is closed"):
        await asend(client, get_org())
    _Held.hold.set()
    assert (await call).rut == "76795561-8"
    assert client._http_client.is_closed


def test_each_asyncio_run_closes_the_connections_it_opened(server: str) -> None:
    client = AsyncHaulmer("k", base_urls={"openfactura": server}, max_retries=0)

    async def call() -> str:
        return str((await asend(client, get_org())).rut)

    def two_runs() -> None:
        assert asyncio.run(call()) == "76795561-8"
        assert client._http_client.is_closed  # with the loop its connections belonged to
        assert not client.is_closed  # the client itself goes on, with a new pool
        assert asyncio.run(call()) == "76795561-8"

    assert _resource_warnings(two_runs) == []
    asyncio.run(client.aclose())
    assert client.is_closed


def test_a_client_dropped_unclosed_closes_its_connections(server: str) -> None:
    def dropped() -> None:
        client = Haulmer("k", base_urls={"openfactura": server}, max_retries=0)
        assert send(client, get_org()).rut == "76795561-8"

    assert _resource_warnings(dropped) == []


def test_an_async_client_never_closed_closes_its_connections_with_its_loop(server: str) -> None:
    async def never_closed() -> None:
        client = AsyncHaulmer("k", base_urls={"openfactura": server}, max_retries=0)
        assert (await asend(client, get_org())).rut == "76795561-8"

    assert _resource_warnings(lambda: asyncio.run(never_closed())) == []


def test_a_user_pool_is_never_closed_by_the_client_nor_its_loop(server: str) -> None:
    import httpx

    pool = httpx.AsyncClient()
    client = AsyncHaulmer("k", base_urls={"openfactura": server}, http_client=pool)

    async def call_and_close() -> None:
        await asend(client, get_org())
        await client.aclose()
        assert not pool.is_closed
        await pool.aclose()

    asyncio.run(call_and_close())


def test_async_clients_dropped_unclosed_in_a_running_loop_close_their_connections_there(
    server: str,
) -> None:
    async def per_request_clients() -> None:
        for _ in range(3):  # as a web app making a client per request and forgetting aclose()
            client = AsyncHaulmer("k", base_urls={"openfactura": server}, max_retries=0)
            assert client.openfactura is not None  # a resource holds the client: a cycle
            assert (await asend(client, get_org())).rut == "76795561-8"
            del client
            gc.collect()  # the cycle collected while the loop goes on
            for _ in range(5):
                await asyncio.sleep(0)  # the loop closes the pool in a task of its own

    assert _resource_warnings(lambda: asyncio.run(per_request_clients())) == []
