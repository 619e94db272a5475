"""The YAML example's lifecycle, served by the shared provider stack's synthesised asset.

The example's ServiceToken ``!ImportValue PhoneNumberSettings-ServiceToken`` reaches the
function the provider stack (synthesised by the CLI with the example app) exports, run as
Lambda runs it; its parameter is filled in as CloudFormation would (default, then a new value).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phone_number_settings_core.rules import SHARED_PROVIDER_EXPORT_NAME
from phone_number_settings_fakes.chime import CallRecord, ChimeBackend
from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer
from phone_number_settings_fakes.cloudformation.assembly import (
    AssemblyError,
    CloudAssembly,
    StackTemplate,
)
from phone_number_settings_fakes.cloudformation.driver import CloudFormationDriver, StackOperation
from phone_number_settings_fakes.lambda_service.runner import ACCOUNT_ID, LambdaEnvironment
from phone_number_settings_templates.parameters import (
    declared_parameters,
    parameter_values,
    resolve,
)
from phone_number_settings_templates.reader import load_template

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

REPO_ROOT = Path(__file__).resolve().parents[2]
YAML_EXAMPLE = REPO_ROOT / "examples" / "cloudformation" / "phone-numbers.yaml"
STACK = "PhoneNumbers"
SUPPORT, FRONT_DESK, CAMPAIGN = "+12065550100", "+12065550101", "+12065550102"


def deployed(template: Any, **parameters: str) -> StackTemplate:
    """The template as CloudFormation runs it: parameters filled in, defaults unless given."""
    values = parameter_values(declared_parameters(template), parameters)
    body = {**template, "Resources": resolve(template["Resources"], values)}
    return StackTemplate(STACK, body, YAML_EXAMPLE.parent)


def calls(operation: StackOperation) -> list[str]:
    """One line per event: ``phase RequestType LogicalId: Get, Detail='value', ...``."""
    return [
        f"{event.phase} {event.request_type} {event.logical_id}: "
        + ", ".join(_shown(call) for call in event.calls)
        for event in operation.events
    ]


def _shown(call: CallRecord) -> str:
    if call.operation == "GetPhoneNumber":
        return "Get"
    return ", ".join(f"{key}={value!r}" for key, value in call.body.items())


def settings(chime: ChimeBackend, number: str) -> tuple[Any, ...]:
    state = chime.number(number)
    return tuple(state.get(key) for key in ("ProductType", "Name", "CallingName"))


@pytest.fixture
def shared_provider(
    lambda_env: LambdaEnvironment,
    responder: CfnResponder,
    chime: ChimeBackend,
    cloud_assembly: CloudAssembly,
    cloudformation_stacks: FakeCloudFormationServer,
) -> Iterator[CloudFormationDriver]:
    """A driver for the example's stack; the stacks of `cdk synth` are already deployed."""
    deployed_stacks = [cloud_assembly.stack(name) for name in cloud_assembly.stack_names()]
    with CloudFormationDriver(
        lambda_env,
        responder,
        chime_calls=chime.calls,
        stack_name=STACK,
        exports_from=deployed_stacks,
        stacks=cloudformation_stacks.backend,
    ) as driver:
        yield driver


def test_yaml_example_lifecycle_against_the_shared_provider(
    shared_provider: CloudFormationDriver, chime: ChimeBackend, cloud_assembly: CloudAssembly
) -> None:
    for number in (SUPPORT, FRONT_DESK, CAMPAIGN):
        chime.seed_number(number, product_type="VoiceConnector")
    template = load_template(YAML_EXAMPLE)

    # Create: every declared detail, in the handler's order, by the provider stack's function.
    created = shared_provider.create_stack(deployed(template))
    assert created.status == "CREATE_COMPLETE", [e.reason for e in created.events]
    assert calls(created) == [
        "create Create SupportLine: Get, ProductType='SipMediaApplicationDialIn', "
        "Name='Support line', CallingName='Acme Support'",
        "create Create FrontDesk: Get, ProductType='BusinessCalling', "
        "CallingName='Acme Front Desk'",
        "create Create CampaignLine: Get, Name='Spring campaign'",
    ]
    ((provider_stack, function_id),) = shared_provider.exports.values()
    assert SHARED_PROVIDER_EXPORT_NAME in provider_stack.exported_functions()
    assert {event.event["ServiceToken"] for event in created.events} == {
        f"arn:aws:lambda:us-west-2:{ACCOUNT_ID}:function:{provider_stack.name}-{function_id}"
    }
    assert settings(chime, SUPPORT) == ("SipMediaApplicationDialIn", "Support line", "Acme Support")
    assert settings(chime, FRONT_DESK) == ("BusinessCalling", None, "Acme Front Desk")

    # Update with a new parameter value: one Update, one call.
    updated = shared_provider.update_stack(deployed(template, CampaignName="Summer campaign"))
    assert updated.status == "UPDATE_COMPLETE"
    assert calls(updated) == ["update Update CampaignLine: Get, Name='Summer campaign'"]

    # Delete: the Delete-policy resource clears its name; the retained ones are not sent one.
    removed = shared_provider.delete_stack()
    assert removed.status == "DELETE_COMPLETE"
    assert calls(removed) == ["delete Delete CampaignLine: Get, Name=''"]
    assert {skipped.logical_id for skipped in removed.skipped} == {"SupportLine", "FrontDesk"}
    assert settings(chime, CAMPAIGN) == ("VoiceConnector", None, None)
    assert settings(chime, SUPPORT) == ("SipMediaApplicationDialIn", "Support line", "Acme Support")


def test_an_import_no_deployed_stack_exports_fails_before_any_event(
    lambda_env: LambdaEnvironment, responder: CfnResponder, chime: ChimeBackend
) -> None:
    # No stack deployed in the Region: CloudFormation has no export to resolve.
    with (
        CloudFormationDriver(lambda_env, responder, chime_calls=chime.calls) as driver,
        pytest.raises(AssemblyError, match=f"no export named {SHARED_PROVIDER_EXPORT_NAME}"),
    ):
        driver.create_stack(deployed(load_template(YAML_EXAMPLE)))
    assert chime.calls() == []
