"""What an OpenFactura document token looks like: the client and `haulmer journal` agree."""

from __future__ import annotations

import re

__all__ = ["TOKEN"]

TOKEN = re.compile(r"[A-Za-z0-9_\-]{1,256}")
"""The opaque id OpenFactura returns at emission: 1 to 256 letters, digits, ``-`` and ``_``."""
