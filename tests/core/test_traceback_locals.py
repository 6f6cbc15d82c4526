"""What an error tracker that records each frame's locals (Sentry with locals, rich's
tracebacks, ``traceback.TracebackException(capture_locals=True)``) sees of a failed call: the
``repr`` of every local, dicts and lists walked, never an API key, a bearer token or a password.
"""

from __future__ import annotations

import base64
import socket
from typing import Any

import httpx
import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import APIError

from .conftest import PLATFORM

KEY = "sk_traceback_key_0123456789"
TOKEN = "tok_traceback_bearer_0123456789"
PASSWORD = "Clave-Secreta-2026"


def _shown(value: Any, depth: int = 0) -> list[str]:
    """The texts a locals dump shows of ``value``: its repr, or its items' for containers."""
    if depth > 3:
        return []
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _shown(k, depth + 1) + _shown(v, depth + 1)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [t for item in value for t in _shown(item, depth + 1)]
    return [repr(value)]


def _frames_showing_a_secret(error: BaseException) -> list[str]:
    """Every frame, along the error's causes and contexts, with a local that shows a secret."""
    return _frames_showing(error, KEY, TOKEN, PASSWORD)


def _frames_showing(error: BaseException, *secrets: str) -> list[str]:
    """Every frame, along the error's causes and contexts, with a local that shows one of
    ``secrets``, as ``function: local``."""
    found, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            for name, value in frame.f_locals.items():
                if any(s in t for t in _shown(value) for s in secrets):
                    found.append(f"{frame.f_code.co_name}: {name}")
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
    return found


def _answers(kind: str) -> Any:
    def answer(request: httpx.Request) -> httpx.Response:
        if kind == "dropped":
            raise httpx.ConnectError("connection reset", request=request)
        return httpx.Response((kind == "401" and 401) or 503, json={"message": "no"})

    return answer


@pytest.mark.parametrize("kind", ["401", "503", "dropped"])
def test_the_frames_of_a_failed_login_show_no_password_key_or_token(
    kind: str, mock: respx.MockRouter
) -> None:
    mock.post(f"{PLATFORM}/v1/accounts/login").mock(side_effect=_answers(kind))
    mock.get("https://dev-api.haulmer.com/v2/dte/organization").mock(side_effect=_answers(kind))
    with Haulmer(
        KEY,
        environment="sandbox",
        base_urls={"platform": PLATFORM},
        access_token=TOKEN,
        sleep=lambda seconds: None,
    ) as client:
        with pytest.raises(APIError) as login:
            client.accounts.login("ana@example.com", PASSWORD)
        with pytest.raises(APIError) as call:
            client.openfactura.organization.retrieve()
    assert _frames_showing_a_secret(login.value) == []
    assert _frames_showing_a_secret(call.value) == []


async def test_the_frames_of_a_failed_async_login_show_no_password(
    mock: respx.MockRouter,
) -> None:
    async def no_sleep(seconds: float) -> None:
        return None

    mock.post(f"{PLATFORM}/v1/accounts/login").mock(side_effect=_answers("503"))
    async with AsyncHaulmer(
        KEY, environment="sandbox", base_urls={"platform": PLATFORM}, sleep=no_sleep
    ) as client:
        with pytest.raises(APIError) as login:
            await client.accounts.login("ana@example.com", PASSWORD)
    assert _frames_showing_a_secret(login.value) == []


LINK_TOKEN = "lnk_traceback_email_token_0123456789"


@pytest.mark.parametrize("kind", ["401", "503", "dropped"])
def test_the_frames_of_a_failed_create_password_show_no_password_or_link_token(
    kind: str, mock: respx.MockRouter
) -> None:
    mock.post(f"{PLATFORM}/v1/accounts/password").mock(side_effect=_answers(kind))
    with (
        Haulmer(
            KEY, environment="sandbox", base_urls={"platform": PLATFORM}, sleep=lambda seconds: None
        ) as client,
        pytest.raises(APIError) as failed,
    ):
        client.accounts.create_password(
            f"https://app.haulmer.com/crear-clave?token={LINK_TOKEN}",  # no local here
            password=PASSWORD,
            confirmation=PASSWORD,
        )
    assert _frames_showing_a_secret(failed.value) == []
    assert _frames_showing(failed.value, LINK_TOKEN) == []


EMAIL_LINK = f"https://app.haulmer.com/enlace?token={LINK_TOKEN}"


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.checkout.choose_tax_document(EMAIL_LINK, document="boleta"),
        lambda client: client.workspace.activate(EMAIL_LINK),
        lambda client: client.openfactura.setup.start(EMAIL_LINK),
    ],
    ids=["checkout.choose_tax_document", "workspace.activate", "openfactura.setup.start"],
)
def test_the_frames_of_a_failed_call_taking_an_email_link_show_no_link_token(
    call: Any, mock: respx.MockRouter
) -> None:
    mock.route(method="POST").mock(side_effect=_answers("503"))
    with (
        Haulmer(
            KEY,
            environment="sandbox",
            base_urls={"platform": PLATFORM},
            access_token=TOKEN,
            sleep=lambda seconds: None,
        ) as client,
        pytest.raises(APIError) as failed,
    ):
        call(client)
    assert _frames_showing(failed.value, LINK_TOKEN) == []


WEAK_PASSWORD = "clave-secreta-2026"
"""A password the policy refuses (no upper-case letter)."""


def _signature(password: str) -> bytes:
    from datetime import datetime

    from haulmer.testing.certificates import make_test_pfx

    return make_test_pfx(
        password=password, not_before=datetime(2025, 1, 1), not_after=datetime(2099, 1, 1)
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.openfactura.setup.upload_certificate(
            "ofs_1", _signature("Otra-Clave-2026"), password=PASSWORD
        ),
        lambda client: client.accounts.create_password(
            EMAIL_LINK, password=PASSWORD, confirmation=PASSWORD + "x"
        ),
        lambda client: client.accounts.create_password(
            EMAIL_LINK, password=WEAK_PASSWORD, confirmation=WEAK_PASSWORD
        ),
        lambda client: client.accounts.login("ana@example.com", PASSWORD, platform="nowhere"),
    ],
    ids=["wrong .pfx password", "confirmation mismatch", "weak password", "unknown platform"],
)
def test_the_frames_of_a_call_refused_before_sending_show_no_password_or_link_token(
    call: Any, mock: respx.MockRouter
) -> None:
    # The local check raises from the request's builder, through load_pfx or the password
    # policy, each of whose frames held the password (the .pfx's, the account's)
    from haulmer.errors import ValidationError

    with (
        Haulmer(
            KEY, environment="sandbox", base_urls={"platform": PLATFORM}, access_token=TOKEN
        ) as client,
        pytest.raises(ValidationError) as refused,
    ):
        call(client)
    found = _frames_showing(refused.value, PASSWORD, WEAK_PASSWORD, LINK_TOKEN)
    assert found == []
    assert not mock.calls


async def test_the_frames_of_an_async_upload_refused_before_sending_show_no_password(
    mock: respx.MockRouter,
) -> None:
    from haulmer.errors import CertificateError

    async with AsyncHaulmer(
        KEY, environment="sandbox", base_urls={"platform": PLATFORM}, access_token=TOKEN
    ) as client:
        with pytest.raises(CertificateError) as refused:
            await client.openfactura.setup.upload_certificate(
                "ofs_1", _signature("Otra-Clave-2026"), password=PASSWORD
            )
    assert refused.value.reason == "wrong_password"
    found = _frames_showing(refused.value, PASSWORD)
    assert found == []


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.accounts.with_raw_response.login("ana@example.com", PASSWORD),
        lambda client: client.accounts.with_raw_response.create_password(
            EMAIL_LINK, password=PASSWORD, confirmation=PASSWORD
        ),
        lambda client: client.openfactura.setup.with_raw_response.upload_certificate(
            "ofs_1", _signature(PASSWORD), password=PASSWORD
        ),
        lambda client: client.openfactura.setup.with_raw_response.start(EMAIL_LINK),
    ],
    ids=["login", "create_password", "upload_certificate", "setup.start"],
)
def test_the_frames_of_a_failed_raw_response_call_show_no_password_or_link_token(
    call: Any, mock: respx.MockRouter
) -> None:
    # with_raw_response's wrapper held the call's arguments, the password among them
    mock.route(method="POST").mock(side_effect=_answers("401"))
    with (
        Haulmer(
            KEY,
            environment="sandbox",
            base_urls={"platform": PLATFORM},
            access_token=TOKEN,
            sleep=lambda seconds: None,
        ) as client,
        pytest.raises(APIError) as failed,
    ):
        call(client)
    found = _frames_showing(failed.value, PASSWORD, LINK_TOKEN)
    assert found == []


async def test_the_frames_of_a_failed_async_raw_response_login_show_no_password(
    mock: respx.MockRouter,
) -> None:
    async def no_sleep(seconds: float) -> None:
        return None

    mock.post(f"{PLATFORM}/v1/accounts/login").mock(side_effect=_answers("503"))
    async with AsyncHaulmer(
        KEY, environment="sandbox", base_urls={"platform": PLATFORM}, sleep=no_sleep
    ) as client:
        with pytest.raises(APIError) as login:
            await client.accounts.with_raw_response.login("ana@example.com", PASSWORD)
    found = _frames_showing_a_secret(login.value)
    assert found == []


@pytest.mark.parametrize(
    "call",
    [
        lambda client: client.accounts.login("ana@example.com", PASSWORD, timeout="soon"),
        lambda client: client.accounts.create_password(
            EMAIL_LINK, password=PASSWORD, confirmation=PASSWORD, max_retries=-1
        ),
        lambda client: client.workspace.activate(EMAIL_LINK, timeout="soon"),
        lambda client: client.openfactura.setup.start(EMAIL_LINK, extra_query={"a": object()}),
        lambda client: client.checkout.choose_tax_document(
            EMAIL_LINK, document="boleta", timeout="soon"
        ),
        lambda client: client.accounts.with_raw_response.login(
            "ana@example.com", PASSWORD, timeout="soon"
        ),
    ],
    ids=[
        "login",
        "create_password",
        "workspace.activate",
        "setup.start",
        "checkout.choose_tax_document",
        "raw login",
    ],
)
def test_the_frames_of_a_call_whose_options_are_refused_show_no_password_or_link_token(
    call: Any, mock: respx.MockRouter
) -> None:
    # The request is built, then refused where its options are read: that frame held its body
    from haulmer.errors import ConfigurationError, ValidationError

    with (
        Haulmer(
            KEY, environment="sandbox", base_urls={"platform": PLATFORM}, access_token=TOKEN
        ) as client,
        pytest.raises((ConfigurationError, ValidationError)) as refused,
    ):
        call(client)
    assert _frames_showing(refused.value, PASSWORD, LINK_TOKEN) == []
    assert not mock.calls


@pytest.mark.parametrize(
    ("document", "receiver"),
    [("nota", None), ("factura", {"rut": "76086428-5"})],
    ids=["no such document", "factura without its receiver"],
)
def test_the_frames_of_a_tax_document_choice_refused_before_sending_show_no_link_token(
    document: str, receiver: Any, mock: respx.MockRouter
) -> None:
    from haulmer.errors import ValidationError

    with (
        Haulmer(
            KEY, environment="sandbox", base_urls={"platform": PLATFORM}, access_token=TOKEN
        ) as client,
        pytest.raises(ValidationError) as refused,
    ):
        client.checkout.choose_tax_document(EMAIL_LINK, document=document, receiver=receiver)
    assert _frames_showing(refused.value, LINK_TOKEN) == []
    assert not mock.calls


_BATCH_REFUSALS = {
    "concurrency=0": {"concurrency": 0},
    "a journal that is no path": {"journal": 3},
    "key= that is no field or function": {"key": 7},
}


@pytest.mark.parametrize("refusal", list(_BATCH_REFUSALS), ids=list(_BATCH_REFUSALS))
def test_the_frames_of_an_emit_many_refused_before_sending_show_no_api_key(
    refusal: str, mock: respx.MockRouter
) -> None:
    from haulmer.errors import ValidationError

    sales = [{"id": "sale-1", "document": {}}]
    with (
        Haulmer(KEY, environment="sandbox") as client,
        pytest.raises(ValidationError) as refused,
    ):
        client.openfactura.documents.emit_many(sales, **_BATCH_REFUSALS[refusal])
    assert _frames_showing(refused.value, KEY) == []
    assert not mock.calls


async def test_the_frames_of_an_async_emit_many_refused_before_sending_show_no_api_key(
    mock: respx.MockRouter,
) -> None:
    from haulmer.errors import ValidationError

    async with AsyncHaulmer(KEY, environment="sandbox") as client:
        with pytest.raises(ValidationError) as refused:
            client.openfactura.documents.emit_many([{"id": "sale-1"}], concurrency=0)
    assert _frames_showing(refused.value, KEY) == []
    assert not mock.calls


_CLIENT_REFUSALS = {
    "an unknown environment": {"environment": "prod"},
    "max_retries=-1": {"max_retries": -1},
    "timeout='soon'": {"timeout": "soon"},
    "an unknown product in base_urls": {"base_urls": {"openfacture": "https://x.test"}},
    "a header that is no text": {"default_headers": {"X-Team": 1}},
    "a rate limit it cannot take": {"rate_limit": "ftp://limiter.test"},
}


@pytest.mark.parametrize("client_class", [Haulmer, AsyncHaulmer])
@pytest.mark.parametrize("refusal", list(_CLIENT_REFUSALS), ids=list(_CLIENT_REFUSALS))
def test_the_frames_of_a_client_refused_at_construction_show_no_api_key_or_token(
    client_class: Any, refusal: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.errors import ConfigurationError

    monkeypatch.delenv("HAULMER_ENVIRONMENT", raising=False)
    with pytest.raises(ConfigurationError) as given:
        client_class(KEY, access_token=TOKEN, **_CLIENT_REFUSALS[refusal])
    assert _frames_showing(given.value, KEY, TOKEN) == []
    # the recommended way: the key read from HAULMER_API_KEY, in the frames no more
    monkeypatch.setenv("HAULMER_API_KEY", KEY)
    with pytest.raises(ConfigurationError) as from_env:
        client_class(**_CLIENT_REFUSALS[refusal])
    assert _frames_showing(from_env.value, KEY) == []


@pytest.mark.parametrize("refusal", list(_CLIENT_REFUSALS), ids=list(_CLIENT_REFUSALS))
def test_the_frames_of_a_with_options_refusal_show_no_api_key_or_token(refusal: str) -> None:
    from haulmer.errors import ConfigurationError

    with Haulmer(KEY, environment="sandbox", access_token=TOKEN) as client:
        with pytest.raises(ConfigurationError) as kept:
            client.with_options(**_CLIENT_REFUSALS[refusal])
        assert _frames_showing(kept.value, KEY, TOKEN) == []
        with pytest.raises(ConfigurationError) as given:
            client.with_options(
                api_key=KEY + "-new", access_token=TOKEN + "-new", **_CLIENT_REFUSALS[refusal]
            )
        assert _frames_showing(given.value, KEY, TOKEN) == []


PROXY_PASSWORD = "proxy_traceback_s3cret"
PROXY_CREDENTIALS = base64.b64encode(f"bob:{PROXY_PASSWORD}".encode()).decode()


def _proxy_nobody_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The proxy variables name a proxy with a password, at a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(name, f"http://bob:{PROXY_PASSWORD}@127.0.0.1:{port}")


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_the_frames_of_a_call_its_proxy_refused_show_no_api_key_or_proxy_password(
    scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # httpcore's proxy frames hold the headers sent (the API key, Proxy-Authorization)
    _proxy_nobody_answers(monkeypatch)
    base = f"{scheme}://openfactura.example.test"
    client = Haulmer(KEY, environment="sandbox", base_urls={"openfactura": base}, max_retries=0)
    with client, pytest.raises(APIError) as caught:
        client.openfactura.organization.retrieve()
    assert _frames_showing(caught.value, KEY, PROXY_PASSWORD, PROXY_CREDENTIALS) == []


@pytest.mark.parametrize("scheme", ["http", "https"])
async def test_the_frames_of_an_async_call_its_proxy_refused_show_no_api_key_or_proxy_password(
    scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _proxy_nobody_answers(monkeypatch)
    base = f"{scheme}://openfactura.example.test"
    async with AsyncHaulmer(
        KEY, environment="sandbox", base_urls={"openfactura": base}, max_retries=0
    ) as client:
        with pytest.raises(APIError) as caught:
            await client.openfactura.organization.retrieve()
    assert _frames_showing(caught.value, KEY, PROXY_PASSWORD, PROXY_CREDENTIALS) == []


ANSWERED_TOKEN = "tok_traceback_answered_0123456789"


def _unfit_session() -> httpx.Response:
    """A login's answer holding an access token, but no session as the SDK reads one."""
    return httpx.Response(200, json={"access_token": ANSWERED_TOKEN, "expires_at": "soon"})


def test_the_frames_of_a_login_answer_that_does_not_fit_show_no_access_token(
    mock: respx.MockRouter,
) -> None:
    # the error's body masks the answer's access token; the frames that read it held it whole
    mock.post(f"{PLATFORM}/v1/accounts/login").mock(return_value=_unfit_session())
    client = Haulmer(KEY, environment="sandbox", base_urls={"platform": PLATFORM})
    with client, pytest.raises(APIError) as caught:
        client.accounts.login("ana@example.com", PASSWORD)
    assert _frames_showing(caught.value, ANSWERED_TOKEN, KEY, PASSWORD) == []


async def test_the_frames_of_an_async_login_answer_that_does_not_fit_show_no_access_token(
    mock: respx.MockRouter,
) -> None:
    mock.post(f"{PLATFORM}/v1/accounts/login").mock(return_value=_unfit_session())
    async with AsyncHaulmer(KEY, environment="sandbox", base_urls={"platform": PLATFORM}) as client:
        with pytest.raises(APIError) as caught:
            await client.accounts.login("ana@example.com", PASSWORD)
    assert _frames_showing(caught.value, ANSWERED_TOKEN, KEY, PASSWORD) == []


async def test_the_frames_of_an_async_page_that_does_not_fit_show_no_token_it_holds(
    mock: respx.MockRouter,
) -> None:
    mock.get(f"{PLATFORM}/v1/my/orders").mock(
        return_value=httpx.Response(200, json={"data": [{"id": 5, "access_token": ANSWERED_TOKEN}]})
    )
    async with AsyncHaulmer(
        KEY, environment="sandbox", base_urls={"platform": PLATFORM}, access_token=TOKEN
    ) as client:
        with pytest.raises(APIError) as caught:
            await client.myhaulmer.list_orders()
    assert "[redacted]" in repr(caught.value.body)
    assert _frames_showing(caught.value, ANSWERED_TOKEN, KEY, TOKEN) == []


def _echoing(status: int) -> Any:
    """An error answer echoing the request: its apikey header and its body (a password)."""

    def answer(request: httpx.Request) -> httpx.Response:
        echo = f"{request.headers.get('apikey')} {request.content.decode()}"
        return httpx.Response(status, text=echo)

    return answer


@pytest.mark.parametrize("status", [400, 401, 503])
def test_the_frames_of_an_error_answer_echoing_the_request_show_no_key_or_password(
    status: int, mock: respx.MockRouter
) -> None:
    # the error hides the echo; the frame that read the answer held it as it came
    mock.post(f"{PLATFORM}/v1/accounts/login").mock(side_effect=_echoing(status))
    client = Haulmer(KEY, environment="sandbox", base_urls={"platform": PLATFORM}, max_retries=0)
    with client, pytest.raises(APIError) as caught:
        client.accounts.login("ana@example.com", PASSWORD)
    assert _frames_showing(caught.value, KEY, PASSWORD) == []


async def test_the_frames_of_an_async_error_answer_echoing_the_request_show_no_password(
    mock: respx.MockRouter,
) -> None:
    mock.post(f"{PLATFORM}/v1/accounts/login").mock(side_effect=_echoing(400))
    async with AsyncHaulmer(
        KEY, environment="sandbox", base_urls={"platform": PLATFORM}, max_retries=0
    ) as client:
        with pytest.raises(APIError) as caught:
            await client.accounts.login("ana@example.com", PASSWORD)
    assert _frames_showing(caught.value, KEY, PASSWORD) == []
