"""The call engine: request values, preparing, sending, responses, plans and their runners.

Product modules describe calls (``request.APIRequest``) and write plans (``plans``); each face's
runner sends them through the one retry loop. Nothing here imports a product or the client.
The runners and resource bases (which load httpx) are served lazily.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames

if TYPE_CHECKING:
    from haulmer._core._async.runner import AsyncAPIResource, AsyncRunner
    from haulmer._core._async.sending import AsyncSender
    from haulmer._core._sync.runner import SyncAPIResource, SyncRunner
    from haulmer._core._sync.sending import SyncSender

__all__ = [
    "AsyncAPIResource",
    "AsyncRunner",
    "AsyncSender",
    "SyncAPIResource",
    "SyncRunner",
    "SyncSender",
]

_LAZY_NAMES = LazyNames(
    __name__,
    {
        "AsyncAPIResource": "haulmer._core._async.runner",
        "AsyncRunner": "haulmer._core._async.runner",
        "AsyncSender": "haulmer._core._async.sending",
        "SyncAPIResource": "haulmer._core._sync.runner",
        "SyncRunner": "haulmer._core._sync.runner",
        "SyncSender": "haulmer._core._sync.sending",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _LAZY_NAMES.getattr
__dir__: Callable[[], list[str]] = _LAZY_NAMES.dir
