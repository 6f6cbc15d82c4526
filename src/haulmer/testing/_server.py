"""A real HTTP server on loopback serving a FakeHaulmer, for tools that are not Python.

Standard library only (``http.server``), one thread per connection, a real listen backlog, Nagle
off and every answer written in one piece, so it answers at loopback speed under concurrency. The
fake's own lock keeps its state consistent; a request the server cannot read (a bad
``Content-Length``, a broken chunked body) gets a 400 in the gateway's shape, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from haulmer._shown import shown
from haulmer.testing._control import ConnectionDropped
from haulmer.testing._fake import FakeHaulmer
from haulmer.testing._wire import MAX_BODY, FakeRequest, FakeResponse, Headers, body_too_large

__all__ = ["MAX_BODY", "FakeServer", "serve"]

MAX_REAL_DELAY = 30.0
"""Upper bound on how long a scripted slow answer really waits in server mode (seconds)."""

READ_TIMEOUT = 30.0
"""Seconds a connection may stay silent mid-request before the server closes it."""

STOP_TIMEOUT = 5.0
"""Seconds closing the server waits for the threads of the connections it ended."""

LISTEN_BACKLOG = 1024
"""Connections the kernel queues while every thread is busy (``http.server`` defaults to 5)."""

MAX_LINE = 65536
"""The longest request line ``http.server`` reads (bytes); a longer one is answered 414."""

MAX_BLANK_LINES = 8
"""Empty lines skipped before a request line (RFC 9112 2.2: a client's CRLF after a body)."""

_log = logging.getLogger("haulmer.testing.server")


class BadRequest(Exception):
    """A request the server cannot read; answered with ``status`` and closed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _TooLarge(BadRequest):
    """A body over :data:`MAX_BODY`: answered with :func:`body_too_large`, as in-process."""

    def __init__(self) -> None:
        response = body_too_large()
        super().__init__(response.status, response.json["message"])


def _gateway_error(status: int, message: str) -> FakeResponse:
    return FakeResponse(status, json={"statusCode": status, "message": message})


_FIELD_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
"""An HTTP field name (RFC 9110 5.1: a token)."""

_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]+")
"""A chunk's size (RFC 9112 7.1): hexadecimal digits, nothing else."""

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""What a field value may not hold (RFC 9110 5.5): control characters other than a tab, which
include the CR and LF of a folded line or of a value meant to inject a header of its own."""


def _header_problem(headers: Message) -> str | None:
    """What makes the request's header block unusable, or None when every line is a field.

    ``http.server`` parses headers as e-mail does: a line that is no ``Name: value`` (no colon,
    a space before the colon, a bare CR) ends them, and the lines after it, a Content-Length
    among them, are lost, so the body would be read as a request of its own.
    """
    if headers.defects or headers.get_payload() or headers.get_unixfrom():
        return (
            "a header line is not 'Name: value' (a line without a colon, a space before the "
            "colon or a bare CR): send one field per line, each ending in CRLF"
        )
    for name, value in headers.items():
        if not _FIELD_NAME.fullmatch(name):
            return f"the header name {shown(name, 40)} is not a valid field name"
        if _CONTROL.search(value):
            return (
                f"the header {shown(name, 40)} holds a control character (a CR, LF or NUL): "
                "a header's value is one line of text"
            )
    return None


def _content_length(values: list[str]) -> int | None:
    """The one body length the headers declare (None: no header); BadRequest when unusable."""
    if not values:
        return None
    lengths = {value.strip() for value in values}
    if len(lengths) != 1:
        raise BadRequest(400, "Content-Length is given twice with different values")
    text = lengths.pop()
    if not text.isascii() or not text.isdigit():
        raise BadRequest(400, f"Content-Length must be a number of bytes, got {shown(text[:40])}")
    # A number of more digits than any body this server reads: no int() of thousands of digits.
    length = int(text) if len(text.lstrip("0")) <= 12 else MAX_BODY + 1
    if length > MAX_BODY:
        raise _TooLarge()
    return length


class _Handler(BaseHTTPRequestHandler):
    server: FakeServer
    raw_requestline: bytes
    protocol_version = "HTTP/1.1"
    timeout = READ_TIMEOUT

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def parse_request(self) -> bool:
        """``http.server``'s parsing, after skipping the empty lines a client may send before a
        request line, and answering 400 to a request line of blanks (it closed silently)."""
        for _ in range(MAX_BLANK_LINES):
            if self.raw_requestline not in (b"\r\n", b"\n"):
                break
            self.raw_requestline = self.rfile.readline(MAX_LINE + 1)
        if not self.raw_requestline:  # the client left after its blank lines
            self.close_connection = True
            return False
        if len(self.raw_requestline) > MAX_LINE:
            self.command, self.request_version = "", ""
            self.send_error(414, f"the request line is longer than {MAX_LINE} bytes")
            return False
        if not self.raw_requestline.strip():
            self.command, self.request_version = "", ""
            self.send_error(400, "the request line is empty: send 'METHOD /path HTTP/1.1'")
            return False
        if not super().parse_request():
            return False
        problem = _header_problem(self.headers)
        if problem is not None:
            self.send_error(400, problem)
            return False
        return True

    def _read_exactly(self, length: int) -> bytes:
        data = self.rfile.read(length)
        if len(data) != length:
            raise BadRequest(400, f"the body ended after {len(data)} of {length} bytes")
        return data

    def _read_chunked(self) -> bytes:
        body = bytearray()
        while True:
            line = self.rfile.readline(1024)
            if not line.endswith(b"\n"):
                raise BadRequest(400, "a chunk size line is missing or too long")
            size_text = line.split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_text):  # int(, 16) also takes "0x2", "+2", "1_0"
                raise BadRequest(400, "a chunk size is not a hexadecimal number")
            size = int(size_text, 16)
            if len(body) + size > MAX_BODY:
                raise _TooLarge()
            if size == 0:
                break
            body += self._read_exactly(size)
            if self.rfile.readline(3).strip():
                raise BadRequest(400, "a chunk is longer than its size says")
        # Trailer fields, up to the empty line.
        for _ in range(100):
            line = self.rfile.readline(8192)
            if line in (b"\r\n", b"\n", b""):
                return bytes(body)
        raise BadRequest(400, "too many trailer fields")

    def _body_length(self) -> int | None:
        """The body's length from the headers, None for a chunked body; BadRequest when the
        server cannot or will not read it (checked before a 100 Continue, and before reading)."""
        encodings = [
            part.strip().lower()
            for value in self.headers.get_all("Transfer-Encoding") or []
            for part in value.split(",")
            if part.strip()
        ]
        lengths = self.headers.get_all("Content-Length") or []
        if not encodings:
            return _content_length(lengths) or 0
        if lengths:
            raise BadRequest(400, "Content-Length and Transfer-Encoding may not come together")
        if "chunked" in encodings and (
            encodings[-1] != "chunked" or encodings.count("chunked") > 1
        ):  # the body's length cannot be known (RFC 9112 6.3)
            raise BadRequest(400, "chunked must be the last transfer coding, given once")
        if encodings != ["chunked"]:
            raise BadRequest(501, f"Transfer-Encoding {', '.join(encodings)} is not supported")
        return None

    def _body(self) -> bytes:
        length = self._body_length()
        if length is None:
            return self._read_chunked()
        return self._read_exactly(length) if length else b""

    def handle_expect_100(self) -> bool:
        """100 Continue only for a request the server will read: one it refuses (a malformed
        header, a body too large or of an unknown coding) gets its answer before the body."""
        problem = _header_problem(self.headers)
        if problem is not None:
            self.send_error(400, problem)
            return False
        try:
            self._body_length()
        except BadRequest as bad:
            self.close_connection = True
            self._write(_gateway_error(bad.status, bad.message))
            return False
        return bool(super().handle_expect_100())

    def _serve(self) -> None:
        arrived_at = self.server.fake.clock.now()  # before it waits its turn
        try:
            content = self._body()
        except TimeoutError:
            self.close_connection = True
            self._write(_gateway_error(408, "the request body did not arrive in time"))
            return
        except BadRequest as bad:
            self.close_connection = True
            self._write(_gateway_error(bad.status, bad.message))
            return
        split = urlsplit(self.path)
        request = FakeRequest(
            method=self.command,
            path=unquote(split.path),
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            # The blanks around a value are no part of it (RFC 9110 5.5); http.server keeps
            # trailing ones, which made "apikey: KEY " an unknown key.
            headers=Headers([(name, value.strip(" \t")) for name, value in self.headers.items()]),
            content=content,
            arrived_at=arrived_at,
        )
        fake = self.server.fake
        try:
            outcome = fake.handle(request)
        except ConnectionDropped:
            self.close_connection = True
            return
        except Exception:
            # A bug in a fake handler: log it, answer like a gateway would, keep serving.
            _log.exception("the fake failed on %s %s", self.command, request.path)
            self._write(_gateway_error(500, "Internal server error"))
            return
        if outcome.delay:
            fake.clock.advance(seconds=outcome.delay)
            if self.server.stopping.wait(min(outcome.delay, MAX_REAL_DELAY)):
                # The server stopped while the answer was on its way: it never leaves.
                self.close_connection = True
                return
        self._write(outcome.response)

    def _write(self, response: FakeResponse) -> None:
        """Status line, headers and body in one write (no small segments for delayed ACK)."""
        headers, body = response.encoded()
        if self.command == "HEAD":
            body = b""
        lines = [f"{self.protocol_version} {response.status} {_reason(response.status)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if self.close_connection:
            lines.append("Connection: close")
        elif self.request_version == "HTTP/1.0":  # it asked to keep the connection: say so
            lines.append("Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        self.wfile.write(head + body)
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors ``http.server`` finds itself (a bad request line) in the gateway's shape."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self._write(_gateway_error(code, message or _reason(code)))

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the fake's request log (``fake.requests``) records every request."""


def _reason(status: int) -> str:
    phrase = BaseHTTPRequestHandler.responses.get(status)
    return phrase[0] if phrase else "Status"


def _check_port(port: object) -> None:
    """Refuse what is no TCP port before binding: ``True`` would bind port 1, and -1 or 65536
    are an ``OverflowError`` from deep in ``socket``."""
    if type(port) is not int or not 0 <= port <= 65535:
        raise ValueError(
            f"port must be an int from 0 to 65535 (0 picks a free one), got {shown(port)}"
        )


def _check_fake(fake: object) -> None:
    """Refuse what is no fake before binding: ``serve(8080)`` reads as a port to serve on."""
    if not isinstance(fake, FakeHaulmer):
        raise TypeError(
            f"serve() takes a FakeHaulmer to serve (or None for a new one), got "
            f"{type(fake).__name__} {shown(fake)}; the port goes in port=: "
            "serve(fake, port=8080)"
        )


def _check_host(host: object) -> None:
    """Refuse what is no address to listen on before binding, as ``haulmer serve --host`` does:
    an empty host binds every interface (0.0.0.0), not loopback, and a URL or ``host:port``
    would fail as a name not known."""
    if not isinstance(host, str):
        raise ValueError(
            f"host must be text, an address such as 127.0.0.1, not {type(host).__name__}"
        )
    if not host.strip():
        raise ValueError(
            "host must be an address to listen on, such as 127.0.0.1 (loopback, the default) "
            "or 0.0.0.0 (every interface), not empty"
        )
    if "://" in host:  # not echoed: a URL may hold a password
        raise ValueError("host must be the address alone, such as 127.0.0.1, not a URL")
    name, colon, port = host.rpartition(":")
    if colon and name and ":" not in name and port.isascii() and port.isdigit():
        raise ValueError(
            f"the port goes in port=: serve(host={shown(name)}, port={port}), not "
            f"host={shown(host)}"
        )


class FakeServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` bound to a fake; ``url`` is where it listens.

    Closing it (``server_close()``, what ``serve()`` does on leaving its block) also ends every
    open connection and the answers still on their way, as a stopped server's would end: a client
    that kept a connection alive gets no answer from a server that was stopped.
    """

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, fake: FakeHaulmer, host: str = "127.0.0.1", port: int = 0) -> None:
        _check_fake(fake)
        _check_host(host)
        _check_port(port)
        # Before binding: a bind that fails calls server_close(), which reads them.
        self.stopping = threading.Event()
        """Set when the server closes: slow answers in flight end without being sent."""
        self._connections: dict[Any, threading.Thread] = {}
        self._connections_lock = threading.Lock()
        if ":" in host:  # an IPv6 address, such as the loopback ::1
            self.address_family = socket.AF_INET6
        super().__init__((host, port), _Handler)
        self.fake = fake

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection in a thread of its own, which closing the server ends."""
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="haulmer-fake-connection",
            daemon=True,
        )
        with self._connections_lock:
            if self.stopping.is_set():
                self.shutdown_request(request)
                return
            self._connections[request] = thread
        thread.start()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.pop(request, None)

    def server_close(self) -> None:
        """Stop listening, end every open connection and wait (briefly) for their threads."""
        self.stopping.set()
        super().server_close()
        with self._connections_lock:
            open_connections = list(self._connections.items())
        for connection, _ in open_connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)  # a blocked read returns: the thread ends
        deadline = time.monotonic() + STOP_TIMEOUT
        for _, thread in open_connections:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:8080`` (``http://[::1]:8080`` on IPv6)."""
        host, port = self.server_address[:2]
        if ":" in str(host):  # an IPv6 address, written in brackets as URLs do
            return f"http://[{host!s}]:{port}"
        return f"http://{host!s}:{port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection reset by its client is routine; anything else goes to the log."""
        _log.debug("connection from %s ended with an error", client_address, exc_info=True)


@contextlib.contextmanager
def serve(
    fake: FakeHaulmer | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    real_time: bool = True,
) -> Iterator[str]:
    """Serve ``fake`` (a new one by default) over HTTP in a thread; yields the base URL.

    ``port=0`` picks a free port; ``host`` is the address alone (``::1`` for IPv6), and an empty
    one, a URL or ``host:port`` is a ``ValueError``. While serving, the fake clock also moves
    with real time (``real_time=False`` keeps it still), so clients that really wait see the rate
    limit's window and the statuses move. The server stops when the ``with`` block ends.
    """
    if fake is None:
        fake = FakeHaulmer()
    _check_fake(fake)
    try:
        server = FakeServer(fake, host, port)
    except OSError as exc:  # the port is taken, or the host is not this machine's
        hint = "; port=0 picks a free one" if exc.errno == errno.EADDRINUSE else ""
        raise OSError(
            exc.errno, f"cannot listen on host {host!r}, port {port} ({exc.strerror}){hint}"
        ) from exc
    if real_time:
        fake.clock.served(True)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="haulmer-fake-server",
        daemon=True,
    )
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        if real_time:
            fake.clock.served(False)
