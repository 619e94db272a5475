"""Run a synthesised Lambda asset as Lambda does: under the real runtime interface client.

``LambdaEnvironment.create(workdir, endpoints)`` copies boto3 and ``awslambdaric`` into a
stand-in for Lambda's /var/runtime (``runtime_dir``). ``LambdaEnvironment.start`` then
launches one execution environment::

    <base python> -S -B -m awslambdaric <Handler>     cwd=<asset>, PYTHONPATH=<asset>:<runtime>

with the environment Lambda gives a function (its variables from the template, the log
format and level of its LoggingConfig) and a Runtime API server of its own
(``runtime_api``). ``-S`` keeps every site-packages off ``sys.path``, so the process sees
the standard library, the runtime dir and the asset, nothing else (``-I`` and ``-E``
would drop PYTHONPATH); ``-B`` writes no bytecode into the asset. Like Lambda, an event
that outlives the function's Timeout gets its process group killed, and the next event
starts a new process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from phone_number_settings_fakes.cloudformation.assembly import FunctionSpec
from phone_number_settings_fakes.lambda_service.runtime_api import QueuedEvent, RuntimeApi
from phone_number_settings_fakes.lambda_service.runtime_dir import build_runtime_dir

ACCOUNT_ID: Final = "123456789012"
# Lambda's limit for the init phase of an on-demand function.
INIT_TIMEOUT_SECONDS: Final = 10.0
RUNTIME_NAME: Final = "AWS_Lambda_python3.14"


class LambdaInitError(Exception):
    """The handler module could not be loaded (Runtime.ImportModuleError etc.)."""

    def __init__(self, message: Mapping[str, Any], log: str) -> None:
        super().__init__(f"{message.get('errorType')}: {message.get('errorMessage')}")
        self.message = message
        self.log = log


@dataclass(frozen=True)
class Endpoints:
    """Where the function's AWS calls go: the fake Chime, the CloudFormation API stand-in
    when one is up (None: its calls go nowhere, as every other client's), and the CA file
    that the HTTPS fakes' certificates chain to."""

    chime: str
    chime_sdk_voice: str
    ca_file: str
    cloudformation: str | None = None


@dataclass(frozen=True)
class Invocation:
    """How one event ended, as the caller of Lambda sees it."""

    ok: bool
    duration_ms: float
    peak_memory_kib: int
    request_id: str = ""
    error_type: str | None = None
    error_message: str | None = None
    timed_out: bool = False


def base_python() -> str:
    """The interpreter behind this (virtual) environment, with none of its packages."""
    candidate = Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    return str(candidate) if candidate.is_file() else sys.executable


@dataclass
class LambdaEnvironment:
    """The runtime dir and the AWS side shared by every execution environment started."""

    runtime_dir: Path
    workdir: Path
    endpoints: Endpoints
    region: str = "us-west-2"

    @classmethod
    def create(
        cls, workdir: Path, endpoints: Endpoints, region: str = "us-west-2"
    ) -> LambdaEnvironment:
        runtime_dir = build_runtime_dir(workdir / "runtime")
        return cls(runtime_dir, workdir, endpoints, region)

    def function_env(self, function: FunctionSpec, name: str, api: str) -> dict[str, str]:
        """What Lambda sets, the function's own variables, and the fakes' endpoints."""
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "PYTHONPATH": f"{function.asset_dir}{os.pathsep}{self.runtime_dir}",
            "AWS_LAMBDA_RUNTIME_API": api,
            "_HANDLER": function.handler,
            "LAMBDA_TASK_ROOT": str(function.asset_dir),
            "LAMBDA_RUNTIME_DIR": str(self.runtime_dir),
            "AWS_EXECUTION_ENV": RUNTIME_NAME,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/27/[$LATEST]0123456789abcdef",
            "AWS_LAMBDA_LOG_FORMAT": function.log_format,
            "AWS_ACCESS_KEY_ID": "ASIATESTINGTESTING00",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            # Any client not pointed at a fake goes nowhere rather than to AWS.
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
            "AWS_ENDPOINT_URL_CHIME": self.endpoints.chime,
            "AWS_ENDPOINT_URL_CHIME_SDK_VOICE": self.endpoints.chime_sdk_voice,
            # Not set by Lambda: keeps the developer's ~/.aws out of the function.
            "AWS_CONFIG_FILE": str(self.workdir / "absent-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.workdir / "absent-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "SSL_CERT_FILE": self.endpoints.ca_file,
            # botocore trusts its own CA bundle, not SSL_CERT_FILE: this is how its HTTPS
            # clients (the CloudFormation stand-in's) trust the fakes' CA.
            "AWS_CA_BUNDLE": self.endpoints.ca_file,
        }
        if self.endpoints.cloudformation is not None:
            env["AWS_ENDPOINT_URL_CLOUDFORMATION"] = self.endpoints.cloudformation
        if function.application_log_level is not None:  # only when LoggingConfig sets it
            env["AWS_LAMBDA_LOG_LEVEL"] = function.application_log_level
        env.update(function.environment)
        return env

    def start(self, function: FunctionSpec, name: str | None = None) -> ExecutionEnvironment:
        """A new execution environment (cold) for ``function``; see ``wait_ready``."""
        name = name or function.logical_id
        api = RuntimeApi(f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{name}").start()
        log_dir = self.workdir / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log_path = log_dir / f"{name}-{time.monotonic_ns()}.log"
        with log_path.open("wb") as log:
            launched_at = time.monotonic()
            process = subprocess.Popen(
                [base_python(), "-S", "-B", "-m", "awslambdaric", function.handler],
                cwd=function.asset_dir,
                env=self.function_env(function, name, api.address),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as a whole
            )
        environment = ExecutionEnvironment(process, api, function, log_path, launched_at)
        threading.Thread(
            target=lambda: api.process_exited(process.wait()), name="lambda-exit", daemon=True
        ).start()
        return environment


class ExecutionEnvironment:
    """One process serving one event at a time, until it is closed or times out."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        api: RuntimeApi,
        function: FunctionSpec,
        log_path: Path,
        launched_at: float,
    ) -> None:
        self.process = process
        self.function = function
        self.log_path = log_path
        self.launched_at = launched_at
        self.ready_at: float | None = None
        self.peak_memory_kib = 0
        self._api = api
        self._pending: QueuedEvent | None = None

    @property
    def init_ms(self) -> float | None:
        return None if self.ready_at is None else (self.ready_at - self.launched_at) * 1000

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, timeout: float = INIT_TIMEOUT_SECONDS) -> ExecutionEnvironment:
        """Wait for the init phase to end; LambdaInitError if it failed."""
        api = self._api
        with api.changed:
            api.changed.wait_for(
                lambda: (
                    api.ready_at is not None
                    or api.init_error is not None
                    or api.exit_code is not None
                ),
                timeout,
            )
            self.ready_at = api.ready_at
            failure = api.init_error
        if self.ready_at is None:
            self.close()
            message = failure.payload if failure is not None else {}
            if not isinstance(message, dict) or not message:
                message = {"errorType": "Runtime.ExitError", "errorMessage": "init failed"}
            raise LambdaInitError(message, self.log)
        self._sample_memory()
        return self

    def send(self, event: Mapping[str, Any], request_id: str | None = None) -> None:
        """Hand an event to the (ready) process without waiting: see ``result``.

        ``request_id`` re-delivers an invocation under its own request id, as Lambda's
        asynchronous queue does when it retries an event or delivers it twice; None: a new
        invocation.
        """
        if self._pending is not None:
            raise RuntimeError("one event at a time")
        body = json.dumps(event).encode()
        self._pending = self._api.enqueue(
            body, float(self.function.timeout_seconds), request_id=request_id
        )

    def result(self) -> Invocation:
        """Wait for the answer, or kill the process when the Timeout passes."""
        event, self._pending = self._pending, None
        if event is None:
            raise RuntimeError("nothing was sent")
        api = self._api
        with api.changed:
            while event.answer is None and api.exit_code is None:
                if event.deadline is not None and time.monotonic() >= event.deadline:
                    break
                wait = None if event.deadline is None else event.deadline - time.monotonic()
                api.changed.wait(INIT_TIMEOUT_SECONDS if wait is None else max(wait, 0.0))
        answer = event.answer
        started = event.handed_out or time.monotonic()
        ended = answer.received if answer is not None else time.monotonic()
        duration_ms = (ended - started) * 1000
        if answer is None:
            api.abandon(event)
            timed_out = api.exit_code is None
            self.close()
            return Invocation(
                ok=False,
                duration_ms=duration_ms,
                peak_memory_kib=self.peak_memory_kib,
                request_id=event.request_id,
                error_type="Sandbox.Timedout" if timed_out else "Runtime.ExitError",
                error_message=f"Task timed out after {self.function.timeout_seconds} seconds"
                if timed_out
                else f"Runtime exited with error: exit status {api.exit_code}",
                timed_out=timed_out,
            )
        self._sample_memory()
        payload = answer.payload if answer.kind == "error" else {}
        error = payload if isinstance(payload, dict) else {}
        return Invocation(
            ok=answer.kind == "response",
            duration_ms=duration_ms,
            peak_memory_kib=self.peak_memory_kib,
            request_id=event.request_id,
            error_type=error.get("errorType"),
            error_message=error.get("errorMessage"),
        )

    def invoke(self, event: Mapping[str, Any], request_id: str | None = None) -> Invocation:
        self.wait_ready()
        self.send(event, request_id)
        return self.result()

    def close(self) -> None:
        """End the environment: kill its process group, stop its Runtime API."""
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._api.stop()

    def _sample_memory(self) -> None:
        """VmHWM (peak resident memory) of the process, read from outside."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                self.peak_memory_kib = max(self.peak_memory_kib, int(line.split()[1]))
