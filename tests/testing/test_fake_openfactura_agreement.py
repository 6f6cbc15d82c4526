"""The SDK's local check and the fake OpenFactura agree on every document: both accept it or
both refuse it, naming the same field.

Each example is a document of a type OpenFactura issues, made by the builders and put in its
wire form, valid or with one defect injected (a text too long, a field missing, a wrong total,
a wrong RUT digit, a bad date, a wrong type, an unknown field, an extreme number, a string
where a number goes). The SDK judges it with ``build_emission`` (``validate=True``); the fake
gets what ``build_emission(validate=False)`` would send, or the raw dict when even that is
refused, as a client in another language would send it.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import random
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fake_bodies import START, exporter_wire
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from built_documents import BUILT_TYPES, built_documents
from haulmer._models import encode_json
from haulmer.errors import DocumentError, ValidationError
from haulmer.openfactura.emission import build_emission
from plausible_documents import PLAUSIBLE_SETTINGS, plausible_document

EXPORTER_KEY = "e" * 32
EXPORTER_RUT = "76086428-5"

Dte = dict[str, Any]
Defect = Callable[[Dte], str]
"""Changes a valid wire ``dte`` in place; returns the field it spoils."""


@pytest.fixture(scope="module")
def exporter() -> Iterator[httpx.Client]:
    """A raw wire client of a fake taxpayer that issues every type (exports too)."""
    with exporter_wire(EXPORTER_KEY, EXPORTER_RUT, BUILT_TYPES, START) as client:
        yield client


# -- the defects -------------------------------------------------------------------------------


def _enc(dte: Dte, section: str) -> dict[str, Any]:
    part: dict[str, Any] = dte["Encabezado"][section]
    return part


def _is_boleta(dte: Dte) -> bool:
    return int(_enc(dte, "IdDoc")["TipoDTE"]) in (39, 41)


def _set(section: str, name: str, value: Any) -> Defect:
    def defect(dte: Dte) -> str:
        _enc(dte, section)[name] = value
        return name

    return defect


def _drop(section: str, name: str) -> Defect:
    def defect(dte: Dte) -> str:
        if section == "Emisor" and _is_boleta(dte):
            name_here = {"RznSoc": "RznSocEmisor", "GiroEmis": "GiroEmisor"}.get(name, name)
        else:
            name_here = name
        _enc(dte, section).pop(name_here, None)
        return name_here

    return defect


def _line(name: str, value: Any) -> Defect:
    def defect(dte: Dte) -> str:
        dte["Detalle"][0][name] = value
        return name

    return defect


def _drop_line_field(name: str) -> Defect:
    def defect(dte: Dte) -> str:
        dte["Detalle"][0].pop(name, None)
        return name

    return defect


def _shift(section: str, name: str, by: int) -> Defect:
    def defect(dte: Dte) -> str:
        part = _enc(dte, section)
        part[name] = int(part.get(name) or 0) + by
        return name

    return defect


def _wrong_dv(section: str, name: str) -> Defect:
    def defect(dte: Dte) -> str:
        part = _enc(dte, section)
        number, dv = str(part[name]).split("-")
        digits = "0123456789K"
        part[name] = f"{number}-{digits[(digits.index(dv.upper()) + 1) % len(digits)]}"
        return name

    return defect


def _section(name: str, value: Any) -> Defect:
    def defect(dte: Dte) -> str:
        dte["Encabezado"][name] = value
        return name

    return defect


def _top(name: str, value: Any) -> Defect:
    def defect(dte: Dte) -> str:
        if value is None:
            dte.pop(name, None)
        else:
            dte[name] = value
        return name

    return defect


DEFECTS: dict[str, Defect] = {
    # lengths
    "RznSocRecep too long": _set("Receptor", "RznSocRecep", "R" * 101),
    "DirRecep too long": _set("Receptor", "DirRecep", "D" * 71),
    "CmnaRecep too long": _set("Receptor", "CmnaRecep", "C" * 21),
    "GiroRecep over 40 (cut)": _set("Receptor", "GiroRecep", "G" * 55),
    "DirOrigen too long": _set("Emisor", "DirOrigen", "D" * 71),
    "NmbItem over 80 (cut)": _line("NmbItem", "N" * 90),
    "DscItem too long": _line("DscItem", "d" * 1001),
    "empty NmbItem": _line("NmbItem", ""),
    # missing fields
    "no FchEmis": _drop("IdDoc", "FchEmis"),
    "no TipoDTE": _drop("IdDoc", "TipoDTE"),
    "no RUTEmisor": _drop("Emisor", "RUTEmisor"),
    "no RznSoc": _drop("Emisor", "RznSoc"),
    "no GiroEmis": _drop("Emisor", "GiroEmis"),
    "no DirOrigen": _drop("Emisor", "DirOrigen"),
    "no CmnaOrigen": _drop("Emisor", "CmnaOrigen"),
    "no RUTRecep": _drop("Receptor", "RUTRecep"),
    "no RznSocRecep": _drop("Receptor", "RznSocRecep"),
    "no MntTotal": _drop("Totales", "MntTotal"),
    "no NmbItem": _drop_line_field("NmbItem"),
    "no Detalle": _top("Detalle", None),
    "empty Detalle": _top("Detalle", []),
    "no Referencia": _top("Referencia", None),
    # wrong totals
    "MntTotal + 1": _shift("Totales", "MntTotal", 1),
    "MntTotal - 1": _shift("Totales", "MntTotal", -1),
    "IVA + 1": _shift("Totales", "IVA", 1),
    "MntNeto + 7": _shift("Totales", "MntNeto", 7),
    "MntExe + 3": _shift("Totales", "MntExe", 3),
    "MontoItem + 1": lambda dte: _line("MontoItem", int(dte["Detalle"][0]["MontoItem"]) + 1)(dte),
    # wrong RUT digits
    "RUTRecep wrong digit": _wrong_dv("Receptor", "RUTRecep"),
    "RUTEmisor wrong digit": _wrong_dv("Emisor", "RUTEmisor"),
    "RUTRecep lower-case k, dots": _set("Receptor", "RUTRecep", "12.345.670-k"),
    "RUTRecep not a RUT": _set("Receptor", "RUTRecep", "hola"),
    # 76000018 is a RUT number (76000018-3); read as text it is the RUT 7600001-8
    "RUTRecep an int": _set("Receptor", "RUTRecep", 76000018),
    # bad dates
    "FchEmis month 13": _set("IdDoc", "FchEmis", "2026-13-01"),
    "FchEmis day first": _set("IdDoc", "FchEmis", "27-11-2026"),
    "FchEmis 30 February": _set("IdDoc", "FchEmis", "2026-02-30"),
    "FchEmis tomorrow": _set("IdDoc", "FchEmis", (START + dt.timedelta(days=1)).date().isoformat()),
    "FchEmis next year": _set("IdDoc", "FchEmis", f"{START.year + 1}-01-02"),
    "FchEmis last century": _set("IdDoc", "FchEmis", "1999-12-31"),
    "FchEmis a number": _set("IdDoc", "FchEmis", 20261127),
    "FchEmis without hyphens": _set("IdDoc", "FchEmis", START.date().isoformat().replace("-", "")),
    "FchEmis as an ISO week": _set("IdDoc", "FchEmis", START.date().strftime("%G-W%V-%u")),
    # wrong types
    "TipoDTE text": _set("IdDoc", "TipoDTE", "factura"),
    "TipoDTE unknown": _set("IdDoc", "TipoDTE", 99),
    "Folio not 0": _set("IdDoc", "Folio", 5),
    "Totales a list": _section("Totales", []),
    "Receptor text": _section("Receptor", "HOSTY"),
    "Detalle an object": lambda dte: _top("Detalle", {"NmbItem": "x"})(dte),
    "QtyItem bool": _line("QtyItem", True),
    "IndExe 7": _line("IndExe", 7),
    # unknown fields
    "unknown IdDoc field": _set("IdDoc", "Desconocido", 1),
    "unknown line field": _line("Desconocido", "x"),
    "unknown section": _top("Desconocido", {"a": 1}),
    # extreme numbers
    "MntTotal huge": _set("Totales", "MntTotal", 10**20),
    "MntTotal negative": _set("Totales", "MntTotal", -5),
    "QtyItem negative": _line("QtyItem", -1),
    "PrcItem huge": _line("PrcItem", 10**30),
    "QtyItem zero": _line("QtyItem", 0),
    # strings where numbers go
    "MntTotal text": _set("Totales", "MntTotal", "mil"),
    "PrcItem text": _line("PrcItem", "caro"),
    "QtyItem text": _line("QtyItem", "uno"),
    "MntTotal digits as text": lambda dte: _set(
        "Totales", "MntTotal", str(_enc(dte, "Totales")["MntTotal"])
    )(dte),
}


# -- the two verdicts --------------------------------------------------------------------------

_INDEX = re.compile(r"\[\d+\]")


def _last(field: str) -> str:
    return _INDEX.sub("", field).rsplit(".", 1)[-1]


def sdk_verdict(dte: Dte) -> tuple[bool, set[str], str]:
    """Whether the SDK's local check accepts ``dte``, on the fake's day as a client of it
    checks; the fields it names; its message."""
    try:
        build_emission(copy.deepcopy(dte), today=START.date())
    except DocumentError as error:
        return False, {_last(d.field) for d in error.details if d.field}, str(error)
    except ValidationError as error:
        return False, set(), str(error)
    return True, set(), ""


def fake_verdict(client: httpx.Client, dte: Dte) -> tuple[bool, set[str], str]:
    """Whether the fake accepts what the SDK sends with ``validate=False`` (the raw dict when
    even that is refused locally); the fields it names; its answer."""
    key = f"agree-{next(_KEYS)}"
    try:  # written as the SDK writes it: its Decimals with every digit
        content = encode_json(build_emission(copy.deepcopy(dte), validate=False).body)
    except ValidationError:
        content = json.dumps({"dte": dte}, default=float).encode()  # NaN as Python writes it
    headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
    answer = client.post("/v2/dte/document", content=content, headers=headers)
    assert answer.status_code in (200, 400), answer.text
    if answer.status_code == 200:
        return True, set(), ""
    error = answer.json()["error"]
    assert error["code"] != "OF-07", "the fake ran out of folios"
    return False, {_last(d["field"]) for d in error.get("details") or ()}, answer.text


_KEYS = itertools.count()


def _disagreement(client: httpx.Client, dte: Dte, defect: str | None) -> str | None:
    """Why the SDK and the fake disagree on ``dte`` (``None``: they agree)."""
    sdk_ok, sdk_fields, sdk_says = sdk_verdict(dte)
    fake_ok, fake_fields, fake_says = fake_verdict(client, dte)
    what = defect or "the valid document"
    if sdk_ok and not fake_ok and fake_fields == BOLETA_OVER_135_UF and _is_boleta(dte):
        return None  # above 135 UF on its day (a defect's FchEmis of 1999 has a small UF),
        # which the SDK, offline, cannot tell
    if defect is None and not sdk_ok:
        return f"{what}: the SDK refuses it ({sdk_says})"
    if sdk_ok != fake_ok:
        return (
            f"{what}: the SDK {'accepts' if sdk_ok else 'refuses'} ({sdk_says}) and the fake "
            f"{'accepts' if fake_ok else 'refuses'} ({fake_says})"
        )
    if not sdk_ok and sdk_fields and fake_fields and not sdk_fields & fake_fields:
        return (
            f"{what}: the SDK names {sorted(sdk_fields)} ({sdk_says}), "
            f"the fake {sorted(fake_fields)} ({fake_says})"
        )
    return None


BOLETA_OVER_135_UF = {"MedioPago", "RznSocRecep"}
"""What the fake asks of a boleta above 135 UF: the SDK, offline, cannot know the day's UF."""


def _name_the_buyer_above_135_uf(client: httpx.Client, dte: Dte) -> None:
    """Give a boleta the fake finds above 135 UF what such a boleta carries (MedioPago and the
    buyer's name), as an integrator must: the SDK, offline, cannot know the day's UF, so the
    two would otherwise disagree on a valid document for that reason alone."""
    fake_ok, fake_fields, _ = fake_verdict(client, dte)
    if not fake_ok and fake_fields == BOLETA_OVER_135_UF:
        dte["Encabezado"]["IdDoc"]["MedioPago"] = "1"
        dte["Encabezado"].setdefault("Receptor", {})["RznSocRecep"] = "Comprador Nominativo"


@pytest.mark.parametrize("tipo", BUILT_TYPES)
@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_property_the_sdk_and_the_fake_accept_and_refuse_the_same_documents(
    exporter: httpx.Client, tipo: int, data: st.DataObject
) -> None:
    """A document of ``tipo``, valid, then with each defect in turn."""
    document = data.draw(built_documents(types=(tipo,), emisor_rut=EXPORTER_RUT))
    valid: Dte = build_emission(document).body["dte"]
    if tipo in (39, 41):
        _name_the_buyer_above_135_uf(exporter, valid)
    disagreements = []
    for name, defect in [(None, None), *sorted(DEFECTS.items())]:
        dte = copy.deepcopy(valid)
        field = defect(dte) if defect is not None else None
        found = _disagreement(exporter, dte, f"{name} ({field})" if name else None)
        if found:
            disagreements.append(found)
    assert not disagreements, "\n".join(disagreements)


@pytest.mark.parametrize("tipo", BUILT_TYPES)
@settings(PLAUSIBLE_SETTINGS, max_examples=15)
@given(r=st.randoms(use_true_random=False))
def test_property_the_fake_accepts_what_the_sdk_sends_of_plausible_documents(
    exporter: httpx.Client, tipo: int, r: random.Random
) -> None:
    """A document the builders accept from random plausible inputs (``plausible_documents``):
    the SDK's emission check and the fake agree on its wire form."""
    try:
        document = plausible_document(r, tipo, emisor_rut=EXPORTER_RUT)
    except DocumentError:
        return  # the builders' refusals are the sii suite's differential property
    dte = build_emission(document, validate=False).body["dte"]
    sdk_ok, _, sdk_says = sdk_verdict(dte)
    fake_ok, fake_fields, fake_says = fake_verdict(exporter, dte)
    if sdk_ok and not fake_ok and tipo in (39, 41):
        assert fake_fields == BOLETA_OVER_135_UF, fake_says
        return
    assert sdk_ok == fake_ok, (
        f"the SDK: {sdk_says or 'accepts'}; the fake: {fake_says or 'accepts'}"
    )
