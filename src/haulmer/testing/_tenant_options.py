"""The options ``FakeHaulmer.add_openfactura_tenant()`` takes beside the company's identity, as
a TypedDict it unpacks: a type checker refuses a misspelt or wrongly typed one, and the fake
refuses at run time a key it does not declare (its own bookkeeping is no option)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

__all__ = ["TenantOptions", "check_tenant_options"]


class TenantOptions(TypedDict, total=False):
    """What the fake OpenFactura's organization answers for the tenant, and its CAFs' size."""

    ciudad: str
    cdg_sii_sucur: str
    email: str
    telefono: str
    nombre_fantasia: str
    web: str
    organization_name: str
    resolucion_fecha: str
    """The SII resolution's date (YYYY-MM-DD) the organization answers."""
    resolucion_numero: int
    folios_per_type: int
    """The folios of each CAF the fake requests for the tenant."""


def check_tenant_options(options: Mapping[str, Any]) -> None:
    """Raise TypeError, as Python does for a keyword, for a key ``TenantOptions`` lacks."""
    for key in options:
        if key not in TenantOptions.__optional_keys__:
            raise TypeError(f"add_openfactura_tenant() got an unexpected keyword argument {key!r}")
