"""The built wheel and sdist: LICENSE and CHANGELOG inside, twine-clean, every package and
no stand-in inside, and the extras of each audience in the metadata."""

from __future__ import annotations

import email.parser
import json
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from bench.install_sizes import Distributions
from phone_number_settings_core.rules import RESOURCE_TYPE
from tests.docs.markdown import fenced_blocks
from tests.docs.site import load_hooks
from tests.infra.conftest import REPO_ROOT, VENV_BIN, run, subprocess_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("packaging")]

# Every package of the distribution, by the folder (layer) it lives in.
PACKAGES = {
    "core": "phone_number_settings_core",
    "chime": "phone_number_settings_chime",
    "lambda": "phone_number_settings_lambda",
    "cdk": "phone_number_settings_cdk",
    "templates": "phone_number_settings_templates",
    "cli": "phone_number_settings_cli",
    "lint": "phone_number_settings_cfn_lint",
}
VERSION = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
# Where the wheel puts the changelog (pyproject's data-files) and the license (PEP 639).
WHEEL_CHANGELOG = (
    f"phone_number_settings-{VERSION}.data/data/share/doc/phone-number-settings/CHANGELOG.md"
)
WHEEL_LICENSE = f"phone_number_settings-{VERSION}.dist-info/licenses/LICENSE"
WHEEL_METADATA = f"phone_number_settings-{VERSION}.dist-info/METADATA"


def test_twine_passes_the_wheel_and_the_sdist(distributions: Distributions) -> None:
    # As `make dist` runs it: metadata complete, README renders on the index.
    checked = run(
        [str(VENV_BIN / "twine"), "check", "--strict", str(distributions.wheel),
         str(distributions.sdist)],
        cwd=distributions.wheel.parent,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout


def test_the_wheel_holds_every_package_the_license_and_the_changelog(
    distributions: Distributions,
) -> None:
    with zipfile.ZipFile(distributions.wheel) as archive:
        names = set(archive.namelist())
        license_text = archive.read(WHEEL_LICENSE).decode()
        changelog = archive.read(WHEEL_CHANGELOG).decode()
    modules = {
        f"{package}/{path.name}"
        for layer, package in PACKAGES.items()
        for path in (REPO_ROOT / layer / package).glob("*.py")
    }
    assert {f"{package}/py.typed" for package in PACKAGES.values()} | modules <= names
    assert not [name for name in names if name.startswith(("phone_number_settings_fakes", "tests"))]
    assert license_text == (REPO_ROOT / "LICENSE").read_text()
    assert changelog == (REPO_ROOT / "CHANGELOG.md").read_text()


def test_the_sdist_holds_the_license_and_the_changelog(distributions: Distributions) -> None:
    with tarfile.open(distributions.sdist) as archive:
        for name in ("LICENSE", "CHANGELOG.md"):
            member = archive.extractfile(f"phone_number_settings-{VERSION}/{name}")
            assert member is not None
            assert member.read() == (REPO_ROOT / name).read_bytes()


def test_the_metadata_asks_for_boto3_alone_and_an_extra_per_audience(
    distributions: Distributions,
) -> None:
    with zipfile.ZipFile(distributions.wheel) as archive:
        metadata = email.parser.Parser().parsestr(archive.read(WHEEL_METADATA).decode())
    requires = [Requirement(text) for text in metadata.get_all("Requires-Dist") or []]
    assert set(metadata.get_all("Provides-Extra") or []) == {"cdk", "templates", "dev"}

    def of(extra: str | None) -> set[str]:
        """The names (with extras) of what ``extra`` asks for; None: the base."""
        return {
            requirement.name
            + (f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else "")
            for requirement in requires
            if (
                requirement.marker.evaluate({"extra": extra or ""})
                if requirement.marker
                else not extra
            )
        }

    assert of(None) == {"boto3"}
    assert of("cdk") == {"aws-cdk-lib", "constructs", "crhelper"}
    assert of("templates") == {"cfn-lint"}
    assert {"phone-number-settings[cdk,templates]", "pytest", "ruff"} <= of("dev")


def test_your_own_app_steps_run_as_written(distributions: Distributions, tmp_path: Path) -> None:
    """Getting started's block, as the site shows it, in an empty folder: venv, install,
    app.py, cdk.json, cdk synth. The wheel comes through the variable the block reads."""
    wheel = distributions.wheel
    page = REPO_ROOT / "docs" / "getting-started" / "cdk.md"
    shown = load_hooks().substitute(page.read_text(), page.name)
    (steps,) = fenced_blocks(shown.split("## Your own app, step by step", 1)[1], "bash")
    assert f"phone_number_settings-{wheel.name.split('-')[1]}-py3-none-any.whl" in steps
    env = subprocess_env(
        PHONE_NUMBER_SETTINGS_WHEEL=str(wheel),
        # The versions this repository tests with; the block itself names none.
        PIP_CONSTRAINT=str(REPO_ROOT / "constraints.txt"),
    )
    for name in ("PYTHONPATH", "VIRTUAL_ENV"):
        env.pop(name, None)
    done = run(["bash", "-e", "-o", "pipefail", "-c", steps], cwd=tmp_path, env=env, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    template = json.loads(
        (tmp_path / "telephony" / "cdk.out" / "Telephony.template.json").read_text()
    )
    (resource,) = [r for r in template["Resources"].values() if r["Type"] == RESOURCE_TYPE]
    assert resource["Properties"]["CallingName"] == "Acme Support"
