"""``python -m bench.platform``: the asset under the real Lambda runtime client, timed.

Prints, from the synthesised example app run under ``awslambdaric`` against the fake
Chime service and the local HTTPS responder:

- cold Create (process start to response), warm Update and Delete latency, unthrottled;
- the time a function with a 12 s Timeout takes to answer FAILED itself when Chime never
  answers its CallingName update (and whether the ProductType it set was put back);
- how long a response takes to arrive when the ResponseURL answers 503 first.

Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer
from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer
from phone_number_settings_fakes.cloudformation.assembly import (
    EXAMPLE_STACK,
    CloudAssembly,
    synth_example_app,
)
from phone_number_settings_fakes.cloudformation.driver import CloudFormationDriver
from phone_number_settings_fakes.lambda_service.runner import (
    Endpoints,
    ExecutionEnvironment,
    LambdaEnvironment,
)

NUMBER = "+12065550100"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.platform", description=__doc__)
    parser.add_argument("--samples", type=int, default=5, help="samples per figure (5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pns-platform-") as tmp, FakeChimeServer(
        ChimeBackend()
    ) as server, CfnResponder() as responder, FakeCloudFormationServer(
        trust=responder.trust
    ) as stacks:  # fmt: skip
        chime = server.backend
        assembly = CloudAssembly(synth_example_app(Path(tmp) / "cdk.out").outdir)
        template = assembly.stack(EXAMPLE_STACK)
        (spec, *_) = template.custom_resources()
        function = template.function(spec.function_logical_id)
        runtime = LambdaEnvironment.create(
            Path(tmp) / "lambda",
            Endpoints(
                server.endpoint_url("chime"),
                server.endpoint_url("chime-sdk-voice"),
                responder.ca_path,
                cloudformation=stacks.endpoint_url,
            ),
        )
        driver = CloudFormationDriver(runtime, responder, stack_name="Bench", stacks=stacks.backend)
        driver.put_stack("UPDATE_IN_PROGRESS")  # every event below comes while it is in progress
        properties = {"PhoneNumberId": NUMBER, "Name": "Desk", "CallingName": "Acme Desk"}

        def timed(
            environment: ExecutionEnvironment, event: dict[str, Any], since: float | None = None
        ) -> float:
            """Seconds from ``since`` (default: now) to the response's arrival."""
            started = time.monotonic() if since is None else since
            environment.invoke(event)
            responder.wait_for(str(event["ResponseURL"]), timeout=30)
            return time.monotonic() - started

        cold, warm, delete = [], [], []
        changed = {**properties, "Name": "Lobby"}
        for _ in range(args.samples):
            chime.reset()
            chime.seed_number(NUMBER)
            chime.set_calling_name_delay(0)  # applied at once, so Delete may clear it
            environment = runtime.start(function)
            create = driver.event("Create", spec, properties)
            cold.append(timed(environment, create, since=environment.launched_at))
            update = driver.event(
                "Update", spec, changed, physical_id=NUMBER, old_properties=properties
            )
            warm.append(timed(environment, update))
            delete.append(
                timed(environment, driver.event("Delete", spec, changed, physical_id=NUMBER))
            )
            environment.close()

        hung, reverted = [], []
        for _ in range(args.samples):
            chime.reset()
            chime.seed_number(NUMBER, product_type="VoiceConnector")
            chime.hang(1, operation="UpdatePhoneNumber", detail="CallingName")
            environment = runtime.start(dataclasses.replace(function, timeout_seconds=12))
            environment.wait_ready()
            event = driver.event(
                "Create",
                spec,
                {
                    "PhoneNumberId": NUMBER,
                    "ProductType": "SipMediaApplicationDialIn",
                    "CallingName": "Acme Desk",
                },
            )
            hung.append(timed(environment, event))
            reverted.append(chime.number(NUMBER)["ProductType"] == "VoiceConnector")
            environment.close()

        resent = []
        for _ in range(args.samples):
            chime.reset()
            chime.seed_number(NUMBER)
            environment = runtime.start(function)
            environment.wait_ready()
            responder.answer_next([503])
            resent.append(timed(environment, driver.event("Create", spec, properties)))
            environment.close()

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"

    print(f"\nasset under awslambdaric, {args.samples} samples each:")
    print(f"  cold Create (process start -> response): {ms(cold)}")
    print(f"  warm Update (event -> response):          {ms(warm)}")
    print(f"  Delete clearing Name and CallingName:     {ms(delete)}")
    print(f"  12 s function, CallingName never answered -> our FAILED: {ms(hung)}; "
          f"ProductType put back {sum(reverted)}/{len(reverted)}")  # fmt: skip
    print(f"  ResponseURL answers 503 once -> response accepted: {ms(resent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
