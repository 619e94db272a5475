"""Backoff and the retry loop, on an injected clock: no real sleeping."""

from __future__ import annotations

import pytest

from phone_number_settings_lambda.retry import (
    MIN_ATTEMPT_SECONDS,
    UNREACHABLE,
    AttemptLimits,
    Backoff,
    Deadline,
    RetriesExhausted,
    Timing,
    call_with_retries,
)
from tests.stepped_clock import SteppedClock


class Throttled(Exception):
    pass


def test_full_jitter_delay_is_capped_exponential() -> None:
    backoff = Backoff(base_seconds=0.5, cap_seconds=3.0)
    assert [backoff.delay(n, lambda: 0.999999) for n in (1, 2, 3, 4, 10, 100)] == pytest.approx(
        [0.5, 1.0, 2.0, 3.0, 3.0, 3.0], rel=1e-5
    )
    assert backoff.delay(5, lambda: 0.0) == 0.0


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
        backoff=Backoff(base_seconds=1, cap_seconds=8),
        timing=clock.timing(random=0.5),
        limits=LIMITS,
        on_retry=lambda cause, pause: waits.append((cause, pause)),
    )
    assert result == "done"
    assert clock.sleeps == [0.5, 1.0]
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
            backoff=Backoff(),
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
            backoff=Backoff(base_seconds=1, cap_seconds=1),
            timing=clock.timing(random=1.0),
            limits=LIMITS,
        )
    assert raised.value.cause == "throttled"
    assert raised.value.attempts == 3
    assert isinstance(raised.value.last_error, Throttled)
    assert clock.now <= 100 + 10  # never past the deadline
    assert str(raised.value) == "throttled after 3 attempts"


def test_every_attempt_waits_no_longer_than_the_time_left() -> None:
    # GIVEN a fast failure, then attempts that hang until their window closes
    clock = SteppedClock()
    windows: list[float] = []

    def attempt(seconds: float) -> None:
        windows.append(seconds)
        clock.now += 0.5 if len(windows) == 1 else seconds
        raise TimeoutError

    with pytest.raises(RetriesExhausted) as raised:
        call_with_retries(
            attempt,
            transient_cause=lambda e: UNREACHABLE,
            deadline=Deadline.after(7, clock),
            backoff=Backoff(base_seconds=1, cap_seconds=1),
            timing=clock.timing(random=1.0),
            limits=AttemptLimits(seconds=10.0),
        )
    # THEN the hung attempt waits only for what is left, and the deadline is never passed
    assert windows == [7.0, 5.5]
    assert clock.now == 100 + 7
    assert raised.value.attempts == 2


def test_no_attempt_starts_without_time_left() -> None:
    clock = SteppedClock()
    with pytest.raises(RetriesExhausted) as raised:
        call_with_retries(
            lambda seconds: "never",
            transient_cause=lambda e: None,
            deadline=Deadline.after(MIN_ATTEMPT_SECONDS / 2, clock),
            backoff=Backoff(),
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

    with pytest.raises(RetriesExhausted) as raised:
        call_with_retries(
            attempt,
            transient_cause=lambda e: UNREACHABLE,
            deadline=Deadline.after(300, clock),
            backoff=Backoff(),
            timing=clock.timing(),
            limits=AttemptLimits(seconds=3.0, unreachable_attempts=3),
        )
    assert calls == raised.value.attempts == 3
    assert clock.now < 100 + 10
