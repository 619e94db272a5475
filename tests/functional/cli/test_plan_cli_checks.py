"""``plan`` checks every reading of a resource, names every problem and the user's resources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from tests.functional.cli.plan_support import (
    NUMBER,
    OTHER,
    SERVICE_TOKEN,
    only,
    plan,
    template,
    write,
)

BAD_CALLING_NAME = (
    "CallingName: character 5 is not a letter A-Z, a digit or a space "
    "(pattern ^$|^[a-zA-Z0-9 ]{2,15}$)"
)


def plan_document(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, document: dict[str, Any], *args: str
) -> Any:
    path = write(tmp_path / "Telephony.template.json", document)
    result = plan(capsys, "--template", str(path), "--json", *args)
    return result.code, result.json()["resources"]


def resource(properties: Any, **attributes: Any) -> dict[str, Any]:
    return {"Type": "Custom::PhoneNumberSettings", "Properties": properties, **attributes}


def by_id(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {found["logical_id"]: found for found in resources}


def test_every_problem_of_a_resource_is_listed(
    chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    properties = {
        "PhoneNumberId": "12065550100",
        "CallingName": "Acme!",
        "Name": ["desk"],
        "Colour": "blue",
    }
    path = write(tmp_path / "Telephony.template.json", template(("Line", properties)))
    result = plan(capsys, "--template", str(path), "--json")
    found = only(result)
    assert result.code == 1
    assert found["status"] == "invalid"
    assert [problem.split(":")[0] for problem in found["problems"]] == [
        "Colour",
        "PhoneNumberId",
        "Name",
        "CallingName",
    ]
    assert found["reason"] == "; ".join(found["problems"])
    assert "Name: must be a string, not list" in found["problems"]
    table = plan(capsys, "--template", str(path)).out
    assert "  why: 4 problems\n    - Colour: unknown property;" in table
    assert f"    - {BAD_CALLING_NAME}\n" in table
    assert chime.calls() == []


def test_each_branch_of_an_if_and_literal_functions_are_checked(
    chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def line(number: object, **properties: Any) -> dict[str, Any]:
        return resource({"ServiceToken": SERVICE_TOKEN, "PhoneNumberId": number, **properties})

    document = {
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}},
        "Mappings": {"Lines": {"Support": {"Display": "Acme!"}}},
        "Resources": {
            "Branch": line(NUMBER, CallingName={"Fn::If": ["IsProd", "Acme", "Acme!"]}),
            "Whole": resource(
                {
                    "Fn::If": [
                        "IsProd",
                        {"ServiceToken": SERVICE_TOKEN, "PhoneNumberId": OTHER, "Name": "a"},
                        {"ServiceToken": SERVICE_TOKEN, "PhoneNumberId": "1", "Name": "b"},
                    ]
                }
            ),
            "Sub": line({"Fn::Sub": "12065550102"}, CallingName="Acme"),
            "Mapped": line(
                "+12065550103", CallingName={"Fn::FindInMap": ["Lines", "Support", "Display"]}
            ),
            "NothingLeft": line("+12065550104", CallingName={"Ref": "AWS::NoValue"}),
            "GoodBranches": resource(
                {
                    "Fn::If": [
                        "IsProd",
                        {"PhoneNumberId": OTHER, "Name": "a"},
                        {"PhoneNumberId": OTHER, "Name": "b"},
                    ]
                }
            ),
        },
    }
    code, resources = plan_document(capsys, tmp_path, document)
    found = by_id(resources)
    assert code == 1
    assert found["Branch"]["problems"] == [f"{BAD_CALLING_NAME} (when IsProd is false)"]
    assert found["Whole"]["problems"][0].startswith("PhoneNumberId: must be an E.164 number")
    assert found["Whole"]["problems"][0].endswith("(when IsProd is false)")
    assert found["Sub"]["problems"][0].startswith("PhoneNumberId: must be an E.164 number")
    assert found["Mapped"]["problems"] == [BAD_CALLING_NAME]
    assert found["NothingLeft"]["problems"] == [
        "ProductType, Name, CallingName: at least one of these must be given; there is "
        "nothing to manage"
    ]
    assert found["GoodBranches"]["status"] == "known_at_deploy", found["GoodBranches"]["reason"]
    assert found["GoodBranches"]["reason"].startswith('Properties known at deploy ({"Fn::If":')
    assert {r["status"] for r in resources} == {"invalid", "known_at_deploy"}
    assert chime.calls() == []


def test_a_key_yaml_reads_as_a_boolean_or_a_number_is_an_unknown_property(
    chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(
        "Resources:\n"
        "  Line:\n"
        "    Type: Custom::PhoneNumberSettings\n"
        "    Properties:\n"
        "      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:p\n"
        f'      PhoneNumberId: "{NUMBER}"\n'
        "      CallingName: Acme\n"
        "      On: yes\n"
        "      2: two\n"
    )
    result = plan(capsys, "--template", str(path), "--json")
    assert result.code == 1
    assert [problem.split(";")[0] for problem in only(result)["problems"]] == [
        "2: unknown property",
        "True: unknown property",
    ]


def conditional(condition: str | None, number: str = NUMBER, **properties: Any) -> dict[str, Any]:
    found = resource({"ServiceToken": SERVICE_TOKEN, "PhoneNumberId": number, **properties})
    return found | ({"Condition": condition} if condition else {})


def test_numbers_twice_under_conditions_that_can_hold_together(
    chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    chime.seed_number(NUMBER)
    chime.seed_number(OTHER)
    document = {
        "Parameters": {"Env": {"Type": "String", "Default": "prod"}},
        "Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
            "IsBig": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
        },
        "Resources": {
            "Prod": conditional("IsProd", Name="a"),
            "NotProd": conditional("NotProd", Name="b"),
            "Big": conditional("IsBig", Name="c"),
            "OtherProd": conditional("IsProd", OTHER, Name="d"),
            "OtherNotProd": conditional("NotProd", OTHER, Name="e"),
        },
    }
    code, resources = plan_document(capsys, tmp_path, document)
    found = by_id(resources)
    assert code == 1
    twice = (
        f"PhoneNumberId {NUMBER} (chime-sdk-voice, us-west-2) is declared by 2 resources: "
        "Telephony/{}, Telephony/Big; each deploy would undo the other's settings. "
        "Declare each number once"
    )
    assert found["Prod"]["problems"] == [twice.format("Prod")]
    assert found["NotProd"]["problems"] == [twice.format("NotProd")]
    assert found["Big"]["status"] == "invalid"
    assert found["Big"]["reason"].endswith(
        "Telephony/Prod, Telephony/NotProd, Telephony/Big; "
        "each deploy would undo the other's settings. "
        "Declare each number once"
    )
    assert found["OtherProd"]["status"] in {"no_change", "change"}
    assert found["OtherNotProd"]["status"] in {"no_change", "change"}


def test_a_number_twice_with_a_bad_calling_name_gives_both_problems(
    chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    document = {
        "Resources": {
            "First": conditional(None, Name="a"),
            "Second": conditional(None, CallingName="Acme!"),
        }
    }
    code, resources = plan_document(capsys, tmp_path, document)
    second = by_id(resources)["Second"]
    assert code == 1
    assert second["problems"][0] == BAD_CALLING_NAME
    assert second["problems"][1].startswith(f"PhoneNumberId {NUMBER} (chime-sdk-voice, us-west-2)")
    assert by_id(resources)["First"]["status"] == "invalid"
    assert chime.calls() == []


def test_cdk_resources_are_named_by_their_construct_path(
    chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def cdk(path: str, **properties: Any) -> dict[str, Any]:
        found = conditional(None, **properties)
        return found | {"Metadata": {"aws:cdk:path": f"Telephony/{path}/Resource/Default"}}

    document = {
        "Resources": {
            "SupportLineB0BEB757": cdk("SupportLine", Name="a"),
            "SalesLine0C1A2B3C": cdk("SalesLine", Name="b"),
        }
    }
    path = write(tmp_path / "Telephony.template.json", document)
    result = plan(capsys, "--template", str(path), "--json")
    found = result.json()["resources"]
    assert [r["construct_path"] for r in found] == ["Telephony/SupportLine", "Telephony/SalesLine"]
    assert found[0]["reason"].startswith(
        f"PhoneNumberId {NUMBER} (chime-sdk-voice, us-west-2) is declared by 2 resources: "
        "Telephony/SupportLine, Telephony/SalesLine;"
    )
    table = plan(capsys, "--template", str(path)).out
    assert table.startswith("Telephony/SupportLine (SupportLineB0BEB757): INVALID\n")
