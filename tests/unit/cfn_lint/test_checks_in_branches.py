"""The checks over every reading of a resource: branches, literal functions, parameters, conditions."""

from __future__ import annotations

from typing import Any

from phone_number_settings_cfn_lint.checks import (
    UNQUOTED_NUMBER_HINT,
    Finding,
    LintedResource,
    Severity,
    duplicate_findings,
    resource_findings,
)
from phone_number_settings_templates.branches import Conditions, TemplateValues

NUMBER = "+12065550100"
BAD_NAME_RULE = "CallingName: character 5 is not a letter A-Z, a digit or a space"


def findings(
    properties: Any, values: TemplateValues | None = None, **options: Any
) -> list[Finding]:
    return resource_findings({"ServiceToken": "arn", **properties}, values, **options)


def test_each_literal_branch_of_an_if_is_checked_at_its_place() -> None:
    found = findings(
        {"PhoneNumberId": NUMBER, "CallingName": {"Fn::If": ["IsProd", "Acme!", "Acme"]}}
    )
    assert [(f.path, f.severity) for f in found] == [(("CallingName", "Fn::If", 1), Severity.ERROR)]
    assert found[0].message.startswith(BAD_NAME_RULE)
    assert found[0].message.endswith("(when IsProd is true)")


def test_nested_ifs_and_whole_properties_under_an_if() -> None:
    properties = {
        "Fn::If": [
            "IsProd",
            {"PhoneNumberId": NUMBER, "CallingName": {"Fn::If": ["Big", "x", "Acme"]}},
            {"PhoneNumberId": "12065550100", "CallingName": "Acme"},
        ]
    }
    found = resource_findings(properties)
    assert [(f.path, f.message.split(":")[0]) for f in found] == [
        (("Fn::If", 1, "CallingName", "Fn::If", 1), "CallingName"),
        (("Fn::If", 2, "PhoneNumberId"), "PhoneNumberId"),
    ]
    assert found[0].message.endswith("(when Big is true and IsProd is true)")


def test_conditions_that_cannot_hold_together_are_not_combined() -> None:
    # Name under the legacy namespace only when IsProd is both true and false: never.
    properties = {
        "PhoneNumberId": NUMBER,
        "Namespace": {"Fn::If": ["IsProd", "chime", "chime-sdk-voice"]},
        "Name": {"Fn::If": ["IsProd", {"Ref": "AWS::NoValue"}, "desk"]},
        "CallingName": "Acme",
    }
    assert findings(properties) == []
    # A solver that says two conditions exclude each other rules out their combination too.
    properties["Name"] = {"Fn::If": ["IsDev", "desk", {"Ref": "AWS::NoValue"}]}
    assert [f.path for f in findings(properties)] == [("Name", "Fn::If", 1)]

    def exclusive(conditions: Conditions) -> bool:
        return dict(conditions) != {"IsProd": True, "IsDev": True}

    assert findings(properties, can_hold=exclusive) == []


def test_no_value_is_an_absent_property() -> None:
    found = findings({"PhoneNumberId": NUMBER, "CallingName": {"Ref": "AWS::NoValue"}})
    assert [(f.path, f.message) for f in found] == [
        (
            (),
            "ProductType, Name, CallingName: at least one of these must be given; "
            "there is nothing to manage",
        )
    ]


def test_literal_sub_join_and_find_in_map_are_checked() -> None:
    values = TemplateValues(mappings={"Lines": {"Support": {"Display": "Acme!"}}})
    found = findings(
        {
            "PhoneNumberId": {"Fn::Sub": ["12065550100", {}]},
            "Name": {"Fn::Join": ["-", ["a", {"Fn::Sub": "b${!Literal}"}]]},
            "CallingName": {"Fn::FindInMap": ["Lines", "Support", "Display"]},
        },
        values,
    )
    assert [f.path for f in found] == [("PhoneNumberId",), ("Name",), ("CallingName",)]
    assert found[1].message.startswith("Name: character 4 is not")  # "a-b${Literal}"


def test_parameter_defaults_warn_and_allowed_values_that_all_fail_are_an_error() -> None:
    values = TemplateValues(
        parameters={
            "Line": {"Type": "String", "Default": "Acme!"},
            "Shout": {"Type": "String", "AllowedValues": ["Hey!", "Hi!"]},
            "Fine": {"Type": "String", "Default": "Acme", "AllowedValues": ["Acme", "Ok"]},
            "Stored": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/x!"},
        }
    )
    found = findings(
        {"PhoneNumberId": NUMBER, "CallingName": {"Ref": "Line"}, "Name": {"Ref": "Fine"}},
        values,
    )
    assert [(f.severity, f.message) for f in found] == [
        (
            Severity.WARNING,
            f"{BAD_NAME_RULE} (pattern ^$|^[a-zA-Z0-9 ]{{2,15}}$) (the Default of parameter Line)",
        )
    ]
    found = findings({"PhoneNumberId": NUMBER, "CallingName": {"Ref": "Shout"}}, values)
    assert [f.severity for f in found] == [Severity.WARNING, Severity.WARNING, Severity.ERROR]
    assert found[-1].message == (
        "CallingName: no AllowedValue of parameter Shout passes the rules (see the warnings "
        "here): a deploy would fail whatever value is given"
    )
    assert findings({"PhoneNumberId": NUMBER, "CallingName": {"Ref": "Stored"}}, values) == []


def test_the_quote_it_hint_is_for_a_yaml_number_only() -> None:
    def message(value: object, *, yaml: bool) -> str:
        (found,) = findings({"PhoneNumberId": value, "CallingName": "Acme"}, yaml=yaml)
        return found.message

    assert message(12065550100, yaml=True).endswith(UNQUOTED_NUMBER_HINT)
    assert UNQUOTED_NUMBER_HINT not in message(12065550100, yaml=False)
    assert message(True, yaml=True) == (
        "PhoneNumberId: must be an E.164 number such as +12065550100 "
        "(pattern ^\\+[1-9][0-9]{1,14}$)"
    )
    assert message({"a": 1}, yaml=True) == "PhoneNumberId: must be a string, not object"
    assert message([1], yaml=True) == "PhoneNumberId: must be a string, not list"


def test_odd_keys_are_unknown_properties() -> None:
    found = findings({"PhoneNumberId": NUMBER, "CallingName": "Acme", True: "x", 1.5: "y"})
    assert [(f.path, f.message.split(";")[0]) for f in found] == [
        ((1.5,), "1.5: unknown property"),
        ((True,), "True: unknown property"),
    ]


def resource(logical_id: str, condition: str | None = None, **properties: Any) -> LintedResource:
    return LintedResource(logical_id, {"ServiceToken": "arn", **properties}, condition)


def test_duplicates_under_conditions_that_can_hold_together() -> None:
    def not_both_prod_and_dev(conditions: Conditions) -> bool:
        return dict(conditions) != {"IsProd": True, "IsDev": True}

    resources = [
        resource("Always", PhoneNumberId=NUMBER, CallingName="Acme"),
        resource("Prod", "IsProd", PhoneNumberId=NUMBER, CallingName="Acme!"),
        resource("Dev", "IsDev", PhoneNumberId="+12065550101", CallingName="Acme"),
        resource("ProdToo", "IsProd", PhoneNumberId="+12065550101", CallingName="Acme"),
    ]
    found = duplicate_findings(resources, ["us-east-1"], can_hold=not_both_prod_and_dev)
    assert [(logical_id, f.path) for logical_id, f in found] == [("Prod", ("PhoneNumberId",))]
    assert found[0][1].message.endswith("(when IsProd is true)")


def test_a_number_in_a_branch_meets_the_other_resource_only_in_that_branch() -> None:
    resources = [
        resource("First", PhoneNumberId=NUMBER, CallingName="Acme"),
        resource(
            "Second",
            PhoneNumberId={"Fn::If": ["IsProd", NUMBER, "+12065550101"]},
            CallingName="Acme",
        ),
    ]
    found = duplicate_findings(resources, ["us-east-1"])
    assert [(logical_id, f.path) for logical_id, f in found] == [
        ("Second", ("PhoneNumberId", "Fn::If", 1))
    ]


def test_a_branch_the_resource_condition_rules_out_is_not_read() -> None:
    properties = {"PhoneNumberId": NUMBER, "CallingName": {"Fn::If": ["IsProd", "Acme", "Hi!"]}}
    assert findings(properties, condition="IsProd") == []
    assert [f.path for f in findings(properties, condition="IsDev")] == [
        ("CallingName", "Fn::If", 2)
    ]


def test_a_property_missing_in_a_branch_says_when() -> None:
    properties = {
        "PhoneNumberId": NUMBER,
        "CallingName": {"Fn::If": ["IsProd", "Acme", {"Ref": "AWS::NoValue"}]},
        "Region": {"Fn::If": ["InEast", "us-east-1", "us-west-2"]},
    }
    found = findings(properties)
    assert [(f.path, f.message) for f in found] == [
        (
            (),
            "ProductType, Name, CallingName: at least one of these must be given; there is "
            "nothing to manage (when IsProd is false)",
        )
    ]
