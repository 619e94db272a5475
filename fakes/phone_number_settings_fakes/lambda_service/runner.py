"""Run a Lambda asset as Lambda would: its own process, the asset dir plus boto3 and nothing else.

``LambdaEnvironment.create(tmp)`` makes a virtualenv holding only boto3 (pinned by
constraints.txt) and copies ``runtime_emulator.py`` beside it. ``LambdaEnvironment.start``
launches ``python -I -B runtime_emulator.py <asset> <Handler> <Timeout> <MemorySize>`` with
a Lambda-like environment (no PYTHONPATH, no project source, no editable install): a file
missing from the asset is an import failure, as it would be in AWS.
"""

from __future__ import annotations

import contextlib
import json
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

from phone_number_settings_fakes.cloudformation.assembly import REPO_ROOT, FunctionSpec

EMULATOR_SOURCE: Final = Path(__file__).with_name("runtime_emulator.py")
CONSTRAINTS: Final = REPO_ROOT / "constraints.txt"
ACCOUNT_ID: Final = "123456789012"
# Time the runner grants past the function timeout before it calls the process hung.
KILL_GRACE_SECONDS: Final = 10.0
READY_TIMEOUT_SECONDS: Final = 120.0


class LambdaInitError(Exception):
    """The handler module could not be imported (Lambda's Runtime.ImportModuleError etc.)."""

    def __init__(self, message: dict[str, Any], stderr: str) -> None:
        super().__init__(f"{message.get('errorType')}: {message.get('errorMessage')}")
        self.message = message
        self.stderr = stderr


class LambdaProcessDied(Exception):
    """The process ended (or went silent) without answering."""


def create_boto3_venv(target: Path) -> Path:
    """A virtualenv with boto3 (and its dependencies) only; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True, capture_output=True)
    python = target / "bin" / "python"
    completed = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-c",
            str(CONSTRAINTS),
            "boto3",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"pip install boto3 failed:\n{completed.stdout}\n{completed.stderr}")
    return python


@dataclass(frozen=True)
class Endpoints:
    """Where the Lambda process's AWS calls go: the fake Chime and the responder's CA."""

    chime: str
    chime_sdk_voice: str
    ca_file: str


@dataclass
class LambdaEnvironment:
    """A boto3-only interpreter, the emulator script, and the AWS side of the environment."""

    python: Path
    emulator: Path
    workdir: Path
    endpoints: Endpoints
    region: str = "us-west-2"
    _counter: int = 0

    @classmethod
    def create(
        cls, workdir: Path, endpoints: Endpoints, region: str = "us-west-2"
    ) -> LambdaEnvironment:
        workdir.mkdir(parents=True, exist_ok=True)
        python = create_boto3_venv(workdir / "boto3-venv")
        return cls.with_python(python, workdir, endpoints, region)

    @classmethod
    def with_python(
        cls, python: Path, workdir: Path, endpoints: Endpoints, region: str = "us-west-2"
    ) -> LambdaEnvironment:
        workdir.mkdir(parents=True, exist_ok=True)
        emulator = workdir / "runtime" / EMULATOR_SOURCE.name
        emulator.parent.mkdir(exist_ok=True)
        shutil.copyfile(EMULATOR_SOURCE, emulator)
        return cls(
            python=python, emulator=emulator, workdir=workdir, endpoints=endpoints, region=region
        )

    def process_env(self, function: FunctionSpec, function_name: str) -> dict[str, str]:
        """What Lambda sets, the function's own variables, and the fakes' endpoints."""
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "LAMBDA_TASK_ROOT": str(function.asset_dir),
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime or 'python'}",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_LAMBDA_FUNCTION_NAME": function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function_name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/27/[$LATEST]0123456789abcdef",
            "AWS_ACCESS_KEY_ID": "ASIATESTINGTESTING00",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            # Any client not pointed at a fake goes nowhere rather than to AWS.
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
            "AWS_ENDPOINT_URL_CHIME": self.endpoints.chime,
            "AWS_ENDPOINT_URL_CHIME_SDK_VOICE": self.endpoints.chime_sdk_voice,
            "AWS_CONFIG_FILE": str(self.workdir / "absent-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.workdir / "absent-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "SSL_CERT_FILE": self.endpoints.ca_file,
        }
        env.update(function.environment)
        return env

    def start(self, function: FunctionSpec, function_name: str | None = None) -> LambdaProcess:
        """A new execution environment (cold) for ``function``; call ``wait_ready`` next."""
        self._counter += 1
        name = function_name or function.logical_id
        log_dir = self.workdir / "logs"
        log_dir.mkdir(exist_ok=True)
        log_path = log_dir / f"{name}-{self._counter}.log"
        return LambdaProcess.launch(
            [
                str(self.python),
                "-I",  # no PYTHON* variables, no user site, no script dir on sys.path
                "-B",  # like /var/task, the asset stays read-only: no __pycache__
                str(self.emulator),
                str(function.asset_dir),
                function.handler,
                str(function.timeout_seconds),
                str(function.memory_mb),
            ],
            env=self.process_env(function, name),
            cwd=function.asset_dir,
            log_path=log_path,
            timeout_seconds=function.timeout_seconds,
        )


@dataclass
class Invocation:
    """The emulator's answer to one event."""

    ok: bool
    duration_ms: float
    peak_memory_kib: int
    error_type: str | None = None
    error_message: str | None = None


@dataclass
class LambdaProcess:
    """One execution environment: a process that imports the handler once, then takes events."""

    process: subprocess.Popen[str]
    log_path: Path
    timeout_seconds: int
    launched_at: float
    _lines: queue.Queue[str | None] = field(default_factory=queue.Queue)
    ready_at: float | None = None
    init_ms: float | None = None
    peak_memory_kib: int = 0
    invocations: int = 0

    @classmethod
    def launch(
        cls,
        command: list[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        log_path: Path,
        timeout_seconds: int,
    ) -> LambdaProcess:
        log = log_path.open("w", encoding="utf-8")
        launched_at = time.monotonic()
        process = subprocess.Popen(
            command,
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        log.close()  # the child holds its own descriptor
        instance = cls(process, log_path, timeout_seconds, launched_at)
        threading.Thread(target=_pump, args=(process.stdout, instance._lines), daemon=True).start()
        return instance

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def _next(self, timeout: float) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise LambdaProcessDied(f"no answer within {timeout:.0f}s; log:\n{self.log}") from None
        if line is None:
            self.process.wait(timeout=5)
            raise LambdaProcessDied(
                f"process exited ({self.process.returncode}) without answering; log:\n{self.log}"
            )
        message: dict[str, Any] = json.loads(line)
        return message

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> LambdaProcess:
        """Wait for the init phase (module import) to end; LambdaInitError if it failed."""
        if self.ready_at is not None:
            return self
        message = self._next(timeout)
        if message["type"] != "ready":
            self.process.wait(timeout=5)
            raise LambdaInitError(message, self.log)
        self.ready_at = time.monotonic()
        self.init_ms = float(message["init_ms"])
        self.peak_memory_kib = int(message["peak_memory_kib"])
        return self

    def send(self, event: Mapping[str, Any]) -> None:
        """Hand an event to the (ready) process without waiting: see ``result``."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"event": event}) + "\n")
        self.process.stdin.flush()

    def result(self) -> Invocation:
        message = self._next(self.timeout_seconds + KILL_GRACE_SECONDS)
        if message["type"] == "timeout":
            self.process.wait(timeout=5)
            raise LambdaProcessDied(f"Task timed out after {self.timeout_seconds}s")
        self.invocations += 1
        self.peak_memory_kib = max(self.peak_memory_kib, int(message["peak_memory_kib"]))
        return Invocation(
            ok=bool(message["ok"]),
            duration_ms=float(message["duration_ms"]),
            peak_memory_kib=int(message["peak_memory_kib"]),
            error_type=message.get("errorType"),
            error_message=message.get("errorMessage"),
        )

    def invoke(self, event: Mapping[str, Any]) -> Invocation:
        self.wait_ready()
        self.send(event)
        return self.result()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """End the environment: EOF on stdin, then kill if it lingers."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        if self.alive:
            self.process.kill()
            self.process.wait(timeout=5)


def _pump(stream: IO[str] | None, lines: queue.Queue[str | None]) -> None:
    if stream is not None:
        for line in stream:
            lines.put(line)
    lines.put(None)
