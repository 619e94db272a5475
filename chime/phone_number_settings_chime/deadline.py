"""Time for the Chime client: a deadline on a monotonic clock, and where time comes from.

Tests and benchmarks hand in their own ``Timing`` (a stepped clock, no real sleep).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


@dataclass(frozen=True)
class Deadline:
    """A point on a monotonic clock by which work must be done."""

    at: float
    clock: Clock = field(default=time.monotonic, compare=False)

    @classmethod
    def after(cls, seconds: float, clock: Clock = time.monotonic) -> Deadline:
        return cls(clock() + seconds, clock)

    def remaining(self) -> float:
        return self.at - self.clock()

    def earlier_by(self, seconds: float) -> Deadline:
        return Deadline(self.at - seconds, self.clock)


@dataclass(frozen=True)
class Timing:
    """Where time comes from: the clock, sleeping, and the random draw of the jitter."""

    clock: Clock = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = random.random
