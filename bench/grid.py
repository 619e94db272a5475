"""The load grid issue 12 asks for, and the targets of its three rows: one list for
``bench.load`` (real processes) and ``bench.simulate`` (the model)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Row:
    """Resources created at once against a token bucket of ``rate`` and ``burst``."""

    burst: int
    resources: int
    rate: float

    @property
    def label(self) -> str:
        return f"burst {self.burst}, {self.resources} at {self.rate:g} req/s"


GRID: Final = (
    Row(1, 30, 5.0),
    Row(1, 60, 1.0),
    Row(1, 10, 5.0),
    Row(5, 30, 5.0),
    Row(5, 60, 1.0),
    Row(5, 10, 5.0),
)
# Upper limits (wall / bound, 429 per success, neighbour's 429 share) for our handler.
TARGETS: Final = {
    Row(1, 30, 5.0): (1.45, 4.5, None),
    Row(1, 60, 1.0): (1.40, 8.0, None),
    Row(5, 30, 5.0): (1.15, 2.5, 0.45),
}
