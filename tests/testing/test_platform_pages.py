"""The fake platform's numbered pages: every item once, in order, whatever the page size."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haulmer.testing.platform._errors import PlatformError
from haulmer.testing.platform._myhaulmer import page_of


@given(items=st.lists(st.integers(), max_size=250), per_page=st.integers(1, 100))
def test_the_pages_hold_every_item_once_in_order(items: list[int], per_page: int) -> None:
    first = page_of(items, {"per_page": str(per_page)}, str)
    assert first["total"] == len(items)
    assert first["last_page"] == max(1, -(-len(items) // per_page))
    seen: list[str] = []
    for page in range(1, first["last_page"] + 1):
        answer = page_of(items, {"page": str(page), "per_page": str(per_page)}, str)
        assert answer["current_page"] == page
        assert len(answer["data"]) <= per_page
        seen += answer["data"]
    assert seen == [str(item) for item in items]


@pytest.mark.parametrize(
    "query", [{"page": "0"}, {"page": "x"}, {"per_page": "101"}, {"per_page": "-1"}]
)
def test_a_bad_page_or_size_is_a_validation_error(query: dict[str, str]) -> None:
    with pytest.raises(PlatformError) as caught:
        page_of([1, 2, 3], query, str)
    assert caught.value.code == "validation_failed"
