"""A fresh fake platform on a known Thursday, and a client wired to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from haulmer import Haulmer
from haulmer.testing import FakeHaulmer
from journey.story import new_fake


@pytest.fixture
def fake() -> FakeHaulmer:
    return new_fake()


@pytest.fixture
def client(fake: FakeHaulmer) -> Iterator[Haulmer]:
    with fake.client() as sdk:
        yield sdk
