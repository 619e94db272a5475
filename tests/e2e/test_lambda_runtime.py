"""The runner runs what the asset holds and nothing else, under the template's Timeout."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.cloudformation.assembly import StackTemplate
from phone_number_settings_fakes.cloudformation.driver import CloudFormationDriver
from phone_number_settings_fakes.lambda_service.runner import LambdaEnvironment, LambdaInitError

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]


def provider_function(template: StackTemplate) -> str:
    (resource, *_) = template.custom_resources()
    return resource.function_logical_id


def test_function_spec_comes_from_the_template(example_template: StackTemplate) -> None:
    function = example_template.function(provider_function(example_template))
    assert function.handler == "phone_number_settings_lambda.handler.handler"
    assert function.timeout_seconds == 900
    assert function.environment == {"PHONE_NUMBER_SETTINGS_RESOURCES_SERVED": "3"}
    assert (function.log_format, function.application_log_level) == ("JSON", "INFO")
    assert sorted(p.name for p in function.asset_dir.iterdir()) == [
        "crhelper",
        "phone_number_settings_chime",
        "phone_number_settings_core",
        "phone_number_settings_lambda",
    ]


def test_asset_without_crhelper_fails_to_import(
    example_template: StackTemplate, lambda_env: LambdaEnvironment, tmp_path: Path
) -> None:
    function = example_template.function(provider_function(example_template))
    broken = tmp_path / "asset"
    shutil.copytree(function.asset_dir, broken)
    shutil.rmtree(broken / "crhelper")

    process = lambda_env.start(dataclasses.replace(function, asset_dir=broken))
    with pytest.raises(LambdaInitError) as raised:
        process.wait_ready()
    assert raised.value.message["errorType"] == "Runtime.ImportModuleError"
    assert "crhelper" in raised.value.message["errorMessage"]
    assert not process.alive


def test_project_source_is_not_importable(
    example_template: StackTemplate, lambda_env: LambdaEnvironment
) -> None:
    # The process sees the asset and Lambda's runtime only: not the repo, not the editable
    # install, not the dev environment's packages.
    function = example_template.function(provider_function(example_template))
    for handler in (
        "phone_number_settings_fakes.chime.backend.ChimeBackend",
        "phone_number_settings_cdk.x",
        "pytest.main",
        "trustme.CA",
    ):
        process = lambda_env.start(dataclasses.replace(function, handler=handler))
        with pytest.raises(LambdaInitError, match="ImportModuleError"):
            process.wait_ready()


def test_unchanged_asset_runs_and_stays_free_of_bytecode(
    created_once: None, example_template: StackTemplate
) -> None:
    function = example_template.function(provider_function(example_template))
    assert not list(function.asset_dir.rglob("__pycache__"))


@pytest.fixture
def created_once(
    cloudformation: CloudFormationDriver, chime: ChimeBackend, example_template: StackTemplate
) -> None:
    for number in ("+12065550100", "+12065550101", "+12065550102"):
        chime.seed_number(number)
    assert cloudformation.create_stack(example_template).status == "CREATE_COMPLETE"
