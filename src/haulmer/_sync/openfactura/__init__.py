# Generated from src/haulmer/_async/openfactura/__init__.py by scripts/unasync.py: do not edit.
"""``client.openfactura``: the namespace of every OpenFactura resource, each made on first use."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyModule

if TYPE_CHECKING:
    from haulmer._sync.openfactura import certification as _certification
    from haulmer._sync.openfactura import documents as _documents
    from haulmer._sync.openfactura import organization as _organization
    from haulmer._sync.openfactura import registry as _registry
    from haulmer._sync.openfactura import setup as _setup
else:  # annotations resolve at run time (typing.get_type_hints), loading each module only then
    _documents = LazyModule("haulmer._sync.openfactura.documents")
    _registry = LazyModule("haulmer._sync.openfactura.registry")
    _organization = LazyModule("haulmer._sync.openfactura.organization")
    _setup = LazyModule("haulmer._sync.openfactura.setup")
    _certification = LazyModule("haulmer._sync.openfactura.certification")

__all__ = ["OpenFactura", "OpenFacturaRawResponses"]


class OpenFactura:
    """``client.openfactura`` of ``Haulmer``: every resource, created on first use."""

    def __init__(self, client: Any) -> None:
        self._client = client

    @cached_property
    def with_raw_response(self) -> OpenFacturaRawResponses:
        """Every resource's ``with_raw_response``: ``openfactura.with_raw_response.documents``."""
        return OpenFacturaRawResponses(self)

    @cached_property
    def documents(self) -> _documents.Documents:
        """Issue, fetch, list, accuse and void DTEs."""
        from haulmer._sync.openfactura.documents import Documents

        return Documents(self._client)

    @cached_property
    def registry(self) -> _registry.Registry:
        """Sales and purchase registries, RCV sync."""
        from haulmer._sync.openfactura.registry import Registry

        return Registry(self._client)

    @cached_property
    def organization(self) -> _organization.OrganizationResource:
        """The taxpayer that owns the API key, and its folios."""
        from haulmer._sync.openfactura.organization import OrganizationResource

        return OrganizationResource(self._client)

    @cached_property
    def taxpayer(self) -> _organization.TaxpayerResource:
        """SII data of any taxpayer by RUT."""
        from haulmer._sync.openfactura.organization import TaxpayerResource

        return TaxpayerResource(self._client)

    @cached_property
    def setup(self) -> _setup.Setup:
        """Getting a company ready to issue (platform API)."""
        from haulmer._sync.openfactura.setup import Setup

        return Setup(self._client)

    @cached_property
    def certification(self) -> _certification.Certification:
        """The SII certification of a company (platform API)."""
        from haulmer._sync.openfactura.certification import Certification

        return Certification(self._client)

    def __repr__(self) -> str:
        return "<OpenFactura>"


class OpenFacturaRawResponses:
    """``client.openfactura.with_raw_response``: each resource's methods answering
    ``APIResponse``."""

    def __init__(self, openfactura: OpenFactura) -> None:
        self._openfactura = openfactura

    @property
    def documents(self) -> _documents.DocumentsWithRawResponse:
        return self._openfactura.documents.with_raw_response

    @property
    def registry(self) -> _registry.RegistryWithRawResponse:
        return self._openfactura.registry.with_raw_response

    @property
    def organization(self) -> _organization.OrganizationResourceWithRawResponse:
        return self._openfactura.organization.with_raw_response

    @property
    def taxpayer(self) -> _organization.TaxpayerResourceWithRawResponse:
        return self._openfactura.taxpayer.with_raw_response

    @property
    def setup(self) -> _setup.SetupWithRawResponse:
        return self._openfactura.setup.with_raw_response

    @property
    def certification(self) -> _certification.CertificationWithRawResponse:
        return self._openfactura.certification.with_raw_response
