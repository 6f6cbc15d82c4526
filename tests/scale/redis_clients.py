"""Counting one test's connections to the redis-server: named by the test, and counted again
(a round trip each, never a sleep) until the server has seen the closes just made."""

from __future__ import annotations

import uuid
from typing import Any

COUNTS = 200
"""How many times a count is read before it is taken as final: a close the server has not
handled yet is handled within a read or two; a connection left open stays in every one."""


def named_url(url: str) -> tuple[str, str]:
    """``url`` whose connections name themselves (redis-py's ``client_name``, CLIENT SETNAME)
    with a name of this test alone, and that name: other connections are not counted."""
    name = f"haulmer-test-{uuid.uuid4().hex[:12]}"
    return f"{url}{'&' if '?' in url else '?'}client_name={name}", name


def connections_named(admin: Any, name: str, expected: int) -> int:
    """How many connections called ``name`` the server holds, read again while it differs
    from ``expected`` (at most ``COUNTS`` times): the last count read."""
    count = -1
    for _ in range(COUNTS):
        count = sum(1 for client in admin.client_list() if client.get("name") == name)
        if count == expected:
            break
    return count
