"""Imports point one way, and each audience's package loads only its own extra's modules.

Each case imports every module of a package in a fresh interpreter and lists the top-level
modules that came with them.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

IMPORT_ALL = """
import importlib, pkgutil, sys
package = importlib.import_module(sys.argv[1])
for module in pkgutil.walk_packages(getattr(package, "__path__", []), package.__name__ + "."):
    if not module.name.endswith(".__main__"):  # running it is not importing it
        importlib.import_module(module.name)
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""

PRODUCT = (
    "phone_number_settings_core",
    "phone_number_settings_chime",
    "phone_number_settings_lambda",
    "phone_number_settings_cdk",
    "phone_number_settings_templates",
    "phone_number_settings_cli",
    "phone_number_settings_cfn_lint",
)
CDK = ("aws_cdk", "jsii", "constructs")
CFN_LINT = ("cfnlint",)


def loaded_with(package: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, package],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(done.stdout.split())


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        # The rules: no SDK, no runtime, no extra.
        ("phone_number_settings_core", ("boto3", "botocore", "crhelper", *CDK, *CFN_LINT)),
        ("phone_number_settings_chime", ("crhelper", "phone_number_settings_lambda", *CDK)),
        ("phone_number_settings_lambda", (*CDK, *CFN_LINT)),
        # The command runs on the base install; YAML alone needs cfn-lint, on first use.
        (
            "phone_number_settings_cli",
            ("crhelper", "phone_number_settings_lambda", *CDK, *CFN_LINT),
        ),
        ("phone_number_settings_templates", ("boto3", *CDK, *CFN_LINT)),
        ("phone_number_settings_cfn_lint", ("boto3", *CDK)),
        # The stand-in for Chime is written apart from the product it stands in for.
        ("phone_number_settings_fakes.chime", PRODUCT),
        pytest.param(
            "phone_number_settings_cdk",
            ("cfnlint", "phone_number_settings_cli"),
            marks=pytest.mark.slow,
        ),
    ],
)
def test_a_package_loads_nothing_of_another_audience(
    package: str, forbidden: tuple[str, ...]
) -> None:
    loaded = loaded_with(package)
    assert package.split(".", maxsplit=1)[0] in loaded
    assert loaded & set(forbidden) == set()
