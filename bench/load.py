"""``make bench``: N resources created at once against a rate-limited fake Chime.

Everything runs through the e2e runner: the real synthesised asset (cdk CLI) in one
boto3-only Lambda process per resource, and a baseline handler (bench/baseline_handler.py)
run the same way, side by side against the same fake. Figures are printed as a table and
written as JSON to bench/results/ (not committed). Not a test: nothing here asserts.

The machine has 2 cores, so all N processes are started and their cold imports finish
first; then every process gets its Create event at the same moment (a line on its stdin).
The wall time measured is the contention for Chime, not N imports sharing 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer
from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_fakes.cloudformation.assembly import (
    EXAMPLE_STACK,
    CloudAssembly,
    CustomResourceSpec,
    FunctionSpec,
    synth_example_app,
    zipped_size,
)
from phone_number_settings_fakes.cloudformation.driver import CloudFormationDriver, check_response
from phone_number_settings_fakes.lambda_service.runner import (
    Endpoints,
    ExecutionEnvironment,
    LambdaEnvironment,
)

RESULTS_DIR = Path(__file__).resolve().parent / "results"
BASELINE_SOURCE = Path(__file__).resolve().parent / "baseline_handler.py"
TARGET_WALL_RATIO = 1.3
CALLS_PER_RESOURCE_MINIMUM = 3  # GetPhoneNumber + ProductType + CallingName


@dataclass
class LoadResult:
    handler: str
    resources: int
    rate_per_second: float
    failed: int
    failed_reasons: list[str]
    wall_seconds: float
    chime_calls: int
    accepted_calls: int
    throttled_calls: int
    minimum_calls: int
    lower_bound_seconds: float
    wall_over_lower_bound: float
    throttled_per_success: float
    calls_over_minimum: float
    cold_start_under_contention_median_ms: float
    cold_start_under_contention_max_ms: float
    peak_memory_kib: int


@dataclass
class LatencyResult:
    samples: int
    cold_create_median_ms: float
    cold_create_max_ms: float
    init_median_ms: float
    warm_update_median_ms: float
    delete_median_ms: float
    peak_memory_kib: int


def number(index: int) -> str:
    return f"+1206555{1000 + index:04d}"


def resource_spec(function: FunctionSpec, index: int) -> CustomResourceSpec:
    return CustomResourceSpec(
        logical_id=f"Line{index:03d}",
        function_logical_id=function.logical_id,
        properties={
            "ServiceTimeout": "360",
            "PhoneNumberId": number(index),
            "ProductType": "SipMediaApplicationDialIn",
            "CallingName": f"Line {index}",
        },
        deletion_policy="Delete",
        update_replace_policy="Delete",
    )


def run_load(
    label: str,
    function: FunctionSpec,
    *,
    n: int,
    rate: float,
    minimum_per_resource: int,
    runtime: LambdaEnvironment,
    driver: CloudFormationDriver,
    chime: ChimeBackend,
) -> LoadResult:
    chime.reset()
    for index in range(n):
        chime.seed_number(number(index), product_type="VoiceConnector")
    print(f"[{label}] starting {n} Lambda processes, waiting for their cold imports ...")
    processes = [runtime.start(function, f"{label}-{i}") for i in range(n)]
    for process in processes:
        process.wait_ready()
    cold = [(p.ready_at or 0) - p.launched_at for p in processes]
    events = [
        driver.event("Create", spec, spec.properties)
        for spec in (resource_spec(function, i) for i in range(n))
    ]
    chime.set_rate_limit(rate, burst=max(1, int(rate)))
    print(f"[{label}] released: {n} Create events at once, Chime limited to {rate:g} req/s")
    started = time.monotonic()
    for process, event in zip(processes, events, strict=True):
        process.send(event)
    for process in processes:
        process.result()
    wall = time.monotonic() - started
    chime.set_rate_limit(None)
    for process in processes:
        process.close()

    failed_reasons = []
    for event in events:
        (response,) = driver.responder.wait_for(event["ResponseURL"], timeout=10)
        check_response(event, response)
        if response["Status"] != "SUCCESS":
            failed_reasons.append(str(response.get("Reason", "")))
    calls = chime.calls()
    throttled = sum(1 for c in calls if c.status == 429)
    accepted = len(calls) - throttled
    successes = sum(1 for c in calls if 200 <= c.status < 300)
    minimum = minimum_per_resource * n
    lower_bound = accepted / rate
    return LoadResult(
        handler=label,
        resources=n,
        rate_per_second=rate,
        failed=len(failed_reasons),
        failed_reasons=sorted(set(failed_reasons))[:5],
        wall_seconds=round(wall, 2),
        chime_calls=len(calls),
        accepted_calls=accepted,
        throttled_calls=throttled,
        minimum_calls=minimum,
        lower_bound_seconds=round(lower_bound, 2),
        wall_over_lower_bound=round(wall / lower_bound, 3),
        throttled_per_success=round(throttled / max(successes, 1), 2),
        calls_over_minimum=round(len(calls) / minimum, 2),
        cold_start_under_contention_median_ms=round(statistics.median(cold) * 1000),
        cold_start_under_contention_max_ms=round(max(cold) * 1000),
        peak_memory_kib=max(p.peak_memory_kib for p in processes),
    )


def run_latency(
    function: FunctionSpec,
    *,
    samples: int,
    runtime: LambdaEnvironment,
    driver: CloudFormationDriver,
    chime: ChimeBackend,
) -> LatencyResult:
    """Unthrottled: cold Create (process start to response sent), warm Update, Delete."""
    chime.reset()
    cold, init, warm, delete = [], [], [], []
    peak = 0
    for index in range(samples):
        chime.seed_number(number(index), product_type="VoiceConnector")
        spec = resource_spec(function, index)
        process: ExecutionEnvironment = runtime.start(function, f"latency-{index}")
        created = process.invoke(driver.event("Create", spec, spec.properties))
        cold.append(time.monotonic() - process.launched_at)
        init.append((process.init_ms or 0) / 1000)
        assert created.ok
        changed = {**spec.properties, "CallingName": f"Renamed {index}"}
        started = time.monotonic()
        process.invoke(
            driver.event(
                "Update",
                spec,
                changed,
                physical_id=number(index),
                old_properties=spec.properties,
            )
        )
        warm.append(time.monotonic() - started)
        started = time.monotonic()
        process.invoke(driver.event("Delete", spec, changed, physical_id=number(index)))
        delete.append(time.monotonic() - started)
        peak = max(peak, process.peak_memory_kib)
        process.close()

    def ms(values: list[float]) -> float:
        return round(statistics.median(values) * 1000, 1)

    return LatencyResult(
        samples=samples,
        cold_create_median_ms=ms(cold),
        cold_create_max_ms=round(max(cold) * 1000, 1),
        init_median_ms=ms(init),
        warm_update_median_ms=ms(warm),
        delete_median_ms=ms(delete),
        peak_memory_kib=peak,
    )


def baseline_function(real: FunctionSpec, workdir: Path) -> FunctionSpec:
    """The baseline handler packaged like the real asset: its file plus the same crhelper."""
    asset = workdir / "baseline-asset"
    asset.mkdir(parents=True)
    shutil.copyfile(BASELINE_SOURCE, asset / BASELINE_SOURCE.name)
    shutil.copytree(real.asset_dir / "crhelper", asset / "crhelper")
    return replace(real, logical_id="Baseline", asset_dir=asset, handler="baseline_handler.handler")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("-n", type=int, default=40, help="resources created at once (40)")
    parser.add_argument("-r", "--rate", type=float, default=5.0, help="Chime requests/s (5)")
    parser.add_argument("--samples", type=int, default=5, help="latency samples (5)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline run")
    args = parser.parse_args(argv)
    began = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="pns-bench-") as tmp, FakeChimeServer(
        ChimeBackend()
    ) as server, CfnResponder() as responder:  # fmt: skip
        workdir = Path(tmp)
        chime = server.backend
        print("cdk synth (pinned CDK CLI) ...")
        assembly = CloudAssembly(synth_example_app(workdir / "cdk.out").outdir)
        template = assembly.stack(EXAMPLE_STACK)
        real = template.function(template.custom_resources()[0].function_logical_id)
        asset_zip_bytes = zipped_size(real.asset_dir)
        print("creating a boto3-only Python environment ...")
        runtime = LambdaEnvironment.create(
            workdir / "lambda",
            Endpoints(
                chime=server.endpoint_url("chime"),
                chime_sdk_voice=server.endpoint_url("chime-sdk-voice"),
                ca_file=responder.ca_path,
            ),
        )
        driver = CloudFormationDriver(runtime, responder, stack_name="Bench")

        print(f"latency: {args.samples} cold Create + warm Update + Delete, unthrottled ...")
        latency = run_latency(
            real, samples=args.samples, runtime=runtime, driver=driver, chime=chime
        )
        loads = [
            run_load(
                "real",
                real,
                n=args.n,
                rate=args.rate,
                minimum_per_resource=CALLS_PER_RESOURCE_MINIMUM,
                runtime=runtime,
                driver=driver,
                chime=chime,
            )
        ]
        if not args.no_baseline:
            loads.append(
                run_load(
                    "baseline",
                    baseline_function(real, workdir),
                    n=args.n,
                    rate=args.rate,
                    minimum_per_resource=CALLS_PER_RESOURCE_MINIMUM,
                    runtime=runtime,
                    driver=driver,
                    chime=chime,
                )
            )
        children_maxrss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss

    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": sys.version.split()[0], "cpus": _cpus()},
        "load": [asdict(load) for load in loads],
        "latency_unthrottled": asdict(latency),
        "asset_zip_bytes": asset_zip_bytes,
        "peak_memory_children_maxrss_kib": children_maxrss_kib,
        "bench_seconds": round(time.monotonic() - began, 1),
        "notes": [
            "Processes are started and finish their cold import before the events are "
            "released together; wall time is from release to the last answer.",
            "lower bound = accepted (non-429) Chime calls / rate; 429s consume no token.",
            f"minimum calls = {CALLS_PER_RESOURCE_MINIMUM} per resource (1 Get + 2 Updates) "
            "for both handlers; the baseline makes no Get, so it can go below 1.0.",
            "cold start under contention = process start to end of import with N processes "
            "on this machine's cores; the unthrottled latency row is one process at a time.",
        ],
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"load-{stamp}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"\nwritten to {out.relative_to(RESULTS_DIR.parent.parent)}")
    return 0


def print_table(results: dict[str, Any]) -> None:
    loads = results["load"]
    print("\nLoad: N resources created at once; each a Lambda process, released together")
    print("after every cold import finished (cold start reported separately below).")
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("resources / rate (req/s)", lambda r: f"{r['resources']} / {r['rate_per_second']:g}"),
        ("FAILED resources (target 0)", lambda r: str(r["failed"])),
        ("wall time (s)", lambda r: f"{r['wall_seconds']:.1f}"),
        ("lower bound accepted/R (s)", lambda r: f"{r['lower_bound_seconds']:.1f}"),
        ("wall / lower bound (<= 1.3)", lambda r: f"{r['wall_over_lower_bound']:.2f}"),
        ("Chime calls (accepted+429)", lambda r: f"{r['chime_calls']}"),
        ("429 answers", lambda r: str(r["throttled_calls"])),
        ("429 per successful call", lambda r: f"{r['throttled_per_success']:.2f}"),
        ("calls / minimum (3 per res.)", lambda r: f"{r['calls_over_minimum']:.2f}"),
        (
            "cold import, contended med (ms)",
            lambda r: str(r["cold_start_under_contention_median_ms"]),
        ),
        ("cold import, contended max (ms)", lambda r: str(r["cold_start_under_contention_max_ms"])),
        ("peak memory / process (MiB)", lambda r: f"{r['peak_memory_kib'] / 1024:.1f}"),
    ]
    header = f"{'':<34}" + "".join(f"{r['handler']:>14}" for r in loads)
    print(header)
    for title, cell in rows:
        print(f"{title:<34}" + "".join(f"{cell(r):>14}" for r in loads))
    for load in loads:
        if load["failed_reasons"]:
            print(f"  {load['handler']} FAILED reasons: {load['failed_reasons']}")
        verdict = (
            "meets"
            if load["failed"] == 0 and load["wall_over_lower_bound"] <= TARGET_WALL_RATIO
            else "MISSES"
        )
        print(f"  {load['handler']}: {verdict} the targets (0 FAILED, wall <= 1.3 x bound)")

    latency = results["latency_unthrottled"]
    print(f"\nReal asset, unthrottled fake, one process at a time ({latency['samples']} samples):")
    print(f"  cold Create, process start -> response sent: median "
          f"{latency['cold_create_median_ms']:.0f} ms, max {latency['cold_create_max_ms']:.0f} ms"
          f" (of which import {latency['init_median_ms']:.0f} ms)")  # fmt: skip
    print(
        f"  warm Update (2nd event, same process): median {latency['warm_update_median_ms']:.0f} ms"
    )
    print(f"  Delete (includes crhelper's sleep_on_delete 2 s): median "
          f"{latency['delete_median_ms']:.0f} ms")  # fmt: skip
    print(
        f"  peak memory of one Lambda process (VmHWM): {latency['peak_memory_kib'] / 1024:.1f} MiB"
        f"; (RUSAGE_CHILDREN maxrss {results['peak_memory_children_maxrss_kib'] / 1024:.1f} MiB is"
        " the largest child of the bench, cdk synth's node or pip included)"
    )
    print(f"  zipped asset: {results['asset_zip_bytes']} bytes")
    print(f"\nbench took {results['bench_seconds']:.0f} s on {results['machine']['cpus']} CPUs")


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
