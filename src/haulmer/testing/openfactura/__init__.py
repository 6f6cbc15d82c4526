"""The fake OpenFactura: every documented ``/v2/dte/*`` endpoint, tenants by API key.

``install(fake)`` registers the routes on ``fake.router``, hangs :class:`OpenFacturaState` off
``fake.openfactura_state`` and preloads the two public sandbox companies (HAULMER SPA, HOSTY SPA).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from haulmer._lazy import LazyModule
from haulmer.testing._wire import FakeRequest, FakeResponse
from haulmer.testing.openfactura._emission import Emission
from haulmer.testing.openfactura._queries import DOCUMENT_VALUES, Queries
from haulmer.testing.openfactura._render import Renderer
from haulmer.testing.openfactura._self_service import SelfServiceLink, SelfServicePage
from haulmer.testing.openfactura._state import (
    ISSUED_STATES,
    SANDBOX_TENANTS,
    IssuedDocument,
    OpenFacturaState,
    Tenant,
)
from haulmer.testing.openfactura._wire import MESSAGES as ERROR_MESSAGES
from haulmer.testing.openfactura._wire import invalid_key, missing_key

if TYPE_CHECKING:
    from haulmer.testing import _fake
else:  # ``_fake.FakeHaulmer`` in an annotation loads it when resolved (it imports this module)
    _fake = LazyModule("haulmer.testing._fake")

__all__ = [
    "ERROR_MESSAGES",
    "ISSUED_STATES",
    "SANDBOX_TENANTS",
    "Emission",
    "IssuedDocument",
    "OpenFacturaState",
    "SelfServiceLink",
    "SelfServicePage",
    "Tenant",
    "install",
]

TenantHandler = Callable[[FakeRequest, Tenant], FakeResponse]


class _RateLimiter:
    """Haulmer's documented global limit (3 req/s, 100 req/min per key) on the fake clock.

    Counted when each request arrived (``FakeRequest.arrived_at``), as the gateway counts, not
    when its turn to be served came: requests that wait for the fake behind a slow one would
    otherwise bunch up and look faster than they were sent.
    """

    def __init__(self, fake: _fake.FakeHaulmer) -> None:
        self.fake = fake
        self.seen: dict[str, list[float]] = {}
        """Each key's admitted arrivals, sorted (a request may be served after one that
        arrived later than it)."""

    def check(self, api_key: str, arrived_at: dt.datetime | None = None) -> FakeResponse | None:
        limits = self.fake.control.openfactura_rate_limit
        if limits is None:
            return None
        per_second, per_minute = limits
        now = (self.fake.clock.now() if arrived_at is None else arrived_at).timestamp()
        times = self.seen.setdefault(api_key, [])
        del times[: bisect.bisect_right(times, now - 60)]
        upto = bisect.bisect_right(times, now)
        in_second = upto - bisect.bisect_right(times, now - 1)
        wait = 0.0
        if in_second >= per_second:
            wait = times[upto - per_second] + 1 - now
        if upto >= per_minute:
            wait = max(wait, times[upto - per_minute] + 60 - now)
        if wait > 0:
            seconds = max(1, math.ceil(wait - 1e-9))
            return FakeResponse(
                429,
                json={
                    "statusCode": 429,
                    "message": f"Rate limit is exceeded. Try again in {seconds} seconds.",
                },
                by_gateway=True,
            )
        times.insert(upto, now)
        return None


def _is_json(content_type: str | None) -> bool:
    """Whether a Content-Type says JSON (``application/json``, any parameters, any case)."""
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def install(fake: _fake.FakeHaulmer) -> None:
    """Register the OpenFactura routes and state on ``fake`` (called by ``FakeHaulmer``)."""
    state = OpenFacturaState(fake.clock, fake.control, fake.environment)
    fake.openfactura_state = state
    fake.control._status_setter = state.set_status
    renderer = Renderer()
    emission = Emission(state, renderer, fake)
    queries = Queries(state, renderer)
    limiter = _RateLimiter(fake)

    def reset() -> None:
        state.reset()
        queries.selections.clear()
        limiter.seen.clear()

    fake.on_reset(reset)
    fake.openfactura_emission = emission

    def deliver_emails() -> None:
        with fake.lock:  # reading the outbox may race with requests in other threads
            emission.deliver_emails()

    fake.outbox.before_read(deliver_emails)

    def authed(handler: TenantHandler) -> Callable[[FakeRequest], FakeResponse]:
        def serve(request: FakeRequest) -> FakeResponse:
            api_key = request.headers.get("apikey")
            if not api_key:
                return missing_key()
            tenant = state.tenant_for_key(api_key)
            if tenant is None:
                return invalid_key()
            limited = limiter.check(api_key, request.arrived_at)
            if limited is not None:
                return limited
            if request.method == "POST" and not _is_json(request.headers.get("Content-Type")):
                # The service reads a body only as JSON: without the header it sees none.
                request.content = b""
            return handler(request, tenant)

        return serve

    def with_value(value: str, handler: TenantHandler) -> TenantHandler:
        def serve(request: FakeRequest, tenant: Tenant) -> FakeResponse:
            request.path_params["value"] = value
            return handler(request, tenant)

        return serve

    # Route names are the SDK methods' "<namespace>.<resource>.<method>".
    routes: list[tuple[str, str, TenantHandler, str]] = [
        ("POST", "/v2/dte/document", emission.handle, "documents.emit"),
        ("POST", "/v2/dte/issue", emission.handle, "documents.emit"),
        ("POST", "/v2/dte/document/issued", queries.list_issued, "documents.list_issued"),
        ("POST", "/v2/dte/document/received", queries.list_received, "documents.list_received"),
        ("POST", "/v2/dte/document/received/accuse", queries.accuse, "documents.accuse"),
        ("POST", "/v2/dte/anularDTE52", queries.void_guia, "documents.void_guia"),
        ("GET", "/v2/dte/registry/sales/{year}/{month}", queries.sales, "registry.sales"),
        ("GET", "/v2/dte/registry/sales/{year}/{month}/{day}", queries.sales, "registry.sales"),
        ("GET", "/v2/dte/registry/purchase/{year}/{month}", queries.purchase, "registry.purchases"),
        (
            "GET",
            "/v2/dte/registry/purchase/{year}/{month}/{day}",
            queries.purchase,
            "registry.purchases",
        ),
        ("POST", "/v2/dte/registry/sync-rcv", queries.sync_rcv, "registry.sync_rcv"),
        ("GET", "/v2/dte/organization", queries.organization, "organization.retrieve"),
        (
            "GET",
            "/v2/dte/organization/document",
            queries.organization_documents,
            "organization.folios",
        ),
        ("GET", "/v2/dte/taxpayer/{rut}", queries.taxpayer, "taxpayer.retrieve"),
    ]
    for value in DOCUMENT_VALUES:
        by_token = with_value(value, queries.get_by_token)
        by_folio = with_value(value, queries.get_by_folio)
        routes.append(
            ("GET", f"/v2/dte/document/{{token}}/{value}", by_token, f"documents.{value}")
        )
        routes.append(
            (
                "GET",
                f"/v2/dte/document/{{rut}}/{{type}}/{{folio}}/{value}",
                by_folio,
                f"documents.{value}",
            )
        )
    # Any other value: OF-10 "<value> es Incorrecto", as Haulmer answers. No SDK method asks for
    # one, so the route is named for what it serves (as ``platform.openapi`` is).
    routes.append(
        (
            "GET",
            "/v2/dte/document/{token}/{value}",
            queries.get_by_token,
            "documents.unsupported_value",
        )
    )
    routes.append(
        (
            "GET",
            "/v2/dte/document/{rut}/{type}/{folio}/{value}",
            queries.get_by_folio,
            "documents.unsupported_value",
        )
    )
    for method, template, handler, name in routes:
        fake.router.add(method, template, authed(handler), name=f"openfactura.{name}")
