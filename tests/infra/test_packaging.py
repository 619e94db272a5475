"""The built wheel and sdist: LICENSE and CHANGELOG inside, twine-clean; the wheel alone
installs, tells its version, and synthesises the example app outside the repo."""

from __future__ import annotations

import json
import shutil
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from phone_number_settings_core.rules import RESOURCE_TYPE
from tests.docs.markdown import fenced_blocks
from tests.docs.site import load_hooks
from tests.infra.conftest import REPO_ROOT, VENV_BIN, run, subprocess_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("packaging")]

# Not copied into the build tree: tool state, caches and outputs of other runs.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "cdk.out", "build", "dist", "*.egg-info",
    "__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
)  # fmt: skip

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

EXAMPLE_STACK = "PhoneNumberSettingsExample"
# Where the wheel puts the changelog (pyproject's data-files) and the license (PEP 639).
WHEEL_CHANGELOG = (
    "phone_number_settings-{version}.data/data/share/doc/phone-number-settings/CHANGELOG.md"
)
WHEEL_LICENSE = "phone_number_settings-{version}.dist-info/licenses/LICENSE"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel and the sdist, built once for this module's tests."""
    tmp_path = tmp_path_factory.mktemp("build")
    # Built from a copy: building in place would leave build/ and egg-info in the work tree.
    source = tmp_path / "source"
    shutil.copytree(REPO_ROOT, source, ignore=NOT_SOURCES)
    dist = tmp_path / "dist"
    # --no-isolation: the venv already has the pinned setuptools; no download needed.
    done = run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist)],
        cwd=source,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    return wheel, sdist


def test_your_own_app_steps_run_as_written(built: tuple[Path, Path], tmp_path: Path) -> None:
    """Getting started's block, as the site shows it, in an empty folder: venv, install,
    app.py, cdk.json, cdk synth. The wheel comes through the variable the block reads."""
    wheel, _ = built
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


def test_wheel_installs_and_synthesises_outside_the_repo(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    version = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    wheel, sdist = built
    dist = wheel.parent

    # twine, as `make dist` runs it: metadata complete, README renders on the index.
    checked = run([str(VENV_BIN / "twine"), "check", "--strict", str(wheel), str(sdist)], cwd=dist)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        license_text = archive.read(WHEEL_LICENSE.format(version=version)).decode()
        changelog = archive.read(WHEEL_CHANGELOG.format(version=version)).decode()
    modules = {
        f"{package}/{path.name}"
        for layer, package in PACKAGES.items()
        for path in (REPO_ROOT / layer / package).glob("*.py")
    }
    assert {
        "phone_number_settings_cdk/__init__.py",
        "phone_number_settings_cdk/construct.py",
        "phone_number_settings_cdk/provider.py",
        "phone_number_settings_cdk/bundling.py",
        "phone_number_settings_core/rules.py",
        "phone_number_settings_lambda/handler.py",
        "phone_number_settings_cli/main.py",
        "phone_number_settings_cli/adopt.py",
        *(f"{package}/py.typed" for package in PACKAGES.values()),
    } | modules <= names
    assert not [name for name in names if name.startswith(("phone_number_settings_fakes", "tests"))]
    assert license_text == (REPO_ROOT / "LICENSE").read_text()
    assert changelog == (REPO_ROOT / "CHANGELOG.md").read_text()
    with tarfile.open(sdist) as archive:
        root = f"phone_number_settings-{version}"
        for name in ("LICENSE", "CHANGELOG.md"):
            member = archive.extractfile(f"{root}/{name}")
            assert member is not None
            assert member.read() == (REPO_ROOT / name).read_bytes()

    # A fresh virtualenv, the wheel and what its metadata asks for, resolved from the
    # package index. uv, not pip: the same resolution from the same index, in seconds.
    venv = tmp_path / "venv"
    created = run([str(VENV_BIN / "uv"), "venv", "--quiet", str(venv)], cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    venv_python = venv / "bin" / "python"
    installed = run(
        [
            str(VENV_BIN / "uv"), "pip", "install", "--quiet", "--python", str(venv_python),
            "-c", str(REPO_ROOT / "constraints.txt"), str(wheel),
        ],
        cwd=tmp_path,
        timeout=900,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert (venv / "share" / "doc" / "phone-number-settings" / "CHANGELOG.md").is_file()

    # No PYTHONPATH and a cwd outside the repo: only the installed wheel can be imported.
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = subprocess_env()
    env.pop("PYTHONPATH", None)
    shown = run([str(venv / "bin" / "phone-number-settings"), "--version"], cwd=outside, env=env)
    assert (shown.returncode, shown.stdout) == (0, f"phone-number-settings {version}\n")
    found = run(
        [str(venv_python), "-c", "import importlib.util as u; "
         "print(u.find_spec('phone_number_settings_cdk').origin)"],
        cwd=outside,
        env=env,
    )  # fmt: skip
    assert found.stdout.strip().startswith(str(venv)), found.stdout + found.stderr

    # The example app, as a user's own app.py: one synth, with the installed wheel only.
    shutil.copy(REPO_ROOT / "cdk" / "app.py", outside / "app.py")
    outdir = tmp_path / "cdk.out"
    synth = run([str(venv_python), "app.py"], cwd=outside, env={**env, "CDK_OUTDIR": str(outdir)})
    assert synth.returncode == 0, synth.stderr
    assert (outdir / f"{EXAMPLE_STACK}.template.json").is_file()
    (asset_dir,) = outdir.glob("asset.*")
    assert (asset_dir / "phone_number_settings_core" / "rules.py").is_file()
    assert (asset_dir / "phone_number_settings_lambda" / "handler.py").is_file()
    assert (asset_dir / "crhelper" / "LICENSE").is_file()

    # The cfn-lint rules ship inside, and cfn-lint comes with the install (README's command).
    mistake = tmp_path / "mistake.yaml"
    mistake.write_text(
        "Resources:\n  Line:\n    Type: Custom::PhoneNumberSettings\n    Properties:\n"
        "      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:f\n"
        '      PhoneNumberId: "+12065550100"\n      CallingName: "A"\n'
    )
    linted = run(
        [str(venv / "bin" / "cfn-lint"), str(mistake), "--format", "parseable",
         "--append-rules", "phone_number_settings_cfn_lint"],
        cwd=outside,
        env=env,
    )  # fmt: skip
    assert linted.returncode == 2, linted.stdout + linted.stderr
    assert ":7:7:7:18:E9101:CallingName: too short: 1 character" in linted.stdout
