"""The models, request builders and plans of ``haulmer.point``, which its faces import."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Context, Decimal
from typing import Any, ClassVar

from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from haulmer._core.request import (
    APIRequest,
    idempotency_key_or_new,
)
from haulmer._core.types import NotGiven
from haulmer._enums import StrEnum
from haulmer._models import HaulmerModel
from haulmer._numbers import own_arithmetic
from haulmer._platform import RECEPTOR_ELEMENTS as PLATFORM_RECEPTOR
from haulmer._platform import (
    SentRut,
    as_enum,
    as_model,
    dte_text,
    id_path,
    is_id,
    name_text,
    receptor_limits,
)
from haulmer._shown import shown
from haulmer.catalogue.business import (
    PriceBasis,
    Product,
    is_one_pair,
    sale_quantity,
    sale_total,
)
from haulmer.dte.catalogue import DTEType
from haulmer.errors import DocumentError, ValidationError
from haulmer.rut import Rut, stand_in_problem

__all__ = [
    "MAX_AMOUNT",
    "Paper",
    "PointDocument",
    "PointOfSale",
    "Sale",
    "SaleDocument",
    "SaleLine",
    "SalePayment",
    "SalePaymentMethod",
    "SaleReceptor",
    "SaleReceptorDetails",
    "cash_due",
]


MAX_AMOUNT = 10**18 - 1
"""The most pesos a sale's payment takes: the SII writes every amount (MntTotal, a payment's
MntPago) in 18 digits at most, and more cash than that pays no sale."""

_WIDE = Context(prec=40)
"""Room for a quantity's 12.6 digits whatever the caller's decimal context."""


class PointDocument(StrEnum):
    """The document a sale issues: boleta 39 (the default) or factura 33 (needs a receptor)."""

    BOLETA = "boleta"
    FACTURA = "factura"


class Paper(StrEnum):
    """What a point prints on: an 80 mm roll or letter size."""

    ROLL_80MM = "80mm"
    LETTER = "letter"


class SalePaymentMethod(StrEnum):
    """How the customer pays at the point."""

    CASH = "cash"
    DEBIT_CARD = "debit_card"
    CREDIT_CARD = "credit_card"
    TRANSFER = "transfer"


class PointOfSale(HaulmerModel):
    """A point of sale: its name, sucursal, default document, paper and catalogue (the document
    and paper as the platform's text when the SDK does not know them yet)."""

    id: str
    workspace_id: str
    name: str
    sucursal: str | None = None
    default_document: PointDocument | str = Field(
        default=PointDocument.BOLETA, union_mode="left_to_right"
    )
    paper: Paper | str = Field(default=Paper.ROLL_80MM, union_mode="left_to_right")
    catalogue_id: str | None = None
    created_at: datetime


RECEPTOR_ELEMENTS = {
    name: element for name, element in PLATFORM_RECEPTOR.items() if name != "email"
}
"""The DTE element of each text field of a sale's receptor."""

RECEPTOR_LIMITS = {name: receptor_limits()[element] for name, element in RECEPTOR_ELEMENTS.items()}
"""The most characters the SII takes in each text field of a receptor (its schema's)."""


class SaleReceptor(HaulmerModel):
    """Who a factura is made out to (a boleta may name a RUT, or no one); no other field."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    rut: SentRut
    razon_social: str | None = Field(default=None, max_length=RECEPTOR_LIMITS["razon_social"])
    giro: str | None = Field(default=None, max_length=RECEPTOR_LIMITS["giro"])
    direccion: str | None = Field(default=None, max_length=RECEPTOR_LIMITS["direccion"])
    comuna: str | None = Field(default=None, max_length=RECEPTOR_LIMITS["comuna"])

    @field_validator("razon_social", "giro", "direccion", "comuna", mode="before")
    @classmethod
    def _trimmed(cls, value: Any, info: ValidationInfo) -> Any:
        """Text is trimmed (as the platform trims it) before its length is counted; one line,
        without control characters or lone surrogates, as the platform's other names; text the
        DTE can write, checked before its length (a decomposed accent is named, not counted)."""
        if not isinstance(value, str):
            return value  # the field's type says what is wrong
        field = str(info.field_name)
        return dte_text(name_text(value.strip(), f"receptor's {field}"), RECEPTOR_ELEMENTS[field])

    @field_validator("razon_social", "giro", "direccion", "comuna")
    @classmethod
    def _writable(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value == "":
            raise ValueError("required, non-empty text (or leave it out)")
        return dte_text(value, RECEPTOR_ELEMENTS[str(info.field_name)])


class SaleReceptorDetails(HaulmerModel):
    """Who a sale's document names, as the platform answers it: read leniently (a field the SDK
    does not know yet is kept), for a sale already made must never fail to read."""

    rut: Rut
    razon_social: str | None = None
    giro: str | None = None
    direccion: str | None = None
    comuna: str | None = None


class SaleLine(HaulmerModel):
    """A product sold: which one and how many."""

    product_id: str
    sku: str = ""
    name: str = ""
    quantity: Decimal


def cash_due(total: int) -> int:
    """What a sale of ``total`` pesos is paid in cash: the total rounded to the 10 pesos, $1 to
    $5 down and $6 to $9 up (Ley 20.956 art. 13, since November 2017); the document keeps its
    exact total, and cards and transfers pay it as is."""
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError(f"cash_due takes a total in whole pesos (int), got {type(total).__name__}")
    if total < 0:
        raise ValidationError(
            f"cash_due takes a sale's total, 0 pesos or more, got {total}: no sale comes to less"
        )
    units = total % 10
    return total - units if units <= 5 else total + 10 - units


class SalePayment(HaulmerModel):
    """How the sale was paid: method (the platform's text for one the SDK does not know yet),
    amount received, the cash rounding and change given."""

    method: SalePaymentMethod | str = Field(union_mode="left_to_right")
    amount: int
    change: int = 0
    rounding: int = 0
    """Pesos the cash rounding (:func:`cash_due`) added to (+) or took off (-) the total."""


class SaleDocument(HaulmerModel):
    """The DTE the sale issued through OpenFactura: type, folio, token, its Totales."""

    type: int
    folio: int
    token: str
    issuer_rut: Rut
    totals: dict[str, int] = Field(default_factory=dict)


class Sale(HaulmerModel):
    """A sale made at a point and the document it issued."""

    id: str
    point_id: str
    items: list[SaleLine]
    payment: SalePayment
    document: SaleDocument
    receptor: SaleReceptorDetails | None = None
    total: int
    created_at: datetime

    @property
    def folio(self) -> int:
        """The folio of the sale's document."""
        return self.document.folio

    @property
    def amount_due(self) -> int:
        """What the customer paid for the sale: the total, rounded to the 10 pesos in cash."""
        return self.total + self.payment.rounding


class _PointList(HaulmerModel):
    data: list[PointOfSale]


SaleItemArg = tuple[Product | str, Decimal | int | str] | Mapping[str, Any]
"""A sold item: ``(product or product_id, quantity)`` or ``{"product_id", "quantity"}``."""


def _point_path(point_id: str, suffix: str = "") -> str:
    return id_path(
        "/v1/points", point_id, name="point_id", kind="a point's id ('pos_...')", suffix=suffix
    )


def _quantity(value: Any, where: str) -> str:
    try:
        amount = sale_quantity(value)
    except ValueError as error:
        raise ValidationError(f"{where}: the quantity {error}") from None
    return format(amount.normalize(_WIDE), "f")


_SALE_ITEM_FIELDS = ("product_id", "quantity")
"""The fields of a sold item given as a mapping: any other would be left out of the sale."""


def _items(items: Iterable[SaleItemArg]) -> list[dict[str, str]]:
    wire: list[dict[str, str]] = []
    for index, item in enumerate(items):
        where = f"item {index + 1}"
        if isinstance(item, Mapping):
            unknown = [key for key in item if key not in _SALE_ITEM_FIELDS]
            if unknown:
                raise ValidationError(
                    f"{where}: {', '.join(shown(key) for key in unknown)} is not a field of a "
                    "sold item, whose fields are product_id and quantity (1 when left out)"
                )
            product, quantity = item.get("product_id"), item.get("quantity", 1)
        elif isinstance(item, tuple) and len(item) == 2:
            product, quantity = item
        elif isinstance(item, (Product, str)):
            raise ValidationError(
                f"{where} is a product without its quantity: give (product, quantity), even "
                "for 1, or {'product_id': ..., 'quantity': ...}"
            )
        else:
            raise ValidationError(
                f"{where}: give (product, quantity) or {{'product_id': ..., 'quantity': ...}}"
            )
        if isinstance(product, Product):
            if not product.active:
                raise ValidationError(
                    f"{where}: {shown(product.name)} ({product.sku}) was deactivated when this "
                    "Product was fetched, and is not for sale: retrieve it again if it has been "
                    "activated since, or sell it by its id"
                )
            product = product.id
        if not is_id(product):
            raise ValidationError(
                f"{where}: the product is a Product or its id ('prd_...'), got {shown(product)}"
            )
        wire.append({"product_id": product, "quantity": _quantity(quantity, where)})
    if not wire:
        raise ValidationError("a sale needs at least one item")
    return wire


def _pesos(amount: int) -> str:
    return f"${amount:,}".replace(",", ".")


_TYPES = {PointDocument.BOLETA: 39, PointDocument.FACTURA: 33}


def _priced_items(items: list[SaleItemArg]) -> list[tuple[Product, Any]] | None:
    """The items as ``(Product, quantity)`` when every one is a Product whose price is known
    here; None when one is an id, or a product with terms the SDK does not know yet
    (``Product.unknown_terms``), or one product given twice with different prices (one of the
    two is out of date): then only the platform knows its price."""
    products: list[tuple[Product, Any]] = []
    terms: dict[str, tuple[Any, ...]] = {}
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], Product)):
            return None
        product = item[0]
        if product.unknown_terms():
            return None
        priced = (product.price, product.price_basis, product.tax, product.additional_taxes)
        if terms.setdefault(product.id, priced) != priced:
            return None
        products.append((product, item[1]))
    return products


def _document_total(tipo: int, products: list[tuple[Product, Any]]) -> int | None:
    """What the sale's document of type ``tipo`` comes to; None when its amounts pass the SII's
    18 digits, so that its net or IVA, larger than its total's share, cannot be written either
    and no document can be made."""
    try:
        return sale_total(tipo, products)
    except DocumentError:
        gross = sum(
            (sale_quantity(quantity) * product.unit_price(PriceBasis.GROSS))
            for product, quantity in products
        )
        if gross <= MAX_AMOUNT:
            raise
        return None


def _refuse_free_sale(products: list[tuple[Product, Any]], kind: PointDocument | None) -> None:
    """Refuse a sale that comes to $0 (quantities so small that every line rounds to no peso),
    as the platform would: its document would spend a folio and charge nothing; and one whose
    total no document can carry (more than 18 digits, the SII's), which no amount could pay."""
    kinds = [kind] if kind is not None else list(_TYPES)
    known = [_document_total(_TYPES[k], products) for k in kinds]
    totals = [total for total in known if total is not None]
    if all(total is None or total > MAX_AMOUNT for total in known):
        comes_to = f"comes to {_pesos(min(totals))}, " if len(totals) == len(known) else "is "
        raise ValidationError(
            f"the sale {comes_to}more than any document carries: the SII writes a total in 18 "
            f"digits, at most {_pesos(MAX_AMOUNT)}; check the quantities, or split the sale"
        )
    if any(totals):
        return
    names = ", ".join(f"{shown(product.name)} x {quantity}" for product, quantity in products)
    raise ValidationError(
        f"the sale comes to $0 ({names}: each line rounds to less than a peso), and its "
        "document would spend a folio on nothing: check the quantities"
    )


_PRICED_HERE = (
    "the total is worked out from the prices of the Products given, so retrieve a product "
    "again if its price may have changed since it was fetched"
)
"""Where a refused amount's total comes from: a Product fetched before its price changed
gives yesterday's total."""


def _check_amount(
    products: list[tuple[Product, Any]],
    method: SalePaymentMethod,
    amount: int,
    kind: PointDocument | None,
) -> None:
    """Refuse an ``amount`` that cannot pay the sale, as the platform would: a card or a transfer
    pays the total exactly, cash at least the total rounded to the 10 pesos (:func:`cash_due`).
    Checked when every item is a Product (its price is known here) and the document is known,
    or both documents' totals agree on it; else the platform alone knows the total."""
    kinds = [kind] if kind is not None else list(_TYPES)
    cash = method is SalePaymentMethod.CASH
    totals = {k: sale_total(_TYPES[k], products) for k in kinds}
    dues = {k: cash_due(total) if cash else total for k, total in totals.items()}
    if cash:
        short = all(amount < due for due in dues.values())
    else:
        short = all(amount != due for due in dues.values())
    if not short:
        return
    if len(set(dues.values())) == 1:
        total = _pesos(next(iter(totals.values())))
        due = _pesos(next(iter(dues.values())))
    else:  # the point's default document decides which
        total = " or ".join(f"{_pesos(value)} as a {k.value}" for k, value in totals.items())
        due = " or ".join(f"{_pesos(value)} as a {k.value}" for k, value in dues.items())
    if cash:
        rounded = "" if due == total else f" ({total} rounded to the 10 pesos, Ley 20.956)"
        raise ValidationError(
            f"amount {_pesos(amount)} does not cover the sale's total in cash, {due}{rounded}: "
            f"cash pays at least that (the change is computed); {_PRICED_HERE}"
        )
    raise ValidationError(
        f"a {method.value} payment is exactly the sale's total, {total}, not {_pesos(amount)}: "
        f"only cash may exceed it (and get change); leave amount out to pay the total; "
        f"{_PRICED_HERE}"
    )


def _refuse_too_many_lines(count: int, kind: PointDocument | None) -> None:
    """Each item is a line of the sale's DTE: a factura holds at most 60, a boleta 1,000 (the
    SII's schemas); without a document named, the point's own decides, and 1,000 bounds both."""
    tipo = DTEType.FACTURA if kind is PointDocument.FACTURA else DTEType.BOLETA
    if count > tipo.max_lines:
        document = "a factura" if kind is PointDocument.FACTURA else "a boleta"
        raise ValidationError(
            f"the sale has {count} items, and each is a line of its DTE: {document} holds at "
            f"most {tipo.max_lines} lines; sell the same product once with its whole quantity, "
            "or split the sale"
        )


@own_arithmetic
def sale_request(
    point_id: str,
    items: Iterable[SaleItemArg],
    payment: SalePaymentMethod | str,
    amount: int | None,
    document: PointDocument | str | None,
    receptor: SaleReceptor | SaleReceptorDetails | Mapping[str, Any] | None,
    key: str | None,
    **options: Any,
) -> APIRequest[Sale]:
    """The request for a sale at a point (items, payment and document checked here), keyed."""
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise ValidationError(
            "items is a list of sold items, (product, quantity) pairs or {'product_id': ..., "
            f"'quantity': ...}} dicts, even of one item; got {type(items).__name__}"
        )
    if is_one_pair(items):
        raise ValidationError(
            "items is a list of sold items, and this is one (product, quantity) pair: put it "
            "in a list, [(product, quantity)]"
        )
    items = list(items)
    body: dict[str, Any] = {"items": _items(items)}
    method = as_enum(SalePaymentMethod, payment, "payment method")
    pay: dict[str, Any] = {"method": method.value}
    kind = None if document is None else as_enum(PointDocument, document, "document")
    _refuse_too_many_lines(len(items), kind)
    priced = _priced_items(items)
    if priced is not None:
        _refuse_free_sale(priced, kind)
    if amount is not None:
        cash = method is SalePaymentMethod.CASH
        least = 0 if cash else 1  # cash pays a total of $1 to $5 with nothing (cash_due)
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < least:
            raise ValidationError(
                f"amount is whole pesos received, {least} or more"
                + (" (0 pays in cash a total of $1 to $5, rounded down)" if cash else "")
            )
        if amount > MAX_AMOUNT:
            raise ValidationError(
                f"amount {shown(amount)} is more than any sale takes: the SII's amounts have 18 "
                f"digits, at most {_pesos(MAX_AMOUNT)}; give the pesos received"
            )
        if priced is not None:
            _check_amount(priced, method, amount, kind)
        pay["amount"] = amount
    body["payment"] = pay
    if kind is not None:
        body["document"] = kind.value
    if isinstance(receptor, SaleReceptorDetails):  # a past sale's, to sell to them again
        receptor = receptor.model_dump(include=set(SaleReceptor.model_fields), exclude_none=True)
    if receptor is not None:
        checked = as_model(SaleReceptor, receptor, "the receptor")
        body["receptor"] = checked.model_dump(mode="json", exclude_none=True)
    if kind is PointDocument.FACTURA:
        data = body.get("receptor") or {}
        missing = [n for n in ("razon_social", "giro", "direccion", "comuna") if not data.get(n)]
        if receptor is None or missing:
            raise ValidationError(
                "a factura needs its receptor's RUT, razón social, giro, dirección and comuna"
                + (f" (missing: {', '.join(missing)})" if receptor is not None else "")
            )
        stand_in = stand_in_problem(data["rut"])
        if stand_in is not None:
            raise ValidationError(f"a factura goes to a company, and {stand_in}")
    return APIRequest(
        "POST",
        _point_path(point_id, "/sales"),
        "platform",
        Sale,
        json=body,
        auth="bearer",
        idempotency_key=idempotency_key_or_new(key),
        creates="the sale and its document",
        **options,
    )


def _one_line(value: str, what: str) -> str:
    try:
        return name_text(value, what)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def configure_point_request(
    point_id: str, settings: dict[str, Any], **options: Any
) -> APIRequest[PointOfSale]:
    """The request changing the settings given (checked here)."""
    body: dict[str, Any] = {}
    for name, value in settings.items():
        if isinstance(value, NotGiven):
            continue
        if name == "name":
            if not isinstance(value, str) or not value.strip() or len(value.strip()) > 60:
                raise ValidationError("the point's name is text of 1 to 60 characters")
            value = _one_line(value.strip(), "point's name")
        elif name == "sucursal":
            if value is not None and (
                not isinstance(value, str) or not value.strip() or len(value.strip()) > 80
            ):
                raise ValidationError("the sucursal is the branch's name (up to 80) or None")
            value = _one_line(value.strip(), "sucursal") if isinstance(value, str) else None
        elif name == "default_document":
            value = as_enum(PointDocument, value, "default document").value
        elif name == "paper":
            value = as_enum(Paper, value, "paper").value
        elif name == "catalogue_id" and value is not None and not is_id(value):
            raise ValidationError(
                "catalogue_id is a catalogue's id ('cat_...', in client.catalogue."
                f"list_catalogues()), or None to detach the point's catalogue, got {shown(value)}"
            )
        body[name] = value
    if not body:
        raise ValidationError("say what to change: name, sucursal, default_document, paper...")
    return APIRequest(
        "PATCH",
        _point_path(point_id),
        "platform",
        PointOfSale,
        json=body,
        auth="bearer",
        safe=True,  # the same change twice leaves the same state: retried like a read
        **options,
    )


def list_points_request(**options: Any) -> APIRequest[_PointList]:
    """The request for the account's points of sale."""
    return APIRequest("GET", "/v1/points", "platform", _PointList, auth="bearer", **options)


def retrieve_point_request(point_id: str, **options: Any) -> APIRequest[PointOfSale]:
    """The request for one point of sale."""
    return APIRequest(
        "GET", _point_path(point_id), "platform", PointOfSale, auth="bearer", **options
    )


def retrieve_sale_request(point_id: str, sale_id: str, **options: Any) -> APIRequest[Sale]:
    """The request for one sale."""
    suffix = id_path("/sales", sale_id, name="sale_id", kind="a sale's id ('sal_...')")
    return APIRequest(
        "GET", _point_path(point_id, suffix), "platform", Sale, auth="bearer", **options
    )
