"""Hypothesis fuzzing of the local domain: RUT, passwords, CAF files, .pfx bytes and passwords,
and parse/verify on mutated real documents. Only ``HaulmerError`` subclasses may escape (and
``TypeError`` for a value of the wrong type); a mutation that verify accepts must parse to the
same document as the original."""

from __future__ import annotations

import base64
import datetime as dt
import re
from functools import cache
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from haulmer.errors import CertificateError, InvalidRutError, WeakPasswordError
from haulmer.passwords import check_password, validate_password
from haulmer.pfx import load_pfx
from haulmer.rut import Rut
from haulmer.sii import Caf, parse, verify
from haulmer.testing.caf import make_test_caf_xml
from haulmer.testing.certificates import make_test_pfx

from .conftest import REAL_DTES, SIGNED_AT, TYPES, attempt, examples, factura_dict

# Every code point, lone surrogates included: text decoded with surrogateescape holds them.
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
RUT_LIKE = st.text(alphabet="0123456789.-kK \t\u00b2\u0663\uff11", max_size=16)


@examples(300, 5_000)
@given(ANY_TEXT | RUT_LIKE)
def test_rut_parsing_raises_only_invalid_rut_error(text: str) -> None:
    rut, error = attempt(Rut, text, allowed=InvalidRutError)
    if error is not None:
        assert str(error)
    else:
        assert Rut(str(rut)) == rut
        assert Rut.is_valid(text)
    attempt(lambda: Rut.parse(text, validate_dv=False), allowed=InvalidRutError)
    assert isinstance(Rut.is_valid(text), bool)


@examples(300, 5_000)
@given(ANY_TEXT, st.none() | ANY_TEXT)
def test_password_checks_raise_only_weak_password_error(
    password: str, confirmation: str | None
) -> None:
    found = check_password(password, confirmation)
    _, error = attempt(validate_password, password, confirmation, allowed=WeakPasswordError)
    if isinstance(error, WeakPasswordError):
        assert error.violations == found
        if len(password) >= 6:
            assert password not in str(error) or password in _password_texts()
    else:
        assert not found


@cache
def _password_texts() -> str:
    """Every text a password refusal can say, whatever the password: a password that is a
    piece of it (``digits``) is found in the message without having leaked."""
    texts = [str(v) for v in check_password("\x00", "x")]
    _, error = attempt(validate_password, "", "x", allowed=WeakPasswordError)
    return " ".join([*texts, str(error)])


@cache
def _pfx_texts() -> str:
    """Every text a .pfx refusal can say, whatever the password."""
    texts = []
    for data, password in [
        (_pfx(), "wrong"),
        (_pfx(), "\x00"),
        (_pfx(), "\udcff"),
        (b"junk", "x"),
        (b"-----BEGIN", "x"),
    ]:
        _, error = attempt(load_pfx, data, password, allowed=CertificateError)
        texts.append(str(error))
    return " ".join(texts)


@cache
def _caf_file() -> bytes:
    return make_test_caf_xml(
        rut="76086428-5", razon_social="Ñandú & Cía", dte_type=33, issued_on=dt.date(2026, 1, 1)
    )


MUTATION = st.tuples(
    st.integers(min_value=0),
    st.integers(min_value=0, max_value=8),
    st.binary(max_size=8) | st.sampled_from([b"<", b">", b"&", b"&#178;", b"9" * 5000, b"\x00"]),
)


def _mutate(data: bytes, mutation: tuple[int, int, bytes]) -> bytes:
    position, removed, inserted = mutation
    at = position % (len(data) + 1)
    return data[:at] + inserted + data[at + removed :]


@examples(300, 5_000)
@given(st.lists(MUTATION, min_size=1, max_size=3))
def test_caf_loading_of_a_mutated_file_raises_only_typed_errors(
    mutations: list[tuple[int, int, bytes]],
) -> None:
    data = _caf_file()
    for mutation in mutations:
        data = _mutate(data, mutation)
    caf, error = attempt(Caf.from_xml, data)
    if error is None:
        caf.frma_problem(allow_test_keys=True)
        caf.keys_match()


@examples(200, 3_000)
@given(ANY_TEXT)
def test_caf_loading_of_arbitrary_text_raises_only_typed_errors(text: str) -> None:
    attempt(Caf.from_xml, text)


@cache
def _pfx() -> bytes:
    return make_test_pfx(password="fuzz-password")


@examples(150, 2_000)
@given(st.lists(MUTATION, min_size=1, max_size=3), st.none() | ANY_TEXT | st.binary(max_size=40))
def test_pfx_loading_of_mutated_bytes_and_any_password_raises_only_certificate_error(
    mutations: list[tuple[int, int, bytes]], password: str | bytes | None
) -> None:
    data = _pfx()
    for mutation in mutations:
        data = _mutate(data, mutation)
    _, error = attempt(load_pfx, data, password, allowed=CertificateError)
    if error is not None and isinstance(password, str) and len(password) >= 6:
        assert password not in str(error) or password in _pfx_texts()


@examples(150, 2_000)
@given(st.none() | ANY_TEXT | st.binary(max_size=200))
def test_any_password_for_a_good_pfx_opens_it_or_raises_certificate_error(
    password: str | bytes | None,
) -> None:
    # Panics (BaseException) and UnicodeEncodeError would escape this try.
    _, error = attempt(load_pfx, _pfx(), password, allowed=CertificateError)
    if isinstance(error, CertificateError):
        assert error.reason == "wrong_password"


@examples(100, 1_000)
@given(st.binary(max_size=4_000))
def test_pfx_loading_of_arbitrary_bytes_raises_only_certificate_error(data: bytes) -> None:
    attempt(load_pfx, b"0\x82" + data, "x", allowed=CertificateError)


@cache
def _real(index: int) -> tuple[bytes, object]:
    xml = REAL_DTES[index].read_bytes()
    return xml, parse(xml)


@examples(150, 3_000)
@given(
    st.integers(min_value=0, max_value=len(REAL_DTES) - 1),
    st.lists(MUTATION, min_size=1, max_size=2),
)
def test_a_mutated_real_document_parses_or_raises_a_typed_error_and_verify_agrees(
    index: int, mutations: list[tuple[int, int, bytes]]
) -> None:
    original, document = _real(index)
    data = original
    for mutation in mutations:
        data = _mutate(data, mutation)
    assume(data != original)
    result = verify(data)
    parsed, error = attempt(parse, data)
    if error is not None:
        assert not result.ok
    elif result.ok:
        assert parsed == document, "a mutation verify accepts must parse to the same document"


@examples(100, 2_000)
@given(st.binary(min_size=0, max_size=1_500))
def test_verify_with_any_bytes_as_the_certificate_returns_a_failure(der: bytes) -> None:
    xml, _ = _real(0)
    forged = re.sub(
        rb"<X509Certificate>.*?</X509Certificate>",
        b"<X509Certificate>" + base64.b64encode(der) + b"</X509Certificate>",
        xml,
        flags=re.S,
    )
    result = verify(forged)
    assert not result.ok
    assert {f.check for f in result.failures} & {"certificate", "key", "signature"}


def test_a_panic_in_cryptography_is_a_verification_failure(monkeypatch: Any) -> None:
    from haulmer.sii import signature

    class PanicException(BaseException):
        """Stands for pyo3's panic, which cryptography raises on inputs it cannot handle."""

    def panic(*args: object) -> None:
        raise PanicException("a Rust panic")

    monkeypatch.setattr(signature, "_judge_signer", panic)
    monkeypatch.setattr(signature, "_cached_signer", panic)
    result = verify(_real(1)[0])
    assert not result.ok
    assert [f.reason for f in result.failures] == [
        "cannot be verified: the cryptography library failed on it"
    ]


# Text that str.isdigit() takes and int() refuses: a superscript, an Arabic-Indic digit, a
# fullwidth one, and more digits than int() reads from text (4,300 by default).
DIGITS_INT_REFUSES = ["\u00b2", "\u0663", "\uff11", "9" * 5000]


@pytest.mark.parametrize("text", DIGITS_INT_REFUSES, ids=["superscript", "arabic", "full", "long"])
def test_digits_that_int_refuses_give_typed_errors(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from haulmer.cli import main
    from haulmer.dte.catalogue import DTEType, lookup_document_code
    from haulmer.dte.models import Referencia
    from haulmer.errors import DocumentError
    from haulmer.testing.platform._errors import PlatformError
    from haulmer.testing.platform._myhaulmer import page_of

    with pytest.raises(InvalidRutError):
        Rut.parse(text, lenient=True)
    assert main(["rut", text]) == 1
    capsys.readouterr()
    with pytest.raises(DocumentError, match="is not an electronic document type"):
        DTEType.parse(text)
    assert lookup_document_code(text) is None
    # an unknown CodRef stays text for the rules to name (int() would have raised)
    reference = {"NroLinRef": 1, "TpoDocRef": "33", "FolioRef": 1, "CodRef": text}
    assert Referencia.model_validate(reference).cod_ref == text
    with pytest.raises(PlatformError, match="the page is not valid"):  # the fake's 422
        page_of([1, 2, 3], {"page": text}, str)


# Values no document means, put into any field of a plausible document of any type.
ODD_VALUES = [
    "\u00b2",
    "9" * 5000,
    "",
    None,
    [],
    {},
    -1,
    10**30,
    10**5000,
    1e308,
    float("nan"),
    True,
    "<x>",
    "2026-02-30",
    0,
    "0",
    3.5,
    "\x00",
    "a" * 10_000,
    "1E+99999999",
    "1E-99999999",
    "\ud800",
]


def _leaf_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in _leaf_paths(value, (*prefix, key))]
    if isinstance(node, list):
        return [p for i, value in enumerate(node) for p in _leaf_paths(value, (*prefix, i))]
    return [prefix]


@examples(60, 2_000)
@given(
    tipo=st.sampled_from(TYPES),
    changes=st.lists(
        st.tuples(st.integers(0, 10**6), st.sampled_from(range(len(ODD_VALUES)))),
        min_size=1,
        max_size=3,
    ),
)
def test_odd_values_in_any_field_give_typed_errors_and_nothing_unverifiable_is_stamped(
    tipo: int, changes: list[tuple[int, int]], certificate: Any, cafs: Any
) -> None:
    import copy

    from haulmer.dte.document import Document
    from haulmer.errors import HaulmerError
    from haulmer.sii import issue, render_pdf, verify

    data = factura_dict(tipo)
    paths = _leaf_paths(data)
    for where, which in changes:
        *parents, leaf = paths[where % len(paths)]
        node = data
        for key in parents:
            node = node[key]
        node[leaf] = copy.deepcopy(ODD_VALUES[which])
    try:
        document = Document.from_sii_dict(data)
        document.to_sii_dict()
        signed = issue(document, caf=cafs[tipo], certificate=certificate, timestamp=SIGNED_AT)
    except (HaulmerError, TypeError):
        return
    assert verify(signed).ok, verify(signed)
    render_pdf(signed)
