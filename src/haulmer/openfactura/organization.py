"""``client.openfactura.organization`` and ``.taxpayer``: who owns the key; SII taxpayer data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pydantic

from haulmer._core.plans import Plan, send
from haulmer._core.responses import answer_problems
from haulmer._lazy import LazyNames
from haulmer.errors import APIResponseValidationError
from haulmer.openfactura._base import get
from haulmer.openfactura._checks import check_rut
from haulmer.openfactura.models import Organization, OrganizationFolios, Taxpayer
from haulmer.rut import Rut

if TYPE_CHECKING:
    # the faces _FACES serves at run time, for a type checker (from haulmer.<product> import X)
    from haulmer._async.openfactura.organization import (
        AsyncOrganizationResource as AsyncOrganizationResource,
    )
    from haulmer._async.openfactura.organization import (
        AsyncTaxpayerResource as AsyncTaxpayerResource,
    )
    from haulmer._sync.openfactura.organization import OrganizationResource as OrganizationResource
    from haulmer._sync.openfactura.organization import TaxpayerResource as TaxpayerResource

__all__ = []


def organization_plan(include_logo: bool, options: Mapping[str, Any]) -> Plan[Organization]:
    """The plan fetching the organization behind the API key."""
    params = {"extra_fields": "logo"} if include_logo else None
    return (yield from send(get("/v2/dte/organization", Organization, options, params)))


def folios_plan(options: Mapping[str, Any]) -> Plan[OrganizationFolios]:
    """The plan fetching the organization's DTE types and folios."""
    return (yield from send(get("/v2/dte/organization/document", OrganizationFolios, options)))


def _is_blank(value: Any) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    if isinstance(value, list):
        return all(_is_blank(item) for item in value)
    if isinstance(value, Mapping):
        return all(_is_blank(item) for item in value.values())
    return False


_JSON_OBJECT = dict[str, Any]
"""What the taxpayer answer is read as before the plan looks at it."""


def _says_nothing(answer: Mapping[str, Any]) -> bool:
    """Whether every field but the RUT is blank: how the API answers a RUT the SII does not
    know (200, not 404)."""
    for key, value in answer.items():  # noqa: SIM110 - no generator: run for every answer
        if key != "rut" and not _is_blank(value):
            return False
    return True


def taxpayer_plan(rut: Rut | str, options: Mapping[str, Any]) -> Plan[Taxpayer | None]:
    """The plan fetching a taxpayer by RUT (None when the SII does not know it)."""
    canonical = check_rut(rut, "rut")
    text = str(canonical)
    path = f"/v2/dte/taxpayer/{text}"
    answer: Any = yield get(path, _JSON_OBJECT, options)
    if not isinstance(answer, (dict, Mapping)) or _says_nothing(answer):
        return None
    said = answer.get("rut")
    # The RUT asked for, or none, is read as the Rut already checked rather than parsed again.
    data = {**answer, "rut": canonical} if said == text or _is_blank(said) else answer
    try:
        return Taxpayer.model_validate(data)
    except pydantic.ValidationError as exc:
        problems = answer_problems(exc, "Taxpayer")
        raise APIResponseValidationError(
            f"GET {path} answered with a body that is not a valid Taxpayer ({problems})",
            status_code=200,
            body=answer,
        ) from None


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import this module; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "OrganizationResource": "haulmer._sync.openfactura.organization",
        "AsyncOrganizationResource": "haulmer._async.openfactura.organization",
        "TaxpayerResource": "haulmer._sync.openfactura.organization",
        "AsyncTaxpayerResource": "haulmer._async.openfactura.organization",
    },
    globals(),
)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir
