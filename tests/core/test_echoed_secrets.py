"""An error answer that echoes what the request carried (its API key, the password of a login,
an e-mail link's token) does not carry those secrets into the error: message, details, body,
response, traceback and pickle all show a marker instead. A raw response, whose body is kept
whole to read, shows neither its body nor its header values."""

from __future__ import annotations

import json
import pickle
import re
import traceback
from typing import Any

import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import APIResponseValidationError, APIStatusError

from .conftest import API_KEY, PLATFORM, SANDBOX

PASSWORD = "Echoed-Password-2026"
LINK_TOKEN = "echoed-link-token-0123456789"


def _everything_shown(error: APIStatusError) -> str:
    return "\n".join(
        [
            str(error),
            repr(error),
            "".join(traceback.format_exception(error)),
            repr(vars(error)),
            repr(error.body),
            repr(error.response),
            repr(vars(pickle.loads(pickle.dumps(error)))),
        ]
    )


def _echo(status: int, *secrets: str) -> dict[str, Any]:
    echoed = " ".join(secrets)
    return {
        "error": {
            "message": f"rejected: {echoed}",
            "code": "OF-10" if status == 400 else None,
            "details": [{"field": "x", "issue": echoed}],
        },
        "request": {"apikey": API_KEY, "echo": list(secrets)},
    }


@pytest.mark.parametrize("status", [400, 401, 403, 422, 500])
def test_an_error_answer_echoing_the_api_key_shows_a_marker_instead(
    client: Haulmer, mock: respx.MockRouter, status: int
) -> None:
    mock.get(f"{SANDBOX}/v2/dte/document/tok/status").respond(status, json=_echo(status, API_KEY))
    with pytest.raises(APIStatusError) as info:
        client.with_options(max_retries=0).openfactura.documents.status("tok")
    shown = _everything_shown(info.value)
    assert API_KEY not in shown
    assert "rejected: [redacted]" in str(info.value)
    assert info.value.body["request"]["apikey"] == "[redacted]"


def test_an_error_answer_echoing_the_login_password_shows_a_marker_instead(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    escaped = "Contraseña-ñandú-2026"  # JSON may echo it as \u00f1
    for password in (PASSWORD, escaped):
        body = json.dumps(_echo(401, password), ensure_ascii=password == escaped).encode()
        mock.post(f"{PLATFORM}/v1/accounts/login").respond(
            401, content=body, headers={"content-type": "application/json"}
        )
        with pytest.raises(APIStatusError) as info:
            client.accounts.login("ana@example.com", password)
        shown = _everything_shown(info.value)
        assert password not in shown
        assert json.dumps(password)[1:-1] not in shown
        assert "[redacted]" in str(info.value)


@pytest.mark.parametrize("face", ["sync", "async"])
async def test_an_error_answer_echoing_a_password_with_escaped_slashes_shows_a_marker_instead(
    client: Haulmer, aclient: AsyncHaulmer, mock: respx.MockRouter, face: str
) -> None:
    """Servers that write JSON as PHP does escape "/" as "\\/" (a .pfx in base64 has many)."""
    password = "Clave/2026/de+Ana"
    body = json.dumps(_echo(401, password)).replace("/", "\\/").encode()
    mock.post(f"{PLATFORM}/v1/accounts/login").respond(
        401, content=body, headers={"content-type": "application/json"}
    )
    with pytest.raises(APIStatusError) as info:
        if face == "sync":
            client.accounts.login("ana@example.com", password)
        else:
            await aclient.accounts.login("ana@example.com", password)
    shown = _everything_shown(info.value)
    assert password not in shown
    assert password.replace("/", "\\/") not in shown
    assert "rejected: [redacted]" in str(info.value)


async def test_an_error_answer_echoing_an_e_mail_token_and_password_hides_both(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.post(f"{PLATFORM}/v1/accounts/password").respond(
        400, json=_echo(400, LINK_TOKEN, PASSWORD)
    )
    with pytest.raises(APIStatusError) as info:
        await aclient.accounts.create_password(LINK_TOKEN, password=PASSWORD, confirmation=PASSWORD)
    shown = _everything_shown(info.value)
    assert LINK_TOKEN not in shown
    assert PASSWORD not in shown


def test_an_error_answer_keeps_what_the_request_did_not_carry(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.get(f"{SANDBOX}/v2/dte/document/tok/status").respond(
        400, json={"error": {"message": "folio 123 de RUT 76086428-5", "code": "OF-10"}}
    )
    with pytest.raises(APIStatusError, match="folio 123 de RUT 76086428-5"):
        client.openfactura.documents.status("tok")


ACCESS_TOKEN = "session-access-token-0123456789abcdef"
COOKIE = "session=cookie-value-0123456789"


def _session_answer() -> dict[str, Any]:
    return {
        "access_token": ACCESS_TOKEN,
        "token_type": "Bearer",
        "expires_at": "2026-02-01T12:00:00Z",
        "platform": "my_haulmer",
        "account": {
            "id": "acc_1",
            "email": "ana@example.com",
            "name": "Ana",
            "has_password": True,
            "created_at": "2026-01-01T12:00:00Z",
        },
    }


def test_a_raw_response_and_the_answers_it_keeps_show_no_body_or_header_values(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(f"{PLATFORM}/v1/accounts/login").respond(
        200, json=_session_answer(), headers={"set-cookie": COOKIE, "x-request-id": "req_1"}
    )
    raw = client.accounts.with_raw_response.login("ana@example.com", PASSWORD)
    shown = "\n".join(
        [repr(raw), str(raw), repr(raw.responses), *(str(answer) for answer in raw.responses)]
    )
    assert ACCESS_TOKEN not in shown
    assert "cookie-value" not in shown
    assert "POST https://platform.example.test/v1/accounts/login" in repr(raw.responses[0])
    assert "status_code=200 request_id='req_1'" in repr(raw.responses[0])
    assert ACCESS_TOKEN.encode() in raw.content  # the body stays there to read
    assert raw.headers["set-cookie"] == COOKIE


_REFUSED_LOGIN = {"error": {"code": "invalid_credentials", "message": "Wrong e-mail or password"}}


@pytest.mark.parametrize("password", ["credentials", "invalid", "message", "error"])
def test_a_password_that_is_also_a_word_of_the_answer_leaves_its_code_and_message_whole(
    client: Haulmer, mock: respx.MockRouter, password: str
) -> None:
    """Only the secret as a whole is hidden: a password inside a longer word of the answer (its
    code) or equal to one of its field names is no echo, and hiding it there lost the code, the
    message and the advice that goes with them."""
    mock.post(f"{PLATFORM}/v1/accounts/login").respond(401, json=_REFUSED_LOGIN)
    with pytest.raises(APIStatusError) as info:
        client.with_options(max_retries=0).accounts.login("ana@example.com", password)
    assert info.value.code == "invalid_credentials"
    assert "Wrong e-mail or password" in str(info.value)
    assert "forgot_password" in str(info.value)
    assert info.value.body == _REFUSED_LOGIN


@pytest.mark.parametrize(
    "echo",
    [
        "rejected:\n{secret}",
        "rejected:\t{secret}.",
        "«{secret}»",
        "{secret}",
        "password={secret}&x=1",
        "Clave ñ{secret}",
    ],
)
def test_a_password_echoed_beside_escapes_or_punctuation_is_still_hidden(
    client: Haulmer, mock: respx.MockRouter, echo: str
) -> None:
    password = "credentials"
    for ascii_only in (True, False):
        body = {"error": {"code": "invalid_credentials", "message": echo.format(secret=password)}}
        content = json.dumps(body, ensure_ascii=ascii_only).encode()
        mock.post(f"{PLATFORM}/v1/accounts/login").respond(
            401, content=content, headers={"content-type": "application/json"}
        )
        with pytest.raises(APIStatusError) as info:
            client.with_options(max_retries=0).accounts.login("ana@example.com", password)
        shown = _everything_shown(info.value).replace("invalid_credentials", "")
        assert password not in shown
        assert info.value.code == "invalid_credentials"


def test_a_plain_text_answer_hides_the_secret_as_a_whole_only(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(f"{PLATFORM}/v1/accounts/login").respond(
        401, text="invalid_credentials: the password credentials is wrong"
    )
    with pytest.raises(APIStatusError) as info:
        client.with_options(max_retries=0).accounts.login("ana@example.com", "credentials")
    assert "invalid_credentials: the password [redacted] is wrong" in str(info.value)


@pytest.mark.parametrize(
    ("charset", "declared"),
    [
        ("iso-8859-1", None),
        ("iso-8859-1", "text/plain; charset=iso-8859-1"),
        ("utf-16", "text/plain; charset=utf-16"),
        ("cp1252", "text/plain; charset=windows-1252"),
    ],
)
def test_an_answer_in_another_charset_echoing_a_password_shows_a_marker_instead(
    client: Haulmer, mock: respx.MockRouter, charset: str, declared: str | None
) -> None:
    """An answer in ISO-8859-1 (which the SDK reads when it is no UTF-8) or in its declared
    charset writes a password's ñ otherwise than UTF-8 does."""
    password = "Contraseña-ñandú-2026"
    headers = {"content-type": declared} if declared else {}
    mock.post(f"{PLATFORM}/v1/accounts/login").respond(
        400, content=f"rejected: {password}".encode(charset), headers=headers
    )
    with pytest.raises(APIStatusError) as info:
        client.with_options(max_retries=0).accounts.login("ana@example.com", password)
    assert password not in _everything_shown(info.value)
    assert "rejected: [redacted]" in str(info.value)


@pytest.mark.parametrize(
    "location",
    [
        f"https://collect.test/{API_KEY}/next",
        f"https://collect.test/next#{API_KEY}",
        f"/login?return=/v2/dte&key2={API_KEY}",
        f"https://{API_KEY}@collect.test/next",
        f"https://erp:{API_KEY}@collect.test/next?page=2",
    ],
)
def test_a_redirect_whose_location_carries_the_api_key_names_it_without_the_key(
    client: Haulmer, mock: respx.MockRouter, location: str
) -> None:
    mock.get(f"{SANDBOX}/v2/dte/document/tok/status").respond(302, headers={"location": location})
    with pytest.raises(APIResponseValidationError) as info:
        client.with_options(max_retries=0).openfactura.documents.status("tok")
    assert "HTTP 302, a redirect to" in str(info.value)
    assert API_KEY not in str(info.value) + repr(vars(info.value))
    assert "[redacted]" in str(info.value)


@pytest.mark.parametrize("face", ["sync", "async"])
async def test_a_success_answer_echoing_the_request_keeps_no_secret_in_the_error_it_makes(
    client: Haulmer, aclient: AsyncHaulmer, mock: respx.MockRouter, face: str
) -> None:
    """A base URL pointed at an echo service (httpbin's shape) answers 200 with the request:
    the body the error keeps shows neither the password nor the API key, under any name."""
    sent = json.dumps({"email": "ana@example.com", "password": PASSWORD})
    login_echo = {"data": sent, "json": json.loads(sent), "args": {}}
    status_echo = {"headers": {"Apikey": API_KEY, "X-Sent": f"k={API_KEY}"}, "args": {}}
    mock.post(f"{PLATFORM}/v1/accounts/login").respond(200, json=login_echo)
    mock.get(f"{SANDBOX}/v2/dte/document/tok/status").respond(200, json=status_echo)
    with pytest.raises(APIResponseValidationError) as login:
        if face == "sync":
            client.with_options(max_retries=0).accounts.login("ana@example.com", PASSWORD)
        else:
            await aclient.with_options(max_retries=0).accounts.login("ana@example.com", PASSWORD)
    with pytest.raises(APIResponseValidationError) as status:
        if face == "sync":
            client.openfactura.documents.status("tok")
        else:
            await aclient.openfactura.documents.status("tok")
    for caught in (login, status):
        shown = repr(vars(caught.value)) + repr(vars(pickle.loads(pickle.dumps(caught.value))))
        assert PASSWORD not in shown
        assert API_KEY not in shown
    assert isinstance(login.value.body, dict)
    assert login.value.body["json"]["email"] == "ana@example.com"
    assert "[redacted]" in login.value.body["data"]
    assert isinstance(status.value.body, dict)
    assert status.value.body["headers"]["X-Sent"] == "k=[redacted]"


def test_an_error_answer_echoing_a_credential_like_custom_header_shows_a_marker_instead(
    mock: respx.MockRouter,
) -> None:
    """The headers whose names the DEBUG line redacts (X-Auth-Token, X-Client-Secret...) are
    credentials too: an answer that echoes one does not carry it into the error."""
    token = "gateway-credential-0123456789"
    mock.get(f"{SANDBOX}/v2/dte/document/tok/status").respond(
        403, json={"error": {"message": f"token {token} is not allowed here", "code": None}}
    )
    with (
        Haulmer(
            API_KEY,
            environment="sandbox",
            max_retries=0,
            default_headers={"X-Auth-Token": token, "X-Trace": "trace-0123456789"},
        ) as client,
        pytest.raises(APIStatusError) as info,
    ):
        client.openfactura.documents.status("tok")
    assert token not in _everything_shown(info.value)
    assert "token [redacted] is not allowed here" in str(info.value)


def test_hiding_an_echo_keeps_the_accents_of_an_answer_declared_in_iso_8859_1(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    """The JSON written again after hiding the echo is read in the charset the answer declares:
    an ASCII-escaped ñ stays an ñ, rather than UTF-8 bytes read as ISO-8859-1 ("Ã±")."""
    body = json.dumps({"error": {"code": None, "message": f"Contraseña {PASSWORD} inválida"}})
    mock.post(f"{PLATFORM}/v1/accounts/login").respond(
        400, content=body.encode(), headers={"content-type": "application/json; charset=iso-8859-1"}
    )
    with pytest.raises(APIStatusError) as info:
        client.with_options(max_retries=0).accounts.login("ana@example.com", PASSWORD)
    assert "Contraseña [redacted] inválida" in str(info.value)


def test_an_html_error_page_echoing_the_password_escaped_keeps_no_trace_of_it(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    """A framework's debug page (the platform may be the caller's own server) echoes the
    request HTML-escaped: a password with & < > " ' is there as &amp; &lt; &gt; &quot; &#x27;."""
    import html

    password = "Pa&ss<wo>rd\"'2026"
    page = f"<html><pre>{html.escape(json.dumps({'password': password}))}</pre></html>"
    mock.post(f"{PLATFORM}/v1/accounts/login").respond(
        500, text=page, headers={"content-type": "text/html; charset=utf-8"}
    )
    with pytest.raises(APIStatusError) as info:
        client.with_options(max_retries=0).accounts.login("ana@example.com", password)
    assert info.value.response is not None
    kept = info.value.response.content.decode()
    assert html.escape(json.dumps(password)[1:-1]) not in kept
    assert html.escape(password) not in kept
    assert "[redacted]" in kept


@pytest.mark.parametrize("face", ["sync", "async"])
async def test_a_taxpayer_answer_echoing_the_request_keeps_no_api_key_in_the_error_it_makes(
    client: Haulmer, aclient: AsyncHaulmer, mock: respx.MockRouter, face: str
) -> None:
    """A model a call makes of an answer itself (a taxpayer) is read outside the one place that
    hid the call's secrets in such an error's body: the API key an echo repeats is hidden too."""
    echo = {
        "rut": "76086428-5",
        "razon_social": {"not": "text"},
        "headers": {"X-Sent": f"k={API_KEY}"},
    }
    mock.get(f"{SANDBOX}/v2/dte/taxpayer/76086428-5").respond(200, json=echo)
    with pytest.raises(APIResponseValidationError) as caught:
        if face == "sync":
            client.openfactura.taxpayer.retrieve("76086428-5")
        else:
            await aclient.openfactura.taxpayer.retrieve("76086428-5")
    assert API_KEY not in repr(vars(caught.value))
    assert isinstance(caught.value.body, dict)
    assert caught.value.body["headers"]["X-Sent"] == "k=[redacted]"


@pytest.mark.parametrize("encode", ["quote", "quote_plus", "lowercase hex"])
def test_an_error_page_echoing_the_password_url_encoded_keeps_no_trace_of_it(
    client: Haulmer, mock: respx.MockRouter, encode: str
) -> None:
    """A proxy's or framework's error page may echo the request as a URL or form body, where a
    password with spaces, "&", "/" or "ñ" is percent-encoded: that form is the password too."""
    from urllib.parse import quote, quote_plus

    password = "Clave con ñ & / + 2026"
    if encode == "quote":
        echoed = quote(password, safe="")
    elif encode == "quote_plus":
        echoed = quote_plus(password, safe="")
    else:
        echoed = re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(password, safe=""))
    page = f"<html><pre>POST /v1/accounts/login?email=ana&password={echoed}</pre></html>"
    mock.post(f"{PLATFORM}/v1/accounts/login").respond(
        502, text=page, headers={"content-type": "text/html; charset=utf-8"}
    )
    with pytest.raises(APIStatusError) as info:
        client.with_options(max_retries=0).accounts.login("ana@example.com", password)
    assert info.value.response is not None
    kept = info.value.response.content.decode()
    assert echoed not in kept
    assert "password=[redacted]</pre>" in kept


@pytest.mark.parametrize("page", ["json", "html"])
def test_an_error_answer_echoing_the_base_urls_basic_credentials_shows_a_marker_instead(
    page: str,
) -> None:
    import base64

    import httpx

    password = "base-url-Password-2026"
    basic = base64.b64encode(f"ana:{password}".encode()).decode()  # what httpx sends for it

    def echo(request: httpx.Request) -> httpx.Response:
        sent = request.headers["authorization"]
        assert sent == f"Basic {basic}"
        said = f"gateway refused Authorization: {sent} ({password})"
        if page == "html":
            return httpx.Response(502, html=f"<html><body>{said}</body></html>")
        return httpx.Response(400, json={"message": said, "code": "OF-10"})

    with (
        Haulmer(
            API_KEY,
            base_urls={"openfactura": f"https://ana:{password}@openfactura.test"},
            http_client=httpx.Client(transport=httpx.MockTransport(echo)),
            max_retries=0,
        ) as client,
        pytest.raises(APIStatusError) as info,
    ):
        client.openfactura.documents.status("tok")
    assert info.value.response is not None
    shown = _everything_shown(info.value) + info.value.response.content.decode()
    assert password not in shown
    assert basic not in shown
    assert "gateway refused Authorization: Basic [redacted] ([redacted])" in shown
