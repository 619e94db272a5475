"""The shared provider for template users (make dist): a template without CDK bootstrap,
its code zip beside it, both cfn-lint clean; and the StackSets example that deploys it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from phone_number_settings_cdk.provider_package import (
    CODE_NAME,
    TEMPLATE_NAME,
    ProviderPackageError,
    main,
    package,
)
from phone_number_settings_fakes.cloudformation.assembly import Synthesis
from tests.infra.conftest import REPO_ROOT, VENV_BIN, run

pytestmark = pytest.mark.slow
STACKSET_EXAMPLE = REPO_ROOT / "examples" / "stacksets" / "provider-stackset.yaml"


def cfn_lint(*arguments: str) -> tuple[int, str]:
    linted = run(
        [str(VENV_BIN / "cfn-lint"), *arguments, "--format", "parseable",
         "--append-rules", "phone_number_settings_cfn_lint"],
        cwd=REPO_ROOT,
    )  # fmt: skip
    return linted.returncode, linted.stdout + linted.stderr


def test_the_packaged_provider_needs_no_bootstrap_and_lints_clean(
    example_synthesis: Synthesis, tmp_path: Path
) -> None:
    template_path, code_path = package(example_synthesis.outdir, tmp_path / "provider")
    assert (template_path.name, code_path.name) == (TEMPLATE_NAME, CODE_NAME)
    template = json.loads(template_path.read_text())
    assert "Parameters" not in template  # no BootstrapVersion: deployable anywhere
    assert "Rules" not in template
    types = sorted(resource["Type"] for resource in template["Resources"].values())
    assert types == [
        "AWS::IAM::Role", "AWS::Lambda::EventInvokeConfig", "AWS::Lambda::Function",
        "AWS::Logs::LogGroup", "AWS::SSM::Parameter",
    ]  # fmt: skip
    (function,) = [r for r in template["Resources"].values() if r["Type"].endswith("Function")]
    assert function["Properties"]["Code"] == CODE_NAME
    assert template["Outputs"]["ServiceToken"]["Export"]["Name"] == (
        "PhoneNumberSettings-ServiceToken"
    )
    with zipfile.ZipFile(code_path) as archive:
        names = set(archive.namelist())
    assert {"phone_number_settings_lambda/handler.py", "crhelper/LICENSE"} <= names
    # W3002: a local Code path works only through `package`, which is the point.
    code, output = cfn_lint(str(template_path), "--ignore-checks", "W3002")
    assert code == 0, output
    code, output = cfn_lint(str(template_path))
    assert (code, output.count(":W3002:")) == (4, 1), output


def test_the_zip_is_the_same_bytes_every_time(example_synthesis: Synthesis, tmp_path: Path) -> None:
    _, first = package(example_synthesis.outdir, tmp_path / "first")
    _, second = package(example_synthesis.outdir, tmp_path / "second")
    assert first.read_bytes() == second.read_bytes()


def test_an_assembly_without_the_provider_stack_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ProviderPackageError, match="run cdk synth first"):
        package(tmp_path, tmp_path / "out")
    assert main([str(tmp_path), str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == (
        f"error: {tmp_path}/PhoneNumberSettingsProvider.template.json not found: "
        "run cdk synth first\n"
    )


def test_the_stackset_example_lints_clean() -> None:
    code, output = cfn_lint(str(STACKSET_EXAMPLE))
    assert code == 0, output
    text = STACKSET_EXAMPLE.read_text()
    assert "PermissionModel: SERVICE_MANAGED" in text
    assert "Enabled: true" in text
