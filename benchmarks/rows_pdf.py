"""Rows for the printed DTE: ``sii.render_pdf()`` against issuing the same document.

The question asked of printing is whether it costs less than stamping and signing the document
it prints: a ratio under 1x says it does. Both sides run on the 10-line factura of the sii rows,
in the same interleaved rounds: printing is the whole call, from the signed XML's bytes to the
PDF's (parsing, the printed facts, the layout, the 1 KB timbre's PDF417 symbol by zint, the PDF
written by ``printed/pdf.py``); issuing is the model checks, the XML, the timbre and two RSA
signatures. The rows need the ``pdf`` extra and are skipped without it.

Bytes this process issued are recognised (``issued_memory``) and their timbre cut out as written;
the "received" row prints the same factura as a file from elsewhere, parsed whole (its TED,
written flat and canonical, is cut out of the bytes too).
"""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from functools import cache

from benchmarks.harness import Measurement, Row, Skipped, interleaved
from benchmarks.rows_sii import TIMESTAMP, _timing, signing_material, ten_line_factura

_WHOLE_CALL = "signed XML in, PDF bytes out"


def _require_pdf_extra() -> None:
    if any(importlib.util.find_spec(name) is None for name in ("zint", "PIL")):
        raise Skipped("the pdf extra is not installed: pip install 'haulmer[pdf]'")


@cache
def _signed_factura() -> bytes:
    from haulmer.sii import issue

    certificate, caf = signing_material()
    return issue(ten_line_factura(), caf=caf, certificate=certificate, timestamp=TIMESTAMP)


def _issue_it() -> None:
    from haulmer.sii import issue

    certificate, caf = signing_material()
    issue(ten_line_factura(), caf=caf, certificate=certificate, timestamp=TIMESTAMP)


def measure_render_letter(quick: bool) -> Measurement:
    """``render_pdf(xml)`` on letter paper against ``issue()`` of the same factura."""
    _require_pdf_extra()
    from haulmer.sii import render_pdf

    xml = _signed_factura()
    measured = interleaved(lambda: render_pdf(xml), _issue_it, **_timing(quick))
    return replace(measured, note=_WHOLE_CALL)


def measure_render_received(quick: bool) -> Measurement:
    """``render_pdf(xml)`` on letter paper of the factura as received from elsewhere (a byte
    more than this process issued, so nothing is recalled) against ``issue()`` of it."""
    _require_pdf_extra()
    from haulmer.sii import render_pdf

    received = _signed_factura() + b"\n"
    measured = interleaved(lambda: render_pdf(received), _issue_it, **_timing(quick))
    return replace(measured, note="a file from elsewhere: parsed whole")


def measure_render_roll(quick: bool) -> Measurement:
    """``render_pdf(xml, paper="80mm")`` against ``issue()`` of the same factura."""
    _require_pdf_extra()
    from haulmer.sii import render_pdf

    xml = _signed_factura()
    measured = interleaved(lambda: render_pdf(xml, paper="80mm"), _issue_it, **_timing(quick))
    return replace(measured, note=_WHOLE_CALL)


def measure_timbre(quick: bool) -> Measurement:
    """The PDF417 symbol of the factura's TED alone against ``issue()``: the part of printing
    no layout can avoid."""
    _require_pdf_extra()
    from haulmer.sii.printed.barcode import symbol
    from haulmer.sii.printed.source import read_source

    ted = read_source(_signed_factura(), ted=None)[1]
    return interleaved(lambda: symbol(ted), _issue_it, **_timing(quick))


ROWS = [
    Row(
        "sii.render_pdf() letter, 10-line factura",
        "sii.issue() of the same factura",
        1.0,
        measure_render_letter,
        group="pdf",
    ),
    Row(
        "sii.render_pdf() letter, that factura received",
        "sii.issue() of the same factura",
        1.0,
        measure_render_received,
        group="pdf",
    ),
    Row(
        "sii.render_pdf() 80 mm, 10-line factura",
        "sii.issue() of the same factura",
        1.0,
        measure_render_roll,
        group="pdf",
    ),
    Row(
        "PDF417 timbre of that factura alone",
        "sii.issue() of the same factura",
        1.0,
        measure_timbre,
        group="pdf",
    ),
]
