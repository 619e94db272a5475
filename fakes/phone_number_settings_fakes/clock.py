"""The one virtual clock of tests, fakes and benchmarks: time moves only when told to.

Pass the instance wherever a ``clock`` is taken (the fake Chime, a Deadline, Timing) and
its ``sleep`` as the ``sleep``: code that backs off then waits no real time.
"""

from __future__ import annotations

from phone_number_settings_chime.deadline import Timing


class SteppedClock:
    """A monotonic clock at ``now``; ``sleep`` moves it and records each sleep in ``sleeps``."""

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
