"""A real HTTP server on loopback serving a FakeHaulmer, for tools that are not Python.

Standard library only (``http.server``); one request at a time reaches the fake (a lock), so the
fake's state needs no other synchronisation.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlsplit

from haulmer.testing._control import ConnectionDropped
from haulmer.testing._wire import FakeRequest, FakeResponse, Headers

if TYPE_CHECKING:
    from haulmer.testing._fake import FakeHaulmer

__all__ = ["FakeServer", "serve"]

MAX_REAL_DELAY = 30.0
"""Upper bound on how long a scripted slow answer really waits in server mode (seconds)."""


class _Handler(BaseHTTPRequestHandler):
    server: FakeServer
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        content = self.rfile.read(length) if length > 0 else b""
        request = FakeRequest(
            method=self.command,
            path=unquote(split.path),
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers=Headers(list(self.headers.items())),
            content=content,
        )
        try:
            with self.server.lock:
                outcome = self.server.fake.handle(request)
        except ConnectionDropped:
            self.close_connection = True
            return
        except Exception:
            # A bug in a fake handler: answer like a gateway would, keep serving.
            outcome_response = FakeResponse(
                500, json={"statusCode": 500, "message": "Internal server error"}
            )
            self._write(outcome_response)
            raise
        if outcome.delay:
            with self.server.lock:
                self.server.fake.clock.advance(seconds=outcome.delay)
            time.sleep(min(outcome.delay, MAX_REAL_DELAY))
        self._write(outcome.response)

    def _write(self, response: FakeResponse) -> None:
        self.send_response(response.status)
        for name, value in response.all_headers().items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the fake's request log (``fake.requests``) records every request."""


class FakeServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` bound to a fake; ``url`` is where it listens."""

    daemon_threads = True

    def __init__(self, fake: FakeHaulmer, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), _Handler)
        self.fake = fake
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:8080``."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


@contextlib.contextmanager
def serve(
    fake: FakeHaulmer | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[str]:
    """Serve ``fake`` (a new one by default) over HTTP in a thread; yields the base URL.

    ``port=0`` picks a free port. The server stops when the ``with`` block ends.
    """
    if fake is None:
        from haulmer.testing._fake import FakeHaulmer

        fake = FakeHaulmer()
    server = FakeServer(fake, host, port)
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
