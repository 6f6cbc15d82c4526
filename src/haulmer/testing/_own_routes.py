"""The fake's own routes, for tests in other languages: its outbox and its clock over HTTP.

A test written in another language drives a served fake (``serve()``, ``haulmer serve``) through
the platform's journey, whose steps need the token of an e-mail's link and wait on the fake's
clock (the bank's 2 minutes, the SII's business days): ``GET /_fake/outbox`` lists the e-mails as
``fake.outbox`` does, ``GET /_fake/clock`` and ``POST /_fake/clock/advance`` read and move the
clock as ``fake.clock`` does. Haulmer has no such routes; only the fake serves them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from haulmer._shown import shown
from haulmer.testing._wire import FakeRequest, FakeResponse, parse_json

if TYPE_CHECKING:
    from haulmer.testing._fake import FakeHaulmer
    from haulmer.testing._outbox import Email
    from haulmer.testing._router import Router

__all__ = ["ADVANCE_PATH", "CLOCK_PATH", "OUTBOX_PATH", "install"]

OUTBOX_PATH = "/_fake/outbox"
"""Where a served fake lists its outbox (route name ``fake.outbox``)."""

CLOCK_PATH = "/_fake/clock"
"""Where a served fake tells its time (route name ``fake.clock``)."""

ADVANCE_PATH = "/_fake/clock/advance"
"""Where a served fake's clock is moved forward (route name ``fake.clock.advance``)."""

MOVES = ("days", "hours", "minutes", "seconds")
"""What ``POST /_fake/clock/advance`` takes, meaning what ``fake.clock.advance()``'s do."""

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


def _refused(message: str, details: list[tuple[str, str]]) -> FakeResponse:
    """A 400 in the platform's error envelope, naming each field that is wrong."""
    return FakeResponse(
        400,
        json={
            "error": {
                "code": "validation_failed",
                "message": message,
                "details": [{"field": name, "issue": issue} for name, issue in details],
            }
        },
    )


def _clock_json(fake: FakeHaulmer) -> dict[str, str]:
    now = fake.clock.now()
    return {"now": now.isoformat(), "today": now.date().isoformat()}


def _advance(fake: FakeHaulmer, request: FakeRequest) -> FakeResponse:
    """Move the clock by ``{"days", "hours", "minutes", "seconds"}`` (each a number >= 0)."""
    usage = (
        f"{ADVANCE_PATH} takes a JSON object of days, hours, minutes and seconds to move the "
        'fake\'s clock forward, each a number >= 0, such as {"days": 1}'
    )
    try:
        body = parse_json(request.content) if request.content else {}
    except ValueError:
        return _refused(f"the body is not JSON: {usage}", [("body", "not JSON")])
    if not isinstance(body, dict):
        return _refused(usage, [("body", "not an object")])
    problems = [(name, "unknown field") for name in body if name not in MOVES]
    for name in MOVES:
        value = body.get(name, 0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append((name, "not a number"))
        elif not math.isfinite(value) or value < 0:
            problems.append((name, "not a number >= 0"))
    if problems:
        return _refused(usage, problems)
    try:
        fake.clock.advance(**{name: body.get(name, 0) for name in MOVES})
    except ValueError as exc:  # past the year 9999
        moved = [(name, "moves the clock past the year 9999") for name in MOVES if body.get(name)]
        return _refused(str(exc), moved)
    return FakeResponse(200, json=_clock_json(fake))


def install(fake: FakeHaulmer, router: Router) -> None:
    """Register the fake's own routes on ``router``: a test's side channel, never logged in
    ``fake.requests`` nor met by ``fake.control``'s faults, as ``fake.outbox`` and
    ``fake.clock`` in Python are not."""

    def list_outbox(request: FakeRequest) -> FakeResponse:
        unknown = sorted(set(request.query) - set(FILTERS))
        if unknown:
            return _refused(
                f"{OUTBOX_PATH} takes the filters 'to' (an address) and 'subject_contains' (text "
                f"in the subject), not {shown(unknown[0])}",
                [(name, "unknown filter") for name in unknown],
            )
        # filtered as outbox.last() filters: addresses as the platform compares them, subjects
        # in Unicode NFC (accents match however typed)
        query = request.query
        emails = fake.outbox._matching(query.get("to"), query.get("subject_contains"))
        return FakeResponse(200, json={"emails": [email_json(email) for email in emails]})

    router.add("GET", OUTBOX_PATH, list_outbox, name="fake.outbox")
    router.add(
        "GET", CLOCK_PATH, lambda request: FakeResponse(json=_clock_json(fake)), name="fake.clock"
    )
    router.add(
        "POST", ADVANCE_PATH, lambda request: _advance(fake, request), name="fake.clock.advance"
    )
