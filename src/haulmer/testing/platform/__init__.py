"""The platform side of the fake: checkout, Accounts, Workspace, OpenFactura setup, MyHaulmer,
Catalogue and Point.

``install(fake)`` registers the ``/v1/...`` routes of docs/platform-api.md on the fake's router,
hangs the state machine off ``fake.platform_state`` and sends the journey's e-mails to
``fake.outbox``. Time-driven steps (bank validation, SII certification) follow ``fake.clock``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["install"]


def install(fake: Any) -> None:
    """Register the platform routes and state on ``fake`` (called by ``FakeHaulmer.__init__``)."""
    from haulmer.testing.platform._routes import register
    from haulmer.testing.platform._state import PlatformState

    openfactura = getattr(fake, "openfactura_state", None)

    def openfactura_holder(rut: str) -> str | None:
        tenant = None if openfactura is None else openfactura.tenant_for_rut(rut)
        return None if tenant is None else str(tenant.razon_social)

    state = PlatformState(
        clock=fake.clock,
        outbox=fake.outbox,
        register_tenant=getattr(fake, "add_openfactura_tenant", None),
        openfactura_holder=openfactura_holder,
    )
    emission = getattr(fake, "openfactura_emission", None)

    def issue_dte(rut: str, body: dict[str, Any]) -> Any:
        """Issue as the company with this RUT through the fake OpenFactura's emission."""
        tenant = None if openfactura is None else openfactura.tenant_for_rut(rut)
        if tenant is None or emission is None:
            raise LookupError(f"the fake OpenFactura has no company with RUT {rut}")
        return emission.issue_as(tenant, body)

    state.issue_dte = issue_dte
    state.certification_scripts = fake.control
    fake.control._platform = state
    fake.platform_state = state
    fake.outbox.before_read(state.catch_up)
    fake.on_reset(state.reset)
    register(fake, state)
