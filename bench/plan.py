"""``python -m bench.plan``: how long ``phone-number-settings plan`` takes for many numbers.

The plan reads every number (GetPhoneNumber) from the fake Chime service limited by a
token bucket. The floor is (numbers - burst) / rate: the bucket's burst is free, every
other read waits for a token. Prints one row per (numbers, rate, concurrency). Not a test.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from phone_number_settings_cli import main as cli
from phone_number_settings_cli.gateways import ReadOnlyGateways
from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer

GRID = ((100, 5.0, 1), (100, 5.0, 4), (100, 5.0, 16), (50, 1.0, 4))
BURST = 5


def fleet_template(numbers: Sequence[str]) -> dict[str, object]:
    return {
        "Resources": {
            f"Line{index}": {
                "Type": "Custom::PhoneNumberSettings",
                "Properties": {"PhoneNumberId": number, "Name": f"line {index}"},
            }
            for index, number in enumerate(numbers)
        }
    }


def main(argv: Sequence[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m bench.plan", description=__doc__).parse_args(argv)
    print(f"{'numbers':>8} {'rate/s':>7} {'conc.':>6} {'seconds':>8} {'floor':>7} {'429s':>6}")
    with FakeChimeServer(ChimeBackend()) as server, tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_REGION="us-west-2",
            AWS_ENDPOINT_URL_CHIME_SDK_VOICE=server.endpoint_url("chime-sdk-voice"),
            AWS_EC2_METADATA_DISABLED="true",
        )
        for count, rate, concurrency in GRID:
            chime = server.backend
            chime.reset()
            numbers = [f"+1206555{index:04d}" for index in range(count)]
            for index, number in enumerate(numbers):
                chime.seed_number(number, name=f"line {index}")
            path = Path(tmp) / "Fleet.template.json"
            path.write_text(json.dumps(fleet_template(numbers)))
            chime.set_rate_limit(rate, burst=BURST)
            started = time.monotonic()
            code = cli.run(
                ["plan", "--template", str(path), "--concurrency", str(concurrency)],
                readers=ReadOnlyGateways,
                configured_region=lambda: "us-west-2",
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )
            elapsed = time.monotonic() - started
            throttled = sum(1 for call in chime.calls() if call.status == 429)
            floor = (count - BURST) / rate
            print(
                f"{count:>8} {rate:>7g} {concurrency:>6} {elapsed:>8.1f} {floor:>7.1f} "
                f"{throttled:>6}" + ("" if code == 0 else f"  exit {code}!")
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
