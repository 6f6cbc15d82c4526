"""Real components for the scale tests, on loopback only: a redis-server on a free port, started
and stopped by its context manager (the fake's HTTP server is ``haulmer.testing.serve``)."""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nothing listens on right now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


REDIS_READY = "Ready to accept connections"
"""What redis-server logs once it listens."""


def _wait_for_log_line(process: subprocess.Popen[str], line: str, what: str) -> threading.Thread:
    """Block until ``process`` logs ``line`` (an error if it exits first or 20 s pass), then keep
    draining its log in a thread, so that a full pipe never stops it; returns that thread."""
    seen = threading.Event()
    ended = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for logged in process.stdout:
            if line in logged:
                seen.set()
        ended.set()
        seen.set()

    reader = threading.Thread(target=read, name=f"{what} log", daemon=True)
    reader.start()
    if not seen.wait(20):
        raise RuntimeError(f"{what} did not log {line!r} within 20 s")
    if ended.is_set():
        raise RuntimeError(f"{what} exited with {process.wait()} before listening")
    return reader


def _stop(process: subprocess.Popen[str], reader: threading.Thread | None = None) -> None:
    """Stop ``process``; once its log reader has met the end of the pipe, close the pipe (left
    to the garbage collector, it is an unclosed-file ResourceWarning)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    if reader is not None:
        reader.join(10)
    if process.stdout is not None and (reader is None or not reader.is_alive()):
        process.stdout.close()


@contextlib.contextmanager
def redis_server(port: int | None = None) -> Iterator[str]:
    """A throwaway redis-server on ``port`` (else a free one) of loopback, without persistence;
    yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "redis-server is not installed: run scripts/install-system-deps (Debian package "
            "redis-server); the shared rate limiter's tests need a real one"
        )
    port = free_port() if port is None else port
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                folder,
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        reader = None
        try:
            reader = _wait_for_log_line(process, REDIS_READY, "redis-server")
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            _stop(process, reader)
