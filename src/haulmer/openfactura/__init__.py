"""OpenFactura: Haulmer's electronic-invoicing service (``client.openfactura``).

``documents`` (issue, fetch, list, accuse, void), ``registry`` (sales/purchase books, RCV sync),
``organization`` (who owns the key, its folios), ``taxpayer`` (SII data by RUT), ``setup`` and
``certification`` (getting a company ready to issue). Public names load lazily.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyNames

if TYPE_CHECKING:
    from haulmer._async.openfactura import AsyncOpenFactura
    from haulmer._sync.openfactura import OpenFactura
    from haulmer.openfactura.emission import Custom, SendEmail
    from haulmer.openfactura.enums import (
        AcuseCode,
        IssuedStatus,
        IvaExceptional,
        PurchaseStatus,
        ReceivedStatus,
        RegistryKind,
        ResponseOption,
    )
    from haulmer.openfactura.filters import between, eq, gt, gte, lt, lte, ne
    from haulmer.openfactura.models import (
        AccuseResult,
        DocumentJson,
        DocumentStatus,
        EmittedDocument,
        IssuedDocumentSummary,
        Organization,
        OrganizationFolios,
        PurchaseRegistry,
        ReceivedDocumentSummary,
        SalesRegistry,
        SelfServiceLink,
        SyncRcvResult,
        Taxpayer,
        VoidResult,
    )
    from haulmer.openfactura.sandbox import (
        HAULMER_DEMO,
        HOSTY_DEMO,
        SANDBOX_API_KEY,
        SANDBOX_HOSTY_API_KEY,
    )
    from haulmer.openfactura.self_service import (
        CustomizePage,
        ExternalReference,
        OrderReference,
        SelfServiceCustomer,
    )

__all__ = [
    "HAULMER_DEMO",
    "HOSTY_DEMO",
    "SANDBOX_API_KEY",
    "SANDBOX_HOSTY_API_KEY",
    "AccuseResult",
    "AcuseCode",
    "AsyncOpenFactura",
    "Custom",
    "CustomizePage",
    "DocumentJson",
    "DocumentStatus",
    "EmittedDocument",
    "ExternalReference",
    "IssuedDocumentSummary",
    "IssuedStatus",
    "IvaExceptional",
    "OpenFactura",
    "OrderReference",
    "Organization",
    "OrganizationFolios",
    "PurchaseRegistry",
    "PurchaseStatus",
    "ReceivedDocumentSummary",
    "ReceivedStatus",
    "RegistryKind",
    "ResponseOption",
    "SalesRegistry",
    "SelfServiceCustomer",
    "SelfServiceLink",
    "SendEmail",
    "SyncRcvResult",
    "Taxpayer",
    "VoidResult",
    "between",
    "eq",
    "gt",
    "gte",
    "lt",
    "lte",
    "ne",
]

_LAZY: dict[str, str] = {
    "OpenFactura": "haulmer._sync.openfactura",
    "AsyncOpenFactura": "haulmer._async.openfactura",
    "HAULMER_DEMO": "sandbox",
    "HOSTY_DEMO": "sandbox",
    "SANDBOX_API_KEY": "sandbox",
    "SANDBOX_HOSTY_API_KEY": "sandbox",
    "AcuseCode": "enums",
    "IssuedStatus": "enums",
    "IvaExceptional": "enums",
    "PurchaseStatus": "enums",
    "ReceivedStatus": "enums",
    "RegistryKind": "enums",
    "ResponseOption": "enums",
    "Custom": "emission",
    "SendEmail": "emission",
    "CustomizePage": "self_service",
    "ExternalReference": "self_service",
    "OrderReference": "self_service",
    "SelfServiceCustomer": "self_service",
    "between": "filters",
    "eq": "filters",
    "gt": "filters",
    "gte": "filters",
    "lt": "filters",
    "lte": "filters",
    "ne": "filters",
    "AccuseResult": "models",
    "DocumentJson": "models",
    "DocumentStatus": "models",
    "EmittedDocument": "models",
    "IssuedDocumentSummary": "models",
    "Organization": "models",
    "OrganizationFolios": "models",
    "PurchaseRegistry": "models",
    "ReceivedDocumentSummary": "models",
    "SalesRegistry": "models",
    "SelfServiceLink": "models",
    "SyncRcvResult": "models",
    "Taxpayer": "models",
    "VoidResult": "models",
}


_LAZY_NAMES = LazyNames(
    __name__,
    {
        name: module if module.startswith("haulmer.") else f"{__name__}.{module}"
        for name, module in _LAZY.items()
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _LAZY_NAMES.getattr
__dir__: Callable[[], list[str]] = _LAZY_NAMES.dir
