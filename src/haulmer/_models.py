"""The base of every response and request model: pydantic v2, lenient about unknown fields."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["HaulmerModel"]


class HaulmerModel(BaseModel):
    """Wire names as aliases, Python names accepted too; unknown response fields are kept."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        arbitrary_types_allowed=False,
        protected_namespaces=(),
    )

    def to_wire(self) -> dict[str, Any]:
        """The model as the JSON the API expects: wire names (aliases), no unset None fields."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
