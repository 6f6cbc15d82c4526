"""``python -m haulmer.testing serve --port 8080``: the fake Haulmer over HTTP on loopback."""

from __future__ import annotations

import argparse
import contextlib
import errno
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from types import FrameType

from haulmer._shown import shown


def port_number(text: str) -> int:
    """``--port``'s value: a TCP port, 0 to 65535 (0 picks a free one); argparse says otherwise."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {shown(text)}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535 (0 picks a free one), not {port}")
    return port


def host_address(text: str) -> str:
    """``--host``'s value: an address or a name to listen on; argparse says what is wrong with
    an empty one (which binds every interface, not loopback), a URL, a host with its port, or
    one starting with a dash (``--host=-x``: no name or address does)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "an address to listen on, such as 127.0.0.1 (loopback, the default) or 0.0.0.0 "
            "(every interface), not empty"
        )
    if text.lstrip().startswith("-"):  # no host name nor address does; an option mistyped
        raise argparse.ArgumentTypeError(
            "an address to listen on, such as 127.0.0.1; no address starts with '-', not "
            f"{shown(text)}"
        )
    if "://" in text:  # not echoed: a URL may hold a password
        raise argparse.ArgumentTypeError(
            "the address alone, such as 127.0.0.1, not a URL (no http:// nor port)"
        )
    name, colon, port = text.rpartition(":")
    if colon and name and ":" not in name and port.isascii() and port.isdigit():
        raise argparse.ArgumentTypeError(
            f"the port goes in --port: --host {shown(name)} --port {port}, not {shown(text)}"
        )
    return text


def build_parser(prog: str = "python -m haulmer.testing") -> argparse.ArgumentParser:
    """The command line's parser: ``serve [--host HOST] [--port PORT]``."""
    parser = argparse.ArgumentParser(prog=prog)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser(
        "serve",
        help="serve a fresh fake Haulmer over HTTP",
        description="Start a fresh fake Haulmer (OpenFactura and the platform) over HTTP, for "
        "tools in any language; the same as 'haulmer serve'. Ctrl+C or SIGTERM stops it. Exit "
        "status: 0 when stopped, 1 when it cannot listen on that host and port (taken, or not "
        "this machine's), 2 when the command line is wrong.",
    )
    serve_cmd.add_argument(
        "--host",
        type=host_address,
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1, loopback)",
    )
    serve_cmd.add_argument(
        "--port", type=port_number, default=8080, help="port (default 8080; 0 picks a free one)"
    )
    return parser


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM stops the server as Ctrl+C does: answers in flight end, the exit status is 0."""
    raise KeyboardInterrupt


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Test runners, ``docker stop`` and ``kill`` send SIGTERM, which would end the process
    mid-answer with no exit status of its own; only the main thread may catch signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None, *, prog: str = "python -m haulmer.testing") -> int:
    """Parse the command line and run the server until interrupted.

    Exit status 0 after Ctrl+C or SIGTERM, 1 when the address cannot be listened on, 2 for a wrong
    command line.
    """
    args = build_parser(prog).parse_args(argv)
    try:
        with _sigterm_as_interrupt():
            return _serve(args, prog)
    except KeyboardInterrupt:  # while it serves, or before (the fake takes a moment to build)
        print("stopped", file=sys.stderr)
        return 0


def _serve(args: argparse.Namespace, prog: str) -> int:
    """Build the fake, listen and serve until Ctrl+C (a KeyboardInterrupt, left to ``main``)."""
    from haulmer.testing._fake import SANDBOX_API_KEY, FakeHaulmer
    from haulmer.testing._server import FakeServer

    fake = FakeHaulmer()
    fake.clock.follow_real_time()  # clients really wait: the rate limit and statuses see it
    try:
        server = FakeServer(fake, args.host, args.port)
    except OSError as exc:  # the port is taken, the host does not resolve or is not this machine's
        taken = exc.errno == errno.EADDRINUSE
        hint = "; choose another --port (0 picks a free one)" if taken else ""
        print(
            f"{prog} serve: cannot listen on host {shown(args.host)}, port {args.port}: "
            f"{exc.strerror or exc}{hint}",
            file=sys.stderr,
        )
        return 1
    try:
        print(f"Fake Haulmer listening on {server.url}", flush=True)
        print(
            f"  OpenFactura: {server.url}/v2/dte/...  (header apikey: {SANDBOX_API_KEY})",
            flush=True,
        )
        print(f"  Platform:    {server.url}/v1/openapi.json", flush=True)
        print(f"  E-mails:     {server.url}/_fake/outbox  (their links' tokens)", flush=True)
        print(f"  Clock:       {server.url}/_fake/clock  (POST .../advance moves it)", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
