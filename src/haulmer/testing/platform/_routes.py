"""The ``/v1/...`` routes of the fake platform: one thin handler per operation of the contract."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from haulmer.testing._wire import FakeRequest, FakeResponse
from haulmer.testing.platform._catalog import catalog_wire
from haulmer.testing.platform._errors import PlatformError, invalid
from haulmer.testing.platform._idempotency import clean_key
from haulmer.testing.platform._models import Account
from haulmer.testing.platform._state import PlatformState


@cache
def openapi_document() -> dict[str, Any]:
    """The platform contract as OpenAPI 3.1 (the same document as docs/platform-openapi.json)."""
    text = resources.files("haulmer.testing.platform").joinpath("openapi.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _respond(
    status: int,
    payload: Any,
    *,
    replayed: bool = False,
    extra_headers: Mapping[str, str] | None = None,
) -> FakeResponse:
    headers = {**(extra_headers or {}), "X-Request-Id": _request_id()}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return FakeResponse(status=status, json=payload, headers=headers)


def _request_id() -> str:
    return f"req_{secrets.token_hex(6)}"


def _body(request: FakeRequest) -> dict[str, Any]:
    if not request.content:
        return {}
    try:
        body = request.json()
    except ValueError:
        raise invalid("the body is not JSON", [("", "send a JSON object")]) from None
    if not isinstance(body, dict):
        raise invalid("the body must be a JSON object", [("", "send a JSON object")])
    return body


Operation = Callable[[FakeRequest], tuple[int, Any]]


def _guarded(operation: Operation) -> Callable[[FakeRequest], FakeResponse]:
    """Run an operation; turn a PlatformError into the contract's error envelope."""

    def handler(request: FakeRequest) -> FakeResponse:
        try:
            status, payload = operation(request)
        except PlatformError as error:
            return _respond(error.status, error.envelope(), extra_headers=error.headers)
        return _respond(status, payload)

    return handler


def _caller(state: PlatformState, request: FakeRequest) -> str:
    """Whose keys these are: the account behind a valid bearer token, else nobody ("")."""
    authorization = request.headers.get("authorization")
    if not authorization:
        return ""
    try:
        return state.authenticate(authorization).id
    except PlatformError:
        return ""  # the operation itself answers the 401


def _idempotent(
    state: PlatformState, operation: Operation
) -> Callable[[FakeRequest], FakeResponse]:
    """Like ``_guarded``, and a repeated ``Idempotency-Key`` answers its first answer (24 h)."""

    def handler(request: FakeRequest) -> FakeResponse:
        try:
            key = clean_key(request.headers.get("idempotency-key"))
            if key is None:
                return _guarded(operation)(request)
            with state.lock:
                scope, now = _caller(state, request), state.now()
                fingerprint = state.idempotency.fingerprint(
                    request.method, request.path, request.content
                )
                first = state.idempotency.replay(scope, key, fingerprint, now)
                if first is not None:
                    return _respond(*first, replayed=True)
                status, payload = operation(request)
                state.idempotency.remember(scope, key, fingerprint, status, payload, now)
        except PlatformError as error:
            return _respond(error.status, error.envelope(), extra_headers=error.headers)
        return _respond(status, payload)

    return handler


def _caught_up(state: PlatformState, operation: Operation) -> Operation:
    """``operation`` on a state where every bank validation, certification stage and support
    acknowledgement the clock made due has happened, as it has on the real service whatever
    the request (a forgot-password right after a payment's validation finds its account)."""

    def run(request: FakeRequest) -> tuple[int, Any]:
        state.catch_up()
        return operation(request)

    return run


def register(fake: Any, state: PlatformState) -> None:
    """Add every platform route to ``fake.router`` (paths as in docs/platform-api.md); every POST
    honours an ``Idempotency-Key``.
    """

    def account(request: FakeRequest) -> Account:
        return state.authenticate(request.headers.get("authorization"))

    def path(request: FakeRequest, name: str) -> str:
        return request.path_params[name]

    routes: list[tuple[str, str, str, Operation]] = [
        ("GET", "/v1/openapi.json", "platform.openapi", lambda r: (200, openapi_document())),
        ("GET", "/v1/catalog", "checkout.catalog", lambda r: (200, catalog_wire())),
        ("POST", "/v1/orders", "checkout.create_order", lambda r: _create_order(state, r)),
        (
            "GET",
            "/v1/orders/{order_id}",
            "checkout.retrieve_order",
            lambda r: (200, state.order(path(r, "order_id")).to_wire()),
        ),
        (
            "POST",
            "/v1/orders/{order_id}/payment-method",
            "checkout.choose_payment_method",
            lambda r: (200, state.choose_payment_method(path(r, "order_id"), _body(r)).to_wire()),
        ),
        (
            "POST",
            "/v1/orders/{order_id}/payment-medium",
            "checkout.choose_payment_medium",
            lambda r: (200, state.choose_payment_medium(path(r, "order_id"), _body(r)).to_wire()),
        ),
        (
            "POST",
            "/v1/orders/tax-document",
            "checkout.choose_tax_document",
            lambda r: (200, state.choose_tax_document(_body(r)).to_wire()),
        ),
        (
            "POST",
            "/v1/accounts/password",
            "accounts.create_password",
            lambda r: (200, state.create_password(_body(r)).to_wire()),
        ),
        (
            "POST",
            "/v1/accounts/password/forgot",
            "accounts.forgot_password",
            lambda r: (202, _forgot(state, r)),
        ),
        (
            "POST",
            "/v1/accounts/links/resend",
            "accounts.resend_link",
            lambda r: (202, state.resend_link(_body(r))),
        ),
        ("POST", "/v1/accounts/login", "accounts.login", lambda r: (200, state.login(_body(r)))),
        ("GET", "/v1/accounts/me", "accounts.me", lambda r: (200, account(r).to_wire())),
        (
            "POST",
            "/v1/workspaces/activate",
            "workspace.activate",
            lambda r: (201, state.activate_workspace(account(r), _body(r)).to_wire()),
        ),
        (
            "GET",
            "/v1/workspaces",
            "workspace.list",
            lambda r: (200, {"data": [w.to_wire() for w in state.list_workspaces(account(r))]}),
        ),
        (
            "GET",
            "/v1/workspaces/{workspace_id}",
            "workspace.retrieve",
            lambda r: (200, state.workspace(account(r), path(r, "workspace_id")).to_wire()),
        ),
        (
            "POST",
            "/v1/workspaces/{workspace_id}/administrator",
            "workspace.set_administrator",
            lambda r: (
                200,
                state.set_administrator(account(r), path(r, "workspace_id"), _body(r)).to_wire(),
            ),
        ),
        (
            "PUT",
            "/v1/workspaces/{workspace_id}/name",
            "workspace.rename",
            lambda r: (200, state.rename(account(r), path(r, "workspace_id"), _body(r)).to_wire()),
        ),
        (
            "POST",
            "/v1/workspaces/{workspace_id}/organizations",
            "workspace.add_organization",
            lambda r: (
                201,
                state.add_organization(account(r), path(r, "workspace_id"), _body(r)).to_wire(),
            ),
        ),
        (
            "POST",
            "/v1/openfactura/setups",
            "openfactura.setup.start",
            lambda r: _start_setup(state, account(r), _body(r)),
        ),
        (
            "GET",
            "/v1/openfactura/setups/{setup_id}",
            "openfactura.setup.retrieve",
            lambda r: (200, state.setup(account(r), path(r, "setup_id")).to_wire()),
        ),
        (
            "POST",
            "/v1/openfactura/setups/{setup_id}/organization",
            "openfactura.setup.choose_organization",
            lambda r: (
                200,
                state.choose_organization(account(r), path(r, "setup_id"), _body(r)).to_wire(),
            ),
        ),
        (
            "POST",
            "/v1/openfactura/setups/{setup_id}/certificate",
            "openfactura.setup.upload_certificate",
            lambda r: (
                200,
                state.upload_certificate(account(r), path(r, "setup_id"), _body(r)).to_wire(),
            ),
        ),
        (
            "PUT",
            "/v1/openfactura/setups/{setup_id}/dte-types",
            "openfactura.setup.choose_dte_types",
            lambda r: (
                200,
                state.choose_dte_types(account(r), path(r, "setup_id"), _body(r)).to_wire(),
            ),
        ),
        (
            "GET",
            "/v1/openfactura/setups/{setup_id}/certification",
            "openfactura.certification.retrieve",
            lambda r: (200, state.certification(account(r), path(r, "setup_id"))),
        ),
        (
            "POST",
            "/v1/openfactura/setups/{setup_id}/api-keys",
            "openfactura.certification.create_api_key",
            lambda r: (201, state.create_api_key(account(r), path(r, "setup_id"))),
        ),
    ]
    from haulmer.testing.platform._routes_platforms import platform_routes

    routes += platform_routes(state, _body)
    for method, template, name, operation in routes:
        current = _caught_up(state, operation)
        handler = _idempotent(state, current) if method == "POST" else _guarded(current)
        fake.router.add(method, template, handler, name=name)


def _create_order(state: PlatformState, request: FakeRequest) -> tuple[int, Any]:
    return 201, state.create_order(_body(request)).to_wire()


def _forgot(state: PlatformState, request: FakeRequest) -> dict[str, Any]:
    state.forgot_password(_body(request))
    return {
        "status": "accepted",
        "message": "if the address belongs to an account, the create-password e-mail was sent",
    }


def _start_setup(state: PlatformState, account: Account, body: dict[str, Any]) -> tuple[int, Any]:
    setup, created = state.start_setup(account, body)
    return (201 if created else 200), setup.to_wire()
