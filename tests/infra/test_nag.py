"""cdk-nag AwsSolutions on a stack using the construct: no findings left unacknowledged.

cdk-nag 3 is a CDK policy-validation plugin: findings fail ``app.synth()`` and are listed
in validation-report.json; acknowledgements are CDK's own ``Validations.acknowledge``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack, Validations
from cdk_nag import AwsSolutionsChecks

import phone_number_settings_cdk.provider as provider_module
from phone_number_settings_cdk import PhoneNumberSettings, PhoneNumberSettingsProviderStack
from tests.infra.conftest import load_example_app

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cdk")]


def _synth_with_nag(outdir: Path, build: Any) -> tuple[Exception | None, list[Any]]:
    app = App(outdir=str(outdir))
    build(app)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    error: Exception | None = None
    try:
        app.synth()
    except RuntimeError as raised:  # jsii turns the ValidationFailed error into RuntimeError
        error = raised
    report = json.loads((outdir / "validation-report.json").read_text())
    violations = [
        violation
        for plugin_report in report["pluginReports"]
        for violation in plugin_report.get("violations", [])
    ]
    return error, violations


def test_example_app_has_no_cdk_nag_errors_or_warnings(tmp_path: Path) -> None:
    example = load_example_app()
    error, violations = _synth_with_nag(
        tmp_path, lambda app: example.PhoneNumberSettingsExampleStack(app, "Example")
    )
    assert violations == []
    assert error is None


def test_shared_provider_stack_has_no_cdk_nag_errors_or_warnings(tmp_path: Path) -> None:
    error, violations = _synth_with_nag(
        tmp_path, lambda app: PhoneNumberSettingsProviderStack(app, "Provider")
    )
    assert violations == []
    assert error is None


def test_the_acknowledged_finding_is_real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the construct's acknowledgement exactly that one finding comes back.

    This also proves the plugin runs at all: a clean report would look the same otherwise.
    """
    monkeypatch.setattr(provider_module, "NAG_ACKNOWLEDGEMENTS", ())

    def build(app: App) -> None:
        stack = Stack(app, "Unacknowledged")
        PhoneNumberSettings(stack, "Line", phone_number_id="+12065550100", calling_name="Acme")

    error, violations = _synth_with_nag(tmp_path, build)
    assert error is not None
    found = {
        (violation["ruleName"], construct["constructPath"])
        for violation in violations
        for construct in violation["violatingConstructs"]
    }
    assert found == {
        (
            "AwsSolutions-IAM5[Resource::*]",
            "Unacknowledged/ChimePhoneNumberSettingsProvider/Role/Resource",
        )
    }
