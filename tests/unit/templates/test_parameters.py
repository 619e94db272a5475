"""Parameters the plan knows before deploy, and the Ref / Fn::Sub / Fn::Join they decide."""

from __future__ import annotations

from typing import Any

import pytest

from phone_number_settings_templates.parameters import parameter_values, resolve

DECLARED: dict[str, Any] = {
    "Team": {"Type": "String", "Default": "Support"},
    "Floor": {"Type": "Number", "Default": 3},
    "Lines": {"Type": "CommaDelimitedList", "Default": "a, b"},
    "NoDefault": {"Type": "String"},
    "FromStore": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/team/name"},
    "Untyped": {"Default": True},
}


def test_defaults_become_values_as_cloudformation_passes_them() -> None:
    assert parameter_values(DECLARED, {}) == {
        "Team": "Support",
        "Floor": "3",
        "Lines": ["a", "b"],
        "Untyped": "true",
    }


def test_given_values_take_the_place_of_defaults_but_not_of_the_parameter_store() -> None:
    given = {"Team": "Sales", "NoDefault": "x", "FromStore": "/other/name"}
    values = parameter_values(DECLARED, given)
    assert values["Team"] == "Sales"
    assert values["NoDefault"] == "x"
    # An SSM-typed parameter names a parameter-store entry: its value exists only at deploy.
    assert "FromStore" not in values


VALUES = parameter_values(DECLARED, {})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param({"Ref": "Team"}, "Support", id="ref"),
        pytest.param({"Ref": "Lines"}, ["a", "b"], id="ref-list"),
        pytest.param({"Fn::Sub": "Acme ${Team} ${Floor}"}, "Acme Support 3", id="sub"),
        pytest.param({"Fn::Sub": ["${A} ${Team}", {"A": "Acme"}]}, "Acme Support", id="sub-map"),
        pytest.param({"Fn::Sub": ["${A}", {"A": {"Ref": "Team"}}]}, "Support", id="sub-map-of-ref"),
        pytest.param({"Fn::Sub": "${!Literal} ${Team}"}, "${Literal} Support", id="sub-literal"),
        pytest.param({"Fn::Join": [" ", ["Acme", {"Ref": "Team"}]]}, "Acme Support", id="join"),
        pytest.param(
            {"Fn::Join": ["-", [{"Fn::Sub": "${Team}"}, {"Ref": "Floor"}]]},
            "Support-3",
            id="nested",
        ),
        pytest.param({"Fn::Join": [",", {"Ref": "Lines"}]}, "a,b", id="join-list-param"),
    ],
)
def test_what_parameters_decide_is_resolved(value: object, expected: object) -> None:
    assert resolve(value, VALUES) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param({"Ref": "NoDefault"}, {"Ref": "NoDefault"}, id="no-value"),
        pytest.param({"Ref": "FromStore"}, {"Ref": "FromStore"}, id="ssm-typed"),
        pytest.param({"Ref": "AWS::Region"}, {"Ref": "AWS::Region"}, id="pseudo"),
        pytest.param({"Ref": "SomeResource"}, {"Ref": "SomeResource"}, id="resource"),
        pytest.param(
            {"Fn::Sub": "${Team} in ${AWS::Region}"},
            {"Fn::Sub": "${Team} in ${AWS::Region}"},
            id="sub-pseudo",
        ),
        pytest.param(
            {"Fn::Join": ["", [{"Ref": "Team"}, {"Fn::GetAtt": ["Order", "Name"]}]]},
            {"Fn::Join": ["", ["Support", {"Fn::GetAtt": ["Order", "Name"]}]]},
            id="join-partly",
        ),
        pytest.param(
            {"Fn::ImportValue": {"Fn::Sub": "${Team}-token"}},
            {"Fn::ImportValue": "Support-token"},
            id="import-of-sub",
        ),
        pytest.param({"Fn::Join": ["", "not a list"]}, {"Fn::Join": ["", "not a list"]}, id="bad"),
    ],
)
def test_what_depends_on_the_deploy_stays_with_known_parts_filled_in(
    value: object, expected: object
) -> None:
    assert resolve(value, VALUES) == expected


def test_plain_values_and_containers_pass_through() -> None:
    properties = {"PhoneNumberId": "+12065550100", "Tags": [{"Ref": "Team"}], "N": 5}
    assert resolve(properties, VALUES) == {
        "PhoneNumberId": "+12065550100",
        "Tags": ["Support"],
        "N": 5,
    }
