"""Arguments no caller means, given to the client's methods: a typed error before any request.

Found by calling every public method with odd values: an int of thousands of digits (Python
writes no more than 4,300 as text), a NUL byte or a lone surrogate (no URL, file name or UTF-8
body can carry one), a timeout past any float, per-call options of the wrong type.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from haulmer import Haulmer
from haulmer.errors import CertificateError, ConfigurationError, ValidationError
from haulmer.testing import FakeHaulmer

HUGE = 10**5000

CASES: dict[str, tuple[Callable[[Haulmer], Any], type[Exception], str]] = {
    "extra_headers not a mapping": (
        lambda c: c.checkout.retrieve_order("o-1", extra_headers="X-A: 1"),  # type: ignore[arg-type]
        ValidationError,
        "extra_headers must be a mapping of header names to values, got str",
    ),
    "filters not a mapping": (
        lambda c: c.openfactura.documents.list_issued(filters="TipoDTE=33"),  # type: ignore[arg-type]
        ValidationError,
        "filters must be a mapping of wire names to values, got str",
    ),
    "timeout past any float": (
        lambda c: c.checkout.retrieve_order("o-1", timeout=HUGE),
        ConfigurationError,
        "timeout must be a positive, finite number of seconds, got an int of about 5000 digits",
    ),
    "timeout not a number": (
        lambda c: c.checkout.retrieve_order("o-1", timeout=float("nan")),
        ConfigurationError,
        "timeout must be a positive, finite number of seconds, got nan",
    ),
    "id with a NUL byte": (
        lambda c: c.checkout.retrieve_order("o-\x00"),
        ValidationError,
        "order_id must be",
    ),
    "id with a lone surrogate": (
        lambda c: c.checkout.retrieve_order("o-\ud800"),
        ValidationError,
        "order_id must be",
    ),
    "id of thousands of digits": (
        lambda c: c.checkout.retrieve_order(HUGE),  # type: ignore[arg-type]
        ValidationError,
        "got an int of about 5000 digits",
    ),
    "text with a lone surrogate": (
        lambda c: c.workspace.rename("w-1", "Mi \ud800 empresa"),
        ValidationError,
        "lone surrogate (U+D800)",
    ),
    "certificate path with a NUL byte": (
        lambda c: c.openfactura.setup.upload_certificate("s-1", "firma\x00.pfx", password="x"),
        CertificateError,
        "no signature file can have the name",
    ),
    "attachment path with a NUL byte": (
        lambda c: c.myhaulmer.reply_ticket("t-1", "hola", attachment="a\x00.pdf"),
        ValidationError,
        "no attachment can have the path",
    ),
    "idempotency key of thousands of digits": (
        lambda c: c.openfactura.setup.start(workspace_id="w-1", idempotency_key=HUGE),  # type: ignore[arg-type]
        ValidationError,
        "got an int of about 5000 digits",
    ),
    "acuse of thousands of digits": (
        lambda c: c.openfactura.documents.accuse("76086428-5", 33, 1, HUGE),  # type: ignore[arg-type]
        ValidationError,
        "unknown acuse an int of about 5000 digits",
    ),
    "registry year of thousands of digits": (
        lambda c: c.openfactura.registry.sales(HUGE, 1),
        ValidationError,
        "year must be a four-digit year, got an int of about 5000 digits",
    ),
    "rut of thousands of digits": (
        lambda c: c.openfactura.taxpayer.retrieve(HUGE),  # type: ignore[arg-type]
        ValidationError,
        "got an int of about 5000 digits",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_argument_no_caller_means_is_a_typed_error_before_any_request(case: str) -> None:
    call, error, message = CASES[case]
    fake = FakeHaulmer()
    client = fake.client(access_token="session")
    with pytest.raises(error, match=_literal(message)):
        call(client)
    assert fake.requests.total == 0


def _literal(text: str) -> str:
    return re.escape(text)
