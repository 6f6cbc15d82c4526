"""haulmer.rut.Rut: parsing, check digit, formatting, errors, pydantic, agreement with stdnum."""

from __future__ import annotations

import copy
import pickle
import re
from pathlib import Path
from typing import Any

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cl import rut as stdnum_rut

from haulmer.errors import InvalidRutError, ValidationError
from haulmer.rut import GENERIC_RECEPTOR_RUT, MAX_RUT_NUMBER, SII_RUT, Rut

STDNUM_RUTS = [
    line.strip()
    for line in (Path(__file__).parent / "data" / "stdnum_cl_ruts.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]

# Vectors from the domain reference (section 1.4): cl-sii, rut-chile and stdnum's doctests.
CL_SII_VALID = [
    "6824160-K",
    "60803000-K",
    "61002000-3",
    "60910000-1",
    "76555835-2",
    "76177907-9",
    "76369187-K",
    "77879240-0",
    "96874030-K",
    "76354771-K",
    "96790240-3",
    "76399752-9",
    "96670340-7",
    "13185095-6",
]
RUT_CHILE_VALID = [
    "9868503-0",
    "21518268-1",
    "17175325-2",
    "20930576-3",
    "13402128-4",
    "20737522-5",
    "6842256-6",
    "14983005-7",
    "20247667-8",
    "17832479-9",
    "12667869-K",
    "1-9",
]
STDNUM_DOCTEST_VALID = ["76086428-5", "12531909-2"]
BAD_SYNTAX = ["1.11", "123.K", "123.12-K", ".-", "k", "76086A28-5"]
DV_ALPHABET = "0123456789K"


def _next_dv(dv: str) -> str:
    return DV_ALPHABET[(DV_ALPHABET.index(dv) + 1) % len(DV_ALPHABET)]


# -- reference vectors ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", CL_SII_VALID + RUT_CHILE_VALID + STDNUM_DOCTEST_VALID)
def test_reference_vectors_are_valid_and_print_canonically(text: str) -> None:
    rut = Rut(text)
    assert str(rut) == text
    assert Rut.is_valid(text)


@pytest.mark.parametrize("text", CL_SII_VALID + RUT_CHILE_VALID + STDNUM_DOCTEST_VALID)
def test_reference_vectors_with_the_next_check_digit_are_refused(text: str) -> None:
    body, dv = text.split("-")
    wrong = f"{body}-{_next_dv(dv)}"
    assert not Rut.is_valid(wrong)
    with pytest.raises(InvalidRutError, match="wrong check digit"):
        Rut(wrong)


@pytest.mark.parametrize("text", ["6824160-0", "12531909-3"])
def test_reference_wrong_check_digits_are_refused(text: str) -> None:
    with pytest.raises(InvalidRutError, match="wrong check digit"):
        Rut(text)


def test_nine_digit_body_is_out_of_range() -> None:
    with pytest.raises(InvalidRutError, match="out of range"):
        Rut("123456789-0")


def test_zero_is_out_of_range_even_though_some_peers_accept_it() -> None:
    with pytest.raises(InvalidRutError, match="out of range"):
        Rut("0-0")


@pytest.mark.parametrize("text", BAD_SYNTAX)
def test_reference_bad_syntax_is_refused(text: str) -> None:
    assert not Rut.is_valid(text)
    with pytest.raises(InvalidRutError):
        Rut(text)


@pytest.mark.parametrize(("text", "right"), [("13185095-K", "6"), ("76086428-1", "5")])
def test_fixture_ruts_with_wrong_check_digit_parse_without_validation(
    text: str, right: str
) -> None:
    rut = Rut.parse(text, validate_dv=False)
    assert str(rut) == text
    assert not rut.is_dv_valid
    assert Rut.compute_dv(rut.number) == right


def test_special_ruts_are_named_constants() -> None:
    assert str(SII_RUT) == "60803000-K"
    assert str(GENERIC_RECEPTOR_RUT) == "66666666-6"
    assert SII_RUT.is_dv_valid
    assert GENERIC_RECEPTOR_RUT.is_dv_valid


# -- python-stdnum ------------------------------------------------------------------------------


def test_stdnum_test_file_holds_200_distinct_ruts() -> None:
    assert len(STDNUM_RUTS) == 200
    assert len(set(STDNUM_RUTS)) == 200


@pytest.mark.parametrize("text", STDNUM_RUTS)
def test_agrees_with_stdnum_on_its_own_test_ruts(text: str) -> None:
    rut = Rut(text)
    assert stdnum_rut.is_valid(text)
    assert (rut.number, rut.dv) == (int(text[:-2]), text[-1])
    assert stdnum_rut.compact(text) == f"{rut.number}{rut.dv}"
    assert rut.format(dots=True) == stdnum_rut.format(text)
    assert Rut(stdnum_rut.format(text)) == rut
    assert Rut(stdnum_rut.compact(text)) == rut
    assert Rut.compute_dv(rut.number) == stdnum_rut.calc_check_digit(str(rut.number))


# The forms both libraries accept: 7 or 8 digits without a leading zero, either plain or grouped
# in thousands with a hyphen, an optional hyphen when plain, the check digit in either case.
BOTH_ACCEPT = re.compile(r"[1-9][0-9]{6,7}-?[0-9kK]|[1-9][0-9]?(\.[0-9]{3}){2}-[0-9kK]")

stdnum_bodies = st.integers(min_value=1_000_000, max_value=MAX_RUT_NUMBER)
any_dv = st.sampled_from(DV_ALPHABET + "k")


def _forms(number: int, dv: str) -> list[str]:
    dotted = f"{number:,}".replace(",", ".")
    return [f"{number}{dv}", f"{number}-{dv}", f"{dotted}-{dv}", f"  {number}-{dv} "]


@given(stdnum_bodies, any_dv)
def test_agrees_with_stdnum_on_validity_in_the_forms_both_accept(number: int, dv: str) -> None:
    for text in _forms(number, dv):
        assert Rut.is_valid(text) == stdnum_rut.is_valid(text), text


@given(stdnum_bodies)
def test_agrees_with_stdnum_on_the_check_digit_and_format(number: int) -> None:
    dv = stdnum_rut.calc_check_digit(str(number))
    assert Rut.compute_dv(number) == dv
    text = f"{number}-{dv}"
    assert Rut(text).format(dots=True) == stdnum_rut.format(text)
    assert Rut(stdnum_rut.format(text)) == Rut(stdnum_rut.compact(text))


@given(st.text(alphabet="0123456789.-kK ", max_size=14))
def test_agrees_with_stdnum_on_arbitrary_text_in_shared_forms(text: str) -> None:
    if BOTH_ACCEPT.fullmatch(text.strip()):
        assert Rut.is_valid(text) == stdnum_rut.is_valid(text), text
    if Rut.is_valid(text) and Rut(text).number >= 1_000_000 and not text.strip().startswith("0"):
        assert stdnum_rut.is_valid(text), text
        assert stdnum_rut.compact(text) == f"{Rut(text).number}{Rut(text).dv}"


@pytest.mark.parametrize("text", ["CL76086428-5", "76 086 428-5", "7.6086428-5"])
def test_loose_forms_need_the_lenient_path(text: str) -> None:
    # stdnum drops a CL prefix, every space and every dot; by default a typo in the grouping is
    # reported, and lenient=True takes what spreadsheets write.
    assert stdnum_rut.is_valid(text)
    assert not Rut.is_valid(text)
    assert Rut.is_valid(text, lenient=True)
    assert str(Rut.parse(text, lenient=True)) == "76086428-5"


@given(st.text(alphabet="0123456789.-kK CLcl\t", max_size=16))
def test_lenient_parse_accepts_every_input_stdnum_considers_valid(text: str) -> None:
    if stdnum_rut.is_valid(text):
        rut = Rut.parse(text, lenient=True)
        assert stdnum_rut.compact(text) == f"{rut.number}{rut.dv}"
        assert rut.format(dots=True) == stdnum_rut.format(text)


@given(stdnum_bodies, st.lists(st.sampled_from([".", " ", "-", ""]), min_size=10, max_size=10))
def test_lenient_parse_agrees_with_stdnum_on_scattered_separators(
    number: int, separators: list[str]
) -> None:
    canonical = f"{number}{stdnum_rut.calc_check_digit(str(number))}"
    text = "CL" + "".join(c + sep for c, sep in zip(canonical, separators, strict=False))
    assert stdnum_rut.is_valid(text)
    assert f"{Rut.parse(text, lenient=True).number}" == canonical[:-1]


@pytest.mark.parametrize("text", STDNUM_RUTS)
def test_lenient_parse_of_stdnum_test_ruts_in_stdnum_compact_form(text: str) -> None:
    assert Rut.parse("CL" + stdnum_rut.compact(text), lenient=True) == Rut(text)


@pytest.mark.parametrize("text", ["1-9", "999.999-K", "6842256-6"])
def test_deliberately_wider_than_stdnum_below_a_million(text: str) -> None:
    # stdnum wants 7 or 8 body digits; the SII range starts at 1 (odoo/odoo#79162 for 7 digits).
    assert Rut.is_valid(text)
    assert stdnum_rut.is_valid(text) == (Rut(text).number >= 1_000_000)


# -- properties ---------------------------------------------------------------------------------

bodies = st.integers(min_value=1, max_value=MAX_RUT_NUMBER)


@given(bodies)
def test_format_then_parse_round_trips(number: int) -> None:
    rut = Rut.from_parts(number)
    assert Rut(str(rut)) == rut
    assert Rut(rut.format(dots=True)) == rut
    assert Rut(f"{rut.number}{rut.dv.lower()}") == rut
    assert str(Rut(rut.format(dots=True))) == str(rut)


@given(bodies)
def test_compute_dv_is_the_only_accepted_check_digit(number: int) -> None:
    right = Rut.compute_dv(number)
    assert right in DV_ALPHABET
    for dv in DV_ALPHABET:
        assert Rut.is_valid(f"{number}-{dv}") == (dv == right)


@given(bodies)
def test_compute_dv_matches_the_weighted_sum_rule(number: int) -> None:
    # Second formulation (domain reference 1.1): weights 9,8,7,6,5,4 repeating from the right.
    digits = [int(d) for d in reversed(str(number))]
    total = sum(d * (9 - i % 6) for i, d in enumerate(digits))
    assert Rut.compute_dv(number) == DV_ALPHABET[total % 11]


@given(st.text(max_size=30))
def test_arbitrary_text_raises_only_invalid_rut_error(text: str) -> None:
    try:
        rut = Rut(text)
    except InvalidRutError:
        return
    assert 1 <= rut.number <= MAX_RUT_NUMBER
    assert rut.is_dv_valid


@given(st.text(alphabet="0123456789.-kK \t", max_size=30))
def test_rut_shaped_text_raises_only_invalid_rut_error(text: str) -> None:
    try:
        rut = Rut.parse(text, validate_dv=False)
    except InvalidRutError:
        return
    assert re.fullmatch(r"[1-9][0-9]{0,7}-[0-9K]", str(rut))


@given(bodies, bodies)
def test_ordering_follows_the_number(a: int, b: int) -> None:
    ra, rb = Rut.from_parts(a), Rut.from_parts(b)
    assert (ra < rb) == (a < b)
    assert (ra == rb) == (a == b)


# -- accepted forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "76.795.561-8",
        "767955618",
        "76795561-8",
        "  76795561-8\n",
        "076795561-8",
        "076.795.561-8",
    ],
)
def test_accepts_the_forms_people_type(text: str) -> None:
    assert Rut(text) == Rut("76795561-8")


def test_lower_case_k_is_upper_cased() -> None:
    rut = Rut("6.824.160-k")
    assert rut.dv == "K"
    assert str(rut) == "6824160-K"
    assert rut.number == 6824160
    assert str(Rut("7.679.556-k", validate_dv=False)) == "7679556-K"


def test_format_with_and_without_dots() -> None:
    rut = Rut("76795561-8")
    assert rut.format() == "76795561-8"
    assert rut.format(dots=True) == "76.795.561-8"
    assert Rut("1-9").format(dots=True) == "1-9"
    assert Rut("1.000.005-K").format(dots=True) == "1.000.005-K"


def test_compute_dv_examples() -> None:
    assert Rut.compute_dv(76795561) == "8"
    assert Rut.compute_dv(60803000) == "K"
    assert Rut.compute_dv(77879240) == "0"


@pytest.mark.parametrize("bad", [True, 1.5, "76795561"])
def test_compute_dv_refuses_what_is_not_an_int(bad: object) -> None:
    with pytest.raises(InvalidRutError, match="takes the RUT number as an int"):
        Rut.compute_dv(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1, 0, 100_000_000])
def test_compute_dv_refuses_numbers_out_of_the_rut_range(bad: int) -> None:
    with pytest.raises(InvalidRutError, match="out of range"):
        Rut.compute_dv(bad)


def test_from_parts_computes_or_checks_the_digit() -> None:
    assert str(Rut.from_parts(76795561)) == "76795561-8"
    assert str(Rut.from_parts(76795561, "8")) == "76795561-8"
    assert str(Rut.from_parts(76086428, "1", validate_dv=False)) == "76086428-1"
    with pytest.raises(InvalidRutError, match="wrong check digit"):
        Rut.from_parts(76086428, "1")
    with pytest.raises(InvalidRutError, match="out of range"):
        Rut.from_parts(0)
    with pytest.raises(InvalidRutError, match="must be an int"):
        Rut.from_parts("76795561")  # type: ignore[arg-type]


def test_is_valid_is_false_for_non_text() -> None:
    assert not Rut.is_valid(76795561)
    assert not Rut.is_valid(None)
    assert Rut.is_valid(Rut("76795561-8"))


def test_a_rut_can_be_built_from_a_rut() -> None:
    rut = Rut("76795561-8")
    assert Rut(rut) == rut
    assert Rut.parse(rut) == rut
    with pytest.raises(InvalidRutError, match="wrong check digit"):
        Rut(Rut("76795561-1", validate_dv=False))


# -- error messages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("76795561/8", "characters a RUT cannot have"),
        ("76 795 561-8", "characters a RUT cannot have"),
        ("76795561-8-1", "more than one hyphen"),
        ("76795561-", "no check digit after the hyphen"),
        ("76795561-88", "invalid check digit"),
        ("-8", "no number before the check digit"),
        ("7K795561-8", "K before the end"),
        ("76.79.5561-8", "dots in the wrong places"),
        ("76795.561-8", "dots in the wrong places"),
        ("76.795.5618", "dots in the wrong places"),
        (".795.561-8", "dots in the wrong places"),
        ("123456789-2", "out of range"),
        ("9" * 5000 + "-1", "out of range"),
        ("0-0", "out of range"),
        ("76795561-9", "wrong check digit"),
    ],
)
def test_every_error_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(InvalidRutError, match=says):
        Rut(text)


def test_wrong_check_digit_error_names_the_right_one() -> None:
    with pytest.raises(InvalidRutError) as caught:
        Rut("76.795.561-9")
    assert "76795561-8" in str(caught.value)


def test_non_text_input_is_refused_with_its_type() -> None:
    with pytest.raises(InvalidRutError, match="given as text, got int"):
        Rut(76795561)  # type: ignore[arg-type]


def test_long_input_is_cut_short_in_the_message() -> None:
    with pytest.raises(InvalidRutError) as caught:
        Rut("x" * 500)
    assert len(str(caught.value)) < 200


def test_invalid_rut_error_is_a_validation_and_value_error() -> None:
    with pytest.raises(ValueError) as caught:
        Rut("nope")
    assert isinstance(caught.value, ValidationError)


# -- value semantics ----------------------------------------------------------------------------


def test_equal_ruts_hash_equal_whatever_the_input_form() -> None:
    assert {Rut("76.795.561-8"), Rut("767955618"), Rut("76795561-8")} == {Rut("76795561-8")}


def test_a_rut_is_not_equal_to_its_text() -> None:
    assert Rut("76795561-8") != "76795561-8"


def test_rut_is_immutable() -> None:
    rut = Rut("76795561-8")
    with pytest.raises(AttributeError):
        rut._number = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del rut._dv


def test_pickle_and_copy_keep_the_value_even_with_a_wrong_digit() -> None:
    rut = Rut("76086428-1", validate_dv=False)
    assert pickle.loads(pickle.dumps(rut)) == rut
    assert copy.deepcopy(rut) == rut
    assert copy.copy(rut) == rut


def test_repr_shows_the_canonical_form() -> None:
    assert repr(Rut("76.795.561-8")) == "Rut('76795561-8')"


def test_sorting_orders_by_number() -> None:
    ruts = [Rut("76795561-8"), Rut("1-9"), Rut("12531909-2")]
    assert [str(r) for r in sorted(ruts)] == ["1-9", "12531909-2", "76795561-8"]


# -- pydantic -----------------------------------------------------------------------------------


class _Company(pydantic.BaseModel):
    rut: Rut
    other: Rut | None = None


def test_pydantic_field_validates_from_text_and_serialises_canonically() -> None:
    company = _Company(rut="76.795.561-8")  # type: ignore[arg-type]
    assert company.rut == Rut("76795561-8")
    assert company.model_dump(mode="json") == {"rut": "76795561-8", "other": None}
    assert company.model_dump()["rut"] == Rut("76795561-8")  # python mode keeps the object
    assert company.model_dump_json() == '{"rut":"76795561-8","other":null}'
    assert _Company.model_validate_json('{"rut": "767955618"}').rut == Rut("76795561-8")


def test_pydantic_field_accepts_a_rut_instance() -> None:
    rut = Rut("76795561-8")
    assert _Company(rut=rut).rut is rut


@pytest.mark.parametrize("value", ["76795561-9", "abc", 76795561])
def test_pydantic_field_refuses_bad_values_with_the_rut_message(value: object) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        _Company(rut=value)  # type: ignore[arg-type]
    assert caught.value.errors()[0]["loc"] == ("rut",)
    assert "RUT" in str(caught.value)


def test_pydantic_json_schema_accepts_what_the_validator_accepts() -> None:
    schema = _Company.model_json_schema()
    rut_schema = schema["properties"]["rut"]
    assert rut_schema["type"] == "string"
    for accepted in ["76795561-8", "76.795.561-8", "767955618", "12.667.869-k", " 1-9 "]:
        assert Rut.is_valid(accepted)
        assert re.fullmatch(rut_schema["pattern"], accepted), accepted
    for refused in ["76.79.5561-8", "76795561-8x", "CL76795561-8", "-8", "", "76.795.5618"]:
        assert not Rut.is_valid(refused)
        assert not re.fullmatch(rut_schema["pattern"], refused), refused
    assert "76795561-8" in rut_schema["examples"]
    assert schema["required"] == ["rut"]


@given(
    st.text(alphabet="0123456789.-kK \t", max_size=16)
    | st.from_regex(r"[0-9]{1,2}(\.[0-9]{3}){1,2}-?[0-9kK]", fullmatch=True)
)
def test_the_json_schema_input_pattern_has_the_grammar_of_the_validator(text: str) -> None:
    # "76.795.5618" (dots without the hyphen) matched the pattern, which Rut() refuses: a form
    # checked by the schema went on to fail. Only the range of the number (0-0, nine digits) is
    # beyond a pattern.
    pattern = _Company.model_json_schema()["properties"]["rut"]["pattern"]
    try:
        Rut(text, validate_dv=False)
    except InvalidRutError as error:
        read = "out of range" in str(error)
    else:
        read = True
    assert bool(re.fullmatch(pattern, text)) == read, text


def test_pydantic_json_schema_describes_the_canonical_string_it_writes() -> None:
    serialization = _Company.model_json_schema(mode="serialization")
    rut_schema = serialization["properties"]["rut"]
    assert rut_schema["type"] == "string"
    assert re.fullmatch(rut_schema["pattern"], "76795561-8")
    assert not re.fullmatch(rut_schema["pattern"], "76.795.561-8")


@pytest.mark.parametrize("mode", ["validation", "serialization"])
@pytest.mark.parametrize(
    "non_ascii",
    [
        "\uff17\uff16\uff17\uff19\uff15\uff15\uff16\uff11-\uff18",
        "\u0667\u0666\u0667\u0669\u0665\u0665\u0666\u0661-\u0668",
    ],
)
def test_pydantic_json_schema_pattern_refuses_digits_the_rut_refuses(
    mode: str, non_ascii: str
) -> None:
    # Fullwidth and Arabic-Indic digits: Rut refuses them, so a validator of the schema (a
    # Python one reads \d as any Unicode digit) must refuse them too.
    rut_schema = _Company.model_json_schema(mode=mode)["properties"]["rut"]  # type: ignore[arg-type]
    assert not Rut.is_valid(non_ascii)
    assert not re.search(rut_schema["pattern"], non_ascii)
    assert re.search(rut_schema["pattern"], "76795561-8")


def test_a_lenient_parse_error_quotes_what_was_typed_and_what_it_became() -> None:
    with pytest.raises(InvalidRutError) as caught:
        Rut.parse("CL 76.086.428-4", lenient=True)
    message = str(caught.value)
    assert "'CL 76.086.428-4'" in message
    assert "'76086428-4'" in message
    assert "76086428-5" in message


@pytest.mark.parametrize(
    ("stored", "suggested"),
    [("76430498", "76430498-5"), ("76.430.498", "76430498-5"), ("9999999", "9999999-3")],
)
def test_a_number_stored_without_its_check_digit_gets_the_complete_rut_suggested(
    stored: str, suggested: str
) -> None:
    with pytest.raises(InvalidRutError) as caught:
        Rut(stored)
    assert f"without its check digit, the RUT is {suggested}" in str(caught.value)


def test_a_hyphenated_rut_with_a_wrong_digit_gets_no_missing_digit_hint() -> None:
    with pytest.raises(InvalidRutError) as caught:
        Rut("76430498-4")
    assert "without its check digit" not in str(caught.value)


def _accepted_by_the_constructor(text: str) -> bool:
    try:
        Rut(text)
    except InvalidRutError:
        return False
    return True


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789.-kK \t\n\u00a0\u0660\u0661", max_size=16),
        st.text(max_size=14),
        st.builds(
            lambda number, dotted, hyphen, dv, pad: (
                pad
                + (f"{number:,}".replace(",", ".") if dotted else str(number))
                + ("-" if hyphen else "")
                + dv
                + pad
            ),
            st.integers(0, 10**9),
            st.booleans(),
            st.booleans(),
            st.sampled_from("0123456789kKX"),
            st.sampled_from(["", " ", "\t", "\u2003"]),
        ),
    )
)
def test_is_valid_answers_exactly_what_the_constructor_accepts(text: str) -> None:
    assert Rut.is_valid(text) is _accepted_by_the_constructor(text)


def test_is_valid_of_a_rut_object_checks_its_digit() -> None:
    assert Rut.is_valid(Rut("76795561-8"))
    assert not Rut.is_valid(Rut("76795561-9", validate_dv=False))


def _parsed(text: str, validate_dv: bool) -> tuple[int, str] | str:
    try:
        rut = Rut(text, validate_dv=validate_dv)
    except InvalidRutError as exc:
        return str(exc)
    return rut.number, rut.dv


@given(
    st.from_regex(r"[0-9]{1,9}-[0-9K]", fullmatch=True)
    | st.builds("{}-{}".format, st.integers(0, 10**8), st.sampled_from("0123456789Kk"))
    | st.text(alphabet="0123456789-Kk. ", max_size=12),
    st.booleans(),
)
def test_the_plain_form_reads_as_the_general_parser_reads_it(text: str, validate_dv: bool) -> None:
    # A space in front takes the text off the quick path for 76795561-8 and through _split;
    # the messages quote the text stripped, so they are the same too.
    assert _parsed(text, validate_dv) == _parsed(" " + text, validate_dv)


@pytest.mark.parametrize(
    "text",
    ["9" * 5000 + "-9", "9" * 5000, "0" * 5000 + "76086428-5", "0" * 5000 + "-0", "1" * 30 + "-1"],
    ids=["long", "long-bare", "zeros-then-rut", "zeros", "thirty"],
)
def test_is_valid_answers_for_thousands_of_digits_as_rut_does(text: str) -> None:
    # int() refuses text of more than 4,300 digits: is_valid must not raise on the way.
    try:
        Rut(text)
    except InvalidRutError:
        accepted = False
    else:
        accepted = True
    assert Rut.is_valid(text) is accepted


@pytest.mark.parametrize("build", [Rut.from_parts, Rut.compute_dv])
def test_a_number_of_thousands_of_digits_is_named_by_its_size(build: Any) -> None:
    with pytest.raises(
        InvalidRutError, match="the RUT number of about 5000 digits is out of range"
    ):
        build(10**5000)


@pytest.mark.parametrize(("text", "named"), [("abc", "'a', 'b', 'c'"), ("xyz-1", "'x', 'y', 'z'")])
def test_lenient_parse_of_letters_names_them_as_typed(text: str, named: str) -> None:
    # No reading makes a RUT of letters: the message quotes what was typed, not a reshaped
    # 'AB-C' that nobody wrote.
    with pytest.raises(InvalidRutError) as caught:
        Rut.parse(text, lenient=True)
    assert str(caught.value).startswith(f"the RUT {text!r} has characters a RUT cannot have")
    assert f"({named})" in str(caught.value)
    assert "leniently" not in str(caught.value)


def test_lenient_parse_says_how_it_read_the_text_only_when_it_changed_it() -> None:
    with pytest.raises(InvalidRutError) as as_typed:
        Rut.parse("12345678-0", lenient=True)
    assert "leniently" not in str(as_typed.value)
    assert "for 12345678 it is 5" in str(as_typed.value)
    with pytest.raises(InvalidRutError) as reshaped:
        Rut.parse("CL 7608642 8-4", lenient=True)
    assert "read leniently" in str(reshaped.value)
    assert "'76086428-4'" in str(reshaped.value)


@pytest.mark.parametrize(
    "dash",
    ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe63", "\uff0d"],
)
def test_a_typeset_dash_copied_from_a_document_reads_leniently_and_strictly_says_to_use_a_hyphen(
    dash: str,
) -> None:
    # A RUT copied from a PDF or a word processor often carries a typeset dash (U+2010 hyphen,
    # U+2013 en dash, U+2212 minus...) where the plain hyphen goes.
    text = f"76.086.428{dash}5"
    assert Rut.parse(text, lenient=True) == Rut("76086428-5")
    assert Rut.is_valid(text, lenient=True)
    with pytest.raises(InvalidRutError) as caught:
        Rut(text)
    assert "not the plain hyphen '-'" in str(caught.value)
    assert "76.086.428-5" in str(caught.value)
