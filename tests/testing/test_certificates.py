"""haulmer.testing.certificates: self-signed test .pfx files shaped like Chilean signatures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from haulmer.errors import CertificateError, InvalidRutError
from haulmer.pfx import Certificate, load_pfx
from haulmer.rut import Rut
from haulmer.testing.certificates import (
    RUT_OTHER_NAME_OID,
    TEST_PASSWORD,
    TEST_RUT,
    make_test_certificate,
    make_test_pfx,
)

UTC = dt.timezone.utc


def _parts(data: bytes, password: bytes | None = TEST_PASSWORD.encode()) -> x509.Certificate:
    loaded = pkcs12.load_pkcs12(data, password)
    assert loaded.cert is not None
    assert loaded.key is not None
    return loaded.cert.certificate


def test_default_pfx_holds_the_test_rut_in_the_san_as_ia5string() -> None:
    cert = _parts(make_test_pfx())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    (other,) = san.get_values_for_type(x509.OtherName)
    assert other.type_id.dotted_string == RUT_OTHER_NAME_OID == "1.3.6.1.4.1.8321.1"
    assert other.value == b"\x16\x0a" + TEST_RUT.encode()
    assert not cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)


def test_rut_in_serial_goes_to_the_subject_serial_number_only() -> None:
    cert = _parts(make_test_pfx(rut="76.795.561-8", rut_in="serial"))
    (serial,) = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    assert serial.value == "76795561-8"
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, Rut(TEST_RUT)),
        ({"rut_in": "serial"}, Rut(TEST_RUT)),
        ({"rut_in": "both", "rut": "76795561-8"}, Rut("76795561-8")),
        ({"rut_in": "none"}, None),
        ({"rut": None}, None),
        ({"rut": Rut("76795561-8")}, Rut("76795561-8")),
    ],
)
def test_load_pfx_reads_the_rut_where_the_helper_put_it(
    kwargs: dict[str, object], expected: Rut | None
) -> None:
    assert load_pfx(make_test_pfx(**kwargs), TEST_PASSWORD).holder_rut == expected  # type: ignore[arg-type]


def test_a_wrong_check_digit_is_written_as_given() -> None:
    cert = make_test_certificate(rut="13185095-K")
    assert str(cert.holder_rut) == "13185095-K"


def test_a_malformed_rut_is_refused() -> None:
    with pytest.raises(InvalidRutError):
        make_test_pfx(rut="not-a-rut")


def test_password_protects_the_file() -> None:
    data = make_test_pfx(password="other-password")
    assert load_pfx(data, "other-password").key_size == 2048
    with pytest.raises(CertificateError) as caught:
        load_pfx(data, TEST_PASSWORD)
    assert caught.value.reason == "wrong_password"


def test_bytes_password_and_no_password() -> None:
    assert load_pfx(make_test_pfx(password=b"raw"), b"raw").key_size == 2048
    unencrypted = make_test_pfx(password=None)
    assert pkcs12.load_pkcs12(unencrypted, None).key is not None
    assert make_test_certificate(password=None).key_size == 2048


def test_key_kinds() -> None:
    assert isinstance(pkcs12.load_pkcs12(make_test_pfx(), b"test-password").key, rsa.RSAPrivateKey)
    assert make_test_certificate(key="rsa1024").key_size == 1024
    ec_data = make_test_pfx(key="ec")
    assert isinstance(
        pkcs12.load_pkcs12(ec_data, TEST_PASSWORD.encode()).key, ec.EllipticCurvePrivateKey
    )
    with pytest.raises(CertificateError) as caught:
        make_test_certificate(key="ec")
    assert caught.value.reason == "key_not_rsa"


def test_unknown_options_are_refused() -> None:
    with pytest.raises(ValueError, match="key kind"):
        make_test_pfx(key="dsa", fresh_key=True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rut_in"):
        make_test_pfx(rut_in="subject")  # type: ignore[arg-type]


def test_default_validity_is_yesterday_to_a_year_later() -> None:
    now = dt.datetime.now(UTC)
    cert = make_test_certificate()
    assert cert.is_valid_at(now)
    assert dt.timedelta(hours=23) < now - cert.not_before < dt.timedelta(hours=25)
    assert cert.not_after - cert.not_before == dt.timedelta(days=365)


def test_chosen_validity_window_naive_meaning_chilean_local_time() -> None:
    start = dt.datetime(2020, 1, 1, 12, 0)  # Chilean summer time: UTC-3
    end = dt.datetime(2021, 1, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    cert = make_test_certificate(not_before=start, not_after=end)
    assert cert.not_before == dt.datetime(2020, 1, 1, 15, 0, tzinfo=UTC)
    assert cert.not_after == dt.datetime(2021, 1, 1, 15, 0, tzinfo=UTC)
    with pytest.raises(CertificateError) as caught:
        cert.check_validity()
    assert caught.value.reason == "expired"


def test_a_naive_validity_end_is_the_fake_clock_s_moment_of_that_chilean_time() -> None:
    """A naive time is Chilean local time across the SDK (issue()'s timestamp, TmstFirma, the
    fake clock): a test certificate read it as UTC, ending 4 hours early in Chile's winter."""
    from haulmer.testing import FakeHaulmer

    ends = dt.datetime(2026, 6, 1, 22, 0)  # Chilean winter time: UTC-4
    fake = FakeHaulmer()
    fake.clock.set(ends)
    for made in (
        make_test_certificate(not_after=ends, not_before=dt.datetime(2026, 1, 1)),
        load_pfx(
            make_test_pfx(not_after=ends, not_before=dt.datetime(2026, 1, 1)),
            TEST_PASSWORD,
            at=None,
        ),
    ):
        assert made.not_after == fake.clock.now()
        assert made.not_after == dt.datetime(2026, 6, 2, 2, 0, tzinfo=UTC)


def test_not_before_alone_gives_a_year_from_it() -> None:
    start = dt.datetime.now(UTC) + dt.timedelta(days=10)
    cert = make_test_certificate(not_before=start)
    assert cert.not_after - cert.not_before == dt.timedelta(days=365)
    with pytest.raises(CertificateError) as caught:
        cert.check_validity()
    assert caught.value.reason == "not_yet_valid"


def test_an_empty_window_is_refused() -> None:
    moment = dt.datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="later than"):
        make_test_pfx(not_before=moment, not_after=moment)


def test_certificate_is_self_signed_and_named_as_a_test() -> None:
    cert = make_test_certificate(common_name="EMPRESA DE PRUEBA")
    assert isinstance(cert, Certificate)
    assert cert.common_name == "EMPRESA DE PRUEBA"
    assert cert.subject_name == cert.issuer_name
    assert "haulmer test" in cert.subject_name
    cert.public_key.verify(
        cert.x509.signature,
        cert.x509.tbs_certificate_bytes,
        padding.PKCS1v15(),
        cert.x509.signature_hash_algorithm,  # type: ignore[arg-type]
    )


def test_keys_are_reused_unless_a_fresh_one_is_asked_for() -> None:
    first, second = make_test_certificate(), make_test_certificate()
    assert first.public_key.public_numbers() == second.public_key.public_numbers()
    assert first.serial_number != second.serial_number
    fresh = make_test_certificate(fresh_key=True)
    assert fresh.public_key.public_numbers() != first.public_key.public_numbers()


def test_the_test_certificate_signs_for_the_sii() -> None:
    cert = make_test_certificate()
    signature = cert.sign_sha1(b"data")
    cert.public_key.verify(signature, b"data", padding.PKCS1v15(), hashes.SHA1())


@settings(max_examples=15, deadline=None)
@given(
    st.integers(min_value=1, max_value=99_999_999),
    st.sampled_from("0123456789K"),
    st.sampled_from(["san", "serial", "both"]),
)
def test_any_rut_written_anywhere_is_read_back(number: int, dv: str, rut_in: str) -> None:
    rut = Rut(f"{number}-{dv}", validate_dv=False)
    data = make_test_pfx(rut=rut, rut_in=rut_in, password=None)  # type: ignore[arg-type]
    assert load_pfx(data, None).holder_rut == rut


def test_make_test_certificate_matches_loading_the_pfx() -> None:
    options = {
        "rut": "76795561-8",
        "rut_in": "both",
        "not_before": dt.datetime(2026, 1, 1, tzinfo=UTC),
        "not_after": dt.datetime(2027, 1, 1, tzinfo=UTC),
        "common_name": "EMPRESA",
    }
    built = make_test_certificate(**options)  # type: ignore[arg-type]
    loaded = load_pfx(make_test_pfx(**options), TEST_PASSWORD)  # type: ignore[arg-type]
    for name in ("holder_rut", "subject_name", "issuer_name", "not_before", "not_after"):
        assert getattr(built, name) == getattr(loaded, name), name
    assert built.key_size == loaded.key_size
    assert built.public_key.public_numbers() == loaded.public_key.public_numbers()


@pytest.mark.parametrize("name", ["not_before", "not_after"])
@pytest.mark.parametrize("value", [dt.date(2027, 1, 1), "2027-01-01"])
def test_a_validity_bound_that_is_no_datetime_is_refused_naming_it(
    name: str, value: object
) -> None:
    with pytest.raises(TypeError, match=rf"^{name} must be a datetime\.datetime"):
        make_test_pfx(**{name: value})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=rf"^{name} must be a datetime\.datetime"):
        make_test_certificate(**{name: value})  # type: ignore[arg-type]


def test_threads_asking_at_once_for_a_new_kind_of_key_get_the_one_key_reused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two threads asking at once for a kind of key not made yet each made one: the key said
    to be reused was two keys, the holder of one thread's certificates not the other's."""
    import threading

    from haulmer.testing import certificates

    monkeypatch.setattr(certificates, "_KEYS", {})
    made = certificates._new_key
    other: list[object] = []
    started: list[threading.Thread] = []

    def make_while_another_thread_does(kind: Any) -> Any:
        if not started:  # the first thread, while it makes one: the second asks and finishes
            second = threading.Thread(target=lambda: other.append(certificates._cached_key(kind)))
            started.append(second)
            second.start()
            second.join()
        return made(kind)

    monkeypatch.setattr(certificates, "_new_key", make_while_another_thread_does)
    first = certificates._cached_key("ec")
    assert first is other[0]
    assert certificates._cached_key("ec") is first
