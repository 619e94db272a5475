"""A stand-in for Lambda's ``/var/runtime``, copied from what this environment holds.

Lambda's Python runtime brings boto3 and the runtime interface client (``awslambdaric``)
beside the function's code. ``build_runtime_dir`` copies those distributions, and what they
require, file by file from the current environment's site-packages (each distribution's
RECORD list): no pip, no network.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Final

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# What Lambda's Python runtime provides to every function.
RUNTIME_DISTRIBUTIONS: Final = ("boto3", "awslambdaric")


def required_distributions(names: Iterable[str]) -> list[metadata.Distribution]:
    """The named distributions and everything they require here, each once."""
    found: dict[str, metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        distribution = metadata.distribution(name)
        found[name] = distribution
        for text in distribution.requires or ():
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return sorted(found.values(), key=lambda d: canonicalize_name(d.metadata["Name"]))


def copy_distribution(distribution: metadata.Distribution, target: Path) -> int:
    """Copy one distribution's files below its site-packages into ``target``; the count."""
    base = Path(str(distribution.locate_file(""))).resolve()
    copied = 0
    for entry in distribution.files or ():
        source = Path(str(distribution.locate_file(entry))).resolve()
        if not source.is_relative_to(base):
            continue  # console scripts in bin/
        relative = source.relative_to(base)
        if "__pycache__" in relative.parts or relative.suffix == ".pyc":
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        copied += 1
    return copied


def build_runtime_dir(target: Path, names: Iterable[str] = RUNTIME_DISTRIBUTIONS) -> Path:
    """Fill ``target`` (new or empty) with ``names`` and their requirements."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty")
    for distribution in required_distributions(names):
        copy_distribution(distribution, target)
    return target
