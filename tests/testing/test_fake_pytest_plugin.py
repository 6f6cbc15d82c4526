"""The pytest plugin's fixtures, registered through the ``pytest11`` entry point (no conftest)."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import haulmer
from haulmer.testing import FakeHaulmer


def test_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    points = importlib.metadata.entry_points(group="pytest11")
    assert "haulmer.testing.pytest_plugin" in [p.value for p in points if p.name == "haulmer"]


def test_plugin_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, haulmer.testing.pytest_plugin\n"
        "heavy = [m for m in ('httpx', 'lxml', 'signxml', 'cryptography', "
        "'haulmer.testing._fake', 'haulmer._client', 'haulmer._sync.client', "
        "'haulmer._async.client') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_haulmer_fake_fixture_is_a_fresh_fake(haulmer_fake: FakeHaulmer) -> None:
    assert isinstance(haulmer_fake, FakeHaulmer)
    assert haulmer_fake.openfactura_state.documents == []
    assert len(haulmer_fake.requests) == 0


def test_haulmer_client_is_served_by_the_fixture_fake(
    haulmer_client: haulmer.Haulmer, haulmer_fake: FakeHaulmer
) -> None:
    assert haulmer_client.openfactura.organization.retrieve().razon_social == "HAULMER CHILE SPA"
    assert haulmer_fake.requests.last.route == "openfactura.organization.retrieve"


async def test_async_haulmer_client_is_served_by_the_fixture_fake(
    async_haulmer_client: haulmer.AsyncHaulmer, haulmer_fake: FakeHaulmer
) -> None:
    org = await async_haulmer_client.openfactura.organization.retrieve()
    assert org.razon_social == "HAULMER CHILE SPA"
    assert len(haulmer_fake.requests) == 1
