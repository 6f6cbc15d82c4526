"""The models, request builders and plans of ``haulmer.openfactura.organization``, which its
faces import."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pydantic

from haulmer._core.plans import Plan, send
from haulmer._core.responses import answer_problems
from haulmer.errors import APIResponseValidationError
from haulmer.openfactura._base import get
from haulmer.openfactura._checks import check_flag, check_rut
from haulmer.openfactura.models import Organization, OrganizationFolios, Taxpayer
from haulmer.rut import Rut

__all__ = []


def organization_plan(include_logo: bool, options: Mapping[str, Any]) -> Plan[Organization]:
    """The plan fetching the organization behind the API key; ``include_logo`` is True or False
    ("false" is no False: it would ask for the logo)."""
    check_flag(include_logo, "include_logo", "add the company's logo")
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
