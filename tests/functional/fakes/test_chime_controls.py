"""The fake Chime's test controls (rate limit, faults, drops, held requests, empty
replies), its call log, and reset."""

from __future__ import annotations

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError
from mypy_boto3_chime import ChimeClient
from mypy_boto3_chime_sdk_voice import ChimeSDKVoiceClient

from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer
from phone_number_settings_fakes.clock import SteppedClock
from tests.functional.fakes.chime_clients import (
    NUMBER,
    chime_client_of,
    error_of,
    voice_client_of,
)


def test_rate_limit_throttles_with_429(clock: SteppedClock, clocked: FakeChimeServer) -> None:
    backend = clocked.backend
    voice_client, chime_client = voice_client_of(clocked), chime_client_of(clocked)
    backend.seed_number(NUMBER)
    backend.set_rate_limit(1, burst=2)

    voice_client.get_phone_number(PhoneNumberId=NUMBER)
    chime_client.update_phone_number(PhoneNumberId=NUMBER, ProductType="BusinessCalling")
    with pytest.raises(ClientError) as exc:
        voice_client.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    assert error_of(exc) == (429, "ThrottledClientException", "Rate exceeded")
    assert exc.value.response["Error"]["Code"] == "ThrottledClientException"
    clock.sleep(1)
    voice_client.update_phone_number(PhoneNumberId=NUMBER, Name="desk")

    assert [(c.operation, c.status, c.error_code) for c in backend.calls()] == [
        ("GetPhoneNumber", 200, None),
        ("UpdatePhoneNumber", 200, None),
        ("UpdatePhoneNumber", 429, "ThrottledClientException"),
        ("UpdatePhoneNumber", 200, None),
    ]
    backend.set_rate_limit(None)
    for _ in range(5):
        voice_client.get_phone_number(PhoneNumberId=NUMBER)


@pytest.mark.parametrize(
    ("status", "code"), [(500, "ServiceFailureException"), (503, "ServiceUnavailableException")]
)
def test_injected_faults(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient, status: int, code: str
) -> None:
    chime.seed_number(NUMBER)
    chime.inject_faults(status, times=2, operation="UpdatePhoneNumber")

    voice_client.get_phone_number(PhoneNumberId=NUMBER)  # another operation: untouched
    for _ in range(2):
        with pytest.raises(ClientError) as exc:
            voice_client.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
        assert error_of(exc) == (status, code, "Injected fault")
    voice_client.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    assert [c.status for c in chime.calls()] == [200, status, status, 200]


def test_injected_fault_with_explicit_code(chime: ChimeBackend, chime_client: ChimeClient) -> None:
    chime.inject_faults(403, times=1, code="AccessDeniedException")
    with pytest.raises(ClientError) as exc:
        chime_client.get_phone_number(PhoneNumberId=NUMBER)
    assert error_of(exc)[:2] == (403, "AccessDeniedException")


def test_dropped_connection_surfaces_as_connection_error(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    voice_client.get_phone_number(PhoneNumberId=NUMBER)  # a pooled keep-alive connection
    chime.drop_connections(1, operation="UpdatePhoneNumber")

    with pytest.raises(ConnectionClosedError):
        voice_client.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    voice_client.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    assert [(c.operation, c.status) for c in chime.calls()] == [
        ("GetPhoneNumber", 200),
        ("UpdatePhoneNumber", 0),
        ("UpdatePhoneNumber", 200),
    ]


def test_fail_update_hits_only_the_named_detail(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    chime.fail_update("CallingName", 409, "ConflictException")

    voice_client.update_phone_number(PhoneNumberId=NUMBER, ProductType="SipMediaApplicationDialIn")
    with pytest.raises(ClientError) as exc:
        voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")
    assert error_of(exc) == (409, "ConflictException", "Injected update failure")
    voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")
    assert [c.status for c in chime.update_calls()] == [200, 409, 200]


def test_hang_holds_only_the_matching_request_until_released(
    chime: ChimeBackend, chime_server: FakeChimeServer
) -> None:
    chime.seed_number(NUMBER)
    chime.hang(1, operation="UpdatePhoneNumber", detail="CallingName")
    quick = Config(retries={"total_max_attempts": 1}, read_timeout=0.5, connect_timeout=2)
    client = voice_client_of(chime_server, quick)
    client.update_phone_number(PhoneNumberId=NUMBER, Name="desk")  # another detail: answered
    with pytest.raises(ReadTimeoutError):
        client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")
    chime.release_hung()
    client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")  # once only
    assert chime.number(NUMBER)["CallingName"] == "Acme"


def test_omit_phone_number_answers_an_applied_update_with_an_empty_reply(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    chime.omit_phone_number(1, operation="UpdatePhoneNumber", detail="Name")
    assert "PhoneNumber" in voice_client.update_phone_number(
        PhoneNumberId=NUMBER, ProductType="VoiceConnector"
    )
    assert "PhoneNumber" not in voice_client.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    assert chime.number(NUMBER)["Name"] == "desk"  # applied all the same
    assert "PhoneNumber" in voice_client.get_phone_number(PhoneNumberId=NUMBER)


def test_reset_restores_defaults(chime: ChimeBackend, voice_client: ChimeSDKVoiceClient) -> None:
    chime.seed_number(NUMBER)
    chime.set_rate_limit(0, burst=1)
    chime.inject_faults(500, times=5)
    chime.drop_connections(5)
    chime.fail_update("Name", 400, "BadRequestException", times=5)
    chime.set_calling_name_delay(0)
    with pytest.raises(ConnectionClosedError):
        voice_client.get_phone_number(PhoneNumberId=NUMBER)

    chime.reset()
    assert chime.calls() == []
    with pytest.raises(KeyError):
        chime.number(NUMBER)
    chime.seed_number(NUMBER)
    for _ in range(3):
        voice_client.get_phone_number(PhoneNumberId=NUMBER)
    voice_client.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    pending = voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")
    assert pending["PhoneNumber"]["CallingNameStatus"] == "UpdateInProgress"  # the default


def test_call_log_records_sequence_and_signing_region(
    chime: ChimeBackend, chime_client: ChimeClient, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    chime_client.update_phone_number(PhoneNumberId=NUMBER, ProductType="SipMediaApplicationDialIn")
    voice_client.get_phone_number(PhoneNumberId=NUMBER)
    voice_client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")

    assert [c.as_tuple() for c in chime.update_calls()] == [
        ("UpdatePhoneNumber", NUMBER, {"ProductType": "SipMediaApplicationDialIn"}),
        ("UpdatePhoneNumber", NUMBER, {"CallingName": "Acme"}),
    ]
    assert [(c.operation, c.namespace, c.region) for c in chime.calls()] == [
        ("UpdatePhoneNumber", "chime", "us-east-1"),
        ("GetPhoneNumber", "chime-sdk-voice", "us-west-2"),
        ("UpdatePhoneNumber", "chime-sdk-voice", "us-west-2"),
    ]
    assert [c.operation for c in chime.calls("GetPhoneNumber")] == ["GetPhoneNumber"]
    times = [c.at for c in chime.calls()]
    assert times == sorted(times)
