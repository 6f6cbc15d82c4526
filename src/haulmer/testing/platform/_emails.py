"""Subjects and bodies of the e-mails the fake platform sends, as Haulmer words them."""

from __future__ import annotations

from urllib.parse import urlencode

from haulmer.testing._outbox import Link

LINKS_BASE = "https://fake-haulmer.invalid"
"""Where e-mail links point: a reserved ``.invalid`` host, so no one mistakes it for Haulmer's."""

PURCHASE = "Compra exitosa"
PAYMENT_CONFIRMED = "Pago Confirmado"
TAX_DOCUMENT = "¿Boleta o factura? Obtén tu documento tributario por la compra en HAULMER"
CREATE_PASSWORD = "[Haulmer Accounts] Crea tu nueva contraseña"
WELCOME = "[Workspace] ¡Bienvenido a Haulmer! Crea tu nuevo espacio de trabajo"
OPENFACTURA_SETUP = "[OpenFactura] Configura tu empresa y carga firma electrónica"
CERTIFICATION_PROGRESS = "[OpenFactura] Avance de tu certificación ante el SII"
CERTIFIED = "[OpenFactura] ¡Tu empresa está certificada ante el SII!"
CERTIFICATION_ACTION_REQUIRED = "[OpenFactura] Tu certificación ante el SII necesita una acción"
CERTIFICATION_FAILED = "[OpenFactura] Tu certificación ante el SII no pudo completarse"
TICKET_REPLY = "[Soporte Haulmer] Respuesta a tu ticket"


def token_link(path: str, purpose: str, token: str) -> Link:
    """A link carrying ``token`` in its query string."""
    return Link(
        url=f"{LINKS_BASE}{path}?{urlencode({'token': token})}", purpose=purpose, token=token
    )


def plain_link(path: str, purpose: str) -> Link:
    """A link without a token (to read an order, a certification...)."""
    return Link(url=f"{LINKS_BASE}{path}", purpose=purpose)


def payment_confirmed_subject(order_number: int) -> str:
    """``Pago Confirmado - Orden N° 100001``."""
    return f"{PAYMENT_CONFIRMED} - Orden N° {order_number}"


def payment_rejected_subject(order_number: int) -> str:
    """``Pago rechazado - Orden N° 100001``."""
    return f"Pago rechazado - Orden N° {order_number}"


def ticket_reply_subject(ticket_number: int) -> str:
    """``[Soporte Haulmer] Respuesta a tu ticket N° 1``."""
    return f"{TICKET_REPLY} N° {ticket_number}"


def pesos(amount: int) -> str:
    """An amount as Chile writes it: ``179.870`` (a dot between thousands)."""
    return f"{amount:,}".replace(",", ".")


def certification_subject(stage_label: str) -> str:
    """``[OpenFactura] Avance de tu certificación ante el SII: Set de pruebas``."""
    return f"{CERTIFICATION_PROGRESS}: {stage_label}"
