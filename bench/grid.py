"""The load grid and its targets: one list of cases for ``bench.load`` (real processes)
and ``bench.simulate`` (the model).

A case is a row (resources created at once against a token bucket) and what each
function is told about how many resources share it: the stack's real count, a tenth of
it (as when ten stacks deploy at once), or nothing (the shared provider). One more case
deploys several stacks at once, each with its own provider told its own count, as
``cdk deploy --all --concurrency`` does.
"""

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


@dataclass(frozen=True)
class Target:
    """Upper limits for our handler: wall / bound, 429 per success, neighbour's 429 share."""

    wall_over_bound: float
    throttled_per_success: float
    neighbour_share: float | None = None


# What the function is told (the PHONE_NUMBER_SETTINGS_RESOURCES_SERVED environment variable).
REAL: Final = "real count"
TENTH: Final = "a tenth"
NOTHING: Final = "nothing"
TOLD: Final = (REAL, TENTH, NOTHING)


@dataclass(frozen=True)
class Case:
    """One cell of the grid: ``stacks`` stacks of row.resources / stacks, all at once."""

    row: Row
    told: str
    stacks: int = 1

    @property
    def per_stack(self) -> int:
        return self.row.resources // self.stacks

    def resources_served(self) -> int | None:
        """The count each function is told, or None when told nothing."""
        if self.told == NOTHING:
            return None
        count = self.per_stack if self.stacks > 1 else self.row.resources
        return max(1, round(count / 10)) if self.told == TENTH else count

    @property
    def told_label(self) -> str:
        served = self.resources_served()
        return self.told if served is None else f"{self.told} ({served})"

    @property
    def label(self) -> str:
        if self.stacks > 1:
            row = self.row
            return f"burst {row.burst}, {self.stacks} stacks x {self.per_stack} at {row.rate:g}"
        return self.row.label


ROWS: Final = (Row(1, 30, 5.0), Row(5, 30, 5.0), Row(1, 60, 1.0))
STACKS: Final = Case(ROWS[0], REAL, stacks=10)
CASES: Final = (*(Case(row, told) for row in ROWS for told in TOLD), STACKS)
TARGETS: Final = {
    Row(1, 30, 5.0): Target(1.6, 4.5),
    Row(1, 60, 1.0): Target(1.4, 8.0),
    Row(5, 30, 5.0): Target(1.15, 2.5, 0.50),
}
