"""The models, request builders and plans of ``haulmer.checkout``, which its faces import."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar

from pydantic import Field, StrictInt, ValidationInfo, field_validator

from haulmer._core.plans import Plan, poll
from haulmer._core.request import (
    APIRequest,
    idempotency_key_or_new,
)
from haulmer._core.responses import answered
from haulmer._enums import StrEnum
from haulmer._models import HaulmerModel
from haulmer._platform import (
    EMAIL_ADDRESS,
    PHONE_NUMBER,
    RECEPTOR_ELEMENTS,
    SentRut,
    as_enum,
    as_model,
    as_sent_model,
    contract_fields,
    id_path,
    name_text,
    person_name_problem,
    receptor_text,
)
from haulmer._shown import shown
from haulmer.accounts.business import LinkLike, token_from_link
from haulmer.errors import ValidationError
from haulmer.rut import stand_in_problem

__all__ = [
    "MAX_PER_CODE",
    "MEDIA_BY_METHOD",
    "Buyer",
    "Catalog",
    "CatalogPaymentMethod",
    "CatalogPlan",
    "CatalogProduct",
    "IssuedTaxDocument",
    "Order",
    "OrderStatus",
    "PaymentMedium",
    "PaymentMethod",
    "PlanLine",
    "ProductLine",
    "StatusChange",
    "TaxDocumentChoice",
    "TaxDocumentReceiver",
    "TaxDocumentType",
]


MAX_PER_CODE = 1000
"""The most of one product or plan an order buys (over all its lines)."""


class PaymentMethod(StrEnum):
    """How the buyer pays (chosen first)."""

    WEBPAY = "webpay"
    BANK_TRANSFER = "bank_transfer"


class PaymentMedium(StrEnum):
    """What the buyer pays with (chosen second; must suit the method)."""

    CREDIT_CARD = "credit_card"
    DEBIT_CARD = "debit_card"
    PREPAID_CARD = "prepaid_card"
    BANK_ACCOUNT = "bank_account"


MEDIA_BY_METHOD: dict[PaymentMethod, tuple[PaymentMedium, ...]] = {
    PaymentMethod.WEBPAY: (
        PaymentMedium.CREDIT_CARD,
        PaymentMedium.DEBIT_CARD,
        PaymentMedium.PREPAID_CARD,
    ),
    PaymentMethod.BANK_TRANSFER: (PaymentMedium.BANK_ACCOUNT,),
}
"""The payment media each payment method accepts."""


class OrderStatus(StrEnum):
    """Where an order is: it is effective only once ``paid``."""

    CREATED = "created"
    PAYMENT_METHOD_SELECTED = "payment_method_selected"
    AWAITING_BANK_VALIDATION = "awaiting_bank_validation"
    PAID = "paid"
    PAYMENT_REJECTED = "payment_rejected"


class TaxDocumentType(StrEnum):
    """The tax document the buyer asks for the purchase."""

    BOLETA = "boleta"
    FACTURA = "factura"


class Buyer(HaulmerModel):
    """Who buys: name, e-mail (where every e-mail goes), RUT and phone."""

    name: str = Field(min_length=1)
    email: str
    rut: SentRut
    phone: str

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any, info: ValidationInfo) -> Any:
        """Trimmed, as the platform trims it: a name of blanks is no name; one line, without
        control characters or lone surrogates. An answer's name is taken as it is."""
        if not isinstance(value, str) or answered(info):
            return value  # the field's type says what is wrong
        value = value.strip()
        if not value:
            raise ValueError("the buyer's name is required (blanks are no name)")
        problem = person_name_problem(value)
        if problem is not None:
            raise ValueError(f"the buyer's name {problem}")
        return name_text(value, "buyer's name")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str, info: ValidationInfo) -> str:
        if answered(info):
            return value
        value = value.strip()
        if not EMAIL_ADDRESS.fullmatch(value):
            raise ValueError("not an e-mail address (name@example.com)")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str, info: ValidationInfo) -> str:
        if answered(info):
            return value
        value = value.strip()
        if not PHONE_NUMBER.fullmatch(value):
            raise ValueError("not a phone number (e.g. +56 9 1234 5678)")
        return value


def _not_a_bool(value: Any) -> Any:
    """A count is a number: ``True`` is no quantity nor duration (pydantic would read it as 1)."""
    if isinstance(value, bool):
        raise ValueError(f"a whole number, not {value}")
    return value


class ProductLine(HaulmerModel):
    """A product and how many (``openfactura``, ``pos_device``...)."""

    code: str = Field(min_length=1)
    quantity: int = Field(default=1, ge=1)
    name: str | None = None
    unit_price: int | None = None

    _quantity = field_validator("quantity", mode="before")(_not_a_bool)


PLAN_MONTHS = (1, 6, 12)
"""How long a plan is bought for, in months."""


class PlanLine(HaulmerModel):
    """A plan, how many and for how long: 1, 6 or 12 months (an answer may say another length,
    one the platform offers later)."""

    code: str = Field(min_length=1)
    quantity: int = Field(default=1, ge=1)
    months: Literal[1, 6, 12] | StrictInt = Field(union_mode="left_to_right")
    name: str | None = None
    monthly_price: int | None = None

    _counts = field_validator("quantity", "months", mode="before")(_not_a_bool)

    @field_validator("months", mode="before")
    @classmethod
    def _months_text(cls, value: Any, info: ValidationInfo) -> Any:
        """Months written as text ("12", from a form) are read as the quantity's are; other text
        is no plan length."""
        if isinstance(value, str) and not answered(info):
            text = value.strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 3):
                raise ValueError(f"a plan lasts 1, 6 or 12 months, not {shown(value)}")
            return int(text)
        return value

    @field_validator("months")
    @classmethod
    def _months(cls, value: int, info: ValidationInfo) -> int:
        if value not in PLAN_MONTHS and not answered(info):
            raise ValueError(f"a plan lasts 1, 6 or 12 months, not {value}")
        return value


class StatusChange(HaulmerModel):
    """One entry of an order's status history: an ``OrderStatus``, or the platform's text when
    it is none of those."""

    status: OrderStatus | str = Field(union_mode="left_to_right")
    at: datetime
    note: str = ""


class TaxDocumentReceiver(HaulmerModel):
    """Who the factura is made out to (optional for a boleta)."""

    rut: SentRut
    razon_social: str | None = None
    giro: str | None = None
    direccion: str | None = None
    comuna: str | None = None
    email: str | None = None


class TaxDocumentChoice(HaulmerModel):
    """The buyer's boleta/factura choice for the purchase: a ``TaxDocumentType``, or the
    platform's text when it is none of those."""

    type: TaxDocumentType | str = Field(union_mode="left_to_right")
    receiver: TaxDocumentReceiver | None = None
    chosen_at: datetime | None = None


class IssuedTaxDocument(HaulmerModel):
    """The boleta (39) or factura (33) Haulmer issued for a purchase."""

    dte_type: int
    folio: int
    total: int
    issued_at: datetime


class Order(HaulmerModel):
    """A purchase with its number, lines, payment, total (CLP) and status history.

    ``status``, ``payment_method`` and ``payment_medium`` are the SDK's enums, or the platform's
    text when it answers a value the SDK does not know yet (the order still reads)."""

    id: str
    number: int
    status: OrderStatus | str = Field(union_mode="left_to_right")
    buyer: Buyer
    products: list[ProductLine] = Field(default_factory=list)
    plans: list[PlanLine] = Field(default_factory=list)
    total: int
    currency: str = "CLP"
    payment_method: PaymentMethod | str | None = Field(default=None, union_mode="left_to_right")
    payment_medium: PaymentMedium | str | None = Field(default=None, union_mode="left_to_right")
    bank_validation_expected_at: datetime | None = None
    paid_at: datetime | None = None
    tax_document: TaxDocumentChoice | None = None
    issued_document: IssuedTaxDocument | None = None
    """The document Haulmer issued once the tax document was chosen."""
    status_history: list[StatusChange] = Field(default_factory=list)
    created_at: datetime

    @property
    def is_paid(self) -> bool:
        """Whether the bank validated the payment (the purchase is effective)."""
        return self.status is OrderStatus.PAID


class CatalogProduct(HaulmerModel):
    """A product on sale."""

    code: str
    name: str
    unit_price: int


class CatalogPlan(HaulmerModel):
    """A plan on sale, priced per month."""

    code: str
    name: str
    monthly_price: int
    durations: list[int]


class CatalogPaymentMethod(HaulmerModel):
    """A payment method and the media it accepts."""

    code: str
    media: list[str]


class Catalog(HaulmerModel):
    """What can be bought and how it can be paid."""

    products: list[CatalogProduct]
    plans: list[CatalogPlan]
    payment_methods: list[CatalogPaymentMethod]


LineT = TypeVar("LineT", ProductLine, PlanLine)
ProductsArg = Mapping[str, int] | Sequence[ProductLine | Mapping[str, Any]]
PlansArg = Sequence[PlanLine | Mapping[str, Any]]
ReceiverArg = TaxDocumentReceiver | Mapping[str, Any]


# ---------------------------------------------------------------------- pure request builders


def catalog_request(**options: Any) -> APIRequest[Catalog]:
    """The request for what is on sale."""
    return APIRequest("GET", "/v1/catalog", "platform", Catalog, auth="none", **options)


_CATALOG_FIELDS = ("name", "unit_price", "monthly_price")
"""What an order line answers from the platform's catalog, which no request sets."""


def _sent_line(model: type[LineT], line: Any, what: str) -> LineT:
    """An order line as sent: a dict naming a price or name is refused, as the platform takes
    them from its catalog and would charge its price unsaid (a line read from an order, a
    model, goes: only its code, quantity and months are sent)."""
    if isinstance(line, Mapping):
        given = [name for name in _CATALOG_FIELDS if name in line and name in model.model_fields]
        if given:
            raise ValidationError(
                f"{what} gives {given[0]}, and {given[0]} is the catalog's: the platform sets it "
                f"(client.checkout.catalog() shows it); leave it out"
            )
    return as_sent_model(model, line, what)


def _refuse_wrong_kind(products: object, plans: object) -> None:
    """Refuse ``products`` or ``plans`` that are no collection of lines (None, a number, text)
    or one line given where a list of them goes: iterated, they fail with a bare TypeError or
    are read key by key."""
    if isinstance(products, Mapping) and "code" in products:
        raise ValidationError(
            "products is one product line: put it in a list, [{'code': ..., 'quantity': ...}], "
            "or map each product code to its quantity ({'pos_device': 2})"
        )
    if isinstance(products, (str, bytes, ProductLine)) or not isinstance(
        products, (Mapping, Iterable)
    ):
        raise ValidationError(
            "products maps a product code to a quantity ({'pos_device': 2}) or lists product "
            f"lines ([{{'code': ..., 'quantity': ...}}]); leave it out for none; got "
            f"{type(products).__name__}"
        )
    if isinstance(plans, (Mapping, PlanLine)):
        raise ValidationError(
            "plans is a list of plan lines, and this is one plan line: put it in a list, "
            "[{'code': ..., 'months': ...}]"
        )
    if isinstance(plans, (str, bytes)) or not isinstance(plans, Iterable):
        raise ValidationError(
            "plans is a list of plan lines ([{'code': 'pyme', 'months': 12}]); leave it out "
            f"for none; got {type(plans).__name__}"
        )


def create_order_request(
    buyer: Buyer | Mapping[str, Any],
    products: ProductsArg,
    plans: PlansArg,
    idempotency_key: str | None,
    **options: Any,
) -> APIRequest[Order]:
    """The request that starts a purchase, its lines checked; keyed against a double order."""
    checked_buyer = as_sent_model(Buyer, buyer, "the buyer")
    _refuse_wrong_kind(products, plans)
    if isinstance(products, Mapping):
        product_lines = [
            as_model(ProductLine, {"code": code, "quantity": quantity}, f"product {shown(code)}")
            for code, quantity in products.items()
        ]
    else:
        product_lines = [_sent_line(ProductLine, line, "a product line") for line in products]
    plan_lines = [_sent_line(PlanLine, line, "a plan line") for line in plans]
    if not product_lines and not plan_lines:
        raise ValidationError("an order needs at least one product or plan")
    for lines in (product_lines, plan_lines):
        bought: dict[str, int] = {}
        for line in lines:
            bought[line.code] = bought.get(line.code, 0) + line.quantity
        over = [code for code, quantity in bought.items() if quantity > MAX_PER_CODE]
        if over:
            raise ValidationError(
                f"an order buys at most {MAX_PER_CODE} of each product or plan; "
                f"{shown(over[0])} has {bought[over[0]]}"
            )
    body = {
        "buyer": contract_fields(checked_buyer),
        "products": [{"code": p.code, "quantity": p.quantity} for p in product_lines],
        "plans": [{"code": p.code, "quantity": p.quantity, "months": p.months} for p in plan_lines],
    }
    return APIRequest(
        "POST",
        "/v1/orders",
        "platform",
        Order,
        json=body,
        auth="none",
        idempotency_key=idempotency_key_or_new(idempotency_key),
        creates="the order",
        **options,
    )


def _order_path(order_id: str, suffix: str = "") -> str:
    return id_path(
        "/v1/orders",
        order_id,
        name="order_id",
        kind="an order's id such as 'ord_...'",
        suffix=suffix,
    )


def retrieve_order_request(order_id: str, **options: Any) -> APIRequest[Order]:
    """The request for one order."""
    return APIRequest("GET", _order_path(order_id), "platform", Order, auth="none", **options)


def payment_method_request(
    order_id: str, method: PaymentMethod | str, **options: Any
) -> APIRequest[Order]:
    """The request choosing an order's payment method."""
    chosen = as_enum(PaymentMethod, method, "payment method")
    path = _order_path(order_id, "/payment-method")
    return APIRequest(
        "POST", path, "platform", Order, json={"method": chosen.value}, auth="none", **options
    )


def payment_medium_request(
    order_id: str, medium: PaymentMedium | str, method: PaymentMethod | str | None, **options: Any
) -> APIRequest[Order]:
    """The request choosing an order's payment medium (checked against ``method``)."""
    chosen = as_enum(PaymentMedium, medium, "payment medium")
    if method is not None:
        paid_by = as_enum(PaymentMethod, method, "payment method")
        allowed = MEDIA_BY_METHOD[paid_by]
        if chosen not in allowed:
            raise ValidationError(
                f"payment method {paid_by.value} does not take {chosen.value}; "
                f"use one of {', '.join(m.value for m in allowed)}"
            )
    path = _order_path(order_id, "/payment-medium")
    return APIRequest(
        "POST", path, "platform", Order, json={"medium": chosen.value}, auth="none", **options
    )


def tax_document_request(
    link: LinkLike, document: TaxDocumentType | str, receiver: ReceiverArg | None, **options: Any
) -> APIRequest[Order]:
    """The request choosing boleta or factura from the e-mail's link (receiver checked)."""
    token = token_from_link(link)
    try:
        kind = TaxDocumentType(document)
    except ValueError:
        raise ValidationError(f"choose 'boleta' or 'factura', not {shown(document)}") from None
    body: dict[str, Any] = {"token": token, "type": kind.value}
    if receiver is not None:
        body["receiver"] = _receiver_wire(
            as_sent_model(TaxDocumentReceiver, receiver, "the receiver")
        )
    if kind is TaxDocumentType.FACTURA:
        missing = [
            name
            for name in ("razon_social", "giro", "direccion", "comuna")
            if not (body.get("receiver") or {}).get(name)
        ]
        if missing:
            raise ValidationError(
                "a factura needs the receiver's rut, razon_social, giro, direccion and comuna; "
                f"missing: {', '.join(missing)}"
            )
        stand_in = stand_in_problem(str(body["receiver"]["rut"]))
        if stand_in is not None:
            raise ValidationError(f"a factura goes to a company, and {stand_in}")
    return APIRequest(
        "POST",
        "/v1/orders/tax-document",
        "platform",
        Order,
        json=body,
        auth="none",
        error_hints=_TAX_DOCUMENT_HINTS,
        **options,
    )


_RECEIVER_TEXTS = ("razon_social", "giro", "direccion", "comuna")


def _receiver_wire(receiver: TaxDocumentReceiver) -> dict[str, Any]:
    """The receiver as the platform takes it: each text given trimmed, not blank and within
    what the factura's Receptor takes (the SII's lengths, ISO-8859-1, one line), the e-mail an
    address; a ValidationError naming every field that is not."""
    wire = contract_fields(receiver)
    problems = []
    for name in _RECEIVER_TEXTS:
        if isinstance(wire.get(name), str):
            wire[name] = wire[name].strip()
            if not wire[name]:
                problems.append(f"{name} is blank (give it, or leave it out of a boleta)")
            else:
                problems += _receptor_problems(wire[name], name)
    if isinstance(wire.get("email"), str):
        wire["email"] = wire["email"].strip()
        if not EMAIL_ADDRESS.fullmatch(wire["email"]):
            problems.append(f"email {shown(wire['email'])} is not an e-mail address")
        else:
            problems += _receptor_problems(wire["email"], "email")
    if problems:
        raise ValidationError("the receiver is not valid: " + "; ".join(problems))
    return wire


def _receptor_problems(value: str, name: str) -> list[str]:
    """What keeps ``value`` out of the factura's Receptor as field ``name`` (empty: nothing)."""
    try:
        receptor_text(value, name, RECEPTOR_ELEMENTS[name])
    except ValueError as error:
        return [str(error).removeprefix("the ")]
    return []


_TAX_DOCUMENT_HINTS = {
    "token_used": (
        "The link was used, so the purchase's tax document is chosen: "
        "client.checkout.retrieve_order(order_id).tax_document says which"
    ),
}
"""The way out of a used "¿Boleta o factura?" link."""


_SETTLED = (OrderStatus.PAID, OrderStatus.PAYMENT_REJECTED)


def _still_waiting(order_id: str, order: Order | None, waited: float) -> str:
    if order is None:
        return (
            f"no answer about order {order_id} after {waited:.0f} s. "
            "Call wait_for_payment() again later."
        )
    still = f"order {order.number} is still '{order.status}' after {waited:.0f} s"
    status = order.status
    missing = _NOT_YET_CHOSEN.get(status) if isinstance(status, OrderStatus) else None
    if missing is not None:
        return (
            f"{still}: no payment {missing} chosen yet, so the bank has nothing to validate. "
            "choose_payment_method() and choose_payment_medium() (or the customer, on Haulmer's "
            "payment page) choose them; then call wait_for_payment() again."
        )
    return (
        f"{still}; the bank has not validated the payment yet. Call wait_for_payment() again later."
    )


_NOT_YET_CHOSEN = {
    OrderStatus.CREATED: "method nor medium was",
    OrderStatus.PAYMENT_METHOD_SELECTED: "medium was",
}
"""What an order that has not reached the bank lacks: its wait cannot end until it is chosen."""


def payment_wait(
    order_id: str, timeout: float, poll_interval: float, options: Mapping[str, Any]
) -> Plan[Order]:
    """Poll the order until the bank settles its payment, riding out transient failures."""
    return poll(
        retrieve_order_request(order_id, **options),
        timeout=timeout,
        poll_interval=poll_interval,
        done=lambda order: order.status in _SETTLED,
        timed_out=lambda order, waited: _still_waiting(order_id, order, waited),
    )
