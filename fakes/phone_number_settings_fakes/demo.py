"""``make demo``: a stack's life in CloudFormation's order, against a local fake Chime.

Starts the fake Chime service, the HTTPS stand-ins for CloudFormation's response URL and
its API (the stack's status and resources, as the function reads them), synthesises the
example app with the pinned CDK CLI, and plays create, update and delete through the real
Lambda asset (each function in its own process, boto3 only). For every
event it prints the Chime calls made and the settings they left on the number.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer
from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer
from phone_number_settings_fakes.cloudformation.assembly import (
    EXAMPLE_STACK,
    CloudAssembly,
    StackTemplate,
    synth_example_app,
)
from phone_number_settings_fakes.cloudformation.driver import (
    CloudFormationDriver,
    EventRecord,
    StackOperation,
)
from phone_number_settings_fakes.lambda_service.runner import Endpoints, LambdaEnvironment

NUMBERS = ("+12065550100", "+12065550101", "+12065550102")
PLAN_ENTRY_POINT = "phone_number_settings_cli.main"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m phone_number_settings_fakes.demo", description=__doc__
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (cdk.out, logs)")
    args = parser.parse_args(argv)
    with _workdir(args.keep) as workdir, FakeChimeServer(ChimeBackend()) as chime_server, \
            CfnResponder() as responder, \
            FakeCloudFormationServer(trust=responder.trust) as stacks:  # fmt: skip
        chime = chime_server.backend
        for number in NUMBERS:
            chime.seed_number(number, product_type="VoiceConnector")
        # The demo plays days of a stack's life in seconds: calling names apply at once.
        chime.set_calling_name_delay(0)
        _say(f"fake Chime at {chime_server.endpoint_url('chime-sdk-voice')}; numbers seeded:")
        _print_settings(chime, NUMBERS)

        _say("cdk synth (pinned CDK CLI) ...")
        assembly = CloudAssembly(synth_example_app(workdir / "cdk.out").outdir)
        template = assembly.stack(EXAMPLE_STACK)
        names = _construct_names(template)
        function = template.function(template.custom_resources()[0].function_logical_id)
        _say(
            f"cloud assembly in {assembly.directory}; provider {function.logical_id}: "
            f"Handler {function.handler}, Timeout {function.timeout_seconds} s, "
            f"asset {function.asset_dir.name}"
        )
        _say("creating a Lambda-like Python environment (boto3 only) ...")
        endpoints = Endpoints(
            chime=chime_server.endpoint_url("chime"),
            chime_sdk_voice=chime_server.endpoint_url("chime-sdk-voice"),
            ca_file=responder.ca_path,
            cloudformation=stacks.endpoint_url,
        )
        runtime = LambdaEnvironment.create(workdir / "lambda", endpoints)

        show_plan(assembly.directory, endpoints)
        with CloudFormationDriver(
            runtime, responder, chime_calls=chime.calls, stacks=stacks.backend
        ) as driver:
            _print_operation(driver.create_stack(template), chime, names)

            support = names.inverse("SupportLine")
            front = names.inverse("FrontDesk")
            updated = template.edited(support, CallingName="Acme Help").edited(
                front, ProductType="VoiceConnector"
            )
            _say("update: SupportLine CallingName -> 'Acme Help', FrontDesk ProductType -> "
                 "VoiceConnector")  # fmt: skip
            _print_operation(driver.update_stack(updated), chime, names)

            _say("someone renames +12065550100 in the console, behind the stack's back")
            chime.update_phone_number("chime-sdk-voice", NUMBERS[0], {"Name": "Renamed by hand"})
            _print_settings(chime, NUMBERS[:1])
            # The plan reads the template as deployed: the updated one, not the synthesised.
            show_drift(_assembly_with(assembly, updated, workdir / "deployed.out"), endpoints)

            _print_operation(driver.delete_stack(), chime, names)
        if args.keep:
            _say(f"kept {workdir} (cdk.out, lambda/logs/*.log)")
    return 0


# ----- plan / drift hooks ----------------------------------------------------------------


def _plan_cli() -> Callable[..., object] | None:
    try:
        module = importlib.import_module(PLAN_ENTRY_POINT)
    except ImportError:
        return None
    entry = getattr(module, "main", None)
    return entry if callable(entry) else None


def _run_plan_cli(arguments: list[str], endpoints: Endpoints) -> None:
    entry = _plan_cli()
    if entry is None:
        _say(f"({PLAN_ENTRY_POINT}:main is not there yet: skipped `{' '.join(arguments)}`)")
        return
    # The plan command reads Chime with boto3 in this process: point it at the fake.
    saved = dict(os.environ)
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-west-2",
            "AWS_DEFAULT_REGION": "us-west-2",
            "AWS_ENDPOINT_URL_CHIME": endpoints.chime,
            "AWS_ENDPOINT_URL_CHIME_SDK_VOICE": endpoints.chime_sdk_voice,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    try:
        _say(f"$ python -m phone_number_settings_cli {' '.join(arguments)}")
        with contextlib.suppress(SystemExit):
            entry(arguments)  # prints its table, ending with its exit code and meaning
    finally:
        os.environ.clear()
        os.environ.update(saved)


def show_plan(assembly_dir: Path, endpoints: Endpoints) -> None:
    """Hook: the plan of what a create would change, before the create step."""
    _run_plan_cli(["plan", "--app", str(assembly_dir)], endpoints)


def show_drift(assembly_dir: Path, endpoints: Endpoints) -> None:
    """The drift report (the plan command) after a number was changed behind the stack's back."""
    # The plan command reports drift too: a live value that differs from the template.
    _run_plan_cli(["plan", "--app", str(assembly_dir)], endpoints)


def _assembly_with(assembly: CloudAssembly, template: StackTemplate, target: Path) -> Path:
    """A copy of the cloud assembly whose stack template is ``template``."""
    shutil.copytree(assembly.directory, target)
    template_file = assembly.manifest["artifacts"][template.name]["properties"]["templateFile"]
    (target / template_file).write_text(json.dumps(template.body, indent=1))
    return target


# ----- printing ----------------------------------------------------------------------


class _Names(dict[str, str]):
    def inverse(self, construct_id: str) -> str:
        return next(key for key, value in self.items() if value == construct_id)


def _construct_names(template: StackTemplate) -> _Names:
    names = _Names()
    for logical_id, resource in template.resources.items():
        path = str(resource.get("Metadata", {}).get("aws:cdk:path", ""))
        parts = path.split("/")
        names[logical_id] = parts[1] if len(parts) > 1 else logical_id
    return names


def _say(text: str) -> None:
    print(f"\n== {text}", flush=True)


def _print_operation(operation: StackOperation, chime: ChimeBackend, names: _Names) -> None:
    _say(f"{operation.name} stack -> {operation.status}")
    for event in operation.events:
        _print_event(event, chime, names)
    for skipped in operation.skipped:
        print(
            f"  (no {skipped.request_type} sent to {names.get(skipped.logical_id)} "
            f"[{skipped.physical_id}]: {skipped.why})"
        )


def _print_event(event: EventRecord, chime: ChimeBackend, names: _Names) -> None:
    name = names.get(event.logical_id, event.logical_id)
    header = (
        f"-- {event.phase} {event.request_type} {name}: {event.status} "
        f"(PhysicalResourceId {event.physical_id}, {event.seconds:.2f} s)"
    )
    print(f"\n{header}")
    if event.status == "FAILED":
        print(f"   Reason: {event.reason}")
    if not event.calls:
        print("   no Chime call")
    else:
        print(f"   {'#':>2}  {'operation':<18} {'number':<13} {'detail':<40} HTTP")
        for index, call in enumerate(event.calls, 1):
            detail = ", ".join(f"{k}={v!r}" for k, v in call.body.items()) or "-"
            print(
                f"   {index:>2}  {call.operation:<18} {call.phone_number_id or '-':<13} "
                f"{detail:<40} {call.status}"
            )
    numbers = sorted({c.phone_number_id for c in event.calls if c.phone_number_id})
    _print_settings(chime, numbers, indent="   ")


def _print_settings(chime: ChimeBackend, numbers: Sequence[str], indent: str = "  ") -> None:
    for number in numbers:
        state = chime.number(number)
        print(
            f"{indent}=> {number}: ProductType={state.get('ProductType')!r} "
            f"Name={state.get('Name')!r} CallingName={state.get('CallingName')!r} "
            f"({state.get('CallingNameStatus')})"
        )


@contextmanager
def _workdir(keep: bool) -> Iterator[Path]:
    if keep:
        yield Path(tempfile.mkdtemp(prefix="pns-demo-"))
        return
    with tempfile.TemporaryDirectory(prefix="pns-demo-") as name:
        yield Path(name)


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print(f"\n(demo took {time.monotonic() - started:.0f} s)")
    sys.exit(code)
