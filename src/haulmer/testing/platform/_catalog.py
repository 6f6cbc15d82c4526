"""What the fake platform sells: products, plans, durations, payment methods and media.

Prices are made up for the fake (CLP, IVA included); Haulmer's real prices are not published
through any API.
"""

from __future__ import annotations

from typing import Any

PRODUCTS: dict[str, tuple[str, int]] = {
    "openfactura": ("OpenFactura", 0),
    "pos_device": ("Punto de venta (dispositivo)", 59_990),
}
"""Product code -> (name, unit price)."""

PLANS: dict[str, tuple[str, int]] = {
    "emprendedor": ("Plan Emprendedor", 9_990),
    "pyme": ("Plan Pyme", 19_990),
    "empresa": ("Plan Empresa", 39_990),
}
"""Plan code -> (name, monthly price)."""

DURATIONS = (1, 6, 12)
"""Months a plan can be bought for."""

PAYMENT_METHODS: dict[str, tuple[str, ...]] = {
    "webpay": ("credit_card", "debit_card", "prepaid_card"),
    "bank_transfer": ("bank_account",),
}
"""Payment method -> the payment media it accepts."""

PLATFORMS = ("my_haulmer", "openfactura", "point", "catalogue")
"""The platforms one Haulmer Accounts login opens."""

AVAILABLE_DTE_TYPES = (33, 34, 39, 41, 43, 46, 52, 56, 61, 110, 111, 112)
"""DTE types an OpenFactura company may choose to issue."""

POINT_OF_SALE_PRODUCTS = frozenset({"pos_device"})
"""Buying one of these makes boleta 39 and factura 33 mandatory in the OpenFactura setup."""


def catalog_wire() -> dict[str, Any]:
    """The catalogue as ``GET /v1/catalog`` answers it."""
    return {
        "products": [
            {"code": code, "name": name, "unit_price": price}
            for code, (name, price) in PRODUCTS.items()
        ],
        "plans": [
            {"code": code, "name": name, "monthly_price": price, "durations": list(DURATIONS)}
            for code, (name, price) in PLANS.items()
        ],
        "payment_methods": [
            {"code": method, "media": list(media)} for method, media in PAYMENT_METHODS.items()
        ],
    }
