"""``make bench``: many resources created at once against a strict rate limit, as a grid.

Each case of the grid (``bench/grid.py``) is a row (token bucket burst 1 or 5; 30
resources at 5 requests/s, 60 at 1 request/s) and what each function is told about how many
resources share it: the real count, a tenth of it, or nothing (the shared provider); one
more case deploys 10 stacks of 3 at once, each with its own provider told 3. Every case runs
our handler; each row also runs two baselines that ignore the count, each run against a
fresh fake Chime service:

- ``ours``: the synthesised asset's handler with its adaptive retry policy;
- ``full jitter``: the same handler with plain capped full jitter (0.5 s base, 5 s cap);
- ``boto3``: a usual crhelper handler with boto3's default (legacy) retries and no diff.

Each run's fleet is one worker process (``bench/worker.py``) that sees only the asset and
Lambda's runtime packages and holds one simulated execution environment per resource.
While a run lasts, a neighbour reads one number at a fifth of the rate without retrying,
as another application of the account would. Figures per run: wall time over the lower
bound (accepted calls / rate: a 429 takes no token), 429 answers per successful call, the
neighbour's 429 share, and FAILED resources. The slow 1 request/s runs go in parallel with
the others, the others two at a time. Prints a legend and each target beside its figure;
writes the figures (JSON and Markdown) to ``bench/results/`` and the trade-off plot to
``docs/images/bench-tradeoff.png``. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import boto3
from botocore.config import Config

from bench.grid import CASES, REAL, TOLD, Case
from bench.report import RunResult, write_report
from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer
from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer
from phone_number_settings_fakes.cloudformation.assembly import (
    EXAMPLE_STACK,
    CloudAssembly,
    CustomResourceSpec,
    FunctionSpec,
    synth_example_app,
)
from phone_number_settings_fakes.cloudformation.driver import CloudFormationDriver
from phone_number_settings_fakes.lambda_service.runner import (
    Endpoints,
    LambdaEnvironment,
    base_python,
)
from phone_number_settings_lambda import RESOURCES_SERVED_VARIABLE

BENCH_DIR: Final = Path(__file__).resolve().parent
HANDLERS: Final = ("ours", "full jitter", "boto3")
NEIGHBOUR_NUMBER: Final = "+12065559999"
NEIGHBOUR_SHARE: Final = 0.2  # of the rate
STACK_SPREAD_SECONDS: Final = 2.0  # stacks deployed at once start within this of each other


@dataclass(frozen=True)
class Fleet:
    """What every run needs: the asset, Lambda's runtime packages, the worker's code."""

    function: FunctionSpec
    spec: CustomResourceSpec
    runtime: LambdaEnvironment
    code_dir: Path
    responder: CfnResponder

    def environment(
        self, server: FakeChimeServer, stacks: FakeCloudFormationServer, resources: int | None
    ) -> dict[str, str]:
        runtime = LambdaEnvironment(
            self.runtime.runtime_dir,
            self.runtime.workdir,
            Endpoints(
                server.endpoint_url("chime"),
                server.endpoint_url("chime-sdk-voice"),
                self.responder.ca_path,
                cloudformation=stacks.endpoint_url,
            ),
        )
        env = runtime.function_env(self.function, "Bench", "127.0.0.1:9")
        env["PYTHONPATH"] = os.pathsep.join(
            [str(self.function.asset_dir), str(self.runtime.runtime_dir), str(self.code_dir)]
        )
        # The synthesised function is told its stack's count; "nothing" takes it away.
        env.pop(RESOURCES_SERVED_VARIABLE, None)
        if resources is not None:
            env[RESOURCES_SERVED_VARIABLE] = str(resources)
        return env


def number(index: int) -> str:
    return f"+1206555{1000 + index:04d}"


def run(fleet: Fleet, case: Case, handler: str) -> RunResult:
    """One handler's fleet against a fresh fake Chime limited as ``case.row`` says."""
    row = case.row
    draws = random.Random(f"{case.label} {case.told} {handler}")
    stack_starts = [draws.uniform(0.0, STACK_SPREAD_SECONDS) for _ in range(case.stacks)]
    delays = [0.0] * row.resources
    if case.stacks > 1:
        delays = [stack_starts[index // case.per_stack] for index in range(row.resources)]
    with (
        FakeChimeServer(ChimeBackend()) as server,
        FakeCloudFormationServer(trust=fleet.responder.trust) as stacks,
    ):
        chime = server.backend
        for index in range(row.resources):
            chime.seed_number(number(index), product_type="VoiceConnector")
        chime.seed_number(NEIGHBOUR_NUMBER)
        driver = CloudFormationDriver(
            fleet.runtime, fleet.responder, stack_name="Bench", stacks=stacks.backend
        )
        driver.put_stack("CREATE_IN_PROGRESS")  # the creates below are one stack's creation
        events = [
            driver.event(
                "Create",
                fleet.spec,
                {
                    "PhoneNumberId": number(index),
                    "ProductType": "SipMediaApplicationDialIn",
                    "CallingName": f"Line {index}",
                },
            )
            for index in range(row.resources)
        ]
        worker = subprocess.Popen(
            [base_python(), "-S", "-B", str(fleet.code_dir / "worker.py")],
            env=fleet.environment(server, stacks, case.resources_served()),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert worker.stdin is not None
        assert worker.stdout is not None
        order = {
            "handler": handler.replace(" ", "-"),
            "events": events,
            "delays": delays,
            "timeout_seconds": fleet.function.timeout_seconds,
        }
        worker.stdin.write(json.dumps(order) + "\n")
        worker.stdin.flush()
        if json.loads(worker.stdout.readline()).get("ready") is not True:
            raise RuntimeError(f"{case.label} {handler}: the worker did not start")
        chime.set_rate_limit(row.rate, burst=row.burst)
        neighbour = Neighbour(server, row.rate * NEIGHBOUR_SHARE)
        neighbour.start()
        started = time.monotonic()
        worker.stdin.write("go\n")
        worker.stdin.flush()
        finished = json.loads(worker.stdout.readline())
        wall = max(finished["seconds"]) if finished.get("seconds") else time.monotonic() - started
        neighbour.stop()
        worker.wait(timeout=30)
        ours = [c for c in chime.calls() if c.phone_number_id != NEIGHBOUR_NUMBER]
    throttled = sum(1 for c in ours if c.status == 429)
    accepted = len(ours) - throttled
    successes = sum(1 for c in ours if 200 <= c.status < 300)
    failed = 0
    for event in events:
        responses = fleet.responder.responses(event["ResponseURL"])
        failed += not responses or responses[0].get("Status") != "SUCCESS"
    return RunResult(
        case=case,
        handler=handler,
        resources=row.resources,
        failed=failed,
        wall_seconds=round(wall, 1),
        accepted=accepted,
        throttled=throttled,
        wall_over_bound=round(wall / (accepted / row.rate), 3) if accepted else float("inf"),
        throttled_per_success=round(throttled / max(successes, 1), 2),
        neighbour_calls=neighbour.calls,
        neighbour_throttled_share=round(neighbour.throttled / max(neighbour.calls, 1), 3),
    )


class Neighbour:
    """Another application of the account: reads one number at a fixed rate, no retries."""

    def __init__(self, server: FakeChimeServer, rate: float) -> None:
        self._period = 1.0 / rate
        self._client = boto3.client(
            "chime-sdk-voice",
            endpoint_url=server.endpoint_url("chime-sdk-voice"),
            region_name="us-west-2",
            aws_access_key_id="neighbour",
            aws_secret_access_key="neighbour",
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="neighbour", daemon=True)
        self.calls = self.throttled = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _read(self) -> None:
        next_at = time.monotonic()
        while not self._stop.wait(max(0.0, next_at - time.monotonic())):
            next_at += self._period
            try:
                self._client.get_phone_number(PhoneNumberId=NEIGHBOUR_NUMBER)
            except self._client.exceptions.ThrottledClientException:
                self.throttled += 1
            self.calls += 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument(
        "--handlers", nargs="+", default=list(HANDLERS), choices=HANDLERS, metavar="HANDLER"
    )
    parser.add_argument(
        "--told", nargs="+", default=list(TOLD), choices=TOLD, help="columns to run (all)"
    )
    args = parser.parse_args(argv)
    began = time.monotonic()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="pns-bench-") as tmp, CfnResponder() as responder:
        workdir = Path(tmp)
        print("cdk synth (pinned CDK CLI) ...", flush=True)
        template = CloudAssembly(synth_example_app(workdir / "cdk.out").outdir).stack(EXAMPLE_STACK)
        (spec, *_) = template.custom_resources()
        code_dir = workdir / "bench-code"
        code_dir.mkdir()
        for name in ("worker.py", "baseline_handler.py"):
            shutil.copyfile(BENCH_DIR / name, code_dir / name)
        fleet = Fleet(
            template.function(spec.function_logical_id),
            spec,
            LambdaEnvironment.create(workdir / "lambda", Endpoints("", "", responder.ca_path)),
            code_dir,
            responder,
        )
        # The baselines ignore the count: they run once per row, beside the real count.
        runs = [
            (case, handler)
            for case in CASES
            for handler in args.handlers
            if case.told in args.told
            and (handler == "ours" or (case.told == REAL and case.stacks == 1))
        ]
        slow = [(case, h) for case, h in runs if case.row.rate < 2]
        fast = [(case, h) for case, h in runs if case.row.rate >= 2]
        results: dict[tuple[Case, str], RunResult] = {}

        def finish(key: tuple[Case, str], result: RunResult) -> None:
            results[key] = result
            print(f"  done: {key[0].label}, told {key[0].told_label}, {key[1]}", flush=True)

        with ThreadPoolExecutor(max_workers=len(slow) or 1) as background, ThreadPoolExecutor(
            max_workers=2
        ) as foreground:  # fmt: skip
            slow_runs = {background.submit(run, fleet, c, h): (c, h) for c, h in slow}
            fast_runs = {foreground.submit(run, fleet, c, h): (c, h) for c, h in fast}
            for future, key in [*fast_runs.items(), *slow_runs.items()]:
                finish(key, future.result())
    ordered = [results[key] for key in runs]
    seconds = time.monotonic() - began
    load_after = os.getloadavg()
    command = " ".join(["python -m bench.load", *(sys.argv[1:] if argv is None else argv)])
    write_report(
        ordered,
        command=command,
        took=f"{seconds:.0f} s on {os.cpu_count()} CPUs; load average "
        f"{load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end",
        stamp=datetime.now(UTC),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
