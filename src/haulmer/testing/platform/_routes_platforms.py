"""The routes of the three platforms the one login opens besides OpenFactura: MyHaulmer (the
account's orders and support tickets), Catalogue (products) and Point (points of sale, sales)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from haulmer.testing._wire import FakeRequest
from haulmer.testing.platform._models import Account
from haulmer.testing.platform._state import PlatformState

Operation = Callable[[FakeRequest], tuple[int, Any]]


def platform_routes(
    state: PlatformState, body: Callable[[FakeRequest], dict[str, Any]]
) -> list[tuple[str, str, str, Operation]]:
    """``(method, path template, route name, operation)`` of MyHaulmer, Catalogue and Point."""

    def account(request: FakeRequest) -> Account:
        return state.authenticate(request.headers.get("authorization"))

    def p(request: FakeRequest, name: str) -> str:
        return request.path_params[name]

    def query(request: FakeRequest) -> dict[str, str]:
        return dict(request.query)

    return [
        (
            "GET",
            "/v1/my/orders",
            "myhaulmer.list_orders",
            lambda r: (200, state.my_orders(account(r), query(r))),
        ),
        (
            "GET",
            "/v1/my/orders/{order_id}",
            "myhaulmer.retrieve_order",
            lambda r: (200, state.my_order(account(r), p(r, "order_id")).to_wire()),
        ),
        (
            "POST",
            "/v1/my/tickets",
            "myhaulmer.open_ticket",
            lambda r: (201, state.open_ticket(account(r), body(r)).to_wire()),
        ),
        (
            "GET",
            "/v1/my/tickets",
            "myhaulmer.list_tickets",
            lambda r: (200, state.my_tickets(account(r), query(r))),
        ),
        (
            "GET",
            "/v1/my/tickets/{ticket_id}",
            "myhaulmer.retrieve_ticket",
            lambda r: (200, state.ticket(account(r), p(r, "ticket_id")).to_wire()),
        ),
        (
            "POST",
            "/v1/my/tickets/{ticket_id}/messages",
            "myhaulmer.reply_ticket",
            lambda r: (
                201,
                state.reply_ticket(account(r), p(r, "ticket_id"), body(r)).to_wire(),
            ),
        ),
        (
            "POST",
            "/v1/my/tickets/{ticket_id}/close",
            "myhaulmer.close_ticket",
            lambda r: (200, state.close_ticket(account(r), p(r, "ticket_id")).to_wire()),
        ),
        (
            "POST",
            "/v1/my/tickets/{ticket_id}/reopen",
            "myhaulmer.reopen_ticket",
            lambda r: (200, state.reopen_ticket(account(r), p(r, "ticket_id")).to_wire()),
        ),
        (
            "GET",
            "/v1/catalogues",
            "catalogue.list_catalogues",
            lambda r: (200, {"data": [c.to_wire() for c in state.list_catalogues(account(r))]}),
        ),
        (
            "POST",
            "/v1/catalogues/{catalogue_id}/products",
            "catalogue.create_product",
            lambda r: (
                201,
                state.create_product(account(r), p(r, "catalogue_id"), body(r)).to_wire(),
            ),
        ),
        (
            "GET",
            "/v1/catalogues/{catalogue_id}/products",
            "catalogue.list_products",
            lambda r: (200, state.list_products(account(r), p(r, "catalogue_id"), query(r))),
        ),
        (
            "GET",
            "/v1/catalogues/{catalogue_id}/products/{product_id}",
            "catalogue.retrieve_product",
            lambda r: (
                200,
                state.product(account(r), p(r, "catalogue_id"), p(r, "product_id")).to_wire(),
            ),
        ),
        (
            "PATCH",
            "/v1/catalogues/{catalogue_id}/products/{product_id}",
            "catalogue.update_product",
            lambda r: (
                200,
                state.update_product(
                    account(r), p(r, "catalogue_id"), p(r, "product_id"), body(r)
                ).to_wire(),
            ),
        ),
        (
            "POST",
            "/v1/catalogues/{catalogue_id}/products/{product_id}/deactivate",
            "catalogue.deactivate_product",
            lambda r: (
                200,
                state.deactivate_product(
                    account(r), p(r, "catalogue_id"), p(r, "product_id")
                ).to_wire(),
            ),
        ),
        (
            "GET",
            "/v1/points",
            "point.list",
            lambda r: (200, {"data": [x.to_wire() for x in state.list_points(account(r))]}),
        ),
        (
            "GET",
            "/v1/points/{point_id}",
            "point.retrieve",
            lambda r: (200, state.point(account(r), p(r, "point_id")).to_wire()),
        ),
        (
            "PATCH",
            "/v1/points/{point_id}",
            "point.configure",
            lambda r: (
                200,
                state.configure_point(account(r), p(r, "point_id"), body(r)).to_wire(),
            ),
        ),
        (
            "POST",
            "/v1/points/{point_id}/sales",
            "point.sell",
            lambda r: (201, state.make_sale(account(r), p(r, "point_id"), body(r)).to_wire()),
        ),
        (
            "GET",
            "/v1/points/{point_id}/sales/{sale_id}",
            "point.retrieve_sale",
            lambda r: (
                200,
                state.sale(account(r), p(r, "point_id"), p(r, "sale_id")).to_wire(),
            ),
        ),
    ]
