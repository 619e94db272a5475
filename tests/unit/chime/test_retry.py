"""Backoff and the retry loop, on an injected clock: no real sleeping."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from phone_number_settings_chime.deadline import Deadline, Timing
from phone_number_settings_chime.retry import (
    CAP_PER_ELAPSED,
    COUNT_CEILING,
    EVIDENCE_SHARE,
    FULL_CAP_ATTEMPT,
    MIN_ATTEMPT_SECONDS,
    MIN_CAP_SECONDS,
    MIN_FIRST_CAP_SECONDS,
    SECONDS_PER_RESOURCE,
    UNREACHABLE,
    AttemptLimits,
    Backoff,
    RetriesExhausted,
    RetryPolicy,
    call_with_retries,
)
from phone_number_settings_fakes.clock import SteppedClock


class Throttled(Exception):
    pass


def test_full_jitter_delay_is_capped_exponential() -> None:
    backoff = Backoff(base_seconds=0.5, cap_seconds=3.0)
    assert [backoff.delay(n, lambda: 0.999999) for n in (1, 2, 3, 4, 10, 100)] == pytest.approx(
        [0.5, 1.0, 2.0, 3.0, 3.0, 3.0], rel=1e-5
    )
    assert backoff.delay(5, lambda: 0.0) == 0.0


TOP = 1.0 - 1e-12  # a draw at the top of the window: the delay is the window


def policy(
    clock: SteppedClock, resources_served: int | None = 8, deadline: Deadline | None = None
) -> RetryPolicy:
    """A policy whose first cap is 2 s with 8 resources, whatever the constants are."""
    return RetryPolicy(
        clock.timing(random=TOP),
        resources_served=resources_served,
        deadline=deadline,
        seconds_per_resource=0.25,
        min_first_cap=MIN_CAP_SECONDS,
    )


def test_the_count_only_raises_the_first_cap() -> None:
    timing = SteppedClock().timing()
    many = round(3 * MIN_FIRST_CAP_SECONDS / SECONDS_PER_RESOURCE)
    assert RetryPolicy(timing, resources_served=many).cap == pytest.approx(
        many * SECONDS_PER_RESOURCE
    )
    # a small count (one of several stacks deployed at once) or none (the shared provider)
    # starts where an unknown count does
    for told in (None, 1, 3):
        assert RetryPolicy(timing, resources_served=told).cap == pytest.approx(
            MIN_FIRST_CAP_SECONDS
        )


def test_waits_grow_to_the_cap_within_a_call_and_calls_are_paced_only_after_throttling() -> None:
    clock = SteppedClock()
    retries = policy(clock)  # cap 2 s
    assert retries.before_call() == 0.0  # no throttling met yet: no pacing
    waits = []
    for attempt in range(1, 6):
        retries.throttled()
        waits.append(retries.before_retry(attempt))
    assert waits == pytest.approx([0.5, 1.0, 2.0, 2.0, 2.0])
    assert retries.before_call() == pytest.approx(0.5)  # a quarter of the cap


def answer(retries: RetryPolicy, pattern: str, attempt: int = FULL_CAP_ATTEMPT) -> None:
    """Answers to attempts sent after full-cap waits: T for a 429, A for an acceptance."""
    for letter in pattern:
        retries.before_retry(attempt)
        if letter == "T":
            retries.throttled()
        else:
            retries.accepted()


def test_a_right_count_keeps_the_cap_within_its_ceiling() -> None:
    # GIVEN a count that is right: about the target share of 429s, run after run
    clock = SteppedClock()
    retries = policy(clock)
    clock.now += 1000  # late enough that the elapsed-time bound does not hold the cap
    first = retries.cap
    # WHEN 429s outnumber acceptances six to one (a little above the target), for long
    answer(retries, "TTTTTTA" * 40 + "TTTTTT")
    # THEN the cap grew, but the count held it at COUNT_CEILING first caps
    assert retries.throttled_share <= EVIDENCE_SHARE
    assert retries.cap == pytest.approx(first * COUNT_CEILING)
    # and an acceptance brings it down
    answer(retries, "A")
    assert retries.cap < first * COUNT_CEILING / 1.5


def test_sustained_429s_outweigh_a_count_that_is_too_small() -> None:
    # GIVEN a function told 8 resources share it, while many more do (parallel stacks)
    clock = SteppedClock()
    retries = policy(clock)
    clock.now += 1000
    first = retries.cap
    # WHEN nearly every answer is a 429
    answer(retries, "TTTTTTTTTA" * 3 + "T" * 20)
    # THEN the waits grow far past the ceiling the count would set
    assert retries.throttled_share > EVIDENCE_SHARE
    assert retries.before_retry(FULL_CAP_ATTEMPT) > 4 * first * COUNT_CEILING
    # and once the load eases, the acceptances bring the cap back under the count's ceiling
    answer(retries, "AAAA")
    assert retries.throttled_share <= EVIDENCE_SHARE
    assert retries.cap <= first * COUNT_CEILING + 1e-9


def test_early_retries_do_not_move_the_cap_while_the_share_is_ordinary() -> None:
    clock = SteppedClock()
    retries = policy(clock)
    clock.now += 1000
    first = retries.cap
    for attempt in (1, 2):  # windows of cap/4 and cap/2
        answer(retries, "T", attempt=attempt)
    assert retries.cap == pytest.approx(first)


def test_the_cap_stays_below_elapsed_time_and_the_time_left() -> None:
    clock = SteppedClock()
    retries = policy(clock, deadline=Deadline.after(290, clock))
    for attempt in range(1, 200):  # a long run of 429s early on: held near the first cap
        clock.now += 0.01
        assert retries.before_retry(attempt) <= max(2.0, (clock.now - 100) * CAP_PER_ELAPSED) + 1e-9
        retries.throttled()
    assert retries.throttled_share > EVIDENCE_SHARE  # evidence lifts the count, not these
    clock.now = 100 + 286  # 4 s before the deadline
    assert retries.before_retry(10) <= 1.0 + 1e-9


def test_the_same_draws_give_the_same_waits() -> None:
    def trace(seed: int) -> list[float]:
        clock = SteppedClock()
        draws = random.Random(seed)
        retries = RetryPolicy(Timing(clock, clock.sleep, draws.random), resources_served=20)
        waits = []
        for k in range(40):
            clock.now += 0.5
            if k % 5 == 4:
                retries.accepted()
                waits.append(retries.before_call())
            else:
                retries.throttled()
                waits.append(retries.before_retry(k % 5 + 1))
        return waits

    assert trace(7) == trace(7)
    assert trace(7) != trace(8)


LIMITS = AttemptLimits(seconds=10.0)


def test_retries_transient_errors_until_success() -> None:
    clock = SteppedClock()
    outcomes: list[Exception | str] = [Throttled(), Throttled(), "done"]
    windows: list[float] = []

    def attempt(seconds: float) -> str:
        windows.append(seconds)
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    waits: list[tuple[str, float]] = []
    result = call_with_retries(
        attempt,
        transient_cause=lambda e: "throttled" if isinstance(e, Throttled) else None,
        deadline=Deadline.after(60, clock),
        policy=RetryPolicy(
            clock.timing(random=0.5),
            resources_served=16,
            seconds_per_resource=0.25,
            min_first_cap=MIN_CAP_SECONDS,
        ),  # cap 4 s
        timing=clock.timing(random=0.5),
        limits=LIMITS,
        on_retry=lambda cause, pause: waits.append((cause, pause)),
    )
    assert result == "done"
    assert clock.sleeps == [0.5, 1.0]  # half of cap/4, then half of cap/2
    assert waits == [("throttled", 0.5), ("throttled", 1.0)]
    assert windows == [10.0, 10.0, 10.0]


def test_non_transient_error_is_raised_at_once() -> None:
    calls = 0

    def attempt(seconds: float) -> None:
        nonlocal calls
        calls += 1
        raise KeyError("boom")

    with pytest.raises(KeyError):
        call_with_retries(
            attempt,
            transient_cause=lambda e: None,
            deadline=Deadline.after(60),
            policy=RetryPolicy(Timing()),
            timing=Timing(),
            limits=LIMITS,
        )
    assert calls == 1


def test_stops_before_the_deadline_counting_the_slowest_attempt() -> None:
    clock = SteppedClock()

    def attempt(seconds: float) -> None:
        clock.now += 2.0  # each attempt takes two seconds
        raise Throttled()

    with pytest.raises(RetriesExhausted) as raised:
        call_with_retries(
            attempt,
            transient_cause=lambda e: "throttled",
            deadline=Deadline.after(10, clock),
            policy=RetryPolicy(
                clock.timing(random=1.0),
                resources_served=4,
                seconds_per_resource=0.25,
                min_first_cap=MIN_CAP_SECONDS,
            ),  # cap 1 s
            timing=clock.timing(random=1.0),
            limits=LIMITS,
        )
    assert raised.value.cause == "throttled"
    assert raised.value.attempts == 4  # waits 0.25, 0.5, 1 s; then 1 + 2 s do not fit in 0.25
    assert isinstance(raised.value.last_error, Throttled)
    assert clock.now <= 100 + 10  # never past the deadline
    assert str(raised.value) == "throttled after 4 attempts"


def unreachable_until_exhausted(
    attempt: Callable[[float], None],
    clock: SteppedClock,
    seconds_left: float,
    limits: AttemptLimits,
    policy: RetryPolicy | None = None,
) -> RetriesExhausted:
    """Retry an attempt that never reaches Chime; the RetriesExhausted it ends with."""
    with pytest.raises(RetriesExhausted) as raised:
        call_with_retries(
            attempt,
            transient_cause=lambda e: UNREACHABLE,
            deadline=Deadline.after(seconds_left, clock),
            policy=policy or RetryPolicy(clock.timing()),
            timing=clock.timing(random=1.0),
            limits=limits,
        )
    return raised.value


def test_every_attempt_waits_no_longer_than_the_time_left() -> None:
    # GIVEN a fast failure, then attempts that hang until their window closes
    clock = SteppedClock()
    windows: list[float] = []

    def attempt(seconds: float) -> None:
        windows.append(seconds)
        clock.now += 0.5 if len(windows) == 1 else seconds
        raise TimeoutError

    timing = clock.timing(random=1.0)
    policy = RetryPolicy(
        timing, resources_served=4, seconds_per_resource=0.25, min_first_cap=MIN_CAP_SECONDS
    )  # cap 1 s
    exhausted = unreachable_until_exhausted(attempt, clock, 7, AttemptLimits(10.0), policy)
    # THEN the hung attempt waits only for what is left, and the deadline is never passed
    assert windows == [7.0, 6.25]
    assert clock.now == 100 + 7
    assert exhausted.attempts == 2


def test_no_attempt_starts_without_time_left() -> None:
    clock = SteppedClock()
    with pytest.raises(RetriesExhausted) as raised:
        call_with_retries(
            lambda seconds: "never",
            transient_cause=lambda e: None,
            deadline=Deadline.after(MIN_ATTEMPT_SECONDS / 2, clock),
            policy=RetryPolicy(clock.timing()),
            timing=clock.timing(),
            limits=LIMITS,
        )
    assert (raised.value.attempts, raised.value.cause) == (0, "out of time")


def test_unreachable_gives_up_after_its_own_limit() -> None:
    clock = SteppedClock()
    calls = 0

    def attempt(seconds: float) -> None:
        nonlocal calls
        calls += 1
        raise ConnectionRefusedError

    limits = AttemptLimits(seconds=3.0, unreachable_attempts=3)
    exhausted = unreachable_until_exhausted(attempt, clock, 300, limits)
    assert calls == exhausted.attempts == 3
    assert clock.now < 100 + 10
