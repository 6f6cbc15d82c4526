"""Fixtures of the scale tests: a real redis-server, started once per session on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .servers import redis_server


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The URL of a redis-server this test session started (and stops at its end)."""
    with redis_server() as url:
        yield url


@pytest.fixture
def fresh_redis(redis_url: str) -> Iterator[str]:
    """``redis_url``, emptied before the test."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    return redis_url
