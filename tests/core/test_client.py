"""Client configuration: keys, environments, base URLs, headers, auth, copies, closing."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import httpx
import pytest
import respx

import haulmer
from haulmer import AsyncHaulmer, ConfigurationError, Haulmer, Timeout
from haulmer._core.request import APIRequest

from .conftest import API_KEY, PLATFORM, SANDBOX, Sleeps
from .helpers import asend, get_org, send

ORG = {"rut": "76795561-8", "razonSocial": "HAULMER SPA"}


def platform_get(**options: Any) -> APIRequest[dict[str, Any]]:
    return APIRequest("GET", "/v1/orders/o1", "platform", dict[str, Any], **options)


def test_haulmer_is_served_lazily_from_the_package() -> None:
    assert haulmer.Haulmer is Haulmer
    assert haulmer.AsyncHaulmer is AsyncHaulmer


def test_api_key_falls_back_to_the_environment_variable(
    monkeypatch: pytest.MonkeyPatch, mock: respx.MockRouter
) -> None:
    monkeypatch.setenv("HAULMER_API_KEY", "from-env")
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    with Haulmer(environment="sandbox") as client:
        send(client, get_org())
    assert route.calls.last.request.headers["apikey"] == "from-env"


def test_missing_api_key_fails_at_the_first_openfactura_call_before_any_io(
    monkeypatch: pytest.MonkeyPatch, mock: respx.MockRouter
) -> None:
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    with (
        Haulmer(environment="sandbox") as client,
        pytest.raises(ConfigurationError, match="HAULMER_API_KEY"),
    ):
        send(client, get_org())
    assert not route.called


async def test_missing_api_key_fails_the_same_way_in_the_async_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    async with AsyncHaulmer(environment="sandbox") as client:
        with pytest.raises(ConfigurationError, match="HAULMER_API_KEY"):
            await asend(client, get_org())


def test_unknown_environment_names_the_valid_ones() -> None:
    with pytest.raises(ConfigurationError, match="'production', 'sandbox', 'local'"):
        Haulmer("k", environment="staging")


@pytest.mark.parametrize("given", ["Sandbox", "SANDBOX", " sandbox\n"])
def test_an_environment_argument_is_read_in_any_case_as_its_variable_and_the_cli_are(
    given: str,
) -> None:
    # Haulmer(environment="Sandbox") was refused as an unknown environment, while
    # HAULMER_ENVIRONMENT=Sandbox and `--environment Sandbox` are read as sandbox.
    client = Haulmer("k", environment=given)
    assert client.environment == "sandbox"
    assert client.with_options(environment=given.upper()).environment == "sandbox"
    assert AsyncHaulmer("k", environment=given).environment == "sandbox"


def test_unknown_product_in_base_urls_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="openfactura"):
        Haulmer("k", base_urls={"payments": "https://x.test"})


def test_bad_timeout_and_max_retries_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        Haulmer("k", timeout=-1)
    with pytest.raises(ConfigurationError, match="max_retries"):
        Haulmer("k", max_retries=-1)


@pytest.mark.parametrize(
    "seconds",
    [float("nan"), float("inf"), 1e300, 1e10, 10**400],
    ids=["nan", "inf", "1e300", "1e10", "an int past floats"],
)
def test_a_timeout_no_socket_can_keep_is_refused_in_every_form(seconds: float) -> None:
    import httpx

    from haulmer import Timeout

    # A socket takes at most about 9e9 s: these raised ValueError or OverflowError at the
    # first read, from inside httpx, instead of a ConfigurationError before any request.
    for make in (
        lambda: Timeout(total=seconds),
        lambda: Timeout(connect=seconds),
        lambda: Timeout(read=seconds),
        lambda: Haulmer("k", timeout=seconds),
        lambda: Haulmer("k", timeout=Timeout(write=seconds)),
        lambda: Haulmer("k", timeout=httpx.Timeout(5.0, pool=seconds)),
    ):
        with pytest.raises(ConfigurationError, match="positive"):
            make()


def test_the_longest_timeout_is_one_a_socket_keeps() -> None:
    import socket

    from haulmer import Timeout
    from haulmer._core.types import LONGEST_TIMEOUT

    with socket.socket() as unconnected:
        unconnected.settimeout(LONGEST_TIMEOUT)
    assert Haulmer("k", timeout=LONGEST_TIMEOUT).timeout == Timeout(
        total=LONGEST_TIMEOUT, connect=LONGEST_TIMEOUT
    )
    assert Timeout(total=int(LONGEST_TIMEOUT)).total == LONGEST_TIMEOUT


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("htps://bob:s3cr3t@host", "s3cr3t"),
        ("bob:s3cr3t@host", "s3cr3t"),
        ("https://host/?token=s3cr3t", "s3cr3t"),
        ("https://host/#s3cr3t", None),
        ("https://[::1", None),
        ("https://", None),
    ],
)
def test_a_bad_base_url_is_refused_without_echoing_its_secrets(
    url: str, secret: str | None
) -> None:
    with pytest.raises(ConfigurationError, match=r"base_urls\['openfactura'\]") as info:
        Haulmer("k", base_urls={"openfactura": url})
    if secret:
        assert secret not in str(info.value)


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://api.example.test\n", "line break"),
        ("https://api.exa\tmple.test", "line break"),
        ("https://api.exa\u00a0mple.test", "blank"),
        ("https://api.example.test/v\x7f", "control character"),
        ("https://bob:s3cr3t@api.example.test:notaport", "port"),
        ("https://api.example.test:99999", "port"),
        ("https://:8080", "no host"),
        ("https://bob:s3cr3t@/api", "no host"),
    ],
)
def test_a_base_url_no_request_can_be_sent_to_is_refused_when_the_client_is_made(
    mock: respx.MockRouter, url: str, said: str
) -> None:
    mock.route().respond(200, json={})
    with pytest.raises(ConfigurationError, match=r"base_urls\['openfactura'\]") as info:
        Haulmer("k", base_urls={"openfactura": url})
    assert said in str(info.value)
    assert "s3cr3t" not in str(info.value)
    assert not mock.calls


def test_a_base_url_no_request_can_be_sent_to_is_refused_from_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HAULMER_OPENFACTURA_BASE_URL", "https://api.example.test:port")
    with pytest.raises(ConfigurationError, match="HAULMER_OPENFACTURA_BASE_URL"):
        Haulmer("k")


@pytest.mark.parametrize("name", ["base_urls", "default_headers"])
@pytest.mark.parametrize(
    "value", ["https://bob:s3cr3t@api.example.test", [("openfactura", "https://x.test")], 5]
)
def test_base_urls_or_default_headers_that_are_no_mapping_are_refused_saying_what_they_take(
    name: str, value: object
) -> None:
    makers = [
        lambda: Haulmer("k", **{name: value}),  # type: ignore[arg-type]
        lambda: AsyncHaulmer("k", **{name: value}),  # type: ignore[arg-type]
        lambda: Haulmer("k").with_options(**{name: value}),  # type: ignore[arg-type]
    ]
    for make in makers:
        with pytest.raises(
            ConfigurationError, match=rf"^{name} takes a mapping such as {{"
        ) as info:
            make()
        assert f"got {type(value).__name__}" in str(info.value)
        assert "s3cr3t" not in str(info.value)
    if name == "base_urls" and isinstance(value, str):
        assert "HAULMER_BASE_URL" in str(info.value)


def test_a_base_url_that_is_not_text_is_named_by_its_type() -> None:
    with pytest.raises(ConfigurationError, match="a value of type int"):
        Haulmer("k", base_urls={"openfactura": 42})  # type: ignore[dict-item]


def test_environments_point_products_at_their_base_urls() -> None:
    assert Haulmer("k").base_urls == {"openfactura": "https://api.haulmer.com", "platform": None}
    assert Haulmer("k", environment="sandbox").base_urls["openfactura"] == SANDBOX
    local = Haulmer("k", environment="local").base_urls
    assert local == {"openfactura": "http://127.0.0.1:8080", "platform": "http://127.0.0.1:8080"}


def test_platform_call_without_a_platform_url_explains_why(mock: respx.MockRouter) -> None:
    with (
        Haulmer("k", environment="production") as client,
        pytest.raises(ConfigurationError, match="publishes no public API") as info,
    ):
        send(client, platform_get())
    assert "base_urls" in str(info.value)
    assert not mock.calls


def test_base_urls_override_one_product_and_keep_the_other() -> None:
    client = Haulmer("k", environment="sandbox", base_urls={"platform": "http://p.test/"})
    assert client.base_urls == {"openfactura": SANDBOX, "platform": "http://p.test"}


def test_requests_carry_user_agent_api_key_and_default_headers(mock: respx.MockRouter) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    with Haulmer(API_KEY, environment="sandbox", default_headers={"X-Team": "erp"}) as client:
        org = send(client, get_org(extra_headers={"X-Trace": "t1"}))
    headers = route.calls.last.request.headers
    assert headers["user-agent"] == f"haulmer-python/{haulmer.__version__}"
    assert headers["apikey"] == API_KEY
    assert headers["x-team"] == "erp"
    assert headers["x-trace"] == "t1"
    assert "authorization" not in headers
    assert org.rut == "76795561-8"
    assert org.razon_social is None  # wire name differs; kept as an extra field
    assert org.model_extra == {"razonSocial": "HAULMER SPA"}


def test_a_users_pool_adds_its_headers_query_and_cookies_and_the_calls_own_win(
    mock: respx.MockRouter,
) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    pool = httpx.Client(
        headers={"X-Pool": "p", "User-Agent": "pool-agent", "APIKEY": "pool-key"},
        params={"tenant": "t1", "a": "pool"},
        cookies={"lb": "node-2"},
    )
    with pool, Haulmer(API_KEY, environment="sandbox", http_client=pool) as client:
        send(client, get_org(params={"a": "call"}))
    request = route.calls.last.request
    assert request.headers["x-pool"] == "p"
    assert request.headers["user-agent"] == f"haulmer-python/{haulmer.__version__}"
    assert request.headers.get_list("apikey") == [API_KEY]
    assert request.headers["cookie"] == "lb=node-2"
    assert dict(request.url.params) == {"tenant": "t1", "a": "call"}


def test_cookies_a_server_sets_go_back_with_the_next_calls(mock: respx.MockRouter) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization")
    route.side_effect = [
        httpx.Response(200, json=ORG, headers={"Set-Cookie": "affinity=a1; Path=/"}),
        httpx.Response(200, json=ORG),
    ]
    with Haulmer(API_KEY, environment="sandbox") as client:
        send(client, get_org())
        send(client, get_org())
    first, second = route.calls
    assert "cookie" not in first.request.headers
    assert second.request.headers["cookie"] == "affinity=a1"


def test_platform_requests_never_carry_the_api_key_and_use_the_bearer_token(
    mock: respx.MockRouter,
) -> None:
    route = mock.get(f"{PLATFORM}/v1/orders/o1").respond(json={"id": "o1"})
    with Haulmer(API_KEY, base_urls={"platform": PLATFORM}, access_token="tok-1") as client:
        assert send(client, platform_get()) == {"id": "o1"}
        send(client, platform_get(access_token="tok-2"))
        send(client, platform_get(auth="none"))
    first, second, third = (call.request.headers for call in route.calls)
    assert "apikey" not in first
    assert first["authorization"] == "Bearer tok-1"
    assert second["authorization"] == "Bearer tok-2"
    assert "authorization" not in third


def test_platform_call_that_requires_a_token_fails_without_one(mock: respx.MockRouter) -> None:
    with Haulmer(base_urls={"platform": PLATFORM}) as client:
        assert client.base_urls["platform"] == PLATFORM
        with pytest.raises(ConfigurationError, match="access token"):
            send(client, platform_get(auth="bearer"))
    assert not mock.calls


def test_platform_call_without_token_needs_no_api_key(
    mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    mock.get(f"{PLATFORM}/v1/orders/o1").respond(json={"id": "o1"})
    with Haulmer(base_urls={"platform": PLATFORM}) as client:
        assert send(client, platform_get()) == {"id": "o1"}


def test_idempotency_key_is_sent_as_its_documented_header(mock: respx.MockRouter) -> None:
    route = mock.post(f"{SANDBOX}/v2/dte/document").respond(json={"ok": True})
    with Haulmer(API_KEY, environment="sandbox") as client:
        send(
            client,
            APIRequest(
                "POST", "/v2/dte/document", "openfactura", dict, json={}, idempotency_key="order-42"
            ),
        )
    assert route.calls.last.request.headers["Idempotency-Key"] == "order-42"


def test_per_call_timeout_overrides_the_client_default(mock: respx.MockRouter) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    with Haulmer(API_KEY, environment="sandbox", timeout=Timeout(20, connect=3)) as client:
        send(client, get_org())
        send(client, get_org(timeout=2.5))
        send(client, get_org(timeout=None))
    default, short, unlimited = (call.request.extensions["timeout"] for call in route.calls)
    assert default == {"connect": 3, "read": 20, "write": 20, "pool": 20}
    assert short == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}
    assert unlimited == {"connect": None, "read": None, "write": None, "pool": None}


def test_default_timeout_is_30_seconds_with_5_to_connect() -> None:
    assert Haulmer("k").timeout == Timeout(total=30.0, connect=5.0)
    assert Haulmer("k").max_retries == 2


def test_with_options_copies_settings_and_shares_the_pool(
    mock: respx.MockRouter, sleeps: Sleeps
) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    parent = Haulmer("k1", environment="production", base_urls={"platform": PLATFORM}, sleep=sleeps)
    child = parent.with_options(api_key="k2", environment="sandbox", max_retries=5)
    assert child._http_client is parent._http_client
    assert child.base_urls == {"openfactura": SANDBOX, "platform": PLATFORM}
    assert (child.max_retries, parent.max_retries) == (5, 2)
    send(child, get_org())
    assert route.calls.last.request.headers["apikey"] == "k2"
    child.close()
    assert not parent.is_closed  # a copy never closes the shared pool
    parent.close()
    assert parent.is_closed


def test_context_manager_closes_its_own_pool_but_not_a_users() -> None:
    with Haulmer("k") as client:
        pass
    assert client.is_closed
    users = httpx.Client()
    with Haulmer("k", http_client=users):
        pass
    assert not users.is_closed
    users.close()


async def test_async_context_manager_closes_its_pool() -> None:
    async with AsyncHaulmer("k") as client:
        copy = client.with_options(timeout=5)
        await copy.aclose()
        assert not client.is_closed
    assert client.is_closed


def test_resource_properties_are_cached_per_client() -> None:
    client = Haulmer("k")
    try:
        first = client.openfactura
    except ImportError:
        pytest.fail("haulmer.openfactura must provide OpenFactura")
    assert client.openfactura is first
    assert client.with_options(max_retries=0).openfactura is not first


def test_client_repr_shows_no_secret() -> None:
    client = Haulmer(API_KEY, access_token="secret-token", environment="sandbox")
    text = repr(client)
    assert API_KEY not in text
    assert "secret-token" not in text
    assert "api_key=<set>" in text
    assert "sandbox" in text
    assert API_KEY not in repr(client._config)
    assert "secret-token" not in repr(client._config)


def test_default_headers_stay_out_of_the_configs_repr() -> None:
    client = Haulmer(
        API_KEY, environment="sandbox", default_headers={"Authorization": "Bearer header-secret"}
    )
    assert "header-secret" not in repr(client._config)
    assert "header-secret" not in repr(client.with_options(max_retries=0)._config)


@pytest.mark.parametrize(
    "given",
    [
        {"base_urls": {"openfactura": API_KEY}},
        {"base_urls": {"platform": API_KEY}},
        {"base_urls": {API_KEY: "https://api.example.test"}},
        {"rate_limit": API_KEY},
    ],
    ids=["openfactura URL", "platform URL", "product", "rate limiter URL"],
)
def test_an_api_key_given_as_a_url_or_a_product_is_not_quoted(given: dict[str, Any]) -> None:
    """As an environment: a text like a key (letters, digits, '-' and '_', 20 or more) is named
    by its length. A URL missing its scheme, or a short typo, is still quoted."""
    with pytest.raises(ConfigurationError) as caught:
        Haulmer(API_KEY, **given)
    assert API_KEY not in str(caught.value)
    assert "32 characters" in str(caught.value)


def test_a_url_missing_its_scheme_or_a_misspelt_product_is_still_quoted() -> None:
    with pytest.raises(ConfigurationError, match=r"'api\.haulmer\.com'"):
        Haulmer(API_KEY, base_urls={"openfactura": "api.haulmer.com"})
    with pytest.raises(ConfigurationError, match="'openfatura'"):
        Haulmer(API_KEY, base_urls={"openfatura": "https://api.haulmer.com"})
    with pytest.raises(ConfigurationError, match="'memcached://host'"):
        Haulmer(API_KEY, rate_limit="memcached://host")


@pytest.mark.parametrize("cls", [Haulmer, AsyncHaulmer])
def test_repr_names_no_environment_when_base_urls_replace_every_product(
    cls: type[Haulmer] | type[AsyncHaulmer],
) -> None:
    urls = {"openfactura": "http://haulmer.fake", "platform": "http://haulmer.fake"}
    client = cls(API_KEY, base_urls=urls)
    text = repr(client)
    assert text.startswith(f"{cls.__name__}(base_urls=")
    assert "environment" not in text
    assert "production" not in text
    assert "production" not in repr(client._config)
    partly = cls(API_KEY, environment="sandbox", base_urls={"platform": "http://haulmer.fake"})
    assert "environment='sandbox'" in repr(partly)


def test_the_fakes_client_does_not_claim_to_be_production() -> None:
    from haulmer.testing import FakeHaulmer

    fake = FakeHaulmer()
    for client in (fake.client(), fake.async_client()):
        assert "production" not in repr(client)
        assert "http://haulmer.fake" in repr(client)


@pytest.mark.parametrize("cls", [Haulmer, AsyncHaulmer])
def test_repr_hides_every_secret_a_client_can_hold(
    cls: type[Haulmer] | type[AsyncHaulmer],
) -> None:
    client = cls(
        API_KEY,
        access_token="tok-secret",
        base_urls={"platform": "https://ana:pw-secret@platform.test"},
        default_headers={"Authorization": "Bearer header-secret"},
    ).with_options(access_token="tok-secret-2")
    shown = repr(client) + repr(client._config)
    for secret in (API_KEY, "tok-secret", "pw-secret", "header-secret", "ana:"):
        assert secret not in shown
    assert "api_key=<set>" in shown
    assert "access_token=<set>" in shown
    assert "https://[redacted]@platform.test" in shown


@pytest.mark.parametrize(
    "pasted", ["abc\nSECRET-KEY-42", "abc\u200bSECRET-KEY-42", "ñSECRET-KEY-42"]
)
def test_an_api_key_no_header_can_carry_is_refused_before_any_io_without_echoing_it(
    mock: respx.MockRouter, sleeps: Sleeps, pasted: str
) -> None:
    import traceback

    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    client = Haulmer(pasted, environment="sandbox", sleep=sleeps)
    with client, pytest.raises(ConfigurationError, match="HAULMER_API_KEY") as info:
        send(client, get_org())
    assert not route.called
    assert "SECRET-KEY" not in "".join(traceback.format_exception(info.value))


@pytest.mark.parametrize(
    "pasted", ["abc SECRET-KEY-42", "abc\tSECRET-KEY-42", "apikey: SECRET-KEY-42"]
)
def test_an_api_key_holding_a_blank_is_refused_before_any_io_without_echoing_it(
    mock: respx.MockRouter, sleeps: Sleeps, pasted: str
) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    platform = mock.get(f"{PLATFORM}/v1/orders/o1").respond(json={"id": "o1"})
    client = Haulmer(pasted, environment="sandbox", base_urls={"platform": PLATFORM}, sleep=sleeps)
    send(client, platform_get())  # the platform never gets the key
    assert platform.called
    with client, pytest.raises(ConfigurationError, match=r"HAULMER_API_KEY.*blank") as info:
        send(client, get_org())
    assert not route.called
    assert "SECRET-KEY" not in str(info.value)


@pytest.mark.parametrize("quoted", ['"SECRET-KEY-42"', "'SECRET-KEY-42'"])
def test_an_api_key_wrapped_in_quotes_by_an_env_file_is_refused_before_any_io(
    mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch, quoted: str
) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    monkeypatch.setenv("HAULMER_API_KEY", quoted)
    with (
        Haulmer(environment="sandbox") as client,
        pytest.raises(ConfigurationError, match=r"HAULMER_API_KEY\) is wrapped in quotes") as info,
    ):
        send(client, get_org())
    assert not route.called
    assert "SECRET-KEY" not in str(info.value)


@pytest.mark.parametrize(("name", "value"), [("Content-Length", "0"), ("content-length", "5")])
def test_a_content_length_header_is_refused_before_any_io(
    mock: respx.MockRouter, name: str, value: str
) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    with (
        Haulmer(API_KEY, environment="sandbox", default_headers={name: value}) as client,
        pytest.raises(ConfigurationError, match=rf"Header '{name}' is the transport's"),
    ):
        send(client, get_org())
    with (
        Haulmer(API_KEY, environment="sandbox") as client,
        pytest.raises(ConfigurationError, match="leave it out"),
    ):
        send(client, get_org(extra_headers={name: value}))
    assert not route.called


def test_header_values_with_line_breaks_or_non_ascii_are_refused_naming_the_header(
    mock: respx.MockRouter,
) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    platform = mock.get(f"{PLATFORM}/v1/orders/o1").respond(json={"id": "o1"})
    with Haulmer(API_KEY, environment="sandbox", base_urls={"platform": PLATFORM}) as client:
        with pytest.raises(ConfigurationError, match="'X-Note'") as info:
            send(client, get_org(extra_headers={"X-Note": "café"}))
        assert "café" not in str(info.value)
        with pytest.raises(ConfigurationError, match="'X-Bad Name'"):
            send(client, get_org(extra_headers={"X-Bad Name": "v"}))
        with pytest.raises(ConfigurationError, match="text values"):
            send(client, get_org(extra_headers={"X-Count": 3}))
        with pytest.raises(ConfigurationError, match="access token") as info:
            send(client, platform_get(access_token="tok\r\nX-Injected: 1"))
        assert "X-Injected" not in str(info.value)
    assert not route.called
    assert not platform.called


def test_a_default_header_no_request_can_carry_is_refused_at_every_call(
    mock: respx.MockRouter,
) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    bad = {"X-Team": "erp\r\nX-Injected: 1"}
    with Haulmer(API_KEY, environment="sandbox", default_headers=bad) as client:
        for _ in range(2):
            with pytest.raises(ConfigurationError, match="'X-Team'"):
                send(client, get_org())
        fixed = client.with_options(default_headers={"X-Team": "erp"})
        send(fixed, get_org())
        with pytest.raises(ConfigurationError, match="'X-Team'"):
            send(client, get_org(extra_headers={"X-Other": "fine"}))
        send(client, get_org(extra_headers={"X-Team": "replaced"}))
    assert route.call_count == 2


async def test_an_http_client_of_the_other_kind_is_refused_when_the_client_is_made() -> None:
    async_pool = httpx.AsyncClient()
    sync_pool = httpx.Client()
    try:
        with pytest.raises(ConfigurationError, match=r"httpx\.Client.*AsyncClient"):
            Haulmer("k", http_client=async_pool)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match=r"httpx\.AsyncClient.*Client"):
            AsyncHaulmer("k", http_client=sync_pool)  # type: ignore[arg-type]
    finally:
        await async_pool.aclose()
        sync_pool.close()


def test_a_redirect_is_never_followed_so_the_api_key_stays_with_haulmer(
    mock: respx.MockRouter,
) -> None:
    from haulmer.errors import APIResponseValidationError

    mock.get(f"{SANDBOX}/v2/dte/organization").respond(
        302, headers={"location": "https://elsewhere.test/collect"}
    )
    elsewhere = mock.get("https://elsewhere.test/collect").respond(json=ORG)
    pool = httpx.Client(follow_redirects=True)  # the user's own pool, following redirects
    client = Haulmer(API_KEY, environment="sandbox", http_client=pool)
    with pool, pytest.raises(APIResponseValidationError, match="HTTP 302"):
        send(client, get_org())
    assert not elsewhere.called


def test_the_headers_a_client_gives_its_calls_are_found_once_and_each_call_gets_its_own(
    mock: respx.MockRouter,
) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    platform = mock.get(f"{PLATFORM}/v1/orders/o1").respond(json={"id": "o1"})
    with Haulmer(
        API_KEY, environment="sandbox", base_urls={"platform": PLATFORM}, access_token="tok-1"
    ) as client:
        send(client, get_org())
        send(client, get_org(extra_headers={"X-Trace": "t1"}))
        send(client, get_org())
        send(client, platform_get())
        send(client, platform_get(access_token="tok-2"))
        send(client, platform_get())
    plain, traced, again = (call.request.headers for call in route.calls)
    assert traced["x-trace"] == "t1"
    assert "x-trace" not in plain  # a call's own headers stay its own
    assert "x-trace" not in again
    assert plain == again
    assert [call.request.headers["authorization"] for call in platform.calls] == [
        "Bearer tok-1",
        "Bearer tok-2",
        "Bearer tok-1",
    ]


def test_a_prepared_requests_headers_are_its_own_copy() -> None:
    from haulmer._core.config import ClientConfig
    from haulmer._core.prepare import prepare_request

    config = ClientConfig(
        api_key=API_KEY, environment="sandbox", base_urls={"openfactura": SANDBOX}
    )
    request: APIRequest[Any] = APIRequest("GET", "/v2/dte/organization", "openfactura", dict)
    first = prepare_request(config, request)
    first.headers["apikey"] = "changed"  # type: ignore[index]
    assert prepare_request(config, request).headers["apikey"] == API_KEY


def test_a_change_to_the_users_pool_headers_reaches_the_next_call(
    mock: respx.MockRouter,
) -> None:
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json=ORG)
    pool = httpx.Client(headers={"X-Pool": "p1"})
    with pool, Haulmer(API_KEY, environment="sandbox", http_client=pool) as client:
        send(client, get_org())
        pool.headers["X-Pool"] = "p2"
        send(client, get_org())
        del pool.headers["X-Pool"]
        send(client, get_org())
    assert [call.request.headers.get("x-pool") for call in route.calls] == ["p1", "p2", None]


def test_the_request_memo_never_shows_the_headers_or_urls_it_keeps() -> None:
    from haulmer._core.sending import RequestMemo

    memo = RequestMemo()
    merged = memo.headers(httpx.Headers({"X-Pool": "p"}), {"apikey": "SECRET-KEY"})
    assert merged == ((b"X-Pool", b"p"), (b"apikey", b"SECRET-KEY"))
    url = memo.url("https://user:SECRET-PW@h.test/v1/x")
    assert memo.url("https://user:SECRET-PW@h.test/v1/x") is url
    assert url == httpx.URL("https://user:SECRET-PW@h.test/v1/x")
    assert "SECRET" not in repr(memo)


def test_the_request_memo_keeps_a_few_of_each() -> None:
    from haulmer._core.sending import RequestMemo

    memo = RequestMemo()
    urls = [f"https://h.test/v1/x/{n}" for n in range(100)]
    assert [str(memo.url(url)) for url in urls] == urls
    assert [str(memo.url(url)) for url in urls] == urls
    assert len(memo._urls) <= RequestMemo._KEPT


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308, 304, 300])
def test_a_redirect_is_an_error_that_says_so_and_never_a_value_or_an_empty_page(
    status: int, mock: respx.MockRouter
) -> None:
    from haulmer.errors import APIResponseValidationError

    from .helpers import emit, page

    moved = {"location": "https://user:pw@elsewhere.test/v2/dte/organization?token=t0k"}
    mock.get(f"{SANDBOX}/v2/dte/organization").respond(status, headers=moved, json=ORG)
    mock.post(f"{SANDBOX}/v2/dte/document").respond(status, headers=moved)
    client = Haulmer(API_KEY, environment="sandbox")
    with pytest.raises(APIResponseValidationError, match=f"HTTP {status}, a redirect") as caught:
        send(client, get_org())  # the body was taken as the organization
    assert "elsewhere.test" in str(caught.value)
    assert "pw" not in str(caught.value).replace("pw@", "")
    assert "t0k" not in str(caught.value)
    with pytest.raises(APIResponseValidationError, match="never follows"):
        page(client, emit())  # was an empty list
    with pytest.raises(APIResponseValidationError) as keyed:
        send(client, emit(idempotency_key="k-1"))
    assert not keyed.value.may_have_been_carried_out


@pytest.mark.parametrize(
    "url",
    [
        "http:/ana:pw-secret@platform.test",  # one slash
        "ftp://ana:pw-secret@platform.test",
        "https://ana:pw/secret@platform.test?x=1",  # a slash in the password
    ],
)
def test_a_refused_base_url_never_quotes_its_password_however_its_slashes_were_typed(
    url: str,
) -> None:
    with pytest.raises(ConfigurationError, match="base_urls") as caught:
        Haulmer(API_KEY, base_urls={"platform": url})
    assert "pw-secret" not in str(caught.value)
    assert "pw/secret" not in str(caught.value)
    assert "[redacted]@platform.test" in str(caught.value)


def test_an_api_key_given_as_the_environment_is_not_quoted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ConfigurationError, match="Unknown environment") as caught:
        Haulmer(API_KEY, environment=API_KEY)
    assert API_KEY not in str(caught.value)
    assert "32 characters" in str(caught.value)
    monkeypatch.setenv("HAULMER_ENVIRONMENT", API_KEY)
    with pytest.raises(ConfigurationError, match="HAULMER_ENVIRONMENT") as from_env:
        Haulmer(API_KEY)
    assert API_KEY not in str(from_env.value)
    with pytest.raises(ConfigurationError, match="'prodution'"):  # a typo is still quoted
        Haulmer(API_KEY, environment="prodution")


@pytest.mark.parametrize("cls", [Haulmer, AsyncHaulmer])
def test_an_api_key_or_access_token_given_as_bytes_is_refused_saying_to_decode_it(
    cls: Any, mock: respx.MockRouter
) -> None:
    with pytest.raises(ConfigurationError, match=r"api_key must be text \(str\), got bytes") as key:
        cls(API_KEY.encode())
    with pytest.raises(ConfigurationError, match="access_token must be text") as token:
        cls(API_KEY, access_token=b"tok-secret-bytes")
    with pytest.raises(ConfigurationError, match="access_token must be text"):
        cls(API_KEY).with_options(access_token=b"tok-secret-bytes")
    assert API_KEY not in str(key.value)
    assert "decode" in str(key.value)
    assert "tok-secret" not in str(token.value)
    assert not mock.calls


@pytest.mark.parametrize("cls", [Haulmer, AsyncHaulmer])
def test_the_models_holding_a_credential_given_whole_say_which_field_to_pass(cls: Any) -> None:
    """A certification's ApiKey given as api_key, or a login's Session as access_token, names
    the field that holds the text."""
    from haulmer.openfactura.certification import ApiKey

    key = ApiKey.model_validate(
        {
            "api_key": API_KEY,
            "organization_id": "org_1",
            "organization_rut": "76086428-5",
            "created_at": "2026-12-15T10:00:00Z",
        }
    )
    with pytest.raises(ConfigurationError, match=r"got ApiKey \(pass its \.api_key") as caught:
        cls(key)
    assert API_KEY not in str(caught.value)


@pytest.mark.parametrize("cls", [Haulmer, AsyncHaulmer])
@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("now", datetime(2026, 1, 5, 12, tzinfo=timezone.utc), "lambda: <that datetime>"),
        ("clock", 12.5, "time.monotonic"),
        ("sleep", 0, "time.sleep"),
    ],
)
def test_a_clock_sleep_or_now_that_is_no_function_is_refused_where_it_is_given(
    cls: type[Haulmer | AsyncHaulmer], name: str, value: object, said: str
) -> None:
    with pytest.raises(TypeError, match=rf"{cls.__name__}\({name}=\.\.\.\) takes") as info:
        cls("k", **{name: value})  # type: ignore[arg-type]
    assert said in str(info.value)


def test_a_now_returning_no_datetime_is_named_when_the_client_reads_it(
    mock: respx.MockRouter,
) -> None:
    client = Haulmer("k", environment="sandbox", now=lambda: date(2026, 1, 5))  # type: ignore[arg-type, return-value]
    with client, pytest.raises(TypeError, match="now= must return a datetime, returned date"):
        client.openfactura.registry.sync_rcv("sales", "2026-01")
    assert not mock.calls
