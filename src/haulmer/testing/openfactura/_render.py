"""Files the fake OpenFactura hands out: the printed PDF, the TIMBRE and the LOGO PNGs.

With the ``pdf`` extra installed, PDFs are the real printed representation
(``haulmer.sii.render_pdf``: letter or 80 mm as chosen at emission, cedible on request) and the
TIMBRE is the real PDF417 barcode. Without it, a plain one-page PDF and a bitmap of the TED's
bytes stand in, built with the standard library, so a suite without the extra still runs.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from functools import cache
from typing import Any

from haulmer._numbers import own_arithmetic
from haulmer.dte.catalogue import DTEType
from haulmer.dte.totals import RETAINED_CODES
from haulmer.sii.printed import numbers, pdf_extra_installed
from haulmer.sii.printed.content import cedible_legend

__all__ = ["Renderer", "has_pdf_extra", "png", "ted_bitmap"]

_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
"""What a custom note may hold that a page cannot print (NUL, ESC, DEL): left out of the PDF,
as ``render_pdf`` refuses it in a note; line breaks and tabs are kept."""

_MODULES_PER_ROW = 96


@cache
def has_pdf_extra() -> bool:
    """Whether the ``pdf`` extra is installed, asked once per process."""
    return pdf_extra_installed()


def ted_bitmap(ted: bytes) -> list[list[int]]:
    """The TED as rows of 0/1 modules (1 = black), ``_MODULES_PER_ROW`` wide."""
    bits = [(byte >> (7 - i)) & 1 for byte in ted for i in range(8)]
    if not bits:
        bits = [0]
    rows = [bits[i : i + _MODULES_PER_ROW] for i in range(0, len(bits), _MODULES_PER_ROW)]
    rows[-1] = rows[-1] + [0] * (_MODULES_PER_ROW - len(rows[-1]))
    return rows


def _gray_rows(modules: list[list[int]], scale: int, quiet: int) -> tuple[int, int, list[bytes]]:
    width = len(modules[0]) * scale + 2 * quiet
    blank = bytes([255]) * width
    out = [blank] * quiet
    for row in modules:
        line = bytes([255]) * quiet
        line += b"".join((b"\x00" if m else b"\xff") * scale for m in row)
        line += bytes([255]) * quiet
        out.extend([line] * scale)
    out.extend([blank] * quiet)
    return width, len(out), out


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    """An 8-bit grayscale PNG from raw rows (each ``width`` bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _pdf_text(text: Any) -> str:
    raw = str(text).encode("cp1252", errors="replace").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


@own_arithmetic
def money(value: Any, moneda: str | None = None) -> str:
    """An amount as a printed DTE writes it: ``$ 2.380`` in pesos; in an export's currency
    (``moneda``, Totales/TpoMoneda other than PESO CL) without the peso sign, ``81,20``."""
    if moneda is not None and moneda.strip() != "PESO CL":
        return numbers.amount(str(value), pesos=False)
    try:
        return "$ " + f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(value)


def _total_rows(totales: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    """The plain PDF's totals as (label, amount, deducted): neto, exento, IVA, each additional
    tax and retención by code and rate, the crédito de constructoras, and the total they make."""
    rows = [
        (label, totales[name], False)
        for name, label in (("MntNeto", "Neto"), ("MntExe", "Exento"), ("IVA", "IVA"))
        if name in totales
    ]
    for entry in totales.get("ImptoReten") or ():
        code, rate = str(entry.get("TipoImp", "")), entry.get("TasaImp")
        retained = code in RETAINED_CODES
        label = ("Retención " if retained else "Impuesto adicional ") + code
        if rate is not None:
            label += f" ({numbers.percent(str(rate))})"
        rows.append((label, entry.get("MontoImp", ""), retained))
    if totales.get("CredEC"):
        rows.append(("Crédito constructoras", totales["CredEC"], True))
    if "MntTotal" in totales:
        rows.append(("Total", totales["MntTotal"], False))
    return rows


def _pdf(content: bytes, image: tuple[int, int, bytes] | None) -> bytes:
    """A one-page A4 PDF with Helvetica text ``content`` and an optional gray image /Im1."""
    objects: list[bytes] = []
    resources = b"/Font << /F1 4 0 R /F2 5 0 R >>"
    if image is not None:
        resources += b" /XObject << /Im1 7 0 R >>"
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    objects.append(
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << "
        + resources
        + b" >> /Contents 6 0 R >>"
    )
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    stream = zlib.compress(content)
    objects.append(
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
    )
    if image is not None:
        width, height, data = image
        packed = zlib.compress(data)
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
            % (width, height, len(packed))
            + packed
            + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class Renderer:
    """Builds the PDF, TIMBRE and LOGO of the fake OpenFactura from issued documents."""

    def timbre(self, ted: bytes) -> bytes:
        """The TIMBRE PNG: the TED's PDF417 barcode (without the extra, a bitmap of its bytes)."""
        if has_pdf_extra():
            from haulmer.sii import timbre_png

            return timbre_png(ted)
        width, height, rows = _gray_rows(ted_bitmap(ted), scale=2, quiet=4)
        return png(width, height, rows)

    def logo(self, tenant: Any) -> bytes:
        """A 64x64 PNG logo, a pattern derived from the tenant's RUT (stable per tenant)."""
        digest = hashlib.sha256(str(tenant.rut).encode()).digest()
        modules = [[(digest[(r * 8 + c) % 32] >> (c % 8)) & 1 for c in range(8)] for r in range(8)]
        width, height, rows = _gray_rows(modules, scale=8, quiet=0)
        return png(width, height, rows)

    def pdf(self, doc: Any, *, cedible: bool = False, issuer: Any = None) -> bytes:
        """The document's printed PDF in the format chosen at emission (``doc.pdf_format``): the
        same file whenever it is asked for, as a printed DTE does not change once issued.

        ``issuer`` (the emitting tenant, when the fake knows it) gives the resolution, the SII
        office and the logo, as OpenFactura takes them from the organization's data.
        """
        if not has_pdf_extra():
            return self._plain_pdf(doc, cedible=cedible)
        from haulmer.sii import render_pdf
        from haulmer.sii.printed import render_with_pages

        options: dict[str, Any] = {
            "cedible": cedible,
            "notes": [
                _CONTROLS.sub("", str(doc.custom[key]))
                for key in ("informationNote", "paymentNote")
                if isinstance(doc.custom, dict) and doc.custom.get(key)
            ],
            "logo": None,
            "resolucion": None,
            "ted": None,
        }
        if issuer is not None:
            options["resolucion"] = (issuer.resolucion_numero, issuer.resolucion_fecha)
            if doc.pdf_format != "80MMNOLOGO":
                options["logo"] = self.logo(issuer)
        if doc.pdf_format in ("80MM", "80MMNOLOGO"):
            return render_pdf(doc.xml, paper="80mm", **options)
        letter, pages = render_with_pages(doc.xml, paper="letter", **options)
        if doc.pdf_format == "LETTER_80MM" and pages > 1:
            return render_pdf(doc.xml, paper="80mm", **options)
        return letter

    def _plain_pdf(self, doc: Any, *, cedible: bool = False) -> bytes:
        """A one-page PDF showing the document's emisor, receptor, lines, totals and the TED's
        bitmap: what the fake serves without the ``pdf`` extra."""
        enc = doc.dte.get("Encabezado", {})
        emisor = enc.get("Emisor", {})
        receptor = enc.get("Receptor", {})
        totales = enc.get("Totales", {})
        try:
            label = DTEType(doc.dte_type).label.upper()
        except ValueError:
            label = f"DTE {doc.dte_type}"
        ops: list[str] = []

        def text(x: float, y: float, value: Any, size: int = 9, bold: bool = False) -> None:
            font = "F2" if bold else "F1"
            ops.append(f"BT /{font} {size} Tf {x} {y} Td ({_pdf_text(value)}) Tj ET")

        # The SII box (top right): RUT, document type and folio.
        ops.append("0.8 0 0 RG 2 w 370 730 190 80 re S 0 0 0 RG")
        text(385, 790, f"R.U.T.: {doc.issuer_rut}", 11, True)
        text(385, 770, label[:30], 9, True)
        text(385, 750, f"N° {doc.folio}", 11, True)
        text(390, 718, "S.I.I. - prueba (haulmer.testing)", 7)
        razon = emisor.get("RznSoc") or emisor.get("RznSocEmisor") or ""
        giro = emisor.get("GiroEmis") or emisor.get("GiroEmisor") or ""
        text(40, 800, razon, 13, True)
        text(40, 785, str(giro)[:70], 8)
        text(40, 772, f"{emisor.get('DirOrigen', '')}, {emisor.get('CmnaOrigen', '')}", 8)
        moneda = totales.get("TpoMoneda")
        moneda = str(moneda) if moneda else None
        y = 700.0
        text(40, y, f"Fecha de emisión: {doc.fch_emis}", 9)
        if moneda is not None:
            text(250, y, f"Moneda: {moneda}", 9)
        y -= 14
        text(40, y, f"Señor(es): {receptor.get('RznSocRecep', '')}", 9)
        y -= 14
        text(40, y, f"R.U.T.: {receptor.get('RUTRecep', '')}", 9)
        if receptor.get("GiroRecep"):
            y -= 14
            text(40, y, f"Giro: {receptor.get('GiroRecep')}", 9)
        y -= 28
        text(40, y, "Item", 9, True)
        text(360, y, "Cantidad", 9, True)
        text(420, y, "Precio", 9, True)
        text(490, y, "Total", 9, True)
        for line in doc.dte.get("Detalle", [])[:25]:
            y -= 14
            text(40, y, str(line.get("NmbItem", ""))[:60], 9)
            text(360, y, line.get("QtyItem", ""), 9)
            text(420, y, line.get("PrcItem", ""), 9)
            text(490, y, money(line.get("MontoItem", ""), moneda), 9)
        for ref in doc.dte.get("Referencia", [])[:5]:
            y -= 16
            text(
                40,
                y,
                f"Referencia: tipo {ref.get('TpoDocRef', '')} folio {ref.get('FolioRef', '')} "
                f"del {ref.get('FchRef', '')} - {ref.get('RazonRef', '')}",
                8,
            )
        y -= 24
        for label_text, amount, deducted in _total_rows(totales):
            total = label_text == "Total"
            text(300 if len(label_text) > 12 else 420, y, label_text, 9, total)
            text(490, y, ("- " if deducted else "") + money(amount, moneda), 9, total)
            y -= 14
        custom = doc.custom or {}
        for key in ("informationNote", "paymentNote"):
            if custom.get(key):
                y -= 4
                text(40, y, str(custom[key])[:90], 8)
                y -= 12
        width, height, rows = _gray_rows(ted_bitmap(doc.ted), scale=1, quiet=2)
        ops.append(f"q {width * 2} 0 0 {height * 2} 40 60 cm /Im1 Do Q")
        text(40, 48, "Timbre Electrónico SII (test CAF: not valid before the SII)", 7)
        if cedible:  # a guía's copy is cedible only with its factura, as the SII has it printed
            text(360, 60, cedible_legend(doc.dte_type), 14, True)
        content = "\n".join(ops).encode("latin-1")
        return _pdf(content, (width, height, b"".join(rows)))
