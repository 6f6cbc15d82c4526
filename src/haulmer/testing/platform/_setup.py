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
    CERTIFICATION_STAGES,
    CertificationStage,
    add_business_days,
    business_days_between,
)
from haulmer.openfactura.setup.business import (
    company_signature_problem,
    notas_without_their_documents,
)
from haulmer.testing._clock import reached
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
    CertificationProblem,
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


SIGNATURE_PROBLEMS = ("representative_not_authorized", "certificate_expired")
"""Stops a new upload of the signature (setup step 2 again) resumes."""

_STAGE_NAMES = {
    CertificationStage.POSTULACION: "la postulación",
    CertificationStage.SET_DE_PRUEBAS: "el set de pruebas",
    CertificationStage.SIMULACION: "la simulación",
    CertificationStage.INTERCAMBIO: "el intercambio de información",
    CertificationStage.MUESTRAS_IMPRESION: "las muestras de impresión",
    CertificationStage.CERTIFIED: "la declaración de cumplimiento",
}
_PROBLEM_MESSAGES = {
    "representative_not_authorized": (
        "El SII no pudo avanzar con {stage}: el titular de la firma electrónica no está "
        "autorizado ante el SII como representante legal de la empresa. Registra al "
        "representante y su certificado en sii.cl, o carga la firma de un representante "
        "autorizado, y tu certificación continuará."
    ),
    "certificate_expired": (
        "Tu firma electrónica venció antes de {stage}, así que no podemos firmar ante el SII. "
        "Carga una firma vigente y tu certificación continuará."
    ),
    "rejected_by_sii": (
        "El SII rechazó {stage} y la certificación terminó sin autorizar a la empresa. Contacta "
        "a soporte para comenzarla de nuevo."
    ),
}
"""What the platform tells the administrator, per reason (``problem.message`` and e-mail)."""


def _problem_message(reason: str, stage: CertificationStage) -> str:
    """The platform's message for a stop, in correct Spanish: "de el" contracts to "del"."""
    return _PROBLEM_MESSAGES[reason].format(stage=_STAGE_NAMES[stage]).replace(" de el ", " del ")


COMPANY_FIELDS = ("giro", "acteco", "direccion", "comuna")
"""What step 1's ``company`` holds."""

NEW_ORGANIZATION_FIELDS = ("razon_social", "rut")
"""What step 1's ``new_organization`` holds."""


def _unknown_fields(
    given: dict[str, Any], fields: tuple[str, ...], what: str
) -> list[tuple[str, str]]:
    """A problem for each field of ``given`` that ``what`` does not have (never dropped unsaid)."""
    return [
        (name, f"not a field of {what} ({', '.join(fields)})")
        for name in given
        if name not in fields
    ]


def _milestones(
    stage_days: dict[CertificationStage, int], now: datetime
) -> list[tuple[datetime, CertificationStage]]:
    """When each stage lands: at once on day 0, else at 09:00 on its business day."""
    milestones = []
    for stage in CertificationStage:
        if stage not in stage_days:
            continue
        day = stage_days[stage]
        if day == 0:
            milestones.append((now, stage))
            continue
        on = add_business_days(now.date(), day)
        milestones.append((datetime.combine(on, CERTIFICATION_HOUR, tzinfo=now.tzinfo), stage))
    return milestones


def _expiry(setup: Setup) -> datetime | None:
    """When the setup's uploaded signature stops being valid."""
    not_after = (setup.certificate or {}).get("not_after")
    return datetime.fromisoformat(not_after) if isinstance(not_after, str) else None


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
            if body.get("token") is not None and body.get("workspace_id") is not None:
                raise invalid(
                    "start the setup from the OpenFactura e-mail's token or by workspace_id: "
                    "one of the two",
                    [
                        ("token", "give it alone, or leave it out"),
                        ("workspace_id", "give it alone, or leave it out"),
                    ],
                )
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
            problems += _unknown_fields(company, COMPANY_FIELDS, "the company")
            raise_if([(f"company.{f}", i) for f, i in problems], "the company")
            if body.get("organization_id") is not None and body.get("new_organization") is not None:
                raise invalid(
                    "choose the workspace's organization (organization_id) or create a new one "
                    "(new_organization): exactly one of the two",
                    [
                        ("organization_id", "give it alone, or leave it out"),
                        ("new_organization", "give it alone, or leave it out"),
                    ],
                )
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
                unknown = _unknown_fields(
                    body["new_organization"], NEW_ORGANIZATION_FIELDS, "a new organization"
                )
                raise_if([(f"new_organization.{f}", i) for f, i in unknown], "the organization")
                new_rut = rut_field(body["new_organization"], "rut", [])
                if new_rut:
                    self._refuse_registered_rut(setup, new_rut, "new_organization.rut")
                organization = self._new_organization(
                    workspace,
                    body["new_organization"],
                    ": choose it with organization_id='{id}' instead of a new organization",
                )
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
            resuming = self._waits_for_signature(setup)
            problem = setup.certification.problem if setup.certification else None
            if problem is not None and problem.failed:
                raise out_of_order(
                    f"the SII certification of this setup failed at '{problem.stage.value}' "
                    f"({problem.reason}): a new signature does not resume it; contact support "
                    "to start it again"
                )
            renewing = setup.status == "certified"  # the signature OpenFactura signs with
            if not resuming and not renewing:
                self._expect(setup, "pending_certificate")
            password = body.get("password")
            if not isinstance(password, str) or not password:
                raise invalid("the signature's password is missing", [("password", "required")])
            given = body.get("pfx_base64")
            if not isinstance(given, str) or not given.strip():
                raise invalid("the .pfx file is missing", [("pfx_base64", "base64 of the file")])
            try:  # line breaks and blanks skipped, as base64 tools wrap it (MIME: 76 a line)
                data = base64.b64decode("".join(given.split()), validate=True)
            except (binascii.Error, ValueError):
                raise invalid(
                    "the .pfx file is not in base64", [("pfx_base64", "not valid base64")]
                ) from None
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
            company = company_signature_problem(certificate.holder_rut)
            if company is not None:
                raise invalid(company, [("pfx_base64", "company_rut")])
            setup.certificate = {
                "subject_name": certificate.subject_name,
                "holder_rut": str(certificate.holder_rut),
                "not_after": certificate.not_after.isoformat(),
                "sha256_fingerprint": certificate.sha256_fingerprint,
                "uploaded_at": now.isoformat(),
            }
            if resuming:
                self._resume(setup, now)
                return setup
            if renewing:
                if setup.tenant is not None:
                    setup.tenant.signature_expires = certificate.not_after
                return setup
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
            alone = notas_without_their_documents(chosen)
            if alone:
                raise invalid("the DTE types are not valid; see details", [("dte_types", alone)])
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
            scripts = self.certification_scripts
            stage_days = {stage: day for day, stage in CERTIFICATION_STAGES}
            planned = None if scripts is None else scripts.take_schedule(setup.id)
            if planned is not None:
                stage_days = planned
            certification = Certification(
                started_at=now,
                estimated_completion=now.date(),
                milestones=[],
                stage_days=stage_days,
                business_days=stage_days[CertificationStage.CERTIFIED],
            )
            certification.milestones = _milestones(stage_days, now)
            certification.estimated_completion = certification.milestones[-1][0].date()
            certification.stop_at = None if scripts is None else scripts.take_stop(setup.id)
            setup.certification = certification
            setup.status = "certifying"
            self._apply_due(setup, now)
            return setup

    def certification_steps_due(
        self, setup: Setup, now: datetime
    ) -> list[tuple[datetime, Callable[[], None]]]:
        """The stages of a setup's certification due by ``now``, in order, up to a stop (a
        scripted one, or the signature's expiry before a stage needs it)."""
        certification = setup.certification
        if certification is None or certification.problem is not None:
            return []
        done = {stage for stage, _ in certification.reached}
        expires = _expiry(setup)
        due: list[tuple[datetime, Callable[[], None]]] = []
        for when, stage in certification.milestones:
            if stage in done:
                continue
            if not reached(now, when):
                break
            if certification.stop_at is not None and certification.stop_at[0] is stage:
                due.append((when, self._stop(setup, stage, certification.stop_at[1], when)))
                break
            if expires is not None and when > expires:
                due.append((when, self._stop(setup, stage, "certificate_expired", when)))
                break
            due.append((when, self._reach(setup, stage, when)))
        return due

    def _apply_due(self, setup: Setup, now: datetime) -> None:
        for _, apply in self.certification_steps_due(setup, now):
            apply()

    def _waits_for_signature(self, setup: Setup) -> bool:
        """Whether the certification stopped on the signature, so a new upload resumes it."""
        certification = setup.certification
        problem = None if certification is None else certification.problem
        return problem is not None and problem.reason in SIGNATURE_PROBLEMS

    def _stop(
        self, setup: Setup, stage: CertificationStage, reason: str, when: datetime
    ) -> Callable[[], None]:
        def apply() -> None:
            certification = setup.certification
            assert certification is not None
            message = _problem_message(reason, stage)
            certification.problem = CertificationProblem(reason, stage, when, message)
            certification.stop_at = None
            to = self.workspaces[setup.workspace_id].instructions_to
            link = [emails.plain_link(f"/openfactura/setup/{setup.id}", "view_certification")]
            subject = (
                emails.CERTIFICATION_FAILED
                if certification.problem.failed
                else emails.CERTIFICATION_ACTION_REQUIRED
            )
            self._send(to, subject, message, link, when)

        return apply

    def _resume(self, setup: Setup, now: datetime) -> None:
        """Resume a certification stopped on the signature: the stages left keep their gaps."""
        certification = setup.certification
        assert certification is not None
        certification.problem = None
        done = {stage for stage, _ in certification.reached}
        base = max((certification.stage_days[stage] for stage in done), default=0)
        left = {
            stage: day - base
            for stage, day in certification.stage_days.items()
            if stage not in done
        }
        kept = [(when, stage) for when, stage in certification.milestones if stage in done]
        certification.milestones = kept + _milestones(left, now)
        certification.estimated_completion = certification.milestones[-1][0].date()
        certification.business_days = business_days_between(
            certification.started_at.date(), certification.estimated_completion
        )
        to = self.workspaces[setup.workspace_id].instructions_to
        link = [emails.plain_link(f"/openfactura/setup/{setup.id}", "view_certification")]
        self._send(
            to,
            emails.certification_subject("Certificación reanudada"),
            "Recibimos tu nueva firma electrónica y tu certificación continúa. Fecha estimada de "
            f"término: {certification.estimated_completion.isoformat()}.",
            link,
            now,
        )
        self._apply_due(setup, now)

    def certify_now(self, setup_id: Any) -> None:
        """Certify one certifying setup at the fake's now (a test shortcut; nothing else moves)."""
        with self.lock:
            self.catch_up()
            setup = self._certifying(setup_id)
            now = self.now()
            certification = setup.certification
            assert certification is not None
            certification.problem = None
            certification.stop_at = None
            # It ends today, after the business days it took: the answer then gives the day it
            # ended and that count, as for any certification once certified.
            certification.estimated_completion = now.date()
            certification.business_days = certification.business_days_elapsed_at(now)
            done = {stage for stage, _ in certification.reached}
            for stage in CertificationStage:
                if stage not in done:
                    self._reach(setup, stage, now)()

    def stop_certification_of(self, setup_id: Any, stage: CertificationStage, reason: str) -> bool:
        """Script a stop on a known setup: True when its certification took it now, False when
        it has not started (the stop waits for its step 3). ValueError when it cannot be."""
        with self.lock:
            self.catch_up()
            setup = self.known_setup(setup_id)
            certification = setup.certification
            if certification is None:
                return False
            self._refuse_if_over(setup)
            if certification.problem is not None:
                raise ValueError(
                    f"the certification of setup {setup.id} is already stopped "
                    f"({certification.problem.reason} at '{certification.problem.stage.value}')"
                )
            done = {stage for stage, _ in certification.reached}
            if stage in done:
                raise ValueError(
                    f"the certification of setup {setup.id} already passed stage "
                    f"'{stage.value}': stop it at a stage still ahead "
                    f"(it is at '{certification.stage.value}')"
                )
            certification.stop_at = (stage, reason)
            self._apply_due(setup, self.now())
            return True

    def refuse_started(self, setup_id: Any, control: str) -> None:
        """ValueError when a setup's certification already started (its plan is made)."""
        with self.lock:
            setup = self.known_setup(setup_id)
            if setup.certification is not None:
                raise ValueError(
                    f"the certification of setup {setup.id} already started on "
                    f"{setup.certification.started_at.date()}, so its plan is made: call "
                    f"{control}() before its step 3, or fake.control.certify_now(setup_id)"
                )

    def known_setup(self, setup_id: Any) -> Setup:
        """A setup by id for a test control, or a TypeError/ValueError saying what is wrong."""
        if not isinstance(setup_id, str):
            raise TypeError(f"setup_id must be a str such as 'ofs_...', got {shown(setup_id)}")
        setup = self.setups.get(setup_id)
        if setup is None:
            known = ", ".join(sorted(self.setups)) or "none yet"
            raise ValueError(
                f"the fake has no OpenFactura setup {shown(setup_id)} (setups: {known}); "
                "client.openfactura.setup.start(...) opens one and returns its id"
            )
        return setup

    def _certifying(self, setup_id: Any) -> Setup:
        setup = self.known_setup(setup_id)
        if setup.certification is None:
            raise ValueError(
                f"setup {setup.id} is at '{setup.status}': its certification starts once the "
                "DTE types are chosen (step 3); finish the three setup steps first"
            )
        self._refuse_if_over(setup)
        return setup

    @staticmethod
    def _refuse_if_over(setup: Setup) -> None:
        if setup.status == "certified":
            raise ValueError(f"setup {setup.id} is already certified: nothing is left to move")

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
            problem = setup.certification.problem if setup.certification else None
            if problem is not None:
                raise out_of_order(
                    f"the API key can be created once the SII certification ends, and it "
                    f"stopped at '{problem.stage.value}' ({problem.reason}): {problem.message}"
                )
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
                setup.tenant = self.register_tenant(
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
                setup.tenant.signature_expires = _expiry(setup)
            now = self.now()
            setup.api_key_created_at = now
            return {
                "api_key": api_key,
                "organization_id": organization.id,
                "organization_rut": organization.rut,
                "created_at": now.isoformat(),
            }
