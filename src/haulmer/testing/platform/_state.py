"""The fake platform's state machine: every step of the customer journey, in order.

Each operation checks that the earlier steps happened (else a 409 ``step_out_of_order`` naming the
missing step), validates its input (400 ``validation_failed`` with per-field details), changes
state and sends the e-mails Haulmer sends. Time-driven steps are applied by ``catch_up()``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from haulmer.openfactura.certification import (
    CERTIFICATION_BUSINESS_DAYS,
    CERTIFICATION_STAGES,
    CertificationStage,
    add_business_days,
)
from haulmer.testing._outbox import Outbox
from haulmer.testing.platform import _emails as emails
from haulmer.testing.platform._catalog import (
    AVAILABLE_DTE_TYPES,
    DURATIONS,
    PAYMENT_METHODS,
    PLANS,
    PLATFORMS,
    PRODUCTS,
)
from haulmer.testing.platform._errors import (
    PlatformError,
    already_done,
    forbidden,
    invalid,
    not_found,
    out_of_order,
    unauthenticated,
)
from haulmer.testing.platform._models import (
    Account,
    Certification,
    Order,
    Organization,
    Setup,
    StatusChange,
    Workspace,
)
from haulmer.testing.platform._tokens import TokenBook

POINT_OF_SALE_MANDATORY_DTE_TYPES = (33, 39)
"""Factura and boleta: required when a point of sale was bought."""

BANK_VALIDATION_DELAY = timedelta(minutes=2)
"""How long the fake bank takes to validate a payment, on the fake clock."""

ACCESS_TOKEN_LIFETIME = timedelta(days=30)
"""How long a login's access token works."""

CERTIFICATION_HOUR = time(9, 0)
"""Certification progress lands at this local time on its business day."""

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9 ()-]{8,20}")


_SETUP_ORDER = (
    "pending_organization",
    "pending_certificate",
    "pending_dte_types",
    "certifying",
    "certified",
)
_SETUP_STEP_NAMES = {
    "pending_organization": "choose the organization (step 1)",
    "pending_certificate": "upload the electronic signature (step 2)",
    "pending_dte_types": "choose the DTE types (step 3)",
}


@dataclass
class _Session:
    account_id: str
    expires_at: datetime


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def _hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, 1_000)


def _password_problems(password: str) -> list[tuple[str, str]]:
    """The server's own check of the Haulmer Accounts policy."""
    problems = []
    if len(password) < 8:
        problems.append(("password", "must have at least 8 characters"))
    if not any(c.islower() for c in password):
        problems.append(("password", "must contain a lower-case letter"))
    if not any(c.isupper() for c in password):
        problems.append(("password", "must contain an upper-case letter"))
    if not any(c.isdigit() for c in password):
        problems.append(("password", "must contain a digit"))
    return problems


def _text(body: dict[str, Any], name: str, problems: list[tuple[str, str]]) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        problems.append((name, "required, non-empty text"))
        return ""
    return value.strip()


def _rut(body: dict[str, Any], name: str, problems: list[tuple[str, str]]) -> str:
    from haulmer.errors import InvalidRutError
    from haulmer.rut import Rut

    value = body.get(name)
    if not isinstance(value, str):
        problems.append((name, "required: a RUT such as 76795561-8"))
        return ""
    try:
        return str(Rut(value))
    except InvalidRutError as error:
        problems.append((name, str(error)))
        return ""


def _raise_if(problems: list[tuple[str, str]], what: str) -> None:
    if problems:
        raise invalid(f"{what} is not valid; see details", problems)


class PlatformState:
    """Everything the fake platform remembers; ``reset()`` forgets it all."""

    def __init__(
        self,
        *,
        clock: Any,
        outbox: Outbox,
        register_tenant: Callable[..., Any] | None = None,
    ) -> None:
        self.clock = clock
        self.outbox = outbox
        self.register_tenant = register_tenant
        self.lock = threading.RLock()
        self.tokens = TokenBook()
        self.reset()

    # ------------------------------------------------------------------ housekeeping

    def reset(self) -> None:
        """Forget every order, account, workspace, setup and e-mail."""
        with self.lock:
            self.orders: dict[str, Order] = {}
            self.accounts: dict[str, Account] = {}
            self.sessions: dict[str, _Session] = {}
            self.workspaces: dict[str, Workspace] = {}
            self.setups: dict[str, Setup] = {}
            self.tokens.clear()
            self.next_order_number = 100_001
            self.reject_next_payment = False
            self.outbox.clear()

    def now(self) -> datetime:
        """The fake clock's current time."""
        moment: datetime = self.clock.now()
        return moment

    def catch_up(self) -> None:
        """Apply, in time order, every bank validation and certification step now due."""
        with self.lock:
            now = self.now()
            due: list[tuple[datetime, int, Callable[[], None]]] = []
            for order in self.orders.values():
                when = order.bank_validation_due
                if order.status == "awaiting_bank_validation" and when and when <= now:
                    due.append((when, len(due), self._bank_decides(order, when)))
            for setup in self.setups.values():
                certification = setup.certification
                if certification is None:
                    continue
                reached = {stage for stage, _ in certification.reached}
                for when, stage in certification.milestones:
                    if when <= now and stage not in reached:
                        due.append((when, len(due), self._reach(setup, stage, when)))
            for _, _, apply in sorted(due, key=lambda item: (item[0], item[1])):
                apply()

    def _send(self, to: str, subject: str, body: str, links: list[Any], at: datetime) -> None:
        self.outbox.send(to, subject, body, links, sent_at=at)

    # ------------------------------------------------------------------ checkout

    def create_order(self, body: dict[str, Any]) -> Order:
        """Step 1: the buyer's data, products and plans."""
        problems: list[tuple[str, str]] = []
        buyer_in = body.get("buyer")
        if not isinstance(buyer_in, dict):
            raise invalid("the order needs a buyer", [("buyer", "required object")])
        buyer_problems: list[tuple[str, str]] = []
        buyer = {
            "name": _text(buyer_in, "name", buyer_problems),
            "email": _text(buyer_in, "email", buyer_problems),
            "rut": _rut(buyer_in, "rut", buyer_problems),
            "phone": _text(buyer_in, "phone", buyer_problems),
        }
        problems += [(f"buyer.{field}", issue) for field, issue in buyer_problems]
        if buyer["email"] and not _EMAIL.fullmatch(buyer["email"]):
            problems.append(("buyer.email", "not an e-mail address"))
        if buyer["phone"] and not _PHONE.fullmatch(buyer["phone"]):
            problems.append(("buyer.phone", "not a phone number (e.g. +56 9 1234 5678)"))
        products = self._lines(body.get("products", []), "products", problems)
        plans = self._lines(body.get("plans", []), "plans", problems)
        if not body.get("products") and not body.get("plans"):
            problems.append(("products", "buy at least one product or plan"))
        _raise_if(problems, "the order")
        total = sum(PRODUCTS[line["code"]][1] * line["quantity"] for line in products)
        total += sum(PLANS[line["code"]][1] * line["quantity"] * line["months"] for line in plans)
        with self.lock:
            now = self.now()
            order = Order(
                id=_new_id("ord"),
                number=self.next_order_number,
                buyer=buyer,
                products=products,
                plans=plans,
                total=total,
                created_at=now,
            )
            self.next_order_number += 1
            order.move("created", now, "order created; choose a payment method")
            self.orders[order.id] = order
            return order

    @staticmethod
    def _lines(value: Any, name: str, problems: list[tuple[str, str]]) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            problems.append((name, "must be a list"))
            return []
        known = PRODUCTS if name == "products" else PLANS
        lines = []
        for index, item in enumerate(value):
            where = f"{name}[{index}]"
            if not isinstance(item, dict):
                problems.append((where, "must be an object"))
                continue
            code, quantity = item.get("code"), item.get("quantity")
            if code not in known:
                problems.append((f"{where}.code", f"unknown; one of {', '.join(known)}"))
                continue
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
                problems.append((f"{where}.quantity", "a whole number, 1 or more"))
                continue
            line: dict[str, Any] = {"code": code, "name": known[code][0], "quantity": quantity}
            if name == "plans":
                months = item.get("months")
                if months not in DURATIONS:
                    problems.append((f"{where}.months", "1, 6 or 12"))
                    continue
                line["months"] = months
                line["monthly_price"] = known[code][1]
            else:
                line["unit_price"] = known[code][1]
            lines.append(line)
        return lines

    def order(self, order_id: str) -> Order:
        """An order by id (404 otherwise)."""
        self.catch_up()
        order = self.orders.get(order_id)
        if order is None:
            raise not_found(f"order {order_id!r}")
        return order

    def choose_payment_method(self, order_id: str, body: dict[str, Any]) -> Order:
        """Step 2a: the payment method."""
        with self.lock:
            order = self.order(order_id)
            if order.status not in ("created", "payment_method_selected"):
                raise already_done(
                    f"order {order.number} is already {order.status}; its payment cannot change"
                )
            method = body.get("method")
            if method not in PAYMENT_METHODS:
                raise invalid(
                    "unknown payment method",
                    [("method", f"one of {', '.join(PAYMENT_METHODS)}")],
                )
            order.payment_method = method
            order.payment_medium = None
            order.move("payment_method_selected", self.now(), f"payment method {method}")
            return order

    def choose_payment_medium(self, order_id: str, body: dict[str, Any]) -> Order:
        """Step 2b: the payment medium; the order then waits for the bank."""
        with self.lock:
            order = self.order(order_id)
            if order.status == "created":
                raise out_of_order(
                    f"order {order.number} has no payment method yet: "
                    "choose the payment method first, then the payment medium"
                )
            if order.status != "payment_method_selected":
                raise already_done(f"order {order.number} is already {order.status}")
            medium = body.get("medium")
            media = PAYMENT_METHODS[order.payment_method or ""]
            if medium not in media:
                raise invalid(
                    f"{medium!r} is not a medium of payment method {order.payment_method}",
                    [("medium", f"one of {', '.join(media)}")],
                )
            now = self.now()
            order.payment_medium = medium
            order.bank_validation_due = now + BANK_VALIDATION_DELAY
            order.bank_approves = not self.reject_next_payment
            self.reject_next_payment = False
            order.move("awaiting_bank_validation", now, "payment sent to the bank for validation")
            self._send(
                order.buyer["email"],
                emails.PURCHASE,
                f"Hola {order.buyer['name']}, recibimos tu compra N° {order.number} por "
                f"${order.total:,} CLP. Te avisaremos cuando el banco confirme el pago.".replace(
                    ",", "."
                ),
                [emails.plain_link(f"/orders/{order.id}", "view_order")],
                now,
            )
            return order

    def _bank_decides(self, order: Order, when: datetime) -> Callable[[], None]:
        def apply() -> None:
            if not order.bank_approves:
                order.move("payment_rejected", when, "the bank rejected the payment")
                self._send(
                    order.buyer["email"],
                    f"Pago rechazado - Orden N° {order.number}",
                    "El banco no validó el pago de tu compra. Puedes intentarlo nuevamente.",
                    [emails.plain_link(f"/orders/{order.id}", "view_order")],
                    when,
                )
                return
            self._confirm_payment(order, when)

        return apply

    def _confirm_payment(self, order: Order, when: datetime) -> None:
        order.paid_at = when
        order.move("paid", when, "the bank validated the payment")
        buyer = order.buyer
        self._send(
            buyer["email"],
            emails.payment_confirmed_subject(order.number),
            f"El pago de tu orden N° {order.number} fue confirmado por el banco.",
            [emails.plain_link(f"/orders/{order.id}", "view_order")],
            when,
        )
        token = self.tokens.issue("tax_document", order.id, when)
        self._send(
            buyer["email"],
            emails.TAX_DOCUMENT,
            f"Elige boleta o factura para tu compra N° {order.number} y, si es factura, "
            "indica los datos del receptor.",
            [emails.token_link("/checkout/tax-document", "choose_tax_document", token)],
            when,
        )
        account = self._account_for(buyer["email"], buyer["name"], when)
        if account.password_created_at is None:
            self._send_create_password(account, when)
        token = self.tokens.issue("activate_workspace", order.id, when)
        self._send(
            buyer["email"],
            emails.WELCOME,
            "¡Bienvenido a Haulmer! Activa tu espacio de trabajo para configurar tus servicios.",
            [emails.token_link("/workspace/activate", "activate_workspace", token)],
            when,
        )

    def choose_tax_document(self, body: dict[str, Any]) -> Order:
        """The buyer's boleta/factura choice for the purchase, from the e-mail's link."""
        with self.lock:
            now = self.now()
            record = self.tokens.check(body.get("token"), "tax_document", now)
            order = self.order(record.subject)
            kind = body.get("type")
            if kind not in ("boleta", "factura"):
                raise invalid("choose boleta or factura", [("type", "boleta or factura")])
            receiver_in = body.get("receiver")
            receiver: dict[str, str] | None = None
            if kind == "factura" or receiver_in is not None:
                if not isinstance(receiver_in, dict):
                    raise invalid(
                        "a factura needs the receiver's data",
                        [("receiver", "required for a factura")],
                    )
                problems: list[tuple[str, str]] = []
                receiver = {"rut": _rut(receiver_in, "rut", problems)}
                for name in ("razon_social", "giro", "direccion", "comuna"):
                    if kind == "factura" or name in receiver_in:
                        receiver[name] = _text(receiver_in, name, problems)
                if isinstance(receiver_in.get("email"), str):
                    receiver["email"] = receiver_in["email"]
                _raise_if(
                    [(f"receiver.{field}", issue) for field, issue in problems], "the receiver"
                )
            order.tax_document = {"type": kind, "receiver": receiver, "chosen_at": now.isoformat()}
            self.tokens.consume(record, now)
            order.history.append(StatusChange(order.status, now, f"tax document: {kind}"))
            return order

    # ------------------------------------------------------------------ accounts

    def _account_for(self, email: str, name: str, when: datetime) -> Account:
        for account in self.accounts.values():
            if account.email.casefold() == email.casefold():
                return account
        account = Account(id=_new_id("acc"), email=email, name=name, created_at=when)
        self.accounts[account.id] = account
        return account

    def _send_create_password(self, account: Account, when: datetime) -> None:
        token = self.tokens.issue("create_password", account.id, when)
        self._send(
            account.email,
            emails.CREATE_PASSWORD,
            "Crea la contraseña de tu cuenta Haulmer: la misma cuenta abre MyHaulmer, "
            "OpenFactura, Point y Catálogo.",
            [emails.token_link("/accounts/create-password", "create_password", token)],
            when,
        )

    def create_password(self, body: dict[str, Any]) -> Account:
        """Set the account's password from the create-password e-mail's token."""
        with self.lock:
            now = self.now()
            record = self.tokens.check(body.get("token"), "create_password", now)
            password = body.get("password")
            confirmation = body.get("password_confirmation")
            if not isinstance(password, str):
                raise invalid("the password is missing", [("password", "required")])
            if password != confirmation:
                raise invalid(
                    "the password and its confirmation differ; type the same password twice",
                    [("password_confirmation", "does not match password")],
                )
            _raise_if(_password_problems(password), "the password")
            account = self.accounts[record.subject]
            account.password_salt = secrets.token_bytes(16)
            account.password_hash = _hash_password(password, account.password_salt)
            account.password_created_at = now
            self.tokens.consume(record, now)
            return account

    def forgot_password(self, body: dict[str, Any]) -> None:
        """Re-send the create-password e-mail to the account's (the purchase's) address."""
        email = body.get("email")
        if not isinstance(email, str) or not _EMAIL.fullmatch(email.strip()):
            raise invalid("an e-mail address is needed", [("email", "required e-mail")])
        with self.lock:
            for account in self.accounts.values():
                if account.email.casefold() == email.strip().casefold():
                    self._send_create_password(account, self.now())

    def login(self, body: dict[str, Any]) -> dict[str, Any]:
        """E-mail and password -> an access token for every Haulmer platform."""
        email, password = body.get("email"), body.get("password")
        platform = body.get("platform", "my_haulmer")
        if platform not in PLATFORMS:
            raise invalid("unknown platform", [("platform", f"one of {', '.join(PLATFORMS)}")])
        if not isinstance(email, str) or not isinstance(password, str):
            raise invalid("e-mail and password are required", [("email", "required")])
        with self.lock:
            account = next(
                (a for a in self.accounts.values() if a.email.casefold() == email.casefold()),
                None,
            )
            if account is not None and account.password_created_at is None:
                raise out_of_order(
                    "this account has no password yet: create it from the e-mail "
                    f"{emails.CREATE_PASSWORD!r} (or ask for it again with forgot-password)"
                )
            if account is None or not hmac.compare_digest(
                account.password_hash, _hash_password(password, account.password_salt)
            ):
                raise PlatformError(401, "invalid_credentials", "wrong e-mail or password")
            now = self.now()
            access_token = secrets.token_urlsafe(32)
            expires_at = now + ACCESS_TOKEN_LIFETIME
            self.sessions[access_token] = _Session(account.id, expires_at)
            return {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_at": expires_at.isoformat(),
                "platform": platform,
                "account": account.to_wire(),
            }

    def authenticate(self, authorization: str | None) -> Account:
        """The account behind ``Authorization: Bearer <token>``, or 401."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise unauthenticated(
                "log in first (POST /v1/accounts/login) and send the access token as "
                "'Authorization: Bearer <token>'"
            )
        session = self.sessions.get(authorization[7:].strip())
        if session is None:
            raise unauthenticated("the access token is not valid; log in again")
        if self.now() >= session.expires_at:
            raise unauthenticated("the access token expired; log in again")
        return self.accounts[session.account_id]

    # ------------------------------------------------------------------ workspace

    def activate_workspace(self, account: Account, body: dict[str, Any]) -> Workspace:
        """Create the workspace from the welcome e-mail's token."""
        with self.lock:
            now = self.now()
            record = self.tokens.check(body.get("token"), "activate_workspace", now)
            order = self.order(record.subject)
            if order.buyer["email"].casefold() != account.email.casefold():
                raise forbidden("only the buyer of the order can activate its workspace")
            workspace = Workspace(
                id=_new_id("wsp"),
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
        self.catch_up()
        workspace = self.workspaces.get(workspace_id)
        if workspace is None or account.id not in workspace.member_account_ids:
            raise not_found(f"workspace {workspace_id!r}")
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
                raise already_done(
                    f"the workspace already has its administrator "
                    f"({workspace.administrator['email']}); continue with step 2, the name"
                )
            problems: list[tuple[str, str]] = []
            email = _text(body, "email", problems)
            name = _text(body, "name", problems)
            if email and not _EMAIL.fullmatch(email):
                problems.append(("email", "not an e-mail address"))
            _raise_if(problems, "the administrator")
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
            name = _text(body, "name", problems)
            if len(name) > 60:
                problems.append(("name", "at most 60 characters"))
            _raise_if(problems, "the workspace name")
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
            organization = self._new_organization(workspace, body)
            if workspace.status == "pending_organization":
                workspace.status = "active"
                self._send_openfactura_invitation(workspace, self.now())
            return organization

    def _new_organization(self, workspace: Workspace, body: dict[str, Any]) -> Organization:
        problems: list[tuple[str, str]] = []
        razon_social = _text(body, "razon_social", problems)
        rut = _rut(body, "rut", problems)
        _raise_if(problems, "the organization")
        if any(existing.rut == rut for existing in workspace.organizations):
            raise already_done(f"the workspace already has an organization with RUT {rut}")
        organization = Organization(
            id=_new_id("org"),
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

    # ------------------------------------------------------------------ openfactura setup

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
            setup = Setup(
                id=_new_id("ofs"),
                workspace_id=workspace.id,
                mandatory_dte_types=(
                    list(POINT_OF_SALE_MANDATORY_DTE_TYPES) if workspace.point_of_sale else []
                ),
                created_at=now,
            )
            self.setups[setup.id] = setup
            return setup, True

    def setup(self, account: Account, setup_id: str) -> Setup:
        """A setup of a workspace the account belongs to (404 otherwise)."""
        self.catch_up()
        setup = self.setups.get(setup_id)
        if setup is None:
            raise not_found(f"OpenFactura setup {setup_id!r}")
        self.workspace(account, setup.workspace_id)
        return setup

    def _expect(self, setup: Setup, status: str) -> None:
        if setup.status == status:
            return
        if _SETUP_ORDER.index(setup.status) < _SETUP_ORDER.index(status):
            raise out_of_order(
                f"this setup is at '{setup.status}': first "
                f"{_SETUP_STEP_NAMES[setup.status]}, then {_SETUP_STEP_NAMES[status]}"
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
                name: _text(company, name, problems) for name in ("giro", "direccion", "comuna")
            }
            acteco = company.get("acteco")
            if (
                not isinstance(acteco, int)
                or isinstance(acteco, bool)
                or not (1 <= acteco <= 999_999)
            ):
                problems.append(("acteco", "the SII economic activity code, up to 6 digits"))
            company_data["acteco"] = acteco
            _raise_if([(f"company.{f}", i) for f, i in problems], "the company")
            if isinstance(body.get("organization_id"), str):
                organization = next(
                    (o for o in workspace.organizations if o.id == body["organization_id"]), None
                )
                if organization is None:
                    raise not_found(f"organization {body['organization_id']!r} in this workspace")
            elif isinstance(body.get("new_organization"), dict):
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
            if not isinstance(chosen, list) or not chosen:
                raise invalid("choose at least one DTE type", [("dte_types", "non-empty list")])
            unknown = [t for t in chosen if t not in AVAILABLE_DTE_TYPES]
            if unknown:
                raise invalid("unknown DTE types", [("dte_types", f"not available: {unknown}")])
            missing = [t for t in setup.mandatory_dte_types if t not in chosen]
            if missing:
                raise PlatformError(
                    400,
                    "mandatory_dte_type",
                    "a point of sale was bought, so boleta 39 and factura 33 are required",
                    [("dte_types", f"must include {missing}")],
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
            workspace = self.workspaces[setup.workspace_id]
            organization = next(o for o in workspace.organizations if o.id == setup.organization_id)
            company = setup.company or {}
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
                    dte_types=list(setup.dte_types),
                )
            now = self.now()
            setup.api_key_created_at = now
            return {
                "api_key": api_key,
                "organization_id": organization.id,
                "organization_rut": organization.rut,
                "created_at": now.isoformat(),
            }
