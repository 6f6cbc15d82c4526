"""What an envelope's Caratula says against what its SetDTE holds: one issuer, and the count of
each document type. The signature covers the Caratula, so only its producer can get these
wrong; the SII refuses such an envelope, and a receiver must not take one either. Also whether
the envelope is of the kind its documents travel in (EnvioBOLETA for boletas, EnvioDTE for the
rest), which its signature does not cover.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Final

from cryptography import x509
from lxml import etree

from haulmer._shown import shown
from haulmer.sii._xml import descend, local_name, ns_prefix, stripped_text
from haulmer.sii.caf import names_rut, rut_named
from haulmer.sii.check_digits import check_digit_problems
from haulmer.sii.sii_dict import BOLETA_TYPES, DOCUMENT_TAGS

__all__ = [
    "caratula_problems",
    "caratula_rut_problems",
    "count_problems",
    "envelope_kind_problem",
    "sender_problem",
]

_MAX_DIGITS: Final = 18
"""NroDTE is a count of at most 2,000 documents: more digits than this is no count (and Python
refuses to read an integer of thousands of digits)."""
_INTEGER: Final = re.compile(rf"\+?[0-9]{{1,{_MAX_DIGITS}}}")
"""TpoDTE, NroDTE and TipoDTE as the schema writes an integer: ``033`` and ``+1`` are 33 and 1."""


def caratula_problems(set_dte: etree._Element, documents: list[etree._Element]) -> list[str]:
    """Where the SetDTE's Caratula disagrees with its ``documents`` (its DTE elements): a DTE
    whose RUTEmisor is not the Caratula's RutEmisor, or a SubTotDTE count that is not the number
    of DTEs of that type. Nothing when there is no Caratula (the schema says that)."""
    return _caratula_problems(set_dte, documents, issuers=True)


def count_problems(set_dte: etree._Element, documents: list[etree._Element]) -> list[str]:
    """Where the SetDTE's Caratula counts (SubTotDTE) other DTEs than its ``documents``: an
    envelope that says it holds something else than it does, which no DTE's answer mends."""
    return _caratula_problems(set_dte, documents, issuers=False)


def _caratula_problems(
    set_dte: etree._Element, documents: list[etree._Element], *, issuers: bool
) -> list[str]:
    ns = ns_prefix(set_dte)
    caratula = next(set_dte.iterchildren(ns + "Caratula"), None)
    if caratula is None:
        return []
    problems: list[str] = []
    issuer = stripped_text(descend(caratula, ns + "RutEmisor"))
    issuer_rut = rut_named(issuer)
    declared: Counter[int | str] = Counter()
    for subtotal in caratula.iterchildren(ns + "SubTotDTE"):
        kind = stripped_text(descend(subtotal, ns + "TpoDTE")) or ""
        count = stripped_text(descend(subtotal, ns + "NroDTE")) or ""
        if not _INTEGER.fullmatch(count):
            problems.append(
                f"SubTotDTE for type {shown(kind, 24)} counts {shown(count, 24)}, which is no count"
            )
            continue
        declared[_type(kind)] += int(count)
    held: Counter[int | str] = Counter()
    for dte in documents:
        documento = _documento_of(dte)
        if documento is None:
            continue  # the DTE's own check says so
        inner = ns_prefix(documento)
        encabezado = descend(documento, inner + "Encabezado")
        held[_type(stripped_text(descend(encabezado, inner + "IdDoc", inner + "TipoDTE")))] += 1
        if not issuers:
            continue
        emisor = stripped_text(descend(encabezado, inner + "Emisor", inner + "RUTEmisor"))
        if issuer_rut is None or not names_rut(emisor, issuer_rut):
            problems.append(
                f"the DTE {shown(documento.get('ID'))} is issued by {shown(emisor)} but the "
                f"Caratula's RutEmisor is {shown(issuer)}: an envelope carries the documents of "
                "its issuer"
            )
    if declared != held:
        said = ", ".join(f"{n} of type {t}" for t, n in _in_order(declared)) or "none"
        holds = ", ".join(f"{n} of type {t}" for t, n in _in_order(held)) or "none"
        problems.append(f"the Caratula's SubTotDTE counts {said}, but the set holds {holds}")
    return problems


def _type(text: str | None) -> int | str:
    """A document type as the schema reads it (``033`` is 33); a text that is no integer as it
    is, quoted and cut for a message."""
    text = text or ""
    return int(text) if _INTEGER.fullmatch(text) else shown(text, 24)


def _in_order(counts: Counter[int | str]) -> list[tuple[int | str, int]]:
    """Each type's count, types in numeric order and any text that is no type after them."""
    return sorted(
        counts.items(), key=lambda item: (isinstance(item[0], str), str(item[0]).zfill(20))
    )


def envelope_kind_problem(kind: str, documents: list[etree._Element]) -> str | None:
    """Why an envelope named ``kind`` (EnvioBOLETA or EnvioDTE) cannot hold its ``documents``
    (DTE elements): boletas travel in an EnvioBOLETA only, other types in an EnvioDTE. The
    root's name is outside the SetDTE the signature covers, so anyone could change it; the SII's
    schemas refuse such an envelope. None when every type belongs in it."""
    held: set[str] = set()
    for dte in documents:
        documento = _documento_of(dte)
        if documento is not None:
            inner = ns_prefix(documento)
            tipo = descend(documento, inner + "Encabezado", inner + "IdDoc", inner + "TipoDTE")
            held.add(stripped_text(tipo) or "")
    if kind == "EnvioBOLETA":
        wrong = held - BOLETA_TYPES
    else:
        wrong = held & BOLETA_TYPES
    if not wrong:
        return None
    types = ", ".join(shown(t, 24) if not t.isdigit() else t for t in sorted(wrong, key=_type_key))
    if kind == "EnvioBOLETA":
        return (
            "an EnvioBOLETA holds boletas (39, 41) only: other types travel in an EnvioDTE, "
            f"and this one holds types {types}"
        )
    return (
        "an EnvioDTE holds no boleta (39, 41): boletas travel in an EnvioBOLETA, and this one "
        f"holds types {types}"
    )


def _type_key(tipo: str) -> tuple[int, str]:
    """Types in numeric order (33 before 110), any text that is no type after them."""
    return (
        (int(tipo), "") if tipo.isascii() and tipo.isdigit() and len(tipo) < 10 else (1 << 40, tipo)
    )


_CARATULA_RUTS: Final = ("RutEmisor", "RutEnvia", "RutReceptor")
"""The RUTs of an envelope's Caratula: the issuer, who sent it, who receives it (the SII)."""


def caratula_rut_problems(set_dte: etree._Element) -> list[str]:
    """The RUTs of the SetDTE's Caratula whose check digit is wrong (the SII validates each),
    named ``Caratula/RutEmisor``...; nothing when there is no Caratula."""
    ns = ns_prefix(set_dte)
    caratula = next(set_dte.iterchildren(ns + "Caratula"), None)
    if caratula is None:
        return []
    return check_digit_problems(
        {f"Caratula/{name}": stripped_text(descend(caratula, ns + name)) for name in _CARATULA_RUTS}
    )


def sender_problem(set_dte: etree._Element, certificate: x509.Certificate) -> str | None:
    """Why the Caratula's RutEnvia is not the holder of the ``certificate`` that signs the
    envelope (the SII takes it as the signer's RUT); None when it is, or when the certificate
    names no RUT."""
    from haulmer.pfx import holder_rut_of

    holder = holder_rut_of(certificate)
    if holder is None:
        return None
    ns = ns_prefix(set_dte)
    text = stripped_text(descend(set_dte, ns + "Caratula", ns + "RutEnvia")) or ""
    if names_rut(text, holder):
        return None
    return (
        f"the Caratula's RutEnvia {shown(text, 24)} is not {holder}, whose certificate signs the "
        "envelope: RutEnvia is the RUT of the person who signs it"
    )


def _documento_of(dte: etree._Element) -> etree._Element | None:
    """The DTE's Documento (Liquidacion, Exportaciones): its first child, as a rule."""
    for child in dte:
        if local_name(child) in DOCUMENT_TAGS:
            return child
    return None
