"""The checks behind the cfn-lint rules: every broken rule per resource, and numbers declared twice."""

from __future__ import annotations

from typing import Any

import pytest

from phone_number_settings_cfn_lint.checks import (
    UNQUOTED_NUMBER_HINT,
    Finding,
    LintedResource,
    duplicate_findings,
    resource_findings,
)

NUMBER = "+12065550100"
TOKEN = {"Fn::ImportValue": "PhoneNumberSettings-ServiceToken"}


def problems(**properties: Any) -> list[tuple[str | None, str]]:
    return [
        (".".join(map(str, finding.path)) or None, finding.message)
        for finding in resource_findings({"ServiceToken": TOKEN, **properties})
    ]


def test_valid_properties_have_no_problem() -> None:
    assert problems(PhoneNumberId=NUMBER, CallingName="Acme", ServiceTimeout=360) == []


def test_every_broken_rule_is_reported_at_its_own_property() -> None:
    found = problems(
        PhoneNumberId=NUMBER,
        Colour="blue",
        Size="L",
        CallingName="Acme Support Line Extra",
        ProductType="BusinessCalling",
        Region="Oregon",
    )
    assert [key for key, _ in found] == ["Colour", "Size", "ProductType", "CallingName", "Region"]
    messages = dict(found)
    assert messages["Colour"].startswith("Colour: unknown property; valid properties are ")
    assert messages["ProductType"] == (
        "ProductType: BusinessCalling is not offered by Namespace chime-sdk-voice; use one of "
        "VoiceConnector, SipMediaApplicationDialIn or Namespace chime"
    )
    assert messages["CallingName"].startswith("CallingName: too long: ")
    assert messages["Region"].startswith("Region: must be an AWS Region name")


def test_a_rule_that_holds_whatever_the_value_does_not_hide_the_rules_after_it() -> None:
    # GIVEN Name under the legacy namespace (wrong whatever the name) and a bad Region
    found = problems(
        PhoneNumberId=NUMBER, Namespace="chime", Name="desk", CallingName="Acme", Region="x"
    )
    # THEN both are reported, once each
    assert [key for key, _ in found] == ["Name", "Region"]
    assert found[0][1] == "Name: only Namespace chime-sdk-voice supports Name; remove it"


def test_name_alone_under_the_legacy_namespace_is_reported_once() -> None:
    name_rule = ("Name", "Name: only Namespace chime-sdk-voice supports Name; remove it")
    assert problems(PhoneNumberId=NUMBER, Namespace="chime", Name="desk") == [name_rule]
    # Even as the only detail, it does not hide the rules after it.
    found = problems(PhoneNumberId=NUMBER, Namespace="chime", Name="desk", Region="us-west-2")
    assert [key for key, _ in found] == ["Name", "Region"]


def test_a_bad_namespace_skips_the_rules_that_depend_on_it() -> None:
    found = problems(PhoneNumberId=NUMBER, Namespace="voice", ProductType="BusinessCalling")
    assert found == [("Namespace", "Namespace: must be one of chime-sdk-voice, chime")]


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param(
            {"CallingName": "Acme"}, [(None, "PhoneNumberId: is required")], id="no-number"
        ),
        pytest.param(
            {"PhoneNumberId": NUMBER},
            [
                (
                    None,
                    "ProductType, Name, CallingName: at least one of these must be given; "
                    "there is nothing to manage",
                )
            ],
            id="nothing-to-manage",
        ),
    ],
)
def test_missing_keys_are_reported_at_the_properties(
    properties: dict[str, Any], expected: list[tuple[str | None, str]]
) -> None:
    assert problems(**properties) == expected


def test_an_unquoted_yaml_number_gets_a_hint() -> None:
    # YAML reads +12065550100 as the number 12065550100; CloudFormation sends "12065550100".
    ((key, message),) = problems(PhoneNumberId=12065550100, CallingName="Acme")
    assert key == "PhoneNumberId"
    assert message.startswith("PhoneNumberId: must be an E.164 number")
    assert message.endswith(UNQUOTED_NUMBER_HINT)


@pytest.mark.parametrize(
    "value",
    [
        {"Ref": "CallingName"},
        {"Fn::Sub": "${AWS::StackName}"},
        {"Fn::GetAtt": ["Other", "CallingName"]},
        {"Fn::Join": ["", [{"Ref": "AWS::StackName"}, "x"]]},
        {"Fn::FindInMap": ["Lines", {"Ref": "AWS::Region"}, "Name"]},
        "{{resolve:ssm:/acme/calling-name}}",
    ],
)
def test_values_resolved_at_deploy_are_skipped(value: object) -> None:
    assert problems(PhoneNumberId=NUMBER, CallingName=value, Namespace=value) == []


@pytest.mark.parametrize(
    ("properties", "shown"),
    [(["a"], "list"), ("text", "string"), (None, "null"), (5, "number"), (True, "boolean")],
)
def test_properties_that_are_not_an_object_are_named_by_their_plain_type(
    properties: object, shown: str
) -> None:
    assert resource_findings(properties) == [
        Finding((), f"Properties: must be an object of named properties, not {shown}")
    ]


def test_properties_known_only_at_deploy_are_skipped() -> None:
    assert resource_findings({"Fn::GetAtt": ["Other", "Settings"]}) == []


def declared(logical_id: str, condition: str | None = None, **properties: Any) -> LintedResource:
    return LintedResource(logical_id, {"ServiceToken": TOKEN, **properties}, condition)


def duplicate_numbers(
    resources: list[LintedResource],
    regions: list[str],
    can_hold: Any = None,
) -> list[tuple[str, str]]:
    found = duplicate_findings(resources, regions, can_hold=can_hold or (lambda _: True))
    return [(logical_id, finding.message) for logical_id, finding in found]


def test_the_same_number_namespace_and_region_twice_is_reported_at_the_second() -> None:
    resources = [
        declared("First", PhoneNumberId=NUMBER, CallingName="Acme"),
        declared("Second", PhoneNumberId=NUMBER, Name="desk", Region="us-east-1"),
        declared("Third", PhoneNumberId=NUMBER, Name="desk"),
    ]
    assert duplicate_numbers(resources, ["us-east-1"]) == [
        (
            "Second",
            "PhoneNumberId: +12065550100 (chime-sdk-voice, us-east-1) is also declared by "
            "First; the two resources would overwrite each other's settings",
        ),
        (
            "Third",
            "PhoneNumberId: +12065550100 (chime-sdk-voice, us-east-1) is also declared by "
            "First; the two resources would overwrite each other's settings",
        ),
    ]


def test_a_resource_without_region_meets_an_explicit_one_only_in_that_region() -> None:
    resources = [
        declared("Default", PhoneNumberId=NUMBER, CallingName="Acme"),
        declared("Oregon", PhoneNumberId=NUMBER, Name="desk", Region="us-west-2"),
    ]
    assert duplicate_numbers(resources, ["us-east-1"]) == []
    assert [logical_id for logical_id, _ in duplicate_numbers(resources, ["us-west-2"])] == [
        "Oregon"
    ]


@pytest.mark.parametrize(
    "second",
    [
        pytest.param(
            declared("B", PhoneNumberId=NUMBER, Namespace="chime", CallingName="A"), id="ns"
        ),
        pytest.param(declared("B", PhoneNumberId="+12065550101", CallingName="A"), id="number"),
        pytest.param(declared("B", PhoneNumberId={"Ref": "Number"}, CallingName="A"), id="ref"),
        pytest.param(
            declared("B", PhoneNumberId=NUMBER, Region={"Ref": "R"}, Name="d"), id="region"
        ),
    ],
)
def test_what_is_not_a_duplicate(second: LintedResource) -> None:
    first = declared("A", PhoneNumberId=NUMBER, CallingName="Acme")
    assert duplicate_numbers([first, second], ["us-east-1", "us-west-2"]) == []


def test_the_legacy_namespace_is_one_region_whatever_the_regions_linted() -> None:
    resources = [
        declared("A", PhoneNumberId=NUMBER, Namespace="chime", CallingName="Acme"),
        declared("B", PhoneNumberId=NUMBER, Namespace="chime", ProductType="BusinessCalling"),
    ]
    assert duplicate_numbers(resources, ["eu-west-1", "us-west-2"]) == [
        (
            "B",
            "PhoneNumberId: +12065550100 (chime, us-east-1) is also declared by A; the two "
            "resources would overwrite each other's settings",
        )
    ]
