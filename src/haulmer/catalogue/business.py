"""The models, request builders and plans of ``haulmer.catalogue``, which its faces import."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
)

from haulmer._core.pagination import NumberedPages, by_id
from haulmer._core.request import (
    APIRequest,
    idempotency_key_or_new,
)
from haulmer._enums import StrEnum
from haulmer._lazy import LazyModule
from haulmer._models import HaulmerModel
from haulmer._numbers import own_arithmetic
from haulmer._platform import as_enum, as_model, dte_text, id_path, name_text
from haulmer._shown import shown
from haulmer.errors import ValidationError

if TYPE_CHECKING:
    from haulmer import dte as _dte
else:  # ``_dte.Name`` in an annotation loads haulmer.dte when resolved
    _dte = LazyModule("haulmer.dte")

__all__ = [
    "ADDITIONAL_TAX_CODES",
    "CatalogueDetails",
    "PriceBasis",
    "Product",
    "ProductInput",
    "ProductUpdate",
    "SaleItem",
    "TaxTreatment",
    "prices_for",
    "sale_document",
    "sale_lines",
    "sale_prices",
    "sale_quantity",
    "sale_total",
]

MAX_PER_PAGE = 100
"""The most items one page of a list may hold."""
MAX_SEARCH_LENGTH = 80
"""The longest search of a catalogue's products (trimmed): a name is at most 80 characters."""

_IVA = Decimal("19")
_HUNDRED = Decimal(100)
_PRICE_PLACES = Decimal("0.000001")
"""PrcItem carries up to 6 decimals (the SII's 12.6): a converted price keeps them."""
_QUANTITY_LIMIT = Decimal(10**12)
"""QtyItem has 12 integer digits at most: a quantity stays below this."""
MAX_PRICE = 10**12 - 1
"""The largest price in pesos: PrcItem has 12 integer digits at most, so a dearer product could
never be a DTE line."""
_WIDE = Context(prec=40)
"""Room for a 12.6 number whatever the caller's decimal context."""


def _additional_tax_codes() -> frozenset[str]:
    from haulmer.dte.totals import ADDITIONAL_TAX_RATES

    return frozenset(ADDITIONAL_TAX_RATES)


ADDITIONAL_TAX_CODES: frozenset[str] = _additional_tax_codes()
"""SII codes (CodImpAdic) of the additional taxes a product may carry: 24 licores, 25 vinos,
26 cervezas, 27 bebidas analcohólicas (271 those high in sugar), 23/44/45 Art. 37 goods,
17/18/19 IVA anticipado."""


_ARTICLE_42_CODES = frozenset({"24", "25", "26", "27", "271"})
"""The additional taxes of DL 825 Art. 42 (ILA): each drink is of one kind, so pays one of them."""


class PriceBasis(StrEnum):
    """What a product's price includes: ``net`` nothing; ``gross`` IVA and its additional taxes."""

    NET = "net"
    GROSS = "gross"


class TaxTreatment(StrEnum):
    """IVA on the product: ``afecto`` (19%) or ``exento`` (IndExe 1 on its DTE lines)."""

    AFECTO = "afecto"
    EXENTO = "exento"


_ELEMENTS = {
    "name": "NmbItem",
    "sku": "VlrCodigo",
    "unit": "UnmdItem",
    "description": "DscItem",
}
"""The DTE element each text field of a product becomes."""


def _codes(value: Any) -> Any:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = [value]
    if isinstance(value, (list, tuple)):
        return [str(code).strip() if isinstance(code, (str, int)) else code for code in value]
    return value


class _ProductFields(HaulmerModel):
    """What product input shares: the checks a product's fields must pass. An unknown field is
    refused (a misspelt ``tax`` must not leave a product afecto), and so is a price of ``True``.
    Text must be writable in the DTE the product becomes a line of (ISO-8859-1)."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid")

    @field_validator("name", "sku", "unit", "description", mode="before", check_fields=False)
    @classmethod
    def _trimmed(cls, value: Any, info: ValidationInfo) -> Any:
        """A name, SKU or unit is trimmed before its length is counted (blank is then empty),
        and is one line: no control character nor lone surrogate (a description may wrap).
        Each is text the DTE can write, checked before its length: an accent written apart from
        its letter is named, not counted as a character of its own."""
        if not isinstance(value, str):
            return value
        field = str(info.field_name)
        if field != "description":
            value = name_text(value.strip(), f"product's {field}")
        return dte_text(value, _ELEMENTS[field])

    @field_validator("sku", check_fields=False)
    @classmethod
    def _sku(cls, value: str | None) -> str | None:
        if value is None:
            return value
        value = value.strip()
        if not value or len(value) > 35 or any(c.isspace() for c in value):
            raise ValueError("1 to 35 characters without spaces (it becomes the line's VlrCodigo)")
        return value

    @field_validator("additional_taxes", mode="before", check_fields=False)
    @classmethod
    def _additional(cls, value: Any) -> Any:
        return _codes(value)


class ProductInput(_ProductFields):
    """A new product, checked before it is sent (the DTE's limits: NmbItem 80, UnmdItem 4...)."""

    name: str = Field(min_length=1, max_length=80)
    sku: str
    price: StrictInt = Field(ge=1, le=MAX_PRICE)
    """Whole pesos per unit, on ``price_basis``."""
    price_basis: PriceBasis = PriceBasis.GROSS
    tax: TaxTreatment = TaxTreatment.AFECTO
    additional_taxes: list[str] = Field(default_factory=list, max_length=2)
    unit: str | None = Field(default=None, min_length=1, max_length=4)
    description: str | None = Field(default=None, max_length=1000)
    active: StrictBool = True

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("required, non-empty text")
        return value.strip()

    @field_validator("additional_taxes")
    @classmethod
    def _known_codes(cls, value: list[str]) -> list[str]:
        unknown = [code for code in value if code not in ADDITIONAL_TAX_CODES]
        if unknown:
            known = ", ".join(sorted(ADDITIONAL_TAX_CODES, key=int))
            raise ValueError(f"unknown additional tax code(s) {unknown}; use one of {known}")
        if len(set(value)) != len(value):
            raise ValueError("each additional tax code once")
        drinks = [code for code in value if code in _ARTICLE_42_CODES]
        if len(drinks) > 1:
            raise ValueError(
                f"codes {' and '.join(drinks)} are both Art. 42 taxes on drinks, and a drink pays "
                "one: 24 licores, 25 vinos, 26 cervezas, 27 bebidas analcohólicas or 271 those "
                "high in sugar; keep the one of its kind"
            )
        return value

    def model_post_init(self, context: Any, /) -> None:
        """Refuse additional taxes on an exento product (they tax afecto sales only)."""
        if self.tax is TaxTreatment.EXENTO and self.additional_taxes:
            raise ValidationError(
                "an exento product carries no additional tax: additional taxes apply to the "
                "afecto sale of the goods they tax (make it afecto, or drop additional_taxes)"
            )


class ProductUpdate(_ProductFields):
    """A change to a product: only the fields given change."""

    name: str | None = Field(default=None, min_length=1, max_length=80)
    sku: str | None = None
    price: StrictInt | None = Field(default=None, ge=1, le=MAX_PRICE)
    price_basis: PriceBasis | None = None
    tax: TaxTreatment | None = None
    additional_taxes: list[str] | None = Field(default=None, max_length=2)
    unit: str | None = Field(default=None, min_length=1, max_length=4)
    description: str | None = Field(default=None, max_length=1000)
    active: StrictBool | None = None

    @field_validator(
        "name", "sku", "price", "price_basis", "tax", "additional_taxes", "active", mode="before"
    )
    @classmethod
    def _kept_unless_given(cls, value: Any) -> Any:
        """Only the unit and the description can be cleared: null for a field every product has
        is refused here, as the platform refuses it, instead of being sent."""
        if value is None:
            raise ValueError(
                "every product has one, so it cannot be null: leave it out to keep it as it is "
                "(only unit and description are cleared with None)"
            )
        return value

    @field_validator("additional_taxes")
    @classmethod
    def _known_codes(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else ProductInput._known_codes(value)


class Product(HaulmerModel):
    """A product of a catalogue, as the platform keeps it."""

    id: str
    catalogue_id: str
    name: str
    sku: str
    price: int
    price_basis: PriceBasis | str = Field(union_mode="left_to_right")
    """``net`` or ``gross``; the platform's text for a basis the SDK does not know yet."""
    tax: TaxTreatment | str = Field(union_mode="left_to_right")
    """``afecto`` or ``exento``; the platform's text for a treatment the SDK does not know yet."""
    additional_taxes: list[str] = Field(default_factory=list)
    unit: str | None = None
    description: str | None = None
    active: bool = True
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @field_validator("additional_taxes", mode="before")
    @classmethod
    def _additional(cls, value: Any) -> Any:
        return _codes(value)

    @property
    def is_exento(self) -> bool:
        """Whether IVA does not apply (its DTE lines carry IndExe 1)."""
        return self.tax is TaxTreatment.EXENTO

    def unknown_terms(self) -> list[str]:
        """What of this product the SDK does not know yet (a tax treatment, price basis or
        additional tax code newer than it), said in words: the platform still sells it, but
        its price and DTE line cannot be worked out here. Empty for every product the SDK
        knows."""
        unknown = []
        if not isinstance(self.tax, TaxTreatment):
            unknown.append(f"tax {shown(self.tax)}")
        if not isinstance(self.price_basis, PriceBasis):
            unknown.append(f"price basis {shown(self.price_basis)}")
        codes = [code for code in self.additional_taxes if code not in ADDITIONAL_TAX_CODES]
        if codes:
            unknown.append(f"additional tax code(s) {', '.join(codes)}")
        return unknown

    def _refuse_unknown_terms(self) -> None:
        unknown = self.unknown_terms()
        if unknown:
            raise ValidationError(
                f"{shown(self.name)} ({self.sku}) has {' and '.join(unknown)}, which this version "
                "of haulmer does not know, so its price and DTE line cannot be worked out here: "
                "upgrade haulmer, or sell it by its id (the platform prices it)"
            )

    def tax_rate(self) -> Decimal:
        """The percent added to the net price for the gross one: IVA plus additional taxes."""
        from haulmer.dte.totals import ADDITIONAL_TAX_RATES

        self._refuse_unknown_terms()
        if self.is_exento:
            return Decimal(0)
        return _IVA + sum((ADDITIONAL_TAX_RATES[c] for c in self.additional_taxes), Decimal(0))

    @own_arithmetic
    def unit_price(self, basis: PriceBasis | str) -> Decimal:
        """The unit price on ``basis``: converted with IVA and additional taxes when it differs."""
        wanted = as_enum(PriceBasis, basis, "price basis")
        self._refuse_unknown_terms()
        price = Decimal(self.price)
        if self.is_exento or wanted is self.price_basis:
            return price
        factor = (_HUNDRED + self.tax_rate()) / _HUNDRED
        if wanted is PriceBasis.NET:
            return (price / factor).quantize(_PRICE_PLACES, rounding=ROUND_HALF_UP)
        return (price * factor).quantize(_PRICE_PLACES, rounding=ROUND_HALF_UP)

    @own_arithmetic
    def dte_line(
        self, quantity: Decimal | int | str = 1, *, prices: PriceBasis | str
    ) -> dict[str, Any]:
        """This product as a line of ``haulmer.dte`` builders (``lines=[...]``).

        ``prices="gross"`` for a boleta's lines (IVA and additional taxes inside the price; a
        boleta carries no CodImpAdic); ``"net"`` for a factura's (with CodImpAdic). An exento
        product gets IndExe 1 and its price as is.
        """
        wanted = as_enum(PriceBasis, prices, "price basis")
        amount = _quantity(quantity, self.name)
        line: dict[str, Any] = {
            "nombre": self.name,
            "cantidad": amount,
            "precio": self.unit_price(wanted),
            "CdgItem": [{"TpoCodigo": "INT1", "VlrCodigo": self.sku}],
        }
        if self.unit:
            line["unidad"] = self.unit
        if self.description:
            line["descripcion"] = self.description[:1000]
        if self.is_exento:
            line["IndExe"] = 1
        elif self.additional_taxes and wanted is PriceBasis.NET:
            line["CodImpAdic"] = list(self.additional_taxes)
        return line


_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""A number as text: ASCII digits, a decimal point, an exponent (``str()`` of a float may have
one); not the ``1_000`` or the other scripts' digits that ``Decimal()`` also reads."""


def sale_quantity(value: Any) -> Decimal:
    """``value`` as the quantity of a DTE line (QtyItem, the SII's 12.6: above 0, below 10^12,
    at most 6 decimals); ``ValidationError`` (a ``ValueError``) saying what is wrong, the value
    quoted. Text is a plain number: ``"1_5"`` is refused, not read as 15."""
    amount: Decimal | None = None
    if isinstance(value, Decimal):
        amount = value
    elif not isinstance(value, bool):
        text = str(value).strip()
        amount = Decimal(text) if _NUMBER.fullmatch(text) else None
    if amount is None or not amount.is_finite() or amount <= 0:
        raise ValidationError(f"must be a number above 0, got {shown(value)}")
    if amount >= _QUANTITY_LIMIT:
        raise ValidationError(
            f"must be below 1000000000000 (the SII's QtyItem has 12 integer digits), "
            f"got {shown(value)}"
        )
    if amount != amount.quantize(_PRICE_PLACES, context=_WIDE):
        raise ValidationError(f"has more than 6 decimals: {shown(value)}")
    return amount


def _quantity(value: Any, name: str) -> Decimal:
    try:
        return sale_quantity(value)
    except ValueError as error:
        raise ValidationError(f"the quantity of {shown(name)} {error}") from None


class SaleItem(HaulmerModel):
    """A product sold and how many of it."""

    product: Product
    quantity: Decimal = Field(default=Decimal(1), gt=0)

    @field_validator("quantity", mode="before")
    @classmethod
    def _plain_number(cls, value: Any) -> Any:
        """Text is a plain number, as :func:`sale_quantity` reads it: never ``"1_5"`` as 15."""
        if isinstance(value, str) and not _NUMBER.fullmatch(value.strip()):
            raise ValueError(f"must be a number above 0, got {shown(value)}")
        return value


SaleItemInput = SaleItem | tuple[Product, Decimal | int | str] | Mapping[str, Any]


def is_one_pair(items: object) -> bool:
    """Whether ``items`` is one ``(product, quantity)`` pair given where a list of them goes
    (a product, or its id, then something that is no product nor item)."""
    if not (isinstance(items, tuple) and len(items) == 2):
        return False
    first, second = items
    return isinstance(first, (Product, str)) and not isinstance(
        second, (Product, SaleItem, tuple, Mapping)
    )


def _sale_items(items: Iterable[SaleItemInput]) -> list[SaleItem]:
    if isinstance(items, (Mapping, SaleItem)):
        raise ValidationError(
            "items is a list of sale items, and this is one sale item: put it in a list"
        )
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise ValidationError(
            "items is a list of sale items ((product, quantity) pairs, SaleItems or dicts), "
            f"got {type(items).__name__}"
        )
    if is_one_pair(items):
        raise ValidationError(
            "items is a list of sale items, and this is one (product, quantity) pair: put it "
            "in a list, [(product, quantity)]"
        )
    result = []
    for index, item in enumerate(items):
        if isinstance(item, Product):
            raise ValidationError(
                f"sale item {index + 1} is a product without its quantity: give (product, "
                "quantity), even for 1"
            )
        if isinstance(item, tuple):
            if len(item) != 2:
                values = f"{len(item)} value{'' if len(item) == 1 else 's'}"
                raise ValidationError(
                    f"sale item {index + 1} is a (product, quantity) pair, got {values}"
                )
            product, quantity = item
            item = {"product": product, "quantity": quantity}
        sale_item = as_model(SaleItem, item, f"sale item {index + 1}")
        _quantity(sale_item.quantity, sale_item.product.name)
        sale_item.product._refuse_unknown_terms()
        if not sale_item.product.active:
            raise ValidationError(
                f"{shown(sale_item.product.name)} ({sale_item.product.sku}) is deactivated: "
                "activate it again before selling it"
            )
        result.append(sale_item)
    if not result:
        raise ValidationError("a sale needs at least one product")
    return result


def _dte_type(tipo_dte: Any) -> int:
    """``tipo_dte`` as a DTE type code (``33``, ``"33"``, ``DTEType.FACTURA``); a DocumentError
    for anything else (``True``, ``None``, 99)."""
    from haulmer.dte.catalogue import DTEType

    return int(DTEType.parse(tipo_dte))


def _sale_type(tipo_dte: Any) -> int:
    """``tipo_dte`` as the boleta (39) or factura (33) a sale of catalogue products makes, read as
    :func:`_dte_type` reads it; a ValidationError for another type."""
    tipo = _dte_type(tipo_dte)
    if tipo not in (33, 39):
        raise ValidationError(
            f"a sale of catalogue products is a boleta (39) or factura (33), not {shown(tipo_dte)}"
        )
    return tipo


def prices_for(tipo_dte: int) -> PriceBasis:
    """The price basis of a document type's lines: gross on boletas (39, 41), net elsewhere."""
    return PriceBasis.GROSS if _dte_type(tipo_dte) in (39, 41) else PriceBasis.NET


@own_arithmetic
def sale_lines(items: Iterable[SaleItemInput], *, prices: PriceBasis | str) -> list[dict[str, Any]]:
    """The DTE lines of a sale: ``(product, quantity)`` pairs, SaleItems or dicts, in order."""
    return [item.product.dte_line(item.quantity, prices=prices) for item in _sale_items(items)]


def sale_prices(tipo_dte: int, items: Iterable[SaleItemInput]) -> PriceBasis:
    """The price basis of a sale's lines on a boleta (39) or factura (33), chosen so both come
    to the same amount: net when every afecto product is priced net (the boleta then says
    IndMntNeto 2), gross otherwise (the factura then says MntBruto 1). Products with additional
    taxes keep a factura net (CodImpAdic needs net prices) and a boleta gross (it has none).
    Other types take :func:`prices_for`."""
    tipo = _dte_type(tipo_dte)
    if tipo not in (33, 39):
        return prices_for(tipo)
    afecto = [item.product for item in _sale_items(items) if not item.product.is_exento]
    if not afecto:
        return prices_for(tipo)
    if any(product.additional_taxes for product in afecto):
        return prices_for(tipo)
    if all(product.price_basis is PriceBasis.NET for product in afecto):
        return PriceBasis.NET
    return PriceBasis.GROSS


@own_arithmetic
def sale_total(tipo_dte: int, items: Iterable[SaleItemInput]) -> int:
    """What a boleta (39) or factura (33) of these products comes to (its MntTotal, pesos), as
    :func:`sale_document` makes it: the total a point's sale charges for them, which a card or
    a transfer pays exactly. A boleta and a factura of the same products come to the same total
    unless a product carries additional taxes (see :func:`sale_prices`)."""
    from haulmer import dte

    tipo = _sale_type(tipo_dte)
    checked = _sale_items(items)
    prices = sale_prices(tipo, checked)
    lines = [
        dte.Detalle.model_validate(item.product.dte_line(item.quantity, prices=prices))
        for item in checked
    ]
    gross = prices is PriceBasis.GROSS
    return int(dte.compute_totals(tipo, lines, montos_brutos=gross).mnt_total)


@own_arithmetic
def sale_document(
    tipo_dte: int,
    *,
    emisor: _dte.Emisor | Mapping[str, Any],
    items: Iterable[SaleItemInput],
    receptor: _dte.Receptor | Mapping[str, Any] | None = None,
    fecha: date | None = None,
    medio_pago: int | str | None = None,
) -> _dte.Document:
    """A boleta (39) or factura (33) of catalogue products, complete and checked, in one call.

    Both carry the same lines on the basis :func:`sale_prices` chooses, so they come to the same
    total: gross prices (the factura marked MntBruto 1) unless every afecto product is priced
    net (the boleta marked IndMntNeto 2). Products with additional taxes make the factura net
    with each product's CodImpAdic (its Totales carry IVA and ImptoReten) and leave the taxes
    inside the boleta's gross prices (a boleta has no CodImpAdic). A factura needs the receptor.
    """
    from haulmer import dte

    tipo_dte = _sale_type(tipo_dte)
    products = _sale_items(items)
    if tipo_dte == 39:
        prices = sale_prices(39, products)
        return dte.boleta(
            emisor=emisor,
            lines=sale_lines(products, prices=prices),
            receptor=receptor,
            fecha=fecha,
            medio_pago=medio_pago,
            montos_netos=prices is PriceBasis.NET,
        )
    if receptor is None:
        raise ValidationError("a factura needs its receptor: RUT, razón social, giro, address")
    prices = sale_prices(33, products)
    return dte.factura(
        emisor=emisor,
        receptor=receptor,
        lines=sale_lines(products, prices=prices),
        fecha=fecha,
        montos_brutos=prices is PriceBasis.GROSS,
    )


class CatalogueDetails(HaulmerModel):
    """An organization's catalogue (one per organization)."""

    id: str
    organization_id: str
    workspace_id: str
    name: str
    product_count: int = 0


class _CatalogueList(HaulmerModel):
    data: list[CatalogueDetails]


# ---------------------------------------------------------------------- requests


def _catalogue_path(catalogue_id: str, suffix: str = "") -> str:
    return id_path(
        "/v1/catalogues",
        catalogue_id,
        name="catalogue_id",
        kind="a catalogue's id ('cat_...')",
        suffix=suffix,
    )


def _product_path(catalogue_id: str, product_id: str, suffix: str = "") -> str:
    inner = id_path(
        "/products", product_id, name="product_id", kind="a product's id ('prd_...')", suffix=suffix
    )
    return _catalogue_path(catalogue_id, inner)


def _page_size(per_page: int) -> int:
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= 100:
        raise ValidationError(f"per_page must be a whole number from 1 to {MAX_PER_PAGE}")
    return per_page


def list_catalogues_request(**options: Any) -> APIRequest[_CatalogueList]:
    """The request for the catalogues of the account's organizations."""
    return APIRequest("GET", "/v1/catalogues", "platform", _CatalogueList, auth="bearer", **options)


def create_product_request(
    catalogue_id: str, product: ProductInput | Mapping[str, Any], key: str | None, **options: Any
) -> APIRequest[Product]:
    """The request adding a product (checked here), keyed."""
    checked = as_model(ProductInput, product, "the product")
    return APIRequest(
        "POST",
        _catalogue_path(catalogue_id, "/products"),
        "platform",
        Product,
        json=checked.model_dump(mode="json", exclude_none=True),
        auth="bearer",
        idempotency_key=idempotency_key_or_new(key),
        creates="the product",
        **options,
    )


def update_product_request(
    catalogue_id: str, product_id: str, changes: ProductUpdate | Mapping[str, Any], **options: Any
) -> APIRequest[Product]:
    """The request changing some fields of a product (checked here)."""
    checked = as_model(ProductUpdate, changes, "the change")
    body = checked.model_dump(mode="json", exclude_unset=True)
    if not body:
        raise ValidationError("say what to change: name, sku, price, tax, active...")
    if body.get("tax") == "exento" and body.get("additional_taxes"):
        raise ValidationError("an exento product carries no additional tax")
    return APIRequest(
        "PATCH",
        _product_path(catalogue_id, product_id),
        "platform",
        Product,
        json=body,
        auth="bearer",
        safe=True,  # the same change twice leaves the same state: retried like a read
        **options,
    )


def retrieve_product_request(
    catalogue_id: str, product_id: str, **options: Any
) -> APIRequest[Product]:
    """The request for one product."""
    return APIRequest(
        "GET",
        _product_path(catalogue_id, product_id),
        "platform",
        Product,
        auth="bearer",
        **options,
    )


def deactivate_product_request(
    catalogue_id: str, product_id: str, **options: Any
) -> APIRequest[Product]:
    """The request taking a product off sale."""
    return APIRequest(
        "POST",
        _product_path(catalogue_id, product_id, "/deactivate"),
        "platform",
        Product,
        auth="bearer",
        safe=True,
        **options,
    )


def list_products_request(
    catalogue_id: str,
    search: str | None,
    active: bool | None,
    tax: TaxTreatment | str | None,
    per_page: int,
    **options: Any,
) -> APIRequest[Product]:
    """The request for the first page of a catalogue's products (filters checked here)."""
    params: dict[str, Any] = {"page": 1, "per_page": _page_size(per_page)}
    if search is not None:
        if not isinstance(search, str) or len(search.strip()) > MAX_SEARCH_LENGTH:
            raise ValidationError(
                f"search is text of up to {MAX_SEARCH_LENGTH} characters (name, SKU, description)"
            )
        try:
            search.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValidationError(
                f"search holds a lone surrogate (U+{ord(search[error.start]):04X}), which no URL "
                "can carry: the text was decoded with the wrong encoding; decode the bytes with "
                "their real one"
            ) from None
        if search.strip():
            params["q"] = search.strip()
    if active is not None:
        if not isinstance(active, bool):
            raise ValidationError("active is True, False or None (both)")
        params["active"] = "true" if active else "false"
    if tax is not None:
        params["tax"] = as_enum(TaxTreatment, tax, "tax treatment").value
    return APIRequest(
        "GET",
        _catalogue_path(catalogue_id, "/products"),
        "platform",
        Product,
        params=params,
        auth="bearer",
        pagination=NumberedPages(field="page", location="params", key=by_id),
        **options,
    )
