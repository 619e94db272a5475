"""The example app through the pinned CDK CLI, cfn-lint, and the Lambda asset it produces."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from phone_number_settings_cdk.bundling import build_asset
from phone_number_settings_fakes.cloudformation.assembly import Synthesis
from phone_number_settings_lambda import ENTRY_MODULE, ENTRY_SOURCE
from tests.infra.conftest import REPO_ROOT, VENV_BIN, run

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cli")]

STACK = "PhoneNumberSettingsExample"
# The packages the Lambda asset holds, by the folder (layer) they live in.
# What the function runs, by layer, in the order the bundler copies them.
FUNCTION_PACKAGES = {
    "lambda": "phone_number_settings_lambda",
    "chime": "phone_number_settings_chime",
    "core": "phone_number_settings_core",
}
NODE_BANNER = re.compile(r"end-of-life|\bEOL\b|deprecated", re.IGNORECASE)
# Generous: today about 30 KB. A bundled boto3 or botocore alone would be megabytes.
MAX_ZIPPED_ASSET_BYTES = 200_000


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


def test_cli_synth_writes_the_template_without_a_node_banner(example_synthesis: Synthesis) -> None:
    assert (example_synthesis.outdir / f"{STACK}.template.json").is_file()
    assert not NODE_BANNER.search(example_synthesis.stderr), example_synthesis.stderr
    assert not NODE_BANNER.search(example_synthesis.stdout), example_synthesis.stdout


def test_cdk_json_keeps_the_cli_from_phoning_home() -> None:
    config = json.loads((REPO_ROOT / "cdk.json").read_text())
    assert config["notices"] is False
    assert config["context"]["cli-telemetry"] is False


def test_cfn_lint_finds_no_errors_or_warnings(example_synthesis: Synthesis) -> None:
    templates = sorted(example_synthesis.outdir.glob("*.template.json"))
    assert [path.name for path in templates] == [
        f"{STACK}.template.json",
        "PhoneNumberSettingsProvider.template.json",
    ]
    # The one ignore (W3005 on the Lambda function) is resource metadata set by the
    # provider itself, where its reason is written down. Our own rules run too: what the
    # construct synthesises must pass them.
    result = run(
        [
            str(VENV_BIN / "cfn-lint"), "--format", "parseable", *map(str, templates),
            "--append-rules", "phone_number_settings_cfn_lint",
        ],
        cwd=REPO_ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_asset_holds_the_handler_and_crhelper_only(example_synthesis: Synthesis) -> None:
    _, asset_dir = only_asset(example_synthesis.outdir)
    files = relative_files(asset_dir)
    entry_module = f"{ENTRY_MODULE}.py"
    assert {path.split("/")[0] for path in files} == {
        *FUNCTION_PACKAGES.values(),
        "crhelper",
        entry_module,
    }
    function_sources = {
        f"{package}/{path.name}"
        for layer, package in FUNCTION_PACKAGES.items()
        for path in (REPO_ROOT / layer / package).glob("*.py")
    }
    # The entry module moves from the Lambda package to the root: one copy, where the
    # Handler string finds it.
    moved = f"phone_number_settings_lambda/{ENTRY_SOURCE}"
    assert moved in function_sources
    assert (
        {
            "phone_number_settings_lambda/handler.py",
            "phone_number_settings_lambda/story.py",
            "phone_number_settings_core/rules.py",
        }
        <= function_sources - {moved}
        <= files
    )
    assert moved not in files
    assert (asset_dir / entry_module).read_bytes() == (REPO_ROOT / "lambda" / moved).read_bytes()
    assert {"crhelper/LICENSE", "crhelper/NOTICE", "crhelper/__init__.py"} <= files
    assert all(path.endswith(".py") for path in files - {"crhelper/LICENSE", "crhelper/NOTICE"})
    assert not [path for path in files if "__pycache__" in path or "/tests/" in path]
    assert not [path for path in files if path.startswith(("boto3", "botocore"))]
    size = zipped_size(asset_dir)
    print(f"zipped Lambda asset: {size} bytes")
    assert size < MAX_ZIPPED_ASSET_BYTES


def _checkout_copy(root: Path) -> tuple[Path, ...]:
    """Copy the function's packages as a fresh clone has them, with stray bytecode added.

    Returns the package directories, in the order the bundler takes them.
    """
    for layer in FUNCTION_PACKAGES:
        # shutil.copy, not copy2: every file gets a new mtime, as in a fresh clone.
        shutil.copytree(
            REPO_ROOT / layer,
            root / layer,
            copy_function=shutil.copy,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    junk = root / "core" / "phone_number_settings_core" / "__pycache__"
    junk.mkdir()
    (junk / "rules.cpython-311.pyc").write_bytes(root.name.encode())
    return tuple(root / layer / package for layer, package in FUNCTION_PACKAGES.items())


def _asset_hash(package_dirs: tuple[Path, ...], outdir: Path) -> str:
    """What CDK computes for the asset (AssetHashType.OUTPUT: the bundle's fingerprint)."""
    from aws_cdk import FileSystem

    build_asset(outdir, package_dirs)
    return FileSystem.fingerprint(str(outdir))


def test_asset_hash_is_the_same_for_two_checkouts(
    tmp_path: Path, example_synthesis: Synthesis
) -> None:
    first = _asset_hash(_checkout_copy(tmp_path / "first"), tmp_path / "first-out")
    second = _asset_hash(_checkout_copy(tmp_path / "second"), tmp_path / "second-out")
    repo_hash, _ = only_asset(example_synthesis.outdir)
    assert first == second == repo_hash

    # And the hash does follow the content: a changed handler file gives a new asset.
    changed = _checkout_copy(tmp_path / "changed")
    rules_file = changed[list(FUNCTION_PACKAGES).index("core")] / "rules.py"
    rules_file.write_text(rules_file.read_text() + "\n# changed\n")
    assert _asset_hash(changed, tmp_path / "changed-out") != first
