"""The shared provider stack, and providers imported from it (in-process jsii, CLI synth)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Duration, Fn, Stack
from aws_cdk.assertions import Template

from phone_number_settings_cdk import (
    RESOURCE_TYPE,
    PhoneNumberSettings,
    PhoneNumberSettingsProvider,
)
from phone_number_settings_cdk.provider import (
    DEFAULT_TIMEOUT,
    IMPORTED_SERVICE_TIMEOUT,
    service_timeout_for,
)
from phone_number_settings_cdk.provider_stack import SHARED_PROVIDER_STACK_NAME
from phone_number_settings_core.rules import (
    MAX_EVENT_AGE_SECONDS,
    RESPONSE_GRACE_SECONDS,
    SHARED_PROVIDER_EXPORT_NAME,
    SHARED_PROVIDER_PARAMETER_NAME,
)
from phone_number_settings_fakes.cloudformation.assembly import Synthesis
from phone_number_settings_templates.reader import load_template
from tests.infra.conftest import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cdk")]

FUNCTION_TYPE = "AWS::Lambda::Function"
SSM_VALUE_TYPE = "AWS::SSM::Parameter::Value<String>"
EXAMPLES = REPO_ROOT / "examples"
YAML_EXAMPLE = EXAMPLES / "cloudformation" / "phone-numbers.yaml"
SAM_EXAMPLE = EXAMPLES / "sam" / "template.yaml"
TYPESCRIPT_APP = EXAMPLES / "typescript" / "app.ts"


def provider_template(synthesis: Synthesis) -> dict[str, Any]:
    path = synthesis.outdir / f"{SHARED_PROVIDER_STACK_NAME}.template.json"
    template: dict[str, Any] = json.loads(path.read_text())
    return template


def of_type(template: Mapping[str, Any], resource_type: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


def imported_seconds() -> str:
    return f"{IMPORTED_SERVICE_TIMEOUT.to_seconds():g}"


def test_provider_stack_publishes_the_function_arn_under_the_rules_names(
    example_synthesis: Synthesis,
) -> None:
    # GIVEN the provider stack of `cdk synth` (the app cdk.json runs, so `make synth`)
    template = provider_template(example_synthesis)
    (function_id,) = of_type(template, FUNCTION_TYPE)
    function_arn = {"Fn::GetAtt": [function_id, "Arn"]}
    # THEN the ServiceToken is exported, and written to the SSM parameter, by those names
    assert template["Outputs"]["ServiceToken"]["Export"] == {"Name": SHARED_PROVIDER_EXPORT_NAME}
    assert template["Outputs"]["ServiceToken"]["Value"] == function_arn
    (parameter,) = of_type(template, "AWS::SSM::Parameter").values()
    assert parameter["Properties"]["Name"] == SHARED_PROVIDER_PARAMETER_NAME
    assert parameter["Properties"]["Value"] == function_arn
    assert parameter["Properties"]["Type"] == "String"
    # The provider's default timeout: what importers derive their ServiceTimeout from.
    function = template["Resources"][function_id]["Properties"]
    assert function["Timeout"] == DEFAULT_TIMEOUT.to_seconds()
    assert of_type(template, RESOURCE_TYPE) == {}


def test_example_stack_keeps_its_own_provider(example_synthesis: Synthesis) -> None:
    path = example_synthesis.outdir / "PhoneNumberSettingsExample.template.json"
    template = json.loads(path.read_text())
    (function_id,) = of_type(template, FUNCTION_TYPE)
    tokens = [r["Properties"]["ServiceToken"] for r in of_type(template, RESOURCE_TYPE).values()]
    assert tokens == 3 * [{"Fn::GetAtt": [function_id, "Arn"]}]


def test_imported_by_export_the_stack_gets_no_function_and_the_derived_timeout(
    fresh_stack: Stack,
) -> None:
    shared = PhoneNumberSettingsProvider.from_service_token(
        fresh_stack, "Shared", Fn.import_value(SHARED_PROVIDER_EXPORT_NAME)
    )
    settings = PhoneNumberSettings(
        fresh_stack, "Line", phone_number_id="+12065550100", calling_name="Acme", provider=shared
    )
    template = Template.from_stack(fresh_stack)
    template.resource_count_is(FUNCTION_TYPE, 0)
    template.has_resource_properties(
        RESOURCE_TYPE,
        {
            "ServiceToken": {"Fn::ImportValue": SHARED_PROVIDER_EXPORT_NAME},
            "ServiceTimeout": imported_seconds(),
        },
    )
    assert settings.provider is shared
    assert fresh_stack.node.try_find_child(PhoneNumberSettingsProvider.SINGLETON_ID) is None
    # The shared stack's provider has the default timeout: same wait as a default provider.
    assert (
        IMPORTED_SERVICE_TIMEOUT.to_seconds()
        == service_timeout_for(DEFAULT_TIMEOUT).to_seconds()
        == DEFAULT_TIMEOUT.to_seconds() + MAX_EVENT_AGE_SECONDS + RESPONSE_GRACE_SECONDS
    )


def test_imported_from_the_parameter_reads_it_at_deploy(fresh_stack: Stack) -> None:
    shared = PhoneNumberSettingsProvider.from_parameter(fresh_stack, "Shared")
    for number in ("+12065550100", "+12065550101"):
        PhoneNumberSettings(
            fresh_stack, number[-4:], phone_number_id=number, name="Desk", provider=shared
        )
    template = Template.from_stack(fresh_stack).to_json()
    parameters = {
        name: parameter
        for name, parameter in template["Parameters"].items()
        if parameter["Type"] == SSM_VALUE_TYPE and name != "BootstrapVersion"
    }
    (name,) = parameters
    assert parameters[name]["Default"] == SHARED_PROVIDER_PARAMETER_NAME
    tokens = [r["Properties"]["ServiceToken"] for r in of_type(template, RESOURCE_TYPE).values()]
    assert tokens == 2 * [{"Ref": name}]
    assert of_type(template, FUNCTION_TYPE) == {}


def test_imported_provider_options(fresh_stack: Stack) -> None:
    shared = PhoneNumberSettingsProvider.from_parameter(
        fresh_stack, "Shared", "/team/token", service_timeout=Duration.minutes(16)
    )
    arn = "arn:aws:lambda:us-west-2:123456789012:function:PhoneNumberSettings"
    by_arn = PhoneNumberSettingsProvider.from_service_token(fresh_stack, "ByArn", arn)
    (ref,) = fresh_stack.resolve(shared.service_token).values()
    parameter = Template.from_stack(fresh_stack).to_json()["Parameters"][ref]
    assert (parameter["Type"], parameter["Default"]) == (SSM_VALUE_TYPE, "/team/token")
    assert shared.service_timeout.to_seconds() == 960
    assert by_arn.service_token == arn


def test_a_service_token_that_is_no_arn_is_refused(fresh_stack: Stack) -> None:
    with pytest.raises(
        ValueError,
        match=r"^Fresh/Shared: service_token must be the provider function's ARN \(arn:\.\.\.\)",
    ):
        PhoneNumberSettingsProvider.from_service_token(
            fresh_stack, "Shared", SHARED_PROVIDER_EXPORT_NAME
        )
    assert fresh_stack.node.try_find_child("Shared") is None


def custom_resources(path: Path) -> dict[str, Any]:
    resources = load_template(path)["Resources"]
    return {k: v for k, v in resources.items() if v["Type"] == RESOURCE_TYPE}


def test_examples_use_the_rules_names_and_the_imported_service_timeout() -> None:
    """The examples spell the names and the timeout literally; they must match the code."""
    yaml_resources = custom_resources(YAML_EXAMPLE).values()
    sam_resources = custom_resources(SAM_EXAMPLE).values()
    assert {json.dumps(r["Properties"]["ServiceToken"]) for r in yaml_resources} == {
        json.dumps({"Fn::ImportValue": SHARED_PROVIDER_EXPORT_NAME})
    }
    assert {r["Properties"]["ServiceToken"] for r in sam_resources} == {
        f"{{{{resolve:ssm:{SHARED_PROVIDER_PARAMETER_NAME}}}}}"
    }
    for resource in (*yaml_resources, *sam_resources):
        assert str(resource["Properties"]["ServiceTimeout"]) == imported_seconds()

    source = TYPESCRIPT_APP.read_text()
    assert re.findall(r"const SERVICE_TOKEN_EXPORT = '([^']*)';", source) == [
        SHARED_PROVIDER_EXPORT_NAME
    ]
    assert re.findall(r"const SERVICE_TIMEOUT = Duration\.seconds\((\d+)\);", source) == [
        imported_seconds()
    ]
    # README's names and ServiceTimeout: tests/docs/test_readme.py. The site's pages state
    # the imported ServiceTimeout, and no other one.
    docs = [page.read_text() for page in (REPO_ROOT / "docs").rglob("*.md")]
    stated = {
        seconds
        for text in docs
        for seconds in re.findall(r"ServiceTimeout (?:of an imported provider: |is )(\d+) s", text)
    }
    assert stated == {imported_seconds()}
