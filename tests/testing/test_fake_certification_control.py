"""Controls of the fake's SII certification: its length, a stop for a reason, certify now."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from haulmer import Haulmer
from haulmer.errors import (
    CertificationActionRequiredError,
    CertificationFailedError,
    StepOutOfOrderError,
)
from haulmer.openfactura.certification import (
    CertificationProblemReason,
    CertificationStage,
    add_business_days,
)
from haulmer.openfactura.setup import OpenFacturaSetup
from haulmer.testing import FakeHaulmer
from haulmer.testing.certificates import make_test_pfx
from journey.story import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    PFX_PASSWORD,
    ReadyWorkspace,
    legal_representative_pfx,
    ready_workspace,
    setup_with_certificate,
)

DAY = 86400


@pytest.fixture
def ready(fake: FakeHaulmer, client: Haulmer) -> ReadyWorkspace:
    return ready_workspace(fake, client)


@pytest.fixture
def signed(fake: FakeHaulmer, ready: ReadyWorkspace) -> OpenFacturaSetup:
    """A setup through steps 1 and 2: the certification starts at its step 3."""
    return setup_with_certificate(fake, ready)


def start_certification(ready: ReadyWorkspace, setup: OpenFacturaSetup) -> OpenFacturaSetup:
    return ready.admin.openfactura.setup.choose_dte_types(setup, [33, 39])


def stages_on(status: Any) -> dict[str, date]:
    return {reached.stage.value: reached.at.date() for reached in status.history}


# ------------------------------------------------------------------ how long it takes


def test_a_scheduled_certification_lands_on_its_business_day_and_says_so(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    fake.control.schedule_certification(3, stages={"set_de_pruebas": 1})
    start_certification(ready, signed)
    certification = ready.admin.openfactura.certification
    started = fake.clock.today()
    landing = add_business_days(started, 3)

    status = certification.retrieve(signed.id)
    assert (status.estimated_completion, status.business_days_required) == (landing, 3)
    status = certification.wait(signed.id, poll_interval=DAY)

    assert status.is_certified
    assert fake.clock.today() == landing
    assert status.certified_at is not None
    assert status.certified_at.date() == landing
    assert status.business_days_elapsed == 3
    assert stages_on(status) == {
        "postulacion": started,
        "set_de_pruebas": add_business_days(started, 1),
        "simulacion": landing,  # its usual day 4, no later than the third
        "intercambio": landing,
        "muestras_impresion": landing,
        "certified": landing,
    }


def test_a_schedule_for_the_next_setup_is_spent_by_that_setup(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    fake.control.schedule_certification(1)
    start_certification(ready, signed)
    status = ready.admin.openfactura.certification.retrieve(signed.id)
    assert status.business_days_required == 1
    assert fake.control.take_schedule("ofs_another") is None  # the one script was taken


def test_a_schedule_for_one_setup_id_is_used_by_that_setup(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    fake.control.schedule_certification(2, setup_id=signed.id)
    start_certification(ready, signed)
    status = ready.admin.openfactura.certification.retrieve(signed.id)
    assert status.estimated_completion == add_business_days(fake.clock.today(), 2)


def test_a_certification_that_started_cannot_be_rescheduled(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    start_certification(ready, signed)
    with pytest.raises(ValueError, match=r"already started.*certify_now"):
        fake.control.schedule_certification(2, setup_id=signed.id)


@pytest.mark.parametrize("days", [0, 8, -1, True, 2.0, "3", None])
def test_a_length_beyond_what_haulmer_promises_is_refused(fake: FakeHaulmer, days: Any) -> None:
    with pytest.raises(ValueError, match="business_days must be an int from 1 to 7"):
        fake.control.schedule_certification(days)


@pytest.mark.parametrize(
    ("stages", "error", "says"),
    [
        ({"set_de_prueba": 1}, ValueError, "no certification stage"),
        ({"certified": 2}, ValueError, "cannot move 'certified'"),
        ({"postulacion": 1}, ValueError, "cannot move 'postulacion'"),
        ({"simulacion": 4}, ValueError, r"from 0 to business_days \(3\)"),
        ({"simulacion": 1, "set_de_pruebas": 2}, ValueError, "stages come in order"),
        ({"simulacion": "1"}, ValueError, "must be an int"),
        ({3: 1}, TypeError, "stage name"),
        ([("simulacion", 1)], TypeError, "must map stage names"),
    ],
)
def test_stages_that_are_no_plan_the_sii_follows_are_refused(
    fake: FakeHaulmer, stages: Any, error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=says):
        fake.control.schedule_certification(3, stages=stages)
    assert fake.control.certification_schedules == []


def test_a_setup_id_is_checked_against_the_fakes_setups(fake: FakeHaulmer) -> None:
    with pytest.raises(ValueError, match="no OpenFactura setup 'ofs_typo'"):
        fake.control.schedule_certification(2, setup_id="ofs_typo")
    with pytest.raises(TypeError, match="setup_id must be"):
        fake.control.schedule_certification(2, setup_id=42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="setup_id= or times=, not both"):
        fake.control.schedule_certification(2, setup_id="ofs_typo", times=2)
    with pytest.raises(ValueError, match="times must be an int >= 1"):
        fake.control.schedule_certification(2, times=0)


# ------------------------------------------------------------------ stops


def test_an_unauthorized_representative_stops_the_postulacion_and_wait_says_what_to_do(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    fake.control.stop_certification("representative_not_authorized")
    start_certification(ready, signed)
    certification = ready.admin.openfactura.certification
    before = fake.clock.now()

    with pytest.raises(CertificationActionRequiredError) as caught:
        certification.wait(signed.id, poll_interval=DAY)

    assert fake.clock.now() == before  # it did not wait for the timeout
    error = caught.value
    assert (error.setup_id, error.reason, error.stage) == (
        signed.id,
        "representative_not_authorized",
        "postulacion",
    )
    assert "upload_certificate" in str(error)
    assert "sii.cl" in str(error)
    status = certification.retrieve(signed.id)
    assert status.needs_action
    assert not status.is_certified
    assert status.status == "action_required"
    assert status.problem is not None
    assert status.problem.reason is CertificationProblemReason.REPRESENTATIVE_NOT_AUTHORIZED
    assert "representante legal" in status.problem.message
    email = fake.outbox.last(to=ADMIN_EMAIL, subject_contains="necesita una acción")
    assert email.body == status.problem.message
    with pytest.raises(StepOutOfOrderError, match="representative_not_authorized"):
        certification.create_api_key(signed.id)


def test_a_new_signature_resumes_a_stopped_certification_keeping_the_stages_gaps(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    fake.control.stop_certification("certificate_expired", at="simulacion")
    start_certification(ready, signed)
    certification = ready.admin.openfactura.certification
    with pytest.raises(CertificationActionRequiredError, match="certificate_expired"):
        certification.wait(signed.id, poll_interval=DAY)
    stopped_on = fake.clock.today()
    fake.clock.advance(days=3)  # the company takes its time

    ready.admin.openfactura.setup.upload_certificate(
        signed.id, legal_representative_pfx(), password=PFX_PASSWORD
    )
    resumed_on = fake.clock.today()
    status = certification.retrieve(signed.id)
    assert status.status == "in_progress"
    assert status.problem is None
    # simulacion came two business days after set_de_pruebas, certified three after it.
    assert status.estimated_completion == add_business_days(resumed_on, 5)
    assert status.estimated_completion > add_business_days(stopped_on, 3)
    assert fake.outbox.last(to=ADMIN_EMAIL, subject_contains="reanudada")

    status = certification.wait(signed.id, poll_interval=DAY)
    assert status.is_certified
    assert status.certified_at is not None
    assert status.certified_at.date() == status.estimated_completion
    assert status.business_days_elapsed == status.business_days_required
    assert stages_on(status)["simulacion"] == add_business_days(resumed_on, 2)


def test_a_stopped_certification_has_no_estimated_completion_until_it_resumes(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    start_certification(ready, signed)
    certification = ready.admin.openfactura.certification
    planned = certification.retrieve(signed.id).estimated_completion
    assert planned is not None
    fake.control.stop_certification("certificate_expired", at="simulacion", setup_id=signed.id)
    with pytest.raises(CertificationActionRequiredError):
        certification.wait(signed.id, poll_interval=DAY)
    stopped = certification.retrieve(signed.id)
    assert stopped.needs_action
    assert stopped.estimated_completion is None  # not the old date, which has no meaning now
    assert (
        fake.platform_state.setups[signed.id].certification.to_wire(signed.id, fake.clock.now())[
            "estimated_completion"
        ]
        is None
    )

    fake.clock.advance(days=3)
    ready.admin.openfactura.setup.upload_certificate(
        signed.id, legal_representative_pfx(), password=PFX_PASSWORD
    )
    resumed = certification.retrieve(signed.id)
    # certified three business days after simulacion, itself two after set_de_pruebas
    assert resumed.estimated_completion == add_business_days(fake.clock.today(), 5)
    assert resumed.estimated_completion > planned


@pytest.mark.parametrize(
    ("reason", "at", "stopped_after"),
    [("certificate_expired", "simulacion", 4), ("rejected_by_sii", "set_de_pruebas", 2)],
)
def test_business_days_stop_elapsing_while_the_certification_is_stopped(
    fake: FakeHaulmer,
    ready: ReadyWorkspace,
    signed: OpenFacturaSetup,
    reason: str,
    at: str,
    stopped_after: int,
) -> None:
    # A stop of weeks had read "7 of 7 business days elapsed" on a company not certified.
    fake.control.stop_certification(reason, at=at)
    start_certification(ready, signed)
    fake.clock.advance(days=20)
    admin = ready.admin.with_options(
        access_token=ready.admin.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD).access_token
    )
    status = admin.openfactura.certification.retrieve(signed.id)
    assert not status.is_certified
    assert status.problem is not None
    assert status.business_days_elapsed == stopped_after  # up to the stop, on its stage's day
    assert status.business_days_elapsed < status.business_days_required


def test_a_failed_certification_has_no_estimated_completion(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    fake.control.stop_certification("rejected_by_sii", at="set_de_pruebas")
    start_certification(ready, signed)
    certification = ready.admin.openfactura.certification
    with pytest.raises(CertificationFailedError):
        certification.wait(signed.id, poll_interval=DAY)
    assert certification.retrieve(signed.id).estimated_completion is None


def test_a_rejected_set_de_pruebas_fails_the_certification_for_good(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    fake.control.stop_certification("rejected_by_sii", at="set_de_pruebas")
    start_certification(ready, signed)
    started = fake.clock.today()
    certification = ready.admin.openfactura.certification

    with pytest.raises(CertificationFailedError) as caught:
        certification.wait(signed.id, poll_interval=DAY)

    assert fake.clock.today() == add_business_days(started, 2)  # when the set was due
    assert (caught.value.reason, caught.value.stage) == ("rejected_by_sii", "set_de_pruebas")
    assert "open_ticket" in str(caught.value)
    status = caught.value.status
    assert status.has_failed
    assert status.stage is CertificationStage.POSTULACION
    assert fake.outbox.last(to=ADMIN_EMAIL, subject_contains="no pudo completarse")
    with pytest.raises(StepOutOfOrderError, match="does not resume it"):
        ready.admin.openfactura.setup.upload_certificate(
            signed.id, legal_representative_pfx(), password=PFX_PASSWORD
        )
    fake.clock.advance(days=30)
    fake.outbox.last()  # the fake catches up with the clock
    assert fake.platform_state.setups[signed.id].certification.status == "failed"


def test_a_certification_under_way_can_be_stopped_at_a_stage_still_ahead(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    start_certification(ready, signed)
    fake.clock.advance(days=4)  # past set_de_pruebas
    with pytest.raises(ValueError, match="already passed stage 'set_de_pruebas'"):
        fake.control.stop_certification("rejected_by_sii", setup_id=signed.id)
    fake.control.stop_certification("rejected_by_sii", at="intercambio", setup_id=signed.id)
    with pytest.raises(CertificationFailedError, match="at stage 'intercambio'"):
        ready.admin.openfactura.certification.wait(signed.id, poll_interval=DAY)
    with pytest.raises(ValueError, match="already stopped"):
        fake.control.stop_certification("certificate_expired", at="certified", setup_id=signed.id)


def test_a_stop_scripted_before_step_3_waits_for_that_setup(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    fake.control.stop_certification("certificate_expired", setup_id=signed.id)
    assert fake.control.certification_stops[0].setup_id == signed.id
    start_certification(ready, signed)
    fake.clock.advance(days=5)
    status = ready.admin.openfactura.certification.retrieve(signed.id)
    assert status.problem is not None
    assert status.problem.stage is CertificationStage.SET_DE_PRUEBAS


@pytest.mark.parametrize(
    ("arguments", "error", "says"),
    [
        ({"reason": "expired"}, ValueError, "reason must be one of representative_not_authorized"),
        ({"reason": None}, TypeError, "reason must be a str"),
        ({"reason": "rejected_by_sii", "at": "muestras"}, ValueError, "no certification stage"),
        ({"reason": "rejected_by_sii", "at": 2}, TypeError, "at must be a stage name"),
        ({"reason": "rejected_by_sii", "times": -1}, ValueError, "times must be an int >= 1"),
        ({"reason": "rejected_by_sii", "setup_id": "nope"}, ValueError, "no OpenFactura setup"),
    ],
)
def test_a_stop_that_no_real_certification_meets_is_refused(
    fake: FakeHaulmer, arguments: dict[str, Any], error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=says):
        fake.control.stop_certification(**arguments)
    assert fake.control.certification_stops == []


def test_a_signature_that_expires_during_the_certification_stops_it_by_itself(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    now = fake.clock.now()
    expiring = make_test_pfx(
        rut="12345678-5",
        password=PFX_PASSWORD,
        not_before=datetime(2025, 1, 1),
        not_after=(now + timedelta(days=3)).replace(tzinfo=None),
    )
    setup = setup_with_certificate_pfx(fake, ready, expiring)
    start_certification(ready, setup)

    with pytest.raises(CertificationActionRequiredError, match="certificate_expired"):
        ready.admin.openfactura.certification.wait(setup.id, poll_interval=DAY)

    status = ready.admin.openfactura.certification.retrieve(setup.id)
    assert status.problem is not None
    assert status.problem.since > now + timedelta(days=3)
    assert all(reached.at <= now + timedelta(days=3) for reached in status.history)


@pytest.mark.parametrize("stage", ["set_de_pruebas", "intercambio"])
def test_the_message_of_an_expired_signature_names_its_stage_in_correct_spanish(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup, stage: str
) -> None:
    # The administrator reads it in the e-mail and problem.message: "antes del set de
    # pruebas", never "antes de el".
    fake.control.stop_certification("certificate_expired", at=stage, setup_id=signed.id)
    start_certification(ready, signed)
    with pytest.raises(CertificationActionRequiredError):
        ready.admin.openfactura.certification.wait(signed.id, poll_interval=DAY)
    problem = ready.admin.openfactura.certification.retrieve(signed.id).problem
    assert problem is not None
    assert " de el " not in problem.message
    assert "venció antes del " in problem.message
    email = fake.outbox.last(subject_contains="necesita una acción")
    assert " de el " not in email.body


def setup_with_certificate_pfx(
    fake: FakeHaulmer, ready: ReadyWorkspace, pfx: bytes
) -> OpenFacturaSetup:
    """Steps 1 and 2 with this .pfx (the story's is valid for years)."""
    from journey.story import COMPANY, started_setup

    setup = started_setup(fake, ready)
    ready.admin.openfactura.setup.choose_organization(
        setup.id, organization_id=ready.organization.id, company=COMPANY
    )
    return ready.admin.openfactura.setup.upload_certificate(setup.id, pfx, password=PFX_PASSWORD)


# ------------------------------------------------------------------ certify now


def test_certify_now_certifies_that_setup_at_once_and_moves_nothing_else(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    start_certification(ready, signed)
    now = fake.clock.now()
    fake.control.certify_now(signed.id)
    assert fake.clock.now() == now
    status = ready.admin.openfactura.certification.retrieve(signed.id)
    assert status.is_certified
    assert status.certified_at == now
    assert [reached.stage for reached in status.history] == list(CertificationStage)
    assert status.business_days_elapsed == 0
    fake.clock.advance(days=20)
    assert ready.admin.openfactura.certification.retrieve(signed.id).business_days_elapsed == 0
    assert ready.admin.openfactura.certification.create_api_key(signed.id).api_key


def test_certify_now_ends_the_certification_on_its_day_with_the_business_days_it_took(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    start_certification(ready, signed)
    fake.clock.advance(days=4)  # the Tuesday after the Friday it started on, past 09:00
    fake.control.certify_now(signed.id)
    status = ready.admin.openfactura.certification.retrieve(signed.id)
    assert status.certified_at is not None
    # Not the 7th business day it was planned for: it ended today, two business days in, as
    # every certification's answer has it once certified.
    assert status.certified_at.date() == date(2026, 12, 1)
    assert status.estimated_completion == status.certified_at.date()
    assert status.business_days_elapsed == status.business_days_required == 2


def test_certify_now_also_ends_a_stopped_certification(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    fake.control.stop_certification("representative_not_authorized")
    start_certification(ready, signed)
    fake.control.certify_now(signed.id)
    status = ready.admin.openfactura.certification.wait(signed.id)
    assert status.is_certified
    assert status.problem is None


def test_certify_now_refuses_what_it_cannot_certify(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    with pytest.raises(ValueError, match="finish the three setup steps first"):
        fake.control.certify_now(signed.id)
    with pytest.raises(ValueError, match="no OpenFactura setup 'ofs_nope'"):
        fake.control.certify_now("ofs_nope")
    with pytest.raises(TypeError, match="setup_id must be a str"):
        fake.control.certify_now(signed)  # type: ignore[arg-type]
    start_certification(ready, signed)
    fake.control.certify_now(signed.id)
    with pytest.raises(ValueError, match="already certified"):
        fake.control.certify_now(signed.id)


def test_reset_forgets_the_scripted_certifications(fake: FakeHaulmer) -> None:
    fake.control.schedule_certification(2)
    fake.control.stop_certification("rejected_by_sii")
    fake.reset()
    assert fake.control.certification_schedules == []
    assert fake.control.certification_stops == []


# ------------------------------------------------------------------ the async face


async def test_the_async_wait_raises_the_stop_too(
    fake: FakeHaulmer, ready: ReadyWorkspace, signed: OpenFacturaSetup
) -> None:
    fake.control.stop_certification("rejected_by_sii", at="muestras_impresion")
    start_certification(ready, signed)
    async with fake.async_client() as anonymous:
        session = await anonymous.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    async with fake.async_client(access_token=session.access_token) as admin:
        with pytest.raises(CertificationFailedError, match="muestras_impresion"):
            await admin.openfactura.certification.wait(signed.id, poll_interval=DAY)
