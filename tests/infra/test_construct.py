"""PhoneNumberSettings and its provider, checked on synthesised templates (in-process jsii)."""

from __future__ import annotations

import re
import traceback
from typing import Any

import pytest
from aws_cdk import CfnParameter, Duration, RemovalPolicy, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Match

from phone_number_settings_cdk import (
    RESOURCE_TYPE,
    Namespace,
    PhoneNumberSettings,
    PhoneNumberSettingsProvider,
    ProductType,
)
from phone_number_settings_cdk.provider import LAMBDA_RUNTIME
from phone_number_settings_core import rules
from phone_number_settings_core.model import RESPONSE_ATTRIBUTES
from phone_number_settings_lambda import LAMBDA_HANDLER, RESOURCES_SERVED_VARIABLE
from tests.infra.conftest import REPO_ROOT, VENV_BIN, SharedApp, run

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cdk")]

FUNCTION_TYPE = "AWS::Lambda::Function"


def _only_logical_id(template: Any, resource_type: str) -> str:
    resources = template.find_resources(resource_type)
    assert len(resources) == 1, resources
    return str(next(iter(resources)))


def _custom_resources(template: Any) -> dict[str, Any]:
    resources: dict[str, Any] = template.find_resources(RESOURCE_TYPE)
    return resources


def _by_phone_number(template: Any) -> dict[str, dict[str, Any]]:
    return {
        resource["Properties"]["PhoneNumberId"]: resource
        for resource in _custom_resources(template).values()
    }


def test_enums_are_the_rules_enums_re_exported() -> None:
    assert ProductType is rules.ProductType
    assert Namespace is rules.Namespace


def test_properties_render_only_the_given_keys(shared_app: SharedApp) -> None:
    template = shared_app.example_template
    function_arn = {"Fn::GetAtt": [_only_logical_id(template, FUNCTION_TYPE), "Arn"]}
    common = {"ServiceToken": function_arn, "ServiceTimeout": "1200"}
    assert {number: res["Properties"] for number, res in _by_phone_number(template).items()} == {
        "+12065550100": {
            **common,
            "PhoneNumberId": "+12065550100",
            "CallingName": "Acme Support",
            "ProductType": "SipMediaApplicationDialIn",
            "Name": "Support line",
            "Region": "us-west-2",
        },
        "+12065550101": {
            **common,
            "PhoneNumberId": "+12065550101",
            "CallingName": "Acme Front Desk",
            "ProductType": "BusinessCalling",
            "Namespace": "chime",
        },
        "+12065550102": {**common, "PhoneNumberId": "+12065550102", "Name": "Spring campaign"},
    }


def test_one_provider_serves_every_resource_of_the_stack(shared_app: SharedApp) -> None:
    template = shared_app.example_template
    template.resource_count_is(RESOURCE_TYPE, 3)
    template.resource_count_is(FUNCTION_TYPE, 1)
    template.resource_count_is("AWS::IAM::Role", 1)
    template.resource_count_is("AWS::Logs::LogGroup", 1)
    template.resource_count_is("AWS::IAM::Policy", 0)
    tokens = {
        repr(resource["Properties"]["ServiceToken"])
        for resource in _custom_resources(template).values()
    }
    assert len(tokens) == 1


def test_removal_policy_retain_by_default_destroy_when_asked(shared_app: SharedApp) -> None:
    policies = {
        number: (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy"))
        for number, resource in _by_phone_number(shared_app.example_template).items()
    }
    assert policies == {
        "+12065550100": ("Retain", "Retain"),
        "+12065550101": ("Retain", "Retain"),
        "+12065550102": ("Delete", "Delete"),
    }


def test_role_grants_two_chime_actions_its_stack_read_only_and_its_own_log_group(
    shared_app: SharedApp,
) -> None:
    template = shared_app.example_template
    log_group_id = _only_logical_id(template, "AWS::Logs::LogGroup")
    roles = template.find_resources("AWS::IAM::Role")
    (role,) = roles.values()
    properties = role["Properties"]
    assert "ManagedPolicyArns" not in properties
    assert properties["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
        }
    ]
    (policy,) = properties["Policies"]
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Action": ["chime:GetPhoneNumber", "chime:UpdatePhoneNumber"],
            "Effect": "Allow",
            "Resource": "*",
        },
        {
            "Action": [
                "cloudformation:DescribeStackResources",
                "cloudformation:DescribeStacks",
                "cloudformation:ListStackResources",
            ],
            "Effect": "Allow",
            "Resource": {"Ref": "AWS::StackId"},
        },
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [log_group_id, "Arn"]},
        },
    ]


def test_function_runtime_architecture_logging_and_handler(shared_app: SharedApp) -> None:
    template = shared_app.example_template
    log_group_id = _only_logical_id(template, "AWS::Logs::LogGroup")
    role_id = _only_logical_id(template, "AWS::IAM::Role")
    template.has_resource_properties(
        FUNCTION_TYPE,
        {
            "Runtime": "python3.14",
            "Architectures": ["arm64"],
            "Handler": LAMBDA_HANDLER,
            "Timeout": 900,
            "MemorySize": 256,
            "Role": {"Fn::GetAtt": [role_id, "Arn"]},
            "LoggingConfig": {
                "LogFormat": "JSON",
                "LogGroup": {"Ref": log_group_id},
                "ApplicationLogLevel": "INFO",
                "SystemLogLevel": "INFO",
            },
        },
    )
    # Lambda's log-level controls are the one switch: no variable that would override them.
    # The one variable tells the retry policy how many resources share the function.
    (function,) = template.find_resources(FUNCTION_TYPE).values()
    assert function["Properties"]["Environment"] == {"Variables": {RESOURCES_SERVED_VARIABLE: "3"}}
    template.has_resource(
        "AWS::Logs::LogGroup",
        {
            "Properties": {"RetentionInDays": 30},
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
        },
    )


def test_cfn_lint_finds_nothing_in_the_in_process_templates(shared_app: SharedApp) -> None:
    templates = sorted(shared_app.outdir.glob("*.template.json"))
    assert len(templates) == 2
    result = run(
        [str(VENV_BIN / "cfn-lint"), "--format", "parseable", *map(str, templates)],
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_runtime_is_the_newest_python_the_pinned_aws_cdk_lib_offers() -> None:
    offered = {
        int(match.group(1)): name
        for name in dir(lambda_.Runtime)
        if (match := re.fullmatch(r"PYTHON_3_(\d+)", name))
    }
    newest = getattr(lambda_.Runtime, offered[max(offered)])
    assert LAMBDA_RUNTIME.name == newest.name, (
        f"aws-cdk-lib offers {newest.name}: move provider.LAMBDA_RUNTIME to it"
    )


def test_attributes_are_get_att_tokens_for_every_response_attribute(
    shared_app: SharedApp,
) -> None:
    stack = shared_app.example_stack
    settings = stack.node.find_child("SupportLine")
    assert isinstance(settings, PhoneNumberSettings)
    logical_id = stack.get_logical_id(settings.resource.node.default_child)
    assert len(RESPONSE_ATTRIBUTES) == 9
    for attribute in RESPONSE_ATTRIBUTES:
        token = {"Fn::GetAtt": [logical_id, attribute.key]}
        assert stack.resolve(getattr(settings, f"attr_{attribute.field}")) == token
        assert stack.resolve(settings.get_attribute(attribute.key)) == token
        assert attribute.key in (getattr(PhoneNumberSettings, f"attr_{attribute.field}").__doc__)
    assert stack.resolve(settings.phone_number_id) == {"Ref": logical_id}


def test_tokens_pass_through_to_the_handler(shared_app: SharedApp) -> None:
    template = shared_app.token_template
    template.has_resource_properties(
        RESOURCE_TYPE,
        {
            "PhoneNumberId": "+12065550100",
            "CallingName": {"Ref": "CallingName"},
            "Namespace": "chime-sdk-voice",
        },
    )
    template.has_resource_properties(
        RESOURCE_TYPE,
        {
            "PhoneNumberId": {"Ref": "PhoneNumberId"},
            "ProductType": "BusinessCalling",
            "Namespace": {"Ref": "Namespace"},
            "CallingName": Match.absent(),
        },
    )


INVALID_PROPS: list[tuple[str, dict[str, Any], str]] = [
    (
        "phone number not E.164",
        {"phone_number_id": "2065550100", "calling_name": "Acme"},
        r"phone_number_id \(PhoneNumberId\): must be an E\.164 number",
    ),
    (
        "calling name too long",
        {"phone_number_id": "+12065550100", "calling_name": "A" * 16},
        r"calling_name \(CallingName\): too long: 16 characters, at most 15 \(pattern",
    ),
    (
        "calling name with punctuation",
        {"phone_number_id": "+12065550100", "calling_name": "Acme-Support!"},
        r"calling_name \(CallingName\): character 5 is not a letter A-Z, a digit or a space "
        r"\(pattern",
    ),
    (
        "name with a trailing space",
        {"phone_number_id": "+12065550100", "name": "Support "},
        r"name \(Name\): must not begin or end with a space",
    ),
    (
        "name too long",
        {"phone_number_id": "+12065550100", "name": "a" * 257},
        r"name \(Name\): too long: 257 characters, at most 256",
    ),
    (
        "BusinessCalling in the voice namespace (the default)",
        {"phone_number_id": "+12065550100", "product_type": ProductType.BUSINESS_CALLING},
        r"product_type \(ProductType\): BusinessCalling is not offered by Namespace "
        r"chime-sdk-voice",
    ),
    (
        "unknown product type",
        {"phone_number_id": "+12065550100", "product_type": "Softphone"},
        r"product_type \(ProductType\): must be one of",
    ),
    (
        "Name in the legacy namespace",
        {"phone_number_id": "+12065550100", "name": "Lobby", "namespace": Namespace.CHIME},
        r"name \(Name\): only Namespace chime-sdk-voice supports Name",
    ),
    (
        "unknown namespace",
        {"phone_number_id": "+12065550100", "calling_name": "Acme", "namespace": "voice"},
        r"namespace \(Namespace\): must be one of chime-sdk-voice, chime",
    ),
    (
        "nothing to manage",
        {"phone_number_id": "+12065550100"},
        r"product_type \(ProductType\), name \(Name\), calling_name \(CallingName\): "
        r"at least one of these must be given",
    ),
    (
        "malformed region",
        {"phone_number_id": "+12065550100", "calling_name": "Acme", "region": "Oregon"},
        r"region \(Region\): must be an AWS Region name",
    ),
    (
        "legacy namespace outside us-east-1",
        {
            "phone_number_id": "+12065550100",
            "calling_name": "Acme",
            "namespace": "chime",
            "region": "us-west-2",
        },
        r"region \(Region\): Namespace chime \(the legacy API\) is served only from us-east-1",
    ),
]


@pytest.mark.parametrize(
    ("props", "message"),
    [pytest.param(props, message, id=case) for case, props, message in INVALID_PROPS],
)
def test_invalid_properties_are_rejected_at_synth(
    fresh_stack: Stack, props: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=rf"^Fresh/Line: {message}") as caught:
        PhoneNumberSettings(fresh_stack, "Line", **props)
    # One traceback: no chained internal exception behind the user's error.
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    # Rejected before joining the tree: no resource and no provider left behind.
    assert fresh_stack.node.try_find_child("Line") is None
    assert fresh_stack.node.try_find_child(PhoneNumberSettingsProvider.SINGLETON_ID) is None


def test_a_synth_error_is_one_traceback_ending_at_the_callers_line(fresh_stack: Stack) -> None:
    # GIVEN the user's call
    def users_app() -> None:
        PhoneNumberSettings(
            fresh_stack, "Line", phone_number_id="+12065550100", calling_name="Acme-Support!"
        )

    # WHEN it raises
    with pytest.raises(ValueError, match=r"^Fresh/Line: calling_name") as caught:
        users_app()
    printed = "".join(traceback.format_exception(caught.value))

    # THEN Python prints one traceback, through the user's line, and the message in their words
    assert printed.count("Traceback (most recent call last)") == 1
    assert "direct cause" not in printed
    assert "During handling" not in printed
    assert ", in users_app\n" in printed
    assert printed.rstrip().endswith(
        "ValueError: Fresh/Line: calling_name (CallingName): character 5 is not a letter A-Z, "
        "a digit or a space (pattern ^$|^[a-zA-Z0-9 ]{2,15}$)"
    )
    assert "Acme-Support!" not in printed.splitlines()[-1]


def test_snapshot_removal_policy_is_rejected(fresh_stack: Stack) -> None:
    with pytest.raises(ValueError, match=r"^Fresh/Line: removal_policy SNAPSHOT"):
        PhoneNumberSettings(
            fresh_stack,
            "Line",
            phone_number_id="+12065550100",
            calling_name="Acme",
            removal_policy=RemovalPolicy.SNAPSHOT,
        )


def test_token_namespace_is_not_judged_at_synth(fresh_stack: Stack) -> None:
    namespace = CfnParameter(fresh_stack, "Namespace", type="String").value_as_string
    # Name would be wrong for the legacy namespace, but the namespace is not known yet.
    PhoneNumberSettings(
        fresh_stack, "Line", phone_number_id="+12065550100", name="Lobby", namespace=namespace
    )


def test_provider_of_returns_the_stack_singleton(fresh_stack: Stack) -> None:
    first = PhoneNumberSettingsProvider.of(fresh_stack, timeout=Duration.minutes(15))
    settings = PhoneNumberSettings(
        fresh_stack, "Line", phone_number_id="+12065550100", calling_name="Acme"
    )
    assert settings.provider is first
    assert PhoneNumberSettingsProvider.of(settings) is first
    assert PhoneNumberSettingsProvider.of(fresh_stack, memory_size=256) is first
    assert first.node.path == f"Fresh/{PhoneNumberSettingsProvider.SINGLETON_ID}"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"timeout": Duration.minutes(10)}, r"timeout 600 s, existing 900 s", id="t"),
        pytest.param({"memory_size": 512}, r"memory_size 512, existing 256", id="memory"),
        pytest.param(
            {"log_retention": logs.RetentionDays.ONE_WEEK},
            r"log_retention ONE_WEEK, existing ONE_MONTH",
            id="retention",
        ),
        pytest.param(
            {"application_log_level": lambda_.ApplicationLogLevel.DEBUG},
            r"application_log_level DEBUG, existing INFO",
            id="log level",
        ),
    ],
)
def test_provider_of_with_conflicting_options_raises(
    fresh_stack: Stack, options: dict[str, Any], message: str
) -> None:
    PhoneNumberSettingsProvider.of(fresh_stack)
    with pytest.raises(ValueError, match=message):
        PhoneNumberSettingsProvider.of(fresh_stack, **options)


@pytest.mark.parametrize("seconds", [9, 901])
def test_provider_rejects_timeouts_the_handler_or_lambda_cannot_work_with(
    fresh_stack: Stack, seconds: float
) -> None:
    with pytest.raises(
        ValueError, match=r"timeout must be whole seconds from 10 \(the handler keeps 3 s"
    ):
        PhoneNumberSettingsProvider.of(fresh_stack, timeout=Duration.seconds(seconds))
    assert fresh_stack.node.try_find_child(PhoneNumberSettingsProvider.SINGLETON_ID) is None


def test_provider_options_after_the_first_number_say_they_come_too_late(
    fresh_stack: Stack,
) -> None:
    PhoneNumberSettings(fresh_stack, "Line", phone_number_id="+12065550100", calling_name="Acme")
    with pytest.raises(ValueError, match="with the default options") as caught:
        PhoneNumberSettingsProvider.of(fresh_stack, timeout=Duration.minutes(10))
    assert str(caught.value) == (
        "Fresh/ChimePhoneNumberSettingsProvider already exists with the default options "
        "(timeout 600 s, existing 900 s): Fresh/Line created it. Call "
        "PhoneNumberSettingsProvider.of(stack, ...) with your options before the first "
        "PhoneNumberSettings of the stack"
    )


def test_provider_takes_lambdas_log_levels(fresh_stack: Stack) -> None:
    from aws_cdk.assertions import Template

    PhoneNumberSettingsProvider.of(
        fresh_stack,
        timeout=Duration.seconds(10),
        application_log_level=lambda_.ApplicationLogLevel.DEBUG,
        system_log_level=lambda_.SystemLogLevel.WARN,
    )
    Template.from_stack(fresh_stack).has_resource_properties(
        FUNCTION_TYPE,
        {
            "Timeout": 10,
            "LoggingConfig": {"ApplicationLogLevel": "DEBUG", "SystemLogLevel": "WARN"},
        },
    )


def test_explicit_provider_sets_service_timeout(fresh_stack: Stack) -> None:
    from aws_cdk.assertions import Template

    provider = PhoneNumberSettingsProvider(fresh_stack, "Slow", timeout=Duration.minutes(10))
    PhoneNumberSettings(
        fresh_stack,
        "Line",
        phone_number_id="+12065550100",
        calling_name="Acme",
        provider=provider,
    )
    assert fresh_stack.node.try_find_child(PhoneNumberSettingsProvider.SINGLETON_ID) is None
    template = Template.from_stack(fresh_stack)
    template.has_resource_properties(RESOURCE_TYPE, {"ServiceTimeout": "900"})
    template.has_resource_properties(FUNCTION_TYPE, {"Timeout": 600})


def test_a_number_declared_twice_in_a_stack_is_an_error_naming_both(fresh_stack: Stack) -> None:
    PhoneNumberSettings(fresh_stack, "Support", phone_number_id="+12065550100", name="a")
    with pytest.raises(ValueError, match="is declared by 2 resources") as raised:
        PhoneNumberSettings(fresh_stack, "Again", phone_number_id="+12065550100", name="b")
    assert str(raised.value).startswith(
        "PhoneNumberId +12065550100 (chime-sdk-voice, the stack's Region) is declared by 2 "
        "resources: Fresh/Support, Fresh/Again;"
    )
    assert fresh_stack.node.try_find_child("Again") is None


def test_a_number_declared_in_two_stacks_of_one_app_is_an_error() -> None:
    from aws_cdk import App, Environment

    app = App()
    west = Environment(account="123456789012", region="us-west-2")
    first = Stack(app, "First", env=west)
    second = Stack(app, "Second", env=west)
    PhoneNumberSettings(first, "Line", phone_number_id="+12065550100", calling_name="Acme")
    with pytest.raises(ValueError, match=r"us-west-2\) is declared by 2 resources: First/Line, "):
        PhoneNumberSettings(second, "Line", phone_number_id="+12065550100", calling_name="Acme")


def test_the_same_id_elsewhere_is_another_number() -> None:
    from aws_cdk import App, Environment

    app = App()
    west = Stack(app, "West", env=Environment(account="123456789012", region="us-west-2"))
    east = Stack(app, "East", env=Environment(account="123456789012", region="us-east-1"))
    PhoneNumberSettings(west, "Voice", phone_number_id="+12065550100", name="a")
    PhoneNumberSettings(east, "Voice", phone_number_id="+12065550100", name="a")  # region
    PhoneNumberSettings(
        west,
        "Legacy",
        phone_number_id="+12065550100",
        calling_name="Acme",
        namespace=Namespace.CHIME,
    )  # the legacy API's inventory
    parameter = CfnParameter(west, "Number", type="String").value_as_string
    PhoneNumberSettings(west, "FromParameter", phone_number_id=parameter, name="a")
    PhoneNumberSettings(west, "FromParameterToo", phone_number_id=parameter, name="a")
