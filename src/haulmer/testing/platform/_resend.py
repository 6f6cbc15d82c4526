"""A way back from every expired e-mail link: the platform sends the link again, with a new token.

The answer never says whether the address has an account or a link still due (as forgot-password).
"""

from __future__ import annotations

from typing import Any

from haulmer._platform import EMAIL_ADDRESS, address_key
from haulmer.testing.platform._checkout import CheckoutSteps
from haulmer.testing.platform._errors import invalid
from haulmer.testing.platform._setup import SetupSteps

LINK_PURPOSES = (
    "create_password",
    "choose_tax_document",
    "activate_workspace",
    "start_openfactura_setup",
)
"""The links that carry a token, by ``Link.purpose``."""


class ResendSteps(CheckoutSteps, SetupSteps):
    """``POST /v1/accounts/links/resend``: each link still due for the address is sent again."""

    def resend_link(self, body: dict[str, Any]) -> dict[str, Any]:
        """Send again the e-mail of ``purpose`` wherever its step is not done yet."""
        email, purpose = body.get("email"), body.get("purpose")
        problems: list[tuple[str, str]] = []
        if not isinstance(email, str) or not EMAIL_ADDRESS.fullmatch(email.strip()):
            problems.append(("email", "required e-mail address"))
        if purpose not in LINK_PURPOSES:
            problems.append(("purpose", f"one of {', '.join(LINK_PURPOSES)}"))
        if problems:
            raise invalid("say which link to send again, and to whom", problems)
        assert isinstance(email, str)
        address = address_key(email)
        with self.lock:
            now = self.now()
            if purpose == "create_password":
                self.forgot_password({"email": email})
            elif purpose == "choose_tax_document":
                for order in self._paid_orders_of(address):
                    if order.tax_document is None:
                        self._send_tax_document_link(order, now)
            elif purpose == "activate_workspace":
                activated = {w.order_id for w in self.workspaces.values()}
                for order in self._paid_orders_of(address):
                    if order.id not in activated:
                        self._send_welcome(order, now)
            else:
                started = {s.workspace_id for s in self.setups.values()}
                for workspace in self.workspaces.values():
                    if (
                        workspace.status == "active"
                        and workspace.id not in started
                        and address_key(workspace.instructions_to) == address
                    ):
                        self._send_openfactura_invitation(workspace, now)
        return {
            "status": "accepted",
            "purpose": purpose,
            "message": "if a link of this kind is still due for the address, it was sent again",
        }

    def _paid_orders_of(self, address: str) -> list[Any]:
        return [
            order
            for order in self.orders.values()
            if order.status == "paid" and address_key(order.buyer["email"]) == address
        ]
