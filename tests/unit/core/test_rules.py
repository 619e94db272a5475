"""Every property rule, valid and invalid; messages name the property and the rule."""

from __future__ import annotations

import pytest

from phone_number_settings_core.errors import InvalidPropertyError
from phone_number_settings_core.rules import (
    CALLING_NAME_PATTERN,
    NAME_PATTERN,
    Namespace,
    ProductType,
    check_properties,
)

NUMBER = "+12065550100"


def props(**extra: object) -> dict[str, object]:
    return {"PhoneNumberId": NUMBER, **extra}


@pytest.mark.parametrize(
    "properties",
    [
        props(CallingName="Acme Support"),
        props(CallingName=""),
        props(CallingName="ab"),
        props(CallingName="A" * 15),
        props(ProductType="VoiceConnector"),
        props(ProductType="SipMediaApplicationDialIn", Namespace="chime-sdk-voice"),
        props(ProductType="BusinessCalling", Namespace="chime"),
        props(Name="Front desk, line 2"),
        props(Name=""),
        props(Name="a" * 256),
        props(Name="front_desk-1.main"),
        props(CallingName="Acme", Region="eu-central-1"),
        props(CallingName="Acme", Namespace="chime", Region="us-east-1"),
        props(CallingName="Acme", ServiceToken="arn:aws:lambda:x", ServiceTimeout="360"),
        {"PhoneNumberId": "+442071234567", "ProductType": "SipMediaApplicationDialIn"},
    ],
)
def test_valid_properties_pass(properties: dict[str, object]) -> None:
    check_properties(properties)


@pytest.mark.parametrize(
    ("properties", "property_name", "rule"),
    [
        ({"CallingName": "Acme"}, "PhoneNumberId", "is required"),
        (props(), "ProductType, Name, CallingName", "at least one"),
        (props(ServiceToken="x"), "ProductType, Name, CallingName", "at least one"),
        (props(CallingNmae="Acme", Name="a"), "CallingNmae", "unknown property; valid properties"),
        (props(CallingName="Acme", phoneNumberId="x"), "phoneNumberId", "unknown property"),
        ({"PhoneNumberId": "12065550100", "Name": "a"}, "PhoneNumberId", "E.164"),
        ({"PhoneNumberId": "+0123", "Name": "a"}, "PhoneNumberId", "E.164"),
        ({"PhoneNumberId": "+1206555010\n", "Name": "a"}, "PhoneNumberId", "E.164"),
        ({"PhoneNumberId": 12065550100, "Name": "a"}, "PhoneNumberId", "must be a string"),
        (props(CallingName="A"), "CallingName", CALLING_NAME_PATTERN),
        (props(CallingName="A"), "CallingName", "too short: 1 character, at least 2"),
        (props(CallingName="A" * 16), "CallingName", "too long: 16 characters, at most 15 ("),
        (props(CallingName="Acme & Co"), "CallingName", ": character 6 is not a letter A-Z"),
        (props(CallingName="Acme\n"), "CallingName", ": character 5 is not a letter"),
        (props(CallingName="Café"), "CallingName", ": character 4 is not a letter"),
        (
            props(CallingName="Acme-Support-Line!"),
            "CallingName",
            "too long: 18 characters, at most 15; character 5 is not a letter A-Z, a digit "
            "or a space (pattern",
        ),
        (props(CallingName=["Acme"]), "CallingName", "must be a string, not list"),
        (props(ProductType="Voice"), "ProductType", "must be one of VoiceConnector"),
        (props(ProductType=""), "ProductType", "must be one of"),
        (
            props(ProductType="BusinessCalling"),
            "ProductType",
            "BusinessCalling is not offered by Namespace chime-sdk-voice",
        ),
        (props(Name="a" * 257), "Name", "too long: 257 characters, at most 256"),
        (props(Name=" leading"), "Name", NAME_PATTERN),
        (props(Name=" leading"), "Name", ": must not begin or end with a space"),
        (props(Name="tab\tend "), "Name", ": must not begin or end with a space"),
        (props(Name="em\u2003space"), "Name", ": character 3 is not a letter A-Z, a digit, a"),
        (props(Name="desk #1"), "Name", ": character 6 is not a letter"),
        (props(Name="Acme", Namespace="chime"), "Name", "only Namespace chime-sdk-voice"),
        (props(Name="", Namespace="chime"), "Name", "only Namespace chime-sdk-voice"),
        (props(CallingName="Acme", Namespace="Chime"), "Namespace", "must be one of"),
        (props(CallingName="Acme", Namespace=""), "Namespace", "must be one of"),
        (props(CallingName="Acme", Region="us_east_1"), "Region", "AWS Region name"),
        (props(CallingName="Acme", Region=""), "Region", "AWS Region name"),
        (
            props(CallingName="Acme", Namespace="chime", Region="eu-west-1"),
            "Region",
            "served only from us-east-1",
        ),
    ],
)
def test_invalid_properties_name_property_and_rule(
    properties: dict[str, object], property_name: str, rule: str
) -> None:
    with pytest.raises(InvalidPropertyError) as raised:
        check_properties(properties)
    assert raised.value.property_name == property_name
    assert str(raised.value).startswith(f"{property_name}: ")
    assert rule in str(raised.value)


@pytest.mark.parametrize("value", ["Secret Name", "x" * 300 + "!"])
def test_messages_never_echo_a_sensitive_value(value: str) -> None:
    for key in ("CallingName", "Name"):
        with pytest.raises(InvalidPropertyError) as raised:
            check_properties(props(**{key: value + "\u0000"}))
        assert value not in str(raised.value)


def test_unknown_keys_are_shown_escaped_and_short() -> None:
    with pytest.raises(InvalidPropertyError) as raised:
        check_properties(props(CallingName="Acme", **{"k\u00e9y" + "x" * 100: "v"}))
    message = str(raised.value)
    assert message.startswith("k\\xe9yxxx")
    assert len(message) < 256


def test_every_product_type_belongs_to_the_legacy_namespace() -> None:
    for product_type in ProductType:
        check_properties(props(ProductType=str(product_type), Namespace=str(Namespace.CHIME)))


def unresolved(value: object) -> bool:
    return isinstance(value, str) and value.startswith("${Token[")


@pytest.mark.parametrize(
    "properties",
    [
        props(CallingName="${Token[TOKEN.1]}"),
        {"PhoneNumberId": "${Token[TOKEN.2]}", "Name": "desk"},
        props(ProductType="BusinessCalling", Namespace="${Token[TOKEN.3]}"),
        props(Name="${Token[TOKEN.4]}", Namespace="${Token[TOKEN.5]}"),
        props(CallingName="Acme", Region="${Token[TOKEN.6]}", Namespace="chime"),
    ],
)
def test_unresolved_values_are_left_to_the_handler(properties: dict[str, object]) -> None:
    check_properties(properties, is_unresolved=unresolved)


def test_a_known_bad_value_fails_even_beside_tokens() -> None:
    with pytest.raises(InvalidPropertyError, match=r"^CallingName: "):
        check_properties(
            props(CallingName="!", Namespace="${Token[TOKEN.7]}"), is_unresolved=unresolved
        )
