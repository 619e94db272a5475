"""Retry transient failures with capped exponential backoff and full jitter, within a deadline."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

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


@dataclass(frozen=True)
class Backoff:
    """Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter")."""

    base_seconds: float = 0.5
    cap_seconds: float = 5.0

    def delay(self, attempt: int, uniform: Callable[[], float]) -> float:
        """Sleep before attempt ``attempt + 1``; ``uniform`` returns a float in [0, 1)."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2.0 ** min(attempt - 1, 30))
        return uniform() * ceiling


class RetriesExhausted(Exception):  # noqa: N818 - reads as what happened
    """Transient failures lasted until the deadline."""

    def __init__(self, cause: str, attempts: int) -> None:
        self.cause = cause
        self.attempts = attempts
        super().__init__(f"{cause} after {attempts} attempts")


def call_with_retries(
    call: Callable[[], T],
    *,
    transient_cause: Callable[[Exception], str | None],
    deadline: Deadline,
    backoff: Backoff,
    timing: Timing,
) -> T:
    """Call until success, a non-transient error (re-raised), or no time for another attempt.

    ``transient_cause`` names why an error is worth retrying ("throttled", ...) or returns
    None. Another attempt is made only if the backoff sleep plus the slowest attempt so far
    still ends before ``deadline``, so the caller always has time left to answer.
    """
    attempts = 0
    slowest_attempt = 0.0
    while True:
        attempts += 1
        started = deadline.clock()
        try:
            return call()
        except Exception as error:
            slowest_attempt = max(slowest_attempt, deadline.clock() - started)
            cause = transient_cause(error)
            if cause is None:
                raise
            pause = backoff.delay(attempts, timing.random)
            if deadline.remaining() < pause + slowest_attempt:
                raise RetriesExhausted(cause, attempts) from error
            timing.sleep(pause)
