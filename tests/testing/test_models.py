"""load_models: every SDK model built before a test freezes time the way freezegun does."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from haulmer.testing import pytest_plugin

# What freezegun does while time is frozen: datetime's classes replaced by subclasses, which
# pydantic v2 cannot build a model's schema for. Run in a fresh interpreter, where the SDK has
# loaded nothing yet.
_FROZEN_FLOW = """
import datetime, sys
import haulmer.dte as dte
from haulmer.testing import FakeHaulmer, load_models

if sys.argv[1] == "loaded":
    load_models()
class FakeDate(datetime.date): pass
class FakeDatetime(datetime.datetime): pass
datetime.date, datetime.datetime = FakeDate, FakeDatetime

fake = FakeHaulmer()
emisor = {"rut": "76795561-8", "razon_social": "HAULMER SPA", "giro": "Software",
          "direccion": "Arturo Prat 527", "comuna": "Curicó", "actecos": [620200]}
with fake.client() as client:
    documents = client.openfactura.documents
    boleta = dte.boleta(emisor=emisor, fecha=fake.clock.today(),
                        lines=[{"nombre": "Pan", "cantidad": 1, "precio": 1000}])
    emitted = documents.emit(boleta)
    print(emitted.folio, documents.status(emitted.token).estado,
          len(list(documents.list_issued())), client.openfactura.organization.retrieve().rut)
"""


def _frozen_flow(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _FROZEN_FLOW, mode], capture_output=True, text=True, timeout=120
    )


def test_with_the_models_loaded_first_the_sdk_works_while_datetime_is_replaced() -> None:
    ran = _frozen_flow("loaded")
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.split() == ["1", "Pendiente", "1", "76795561-8"]


def test_the_plugin_loads_the_models_once_the_collected_tests_imported_freezegun(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    monkeypatch.setattr("haulmer.testing._models.load_models", lambda: calls.append(1) or 0)
    monkeypatch.delitem(sys.modules, "freezegun", raising=False)
    pytest_plugin.pytest_collection_finish(None)  # type: ignore[arg-type]
    assert calls == []
    monkeypatch.setitem(sys.modules, "freezegun", types.ModuleType("freezegun"))
    pytest_plugin.pytest_collection_finish(None)  # type: ignore[arg-type]
    assert calls == [1]
