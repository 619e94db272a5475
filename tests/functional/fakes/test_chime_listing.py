"""The fake Chime's ListPhoneNumbers: filters and paging as the API model has them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from mypy_boto3_chime import ChimeClient
from mypy_boto3_chime_sdk_voice import ChimeSDKVoiceClient

from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer
from tests.functional.fakes.chime_clients import NUMBER, client_of, error_of


def seed_numbers(backend: ChimeBackend, count: int, first: int = 12065550100) -> list[str]:
    numbers = [f"+{first + index}" for index in range(count)]
    for number in numbers:
        backend.seed_number(number)
    return numbers


def listed_ids(reply: Any) -> list[str]:
    return [number["PhoneNumberId"] for number in reply["PhoneNumbers"]]


def test_list_pages_with_next_token_in_id_order(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient
) -> None:
    numbers = seed_numbers(chime, 5)
    chime.seed_number("+12065550099")  # added out of order: listed first all the same

    first = voice_client.list_phone_numbers(MaxResults=3)
    second = voice_client.list_phone_numbers(MaxResults=3, NextToken=first["NextToken"])

    assert listed_ids(first) == ["+12065550099", *numbers[:2]]
    assert listed_ids(second) == numbers[2:]
    assert "NextToken" not in second
    assert [c.query for c in chime.calls("ListPhoneNumbers")] == [
        {"max-results": "3"},
        {"max-results": "3", "next-token": first["NextToken"]},
    ]


def test_list_items_are_the_get_view_of_each_namespace(
    chime: ChimeBackend, chime_client: ChimeClient, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER, name="front desk", calling_name="Acme")
    [voice_item] = voice_client.list_phone_numbers()["PhoneNumbers"]
    [legacy_item] = chime_client.list_phone_numbers()["PhoneNumbers"]

    assert voice_item == voice_client.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]
    assert legacy_item == chime_client.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]
    assert "Name" not in legacy_item


@pytest.mark.parametrize(("namespace", "page_size"), [("chime-sdk-voice", 100), ("chime", 99)])
def test_list_without_max_results_pages_at_the_models_maximum(
    chime: ChimeBackend, chime_server: FakeChimeServer, namespace: str, page_size: int
) -> None:
    seed_numbers(chime, 101)
    client = client_of(chime_server, namespace)
    first = client.list_phone_numbers()
    assert len(first["PhoneNumbers"]) == page_size
    rest = client.list_phone_numbers(NextToken=first["NextToken"])
    assert len(rest["PhoneNumbers"]) == 101 - page_size
    assert "NextToken" not in rest


def test_list_filters_by_product_type_status_and_association(
    chime: ChimeBackend, chime_client: ChimeClient, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number("+12065550100", product_type="VoiceConnector", status="Assigned")
    chime.seed_number(
        "+12065550101",
        product_type="SipMediaApplicationDialIn",
        status="Assigned",
        associations={"SipRuleId": "rule-1"},
    )
    chime.seed_number("+12065550102", product_type="BusinessCalling")

    assert listed_ids(voice_client.list_phone_numbers(ProductType="VoiceConnector")) == [
        "+12065550100"
    ]
    assert listed_ids(chime_client.list_phone_numbers(ProductType="BusinessCalling")) == [
        "+12065550102"
    ]
    assert listed_ids(voice_client.list_phone_numbers(Status="Assigned")) == [
        "+12065550100",
        "+12065550101",
    ]
    by_rule = voice_client.list_phone_numbers(FilterName="SipRuleId", FilterValue="rule-1")
    assert listed_ids(by_rule) == ["+12065550101"]
    assert [(a["Name"], a["Value"]) for a in by_rule["PhoneNumbers"][0]["Associations"]] == [
        ("SipRuleId", "rule-1")
    ]
    assert (
        voice_client.list_phone_numbers(FilterName="SipRuleId", FilterValue="other")["PhoneNumbers"]
        == []
    )
    # Unfiltered, the shared inventory shows every number, as GetPhoneNumber would.
    assert len(voice_client.list_phone_numbers()["PhoneNumbers"]) == 3


@pytest.mark.parametrize(
    ("namespace", "arguments", "message"),
    [
        (
            "chime-sdk-voice",
            {"ProductType": "BusinessCalling"},
            "Invalid product-type BusinessCalling; valid values: VoiceConnector, "
            "SipMediaApplicationDialIn",
        ),
        (
            "chime",
            {"Status": "Gone"},
            "Invalid status Gone; valid values: AcquireInProgress, AcquireFailed, Unassigned, "
            "Assigned, ReleaseInProgress, DeleteInProgress, ReleaseFailed, DeleteFailed",
        ),
        (
            "chime-sdk-voice",
            {"FilterName": "UserId", "FilterValue": "u"},
            "Invalid filter-name UserId; valid values: VoiceConnectorId, VoiceConnectorGroupId, "
            "SipRuleId",
        ),
        ("chime-sdk-voice", {"MaxResults": 101}, "max-results must be from 1 to 100"),
        ("chime", {"MaxResults": 100}, "max-results must be from 1 to 99"),
        ("chime", {"NextToken": "not-a-token"}, "Invalid next-token"),
        (
            "chime-sdk-voice",
            {"FilterName": "SipRuleId"},
            "filter-name and filter-value must be given together",
        ),
    ],
)
def test_list_rejects_what_the_model_does_not_allow(
    chime: ChimeBackend,
    chime_server: FakeChimeServer,
    namespace: str,
    arguments: dict[str, Any],
    message: str,
) -> None:
    # botocore checks only `min` client-side, so each of these reaches the service.
    client = client_of(chime_server, namespace)
    with pytest.raises(ClientError) as exc:
        client.list_phone_numbers(**arguments)
    assert error_of(exc) == (400, "BadRequestException", message)
    [record] = chime.calls("ListPhoneNumbers")
    assert (record.status, record.error_code) == (400, "BadRequestException")


def test_list_can_be_throttled_and_faulted_like_any_operation(
    chime: ChimeBackend, voice_client: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    chime.inject_faults(429, times=1, operation="ListPhoneNumbers")
    with pytest.raises(ClientError) as exc:
        voice_client.list_phone_numbers()
    assert error_of(exc) == (429, "ThrottledClientException", "Injected fault")
    assert listed_ids(voice_client.list_phone_numbers()) == [NUMBER]


def test_direct_list_call_is_not_logged() -> None:
    backend = ChimeBackend()
    backend.seed_number(NUMBER)
    assert listed_ids(backend.list_phone_numbers("chime", {"max-results": "1"})) == [NUMBER]
    assert backend.calls() == []
