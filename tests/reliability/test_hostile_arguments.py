"""Arguments no caller means, given to the client's methods: a typed error before any request.

Found by calling every public method with odd values: an int of thousands of digits (Python
writes no more than 4,300 as text), a NUL byte or a lone surrogate (no URL, file name or UTF-8
body can carry one), a timeout past any float, per-call options of the wrong type.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from haulmer import Haulmer
from haulmer.errors import CertificateError, ConfigurationError, DocumentError, ValidationError
from haulmer.testing import FakeHaulmer

from .conftest import bounded

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
        "year must be a four-digit year from 2000 to 2100, got an int of about 5000 digits",
    ),
    "an id of a megabyte": (
        lambda c: c.checkout.retrieve_order("o" * 1_000_000),
        ValidationError,
        "would make a URL of about 1,000,",
    ),
    "a waited-for id of a megabyte": (
        lambda c: c.checkout.wait_for_payment("o" * 1_000_000),
        ValidationError,
        "servers refuse URLs past 8,192",
    ),
    "an extra_query value of a megabyte": (
        lambda c: c.openfactura.organization.retrieve(extra_query={"x": "A" * 1_000_000}),
        ValidationError,
        "would make a URL of about 1,000,",
    ),
    "a folio of a megabyte": (
        lambda c: c.openfactura.documents.void_guia("1" * 1_000_000, "2026-11-27"),  # type: ignore[arg-type]
        ValidationError,
        "folio must be a positive integer, got '11111",
    ),
    "an e-mail address of a megabyte": (
        lambda c: c.workspace.set_administrator("w-1", email="a" * 1_000_000, name="Ana"),
        ValidationError,
        "is not an e-mail address",
    ),
    "rut of thousands of digits": (
        lambda c: c.openfactura.taxpayer.retrieve(HUGE),  # type: ignore[arg-type]
        ValidationError,
        "got an int of about 5000 digits",
    ),
    "max_retries of thousands of digits below zero": (
        lambda c: c.checkout.retrieve_order("o-1", max_retries=-HUGE),
        ConfigurationError,
        "max_retries must be an integer >= 0, got an int of about 5000 digits",
    ),
    "max_retries of a megabyte of text": (
        lambda c: c.checkout.retrieve_order("o-1", max_retries="9" * 1_000_000),  # type: ignore[arg-type]
        ConfigurationError,
        "max_retries must be an integer >= 0, got '999",
    ),
    "an extra header named by a number": (
        lambda c: c.checkout.retrieve_order("o-1", extra_headers={1: "x"}),  # type: ignore[dict-item]
        ConfigurationError,
        "Headers map names to text values; got int -> str for 1",
    ),
    "an extra query value with a lone surrogate": (
        lambda c: c.checkout.retrieve_order("o-1", extra_query={"q": "caf\udce9"}),
        ValidationError,
        "extra_query['q'] holds a lone surrogate",
    ),
    "an extra query name with a lone surrogate": (
        lambda c: c.checkout.retrieve_order("o-1", extra_query={"\udce9": "x"}),
        ValidationError,
        "extra_query names must be non-empty text UTF-8 can carry",
    ),
    "an extra query int of thousands of digits": (
        lambda c: c.checkout.retrieve_order("o-1", extra_query={"q": HUGE}),
        ValidationError,
        "extra_query['q'] is an int of about 5000 digits",
    ),
    "an extra body NaN, which JSON has not": (
        lambda c: c.openfactura.taxpayer.retrieve("76795561-8", extra_body={"x": float("nan")}),
        ValidationError,
        "the request cannot be written as JSON",
    ),
    "an extra body NaN deep in a list, named by its path": (
        lambda c: c.openfactura.taxpayer.retrieve(
            "76795561-8", extra_body={"items": [{"price": 1}, {"price": float("nan")}]}
        ),
        ValidationError,
        "its field items[1].price holds nan, and nan is not a JSON number",
    ),
    "an extra body Decimal infinity": (
        lambda c: c.openfactura.taxpayer.retrieve(
            "76795561-8", extra_body={"x": Decimal("Infinity")}
        ),
        ValidationError,
        "Infinity is not a JSON number",
    ),
    "an extra body signaling Decimal NaN": (
        lambda c: c.openfactura.taxpayer.retrieve("76795561-8", extra_body={"x": Decimal("sNaN")}),
        ValidationError,
        "sNaN is not a JSON number",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_argument_no_caller_means_is_a_typed_error_before_any_request(case: str) -> None:
    call, error, message = CASES[case]
    fake = FakeHaulmer()
    client = fake.client(access_token="session")
    with pytest.raises(error, match=_literal(message)) as caught:
        call(client)
    assert fake.requests.total == 0
    assert len(str(caught.value)) < 1_000  # a megabyte argument is quoted cut, never whole


def _literal(text: str) -> str:
    return re.escape(text)


def _factura_parts() -> dict[str, Any]:
    return {
        "emisor": {
            "rut": "76086428-5",
            "razon_social": "Comercial SpA",
            "giro": "Ventas",
            "direccion": "Av. 1",
            "comuna": "Santiago",
            "actecos": [475201],
        },
        "receptor": {
            "rut": "96790240-3",
            "razon_social": "Minera",
            "giro": "Cobre",
            "direccion": "Av. 2",
            "comuna": "Las Condes",
        },
        "lines": [{"nombre": "x", "cantidad": 1, "precio": 100}],
    }


def _domain_cases() -> dict[str, tuple[Callable[[], Any], type[Exception], str]]:
    import haulmer.dte as dte
    from haulmer import sii
    from haulmer.dte.catalogue import DTEType
    from haulmer.dte.totals import line_amounts, round_peso, split_gross
    from haulmer.passwords import check_password
    from haulmer.sii import Caf

    parts = _factura_parts()
    return {
        "issue of text": (
            lambda: sii.issue("<DTE/>", caf=None, certificate=None),  # type: ignore[arg-type]
            TypeError,
            "issue() takes a haulmer.dte.Document (or its .checked()), got str",
        ),
        "timbre of text": (
            lambda: sii.timbre_bytes("<DD/>"),  # type: ignore[arg-type]
            TypeError,
            "expected an lxml element, got str",
        ),
        "CAF from bytes": (
            lambda: Caf.from_element(b"<CAF/>"),  # type: ignore[arg-type]
            TypeError,
            "expected the CAF's lxml element, got bytes",
        ),
        "password policy as text": (
            lambda: check_password("Abcdef123", policy="strict"),  # type: ignore[arg-type]
            TypeError,
            "policy must be a PasswordPolicy, got str",
        ),
        "receptor as text": (
            lambda: dte.factura(**{**parts, "receptor": "Minera"}),
            TypeError,
            "expected a mapping of SII or Python field names (a dict) or a haulmer.dte model",
        ),
        "boleta's emisor as text": (
            lambda: dte.boleta(emisor="Comercial SpA", lines=parts["lines"]),  # type: ignore[arg-type]
            TypeError,
            "expected a mapping of SII or Python field names (a dict) or a haulmer.dte model, "
            "got str",
        ),
        "boleta's emisor as a number": (
            lambda: dte.boleta(emisor=76086428, lines=parts["lines"]),  # type: ignore[arg-type]
            TypeError,
            "expected a mapping of SII or Python field names (a dict) or a haulmer.dte model, "
            "got int",
        ),
        "note of text": (
            lambda: dte.nota_credito("F1T33", razon="x"),  # type: ignore[arg-type]
            TypeError,
            "the document a note amends is a haulmer.dte.Document, got str",
        ),
        "line amounts of text": (
            lambda: line_amounts("x"),  # type: ignore[arg-type]
            TypeError,
            "line_amounts takes a haulmer.dte.Detalle, got str",
        ),
        "pesos of text": (
            lambda: round_peso("1.5"),  # type: ignore[arg-type]
            TypeError,
            "round_peso takes a Decimal or an int, got str",
        ),
        "gross of text": (
            lambda: split_gross("1190"),  # type: ignore[arg-type]
            TypeError,
            "split_gross takes the total as an int of pesos",
        ),
        "type of thousands of digits": (
            lambda: DTEType.parse(HUGE),
            DocumentError,
            "an int of about 5000 digits is not an electronic document type",
        ),
        "build of thousands of digits": (
            lambda: dte.build(HUGE, **parts),
            DocumentError,
            "an int of about 5000 digits is not an electronic document type (TipoDTE)",
        ),
        "totals of a type that is none": (
            lambda: dte.compute_totals("factura", []),  # type: ignore[arg-type]
            DocumentError,
            "'factura' is not an electronic document type",
        ),
    }


@pytest.mark.parametrize("case", sorted(_domain_cases()))
def test_the_domain_layer_names_a_wrong_argument(case: str) -> None:
    call, error, message = _domain_cases()[case]
    with pytest.raises(error, match=_literal(message)):
        call()


def test_a_file_that_never_ends_is_read_no_further_than_its_bound() -> None:
    from haulmer._files import read_limited

    with pytest.raises(OSError, match="it holds more than 1,024 bytes"):
        read_limited("/dev/zero", 1024)


def test_a_signature_path_to_a_device_is_refused_not_read_whole() -> None:
    # /dev/zero never ends: read whole, it would fill the memory.
    from haulmer.pfx import load_pfx

    with pytest.raises(CertificateError, match="holds more than 1,048,576 bytes"):
        load_pfx("/dev/zero", "x")


@pytest.mark.parametrize("command", ["verify", "parse", "caf"])
def test_a_file_name_no_file_can_have_exits_two(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from haulmer.cli import main

    assert main([command, "dte\x00.xml"]) == 2
    assert "no file can have the name" in capsys.readouterr().err


def test_an_int_for_a_file_is_no_file_descriptor_to_read_and_close() -> None:
    # open() takes an int as a file descriptor and closes it after: 1 would close stdout.
    import os

    from haulmer._files import read_limited

    reading, writing = os.pipe()
    try:
        client = FakeHaulmer().client(access_token="session")
        with pytest.raises(TypeError, match=r"takes the \.pfx's bytes or its path, got int"):
            client.openfactura.setup.upload_certificate("s-1", reading, password="x")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="expected a file path, got int"):
            read_limited(reading, 10)  # type: ignore[arg-type]
        os.fstat(reading)  # still open
    finally:
        os.close(reading)
        os.close(writing)


BACKTRACKING_ADDRESS = "ana@" + ".b" * 100_000 + "@"
"""No e-mail address, but [^@\\s]+\\.[^@\\s]+ tried each dot against each later one: quadratic."""

ADDRESS_CALLS: dict[str, Callable[[Haulmer], Any]] = {
    "workspace.set_administrator": lambda c: c.workspace.set_administrator(
        "wsp_1", email=BACKTRACKING_ADDRESS, name="Ana"
    ),
    "accounts.forgot_password": lambda c: c.accounts.forgot_password(BACKTRACKING_ADDRESS),
    "accounts.resend_link": lambda c: c.accounts.resend_link(
        BACKTRACKING_ADDRESS, "create_password"
    ),
    "accounts.login": lambda c: c.accounts.login(BACKTRACKING_ADDRESS, "Panaderia2026"),
    "checkout.create_order": lambda c: c.checkout.create_order(
        buyer={
            "name": "Ana",
            "email": BACKTRACKING_ADDRESS,
            "rut": "12345678-5",
            "phone": "+56 9 8765 4321",
        },
        products={"openfactura": 1},
    ),
}


@pytest.mark.parametrize("call", sorted(ADDRESS_CALLS))
def test_a_long_text_that_is_no_e_mail_address_is_refused_in_linear_time(call: str) -> None:
    fake = FakeHaulmer()
    client = fake.client(access_token="session")
    with bounded(), pytest.raises(ValidationError, match="e-mail address"):
        ADDRESS_CALLS[call](client)
    assert fake.requests.total == 0


def test_the_fake_refuses_a_long_text_that_is_no_e_mail_address_in_linear_time() -> None:
    import httpx

    fake = FakeHaulmer()
    buyer = {
        "name": "Ana",
        "email": BACKTRACKING_ADDRESS,
        "rut": "12345678-5",
        "phone": "+56 9 1234 5678",
    }
    with bounded(), httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            "/v1/orders",
            json={"buyer": buyer, "products": [{"code": "openfactura", "quantity": 1}]},
        )
    assert answer.status_code == 400
    assert answer.json()["error"]["details"] == [
        {"field": "buyer.email", "issue": "not an e-mail address"}
    ]
