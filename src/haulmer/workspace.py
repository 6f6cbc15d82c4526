"""Workspace: activate it from the welcome e-mail, then administrator, name and organization.

The three steps go in order (the platform answers 409 ``StepOutOfOrderError`` otherwise). Once an
administrator is set, every later instruction is e-mailed to the administrator, not the buyer.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import Field

from haulmer._models import HaulmerModel
from haulmer._platform import id_path
from haulmer._resource import (
    APIRequest,
    AsyncAPIResource,
    SyncAPIResource,
    call_options,
    idempotency_key_or_new,
)
from haulmer._types import NOT_GIVEN, Headers, TimeoutArg
from haulmer.accounts import LinkLike, token_from_link
from haulmer.errors import ValidationError
from haulmer.rut import Rut

__all__ = [
    "Administrator",
    "AsyncWorkspace",
    "Organization",
    "Workspace",
    "WorkspaceDetails",
    "WorkspaceStatus",
]

MAX_NAME_LENGTH = 60
"""The longest workspace name the platform takes."""


class WorkspaceStatus(str, Enum):
    """Which setup step a workspace waits for; ``active`` once it has an organization."""

    PENDING_ADMINISTRATOR = "pending_administrator"
    PENDING_NAME = "pending_name"
    PENDING_ORGANIZATION = "pending_organization"
    ACTIVE = "active"


class Administrator(HaulmerModel):
    """The workspace's administrator: receives every instruction from step 1 on."""

    email: str
    name: str


class Organization(HaulmerModel):
    """A company of the workspace: razón social and RUT."""

    id: str
    workspace_id: str
    razon_social: str
    rut: Rut
    created_at: datetime


class WorkspaceDetails(HaulmerModel):
    """A workspace: its status, administrator, name and organizations."""

    id: str
    order_id: str
    status: WorkspaceStatus
    owner_email: str
    administrator: Administrator | None = None
    name: str | None = None
    organizations: list[Organization] = Field(default_factory=list)
    created_at: datetime

    @property
    def is_active(self) -> bool:
        """Whether the three steps are done (OpenFactura setup can start)."""
        return self.status is WorkspaceStatus.ACTIVE


class _WorkspaceList(HaulmerModel):
    data: list[WorkspaceDetails]


def _path(workspace_id: str, suffix: str = "") -> str:
    return id_path(
        "/v1/workspaces",
        workspace_id,
        name="workspace_id",
        kind="a workspace's id ('wsp_...')",
        suffix=suffix,
    )


def _required_text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{what} is required")
    return value.strip()


def _activate_request(
    link: LinkLike, idempotency_key: str | None, **options: Any
) -> APIRequest[WorkspaceDetails]:
    body = {"token": token_from_link(link)}
    return APIRequest(
        "POST",
        "/v1/workspaces/activate",
        "platform",
        WorkspaceDetails,
        json=body,
        auth="bearer",
        idempotency_key=idempotency_key_or_new(idempotency_key),
        error_hints=_ACTIVATION_HINTS,
        **options,
    )


_ACTIVATION_HINTS = {
    "token_used": (
        "The link was used, so the workspace exists: client.workspace.list() gives it to the "
        "account that activated it, and client.workspace.retrieve(workspace_id) where it stands"
    ),
}
"""The way out of a used "[Workspace] ¡Bienvenido a Haulmer!" link."""


def _list_request(**options: Any) -> APIRequest[_WorkspaceList]:
    return APIRequest("GET", "/v1/workspaces", "platform", _WorkspaceList, auth="bearer", **options)


def _retrieve_request(workspace_id: str, **options: Any) -> APIRequest[WorkspaceDetails]:
    return APIRequest(
        "GET", _path(workspace_id), "platform", WorkspaceDetails, auth="bearer", **options
    )


def _administrator_request(
    workspace_id: str, email: str, name: str, **options: Any
) -> APIRequest[WorkspaceDetails]:
    email = _required_text(email, "the administrator's e-mail")
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise ValidationError(f"{email!r} is not an e-mail address")
    body = {"email": email, "name": _required_text(name, "the administrator's name")}
    return APIRequest(
        "POST",
        _path(workspace_id, "/administrator"),
        "platform",
        WorkspaceDetails,
        json=body,
        auth="bearer",
        **options,
    )


def _rename_request(workspace_id: str, name: str, **options: Any) -> APIRequest[WorkspaceDetails]:
    name = _required_text(name, "the workspace's name")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(f"the workspace's name has {len(name)} characters; at most 60")
    return APIRequest(
        "PUT",
        _path(workspace_id, "/name"),
        "platform",
        WorkspaceDetails,
        json={"name": name},
        auth="bearer",
        **options,
    )


def _organization_request(
    workspace_id: str,
    razon_social: str,
    rut: Rut | str,
    idempotency_key: str | None,
    **options: Any,
) -> APIRequest[Organization]:
    body = {
        "razon_social": _required_text(razon_social, "the razón social"),
        "rut": str(Rut(rut)),
    }
    return APIRequest(
        "POST",
        _path(workspace_id, "/organizations"),
        "platform",
        Organization,
        json=body,
        auth="bearer",
        idempotency_key=idempotency_key_or_new(idempotency_key),
        **options,
    )


class Workspace(SyncAPIResource):
    """Workspace setup: activate, administrator (step 1), name (step 2), organization (step 3)."""

    def activate(
        self,
        link: LinkLike,
        *,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> WorkspaceDetails:
        """Create the workspace from the "[Workspace] ¡Bienvenido a Haulmer!" e-mail's link.

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) makes a retry after
        a lost answer return the workspace instead of "link already used".
        """
        return self._request(
            _activate_request(
                link, idempotency_key, **call_options(extra_headers, timeout, max_retries)
            )
        )

    def list(
        self,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> list[WorkspaceDetails]:
        """The workspaces the logged-in account belongs to."""
        return self._request(
            _list_request(**call_options(extra_headers, timeout, max_retries))
        ).data

    def retrieve(
        self,
        workspace_id: str,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> WorkspaceDetails:
        """One workspace."""
        return self._request(
            _retrieve_request(workspace_id, **call_options(extra_headers, timeout, max_retries))
        )

    def set_administrator(
        self,
        workspace_id: str,
        *,
        email: str,
        name: str,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> WorkspaceDetails:
        """Step 1: the administrator (may be another e-mail: instructions go there from now on)."""
        return self._request(
            _administrator_request(
                workspace_id, email, name, **call_options(extra_headers, timeout, max_retries)
            )
        )

    def rename(
        self,
        workspace_id: str,
        name: str,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> WorkspaceDetails:
        """Step 2, and any later renaming: the workspace's name."""
        return self._request(
            _rename_request(workspace_id, name, **call_options(extra_headers, timeout, max_retries))
        )

    def add_organization(
        self,
        workspace_id: str,
        *,
        razon_social: str,
        rut: Rut | str,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Organization:
        """Step 3 (and later additions): razón social and RUT (checked locally first).

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) stops a retry from
        adding the organization twice.
        """
        return self._request(
            _organization_request(
                workspace_id,
                razon_social,
                rut,
                idempotency_key,
                **call_options(extra_headers, timeout, max_retries),
            )
        )


class AsyncWorkspace(AsyncAPIResource):
    """Workspace setup: activate, administrator (step 1), name (step 2), organization (step 3)."""

    async def activate(
        self,
        link: LinkLike,
        *,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> WorkspaceDetails:
        """Create the workspace from the "[Workspace] ¡Bienvenido a Haulmer!" e-mail's link.

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) makes a retry after
        a lost answer return the workspace instead of "link already used".
        """
        return await self._request(
            _activate_request(
                link, idempotency_key, **call_options(extra_headers, timeout, max_retries)
            )
        )

    async def list(
        self,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> list[WorkspaceDetails]:
        """The workspaces the logged-in account belongs to."""
        return (
            await self._request(_list_request(**call_options(extra_headers, timeout, max_retries)))
        ).data

    async def retrieve(
        self,
        workspace_id: str,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> WorkspaceDetails:
        """One workspace."""
        return await self._request(
            _retrieve_request(workspace_id, **call_options(extra_headers, timeout, max_retries))
        )

    async def set_administrator(
        self,
        workspace_id: str,
        *,
        email: str,
        name: str,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> WorkspaceDetails:
        """Step 1: the administrator (may be another e-mail: instructions go there from now on)."""
        return await self._request(
            _administrator_request(
                workspace_id, email, name, **call_options(extra_headers, timeout, max_retries)
            )
        )

    async def rename(
        self,
        workspace_id: str,
        name: str,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> WorkspaceDetails:
        """Step 2, and any later renaming: the workspace's name."""
        return await self._request(
            _rename_request(workspace_id, name, **call_options(extra_headers, timeout, max_retries))
        )

    async def add_organization(
        self,
        workspace_id: str,
        *,
        razon_social: str,
        rut: Rut | str,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Organization:
        """Step 3 (and later additions): razón social and RUT (checked locally first).

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) stops a retry from
        adding the organization twice.
        """
        return await self._request(
            _organization_request(
                workspace_id,
                razon_social,
                rut,
                idempotency_key,
                **call_options(extra_headers, timeout, max_retries),
            )
        )
