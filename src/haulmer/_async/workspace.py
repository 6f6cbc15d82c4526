"""The resources of ``haulmer.workspace`` (its business is in ``haulmer.workspace.business``)."""

from __future__ import annotations

from haulmer._core import AsyncAPIResource
from haulmer._core._async.runner import AsyncRawResponses
from haulmer._core.request import call_options
from haulmer._core.types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from haulmer._frames import LocalsForgottenOnRefusal
from haulmer.accounts.business import LinkLike
from haulmer.rut import Rut
from haulmer.workspace.business import (
    Organization,
    WorkspaceDetails,
    activate_request,
    administrator_request,
    list_request,
    organization_request,
    rename_request,
    retrieve_request,
)

__all__ = ["AsyncWorkspace", "AsyncWorkspaceWithRawResponse"]


class AsyncWorkspace(AsyncAPIResource):
    """Workspace setup: activate, administrator (step 1), name (step 2), organization (step 3)."""

    @property
    def with_raw_response(self) -> AsyncWorkspaceWithRawResponse:
        """These methods answering an ``APIResponse`` (status, headers, request id) whose
        ``parse()`` gives what the method returns."""
        return AsyncWorkspaceWithRawResponse(self)

    async def activate(
        self,
        link: LinkLike,
        *,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> WorkspaceDetails:
        """Create the workspace from the "[Workspace] ¡Bienvenido a Haulmer!" e-mail's link.

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) makes a retry after
        a lost answer return the workspace instead of "link already used".
        """
        try:
            with LocalsForgottenOnRefusal():
                request = activate_request(
                    link,
                    idempotency_key,
                    **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
                )
        finally:
            del link  # its token is not in this frame's locals (error trackers record them)
        return await self._request(request)

    async def list(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> list[WorkspaceDetails]:
        """The workspaces the logged-in account belongs to."""
        return (
            await self._request(
                list_request(
                    **call_options(extra_headers, timeout, max_retries, extra_query, extra_body)
                )
            )
        ).data

    async def retrieve(
        self,
        workspace_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> WorkspaceDetails:
        """One workspace."""
        return await self._request(
            retrieve_request(
                workspace_id,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    async def set_administrator(
        self,
        workspace_id: str,
        *,
        email: str,
        name: str,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> WorkspaceDetails:
        """Step 1: the administrator (may be another e-mail: instructions go there from now on)."""
        return await self._request(
            administrator_request(
                workspace_id,
                email,
                name,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    async def rename(
        self,
        workspace_id: str,
        name: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> WorkspaceDetails:
        """Step 2, and any later renaming: the workspace's name."""
        return await self._request(
            rename_request(
                workspace_id,
                name,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    async def add_organization(
        self,
        workspace_id: str,
        *,
        razon_social: str,
        rut: Rut | str,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Organization:
        """Step 3 (and later additions): razón social and RUT (checked locally first).

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) stops a retry from
        adding the organization twice.
        """
        return await self._request(
            organization_request(
                workspace_id,
                razon_social,
                rut,
                idempotency_key,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )


class AsyncWorkspaceWithRawResponse(AsyncRawResponses):
    """``AsyncWorkspace.with_raw_response``: its methods, typed as they are, answering an
    ``APIResponse``."""

    def __init__(self, resource: AsyncWorkspace) -> None:
        super().__init__(resource)
        self.activate = self._raw(resource.activate)
        self.list = self._raw(resource.list)
        self.retrieve = self._raw(resource.retrieve)
        self.set_administrator = self._raw(resource.set_administrator)
        self.rename = self._raw(resource.rename)
        self.add_organization = self._raw(resource.add_organization)
