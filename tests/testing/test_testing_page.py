"""docs/testing.md's tables and lists name the fake's real API: every control call with the
arguments and defaults it shows, every route name with its method, and the pieces' signatures,
defaults and request fields. (The bodies the controls answer are held by test_fake_control.py
and test_fake_openfactura_fidelity.py; the page's code blocks run in tests/test_docs.py.)"""

from __future__ import annotations

import ast
import inspect
import re
import typing
from pathlib import Path

from haulmer.testing import FakeClock, FakeHaulmer
from haulmer.testing._control import Control
from haulmer.testing._log import LoggedRequest, Outcome

PAGE = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
TEXT = PAGE.read_text(encoding="utf-8")


def _section(title: str) -> str:
    return TEXT.split(title, 1)[1].split("\n#", 1)[0]


EXAMPLE = object()
"""An argument a call shows with an expression, which is an example rather than a default."""


def _defaults_shown(call: str) -> dict[str, object]:
    """``name=literal`` arguments of a call as the page writes it; other arguments are left off."""
    tree = ast.parse(re.sub(r"=(?=[,)])", "=...", call), mode="eval").body
    assert isinstance(tree, ast.Call), call
    shown: dict[str, object] = {}
    for keyword in tree.keywords:
        assert keyword.arg is not None
        try:
            shown[keyword.arg] = ast.literal_eval(keyword.value)  # `name=...`: no default shown
        except ValueError:
            shown[keyword.arg] = EXAMPLE  # an expression such as timedelta(...)
    return shown


def test_the_control_table_shows_every_control_with_its_real_arguments_and_defaults() -> None:
    table = _section("### Control: making it misbehave").strip().split("\n\n", 1)[0]
    calls = re.findall(r"^\| `fake\.control\.(\w+\(.*?\))` \|", table, re.M)
    assert len(calls) >= 7
    for call in calls:
        name = call.split("(", 1)[0]
        parameters = inspect.signature(getattr(Control, name)).parameters
        for argument, value in _defaults_shown(call).items():
            assert argument in parameters, f"{name} takes no {argument}"
            default = parameters[argument].default
            # a default the row shows is the real one; a value that is no default is an example
            if value is ...:  # shown without a default: the real one is a sentinel, not None
                assert default is not None, f"{name}({argument}=) defaults to None"
            elif default is not inspect.Parameter.empty and value is not EXAMPLE:
                example = name in ("script_status", "set_status") or (
                    name == "drop_connection" and value == "after"
                )
                assert example or default == value, f"{name}({argument}=) defaults to {default!r}"
    public = {
        name
        for name, member in vars(Control).items()
        if callable(member) and not name.startswith(("_", "take_")) and name != "clear"
    }
    assert public == {call.split("(", 1)[0] for call in calls}
    probability_row = next(row for row in table.splitlines() if "`probability=p`" in row)
    for name in re.findall(r"`(\w+)`", probability_row.split("|")[1]):
        if name != "probability":
            assert "probability" in inspect.signature(getattr(Control, name)).parameters


def _route_names(cell: str) -> list[str]:
    """``a.b.c``, ``.d``, ``.e`` written as a row writes them: the full names."""
    names: list[str] = []
    for written in re.findall(r"`([\w.]+)`", cell):
        if written.startswith("."):
            names.append(names[-1].rsplit(".", 1)[0] + written)
        else:
            names.append(written)
    return names


def test_the_route_table_names_every_openfactura_route_with_its_method() -> None:
    fake = FakeHaulmer()
    methods: dict[str, set[str]] = {}
    for route in fake.router.routes:
        methods.setdefault(route.name, set()).add(route.method)
    table = TEXT.split("| route name | serves |", 1)[1].split("\n\n", 1)[0]
    shown: set[str] = set()
    for row in table.splitlines()[2:]:
        _, names_cell, serves_cell, _ = row.split("|")
        verbs = re.findall(r"\b(GET|POST|PUT|DELETE)\b", serves_cell)
        for name in _route_names(names_cell):
            assert name in methods, f"the fake has no route {name}"
            assert methods[name] <= set(verbs), f"{name} is served by {methods[name]}"
            shown.add(name)
    api = {
        name
        for name in methods
        if name.startswith("openfactura.") and name.split(".")[1] not in ("setup", "certification")
    }
    assert shown == api
    platform = TEXT.split("The platform's routes follow the same rule", 1)[1].split("\n\n", 1)[0]
    for name in re.findall(r"`([a-z_]+\.[\w.]+)`", platform):
        if not name.startswith(("fake.", "haulmer_")) and "(" not in name:
            assert name in methods, f"the fake has no route {name}"


def test_the_pieces_show_the_fakes_real_signatures_and_defaults() -> None:
    pieces = _section("## The pieces")
    made = re.search(r"`FakeHaulmer\((.*?)\)`", pieces)
    assert made is not None
    shown = _defaults_shown(f"f({made.group(1).replace('*, ', '')})")
    parameters = inspect.signature(FakeHaulmer).parameters
    assert {name: parameters[name].default for name in shown} == shown
    assert "1,000 by default" in pieces
    assert FakeHaulmer().requests.maxlen == 1000

    tenant = re.search(r"`fake\.add_openfactura_tenant\((.*?)\)`", pieces, re.S)
    assert tenant is not None
    written = " ".join(tenant.group(1).split()).replace("*, ", "").replace(", **extra", "")
    shown = _defaults_shown(f"f({written.replace('api_key, ', '')})")
    parameters = inspect.signature(FakeHaulmer.add_openfactura_tenant).parameters
    assert {n: parameters[n].default for n, v in shown.items() if v not in (..., EXAMPLE)} == {
        n: v for n, v in shown.items() if v not in (..., EXAMPLE)
    }
    fake = FakeHaulmer()
    fake.add_openfactura_tenant("k" * 32, rut="11111111-1", razon_social="UNO SPA")
    added = fake.openfactura_state.tenant_for_key("k" * 32)
    assert added is not None
    assert added.dte_types == (33, 34, 39, 41, 43, 46, 52, 56, 61)  # "the national types"

    advance = re.search(r"`\.advance\((.*?)\)`", pieces, re.S)
    assert advance is not None
    shown_units = re.findall(r"(\w+)=", advance.group(1))
    assert shown_units == list(inspect.signature(FakeClock.advance).parameters)[1:]


def test_the_request_log_entries_have_every_field_the_page_lists() -> None:
    pieces = _section("## The pieces")
    entry = pieces.split("each with", 1)[1].split("; `.for_route", 1)[0]
    fields = {name.strip("`.()") for name in re.findall(r"`\.?\w+(?:\(\))?`", entry)}
    fields -= {"X-Request-Id", "with_raw_response"}  # named in what a test may check
    outcomes = set(re.findall(r'`"(\w+)"`', entry))
    assert outcomes == set(typing.get_args(Outcome))
    fields -= outcomes
    assert {"method", "path", "json", "route", "at", "outcome", "request_id"} <= fields
    members = {f.name for f in LoggedRequest.__dataclass_fields__.values()} | set(
        dir(LoggedRequest)
    )
    assert sorted(fields - members) == []


def test_fail_next_with_body_none_answers_an_empty_body() -> None:
    """docs/testing.md: ``body=None`` is an empty body, not the default body of the status."""
    fake = FakeHaulmer()
    assert fake.control.fail_next(status=502, body=None).response().body == b""
    assert fake.control.fail_next(status=502).response().json == {
        "statusCode": 502,
        "message": "Bad Gateway",
    }
