"""The records the fake platform keeps, each able to render itself as the contract's JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from haulmer.openfactura.certification import CertificationStage
from haulmer.testing.platform._catalog import (
    AVAILABLE_DTE_TYPES,
    PLATFORMS,
    POINT_OF_SALE_PRODUCTS,
)

CERTIFICATION_HOUR = time(9, 0)
"""Certification progress lands at this local time on its business day, which then counts as
elapsed."""


def _iso(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass
class StatusChange:
    """One entry of an order's status history."""

    status: str
    at: datetime
    note: str

    def to_wire(self) -> dict[str, Any]:
        return {"status": self.status, "at": _iso(self.at), "note": self.note}


@dataclass
class Order:
    """A purchase: buyer, lines, payment and its status history."""

    id: str
    number: int
    buyer: dict[str, str]
    products: list[dict[str, Any]]
    plans: list[dict[str, Any]]
    total: int
    created_at: datetime
    status: str = "created"
    payment_method: str | None = None
    payment_medium: str | None = None
    bank_validation_due: datetime | None = None
    bank_approves: bool = True
    paid_at: datetime | None = None
    tax_document: dict[str, Any] | None = None
    issued_document: dict[str, Any] | None = None
    """The boleta or factura Haulmer issued for the purchase, once it was chosen."""
    history: list[StatusChange] = field(default_factory=list)

    def move(self, status: str, at: datetime, note: str) -> None:
        """Change status and record it in the history."""
        self.status = status
        self.history.append(StatusChange(status, at, note))

    @property
    def includes_point_of_sale(self) -> bool:
        """Whether a point-of-sale device was bought (boleta and factura become mandatory)."""
        return any(line["code"] in POINT_OF_SALE_PRODUCTS for line in self.products)

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "status": self.status,
            "buyer": dict(self.buyer),
            "products": [dict(line) for line in self.products],
            "plans": [dict(line) for line in self.plans],
            "total": self.total,
            "currency": "CLP",
            "payment_method": self.payment_method,
            "payment_medium": self.payment_medium,
            "bank_validation_expected_at": _iso(self.bank_validation_due),
            "paid_at": _iso(self.paid_at),
            "tax_document": dict(self.tax_document) if self.tax_document else None,
            "issued_document": dict(self.issued_document) if self.issued_document else None,
            "status_history": [change.to_wire() for change in self.history],
            "created_at": _iso(self.created_at),
        }


@dataclass
class Account:
    """A Haulmer Accounts identity (one login for every Haulmer platform)."""

    id: str
    email: str
    name: str
    created_at: datetime
    password_salt: bytes = field(default=b"", repr=False)
    password_hash: bytes = field(default=b"", repr=False)
    """The password's stored form, out of the repr a failed assertion prints: a fast hash of a
    password gives it back to a dictionary."""
    password_created_at: datetime | None = None

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "has_password": self.password_created_at is not None,
            "password_created_at": _iso(self.password_created_at),
            "platforms": list(PLATFORMS),
            "created_at": _iso(self.created_at),
        }


@dataclass
class Organization:
    """A company (razón social + RUT) inside a workspace."""

    id: str
    workspace_id: str
    razon_social: str
    rut: str
    created_at: datetime

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "workspace_id": self.workspace_id,
            "razon_social": self.razon_social,
            "rut": self.rut,
            "created_at": _iso(self.created_at),
        }


@dataclass
class Workspace:
    """A workspace: owner, administrator, name and organizations, set up in three steps."""

    id: str
    order_id: str
    owner_account_id: str
    owner_email: str
    point_of_sale: bool
    created_at: datetime
    status: str = "pending_administrator"
    administrator: dict[str, str] | None = None
    name: str | None = None
    organizations: list[Organization] = field(default_factory=list)
    member_account_ids: set[str] = field(default_factory=set)

    @property
    def instructions_to(self) -> str:
        """Where e-mails about this workspace go: the administrator once there is one."""
        return self.administrator["email"] if self.administrator else self.owner_email

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "order_id": self.order_id,
            "status": self.status,
            "owner_email": self.owner_email,
            "administrator": dict(self.administrator) if self.administrator else None,
            "name": self.name,
            "organizations": [organization.to_wire() for organization in self.organizations],
            "created_at": _iso(self.created_at),
        }


@dataclass
class CertificationProblem:
    """Why a certification stopped: the reason, the stage it could not pass, since when."""

    reason: str
    stage: CertificationStage
    since: datetime
    message: str

    @property
    def failed(self) -> bool:
        """The SII refused: the certification ended (else it waits for the company)."""
        return self.reason == "rejected_by_sii"

    def to_wire(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "stage": self.stage.value,
            "since": _iso(self.since),
            "message": self.message,
        }


@dataclass
class Certification:
    """The SII certification of one setup, moving on the clock across business days."""

    started_at: datetime
    estimated_completion: date
    milestones: list[tuple[datetime, CertificationStage]]
    reached: list[tuple[CertificationStage, datetime]] = field(default_factory=list)
    stage_days: dict[CertificationStage, int] = field(default_factory=dict)
    """The business day (after the start) each stage was planned on: a resumption keeps the
    gaps between them."""
    business_days: int = 7
    """How many business days it takes, start to certified (the estimate's count)."""
    stop_at: tuple[CertificationStage, str] | None = None
    """A scripted stop: the stage it will not pass, and why."""
    problem: CertificationProblem | None = None

    @property
    def stage(self) -> CertificationStage:
        return self.reached[-1][0] if self.reached else CertificationStage.POSTULACION

    @property
    def certified_at(self) -> datetime | None:
        for stage, at in self.reached:
            if stage is CertificationStage.CERTIFIED:
                return at
        return None

    @property
    def status(self) -> str:
        """``in_progress``, ``action_required``, ``failed`` or ``certified``."""
        if self.certified_at is not None:
            return "certified"
        if self.problem is not None:
            return "failed" if self.problem.failed else "action_required"
        return "in_progress"

    def business_days_elapsed_at(self, moment: datetime) -> int:
        """The business days elapsed from the start to ``moment``: one has once its stage's hour
        came (before 09:00 on the 7th, six have, and the certification is not over)."""
        from haulmer.openfactura.certification import business_days_between

        counted_to = (
            moment.date() if moment.time() >= CERTIFICATION_HOUR else moment.date() - timedelta(1)
        )
        return business_days_between(self.started_at.date(), counted_to)

    def to_wire(self, setup_id: str, now: datetime) -> dict[str, Any]:
        certified_at = self.certified_at
        # Once certified or stopped, the count stops.
        ended = certified_at if self.problem is None else self.problem.since
        moment = ended if ended is not None and ended < now else now
        elapsed = self.business_days_elapsed_at(moment)
        return {
            "setup_id": setup_id,
            "status": self.status,
            "stage": self.stage.value,
            "started_at": _iso(self.started_at),
            # Stopped, it has no date to land on until the company acts (a new signature
            # resumes it and sets one again); failed, it never lands.
            "estimated_completion": (
                None if self.problem is not None else _iso(self.estimated_completion)
            ),
            "business_days_required": self.business_days,
            "business_days_elapsed": min(elapsed, self.business_days),
            "certified_at": _iso(certified_at),
            "history": [{"stage": stage.value, "at": _iso(at)} for stage, at in self.reached],
            "problem": None if self.problem is None else self.problem.to_wire(),
        }


@dataclass
class Setup:
    """The OpenFactura setup of a workspace: organization, signature, DTE types, certification."""

    id: str
    workspace_id: str
    mandatory_dte_types: list[int]
    created_at: datetime
    status: str = "pending_organization"
    organization_id: str | None = None
    company: dict[str, Any] | None = None
    certificate: dict[str, Any] | None = None
    dte_types: list[int] = field(default_factory=list)
    certification: Certification | None = None
    api_key_created_at: datetime | None = None
    tenant: Any = field(default=None, repr=False)
    """The fake OpenFactura's taxpayer its API key made, whose signature a new upload renews."""

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "workspace_id": self.workspace_id,
            "status": self.status,
            "organization_id": self.organization_id,
            "company": dict(self.company) if self.company else None,
            "certificate": dict(self.certificate) if self.certificate else None,
            "dte_types": list(self.dte_types),
            "mandatory_dte_types": list(self.mandatory_dte_types),
            "dte_types_preset": bool(self.mandatory_dte_types),
            "available_dte_types": list(AVAILABLE_DTE_TYPES),
            "api_key_created_at": _iso(self.api_key_created_at),
            "created_at": _iso(self.created_at),
        }
