"""Test controls of the CloudFormation API stand-in: refusals, throttling, dropped
connections, and the log of calls received. Apart from the model (``stacks``): they say
what goes wrong on the way, not what CloudFormation holds."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from phone_number_settings_fakes.cloudformation.stacks import ACCOUNT_ID, CloudFormationError

REFUSE: Final = "refuse"
THROTTLE: Final = "throttle"
DROP: Final = "drop"
# Status of a call record whose connection was closed without any answer.
DROPPED: Final = 0


@dataclass(frozen=True)
class ApiCall:
    """One request as the stand-in received it; ``status`` is DROPPED for no answer."""

    action: str
    params: Mapping[str, str]
    region: str | None
    status: int
    error_code: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Fault:
    kind: str
    action: str | None
    remaining: int | None  # None: every matching call from now on

    def matches(self, action: str) -> bool:
        return self.action in (None, action) and (self.remaining is None or self.remaining > 0)


class ApiControls:
    """What the next calls meet before the model answers them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[_Fault] = []
        self._calls: list[ApiCall] = []

    def refuse(self, action: str | None = None, times: int | None = None) -> None:
        """Answer AccessDenied (as a role without the permission gets), ``times`` times or
        for good, for ``action`` or every action."""
        self._add(_Fault(REFUSE, action, times))

    def throttle(self, times: int, action: str | None = None) -> None:
        """Answer ``Throttling: Rate exceeded`` to the next ``times`` matching calls."""
        self._add(_Fault(THROTTLE, action, times))

    def drop_connections(self, times: int, action: str | None = None) -> None:
        """Close the connection of the next ``times`` matching calls without an answer."""
        self._add(_Fault(DROP, action, times))

    def reset(self) -> None:
        with self._lock:
            self._faults.clear()
            self._calls.clear()

    def calls(self, action: str | None = None) -> list[ApiCall]:
        with self._lock:
            return [call for call in self._calls if action in (None, call.action)]

    def record(self, call: ApiCall) -> None:
        with self._lock:
            self._calls.append(call)

    def take(self, action: str) -> str | None:
        """The fault this call meets (REFUSE, THROTTLE, DROP), used up; None: no fault."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(action):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    return fault.kind
            return None

    def _add(self, fault: _Fault) -> None:
        if fault.remaining is not None and fault.remaining < 1:
            raise ValueError("times must be at least 1 (or None: for good)")
        with self._lock:
            self._faults.append(fault)


def access_denied(action: str, resource: str) -> CloudFormationError:
    """The error IAM gives a role whose policies do not allow ``action`` on ``resource``."""
    return CloudFormationError(
        "AccessDenied",
        f"User: arn:aws:sts::{ACCOUNT_ID}:assumed-role/provider-role/function is not "
        f"authorized to perform: cloudformation:{action} on resource: {resource} because "
        f"no identity-based policy allows the cloudformation:{action} action",
        status=403,
    )


def throttled() -> CloudFormationError:
    return CloudFormationError("Throttling", "Rate exceeded")
