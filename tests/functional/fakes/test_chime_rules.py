"""The fake Chime's rules for UpdatePhoneNumber, as the API model states them."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st
from mypy_boto3_chime_sdk_voice import ChimeSDKVoiceClient

from phone_number_settings_core.errors import InvalidPropertyError
from phone_number_settings_core.rules import check_properties
from phone_number_settings_fakes.chime import ChimeBackend, ChimeError, FakeChimeServer, NumberKind
from tests.functional.fakes.chime_clients import NUMBER, client_of, error_of

CN_PATTERN = "CallingName must match pattern ^$|^[a-zA-Z0-9 ]{2,15}$"


NAME_PATTERN_MESSAGE = (
    "Name must match pattern ^$|^[a-zA-Z0-9\\,\\.\\_\\-]+(\\s+[a-zA-Z0-9\\,\\.\\_\\-]+)*$"
)


@pytest.mark.parametrize(
    ("namespace", "kind", "body", "message"),
    [
        (
            "chime",
            NumberKind.US_LOCAL,
            {"CallingName": "Acme", "ProductType": "VoiceConnector"},
            "Exactly one of CallingName, ProductType must be set per call, got 2",
        ),
        (
            "chime-sdk-voice",
            NumberKind.US_LOCAL,
            {"CallingName": "Acme", "Name": "desk"},
            "Exactly one of CallingName, Name, ProductType must be set per call, got 2",
        ),
        (
            "chime-sdk-voice",
            NumberKind.US_LOCAL,
            {},
            "Exactly one of CallingName, Name, ProductType must be set per call, got 0",
        ),
        ("chime", NumberKind.US_LOCAL, {"CallingName": "A"}, CN_PATTERN),
        ("chime", NumberKind.US_LOCAL, {"CallingName": "A" * 16}, CN_PATTERN),
        ("chime-sdk-voice", NumberKind.US_LOCAL, {"CallingName": "Acme!"}, CN_PATTERN),
        ("chime-sdk-voice", NumberKind.US_LOCAL, {"CallingName": "Acme\n"}, CN_PATTERN),
        (
            "chime-sdk-voice",
            NumberKind.US_LOCAL,
            {"Name": "a" * 257},
            "Name must be at most 256 characters",
        ),
        ("chime-sdk-voice", NumberKind.US_LOCAL, {"Name": "desk "}, NAME_PATTERN_MESSAGE),
        ("chime-sdk-voice", NumberKind.US_LOCAL, {"Name": "desk#1"}, NAME_PATTERN_MESSAGE),
        (
            "chime",
            NumberKind.US_LOCAL,
            {"ProductType": "Nope"},
            "Invalid ProductType Nope; valid values: BusinessCalling, VoiceConnector, "
            "SipMediaApplicationDialIn",
        ),
        (
            "chime-sdk-voice",
            NumberKind.US_LOCAL,
            {"ProductType": "BusinessCalling"},
            "Invalid ProductType BusinessCalling; valid values: VoiceConnector, "
            "SipMediaApplicationDialIn",
        ),
        (
            "chime",
            NumberKind.US_TOLL_FREE,
            {"CallingName": "Acme"},
            "Calling names are not supported for toll-free numbers",
        ),
        (
            "chime-sdk-voice",
            NumberKind.US_TOLL_FREE,
            {"CallingName": "Acme"},
            "Calling names are not supported for toll-free numbers",
        ),
        (
            "chime",
            NumberKind.US_TOLL_FREE,
            {"ProductType": "BusinessCalling"},
            "Toll-free numbers cannot use the BusinessCalling product type",
        ),
        (
            "chime",
            NumberKind.NON_US,
            {"ProductType": "VoiceConnector"},
            "Numbers outside the U.S. must use the SipMediaApplicationDialIn product type",
        ),
        (
            "chime-sdk-voice",
            NumberKind.NON_US,
            {"ProductType": "VoiceConnector"},
            "Numbers outside the U.S. must use the SipMediaApplicationDialIn product type",
        ),
    ],
)
def test_update_rule_rejects_with_bad_request(
    chime: ChimeBackend,
    chime_server: FakeChimeServer,
    *,
    namespace: str,
    kind: NumberKind,
    body: dict[str, str],
    message: str,
) -> None:
    chime.seed_number(NUMBER, kind=kind)
    client = client_of(chime_server, namespace)
    with pytest.raises(ClientError) as exc:
        client.update_phone_number(PhoneNumberId=NUMBER, **body)  # type: ignore[arg-type]

    assert error_of(exc) == (400, "BadRequestException", message)
    assert chime.number(NUMBER)["CallingNameStatus"] == "Unassigned"
    [record] = chime.update_calls()
    assert (record.status, record.error_code, record.body) == (400, "BadRequestException", body)


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        (NumberKind.US_TOLL_FREE, {"CallingName": ""}),
        (NumberKind.US_TOLL_FREE, {"ProductType": "VoiceConnector"}),
        (NumberKind.NON_US, {"ProductType": "SipMediaApplicationDialIn"}),
        (NumberKind.US_LOCAL, {"Name": "Front desk, main.line_2-b"}),
        (NumberKind.US_LOCAL, {"CallingName": "A1 B2"}),
    ],
)
def test_update_rule_accepts(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient, kind: NumberKind, body: dict[str, str]
) -> None:
    chime.seed_number(NUMBER, kind=kind)
    number = voice_client.update_phone_number(PhoneNumberId=NUMBER, **body)["PhoneNumber"]  # type: ignore[arg-type]
    [(detail, value)] = body.items()
    assert number.get(detail, "") == value


@pytest.mark.parametrize(
    ("space", "service_accepts"),
    [
        (" ", True),
        ("\t", True),
        ("\u00a0", True),  # ECMA-262 \s: WhiteSpace includes NO-BREAK SPACE
        ("\u3000", True),
        ("\x1c", False),  # Python's str.isspace() says yes; ECMA-262 says no
        ("\x85", False),
    ],
)
def test_name_pattern_reads_whitespace_as_the_service_does_and_rules_are_stricter(
    space: str, service_accepts: bool
) -> None:
    # The fake reads the model's pattern as an ECMA-262 engine; the rules module accepts
    # only what every reading accepts, so the handler refuses before Chime could.
    backend = ChimeBackend()
    backend.seed_number(NUMBER)
    name = f"front{space}desk"
    if service_accepts:
        backend.update_phone_number("chime-sdk-voice", NUMBER, {"Name": name})
    else:
        with pytest.raises(ChimeError, match="Name must match pattern"):
            backend.update_phone_number("chime-sdk-voice", NUMBER, {"Name": name})
    rules_accept = space in (" ", "\t")
    try:
        check_properties({"PhoneNumberId": NUMBER, "Name": name})
    except InvalidPropertyError:
        assert not rules_accept
    else:
        assert rules_accept
        assert service_accepts


@given(st.text(alphabet="aZ09 !\n-_é", max_size=17))
def test_calling_name_validation_matches_pattern(value: str) -> None:
    backend = ChimeBackend()
    backend.seed_number(NUMBER)
    valid = value == "" or re.fullmatch(r"[a-zA-Z0-9 ]{2,15}", value) is not None
    if valid:
        backend.update_phone_number("chime-sdk-voice", NUMBER, {"CallingName": value})
        return
    with pytest.raises(ChimeError) as exc:
        backend.update_phone_number("chime-sdk-voice", NUMBER, {"CallingName": value})
    assert (exc.value.status, exc.value.code) == (400, "BadRequestException")
