"""Files the caller or the command line names: read bounded (a device that never ends,
``/dev/zero``, a pipe or a file far larger than any the SDK reads must not fill the memory), and
a command line's ``~`` as the home folder."""

from __future__ import annotations

import errno
import os
from typing import BinaryIO

__all__ = ["given_path", "home_expanded", "read_limited", "read_stream_limited"]


def read_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the file at ``path``; ``OSError`` (EFBIG, its ``strerror`` saying so) when
    it holds more than ``limit``, after reading no more than one byte past it. Only a path is
    taken: ``open()`` also takes an int, a file descriptor it would close (1 is stdout)."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"expected a file path, got {type(path).__name__}")
    with open(path, "rb") as handle:
        return read_stream_limited(handle, limit, os.fspath(path))


def read_stream_limited(stream: BinaryIO, limit: int, name: str) -> bytes:
    """What ``stream`` (standard input, a pipe) holds to its end; ``OSError`` (EFBIG) naming
    ``name`` when that is more than ``limit``, after reading no more than one byte past it."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"it holds more than {limit:,} bytes", name)
    return data


def home_expanded(path: str) -> str:
    """A command line's path with a leading ``~`` as the home folder: bash leaves it as it is in
    ``--out=~/demo``, and a folder named ``~`` in the current one is never what was meant."""
    return os.path.expanduser(given_path(path))


def given_path(path: str) -> str:
    """A path option's value, refused (``argparse.ArgumentTypeError``) when empty or blank:
    ``--out "$DIR"`` with DIR unset named the current folder, and wrote into it."""
    if not path.strip():
        import argparse

        raise argparse.ArgumentTypeError("a path, not an empty value (a variable left unset?)")
    return path
