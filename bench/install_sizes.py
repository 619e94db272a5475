"""What each audience installs: the wheel with each extra in a fresh virtualenv, and its size.

``python -m bench.install_sizes`` builds the wheel from a copy of the work tree, installs
it into one fresh virtualenv per audience (uv, the pinned versions of constraints.txt, the
package index) and prints the bytes each install put in site-packages. tests/infra uses
the same building and installing (test_packaging.py, test_extras.py). Not a test: nothing
here asserts.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
UV: Final = Path(sys.executable).parent / "uv"
# Each audience of pyproject.toml by the extras it installs ("" is the base alone).
AUDIENCES: Final = {
    "base": "",
    "cdk": "cdk",
    "templates": "templates",
    "cdk and templates": "cdk,templates",
}
# Not copied into the build tree: tool state, caches and outputs of other runs.
NOT_SOURCES: Final = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "cdk.out", "build", "dist", "*.egg-info",
    "__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
)  # fmt: skip


@dataclass(frozen=True)
class Distributions:
    wheel: Path
    sdist: Path


def build(workdir: Path) -> Distributions:
    """The wheel and the sdist, built from a copy of the work tree into ``workdir``/dist.

    Built from a copy, since building in place leaves build/ and egg-info in the work tree;
    without isolation, since the venv has the pinned setuptools and needs no download.
    """
    source = workdir / "source"
    shutil.copytree(REPO_ROOT, source, ignore=NOT_SOURCES)
    dist = workdir / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist)],
        cwd=source,
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    return Distributions(wheel, sdist)


def install(wheel: Path, extras: str, venv: Path) -> subprocess.CompletedProcess[str]:
    """A fresh virtualenv at ``venv`` with ``wheel[extras]`` and what its metadata asks for.

    uv, not pip: the same resolution from the same index, in seconds.
    """
    created = subprocess.run(
        [str(UV), "venv", "--quiet", str(venv)], capture_output=True, text=True, check=False
    )
    if created.returncode != 0:
        return created
    requirement = f"{wheel}[{extras}]" if extras else str(wheel)
    return subprocess.run(
        [
            str(UV), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
            "-c", str(REPO_ROOT / "constraints.txt"), requirement,
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )  # fmt: skip


def site_packages(venv: Path) -> Path:
    (found,) = venv.glob("lib/python*/site-packages")
    return found


def installed_bytes(venv: Path) -> int:
    """The bytes of every file the install put in site-packages (a fresh uv venv has none)."""
    return sum(path.stat().st_size for path in site_packages(venv).rglob("*") if path.is_file())


def distributions(venv: Path) -> int:
    return len(list(site_packages(venv).glob("*.dist-info")))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.install_sizes", description=__doc__)
    parser.add_argument("--wheel", type=Path, help="an already built wheel (default: build one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pns-install-sizes-") as tmp:
        wheel = args.wheel.resolve() if args.wheel else build(Path(tmp)).wheel
        print(f"{wheel.name}, each audience in a fresh virtualenv (site-packages):")
        for audience, extras in AUDIENCES.items():
            venv = Path(tmp) / audience.replace(" ", "-")
            done = install(wheel, extras, venv)
            if done.returncode != 0:
                print(f"  {audience}: install failed: {done.stderr.strip()}")
                return 1
            label = f"phone-number-settings[{extras}]" if extras else "phone-number-settings"
            print(
                f"  {label:<45} {installed_bytes(venv) / 1e6:7.1f} MB"
                f"  {distributions(venv):3d} distributions"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
