"""The strongest round trip: per DTE type, a document with every optional element the SII's
schema allows, generated from the schema facts, issued, validated, parsed back and verified.

Two documents per type: the first takes each enumeration's first member, the shortest
plausible texts and two decimals; the second takes the last members, texts as long as the
schema allows (with characters XML escapes) and decimals as fine as it allows. Elements the
models do not carry yet (``REFUSED``) are left out, so the test grows as they are modelled.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from haulmer.dte import Document
from haulmer.dte.schema.elements import Element
from haulmer.dte.schema.facts import BOLETA, DOCUMENTO, EXPORTACIONES, LIQUIDACION
from haulmer.pfx import Certificate
from haulmer.sii import Caf, issue, parse, validate_schema, verify
from haulmer.sii.parsing import MAX_XML_BYTES, _read_at_first_sight, _read_the_general_way

from .conftest import EMISOR_RUT, EXPORT_RATE, EXPORT_TYPES, SIGNED_AT
from .test_parse_unmodelled import REFUSED

ROOTS: dict[int, Element] = {
    **dict.fromkeys((33, 34, 46, 52, 56, 61), DOCUMENTO),
    **dict.fromkeys((39, 41), BOLETA),
    **dict.fromkeys(EXPORT_TYPES, EXPORTACIONES),
    43: LIQUIDACION,
}
VARIANTS = (0, 1)
"""0: first enumeration members, short texts; 1: last members, texts at their longest."""

_STAMPED = frozenset({"TED", "TmstFirma"})
"""What issue() writes itself (the timbre and the signing time)."""

_CODED_TEXTS: dict[str, tuple[str, str]] = {
    "CorreoEmisor": ("a@b.cl", "facturacion.electronica." + "x" * 45 + "@ejemplo.cl"),
    "CorreoRecep": ("a@b.cl", "pagos." + "y" * 63 + "@ejemplo.cl"),
    "Nacionalidad": ("225", "225"),
    "TpoDocRef": ("SET", "SET"),
    "TpoDocLiq": ("33", "33"),
}
"""Texts the rules read as an e-mail address or a code of the SII's tables: short and long."""

_COUNTRIES: frozenset[str] = frozenset({"CodPaisRecep", "CodPaisDestin"})
"""Integers the rules read as Aduana's country codes (three digits, from 101)."""


def _value(element: Element, variant: int) -> Any:
    """A value of ``element`` valid by its facets."""
    if element.enumeration:
        member = element.enumeration[-1 if variant else 0]
        # an integer code written with a leading zero ('01') is given as the SII writes it
        return int(member) if element.kind == "integer" and member == str(int(member)) else member
    if element.kind == "text":
        if element.name in _CODED_TEXTS:
            return _CODED_TEXTS[element.name][variant]
        if element.minimum == "00:00:00":  # the SII's HoraType
            return "08:30:00"
        if element.pattern:  # the RUTs
            return "76354771-K"
        limit = element.max_length or 80
        length = max(limit if variant else min(limit, 12), element.min_length or 1)
        filler = "<Ñandú> & 'x' \"é\" " if variant else "Ñandú & 'x' "
        text = (filler * (length // len(filler) + 1))[:length].strip()
        return text if len(text) >= (element.min_length or 1) else "X" * length
    if element.kind == "integer" and element.name in _COUNTRIES:
        return 225  # the United States in Aduana's table
    if element.kind == "integer":
        number = max(int(element.minimum) if element.minimum is not None else 1, 1)
        return min(number, int(element.maximum)) if element.maximum is not None else number
    if element.kind == "decimal":
        fine = Decimal(1).scaleb(-min(element.fraction_digits or 0, 6 if variant else 2))
        number = Decimal(1) + (Decimal("0.123456") if variant else Decimal("0.01")).quantize(fine)
        return min(number, Decimal(element.maximum)) if element.maximum is not None else number
    if element.kind == "date":
        return "2026-11-27"
    if element.kind == "datetime":
        return "2026-11-27T10:00:00"
    raise AssertionError(f"no value for {element.name} of kind {element.kind}")


def _filled(element: Element, path: str, variant: int) -> Any:
    """``element`` with every child present once (a repeated one as a list of one)."""
    if element.kind != "section":
        return _value(element, variant)
    section: dict[str, Any] = {}
    for child in element.children:
        child_path = f"{path}.{child.name}" if path else child.name
        if child_path in REFUSED or child.name in _STAMPED:
            continue
        value = _filled(child, child_path, variant)
        repeated = child.max_occurs is None or child.max_occurs > 1
        section[child.name] = [value] if repeated else value
    return section


def _left_out(tipo: int, variant: int) -> list[tuple[tuple[str, ...], str]]:
    """Optional elements the SII's rules make incompatible with others kept, as (where, name)."""
    out: list[tuple[tuple[str, ...], str]] = []
    if variant == 0:
        # MntBruto (line prices with IVA) and additional taxes, computed on net prices.
        out.append((("Encabezado", "IdDoc"), "MntBruto"))
        # An exempt line takes no additional tax; with no exempt line, no discount applies to
        # the exempt amount (IndExeDR 1).
        out.append((("Detalle",), "IndExe"))
        if tipo not in (34, 41):
            out.append((("DscRcgGlobal",), "IndExeDR"))
    else:
        out.append((("Detalle",), "CodImpAdic"))  # the second document keeps MntBruto
    if tipo in (34, 41):  # an exempt document's lines carry no additional taxes
        out.append((("Detalle",), "CodImpAdic"))
    if tipo != 43:  # Comisiones y otros cargos: the liquidación-factura's only
        out.append(((), "Comisiones"))
    if tipo not in (46, 56, 61):  # RUTOtr: the factura de compra and the notes only
        out.append((("Referencia",), "RUTOtr"))
    return out


def _export_parts(tipo: int, data: dict[str, Any]) -> None:
    """An export's foreign receptor, exempt lines, a reference to an export document, and its
    totals in dollars and pesos as the SDK computes them."""
    header = data["Encabezado"]
    header["Receptor"]["RUTRecep"] = "55555555-5"  # the SII's RUT for a foreign receptor
    for line in data["Detalle"]:
        line["IndExe"] = 1  # the XSD lists 1 to 6, but every line of an export is exempt
    for global_ in data.get("DscRcgGlobal", []):
        global_["IndExeDR"] = 1  # and so are its global discounts and surcharges
    if tipo != 110:
        for reference in data["Referencia"]:
            reference["TpoDocRef"] = "110"  # an export note modifies an export document
            if tipo == 111 and reference.get("CodRef") == 1:
                reference["TpoDocRef"] = "112"  # a nota de débito annuls only a nota de crédito
    header["Totales"] = {"TpoMoneda": "DOLAR USA", "MntExe": 0, "MntTotal": 0}
    totales = Document.from_sii_dict(data).totals
    header["Totales"].update(MntExe=totales.mnt_exe, MntTotal=totales.mnt_total)
    pesos = (Decimal(totales.mnt_total) * EXPORT_RATE).quantize(Decimal(1), ROUND_HALF_UP)
    header["OtraMoneda"] = {
        "TpoMoneda": "PESO CL",
        "TpoCambio": EXPORT_RATE,
        "MntExeOtrMnda": pesos,
        "MntTotOtrMnda": pesos,
    }


_DOCUMENTO_AFECTO = (33, 46, 52, 56, 61)
"""Documento types with IVA: CredEC, retention codes, IVAProp and IVATerc apply to them."""


def _lines_of_every_kind(tipo: int) -> list[dict[str, Any]]:
    """Lines beside the generated one, so Totales holds MntExe, MontoNF, GrntDep and IVANoRet:
    exempt, non-billable, a deposit for containers (not on boletas: EnvioBOLETA
    has no GrntDep), and one with IVA retained in full (code 15, not on exempt documents)."""
    lines: list[dict[str, Any]] = [{"NmbItem": "Flete", "PrcItem": 2_000, "IndExe": 2}]
    if tipo not in (34, 41):  # whose lines are all exempt already
        lines.append({"NmbItem": "Libro", "PrcItem": 4_000, "IndExe": 1})
    if tipo not in (39, 41):
        lines.append({"NmbItem": "Envases", "PrcItem": 300, "IndExe": 3})
    if tipo in _DOCUMENTO_AFECTO:
        lines.append({"NmbItem": "Chatarra", "PrcItem": 5_000, "CodImpAdic": ["15"]})
    return lines


def _amounts_agree_with_percentages(line: dict[str, Any]) -> None:
    """A line's DescuentoMonto and RecargoMonto as its DescuentoPct and RecargoPct make them
    (qty x price x percentage, half up, in whole units), which the rules require when both
    are given; on a line too small for its percentage to make one unit (an export's price of
    about one dollar), the percentage is 100."""
    exact = Decimal(str(line.get("QtyItem", 1))) * Decimal(str(line.get("PrcItem", 0)))
    for kind in ("Descuento", "Recargo"):
        if f"{kind}Pct" in line and f"{kind}Monto" in line:
            amount = exact * Decimal(str(line[f"{kind}Pct"])) / 100
            if amount < Decimal("0.5"):
                line[f"{kind}Pct"], amount = 100, exact
            line[f"{kind}Monto"] = int(amount.quantize(Decimal(1), ROUND_HALF_UP))


def every_optional_element(tipo: int, variant: int) -> dict[str, Any]:
    """An SII dict of type ``tipo`` with every optional element the schema allows present once
    (but those ``_left_out`` says why), amounts left for ``completed()`` to compute."""
    data: dict[str, Any] = _filled(ROOTS[tipo], "", variant)
    header = data["Encabezado"]
    header["IdDoc"].update(TipoDTE=tipo, Folio=1, FchEmis="2026-11-27")
    header["Emisor"]["RUTEmisor"] = EMISOR_RUT  # the CAF's
    del header["Totales"]  # completed() computes it
    for line in data["Detalle"]:
        del line["MontoItem"]
    for where, name in _left_out(tipo, variant):
        place: Any = data
        for step in where:
            place = place.get(step, {})
            place = place[0] if isinstance(place, list) else place
        place.pop(name, None)
    for reference in data.get("Referencia", []):
        if tipo in EXPORT_TYPES:
            reference["FolioRef"] = "120"  # an electronic document's folio is a number
    if tipo not in EXPORT_TYPES:  # amounts large enough for every tax to be more than 0
        for line in data["Detalle"]:
            line["PrcItem"] = 10_000
    for line in data["Detalle"]:
        _amounts_agree_with_percentages(line)
    if tipo in EXPORT_TYPES:
        _export_parts(tipo, data)
    if variant == 0 and tipo not in EXPORT_TYPES and tipo != 43:
        data["Detalle"].extend(_lines_of_every_kind(tipo))
    if tipo == 43:
        if data["Detalle"][0].get("IndExe") == 6:  # Liquidacion has no MontoNF to total it
            data["Detalle"][0]["IndExe"] = 1
        data["Comisiones"][0].update(ValComNeto=100, ValComIVA=19)  # IVA: 19% of the net
    return data


def _differences(given: Any, read: Any, path: str = "") -> list[str]:
    """Where ``read`` does not hold ``given`` (every key and item of it, leaves as text)."""
    if isinstance(given, dict):
        if not isinstance(read, dict):
            return [f"{path}: {read!r} is no section"]
        return [
            difference
            for key, held in given.items()
            for difference in (
                _differences(held, read[key], f"{path}.{key}")
                if key in read
                else [f"{path}.{key}: missing"]
            )
        ]
    if isinstance(given, list):
        if not isinstance(read, list) or len(read) != len(given):
            return [f"{path}: {read!r} is not {len(given)} items"]
        return [
            d
            for i, pair in enumerate(zip(given, read, strict=True))
            for d in _differences(*pair, f"{path}[{i}]")
        ]
    return [] if str(given) == str(read) else [f"{path}: {given!r} read back as {read!r}"]


def _rates(tipo: int, variant: int) -> dict[str, Decimal] | None:
    """The rate of the first CodImpAdic the schema lists (14, which has no fixed one)."""
    if variant or tipo in (34, 41) or tipo in EXPORT_TYPES:
        return None
    return {"14": Decimal(5)}


def _completed(tipo: int, variant: int) -> Document:
    """The generated document with its amounts computed, a constructora's crédito and a
    balance carried over where they apply, and the IVA split between the issuer's own and
    third parties' (IVAProp, IVATerc), which no line says."""
    data = every_optional_element(tipo, variant)
    saldo = None if tipo in EXPORT_TYPES else (-500 if variant else 1000)
    credito = 100 if variant == 0 and tipo in _DOCUMENTO_AFECTO else None
    document = Document.from_sii_dict(data).completed(
        tasas_adicionales=_rates(tipo, variant),
        saldo_anterior=saldo,
        credito_constructoras=credito,
    )
    if variant or tipo not in (*_DOCUMENTO_AFECTO, 43):
        return document
    completed = document.to_sii_dict()
    totales: Any = completed["Encabezado"]["Totales"]  # type: ignore[index]
    totales.update(IVAProp=totales["IVA"] - 10, IVATerc=10)
    if tipo != 43:  # Liquidacion has no MntBase or MntMargenCom
        totales.update(MntBase=100, MntMargenCom=100)
    return Document.from_sii_dict(completed)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("tipo", sorted(ROOTS))
def test_a_document_with_every_optional_element_survives_issue_validation_and_parse(
    tipo: int, variant: int, certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    data = every_optional_element(tipo, variant)
    document = _completed(tipo, variant)
    document.check_for_stamping()
    xml = issue(document, caf=cafs[tipo], certificate=certificate, timestamp=SIGNED_AT)
    validate_schema(xml)
    read = parse(xml)
    assert read == document
    assert _read_the_general_way(xml, MAX_XML_BYTES)[0] == read  # both readings agree
    assert _read_at_first_sight(xml, MAX_XML_BYTES) in (None, [read])
    assert _differences(data, read.to_sii_dict()) == []
    verification = verify(xml)
    assert verification.ok, str(verification)


TOTALES_IT_CANNOT_HOLD: dict[int, frozenset[str]] = {
    34: frozenset(
        {"MntNeto", "MntBase", "MntMargenCom", "TasaIVA", "IVA", "IVAProp", "IVATerc"}
        | {"ImptoReten", "IVANoRet", "CredEC"}
    ),
    41: frozenset({"MntNeto", "IVA"}),
    43: frozenset({"MontoPeriodo"}),
}
"""Totales a document of the type cannot hold: an exempt one has no IVA, nor the amounts that
come from it or stand beside it (MntBase, MntMargenCom, retentions, CredEC), nor additional taxes;
a liquidación-factura's MontoPeriodo adds MontoNF, which Liquidacion lacks."""


def test_the_generated_documents_hold_every_element_the_models_carry() -> None:
    """The generator leaves out only what REFUSED lists and the SII's rules exclude: every other
    leaf of the schema is in one of the two documents of its type."""
    for tipo, root in ROOTS.items():
        names = {
            leaf
            for variant in VARIANTS
            for leaf in _leaves(_completed(tipo, variant).to_sii_dict())
        }
        wanted = set(_leaves(_filled(root, "", 0)))
        excluded = {name for _, name in _left_out(tipo, 0) + _left_out(tipo, 1)}
        missing = {leaf for leaf in wanted - names if not excluded.intersection(leaf.split("."))}
        cannot = {
            leaf
            for leaf in missing
            if leaf.split(".")[3:4] and leaf.split(".")[3] in TOTALES_IT_CANNOT_HOLD.get(tipo, ())
        }
        assert missing == cannot, (tipo, sorted(missing - cannot))


def _leaves(value: Any, path: str = "") -> list[str]:
    if isinstance(value, dict):
        return [leaf for key, held in value.items() for leaf in _leaves(held, f"{path}.{key}")]
    if isinstance(value, list):
        return [leaf for held in value for leaf in _leaves(held, path)]
    return [path]
