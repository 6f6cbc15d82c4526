"""Who answers whom: a receiver's answer (RespuestaDTE, EnvioRecibos) against the DTEs it names.

An answer speaks for the DTEs' receptor (its Caratula's RutResponde) to their issuer
(RutRecibe). A validly signed answer whose RutResponde is not the receptor of a DTE it accepts,
rejects or acknowledges, or that says it received, is someone else's word on that DTE, and one
whose RutRecibe is not the DTE's issuer is about another company's DTE. Saying that an envelope
or a DTE was not received (any reception code but 0) may name another company.
"""

from __future__ import annotations

import re
from typing import Final

from lxml import etree

from haulmer._shown import shown
from haulmer.rut import Rut
from haulmer.sii._xml import local_name, ns_prefix, stripped_text
from haulmer.sii.caf import rut_named

__all__ = ["party_problems"]

_NUMBER: Final = re.compile(r"\+?[0-9]{1,18}")
"""An integer as the schema writes the answers' codes, types and folios: ``00`` and ``+0``
are 0, as the schema and the readers read them."""


def party_problems(part: etree._Element) -> list[str]:
    """Why the signed part of an answer (``Resultado`` or ``SetRecibos``) names DTEs that its
    RutResponde does not receive or its RutRecibe did not issue, or gives one DTE two commercial
    results; empty when none. Each kind of disagreement is told once, for its first DTE, with
    how many more there are."""
    ns = ns_prefix(part)
    caratula = part.find(ns + "Caratula")
    if caratula is None:
        return []  # the schema's to refuse
    responde = _rut(caratula.find(ns + "RutResponde"))
    recibe = _rut(caratula.find(ns + "RutRecibe"))
    if responde is None or recibe is None:
        return []
    # (DTE, its type's tag, its reception code; None for a result or a Recibo: always judged)
    named: list[tuple[etree._Element, str, etree._Element | None]] = []
    problems: list[str] = []
    if local_name(part) == "SetRecibos":
        for recibo in part.iterchildren(ns + "Recibo"):
            documento = recibo.find(ns + "DocumentoRecibo")
            if documento is not None:
                named.append((documento, "TipoDoc", None))
    else:
        results = list(part.iterchildren(ns + "ResultadoDTE"))
        named.extend((row, "TipoDTE", None) for row in results)
        problems.extend(_given_twice(results, ns))
        for envio in part.iterchildren(ns + "RecepcionEnvio"):
            # a DTE said received is judged wherever it is listed: the readers take it as
            # received under an envelope not received too
            named.extend(
                (row, "TipoDTE", row.find(ns + "EstadoRecepDTE"))
                for row in envio.iterchildren(ns + "RecepcionDTE")
            )
            if not _received(envio.find(ns + "EstadoRecepEnv")):
                continue  # an envelope not received may be anyone's
            receptor = _rut(envio.find(ns + "RutReceptor"))
            if receptor is not None and receptor != responde:
                return [
                    f"the envelope received was addressed to {receptor}, not to RutResponde "
                    f"{responde}: only its receiver receives it (a rejection, such as "
                    "EstadoRecepEnv 3, answers another's)"
                ]
            emisor = _rut(envio.find(ns + "RutEmisor"))
            if emisor is not None and emisor != recibe:
                return [
                    f"the envelope received was sent by {emisor}, not by RutRecibe {recibe}, to "
                    "whom the answer goes"
                ]
    return problems + _disagreements(named, ns, responde, recibe)


def _given_twice(results: list[etree._Element], ns: str) -> list[str]:
    """The first DTE (type, folio, issuer) given more than one commercial result: a reader
    cannot tell whether it was accepted or rejected (``resultado_comercial`` gives one each)."""
    seen: dict[tuple[object, ...], int] = {}
    named: dict[tuple[object, ...], tuple[str, str, str]] = {}
    for row in results:
        nodes = [row.find(ns + tag) for tag in ("TipoDTE", "Folio", "RUTEmisor")]
        key: tuple[object, ...] = (
            _number(nodes[0]),
            _number(nodes[1]),
            _rut(nodes[2]) or _plain(nodes[2]),
        )
        seen[key] = seen.get(key, 0) + 1
        named.setdefault(key, (_plain(nodes[0]), _plain(nodes[1]), _plain(nodes[2])))
    for key, count in seen.items():
        tipo, folio, emisor = named[key]
        if count > 1:
            return [
                f"the DTE ({tipo}, {folio}) of {emisor} is given {count} commercial results: "
                "which one stands cannot be told"
            ]
    return []


def _disagreements(
    named: list[tuple[etree._Element, str, etree._Element | None]],
    ns: str,
    responde: Rut,
    recibe: Rut,
) -> list[str]:
    not_received: list[str] = []
    not_issued: list[str] = []
    first_receptor = first_emisor = ""
    for row, type_tag, estado in named:
        key = f"({_plain(row.find(ns + type_tag))}, {_plain(row.find(ns + 'Folio'))})"
        if estado is not None and not _received(estado):
            continue  # a DTE not received may be anyone's: the reception answer says so
        receptor = _rut(row.find(ns + "RUTRecep"))
        if receptor is not None and receptor != responde:
            not_received.append(key)
            first_receptor = first_receptor or str(receptor)
        emisor = _rut(row.find(ns + "RUTEmisor"))
        if emisor is not None and emisor != recibe:
            not_issued.append(key)
            first_emisor = first_emisor or str(emisor)
    problems = []
    if not_received:
        problems.append(
            f"the DTE {not_received[0]}{_more(not_received)} is answered by RutResponde "
            f"{responde}, but its RUTRecep {first_receptor} is who answers it: the answer is "
            "not its receptor's word"
        )
    if not_issued:
        problems.append(
            f"the DTE {not_issued[0]}{_more(not_issued)} is answered to RutRecibe {recibe}, "
            f"but its RUTEmisor {first_emisor} is whom an answer on it goes to"
        )
    return problems


def _received(code: etree._Element | None) -> bool:
    """Whether EstadoRecepEnv or EstadoRecepDTE ``code`` says received (0); a code that is no
    number is taken as received too, so that its DTEs are judged (the schema refuses it)."""
    number = _number(code)
    return not isinstance(number, int) or number == 0


def _number(node: etree._Element | None) -> int | str | None:
    """The integer ``node`` writes, as the schema reads it; its text when it is none, None when
    there is no node."""
    if node is None:
        return None
    text = stripped_text(node) or ""
    return int(text) if _NUMBER.fullmatch(text) else text


def _plain(node: etree._Element | None) -> str:
    """A number or RUT of the answer as a message shows it: as written when it is one, quoted
    and cut otherwise (a forged text could hold line breaks or a megabyte)."""
    text = stripped_text(node) or ""
    if _PLAIN.fullmatch(text):
        return text
    return shown(text, 24)


_PLAIN: Final = re.compile(r"[0-9]{1,18}(?:-[0-9Kk])?")


def _more(keys: list[str]) -> str:
    return f" (and {len(keys) - 1} more)" if len(keys) > 1 else ""


def _rut(node: etree._Element | None) -> Rut | None:
    """The RUT an element names (check digit not judged: ``verify`` reports that apart), None
    when it is missing or no RUT."""
    return rut_named(stripped_text(node))
