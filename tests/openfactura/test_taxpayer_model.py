"""The ``Taxpayer`` model reads what it read when each quirk had its own Python validator.

``Taxpayer`` (and ``Organization``) read an answer with one Python step; ``_ReferenceTaxpayer``
below is the model as it was written before, one validator per quirk, and serves as the oracle.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BeforeValidator, ConfigDict, Field, field_validator, model_validator

from haulmer.errors import InvalidRutError
from haulmer.openfactura.models import (
    Activity,
    Branch,
    Organization,
    OrganizationFolios,
    Taxpayer,
)
from haulmer.rut import Rut


def _reference_lenient_rut(value: Any) -> Any:
    value = None if isinstance(value, str) and not value.strip() else value
    return Rut(value, validate_dv=False) if isinstance(value, str) else value


class _ReferenceTaxpayer(pydantic.BaseModel):
    """Taxpayer as it was: a before validator for blanks, one for the RUT, one for the rows."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="allow", populate_by_name=True, frozen=True, coerce_numbers_to_str=True
    )

    rut: Annotated[Rut, BeforeValidator(_reference_lenient_rut)]
    razon_social: str | None = Field(default=None, alias="razonSocial")
    email: str | None = None
    telefono: str | None = None
    direccion: str | None = None
    comuna: str | None = None
    actividades: list[Activity] = Field(default_factory=list)
    sucursales: list[Branch] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _blanks_are_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {
                key: None if isinstance(value, str) and not value.strip() else value
                for key, value in data.items()
            }
        return data

    @field_validator("actividades", "sucursales", mode="before")
    @classmethod
    def _no_empty_rows(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [
                item
                for item in value
                if not (isinstance(item, dict) and all(v in (None, "") for v in item.values()))
            ]
        return [] if value is None else value


def _outcome(model: type[pydantic.BaseModel], data: Any) -> tuple[Any, ...]:
    """What reading ``data`` gives: the values, extras and fields set, or the errors."""
    try:
        read = model.model_validate(data)
    except pydantic.ValidationError as exc:
        return (
            "refused",
            [(e["loc"], e["type"], e["msg"]) for e in exc.errors(include_input=False)],
        )
    dumped = read.model_dump()
    dumped["rut"] = (str(read.rut), read.rut.is_dv_valid)  # type: ignore[attr-defined]
    return ("read", dumped, read.model_extra, sorted(read.model_fields_set))


_TEXT = st.sampled_from(["", " ", "\t\n", "HOSTY SPA", "Curicó", " x "]) | st.text(max_size=6)
_SCALAR = st.none() | _TEXT | st.integers(-5, 10**9) | st.booleans() | st.floats(allow_nan=False)
_ROW = st.dictionaries(
    st.sampled_from(["giro", "actividadEconomica", "codigoActividadEconomica",
                     "actividadPrincipal", "cdgSIISucur", "direccion", "otro"]),
    _SCALAR,
    max_size=4,
)  # fmt: skip
_ROWS = st.none() | _TEXT | st.lists(_ROW | _SCALAR, max_size=4) | _ROW
_RUT = (
    st.sampled_from(["76795561-8", "76795561-9", "76.795.561-8", " 76795561-8 ", "767955618"])
    | st.sampled_from(["0-0", "", " ", "abc", "1-k", "076795561-8", "123456789-0", "76795561-"])
    | _SCALAR
)
_ANSWER = st.fixed_dictionaries(
    {},
    optional={
        "rut": _RUT,
        "razonSocial": _SCALAR,
        "razon_social": _SCALAR,
        "email": _SCALAR,
        "telefono": _SCALAR,
        "direccion": _SCALAR,
        "comuna": _SCALAR,
        "actividades": _ROWS,
        "sucursales": _ROWS,
        "extra": _SCALAR,
        "otraCosa": _ROWS,
    },
)


@settings(max_examples=400, deadline=None)
@given(_ANSWER)
def test_a_taxpayer_answer_is_read_as_the_reference_model_reads_it(answer: dict[str, Any]) -> None:
    kept = dict(answer)
    assert _outcome(Taxpayer, answer) == _outcome(_ReferenceTaxpayer, answer)
    assert answer == kept  # the answer itself is never changed


def test_either_spelling_of_the_razon_social_is_read() -> None:
    for key in ("razonSocial", "razon_social"):
        assert Taxpayer.model_validate({"rut": "76795561-8", key: "HOSTY SPA"}).razon_social == (
            "HOSTY SPA"
        )


def test_unknown_keys_are_kept_and_blanks_read_as_missing() -> None:
    taxpayer = Taxpayer.model_validate(
        {"rut": "76795561-8", "direccion": "  ", "nuevoCampo": "x", "otroCampo": " "}
    )
    assert taxpayer.direccion is None
    assert taxpayer.model_extra == {"nuevoCampo": "x", "otroCampo": None}


def test_rows_of_nothing_are_dropped_and_other_rows_kept_in_order() -> None:
    taxpayer = Taxpayer.model_validate(
        {
            "rut": "76795561-8",
            "actividades": [{"giro": None}, {"giro": "A"}, {}, {"giro": ""}, {"giro": "B"}],
            "sucursales": None,
        }
    )
    assert [activity.giro for activity in taxpayer.actividades] == ["A", "B"]
    assert taxpayer.sucursales == []


def test_a_row_of_spaces_is_kept_with_its_blanks_read_as_missing() -> None:
    taxpayer = Taxpayer.model_validate({"rut": "76795561-8", "actividades": [{"giro": " "}]})
    assert [activity.giro for activity in taxpayer.actividades] == [None]


def test_the_rut_is_read_without_judging_its_check_digit() -> None:
    taxpayer = Taxpayer.model_validate({"rut": "76.795.561-9"})
    assert str(taxpayer.rut) == "76795561-9"
    assert not taxpayer.rut.is_dv_valid
    assert Taxpayer.model_validate({"rut": Rut("76795561-8")}).rut == Rut("76795561-8")


@pytest.mark.parametrize(
    ("rut", "says"),
    [
        (None, "a RUT must be given as text, got NoneType"),
        ("  ", "a RUT must be given as text, got NoneType"),
        (76795561, "a RUT must be given as text, got int"),
        ("123456789-0", "out of range"),
        ("abc", "characters a RUT cannot have"),
    ],
)
def test_a_bad_rut_is_refused_as_rut_refuses_it(rut: Any, says: str) -> None:
    for model in (Taxpayer, Organization):
        with pytest.raises(pydantic.ValidationError) as caught:
            model.model_validate({"rut": rut})
        (error,) = caught.value.errors()
        assert error["loc"] == ("rut",)
        assert error["type"] == "value_error"
        assert says in error["msg"]
        assert isinstance(error["ctx"]["error"], InvalidRutError)


def test_the_rut_field_keeps_the_json_schema_and_serialization_of_rut() -> None:
    class WithRut(pydantic.BaseModel):
        rut: Rut

    for mode in ("validation", "serialization"):
        expected = WithRut.model_json_schema(mode=mode)["properties"]["rut"]
        expected.pop("title")
        for model in (Taxpayer, Organization, OrganizationFolios):
            schema = model.model_json_schema(mode=mode)["properties"]["rut"]
            schema = schema.get("anyOf", [schema])[0]
            schema.pop("title", None)
            assert schema == expected
    taxpayer = Taxpayer.model_validate({"rut": "76.795.561-8"})
    assert '"rut":"76795561-8"' in taxpayer.model_dump_json()
    assert taxpayer.model_dump()["rut"] == Rut("76795561-8")


def test_the_folios_rut_may_be_missing() -> None:
    assert OrganizationFolios.model_validate({"rut": " "}).rut is None
    assert OrganizationFolios.model_validate({"rut": "76795561-9"}).rut == Rut(
        "76795561-9", validate_dv=False
    )
