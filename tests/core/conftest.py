"""Fixtures for transport tests: clients whose sleep records waits instead of sleeping."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer

SANDBOX = "https://dev-api.haulmer.com"
PLATFORM = "https://platform.example.test"
API_KEY = "0123456789abcdef0123456789abcdef"


class Sleeps(list[float]):
    """Records every wait the client asked for; never sleeps."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


@pytest.fixture
def client(sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch) -> Iterator[Haulmer]:
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    with Haulmer(
        API_KEY, environment="sandbox", base_urls={"platform": PLATFORM}, sleep=sleeps
    ) as c:
        yield c


@pytest.fixture
async def aclient(sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[AsyncHaulmer]:
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    async with AsyncHaulmer(
        API_KEY, environment="sandbox", base_urls={"platform": PLATFORM}, sleep=sleeps.async_sleep
    ) as c:
        yield c


@pytest.fixture(autouse=True)
def _no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any real time.sleep in a transport test is a bug: the clients take an injected sleep."""

    def refuse(seconds: float) -> None:
        raise AssertionError(f"a transport test tried to really sleep {seconds} s")

    monkeypatch.setattr("time.sleep", refuse)
