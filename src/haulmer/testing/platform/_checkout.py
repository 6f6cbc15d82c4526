"""Checkout on the fake platform: orders, payment method then medium, the bank, tax document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from haulmer._platform import EMAIL_ADDRESS, PHONE_NUMBER
from haulmer._shown import shown
from haulmer.rut import stand_in_problem
from haulmer.testing._clock import later
from haulmer.testing.platform import _emails as emails
from haulmer.testing.platform._accounts import AccountSteps
from haulmer.testing.platform._catalog import DURATIONS, PAYMENT_METHODS, PLANS, PRODUCTS
from haulmer.testing.platform._errors import already_done, invalid, out_of_order
from haulmer.testing.platform._models import Order, StatusChange
from haulmer.testing.platform._validation import (
    new_id,
    person_name_field,
    raise_if,
    rut_field,
    text_field,
)

MAX_PER_CODE = 1000
"""The most of one product or plan an order buys (each point-of-sale device becomes a point)."""

ORDER_FIELDS = ("buyer", "products", "plans")
BUYER_FIELDS = ("name", "email", "rut", "phone")
LINE_FIELDS = {"products": ("code", "quantity"), "plans": ("code", "quantity", "months")}
"""The fields of an order's body, its buyer and its lines: any other is refused, not dropped
unsaid (a price given in a line is the catalog's, never the caller's)."""

TAX_DOCUMENT_FIELDS = ("token", "type", "receiver")
RECEIVER = ("rut", "razon_social", "giro", "direccion", "comuna", "email")
"""The fields of the tax document choice and of its receiver: any other is refused, not
dropped unsaid (a misspelt receiver would issue the boleta without it)."""

BANK_VALIDATION_DELAY = timedelta(minutes=2)
"""How long the fake bank takes to validate a payment, on the fake clock."""


class CheckoutSteps(AccountSteps):
    """Orders: created, paid (method, then medium), validated by the bank, tax document chosen."""

    def create_order(self, body: dict[str, Any]) -> Order:
        """Step 1: the buyer's data, products and plans (a repeated Idempotency-Key is answered
        before this runs, by the routes).
        """
        problems: list[tuple[str, str]] = [
            (name, f"not a field of an order ({', '.join(ORDER_FIELDS)})")
            for name in body
            if name not in ORDER_FIELDS
        ]
        buyer_in = body.get("buyer")
        if not isinstance(buyer_in, dict):
            raise invalid("the order needs a buyer", [("buyer", "required object")])
        problems += [
            (f"buyer.{name}", f"not a field of the buyer ({', '.join(BUYER_FIELDS)})")
            for name in buyer_in
            if name not in BUYER_FIELDS
        ]
        buyer_problems: list[tuple[str, str]] = []
        buyer = {
            "name": person_name_field(buyer_in, "name", buyer_problems, "buyer's name"),
            "email": text_field(buyer_in, "email", buyer_problems),
            "rut": rut_field(buyer_in, "rut", buyer_problems),
            "phone": text_field(buyer_in, "phone", buyer_problems),
        }
        problems += [(f"buyer.{field}", issue) for field, issue in buyer_problems]
        if buyer["email"] and not EMAIL_ADDRESS.fullmatch(buyer["email"]):
            problems.append(("buyer.email", "not an e-mail address"))
        if buyer["phone"] and not PHONE_NUMBER.fullmatch(buyer["phone"]):
            problems.append(("buyer.phone", "not a phone number (e.g. +56 9 1234 5678)"))
        products = self._lines(body.get("products", []), "products", problems)
        plans = self._lines(body.get("plans", []), "plans", problems)
        if not body.get("products") and not body.get("plans"):
            problems.append(("products", "buy at least one product or plan"))
        raise_if(problems, "the order")
        total = sum(PRODUCTS[line["code"]][1] * line["quantity"] for line in products)
        total += sum(PLANS[line["code"]][1] * line["quantity"] * line["months"] for line in plans)
        with self.lock:
            now = self.now()
            order = Order(
                id=new_id("ord"),
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
        bought: dict[str, int] = {}
        for index, item in enumerate(value):
            where = f"{name}[{index}]"
            if not isinstance(item, dict):
                problems.append((where, "must be an object"))
                continue
            fields = LINE_FIELDS[name]
            unknown = [field for field in item if field not in fields]
            if unknown:
                problems += [
                    (f"{where}.{field}", f"not a field of an order's line ({', '.join(fields)})")
                    for field in unknown
                ]
                continue
            code, quantity = item.get("code"), item.get("quantity")
            if not isinstance(code, str) or code not in known:
                problems.append((f"{where}.code", f"unknown; one of {', '.join(known)}"))
                continue
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
                problems.append((f"{where}.quantity", "a whole number, 1 or more"))
                continue
            bought[code] = bought.get(code, 0) + quantity
            if bought[code] > MAX_PER_CODE:
                problems.append(
                    (f"{where}.quantity", f"at most {MAX_PER_CODE} {code} in one order")
                )
                continue
            line: dict[str, Any] = {"code": code, "name": known[code][0], "quantity": quantity}
            if name == "plans":
                months = item.get("months")
                if (
                    not isinstance(months, int)
                    or isinstance(months, bool)
                    or months not in DURATIONS
                ):
                    problems.append((f"{where}.months", "1, 6 or 12"))
                    continue
                line["months"] = months
                line["monthly_price"] = known[code][1]
            else:
                line["unit_price"] = known[code][1]
            lines.append(line)
        return lines

    def choose_payment_method(self, order_id: str, body: dict[str, Any]) -> Order:
        """Step 2a: the payment method (again after a rejected payment: the order stays open)."""
        with self.lock:
            order = self.order(order_id)
            if order.status not in ("created", "payment_method_selected", "payment_rejected"):
                raise already_done(
                    f"order {order.number} is already {order.status}; its payment cannot change"
                )
            method = body.get("method")
            if not isinstance(method, str) or method not in PAYMENT_METHODS:
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
            if order.status == "payment_rejected":
                raise out_of_order(
                    f"the bank rejected the last payment of order {order.number}: choose the "
                    "payment method again, then the payment medium"
                )
            if order.status != "payment_method_selected":
                raise already_done(f"order {order.number} is already {order.status}")
            medium = body.get("medium")
            media = PAYMENT_METHODS[order.payment_method or ""]
            if not isinstance(medium, str) or medium not in media:
                raise invalid(
                    f"{shown(medium)} is not a medium of payment method {order.payment_method}",
                    [("medium", f"one of {', '.join(media)}")],
                )
            now = self.now()
            order.payment_medium = medium
            order.bank_validation_due = later(now, BANK_VALIDATION_DELAY)
            order.bank_approves = not self.reject_next_payment
            self.reject_next_payment = False
            order.move("awaiting_bank_validation", now, "payment sent to the bank for validation")
            return order

    def _bank_decides(self, order: Order, when: datetime) -> Callable[[], None]:
        def apply() -> None:
            if not order.bank_approves:
                order.move("payment_rejected", when, "the bank rejected the payment")
                self._send(
                    order.buyer["email"],
                    emails.payment_rejected_subject(order.number),
                    f"Hola {order.buyer['name']}, el banco no validó el pago de tu compra "
                    f"N° {order.number}. Tu orden sigue abierta: para intentarlo nuevamente, "
                    "abre el enlace, elige nuevamente el método y el medio de pago y paga otra "
                    "vez.",
                    [emails.plain_link(f"/orders/{order.id}/pay", "pay_order")],
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
            emails.PURCHASE,
            f"Hola {buyer['name']}, tu compra N° {order.number} por "
            f"${emails.pesos(order.total)} CLP fue exitosa. En los siguientes correos encontrarás "
            "cómo elegir tu documento tributario y activar tus servicios.",
            [emails.plain_link(f"/orders/{order.id}", "view_order")],
            when,
        )
        self._send(
            buyer["email"],
            emails.payment_confirmed_subject(order.number),
            f"El pago de tu orden N° {order.number} fue confirmado por el banco.",
            [emails.plain_link(f"/orders/{order.id}", "view_order")],
            when,
        )
        self._send_tax_document_link(order, when)
        account = self._account_for(buyer["email"], buyer["name"], when)
        if account.password_created_at is None:
            self._send_create_password(account, when)
        self._send_welcome(order, when)

    def _send_tax_document_link(self, order: Order, when: datetime) -> None:
        """The "¿Boleta o factura?" e-mail (a newer one replaces the older link)."""
        token = self.tokens.issue("tax_document", order.id, when)
        self._send(
            order.buyer["email"],
            emails.TAX_DOCUMENT,
            f"Elige boleta o factura para tu compra N° {order.number} y, si es factura, "
            "indica los datos del receptor.",
            [emails.token_link("/checkout/tax-document", "choose_tax_document", token)],
            when,
        )

    def _send_welcome(self, order: Order, when: datetime) -> None:
        """The "[Workspace] ¡Bienvenido a Haulmer!" e-mail with the workspace activation link."""
        token = self.tokens.issue("activate_workspace", order.id, when)
        self._send(
            order.buyer["email"],
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
            unknown = [
                (name, f"not a field of the choice ({', '.join(TAX_DOCUMENT_FIELDS)})")
                for name in body
                if name not in TAX_DOCUMENT_FIELDS
            ]
            if isinstance(receiver_in, dict):
                unknown += [
                    (f"receiver.{name}", f"not a field of the receiver ({', '.join(RECEIVER)})")
                    for name in receiver_in
                    if name not in RECEIVER
                ]
            raise_if(unknown, "the tax document choice")
            receiver: dict[str, str] | None = None
            if kind == "factura" or receiver_in is not None:
                if not isinstance(receiver_in, dict):
                    raise invalid(
                        "a factura needs the receiver's data",
                        [("receiver", "required for a factura")],
                    )
                problems: list[tuple[str, str]] = []
                receiver = {"rut": rut_field(receiver_in, "rut", problems)}
                stand_in = stand_in_problem(receiver["rut"]) if kind == "factura" else None
                if stand_in is not None:
                    problems.append(("rut", f"a factura goes to a company, and {stand_in}"))
                for name in ("razon_social", "giro", "direccion", "comuna"):
                    if kind == "factura" or name in receiver_in:
                        receiver[name] = text_field(receiver_in, name, problems)
                        _receptor_check(receiver[name], name, problems)
                email = receiver_in.get("email")
                if email is not None:
                    if isinstance(email, str) and EMAIL_ADDRESS.fullmatch(email.strip()):
                        receiver["email"] = email.strip()
                        _receptor_check(receiver["email"], "email", problems)
                    else:
                        problems.append(("email", "not an e-mail address"))
                raise_if(
                    [(f"receiver.{field}", issue) for field, issue in problems], "the receiver"
                )
            order.tax_document = {"type": kind, "receiver": receiver, "chosen_at": now.isoformat()}
            dte_type = 39 if kind == "boleta" else 33
            self.haulmer_folios[dte_type] = self.haulmer_folios.get(dte_type, 0) + 1
            order.issued_document = {
                "dte_type": dte_type,
                "folio": self.haulmer_folios[dte_type],
                "total": order.total,
                "issued_at": now.isoformat(),
            }
            self.tokens.consume(record, now)
            order.history.append(StatusChange(order.status, now, f"tax document: {kind}"))
            return order


def _receptor_check(value: str, name: str, problems: list[tuple[str, str]]) -> None:
    """Note why ``value`` cannot be the factura's Receptor field ``name`` (the SII's length,
    ISO-8859-1, one line), as the SDK checks it; blank values are noted already."""
    from haulmer._platform import RECEPTOR_ELEMENTS, receptor_text

    if value:
        try:
            receptor_text(value, name, RECEPTOR_ELEMENTS[name])
        except ValueError as error:
            problems.append((name, str(error)))
