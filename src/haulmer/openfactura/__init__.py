"""OpenFactura: Haulmer's electronic-invoicing service (``client.openfactura``).

``documents`` (issue, fetch, list, accuse, void), ``registry`` (sales/purchase books, RCV sync),
``organization`` (who owns the key, its folios), ``taxpayer`` (SII data by RUT), ``setup`` and
``certification`` (getting a company ready to issue). Public names load lazily.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from haulmer._lazy import LazyNames

if TYPE_CHECKING:
    from haulmer._client import AsyncHaulmer, Haulmer
    from haulmer.openfactura.certification import AsyncCertification, Certification
    from haulmer.openfactura.documents import AsyncDocuments, Documents
    from haulmer.openfactura.emission import Custom, SendEmail
    from haulmer.openfactura.enums import (
        AcuseCode,
        IssuedStatus,
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
        SyncRcvResult,
        Taxpayer,
        VoidResult,
    )
    from haulmer.openfactura.organization import (
        AsyncOrganizationResource,
        AsyncTaxpayerResource,
        OrganizationResource,
        TaxpayerResource,
    )
    from haulmer.openfactura.registry import AsyncRegistry, Registry
    from haulmer.openfactura.sandbox import (
        HAULMER_DEMO,
        HOSTY_DEMO,
        SANDBOX_API_KEY,
        SANDBOX_HOSTY_API_KEY,
    )
    from haulmer.openfactura.setup import AsyncSetup, Setup

__all__ = [
    "HAULMER_DEMO",
    "HOSTY_DEMO",
    "SANDBOX_API_KEY",
    "SANDBOX_HOSTY_API_KEY",
    "AccuseResult",
    "AcuseCode",
    "AsyncOpenFactura",
    "Custom",
    "DocumentJson",
    "DocumentStatus",
    "EmittedDocument",
    "IssuedDocumentSummary",
    "IssuedStatus",
    "OpenFactura",
    "Organization",
    "OrganizationFolios",
    "PurchaseRegistry",
    "PurchaseStatus",
    "ReceivedDocumentSummary",
    "ReceivedStatus",
    "RegistryKind",
    "ResponseOption",
    "SalesRegistry",
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
    "HAULMER_DEMO": "sandbox",
    "HOSTY_DEMO": "sandbox",
    "SANDBOX_API_KEY": "sandbox",
    "SANDBOX_HOSTY_API_KEY": "sandbox",
    "AcuseCode": "enums",
    "IssuedStatus": "enums",
    "PurchaseStatus": "enums",
    "ReceivedStatus": "enums",
    "RegistryKind": "enums",
    "ResponseOption": "enums",
    "Custom": "emission",
    "SendEmail": "emission",
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
    "SyncRcvResult": "models",
    "Taxpayer": "models",
    "VoidResult": "models",
}


_LAZY_NAMES = LazyNames(
    __name__, {name: f"{__name__}.{module}" for name, module in _LAZY.items()}, globals()
)
__getattr__ = _LAZY_NAMES.getattr
__dir__ = _LAZY_NAMES.dir


class OpenFactura:
    """``client.openfactura``: every OpenFactura resource, created on first use."""

    def __init__(self, client: Haulmer) -> None:
        self._client = client

    @cached_property
    def documents(self) -> Documents:
        """Issue, fetch, list, accuse and void DTEs."""
        from haulmer.openfactura.documents import Documents

        return Documents(self._client)

    @cached_property
    def registry(self) -> Registry:
        """Sales and purchase registries, RCV sync."""
        from haulmer.openfactura.registry import Registry

        return Registry(self._client)

    @cached_property
    def organization(self) -> OrganizationResource:
        """The taxpayer that owns the API key, and its folios."""
        from haulmer.openfactura.organization import OrganizationResource

        return OrganizationResource(self._client)

    @cached_property
    def taxpayer(self) -> TaxpayerResource:
        """SII data of any taxpayer by RUT."""
        from haulmer.openfactura.organization import TaxpayerResource

        return TaxpayerResource(self._client)

    @cached_property
    def setup(self) -> Setup:
        """Getting a company ready to issue (platform API)."""
        from haulmer.openfactura.setup import Setup

        return Setup(self._client)

    @cached_property
    def certification(self) -> Certification:
        """The SII certification of a company (platform API)."""
        from haulmer.openfactura.certification import Certification

        return Certification(self._client)

    def __repr__(self) -> str:
        return "<OpenFactura>"


class AsyncOpenFactura:
    """``client.openfactura`` of ``AsyncHaulmer``: every resource, created on first use."""

    def __init__(self, client: AsyncHaulmer) -> None:
        self._client = client

    @cached_property
    def documents(self) -> AsyncDocuments:
        """Issue, fetch, list, accuse and void DTEs."""
        from haulmer.openfactura.documents import AsyncDocuments

        return AsyncDocuments(self._client)

    @cached_property
    def registry(self) -> AsyncRegistry:
        """Sales and purchase registries, RCV sync."""
        from haulmer.openfactura.registry import AsyncRegistry

        return AsyncRegistry(self._client)

    @cached_property
    def organization(self) -> AsyncOrganizationResource:
        """The taxpayer that owns the API key, and its folios."""
        from haulmer.openfactura.organization import AsyncOrganizationResource

        return AsyncOrganizationResource(self._client)

    @cached_property
    def taxpayer(self) -> AsyncTaxpayerResource:
        """SII data of any taxpayer by RUT."""
        from haulmer.openfactura.organization import AsyncTaxpayerResource

        return AsyncTaxpayerResource(self._client)

    @cached_property
    def setup(self) -> AsyncSetup:
        """Getting a company ready to issue (platform API)."""
        from haulmer.openfactura.setup import AsyncSetup

        return AsyncSetup(self._client)

    @cached_property
    def certification(self) -> AsyncCertification:
        """The SII certification of a company (platform API)."""
        from haulmer.openfactura.certification import AsyncCertification

        return AsyncCertification(self._client)

    def __repr__(self) -> str:
        return "<AsyncOpenFactura>"
