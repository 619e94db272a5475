"""Builds the provider Lambda's asset from installed packages: no Docker, no network.

The asset holds the entry module at its root (standard library only, so it loads when
nothing else does), the Lambda package, the Chime client and the core package it stands on,
and crhelper (with its LICENSE and NOTICE, which Apache-2.0 requires us to ship). boto3 is
left out: the Lambda Python runtime has it.
Files are copied in sorted order and only their bytes and relative paths reach the
output, so two checkouts of the same sources give the same asset hash.
"""

from __future__ import annotations

import fnmatch
import importlib.metadata
import shutil
from pathlib import Path
from typing import Any, Final

import crhelper
import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

import phone_number_settings_chime
import phone_number_settings_core
import phone_number_settings_lambda
from phone_number_settings_lambda import ENTRY_MODULE, ENTRY_SOURCE

# The packages the function imports, by their installed location.
FUNCTION_PACKAGE_DIRS: Final = tuple(
    Path(package.__file__).resolve().parent
    for package in (
        phone_number_settings_lambda,
        phone_number_settings_chime,
        phone_number_settings_core,
    )
    if package.__file__ is not None
)
CRHELPER_PACKAGE_DIR: Final = Path(crhelper.__file__).resolve().parent
CRHELPER_DISTRIBUTION: Final = "crhelper"
CRHELPER_LEGAL_FILES: Final = ("LICENSE", "NOTICE")

# Bytecode is built for the synth machine's Python, stubs and the typing marker serve only
# type checkers, and tests do not belong in a deployed function.
EXCLUDED_NAMES: Final = (
    "__pycache__",
    "*.pyc",
    "*.pyo",
    "*.pyi",
    "py.typed",
    "tests",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    ".*",
)


def _is_excluded(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in EXCLUDED_NAMES)


def copy_package(source_dir: Path, target_dir: Path) -> None:
    """Copy a package tree, leaving out EXCLUDED_NAMES, without metadata (mtimes, modes)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for entry in sorted(source_dir.iterdir(), key=lambda path: path.name):
        if _is_excluded(entry.name):
            continue
        if entry.is_dir():
            copy_package(entry, target_dir / entry.name)
        elif entry.is_file():
            # copyfile, not copy2: only the bytes travel, never the checkout's timestamps.
            shutil.copyfile(entry, target_dir / entry.name)


def copy_distribution_legal_files(distribution: str, target_dir: Path) -> None:
    """Copy a distribution's LICENSE and NOTICE from its installed metadata."""
    dist = importlib.metadata.distribution(distribution)
    found = {
        Path(str(file)).name: Path(str(dist.locate_file(file)))
        for file in dist.files or ()
        if Path(str(file)).name in CRHELPER_LEGAL_FILES
        and Path(str(file)).parent.name.endswith(".dist-info")
    }
    missing = [name for name in CRHELPER_LEGAL_FILES if name not in found]
    if missing:
        raise FileNotFoundError(
            f"{distribution} is installed without {', '.join(missing)} in its metadata; "
            "the Lambda asset must ship them (Apache-2.0)"
        )
    for name in CRHELPER_LEGAL_FILES:
        shutil.copyfile(found[name], target_dir / name)


def build_asset(output_dir: Path, package_dirs: tuple[Path, ...] = FUNCTION_PACKAGE_DIRS) -> None:
    """Write the Lambda asset into ``output_dir``: ``package_dirs``, the entry module taken
    out of the Lambda package (the first) to the root, and crhelper."""
    for package_dir in package_dirs:
        copy_package(package_dir, output_dir / package_dir.name)
    entry_source = output_dir / package_dirs[0].name / ENTRY_SOURCE
    entry_source.rename(output_dir / f"{ENTRY_MODULE}.py")
    crhelper_dir = output_dir / CRHELPER_PACKAGE_DIR.name
    copy_package(CRHELPER_PACKAGE_DIR, crhelper_dir)
    copy_distribution_legal_files(CRHELPER_DISTRIBUTION, crhelper_dir)


@jsii.implements(ILocalBundling)
class InstalledPackagesBundling:
    """Local bundling that copies the installed packages; never falls back to Docker."""

    # Keyword-only like ILocalBundling: jsii then passes BundlingOptions fields as keywords.
    # None of them matter here: the asset is the same for every caller.
    def try_bundle(self, output_dir: str, *, image: DockerImage, **_options: Any) -> bool:
        del image
        build_asset(Path(output_dir))
        return True


def handler_code() -> lambda_.Code:
    """The provider Lambda's code: an asset hashed by its output, bundled locally."""
    return lambda_.Code.from_asset(
        str(FUNCTION_PACKAGE_DIRS[0]),
        # OUTPUT: the hash follows what is deployed, not where the checkout lives.
        asset_hash_type=AssetHashType.OUTPUT,
        bundling=BundlingOptions(
            # Required by the API, never pulled: the local bundler always succeeds.
            image=DockerImage.from_registry("scratch"),
            local=InstalledPackagesBundling(),
        ),
    )
