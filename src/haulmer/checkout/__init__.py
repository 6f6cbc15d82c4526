"""Buying Haulmer services: buyer, products, plans, payment method then medium, tax document.

An order becomes effective only once the bank validates its payment (status ``paid``); then the
platform e-mails the buyer the links for the next steps. The contract is docs/platform-api.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames
from haulmer.checkout.business import (
    MAX_PER_CODE,
    MEDIA_BY_METHOD,
    Buyer,
    Catalog,
    CatalogPaymentMethod,
    CatalogPlan,
    CatalogProduct,
    IssuedTaxDocument,
    Order,
    OrderStatus,
    PaymentMedium,
    PaymentMethod,
    PlanLine,
    ProductLine,
    StatusChange,
    TaxDocumentChoice,
    TaxDocumentReceiver,
    TaxDocumentType,
)

if TYPE_CHECKING:
    # the faces _FACES serves at run time, for a type checker (from haulmer.<product> import X)
    from haulmer._async.checkout import AsyncCheckout as AsyncCheckout
    from haulmer._sync.checkout import Checkout as Checkout

__all__ = [
    "MAX_PER_CODE",
    "MEDIA_BY_METHOD",
    "Buyer",
    "Catalog",
    "CatalogPaymentMethod",
    "CatalogPlan",
    "CatalogProduct",
    "IssuedTaxDocument",
    "Order",
    "OrderStatus",
    "PaymentMedium",
    "PaymentMethod",
    "PlanLine",
    "ProductLine",
    "StatusChange",
    "TaxDocumentChoice",
    "TaxDocumentReceiver",
    "TaxDocumentType",
]


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import .business below; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "Checkout": "haulmer._sync.checkout",
        "AsyncCheckout": "haulmer._async.checkout",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir
