"""``Document``: one DTE (Encabezado, Detalle, DscRcgGlobal, Referencia) with totals and checks.

``document.totals`` is computed from the lines; ``document.completed()`` fills line numbers,
line amounts and Totales where they were left out; ``check()`` runs the per-type rules and the
totals check, raising one ``DocumentError`` that lists every problem. ``to_sii_dict()`` and
``Document.from_sii_dict()`` convert to and from the SII's nested dict (see ``sii_dict``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final

import pydantic
from pydantic import Field, model_validator

from haulmer._numbers import own_arithmetic
from haulmer.dte._base import NAMED_CONTEXT, XML_CONTEXT, SiiModel, lenient_context
from haulmer.dte._field_paths import validation_details
from haulmer.dte.argument_errors import (
    RATES_TAKE,
    ArgumentTypeError,
    credito_pesos,
    flag,
    kind_of,
    whole_pesos,
)
from haulmer.dte.catalogue import DTEType
from haulmer.dte.checked import CheckedDocument
from haulmer.dte.exports import Moneda
from haulmer.dte.models import (
    Comision,
    Detalle,
    DscRcgGlobal,
    Emisor,
    Encabezado,
    GeoRefEmision,
    ManejoMadera,
    Receptor,
    Referencia,
    SubTotInfo,
    Totales,
)
from haulmer.dte.rules import (
    check_document,
    line_amounts_at,
    stamping_problems,
    totals_problems,
)
from haulmer.dte.sii_dict import SiiValue, render_section
from haulmer.dte.totals import (
    LineAmounts,
    compute_totals,
    document_line_amounts,
    totals_from_line_amounts,
    valor_a_pagar,
)
from haulmer.errors import DocumentError, ErrorDetail

__all__ = ["Document", "document_error"]

_ROOTS = ("Documento", "Exportaciones", "Liquidacion")
_PROBLEMS = ("problem", "problems")
_LARGEST_FOLIO: Final = 10**10 - 1
"""The largest folio the SII's FolioType (10 digits) holds."""
_WRONG_AMOUNTS = ("wrong amount", "wrong amounts")


def unreadable_number(exc: ValueError, what: str) -> DocumentError:
    """The DocumentError for the ValueError pydantic lets through: a text field given an int of
    thousands of digits, which Python refuses to write as text (4,300 digits at most)."""
    return DocumentError(
        f"{what} holds a number of thousands of digits where text goes ({exc}); no SII value "
        "is anywhere near that long",
        [ErrorDetail("", "a number too long to write as text")],
    )


def document_error(
    exc: pydantic.ValidationError, what: str, *, prefix: str = "", reading: bool = False
) -> DocumentError:
    """A pydantic validation failure as a DocumentError naming each bad field by its SII path.

    Python and SII spellings alike become the SII path (``Detalle[1].PrcItem``); an unknown key
    keeps its spelling and suggests the closest field names; ``reading`` (XML, an SII dict) says
    it is out of the SII's schema, or an SII element haulmer does not read.
    """
    details = validation_details(exc, prefix=prefix, root=Document, reading=reading)
    return DocumentError(f"{what} is not valid: {_shown(details)}", details)


_NOT_IN_AN_EXPORT = (
    (
        "saldo_anterior",
        "Encabezado.Totales.SaldoAnterior",
        "an export's Totales (Exportaciones) has no SaldoAnterior nor VlrPagar",
    ),
    (
        "tasas_adicionales",
        "Encabezado.Totales.ImptoReten",
        "an export is exempt, and its Totales (Exportaciones) has no ImptoReten: no tax or "
        "retention applies to it",
    ),
    (
        "credito_constructoras",
        "Encabezado.Totales.CredEC",
        "an export has no IVA to take a crédito from, and its Totales (Exportaciones) has no "
        "CredEC",
    ),
)
"""The options whose Totales element an export lacks: where each would go and why not."""


def _refuse_export_totals(
    tipo: DTEType,
    *,
    saldo_anterior: int | None,
    rates: Mapping[str, Decimal],
    credito: int | None,
) -> None:
    """Refuse the options an export has no place for, naming each, instead of dropping them."""
    given = {
        "saldo_anterior": saldo_anterior is not None,
        "tasas_adicionales": bool(rates),
        "credito_constructoras": credito is not None,
    }
    problems = [
        ErrorDetail(field, f"{why}: leave {option} out")
        for option, field, why in _NOT_IN_AN_EXPORT
        if given[option]
    ]
    if problems:
        raise DocumentError(
            f"the {tipo.label}: " + "; ".join(detail.issue for detail in problems), problems
        )


_HELD_ONCE: Final = frozenset({"GeoRefEmision", "ManejoMadera"})
"""The sections after the lines a document holds once: written as one, not as a list."""


class Document(SiiModel):
    """A DTE: Encabezado, 1..60 Detalle lines (1000 on boletas), DscRcgGlobal and Referencia."""

    encabezado: Encabezado = Field(alias="Encabezado")
    detalle: list[Detalle] = Field(default_factory=list, alias="Detalle")
    subtotales: list[SubTotInfo] = Field(default_factory=list, alias="SubTotInfo")
    """Informative subtotals (up to 20), printed as given."""
    descuentos_recargos: list[DscRcgGlobal] = Field(default_factory=list, alias="DscRcgGlobal")
    referencias: list[Referencia] = Field(default_factory=list, alias="Referencia")
    geo_ref_emision: GeoRefEmision | None = Field(default=None, alias="GeoRefEmision")
    """Facturas, guías, notas and boletas: where the document was issued."""
    manejo_madera: ManejoMadera | None = Field(default=None, alias="ManejoMadera")
    """Facturas, guías and notas: the timber transported (origin, destination, CONAF plan)."""
    comisiones: list[Comision] = Field(default_factory=list, alias="Comisiones")
    """Liquidación-factura (43) only: the commissions and charges deducted."""

    @model_validator(mode="after")
    def _export_amounts_in_decimal(self) -> Document:
        """An export's MontoItem, MntExe and MntTotal are in its currency: ``Decimal`` even
        when whole, however the document was made (XML and JSON write ``10`` for ``10.00``)."""
        return _decimal_export_amounts(self)

    # -- shortcuts --------------------------------------------------------------------------------

    @property
    def tipo_dte(self) -> DTEType:
        """The document type (IdDoc/TipoDTE)."""
        return self.encabezado.id_doc.tipo_dte

    @property
    def folio(self) -> int:
        """IdDoc/Folio; 0 until a folio is assigned."""
        return self.encabezado.id_doc.folio

    @property
    def fecha_emision(self) -> date:
        """IdDoc/FchEmis."""
        return self.encabezado.id_doc.fecha_emision

    @property
    def emisor(self) -> Emisor:
        """Encabezado/Emisor."""
        return self.encabezado.emisor

    @property
    def receptor(self) -> Receptor:
        """Encabezado/Receptor."""
        return self.encabezado.receptor

    @property
    def totales(self) -> Totales:
        """Encabezado/Totales, never None: as declared (every built or parsed document has
        them), else computed from the lines (``totals``)."""
        declared = self.encabezado.totales
        return declared if declared is not None else self.totals

    @property
    def mnt_total(self) -> int:
        """Totales/MntTotal in pesos, as an ``int``; an export in another currency is a
        DocumentError (its amounts are ``Decimal`` in that currency: ``totales.mnt_total``)."""
        totales = self.totales
        value = totales.mnt_total
        if isinstance(value, int):
            return value
        moneda = totales.tpo_moneda
        if (moneda is None or moneda is Moneda.PESO_CHILENO) and value == value.to_integral_value():
            return int(value)
        raise DocumentError(
            f"the {self.tipo_dte.label} states its MntTotal in {moneda or 'another currency'} "
            f"({value}), not in pesos: read totales.mnt_total (a Decimal in that currency), or "
            "encabezado.otra_moneda for the amount in pesos",
            [ErrorDetail("Encabezado.Totales.MntTotal", f"{value} {moneda or ''}".strip())],
        )

    @property
    def montos_brutos(self) -> bool:
        """Whether line amounts include IVA: boletas unless IndMntNeto 2, others if MntBruto 1."""
        id_doc = self.encabezado.id_doc
        if self.tipo_dte.is_boleta:
            return id_doc.ind_mnt_neto != 2
        return id_doc.mnt_bruto == 1

    # -- totals -----------------------------------------------------------------------------------

    def _declared_rates(self) -> dict[str, Decimal]:
        given = self.encabezado.totales
        if given is None:
            return {}
        return {t.tipo: t.tasa for t in given.impto_reten if t.tasa is not None}

    def _declared_cred_ec(self) -> int | None:
        """Totales/CredEC as declared: the constructora's crédito is given, not computed."""
        given = self.encabezado.totales
        return given.cred_ec if given is not None else None

    def _moneda(self) -> Moneda | None:
        """An export's currency (Totales/TpoMoneda), which sets its amounts' decimals."""
        given = self.encabezado.totales
        return given.tpo_moneda if given is not None else None

    @property
    @own_arithmetic
    def totals(self) -> Totales:
        """The Totales computed from the lines and global discounts (the SII's arithmetic).

        Additional-tax codes without a fixed rate take the TasaImp declared in Totales/ImptoReten;
        a declared CredEC (empresas constructoras) is deducted from MntTotal.
        """
        return compute_totals(
            self.tipo_dte,
            self.detalle,
            self.descuentos_recargos,
            montos_brutos=self.montos_brutos,
            tasas_adicionales=self._declared_rates(),
            moneda=self._moneda(),
            comisiones=self.comisiones,
            cred_ec=self._declared_cred_ec(),
        )

    @own_arithmetic
    def amounts_by_line(self) -> list[LineAmounts]:
        """Each line's computed amounts (``haulmer.dte.totals.line_amounts``), in order."""
        if self.tipo_dte.is_export:  # MontoItem in the sale's currency, at its decimals
            return document_line_amounts(self)
        return [
            line_amounts_at(line, f"Detalle[{index + 1}]")
            for index, line in enumerate(self.detalle)
        ]

    @own_arithmetic
    def totals_from(
        self,
        amounts: Sequence[LineAmounts],
        tasas_adicionales: Mapping[str, Decimal] | None = None,
        cred_ec: int | None = None,
    ) -> Totales:
        """``totals`` from the lines' amounts already computed by :meth:`amounts_by_line`;
        ``tasas_adicionales`` add to (and override) the rates Totales/ImptoReten declares, and
        ``cred_ec`` replaces the CredEC it declares."""
        return totals_from_line_amounts(
            self.tipo_dte,
            self.detalle,
            [amount.monto_item for amount in amounts],
            self.descuentos_recargos,
            montos_brutos=self.montos_brutos,
            tasas_adicionales={**self._declared_rates(), **(tasas_adicionales or {})},
            moneda=self._moneda(),
            comisiones=self.comisiones,
            cred_ec=cred_ec if cred_ec is not None else self._declared_cred_ec(),
        )

    @own_arithmetic
    def completed(
        self,
        *,
        tasas_adicionales: Mapping[str, Decimal] | None = None,
        credito_constructoras: int | None = None,
        saldo_anterior: int | None = None,
    ) -> Document:
        """A copy with line numbers, line amounts and Totales filled where they were left out.

        Values already present are kept (``check_totals`` says whether they are right).
        ``tasas_adicionales``: the rates, in percent, of CodImpAdic codes without a fixed one
        (they become Totales/ImptoReten/TasaImp). ``credito_constructoras``: an empresa
        constructora's crédito especial in pesos (Totales/CredEC, deducted from MntTotal).
        ``saldo_anterior``: the balance carried over in pesos, positive or negative
        (Totales/SaldoAnterior). With a SaldoAnterior, VlrPagar (the total to pay) is
        filled when left out: MontoPeriodo (MntTotal + MontoNF) + SaldoAnterior. An export
        (110, 111, 112), exempt and without those elements, refuses all three. One of the
        wrong kind is an ArgumentTypeError (a DocumentError and a TypeError) naming it.
        """
        credito_constructoras = credito_pesos(credito_constructoras)
        whole_pesos(saldo_anterior, "saldo_anterior")
        if tasas_adicionales is not None and not isinstance(tasas_adicionales, Mapping):
            issue = f"tasas_adicionales is {RATES_TAKE}, got {kind_of(tasas_adicionales)}"
            raise ArgumentTypeError(issue, [ErrorDetail("tasas_adicionales", issue)])
        if self.tipo_dte.is_export:
            _refuse_export_totals(
                self.tipo_dte,
                saldo_anterior=saldo_anterior,
                rates=tasas_adicionales or {},
                credito=credito_constructoras or None,
            )
        amounts = self.amounts_by_line()
        lines = [
            line.model_copy(update=_line_update(line, index, amount))
            for index, (line, amount) in enumerate(zip(self.detalle, amounts, strict=True))
        ]
        globales = [
            g.model_copy(update={"nro_lin_dr": g.nro_lin_dr or i + 1})
            for i, g in enumerate(self.descuentos_recargos)
        ]
        refs = [
            r.model_copy(update={"nro_lin_ref": r.nro_lin_ref or i + 1})
            for i, r in enumerate(self.referencias)
        ]
        comisiones = [
            c.model_copy(update={"nro_lin_com": c.nro_lin_com or i + 1})
            for i, c in enumerate(self.comisiones)
        ]
        encabezado = self.encabezado
        given = encabezado.totales
        totales = given
        if totales is None:
            totales = self.totals_from(amounts, tasas_adicionales, credito_constructoras)
        if saldo_anterior is not None:
            totales = totales.model_copy(update={"saldo_anterior": saldo_anterior})
        if totales.saldo_anterior is not None and totales.vlr_pagar is None:
            # given totals: VlrPagar follows the period the rules expect, computed from the lines
            period = (
                totales
                if given is None
                else self._computed_or(totales, amounts, tasas_adicionales, credito_constructoras)
            )
            saldo = {"saldo_anterior": totales.saldo_anterior}
            totales = totales.model_copy(
                update={"vlr_pagar": valor_a_pagar(period.model_copy(update=saldo))}
            )
        if totales is not encabezado.totales:
            encabezado = encabezado.model_copy(update={"totales": totales})
        return self.model_copy(
            update={
                "encabezado": encabezado,
                "detalle": lines,
                "descuentos_recargos": globales,
                "referencias": refs,
                "comisiones": comisiones,
            }
        )

    def _computed_or(
        self,
        given: Totales,
        amounts: Sequence[LineAmounts],
        tasas_adicionales: Mapping[str, Decimal] | None,
        cred_ec: int | None,
    ) -> Totales:
        """The totals computed from ``amounts``, or ``given`` when the calculator refuses the
        lines (``check()`` says why): VlrPagar follows the period the rules expect, not a
        wrong MontoPeriodo given beside it."""
        try:
            return self.totals_from(amounts, tasas_adicionales, cred_ec)
        except DocumentError:
            return given

    @own_arithmetic
    def check_totals(self) -> None:
        """Raise DocumentError naming each given amount that differs from the computed one."""
        problems = totals_problems(self)
        if problems:
            raise DocumentError(_summary(self, _WRONG_AMOUNTS, problems), problems)

    @own_arithmetic
    def check(self) -> None:
        """Raise DocumentError listing every broken rule of this type and every wrong amount.

        Folio 0 is accepted (OpenFactura assigns folios); ``check_for_stamping`` adds folio > 0.
        """
        problems = check_document(self).problems
        if problems:
            raise DocumentError(_summary(self, _PROBLEMS, problems), problems)

    @own_arithmetic
    def check_for_stamping(self) -> None:
        """``check()`` plus what local stamping needs: a folio from the CAF (> 0)."""
        problems = stamping_problems(self) + check_document(self).problems
        if problems:
            raise DocumentError(_summary(self, _PROBLEMS, problems), problems)

    @own_arithmetic
    def checked(self, *, for_stamping: bool = False) -> CheckedDocument:
        """Check the document once (``check()``, or ``check_for_stamping()`` with
        ``for_stamping``) and keep the line amounts and totals the check computed.

        Raises the same ``DocumentError`` as those methods. The result renders
        (``sii_dict()``), stamps (``haulmer.sii.issue``) and emits without a second check.
        """
        for_stamping = flag(for_stamping, "for_stamping")
        outcome = check_document(self)
        problems = outcome.problems
        if for_stamping:
            problems = stamping_problems(self) + problems
        if problems:
            raise DocumentError(_summary(self, _PROBLEMS, problems), problems)
        amounts, totals = outcome.line_amounts, outcome.totals
        if amounts is None or totals is None:  # pragma: no cover - the rules say why first
            amounts = self.amounts_by_line()
            totals = self.totals_from(amounts)
        return CheckedDocument(self, amounts, totals, for_stamping)

    @own_arithmetic
    def checked_sii_dict(self, *, for_stamping: bool = False) -> dict[str, SiiValue]:
        """``check()`` (``check_for_stamping()`` with ``for_stamping``) then ``to_sii_dict()``.

        The same errors and the same dict as calling both, with the line amounts and totals
        computed once instead of twice (``checked(...).sii_dict()``).
        """
        return self.checked(for_stamping=for_stamping).sii_dict()

    # -- conversion -------------------------------------------------------------------------------

    def with_folio(self, folio: int) -> Document:
        """A copy with IdDoc/Folio set (the sii layer calls this with the CAF's next folio).

        A copy is not validated, so the folio is checked here: a whole number from 1 to
        9999999999 (the SII's 10 digits), or 0 for OpenFactura to assign."""
        if isinstance(folio, bool) or not isinstance(folio, int):
            issue = f"a folio is a whole number (an int), got {kind_of(folio)}"
            raise ArgumentTypeError(issue, [ErrorDetail("Encabezado.IdDoc.Folio", issue)])
        if not 0 <= folio <= _LARGEST_FOLIO:
            issue = (
                f"{folio} is no folio: the SII's folios go from 1 to {_LARGEST_FOLIO} (0 lets "
                "OpenFactura assign it); give the folio your CAF authorizes"
            )
            raise DocumentError(issue, [ErrorDetail("Encabezado.IdDoc.Folio", issue)])
        id_doc = self.encabezado.id_doc.model_copy(update={"folio": folio})
        encabezado = self.encabezado.model_copy(update={"id_doc": id_doc})
        return self.model_copy(update={"encabezado": encabezado})

    @own_arithmetic
    def to_sii_dict(self) -> dict[str, SiiValue]:
        """The document as the SII's nested dict, in element order (see ``haulmer.dte.sii_dict``).

        Line numbers, line amounts and Totales are filled in when left out (as ``completed()``
        would, without copying the models). Boletas use the EnvioBOLETA names and subset. What
        ``Documento`` holds besides TED and TmstFirma.
        """
        return self.rendered_sii_dict(self.amounts_by_line(), None)

    @own_arithmetic
    def rendered_sii_dict(
        self, amounts: Sequence[LineAmounts], totals: Totales | None
    ) -> dict[str, SiiValue]:
        """``to_sii_dict`` from the lines' amounts and, when known, the computed totals (those of
        a :class:`CheckedDocument`)."""
        encabezado, *repeated = self.rendered_sections(amounts, totals)
        out: dict[str, SiiValue] = {
            "Encabezado": render_section(
                encabezado[1], boleta=encabezado[2], overrides=encabezado[3]
            ),
            "Detalle": [],
        }
        for name, model, boleta, overrides in repeated:
            rendered = render_section(model, boleta=boleta, overrides=overrides)
            if name in _HELD_ONCE:
                out[name] = rendered
            else:
                out.setdefault(name, []).append(rendered)
        return out

    @own_arithmetic
    def rendered_sections(
        self, amounts: Sequence[LineAmounts], totals: Totales | None
    ) -> list[tuple[str, SiiModel, bool, Mapping[str, Any] | None]]:
        """What ``rendered_sii_dict`` renders, in order: each section's element name, model,
        boleta or not and the computed values that render in place of the model's own (Encabezado
        first, then every line, subtotal, global discount and reference, GeoRefEmision,
        ManejoMadera, and every commission)."""
        boleta = self.tipo_dte.is_boleta
        encabezado = self.encabezado
        filled = None
        if encabezado.totales is None:
            filled = {"totales": totals if totals is not None else self.totals_from(amounts)}
        sections: list[tuple[str, SiiModel, bool, Mapping[str, Any] | None]] = [
            ("Encabezado", encabezado, boleta, filled)
        ]
        sections += [
            ("Detalle", line, boleta, _line_update(line, index, amount))
            for index, (line, amount) in enumerate(zip(self.detalle, amounts, strict=True))
        ]
        sections += [("SubTotInfo", s, boleta, None) for s in self.subtotales]
        sections += [
            ("DscRcgGlobal", g, boleta, {"nro_lin_dr": g.nro_lin_dr or i + 1})
            for i, g in enumerate(self.descuentos_recargos or ())
        ]
        sections += [
            ("Referencia", r, boleta, {"nro_lin_ref": r.nro_lin_ref or i + 1})
            for i, r in enumerate(self.referencias or ())
        ]
        if self.geo_ref_emision is not None:
            sections.append(("GeoRefEmision", self.geo_ref_emision, boleta, None))
        if self.manejo_madera is not None:
            sections.append(("ManejoMadera", self.manejo_madera, boleta, None))
        sections += [
            ("Comisiones", c, False, {"nro_lin_com": c.nro_lin_com or i + 1})
            for i, c in enumerate(self.comisiones or ())
        ]
        return sections

    @classmethod
    @own_arithmetic
    def from_sii_dict(cls, data: Mapping[str, Any], *, refuse_unknown: bool = False) -> Document:
        """Read an SII-shaped dict leniently: parsed XML, an OpenFactura ``dte`` or ``json``.

        Numbers may be strings, single items may stand for lists (Acteco, Detalle...), unknown
        keys (TED, TmstFirma, OpenFactura's ``custom``...) are ignored and RUT check digits are
        not verified. A ``DTE``/``Documento`` wrapper is unwrapped. Raises DocumentError.
        ``refuse_unknown=True`` (a dict written to be sent, as ``emit()`` reads one): a key that
        is no SII element of its section (``RznSocc``) raises DocumentError naming it and the
        closest element, rather than be dropped; TED, TmstFirma and Signature are still left out.
        """
        return _validated(cls, data, NAMED_CONTEXT if refuse_unknown else lenient_context())

    @classmethod
    @own_arithmetic
    def from_sii_xml_dict(cls, data: Mapping[str, Any]) -> Document:
        """``from_sii_dict`` of a dict read from SII XML (``haulmer.sii.parse``): its numbers
        must also be written as the SII's schema writes them (``8592.0`` is no integer), and an
        element the models do not carry (but TED, TmstFirma and Signature, left out) raises
        DocumentError naming its path, rather than be dropped."""
        return _validated(cls, data, XML_CONTEXT)


def _validated(cls: type[Document], data: Mapping[str, Any], context: dict[str, bool]) -> Document:
    """``data`` (unwrapped of a DTE or Documento wrapper) validated in ``context``; raises
    DocumentError."""
    body: Any = data
    if isinstance(body, Mapping) and "DTE" in body and "Encabezado" not in body:
        body = body["DTE"]
    if isinstance(body, Mapping) and "Encabezado" not in body:
        for root in _ROOTS:
            if root in body:
                body = body[root]
                break
    if not isinstance(body, Mapping):
        raise DocumentError(
            "a DTE dict must be a mapping with Encabezado and Detalle",
            [ErrorDetail("", f"got {type(body).__name__}")],
        )
    try:
        return cls.model_validate(dict(body), context=context)
    except pydantic.ValidationError as exc:
        raise document_error(exc, "the DTE", reading=context is XML_CONTEXT) from None
    except ValueError as exc:
        raise unreadable_number(exc, "the DTE") from None


def _decimal_export_amounts(document: Document) -> Document:
    """``document`` with an export's whole MontoItem, MntExe and MntTotal as ``Decimal`` (the
    document itself, changed in place only where its own fields hold an int; sections are copied,
    never changed: they may be the caller's)."""
    if not document.encabezado.id_doc.tipo_dte.is_export:
        return document
    if any(isinstance(line.monto_item, int) for line in document.detalle):
        document.detalle = [
            line.model_copy(update={"monto_item": Decimal(line.monto_item)})
            if isinstance(line.monto_item, int)
            else line
            for line in document.detalle
        ]
    totales = document.encabezado.totales
    if totales is not None and (
        isinstance(totales.mnt_exe, int) or isinstance(totales.mnt_total, int)
    ):
        update = {
            name: Decimal(value)
            for name in ("mnt_exe", "mnt_total")
            if isinstance(value := getattr(totales, name), int)
        }
        document.encabezado = document.encabezado.model_copy(
            update={"totales": totales.model_copy(update=update)}
        )
    return document


def _line_update(line: Detalle, index: int, amounts: LineAmounts) -> dict[str, Any]:
    """What ``completed()`` fills in a line: its number and computed amounts (given MontoItem
    kept)."""
    return {
        "nro_lin_det": line.nro_lin_det or index + 1,
        "descuento_monto": amounts.descuento_monto,
        "recargo_monto": amounts.recargo_monto,
        "monto_item": line.monto_item if line.monto_item is not None else amounts.monto_item,
    }


def _shown(problems: Sequence[ErrorDetail]) -> str:
    shown = "; ".join(str(p) for p in problems[:5])
    return shown + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")


def _summary(document: Document, kind: tuple[str, str], problems: Sequence[ErrorDetail]) -> str:
    """``the Factura electrónica (33) has 2 problems: ...``; ``kind`` is (singular, plural)."""
    label = f"{document.tipo_dte.label} ({int(document.tipo_dte)})"
    count = len(problems)
    return f"the {label} has {count} {kind[0] if count == 1 else kind[1]}: {_shown(problems)}"
