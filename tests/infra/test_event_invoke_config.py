"""What bounds a late or repeated event: EventInvokeConfig, ServiceTimeout, stack reads."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk.assertions import Template

import phone_number_settings_cdk.provider as provider_module
from phone_number_settings_cdk import (
    RESOURCE_TYPE,
    PhoneNumberSettings,
    PhoneNumberSettingsProvider,
    PhoneNumberSettingsProviderStack,
)
from phone_number_settings_cdk.provider import IMPORTED_SERVICE_TIMEOUT, service_timeout_for
from phone_number_settings_core.rules import (
    MAX_EVENT_AGE_SECONDS,
    MAX_RETRY_ATTEMPTS,
    MAX_SERVICE_TIMEOUT_SECONDS,
    SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS,
)
from phone_number_settings_fakes.cloudformation.assembly import Synthesis
from tests.infra.test_nag import _synth_with_nag
from tests.infra.test_shared_provider import FUNCTION_TYPE, of_type, provider_template

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cdk")]

INVOKE_CONFIG_TYPE = "AWS::Lambda::EventInvokeConfig"
STACK_READS = [
    "cloudformation:DescribeStackResources",
    "cloudformation:DescribeStacks",
    "cloudformation:ListStackResources",
]


def invoke_config_of(template: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The one function's properties and those of its one EventInvokeConfig."""
    ((function_id, function),) = of_type(template, FUNCTION_TYPE).items()
    (config,) = of_type(template, INVOKE_CONFIG_TYPE).values()
    assert config["Properties"]["FunctionName"] == {"Ref": function_id}
    assert config["Properties"]["Qualifier"] == "$LATEST"
    return function["Properties"], config["Properties"]


def stack_read_statements(template: Mapping[str, Any]) -> list[dict[str, Any]]:
    (role,) = of_type(template, "AWS::IAM::Role").values()
    (policy,) = role["Properties"]["Policies"]
    return [
        s for s in policy["PolicyDocument"]["Statement"] if str(s["Action"]).count("cloudformation")
    ]


def test_a_per_stack_provider_bounds_event_age_within_its_resources_service_timeout(
    example_synthesis: Synthesis,
) -> None:
    path = example_synthesis.outdir / "PhoneNumberSettingsExample.template.json"
    template = json.loads(path.read_text())
    function, config = invoke_config_of(template)
    assert config["MaximumEventAgeInSeconds"] == MAX_EVENT_AGE_SECONDS
    assert config["MaximumRetryAttempts"] == MAX_RETRY_ATTEMPTS
    assert 60 <= config["MaximumEventAgeInSeconds"] <= 21600
    assert 0 <= config["MaximumRetryAttempts"] <= 2
    timeouts = {
        int(r["Properties"]["ServiceTimeout"]) for r in of_type(template, RESOURCE_TYPE).values()
    }
    assert timeouts == {1200}
    # An event that starts as late as allowed and runs until the timeout still answers in time.
    assert config["MaximumEventAgeInSeconds"] + function["Timeout"] < min(timeouts)
    assert stack_read_statements(template) == [
        {"Action": STACK_READS, "Effect": "Allow", "Resource": {"Ref": "AWS::StackId"}}
    ]


def test_the_shared_provider_bounds_event_age_within_the_imported_service_timeout(
    example_synthesis: Synthesis,
) -> None:
    template = provider_template(example_synthesis)
    function, config = invoke_config_of(template)
    assert config["MaximumEventAgeInSeconds"] == MAX_EVENT_AGE_SECONDS
    assert config["MaximumRetryAttempts"] == MAX_RETRY_ATTEMPTS
    assert (
        config["MaximumEventAgeInSeconds"] + function["Timeout"]
        < SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS
        == IMPORTED_SERVICE_TIMEOUT.to_seconds()
        <= MAX_SERVICE_TIMEOUT_SECONDS
    )
    # It serves any stack of its account and Region: it reads those, nothing more.
    assert stack_read_statements(template) == [
        {
            "Action": STACK_READS,
            "Effect": "Allow",
            "Resource": {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        ":cloudformation:",
                        {"Ref": "AWS::Region"},
                        ":",
                        {"Ref": "AWS::AccountId"},
                        ":stack/*",
                    ],
                ]
            },
        }
    ]


@pytest.mark.parametrize("seconds", [10, 300, 900])
def test_any_allowed_lambda_timeout_keeps_the_inequality(fresh_stack: Stack, seconds: int) -> None:
    provider = PhoneNumberSettingsProvider(
        fresh_stack, "Provider", timeout=Duration.seconds(seconds)
    )
    PhoneNumberSettings(
        fresh_stack, "Line", phone_number_id="+12065550100", calling_name="Acme", provider=provider
    )
    template = Template.from_stack(fresh_stack).to_json()
    function, config = invoke_config_of(template)
    (resource,) = of_type(template, RESOURCE_TYPE).values()
    service_timeout = int(resource["Properties"]["ServiceTimeout"])
    assert function["Timeout"] == seconds
    assert (
        config["MaximumEventAgeInSeconds"] + seconds
        < service_timeout
        <= MAX_SERVICE_TIMEOUT_SECONDS
    )


def test_a_service_timeout_beyond_cloudformations_limit_is_refused() -> None:
    with pytest.raises(
        ValueError,
        match=r"a Lambda timeout of 3400 s needs a ServiceTimeout of 3700 s .*above CloudFormation's 3600 s",
    ):
        service_timeout_for(Duration.seconds(3400))


def test_the_shared_providers_stack_read_finding_is_real_and_acknowledged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(provider_module, "SHARED_NAG_ACKNOWLEDGEMENTS", ())
    error, violations = _synth_with_nag(
        tmp_path, lambda app: PhoneNumberSettingsProviderStack(app, "Provider")
    )
    assert error is not None
    assert {
        (violation["ruleName"], construct["constructPath"])
        for violation in violations
        for construct in violation["violatingConstructs"]
    } == {
        (
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:"
            "<AWS::AccountId>:stack/*]",
            "Provider/ChimePhoneNumberSettingsProvider/Role/Resource",
        )
    }


def test_app_with_a_per_stack_provider_needs_no_stack_read_acknowledgement(tmp_path: Path) -> None:
    def build(app: App) -> None:
        stack = Stack(app, "PerStack")
        PhoneNumberSettings(stack, "Line", phone_number_id="+12065550100", calling_name="Acme")

    assert _synth_with_nag(tmp_path, build) == (None, [])
