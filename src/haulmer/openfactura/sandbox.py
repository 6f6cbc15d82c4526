"""OpenFactura's public sandbox: the demo API keys and companies Haulmer publishes in its docs.

The sandbox (``environment="sandbox"``, ``https://dev-api.haulmer.com``) works without an account;
its CAFs are simulated, so the timbre it stamps is not valid before the SII.
"""

from __future__ import annotations

from dataclasses import dataclass

from haulmer.rut import GENERIC_RECEPTOR_RUT, Rut

__all__ = [
    "GENERIC_RECEPTOR_RUT",
    "HAULMER_DEMO",
    "HOSTY_DEMO",
    "SANDBOX_API_KEY",
    "SANDBOX_COMPANIES",
    "SANDBOX_HOSTY_API_KEY",
    "SandboxCompany",
]


@dataclass(frozen=True)
class SandboxCompany:
    """A demo emisor of the public sandbox, with the data its documents must carry."""

    api_key: str
    rut: Rut
    razon_social: str
    giro: str
    acteco: int
    direccion: str
    comuna: str
    cdg_sii_sucur: str

    def __repr__(self) -> str:
        # The demo keys are public, but keys never go into reprs all the same.
        return f"SandboxCompany(rut='{self.rut}', razon_social={self.razon_social!r})"

    def emisor(self, *, boleta: bool = False) -> dict[str, object]:
        """The ``Emisor`` block in SII names (boletas use RznSocEmisor/GiroEmisor, no Acteco)."""
        if boleta:
            return {
                "RUTEmisor": str(self.rut),
                "RznSocEmisor": self.razon_social,
                "GiroEmisor": self.giro,
                "CdgSIISucur": self.cdg_sii_sucur,
                "DirOrigen": self.direccion,
                "CmnaOrigen": self.comuna,
            }
        return {
            "RUTEmisor": str(self.rut),
            "RznSoc": self.razon_social,
            "GiroEmis": self.giro,
            "Acteco": self.acteco,
            "DirOrigen": self.direccion,
            "CmnaOrigen": self.comuna,
            "CdgSIISucur": self.cdg_sii_sucur,
        }


SANDBOX_API_KEY = "928e15a2d14d4a6292345f04960f4bd3"
"""Public sandbox key of HAULMER SPA (76795561-8), the "apikey demo dev" of Haulmer's plugins."""

SANDBOX_HOSTY_API_KEY = "41eb78998d444dbaa4922c410ef14057"
"""The public sandbox key of HOSTY SPA (76430498-5), the docs' usual factura receptor."""

HAULMER_DEMO = SandboxCompany(
    api_key=SANDBOX_API_KEY,
    rut=Rut("76795561-8"),
    razon_social="HAULMER SPA",
    giro=("VENTA AL POR MENOR EN EMPRESAS DE VENTA A DISTANCIA VÍA INTERNET; COMERCIO ELEC"),
    acteco=479100,
    direccion="ARTURO PRAT 527   CURICO",
    comuna="Curicó",
    cdg_sii_sucur="81303347",
)
"""HAULMER SPA, the sandbox company behind :data:`SANDBOX_API_KEY`."""

HOSTY_DEMO = SandboxCompany(
    api_key=SANDBOX_HOSTY_API_KEY,
    rut=Rut("76430498-5"),
    razon_social="HOSTY SPA",
    giro="EMPRESAS DE SERVICIOS INTEGRALES DE INFORMÁTICA",
    acteco=620200,
    direccion="ARTURO PRAT 527 3 pis OF 1",
    comuna="Curicó",
    cdg_sii_sucur="79457965",
)
"""HOSTY SPA, the sandbox company behind :data:`SANDBOX_HOSTY_API_KEY`."""

SANDBOX_COMPANIES: tuple[SandboxCompany, ...] = (HAULMER_DEMO, HOSTY_DEMO)
"""Both demo companies of the public sandbox."""
