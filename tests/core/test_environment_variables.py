"""Settings from the environment (HAULMER_ENVIRONMENT, HAULMER_*BASE_URL), explicit ones winning;
the proxy and certificate variables httpx reads, named when they cannot be used."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import respx

from haulmer import AsyncHaulmer, ConfigurationError, Haulmer

_VARIABLES = (
    "HAULMER_ENVIRONMENT",
    "HAULMER_BASE_URL",
    "HAULMER_OPENFACTURA_BASE_URL",
    "HAULMER_PLATFORM_BASE_URL",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_without_variables_the_client_is_a_production_client() -> None:
    client = Haulmer(api_key="k")
    assert client.environment == "production"
    assert client.base_urls["openfactura"] == "https://api.haulmer.com"


@pytest.mark.parametrize("cls", [Haulmer, AsyncHaulmer])
def test_the_environment_comes_from_haulmer_environment(
    monkeypatch: pytest.MonkeyPatch, cls: type[Haulmer] | type[AsyncHaulmer]
) -> None:
    monkeypatch.setenv("HAULMER_ENVIRONMENT", "sandbox")
    client = cls(api_key="k")
    assert client.environment == "sandbox"
    assert client.base_urls["openfactura"] == "https://dev-api.haulmer.com"


@pytest.mark.parametrize("given", ["Sandbox", "SANDBOX", " sandbox\n"])
def test_haulmer_environment_is_read_in_any_case(
    monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    # A variable written "Sandbox" was refused as no environment.
    monkeypatch.setenv("HAULMER_ENVIRONMENT", given)
    assert Haulmer(api_key="k").environment == "sandbox"


def test_an_explicit_environment_wins_over_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAULMER_ENVIRONMENT", "sandbox")
    monkeypatch.setenv("HAULMER_BASE_URL", "http://127.0.0.1:9000")
    client = Haulmer(api_key="k", environment="production")
    assert client.environment == "production"
    assert client.base_urls["openfactura"] == "https://api.haulmer.com"


def test_haulmer_base_url_points_every_product_at_one_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HAULMER_BASE_URL", "http://127.0.0.1:9000/")
    client = Haulmer(api_key="k")
    assert client.base_urls == {
        "openfactura": "http://127.0.0.1:9000",
        "platform": "http://127.0.0.1:9000",
    }


def test_a_product_variable_wins_over_haulmer_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAULMER_BASE_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("HAULMER_PLATFORM_BASE_URL", "https://platform.example.test/api")
    client = Haulmer(api_key="k", base_urls={"openfactura": "https://of.example.test"})
    assert client.base_urls == {
        "openfactura": "https://of.example.test",
        "platform": "https://platform.example.test/api",
    }


def test_a_copy_keeps_the_urls_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAULMER_OPENFACTURA_BASE_URL", "http://127.0.0.1:9000")
    client = Haulmer(api_key="k")
    monkeypatch.delenv("HAULMER_OPENFACTURA_BASE_URL")
    assert client.with_options(max_retries=0).base_urls["openfactura"] == "http://127.0.0.1:9000"
    sandbox = client.with_options(environment="sandbox")
    assert sandbox.base_urls["openfactura"] == "https://dev-api.haulmer.com"


def test_an_unknown_environment_in_the_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAULMER_ENVIRONMENT", "prod")
    with pytest.raises(ConfigurationError, match=r"HAULMER_ENVIRONMENT='prod'.*'production'"):
        Haulmer(api_key="k")


def test_a_bad_url_in_a_variable_is_named_and_never_echoed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HAULMER_PLATFORM_BASE_URL", "https://host.test/?token=s3cret")
    with pytest.raises(ConfigurationError, match="HAULMER_PLATFORM_BASE_URL") as caught:
        Haulmer(api_key="k")
    assert "s3cret" not in str(caught.value)
    monkeypatch.setenv("HAULMER_PLATFORM_BASE_URL", "ftp://host.test")
    with pytest.raises(ConfigurationError, match="http:// or https://"):
        Haulmer(api_key="k")


@pytest.mark.parametrize("cls", [Haulmer, AsyncHaulmer])
@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HTTPS_PROXY", "socks4://bob:s3cr3t@proxy.example.test:1080"),
        ("ALL_PROXY", "ftp://bob:s3cr3t@proxy.example.test"),
        ("HTTPS_PROXY", "http://bob:s3cr3t@proxy.example.test:port"),
    ],
)
def test_a_proxy_variable_httpx_cannot_use_is_named_when_the_client_is_made(
    monkeypatch: pytest.MonkeyPatch, cls: type[Haulmer | AsyncHaulmer], variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError) as info:
        cls(api_key="k")
    said = str(info.value)
    assert variable in said
    assert "http_client=httpx." in said
    assert "s3cr3t" not in said
    assert "bob" not in said


def test_a_missing_certificate_file_in_ssl_cert_file_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigurationError, match=r"SSL_CERT_FILE.*Fix or unset"):
        Haulmer(api_key="k")


@pytest.mark.parametrize("cls", [Haulmer, AsyncHaulmer])
def test_a_missing_ssl_cert_file_is_named_where_httpx_would_fall_back_to_its_own_bundle(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cls: type[Haulmer | AsyncHaulmer]
) -> None:
    """httpx before 0.28, which the package takes, skips an SSL_CERT_FILE naming no file and
    trusts certifi's bundle instead: a company's CA named with a typo failed only at the first
    TLS handshake, far from its cause."""
    import ssl

    import httpx._transports.default as transports

    def httpx_0_27(**settings: object) -> ssl.SSLContext:
        return ssl.create_default_context()

    monkeypatch.setattr(transports, "create_ssl_context", httpx_0_27)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigurationError, match=r"SSL_CERT_FILE.*Fix or unset") as info:
        cls(api_key="k")
    assert str(tmp_path) not in str(info.value)


def test_a_users_http_client_is_used_whatever_the_proxy_variables_say(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with httpx.Client(trust_env=False) as pool:
        monkeypatch.setenv("HTTPS_PROXY", "socks4://proxy.example.test:1080")
        assert not Haulmer(api_key="k", http_client=pool).is_closed


@pytest.mark.parametrize("cls", [Haulmer, AsyncHaulmer])
@pytest.mark.parametrize("blank", ["", "   ", "\n", "\t \r\n"])
def test_a_blank_api_key_variable_counts_as_unset(
    monkeypatch: pytest.MonkeyPatch, cls: type[Haulmer | AsyncHaulmer], blank: str
) -> None:
    monkeypatch.setenv("HAULMER_API_KEY", blank)
    client = cls(environment="sandbox", base_urls={"platform": "https://platform.example.test"})
    assert "api_key=<missing>" in repr(client)


def test_a_blank_api_key_variable_refuses_openfactura_calls_as_a_missing_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HAULMER_API_KEY", "  \n")
    with (
        respx.mock() as mock,
        Haulmer(environment="sandbox") as client,
        pytest.raises(ConfigurationError, match="No OpenFactura API key"),
    ):
        client.openfactura.organization.retrieve()
    assert not mock.calls
