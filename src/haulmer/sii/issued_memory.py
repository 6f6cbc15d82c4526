"""A bounded memory of the DTEs this process issued, so that ``envelope()`` and ``render_pdf()``
take them as written.

``issue()`` writes canonical XML itself. Remembering a digest of each signed DTE (never the XML)
with the few facts an envelope needs lets ``envelope()`` recognise its own input byte for byte
and skip parsing and canonicalizing it again, and ``render_pdf()`` cut the timbre out of it.
Anything else is parsed as usual.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Final, NamedTuple

from haulmer._forks import ForkSafeLock

__all__ = ["ISSUED_HEAD", "IssuedFacts", "recall", "remember"]

ISSUED_HEAD: Final = (
    b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
    b'<DTE xmlns="http://www.sii.cl/SiiDte" version="1.0">'
)
"""How every DTE ``issue()`` writes begins: a bytes input that does not is not looked up."""

LIMIT: Final = 10_000
"""How many signed DTEs are remembered (the oldest are forgotten): five full envelopes' worth."""


class IssuedFacts(NamedTuple):
    """What an envelope reads from a signed DTE: its type, issuer, Documento ID, the IDK of
    the CAF that stamped it (which of the SII's environments the document belongs to) and its
    receptor."""

    dte_type: int
    rut_emisor: str
    document_id: str
    caf_idk: int | None = None
    rut_receptor: str = ""


_lock = ForkSafeLock()
_remembered: OrderedDict[bytes, IssuedFacts] = OrderedDict()


def _digest(xml: bytes) -> bytes:
    # SHA-256 runs in the CPU's SHA instructions where they exist: about twice BLAKE2b's speed.
    return hashlib.sha256(xml).digest()


def remember(xml: bytes, facts: IssuedFacts) -> None:
    """Remember that this process signed exactly ``xml``, with these facts."""
    key = _digest(xml)
    with _lock:
        _remembered[key] = facts
        _remembered.move_to_end(key)
        while len(_remembered) > LIMIT:
            _remembered.popitem(last=False)


def recall(xml: bytes) -> IssuedFacts | None:
    """The facts of ``xml`` when this process signed exactly these bytes, else None."""
    key = _digest(xml)
    with _lock:
        return _remembered.get(key)
