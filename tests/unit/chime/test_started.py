"""A call started on a daemon thread now, its result awaited later within a bound."""

from __future__ import annotations

import threading

import pytest

from phone_number_settings_chime.gateway import AttemptTimedOut, Started


class TestStarted:
    def test_the_value_or_the_error_of_the_call(self) -> None:
        assert Started(lambda: 42).result(5) == 42
        with pytest.raises(ZeroDivisionError, match="by zero"):
            Started(lambda: 1 // 0).result(5)

    def test_a_call_that_has_not_answered_in_time(self) -> None:
        release = threading.Event()
        started = Started(lambda: release.wait(10))
        with pytest.raises(AttemptTimedOut, match=r"no answer within 0\.0 s"):
            started.result(0.01)
        release.set()
        assert started.result(5) is True
        assert started.result(0) is True
