"""What a printed DTE is read from: a DTE this process issued is taken as written, to exactly the
facts and timbre bytes that parsing it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from haulmer.pfx import Certificate
from haulmer.sii import Caf, issue
from haulmer.sii.issued_memory import recall
from haulmer.sii.printed import source
from haulmer.sii.printed.source import read_source, read_sources

from .conftest import REAL_DTES, SIGNED_AT, SUPPORTED_TYPES, make_document


def _parsed(xml: bytes) -> source.PrintSource:
    """The source read by parsing the whole file: the text form never takes the issued path."""
    return read_source(xml.decode("iso-8859-1"), ted=None)


@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_a_dte_issued_here_is_read_to_what_parsing_it_gives(
    tipo: int, certificate: Certificate, cafs: dict[int, Caf], monkeypatch: pytest.MonkeyPatch
) -> None:
    xml = issue(
        make_document(tipo, lines=4), caf=cafs[tipo], certificate=certificate, timestamp=SIGNED_AT
    )
    expected = _parsed(xml)
    assert recall(xml) is not None
    # the issued path cuts the timbre out of the bytes: it never canonicalizes a parsed TED
    monkeypatch.setattr(source, "ted_barcode_bytes", _never)
    assert read_source(xml, ted=None) == expected
    office = read_source(xml, ted=None, sii_office="SANTIAGO ORIENTE")
    assert office == (expected[0]._replace(sii_office="SANTIAGO ORIENTE"), expected[1])
    assert read_sources(xml) == [expected]


def _never(*_: object) -> bytes:
    raise AssertionError("the TED of a DTE issued here was canonicalized again")


def test_bytes_like_an_issued_dte_but_not_issued_here_are_parsed(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    xml = issue(make_document(33), caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    changed = xml.replace(b"<NmbItem>Martillo", b"<NmbItem>Serrucho", 1)
    assert recall(changed) is None
    doc, ted = read_source(changed, ted=None)
    assert doc.lines[0].name.startswith("Serrucho")
    assert ted == _parsed(changed)[1] == _parsed(xml)[1]


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_a_real_dte_is_parsed_and_reads_the_same_from_its_bytes_and_its_path(path: Path) -> None:
    data = path.read_bytes()
    assert recall(data) is None
    doc, ted = read_source(data, ted=None)
    assert (doc, ted) == read_source(path, ted=None)
    assert doc.lines
    assert ted.startswith(b'<TED version="1.0"><DD>')
