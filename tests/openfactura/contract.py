"""The contract suite's mechanism: run the OpenFactura scenarios, record each answer's shape.

A shape is what a client relies on and a value is not: the HTTP status, the JSON keys at every
depth and the type of each value, and which of OpenFactura's three error bodies came back
(A ``{"error": {...}}``, B unwrapped ``{"message", "code", "details"}``, C the gateway's
``{"statusCode", "message"}`` or ``{"message"}``). Two recordings of the same scenarios are
diffed request by request and the differences printed as a table.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import httpx

from haulmer import Haulmer
from haulmer.testing import FakeHaulmer

from .scenarios import Backend

__all__ = [
    "Answer",
    "Clients",
    "Recording",
    "diff",
    "error_shape",
    "record",
    "route_label",
    "shape",
    "table",
]

Scenario = Callable[[Backend], Awaitable[None]]


def shape(value: Any) -> Any:
    """The shape of a JSON value: keys and value types, lists as the set of their items' shapes."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        kinds = {json.dumps(shape(item), sort_keys=True) for item in value}
        return ["list", *sorted(kinds)]
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


def error_shape(body: Any) -> str:
    """Which of OpenFactura's error bodies ``body`` is: "A", "B", "C" or "-" (not an error)."""
    if not isinstance(body, dict):
        return "-"
    if isinstance(body.get("error"), dict):
        return "A"
    if "code" in body and "message" in body and "details" in body:
        return "B"
    if "statusCode" in body or set(body) == {"message"}:
        return "C"
    return "-"


@dataclass(frozen=True)
class Answer:
    """One request of a scenario and the shape of its answer."""

    request: str
    status: int | None
    error: str
    body: str

    def describe(self) -> str:
        """One table cell: status, error shape and the body's shape."""
        status = "no answer" if self.status is None else str(self.status)
        return f"{status} {self.error} {self.body}"


@dataclass
class Recording:
    """Every scenario's answers in order, and the scenarios that could not finish."""

    answers: dict[str, list[Answer]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


class _Recorder:
    """An httpx event hook that records the shape of every answer of the running scenario."""

    def __init__(self, recording: Recording, label: Callable[[str, str], str]) -> None:
        self.recording = recording
        self.label = label
        self.scenario = ""

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = "<not JSON>"
        request = self.label(response.request.method, response.request.url.path)
        answer = Answer(
            request=request,
            status=response.status_code,
            error=error_shape(body) if response.status_code >= 400 else "-",
            body=json.dumps(shape(body), sort_keys=True),
        )
        self.recording.answers.setdefault(self.scenario, []).append(answer)


def route_label(fake: FakeHaulmer) -> Callable[[str, str], str]:
    """Name a request by the fake's route for it (tokens and folios left out)."""

    def label(method: str, path: str) -> str:
        found = fake.router.match(method, path)
        return found[0].name if found is not None else f"{method} (no route)"

    return label


@dataclass
class _Backend:
    openfactura: Any
    unauthorized: Any
    fake: FakeHaulmer | None

    def lose_next_emission_answer(self) -> None:
        if self.fake is None:
            raise _NeedsTheFake("losing an answer needs the fake's control")
        self.fake.control.drop_connection("openfactura.documents.emit", when="after")

    def receive_from_supplier(self, document: Any) -> None:
        if self.fake is None:
            raise _NeedsTheFake("a supplier's document needs the fake's state")
        self.fake.issue_from_supplier(document)


class _NeedsTheFake(Exception):
    """A scenario step only a fake can perform (skipped against the real sandbox)."""


Clients = Callable[[dict[str, list[Any]]], AbstractContextManager[tuple[Haulmer, Haulmer]]]
"""Given httpx event hooks: a context giving a client and one whose key the server does not know."""


def record(
    scenarios: list[Scenario],
    clients: Clients,
    *,
    fake: FakeHaulmer | None,
    label: Callable[[str, str], str],
    strict: bool,
) -> Recording:
    """Run ``scenarios`` on the sync clients ``clients`` gives and record every answer's shape.

    With a ``fake`` (the one serving the requests) each scenario starts from a reset fake, as
    the scenario tests do. ``strict``: a failing scenario raises; otherwise its failure is noted
    and the run goes on (the real sandbox holds other people's documents and folios).
    """
    recording = Recording()
    recorder = _Recorder(recording, label)
    with clients({"response": [recorder]}) as (client, stranger):
        backend = _Backend(client.openfactura, stranger.openfactura, fake)
        for scenario in scenarios:
            if fake is not None:
                fake.reset()
            recorder.scenario = scenario.__name__
            recording.answers.setdefault(scenario.__name__, [])
            try:
                asyncio.run(_run(scenario, backend))
            except _NeedsTheFake as reason:
                recording.skipped[scenario.__name__] = str(reason)
            except Exception as error:
                if strict:
                    raise
                recording.failures[scenario.__name__] = f"{type(error).__name__}: {error}"[:200]
    return recording


async def _run(scenario: Scenario, backend: Any) -> None:
    await scenario(backend)


def diff(expected: Recording, actual: Recording) -> list[tuple[str, str, str, str]]:
    """Rows (scenario, request, expected, actual) where the two recordings' shapes differ."""
    rows: list[tuple[str, str, str, str]] = []
    for scenario, answers in expected.answers.items():
        if scenario in actual.skipped:
            continue
        theirs = actual.answers.get(scenario, [])
        for index in range(max(len(answers), len(theirs))):
            mine = answers[index] if index < len(answers) else None
            other = theirs[index] if index < len(theirs) else None
            if mine == other:
                continue
            request = (mine or other).request if (mine or other) else "?"  # type: ignore[union-attr]
            rows.append(
                (
                    scenario,
                    f"#{index + 1} {request}",
                    mine.describe() if mine else "(no request)",
                    other.describe() if other else "(no request)",
                )
            )
    return rows


def table(rows: list[tuple[str, str, str, str]], *, against: str) -> str:
    """The diff as a Markdown table (empty diff: one line saying so)."""
    if not rows:
        return f"contract: no difference between the fake and {against}"
    header = f"| scenario | request | fake | {against} |\n|---|---|---|---|"
    lines = [f"| {s} | {r} | {mine[:120]} | {other[:120]} |" for s, r, mine, other in rows]
    return "\n".join([header, *lines])
