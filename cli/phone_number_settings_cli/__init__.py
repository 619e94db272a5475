"""The ``phone-number-settings`` command: plan and drift, and adopting live numbers."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "phone-number-settings"


def _installed_version() -> str:
    # The one place the version is written is pyproject.toml; installing records it.
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "unknown (not installed)"


__version__ = _installed_version()
