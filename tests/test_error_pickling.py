"""Every error of ``haulmer.errors`` crosses a process boundary: pickled (a process pool, Celery's
pickle serializer) and read back, it is the same class with the same message and fields, and
what it may hold of the request and response stays behind."""

from __future__ import annotations

import copy
import inspect
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest

import haulmer.errors as errors
from haulmer._raw_response import RawResponse, RequestInfo
from haulmer.errors import (
    AlreadyIssuedError,
    APIStatusError,
    CertificateError,
    DocumentError,
    ErrorDetail,
    HaulmerError,
    MissingDependencyError,
    WaitTimeoutError,
    WeakPasswordError,
    XMLError,
)

_STATUS = {"status_code": 400, "code": "OF-10", "request_id": "req_1", "retry_after": 2.0}


def _made(cls: type[HaulmerError]) -> HaulmerError:
    """An instance of ``cls`` with every field its constructor takes set."""
    if issubclass(cls, AlreadyIssuedError):
        return cls("ya emitido", token="tok_1", **_STATUS)
    if issubclass(cls, APIStatusError):
        details = [ErrorDetail("Folio", "es Incorrecto")]
        return cls("refused", details=details, body={"error": {"message": "x"}}, **_STATUS)
    if issubclass(cls, errors.APIResponseValidationError):
        return cls("not JSON", status_code=200, request_id="req_2", body="<html>")
    if issubclass(cls, errors.APIConnectionError):
        return cls("dropped", request_sent=False)
    if issubclass(cls, MissingDependencyError):
        return cls("needs the pdf extra", extra="pdf")
    if issubclass(cls, CertificateError):
        return cls("expired", "expired")
    if issubclass(cls, WeakPasswordError):
        return cls("too short", ["too_short"])
    if issubclass(cls, DocumentError):
        return cls("bad totals", [ErrorDetail("MntTotal", "must be 100")])
    if issubclass(cls, XMLError):
        return cls("not well formed", line=3)
    if issubclass(cls, WaitTimeoutError):
        return cls("still pending", last={"estado": "Pendiente"}, waited=30.0)
    if issubclass(cls, errors.BatchStoppedError):
        refusal = errors.AuthenticationError("Access denied", status_code=401)
        return cls("stopped at sale 3", error=refusal, sale_index=3, sale_id="pos-3")
    if issubclass(cls, errors.CertificationStoppedError):
        stopped = {"reason": "rejected_by_sii", "stage": "set_de_pruebas", "status": "failed"}
        return cls("stopped at set_de_pruebas", setup_id="ofs_1", **stopped)
    return cls("something is wrong")


CLASSES = sorted(
    (
        cls
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, HaulmerError) and cls.__module__ == errors.__name__
    ),
    key=lambda cls: cls.__name__,
)


def _fields(error: BaseException) -> dict[str, Any]:
    """The fields read back; an error held in one (a batch's refusal) by its class and text."""
    return {
        k: (type(v), str(v), _fields(v)) if isinstance(v, BaseException) else v
        for k, v in vars(error).items()
        if k not in ("request", "response")
    }


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_error_reads_back_as_itself(cls: type[HaulmerError]) -> None:
    error = _made(cls)
    error.__notes__ = ["while emitting sale 42"]  # what add_note() keeps (3.11+)
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is cls
    assert str(back) == str(error)
    assert back.args == error.args
    assert _fields(back) == _fields(error)
    assert back.__notes__ == ["while emitting sale 42"]


def test_a_lost_answers_note_and_key_read_back() -> None:
    error = errors.APITimeoutError("no answer after 30 s")
    error.note_lost_answer(idempotency_key="sale-42", creates="the document", token=None)
    back = pickle.loads(pickle.dumps(error))
    assert back.may_have_been_carried_out is True
    assert back.idempotency_key == "sale-42"
    assert str(back) == str(error)


def test_the_request_and_response_an_error_holds_stay_behind() -> None:
    error = APIStatusError(
        "refused",
        status_code=400,
        request={"body": "password=s3cr3t"},
        response={"raw": b"..."},
    )
    back = pickle.loads(pickle.dumps(error))
    assert back.request is None
    assert back.response is None
    assert b"s3cr3t" not in pickle.dumps(error)


def _raise_in_worker(code: str) -> None:
    raise APIStatusError("refused", status_code=409, code=code)


def test_an_error_raised_in_a_process_pool_reaches_the_caller_as_itself() -> None:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(_raise_in_worker, "OF-06")
        with pytest.raises(APIStatusError) as caught:
            future.result(timeout=120)
    assert type(caught.value) is APIStatusError
    assert caught.value.code == "OF-06"
    assert caught.value.status_code == 409


@pytest.mark.parametrize("copied", [copy.copy, copy.deepcopy], ids=["copy", "deepcopy"])
@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_a_copy_of_every_error_keeps_its_fields_request_and_response(
    cls: type[HaulmerError], copied: Any
) -> None:
    error = _made(cls)
    request = RequestInfo("POST", "https://api.haulmer.com/v2/dte/document")
    response = RawResponse(400, {"x-request-id": "req_1"}, b"{}", "POST", request.url)
    if isinstance(error, errors.APIError):
        error.request = request  # what the transport sets on an error it raises
    if isinstance(error, APIStatusError):
        error.response = response
    twin = copied(error)
    assert type(twin) is cls
    assert str(twin) == str(error)
    assert twin.args == error.args
    assert _fields(twin) == _fields(error)
    assert vars(twin).get("request") == vars(error).get("request")
    assert vars(twin).get("response") == vars(error).get("response")


def test_a_deep_copy_of_an_error_copies_what_it_holds() -> None:
    refusal = errors.AuthenticationError("Access denied", status_code=401, details=[])
    stopped = errors.BatchStoppedError("stopped", error=refusal, sale_index=0, sale_id="pos-0")
    twin = copy.deepcopy(stopped)
    assert twin.error is not refusal
    assert type(twin.error) is errors.AuthenticationError
    assert twin.error.details is not refusal.details
