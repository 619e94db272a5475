"""Each audience's install, in a fresh virtualenv from the built wheel: it runs what that
audience uses, and holds none of another audience's heavy dependencies."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from bench.install_sizes import Distributions, install
from tests.infra.conftest import REPO_ROOT, run, subprocess_env
from tests.lint_expectations import MISTAKES, RULES_MODULE, expected_findings

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("packaging")]

VERSION = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
EXAMPLE_STACK = "PhoneNumberSettingsExample"
YAML_EXAMPLE = REPO_ROOT / "examples" / "cloudformation" / "phone-numbers.yaml"
SAM_EXAMPLE = REPO_ROOT / "examples" / "sam" / "template.yaml"
# The top-level modules of each audience's heavy dependencies.
CDK_MODULES = ("aws_cdk", "jsii", "constructs", "crhelper")
TEMPLATES_MODULES = ("cfnlint", "samtranslator")
FIND = (
    "import importlib.util, json, sys; "
    "print(json.dumps([m for m in sys.argv[1:] if importlib.util.find_spec(m)]))"
)


class Install:
    """An audience's fresh virtualenv, used from outside the repo, without PYTHONPATH."""

    def __init__(self, tmp_path: Path, distributions: Distributions, extras: str) -> None:
        self.venv = tmp_path / "venv"
        installed = install(distributions.wheel, extras, self.venv)
        assert installed.returncode == 0, installed.stdout + installed.stderr
        self.cwd = tmp_path / "elsewhere"
        self.cwd.mkdir()
        self.env = subprocess_env()
        self.env.pop("PYTHONPATH", None)

    def __call__(self, program: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return run([str(self.venv / "bin" / program), *args], cwd=self.cwd, env={**self.env, **env})

    def importable(self, *modules: str) -> list[str]:
        found = self("python", "-c", FIND, *modules)
        assert found.returncode == 0, found.stderr
        return list(eval(found.stdout))


def missing_extra_line(needed_for: str, distribution: str, extra: str) -> str:
    return (
        f"{needed_for} needs {distribution}, which is not installed: "
        f"pip install 'phone-number-settings[{extra}]'"
    )


def test_the_base_install_runs_the_command_and_names_the_extra_each_use_needs(
    tmp_path: Path, distributions: Distributions
) -> None:
    base = Install(tmp_path, distributions, "")
    assert base.importable(*CDK_MODULES, *TEMPLATES_MODULES) == []
    assert (base.venv / "share" / "doc" / "phone-number-settings" / "CHANGELOG.md").is_file()
    shown = base("phone-number-settings", "--version")
    assert (shown.returncode, shown.stdout) == (0, f"phone-number-settings {VERSION}\n")

    shutil.copy(YAML_EXAMPLE, base.cwd / "template.yaml")
    planned = base("phone-number-settings", "plan", "--template", "template.yaml")
    assert (planned.returncode, planned.stdout) == (1, "")
    templates_line = missing_extra_line("reading a YAML template", "cfn-lint", "templates")
    assert planned.stderr == f"error: {templates_line}\n"

    construct = base("python", "-c", "import phone_number_settings_cdk")
    assert construct.returncode == 1
    cdk_line = missing_extra_line("the CDK construct", "aws-cdk-lib", "cdk")
    assert construct.stderr.splitlines()[-1] == (
        f"phone_number_settings_core.errors.MissingExtraError: {cdk_line}"
    )


def test_the_cdk_install_synthesises_an_app_without_cfn_lint(
    tmp_path: Path, distributions: Distributions
) -> None:
    cdk = Install(tmp_path, distributions, "cdk")
    assert cdk.importable(*TEMPLATES_MODULES) == []
    # The example app, as a user's own app.py: one synth, with the installed wheel only.
    shutil.copy(REPO_ROOT / "cdk" / "app.py", cdk.cwd / "app.py")
    outdir = tmp_path / "cdk.out"
    synth = cdk("python", "app.py", CDK_OUTDIR=str(outdir))
    assert synth.returncode == 0, synth.stderr
    assert (outdir / f"{EXAMPLE_STACK}.template.json").is_file()
    (asset_dir,) = outdir.glob("asset.*")
    assert (asset_dir / "phone_number_settings_core" / "rules.py").is_file()
    assert (asset_dir / "phone_number_settings_lambda" / "handler.py").is_file()
    assert (asset_dir / "crhelper" / "LICENSE").is_file()


def test_the_templates_install_plans_and_lints_without_the_cdk(
    tmp_path: Path, distributions: Distributions
) -> None:
    templates = Install(tmp_path, distributions, "templates")
    assert templates.importable(*CDK_MODULES) == []
    helped = templates("phone-number-settings", "plan", "--help")
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith("usage: phone-number-settings plan")

    # README's command: the examples pass, the template of mistakes gets each finding.
    linted = templates(
        "cfn-lint", str(YAML_EXAMPLE), str(SAM_EXAMPLE), str(MISTAKES),
        "--append-rules", RULES_MODULE, "--format", "parseable",
    )  # fmt: skip
    findings = {
        (Path(line.split(":")[0]).name, int(line.split(":")[1]), line.split(":")[5])
        for line in linted.stdout.splitlines()
    }
    assert findings == {(MISTAKES.name, line, rule) for line, rule in expected_findings()}
    assert linted.returncode == 2, linted.stderr
