"""MyHaulmer, the customer area: the account's purchase orders and its support tickets.

Everything here needs a login (``client.with_options(access_token=...)``): orders belong to the
account that bought them, tickets to the account that opened them. Support's answers also
arrive by e-mail. The contract is docs/platform-api.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames
from haulmer.myhaulmer.business import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    Ticket,
    TicketAuthor,
    TicketCategory,
    TicketMessage,
    TicketStatus,
)

if TYPE_CHECKING:
    # the faces _FACES serves at run time, for a type checker (from haulmer.<product> import X)
    from haulmer._async.myhaulmer import AsyncMyHaulmer as AsyncMyHaulmer
    from haulmer._sync.myhaulmer import MyHaulmer as MyHaulmer

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "Attachment",
    "Ticket",
    "TicketAuthor",
    "TicketCategory",
    "TicketMessage",
    "TicketStatus",
]


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import .business below; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "MyHaulmer": "haulmer._sync.myhaulmer",
        "AsyncMyHaulmer": "haulmer._async.myhaulmer",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir
