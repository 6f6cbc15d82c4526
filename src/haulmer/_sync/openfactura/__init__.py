# Generated from src/haulmer/_async/openfactura/__init__.py by scripts/unasync.py: do not edit.
"""``client.openfactura``: the namespace of every OpenFactura resource, each made on first use."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from haulmer import resources
from haulmer._core._sync.runner import SyncRawResponses

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
    def documents(self) -> resources.Documents:
        """Issue, fetch, list, accuse and void DTEs."""
        from haulmer._sync.openfactura.documents import Documents

        return Documents(self._client)

    @cached_property
    def registry(self) -> resources.Registry:
        """Sales and purchase registries, RCV sync."""
        from haulmer._sync.openfactura.registry import Registry

        return Registry(self._client)

    @cached_property
    def organization(self) -> resources.OrganizationResource:
        """The taxpayer that owns the API key, and its folios."""
        from haulmer._sync.openfactura.organization import OrganizationResource

        return OrganizationResource(self._client)

    @cached_property
    def taxpayer(self) -> resources.TaxpayerResource:
        """SII data of any taxpayer by RUT."""
        from haulmer._sync.openfactura.organization import TaxpayerResource

        return TaxpayerResource(self._client)

    @cached_property
    def setup(self) -> resources.Setup:
        """Getting a company ready to issue (platform API)."""
        from haulmer._sync.openfactura.setup import Setup

        return Setup(self._client)

    @cached_property
    def certification(self) -> resources.Certification:
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
    def documents(self) -> SyncRawResponses:
        return self._openfactura.documents.with_raw_response

    @property
    def registry(self) -> SyncRawResponses:
        return self._openfactura.registry.with_raw_response

    @property
    def organization(self) -> SyncRawResponses:
        return self._openfactura.organization.with_raw_response

    @property
    def taxpayer(self) -> SyncRawResponses:
        return self._openfactura.taxpayer.with_raw_response

    @property
    def setup(self) -> SyncRawResponses:
        return self._openfactura.setup.with_raw_response

    @property
    def certification(self) -> SyncRawResponses:
        return self._openfactura.certification.with_raw_response
