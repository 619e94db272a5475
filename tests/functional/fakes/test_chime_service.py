"""The fake Chime's service: what GetPhoneNumber, UpdatePhoneNumber and
BatchUpdatePhoneNumber return and change, and how a calling name stays pending."""

from __future__ import annotations

from datetime import datetime

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_chime import ChimeClient
from mypy_boto3_chime_sdk_voice import ChimeSDKVoiceClient

from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer, NumberKind
from phone_number_settings_fakes.chime.model import CALLING_NAME_SETTLE_SECONDS
from phone_number_settings_fakes.clock import SteppedClock
from tests.functional.fakes.chime_clients import (
    NUMBER,
    TOLL_FREE,
    client_of,
    error_of,
    voice_client_of,
)

COMMON_KEYS = {
    "PhoneNumberId",
    "E164PhoneNumber",
    "Country",
    "Type",
    "ProductType",
    "Status",
    "Capabilities",
    "Associations",
    "CallingName",
    "CallingNameStatus",
    "CreatedTimestamp",
    "UpdatedTimestamp",
}


def test_legacy_get_has_no_voice_fields(chime: ChimeBackend, chime_client: ChimeClient) -> None:
    chime.seed_number(NUMBER, calling_name="Acme", name="front desk")
    number = chime_client.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]

    assert set(number) == COMMON_KEYS
    assert number["PhoneNumberId"] == NUMBER
    assert number["E164PhoneNumber"] == NUMBER
    assert (number["Country"], number["Type"]) == ("US", "Local")
    assert number["ProductType"] == "VoiceConnector"
    assert (number["CallingName"], number["CallingNameStatus"]) == ("Acme", "UpdateSucceeded")
    assert all(number["Capabilities"].values())
    assert number["Associations"] == []
    assert isinstance(number["CreatedTimestamp"], datetime)
    assert isinstance(number["UpdatedTimestamp"], datetime)


def test_voice_get_adds_arn_and_name(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER, name="front desk")
    number = voice_client.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]

    assert set(number) == (COMMON_KEYS - {"CallingName"}) | {"PhoneNumberArn", "Name"}
    assert number["PhoneNumberArn"] == f"arn:aws:chime:us-east-1:123456789012:phone-number/{NUMBER}"
    assert number["Name"] == "front desk"
    assert number["CallingNameStatus"] == "Unassigned"


@pytest.mark.parametrize(
    ("kind", "country", "type_"),
    [
        (NumberKind.US_LOCAL, "US", "Local"),
        (NumberKind.US_TOLL_FREE, "US", "TollFree"),
        (NumberKind.NON_US, "GB", "Local"),
    ],
)
def test_kind_sets_country_and_type(
    chime: ChimeBackend,
    voice_client: ChimeSDKVoiceClient,
    kind: NumberKind,
    country: str,
    type_: str,
) -> None:
    chime.seed_number(NUMBER, kind=kind)
    number = voice_client.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]
    assert (number["Country"], number["Type"]) == (country, type_)


def test_one_inventory_behind_both_namespaces(
    chime: ChimeBackend, chime_client: ChimeClient, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    updated = chime_client.update_phone_number(PhoneNumberId=NUMBER, ProductType="BusinessCalling")
    assert updated["PhoneNumber"]["ProductType"] == "BusinessCalling"
    voice_client.update_phone_number(PhoneNumberId=NUMBER, Name="desk")

    # Outside the voice model's enum, yet botocore passes it through as a string.
    voice_view = voice_client.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]
    assert str(voice_view["ProductType"]) == "BusinessCalling"
    assert chime.number(NUMBER)["Name"] == "desk"
    assert "Name" not in chime_client.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]


def test_calling_name_set_then_cleared(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    chime.set_calling_name_delay(0)
    number = voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme Corp")
    assert number["PhoneNumber"]["CallingName"] == "Acme Corp"
    assert number["PhoneNumber"]["CallingNameStatus"] == "UpdateSucceeded"

    cleared = voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="")["PhoneNumber"]
    assert "CallingName" not in cleared
    assert cleared["CallingNameStatus"] == "Unassigned"


def test_name_cleared_by_empty_string(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER, name="desk")
    assert (
        "Name" not in voice_client.update_phone_number(PhoneNumberId=NUMBER, Name="")["PhoneNumber"]
    )


def test_updated_timestamp_moves_on_every_write(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    created = voice_client.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]["UpdatedTimestamp"]
    stamps = [
        voice_client.update_phone_number(PhoneNumberId=NUMBER, Name=f"n{i}")["PhoneNumber"][
            "UpdatedTimestamp"
        ]
        for i in range(3)
    ]
    assert created < stamps[0] < stamps[1] < stamps[2]
    assert voice_client.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"][
        "CreatedTimestamp"
    ] == (created)


@pytest.mark.parametrize("namespace", ["chime", "chime-sdk-voice"])
def test_unknown_number_is_not_found(
    chime: ChimeBackend, chime_server: FakeChimeServer, namespace: str
) -> None:
    client = client_of(chime_server, namespace)
    with pytest.raises(ClientError) as get_exc:
        client.get_phone_number(PhoneNumberId=NUMBER)
    with pytest.raises(ClientError) as update_exc:
        client.update_phone_number(PhoneNumberId=NUMBER, ProductType="VoiceConnector")

    expected = (404, "NotFoundException", f"Phone number {NUMBER} not found")
    assert error_of(get_exc) == expected
    assert error_of(update_exc) == expected


def test_second_calling_name_update_conflicts_while_pending(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient, chime_client: ChimeClient
) -> None:
    chime.seed_number(NUMBER)
    chime.set_calling_name_delay(None)
    first = voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")[
        "PhoneNumber"
    ]
    assert first["CallingNameStatus"] == "UpdateInProgress"

    for client in (voice_client, chime_client):
        with pytest.raises(ClientError) as exc:
            client.update_phone_number(PhoneNumberId=NUMBER, CallingName="")
        assert error_of(exc) == (
            409,
            "ConflictException",
            "A calling name update is already in progress for this phone number",
        )
    # Only calling names wait for each other.
    voice_client.update_phone_number(PhoneNumberId=NUMBER, ProductType="SipMediaApplicationDialIn")
    assert chime.number(NUMBER)["CallingName"] == "Acme"


@pytest.mark.parametrize(
    ("forced", "conflict"), [("UpdateInProgress", True), ("UpdateFailed", False)]
)
def test_forced_calling_name_status(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient, forced: str, conflict: bool
) -> None:
    chime.seed_number(NUMBER, calling_name="Acme")
    chime.force_calling_name_status(NUMBER, forced)
    assert voice_client.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"][
        "CallingNameStatus"
    ] == (forced)
    if conflict:
        with pytest.raises(ClientError) as exc:
            voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Other")
        assert error_of(exc)[:2] == (409, "ConflictException")
    else:
        voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Other")
        assert chime.number(NUMBER)["CallingNameStatus"] == "UpdateInProgress"


def test_calling_name_settles_after_delay(clock: SteppedClock, clocked: FakeChimeServer) -> None:
    backend = clocked.backend
    voice_client = voice_client_of(clocked)
    backend.seed_number(NUMBER)
    backend.set_calling_name_delay(100)

    def status() -> str:
        return voice_client.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"][
            "CallingNameStatus"
        ]

    pending = voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")
    assert pending["PhoneNumber"]["CallingNameStatus"] == "UpdateInProgress"
    clock.sleep(99.9)
    assert status() == "UpdateInProgress"
    with pytest.raises(ClientError):
        voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Other")
    clock.sleep(0.1)
    assert status() == "UpdateSucceeded"
    voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Other")
    assert status() == "UpdateInProgress"
    assert [c.at for c in backend.update_calls()] == [1000.0, 1099.9, 1100.0]


def test_calling_name_stays_pending_as_long_as_the_service_documents_by_default(
    clock: SteppedClock, clocked: FakeChimeServer
) -> None:
    voice_client = voice_client_of(clocked)
    clocked.backend.seed_number(NUMBER)
    pending = voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")
    assert pending["PhoneNumber"]["CallingNameStatus"] == "UpdateInProgress"

    clock.sleep(CALLING_NAME_SETTLE_SECONDS - 1)  # the service's documented time, less a second
    assert clocked.backend.number(NUMBER)["CallingNameStatus"] == "UpdateInProgress"
    clock.sleep(1)
    assert clocked.backend.number(NUMBER)["CallingNameStatus"] == "UpdateSucceeded"


def test_zero_delay_succeeds_in_the_update_response(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    chime.set_calling_name_delay(0)
    for name in ("Acme", "Other"):
        number = voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName=name)[
            "PhoneNumber"
        ]
        assert number["CallingNameStatus"] == "UpdateSucceeded"


def test_batch_update_applies_rules_per_item(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    chime.seed_number(TOLL_FREE, kind=NumberKind.US_TOLL_FREE)
    result = voice_client.batch_update_phone_number(
        UpdatePhoneNumberRequestItems=[
            {"PhoneNumberId": NUMBER, "CallingName": "Acme"},
            {"PhoneNumberId": TOLL_FREE, "CallingName": "Acme"},
            {"PhoneNumberId": "+19995550100", "Name": "x"},
            {"PhoneNumberId": TOLL_FREE, "Name": "toll free"},
        ]
    )
    assert result["PhoneNumberErrors"] == [
        {
            "PhoneNumberId": TOLL_FREE,
            "ErrorCode": "BadRequest",
            "ErrorMessage": "Calling names are not supported for toll-free numbers",
        },
        {
            "PhoneNumberId": "+19995550100",
            "ErrorCode": "NotFound",
            "ErrorMessage": "Phone number +19995550100 not found",
        },
    ]
    assert chime.number(NUMBER)["CallingName"] == "Acme"
    assert chime.number(TOLL_FREE)["Name"] == "toll free"
    [record] = chime.calls()
    assert (record.operation, record.phone_number_id) == ("BatchUpdatePhoneNumber", None)
    assert len(record.body["UpdatePhoneNumberRequestItems"]) == 4


def test_direct_operation_calls_are_not_logged() -> None:
    backend = ChimeBackend()
    backend.seed_number(NUMBER)
    backend.update_phone_number("chime", NUMBER, {"ProductType": "BusinessCalling"})
    assert backend.get_phone_number("chime", NUMBER)["PhoneNumber"]["ProductType"] == (
        "BusinessCalling"
    )
    assert backend.batch_update_phone_number("chime", []) == {"PhoneNumberErrors": []}
    assert backend.calls() == []
