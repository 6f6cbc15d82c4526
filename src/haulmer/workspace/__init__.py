"""Workspace: activate it from the welcome e-mail, then administrator, name and organization.

The three steps go in order (the platform answers 409 ``StepOutOfOrderError`` otherwise). Once an
administrator is set, every later instruction is e-mailed to the administrator, not the buyer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames
from haulmer.workspace.business import (
    Administrator,
    Organization,
    WorkspaceDetails,
    WorkspaceStatus,
)

if TYPE_CHECKING:
    # the faces _FACES serves at run time, for a type checker (from haulmer.<product> import X)
    from haulmer._async.workspace import AsyncWorkspace as AsyncWorkspace
    from haulmer._sync.workspace import Workspace as Workspace

__all__ = [
    "Administrator",
    "Organization",
    "WorkspaceDetails",
    "WorkspaceStatus",
]


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import .business below; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "Workspace": "haulmer._sync.workspace",
        "AsyncWorkspace": "haulmer._async.workspace",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir
