"""The built wheel alone: construct, rules and handler inside, asset found without the repo."""

from __future__ import annotations

import shutil
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.infra.conftest import REPO_ROOT, run, subprocess_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("packaging")]

# Not copied into the build tree: tool state, caches and outputs of other runs.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "cdk.out", "build", "dist", "*.egg-info",
    "__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
)  # fmt: skip

APP_SCRIPT = textwrap.dedent(
    """
    import sys
    from aws_cdk import App, Stack
    import chime_phone_number_settings
    from chime_phone_number_settings import PhoneNumberSettings

    app = App(outdir=sys.argv[1])
    stack = Stack(app, "Packaged")
    PhoneNumberSettings(stack, "Line", phone_number_id="+12065550100", calling_name="Acme")
    app.synth()
    print(chime_phone_number_settings.__file__)
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
    handler_modules = {
        f"phone_number_settings_handler/{path.name}"
        for path in (REPO_ROOT / "lambda" / "phone_number_settings_handler").glob("*.py")
    }
    assert {
        "chime_phone_number_settings/__init__.py",
        "chime_phone_number_settings/construct.py",
        "chime_phone_number_settings/provider.py",
        "chime_phone_number_settings/bundling.py",
        "chime_phone_number_settings/py.typed",
        "phone_number_settings_handler/rules.py",
        "phone_number_settings_handler/__init__.py",
        "phone_number_settings_handler/py.typed",
    } | handler_modules <= names

    venv = tmp_path / "venv"
    created = run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    venv_python = venv / "bin" / "python"
    installed = run(
        [
            str(venv_python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
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
    assert (asset_dir / "phone_number_settings_handler" / "rules.py").is_file()
    assert (asset_dir / "phone_number_settings_handler" / "__init__.py").is_file()
    assert (asset_dir / "crhelper" / "LICENSE").is_file()
