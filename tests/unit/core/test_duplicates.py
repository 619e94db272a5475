"""Numbers declared twice: found by id, namespace and region; every declaration named."""

from __future__ import annotations

from phone_number_settings_core.duplicates import (
    NumberKey,
    declared_twice,
    declared_twice_message,
)
from phone_number_settings_core.rules import Namespace

VOICE = Namespace.CHIME_SDK_VOICE


def test_only_keys_claimed_more_than_once_are_reported_with_every_owner_in_order() -> None:
    a = NumberKey("+12065550100", VOICE, "us-west-2")
    owners = [
        (a, "Stack1/Support"),
        (NumberKey("+12065550100", VOICE, "eu-west-2"), "Stack1/Europe"),  # another region
        (NumberKey("+12065550100", Namespace.CHIME, "us-east-1"), "Stack1/Legacy"),
        (a, "Stack2/Support"),
        (a, "Stack2/Again"),
    ]
    assert declared_twice(owners) == {a: ("Stack1/Support", "Stack2/Support", "Stack2/Again")}


def test_message_names_the_number_and_every_declaration() -> None:
    key = NumberKey("+12065550100", VOICE, "us-west-2")
    assert declared_twice_message(key, ("A/One", "B/Two")) == (
        "PhoneNumberId +12065550100 (chime-sdk-voice, us-west-2) is declared by 2 resources: "
        "A/One, B/Two; each deploy would undo the other's settings. Declare each number once"
    )
