"""The runner runs what the asset holds and nothing else, under the template's Timeout."""

from __future__ import annotations

import dataclasses
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_fakes.cloudformation.assembly import StackTemplate
from phone_number_settings_fakes.cloudformation.driver import CloudFormationDriver, check_response
from phone_number_settings_fakes.lambda_service.runner import (
    ExecutionEnvironment,
    LambdaEnvironment,
    LambdaInitError,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

# An import failure is answered within seconds, not after the ServiceTimeout.
ANSWER_WITHIN_SECONDS = 5.0


def provider_function(template: StackTemplate) -> str:
    (resource, *_) = template.custom_resources()
    return resource.function_logical_id


def test_function_spec_comes_from_the_template(example_template: StackTemplate) -> None:
    function = example_template.function(provider_function(example_template))
    assert function.handler == "phone_number_settings_entry.handler"
    assert function.timeout_seconds == 900
    assert function.environment == {"PHONE_NUMBER_SETTINGS_RESOURCES_SERVED": "3"}
    assert (function.log_format, function.application_log_level) == ("JSON", "INFO")
    assert sorted(p.name for p in function.asset_dir.iterdir()) == [
        "crhelper",
        "phone_number_settings_chime",
        "phone_number_settings_core",
        "phone_number_settings_entry.py",
        "phone_number_settings_lambda",
    ]


@pytest.fixture
def without_crhelper(
    example_template: StackTemplate, lambda_env: LambdaEnvironment, tmp_path: Path
) -> Iterator[ExecutionEnvironment]:
    """An execution environment of the example's function, its asset missing crhelper."""
    function = example_template.function(provider_function(example_template))
    broken = tmp_path / "asset"
    shutil.copytree(function.asset_dir, broken)
    shutil.rmtree(broken / "crhelper")
    process = lambda_env.start(dataclasses.replace(function, asset_dir=broken))
    yield process.wait_ready()
    process.close()


def answer_to(
    process: ExecutionEnvironment, responder: CfnResponder, event: dict[str, Any]
) -> dict[str, Any]:
    started = time.monotonic()
    invocation = process.invoke(event)
    (response,) = responder.wait_for(event["ResponseURL"], timeout=10)
    check_response(event, response)
    assert invocation.ok, invocation
    assert time.monotonic() - started < ANSWER_WITHIN_SECONDS
    return response


def test_create_with_an_asset_that_cannot_import_fails_at_once_naming_the_error(
    without_crhelper: ExecutionEnvironment,
    example_template: StackTemplate,
    cloudformation: CloudFormationDriver,
    responder: CfnResponder,
    chime: ChimeBackend,
) -> None:
    (spec, *_) = example_template.custom_resources()
    event = cloudformation.event("Create", spec, spec.properties)
    response = answer_to(without_crhelper, responder, event)
    assert response["Status"] == "FAILED"
    assert response["Reason"] == (
        "The function's code cannot be imported: ModuleNotFoundError: No module named 'crhelper'"
    )
    # Not a phone number: the rollback's Delete of this id changes nothing.
    assert response["PhysicalResourceId"] == (
        f"phone-number-settings-not-created-{event['RequestId']}"
    )
    assert "ModuleNotFoundError" in without_crhelper.log
    assert "cfn-response" not in without_crhelper.log  # the ResponseURL is never logged
    assert chime.calls() == []


def test_delete_with_an_asset_that_cannot_import_succeeds_saying_nothing_was_cleared(
    without_crhelper: ExecutionEnvironment,
    example_template: StackTemplate,
    cloudformation: CloudFormationDriver,
    responder: CfnResponder,
    chime: ChimeBackend,
) -> None:
    (spec, *_) = example_template.custom_resources()
    number = spec.properties["PhoneNumberId"]
    event = cloudformation.event("Delete", spec, spec.properties, physical_id=number)
    response = answer_to(without_crhelper, responder, event)
    assert response["Status"] == "SUCCESS"
    assert response["PhysicalResourceId"] == number
    assert response["Reason"].startswith(
        "Nothing cleared: the function's code cannot be imported, so the number's settings "
        "are left as they are (ModuleNotFoundError: No module named 'crhelper')"
    )
    assert chime.calls() == []


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
