"""The pages that listing methods return, importable for annotations.

``client.openfactura.documents.list_issued()`` returns a :class:`SyncPage`; on ``AsyncHaulmer``
it returns an :class:`AsyncPaginator`, which is awaited for an :class:`AsyncPage` or iterated
with ``async for`` over every item of every page.
"""

from __future__ import annotations

from haulmer._core.pagination import AsyncPage, AsyncPaginator, PageInfo, SyncPage

__all__ = ["AsyncPage", "AsyncPaginator", "PageInfo", "SyncPage"]
