"""Workspace on the fake platform: activation, administrator, name, organizations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from haulmer._platform import EMAIL_ADDRESS, address_key, razon_social_text
from haulmer._shown import shown
from haulmer.rut import stand_in_problem
from haulmer.testing.platform import _emails as emails
from haulmer.testing.platform._accounts import AccountSteps
from haulmer.testing.platform._errors import already_done, forbidden, not_found, out_of_order
from haulmer.testing.platform._models import Account, Organization, Workspace
from haulmer.testing.platform._validation import (
    name_field,
    new_id,
    person_name_field,
    raise_if,
    rut_field,
    text_field,
)

_NEXT_AFTER_STEP_1 = {
    "pending_name": "continue with step 2, the name",
    "pending_organization": "continue with step 3, the organization",
    "active": "the workspace is set up: OpenFactura's setup comes next",
}
"""What a workspace that has its administrator waits for, by its status."""


class WorkspaceSteps(AccountSteps):
    """Workspaces: activated from the welcome e-mail, then three steps in order."""

    def activate_workspace(self, account: Account, body: dict[str, Any]) -> Workspace:
        """Create the workspace from the welcome e-mail's token."""
        with self.lock:
            now = self.now()
            record = self.tokens.check(body.get("token"), "activate_workspace", now)
            order = self.order(record.subject)
            if address_key(order.buyer["email"]) != address_key(account.email):
                raise forbidden("only the buyer of the order can activate its workspace")
            workspace = Workspace(
                id=new_id("wsp"),
                order_id=order.id,
                owner_account_id=account.id,
                owner_email=account.email,
                point_of_sale=order.includes_point_of_sale,
                created_at=now,
                member_account_ids={account.id},
            )
            self.workspaces[workspace.id] = workspace
            self.tokens.consume(record, now)
            return workspace

    def workspace(self, account: Account, workspace_id: str) -> Workspace:
        """A workspace the account belongs to (404 otherwise)."""
        workspace = self.workspaces.get(workspace_id)
        if workspace is None or account.id not in workspace.member_account_ids:
            raise not_found(f"workspace {shown(workspace_id)}")
        return workspace

    def list_workspaces(self, account: Account) -> list[Workspace]:
        """Every workspace the account belongs to, oldest first."""
        return [w for w in self.workspaces.values() if account.id in w.member_account_ids]

    def set_administrator(
        self, account: Account, workspace_id: str, body: dict[str, Any]
    ) -> Workspace:
        """Step 1: the workspace's administrator (may be someone else than the buyer)."""
        with self.lock:
            workspace = self.workspace(account, workspace_id)
            if workspace.administrator is not None:
                next_step = _NEXT_AFTER_STEP_1.get(workspace.status, "retrieve the workspace")
                raise already_done(
                    f"the workspace already has its administrator "
                    f"({workspace.administrator['email']}); {next_step}"
                )
            problems: list[tuple[str, str]] = []
            email = text_field(body, "email", problems)
            name = person_name_field(body, "name", problems, "administrator's name")
            if email and not EMAIL_ADDRESS.fullmatch(email):
                problems.append(("email", "not an e-mail address"))
            raise_if(problems, "the administrator")
            now = self.now()
            workspace.administrator = {"email": email, "name": name}
            admin = self._account_for(email, name, now)
            workspace.member_account_ids.add(admin.id)
            if admin.password_created_at is None and admin.id != workspace.owner_account_id:
                self._send_create_password(admin, now)
            workspace.status = "pending_name"
            return workspace

    def rename(self, account: Account, workspace_id: str, body: dict[str, Any]) -> Workspace:
        """Step 2 (and any later renaming): the workspace's name."""
        with self.lock:
            workspace = self.workspace(account, workspace_id)
            if workspace.administrator is None:
                raise out_of_order(
                    "create the workspace's administrator (step 1) before naming it (step 2)"
                )
            problems: list[tuple[str, str]] = []
            name = name_field(body, "name", problems, "workspace's name")
            if len(name) > 60:
                problems.append(("name", "at most 60 characters"))
            raise_if(problems, "the workspace name")
            workspace.name = name
            if workspace.status == "pending_name":
                workspace.status = "pending_organization"
            return workspace

    def add_organization(
        self, account: Account, workspace_id: str, body: dict[str, Any]
    ) -> Organization:
        """Step 3 (and later additions): an organization's razón social and RUT."""
        with self.lock:
            workspace = self.workspace(account, workspace_id)
            if workspace.status in ("pending_administrator", "pending_name"):
                missing = (
                    "the administrator (step 1)"
                    if workspace.status == "pending_administrator"
                    else "the workspace's name (step 2)"
                )
                raise out_of_order(f"set {missing} before adding the organization (step 3)")
            organization = self._new_organization(workspace, body, "")
            if workspace.status == "pending_organization":
                workspace.status = "active"
                self._send_openfactura_invitation(workspace, self.now())
            return organization

    def _new_organization(
        self, workspace: Workspace, body: dict[str, Any], instead: str
    ) -> Organization:
        """A new organization of the workspace; 409 naming the one its RUT already is, and
        ``instead`` what to do about it ({id} is that organization's id), when there is one."""
        problems: list[tuple[str, str]] = []
        razon_social = text_field(body, "razon_social", problems)
        if razon_social:
            try:
                razon_social_text(razon_social)
            except ValueError as error:
                problems.append(("razon_social", str(error)))
        rut = rut_field(body, "rut", problems)
        stand_in = stand_in_problem(rut) if rut else None
        if stand_in is not None:
            problems.append(("rut", stand_in))
        raise_if(problems, "the organization")
        existing = next((o for o in workspace.organizations if o.rut == rut), None)
        if existing is not None:
            raise already_done(
                f"the workspace already has an organization with RUT {rut}: "
                f"{shown(existing.razon_social)} ({existing.id}); a RUT is one organization"
                + instead.format(id=existing.id)
            )
        organization = Organization(
            id=new_id("org"),
            workspace_id=workspace.id,
            razon_social=razon_social,
            rut=rut,
            created_at=self.now(),
        )
        workspace.organizations.append(organization)
        return organization

    def _send_openfactura_invitation(self, workspace: Workspace, when: datetime) -> None:
        token = self.tokens.issue("openfactura_setup", workspace.id, when)
        self._send(
            workspace.instructions_to,
            emails.OPENFACTURA_SETUP,
            f"Tu espacio de trabajo {workspace.name} está listo. Configura tu empresa en "
            "OpenFactura, carga la firma electrónica del representante legal y elige tus "
            "documentos.",
            [emails.token_link("/openfactura/setup", "start_openfactura_setup", token)],
            when,
        )
