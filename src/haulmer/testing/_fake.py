"""FakeHaulmer: the in-memory Haulmer (OpenFactura and the platform) that tests talk to."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from haulmer._forks import ForkSafeLock
from haulmer._frames import LocalsForgottenOnRefusal
from haulmer._lazy import LazyModule
from haulmer._numbers import own_arithmetic
from haulmer._shown import shown
from haulmer.testing._client_options import AsyncClientOptions, ClientOptions
from haulmer.testing._clock import FakeClock
from haulmer.testing._control import ConnectionDropped, Control
from haulmer.testing._log import DEFAULT_LOG_SIZE, LoggedRequest, RequestLog, without_secrets
from haulmer.testing._outbox import Outbox
from haulmer.testing._router import Route, Router, gateway_not_found
from haulmer.testing._tenant_options import TenantOptions, check_tenant_options
from haulmer.testing._wire import FakeRequest, FakeResponse
from haulmer.testing.openfactura import (
    Emission,
    IssuedDocument,
    OpenFacturaState,
    SelfServicePage,
    Tenant,
)

if TYPE_CHECKING:
    from haulmer import dte as _dte
    from haulmer._async import client as _async_client
    from haulmer._sync import client as _sync_client
    from haulmer.testing import _transport
else:  # the clients and the transport (httpx, the client core) in the annotations load when
    # resolved: importing the fake alone (``serve``) stays without them
    _dte = LazyModule("haulmer.dte")
    _async_client = LazyModule("haulmer._async.client")
    _sync_client = LazyModule("haulmer._sync.client")
    _transport = LazyModule("haulmer.testing._transport")

if sys.version_info >= (3, 11):  # at run time too: typing.get_type_hints reads **options
    from typing import Unpack
else:
    from typing_extensions import Unpack

__all__ = ["ENVIRONMENTS", "SANDBOX_API_KEY", "Environment", "FakeHaulmer", "Outcome"]

Environment = Literal["sandbox", "production"]
ENVIRONMENTS: tuple[Environment, ...] = ("sandbox", "production")
"""The OpenFactura flavours the fake can play (where the sandbox and production differ)."""

SANDBOX_API_KEY = "928e15a2d14d4a6292345f04960f4bd3"
"""The public sandbox key of HAULMER SPA (published in OpenFactura's docs); the clients' default."""


class Outcome:
    """What :meth:`FakeHaulmer.handle` decided: an answer, plus fake seconds it took."""

    __slots__ = ("delay", "entry", "response")

    def __init__(
        self, response: FakeResponse, delay: float = 0.0, entry: LoggedRequest | None = None
    ) -> None:
        self.response: FakeResponse = response
        self.delay: float = delay
        self.entry: LoggedRequest | None = entry


class FakeHaulmer:
    """A stateful in-process Haulmer: routes, clock, outbox, control, request log, reset.

    ``environment`` picks where OpenFactura's sandbox and production differ ("sandbox" by
    default, like the public key). ``request_log_size`` bounds ``requests`` (``None``: keep all).
    One lock serialises requests, so threads and asyncio tasks may share the fake and its clients.
    """

    openfactura_state: OpenFacturaState
    openfactura_emission: Emission
    platform_state: Any

    def __init__(
        self,
        *,
        clock: FakeClock | None = None,
        environment: Environment = "sandbox",
        request_log_size: int | None = DEFAULT_LOG_SIZE,
    ) -> None:
        if environment not in ENVIRONMENTS:
            raise ValueError(
                f"environment must be 'sandbox' or 'production', got {shown(environment)}: it "
                "picks which of OpenFactura's two flavours the fake plays"
            )
        if clock is not None and not isinstance(clock, FakeClock):
            raise TypeError(
                "clock= takes a FakeClock, such as FakeHaulmer(clock=FakeClock(datetime."
                f"datetime(2026, 1, 2, 9, 0))) to start the fake at that time, not "
                f"{type(clock).__name__} {shown(clock)}"
            )
        self.environment: Environment = environment
        self.clock: FakeClock = clock if clock is not None else FakeClock()
        self.lock: ForkSafeLock = ForkSafeLock(reentrant=True)
        """Held while a request is served (and by :meth:`issue_from_supplier`); re-entrant."""
        self.router: Router = Router()
        self.control: Control = Control(router=self.router)
        self.requests: RequestLog = RequestLog(request_log_size, router=self.router)
        self._reset_hooks: list[Callable[[], None]] = []
        self._outbox: Outbox | None = None
        self._transport: _transport.FakeTransport | None = None
        from haulmer.testing import openfactura

        openfactura.install(self)
        from haulmer.testing import platform

        platform.install(self)
        self._own_routes: Router = Router()
        """The fake's side channel for tests in other languages (``GET /_fake/outbox``)."""
        from haulmer.testing import _own_routes

        _own_routes.install(self, self._own_routes)

    # -- state ------------------------------------------------------------------------------

    @property
    def outbox(self) -> Outbox:
        """The e-mails the platform sent, in order (links and tokens included)."""
        if self._outbox is None:
            from haulmer.testing._outbox import Outbox

            self._outbox = Outbox(now=self.clock.now)
        return self._outbox

    def on_reset(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` on every :meth:`reset` (apps clear their state there); one that
        cannot be called is a TypeError here, not in every later reset."""
        if not callable(callback):
            raise TypeError(
                f"on_reset() takes a function of no arguments, got {type(callback).__name__}"
            )
        self._reset_hooks.append(callback)

    def reset(self) -> None:
        """Back to a fresh fake: apps' state, outbox, faults, request log and clock start."""
        with self.lock:
            self.control.clear()
            self.requests.clear()
            self.clock.reset()
            if self._outbox is not None:
                self._outbox.clear()
            for hook in self._reset_hooks:
                hook()

    def add_openfactura_tenant(
        self,
        api_key: str,
        *,
        rut: str,
        razon_social: str,
        giro: str = "",
        acteco: int | str = 620200,
        direccion: str = "",
        comuna: str = "",
        dte_types: Iterable[int | str] | None = None,
        **extra: Unpack[TenantOptions],
    ) -> Tenant:
        """Register a taxpayer reachable with ``api_key`` on the fake OpenFactura.

        ``dte_types`` defaults to the national types (33, 34, 39, 41, 43, 46, 52, 56, 61; add
        110, 111 and 112 for an exporter); ``extra`` (``TenantOptions``) may set ``ciudad``,
        ``cdg_sii_sucur``, ``email``, ``telefono``, ``nombre_fantasia``, ``web``,
        ``organization_name``, ``resolucion_fecha``, ``resolucion_numero``,
        ``folios_per_type``; another key is a TypeError. Raises ``ValueError`` when another key
        already serves ``rut``, or ``api_key`` is already some company's key: OpenFactura has
        one account per RUT.
        """
        check_tenant_options(extra)
        types: dict[str, Any] = {} if dte_types is None else {"dte_types": dte_types}
        with self.lock:
            return self.openfactura_state.add_tenant(
                api_key,
                rut=rut,
                razon_social=razon_social,
                giro=giro,
                acteco=acteco,
                direccion=direccion,
                comuna=comuna,
                **types,
                **extra,
            )

    def issue_from_supplier(
        self, document: _dte.Document | Mapping[str, Any], *, razon_social: str | None = None
    ) -> IssuedDocument:
        """Issue a DTE as an outside supplier so that its receptor finds it in its received list.

        ``document`` is a ``haulmer.dte.Document`` or a ``dte`` dict in SII names with Folio 0;
        its ``RUTEmisor`` becomes a taxpayer of the fake if it is not one (with an API key nobody
        knows). Returns the issued document (``.token``, ``.folio``, ``.xml``...).
        """

        from haulmer.openfactura.emission import to_openfactura_dte

        dte = to_openfactura_dte(document)
        emisor = dte["Encabezado"]["Emisor"]
        with self.lock:
            tenant = self.openfactura_state.tenant_for_rut(emisor["RUTEmisor"])
            if tenant is None:
                tenant = self.add_openfactura_tenant(
                    secrets.token_hex(16),
                    rut=emisor["RUTEmisor"],
                    razon_social=razon_social
                    or emisor.get("RznSoc")
                    or emisor.get("RznSocEmisor")
                    or "PROVEEDOR",
                    giro=emisor.get("GiroEmis") or emisor.get("GiroEmisor") or "",
                    direccion=emisor.get("DirOrigen", ""),
                    comuna=emisor.get("CmnaOrigen", ""),
                )
            return self.openfactura_emission.issue_as(tenant, {"dte": dte})

    def self_service_page(self, url: str) -> SelfServicePage:
        """The customer's side of a self-service link the fake handed out (by its URL or token):
        take the boleta, or turn the sale into a factura. ``LookupError`` for an unknown link."""
        with self.lock:
            link = self.openfactura_state.self_service_link(url)
        if link is None:
            raise LookupError(
                f"the fake handed out no self-service link {shown(url)}: pass the url of a "
                "SelfServiceLink that documents.self_service_link(...) returned (or its token)"
            )
        return SelfServicePage(link, self.openfactura_emission, self.lock)

    # -- serving ----------------------------------------------------------------------------

    def handle(self, request: FakeRequest) -> Outcome:
        """Serve one request: log it, apply scripted faults, route it (one request at a time).

        Raises :class:`ConnectionDropped` when a fault drops the connection; the caller (the
        transport or the HTTP server) turns that into what a client would see.
        """
        if not isinstance(request, FakeRequest):
            raise TypeError(f"handle() takes a FakeRequest, got {type(request).__name__}")
        with self.lock:
            return self._handle(request)

    @own_arithmetic  # a server's own arithmetic: served in the client's thread, not its context
    def _handle(self, request: FakeRequest) -> Outcome:
        own = self._own_routes.match(request.method, request.path)
        if own is not None:  # the test's side channel: neither logged nor faulted
            return Outcome(own[0].handler(request))
        match = self.router.match(request.method, request.path)
        route: Route | None = None
        if match is not None:
            route, request.path_params = match
            request.route_name = route.name
        entry = LoggedRequest(
            method=request.method,
            path=request.path,
            query=request.query,
            headers=request.headers,
            content=without_secrets(request.content),
            route=request.route_name,
            at=request.arrived_at or self.clock.now(),
        )
        self.requests.append(entry)
        fault = self.control.take_fault(route, request.method, request.path)
        if fault is not None and fault.kind == "drop_before":
            entry.outcome = "dropped_before"
            raise ConnectionDropped(after=False)
        if fault is not None and fault.kind == "status":
            response = fault.response()
            entry.outcome = "failed"
        else:
            response = (
                route.handler(request)
                if route is not None
                else gateway_not_found(self.environment, request.path)
            )
        if fault is not None and fault.kind in ("drop_after", "slow") and response.by_gateway:
            # The service never saw this request: the fault waits for one it serves.
            fault.times += 1
            fault = None
        entry.status = response.status
        entry.response = response.parsed()
        entry.request_id = _with_request_id(response)
        if fault is not None and fault.kind == "drop_after":
            entry.outcome = "dropped_after"
            raise ConnectionDropped(after=True)
        delay = fault.delay if fault is not None and fault.kind == "slow" else 0.0
        return Outcome(response, delay, entry)

    def mark_timed_out(self, entry: LoggedRequest | None = None) -> None:
        """Record that the client gave up waiting for ``entry`` (default: the last request)."""
        if entry is not None and not isinstance(entry, LoggedRequest):
            raise TypeError(f"mark_timed_out() takes a LoggedRequest, got {type(entry).__name__}")
        if entry is None and self.requests:
            entry = self.requests[-1]
        if entry is not None:
            entry.outcome = "timed_out"

    # -- clients ----------------------------------------------------------------------------

    @property
    def transport(self) -> _transport.FakeTransport:
        """The httpx transport (sync and async) that routes requests into this fake."""
        if self._transport is None:
            from haulmer.testing._transport import FakeTransport

            self._transport = FakeTransport(self)
        return self._transport

    def client(self, **options: Unpack[ClientOptions]) -> _sync_client.Haulmer:
        """A ``haulmer.Haulmer`` wired to this fake (default key: the public sandbox key);
        ``options`` are ``Haulmer``'s keywords."""
        from haulmer.testing._transport import build_client

        try:
            with LocalsForgottenOnRefusal():
                return build_client(self, **options)
        finally:
            del options  # its key and token are not in this frame's locals (error trackers)

    def async_client(self, **options: Unpack[AsyncClientOptions]) -> _async_client.AsyncHaulmer:
        """A ``haulmer.AsyncHaulmer`` wired to this fake (default key: the public sandbox key);
        ``options`` are ``AsyncHaulmer``'s keywords."""
        from haulmer.testing._transport import build_async_client

        try:
            with LocalsForgottenOnRefusal():
                return build_async_client(self, **options)
        finally:
            del options  # its key and token are not in this frame's locals (error trackers)

    def __reduce__(self) -> Any:
        """Refused (pickling and copying alike): one fake is one platform."""
        raise TypeError(_NOT_COPIED)

    def __copy__(self) -> FakeHaulmer:
        raise TypeError(_NOT_COPIED)

    def __deepcopy__(self, memo: dict[int, Any]) -> FakeHaulmer:
        raise TypeError(_NOT_COPIED)

    def __repr__(self) -> str:
        return (
            f"FakeHaulmer(environment={self.environment!r}, clock={self.clock!r}, "
            f"requests={self.requests.total})"
        )


_NOT_COPIED = (
    "a FakeHaulmer cannot be copied or pickled: it is one platform, whose documents, folios, "
    "accounts and clock its clients share. Share the fake itself (threads and tasks may), make "
    "another FakeHaulmer() for a platform of its own, or, for another process, serve it "
    "(haulmer.testing.serve(fake)) and point that process's client at its URL"
)


def _with_request_id(response: FakeResponse) -> str:
    """Give ``response`` an ``X-Request-Id`` (as Haulmer's gateway does) unless it has one."""
    for name, value in response.headers.items():
        if name.lower() == "x-request-id":
            return value
    request_id = f"req_{secrets.token_hex(8)}"
    response.headers["X-Request-Id"] = request_id
    return request_id
