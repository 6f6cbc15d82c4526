"""``client.openfactura.organization`` and ``.taxpayer``: who owns the key; SII taxpayer data."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames

if TYPE_CHECKING:
    # the faces _FACES serves at run time, for a type checker (from haulmer.<product> import X)
    from haulmer._async.openfactura.organization import (
        AsyncOrganizationResource as AsyncOrganizationResource,
    )
    from haulmer._async.openfactura.organization import (
        AsyncTaxpayerResource as AsyncTaxpayerResource,
    )
    from haulmer._sync.openfactura.organization import OrganizationResource as OrganizationResource
    from haulmer._sync.openfactura.organization import TaxpayerResource as TaxpayerResource

__all__ = []


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import .business below; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "OrganizationResource": "haulmer._sync.openfactura.organization",
        "AsyncOrganizationResource": "haulmer._async.openfactura.organization",
        "TaxpayerResource": "haulmer._sync.openfactura.organization",
        "AsyncTaxpayerResource": "haulmer._async.openfactura.organization",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir
