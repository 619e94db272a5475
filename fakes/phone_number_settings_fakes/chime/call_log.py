"""The record of every request the fake received, for tests to assert on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Status of a call record whose connection was closed without any response.
DROPPED = 0


@dataclass(frozen=True)
class CallRecord:
    """One request as the fake received it; `status` is DROPPED (0) for a dropped connection."""

    operation: str
    namespace: str
    phone_number_id: str | None
    body: dict[str, Any]
    region: str | None
    status: int
    error_code: str | None
    at: float
    # The query string (ListPhoneNumbers' filters and paging), one value per parameter.
    query: Mapping[str, str] = field(default_factory=dict)

    def as_tuple(self) -> tuple[str, str | None, dict[str, Any]]:
        """The (operation, id, body) triple tests compare call sequences with."""
        return (self.operation, self.phone_number_id, self.body)
