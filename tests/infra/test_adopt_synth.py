"""The promise of ``adopt``, for Python: write the app, synthesise it, plan finds no change."""

from __future__ import annotations

from pathlib import Path

import pytest

from phone_number_settings_cli import main as cli
from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.chime.inventory import (
    DECLARED_IN_CHIME_SDK_VOICE,
    seed_team_numbers,
)
from phone_number_settings_fakes.cloudformation.assembly import CloudAssembly
from tests.infra.conftest import VENV_BIN, run, subprocess_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("adopt")]


def test_adopted_python_app_synthesises_and_plans_no_change(
    chime: ChimeBackend,
    aws_env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    # GIVEN a team's numbers, set by hand, and the app adopt writes for them
    seed_team_numbers(chime)
    app = tmp_path / "adopted.py"
    assert cli.main(["adopt", "--region", "us-west-2", "--output", str(app)]) == 0
    capsys.readouterr()

    # WHEN the app is synthesised (one jsii run, as a user runs it) and planned
    outdir = tmp_path / "cdk.out"
    synth = run(
        [str(VENV_BIN / "python"), str(app)],
        cwd=tmp_path,
        env=subprocess_env(CDK_OUTDIR=str(outdir)),
    )
    assert synth.returncode == 0, synth.stderr
    code = cli.main(["plan", "--app", str(outdir)])
    planned = capsys.readouterr().out

    # THEN every adopted number is "no change", and the app has one provider for them
    assert code == 0, planned
    assert "Plan: 3 resources: 3 no change." in planned
    for number in DECLARED_IN_CHIME_SDK_VOICE:
        assert f"  number {number} (chime-sdk-voice, us-west-2)" in planned
    template = CloudAssembly(outdir).stack("AdoptedPhoneNumbers")
    assert len(template.custom_resources()) == 3
    types = [resource["Type"] for resource in template.resources.values()]
    assert types.count("AWS::Lambda::Function") == 1
    assert [c.operation for c in chime.calls()] == ["ListPhoneNumbers"] + ["GetPhoneNumber"] * 3
    assert chime.update_calls() == []
