"""The loopback HTTP server: started on an ephemeral port, driven by plain httpx, stopped."""

from __future__ import annotations

import errno
import json
import socket
import subprocess
import sys
import threading

import httpx
import pytest
from fake_bodies import HAULMER_KEY, factura

from haulmer.testing import FakeHaulmer, FakeRequest, serve
from haulmer.testing._fake import Outcome
from haulmer.testing._server import FakeServer


def test_server_serves_the_fake_over_http_and_stops_cleanly(fake: FakeHaulmer) -> None:
    with serve(fake) as url:
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url, headers={"apikey": HAULMER_KEY}) as client:
            issued = client.post("/v2/dte/document", json=factura(response=["FOLIO"]))
            assert issued.status_code == 200
            assert issued.json()["FOLIO"] == 1
            token = issued.json()["TOKEN"]
            status = client.get(f"/v2/dte/document/{token}/status")
            assert status.json() == {"estado": "Pendiente", "token": token}
            assert client.post("/v2/dte/document/received", json={}).status_code == 204
            assert client.get("/nope").json() == {
                "statusCode": 404,
                "message": "Resource not found",
            }
            assert client.get("/v2/dte/organization", headers={"apikey": ""}).status_code == 401
            assert client.get("/v1/openapi.json").status_code == 200
        port = int(url.rsplit(":", 1)[1])
    assert [r.route for r in fake.requests][:2] == [
        "openfactura.documents.emit",
        "openfactura.documents.status",
    ]
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_server_applies_scripted_faults(fake: FakeHaulmer) -> None:
    with serve(fake) as url, httpx.Client(base_url=url, headers={"apikey": HAULMER_KEY}) as client:
        fake.control.fail_next("openfactura.organization.retrieve", status=503, retry_after=3)
        failed = client.get("/v2/dte/organization")
        assert failed.status_code == 503
        assert failed.headers["retry-after"] == "3"
        fake.control.drop_connection("openfactura.organization.retrieve")
        with pytest.raises(httpx.TransportError):
            client.get("/v2/dte/organization")
        assert client.get("/v2/dte/organization").json()["rut"] == "76795561-8"


def test_serve_without_a_fake_creates_one() -> None:
    with serve() as url:
        answer = httpx.get(f"{url}/v2/dte/taxpayer/76430498-5", headers={"apikey": HAULMER_KEY})
        assert answer.json()["razonSocial"] == "HOSTY SPA"


def test_command_line_serve_prints_its_url_and_answers() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "haulmer.testing", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Fake Haulmer listening on http://127.0.0.1:")
        url = first.split(" on ", 1)[1].strip()
        org = httpx.get(f"{url}/v2/dte/organization", headers={"apikey": HAULMER_KEY}, timeout=5)
        assert org.json()["razonSocial"] == "HAULMER CHILE SPA"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()


def test_command_line_serve_stops_cleanly_on_sigterm() -> None:
    """Test runners and ``docker stop`` end a served fake with SIGTERM, not Ctrl+C."""
    process = subprocess.Popen(
        [sys.executable, "-m", "haulmer.testing", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("Fake Haulmer listening on ")
        process.terminate()
        _, errors = process.communicate(timeout=10)
        assert process.returncode == 0
        assert "stopped" in errors
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_a_stopped_server_no_longer_answers_on_a_kept_alive_connection(fake: FakeHaulmer) -> None:
    with httpx.Client(headers={"apikey": HAULMER_KEY}) as client:
        with serve(fake) as url:
            assert client.get(f"{url}/v2/dte/organization").status_code == 200
        served = fake.requests.total
        with pytest.raises(httpx.TransportError):
            client.get(f"{url}/v2/dte/organization")
    assert fake.requests.total == served


def test_stopping_the_server_ends_a_slow_answer_in_flight_and_its_thread(
    fake: FakeHaulmer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.control.slow("openfactura.organization.retrieve", seconds=25)
    served = threading.Event()
    handle = fake.handle

    def handle_then_tell(request: FakeRequest) -> Outcome:
        outcome = handle(request)
        served.set()  # the server now holds the answer for its slow wait
        return outcome

    monkeypatch.setattr(fake, "handle", handle_then_tell)
    outcome: list[BaseException | int] = []

    def ask(url: str) -> None:
        try:
            answer = httpx.get(
                f"{url}/v2/dte/organization", headers={"apikey": HAULMER_KEY}, timeout=60
            )
            outcome.append(answer.status_code)
        except httpx.TransportError as error:
            outcome.append(error)

    with serve(fake) as url:
        asker = threading.Thread(target=ask, args=(url,))
        asker.start()
        assert served.wait(timeout=10)
    # The slow answer (25 s) never left: the client saw the connection end, not a 200, and
    # its thread ended well before the answer would have come.
    asker.join(timeout=10)
    assert not asker.is_alive()
    assert len(outcome) == 1
    assert isinstance(outcome[0], httpx.TransportError)
    assert not [t for t in threading.enumerate() if t.name.startswith("haulmer-fake")]


@pytest.mark.parametrize("port", [True, -1, 65536, "8080", 80.0, None])
def test_serve_refuses_a_port_that_is_no_tcp_port_before_binding(
    fake: FakeHaulmer, port: object
) -> None:
    # port=True bound port 1; -1 and 65536 were an OverflowError from bind().
    refused = r"port must be an int from 0 to 65535 \(0 picks a free"
    with pytest.raises(ValueError, match=refused), serve(fake, port=port):  # type: ignore[arg-type]
        pytest.fail("served on a port that is no TCP port")


@pytest.mark.parametrize(
    ("host", "refused"),
    [
        ("", r"host must be an address to listen on, such as 127\.0\.0\.1 .* not empty"),
        ("  ", r"not empty"),
        ("http://127.0.0.1", r"the address alone, such as 127\.0\.0\.1, not a URL"),
        ("127.0.0.1:9000", r"the port goes in port=: serve\(host='127\.0\.0\.1', port=9000\)"),
        (5, r"host must be text, an address such as 127\.0\.0\.1, not int"),
        (None, r"host must be text, an address such as 127\.0\.0\.1, not NoneType"),
    ],
)
def test_serve_refuses_a_host_that_is_no_address_before_binding(
    fake: FakeHaulmer, host: object, refused: str
) -> None:
    # as haulmer serve --host does: an empty host served the fake on every interface (0.0.0.0),
    # a URL or host:port failed as a name not known, a number as a bare TypeError
    with pytest.raises(ValueError, match=refused), serve(fake, host=host):  # type: ignore[arg-type]
        pytest.fail("served on a host that is no address")


def test_serve_on_a_port_in_use_names_the_port_and_how_to_pick_a_free_one(
    fake: FakeHaulmer,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        named = f"port {port} .*port=0 picks a free one"
        with pytest.raises(OSError, match=named) as caught, serve(fake, port=port):
            pytest.fail("served on a port another socket listens on")
    assert caught.value.errno == errno.EADDRINUSE
    assert not fake.clock.follows_real_time


def test_server_listens_on_the_ipv6_loopback_and_names_it_as_a_url_does(fake: FakeHaulmer) -> None:
    # --host ::1 failed with "Address family for hostname not supported": the server only
    # listened on IPv4, so this machine's own IPv6 loopback read as not this machine's
    with serve(fake, host="::1") as url:
        assert url.startswith("http://[::1]:")
        with httpx.Client(base_url=url, headers={"apikey": HAULMER_KEY}) as client:
            assert client.get("/v1/openapi.json").status_code == 200


def test_an_empty_list_is_a_204_without_content_length_or_body(fake: FakeHaulmer) -> None:
    # HTTP forbids Content-Length on a 204 (RFC 9110, 8.6): the fake sent "Content-Length: 0".
    with serve(fake) as url:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        request = (
            f"POST /v2/dte/document/issued HTTP/1.1\r\nHost: fake\r\napikey: {HAULMER_KEY}\r\n"
            "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        ).encode()
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(request)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == "HTTP/1.1 204 No Content"
    assert not [line for line in lines[1:] if line.lower().startswith("content-length:")]
    assert body == b""


@pytest.mark.parametrize("given", [8080, "http://127.0.0.1:8080", None.__class__])
def test_serve_given_something_that_is_no_fake_says_what_it_takes_before_listening(
    given: object,
) -> None:
    # serve(8080) reads as "serve on port 8080": it failed with an AttributeError about
    # 'clock', leaving the port bound.
    with pytest.raises(TypeError, match=r"serve\(\) takes a FakeHaulmer.*port="), serve(given):  # type: ignore[arg-type]
        pass


def test_a_fake_server_given_something_that_is_no_fake_is_refused_before_binding() -> None:
    with pytest.raises(TypeError, match="FakeHaulmer"):
        FakeServer(8080)  # type: ignore[arg-type]


def test_a_body_over_the_limit_gets_the_same_413_in_process_as_over_http(
    fake: FakeHaulmer,
) -> None:
    from haulmer.testing._server import MAX_BODY

    sale = json.dumps(factura()).encode()
    padded = sale[:-1] + b" " * (MAX_BODY + 1 - len(sale)) + b"}"  # valid JSON, one byte over
    headers = {"apikey": HAULMER_KEY, "Content-Type": "application/json"}
    with httpx.Client(transport=fake.transport, base_url="http://fake.test") as client:
        in_process = client.post("/v2/dte/document", content=padded, headers=headers)
    with serve(fake) as url, httpx.Client(base_url=url) as client:
        over_http = client.post("/v2/dte/document", content=padded, headers=headers)
    assert (in_process.status_code, in_process.json()) == (413, over_http.json())
    assert over_http.status_code == 413
    assert over_http.json()["statusCode"] == 413
    assert not fake.openfactura_state.documents  # nothing issued either way
    assert len(fake.requests) == 0  # refused before the fake saw it, as over HTTP


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_dropped_connection_over_http_is_the_error_the_testing_guide_names(
    fake: FakeHaulmer, when: str
) -> None:
    """The guide said a drop before acting is ``httpx.ConnectError``: true in-process only. Over
    HTTP the request was sent on an open connection before the fake knew its route."""
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "testing.md").read_text("utf-8")
    (row,) = [
        line for line in guide.splitlines() if 'drop_connection(route, when="before")' in line
    ]
    fake.control.drop_connection("openfactura.organization.retrieve", when=when)  # type: ignore[arg-type]
    with serve(fake) as url, pytest.raises(httpx.TransportError) as raised:
        httpx.get(f"{url}/v2/dte/organization", headers={"apikey": HAULMER_KEY})
    assert type(raised.value).__name__ in row


def test_a_head_request_gets_no_body_in_process_as_over_http(fake: FakeHaulmer) -> None:
    """HTTP gives a HEAD answer no body (RFC 9110 9.3.2): over serve() the client read none,
    in-process it read the JSON a GET would have had."""
    headers = {"apikey": HAULMER_KEY}
    with httpx.Client(transport=fake.transport, base_url="http://fake.test") as client:
        in_process = client.head("/v2/dte/organization", headers=headers)
    with serve(fake) as url:
        over_http = httpx.head(f"{url}/v2/dte/organization", headers=headers)
    assert in_process.status_code == over_http.status_code == 404
    assert in_process.content == over_http.content == b""
    assert in_process.headers["content-length"] == over_http.headers["content-length"]
