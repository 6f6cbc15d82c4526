"""A subclass of a client or a journal keeps its own type through ``with`` and ``async with``.

mypy --strict checks this file: ``assert_type`` pins that the object a ``with`` block gives is
the subclass, with its own methods, not the base class.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from typing_extensions import assert_type

from haulmer import AsyncHaulmer, Haulmer
from haulmer.journal import SQLiteJournal
from haulmer.testing import SANDBOX_API_KEY, FakeHaulmer

_ON_THE_FAKE = {"openfactura": "http://haulmer.fake", "platform": "http://haulmer.fake"}


class ErpClient(Haulmer):
    """A client an ERP extends with a helper of its own."""

    def company_rut(self) -> str:
        return str(self.openfactura.organization.retrieve().rut)


class AsyncErpClient(AsyncHaulmer):
    """The asyncio twin of ``ErpClient``."""

    async def company_rut(self) -> str:
        return str((await self.openfactura.organization.retrieve()).rut)


def test_a_subclassed_client_is_its_own_class_in_a_with_block() -> None:
    fake = FakeHaulmer()
    http_client = httpx.Client(transport=fake.transport)
    with ErpClient(
        api_key=SANDBOX_API_KEY, base_urls=_ON_THE_FAKE, http_client=http_client
    ) as client:
        assert_type(client, ErpClient)
        rut = client.company_rut()
    assert rut == "76795561-8"


async def test_a_subclassed_async_client_is_its_own_class_in_an_async_with_block() -> None:
    fake = FakeHaulmer()
    http_client = httpx.AsyncClient(transport=fake.transport)
    client = AsyncErpClient(
        api_key=SANDBOX_API_KEY, base_urls=_ON_THE_FAKE, http_client=http_client
    )
    async with client as entered:
        assert_type(entered, AsyncErpClient)
        rut = await entered.company_rut()
    assert rut == "76795561-8"


def test_a_sqlite_journal_is_a_sqlite_journal_in_a_with_block(tmp_path: Path) -> None:
    with SQLiteJournal(tmp_path / "emissions.db") as journal:
        assert_type(journal, SQLiteJournal)
        path: Path = journal.path
    assert path == tmp_path / "emissions.db"
