"""``issue`` checks a document once and stamps its timbre from the checked form's typed fields."""

from __future__ import annotations

from typing import Any

import pytest

import haulmer.dte.document as document_module
from haulmer.dte import CheckedDocument
from haulmer.errors import DocumentError
from haulmer.pfx import Certificate
from haulmer.sii import Caf, issue, issuing, parse, verify

from .conftest import SIGNED_AT, SUPPORTED_TYPES, make_document


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every run of a document's rules: the whole check (``check_document``, which
    ``Document.checked`` runs) or the rules but the facets (``check_document_rules``, which
    ``issue`` runs while its one walk judges the facets as it writes)."""
    calls: list[int] = []
    for module, name in ((document_module, "check_document"), (issuing, "check_document_rules")):
        original = getattr(module, name)

        def counted(doc: Any, original: Any = original) -> Any:
            calls.append(int(doc.tipo_dte))
            return original(doc)

        monkeypatch.setattr(module, name, counted)
    return calls


def _no_dict_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any) -> Any:
        raise AssertionError("issue() read the timbre back out of the rendered dict")

    monkeypatch.setattr(issuing, "_dig", refuse)


@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_issue_checks_once_and_reads_no_field_back_from_the_dict(
    tipo: int, certificate: Certificate, cafs: dict[int, Caf], monkeypatch: pytest.MonkeyPatch
) -> None:
    document = make_document(tipo)
    calls = _counting(monkeypatch)
    _no_dict_reading(monkeypatch)
    xml = issue(document, caf=cafs[tipo], certificate=certificate, timestamp=SIGNED_AT)
    assert calls == [tipo]
    assert verify(xml, allow_test_cafs=True).ok
    assert parse(xml) == document.completed()


def test_a_checked_document_is_issued_without_a_second_check(
    certificate: Certificate, cafs: dict[int, Caf], monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = make_document(33, folio=0).checked()
    assert isinstance(checked, CheckedDocument)
    calls = _counting(monkeypatch)
    xml = issue(checked, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT, folio=7)
    assert calls == []
    assert parse(xml).folio == 7
    assert verify(xml, allow_test_cafs=True).ok
    long_way = issue(
        make_document(33, folio=7), caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT
    )
    assert xml == long_way


def test_a_checked_document_without_a_folio_is_not_stamped(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    checked = make_document(33, folio=0).checked()
    with pytest.raises(DocumentError) as info:
        issue(checked, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    assert [d.field for d in info.value.details] == ["Encabezado.IdDoc.Folio"]


def test_checked_gives_the_arithmetic_of_the_check_and_the_same_dict() -> None:
    document = make_document(110)
    checked = document.checked(for_stamping=True)
    assert checked.sii_dict() == document.to_sii_dict()
    assert checked.computed_totals == document.totals
    assert list(checked.line_amounts) == document.amounts_by_line()
    assert checked.monto_total == checked.sii_dict()["Encabezado"]["Totales"]["MntTotal"]
