"""``certification.wait()``'s plan on a stopped certification, driven by hand: it raises at once,
typed, naming the reason and what to do, also for a reason or a status this SDK does not know."""

from __future__ import annotations

from typing import Any

import pytest

from haulmer.errors import (
    CertificationActionRequiredError,
    CertificationFailedError,
    CertificationStoppedError,
)
from haulmer.openfactura.certification.business import (
    CertificationProblemReason,
    CertificationStage,
    CertificationStatus,
    _timed_out,
    certified_wait,
)
from haulmer.openfactura.setup import OpenFacturaSetup, SetupStatus

BASE = {
    "setup_id": "ofs_1",
    "stage": "postulacion",
    "started_at": "2026-12-03T10:00:00-03:00",
    "estimated_completion": "2026-12-15",
}


def _answered(**fields: Any) -> CertificationStoppedError:
    """The error the wait's plan raises when its first poll reads this answer."""
    plan = certified_wait("ofs_1", 3600.0, 60.0, {})
    next(plan)  # the clock
    plan.send(lambda: 0.0)  # the first poll's request
    with pytest.raises(CertificationStoppedError) as caught:
        plan.send(CertificationStatus.model_validate({**BASE, **fields}))
    return caught.value


def test_an_action_required_answer_raises_the_reason_and_its_advice() -> None:
    problem = {
        "reason": "certificate_expired",
        "stage": "simulacion",
        "since": "2026-12-09T09:00:00-03:00",
        "message": "Tu firma electrónica venció.",
    }
    error = _answered(status="action_required", problem=problem)
    assert type(error) is CertificationActionRequiredError
    assert (error.reason, error.stage, error.setup_id) == (
        "certificate_expired",
        "simulacion",
        "ofs_1",
    )
    assert "Tu firma electrónica venció." in str(error)
    assert CertificationProblemReason.CERTIFICATE_EXPIRED.advice in str(error)
    assert error.status.needs_action


def test_a_failure_for_a_reason_this_sdk_predates_still_raises_typed() -> None:
    problem = {"reason": "giro_not_allowed", "stage": "postulacion", "since": BASE["started_at"]}
    error = _answered(status="failed", problem=problem)
    assert type(error) is CertificationFailedError
    assert error.reason == "giro_not_allowed"
    assert error.status.problem.reason == "giro_not_allowed"
    assert "support ticket" in str(error)


def test_a_stop_without_a_problem_says_where_to_look() -> None:
    error = _answered(status="action_required")
    assert (error.reason, error.stage) == (None, None)
    assert "e-mail" in str(error)


def test_only_signature_problems_wait_for_the_company() -> None:
    assert [reason.needs_action for reason in CertificationProblemReason] == [True, True, False]


def test_a_stopped_answer_without_an_estimated_completion_is_read_and_raises() -> None:
    problem = {"reason": "certificate_expired", "stage": "simulacion", "since": BASE["started_at"]}
    error = _answered(status="action_required", problem=problem, estimated_completion=None)
    assert type(error) is CertificationActionRequiredError
    assert error.status.estimated_completion is None


def test_a_stage_this_sdk_predates_still_reads_and_is_named_when_it_stops() -> None:
    problem = {"reason": "rejected_by_sii", "stage": "revision_manual", "since": BASE["started_at"]}
    history = [
        {"stage": "postulacion", "at": BASE["started_at"]},
        {"stage": "revision_manual", "at": "2026-12-04T09:00:00-03:00"},
    ]
    error = _answered(status="failed", stage="revision_manual", problem=problem, history=history)
    assert error.stage == "revision_manual"
    assert "at stage 'revision_manual'" in str(error)
    assert error.status.stage == "revision_manual"
    assert error.status.history[0].stage is CertificationStage.POSTULACION
    assert error.status.history[1].stage == "revision_manual"


def test_waiting_at_a_stage_this_sdk_predates_says_which() -> None:
    status = CertificationStatus.model_validate({**BASE, "status": "in_progress", "stage": "x"})
    assert "still at stage 'x'" in _timed_out("ofs_1", status, 60.0)


def test_a_setup_at_a_step_this_sdk_predates_still_reads() -> None:
    setup = OpenFacturaSetup.model_validate(
        {
            "id": "ofs_1",
            "workspace_id": "ws_1",
            "status": "pending_bank_account",
            "created_at": BASE["started_at"],
        }
    )
    assert setup.status == "pending_bank_account"
    known = setup.model_copy(update={"status": "certified"})
    assert OpenFacturaSetup.model_validate(known.model_dump()).status is SetupStatus.CERTIFIED


def test_a_stop_under_a_status_this_sdk_predates_raises_at_once_as_its_reason_says() -> None:
    # A problem comes only with a stop (docs/platform-api.md §8): a new status carrying one is a
    # stop too, and a wait that polled on would sit out its 15 days for nothing.
    problem = {"reason": "certificate_expired", "stage": "simulacion", "since": BASE["started_at"]}
    error = _answered(status="suspended", problem=problem)
    assert type(error) is CertificationActionRequiredError
    assert "'suspended'" in str(error)
    assert CertificationProblemReason.CERTIFICATE_EXPIRED.advice in str(error)
    refused = {"reason": "rejected_by_sii", "stage": "simulacion", "since": BASE["started_at"]}
    assert type(_answered(status="closed", problem=refused)) is CertificationFailedError


def test_a_stop_under_a_status_and_reason_this_sdk_predates_raises_naming_both() -> None:
    problem = {"reason": "giro_not_allowed", "stage": "postulacion", "since": BASE["started_at"]}
    error = _answered(status="cancelled", problem=problem)
    assert type(error) is CertificationStoppedError
    assert (error.reason, error.stage) == ("giro_not_allowed", "postulacion")
    assert "'cancelled'" in str(error)
    assert "giro_not_allowed" in str(error)
    assert "e-mail" in str(error)


def test_waiting_under_a_status_this_sdk_predates_names_it_when_it_gives_up() -> None:
    status = CertificationStatus.model_validate({**BASE, "status": "queued"})
    message = _timed_out("ofs_1", status, 60.0)
    assert "'queued'" in message
    assert "at stage 'postulacion'" in message
