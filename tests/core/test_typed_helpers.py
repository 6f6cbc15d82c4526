"""Helpers that spare Optional juggling: get_next_page(), require_pdf() and require_xml()."""

from __future__ import annotations

import re

import pytest
import respx

from haulmer import AsyncHaulmer, Haulmer
from haulmer.errors import HaulmerError
from haulmer.openfactura.emission import normalize_response
from haulmer.openfactura.models import EmittedDocument

from .helpers import apage, page
from .test_pagination import ISSUED, issued, numbered


def test_get_next_page_walks_to_the_last_page_and_then_says_so(
    client: Haulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).mock(side_effect=numbered)
    current = page(client, issued())
    seen = [current.current_page]
    while current.has_next_page():
        current = current.get_next_page()
        seen.append(current.current_page)
    assert seen == [1, 2, 3]
    with pytest.raises(HaulmerError, match=r"page 3 is the last page: check has_next_page\(\)"):
        current.get_next_page()


async def test_get_next_page_on_the_async_face(
    aclient: AsyncHaulmer, mock: respx.MockRouter
) -> None:
    mock.post(ISSUED).mock(side_effect=numbered)
    first = await apage(aclient, issued())
    second = await first.get_next_page()
    assert second.current_page == 2
    third = await second.get_next_page()
    with pytest.raises(HaulmerError, match="last page"):
        await third.get_next_page()


def test_require_pdf_and_xml_give_bytes_or_say_how_to_get_them() -> None:
    full = EmittedDocument.model_validate({"TOKEN": "t1", "PDF": "JVBERg==", "XML": "PD94"})
    assert full.require_pdf() == b"%PDF"
    assert full.require_xml() == b"<?x"
    bare = EmittedDocument.model_validate({"TOKEN": "t2"})
    with pytest.raises(HaulmerError, match=r"without its PDF: emit with response=\['PDF'"):
        bare.require_pdf()
    with pytest.raises(HaulmerError, match=r"documents\.xml\(token\)"):
        bare.require_xml()


def test_require_pdf_names_only_response_options_emit_takes() -> None:
    bare = EmittedDocument.model_validate({"TOKEN": "t3"})
    with pytest.raises(HaulmerError) as caught:
        bare.require_pdf()
    named = re.findall(r"'([A-Z0-9_]+)'", str(caught.value))
    assert "PDF" in named
    normalize_response(named)  # every option the advice names is one emit accepts
    # A format alone brings no PDF (it chooses the paper of the PDF asked for, or fetched later).
    assert "or a PDF format" not in str(caught.value)
