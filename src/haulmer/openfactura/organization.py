"""``client.openfactura.organization`` and ``.taxpayer``: who owns the key; SII taxpayer data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from haulmer._resource import AsyncAPIResource, SyncAPIResource, call_options
from haulmer._types import NOT_GIVEN, Headers, TimeoutArg
from haulmer.openfactura._checks import check_rut
from haulmer.openfactura._flow import (
    Plan,
    get,
    run_async,
    run_sync,
    send,
)
from haulmer.openfactura.models import Organization, OrganizationFolios, Taxpayer
from haulmer.rut import Rut

__all__ = [
    "AsyncOrganizationResource",
    "AsyncTaxpayerResource",
    "OrganizationResource",
    "TaxpayerResource",
]


def _organization_plan(include_logo: bool, options: Mapping[str, Any]) -> Plan[Organization]:
    params = {"extra_fields": "logo"} if include_logo else None
    return (yield from send(get("/v2/dte/organization", Organization, options, params)))


def _folios_plan(options: Mapping[str, Any]) -> Plan[OrganizationFolios]:
    return (yield from send(get("/v2/dte/organization/document", OrganizationFolios, options)))


def _is_blank(value: Any) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    if isinstance(value, list):
        return all(_is_blank(item) for item in value)
    if isinstance(value, Mapping):
        return all(_is_blank(item) for item in value.values())
    return False


def _taxpayer_plan(rut: Rut | str, options: Mapping[str, Any]) -> Plan[Taxpayer | None]:
    canonical = check_rut(rut, "rut")
    path = f"/v2/dte/taxpayer/{canonical}"
    answer: Any = yield from send(get(path, dict[str, Any], options))
    # An unknown RUT answers 200 with every field null (not a 404).
    if not isinstance(answer, Mapping) or all(
        _is_blank(value) for key, value in answer.items() if key != "rut"
    ):
        return None
    data = dict(answer)
    if _is_blank(data.get("rut")):
        data["rut"] = str(canonical)
    return Taxpayer.model_validate(data)


class OrganizationResource(SyncAPIResource):
    """The taxpayer that owns the API key."""

    def retrieve(
        self,
        *,
        include_logo: bool = False,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Organization:
        """Its data (razón social, giro, actividades, sucursales, resolución; logo if asked)."""
        return run_sync(
            self,
            _organization_plan(include_logo, call_options(extra_headers, timeout, max_retries)),
        )

    def folios(
        self,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> OrganizationFolios:
        """The DTE types it may issue, with folios available and their expiry."""
        return run_sync(self, _folios_plan(call_options(extra_headers, timeout, max_retries)))


class AsyncOrganizationResource(AsyncAPIResource):
    """The taxpayer that owns the API key (async)."""

    async def retrieve(
        self,
        *,
        include_logo: bool = False,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Organization:
        """Its data (razón social, giro, actividades, sucursales, resolución; logo if asked)."""
        return await run_async(
            self,
            _organization_plan(include_logo, call_options(extra_headers, timeout, max_retries)),
        )

    async def folios(
        self,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> OrganizationFolios:
        """The DTE types it may issue, with folios available and their expiry."""
        return await run_async(
            self, _folios_plan(call_options(extra_headers, timeout, max_retries))
        )


class TaxpayerResource(SyncAPIResource):
    """Public SII data of any taxpayer."""

    def retrieve(
        self,
        rut: Rut | str,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Taxpayer | None:
        """The taxpayer with this RUT, or None when the SII does not know it."""
        return run_sync(
            self, _taxpayer_plan(rut, call_options(extra_headers, timeout, max_retries))
        )


class AsyncTaxpayerResource(AsyncAPIResource):
    """Public SII data of any taxpayer (async)."""

    async def retrieve(
        self,
        rut: Rut | str,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Taxpayer | None:
        """The taxpayer with this RUT, or None when the SII does not know it."""
        return await run_async(
            self, _taxpayer_plan(rut, call_options(extra_headers, timeout, max_retries))
        )
