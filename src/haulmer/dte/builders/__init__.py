"""Builders per document type: the ergonomic way to make a complete, checked ``Document``.

Each takes the parties and lines (models or dicts, with Python or SII names), fills line
numbers, line amounts and Totales, runs ``Document.check()`` and returns the document. Folio 0
(the default) is what OpenFactura expects; local stamping sets the CAF's folio.

    doc = haulmer.dte.factura(
        emisor={"rut": "76795561-8", "razon_social": "HAULMER SPA", "giro": "Software",
                "actecos": [620200], "direccion": "Arturo Prat 527", "comuna": "Curicó"},
        receptor={"rut": "76430498-5", "razon_social": "HOSTY SPA", "giro": "Hosting",
                  "direccion": "Calle 1", "comuna": "Curicó"},
        lines=[{"nombre": "Plan anual", "cantidad": 1, "precio": 2000}],
    )
    nc = haulmer.dte.nota_credito(doc.with_folio(106), cod_ref="anula")

By family: ``facturas`` (33, 34, 46 and the guía 52), ``boletas`` (39, 41), ``exportacion``
(110), ``liquidacion`` (43), ``notas`` (one builder for 56, 61, 111, 112); ``base.build`` is
the general form. The options they share (``fecha``, ``folio``, ``id_doc``...) are written once
in ``inputs`` (``DocumentOptions``, ``PaymentOptions``, ``NoteOptions``); a line is a ``Detalle``,
a plain dict (``inputs.LineDict``), or a catalogue product alone or as ``(product, quantity)``
(``inputs.LineSource``: gross prices on boletas, net with CodImpAdic elsewhere).
"""

from haulmer.dte.builders.base import build
from haulmer.dte.builders.boletas import boleta, boleta_exenta
from haulmer.dte.builders.exportacion import factura_exportacion
from haulmer.dte.builders.facturas import factura, factura_compra, factura_exenta, guia_despacho
from haulmer.dte.builders.inputs import (
    CodRefInput,
    DocumentOptions,
    ExportNoteOptions,
    LineDict,
    LineSource,
    NoteOptions,
    PaymentOptions,
)
from haulmer.dte.builders.liquidacion import liquidacion_factura
from haulmer.dte.builders.notas import (
    nota,
    nota_credito,
    nota_credito_exportacion,
    nota_debito,
    nota_debito_exportacion,
)

__all__ = [
    "CodRefInput",
    "DocumentOptions",
    "ExportNoteOptions",
    "LineDict",
    "LineSource",
    "NoteOptions",
    "PaymentOptions",
    "boleta",
    "boleta_exenta",
    "build",
    "factura",
    "factura_compra",
    "factura_exenta",
    "factura_exportacion",
    "guia_despacho",
    "liquidacion_factura",
    "nota",
    "nota_credito",
    "nota_credito_exportacion",
    "nota_debito",
    "nota_debito_exportacion",
]
