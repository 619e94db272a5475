"""Backoff and the retry loop, on an injected clock: no real sleeping."""

from __future__ import annotations

import pytest

from phone_number_settings_lambda.retry import (
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


def test_retries_transient_errors_until_success() -> None:
    clock = SteppedClock()
    outcomes: list[Exception | str] = [Throttled(), Throttled(), "done"]

    def call() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    result = call_with_retries(
        call,
        transient_cause=lambda e: "throttled" if isinstance(e, Throttled) else None,
        deadline=Deadline.after(60, clock),
        backoff=Backoff(base_seconds=1, cap_seconds=8),
        timing=clock.timing(random=0.5),
    )
    assert result == "done"
    assert clock.sleeps == [0.5, 1.0]


def test_non_transient_error_is_raised_at_once() -> None:
    calls = 0

    def call() -> None:
        nonlocal calls
        calls += 1
        raise KeyError("boom")

    with pytest.raises(KeyError):
        call_with_retries(
            call,
            transient_cause=lambda e: None,
            deadline=Deadline.after(60),
            backoff=Backoff(),
            timing=Timing(),
        )
    assert calls == 1


def test_stops_before_the_deadline_counting_the_slowest_attempt() -> None:
    clock = SteppedClock()

    def call() -> None:
        clock.now += 2.0  # each attempt takes two seconds
        raise Throttled()

    with pytest.raises(RetriesExhausted) as raised:
        call_with_retries(
            call,
            transient_cause=lambda e: "throttled",
            deadline=Deadline.after(10, clock),
            backoff=Backoff(base_seconds=1, cap_seconds=1),
            timing=clock.timing(random=1.0),
        )
    assert raised.value.cause == "throttled"
    assert raised.value.attempts == 3
    assert clock.now <= 100 + 10  # never past the deadline
    assert str(raised.value) == "throttled after 3 attempts"
