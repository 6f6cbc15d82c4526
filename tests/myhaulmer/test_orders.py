"""MyHaulmer's orders: the account's own, newest first, filtered, paginated, with their history,
payment and the document Haulmer issued; another account sees none of them."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timezone

import pytest

from haulmer import Haulmer
from haulmer.checkout import OrderStatus
from haulmer.errors import (
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    ValidationError,
)
from haulmer.testing import FakeHaulmer
from journey.story import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BUYER,
    BUYER_EMAIL,
    PASSWORD,
    buy_and_pay,
    log_in,
    owner_with_password,
    place_order,
    ready_workspace,
)


def _orders_on_three_days(fake: FakeHaulmer, client: Haulmer) -> tuple[Haulmer, list[str]]:
    """Three paid orders, one a day, and a fourth left unpaid, for the logged-in buyer."""
    owner = owner_with_password(fake, client)  # order 1 (paid)
    ids = [owner.myhaulmer.list_orders().items[0].id]
    for _ in range(2):
        fake.clock.advance(days=1)
        ids.append(buy_and_pay(fake, client).id)
    fake.clock.advance(days=1)
    ids.append(place_order(client).id)
    return owner, ids


def test_orders_belong_to_the_session_and_come_newest_first(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    owner, ids = _orders_on_three_days(fake, client)
    page = owner.myhaulmer.list_orders(per_page=3)
    assert [order.id for order in page.items] == ids[::-1][:3]
    assert (page.current_page, page.last_page, page.total) == (1, 2, 4)
    assert [order.id for order in page] == ids[::-1]  # iterating fetches page 2
    with pytest.raises(ConfigurationError, match="log in first"):
        client.myhaulmer.list_orders()  # no session: refused before sending
    with pytest.raises(AuthenticationError):
        client.with_options(access_token="not-a-session").myhaulmer.retrieve_order(ids[0])
    fake.clock.advance(days=31)  # a session lasts 30 days
    with pytest.raises(AuthenticationError, match="expired"):
        owner.myhaulmer.list_orders()


def test_orders_filter_by_status_and_date(fake: FakeHaulmer, client: Haulmer) -> None:
    owner, ids = _orders_on_three_days(fake, client)
    unpaid = owner.myhaulmer.list_orders(status=OrderStatus.CREATED)
    assert [order.id for order in unpaid] == [ids[3]]
    paid = owner.myhaulmer.list_orders(status="paid")
    assert [order.id for order in paid] == ids[2::-1]
    middle = owner.myhaulmer.list_orders(
        created_from=date(2026, 12, 4), created_to=date(2026, 12, 5)
    )
    assert [order.id for order in middle] == [ids[2], ids[1]]


def test_bad_filters_are_refused_before_sending(fake: FakeHaulmer, client: Haulmer) -> None:
    owner = owner_with_password(fake, client)
    sent = len(fake.requests)
    with pytest.raises(ValidationError, match="unknown order status"):
        owner.myhaulmer.list_orders(status="shipped")
    with pytest.raises(ValidationError, match="after created_to"):
        owner.myhaulmer.list_orders(created_from=date(2026, 12, 9), created_to=date(2026, 12, 1))
    with pytest.raises(ValidationError, match="per_page"):
        owner.myhaulmer.list_orders(per_page=0)
    for written in ("01-12-2026", "20261201", 20261201):
        with pytest.raises(ValidationError, match=r"created_from .*datetime\.date or 'YYYY-MM-DD'"):
            owner.myhaulmer.list_orders(created_from=written)  # type: ignore[arg-type]
    assert len(fake.requests) == sent


def test_order_dates_are_read_as_every_date_filter_reads_them(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    # "2026-12-04" was refused here ("must be a datetime.date") while the OpenFactura list
    # filters, the document models and Caf.is_valid_on() read it; an aware datetime is its day
    # in Chile, as there.
    owner, ids = _orders_on_three_days(fake, client)
    late_on_the_4th = datetime(2026, 12, 5, 2, 30, tzinfo=timezone.utc)  # 23:30 on 4/12 in Chile
    middle = owner.myhaulmer.list_orders(created_from="2026-12-04", created_to=late_on_the_4th)
    by_dates = owner.myhaulmer.list_orders(
        created_from=date(2026, 12, 4), created_to=date(2026, 12, 4)
    )
    assert [order.id for order in middle] == [order.id for order in by_dates] == [ids[1]]


def test_an_order_shows_its_history_payment_lines_and_the_document_haulmer_issued(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    owner = owner_with_password(fake, client)
    (order,) = owner.myhaulmer.list_orders()
    assert order.issued_document is None
    link = fake.outbox.last(to=BUYER_EMAIL, subject_contains="¿Boleta o factura?").token
    client.checkout.choose_tax_document(link, document="boleta")
    order = owner.myhaulmer.retrieve_order(order.id)
    assert [change.status for change in order.status_history] == [
        "created",
        "payment_method_selected",
        "awaiting_bank_validation",
        "paid",
        "paid",
    ]
    assert order.payment_method is not None
    assert order.payment_medium is not None
    assert [line.code for line in order.products] == ["openfactura", "pos_device"]
    assert order.tax_document is not None
    assert order.issued_document is not None
    assert (order.issued_document.dte_type, order.issued_document.folio) == (39, 1)
    assert order.issued_document.total == order.total


def test_another_accounts_order_is_not_found(fake: FakeHaulmer, client: Haulmer) -> None:
    ready = ready_workspace(fake, client)
    (order,) = ready.owner.myhaulmer.list_orders()
    admin = log_in(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert admin.myhaulmer.list_orders().total == 0
    with pytest.raises(NotFoundError):
        admin.myhaulmer.retrieve_order(order.id)
    with pytest.raises(NotFoundError):
        ready.owner.myhaulmer.retrieve_order("ord_0000000000000000")


def test_the_async_client_lists_and_reads_orders(fake: FakeHaulmer, client: Haulmer) -> None:
    _orders_on_three_days(fake, client)

    async def read() -> tuple[list[str], int, str]:
        async with fake.async_client() as anonymous:
            session = await anonymous.accounts.login(BUYER_EMAIL, PASSWORD)
            me = anonymous.with_options(access_token=session.access_token)
            ids = [order.id async for order in me.myhaulmer.list_orders(per_page=1)]
            first = await me.myhaulmer.list_orders(status="created")
            order = await me.myhaulmer.retrieve_order(ids[-1])
            return ids, first.total or 0, order.buyer.email

    ids, created, email = asyncio.run(read())
    assert len(ids) == 4
    assert created == 1
    assert email == BUYER["email"]


def test_an_order_of_the_hour_chile_lives_twice_comes_before_an_earlier_one(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    from datetime import datetime

    owner_with_password(fake, client)
    fake.clock.set(datetime(2027, 4, 3, 23, 30))  # 23:30 -03:00; at 24:00 it is 23:00 again
    owner = log_in(client, BUYER_EMAIL, PASSWORD)
    first = place_order(client)
    fake.clock.advance(minutes=40)  # 23:10 -04:00, 40 minutes later
    second = place_order(client)
    assert second.created_at.utcoffset() != first.created_at.utcoffset()
    newest = owner.myhaulmer.list_orders(per_page=2).items
    assert [order.id for order in newest] == [second.id, first.id]


@pytest.mark.parametrize("written", ["2026-W01-1", "20260101", "2026-12-1"])
def test_the_fake_takes_an_order_date_filter_only_as_yyyy_mm_dd(
    fake: FakeHaulmer, client: Haulmer, written: str
) -> None:
    import httpx

    owner_with_password(fake, client)
    token = client.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    with httpx.Client(transport=fake.transport, base_url="http://haulmer.fake") as http:
        answer = http.get(
            "/v1/my/orders",
            params={"created_from": written},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 400
    assert answer.json()["error"]["details"] == [
        {"field": "created_from", "issue": "a date, YYYY-MM-DD"}
    ]
