"""Tiny request helpers: send a request description the way a resource method would."""

from __future__ import annotations

from typing import Any, TypeVar

from haulmer import AsyncHaulmer, Haulmer
from haulmer._core import AsyncAPIResource, SyncAPIResource
from haulmer._core.pagination import AsyncPage, SyncPage
from haulmer._core.request import APIRequest
from haulmer._models import HaulmerModel

T = TypeVar("T")


class Organization(HaulmerModel):
    """A response model as product modules write them."""

    rut: str
    razon_social: str | None = None


def send(client: Haulmer, request: APIRequest[T]) -> T:
    return SyncAPIResource(client)._request(request)


async def asend(client: AsyncHaulmer, request: APIRequest[T]) -> T:
    return await AsyncAPIResource(client)._request(request)


def page(client: Haulmer, request: APIRequest[T]) -> SyncPage[T]:
    return SyncAPIResource(client)._get_page(request)


async def apage(client: AsyncHaulmer, request: APIRequest[T]) -> AsyncPage[T]:
    return await AsyncAPIResource(client)._get_page(request)


def get_org(**options: Any) -> APIRequest[Organization]:
    return APIRequest("GET", "/v2/dte/organization", "openfactura", Organization, **options)


def emit(**options: Any) -> APIRequest[dict[str, Any]]:
    return APIRequest(
        "POST", "/v2/dte/document", "openfactura", dict[str, Any], json={"x": 1}, **options
    )
