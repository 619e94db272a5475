"""Reading templates and cloud assemblies for the plan command: no AWS, no aws_cdk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from phone_number_settings_cli.templates import (
    TemplateError,
    is_intrinsic,
    read_assembly,
    read_template,
    region_of_environment,
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


def test_the_command_does_not_import_aws_cdk() -> None:
    code = (
        "import sys, phone_number_settings_cli.main; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'jsii')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
