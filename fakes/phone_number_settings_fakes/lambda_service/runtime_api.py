"""The Lambda Runtime API for one execution environment, as awslambdaric calls it.

- ``GET /2018-06-01/runtime/invocation/next`` waits for an event, then answers it with
  the ``Lambda-Runtime-*`` headers; the deadline (epoch milliseconds, the wall clock that
  ``context.get_remaining_time_in_millis`` reads) is set when the event is handed out.
- ``POST .../invocation/{id}/response`` and ``.../{id}/error`` record the answer (202).
- ``POST /2018-06-01/runtime/init/error`` records a failed init (202).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Final

from phone_number_settings_fakes.http import LocalServer, QuietHandler, TrackingHTTPServer

PREFIX: Final = "/2018-06-01/runtime"


@dataclass
class RuntimeAnswer:
    """A POST to /response, /error or /init/error."""

    kind: str  # "response", "error" or "init_error"
    body: bytes
    received: float  # time.monotonic()

    @property
    def payload(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return self.body.decode("utf-8", "replace")


@dataclass
class QueuedEvent:
    """One event, and what the server learns of it."""

    request_id: str
    body: bytes
    timeout_seconds: float
    handed_out: float | None = None  # time.monotonic()
    deadline: float | None = None  # time.monotonic()
    answer: RuntimeAnswer | None = None
    abandoned: bool = False  # timed out: a late answer is refused
    trace_id: str = field(default_factory=lambda: f"Root=1-{secrets.token_hex(4)}-"
                          f"{secrets.token_hex(12)};Sampled=0")  # fmt: skip


class _Handler(QuietHandler):
    # Headers and body go out in two writes; with Nagle the body waits for a delayed ACK.
    disable_nagle_algorithm = True
    server: TrackingHTTPServer[RuntimeApi]

    def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path != f"{PREFIX}/invocation/next":
            self._reply(404, b'{"errorType":"UnknownPath"}')
            return
        event = self.server.owner.next_event()
        if event is None:  # shutting down
            self.close_connection = True
            return
        self._reply(
            200,
            event.body,
            {
                "Lambda-Runtime-Aws-Request-Id": event.request_id,
                "Lambda-Runtime-Deadline-Ms": str(
                    int((time.time() + event.timeout_seconds) * 1000)
                ),
                "Lambda-Runtime-Invoked-Function-Arn": self.server.owner.function_arn,
                "Lambda-Runtime-Trace-Id": event.trace_id,
            },
        )

    def do_POST(self) -> None:
        body = self.read_body()
        parts = self.path.removeprefix(PREFIX).split("/")  # ['', 'invocation', id, kind]
        if self.path == f"{PREFIX}/init/error":
            self.server.owner.record_init_error(RuntimeAnswer("init_error", body, time.monotonic()))
            self._reply(202, b'{"status":"OK"}')
        elif len(parts) == 4 and parts[1] == "invocation" and parts[3] in ("response", "error"):
            answer = RuntimeAnswer(parts[3], body, time.monotonic())
            status = self.server.owner.record_answer(parts[2], answer)
            self._reply(status, b'{"status":"OK"}' if status == 202 else b"{}")
        else:
            self._reply(404, b'{"errorType":"UnknownPath"}')


class RuntimeApi(LocalServer):
    """Serves one process; ``changed`` is notified on every event, answer and exit."""

    thread_name = "lambda-runtime-api"

    def __init__(self, function_arn: str) -> None:
        super().__init__()
        self.function_arn = function_arn
        self.changed = threading.Condition()
        self.ready_at: float | None = None  # the first /next: init is over
        self.init_error: RuntimeAnswer | None = None
        self.exit_code: int | None = None
        self._queue: deque[QueuedEvent] = deque()
        self._events: dict[str, QueuedEvent] = {}
        self._closed = False

    def make_server(self) -> TrackingHTTPServer[RuntimeApi]:
        return TrackingHTTPServer(_Handler, self)

    @property
    def address(self) -> str:
        """The value of AWS_LAMBDA_RUNTIME_API."""
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        with self.changed:
            self._closed = True
            self.changed.notify_all()
        super().stop()

    def enqueue(
        self, body: bytes, timeout_seconds: float, request_id: str | None = None
    ) -> QueuedEvent:
        """Queue an invocation; ``request_id`` given: a re-delivery of that invocation."""
        event = QueuedEvent(request_id or str(uuid.uuid4()), body, timeout_seconds)
        with self.changed:
            self._queue.append(event)
            self._events[event.request_id] = event
            self.changed.notify_all()
        return event

    def abandon(self, event: QueuedEvent) -> None:
        with self.changed:
            event.abandoned = True

    def process_exited(self, code: int) -> None:
        with self.changed:
            self.exit_code = code
            self.changed.notify_all()

    def next_event(self) -> QueuedEvent | None:
        with self.changed:
            if self.ready_at is None:
                self.ready_at = time.monotonic()
                self.changed.notify_all()
            self.changed.wait_for(lambda: bool(self._queue) or self._closed)
            if self._closed:
                return None
            event = self._queue.popleft()
            event.handed_out = time.monotonic()
            event.deadline = event.handed_out + event.timeout_seconds
            self.changed.notify_all()
            return event

    def record_answer(self, request_id: str, answer: RuntimeAnswer) -> int:
        with self.changed:
            event = self._events.get(request_id)
            if event is None or event.handed_out is None:
                return 400
            if event.answer is not None or event.abandoned:
                return 403
            event.answer = answer
            self.changed.notify_all()
            return 202

    def record_init_error(self, answer: RuntimeAnswer) -> None:
        with self.changed:
            self.init_error = answer
            self.changed.notify_all()
