"""Every broken rule at once: ``property_problems``, and the one error that names them all."""

from __future__ import annotations

import pytest

from phone_number_settings_core.errors import (
    REASON_MAX_CHARS,
    InvalidPropertiesError,
    InvalidPropertyError,
)
from phone_number_settings_core.properties import declared_number, parse_properties
from phone_number_settings_core.rules import check_properties, property_problems, type_name

NUMBER = "+12065550100"


def named(properties: dict[object, object]) -> list[str]:
    return [problem.property_name for problem in property_problems(properties)]


def test_every_broken_property_is_a_problem_of_its_own() -> None:
    assert named(
        {
            "PhoneNumberId": "12065550100",
            "Colour": "blue",
            "CallingName": "Acme Support Line Extra",
            "Name": " desk",
            "ProductType": "Landline",
            "Region": "Oregon",
        }
    ) == ["Colour", "PhoneNumberId", "ProductType", "Name", "CallingName", "Region"]
    assert named({}) == ["PhoneNumberId", "ProductType, Name, CallingName"]


def test_name_under_the_legacy_namespace_does_not_hide_the_region() -> None:
    assert named({"PhoneNumberId": NUMBER, "Namespace": "chime", "Name": "d", "Region": "x"}) == [
        "Name",
        "Region",
    ]


def test_a_bad_namespace_skips_the_rules_that_read_it() -> None:
    assert named({"PhoneNumberId": NUMBER, "Namespace": "v", "ProductType": "BusinessCalling"}) == [
        "Namespace"
    ]


@pytest.mark.parametrize("key", [True, False, 1, 2.5, None])
def test_keys_that_are_not_text_are_unknown_properties(key: object) -> None:
    (problem,) = property_problems({"PhoneNumberId": NUMBER, "CallingName": "Acme", key: "x"})
    assert problem.property_name == str(key)
    assert problem.rule.startswith("unknown property; valid properties are PhoneNumberId")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ({}, "object"),
        ([], "list"),
        ("", "string"),
        (1, "number"),
        (1.5, "number"),
        (True, "boolean"),
        (None, "null"),
    ],
)
def test_types_have_plain_names(value: object, shown: str) -> None:
    assert type_name(value) == shown
    if shown != "string":
        (problem,) = property_problems({"PhoneNumberId": NUMBER, "CallingName": value})
        assert str(problem) == f"CallingName: must be a string, not {shown}"


def test_one_problem_is_raised_as_it_is_and_several_as_one_error() -> None:
    with pytest.raises(InvalidPropertyError) as one:
        check_properties({"PhoneNumberId": NUMBER, "CallingName": "Acme!"})
    assert type(one.value) is InvalidPropertyError
    with pytest.raises(InvalidPropertiesError) as several:
        check_properties({"PhoneNumberId": "1", "CallingName": "Acme!"})
    assert str(several.value) == (
        "PhoneNumberId: must be an E.164 number such as +12065550100 "
        "(pattern ^\\+[1-9][0-9]{1,14}$); CallingName: character 5 is not a letter A-Z, "
        "a digit or a space (pattern ^$|^[a-zA-Z0-9 ]{2,15}$)"
    )
    assert several.value.property_name == "PhoneNumberId, CallingName"
    assert [problem.property_name for problem in several.value.problems] == [
        "PhoneNumberId",
        "CallingName",
    ]


def test_a_long_list_of_problems_still_names_every_property_within_a_reason() -> None:
    properties: dict[object, object] = {f"Extra{index}": "x" for index in range(40)}
    properties |= {
        "PhoneNumberId": "12065550100",
        "CallingName": "Acme Support Line Extra",
        "Name": " desk",
        "ProductType": "Landline",
        "Namespace": "chime-sdk-voice",
        "Region": "Oregon",
    }
    with pytest.raises(InvalidPropertiesError) as raised:
        parse_properties(properties, default_region="us-east-1")
    message = str(raised.value)
    assert len(message) <= REASON_MAX_CHARS
    assert message.startswith("Extra0, Extra1, Extra10 and 37 more: unknown property")
    for name in ("PhoneNumberId", "CallingName", "Name", "ProductType", "Region"):
        assert f"; {name}: " in message


def test_the_declared_number_is_known_despite_other_broken_rules() -> None:
    key = declared_number(
        {"PhoneNumberId": NUMBER, "CallingName": "Acme!"}, default_region="us-west-2"
    )
    assert key is not None
    assert (key.phone_number_id, key.namespace, key.region) == (
        NUMBER,
        "chime-sdk-voice",
        "us-west-2",
    )
    for broken in ({"Namespace": "v"}, {"Region": "x"}, {"PhoneNumberId": "1"}):
        properties = {"PhoneNumberId": NUMBER, "CallingName": "Acme", **broken}
        assert declared_number(properties, default_region="us-west-2") is None
    assert declared_number({"CallingName": "Acme"}, default_region="us-west-2") is None
