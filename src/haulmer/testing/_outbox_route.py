"""``GET /_fake/outbox``: the fake's outbox over HTTP, for tools in other languages.

A test written in another language drives a served fake (``serve()``, ``haulmer serve``) through
the platform's journey, whose next step needs the token of an e-mail's link: it reads the e-mails
here as a Python test reads ``fake.outbox``. Haulmer has no such route; only the fake serves it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from haulmer._shown import shown
from haulmer.testing._wire import FakeRequest, FakeResponse

if TYPE_CHECKING:
    from haulmer.testing._fake import FakeHaulmer
    from haulmer.testing._outbox import Email
    from haulmer.testing._router import Router

__all__ = ["OUTBOX_PATH", "install"]

OUTBOX_PATH = "/_fake/outbox"
"""Where a served fake lists its outbox (route name ``fake.outbox``)."""

FILTERS = ("to", "subject_contains")
"""The query parameters it takes, meaning what ``fake.outbox.last(...)``'s arguments mean."""


def email_json(email: Email) -> dict[str, Any]:
    """One e-mail as the route answers it: every field, each link with its token."""
    return {
        "to": email.to,
        "subject": email.subject,
        "body": email.body,
        "sent_at": email.sent_at.isoformat(),
        "links": [
            {"url": link.url, "purpose": link.purpose, "token": link.token} for link in email.links
        ],
    }


def install(fake: FakeHaulmer, router: Router) -> None:
    """Register ``GET /_fake/outbox`` on ``router``, the fake's own routes: a test's side channel,
    never logged in ``fake.requests`` nor met by ``fake.control``'s faults, as reading
    ``fake.outbox`` in Python is neither."""

    def list_outbox(request: FakeRequest) -> FakeResponse:
        unknown = sorted(set(request.query) - set(FILTERS))
        if unknown:
            return FakeResponse(
                400,
                json={
                    "error": {
                        "code": "validation_failed",
                        "message": f"{OUTBOX_PATH} takes the filters 'to' (an address) and "
                        f"'subject_contains' (text in the subject), not {shown(unknown[0])}",
                        "details": [{"field": name, "issue": "unknown filter"} for name in unknown],
                    }
                },
            )
        to = request.query.get("to")
        emails = fake.outbox.for_address(to) if to is not None else list(fake.outbox)
        wanted = request.query.get("subject_contains")
        if wanted is not None:
            emails = [email for email in emails if wanted in email.subject]
        return FakeResponse(200, json={"emails": [email_json(email) for email in emails]})

    router.add("GET", OUTBOX_PATH, list_outbox, name="fake.outbox")
