"""A point's settings: what PATCH /v1/points/{point_id} changes, and what "not given" and "given
as null" each mean."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from haulmer import Haulmer
from haulmer._core.types import NOT_GIVEN
from haulmer.errors import StepOutOfOrderError, ValidationError
from haulmer.point.business import configure_point_request
from haulmer.testing import FakeHaulmer
from journey.story import (
    BUYER_EMAIL,
    PASSWORD,
    CertifiedShop,
    certified_shop,
    point_with_catalogue,
)


@pytest.fixture
def shop(fake: FakeHaulmer, client: Haulmer) -> CertifiedShop:
    return certified_shop(fake, client)


def test_catalogue_id_none_is_sent_as_null_and_catalogue_id_not_given_is_left_out() -> None:
    detach = configure_point_request("pos_1", {"catalogue_id": None})
    assert detach.json == {"catalogue_id": None}
    rename = configure_point_request("pos_1", {"name": "Caja 2", "catalogue_id": NOT_GIVEN})
    assert rename.json == {"name": "Caja 2"}


def test_configuring_catalogue_id_none_detaches_the_catalogue(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, _ = point_with_catalogue(shop)
    owner = shop.ready.owner
    point = owner.point.configure(point_id, catalogue_id=None)
    assert fake.requests.last.json() == {"catalogue_id": None}
    assert point.catalogue_id is None
    assert owner.point.retrieve(point_id).catalogue_id is None
    with pytest.raises(StepOutOfOrderError, match="no catalogue"):
        owner.point.sell(point_id, [("prd_x", 1)], payment="cash")


def test_a_change_without_catalogue_id_keeps_the_catalogue(shop: CertifiedShop) -> None:
    point_id, catalogue_id = point_with_catalogue(shop)
    point = shop.ready.owner.point.configure(point_id, name="Caja 2")
    assert (point.name, point.catalogue_id) == ("Caja 2", catalogue_id)


def test_the_async_client_detaches_a_catalogue_too(fake: FakeHaulmer, shop: CertifiedShop) -> None:
    point_id, _ = point_with_catalogue(shop)

    async def detach() -> str | None:
        async with fake.async_client() as anonymous:
            session = await anonymous.accounts.login(BUYER_EMAIL, PASSWORD, platform="point")
            owner = anonymous.with_options(access_token=session.access_token)
            return (await owner.point.configure(point_id, catalogue_id=None)).catalogue_id

    assert asyncio.run(detach()) is None


def test_the_fake_detaches_on_null_and_still_refuses_an_unknown_catalogue(
    fake: FakeHaulmer, client: Haulmer, shop: CertifiedShop
) -> None:
    point_id, _ = point_with_catalogue(shop)
    token = client.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.patch(f"/v1/points/{point_id}", json={"catalogue_id": None}, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["catalogue_id"] is None
        answer = http.patch(f"/v1/points/{point_id}", json={"catalogue_id": 5}, headers=headers)
        assert answer.status_code == 400
        assert answer.json()["error"]["details"][0]["field"] == "catalogue_id"


def test_a_catalogue_id_that_is_neither_an_id_nor_none_is_refused_before_sending(
    fake: FakeHaulmer, shop: CertifiedShop
) -> None:
    point_id, _ = point_with_catalogue(shop)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match="or None to detach"):
        shop.ready.owner.point.configure(point_id, catalogue_id="")
    assert len(fake.requests) == sent


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ({"name": "Caja\n1"}, r"point's name holds a control character \(U\+000A\) at position 5"),
        ({"name": "Caja\x001"}, "a control character \\(U\\+0000\\)"),
        ({"sucursal": "Casa\tmatriz"}, "sucursal holds a control character \\(U\\+0009\\)"),
        ({"sucursal": "Casa matriz\udfff"}, "a lone surrogate"),
    ],
)
def test_a_point_name_or_sucursal_with_a_control_character_is_refused_here_and_by_the_fake(
    fake: FakeHaulmer, client: Haulmer, shop: CertifiedShop, setting: dict[str, str], says: str
) -> None:
    import json

    (point,) = shop.ready.owner.point.list()
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=says):
        shop.ready.owner.point.configure(point.id, **setting)  # type: ignore[arg-type]
    assert len(fake.requests) == sent
    token = client.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.patch(f"/v1/points/{point.id}", content=json.dumps(setting), headers=headers)
    assert answer.status_code == 400
    (detail,) = answer.json()["error"]["details"]
    assert detail["field"] == next(iter(setting))
    assert re.search(says, detail["issue"])
    assert shop.ready.owner.point.retrieve(point.id).name == "Punto de venta 1"
