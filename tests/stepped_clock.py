"""A clock for tests: time moves only when the code under test sleeps. No real waiting."""

from __future__ import annotations

from phone_number_settings_chime.deadline import Timing


class SteppedClock:
    """Pass the instance as ``clock`` and its ``sleep`` as ``sleep``; ``sleeps`` records them."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def timing(self, random: float = 0.5) -> Timing:
        """Timing on this clock, with a fixed draw for the jitter."""
        return Timing(clock=self, sleep=self.sleep, random=lambda: random)
