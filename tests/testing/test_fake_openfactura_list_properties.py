"""Property tests of the list engine: any rows, any filter, any page agree with a plain model."""

from __future__ import annotations

import json
import operator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from haulmer.testing import FakeRequest
from haulmer.testing.openfactura._lists import PAGE_SIZE, list_page

OPS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "gt": operator.gt,
    "lte": operator.le,
    "gte": operator.ge,
}
FILTERS = {"TipoDTE": "int", "FchEmis": "str"}

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
    response = list_page(request, rows, FILTERS)
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
    response = list_page(request, rows, FILTERS)
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
    response = list_page(request, [{"TipoDTE": 33, "FchEmis": "2026-01-01"}], FILTERS)
    assert response.status == 400
    assert response.json == {
        "message": "Validación de Campos.",
        "code": "OF-10",
        "details": {"Error": "Operador no encontrado"},
    }
