"""One builder for the notas de crédito and débito (56, 61) and their export forms (111, 112).

A nota references the document it modifies (Referencia with CodRef) and takes from it what the
caller leaves out: parties, the reference's type, folio and date, gross or net prices, an
export's currency and rate. ``nota`` does it for the four types; the public builders name them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from haulmer._numbers import own_arithmetic
from haulmer._shown import shown
from haulmer.dte.argument_errors import ArgumentTypeError, kind_of
from haulmer.dte.builders.base import (
    build,
    document_options,
    exempt_globals,
    exempt_lines,
    flag,
    items_dicts,
    model_dict,
    retained_lines,
    set_once,
)
from haulmer.dte.builders.exportacion import export_document
from haulmer.dte.builders.inputs import (
    CodRefInput,
    EmisorInput,
    ExportNoteOptions,
    GlobalInput,
    LineInput,
    NoteOptions,
    ReceptorInput,
    check_options,
)
from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.dte.document import Document
from haulmer.dte.exports import Moneda
from haulmer.dte.models import DscRcgGlobal, OtraMoneda
from haulmer.dte.totals import RETAINED_CODES
from haulmer.errors import DocumentError, ErrorDetail

if sys.version_info >= (3, 11):  # at run time too: typing.get_type_hints reads **fields
    from typing import Unpack
else:
    from typing_extensions import Unpack

__all__ = [
    "nota",
    "nota_credito",
    "nota_credito_exportacion",
    "nota_debito",
    "nota_debito_exportacion",
]

_COD_REF_NAMES = {
    "anula": CodRef.ANULA,
    "corrige_texto": CodRef.CORRIGE_TEXTO,
    "corrige_montos": CodRef.CORRIGE_MONTOS,
}
_DEFAULT_RAZON = {
    CodRef.ANULA: "Anula documento de referencia",
    CodRef.CORRIGE_TEXTO: "Corrige texto del documento de referencia",
    CodRef.CORRIGE_MONTOS: "Corrige montos del documento de referencia",
}
_DEFAULT_COD_REF = {
    DTEType.NOTA_CREDITO: CodRef.ANULA,
    DTEType.NOTA_DEBITO: CodRef.CORRIGE_MONTOS,
    DTEType.NOTA_CREDITO_EXPORTACION: CodRef.ANULA,
    DTEType.NOTA_DEBITO_EXPORTACION: CodRef.CORRIGE_MONTOS,
}
"""What each nota does when ``cod_ref`` is left out: a crédito annuls, a débito adds."""


def _cod_ref(value: CodRefInput) -> CodRef:
    if isinstance(value, str):
        key = value.strip().lower().replace(" ", "_").replace("-", "_")
        if key in _COD_REF_NAMES:
            return _COD_REF_NAMES[key]
        if key.isascii() and key.isdigit() and len(key) <= 4:
            value = int(key)
        else:
            raise DocumentError(
                f"unknown CodRef {shown(value)}",
                [ErrorDetail("Referencia.CodRef", "use anula, corrige_texto or corrige_montos")],
            )
    try:
        return CodRef(value)
    except ValueError:
        raise DocumentError(
            f"unknown CodRef {shown(value)}",
            [ErrorDetail("Referencia.CodRef", "must be 1 (anula), 2 or 3")],
        ) from None


def _dte_type(value: DTEType | str | int | None) -> DTEType | None:
    """The electronic type a TpoDocRef names, if it names one (``"33"`` yes, ``"801"`` no)."""
    if value is None:
        return None
    try:
        return DTEType(int(str(getattr(value, "value", value)).strip()))
    except ValueError:
        return None


def _wrong_kind(tipo: DTEType, documento: Document) -> DocumentError:
    if tipo.is_export:
        return DocumentError(
            f"an export note modifies an export document (110, 111, 112), not a "
            f"{documento.tipo_dte.label}: use nota_credito or nota_debito",
            [ErrorDetail("Referencia.TpoDocRef", f"{int(documento.tipo_dte)} is not export")],
        )
    return DocumentError(
        "export documents are corrected with export notes (111/112): use "
        "nota_credito_exportacion or nota_debito_exportacion",
        [ErrorDetail("Referencia.TpoDocRef", f"{int(documento.tipo_dte)} is an export")],
    )


def _boleta_gaps(
    documento: Document, *, copies_emisor: bool, copies_receptor: bool
) -> list[ErrorDetail]:
    """What a nota copying a boleta's emisor or receptor would lack: a boleta may leave out the
    emisor's Acteco and the receptor's razón social, which every nota must carry."""
    if not documento.tipo_dte.is_boleta:
        return []
    gaps = []
    if copies_emisor and not documento.emisor.actecos:
        gaps.append(
            ErrorDetail(
                "Encabezado.Emisor.Acteco",
                "the boleta names no actividad económica, which a nota requires: pass emisor= "
                "with its actecos",
            )
        )
    if copies_receptor and not (documento.receptor and documento.receptor.razon_social):
        gaps.append(
            ErrorDetail(
                "Encabezado.Receptor.RznSocRecep",
                "the boleta names no receptor's razón social, which a nota requires: pass "
                "receptor= with the buyer's RUT and razón social",
            )
        )
    return gaps


def _rate_gap(otra_moneda: Any, documents: OtraMoneda) -> list[ErrorDetail]:
    """The missing rate of an export nota restated in another currency than its document's
    OtraMoneda: the document's TpoCambio is its rate for that currency, not for this one."""
    try:
        currency = Moneda(getattr(otra_moneda, "value", otra_moneda))
    except ValueError:
        return []  # build names a currency of no table
    if currency is documents.tpo_moneda or documents.tpo_cambio is None:
        return []
    return [
        ErrorDetail(
            "Encabezado.OtraMoneda.TpoCambio",
            f"the nota is restated in {currency.value}, and the document's TpoCambio "
            f"({documents.tpo_cambio}) is its rate for {documents.tpo_moneda.value}: pass "
            f"tipo_cambio= for {currency.value}",
        )
    ]


def _retention_of(documento: Document) -> str | None:
    """The one IVA retention every afecto line of a factura de compra carries (what its builder's
    ``retencion`` gave them), which the lines a nota of it is given take when they carry no code;
    None for another type or when its lines do not share one."""
    if documento.tipo_dte is not DTEType.FACTURA_COMPRA:
        return None
    found = {
        tuple(code for code in line.cod_imp_adic if code in RETAINED_CODES)
        for line in documento.detalle
        if line.ind_exe is None
    }
    if len(found) == 1:
        (codes,) = found
        if len(codes) == 1:
            return codes[0]
    return None


def nota(tipo: DTEType, documento: Document | None, options: ExportNoteOptions) -> Document:
    """A nota of type ``tipo`` (56, 61, 111, 112) modifying ``documento`` (or the document
    the options name), with the nota's reference first. A nota's options are an export nota's
    without the currency, so both kinds pass theirs here."""
    export = tipo.is_export
    code = _cod_ref(options.get("cod_ref", _DEFAULT_COD_REF[tipo]))
    razon = options.get("razon")
    if razon is not None and not isinstance(razon, str):  # 5 or a list would print as text
        issue = f"razon is the reason's text (RazonRef), got {kind_of(razon)}"
        raise ArgumentTypeError(issue, [ErrorDetail("Referencia[1].RazonRef", issue)])
    if isinstance(razon, str) and not razon.strip():
        razon = None  # a blank reason says nothing, as none: the code's own text says it
    emisor: EmisorInput | None = options.get("emisor")
    receptor: ReceptorInput | None = options.get("receptor")
    tipo_doc_ref = options.get("tipo_doc_ref")
    folio_ref = options.get("folio_ref")
    fecha_ref: date | None = options.get("fecha_ref")
    montos_brutos = options.get("montos_brutos")
    if montos_brutos is not None:
        montos_brutos = flag(montos_brutos, "montos_brutos")
    if export and montos_brutos:
        issue = (
            "an export has no IVA for its prices to include, and its IdDoc (Exportaciones) "
            "has no MntBruto: leave montos_brutos out"
        )
        raise DocumentError(
            f"the {tipo.label}: {issue}", [ErrorDetail("Encabezado.IdDoc.MntBruto", issue)]
        )
    moneda = options.get("moneda")
    tipo_cambio = options.get("tipo_cambio")
    otra_moneda = options.get("otra_moneda")
    lines: Iterable[LineInput] | None = options.get("lines")
    globales: Iterable[GlobalInput] | None = options.get("descuentos_recargos")
    id_doc: dict[str, Any] = dict(options.get("id_doc") or {})
    rates = options.get("tasas_adicionales")
    credito = options.get("credito_constructoras")
    gaps: list[ErrorDetail] = []
    if documento is not None and not isinstance(documento, Document):
        issue = (
            f"the document a note amends is a haulmer.dte.Document, got {type(documento).__name__}"
            " (Document.from_sii_dict() reads one from a dict)"
        )
        raise ArgumentTypeError(issue, [ErrorDetail("documento", issue)])
    if documento is not None:
        if documento.tipo_dte.is_export != export:
            raise _wrong_kind(tipo, documento)
        header = documento.encabezado
        tipo_doc_ref = tipo_doc_ref if tipo_doc_ref is not None else documento.tipo_dte
        folio_ref = folio_ref if folio_ref is not None else documento.folio or None
        fecha_ref = fecha_ref or documento.fecha_emision
        gaps += _boleta_gaps(
            documento, copies_emisor=emisor is None, copies_receptor=receptor is None
        )
        emisor = emisor if emisor is not None else documento.emisor
        receptor = receptor if receptor is not None else documento.receptor
        if montos_brutos is None and not export:
            montos_brutos = documento.montos_brutos
        if rates is None and header.totales is not None:
            rates = {t.tipo: t.tasa for t in header.totales.impto_reten if t.tasa is not None}
        if export:
            if moneda is None and header.totales is not None:
                moneda = header.totales.tpo_moneda
            if header.otra_moneda is not None:
                otra_moneda = otra_moneda or header.otra_moneda.tpo_moneda
                if tipo_cambio is None:
                    tipo_cambio = header.otra_moneda.tpo_cambio
                    gaps += _rate_gap(otra_moneda, header.otra_moneda)
            # the document's, unless id_doc gives one by either spelling
            set_once(
                id_doc, "IndServicio", "ind_servicio", None, default=header.id_doc.ind_servicio
            )
    missing = [
        *gaps,
        *(
            ErrorDetail(field, issue)
            for value, field, issue in (
                (tipo_doc_ref, "Referencia.TpoDocRef", "pass documento= or tipo_doc_ref="),
                (
                    folio_ref,
                    "Referencia.FolioRef",
                    "the referenced document has no folio yet; pass folio_ref= or a document "
                    "with its folio (document.with_folio(n))",
                ),
                (fecha_ref, "Referencia.FchRef", "pass documento= or fecha_ref="),
                (emisor, "Encabezado.Emisor", "pass documento= or emisor="),
                (receptor, "Encabezado.Receptor", "pass documento= or receptor="),
                (
                    moneda if export else "",
                    "Encabezado.Totales.TpoMoneda",
                    "pass documento= or moneda=",
                ),
            )
            if value is None
        ),
    ]
    source = documento.tipo_dte if documento is not None else _dte_type(tipo_doc_ref)
    exempt_source = not export and source is not None and source.is_exempt
    if montos_brutos is None and source is not None and not export:
        montos_brutos = source.is_boleta and not exempt_source
    if lines is None:
        if code is CodRef.CORRIGE_TEXTO:
            line = _text_correction_line(razon)
            if exempt_source:
                line["IndExe"] = 1
            lines = [line]
        elif code is CodRef.ANULA and documento is not None:
            # a liquidación's lines name the type each sale was made with (TpoDocLiq), which
            # only a Liquidacion carries; its Comisiones, deducted from its total, no nota does
            if documento.comisiones:
                missing.append(
                    ErrorDetail(
                        "Detalle",
                        "the liquidación-factura deducts Comisiones from its total, which a "
                        "nota does not carry, so its copied lines would credit more than it "
                        "paid: pass lines= with the amounts this nota credits",
                    )
                )
            # a show boleta's lines say what they sell (ItemEspectaculo) and carry the ticket
            # (InfoTicket), which only a boleta's schema has: the nota credits the sale alone
            copied_line = {
                "nro_lin_det": None,
                "tpo_doc_liq": None,
                "item_espectaculo": None,
                "info_ticket": None,
            }
            lines = [line.model_copy(update=copied_line) for line in documento.detalle]
            if globales is None:
                globales = documento.descuentos_recargos
            if credito is None and documento.encabezado.totales is not None:
                credito = documento.encabezado.totales.cred_ec
        else:
            missing.append(
                ErrorDetail("Detalle", "a note that corrects amounts needs its lines (lines=)")
            )
    if missing:
        raise DocumentError(
            f"cannot build the {tipo.label}: " + "; ".join(map(str, missing)), missing
        )
    assert emisor is not None
    assert receptor is not None
    assert lines is not None
    reference: dict[str, Any] = {
        "TpoDocRef": tipo_doc_ref,
        "FolioRef": folio_ref,
        "FchRef": fecha_ref,
        "CodRef": code,
        "RazonRef": razon or _DEFAULT_RAZON[code],
    }
    copied = [
        g.model_copy(update={"nro_lin_dr": None}) if isinstance(g, DscRcgGlobal) else g
        for g in (globales or ())
    ]
    # the caller's references follow the nota's own: named as given, placed after it
    referencias = [reference, *items_dicts(options.get("referencias", ()), "referencias", 1)]
    if export:
        note = export_document(
            tipo,
            emisor=emisor,
            receptor=receptor,
            lines=lines,
            moneda=moneda,
            tipo_cambio=tipo_cambio,
            # the document's OtraMoneda goes with its rate; one given goes with one or is refused
            otra_moneda=otra_moneda
            if tipo_cambio is not None or options.get("otra_moneda") is not None
            else None,
            id_doc=id_doc,
            options=document_options(options, descuentos_recargos=copied, referencias=referencias),
        )
        _check_references_document(note, documento)
        _check_same_emisor(note, documento)
        _check_same_receptor(note, documento)
        _check_same_currency(note, documento)
        if options.get("lines") is not None:
            _check_annuls_whole(note, documento, code)
        _check_credit_within(note, documento)
        return note
    set_once(id_doc, "MntBruto", "mnt_bruto", 1 if montos_brutos else None, default=None)
    if options.get("lines") is not None and documento is not None:
        lines = retained_lines(lines, _retention_of(documento))
    receptor_data = model_dict(receptor)
    receptor_data.pop("TelefonoRecep", None)  # boleta-only; a note is not a boleta
    note = build(
        tipo,
        emisor=model_dict(emisor),
        receptor=receptor_data,
        lines=exempt_lines(lines) if exempt_source else list(lines),
        **document_options(
            options,
            id_doc=id_doc,
            descuentos_recargos=exempt_globals(copied) if exempt_source else copied,
            referencias=referencias,
            tasas_adicionales=rates,
            credito_constructoras=credito,
        ),
    )
    _check_references_document(note, documento)
    _check_same_emisor(note, documento)
    _check_same_receptor(note, documento)
    if options.get("lines") is not None:
        _check_annuls_whole(note, documento, code)
    _check_credit_within(note, documento)
    return note


_NMB_ITEM_LENGTH = 80
"""The SII's limit on NmbItem, the name of a line."""


def _text_correction_line(razon: str | None) -> dict[str, Any]:
    """The one line of a nota that corrects text: named by its ``razon`` when that fits a line's
    name, otherwise "Corrige texto" with the whole ``razon`` as its description (DscItem), so
    that nothing of it is cut."""
    if razon and len(razon.strip()) <= _NMB_ITEM_LENGTH:
        return {"NmbItem": razon, "MontoItem": 0}
    if razon:
        return {"NmbItem": "Corrige texto", "DscItem": razon, "MontoItem": 0}
    return {"NmbItem": "Corrige texto", "MontoItem": 0}


def _check_references_document(note: Document, documento: Document | None) -> None:
    """A nota built from ``documento`` references that document: it copies its lines, parties
    and prices, so a type, folio or date given for another one (tipo_doc_ref=, folio_ref=,
    fecha_ref=) would reference one document and modify the other."""
    if documento is None or not note.referencias:
        return
    main = note.referencias[0]
    folio = (main.folio_ref or "").strip()
    if folio.isascii() and folio.isdigit():
        folio = str(int(folio))
    pairs = (
        ("TpoDocRef", "type", (main.tipo_doc_ref or "").strip(), str(int(documento.tipo_dte))),
        ("FolioRef", "folio", folio, str(documento.folio) if documento.folio else folio),
        ("FchRef", "date", str(main.fecha_ref), str(documento.fecha_emision)),
    )
    problems = [
        ErrorDetail(
            f"Referencia.{field}",
            f"is {shown(given)}, but the document given (documento=) has {what} "
            f"{shown(own)}: leave it out to reference that document, or give the document "
            "the nota modifies",
        )
        for field, what, given, own in pairs
        if given != own
    ]
    if problems:
        raise DocumentError(
            f"the {note.tipo_dte.label} would reference another document than the one it is "
            "built from: " + "; ".join(map(str, problems)),
            problems,
        )


def _check_same_emisor(note: Document, documento: Document | None) -> None:
    """A nota is issued by the issuer of the document it modifies: its Referencia names the
    document by type and folio, which the SII looks up among the nota's issuer's own documents,
    so a nota of another RUTEmisor would modify that issuer's document of the folio, or none."""
    if documento is None or note.emisor.rut == documento.emisor.rut:
        return
    raise DocumentError(
        f"the {note.tipo_dte.label} is issued by {note.emisor.rut}, but the "
        f"{documento.tipo_dte.label} it modifies was issued by {documento.emisor.rut}, and a "
        "nota modifies its own issuer's documents: keep the document's emisor RUT (emisor= may "
        "change its razón social, giro, Acteco or address)",
        [ErrorDetail("Encabezado.Emisor.RUTEmisor", f"must be {documento.emisor.rut}")],
    )


def _check_same_receptor(note: Document, documento: Document | None) -> None:
    """A nota goes to the receptor of the document it modifies: the SII refuses another RUT
    (REF-3-751). A boleta's buyer is often anonymous (66666666-6), so its nota names the real
    one."""
    if documento is None or documento.tipo_dte.is_boleta or documento.receptor is None:
        return
    if note.receptor is None or note.receptor.rut == documento.receptor.rut:
        return
    raise DocumentError(
        f"the {note.tipo_dte.label} goes to {note.receptor.rut}, but the "
        f"{documento.tipo_dte.label} it modifies went to {documento.receptor.rut}, and the SII "
        "refuses a nota to another receptor: keep the document's receptor RUT (receptor= may "
        "change its razón social, giro or address)",
        [ErrorDetail("Encabezado.Receptor.RUTRecep", f"must be {documento.receptor.rut}")],
    )


def _check_same_currency(note: Document, documento: Document | None) -> None:
    """An export nota is in the currency of the export it modifies: it credits or adds to
    amounts in that currency (moneda= is for a nota built without the document)."""
    if documento is None or documento.encabezado.totales is None:
        return
    source = documento.encabezado.totales.tpo_moneda
    given = note.encabezado.totales.tpo_moneda if note.encabezado.totales is not None else None
    if source is None or given is None or given is source:
        return
    issue = (
        f"is {given.value}, but the {documento.tipo_dte.label} it modifies is in "
        f"{source.value}: leave moneda= out, or give {source.value}"
    )
    raise DocumentError(
        f"the {note.tipo_dte.label} {issue}",
        [ErrorDetail("Encabezado.Totales.TpoMoneda", issue)],
    )


_CREDIT_NOTES = frozenset({DTEType.NOTA_CREDITO, DTEType.NOTA_CREDITO_EXPORTACION})


def _check_annuls_whole(note: Document, documento: Document | None, code: CodRef) -> None:
    """A nota that annuls (CodRef 1) with lines given voids the whole document, so its total is
    the document's (with CredEC, carried alike): lines of another total would void the document
    while crediting or charging part of it, which is a correction of amounts (CodRef 3). A
    liquidación-factura with Comisiones, whose total a nota does not restate, is not judged."""
    if code is not CodRef.ANULA or documento is None or documento.comisiones:
        return
    source, annulling = documento.totales, note.totales
    whole = source.mnt_total + (source.cred_ec or 0)
    given = annulling.mnt_total + (annulling.cred_ec or 0)
    if given == whole:
        return
    issue = (
        f"is {given} on a nota which annuls the {documento.tipo_dte.label}, whose total is "
        f"{whole}: annulling voids the whole document, so leave lines= out to copy its lines, "
        "or give lines of that total; for part of it, correct the amounts with "
        "cod_ref='corrige_montos' (CodRef 3)"
    )
    raise DocumentError(
        f"the {note.tipo_dte.label} annuls its document for another amount: MntTotal {issue}",
        [ErrorDetail("Encabezado.Totales.MntTotal", issue)],
    )


def _check_credit_within(note: Document, documento: Document | None) -> None:
    """A nota de crédito credits at most what the document it modifies charged: its total
    (before an empresa constructora's CredEC, deducted alike from both) is not above the
    document's. A liquidación-factura's total is net of its Comisiones, which a nota does not
    carry: its bound is what it sold, the total plus those charges (the total when they are a
    refund). A nota that also modifies other documents (another reference with a CodRef, as
    one correcting amounts may) credits them too, so one document's total is no bound."""
    if note.tipo_dte not in _CREDIT_NOTES or documento is None:
        return
    if any(ref.cod_ref is not None for ref in note.referencias[1:]):
        return
    source, credit = documento.totales, note.totales
    if source.mnt_total is None or credit.mnt_total is None:
        return
    charges = source.comisiones
    deducted = (
        (charges.val_com_neto or 0) + (charges.val_com_exe or 0) + (charges.val_com_iva or 0)
        if charges is not None
        else 0
    )
    # charges that are refunds (negative) add to the total paid, which stays the bound
    charged = source.mnt_total + (source.cred_ec or 0) + max(deducted, 0)
    credited = credit.mnt_total + (credit.cred_ec or 0)
    if credited <= charged:
        return
    issue = (
        f"is {credited}, more than the {documento.tipo_dte.label} it modifies charged "
        f"({charged}): a nota de crédito credits at most the document's total; give the lines "
        "and amounts credited (for an amount added to the document, a nota de débito)"
    )
    raise DocumentError(
        f"the {note.tipo_dte.label} credits more than its document: MntTotal {issue}",
        [ErrorDetail("Encabezado.Totales.MntTotal", issue)],
    )


@own_arithmetic
def nota_credito(documento: Document | None = None, **options: Unpack[NoteOptions]) -> Document:
    """Nota de crédito electrónica (61) referencing ``documento`` (or tipo/folio/fecha_ref).

    ``cod_ref``: ``"anula"`` (default; copies the document's lines and global discounts unless
    ``lines`` is given, whose total is then the document's), ``"corrige_texto"`` (one line
    with MontoItem 0 and the ``razon``; totals 0) or ``"corrige_montos"`` (``lines``
    required: the amounts being credited). Emisor and receptor default to the document's; a
    boleta's gross prices carry over as MntBruto 1 and an exempt document's (34, 41) lines and
    global discounts stay exempt, also when the document is named by ``tipo_doc_ref`` only;
    with ``documento``, a ``tipo_doc_ref``, ``folio_ref`` or ``fecha_ref`` other than its own
    is refused (``folio_ref`` numbers a document without a folio yet). The lines given for a
    factura de compra (46) take the IVA retention its lines share when they carry no retention
    of their own. Extra ``referencias`` (an orden de compra...) follow the main one.
    ``options``: ``NoteOptions``.
    """
    check_options("nota_credito", options, NoteOptions)
    return nota(DTEType.NOTA_CREDITO, documento, cast(ExportNoteOptions, options))


@own_arithmetic
def nota_debito(documento: Document | None = None, **options: Unpack[NoteOptions]) -> Document:
    """Nota de débito electrónica (56): same arguments as ``nota_credito``.

    Default ``"corrige_montos"`` (``lines`` = the amounts added); ``"anula"`` on a nota de
    crédito annuls it (copying its lines).
    """
    check_options("nota_debito", options, NoteOptions)
    return nota(DTEType.NOTA_DEBITO, documento, cast(ExportNoteOptions, options))


@own_arithmetic
def nota_credito_exportacion(
    documento: Document | None = None, **options: Unpack[ExportNoteOptions]
) -> Document:
    """Nota de crédito de exportación electrónica (112) referencing an export ``documento``.

    ``cod_ref`` as in ``nota_credito``: ``"anula"`` (default; copies the lines),
    ``"corrige_texto"`` (one line of 0) or ``"corrige_montos"`` (``lines`` required). Emisor,
    receptor, currency, IndServicio and OtraMoneda's currency and rate default to the
    document's (pass ``tipo_cambio`` for the rate of the note's date, and for an ``otra_moneda``
    other than the document's; another currency than the document's is refused). Without
    ``documento``,
    give ``tipo_doc_ref`` (110...), ``folio_ref``, ``fecha_ref``, the parties and ``moneda``.
    ``options``: ``ExportNoteOptions``.
    """
    check_options("nota_credito_exportacion", options, ExportNoteOptions)
    return nota(DTEType.NOTA_CREDITO_EXPORTACION, documento, options)


@own_arithmetic
def nota_debito_exportacion(
    documento: Document | None = None, **options: Unpack[ExportNoteOptions]
) -> Document:
    """Nota de débito de exportación electrónica (111): same arguments as
    ``nota_credito_exportacion``; default ``"corrige_montos"`` (``lines`` = the amounts added),
    ``"anula"`` on a 112 annuls it."""
    check_options("nota_debito_exportacion", options, ExportNoteOptions)
    return nota(DTEType.NOTA_DEBITO_EXPORTACION, documento, options)
