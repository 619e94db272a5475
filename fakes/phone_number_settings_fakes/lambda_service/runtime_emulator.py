"""A tiny stand-in for the AWS Lambda Python runtime; copied into a temp dir and run alone.

Standalone on purpose: it imports nothing from this repository, so the process it runs in
sees only the standard library, the boto3-only environment and the asset directory.

    python -I -B runtime_emulator.py ASSET_DIR HANDLER TIMEOUT_SECONDS MEMORY_MB

Protocol, one JSON object per line: the emulator writes ``{"type": "ready", ...}`` once the
handler module is imported (Lambda's init phase), or ``{"type": "init_error", ...}`` and
exits 2 when it cannot be. Then, for every line read from stdin (``{"event": {...}}``), it
calls the handler with a fresh context whose remaining time counts down from
TIMEOUT_SECONDS, and writes ``{"type": "result", ...}``. Like Lambda, it kills itself
(exit 3, after writing ``{"type": "timeout"}``) when an invocation outlives the timeout.
The handler's own prints and logs go to stderr; stdout carries the protocol only.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import threading
import time
import traceback
import uuid
from typing import Any, TextIO

EXIT_INIT_ERROR = 2
EXIT_TIMEOUT = 3


class LambdaContext:
    """The attributes and method of Lambda's Python context object."""

    def __init__(self, timeout_seconds: float, memory_mb: int) -> None:
        self._deadline = time.monotonic() + timeout_seconds
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "function")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        region = os.environ.get("AWS_REGION", "us-east-1")
        self.invoked_function_arn = (
            f"arn:aws:lambda:{region}:123456789012:function:{self.function_name}"
        )
        self.memory_limit_in_mb = str(memory_mb)
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def peak_memory_kib() -> int:
    """VmHWM of this process (Linux), else ru_maxrss (KiB on Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def write(channel: TextIO, message: dict[str, Any]) -> None:
    channel.write(json.dumps(message) + "\n")
    channel.flush()


def main(argv: list[str]) -> int:
    started = time.monotonic()
    asset_dir, handler_string, timeout_text, memory_text = argv[1:5]
    timeout_seconds = float(timeout_text)
    memory_mb = int(memory_text)
    # The protocol keeps the real stdout; anything the function prints goes to stderr.
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    sys.path.insert(0, asset_dir)  # /var/task comes first, as in Lambda
    module_name, _, function_name = handler_string.replace("/", ".").rpartition(".")
    try:
        module = importlib.import_module(module_name)
        handler = getattr(module, function_name)
    except Exception as error:  # ImportError, SyntaxError, AttributeError, ...
        kind = "ImportModuleError" if isinstance(error, ImportError) else "UserCodeSyntaxError"
        if isinstance(error, AttributeError):
            kind = "HandlerNotFound"
        write(
            channel,
            {
                "type": "init_error",
                "errorType": f"Runtime.{kind}",
                "errorMessage": f"Unable to import module '{module_name}': {error}",
            },
        )
        return EXIT_INIT_ERROR
    write(
        channel,
        {
            "type": "ready",
            "init_ms": (time.monotonic() - started) * 1000,
            "peak_memory_kib": peak_memory_kib(),
        },
    )

    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        context = LambdaContext(timeout_seconds, memory_mb)
        watchdog = threading.Timer(timeout_seconds, _time_out, args=(channel,))
        watchdog.daemon = True
        watchdog.start()
        invoked = time.monotonic()
        result: dict[str, Any] = {"type": "result", "request_id": context.aws_request_id}
        try:
            returned = handler(request["event"], context)
            result.update(ok=True, returned=returned)
        except Exception as error:  # Lambda reports a function error and keeps the container
            result.update(
                ok=False,
                errorType=type(error).__name__,
                errorMessage=str(error),
                stackTrace=traceback.format_exception(error),
            )
        finally:
            watchdog.cancel()
        result.update(
            duration_ms=(time.monotonic() - invoked) * 1000, peak_memory_kib=peak_memory_kib()
        )
        try:
            write(channel, result)
        except TypeError:  # a return value JSON cannot carry
            result["returned"] = repr(result.get("returned"))
            write(channel, result)
    return 0


def _time_out(channel: TextIO) -> None:
    write(channel, {"type": "timeout"})
    os._exit(EXIT_TIMEOUT)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
