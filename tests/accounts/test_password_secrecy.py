"""No password reaches the fake's request log or outbox, whatever route carried it."""

from __future__ import annotations

import base64

import pytest

from haulmer import Haulmer
from haulmer.errors import AuthenticationError
from haulmer.testing import FakeHaulmer
from journey.story import (
    ADMIN_PASSWORD,
    BUYER_EMAIL,
    PASSWORD,
    PFX_PASSWORD,
    legal_representative_pfx,
    ready_workspace,
    setup_with_certificate,
)


def test_the_request_log_keeps_no_account_or_signature_password(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    ready = ready_workspace(fake, client)  # creates two passwords and logs in with them
    setup_with_certificate(fake, ready)  # uploads the .pfx with its password
    with pytest.raises(AuthenticationError):
        client.accounts.login(BUYER_EMAIL, "Equivocada1")
    secrets = [PASSWORD, ADMIN_PASSWORD, PFX_PASSWORD, "Equivocada1"]
    carried = [
        entry
        for entry in fake.requests
        if entry.route
        in ("accounts.create_password", "accounts.login", "openfactura.setup.upload_certificate")
    ]
    assert {entry.route for entry in carried} == {
        "accounts.create_password",
        "accounts.login",
        "openfactura.setup.upload_certificate",
    }
    for entry in fake.requests:
        for secret in secrets:
            assert secret.encode() not in entry.content, entry
            assert secret not in repr(entry.response)
    for entry in carried:
        body = entry.json()
        assert body["password"] == "***"
        assert set(body) - {"password", "password_confirmation"}  # the rest is kept as sent
    created = fake.requests.for_route("accounts.create_password")[0].json()
    assert created["password_confirmation"] == "***"
    assert created["token"]
    for email in fake.outbox:
        for secret in secrets:
            assert secret not in email.body
            assert secret not in email.subject


def test_the_request_log_keeps_no_signature_file(fake: FakeHaulmer, client: Haulmer) -> None:
    ready = ready_workspace(fake, client)
    setup_with_certificate(fake, ready)
    pfx = base64.b64encode(legal_representative_pfx())
    (upload,) = fake.requests.for_route("openfactura.setup.upload_certificate")
    assert upload.status == 200
    assert pfx not in upload.content
    assert upload.json()["pfx_base64"] == "***"
    for entry in fake.requests:
        assert pfx[:64] not in entry.content, entry
