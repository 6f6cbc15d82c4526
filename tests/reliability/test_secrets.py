"""Secrets never leak: the demo and a scripted journey with failures, at DEBUG logging, leave no
API key, access token, password, .pfx password or bytes, private key or e-mail token in the
logs, the printed output, the messages, the reprs or the tracebacks."""

from __future__ import annotations

import base64
import io
import json
import logging
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

import haulmer.testing
import haulmer.testing.certificates
from haulmer import _demo
from haulmer._core import log as sdk_log
from haulmer.errors import HaulmerError
from haulmer.pfx import load_pfx
from haulmer.testing import FakeHaulmer

from .conftest import attempt


class _Recorder:
    """What the run handed out: fakes (for their request logs and outboxes) and .pfx files."""

    def __init__(self) -> None:
        self.fakes: list[FakeHaulmer] = []
        self.pfx: list[tuple[bytes, str | bytes | None]] = []
        self.passwords: list[str] = []


@pytest.fixture
def recorder(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> Iterator[_Recorder]:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="haulmer")
    # HAULMER_LOG=debug makes the SDK add its own stderr handler once per process, in an
    # application without logging of its own (here the root holds caplog's): it is set up as
    # there, so that the run exercises it; the handler and that "once" are put back afterwards.
    monkeypatch.setenv("HAULMER_LOG", "debug")
    sdk_logger = logging.getLogger("haulmer")
    handlers, level = list(sdk_logger.handlers), sdk_logger.level
    for module in [m for name, m in sys.modules.items() if name.startswith("haulmer.")]:
        if hasattr(module, "setup_from_env") and hasattr(module, "_configured"):
            monkeypatch.setattr(module, "_configured", module._configured)
    roots = logging.root.handlers[:]
    logging.root.handlers.clear()
    try:
        monkeypatch.setattr(sdk_log, "_configured", False)
        sdk_log.setup_from_env()
    finally:
        logging.root.handlers[:] = roots
    assert len(sdk_logger.handlers) == len(handlers) + 1
    seen = _Recorder()
    original_fake = haulmer.testing.FakeHaulmer
    original_pfx = haulmer.testing.certificates.make_test_pfx

    class RecordedFake(original_fake):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            seen.fakes.append(self)

    def recorded_pfx(*args: Any, **kwargs: Any) -> bytes:
        data = original_pfx(*args, **kwargs)
        seen.pfx.append((data, kwargs.get("password", haulmer.testing.certificates.TEST_PASSWORD)))
        return data

    monkeypatch.setattr(haulmer.testing, "FakeHaulmer", RecordedFake)
    monkeypatch.setattr(haulmer.testing.certificates, "make_test_pfx", recorded_pfx)
    yield seen
    for handler in sdk_logger.handlers[:]:
        if handler not in handlers:
            sdk_logger.removeHandler(handler)
    sdk_logger.setLevel(level)


def _secrets(seen: _Recorder) -> dict[str, str]:
    """Each secret the run handled, by a name that says where it came from."""
    found: dict[str, str] = {}
    for index, password in enumerate(seen.passwords):
        found[f"password {index}"] = password
    for fake in seen.fakes:
        for number, request in enumerate(fake.requests):
            for header in ("apikey", "authorization"):
                value = request.headers.get(header)
                if value:
                    found[f"{header} of request {number}"] = value.removeprefix("Bearer ")
        for email in fake.outbox:
            for link in email.links:
                if link.token:
                    found[f"token of {email.subject!r}"] = link.token
    for index, (data, password) in enumerate(seen.pfx):
        if isinstance(password, str):
            found[f"pfx password {index}"] = password
        found[f"pfx {index} (base64)"] = base64.b64encode(data).decode()[40:100]
        found[f"pfx {index} (hex)"] = data[32:64].hex()
        found[f"pfx {index} (bytes repr)"] = repr(data[32:48])[2:-1]
        key = load_pfx(data, password).private_key
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        found[f"private key {index} (PEM)"] = pem.splitlines()[3]
        private = key.private_numbers()
        found[f"private exponent {index}"] = str(private.d)[:40]
        found[f"private exponent {index} (hex)"] = format(private.d, "x")[:40]
        found[f"prime {index}"] = str(private.p)[:40]
    return {name: value for name, value in found.items() if len(value) >= 6}


def _assert_nothing_leaks(seen: _Recorder, texts: dict[str, str]) -> None:
    secrets = _secrets(seen)
    assert any(name.startswith("apikey") for name in secrets), "the run used no API key"
    assert any(name.startswith("token of") for name in secrets), "the run sent no e-mail token"
    assert any(name.startswith("private key") for name in secrets), "the run loaded no .pfx"
    leaks = [
        f"{secret_name} in {where}"
        for where, text in texts.items()
        for secret_name, secret in secrets.items()
        if secret in text
    ]
    assert not leaks, leaks


def test_the_demo_at_debug_logging_leaks_no_secret(
    recorder: _Recorder,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    recorder.passwords += [_demo.BUYER_PASSWORD, _demo.ADMIN_PASSWORD, _demo.PFX_PASSWORD]
    printed, as_json = io.StringIO(), io.StringIO()
    assert _demo.run(tmp_path / "human", out=printed) == 0
    assert _demo.run(tmp_path / "json", as_json=True, out=as_json) == 0
    json.loads(as_json.getvalue())
    assert len(caplog.records) > 10, "DEBUG logging recorded nothing"
    out, err = capsys.readouterr()
    texts = {
        "the log": caplog.text,
        "the printed story": printed.getvalue(),
        "the JSON story": as_json.getvalue(),
        "stdout": out,
        "stderr": err,
        "reprs": " ".join(repr(fake) for fake in recorder.fakes),
    }
    for fake in recorder.fakes:
        texts["request log repr"] = repr(list(fake.requests))
        texts["outbox repr"] = repr(list(fake.outbox))
    _assert_nothing_leaks(recorder, texts)


def test_a_journey_with_failures_leaks_no_secret_in_messages_reprs_or_tracebacks(
    recorder: _Recorder, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    from haulmer.testing.certificates import make_test_pfx

    password, wrong, pfx_password = "Secreto2026xyz", "Equivocada2026q", "clave-de-la-firma"
    weak, other = "weakling", "Distinta2026w"
    recorder.passwords += [password, wrong, pfx_password, weak, other]
    fake = haulmer.testing.FakeHaulmer()
    client = fake.client(api_key=None)
    order = client.checkout.create_order(
        buyer={
            "name": "Ana",
            "email": "ana@example.com",
            "rut": "12.345.678-5",
            "phone": "+56 9 8765 4321",
        },
        products={"openfactura": 1},
        plans=[{"code": "emprendedor", "months": 12}],
    )
    from haulmer.checkout import PaymentMedium, PaymentMethod

    client.checkout.choose_payment_method(order.id, PaymentMethod.WEBPAY)
    client.checkout.choose_payment_medium(order.id, PaymentMedium.DEBIT_CARD)
    fake.clock.advance(minutes=5)
    link = fake.outbox.last(to="ana@example.com", subject_contains="contraseña").token
    pfx = make_test_pfx(password=pfx_password)

    stranger = fake.client(api_key="0123456789abcdef0123456789abcdef")
    stranger = fake.client(api_key="0123456789abcdef0123456789abcdef")
    failures: list[BaseException] = []
    for call in (
        lambda: client.accounts.create_password(link, password=weak, confirmation=weak),
        lambda: client.accounts.create_password(link, password=password, confirmation=other),
        lambda: client.accounts.create_password(link, password=password, confirmation=password),
        lambda: client.accounts.login("ana@example.com", wrong),
        lambda: load_pfx(pfx, wrong),
        lambda: load_pfx(pfx, pfx_password + "\x00"),
        lambda: load_pfx(pfx, pfx_password + "\udcff"),
        lambda: load_pfx(base64.b64encode(pfx).decode(), pfx_password),
        lambda: stranger.openfactura.documents.status("a-token-that-does-not-exist"),
    ):
        _, error = attempt(call)
        if error is not None:
            failures.append(error)
    session = client.accounts.login("ana@example.com", password)
    owner = client.with_options(access_token=session.access_token)
    recorder.passwords.append("0123456789abcdef0123456789abcdef")
    assert len(failures) >= 7, failures
    assert all(isinstance(error, HaulmerError) for error in failures)
    out, err = capsys.readouterr()
    texts = {
        "the log": caplog.text,
        "stdout": out,
        "stderr": err,
        "messages": " ".join(str(error) for error in failures),
        "reprs": " ".join(repr(x) for x in (*failures, client, owner, stranger, session, fake)),
        "tracebacks": "".join(
            "".join(traceback.format_exception(type(e), e, e.__traceback__)) for e in failures
        ),
        "error attributes": " ".join(repr(vars(error)) for error in failures),
    }
    _assert_nothing_leaks(recorder, texts)
