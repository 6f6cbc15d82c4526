"""The ``/v1/...`` routes of the fake platform, one thin handler per operation."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from haulmer.testing.platform._state import PlatformState


@cache
def openapi_document() -> dict[str, Any]:
    """The platform contract as OpenAPI 3.1 (the same document as docs/platform-openapi.json)."""
    text = resources.files("haulmer.testing.platform").joinpath("openapi.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def register(fake: Any, state: PlatformState) -> None:
    """Add every platform route to ``fake.router``."""
    from haulmer.testing._router import FakeResponse

    def get_openapi(request: Any) -> Any:
        return FakeResponse(status=200, json=openapi_document())

    fake.router.add("GET", "/v1/openapi.json", get_openapi, name="platform.openapi")
