"""The loopback server against requests it cannot read: a typed 400 answer, never silence."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import httpx
import pytest
from fake_bodies import HAULMER_KEY, factura

from haulmer.testing import FakeHaulmer, serve
from haulmer.testing._server import LISTEN_BACKLOG, MAX_BODY, FakeServer, _Handler


@pytest.fixture
def address(fake: FakeHaulmer) -> Iterator[tuple[str, int]]:
    with serve(fake) as url:
        split = urlsplit(url)
        assert split.hostname is not None
        assert split.port is not None
        yield split.hostname, split.port


def _exchange(address: tuple[str, int], raw: bytes, *, half_close: bool = False) -> bytes:
    """Send ``raw`` and read until the server closes (or 10 s pass: a hang fails the test)."""
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                pytest.fail(f"the server never answered {raw[:60]!r}")
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def _status_and_json(answer: bytes) -> tuple[int, object]:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head, "no answer"
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body) if body else None


def _post(headers: str, body: bytes = b"") -> bytes:
    return (
        f"POST /v2/dte/document HTTP/1.1\r\nHost: fake\r\napikey: {HAULMER_KEY}\r\n"
        f"Content-Type: application/json\r\n{headers}Connection: close\r\n\r\n"
    ).encode() + body


@pytest.mark.parametrize(
    "length",
    ["abc", "12abc", "1,2", "-5", "+3", "0x10", "1e3", " ", "٣"],
)
def test_a_malformed_content_length_is_answered_400_and_names_the_header(
    address: tuple[str, int], fake: FakeHaulmer, capfd: pytest.CaptureFixture[str], length: str
) -> None:
    raw = _post(f"Content-Length: {length}\r\n".encode().decode("utf-8"), b"{}")
    status, body = _status_and_json(_exchange(address, raw))
    assert status == 400
    assert isinstance(body, dict)
    assert body["statusCode"] == 400
    assert "Content-Length" in str(body["message"])
    assert fake.openfactura_state.documents == []
    assert "Traceback" not in capfd.readouterr().err


def test_two_different_content_lengths_are_refused(address: tuple[str, int]) -> None:
    raw = _post("Content-Length: 2\r\nContent-Length: 3\r\n", b"{}x")
    assert _status_and_json(_exchange(address, raw))[0] == 400


def test_a_huge_content_length_is_413_without_reading_it(address: tuple[str, int]) -> None:
    raw = _post(f"Content-Length: {MAX_BODY + 1}\r\n", b"{}")
    assert _status_and_json(_exchange(address, raw))[0] == 413
    absurd = _post(f"Content-Length: {'9' * 5000}\r\n", b"{}")
    assert _status_and_json(_exchange(address, absurd))[0] in (400, 413)


def test_a_body_shorter_than_its_content_length_is_400(
    address: tuple[str, int], fake: FakeHaulmer
) -> None:
    raw = _post("Content-Length: 100\r\n", b'{"dte": ')
    status, body = _status_and_json(_exchange(address, raw, half_close=True))
    assert status == 400
    assert "8 of 100 bytes" in str(body)
    assert fake.requests.total == 0


def test_a_chunked_body_is_read_and_served(address: tuple[str, int], fake: FakeHaulmer) -> None:
    payload = json.dumps(factura()).encode()
    chunks = b"".join(
        f"{len(payload[i : i + 100]):x}\r\n".encode() + payload[i : i + 100] + b"\r\n"
        for i in range(0, len(payload), 100)
    )
    raw = _post("Transfer-Encoding: chunked\r\n", chunks + b"0\r\n\r\n")
    status, body = _status_and_json(_exchange(address, raw))
    assert status == 200
    assert isinstance(body, dict)
    assert body["FOLIO"] == 1


@pytest.mark.parametrize(
    "chunks",
    [b"zz\r\n{}\r\n0\r\n\r\n", b"2\r\n{}}}}\r\n0\r\n\r\n", b"-2\r\n{}\r\n0\r\n\r\n"],
    ids=["not-hex", "longer-than-said", "negative"],
)
def test_a_broken_chunked_body_is_400(address: tuple[str, int], chunks: bytes) -> None:
    raw = _post("Transfer-Encoding: chunked\r\n", chunks)
    assert _status_and_json(_exchange(address, raw, half_close=True))[0] == 400


def test_chunked_with_a_content_length_is_refused_as_smuggling(address: tuple[str, int]) -> None:
    raw = _post("Transfer-Encoding: chunked\r\nContent-Length: 2\r\n", b"0\r\n\r\n")
    assert _status_and_json(_exchange(address, raw))[0] == 400


def test_an_unknown_transfer_encoding_is_501(address: tuple[str, int]) -> None:
    raw = _post("Transfer-Encoding: gzip\r\n", b"")
    assert _status_and_json(_exchange(address, raw))[0] == 501


def test_a_post_without_a_body_is_served_as_empty(address: tuple[str, int]) -> None:
    status, body = _status_and_json(_exchange(address, _post("")))
    assert status == 400
    assert isinstance(body, dict)
    assert body["error"]["code"] == "OF-01"


def test_a_body_that_is_not_utf8_is_answered_by_openfactura_not_the_server(
    address: tuple[str, int], fake: FakeHaulmer
) -> None:
    payload = json.dumps(factura(), ensure_ascii=False).encode("latin-1")
    raw = _post(f"Content-Length: {len(payload)}\r\n", payload)
    status, body = _status_and_json(_exchange(address, raw))
    assert status == 400
    assert isinstance(body, dict)
    assert body["error"]["code"] == "OF-08"
    assert fake.openfactura_state.documents == []


def test_a_garbage_request_line_gets_a_gateway_400(address: tuple[str, int]) -> None:
    status, body = _status_and_json(_exchange(address, b"\x00\x01 nonsense\r\n\r\n"))
    assert status == 400
    assert isinstance(body, dict)
    assert body["statusCode"] == 400


def test_a_handler_bug_is_a_500_and_the_server_keeps_serving(
    fake: FakeHaulmer, capfd: pytest.CaptureFixture[str]
) -> None:
    def broken(request: object) -> object:
        raise RuntimeError("bug")

    fake.router.add("GET", "/v2/dte/broken", broken, name="broken")  # type: ignore[arg-type]
    with serve(fake) as url:
        assert httpx.get(f"{url}/v2/dte/broken").status_code == 500
        org = httpx.get(f"{url}/v2/dte/organization", headers={"apikey": HAULMER_KEY})
        assert org.status_code == 200
    assert "Traceback" not in capfd.readouterr().err


def test_the_server_keeps_a_real_listen_backlog(fake: FakeHaulmer) -> None:
    server = FakeServer(fake)
    try:
        assert server.request_queue_size == LISTEN_BACKLOG >= 128
    finally:
        server.server_close()


def test_a_hundred_concurrent_clients_are_all_answered(fake: FakeHaulmer) -> None:
    clients = 100
    barrier = threading.Barrier(clients)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    with (
        serve(fake) as url,
        httpx.Client(
            base_url=url, headers={"apikey": HAULMER_KEY}, limits=limits, timeout=60
        ) as client,
    ):

        def call(_: int) -> int:
            barrier.wait()
            return client.get("/v2/dte/taxpayer/76430498-5").status_code

        with ThreadPoolExecutor(clients) as pool:
            statuses = list(pool.map(call, range(clients)))
    assert statuses == [200] * clients
    assert fake.requests.total == clients


_UNDECODABLE = {
    "deep-array": b"[" * 100_000 + b"]" * 100_000,
    "deep-object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "long-number": b'{"a": 1' + b"0" * 5000 + b"}",
}


@pytest.mark.parametrize("body", sorted(_UNDECODABLE))
def test_every_route_answers_a_body_python_cannot_decode_with_a_client_error(body: str) -> None:
    # Python's decoder recurses on deep nesting (RecursionError) and int() refuses 5,000
    # digits: a server answers 4xx to both, on every route that reads a body.
    fake = FakeHaulmer()
    http = httpx.Client(transport=fake.transport, base_url="http://haulmer.fake")
    for route in fake.router.routes:
        if route.method not in ("POST", "PUT", "PATCH"):
            continue
        path = route.template.replace("{", "").replace("}", "")
        answer = http.request(
            route.method,
            path,
            content=_UNDECODABLE[body],
            headers={"apikey": HAULMER_KEY, "Content-Type": "application/json"},
        )
        assert 400 <= answer.status_code < 500, (route.template, answer.status_code)


def _with_megabyte(where: str) -> dict[str, object]:
    body = factura()
    dte = body["dte"]
    assert isinstance(dte, dict)
    huge = "A" * 1_000_000
    if where == "response":
        body["response"] = [huge]
    elif where == "Page":
        return {"Page": huge}
    else:
        dte["Encabezado"]["IdDoc"][where] = huge
    return body


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("response", "/v2/dte/document"),
        ("FchEmis", "/v2/dte/document"),
        ("TipoDTE", "/v2/dte/document"),
        ("Page", "/v2/dte/document/issued"),
    ],
)
def test_a_megabyte_value_is_named_in_a_short_error(
    where: str, path: str, fake: FakeHaulmer
) -> None:
    # OpenFactura answers "<value> es Incorrecto": the fake quotes 40 characters of it, not
    # the megabyte a hostile client sent back in a megabyte answer.
    http = httpx.Client(transport=fake.transport, base_url="http://haulmer.fake")
    answer = http.post(path, json=_with_megabyte(where), headers={"apikey": HAULMER_KEY})
    assert answer.status_code == 400
    assert len(answer.content) < 1_000
    assert "A" * 40 + " es Incorrecto" in answer.text


_ORGANIZATION = f"GET /v2/dte/organization HTTP/1.1\r\napikey: {HAULMER_KEY}\r\n".encode()


def _statuses(answer: bytes) -> list[int]:
    """The status of every answer in ``answer`` (several when requests were pipelined)."""
    return [int(status) for status in re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)]


@pytest.mark.parametrize("blank", [b"\r\n", b"\n", b"\r\n\r\n"], ids=["crlf", "lf", "two"])
def test_blank_lines_before_a_request_line_are_skipped(
    address: tuple[str, int], blank: bytes
) -> None:
    # RFC 9112 section 2.2: a client may send a CRLF after a body; the next request is served.
    answer = _exchange(address, blank + _ORGANIZATION + b"Connection: close\r\n\r\n")
    assert _statuses(answer) == [200]


def test_a_crlf_after_a_body_does_not_end_a_pipelined_connection(
    address: tuple[str, int], fake: FakeHaulmer
) -> None:
    post = _post("Content-Length: 2\r\n", b"{}").replace(b"Connection: close\r\n", b"")
    answer = _exchange(address, post + b"\r\n" + _ORGANIZATION + b"Connection: close\r\n\r\n")
    assert _statuses(answer) == [400, 200]
    assert [entry.route for entry in fake.requests] == [
        "openfactura.documents.emit",
        "openfactura.organization.retrieve",
    ]


@pytest.mark.parametrize("line", [b"   \r\n", b"\t\r\n", b"\r\n" * 20 + b" \r\n"])
def test_a_blank_request_line_is_answered_400(address: tuple[str, int], line: bytes) -> None:
    status, body = _status_and_json(_exchange(address, line))
    assert status == 400
    assert isinstance(body, dict)
    assert body["statusCode"] == 400
    assert "request line" in str(body["message"])


_MALFORMED_HEADER_LINES = {
    "no-colon": b"X-Note nothing\r\n",
    "space-before-colon": b"apikey : other\r\n",
    "bare-cr-in-value": b"X-Note: a\rb\r\n",
    "nul-in-value": b"X-Note: a\x00b\r\n",
    "folded-value": b"X-Note: a\r\n b\r\n",
    "name-not-a-token": b"X(Note): a\r\n",
    "empty-name": b": a\r\n",
    "mbox-from-line": b"From someone\r\n",
}


@pytest.mark.parametrize(
    "line", list(_MALFORMED_HEADER_LINES.values()), ids=list(_MALFORMED_HEADER_LINES)
)
def test_a_malformed_header_line_is_answered_400_and_nothing_is_served(
    address: tuple[str, int], fake: FakeHaulmer, capfd: pytest.CaptureFixture[str], line: bytes
) -> None:
    # Parsed leniently, such a line ended the headers: the Content-Length after it was lost
    # and the body served as a request of its own (a smuggled one).
    inner = _ORGANIZATION + b"Connection: close\r\n\r\n"
    raw = (
        b"POST /v2/dte/document HTTP/1.1\r\n"
        + line
        + f"apikey: {HAULMER_KEY}\r\nContent-Length: {len(inner)}\r\n\r\n".encode()
        + inner
    )
    answer = _exchange(address, raw)
    assert _statuses(answer) == [400]
    body = _status_and_json(answer)[1]
    assert isinstance(body, dict)
    assert body["statusCode"] == 400
    assert "header" in str(body["message"])
    assert fake.requests.total == 0
    assert "Traceback" not in capfd.readouterr().err


def _read_answer(sock: socket.socket) -> tuple[bytes, bytes]:
    """One answer's head and body, read by its Content-Length (a hang fails on the timeout)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection closed mid-answer: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.findall(rb"(?im)^Content-Length: *(\d+)", head)[0])
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed mid-body"
        body += chunk
    return head, body


def test_an_http_1_0_keep_alive_answer_says_the_connection_stays_open(
    address: tuple[str, int],
) -> None:
    # An HTTP/1.0 client takes a connection to close after the answer unless told otherwise.
    request = f"GET /v2/dte/organization HTTP/1.0\r\napikey: {HAULMER_KEY}\r\n".encode()
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(request + b"Connection: keep-alive\r\n\r\n")
        head, _ = _read_answer(sock)
        assert re.search(rb"(?im)^Connection: keep-alive\r?$", head), head
        sock.sendall(request + b"\r\n")
        head, _ = _read_answer(sock)
        assert re.search(rb"(?im)^Connection: close\r?$", head), head
        assert sock.recv(1) == b""


@pytest.mark.parametrize(
    "size",
    [b"0x2", b"0X2", b"+2", b"2 2", b"\xd9\xa2"],
    ids=["0x", "0X", "plus", "two-numbers", "arabic-digit"],
)
def test_a_chunk_size_that_is_not_plain_hexadecimal_is_400(
    address: tuple[str, int], fake: FakeHaulmer, size: bytes
) -> None:
    # Python's int(text, 16) takes "0x2"; HTTP's chunk size is hexadecimal digits alone.
    raw = _post("Transfer-Encoding: chunked\r\n", size + b"\r\n{}\r\n0\r\n\r\n")
    status, body = _status_and_json(_exchange(address, raw, half_close=True))
    assert status == 400
    assert "chunk size" in str(body)
    assert fake.requests.total == 0


@pytest.mark.parametrize("encoding", ["chunked, chunked", "chunked, gzip"])
def test_a_body_whose_last_transfer_coding_is_not_one_chunked_is_400(
    address: tuple[str, int], encoding: str
) -> None:
    # RFC 9112 6.1/6.3: chunked applied twice, or not last, leaves the body's length unknown.
    raw = _post(f"Transfer-Encoding: {encoding}\r\n", b"2\r\n{}\r\n0\r\n\r\n")
    status, body = _status_and_json(_exchange(address, raw))
    assert status == 400
    assert "chunked" in str(body)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        (f"Content-Length: {MAX_BODY + 1}\r\n", 413),
        ("Content-Length: -1\r\n", 400),
        ("Transfer-Encoding: gzip\r\n", 501),
        ("X-Note nothing\r\nContent-Length: 2\r\n", 400),
    ],
    ids=["too-large", "negative-length", "unknown-coding", "malformed-header"],
)
def test_a_request_expecting_100_continue_that_will_be_refused_gets_no_100(
    address: tuple[str, int], headers: str, status: int
) -> None:
    # The client waits for 100 Continue before sending its body: a refusal comes instead.
    raw = _post(f"Expect: 100-continue\r\n{headers}")
    answer = _exchange(address, raw)
    assert _statuses(answer) == [status]


def test_a_request_expecting_100_continue_is_told_to_continue_then_served(
    address: tuple[str, int],
) -> None:
    payload = json.dumps(factura()).encode()
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(_post(f"Expect: 100-continue\r\nContent-Length: {len(payload)}\r\n"))
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(payload)
        head, body = _read_answer(sock)
    assert head.startswith(b"HTTP/1.1 200 ")
    assert json.loads(body)["FOLIO"] == 1


def test_a_client_that_stalls_mid_body_gets_408_and_others_are_served_meanwhile(
    fake: FakeHaulmer, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(_Handler, "timeout", 0.3)  # the server's read timeout, not a sleep
    with serve(fake) as url:
        split = urlsplit(url)
        address = (split.hostname or "", split.port or 0)
        with socket.create_connection(address, timeout=10) as stalled:
            stalled.sendall(_post("Content-Length: 100\r\n", b'{"dte": '))
            answer = _exchange(address, _ORGANIZATION + b"Connection: close\r\n\r\n")
            assert _statuses(answer) == [200]
            head, body = _read_answer(stalled)
        assert head.startswith(b"HTTP/1.1 408 ")
        assert json.loads(body)["statusCode"] == 408
    assert [entry.route for entry in fake.requests] == ["openfactura.organization.retrieve"]
    assert "Traceback" not in capfd.readouterr().err


def test_slow_clients_holding_connections_do_not_starve_others_nor_stop(fake: FakeHaulmer) -> None:
    holders: list[socket.socket] = []
    try:
        with serve(fake) as url:
            split = urlsplit(url)
            address = (split.hostname or "", split.port or 0)
            for _ in range(50):
                holders.append(socket.create_connection(address, timeout=10))
                holders[-1].sendall(b"POST /v2/dte/docu")  # half a request line, then nothing
            answer = _exchange(address, _ORGANIZATION + b"Connection: close\r\n\r\n")
            assert _statuses(answer) == [200]
        # Stopping ended the 50 held connections (and their threads) at once.
        assert not [t for t in threading.enumerate() if t.name.startswith("haulmer-fake")]
        assert all(held.recv(1) == b"" for held in holders)
    finally:
        for held in holders:
            held.close()


def test_blanks_around_a_header_value_are_no_part_of_it(
    fake: FakeHaulmer, address: tuple[str, int]
) -> None:
    """RFC 9110 5.5: the spaces and tabs around a field value are not in it. The served fake
    kept a trailing one, so ``apikey: KEY `` (a shell script's ``-H "apikey: $KEY "``) was
    an unknown key, and ``Idempotency-Key: sale-1 `` another key than ``sale-1``."""
    organization = (
        f"GET /v2/dte/organization HTTP/1.1\r\nHost: fake\r\napikey: \t{HAULMER_KEY} \t\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    status, body = _status_and_json(_exchange(address, organization))
    assert status == 200
    assert isinstance(body, dict)
    assert body["rut"] == "76795561-8"
    sale = json.dumps(factura()).encode()
    length = f"Content-Length: {len(sale)}\r\n"
    first = _status_and_json(
        _exchange(address, _post(f"Idempotency-Key: sale-1\r\n{length}", sale))
    )
    again = _status_and_json(
        _exchange(address, _post(f"Idempotency-Key: sale-1 \r\n{length}", sale))
    )
    assert first[0] == 200
    assert again[0] == 400
    assert isinstance(again[1], dict)
    assert again[1]["error"]["code"] == "OF-06"
    assert len(fake.openfactura_state.documents) == 1
