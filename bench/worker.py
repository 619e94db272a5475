"""One benchmark run's Lambda fleet: N execution environments as threads of one process.

Started by ``bench.load`` with Lambda's environment and ``python -S -B``, seeing only the
synthesised asset, Lambda's runtime packages (boto3) and this folder, nothing of the
repository. Hundreds of real processes at once would not fit the machine, so each
simulated execution environment is a thread with handler state of its own: its own
crhelper object, boto3 clients and retry state, as in its own Lambda container.

Protocol on stdin/stdout, one JSON object per line: it reads ``{"handler": "ours" |
"full-jitter" | "boto3", "events": [...], "delays": [...], "timeout_seconds": T}``, builds
one environment per event, writes ``{"ready": true}``, waits for ``go``, then hands every
environment its event after its delay (0 s unless told; stacks deployed at once start a
little apart) and writes ``{"seconds": [...]}``: when each finished, counted from ``go``.
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import baseline_handler  # type: ignore[import-not-found]  # beside this file when run
import boto3

from phone_number_settings_chime.gateway import ChimeClients
from phone_number_settings_chime.retry import Backoff
from phone_number_settings_core.rules import Namespace
from phone_number_settings_lambda.handler import build_handler

Handler = Callable[[dict[str, Any], Any], None]


class Context:
    """Lambda's context object, its deadline set when the event is handed out."""

    def __init__(self, timeout_seconds: float) -> None:
        self._deadline = time.monotonic() + timeout_seconds
        self.aws_request_id = str(uuid.uuid4())
        self.function_name = "PhoneNumberSettingsBench"
        self.invoked_function_arn = "arn:aws:lambda:us-west-2:123456789012:function:Bench"
        self.memory_limit_in_mb = "256"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class FullJitter:
    """The plain capped full-jitter handler's waits: 0.5 s base, 5 s cap, nothing learnt."""

    def __init__(self) -> None:
        self._backoff = Backoff(base_seconds=0.5, cap_seconds=5.0)

    def before_call(self) -> float:
        return 0.0

    def before_retry(self, attempt: int) -> float:
        return self._backoff.delay(attempt, random.random)

    def accepted(self) -> None:
        pass

    def throttled(self) -> None:
        pass


def build(kind: str) -> Handler:
    """One execution environment: the asset's handler (ours or with full jitter), or boto3's."""
    if kind == "boto3":
        return baseline_handler.build(boto3.session.Session())  # type: ignore[no-any-return]
    clients = ChimeClients()
    clients.client(Namespace.CHIME_SDK_VOICE, "us-west-2")  # made at init, like Lambda's
    if kind == "full-jitter":
        return build_handler(clients=clients, pacing=lambda deadline: FullJitter())
    return build_handler(clients=clients)


def main() -> int:
    order = json.loads(sys.stdin.readline())
    events: list[dict[str, Any]] = order["events"]
    handlers = [build(order["handler"]) for _ in events]
    delays: list[float] = order.get("delays") or [0.0] * len(events)
    seconds: list[float] = [0.0] * len(events)
    start = threading.Event()
    went = [0.0]

    def serve(index: int) -> None:
        start.wait()
        time.sleep(delays[index])
        context = Context(float(order["timeout_seconds"]))
        handlers[index](events[index], context)
        seconds[index] = time.monotonic() - went[0]

    threads = [threading.Thread(target=serve, args=(i,), daemon=True) for i in range(len(events))]
    for thread in threads:
        thread.start()
    print(json.dumps({"ready": True}), flush=True)
    if sys.stdin.readline().strip() != "go":
        return 1
    went[0] = time.monotonic()
    start.set()
    for thread in threads:
        thread.join()
    print(json.dumps({"seconds": seconds}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
