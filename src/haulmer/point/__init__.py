"""Point: the points of sale bought at checkout, their settings, and the sales made at them.

A sale takes products of the point's catalogue, quantities and a payment; the platform issues
its boleta (39, the default) or factura (33, with a receptor) through OpenFactura and answers it
with its folio. Settings and sales are checked before anything is sent. The contract is
docs/platform-api.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames
from haulmer.point.business import (
    MAX_AMOUNT,
    Paper,
    PointDocument,
    PointOfSale,
    Sale,
    SaleDocument,
    SaleLine,
    SalePayment,
    SalePaymentMethod,
    SaleReceptor,
    SaleReceptorDetails,
    cash_due,
)

if TYPE_CHECKING:
    # the faces _FACES serves at run time, for a type checker (from haulmer.<product> import X)
    from haulmer._async.point import AsyncPoint as AsyncPoint
    from haulmer._sync.point import Point as Point

__all__ = [
    "MAX_AMOUNT",
    "Paper",
    "PointDocument",
    "PointOfSale",
    "Sale",
    "SaleDocument",
    "SaleLine",
    "SalePayment",
    "SalePaymentMethod",
    "SaleReceptor",
    "SaleReceptorDetails",
    "cash_due",
]


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import .business below; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "Point": "haulmer._sync.point",
        "AsyncPoint": "haulmer._async.point",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir
