"""Samples of the site's pages that show a command's output are that command's output."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from phone_number_settings_cli import main as cli
from phone_number_settings_fakes.chime import ChimeBackend, NumberKind
from phone_number_settings_fakes.chime.inventory import seed_team_numbers
from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer
from phone_number_settings_fakes.cloudformation.stacks import stack_arn
from tests.docs.markdown import REPO_ROOT, fenced_blocks

PAGES = REPO_ROOT / "docs"


def command_sample(page: str, prompt: str) -> tuple[str, str]:
    """The one ``text`` block of a reference page that starts with ``prompt``: its command
    line, and the output shown below it."""
    (sample,) = [
        block
        for block in fenced_blocks((PAGES / "reference" / page).read_text(), "text")
        if block.startswith(prompt)
    ]
    command, output = sample.split("\n", 1)
    return command, output


def test_the_adopt_sample_is_what_adopt_writes(
    chime: ChimeBackend, aws_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    (sample,) = fenced_blocks((PAGES / "reference" / "adopt.md").read_text(), "python")
    seed_team_numbers(chime)
    assert cli.main(["adopt", "--region", "us-west-2"]) == 0
    assert sample in capsys.readouterr().out


def test_the_plan_sample_is_what_plan_prints(
    chime: ChimeBackend, aws_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    command, expected = command_sample("plan.md", "$ phone-number-settings plan --template")
    chime.seed_number(
        "+12065550100",
        product_type="SipMediaApplicationDialIn",
        name="Support line",
        calling_name="Acme Help",
    )
    chime.seed_number(
        "+12065550101", product_type="BusinessCalling", calling_name="Acme Front Desk"
    )
    chime.seed_number("+12065550102", product_type="VoiceConnector")
    chime.seed_number("+18005550199", kind=NumberKind.US_TOLL_FREE, product_type="VoiceConnector")
    arguments = command.removeprefix("$ phone-number-settings ").split()
    template = PAGES / "samples" / "Telephony.template.yaml"
    arguments[arguments.index("--template") + 1] = str(template)
    assert cli.main(arguments) == 1
    assert capsys.readouterr().out == expected


def test_the_cfn_lint_sample_is_what_cfn_lint_prints() -> None:
    command, expected = command_sample("cfn-lint.md", "$ cfn-lint")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), *shlex.split(command)[2:]],
        cwd=PAGES / "samples",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, expected), done.stderr


def test_the_move_sample_is_what_plan_prints(
    *,
    chime: ChimeBackend,
    aws_env: dict[str, str],
    cloudformation_env: FakeCloudFormationServer,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    command, expected = command_sample("plan.md", "$ phone-number-settings plan --app")
    # Old was deployed with the number; its template no longer has it, New's now does.
    old = stack_arn("us-west-2", "Old")
    cloudformation_env.backend.add_stack(old, "Old", "CREATE_COMPLETE")
    cloudformation_env.backend.set_resource(
        old,
        "FrontDesk",
        "CREATE_COMPLETE",
        resource_type="Custom::PhoneNumberSettings",
        physical_id="+12065550100",
    )
    chime.seed_number("+12065550100", name="front desk")
    out = tmp_path / "cdk.out"
    out.mkdir()
    line = {"PhoneNumberId": "+12065550100", "Name": "front desk", "ServiceToken": "arn"}
    templates = {
        "Old": {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}},
        "New": {
            "Resources": {"FrontDesk": {"Type": "Custom::PhoneNumberSettings", "Properties": line}}
        },
    }
    for name, document in templates.items():
        (out / f"{name}.template.json").write_text(json.dumps(document))
    artifacts = {
        name: {
            "type": "aws:cloudformation:stack",
            "environment": "aws://123456789012/us-west-2",
            "properties": {"templateFile": f"{name}.template.json"},
        }
        for name in templates
    }
    (out / "manifest.json").write_text(json.dumps({"version": "48.0.0", "artifacts": artifacts}))
    arguments = command.removeprefix("$ phone-number-settings ").split()
    arguments[arguments.index("--app") + 1] = str(out)
    assert cli.main(arguments) == 0
    assert capsys.readouterr().out == expected
