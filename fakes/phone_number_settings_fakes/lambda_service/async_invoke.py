"""Lambda's asynchronous invocation, as CloudFormation's events meet it.

CloudFormation invokes a custom resource's function asynchronously. An event goes to an
execution environment of the function (kept warm, or a new one each time); a function
error (an exception, a crash, an init or import error, a timeout) is retried
``retries`` times under the same request id, and the at-least-once queue may hand the
same event over again (``duplicates``). The retries' waits (about 1 and 2 minutes) are
not waited here. What the function PUTs to the event's ResponseURL is collected; the
first answer is the one CloudFormation takes.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from phone_number_settings_fakes.cloudformation.assembly import FunctionSpec
from phone_number_settings_fakes.cloudformation.responder import CfnResponder
from phone_number_settings_fakes.lambda_service.runner import (
    ExecutionEnvironment,
    Invocation,
    LambdaEnvironment,
    LambdaInitError,
)

# Lambda's retries of a failed asynchronous invocation, and how long an event may wait in
# its queue, without an EventInvokeConfig.
DEFAULT_RETRY_ATTEMPTS: Final = 2
DEFAULT_MAX_EVENT_AGE_SECONDS: Final = 6 * 3600.0
# crhelper answers before the handler returns; this covers a PUT still on its way.
RESPONSE_GRACE_SECONDS: Final = 1.0


@dataclass(frozen=True)
class Delivered:
    """How one event went: deliveries made, the errors Lambda saw, the new responses."""

    request_id: str
    deliveries: int
    errors: tuple[str, ...]
    responses: tuple[Mapping[str, Any], ...]
    seconds: float


class AsyncInvoker:
    """Delivers events to the execution environments of the functions it has started."""

    def __init__(self, runtime: LambdaEnvironment, responder: CfnResponder, warm: bool) -> None:
        self.runtime = runtime
        self.responder = responder
        self.warm = warm
        self._processes: dict[str, ExecutionEnvironment] = {}
        self._started: list[ExecutionEnvironment] = []

    def deliver(
        self,
        function: FunctionSpec,
        function_name: str,
        event: Mapping[str, Any],
        *,
        request_id: str,
        retries: int = DEFAULT_RETRY_ATTEMPTS,
        duplicates: int = 0,
    ) -> Delivered:
        url = str(event["ResponseURL"])
        seen = len(self.responder.responses(url))
        started = time.monotonic()
        errors: list[str] = []
        deliveries = 0
        for _attempt in range(1 + retries):
            invocation = self._invoke(function, function_name, event, request_id)
            deliveries += 1
            if invocation.ok:
                break
            errors.append(f"{invocation.error_type}: {invocation.error_message}")
        for _duplicate in range(duplicates):
            self._invoke(function, function_name, event, request_id)
            deliveries += 1
        try:
            responses = self.responder.wait_for(url, seen + 1, RESPONSE_GRACE_SECONDS)[seen:]
        except TimeoutError:
            responses = []
        return Delivered(
            request_id, deliveries, tuple(errors), tuple(responses), time.monotonic() - started
        )

    def function_log(self) -> str:
        """What the functions wrote, every execution environment started, oldest first."""
        return "".join(environment.log for environment in self._started)

    def close(self) -> None:
        for process in self._processes.values():
            process.close()
        self._processes.clear()

    def _invoke(
        self,
        function: FunctionSpec,
        function_name: str,
        event: Mapping[str, Any],
        request_id: str,
    ) -> Invocation:
        process = self._process(function, function_name)
        try:
            return process.invoke(event, request_id)
        except LambdaInitError as error:
            return Invocation(
                ok=False,
                duration_ms=0.0,
                peak_memory_kib=0,
                request_id=request_id,
                error_type=str(error.message.get("errorType")),
                error_message=str(error.message.get("errorMessage")),
            )
        finally:
            if not self.warm:
                process.close()

    def _process(self, function: FunctionSpec, function_name: str) -> ExecutionEnvironment:
        process = self._processes.get(function_name)
        if process is None or not process.alive or not self.warm:
            process = self.runtime.start(function, function_name)
            self._processes[function_name] = process
            self._started.append(process)
        return process
