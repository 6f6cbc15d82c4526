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


def test_the_fakes_account_and_session_stores_show_no_password_hash_or_access_token(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    """A failed assertion prints the fake's state: its accounts show no salt or hash (a fast
    hash of a password is the password to whoever runs a dictionary over it), and its
    sessions no access token."""
    ready = ready_workspace(fake, client)
    session = client.accounts.login(BUYER_EMAIL, PASSWORD)
    state = fake.platform_state
    accounts = repr(state.accounts)
    for account in state.accounts.values():
        assert account.password_hash
        assert repr(account.password_hash) not in accounts
        assert repr(account.password_salt) not in accounts
    sessions = repr(state.sessions)
    assert session.access_token not in sessions
    assert ready.owner.accounts.me().email == BUYER_EMAIL  # the stored sessions still work
    assert client.with_options(access_token=session.access_token).accounts.me().has_password
