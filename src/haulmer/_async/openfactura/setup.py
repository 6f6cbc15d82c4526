"""The resources of ``haulmer.openfactura.setup`` (its business is
in ``haulmer.openfactura.setup.business``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from haulmer._core import AsyncAPIResource
from haulmer._core._async.runner import AsyncRawResponses
from haulmer._core.request import call_options
from haulmer._core.types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from haulmer._frames import LocalsForgottenOnRefusal
from haulmer.accounts.business import LinkLike
from haulmer.openfactura.setup.business import (
    Company,
    NewOrganization,
    OpenFacturaSetup,
    PfxInput,
    certificate_request,
    dte_types_request,
    organization_request,
    retrieve_request,
    start_request,
)

__all__ = ["AsyncSetup", "AsyncSetupWithRawResponse"]


class AsyncSetup(AsyncAPIResource):
    """OpenFactura setup: start, organization (1), signature (2), DTE types (3)."""

    @property
    def with_raw_response(self) -> AsyncSetupWithRawResponse:
        """These methods answering an ``APIResponse`` (status, headers, request id) whose
        ``parse()`` gives what the method returns."""
        return AsyncSetupWithRawResponse(self)

    async def start(
        self,
        link: LinkLike | None = None,
        *,
        workspace_id: str | None = None,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> OpenFacturaSetup:
        """Open the setup from the "[OpenFactura] Configura tu empresa" e-mail, or by workspace.

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) makes a retry after
        a lost answer return the setup instead of "link already used". Once the link is used,
        ``start(workspace_id=...)`` returns the workspace's setup.
        """
        try:
            with LocalsForgottenOnRefusal():
                request = start_request(
                    link,
                    workspace_id,
                    idempotency_key,
                    **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
                )
        finally:
            del link  # its token is not in this frame's locals (error trackers record them)
        return await self._request(request)

    async def retrieve(
        self,
        setup_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> OpenFacturaSetup:
        """A setup and where it stands."""
        return await self._request(
            retrieve_request(
                setup_id,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    async def choose_organization(
        self,
        setup_id: str,
        *,
        company: Company | Mapping[str, Any],
        organization_id: str | None = None,
        new_organization: NewOrganization | Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> OpenFacturaSetup:
        """Step 1: the workspace's organization (or a new one) and the company's data.

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) makes a retry after
        a lost answer get the step's answer, not "already done", and a new organization once.
        """
        return await self._request(
            organization_request(
                setup_id,
                organization_id,
                new_organization,
                company,
                idempotency_key,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    async def upload_certificate(
        self,
        setup_id: str,
        pfx: PfxInput,
        *,
        password: str | bytes | None,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> OpenFacturaSetup:
        """Step 2: the legal representative's .pfx/.p12, checked locally before upload; its
        password as text, or as bytes (UTF-8, or Latin-1 or Windows-1252 as a Windows tool saves
        it).

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) makes a retry after
        a lost answer get the upload's answer, not "already done".
        """
        try:
            with LocalsForgottenOnRefusal():
                request = certificate_request(
                    setup_id,
                    pfx,
                    password,
                    idempotency_key,
                    at=self._client._now(),
                    **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
                )
        finally:
            del pfx, password  # not in this frame's locals, which error trackers record
        return await self._request(request)

    async def choose_dte_types(
        self,
        setup: OpenFacturaSetup | str,
        dte_types: Iterable[int] | None = None,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> OpenFacturaSetup:
        """Step 3: the DTE types to issue; this starts the SII certification.

        With a point of sale they are preset to exactly 33 and 39: leave ``dte_types`` out.
        """
        return await self._request(
            dte_types_request(
                setup,
                dte_types,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )


class AsyncSetupWithRawResponse(AsyncRawResponses):
    """``AsyncSetup.with_raw_response``: its methods, typed as they are, answering an
    ``APIResponse``."""

    def __init__(self, resource: AsyncSetup) -> None:
        super().__init__(resource)
        self.start = self._raw(resource.start)
        self.retrieve = self._raw(resource.retrieve)
        self.choose_organization = self._raw(resource.choose_organization)
        self.upload_certificate = self._raw(resource.upload_certificate)
        self.choose_dte_types = self._raw(resource.choose_dte_types)
