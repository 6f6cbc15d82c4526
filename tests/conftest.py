"""Fixtures shared by the platform tests (checkout, accounts, workspace, journey).

A fresh fake platform on the story's Thursday, and a client wired to it. The transport, testing
and openfactura folders define their own ``fake``/``client``, which take precedence there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from haulmer import Haulmer
    from haulmer.testing import FakeHaulmer


@pytest.fixture(autouse=True)
def _no_haulmer_settings_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build their clients explicitly: settings exported in the shell do not leak in."""
    for name in (
        "HAULMER_ENVIRONMENT",
        "HAULMER_BASE_URL",
        "HAULMER_OPENFACTURA_BASE_URL",
        "HAULMER_PLATFORM_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake() -> FakeHaulmer:
    """A fake platform whose clock starts on the Thursday of ``journey.story.START``."""
    # Imported here so that the dte and sii tests do not load the fake to be collected.
    from journey.story import new_fake

    return new_fake()


@pytest.fixture
def client(fake: FakeHaulmer) -> Iterator[Haulmer]:
    """A ``Haulmer`` served in memory by ``fake``, closed after the test."""
    with fake.client() as sdk:
        yield sdk
