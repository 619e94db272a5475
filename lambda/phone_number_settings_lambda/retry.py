"""Retry transient failures with capped exponential backoff and full jitter, within a deadline.

Every attempt is bounded: it may wait for its answer at most ``AttemptLimits.seconds`` and
never past the deadline, so a hung connection costs one window, not the whole budget.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")

Clock = Callable[[], float]

# An attempt with less time than this to wait for its answer is not worth starting.
MIN_ATTEMPT_SECONDS: Final = 0.25
# Transient causes: every attempt turned away (429), or no answer at all.
THROTTLED: Final = "throttled"
UNREACHABLE: Final = "unreachable"


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


@dataclass(frozen=True)
class AttemptLimits:
    """How long one attempt may wait for its answer, and how often Chime may be unreachable.

    ``unreachable_attempts`` None: keep trying until the deadline (the Lambda, whose stack
    waits for it); a number: give up after that many attempts found no one answering.
    """

    seconds: float
    unreachable_attempts: int | None = None


class RetriesExhausted(Exception):  # noqa: N818 - reads as what happened
    """Transient failures lasted until the deadline (or no time was left to start)."""

    def __init__(self, cause: str, attempts: int, last_error: Exception | None) -> None:
        self.cause = cause
        self.attempts = attempts
        self.last_error = last_error
        super().__init__(f"{cause} after {attempts} attempts")


def call_with_retries(
    attempt: Callable[[float], T],
    *,
    transient_cause: Callable[[Exception], str | None],
    deadline: Deadline,
    backoff: Backoff,
    timing: Timing,
    limits: AttemptLimits,
    what: str = "call",
    on_retry: Callable[[str, float], None] | None = None,
) -> T:
    """Attempt until success, a non-transient error (re-raised), or no time for another.

    ``attempt(seconds)`` must give up waiting for its answer after ``seconds``.
    ``transient_cause`` names why an error is worth retrying ("throttled", ...) or returns
    None. Another attempt is made only if the backoff sleep plus the slowest attempt so far
    still ends before ``deadline``, so the caller always has time left to answer.
    ``on_retry(cause, pause)`` is told of each wait before another attempt.
    """
    attempts = unreachable = 0
    slowest_attempt = 0.0
    cause = "out of time"
    last_error: Exception | None = None
    while True:
        window = min(limits.seconds, deadline.remaining())
        if window < MIN_ATTEMPT_SECONDS:
            raise RetriesExhausted(cause, attempts, last_error)
        attempts += 1
        started = timing.clock()
        try:
            return attempt(window)
        except Exception as error:
            slowest_attempt = max(slowest_attempt, timing.clock() - started)
            found = transient_cause(error)
            if found is None:
                raise
            cause, last_error = found, error
            unreachable += found == UNREACHABLE
            if limits.unreachable_attempts is not None and (
                unreachable >= limits.unreachable_attempts
            ):
                raise RetriesExhausted(cause, attempts, error) from error
            pause = backoff.delay(attempts, timing.random)
            if deadline.remaining() < pause + slowest_attempt:
                raise RetriesExhausted(cause, attempts, error) from error
            logger.debug("%s: attempt %d %s; next in %.2f s", what, attempts, cause, pause)
            if on_retry is not None:
                on_retry(cause, pause)
            timing.sleep(pause)
