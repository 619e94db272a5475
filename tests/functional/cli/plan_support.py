"""Helpers of the plan command's functional tests: templates, runs and their results."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from phone_number_settings_cli import main as cli
from phone_number_settings_fakes.chime import ChimeBackend

REPO_ROOT = Path(__file__).resolve().parents[3]
CONSOLE_SCRIPT = REPO_ROOT / ".venv" / "bin" / "phone-number-settings"
NUMBER = "+12065550100"
OTHER = "+12065550111"
TOLL_FREE = "+18005550100"
LONDON = "+442071838750"
SERVICE_TOKEN = {"Fn::GetAtt": ["ProviderFunction", "Arn"]}


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def template(*resources: tuple[str, dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "Resources": {
            logical_id: {
                "Type": "Custom::PhoneNumberSettings",
                "Properties": {"ServiceToken": SERVICE_TOKEN, **properties},
            }
            for logical_id, properties in resources
        }
        | extra,
    }


def write(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))
    return path


def plan(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    code = cli.main(["plan", *argv])
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def plan_template(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    *resources: tuple[str, dict[str, Any]],
    json_output: bool = True,
) -> Result:
    path = write(tmp_path / "Telephony.template.json", template(*resources))
    return plan(capsys, "--template", str(path), *(["--json"] if json_output else []))


def only(result: Result) -> dict[str, Any]:
    resources = result.json()["resources"]
    assert len(resources) == 1, resources
    resource: dict[str, Any] = resources[0]
    return resource


def calls_of(resource: dict[str, Any]) -> list[tuple[str, str]]:
    return [(call["detail"], call["value"]) for call in resource["calls"]]


FULL = {
    "PhoneNumberId": NUMBER,
    "ProductType": "SipMediaApplicationDialIn",
    "Name": "front desk",
    "CallingName": "Acme Support",
}


YAML_EXAMPLE = REPO_ROOT / "examples" / "cloudformation" / "phone-numbers.yaml"
SAM_EXAMPLE = REPO_ROOT / "examples" / "sam" / "template.yaml"
EXAMPLE_CALLS = [
    (
        "SupportLine",
        [("ProductType", "SipMediaApplicationDialIn"), ("CallingName", "Acme Support")],
    ),
    ("FrontDesk", [("CallingName", "Acme Front Desk")]),
    ("CampaignLine", [("Name", "Spring campaign")]),
]


def seed_example_numbers(chime: ChimeBackend) -> None:
    """The examples' three numbers, each a call or two away from what they declare."""
    chime.seed_number(NUMBER, product_type="VoiceConnector", name="Support line")
    chime.seed_number("+12065550101", product_type="BusinessCalling")
    chime.seed_number("+12065550102")


def without_sources(document: dict[str, Any]) -> dict[str, Any]:
    for resource in document["resources"]:
        resource.pop("source")
    return document


def closed_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends
