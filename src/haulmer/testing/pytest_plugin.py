"""pytest plugin (entry point ``pytest11``): fixtures ``haulmer_fake``, ``haulmer_client`` and
``async_haulmer_client``, fresh for each test.

Loaded in every pytest run of a project that installs haulmer, so it imports nothing heavy at
module level: the fake and the clients load inside the fixtures.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from haulmer import AsyncHaulmer, Haulmer
    from haulmer.testing._fake import FakeHaulmer

__all__ = [
    "async_haulmer_client",
    "haulmer_client",
    "haulmer_fake",
    "pytest_collection_finish",
]


def pytest_collection_finish(session: pytest.Session) -> None:
    """When the collected tests imported freezegun, build the SDK's models now, before any test
    freezes time: pydantic v2 cannot build a model while freezegun has (``load_models``)."""
    if "freezegun" in sys.modules:
        from haulmer.testing._models import load_models

        load_models()


@pytest.fixture
def haulmer_fake() -> Iterator[FakeHaulmer]:
    """A fresh in-memory Haulmer for this test (sandbox companies preloaded, clock at now)."""
    from haulmer.testing._fake import FakeHaulmer

    fake = FakeHaulmer()
    yield fake
    fake.reset()


@pytest.fixture
def haulmer_client(haulmer_fake: FakeHaulmer) -> Iterator[Haulmer]:
    """A ``haulmer.Haulmer`` served by ``haulmer_fake`` (HAULMER SPA's sandbox key)."""
    client = haulmer_fake.client()
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def async_haulmer_client(haulmer_fake: FakeHaulmer) -> AsyncHaulmer:
    """A ``haulmer.AsyncHaulmer`` served by ``haulmer_fake`` (HAULMER SPA's sandbox key).

    A plain fixture on purpose: it works with any async test runner (pytest-asyncio in strict or
    auto mode, anyio), and there is nothing to close (the fake lives in memory).
    """
    return haulmer_fake.async_client()
