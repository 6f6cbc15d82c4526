"""The public keys that sign CAF files (FRMA), by IDK: the SII's own plus any registered for tests.

IDK 100 is the SII's certification key (maullin) and IDK 300 its production key (palena); both
ship with the package. Test suites register their own keys under other IDKs; a CAF signed by one
of those is accepted only when the caller says so (``official`` tells them apart). The public key
of ``haulmer.testing``'s test CAFs (IDK 9999) ships too, as a test key: every process, such as
the command line checking a file the fake issued, knows it without registering it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from haulmer._forks import ForkSafeLock

__all__ = [
    "SII_IDKS",
    "CafSignerKey",
    "caf_signer_key",
    "register_caf_signer_key",
    "unregister_caf_signer_key",
]

SII_IDKS: Final = {100: "certification", 300: "production"}
"""The IDKs of the SII's own CAF-signing keys and the environment each belongs to."""

_SHIPPED_TEST_IDK: Final = 9999
"""The IDK of the shipped test key that signs ``haulmer.testing``'s CAFs (never the SII's)."""


@dataclass(frozen=True)
class CafSignerKey:
    """A key that signs CAF files: its IDK, its public key and whether it is the SII's."""

    idk: int
    public_key: rsa.RSAPublicKey
    official: bool
    label: str


_lock = ForkSafeLock()
_registered: dict[int, CafSignerKey] = {}
_official: dict[int, CafSignerKey] = {}
_shipped_test: dict[int, CafSignerKey] = {}


def _load_key(name: str) -> rsa.RSAPublicKey:
    pem = (resources.files("haulmer.sii") / "data" / name).read_bytes()
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, rsa.RSAPublicKey):  # pragma: no cover - shipped data
        raise RuntimeError(f"bundled CAF signer key {name} is not RSA")
    return key


def _load_official() -> dict[int, CafSignerKey]:
    if not _official:
        for idk, environment in SII_IDKS.items():
            key = _load_key(f"idk-{idk}.pem")
            _official[idk] = CafSignerKey(idk, key, True, f"SII {environment} key")
    return _official


def _load_shipped_test() -> dict[int, CafSignerKey]:
    if not _shipped_test:
        idk = _SHIPPED_TEST_IDK
        key = _load_key(f"idk-{idk}-test.pem")
        _shipped_test[idk] = CafSignerKey(idk, key, False, "haulmer test CAF key")
    return _shipped_test


def caf_signer_key(idk: int) -> CafSignerKey | None:
    """The key for ``idk``: the SII's for 100 and 300, else one registered, else the shipped
    test key of ``haulmer.testing`` for 9999; None if none is known."""
    with _lock:
        official = _load_official().get(idk)
        if official is not None:
            return official
        registered = _registered.get(idk)
        return registered if registered is not None else _load_shipped_test().get(idk)


def register_caf_signer_key(idk: int, public_key: rsa.RSAPublicKey, *, label: str = "") -> None:
    """Trust ``public_key`` as the signer of CAFs with this IDK, as a non-SII (test) key.

    The SII's IDKs cannot be overridden: a forged "SII" key would defeat the FRMA check.
    """
    if not isinstance(idk, int) or isinstance(idk, bool):
        raise TypeError(f"the IDK must be an int, as a CAF's <IDK> reads, got {type(idk).__name__}")
    if idk in SII_IDKS:
        raise ValueError(f"IDK {idk} belongs to the SII; register test keys under another IDK")
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise TypeError("a CAF signer key must be an RSA public key")
    with _lock:
        _registered[idk] = CafSignerKey(idk, public_key, False, label or "registered test key")


def unregister_caf_signer_key(idk: int) -> None:
    """Forget a test key registered with :func:`register_caf_signer_key` (no-op if unknown)."""
    with _lock:
        _registered.pop(idk, None)
