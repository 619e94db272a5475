"""The construct's errors at synth: every broken property at once, in the caller's words."""

from __future__ import annotations

import traceback

import pytest
from aws_cdk import RemovalPolicy, Stack

from phone_number_settings_cdk import PhoneNumberSettings, PhoneNumberSettingsProvider


def test_every_broken_property_is_named_in_one_error(fresh_stack: Stack) -> None:
    def users_app() -> None:
        PhoneNumberSettings(
            fresh_stack,
            "Line",
            phone_number_id="12065550100",
            calling_name="Acme Support Line Extra",
            name=" desk",
            product_type="Landline",
            removal_policy=RemovalPolicy.SNAPSHOT,
        )

    with pytest.raises(ValueError, match=r"^Fresh/Line: phone_number_id") as caught:
        users_app()
    assert str(caught.value) == (
        "Fresh/Line: phone_number_id (PhoneNumberId): must be an E.164 number such as "
        "+12065550100 (pattern ^\\+[1-9][0-9]{1,14}$); product_type (ProductType): must be one "
        "of VoiceConnector, SipMediaApplicationDialIn; name (Name): must not begin or end with "
        "a space (pattern ^$|^[a-zA-Z0-9\\,\\.\\_\\-]+(\\s+[a-zA-Z0-9\\,\\.\\_\\-]+)*$); "
        "calling_name (CallingName): too long: 23 characters, at most 15 "
        "(pattern ^$|^[a-zA-Z0-9 ]{2,15}$); "
        "removal_policy SNAPSHOT is not supported by custom resources"
    )
    printed = "".join(traceback.format_exception(caught.value))
    assert printed.count("Traceback (most recent call last)") == 1
    assert ", in users_app\n" in printed
    assert fresh_stack.node.try_find_child("Line") is None
    assert fresh_stack.node.try_find_child(PhoneNumberSettingsProvider.SINGLETON_ID) is None


def test_a_number_declared_twice_with_a_bad_calling_name_gives_both_errors(
    fresh_stack: Stack,
) -> None:
    PhoneNumberSettings(fresh_stack, "Support", phone_number_id="+12065550100", name="a")
    with pytest.raises(ValueError, match=r"^Fresh/Again: calling_name") as caught:
        PhoneNumberSettings(
            fresh_stack, "Again", phone_number_id="+12065550100", calling_name="Acme!"
        )
    message = str(caught.value)
    assert message.startswith(
        "Fresh/Again: calling_name (CallingName): character 5 is not a letter A-Z, a digit "
        "or a space (pattern ^$|^[a-zA-Z0-9 ]{2,15}$); PhoneNumberId +12065550100 "
        "(chime-sdk-voice, the stack's Region) is declared by 2 resources: Fresh/Support, "
        "Fresh/Again;"
    )
    assert fresh_stack.node.try_find_child("Again") is None


def test_a_bad_namespace_is_reported_without_comparing_the_number(fresh_stack: Stack) -> None:
    PhoneNumberSettings(fresh_stack, "Support", phone_number_id="+12065550100", name="a")
    with pytest.raises(ValueError, match=r"^Fresh/Again: namespace") as caught:
        PhoneNumberSettings(
            fresh_stack, "Again", phone_number_id="+12065550100", name="b", namespace="voice"
        )
    assert str(caught.value) == (
        "Fresh/Again: namespace (Namespace): must be one of chime-sdk-voice, chime"
    )
