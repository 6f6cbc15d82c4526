"""The pure input helpers of the platform products: id paths, enum and model input."""

from __future__ import annotations

from enum import Enum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haulmer._platform import EMAIL_ADDRESS, as_enum, as_model, id_path, name_text
from haulmer.errors import ValidationError


def test_id_path_joins_the_collection_the_id_and_the_suffix() -> None:
    kind = "an order's id"
    assert id_path("/v1/orders", "ord_1", name="order_id", kind=kind) == "/v1/orders/ord_1"
    assert (
        id_path("/v1/orders", "ord_1", name="order_id", kind=kind, suffix="/x")
        == "/v1/orders/ord_1/x"
    )


@pytest.mark.parametrize("value", ["", "a/b", None, 7])
def test_id_path_refuses_what_is_not_one_id(value: object) -> None:
    with pytest.raises(ValidationError, match=r"order_id must be an order's id, got"):
        id_path("/v1/orders", value, name="order_id", kind="an order's id")


@pytest.mark.parametrize(
    "value",
    ["ord_1?x=1", "ord_1#", "a%2Fb", "..", ".", "ord 1", "ord_1\\x", "ord_ñ", "ord_1\n"],
)
def test_id_path_refuses_an_id_that_would_reach_another_path(value: str) -> None:
    # '?' and '#' would cut the suffix off, '%2F' and '..' reach another resource
    with pytest.raises(ValidationError, match=r"order_id must be an order's id, got"):
        id_path("/v1/orders", value, name="order_id", kind="an order's id", suffix="/pay")


@pytest.mark.parametrize("value", ["ord_1a2b3c4d5e6f7a8b", "3f2a-9c1e.v2~x", "..x", "ORD-1"])
def test_id_path_takes_opaque_ids_of_unreserved_characters(value: str) -> None:
    assert id_path("/v1/orders", value, name="order_id", kind="an id") == f"/v1/orders/{value}"


class Colour(str, Enum):
    RED = "red"
    BLUE = "blue"


def test_as_enum_takes_a_member_or_its_value() -> None:
    assert as_enum(Colour, "red", "colour") is Colour.RED
    assert as_enum(Colour, Colour.BLUE, "colour") is Colour.BLUE


def test_as_enum_refuses_other_values_listing_the_accepted_ones() -> None:
    with pytest.raises(ValidationError, match=r"unknown colour 'green'; use one of red, blue$"):
        as_enum(Colour, "green", "colour")


def test_as_model_names_the_bad_field_without_pydantic_prefixes() -> None:
    from pydantic import BaseModel, field_validator

    class Buyer(BaseModel):
        email: str

        @field_validator("email")
        @classmethod
        def _email(cls, value: str) -> str:
            if "@" not in value:
                raise ValueError("not an e-mail address (name@example.com)")
            return value

    with pytest.raises(ValidationError) as caught:
        as_model(Buyer, {"email": "ana"}, "the buyer")
    assert str(caught.value) == (
        "the buyer is not valid: email: not an e-mail address (name@example.com)"
    )


def _plain_address(text: str) -> bool:
    """name@domain, no blanks, one '@', the domain two or more labels none of them empty, at
    most 254 characters."""
    local, at, domain = text.partition("@")
    blank = any(c.isspace() for c in text)
    labels = domain.split(".")
    return bool(
        at
        and local
        and len(text) <= 254
        and "@" not in domain
        and not blank
        and len(labels) >= 2
        and all(labels)
    )


@given(st.text(alphabet="ab.@ \t\u00a0ñ", max_size=12))
def test_an_e_mail_address_is_name_at_a_domain_of_dot_separated_labels(text: str) -> None:
    assert bool(EMAIL_ADDRESS.fullmatch(text)) == _plain_address(text)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs"))))
def test_name_text_keeps_every_name_without_control_characters_or_surrogates(name: str) -> None:
    assert name_text(name, "name") == name


@given(
    st.text(),
    st.sampled_from([chr(c) for c in range(0x20)] + ["\x7f", "\ud800", "\udfff"]),
    st.text(),
)
def test_name_text_refuses_any_control_character_or_lone_surrogate(
    before: str, bad: str, after: str
) -> None:
    with pytest.raises(ValueError, match=r"the name holds a (control character|lone surrogate)"):
        name_text(before + bad + after, "name")
