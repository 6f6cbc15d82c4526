"""The Catalogue platform on the fake: one catalogue per organization, and its products.

Products are checked with the SDK's own rules (``haulmer.catalogue.ProductInput``), so the fake
refuses what the SDK refuses before sending; the SKU is unique in its catalogue.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from haulmer._shown import shown
from haulmer.testing.platform._errors import PlatformError, invalid, not_found
from haulmer.testing.platform._models import Account, Organization
from haulmer.testing.platform._myhaulmer import page_of
from haulmer.testing.platform._validation import new_id
from haulmer.testing.platform._workspace import WorkspaceSteps


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


_AFTER_N = "n\U0010ffff"
"""Where ñ sorts: after every n-word, before o (the Spanish alphabet)."""


_ENYE = "\U0010ffff"
"""ñ as one letter of a search: a search for "pan" must not find "paño", whose ñ sorts as
``_AFTER_N``, an n and a mark."""


def searchable(folded: str) -> str:
    """An :func:`alphabetical` text as a search reads it: ñ one letter, not an n and more."""
    return folded.replace(_AFTER_N, _ENYE)


def alphabetical(text: str) -> str:
    """``text`` as a Spanish reader orders and finds it: case and accents aside (Árbol with
    arroz, Éclair with ensalada), ñ a letter of its own after n."""
    folded: list[str] = []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if not unicodedata.combining(char):
            folded.append(char)
        elif char == "\u0303" and folded and folded[-1] == "n":
            folded[-1] = _AFTER_N
    return "".join(folded)


@dataclass
class StoredProduct:
    """A product as the fake keeps it (the wire fields of ``haulmer.catalogue.Product``)."""

    id: str
    catalogue_id: str
    fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    _folded_from: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    _folded: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    _searched: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def folded(self) -> tuple[str, ...]:
        """Name, SKU and description as a list orders and searches them (:func:`alphabetical`),
        folded again only when one of them has changed: paging a large catalogue folds each
        product once, not once a page."""
        texts = (
            str(self.fields["name"]),
            str(self.fields["sku"]),
            str(self.fields.get("description") or ""),
        )
        if texts != self._folded_from:
            self._folded = tuple(alphabetical(text) for text in texts)
            self._searched = tuple(searchable(text) for text in self._folded)
            self._folded_from = texts
        return self._folded

    def searched(self) -> tuple[str, ...]:
        """Name, SKU and description as a search reads them (:func:`searchable`)."""
        self.folded()
        return self._searched

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "catalogue_id": self.catalogue_id,
            "name": self.fields["name"],
            "sku": self.fields["sku"],
            "price": self.fields["price"],
            "price_basis": self.fields["price_basis"],
            "tax": self.fields["tax"],
            "additional_taxes": list(self.fields.get("additional_taxes") or []),
            "unit": self.fields.get("unit"),
            "description": self.fields.get("description"),
            "active": self.fields["active"],
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
        }


@dataclass
class StoredCatalogue:
    """An organization's catalogue; SKUs are unique in it."""

    id: str
    organization: Organization
    products: dict[str, StoredProduct] = field(default_factory=dict)
    skus: dict[str, str] = field(default_factory=dict)
    """Each SKU, case folded, and the id of its product: a new SKU is checked without a scan."""

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "organization_id": self.organization.id,
            "workspace_id": self.organization.workspace_id,
            "name": self.organization.razon_social,
            "product_count": len(self.products),
        }


def _problems_of(error: Exception) -> list[tuple[str, str]]:
    import pydantic

    if isinstance(error, pydantic.ValidationError):
        return [
            (".".join(str(part) for part in item["loc"]), item["msg"].removeprefix("Value error, "))
            for item in error.errors()
        ]
    return [("", str(error))]


class CatalogueSteps(WorkspaceSteps):
    """Catalogues (made with each organization) and their products."""

    catalogues: dict[str, StoredCatalogue]

    def reset(self) -> None:
        """Forget every catalogue and product too."""
        with self.lock:
            self.catalogues = {}
            super().reset()

    def _sync_catalogues(self) -> None:
        """Give every organization its catalogue (the platform makes one with it)."""
        have = {c.organization.id for c in self.catalogues.values()}
        for workspace in self.workspaces.values():
            for organization in workspace.organizations:
                if organization.id not in have:
                    catalogue = StoredCatalogue(new_id("cat"), organization)
                    self.catalogues[catalogue.id] = catalogue

    def list_catalogues(self, account: Account) -> list[StoredCatalogue]:
        """The catalogues of the organizations of the account's workspaces."""
        with self.lock:
            self._sync_catalogues()
            return [
                c
                for c in self.catalogues.values()
                if account.id in self.workspaces[c.organization.workspace_id].member_account_ids
            ]

    def catalogue(self, account: Account, catalogue_id: str) -> StoredCatalogue:
        """A catalogue of one of the account's workspaces (404 otherwise)."""
        with self.lock:
            self._sync_catalogues()
            catalogue = self.catalogues.get(catalogue_id)
            if catalogue is None or account.id not in (
                self.workspaces[catalogue.organization.workspace_id].member_account_ids
            ):
                raise not_found(f"catalogue {shown(catalogue_id)}")
            return catalogue

    def product(self, account: Account, catalogue_id: str, product_id: str) -> StoredProduct:
        """A product of a catalogue (404 otherwise)."""
        catalogue = self.catalogue(account, catalogue_id)
        product = catalogue.products.get(product_id)
        if product is None:
            raise not_found(f"product {shown(product_id)} in catalogue {shown(catalogue_id)}")
        return product

    @staticmethod
    def _checked(fields: dict[str, Any]) -> dict[str, Any]:
        from haulmer.catalogue import ProductInput
        from haulmer.errors import ValidationError

        try:
            model = ProductInput.model_validate(fields)
        except (ValueError, ValidationError) as error:
            raise invalid("the product is not valid; see details", _problems_of(error)) from None
        return model.model_dump(mode="json")

    @staticmethod
    def _refuse_taken_sku(catalogue: StoredCatalogue, sku: str, product_id: str | None) -> None:
        owner = catalogue.skus.get(sku.casefold())
        if owner is not None and owner != product_id:
            other = catalogue.products[owner]
            raise PlatformError(
                409,
                "sku_taken",
                f"SKU {shown(sku)} is already {shown(other.fields['name'])} ({other.id}) in "
                "this catalogue: each SKU names one product; update that product or choose "
                "another SKU",
                [("sku", "already used in this catalogue")],
            )

    def create_product(
        self, account: Account, catalogue_id: str, body: dict[str, Any]
    ) -> StoredProduct:
        """A new product; 409 ``sku_taken`` when the SKU is in the catalogue already."""
        with self.lock:
            catalogue = self.catalogue(account, catalogue_id)
            fields = self._checked(body)
            self._refuse_taken_sku(catalogue, fields["sku"], None)
            now = self.now()
            product = StoredProduct(new_id("prd"), catalogue.id, fields, now, now)
            catalogue.products[product.id] = product
            catalogue.skus[fields["sku"].casefold()] = product.id
            return product

    def update_product(
        self, account: Account, catalogue_id: str, product_id: str, body: dict[str, Any]
    ) -> StoredProduct:
        """Change the fields given; the product is checked whole again. A change that leaves
        every field as it was keeps ``updated_at`` (as deactivating twice does)."""
        with self.lock:
            product = self.product(account, catalogue_id, product_id)
            if not body:
                raise invalid("say what to change", [("", "send at least one field")])
            unknown = [name for name in body if name not in product.fields]
            if unknown:
                raise invalid("unknown fields", [(name, "not a product field") for name in unknown])
            fields = self._checked({**product.fields, **body})
            catalogue = self.catalogues[catalogue_id]
            self._refuse_taken_sku(catalogue, fields["sku"], product.id)
            if fields != product.fields:
                if catalogue.skus.get(product.fields["sku"].casefold()) == product.id:
                    del catalogue.skus[product.fields["sku"].casefold()]
                catalogue.skus[fields["sku"].casefold()] = product.id
                product.fields = fields
                product.updated_at = self.now()
            return product

    def deactivate_product(
        self, account: Account, catalogue_id: str, product_id: str
    ) -> StoredProduct:
        """Take a product off sale (repeating it changes nothing)."""
        with self.lock:
            product = self.product(account, catalogue_id, product_id)
            if product.fields["active"]:
                product.fields["active"] = False
                product.updated_at = self.now()
            return product

    def list_products(
        self, account: Account, catalogue_id: str, query: dict[str, str]
    ) -> dict[str, Any]:
        """Products by name (in Spanish alphabetical order), filtered by ``active`` and ``tax``,
        searched by ``q`` (refused past the SDK's limit, as the SDK refuses it)."""
        from haulmer.catalogue.business import MAX_SEARCH_LENGTH

        problems: list[tuple[str, str]] = []
        active = query.get("active")
        if active is not None and active not in ("true", "false"):
            problems.append(("active", "true or false"))
        tax = query.get("tax")
        if tax is not None and tax not in ("afecto", "exento"):
            problems.append(("tax", "afecto or exento"))
        needle = (query.get("q") or "").strip()
        if len(needle) > MAX_SEARCH_LENGTH:
            problems.append(("q", f"up to {MAX_SEARCH_LENGTH} characters (name, SKU, description)"))
        if problems:
            raise invalid("the filters are not valid; see details", problems)
        needle = searchable(alphabetical(needle))
        with self.lock:
            catalogue = self.catalogue(account, catalogue_id)
            found = [
                p
                for p in catalogue.products.values()
                if (active is None or p.fields["active"] == (active == "true"))
                and (tax is None or p.fields["tax"] == tax)
                and (not needle or any(needle in text for text in p.searched()))
            ]
            found.sort(key=lambda p: (p.folded()[0], p.fields["name"].casefold(), p.id))
        return page_of(found, query, StoredProduct.to_wire, default_per_page=50)
