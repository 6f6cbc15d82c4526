"""Failed attempts give their connection back: no leaked responses, one pooled connection."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import APIConnectionError, ServerError

from .conftest import API_KEY, SANDBOX, Sleeps
from .helpers import asend, get_org, send


class TrackedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that remembers whether it was closed."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield self.content

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        yield self.content

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def test_every_failed_response_is_closed_before_the_next_attempt(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    streams = [TrackedStream(b'{"statusCode": 503}') for _ in range(3)]
    mock.get(f"{SANDBOX}/v2/dte/organization").side_effect = [
        httpx.Response(503, stream=stream) for stream in streams
    ]
    with pytest.raises(ServerError):
        send(client, get_org())
    assert [s.closed for s in streams] == [True, True, True]


async def test_async_failed_responses_are_closed(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    streams = [TrackedStream(b"oops") for _ in range(3)]
    mock.get(f"{SANDBOX}/v2/dte/organization").side_effect = [
        httpx.Response(500, stream=stream) for stream in streams
    ]
    with pytest.raises(ServerError):
        await asend(aclient, get_org())
    assert all(s.closed for s in streams)


class _Flaky(BaseHTTPRequestHandler):
    """Answers 503 to the first two requests of a test, then 200, keeping connections alive."""

    protocol_version = "HTTP/1.1"
    failures_left = 0

    def do_GET(self) -> None:
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            status, body = 503, b'{"statusCode": 503, "message": "busy"}'
        else:
            status, body = 200, b'{"rut": "76795561-8"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def loopback() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_retries_over_a_real_socket_reuse_one_idle_connection(
    loopback: str, sleeps: Sleeps
) -> None:
    _Flaky.failures_left = 2
    with Haulmer("k", base_urls={"openfactura": loopback}, sleep=sleeps) as client:
        for _ in range(3):
            assert send(client, get_org()).rut == "76795561-8"
            _Flaky.failures_left = 2
        pool = client._http_client._transport._pool  # type: ignore[attr-defined]
        assert len(pool.connections) == 1
        assert all(connection.is_idle() for connection in pool.connections)
    assert len(sleeps) == 6


async def test_async_retries_over_a_real_socket_leave_no_busy_connection(
    loopback: str, sleeps: Sleeps
) -> None:
    _Flaky.failures_left = 2
    async with AsyncHaulmer(
        "k", base_urls={"openfactura": loopback}, sleep=sleeps.async_sleep
    ) as client:
        assert (await asend(client, get_org())).rut == "76795561-8"
        pool = client._http_client._transport._pool  # type: ignore[attr-defined]
        assert len(pool.connections) == 1
        assert all(connection.is_idle() for connection in pool.connections)


def _chain(error: BaseException) -> list[BaseException]:
    """The error and every cause and context it links to."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is seen for seen in found):
            continue
        found.append(current)
        pending += [current.__cause__, current.__context__]
    return found


def _carried_requests(error: BaseException) -> list[httpx.Request]:
    requests = []
    for linked in _chain(error):
        try:
            request = linked.request  # type: ignore[attr-defined]
        except (AttributeError, RuntimeError):  # httpx: "The .request property has not been set"
            continue
        if isinstance(request, httpx.Request):
            requests.append(request)
    return requests


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("peer closed connection"),
    ],
    ids=["connect", "read timeout", "broken"],
)
def test_an_attempt_that_fails_chains_no_request_with_the_key_or_the_password(
    client: Haulmer, mock: respx.MockRouter, failure: httpx.RequestError
) -> None:
    from .conftest import API_KEY, PLATFORM

    password = "Chained-Password-2026"
    mock.get(f"{SANDBOX}/v2/dte/document/tok/status").mock(side_effect=failure)
    mock.post(f"{PLATFORM}/v1/accounts/login").mock(side_effect=failure)
    calls = (
        lambda: client.with_options(max_retries=0).openfactura.documents.status("tok"),
        lambda: client.with_options(max_retries=0).accounts.login("ana@example.com", password),
    )
    for call in calls:
        with pytest.raises(APIConnectionError) as info:
            call()
        assert _carried_requests(info.value) == []
        assert isinstance(info.value.__cause__, type(failure))
        assert str(failure) in str(info.value.__cause__)
        shown = repr([vars(linked) for linked in _chain(info.value)])
        assert API_KEY not in shown
        assert password not in shown


async def test_an_async_attempt_that_fails_chains_no_request_with_the_key(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.get(f"{SANDBOX}/v2/dte/document/tok/status").mock(side_effect=httpx.ConnectError("no"))
    with pytest.raises(APIConnectionError) as info:
        await aclient.with_options(max_retries=0).openfactura.documents.status("tok")
    assert _carried_requests(info.value) == []
    assert isinstance(info.value.__cause__, httpx.ConnectError)


def _untrusted_certificate(request: httpx.Request) -> httpx.Response:
    """What httpx raises when the server's TLS certificate is not trusted (as behind a proxy of
    the network that inspects TLS): a ConnectError raised from the ssl module's error."""
    said = (
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
        "self-signed certificate in certificate chain (_ssl.c:1006)"
    )
    try:
        raise ssl.SSLCertVerificationError(1, said)
    except ssl.SSLCertVerificationError as exc:
        raise httpx.ConnectError(said) from exc


def test_an_untrusted_certificate_says_how_to_trust_it_not_to_check_the_network() -> None:
    pool = httpx.Client(transport=httpx.MockTransport(_untrusted_certificate))
    client = Haulmer(API_KEY, environment="sandbox", http_client=pool, max_retries=0)
    with client, pytest.raises(APIConnectionError) as info:
        send(client, get_org())
    said = str(info.value)
    assert "TLS certificate could not be verified" in said
    assert "CERTIFICATE_VERIFY_FAILED" in said
    assert "SSL_CERT_FILE" in said
    assert "check the URL and network" not in said
    assert info.value.request_sent is False


async def test_an_untrusted_certificate_says_so_on_the_async_face() -> None:
    pool = httpx.AsyncClient(transport=httpx.MockTransport(_untrusted_certificate))
    async with AsyncHaulmer(
        API_KEY, environment="sandbox", http_client=pool, max_retries=0
    ) as client:
        with pytest.raises(APIConnectionError) as info:
            await asend(client, get_org())
    assert "SSL_CERT_FILE" in str(info.value)


def _broken_gzip(request: httpx.Request) -> httpx.Response:
    """An answer that says it is gzip-compressed (Content-Encoding) but is not."""
    headers = {"content-encoding": "gzip", "content-type": "application/json"}
    return httpx.Response(200, headers=headers, stream=httpx.ByteStream(b'{"rut": "1-9"}'))


def test_an_answer_not_compressed_as_it_says_is_named_so_not_a_broken_connection() -> None:
    pool = httpx.Client(transport=httpx.MockTransport(_broken_gzip))
    client = Haulmer(API_KEY, environment="sandbox", http_client=pool, max_retries=0)
    with client, pytest.raises(APIConnectionError) as info:
        send(client, get_org())
    said = str(info.value)
    assert "could not be decompressed" in said
    assert "Content-Encoding" in said
    assert "repeating it is safe" in said


async def test_an_async_answer_not_compressed_as_it_says_is_named_so() -> None:
    pool = httpx.AsyncClient(transport=httpx.MockTransport(_broken_gzip))
    async with AsyncHaulmer(
        API_KEY, environment="sandbox", http_client=pool, max_retries=0
    ) as client:
        with pytest.raises(APIConnectionError) as info:
            await asend(client, get_org())
    assert "could not be decompressed" in str(info.value)


def test_a_proxy_that_refuses_names_the_proxy_settings_to_check(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    failure = httpx.ProxyError("407 Proxy Authentication Required")
    mock.get(f"{SANDBOX}/v2/dte/organization").mock(side_effect=failure)
    with pytest.raises(APIConnectionError) as info:
        send(client.with_options(max_retries=0), get_org())
    said = str(info.value)
    assert "407 Proxy Authentication Required" in said
    assert "HTTPS_PROXY" in said
    assert info.value.request_sent is False


def _unknown_host(request: httpx.Request) -> httpx.Response:
    """What httpx raises when the host name resolves to no address (DNS)."""
    said = "[Errno -2] Name or service not known"
    try:
        raise socket.gaierror(-2, "Name or service not known")
    except socket.gaierror as exc:
        raise httpx.ConnectError(said) from exc


def test_a_host_no_name_server_knows_is_named_as_such() -> None:
    pool = httpx.Client(transport=httpx.MockTransport(_unknown_host))
    client = Haulmer(API_KEY, environment="sandbox", http_client=pool, max_retries=0)
    with client, pytest.raises(APIConnectionError) as info:
        send(client, get_org())
    said = str(info.value)
    assert "the host 'dev-api.haulmer.com' could not be found" in said
    assert "base_urls=" in said
    assert info.value.request_sent is False
