"""What the printed page shows of the schema's less common elements: a show boleta's ticket,
where the document was issued, the issuer's subtotals, a line's retainer and principal, and the
transport box's title, on letter paper and on an 80 mm roll."""

from __future__ import annotations

from typing import Any

import pytest

from haulmer import sii
from haulmer.dte.document import Document
from haulmer.pfx import Certificate
from haulmer.sii import Caf
from pdf_reading import one_line, page_texts

from .conftest import SIGNED_AT, document_dict

PAPERS = ("letter", "80mm")


def _printed(data: dict[str, Any], caf: Caf, certificate: Certificate, paper: str) -> str:
    """The text of the PDF of ``data`` issued with ``caf``, on ``paper``, in one line."""
    xml = sii.issue(
        Document.from_sii_dict(data), caf=caf, certificate=certificate, timestamp=SIGNED_AT
    )
    return one_line("\n".join(page_texts(sii.render_pdf(xml, paper=paper))))  # type: ignore[arg-type]


@pytest.mark.parametrize("paper", PAPERS)
def test_a_guia_that_exports_nothing_titles_its_box_transporte_alone(
    cafs: dict[int, Caf], certificate: Certificate, paper: str
) -> None:
    """A guía de despacho's patente and chofer printed under "Transporte y exportación", though
    nothing was exported; an export's box keeps that title."""
    data = document_dict(52)
    data["Encabezado"]["Transporte"] = {"Patente": "ABCD12", "RUTTrans": "76086428-5"}
    text = _printed(data, cafs[52], certificate, paper)
    assert "Transporte Patente: ABCD12" in text
    assert "exportación" not in text
    export = _printed(document_dict(110), cafs[110], certificate, paper)
    assert "Transporte y exportación" in export
