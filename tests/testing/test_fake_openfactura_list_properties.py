"""Property tests of the list engine: any rows, any filter, any page agree with a plain model."""

from __future__ import annotations

import json
import operator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from haulmer.testing import FakeRequest
from haulmer.testing.openfactura._lists import PAGE_SIZE, ListField, Selections, list_page

OPS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "gt": operator.gt,
    "lte": operator.le,
    "gte": operator.ge,
}
FILTERS: dict[str, ListField[dict[str, Any]]] = {
    "TipoDTE": ListField("int", lambda r: r["TipoDTE"]),
    "FchEmis": ListField("str", lambda r: r["FchEmis"]),
}


def _page(
    request: FakeRequest, rows: list[dict[str, Any]], selections: Selections | None = None
) -> Any:
    """``rows`` listed newest first, as the endpoint answers (the state keeps oldest first)."""
    return list_page(request, list(reversed(rows)), FILTERS, dict, selections=selections)


rows_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "TipoDTE": st.sampled_from([33, 34, 39, 61]),
            "FchEmis": st.dates().map(lambda d: d.isoformat()),
            "Folio": st.integers(1, 10_000),
        }
    ),
    max_size=100,
)
condition_strategy = st.dictionaries(
    st.sampled_from(sorted(OPS)), st.sampled_from([33, 34, 39, 61]), min_size=1, max_size=2
)


@settings(max_examples=50, deadline=None)
@given(
    rows=rows_strategy,
    tipo=st.none() | condition_strategy,
    page=st.integers(1, 5),
)
def test_pages_match_a_plain_filter_and_slice(
    rows: list[dict[str, Any]], tipo: dict[str, int] | None, page: int
) -> None:
    body: dict[str, Any] = {"Page": page}
    expected = rows
    if tipo is not None:
        body["TipoDTE"] = tipo
        expected = [r for r in rows if all(OPS[op](r["TipoDTE"], v) for op, v in tipo.items())]
    request = FakeRequest("POST", "/v2/dte/document/issued", content=json.dumps(body).encode())
    response = _page(request, rows)
    last_page = max(1, -(-len(expected) // PAGE_SIZE))
    if not expected or page > last_page:
        assert response.status == 204
        assert response.body == b""
        return
    answer = response.json
    assert answer["total"] == len(expected)
    assert answer["last_page"] == last_page
    assert answer["current_page"] == page
    assert answer["data"] == expected[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    assert 1 <= len(answer["data"]) <= PAGE_SIZE


@settings(max_examples=50, deadline=None)
@given(rows=rows_strategy, since=st.dates())
def test_date_filters_compare_iso_dates(rows: list[dict[str, Any]], since: Any) -> None:
    body = {"FchEmis": {"gte": since.isoformat()}}
    request = FakeRequest("POST", "/x", content=json.dumps(body).encode())
    response = _page(request, rows)
    expected = [r for r in rows if r["FchEmis"] >= since.isoformat()]
    got = response.json["total"] if response.status == 200 else 0
    assert got == len(expected)


@settings(max_examples=50, deadline=None)
@given(
    bad=st.one_of(
        st.lists(st.integers(), max_size=3),
        st.integers(),
        st.text(max_size=5),
        st.dictionaries(
            st.text(max_size=4).filter(lambda k: k not in OPS),
            st.integers(),
            min_size=1,
            max_size=2,
        ),
    )
)
def test_anything_but_an_operator_object_is_refused(bad: Any) -> None:
    request = FakeRequest("POST", "/x", content=json.dumps({"TipoDTE": bad}).encode())
    response = _page(request, [{"TipoDTE": 33, "FchEmis": "2026-01-01"}])
    assert response.status == 400
    assert response.json == {
        "message": "Validación de Campos.",
        "code": "OF-10",
        "details": {"Error": "Operador no encontrado"},
    }


@settings(max_examples=50, deadline=None)
@given(rows=rows_strategy, more=rows_strategy, tipo=condition_strategy)
def test_a_kept_selection_never_hides_items_added_later(
    rows: list[dict[str, Any]], more: list[dict[str, Any]], tipo: dict[str, int]
) -> None:
    selections = Selections()
    body = json.dumps({"TipoDTE": tipo}).encode()
    request = FakeRequest("POST", "/x", content=body)
    items = list(rows)
    _page(request, items, selections)
    items = more + items  # newer documents come first
    response = _page(request, items, selections)
    expected = [r for r in items if all(OPS[op](r["TipoDTE"], v) for op, v in tipo.items())]
    assert (response.json["total"] if response.status == 200 else 0) == len(expected)
    if expected:
        assert response.json["data"] == expected[:PAGE_SIZE]
