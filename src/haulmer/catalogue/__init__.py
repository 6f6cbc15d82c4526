"""Catalogue: an organization's products, their prices and taxes, and how they become DTE lines.

A product has a name, a SKU unique in its catalogue (one catalogue per organization), a unit, a
price in whole pesos with its basis (``net``, or ``gross``: what the buyer pays, IVA and any
additional tax included), IVA ``afecto`` or ``exento``, and additional taxes by SII code. Input
is checked before any I/O; :meth:`Product.dte_line` and :func:`sale_document` turn a sale of
products into a boleta or factura with its totals (``haulmer.dte``). The contract is
docs/platform-api.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames
from haulmer.catalogue.business import (
    ADDITIONAL_TAX_CODES,
    CatalogueDetails,
    PriceBasis,
    Product,
    ProductInput,
    ProductUpdate,
    SaleItem,
    TaxTreatment,
    prices_for,
    sale_document,
    sale_lines,
    sale_prices,
    sale_quantity,
    sale_total,
)

if TYPE_CHECKING:
    # the faces _FACES serves at run time, for a type checker (from haulmer.<product> import X)
    from haulmer._async.catalogue import AsyncCatalogue as AsyncCatalogue
    from haulmer._sync.catalogue import Catalogue as Catalogue

__all__ = [
    "ADDITIONAL_TAX_CODES",
    "CatalogueDetails",
    "PriceBasis",
    "Product",
    "ProductInput",
    "ProductUpdate",
    "SaleItem",
    "TaxTreatment",
    "prices_for",
    "sale_document",
    "sale_lines",
    "sale_prices",
    "sale_quantity",
    "sale_total",
]


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import .business below; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "Catalogue": "haulmer._sync.catalogue",
        "AsyncCatalogue": "haulmer._async.catalogue",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir
