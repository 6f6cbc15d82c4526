"""The models, request builders and plans of ``haulmer.workspace``, which its faces import."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from haulmer._core.request import (
    APIRequest,
    idempotency_key_or_new,
)
from haulmer._enums import StrEnum
from haulmer._models import HaulmerModel
from haulmer._platform import (
    EMAIL_ADDRESS,
    id_path,
    name_text,
    person_name_problem,
    razon_social_text,
)
from haulmer._shown import shown
from haulmer.accounts.business import LinkLike, token_from_link
from haulmer.errors import ValidationError
from haulmer.rut import Rut, stand_in_problem

__all__ = [
    "Administrator",
    "Organization",
    "WorkspaceDetails",
    "WorkspaceStatus",
]

MAX_NAME_LENGTH = 60
"""The longest workspace name the platform takes."""


class WorkspaceStatus(StrEnum):
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
    """A workspace: its status (a ``WorkspaceStatus``, or the platform's text for one the SDK
    does not know yet), administrator, name and organizations."""

    id: str
    order_id: str
    status: WorkspaceStatus | str = Field(union_mode="left_to_right")
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


def _name(value: Any, what: str) -> str:
    """A required one-line name, trimmed: no control character nor lone surrogate."""
    try:
        return name_text(_required_text(value, what), what.removeprefix("the "))
    except ValueError as error:
        raise ValidationError(str(error)) from None


def activate_request(
    link: LinkLike, idempotency_key: str | None, **options: Any
) -> APIRequest[WorkspaceDetails]:
    """The request creating the workspace from its e-mail link, keyed."""
    body = {"token": token_from_link(link)}
    return APIRequest(
        "POST",
        "/v1/workspaces/activate",
        "platform",
        WorkspaceDetails,
        json=body,
        auth="bearer",
        idempotency_key=idempotency_key_or_new(idempotency_key),
        creates="the workspace",
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


def list_request(**options: Any) -> APIRequest[_WorkspaceList]:
    """The request for the logged-in account's workspaces."""
    return APIRequest("GET", "/v1/workspaces", "platform", _WorkspaceList, auth="bearer", **options)


def retrieve_request(workspace_id: str, **options: Any) -> APIRequest[WorkspaceDetails]:
    """The request for one workspace."""
    return APIRequest(
        "GET", _path(workspace_id), "platform", WorkspaceDetails, auth="bearer", **options
    )


def administrator_request(
    workspace_id: str, email: str, name: str, **options: Any
) -> APIRequest[WorkspaceDetails]:
    """The request for step 1, the administrator."""
    email = _required_text(email, "the administrator's e-mail")
    if not EMAIL_ADDRESS.fullmatch(email):
        raise ValidationError(f"{shown(email)} is not an e-mail address (name@example.com)")
    admin_name = _name(name, "the administrator's name")
    problem = person_name_problem(admin_name)
    if problem is not None:
        raise ValidationError(f"the administrator's name {problem}")
    body = {"email": email, "name": admin_name}
    return APIRequest(
        "POST",
        _path(workspace_id, "/administrator"),
        "platform",
        WorkspaceDetails,
        json=body,
        auth="bearer",
        **options,
    )


def rename_request(workspace_id: str, name: str, **options: Any) -> APIRequest[WorkspaceDetails]:
    """The request for step 2, the workspace's name."""
    name = _name(name, "the workspace's name")
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


def organization_request(
    workspace_id: str,
    razon_social: str,
    rut: Rut | str,
    idempotency_key: str | None,
    **options: Any,
) -> APIRequest[Organization]:
    """The request for step 3, an organization (its RUT checked), keyed."""
    try:
        checked = razon_social_text(_required_text(razon_social, "the razón social"))
    except ValueError as error:
        raise ValidationError(str(error)) from None
    body = {"razon_social": checked, "rut": str(Rut(rut))}
    stand_in = stand_in_problem(body["rut"])
    if stand_in is not None:
        raise ValidationError(stand_in)
    return APIRequest(
        "POST",
        _path(workspace_id, "/organizations"),
        "platform",
        Organization,
        json=body,
        auth="bearer",
        idempotency_key=idempotency_key_or_new(idempotency_key),
        creates="the workspace's organization",
        error_hints=_ORGANIZATION_HINTS,
        **options,
    )


_ORGANIZATION_HINTS = {
    "already_done": (
        "The workspace has that RUT's organization already: "
        "client.workspace.retrieve(workspace_id).organizations gives it; a lost answer comes back "
        "to a repetition with the idempotency_key= it sent (within 24 hours)"
    ),
}
"""The way out of an organization whose RUT the workspace already has."""
