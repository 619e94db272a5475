"""Samples of the site's pages that show a command's output are that command's output."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from phone_number_settings_cli import main as cli
from phone_number_settings_fakes.chime import ChimeBackend, NumberKind
from phone_number_settings_fakes.chime.inventory import seed_team_numbers
from tests.docs.markdown import REPO_ROOT, fenced_blocks

PAGES = REPO_ROOT / "docs"


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
    (sample,) = [
        block
        for block in fenced_blocks((PAGES / "reference" / "plan.md").read_text(), "text")
        if block.startswith("$ phone-number-settings plan")
    ]
    command, expected = sample.split("\n", 1)
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
    (sample,) = [
        block
        for block in fenced_blocks((PAGES / "reference" / "cfn-lint.md").read_text(), "text")
        if block.startswith("$ cfn-lint")
    ]
    command, expected = sample.split("\n", 1)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), *shlex.split(command)[2:]],
        cwd=PAGES / "samples",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, expected), done.stderr
