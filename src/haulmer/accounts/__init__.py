"""Haulmer Accounts: the one login for MyHaulmer, OpenFactura, Point and Catalogue.

The password is created from the "[Haulmer Accounts] Crea tu nueva contraseña" e-mail's link and
checked locally against the policy (``haulmer.passwords``) before it is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames
from haulmer.accounts.business import (
    Account,
    ForgotPasswordResult,
    LinkLike,
    LinkPurpose,
    LinkResent,
    Platform,
    Session,
    same_password,
    token_from_link,
)

if TYPE_CHECKING:
    # the faces _FACES serves at run time, for a type checker (from haulmer.<product> import X)
    from haulmer._async.accounts import AsyncAccounts as AsyncAccounts
    from haulmer._sync.accounts import Accounts as Accounts

__all__ = [
    "Account",
    "ForgotPasswordResult",
    "LinkLike",
    "LinkPurpose",
    "LinkResent",
    "Platform",
    "Session",
    "same_password",
    "token_from_link",
]


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import .business below; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "Accounts": "haulmer._sync.accounts",
        "AsyncAccounts": "haulmer._async.accounts",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir
