"""OpenFactura setup on the fake platform: organization, signature, DTE types, certification."""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from haulmer._platform import COMPANY_TEXTS, document_text
from haulmer._shown import shown
from haulmer.openfactura.certification import (
    CERTIFICATION_BUSINESS_DAYS,
    CERTIFICATION_STAGES,
    CertificationStage,
    add_business_days,
)
from haulmer.testing.platform import _emails as emails
from haulmer.testing.platform._catalog import AVAILABLE_DTE_TYPES
from haulmer.testing.platform._errors import (
    PlatformError,
    already_done,
    invalid,
    not_found,
    out_of_order,
    rut_already_registered,
)
from haulmer.testing.platform._models import (
    CERTIFICATION_HOUR,
    Account,
    Certification,
    Organization,
    Setup,
)
from haulmer.testing.platform._validation import new_id, raise_if, rut_field, text_field
from haulmer.testing.platform._workspace import WorkspaceSteps

POINT_OF_SALE_MANDATORY_DTE_TYPES = (33, 39)
"""Factura and boleta: required when a point of sale was bought."""

SETUP_ORDER = (
    "pending_organization",
    "pending_certificate",
    "pending_dte_types",
    "certifying",
    "certified",
)
SETUP_STEP_NAMES = {
    "pending_organization": "choose the organization (step 1)",
    "pending_certificate": "upload the electronic signature (step 2)",
    "pending_dte_types": "choose the DTE types (step 3)",
}


NOTES_OF_FACTURA = (56, 61)
"""Nota de débito and nota de crédito: the SII's basic certification set certifies them with
factura 33, so an issuer of facturas may correct and annul them."""


def issuable_dte_types(chosen: list[int]) -> list[int]:
    """The types a certified company issues: those chosen, plus a factura's notes (56, 61)."""
    issuable = set(chosen)
    if 33 in issuable:
        issuable.update(NOTES_OF_FACTURA)
    return sorted(issuable)


def emisor_text(company: dict[str, Any], name: str, problems: list[tuple[str, str]]) -> str:
    """A company text (giro, direccion, comuna) trimmed, once every document of the company can
    carry it in its emisor (``COMPANY_TEXTS``); "" with the reason noted otherwise."""
    value = text_field(company, name, problems)
    if not value:
        return ""
    element, limit = COMPANY_TEXTS[name]
    try:
        return document_text(value, name, element, limit)
    except ValueError as error:
        problems.append((name, str(error)))
        return ""


class SetupSteps(WorkspaceSteps):
    """OpenFactura setups: three steps, then certification on the clock, then the API key."""

    def start_setup(self, account: Account, body: dict[str, Any]) -> tuple[Setup, bool]:
        """Open (or return) the workspace's setup; ``True`` when it was created now."""
        with self.lock:
            now = self.now()
            record = None
            if body.get("token") is not None:
                record = self.tokens.check(body.get("token"), "openfactura_setup", now)
                workspace_id = record.subject
            elif isinstance(body.get("workspace_id"), str):
                workspace_id = body["workspace_id"]
            else:
                raise invalid(
                    "say which workspace to set up",
                    [("token", "the OpenFactura e-mail's token, or give workspace_id")],
                )
            workspace = self.workspace(account, workspace_id)
            if workspace.status != "active":
                raise out_of_order(
                    f"the workspace {workspace.id} is not set up yet ({workspace.status}): "
                    "finish its administrator, name and organization steps before OpenFactura"
                )
            if record is not None:
                self.tokens.consume(record, now)
            existing = next(
                (s for s in self.setups.values() if s.workspace_id == workspace.id), None
            )
            if existing is not None:
                return existing, False
            preset = list(POINT_OF_SALE_MANDATORY_DTE_TYPES) if workspace.point_of_sale else []
            setup = Setup(
                id=new_id("ofs"),
                workspace_id=workspace.id,
                mandatory_dte_types=preset,
                dte_types=list(preset),
                created_at=now,
            )
            self.setups[setup.id] = setup
            return setup, True

    def setup(self, account: Account, setup_id: str) -> Setup:
        """A setup of a workspace the account belongs to (404 otherwise)."""
        setup = self.setups.get(setup_id)
        if setup is None:
            raise not_found(f"OpenFactura setup {shown(setup_id)}")
        self.workspace(account, setup.workspace_id)
        return setup

    def _expect(self, setup: Setup, status: str) -> None:
        if setup.status == status:
            return
        if SETUP_ORDER.index(setup.status) < SETUP_ORDER.index(status):
            raise out_of_order(
                f"this setup is at '{setup.status}': first "
                f"{SETUP_STEP_NAMES[setup.status]}, then {SETUP_STEP_NAMES[status]}"
            )
        raise already_done(f"this setup already went past that step (now '{setup.status}')")

    def choose_organization(self, account: Account, setup_id: str, body: dict[str, Any]) -> Setup:
        """Setup step 1: an organization of the workspace (or a new one) and its company data."""
        with self.lock:
            setup = self.setup(account, setup_id)
            self._expect(setup, "pending_organization")
            workspace = self.workspaces[setup.workspace_id]
            company = body.get("company")
            problems: list[tuple[str, str]] = []
            if not isinstance(company, dict):
                raise invalid(
                    "the company's data is missing",
                    [("company", "giro, acteco, direccion and comuna are required")],
                )
            company_data: dict[str, Any] = {
                name: emisor_text(company, name, problems) for name in COMPANY_TEXTS
            }
            acteco = company.get("acteco")
            if (
                not isinstance(acteco, int)
                or isinstance(acteco, bool)
                or not (1 <= acteco <= 999_999)
            ):
                problems.append(("acteco", "the SII economic activity code, up to 6 digits"))
            company_data["acteco"] = acteco
            raise_if([(f"company.{f}", i) for f, i in problems], "the company")
            if isinstance(body.get("organization_id"), str):
                organization = next(
                    (o for o in workspace.organizations if o.id == body["organization_id"]), None
                )
                if organization is None:
                    raise not_found(
                        f"organization {shown(body['organization_id'])} in this workspace"
                    )
                self._refuse_registered_rut(setup, organization.rut, "organization_id")
            elif isinstance(body.get("new_organization"), dict):
                new_rut = rut_field(body["new_organization"], "rut", [])
                if new_rut:
                    self._refuse_registered_rut(setup, new_rut, "new_organization.rut")
                organization = self._new_organization(workspace, body["new_organization"])
            else:
                raise invalid(
                    "choose an organization",
                    [("organization_id", "an organization of the workspace, or new_organization")],
                )
            setup.organization_id = organization.id
            setup.company = company_data
            setup.status = "pending_certificate"
            return setup

    def _refuse_registered_rut(self, setup: Setup, rut: str, field: str) -> None:
        """409 when OpenFactura, or another workspace's setup, already has this RUT.

        OpenFactura keeps one account (one folio range) per RUT, so a second one is refused.
        """
        holder = self.openfactura_holder(rut) if self.openfactura_holder is not None else None
        if holder is not None:
            raise rut_already_registered(
                f"RUT {rut} already has an OpenFactura account ({holder}); OpenFactura keeps one "
                "account, with one folio range, per RUT: choose an organization with a RUT of "
                f"its own, or issue {holder}'s documents with the API key it already has",
                field,
            )
        for other in self.setups.values():
            if other.id == setup.id or other.organization_id is None:
                continue
            if self._organization_of(other).rut == rut:
                raise rut_already_registered(
                    f"RUT {rut} is already being set up for OpenFactura in another workspace; "
                    "OpenFactura keeps one account per RUT: choose an organization with a RUT of "
                    "its own, or finish the setup in the workspace that has it",
                    field,
                )

    def _organization_of(self, setup: Setup) -> Organization:
        """The organization chosen in a setup's step 1."""
        workspace = self.workspaces[setup.workspace_id]
        return next(o for o in workspace.organizations if o.id == setup.organization_id)

    def upload_certificate(self, account: Account, setup_id: str, body: dict[str, Any]) -> Setup:
        """Setup step 2: the legal representative's .pfx/.p12 and its password."""
        from haulmer.errors import CertificateError
        from haulmer.pfx import load_pfx

        with self.lock:
            setup = self.setup(account, setup_id)
            self._expect(setup, "pending_certificate")
            password = body.get("password")
            if not isinstance(password, str) or not password:
                raise invalid("the signature's password is missing", [("password", "required")])
            try:
                data = base64.b64decode(str(body.get("pfx_base64", "")), validate=True)
            except (binascii.Error, ValueError):
                data = b""
            if not data:
                raise invalid("the .pfx file is missing", [("pfx_base64", "base64 of the file")])
            now = self.now()
            try:
                certificate = load_pfx(data, password, at=now)
            except CertificateError as error:
                raise invalid(
                    f"the signature cannot be used: {error}", [("pfx_base64", str(error.reason))]
                ) from None
            if certificate.holder_rut is None:
                raise invalid(
                    "the signature does not say whose RUT it is", [("pfx_base64", "no_rut")]
                )
            setup.certificate = {
                "subject_name": certificate.subject_name,
                "holder_rut": str(certificate.holder_rut),
                "not_after": certificate.not_after.isoformat(),
                "sha256_fingerprint": certificate.sha256_fingerprint,
                "uploaded_at": now.isoformat(),
            }
            setup.status = "pending_dte_types"
            return setup

    def choose_dte_types(self, account: Account, setup_id: str, body: dict[str, Any]) -> Setup:
        """Setup step 3: the DTE types to issue; then the SII certification starts."""
        with self.lock:
            setup = self.setup(account, setup_id)
            self._expect(setup, "pending_dte_types")
            chosen = body.get("dte_types")
            preset = setup.mandatory_dte_types
            if chosen is None and preset:
                chosen = list(preset)  # a point of sale: step 3 completes itself
            if not isinstance(chosen, list) or not chosen:
                raise invalid("choose at least one DTE type", [("dte_types", "non-empty list")])
            unknown = [
                t
                for t in chosen
                if isinstance(t, bool) or not isinstance(t, int) or t not in AVAILABLE_DTE_TYPES
            ]
            if unknown:
                raise invalid(
                    "unknown DTE types", [("dte_types", f"not available: {shown(unknown, 200)}")]
                )
            if preset and set(chosen) != set(preset):
                raise PlatformError(
                    400,
                    "mandatory_dte_type",
                    f"a point of sale was bought, so the DTE types are preset to exactly "
                    f"{preset} (factura 33 and boleta 39), with no choice: send {preset} or "
                    "leave dte_types out",
                    [("dte_types", f"must be exactly {preset}")],
                )
            setup.dte_types = sorted(set(chosen))
            now = self.now()
            setup.certification = self._plan_certification(now)
            setup.status = "certifying"
            self._reach(setup, CertificationStage.POSTULACION, now)()
            return setup

    @staticmethod
    def _plan_certification(now: datetime) -> Certification:
        milestones = []
        for day, stage in CERTIFICATION_STAGES:
            if day == 0:
                milestones.append((now, stage))
                continue
            on = add_business_days(now.date(), day)
            milestones.append((datetime.combine(on, CERTIFICATION_HOUR, tzinfo=now.tzinfo), stage))
        return Certification(
            started_at=now,
            estimated_completion=add_business_days(now.date(), CERTIFICATION_BUSINESS_DAYS),
            milestones=milestones,
        )

    def _reach(self, setup: Setup, stage: CertificationStage, when: datetime) -> Callable[[], None]:
        def apply() -> None:
            certification = setup.certification
            assert certification is not None
            certification.reached.append((stage, when))
            to = self.workspaces[setup.workspace_id].instructions_to
            link = [emails.plain_link(f"/openfactura/setup/{setup.id}", "view_certification")]
            if stage is CertificationStage.CERTIFIED:
                setup.status = "certified"
                self._send(
                    to,
                    emails.CERTIFIED,
                    "Tu empresa terminó la certificación ante el SII. Ya puedes crear tu API key "
                    "de OpenFactura.",
                    link,
                    when,
                )
                return
            self._send(
                to,
                emails.certification_subject(stage.label),
                f"Tu certificación avanza: {stage.label}. Fecha estimada de término: "
                f"{certification.estimated_completion.isoformat()}.",
                link,
                when,
            )

        return apply

    def certification(self, account: Account, setup_id: str) -> dict[str, Any]:
        """The certification's status (409 before the DTE types are chosen)."""
        setup = self.setup(account, setup_id)
        if setup.certification is None:
            raise out_of_order(
                f"certification has not started: this setup is at '{setup.status}'; "
                "finish the three setup steps first"
            )
        return setup.certification.to_wire(setup.id, self.now())

    def create_api_key(self, account: Account, setup_id: str) -> dict[str, Any]:
        """The organization's OpenFactura API key, once certified (registered with the fake)."""
        with self.lock:
            setup = self.setup(account, setup_id)
            if setup.status != "certified":
                estimate = (
                    f"; estimated completion {setup.certification.estimated_completion}"
                    if setup.certification
                    else ""
                )
                raise out_of_order(
                    f"the API key can be created once the SII certification ends "
                    f"(setup is '{setup.status}'{estimate})"
                )
            if setup.api_key_created_at is not None:
                raise already_done("this organization already has its OpenFactura API key")
            organization = self._organization_of(setup)
            self._refuse_registered_rut(setup, organization.rut, "organization_id")
            company = setup.company or {}
            certified_at = setup.certification.certified_at if setup.certification else None
            # The SII's resolution authorizing the company is of the day it certified it.
            authorized_on = (certified_at or self.now()).date().isoformat()
            api_key = secrets.token_hex(16)
            if self.register_tenant is not None:
                self.register_tenant(
                    api_key,
                    rut=organization.rut,
                    razon_social=organization.razon_social,
                    giro=company["giro"],
                    acteco=company["acteco"],
                    direccion=company["direccion"],
                    comuna=company["comuna"],
                    dte_types=issuable_dte_types(setup.dte_types),
                    resolucion_fecha=authorized_on,
                )
            now = self.now()
            setup.api_key_created_at = now
            return {
                "api_key": api_key,
                "organization_id": organization.id,
                "organization_rut": organization.rut,
                "created_at": now.isoformat(),
            }
