"""The platform guides, claim by claim: docs/guides/accounts.md (the password policy, the wrong
password's advice), buying-a-plan.md (what the checkout checks locally), catalogue.md (a
product's defaults and additional taxes, the basis a sale's lines are priced on), myhaulmer.md
(ticket categories, statuses, limits) and point.md (payments, papers, documents, quantities) are
what the SDK and the fake platform do."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

import haulmer.errors
from haulmer import catalogue, myhaulmer, passwords, point
from haulmer.myhaulmer import business as myhaulmer_business
from haulmer.testing import FakeHaulmer
from haulmer.testing.platform import _myhaulmer

GUIDES = Path(__file__).resolve().parents[2] / "docs" / "guides"


def _page(name: str) -> str:
    return " ".join((GUIDES / name).read_text("utf-8").split())


def _ticked(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def test_accounts_password_policy_is_the_default_policy() -> None:
    page = _page("accounts.md")
    assert "at least 8 characters, an uppercase letter, a lowercase letter and a digit" in page
    policy = passwords.DEFAULT_POLICY
    assert (policy.min_length, policy.max_length) == (8, None)
    assert (policy.require_uppercase, policy.require_lowercase, policy.require_digit) == (
        True,
        True,
        True,
    )
    assert not policy.require_symbol
    assert "the confirmation must match (`PasswordMismatchError`)" in page
    with pytest.raises(haulmer.errors.PasswordMismatchError):
        passwords.validate_password("Panaderia2026", "Panaderia2027")
    assert issubclass(haulmer.errors.PasswordMismatchError, haulmer.errors.WeakPasswordError)


def test_accounts_wrong_password_is_authentication_error_advising_forgot_password() -> None:
    assert "(401 `invalid_credentials`) whose advice names `forgot_password`" in _page(
        "accounts.md"
    )
    error = haulmer.errors.error_class_for(401, "invalid_credentials")
    assert error is haulmer.errors.AuthenticationError
    assert "forgot_password" in haulmer.errors.hint_for(401, "invalid_credentials")


def test_catalogue_product_defaults_and_additional_taxes_are_the_models() -> None:
    page = _page("catalogue.md")
    assert "(`gross`, what the buyer pays, the default; or `net`)" in page
    assert "(`afecto`, the default, or `exento`)" in page
    assert "up to two additional taxes by SII code (the 10% on drinks is code 27)" in page
    fields = catalogue.ProductInput.model_fields
    assert fields["price_basis"].default is catalogue.PriceBasis.GROSS
    assert fields["tax"].default is catalogue.TaxTreatment.AFECTO
    assert {basis.value for basis in catalogue.PriceBasis} == {"gross", "net"}
    assert {tax.value for tax in catalogue.TaxTreatment} == {"afecto", "exento"}
    too_many = {"name": "Bebida", "sku": "B", "price": 1, "additional_taxes": ["27", "271", "26"]}
    with pytest.raises(ValueError, match="additional_taxes"):
        catalogue.ProductInput.model_validate(too_many)
    assert "27" in catalogue.ADDITIONAL_TAX_CODES
    assert "an exento product can carry none" in page
    with pytest.raises(ValueError, match="exento product carries no additional tax"):
        catalogue.ProductInput.model_validate(
            {"name": "Bebida", "sku": "B", "price": 1, "tax": "exento", "additional_taxes": ["27"]}
        )
    assert issubclass(haulmer.errors.SkuTakenError, haulmer.errors.ConflictError)


def test_catalogue_sale_document_prices_a_boleta_and_a_factura_on_one_basis() -> None:
    page = _page("catalogue.md")
    assert "(`haulmer.catalogue.sale_prices`), so both come to the same total" in page
    assert "gross (the factura marked MntBruto 1) unless every afecto product is priced net" in page
    assert "A product with additional taxes keeps the factura net" in page

    def product(**fields: object) -> catalogue.Product:
        given = {"id": "prd_1", "catalogue_id": "cat_1", "name": "Pan", "sku": "PAN"}
        defaults = {"price": 2490, "price_basis": "gross", "tax": "afecto"}
        return catalogue.Product.model_validate({**given, **defaults, **fields})

    pan, net, drink = product(), product(price_basis="net"), product(additional_taxes=["27"])
    assert catalogue.sale_prices(33, [(pan, 1)]) is catalogue.PriceBasis.GROSS
    assert catalogue.sale_prices(39, [(net, 1)]) is catalogue.PriceBasis.NET
    assert catalogue.sale_prices(33, [(drink, 1)]) is catalogue.PriceBasis.NET
    assert catalogue.sale_total(33, [(pan, 1)]) == catalogue.sale_total(39, [(pan, 1)]) == 2490


def test_buying_a_plan_refuses_a_misspelt_field_before_sending() -> None:
    page = _page("buying-a-plan.md")
    assert "a dict with a field the buyer or a line does not have (a misspelt `quantity`)" in page
    assert "is refused, naming it" in page
    fake = FakeHaulmer()
    buyer = {
        "name": "Ana",
        "email": "ana@example.com",
        "rut": "12345678-5",
        "phone": "+56 9 8765 4321",
    }
    with pytest.raises(haulmer.ValidationError, match="quantiy"):
        fake.client(api_key=None).checkout.create_order(
            buyer=buyer, products=[{"code": "openfactura", "quantiy": 2}], plans=[]
        )
    with pytest.raises(haulmer.ValidationError, match="phone"):
        fake.client(api_key=None).checkout.create_order(
            buyer={**buyer, "phone": "()()()()"}, products={"openfactura": 1}, plans=[]
        )
    assert len(fake.requests) == 0


def test_myhaulmer_ticket_categories_statuses_and_limits_are_the_sdks() -> None:
    page = _page("myhaulmer.md")
    categories = _ticked(page.split("**Categories**:")[1].split("(`haulmer.myhaulmer")[0])
    assert categories == [category.value for category in myhaulmer.TicketCategory]
    statuses = page.split("**Statuses**:")[1].split("(`ReopenWindowClosedError`")[0]
    assert set(_ticked(statuses)) == {status.value for status in myhaulmer.TicketStatus}
    assert "at most 5 MiB" in page
    assert myhaulmer.MAX_ATTACHMENT_BYTES == 5 * 1024 * 1024
    assert "its name a plain one-line file name and its type a media type in printable" in page
    for attachment in (("a\nb.txt", b"x"), ("../a.txt", b"x"), ("a.txt", b"x", "text/plain\x07")):
        with pytest.raises(haulmer.ValidationError):
            myhaulmer_business._attachment(attachment)
    assert "reopens within 7 days" in page
    assert timedelta(days=7) == _myhaulmer.REOPEN_WINDOW
    assert "`per_page` (1 to 100)" in page
    assert myhaulmer_business.MAX_PER_PAGE == _myhaulmer.MAX_PER_PAGE == 100
    assert issubclass(haulmer.errors.TicketClosedError, haulmer.errors.ConflictError)


def test_point_payments_papers_and_documents_are_the_sdks() -> None:
    page = _page("point.md")
    payments = _ticked(page.split("**Payment**:")[1].split("; `amount`")[0])
    assert payments == [method.value for method in point.SalePaymentMethod]
    papers = _ticked(page.split("its paper (")[1].split(")")[0])
    assert papers == [paper.value for paper in point.Paper]
    assert "(a boleta, or a factura)" in page
    assert [document.value for document in point.PointDocument] == ["boleta", "factura"]
    assert "**Quantities** may have up to 6 decimals" in page
    with pytest.raises(haulmer.errors.ValidationError, match="6 decimals"):
        catalogue.sale_lines([(_product(), "1.0000001")], prices="gross")
    assert "until then a sale is `StepOutOfOrderError`" in page
    assert "`409 document_refused`" in page
    assert haulmer.errors.error_class_for(409, "document_refused") is not None


def _product() -> catalogue.Product:
    return catalogue.Product.model_validate(
        {
            "id": "prd_1",
            "catalogue_id": "cat_1",
            "name": "Pan",
            "sku": "PAN",
            "price": 1000,
            "price_basis": "gross",
            "tax": "afecto",
            "additional_taxes": [],
            "active": True,
        }
    )
