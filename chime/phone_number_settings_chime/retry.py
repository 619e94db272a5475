"""Retry transient failures within a deadline, backing off as hard as the rate limit pushes.

Every attempt is bounded: it may wait for its answer at most ``AttemptLimits.seconds`` and
never past the deadline, so a hung connection costs one window, not the whole budget.
The waits between attempts come from ``RetryPolicy``: capped full jitter whose cap follows
the account's rate limit, learnt from this invocation's own answers, whatever the function
was told about how many resources share it.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol, TypeVar

from phone_number_settings_chime.deadline import Deadline, Timing

logger = logging.getLogger(__name__)
T = TypeVar("T")

# An attempt with less time than this to wait for its answer is not worth starting.
MIN_ATTEMPT_SECONDS: Final = 0.25
# Transient causes: every attempt turned away (429), or no answer at all.
THROTTLED: Final = "throttled"
UNREACHABLE: Final = "unreachable"


@dataclass(frozen=True)
class Backoff:
    """Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter")."""

    base_seconds: float = 0.5
    cap_seconds: float = 5.0

    def delay(self, attempt: int, uniform: Callable[[], float]) -> float:
        """Sleep before attempt ``attempt + 1``; ``uniform`` returns a float in [0, 1)."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2.0 ** min(attempt - 1, 30))
        return uniform() * ceiling


# RetryPolicy's constants; docs/design/retry-policy.md has the measurements.
SECONDS_PER_RESOURCE: Final = 0.2  # the first cap, per resource that shares the function ...
MIN_FIRST_CAP_SECONDS: Final = 7.0  # ... but never below this, told a count or not
TARGET_THROTTLED_SHARE: Final = 0.85  # the cap settles where this share of full-cap waits get 429
LEARNING_GAIN: Final = 0.3  # how far one such answer moves log(cap), in standard deviations
CAP_PER_ELAPSED: Final = 0.25  # the cap stays below max(first cap, elapsed x this) ...
COUNT_CEILING: Final = 3.0  # ... and below this many first caps, unless the answers outweigh it:
EVIDENCE_SHARE: Final = 0.9  # while the smoothed 429 share of all answers is above this,
EVIDENCE_GROWTH: Final = 0.2  # every 429 moves log(cap) up this much, past COUNT_CEILING
SHARE_MEMORY: Final = 16.0  # how many recent answers the smoothed 429 share weighs
FULL_CAP_ATTEMPT: Final = 3  # the first retry whose window is the whole cap
MIN_CAP_SECONDS: Final = 0.2
MAX_CAP_SECONDS: Final = 120.0


class Pacing(Protocol):
    """The waits of a retry loop; RetryPolicy is the product's."""

    def before_call(self) -> float: ...

    def before_retry(self, attempt: int) -> float: ...

    def accepted(self) -> None: ...

    def throttled(self) -> None: ...


class RetryPolicy:
    """How long to wait before an attempt, for one invocation (thread-safe).

    Each call backs off with capped full jitter, as AWS recommends; the cap is not a
    constant. It starts at SECONDS_PER_RESOURCE x ``resources_served`` (the resources that
    share the function, known at synth) and at least MIN_FIRST_CAP_SECONDS: the count is
    only a floor on the contention, since parallel stacks, the shared provider's other
    stacks and other applications of the account add to it unseen, and a cap that no 429
    calls for costs nothing.
    Every answer to an attempt sent after a wait at the full cap then moves log(cap)
    towards where TARGET_THROTTLED_SHARE of such attempts are throttled: the bucket does
    not care who asks, so this invocation's own 429 share measures the whole account's
    load. The cap stays below max(first cap, elapsed x CAP_PER_ELAPSED), so no invocation
    sleeps long early in a deploy while others finish; below a quarter of the time left,
    so retries come faster near the deadline; and below COUNT_CEILING first caps, so no
    invocation learns a sleep so long that it idles the API once the others are done,
    unless the answers outweigh the count: while the smoothed 429 share of all answers
    stays above EVIDENCE_SHARE, each 429 grows the cap by EVIDENCE_GROWTH past that ceiling.
    Once the invocation has met throttling, a new call also waits a first window.
    """

    def __init__(
        self,
        timing: Timing,
        *,
        resources_served: int | None = None,
        deadline: Deadline | None = None,
        seconds_per_resource: float = SECONDS_PER_RESOURCE,
        min_first_cap: float = MIN_FIRST_CAP_SECONDS,
        target_share: float = TARGET_THROTTLED_SHARE,
        evidence_share: float = EVIDENCE_SHARE,
    ) -> None:
        self._timing = timing
        self._deadline = deadline
        first = max(min_first_cap, (resources_served or 0) * seconds_per_resource)
        self._first_cap = min(MAX_CAP_SECONDS, max(MIN_CAP_SECONDS, first))
        self._log_cap = math.log(self._first_cap)
        self._target = target_share
        self._evidence = evidence_share
        self._share = target_share  # the smoothed 429 share, from where it should settle
        self._started = timing.clock()
        self._lock = threading.Lock()
        self._throttled_once = False
        self._sent_at_full_cap = False

    @property
    def cap(self) -> float:
        return math.exp(self._log_cap)

    @property
    def throttled_share(self) -> float:
        """The smoothed share of this invocation's recent answers that were 429s."""
        return self._share

    def before_call(self) -> float:
        """The wait before a call's first attempt: none until throttling was met."""
        with self._lock:
            self._clamp()
            self._sent_at_full_cap = False
            if not self._throttled_once:
                return 0.0
            return self._backoff().delay(1, self._timing.random)

    def before_retry(self, attempt: int) -> float:
        """The wait before retrying after a transient failure (``attempt`` = 1 at first)."""
        with self._lock:
            self._clamp()
            self._sent_at_full_cap = attempt >= FULL_CAP_ATTEMPT
            return self._backoff().delay(attempt, self._timing.random)

    def accepted(self) -> None:
        self._learn(throttled=False)

    def throttled(self) -> None:
        self._learn(throttled=True)

    def _backoff(self) -> Backoff:
        # Windows of cap/4, cap/2, then the whole cap.
        return Backoff(base_seconds=self.cap / 4, cap_seconds=self.cap)

    def _learn(self, *, throttled: bool) -> None:
        with self._lock:
            self._throttled_once |= throttled
            self._share += (float(throttled) - self._share) / SHARE_MEMORY
            if throttled and self._outweighs_count():
                self._set(self._log_cap + EVIDENCE_GROWTH)
            elif self._sent_at_full_cap:  # a call's early retries say little of the load
                share = self._target
                z = (float(throttled) - share) / math.sqrt(share * (1.0 - share))
                self._set(self._log_cap + LEARNING_GAIN * z)
            self._clamp()

    def _outweighs_count(self) -> bool:
        return self._share > self._evidence

    def _clamp(self) -> None:
        elapsed = self._timing.clock() - self._started
        limit = max(self._first_cap, elapsed * CAP_PER_ELAPSED)
        if not self._outweighs_count():
            limit = min(limit, self._first_cap * COUNT_CEILING)
        if self._deadline is not None:
            limit = min(limit, max(MIN_CAP_SECONDS, self._deadline.remaining() / 4))
        self._set(min(self._log_cap, math.log(limit)))

    def _set(self, log_cap: float) -> None:
        bounds = (math.log(MIN_CAP_SECONDS), math.log(MAX_CAP_SECONDS))
        self._log_cap = min(bounds[1], max(bounds[0], log_cap))


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
    policy: Pacing,
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
    pace = policy.before_call()
    if pace and deadline.remaining() > pace + MIN_ATTEMPT_SECONDS:
        timing.sleep(pace)
    while True:
        window = min(limits.seconds, deadline.remaining())
        if window < MIN_ATTEMPT_SECONDS:
            raise RetriesExhausted(cause, attempts, last_error)
        attempts += 1
        started = timing.clock()
        try:
            answer = attempt(window)
        except Exception as error:
            slowest_attempt = max(slowest_attempt, timing.clock() - started)
            found = transient_cause(error)
            if found is None:
                raise
            if found == THROTTLED:
                policy.throttled()
            cause, last_error = found, error
            unreachable += found == UNREACHABLE
            if limits.unreachable_attempts is not None and (
                unreachable >= limits.unreachable_attempts
            ):
                raise RetriesExhausted(cause, attempts, error) from error
            pause = policy.before_retry(attempts)
            if deadline.remaining() < pause + slowest_attempt:
                raise RetriesExhausted(cause, attempts, error) from error
            logger.debug("%s: attempt %d %s; next in %.2f s", what, attempts, cause, pause)
            if on_retry is not None:
                on_retry(cause, pause)
            timing.sleep(pause)
        else:
            policy.accepted()
            return answer
