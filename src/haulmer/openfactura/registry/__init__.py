"""``client.openfactura.registry``: sales and purchase registries, and the RCV sync from the SII."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames
from haulmer.openfactura.registry.business import (
    RcvPeriod,
    rcv_period,
    registry_path,
)

if TYPE_CHECKING:
    # the faces _FACES serves at run time, for a type checker (from haulmer.<product> import X)
    from haulmer._async.openfactura.registry import AsyncRegistry as AsyncRegistry
    from haulmer._sync.openfactura.registry import Registry as Registry

__all__ = ["RcvPeriod", "rcv_period", "registry_path"]


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import .business below; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "Registry": "haulmer._sync.openfactura.registry",
        "AsyncRegistry": "haulmer._async.openfactura.registry",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir
