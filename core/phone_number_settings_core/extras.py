"""The optional dependencies, by audience (pyproject's extras), imported on first use.

Every audience installs the base (boto3). A module only one audience needs is imported
through ``import_extra``, so its absence reads as one line naming the extra to install.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Final

from phone_number_settings_core.errors import MissingExtraError


@dataclass(frozen=True)
class Extra:
    """An extra of pyproject.toml and the distribution of it that a use needs."""

    name: str
    distribution: str


# What YAML and SAM users install: plan, adopt and the cfn-lint rules.
CFN_LINT: Final = Extra("templates", "cfn-lint")
# What CDK users install: the construct, and crhelper bundled into its Lambda asset.
AWS_CDK: Final = Extra("cdk", "aws-cdk-lib")


def import_extra(module: str, extra: Extra, *, needed_for: str) -> ModuleType:
    """``module``, or MissingExtraError when ``extra``'s distribution is not installed."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        # Only the module itself missing: a broken install of it keeps its own error.
        if (error.name or "").partition(".")[0] != module.partition(".")[0]:
            raise
        raise MissingExtraError(needed_for, extra.distribution, extra.name) from None
