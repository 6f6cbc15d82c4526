"""The signature upload (setup step 2) sends an Idempotency-Key kept across retries, so a lost
answer is retried into one upload, and the .pfx and its password stay out of reprs, logs and errors.
"""

from __future__ import annotations

import base64
import logging

import pytest

from haulmer import Haulmer
from haulmer.errors import APIConnectionError, ConflictError
from haulmer.openfactura.setup import OpenFacturaSetup, SetupStatus
from haulmer.openfactura.setup.business import certificate_request
from haulmer.testing import FakeHaulmer
from journey.story import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    COMPANY,
    PFX_PASSWORD,
    ReadyWorkspace,
    legal_representative_pfx,
    ready_workspace,
    started_setup,
)

ROUTE = "openfactura.setup.upload_certificate"


@pytest.fixture
def ready(fake: FakeHaulmer, client: Haulmer) -> ReadyWorkspace:
    return ready_workspace(fake, client)


@pytest.fixture
def setup(fake: FakeHaulmer, ready: ReadyWorkspace) -> OpenFacturaSetup:
    """A setup waiting for its signature (step 1 done)."""
    opened = started_setup(fake, ready)
    return ready.admin.openfactura.setup.choose_organization(
        opened.id, organization_id=ready.organization.id, company=COMPANY
    )


def _secrets() -> list[str]:
    """The password, the whole .pfx in base64 and a stretch of it from the middle."""
    encoded = base64.b64encode(legal_representative_pfx()).decode("ascii")
    middle = len(encoded) // 2
    return [PFX_PASSWORD, encoded, encoded[middle : middle + 32]]


def _assert_no_secret(text: str) -> None:
    for secret in _secrets():
        assert secret not in text


def test_the_callers_key_is_sent_on_every_attempt_and_a_lost_answer_is_one_upload(
    fake: FakeHaulmer, ready: ReadyWorkspace, setup: OpenFacturaSetup
) -> None:
    fake.control.drop_connection(ROUTE, when="after")
    uploaded = ready.admin.openfactura.setup.upload_certificate(
        setup.id, legal_representative_pfx(), password=PFX_PASSWORD, idempotency_key="sig-ana"
    )
    attempts = fake.requests.for_route(ROUTE)
    assert [a.headers["Idempotency-Key"] for a in attempts] == ["sig-ana", "sig-ana"]
    assert [a.status for a in attempts] == [200, 200]  # not 409 already_done: the first answer
    assert attempts[1].response == attempts[0].response
    assert uploaded.status is SetupStatus.PENDING_DTE_TYPES
    assert uploaded.certificate is not None
    assert str(uploaded.certificate.holder_rut) == "12345678-5"


def test_without_a_key_a_fresh_one_is_kept_across_a_retried_server_error(
    fake: FakeHaulmer, ready: ReadyWorkspace, setup: OpenFacturaSetup
) -> None:
    fake.control.fail_next(ROUTE, status=503)
    uploaded = ready.admin.openfactura.setup.upload_certificate(
        setup.id, legal_representative_pfx(), password=PFX_PASSWORD
    )
    attempts = fake.requests.for_route(ROUTE)
    assert [a.status for a in attempts] == [503, 200]
    first, second = (a.headers["Idempotency-Key"] for a in attempts)
    assert first == second
    assert len(first) == 32
    assert uploaded.status is SetupStatus.PENDING_DTE_TYPES


def test_each_upload_call_gets_its_own_key(
    fake: FakeHaulmer, ready: ReadyWorkspace, setup: OpenFacturaSetup
) -> None:
    ready.admin.openfactura.setup.upload_certificate(
        setup.id, legal_representative_pfx(), password=PFX_PASSWORD
    )
    with pytest.raises(ConflictError):
        ready.admin.openfactura.setup.upload_certificate(
            setup.id, legal_representative_pfx(), password=PFX_PASSWORD
        )
    first, second = (a.headers["Idempotency-Key"] for a in fake.requests.for_route(ROUTE))
    assert first != second


def test_a_lost_answer_names_the_key_to_repeat_with_and_the_repeat_gets_the_upload(
    fake: FakeHaulmer, ready: ReadyWorkspace, setup: OpenFacturaSetup
) -> None:
    fake.control.drop_connection(ROUTE, when="after")
    with pytest.raises(APIConnectionError) as lost:
        ready.admin.openfactura.setup.upload_certificate(
            setup.id, legal_representative_pfx(), password=PFX_PASSWORD, max_retries=0
        )
    key = fake.requests.for_route(ROUTE)[0].headers["Idempotency-Key"]
    assert f"pass idempotency_key={key!r} (the key it sent)" in str(lost.value)
    again = ready.admin.openfactura.setup.upload_certificate(
        setup.id, legal_representative_pfx(), password=PFX_PASSWORD, idempotency_key=key
    )
    assert again.status is SetupStatus.PENDING_DTE_TYPES
    assert fake.requests.for_route(ROUTE)[1].response == fake.requests.for_route(ROUTE)[0].response


def test_a_repeated_upload_without_its_key_names_the_way_to_the_signature(
    fake: FakeHaulmer, ready: ReadyWorkspace, setup: OpenFacturaSetup
) -> None:
    ready.admin.openfactura.setup.upload_certificate(
        setup.id, legal_representative_pfx(), password=PFX_PASSWORD
    )
    with pytest.raises(ConflictError) as caught:
        ready.admin.openfactura.setup.upload_certificate(
            setup.id, legal_representative_pfx(), password=PFX_PASSWORD
        )
    assert caught.value.code == "already_done"
    assert "client.openfactura.setup.retrieve(setup_id).certificate" in caught.value.hint
    assert "idempotency_key=" in caught.value.hint
    retrieved = ready.admin.openfactura.setup.retrieve(setup.id)
    assert retrieved.certificate is not None


def test_the_pfx_and_its_password_appear_in_no_repr_log_or_error(
    fake: FakeHaulmer,
    ready: ReadyWorkspace,
    setup: OpenFacturaSetup,
    caplog: pytest.LogCaptureFixture,
) -> None:
    upload = ready.admin.openfactura.setup.upload_certificate
    seen: list[str] = [
        repr(certificate_request(setup.id, legal_representative_pfx(), PFX_PASSWORD, "sig-1"))
    ]
    with caplog.at_level(logging.DEBUG, logger="haulmer"):
        fake.control.fail_next(ROUTE, status=503)
        fake.control.drop_connection(ROUTE, when="after")
        with pytest.raises(APIConnectionError) as lost:
            upload(setup.id, legal_representative_pfx(), password=PFX_PASSWORD, max_retries=1)
        with pytest.raises(ConflictError) as repeated:
            upload(setup.id, legal_representative_pfx(), password=PFX_PASSWORD)
    seen += [str(lost.value), repr(lost.value), str(repeated.value), repr(repeated.value)]
    seen += [repr(repeated.value.body), repr(repeated.value.request)]
    seen += [record.getMessage() for record in caplog.records]
    assert any("Retrying POST" in line for line in seen)  # the retry was logged
    for text in seen:
        _assert_no_secret(text)


async def test_the_async_upload_keeps_its_key_across_a_lost_answer_and_uploads_once(
    fake: FakeHaulmer, setup: OpenFacturaSetup
) -> None:
    async with fake.async_client() as anonymous:
        session = await anonymous.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    async with fake.async_client(access_token=session.access_token) as admin:
        fake.control.drop_connection(ROUTE, when="after")
        uploaded = await admin.openfactura.setup.upload_certificate(
            setup.id, legal_representative_pfx(), password=PFX_PASSWORD
        )
        with pytest.raises(ConflictError) as caught:
            await admin.openfactura.setup.upload_certificate(
                setup.id, legal_representative_pfx(), password=PFX_PASSWORD
            )
    attempts = fake.requests.for_route(ROUTE)
    first, second, third = (a.headers["Idempotency-Key"] for a in attempts)
    assert first == second != third
    assert [a.status for a in attempts] == [200, 200, 409]
    assert attempts[1].response == attempts[0].response
    assert uploaded.status is SetupStatus.PENDING_DTE_TYPES
    assert "setup.retrieve(setup_id).certificate" in caught.value.hint
    _assert_no_secret(str(caught.value))


async def test_the_async_upload_sends_the_callers_key_on_a_retried_server_error(
    fake: FakeHaulmer, setup: OpenFacturaSetup
) -> None:
    async with fake.async_client() as anonymous:
        session = await anonymous.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    async with fake.async_client(access_token=session.access_token) as admin:
        fake.control.fail_next(ROUTE, status=502)
        await admin.openfactura.setup.upload_certificate(
            setup.id, legal_representative_pfx(), password=PFX_PASSWORD, idempotency_key="sig-a"
        )
    attempts = fake.requests.for_route(ROUTE)
    assert [(a.status, a.headers["Idempotency-Key"]) for a in attempts] == [
        (502, "sig-a"),
        (200, "sig-a"),
    ]
