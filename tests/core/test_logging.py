"""Logging on the ``haulmer`` logger, and proof that secrets never reach logs or errors."""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import respx

from haulmer import Haulmer
from haulmer._core import log as haulmer_logging
from haulmer._core.log import redact_headers, redact_url
from haulmer._core.request import APIRequest
from haulmer.errors import APIConnectionError, APIStatusError, HaulmerError

from .conftest import PLATFORM, SANDBOX, Sleeps
from .helpers import get_org, send

SECRETS = ("0123456789abcdef-SECRET-KEY", "bearer-SECRET-token", "mail-SECRET-token", "pw-SECRET")


@pytest.fixture
def secret_client(sleeps: Sleeps) -> Iterator[Haulmer]:
    with Haulmer(
        SECRETS[0],
        environment="sandbox",
        base_urls={"platform": PLATFORM},
        access_token=SECRETS[1],
        sleep=sleeps,
    ) as client:
        yield client


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


def test_request_line_status_attempt_and_elapsed_are_logged(
    secret_client: Haulmer, mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    mock.get(f"{SANDBOX}/v2/dte/organization").side_effect = [
        httpx.Response(503),
        httpx.Response(200, json={"rut": "1-9"}),
    ]
    with caplog.at_level(logging.INFO, logger="haulmer"):
        send(secret_client, get_org())
    text = everything_logged(caplog)
    assert f"GET {SANDBOX}/v2/dte/organization -> 503 (attempt 1," in text
    assert f"GET {SANDBOX}/v2/dte/organization -> 200 (attempt 2," in text
    assert "ms)" in text
    assert "Retrying GET" in text


def test_secrets_never_reach_log_records_or_errors(
    secret_client: Haulmer, mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    mock.get(f"{SANDBOX}/v2/dte/organization").respond(
        401, json={"statusCode": 401, "message": "Access denied due to invalid subscription key."}
    )
    mock.post(f"{PLATFORM}/v1/password").respond(
        400, json={"error": {"code": "token_used", "message": "used"}}
    )
    mock.get(f"{PLATFORM}/v1/confirm").mock(side_effect=httpx.ConnectError("refused"))
    errors: list[HaulmerError] = []
    with caplog.at_level(logging.DEBUG, logger="haulmer"):
        with pytest.raises(APIStatusError) as first:
            send(secret_client, get_org())
        errors.append(first.value)
        password = APIRequest(
            "POST",
            "/v1/password",
            "platform",
            dict,
            json={"token": SECRETS[2], "password": SECRETS[3]},
        )
        with pytest.raises(APIStatusError) as second:
            send(secret_client, password)
        errors.append(second.value)
        confirm = APIRequest("GET", "/v1/confirm", "platform", dict, params={"token": SECRETS[2]})
        with pytest.raises(APIConnectionError) as third:
            send(secret_client, confirm)
        errors.append(third.value)
    logged = everything_logged(caplog)
    assert "apikey" in logged  # the debug lines do show headers, redacted
    shown = [logged, repr(secret_client)]
    for error in errors:
        shown += [str(error), repr(error), str(error.args)]
    for secret in SECRETS:
        for text in shown:
            assert secret not in text


def test_redaction_helpers() -> None:
    headers = redact_headers({"apikey": "k", "Authorization": "Bearer t", "Accept": "json"})
    assert headers == {"apikey": "[redacted]", "Authorization": "[redacted]", "Accept": "json"}
    url = redact_url("https://x.test/v1/a?token=abc&page=2&password=p&api_key=z")
    assert "abc" not in url
    assert "page=2" in url
    assert "=p&" not in url
    assert not url.endswith("=z")
    assert redact_url("https://x.test/v1/a") == "https://x.test/v1/a"


def test_haulmer_log_env_turns_logging_on(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("haulmer")
    before = (list(logger.handlers), logger.level)
    monkeypatch.setattr(logging.root, "handlers", [])  # an application without logging set up
    monkeypatch.setattr(haulmer_logging, "_configured", False)
    monkeypatch.setenv("HAULMER_LOG", "debug")
    try:
        Haulmer("k").close()
        assert logger.level == logging.DEBUG
        assert len(logger.handlers) == len(before[0]) + 1
        Haulmer("k").close()  # configured once only
        assert len(logger.handlers) == len(before[0]) + 1
    finally:
        logger.handlers[:] = before[0]
        logger.setLevel(before[1])


def test_two_threads_making_their_first_clients_at_once_add_one_log_handler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both threads read HAULMER_LOG before either marked logging set up, and both added a
    handler: every line was then written twice. The second now waits for the first."""
    logger = logging.getLogger("haulmer")
    before = (list(logger.handlers), logger.level)
    monkeypatch.setattr(logging.root, "handlers", [])  # an application without logging set up
    monkeypatch.setattr(haulmer_logging, "_configured", False)
    monkeypatch.setenv("HAULMER_LOG", "info")
    lock = haulmer_logging._CONFIGURING
    other_waits = threading.Event()  # the other thread is at the lock, or done

    def other() -> None:
        try:
            Haulmer("k").close()
        finally:
            other_waits.set()

    second = threading.Thread(target=other)

    class Watched:
        def __enter__(self) -> None:
            if threading.current_thread() is second:
                other_waits.set()
            lock.acquire()

        def __exit__(self, *exc: object) -> None:
            lock.release()

    class Environ:
        def get(self, key: str, default: Any = None) -> Any:
            first = threading.current_thread() is not second
            if first and not second.is_alive() and not other_waits.is_set():
                second.start()  # while this thread reads HAULMER_LOG
                other_waits.wait()
            return os.environ.get(key, default)

    monkeypatch.setattr(haulmer_logging, "_CONFIGURING", Watched())
    monkeypatch.setattr(haulmer_logging, "os", SimpleNamespace(environ=Environ()))
    try:
        Haulmer("k").close()
        second.join()
        assert len(logger.handlers) == len(before[0]) + 1
    finally:
        logger.handlers[:] = before[0]
        logger.setLevel(before[1])


def test_haulmer_log_with_the_applications_logging_set_up_writes_each_line_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A handler of the SDK's beside the application's root handler wrote every line twice (to
    stderr and, through the root, again); HAULMER_LOG then only sets the level, as
    logging.basicConfig leaves an application's own logging alone."""
    logger = logging.getLogger("haulmer")
    before = (list(logger.handlers), logger.level)
    lines: list[str] = []

    class Application(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    monkeypatch.setattr(logging.root, "handlers", [Application()])
    monkeypatch.setattr(haulmer_logging, "_configured", False)
    monkeypatch.setenv("HAULMER_LOG", "info")
    try:
        Haulmer("k").close()
        assert logger.level == logging.INFO
        assert logger.handlers == before[0]
        logger.info("one line")
        assert lines == ["one line"]
    finally:
        logger.handlers[:] = before[0]
        logger.setLevel(before[1])


@pytest.mark.parametrize("value", ["verbose", "DEBUGG", "2"])
def test_an_unknown_haulmer_log_value_warns_once_and_logs_nothing(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    logger = logging.getLogger("haulmer")
    before = (list(logger.handlers), logger.level)
    monkeypatch.setattr(haulmer_logging, "_configured", False)
    monkeypatch.setenv("HAULMER_LOG", value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Haulmer("k").close()
        Haulmer("k").close()  # warned once only
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert len(messages) == 1
    assert messages[0].startswith(f"HAULMER_LOG='{value}' is not a level the SDK knows")
    assert "info" in messages[0]
    assert "debug" in messages[0]
    assert (list(logger.handlers), logger.level) == before


@pytest.mark.parametrize("make", ["Haulmer", "AsyncHaulmer", "fake.client", "fake.async_client"])
def test_the_unknown_haulmer_log_warning_points_at_the_line_that_made_the_client(
    monkeypatch: pytest.MonkeyPatch, make: str
) -> None:
    """The warning named a line of the SDK's own ``_client.py`` as its place, where a user looks
    for the line of theirs (and a ``-W`` filter by module matches it)."""
    import haulmer
    from haulmer.testing import FakeHaulmer

    fake = FakeHaulmer()
    makers = {
        "Haulmer": lambda: haulmer.Haulmer("k"),
        "AsyncHaulmer": lambda: haulmer.AsyncHaulmer("k"),
        "fake.client": fake.client,
        "fake.async_client": fake.async_client,
    }
    monkeypatch.setattr(haulmer_logging, "_configured", False)
    monkeypatch.setenv("HAULMER_LOG", "verbose")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        makers[make]()
    (warning,) = [w for w in caught if issubclass(w.category, UserWarning)]
    assert warning.filename == __file__


@pytest.mark.parametrize("value", ["", "off", "0", "false"])
def test_an_off_haulmer_log_value_is_silent(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setattr(haulmer_logging, "_configured", False)
    monkeypatch.setenv("HAULMER_LOG", value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Haulmer("k").close()


def test_request_description_repr_hides_body_and_headers() -> None:
    from haulmer._core.request import APIRequest

    request = APIRequest(
        method="POST",
        path="/v1/accounts/password",
        product="platform",
        cast_to=dict,
        json={"password": "Sup3rSecreta", "pfx_password": "firma-123"},
        extra_headers={"apikey": "0123456789abcdef0123456789abcdef"},
        access_token="tok_very_secret",
    )
    shown = repr(request)
    assert "POST" in shown
    assert "/v1/accounts/password" in shown
    for secret in ["Sup3rSecreta", "firma-123", "0123456789abcdef", "tok_very_secret"]:
        assert secret not in shown


def test_user_info_in_a_url_is_redacted() -> None:
    shown = redact_url("https://ana:pw-secret@platform.test/v1/orders?page=2")
    assert shown == "https://[redacted]@platform.test/v1/orders?page=2"
    assert (
        redact_url("https://tok-secret@platform.test/v1") == "https://[redacted]@platform.test/v1"
    )


def test_a_base_url_with_a_password_leaks_neither_in_errors_nor_in_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with (
        Haulmer(
            "k",
            base_urls={"platform": "https://ana:pw-secret@platform.test"},
            http_client=httpx.Client(transport=httpx.MockTransport(refuse)),
            max_retries=0,
        ) as client,
        caplog.at_level(logging.DEBUG, logger="haulmer"),
        pytest.raises(APIConnectionError) as caught,
    ):
        client.checkout.catalog()
    shown = [everything_logged(caplog), str(caught.value), repr(caught.value), repr(client)]
    assert "platform.test" in str(caught.value)
    for text in shown:
        assert "pw-secret" not in text


def test_credential_like_custom_headers_are_redacted_in_debug_lines(
    mock: respx.MockRouter, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    mock.get(f"{SANDBOX}/v2/dte/organization").respond(json={"rut": "1-9"})
    custom = {
        "X-Auth-Token": "custom-SECRET-1",
        "X-Client-Secret": "custom-SECRET-2",
        "X-Session-Id": "custom-SECRET-3",
        "X-Team": "erp",
    }
    with (
        caplog.at_level(logging.DEBUG, logger="haulmer"),
        Haulmer("k", environment="sandbox", default_headers=custom, sleep=sleeps) as client,
    ):
        send(client, get_org(idempotency_key="order-7"))
    logged = everything_logged(caplog)
    assert "custom-SECRET" not in logged
    assert "'x-team': 'erp'" in logged
    assert "'idempotency-key': 'order-7'" in logged  # an id to find the call by, not a credential


def test_the_logging_pages_say_haulmer_log_leaves_an_applications_lines_to_its_handler() -> None:
    """docs/guides/logging.md and docs/clients.md say what the test above holds: with logging set
    up by the application, HAULMER_LOG sets the level and adds no stderr handler."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs"
    guide = " ".join((docs / "guides" / "logging.md").read_text("utf-8").split())
    clients = " ".join((docs / "clients.md").read_text("utf-8").split())
    assert (
        "it only sets the level and leaves the lines to your handler, so each is written" in guide
    )
    assert "sets the level and leaves the lines to it, so that each is written once" in clients
    assert test_haulmer_log_with_the_applications_logging_set_up_writes_each_line_once


def test_no_request_or_answer_body_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """docs/guides/logging.md: bodies are never logged (they carry documents and personal
    data), at DEBUG too; a failed attempt's line and the retry's line carry none either."""
    import haulmer.dte as dte
    from haulmer.testing import FakeHaulmer

    fake = FakeHaulmer()
    client = fake.client()
    factura = dte.factura(
        emisor={
            "rut": "76795561-8",
            "razon_social": "HAULMER SPA",
            "giro": "Software",
            "actecos": [620200],
            "direccion": "Arturo Prat 527",
            "comuna": "Curicó",
        },
        receptor={
            "rut": "76430498-5",
            "razon_social": "HOSTY SPA",
            "giro": "Informática",
            "direccion": "Calle Secreta 1234",
            "comuna": "Curicó",
        },
        lines=[{"nombre": "Consulta médica de Ana Pérez", "cantidad": 1, "precio": 2000}],
        fecha=fake.clock.today(),
    )
    fake.control.fail_next("openfactura.documents.emit", code="OF-10", status=503)
    with caplog.at_level(logging.DEBUG, logger="haulmer"):
        emitted = client.openfactura.documents.emit(factura, response=["FOLIO", "XML"])
    logged = everything_logged(caplog)
    assert "POST" in logged
    assert "Retrying" in logged
    assert emitted.xml is not None
    for private in ("Calle Secreta", "Ana Pérez", "Validación de Campos", emitted.token):
        assert private not in logged


def _httpx_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith(("httpx", "httpcore"))]


def test_httpx_own_request_lines_show_no_base_url_password_or_secret_query_value(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"rut": "1-9"})

    with (
        caplog.at_level(logging.DEBUG),
        Haulmer(
            "k",
            base_urls={"openfactura": "https://ana:pw-SECRET@openfactura.test"},
            http_client=httpx.Client(transport=httpx.MockTransport(answer)),
            max_retries=0,
        ) as client,
    ):
        client.openfactura.organization.retrieve(
            extra_query={"access_token": "tok-SECRET", "page": "2"}
        )
    lines = _httpx_lines(caplog)
    assert any("HTTP Request: GET https://" in line and "page=2" in line for line in lines)
    for line in lines:
        assert "pw-SECRET" not in line
        assert "tok-SECRET" not in line


async def test_httpx_own_request_lines_of_the_async_client_show_no_secret_query_value(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from haulmer import AsyncHaulmer

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"rut": "1-9"})

    with caplog.at_level(logging.DEBUG):
        async with AsyncHaulmer(
            "k",
            base_urls={"openfactura": "https://ana:pw-SECRET@openfactura.test"},
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)),
            max_retries=0,
        ) as client:
            await client.openfactura.organization.retrieve(extra_query={"token": "tok-SECRET"})
    lines = _httpx_lines(caplog)
    assert any("HTTP Request: GET https://" in line for line in lines)
    for line in lines:
        assert "pw-SECRET" not in line
        assert "tok-SECRET" not in line


def test_an_applications_own_httpx_lines_are_left_as_httpx_writes_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)

    with (
        caplog.at_level(logging.DEBUG),
        httpx.Client(transport=httpx.MockTransport(answer)) as own,
        Haulmer("k", environment="sandbox"),
    ):
        own.get("https://elsewhere.test/feed?token=not-the-sdks")
    assert any("token=not-the-sdks" in line for line in _httpx_lines(caplog))


@pytest.mark.parametrize(
    "url",
    [
        "https://ana:[redacted]@platform.test/v1?token=tok-SECRET",
        "https://[not-an-address]/v1?password=pw-SECRET",
        "https://[::1/v1?apikey=key-SECRET",
    ],
)
def test_redact_url_hides_credentials_of_a_url_python_cannot_split_and_never_raises(
    url: str,
) -> None:
    shown = redact_url(url)
    assert "SECRET" not in shown
    assert "ana" not in shown


class _SettingCookies(BaseHTTPRequestHandler):
    """Answers an OpenFactura organization with a session cookie and a token header."""

    def do_GET(self) -> None:
        body = b'{"rut": "76795561-8", "razonSocial": "X SPA"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", "session=cookie-SECRET; HttpOnly")
        self.send_header("X-Refresh-Token", "refresh-SECRET")
        self.send_header("X-Team", "erp")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def cookie_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SettingCookies)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_httpcore_debug_lines_of_an_answer_show_no_cookie_or_token_header_value(
    caplog: pytest.LogCaptureFixture, cookie_server: str
) -> None:
    with (
        caplog.at_level(logging.DEBUG),
        Haulmer("k", base_urls={"openfactura": cookie_server}, max_retries=0) as client,
    ):
        client.openfactura.organization.retrieve()
    lines = "\n".join(_httpx_lines(caplog))
    assert "receive_response_headers.complete" in lines
    assert "(b'X-Team', b'erp')" in lines
    assert "SECRET" not in lines
