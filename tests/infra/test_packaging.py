"""The built wheel alone: construct, rules and handler inside, asset found without the repo."""

from __future__ import annotations

import shutil
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

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
    "lambda": "phone_number_settings_lambda",
    "cdk": "phone_number_settings_cdk",
    "cli": "phone_number_settings_cli",
}

APP_SCRIPT = textwrap.dedent(
    """
    import sys
    from aws_cdk import App, Stack
    import phone_number_settings_cdk
    from phone_number_settings_cdk import PhoneNumberSettings

    app = App(outdir=sys.argv[1])
    stack = Stack(app, "Packaged")
    PhoneNumberSettings(stack, "Line", phone_number_id="+12065550100", calling_name="Acme")
    app.synth()
    print(phone_number_settings_cdk.__file__)
    """
)


def test_wheel_installs_and_synthesises_outside_the_repo(tmp_path: Path) -> None:
    # Built from a copy: building in place would leave build/ and egg-info in the work tree.
    source = tmp_path / "source"
    shutil.copytree(REPO_ROOT, source, ignore=NOT_SOURCES)
    dist = tmp_path / "dist"
    # --no-isolation: the venv already has the pinned setuptools; no download needed.
    built = run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=source,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("*.whl")

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
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
        *(f"{package}/py.typed" for package in PACKAGES.values()),
    } | modules <= names
    assert not [name for name in names if name.startswith(("phone_number_settings_fakes", "tests"))]

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

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "app.py").write_text(APP_SCRIPT)
    outdir = tmp_path / "cdk.out"
    # No PYTHONPATH and a cwd outside the repo: only the installed wheel can be imported.
    env = subprocess_env()
    env.pop("PYTHONPATH", None)
    synth = run([str(venv_python), "app.py", str(outdir)], cwd=outside, env=env)
    assert synth.returncode == 0, synth.stderr
    assert synth.stdout.strip().startswith(str(venv))

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
         "--append-rules", "phone_number_settings_cli.cfn_lint_rules"],
        cwd=outside,
        env=env,
    )  # fmt: skip
    assert linted.returncode == 2, linted.stdout + linted.stderr
    assert ":7:7:7:18:E9101:CallingName: must be" in linted.stdout
