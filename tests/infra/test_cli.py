"""The example app through the pinned CDK CLI, cfn-lint, and the Lambda asset it produces."""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.infra.conftest import REPO_ROOT, VENV_BIN, run, subprocess_env

pytestmark = pytest.mark.xdist_group("cli")

STACK = "PhoneNumberSettingsExample"
NODE_BANNER = re.compile(r"end-of-life|\bEOL\b|deprecated", re.IGNORECASE)
# Generous: today about 30 KB. A bundled boto3 or botocore alone would be megabytes.
MAX_ZIPPED_ASSET_BYTES = 200_000


@dataclass(frozen=True)
class CliSynth:
    outdir: Path
    stdout: str
    stderr: str


def asset_dirs(outdir: Path, stack: str = STACK) -> dict[str, Path]:
    """The stack's file assets by hash, as the cloud assembly's asset manifest lists them."""
    manifest = json.loads((outdir / f"{stack}.assets.json").read_text())
    return {
        asset_hash: outdir / asset["source"]["path"]
        for asset_hash, asset in manifest["files"].items()
        if asset["source"].get("packaging") == "zip"
    }


def only_asset(outdir: Path) -> tuple[str, Path]:
    assets = asset_dirs(outdir)
    assert len(assets) == 1, assets
    return next(iter(assets.items()))


def relative_files(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def zipped_size(root: Path) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(relative_files(root)):
            archive.write(root / name, name)
    return len(buffer.getvalue())


@pytest.fixture(scope="module")
def cli_synth(tmp_path_factory: pytest.TempPathFactory) -> CliSynth:
    outdir = tmp_path_factory.mktemp("cli-cdk-out")
    result = run(["cdk", "synth", "--quiet", "-o", str(outdir)], cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr
    return CliSynth(outdir=outdir, stdout=result.stdout, stderr=result.stderr)


def test_cli_synth_writes_the_template_without_a_node_banner(cli_synth: CliSynth) -> None:
    assert (cli_synth.outdir / f"{STACK}.template.json").is_file()
    assert not NODE_BANNER.search(cli_synth.stderr), cli_synth.stderr
    assert not NODE_BANNER.search(cli_synth.stdout), cli_synth.stdout


def test_cdk_json_keeps_the_cli_from_phoning_home() -> None:
    config = json.loads((REPO_ROOT / "cdk.json").read_text())
    assert config["notices"] is False
    assert config["context"]["cli-telemetry"] is False


def test_cfn_lint_finds_no_errors_or_warnings(cli_synth: CliSynth) -> None:
    templates = sorted(cli_synth.outdir.glob("*.template.json"))
    assert templates
    # The one ignore (W3005 on the Lambda function) is resource metadata set by the
    # provider itself, where its reason is written down.
    result = run(
        [str(VENV_BIN / "cfn-lint"), "--format", "parseable", *map(str, templates)],
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_asset_holds_the_handler_and_crhelper_only(cli_synth: CliSynth) -> None:
    _, asset_dir = only_asset(cli_synth.outdir)
    files = relative_files(asset_dir)
    assert {path.split("/")[0] for path in files} == {"phone_number_settings_handler", "crhelper"}
    handler_sources = {
        f"phone_number_settings_handler/{path.name}"
        for path in (REPO_ROOT / "lambda" / "phone_number_settings_handler").glob("*.py")
    }
    assert (
        {
            "phone_number_settings_handler/__init__.py",
            "phone_number_settings_handler/rules.py",
        }
        <= handler_sources
        <= files
    )
    assert {"crhelper/LICENSE", "crhelper/NOTICE", "crhelper/__init__.py"} <= files
    assert all(path.endswith(".py") for path in files - {"crhelper/LICENSE", "crhelper/NOTICE"})
    assert not [path for path in files if "__pycache__" in path or "/tests/" in path]
    assert not [path for path in files if path.startswith(("boto3", "botocore"))]
    size = zipped_size(asset_dir)
    print(f"zipped Lambda asset: {size} bytes")
    assert size < MAX_ZIPPED_ASSET_BYTES


def _checkout_copy(root: Path) -> Path:
    """Copy the sources a synth reads, with fresh mtimes and stray bytecode."""
    for part in ("lambda", "cdk"):
        # shutil.copy, not copy2: every file gets a new mtime, as in a fresh clone.
        shutil.copytree(
            REPO_ROOT / part,
            root / part,
            copy_function=shutil.copy,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    junk = root / "lambda" / "phone_number_settings_handler" / "__pycache__"
    junk.mkdir()
    (junk / "rules.cpython-311.pyc").write_bytes(root.name.encode())
    return root


def _synth_copy(checkout: Path, outdir: Path) -> str:
    env = subprocess_env(
        PYTHONPATH=f"{checkout / 'lambda'}:{checkout / 'cdk'}", CDK_OUTDIR=str(outdir)
    )
    where = run(
        [
            sys.executable,
            "-c",
            "import chime_phone_number_settings as c, phone_number_settings_handler as h;"
            "print(c.__file__); print(h.__file__)",
        ],
        cwd=checkout,
        env=env,
    )
    assert where.returncode == 0, where.stderr
    assert all(line.startswith(str(checkout)) for line in where.stdout.splitlines())
    result = run([sys.executable, "cdk/app.py"], cwd=checkout, env=env)
    assert result.returncode == 0, result.stderr
    asset_hash, _ = only_asset(outdir)
    return asset_hash


def test_asset_hash_is_the_same_for_two_checkouts(tmp_path: Path, cli_synth: CliSynth) -> None:
    first = _synth_copy(_checkout_copy(tmp_path / "first"), tmp_path / "first-out")
    second = _synth_copy(_checkout_copy(tmp_path / "second"), tmp_path / "second-out")
    repo_hash, _ = only_asset(cli_synth.outdir)
    assert first == second == repo_hash

    # And the hash does follow the content: a changed handler file gives a new asset.
    changed = _checkout_copy(tmp_path / "changed")
    rules_file = changed / "lambda" / "phone_number_settings_handler" / "rules.py"
    rules_file.write_text(rules_file.read_text() + "\n# changed\n")
    assert _synth_copy(changed, tmp_path / "changed-out") != first
