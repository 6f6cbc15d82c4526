"""Point on the fake platform: the points of sale bought at checkout, their settings, their sales.

A workspace gets one point per ``pos_device`` its order bought. A sale takes products of the
point's catalogue and issues its boleta (39) or factura (33) through the fake OpenFactura, as the
catalogue's organization, so the document is stamped and signed for real.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Context, Decimal
from typing import Any

from haulmer._shown import shown
from haulmer.rut import stand_in_problem
from haulmer.testing.platform._catalog import POINT_OF_SALE_PRODUCTS
from haulmer.testing.platform._errors import PlatformError, invalid, not_found, out_of_order
from haulmer.testing.platform._models import Account, Workspace
from haulmer.testing.platform._products import CatalogueSteps, StoredCatalogue
from haulmer.testing.platform._setup import SetupSteps
from haulmer.testing.platform._validation import (
    name_field,
    new_id,
    raise_if,
    rut_field,
)

DOCUMENTS = {"boleta": 39, "factura": 33}
"""A point's document kinds and their DTE types."""

PAPERS = ("80mm", "letter")
"""The paper a point prints on: an 80 mm roll or letter size."""

SALE_FIELDS = ("items", "payment", "document", "receptor")
"""The fields of a sale's body: any other is refused, not left out of the sale."""

PAYMENT_METHODS = ("cash", "debit_card", "credit_card", "transfer")
"""How a customer pays at a point."""

BOLETA_MEDIO_PAGO = {"cash": 1, "debit_card": 2, "credit_card": 2, "transfer": 3}
"""A boleta's MedioPago for each payment method (EnvioBOLETA's codes: 1 efectivo, 2 pago
electrónico, 3 transferencia electrónica), which a boleta above 135 UF must carry."""

_WIDE = Context(prec=40)
"""Room for a quantity's 12.6 digits, to write it as the SDK sends it (``1.5``, ``1000``)."""

IssueDTE = Callable[[str, dict[str, Any]], Any]
"""Issue an OpenFactura emission body as the company with this RUT (the fake OpenFactura)."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass
class PointOfSale:
    """A point of sale: where it is, what it issues and prints, which catalogue it sells."""

    id: str
    workspace_id: str
    number: int
    created_at: datetime
    name: str = ""
    sucursal: str | None = None
    default_document: str = "boleta"
    paper: str = "80mm"
    catalogue_id: str | None = None

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "workspace_id": self.workspace_id,
            "name": self.name,
            "sucursal": self.sucursal,
            "default_document": self.default_document,
            "paper": self.paper,
            "catalogue_id": self.catalogue_id,
            "created_at": _iso(self.created_at),
        }


@dataclass
class Sale:
    """A sale made at a point and the document it issued."""

    id: str
    point_id: str
    items: list[dict[str, Any]]
    payment: dict[str, Any]
    document: dict[str, Any]
    total: int
    created_at: datetime
    receptor: dict[str, Any] | None = field(default=None)

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "point_id": self.point_id,
            "items": [dict(item) for item in self.items],
            "payment": dict(self.payment),
            "document": dict(self.document),
            "receptor": dict(self.receptor) if self.receptor else None,
            "total": self.total,
            "created_at": _iso(self.created_at),
        }


class PointSteps(CatalogueSteps, SetupSteps):
    """Points of sale (one per device bought) and the sales made at them."""

    points: dict[str, PointOfSale]
    sales: dict[str, Sale]
    issue_dte: IssueDTE | None = None
    """Set by ``install``: issue through the fake OpenFactura (None: sales are refused)."""

    def reset(self) -> None:
        """Forget every point and sale too."""
        with self.lock:
            self.points = {}
            self.sales = {}
            super().reset()

    def _sync_points(self) -> None:
        """Give each workspace the points its order bought (made when it is activated)."""
        have = {p.workspace_id for p in self.points.values()}
        for workspace in self.workspaces.values():
            if workspace.id in have:
                continue
            order = self.orders[workspace.order_id]
            devices = sum(
                line["quantity"]
                for line in order.products
                if line["code"] in POINT_OF_SALE_PRODUCTS
            )
            for number in range(1, devices + 1):
                point = PointOfSale(
                    id=new_id("pos"),
                    workspace_id=workspace.id,
                    number=number,
                    created_at=workspace.created_at,
                    name=f"Punto de venta {number}",
                )
                self.points[point.id] = point

    def _member(self, account: Account, workspace: Workspace) -> bool:
        return account.id in workspace.member_account_ids

    def list_points(self, account: Account) -> list[PointOfSale]:
        """The points of the account's workspaces."""
        with self.lock:
            self._sync_points()
            return [
                p
                for p in self.points.values()
                if self._member(account, self.workspaces[p.workspace_id])
            ]

    def point(self, account: Account, point_id: str) -> PointOfSale:
        """A point of one of the account's workspaces (404 otherwise)."""
        with self.lock:
            self._sync_points()
            point = self.points.get(point_id)
            if point is None or not self._member(account, self.workspaces[point.workspace_id]):
                raise not_found(f"point of sale {shown(point_id)}")
            return point

    def configure_point(self, account: Account, point_id: str, body: dict[str, Any]) -> PointOfSale:
        """Change a point's name, sucursal, default document, paper or catalogue."""
        with self.lock:
            point = self.point(account, point_id)
            known = ("name", "sucursal", "default_document", "paper", "catalogue_id")
            problems: list[tuple[str, str]] = [
                (name, "not a setting of a point") for name in body if name not in known
            ]
            if not body:
                problems.append(("", f"send at least one of {', '.join(known)}"))
            changes: dict[str, Any] = {}
            if "name" in body:
                name = name_field(body, "name", problems, "point's name")
                if len(name) > 60:
                    problems.append(("name", "at most 60 characters"))
                changes["name"] = name
            if "sucursal" in body:
                value = body["sucursal"]
                if value is not None and (
                    not isinstance(value, str) or not 0 < len(value.strip()) <= 80
                ):
                    problems.append(("sucursal", "the branch's name, up to 80 characters, or null"))
                elif value is not None:
                    name_field(body, "sucursal", problems, "sucursal")
                changes["sucursal"] = value.strip() if isinstance(value, str) else None
            if "default_document" in body:
                if not isinstance(body["default_document"], str) or (
                    body["default_document"] not in DOCUMENTS
                ):
                    problems.append(("default_document", "boleta or factura"))
                changes["default_document"] = body["default_document"]
            if "paper" in body:
                if body["paper"] not in PAPERS:
                    problems.append(("paper", "80mm or letter"))
                changes["paper"] = body["paper"]
            if "catalogue_id" in body and body["catalogue_id"] is None:
                changes["catalogue_id"] = None  # detached: the point sells nothing until set
            elif "catalogue_id" in body:
                catalogue_id = body["catalogue_id"]
                try:
                    catalogue = self.catalogue(account, str(catalogue_id))
                except PlatformError:
                    problems.append(("catalogue_id", "a catalogue of this account's organizations"))
                else:
                    if catalogue.organization.workspace_id != point.workspace_id:
                        problems.append(("catalogue_id", "a catalogue of the point's workspace"))
                changes["catalogue_id"] = catalogue_id
            raise_if(problems, "the point's settings")
            for name, value in changes.items():
                setattr(point, name, value)
            return point

    def sale(self, account: Account, point_id: str, sale_id: str) -> Sale:
        """A sale of a point (404 otherwise)."""
        point = self.point(account, point_id)
        sale = self.sales.get(sale_id)
        if sale is None or sale.point_id != point.id:
            raise not_found(f"sale {shown(sale_id)} of point {shown(point_id)}")
        return sale

    def make_sale(self, account: Account, point_id: str, body: dict[str, Any]) -> Sale:
        """Sell catalogue products and issue the boleta (default) or factura for them."""
        from haulmer.catalogue import Product, sale_document
        from haulmer.errors import HaulmerError
        from haulmer.openfactura.emission import to_openfactura_dte
        from haulmer.point import MAX_AMOUNT, cash_due

        with self.lock:
            point = self.point(account, point_id)
            if point.catalogue_id is None:
                raise out_of_order(
                    f"{point.name} has no catalogue yet: set its catalogue_id "
                    "(PATCH /v1/points/{point_id}) before selling"
                )
            catalogue = self.catalogues[point.catalogue_id]
            problems: list[tuple[str, str]] = [
                (name, f"not a field of a sale ({', '.join(SALE_FIELDS)})")
                for name in body
                if name not in SALE_FIELDS
            ]
            payment = body.get("payment")
            if isinstance(payment, dict):
                problems += [
                    (f"payment.{name}", "not a field of a payment (method, amount)")
                    for name in payment
                    if name not in ("method", "amount")
                ]
            kind = body.get("document", point.default_document)
            if not isinstance(kind, str) or kind not in DOCUMENTS:
                problems.append(("document", "boleta or factura"))
            items = self._sale_items(catalogue, body.get("items"), problems)
            receptor = self._receptor(body.get("receptor"), kind, problems)
            method = payment.get("method") if isinstance(payment, dict) else None
            if method not in PAYMENT_METHODS:
                problems.append(("payment.method", f"one of {', '.join(PAYMENT_METHODS)}"))
            raise_if(problems, "the sale")
            if kind == "boleta" and receptor is not None:
                # a boleta names its buyer without a giro (EnvioBOLETA has no GiroRecep)
                receptor = {name: value for name, value in receptor.items() if name != "giro"}
            emisor = self._emisor_of(catalogue)
            products = [(Product.model_validate(p.to_wire()), q) for p, q in items]
            try:
                document = sale_document(
                    DOCUMENTS[kind],
                    emisor=emisor,
                    items=products,
                    receptor=receptor,
                    fecha=self.now().date(),
                    medio_pago=BOLETA_MEDIO_PAGO.get(str(method)) if kind == "boleta" else None,
                )
            except HaulmerError as error:
                raise invalid(
                    f"the document cannot be made: {error}", [("items", str(error))]
                ) from None
            total = int(document.totals.mnt_total)
            if total == 0:
                raise invalid(
                    "the sale comes to $0: its document would spend a folio on nothing",
                    [("items", "each line rounds to less than a peso: check the quantities")],
                )
            # Ley 20.956 art. 13: cash pays the total rounded to the 10 pesos, the document
            # keeps the exact total
            due = cash_due(total) if method == "cash" else total
            amount = payment.get("amount", due) if isinstance(payment, dict) else due
            if isinstance(amount, int) and not isinstance(amount, bool) and amount > MAX_AMOUNT:
                raise invalid(
                    "the payment's amount is more than any sale takes",
                    [("payment.amount", f"whole pesos, at most {MAX_AMOUNT} (18 digits)")],
                )
            if isinstance(amount, bool) or not isinstance(amount, int) or amount < due:
                in_cash = f" (${total} rounded to the 10 pesos)" if due != total else ""
                raise invalid(
                    f"the payment does not cover the total of ${due}{in_cash}",
                    [("payment.amount", f"whole pesos, at least {due}")],
                )
            if method != "cash" and amount != total:
                raise invalid(
                    "only cash may exceed the total (and get change)",
                    [("payment.amount", f"exactly {total} for {method}")],
                )
            if self.issue_dte is None:
                raise out_of_order("this fake has no OpenFactura to issue the sale's document")
            try:
                issued = self.issue_dte(emisor["rut"], {"dte": to_openfactura_dte(document)})
            except (LookupError, ValueError) as error:
                if "RznSocRecep" in getattr(error, "fields", ()):
                    raise invalid(
                        f"a boleta above 135 UF (this one is ${total}) names its buyer: give the "
                        "receptor's rut and razon_social, or sell a factura",
                        [("receptor.razon_social", "required on a boleta above 135 UF")],
                    ) from None
                no_folios = getattr(error, "code", None) == "OF-07"
                raise PlatformError(
                    409,
                    "document_refused",
                    f"OpenFactura did not issue the sale's {kind} ({error}); nothing was sold: "
                    + (
                        "the company has no folio left for it (client.openfactura.organization"
                        ".folios() shows them); sell again once it has"
                        if no_folios
                        else "correct what OpenFactura names and sell again"
                    ),
                ) from None
            now = self.now()
            sale = Sale(
                id=new_id("sal"),
                point_id=point.id,
                items=[
                    {
                        "product_id": product.id,
                        "sku": product.fields["sku"],
                        "name": product.fields["name"],
                        "quantity": format(quantity.normalize(_WIDE), "f"),
                    }
                    for product, quantity in items
                ],
                payment={
                    "method": method,
                    "amount": amount,
                    "change": amount - due,
                    "rounding": due - total,
                },
                document={
                    "type": DOCUMENTS[kind],
                    "folio": issued.folio,
                    "token": issued.token,
                    "issuer_rut": issued.issuer_rut,
                    "totals": dict(issued.totals),
                },
                total=total,
                created_at=now,
                receptor=receptor,
            )
            self.sales[sale.id] = sale
            return sale

    def _sale_items(
        self, catalogue: StoredCatalogue, raw: Any, problems: list[tuple[str, str]]
    ) -> list[tuple[Any, Decimal]]:
        from haulmer.catalogue import sale_quantity

        if not isinstance(raw, list) or not raw:
            problems.append(("items", "at least one {product_id, quantity}"))
            return []
        items = []
        for index, item in enumerate(raw):
            where = f"items[{index}]"
            if not isinstance(item, dict):
                problems.append((where, "an object with product_id and quantity"))
                continue
            unknown = [name for name in item if name not in ("product_id", "quantity")]
            if unknown:
                problems += [
                    (f"{where}.{name}", "not a field of a sale's item (product_id, quantity)")
                    for name in unknown
                ]
                continue
            product = catalogue.products.get(str(item.get("product_id")))
            if product is None:
                problems.append((f"{where}.product_id", "not a product of the point's catalogue"))
                continue
            if not product.fields["active"]:
                problems.append((f"{where}.product_id", "deactivated: not for sale"))
                continue
            try:
                quantity = sale_quantity(item.get("quantity", 1))
            except ValueError as error:
                problems.append((f"{where}.quantity", f"the quantity {error}"))
                continue
            items.append((product, quantity))
        return items

    @staticmethod
    def _receptor(raw: Any, kind: Any, problems: list[tuple[str, str]]) -> dict[str, Any] | None:
        if raw is None:
            if kind == "factura":
                problems.append(("receptor", "a factura needs its receptor"))
            return None
        if not isinstance(raw, dict):
            problems.append(("receptor", "an object"))
            return None
        from haulmer._platform import dte_text
        from haulmer.point.business import RECEPTOR_ELEMENTS, RECEPTOR_LIMITS

        found: list[tuple[str, str]] = [
            (name, f"not a field of a receptor (rut, {', '.join(RECEPTOR_LIMITS)})")
            for name in raw
            if name != "rut" and name not in RECEPTOR_LIMITS
        ]
        receptor: dict[str, Any] = {"rut": rut_field(raw, "rut", found)}
        stand_in = stand_in_problem(receptor["rut"]) if kind == "factura" else None
        if stand_in is not None:
            found.append(("rut", f"a factura goes to a company, and {stand_in}"))
        for name, limit in RECEPTOR_LIMITS.items():
            if kind == "factura" or name in raw:
                noted = len(found)
                value = receptor[name] = name_field(raw, name, found, f"receptor's {name}")
                if len(found) > noted:
                    continue  # no text, or not one line: said once
                if len(value) > limit:
                    found.append((name, f"at most {limit} characters (it has {len(value)})"))
                try:
                    dte_text(value, RECEPTOR_ELEMENTS[name])
                except ValueError as error:
                    found.append((name, str(error)))
        problems += [(f"receptor.{name}", issue) for name, issue in found]
        return receptor

    def _emisor_of(self, catalogue: StoredCatalogue) -> dict[str, Any]:
        """The catalogue's organization as the DTE's emisor, once its OpenFactura key exists."""
        organization = catalogue.organization
        setup = next(
            (
                s
                for s in self.setups.values()
                if s.organization_id == organization.id and s.api_key_created_at is not None
            ),
            None,
        )
        if setup is None or setup.company is None:
            raise out_of_order(
                f"{organization.razon_social} cannot issue documents yet: finish its OpenFactura "
                "setup and create its API key (certification) before selling"
            )
        company = setup.company
        return {
            "rut": organization.rut,
            "razon_social": organization.razon_social,
            "giro": company["giro"],
            "actecos": [company["acteco"]],
            "direccion": company["direccion"],
            "comuna": company["comuna"],
        }
