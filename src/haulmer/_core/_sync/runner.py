# Generated from src/haulmer/_core/_async/runner.py by scripts/unasync.py: do not edit.
"""The runner: drives a plan, sending each of its requests through the one retry loop."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ForwardRef, ParamSpec, TypeVar

from haulmer._core._sync.sending import SyncSender
from haulmer._core.config import ClientConfig, timeout_within
from haulmer._core.pagination import (
    PageInfo,
    SyncPage,
    fetched_pages,
    item_identity,
)
from haulmer._core.plans import Blocking, ClockStep, Pause, Plan, WithinDeadline, send
from haulmer._core.prepare import PreparedRequest, prepare_request, sent_secrets
from haulmer._core.raw import (
    NO_RAW_RESPONSE,
    APIResponse,
    Method,
    RawCall,
    RawMethod,
    collecting_responses,
    report_response,
    stamp_request_id,
)
from haulmer._core.request import APIRequest
from haulmer._core.responses import (
    RawResponse,
    decode_page,
    hide_echoed_in_body,
    parse_response,
)
from haulmer._core.retry import CARRIED_OUT_UNREADABLY, CallAttempts
from haulmer._core.stopping import retrying
from haulmer._frames import forget_locals
from haulmer.errors import (
    APIError,
    APIResponseValidationError,
    APIStatusError,
    ClientClosedError,
    RateLimiterUnavailableError,
)

__all__ = ["SyncAPIResource", "SyncRawResponses", "SyncRunner"]

T = TypeVar("T")
P = ParamSpec("P")


class SyncRunner:
    """Runs plans for one client: its config, its sender, its sleep and its clock."""

    def __init__(
        self,
        config: ClientConfig,
        sender: SyncSender,
        *,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
    ) -> None:
        self.config = config
        self.sender = sender
        self._sleep = sleep
        self._clock = clock

    def run(self, plan: Plan[T]) -> T:
        """Run ``plan`` to its result: send what it asks (an error is thrown back in), pause, and
        run its blocking work (in a worker thread when asyncio drives it).

        A model the plan makes of an answer (a ``Taxpayer`` of a JSON object) that carries no
        request id gets the id of the last answer the plan read.
        """
        request_id: str | None = None
        try:
            step = next(plan)
            while True:
                answer: Any = None
                if isinstance(step, Pause):
                    self._sleep(step.seconds)
                elif isinstance(step, ClockStep):
                    answer = self._clock
                elif isinstance(step, Blocking):
                    try:
                        answer = step.run()
                    except Exception as exc:
                        step = plan.throw(exc)
                        continue
                else:
                    request, deadline = (
                        (step.request, step.deadline)
                        if isinstance(step, WithinDeadline)
                        else (step, None)
                    )
                    try:
                        answer, request_id = self._answer(request, deadline=deadline)
                    except (APIError, RateLimiterUnavailableError, ClientClosedError) as exc:
                        # a request that failed, or that the shared limiter or a closed client
                        # kept from going: the plan learns it (a batch records the sale as not
                        # sent)
                        step = plan.throw(exc)
                        continue
                step = plan.send(answer)
        except StopIteration as stop:
            result: T = stop.value
            if request_id is not None:
                stamp_request_id(result, request_id, missing_only=True)
            return result
        except APIResponseValidationError as error:
            # One the plan raised of an answer it read itself (a Taxpayer): the client's
            # credentials an echo repeated are hidden from its body, as for a call's own.
            hide_echoed_in_body(error, self._credentials())
            raise
        finally:
            plan.close()

    def _credentials(self) -> list[str]:
        """The secrets every call of this client may send: its API key and access token."""
        return [secret for secret in (self.config.api_key, self.config.access_token) if secret]

    def call(self, request: APIRequest[T]) -> T:
        """Send ``request`` with retries and decode its answer as ``request.cast_to`` says.

        A keyed call answered 2xx with a body that cannot be read was carried out: its error
        says so and names the key, as after a lost answer.
        """
        return (self._answer(request))[0]

    def _answer(
        self, request: APIRequest[T], *, deadline: float | None = None
    ) -> tuple[T, str | None]:
        """:meth:`call`'s value and the request id of the answer it was read from; no retry's
        wait ends past ``deadline`` (on the client's clock), if given."""
        prepared = prepare_request(self.config, request)
        try:
            raw = self._exchange(prepared, deadline=deadline)
            try:
                value = parse_response(request, raw)
            except APIResponseValidationError as error:
                forget_locals(error)  # the frames that read the answer held it whole
                hide_echoed_in_body(error, sent_secrets(prepared))
                if prepared.idempotency_key and prepared.creates:
                    error.note_lost_answer(
                        idempotency_key=prepared.idempotency_key,
                        creates=prepared.creates,
                        token=None,
                    )
                elif not prepared.retry_safe:
                    error.note_unknown_outcome(say=CARRIED_OUT_UNREADABLY)
                raise
        except APIError as error:
            _name_request(error, prepared)
            raise
        request_id = raw.request_id
        stamp_request_id(value, request_id)
        return value, request_id

    def first_page(self, request: APIRequest[T], *, after: PageInfo | None = None) -> SyncPage[T]:
        """Send a list request; the page fetches its successors through this same method, each
        checked to move on from the page ``after`` which it was asked for."""
        prepared = prepare_request(self.config, request)
        try:
            raw = self._exchange(prepared)
            try:
                items, info, following = decode_page(request, raw, after=after)
            except APIResponseValidationError as error:
                forget_locals(error)  # the frames that read the page held it whole
                hide_echoed_in_body(error, sent_secrets(prepared))
                raise
        except APIError as error:
            _name_request(error, prepared)
            raise
        stamp_request_id(items, raw.request_id)
        page = SyncPage(
            items,
            info,
            following,
            lambda next_: self.first_page(next_, after=info),
            item_identity(request),
        )
        page.request_id = raw.request_id
        return page

    def paginate(self, request: APIRequest[T]) -> SyncPage[T]:
        """The pages of a list, from the first, fetched as they are iterated."""
        return fetched_pages(lambda: self.first_page(request))

    def _exchange(self, prepared: PreparedRequest, *, deadline: float | None = None) -> RawResponse:
        """The one retry loop: attempts until an answer, or an error the policy will not retry.

        ``CallAttempts`` remembers whether an attempt may have been carried out, so the error
        that ends a keyed call says so and names the key to repeat it with. Most calls are
        answered at the first attempt, so ``CallAttempts`` is made when that one fails, and
        tenacity is set up (and imported) only when the policy retries the call.
        """
        try:
            raw = self._attempt(self._within(prepared, deadline), 1)
        except BaseException as error:
            attempts = CallAttempts(
                max_retries=prepared.max_retries,
                retry_safe=prepared.retry_safe,
                idempotency_key=prepared.idempotency_key,
                creates=prepared.creates,
                call=prepared,
                deadline=deadline,
                clock=self._clock,
            )
            if not attempts.retries(error):
                raise
            raw = self._retry(prepared, attempts)
        report_response(raw)
        return raw

    def _retry(self, prepared: PreparedRequest, attempts: CallAttempts) -> RawResponse:
        """The attempts after a first one the policy retried, driven by tenacity."""
        import tenacity

        raw: RawResponse | None = None
        try:
            with retrying():  # the waits a stopped batch ends (see stopping.retrying)
                self._sleep(attempts.next_wait())
                policy = tenacity.Retrying(
                    sleep=self._sleep,
                    retry=tenacity.retry_if_exception(attempts.retries),
                    wait=attempts.next_wait,
                    reraise=True,
                )
                for attempt in policy:
                    with attempt:
                        raw = self._attempt(
                            self._within(prepared, attempts.deadline), attempts.number
                        )
        except ClientClosedError as error:
            # a wait a stopped batch ended: an earlier attempt may have been carried out
            attempts.retries(error)
            raise
        assert raw is not None
        return raw

    def _within(self, prepared: PreparedRequest, deadline: float | None) -> PreparedRequest:
        """``prepared`` with its HTTP timeout cut to what is left until ``deadline`` (on the
        client's clock), if given: a ``wait...()``'s stuck poll ends near its deadline."""
        if deadline is None:
            return prepared
        timeout = timeout_within(prepared.timeout, deadline - self._clock())
        return dataclasses.replace(prepared, timeout=timeout)

    def _attempt(self, prepared: PreparedRequest, number: int) -> RawResponse:
        """Attempt ``number`` (1 for the first); an error answer read is reported before its
        error goes to the policy."""
        try:
            return self.sender.attempt(prepared, number)
        except APIStatusError as error:
            if isinstance(error.response, RawResponse):
                report_response(error.response)  # an answer read, if not a success
            raise


class SyncAPIResource:
    """Base of every resource of the face: a method hands one plan to ``_run``."""

    def __init__(self, client: Any) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> SyncRawResponses:
        """This resource's methods returning an ``APIResponse`` (status, headers, request id)
        whose ``parse()`` gives what the method returns: ``with_raw_response.emit(...)``."""
        return SyncRawResponses(self)

    @property
    def _runner(self) -> SyncRunner:
        runner: SyncRunner = self._client._runner
        return runner

    def _run(self, plan: Plan[T]) -> T:
        """Run ``plan`` with the client's runner and return its result."""
        return self._runner.run(plan)

    def _request(self, request: APIRequest[T]) -> T:
        """Send one request (with retries) and return its decoded answer."""
        return self._run(send(request))

    def _get_page(self, request: APIRequest[T]) -> SyncPage[T]:
        """Send a list request and return its first page; iterating fetches the rest lazily."""
        return self._runner.first_page(request)

    def _paginate(self, request: APIRequest[T]) -> SyncPage[T]:
        """A list's pages, fetched as they are iterated (see ``SyncRunner.paginate``)."""
        return self._runner.paginate(request)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class SyncRawResponses:
    """A resource's methods, each answering an ``APIResponse`` instead of its value.

    Each resource has its own subclass naming its methods, typed as the methods are, so that
    ``parse()`` gives what the method returns and the arguments are checked.
    """

    def __init__(self, resource: SyncAPIResource) -> None:
        self._resource = resource

    def _raw(self, method: Method[P, T]) -> RawMethod[P, T]:
        """``method`` answering an ``APIResponse`` whose ``parse()`` gives what it returns."""
        name = method.__name__
        resource = type(self._resource).__name__

        def call(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
            try:
                with collecting_responses() as seen:
                    value = method(*args, **kwargs)
            except BaseException:
                del args, kwargs  # a password or a link's token: not in this frame's locals
                raise
            if not seen:
                raise TypeError(
                    f"{resource}.{name} sent no request, so it has no "
                    "response to return; call it without with_raw_response"
                )
            return APIResponse(seen, value)

        call.__name__ = name
        call.__doc__ = method.__doc__
        function = getattr(method, "__func__", None)
        if function is not None:
            signature, annotations = _raw_form(function)
            # What help(), IDEs and typing.get_type_hints read: the method's own parameters
            # (resolved in its module, through __wrapped__) and its answer as an APIResponse.
            call.__dict__.update(__signature__=signature, __wrapped__=method)
            call.__annotations__ = annotations
        return call

    if not TYPE_CHECKING:  # a method no subclass names yet still answers, untyped

        def __getattr__(self, name: str) -> RawCall:
            if name.startswith("_"):
                raise AttributeError(name)
            member = getattr(self._resource, name)
            why = getattr(member, NO_RAW_RESPONSE, None)
            if why is not None:
                raise AttributeError(
                    f"{type(self._resource).__name__}.{name} has no with_raw_response form: {why}"
                )
            if not callable(member) or isinstance(member, SyncAPIResource):
                raise AttributeError(
                    f"{type(self._resource).__name__}.{name} is not a method that calls the API"
                )
            return self._raw(_awaited(member))

    def __dir__(self) -> list[str]:
        return [
            name
            for name in dir(self._resource)
            if not name.startswith("_")
            and getattr(getattr(type(self._resource), name, None), NO_RAW_RESPONSE, None) is None
        ]

    def __repr__(self) -> str:
        return f"<{type(self._resource).__name__}.with_raw_response>"


@functools.cache
def _raw_form(function: Callable[..., Any]) -> tuple[inspect.Signature, dict[str, Any]]:
    """The signature and annotations of ``function``'s raw form: its parameters but ``self``,
    and an ``APIResponse`` of what it returns (of the page a paginator is awaited for)."""
    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())[1:]
    returned: Any = signature.return_annotation
    paginator = "SyncPage["
    if isinstance(returned, str) and returned.startswith(paginator) and returned.endswith("]"):
        item = returned[len(paginator) : -1]
        shown: Any = f"APIResponse[SyncPage[{item}]]"
        answer: Any = APIResponse[SyncPage[ForwardRef(item)]]  # type: ignore[misc]
    elif isinstance(returned, str):
        shown = f"APIResponse[{returned}]"
        answer = APIResponse[ForwardRef(returned)]  # type: ignore[misc]
    else:
        shown = answer = APIResponse[returned]
    annotations = {
        name: value
        for name, value in function.__annotations__.items()
        if name != "return" and name != "self"
    }
    annotations["return"] = answer
    return signature.replace(parameters=parameters, return_annotation=shown), annotations


def _name_request(error: APIError, prepared: PreparedRequest) -> None:
    """Have ``error`` name the call it ends as its ``request``, unless it names one already."""
    if error.request is None:
        error.request = prepared.info()


def _awaited(member: Callable[..., Any]) -> Callable[..., Any]:
    """``member`` as a coroutine function whatever it returns (an iterator is not awaited)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            value = member(*args, **kwargs)
            if inspect.isawaitable(value):
                value = value
        except BaseException:
            del args, kwargs  # a password or a link's token: not in this frame's locals
            raise
        return value

    call.__name__ = member.__name__
    call.__doc__ = member.__doc__
    return call
