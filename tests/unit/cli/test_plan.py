"""Reading templates and cloud assemblies for the plan command: no AWS, no aws_cdk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phone_number_settings_templates.reader import (
    TemplateError,
    is_intrinsic,
    read_assembly,
    read_template,
    region_of_environment,
    resolved_at_deploy,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Param"}, True),
        ({"Fn::GetAtt": ["Order", "PhoneNumberId"]}, True),
        ({"Fn::Join": ["", ["a", "b"]]}, True),
        ({"Fn::ImportValue": "x"}, True),
        ("+12065550100", False),
        ({"Ref": "a", "Other": "b"}, False),
        ({"Value": "x"}, False),
        (["Ref"], False),
        (None, False),
    ],
)
def test_is_intrinsic(value: object, expected: bool) -> None:
    assert is_intrinsic(value) is expected


@pytest.mark.parametrize(
    ("environment", "region"),
    [
        ("aws://123456789012/us-west-2", "us-west-2"),
        ("aws://unknown-account/unknown-region", None),
        ("aws://123456789012/", None),
        ("unknown", None),
        (None, None),
    ],
)
def test_region_of_environment(environment: object, region: str | None) -> None:
    assert region_of_environment(environment) == region


def test_scalars_are_passed_as_strings_like_cloudformation(tmp_path: Path) -> None:
    path = tmp_path / "Stack.template.json"
    path.write_text(
        json.dumps(
            {
                "Resources": {
                    "Line": {
                        "Type": "Custom::PhoneNumberSettings",
                        "Condition": "IsProd",
                        "Properties": {"PhoneNumberId": 12065550100, "ServiceTimeout": 300},
                    },
                    "Bucket": {"Type": "AWS::S3::Bucket"},
                }
            }
        )
    )
    (declaration,) = read_template(path)
    assert declaration.stack == "Stack"
    assert declaration.condition == "IsProd"
    assert declaration.properties == {"PhoneNumberId": "12065550100", "ServiceTimeout": "300"}


def test_assembly_that_points_at_itself_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "artifacts": {
                    "Loop": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "."}}
                }
            }
        )
    )
    assert read_assembly(tmp_path) == ()


def test_template_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("[]")
    with pytest.raises(TemplateError, match="must be a JSON object"):
        read_template(path)


YAML_TEMPLATE = """\
AWSTemplateFormatVersion: 2010-09-09
Parameters:
  Team:
    Type: String
    Default: Support
  Region:
    Type: String
Resources:
  Line:
    Type: Custom::PhoneNumberSettings
    Condition: IsProd
    Properties:
      ServiceToken: !ImportValue PhoneNumberSettings-ServiceToken
      ServiceTimeout: 360
      PhoneNumberId: +12065550100
      CallingName: !Sub "Acme ${Team}"
      Name: !GetAtt Order.Name
      Region: !Ref Region
      ProductType: !If [IsProd, SipMediaApplicationDialIn, VoiceConnector]
  Bucket:
    Type: AWS::S3::Bucket
"""


def test_yaml_short_forms_are_read_as_their_long_forms(tmp_path: Path) -> None:
    path = tmp_path / "phone-numbers.yaml"
    path.write_text(YAML_TEMPLATE)
    (declaration,) = read_template(path)
    assert declaration.stack == "phone-numbers"
    assert declaration.condition == "IsProd"
    assert declaration.properties == {
        "ServiceToken": {"Fn::ImportValue": "PhoneNumberSettings-ServiceToken"},
        "ServiceTimeout": "360",
        # YAML reads an unquoted +12065550100 as a number; CloudFormation passes "12065550100".
        "PhoneNumberId": "12065550100",
        "CallingName": "Acme Support",  # the parameter's default
        "Name": {"Fn::GetAtt": ["Order", "Name"]},
        "Region": {"Ref": "Region"},  # no default, not given: known at deploy
        "ProductType": {"Fn::If": ["IsProd", "SipMediaApplicationDialIn", "VoiceConnector"]},
    }
    # Plain values, not the decoder's line-marked nodes.
    assert type(declaration.properties["CallingName"]) is str


def test_given_parameters_take_the_place_of_defaults(tmp_path: Path) -> None:
    path = tmp_path / "phone-numbers.yaml"
    path.write_text(YAML_TEMPLATE)
    (declaration,) = read_template(path, parameters={"Team": "Sales", "Region": "eu-west-1"})
    properties = declaration.properties
    assert isinstance(properties, dict)
    assert (properties["CallingName"], properties["Region"]) == ("Acme Sales", "eu-west-1")


def test_a_parameter_the_template_does_not_declare_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "phone-numbers.yaml"
    path.write_text(YAML_TEMPLATE)
    with pytest.raises(TemplateError, match=r"--parameter Colour, Tema: not a parameter of .*yaml"):
        read_template(path, parameters={"Tema": "Sales", "Colour": "blue", "Team": "x"})


def test_assembly_parameters_apply_to_every_stack_that_declares_them(tmp_path: Path) -> None:
    for stack, default in (("First", "one"), ("Second", None)):
        parameter = {"Type": "String"} | ({"Default": default} if default else {})
        (tmp_path / f"{stack}.template.json").write_text(
            json.dumps(
                {
                    "Parameters": {"Team": parameter},
                    "Resources": {
                        "Line": {
                            "Type": "Custom::PhoneNumberSettings",
                            "Properties": {"Name": {"Ref": "Team"}},
                        }
                    },
                }
            )
        )
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "artifacts": {
                    stack: {
                        "type": "aws:cloudformation:stack",
                        "properties": {"templateFile": f"{stack}.template.json"},
                    }
                    for stack in ("First", "Second")
                }
            }
        )
    )
    assert [d.properties for d in read_assembly(tmp_path)] == [
        {"Name": "one"},
        {"Name": {"Ref": "Team"}},
    ]
    assert [d.properties for d in read_assembly(tmp_path, parameters={"Team": "two"})] == [
        {"Name": "two"},
        {"Name": "two"},
    ]
    with pytest.raises(TemplateError, match="--parameter Tema: not a parameter of"):
        read_assembly(tmp_path, parameters={"Tema": "two"})


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        pytest.param(
            "t.yaml",
            "Resources:\n  Line: [unclosed\n",
            r"t.yaml: not a JSON or YAML template \(.* at line \d+\)",
            id="yaml",
        ),
        pytest.param(
            "t.json", '{"Resources": ', r"t.json: not JSON \(Expecting value at line 1\)", id="json"
        ),
        pytest.param(
            "t.yaml", "- a\n- b\n", r"t.yaml: a template must be a YAML mapping", id="list"
        ),
    ],
)
def test_unreadable_templates_name_the_file_and_the_line(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(TemplateError, match=message):
        read_template(path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Fn::ImportValue": "x"}, True),
        ("{{resolve:ssm:/phone-number-settings/calling-name}}", True),
        ("Acme {{resolve:ssm:/team}}", True),
        ("Acme Support", False),
        ("{resolve:ssm:x}", False),
    ],
)
def test_resolved_at_deploy_includes_dynamic_references(value: object, expected: bool) -> None:
    assert resolved_at_deploy(value) is expected
