"""The fake Chime service and CloudFormation responder, exercised through real clients."""

from __future__ import annotations

import http.client
import importlib
import json
import re
import ssl
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError
from hypothesis import given
from hypothesis import strategies as st
from mypy_boto3_chime import ChimeClient
from mypy_boto3_chime_sdk_voice import ChimeSDKVoiceClient

from phone_number_settings_core.errors import InvalidPropertyError
from phone_number_settings_core.rules import check_properties
from phone_number_settings_fakes.chime import ChimeBackend, ChimeError, FakeChimeServer, NumberKind
from phone_number_settings_fakes.cloudformation import CfnResponder

NUMBER = "+12065550100"
TOLL_FREE = "+18005550100"
UK = "+442079460000"
NO_RETRIES = Config(retries={"total_max_attempts": 1})


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def pointed_at(server: FakeChimeServer, namespace: str, region: str) -> dict[str, Any]:
    """boto3.client arguments for ``namespace`` of the fake, with test credentials."""
    return {
        "endpoint_url": server.endpoint_url(namespace),
        "region_name": region,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }


def legacy_client(server: FakeChimeServer) -> ChimeClient:
    return boto3.client("chime", config=NO_RETRIES, **pointed_at(server, "chime", "us-east-1"))


def voice_client(server: FakeChimeServer, config: Config = NO_RETRIES) -> ChimeSDKVoiceClient:
    return boto3.client(
        "chime-sdk-voice", config=config, **pointed_at(server, "chime-sdk-voice", "us-west-2")
    )


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response = exc.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


def raw_request(
    server: FakeChimeServer, method: str, path: str, body: Any = None
) -> tuple[int, dict[str, str], Any]:
    """An unsigned request, for what botocore's own validation would never send."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        payload = None if body is None else json.dumps(body)
        conn.request(method, path, body=payload, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read())
    finally:
        conn.close()


@pytest.fixture
def legacy(chime_server: FakeChimeServer) -> ChimeClient:
    return legacy_client(chime_server)


@pytest.fixture
def voice(chime_server: FakeChimeServer) -> ChimeSDKVoiceClient:
    return voice_client(chime_server)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def clocked(clock: FakeClock) -> Iterator[FakeChimeServer]:
    """A private server whose backend runs on the fake clock."""
    with FakeChimeServer(ChimeBackend(clock=clock)) as server:
        yield server


# ----- wiring -------------------------------------------------------------------------


def test_botocore_keeps_endpoint_path_prefix_from_env(
    aws_env: dict[str, str], chime: ChimeBackend
) -> None:
    # The fake tells the namespaces apart by path prefix only; this proves botocore keeps
    # the prefix of AWS_ENDPOINT_URL_* on every operation's URL.
    chime.seed_number(NUMBER)
    legacy = boto3.client("chime", config=NO_RETRIES)
    voice = boto3.client("chime-sdk-voice", config=NO_RETRIES)
    legacy.get_phone_number(PhoneNumberId=NUMBER)
    voice.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    legacy.batch_update_phone_number(UpdatePhoneNumberRequestItems=[])

    assert [(c.operation, c.namespace, c.status) for c in chime.calls()] == [
        ("GetPhoneNumber", "chime", 200),
        ("UpdatePhoneNumber", "chime-sdk-voice", 200),
        ("BatchUpdatePhoneNumber", "chime", 200),
    ]
    # With an endpoint override the legacy client signs for its own region, not the
    # us-east-1 that the real global endpoint would get.
    assert {c.region for c in chime.calls()} == {"us-west-2"}


def test_aws_env_seals_the_environment(aws_env: dict[str, str]) -> None:
    assert aws_env["AWS_REGION"] == "us-west-2"
    assert aws_env["AWS_ENDPOINT_URL_CHIME"].endswith("/chime")
    assert aws_env["AWS_ENDPOINT_URL_CHIME_SDK_VOICE"].endswith("/chime-sdk-voice")
    credentials = boto3.session.Session().get_credentials()
    assert credentials is not None
    assert credentials.method == "env"
    assert credentials.token is None


# ----- reads and writes ---------------------------------------------------------------

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


def test_legacy_get_has_no_voice_fields(chime: ChimeBackend, legacy: ChimeClient) -> None:
    chime.seed_number(NUMBER, calling_name="Acme", name="front desk")
    number = legacy.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]

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


def test_voice_get_adds_arn_and_name(chime: ChimeBackend, voice: ChimeSDKVoiceClient) -> None:
    chime.seed_number(NUMBER, name="front desk")
    number = voice.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]

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
    chime: ChimeBackend, voice: ChimeSDKVoiceClient, kind: NumberKind, country: str, type_: str
) -> None:
    chime.seed_number(NUMBER, kind=kind)
    number = voice.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]
    assert (number["Country"], number["Type"]) == (country, type_)


def test_one_inventory_behind_both_namespaces(
    chime: ChimeBackend, legacy: ChimeClient, voice: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    updated = legacy.update_phone_number(PhoneNumberId=NUMBER, ProductType="BusinessCalling")
    assert updated["PhoneNumber"]["ProductType"] == "BusinessCalling"
    voice.update_phone_number(PhoneNumberId=NUMBER, Name="desk")

    # Outside the voice model's enum, yet botocore passes it through as a string.
    voice_view = voice.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]
    assert str(voice_view["ProductType"]) == "BusinessCalling"
    assert chime.number(NUMBER)["Name"] == "desk"
    assert "Name" not in legacy.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]


def test_calling_name_set_then_cleared(chime: ChimeBackend, voice: ChimeSDKVoiceClient) -> None:
    chime.seed_number(NUMBER)
    number = voice.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme Corp")
    assert number["PhoneNumber"]["CallingName"] == "Acme Corp"
    assert number["PhoneNumber"]["CallingNameStatus"] == "UpdateSucceeded"

    cleared = voice.update_phone_number(PhoneNumberId=NUMBER, CallingName="")["PhoneNumber"]
    assert "CallingName" not in cleared
    assert cleared["CallingNameStatus"] == "Unassigned"


def test_name_cleared_by_empty_string(chime: ChimeBackend, voice: ChimeSDKVoiceClient) -> None:
    chime.seed_number(NUMBER, name="desk")
    assert "Name" not in voice.update_phone_number(PhoneNumberId=NUMBER, Name="")["PhoneNumber"]


def test_updated_timestamp_moves_on_every_write(
    chime: ChimeBackend, voice: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    created = voice.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]["UpdatedTimestamp"]
    stamps = [
        voice.update_phone_number(PhoneNumberId=NUMBER, Name=f"n{i}")["PhoneNumber"][
            "UpdatedTimestamp"
        ]
        for i in range(3)
    ]
    assert created < stamps[0] < stamps[1] < stamps[2]
    assert voice.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]["CreatedTimestamp"] == (
        created
    )


# ----- rules --------------------------------------------------------------------------

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
    client = legacy_client(chime_server) if namespace == "chime" else voice_client(chime_server)
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
    chime: ChimeBackend, voice: ChimeSDKVoiceClient, kind: NumberKind, body: dict[str, str]
) -> None:
    chime.seed_number(NUMBER, kind=kind)
    number = voice.update_phone_number(PhoneNumberId=NUMBER, **body)["PhoneNumber"]  # type: ignore[arg-type]
    [(detail, value)] = body.items()
    assert number.get(detail, "") == value


def test_unknown_body_field_is_bad_request_on_the_wire(
    chime: ChimeBackend, chime_server: FakeChimeServer
) -> None:
    # botocore refuses Name for the legacy client, so this goes over plain HTTP.
    chime.seed_number(NUMBER)
    status, headers, body = raw_request(
        chime_server, "POST", "/chime/phone-numbers/%2B12065550100", {"Name": "desk"}
    )
    assert status == 400
    assert headers["x-amzn-ErrorType"] == "BadRequestException"
    assert headers["Content-Type"] == "application/json"
    assert re.fullmatch(r"[0-9a-f-]{36}", headers["x-amzn-RequestId"])
    assert body == {"Code": "BadRequestException", "Message": "Unknown field(s) in request: Name"}
    [record] = chime.update_calls()
    assert (record.namespace, record.region) == ("chime", None)


def test_malformed_json_is_bad_request(chime: ChimeBackend, chime_server: FakeChimeServer) -> None:
    status, _, body = raw_request(chime_server, "POST", "/chime/phone-numbers/%2B1", [1, 2])
    assert (status, body["Code"]) == (400, "BadRequestException")


def test_unknown_route_is_not_found(chime: ChimeBackend, chime_server: FakeChimeServer) -> None:
    status, headers, _ = raw_request(chime_server, "GET", "/chime/voice-connectors")
    assert (status, headers["x-amzn-ErrorType"]) == (404, "NotFoundException")
    assert chime.calls()[0].operation == "GET /chime/voice-connectors"


def test_keep_alive_serves_several_requests_on_one_connection(
    chime: ChimeBackend, chime_server: FakeChimeServer
) -> None:
    chime.seed_number(NUMBER)
    conn = http.client.HTTPConnection("127.0.0.1", chime_server.port, timeout=5)
    try:
        for path in ("/chime/phone-numbers/%2B12065550100", "/chime/phone-numbers/%2B1"):
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            assert response.getheader("Connection") != "close"
        assert [c.status for c in chime.calls()] == [200, 404]
    finally:
        conn.close()


@pytest.mark.parametrize("namespace", ["chime", "chime-sdk-voice"])
def test_unknown_number_is_not_found(
    chime: ChimeBackend, chime_server: FakeChimeServer, namespace: str
) -> None:
    client = legacy_client(chime_server) if namespace == "chime" else voice_client(chime_server)
    with pytest.raises(ClientError) as get_exc:
        client.get_phone_number(PhoneNumberId=NUMBER)
    with pytest.raises(ClientError) as update_exc:
        client.update_phone_number(PhoneNumberId=NUMBER, ProductType="VoiceConnector")

    expected = (404, "NotFoundException", f"Phone number {NUMBER} not found")
    assert error_of(get_exc) == expected
    assert error_of(update_exc) == expected


def test_second_calling_name_update_conflicts_while_pending(
    chime: ChimeBackend, voice: ChimeSDKVoiceClient, legacy: ChimeClient
) -> None:
    chime.seed_number(NUMBER)
    chime.set_calling_name_delay(None)
    first = voice.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")["PhoneNumber"]
    assert first["CallingNameStatus"] == "UpdateInProgress"

    for client in (voice, legacy):
        with pytest.raises(ClientError) as exc:
            client.update_phone_number(PhoneNumberId=NUMBER, CallingName="")
        assert error_of(exc) == (
            409,
            "ConflictException",
            "A calling name update is already in progress for this phone number",
        )
    # Only calling names wait for each other.
    voice.update_phone_number(PhoneNumberId=NUMBER, ProductType="SipMediaApplicationDialIn")
    assert chime.number(NUMBER)["CallingName"] == "Acme"


@pytest.mark.parametrize(
    ("forced", "conflict"), [("UpdateInProgress", True), ("UpdateFailed", False)]
)
def test_forced_calling_name_status(
    chime: ChimeBackend, voice: ChimeSDKVoiceClient, forced: str, conflict: bool
) -> None:
    chime.seed_number(NUMBER, calling_name="Acme")
    chime.force_calling_name_status(NUMBER, forced)
    assert voice.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]["CallingNameStatus"] == (
        forced
    )
    if conflict:
        with pytest.raises(ClientError) as exc:
            voice.update_phone_number(PhoneNumberId=NUMBER, CallingName="Other")
        assert error_of(exc)[:2] == (409, "ConflictException")
    else:
        voice.update_phone_number(PhoneNumberId=NUMBER, CallingName="Other")
        assert chime.number(NUMBER)["CallingNameStatus"] == "UpdateSucceeded"


def test_calling_name_settles_after_delay(clock: FakeClock, clocked: FakeChimeServer) -> None:
    backend = clocked.backend
    voice = voice_client(clocked)
    backend.seed_number(NUMBER)
    backend.set_calling_name_delay(100)

    def status() -> str:
        return voice.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]["CallingNameStatus"]

    pending = voice.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")
    assert pending["PhoneNumber"]["CallingNameStatus"] == "UpdateInProgress"
    clock.advance(99.9)
    assert status() == "UpdateInProgress"
    with pytest.raises(ClientError):
        voice.update_phone_number(PhoneNumberId=NUMBER, CallingName="Other")
    clock.advance(0.1)
    assert status() == "UpdateSucceeded"
    voice.update_phone_number(PhoneNumberId=NUMBER, CallingName="Other")
    assert status() == "UpdateInProgress"
    assert [c.at for c in backend.update_calls()] == [1000.0, 1099.9, 1100.0]


def test_zero_delay_succeeds_in_the_update_response(
    chime: ChimeBackend, voice: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    for name in ("Acme", "Other"):
        number = voice.update_phone_number(PhoneNumberId=NUMBER, CallingName=name)["PhoneNumber"]
        assert number["CallingNameStatus"] == "UpdateSucceeded"


# ----- ListPhoneNumbers ----------------------------------------------------------------


def seed_numbers(backend: ChimeBackend, count: int, first: int = 12065550100) -> list[str]:
    numbers = [f"+{first + index}" for index in range(count)]
    for number in numbers:
        backend.seed_number(number)
    return numbers


def listed_ids(reply: Any) -> list[str]:
    return [number["PhoneNumberId"] for number in reply["PhoneNumbers"]]


def test_list_pages_with_next_token_in_id_order(
    chime: ChimeBackend, voice: ChimeSDKVoiceClient
) -> None:
    numbers = seed_numbers(chime, 5)
    chime.seed_number("+12065550099")  # added out of order: listed first all the same

    first = voice.list_phone_numbers(MaxResults=3)
    second = voice.list_phone_numbers(MaxResults=3, NextToken=first["NextToken"])

    assert listed_ids(first) == ["+12065550099", *numbers[:2]]
    assert listed_ids(second) == numbers[2:]
    assert "NextToken" not in second
    assert [c.query for c in chime.calls("ListPhoneNumbers")] == [
        {"max-results": "3"},
        {"max-results": "3", "next-token": first["NextToken"]},
    ]


def test_list_items_are_the_get_view_of_each_namespace(
    chime: ChimeBackend, legacy: ChimeClient, voice: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER, name="front desk", calling_name="Acme")
    [voice_item] = voice.list_phone_numbers()["PhoneNumbers"]
    [legacy_item] = legacy.list_phone_numbers()["PhoneNumbers"]

    assert voice_item == voice.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]
    assert legacy_item == legacy.get_phone_number(PhoneNumberId=NUMBER)["PhoneNumber"]
    assert "Name" not in legacy_item


@pytest.mark.parametrize(("namespace", "page_size"), [("chime-sdk-voice", 100), ("chime", 99)])
def test_list_without_max_results_pages_at_the_models_maximum(
    chime: ChimeBackend, chime_server: FakeChimeServer, namespace: str, page_size: int
) -> None:
    seed_numbers(chime, 101)
    client = legacy_client(chime_server) if namespace == "chime" else voice_client(chime_server)
    first = client.list_phone_numbers()
    assert len(first["PhoneNumbers"]) == page_size
    rest = client.list_phone_numbers(NextToken=first["NextToken"])
    assert len(rest["PhoneNumbers"]) == 101 - page_size
    assert "NextToken" not in rest


def test_list_filters_by_product_type_status_and_association(
    chime: ChimeBackend, legacy: ChimeClient, voice: ChimeSDKVoiceClient
) -> None:
    chime.seed_number("+12065550100", product_type="VoiceConnector", status="Assigned")
    chime.seed_number(
        "+12065550101",
        product_type="SipMediaApplicationDialIn",
        status="Assigned",
        associations={"SipRuleId": "rule-1"},
    )
    chime.seed_number("+12065550102", product_type="BusinessCalling")

    assert listed_ids(voice.list_phone_numbers(ProductType="VoiceConnector")) == ["+12065550100"]
    assert listed_ids(legacy.list_phone_numbers(ProductType="BusinessCalling")) == ["+12065550102"]
    assert listed_ids(voice.list_phone_numbers(Status="Assigned")) == [
        "+12065550100",
        "+12065550101",
    ]
    by_rule = voice.list_phone_numbers(FilterName="SipRuleId", FilterValue="rule-1")
    assert listed_ids(by_rule) == ["+12065550101"]
    assert [(a["Name"], a["Value"]) for a in by_rule["PhoneNumbers"][0]["Associations"]] == [
        ("SipRuleId", "rule-1")
    ]
    assert (
        voice.list_phone_numbers(FilterName="SipRuleId", FilterValue="other")["PhoneNumbers"] == []
    )
    # Unfiltered, the shared inventory shows every number, as GetPhoneNumber would.
    assert len(voice.list_phone_numbers()["PhoneNumbers"]) == 3


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
    client = legacy_client(chime_server) if namespace == "chime" else voice_client(chime_server)
    with pytest.raises(ClientError) as exc:
        client.list_phone_numbers(**arguments)
    assert error_of(exc) == (400, "BadRequestException", message)
    [record] = chime.calls("ListPhoneNumbers")
    assert (record.status, record.error_code) == (400, "BadRequestException")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("max-results=0", "max-results must be from 1 to 100"),
        ("max-results=ten", "max-results must be from 1 to 100"),
        ("owner=me", "Unknown query parameter(s): owner"),
    ],
)
def test_list_rejects_raw_queries_on_the_wire(
    chime: ChimeBackend, chime_server: FakeChimeServer, query: str, message: str
) -> None:
    status, headers, body = raw_request(
        chime_server, "GET", f"/chime-sdk-voice/phone-numbers?{query}"
    )
    assert (status, headers["x-amzn-ErrorType"]) == (400, "BadRequestException")
    assert body == {"Code": "BadRequestException", "Message": message}


def test_list_can_be_throttled_and_faulted_like_any_operation(
    chime: ChimeBackend, voice: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    chime.inject_faults(429, times=1, operation="ListPhoneNumbers")
    with pytest.raises(ClientError) as exc:
        voice.list_phone_numbers()
    assert error_of(exc) == (429, "ThrottledClientException", "Injected fault")
    assert listed_ids(voice.list_phone_numbers()) == [NUMBER]


def test_direct_list_call_is_not_logged() -> None:
    backend = ChimeBackend()
    backend.seed_number(NUMBER)
    assert listed_ids(backend.list_phone_numbers("chime", {"max-results": "1"})) == [NUMBER]
    assert backend.calls() == []


# ----- throttling and faults ----------------------------------------------------------


def test_rate_limit_throttles_with_429(clock: FakeClock, clocked: FakeChimeServer) -> None:
    backend = clocked.backend
    voice, legacy = voice_client(clocked), legacy_client(clocked)
    backend.seed_number(NUMBER)
    backend.set_rate_limit(1, burst=2)

    voice.get_phone_number(PhoneNumberId=NUMBER)
    legacy.update_phone_number(PhoneNumberId=NUMBER, ProductType="BusinessCalling")
    with pytest.raises(ClientError) as exc:
        voice.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    assert error_of(exc) == (429, "ThrottledClientException", "Rate exceeded")
    assert exc.value.response["Error"]["Code"] == "ThrottledClientException"
    clock.advance(1)
    voice.update_phone_number(PhoneNumberId=NUMBER, Name="desk")

    assert [(c.operation, c.status, c.error_code) for c in backend.calls()] == [
        ("GetPhoneNumber", 200, None),
        ("UpdatePhoneNumber", 200, None),
        ("UpdatePhoneNumber", 429, "ThrottledClientException"),
        ("UpdatePhoneNumber", 200, None),
    ]
    backend.set_rate_limit(None)
    for _ in range(5):
        voice.get_phone_number(PhoneNumberId=NUMBER)


@pytest.mark.parametrize(
    ("status", "code"), [(500, "ServiceFailureException"), (503, "ServiceUnavailableException")]
)
def test_injected_faults(
    chime: ChimeBackend, voice: ChimeSDKVoiceClient, status: int, code: str
) -> None:
    chime.seed_number(NUMBER)
    chime.inject_faults(status, times=2, operation="UpdatePhoneNumber")

    voice.get_phone_number(PhoneNumberId=NUMBER)  # another operation: untouched
    for _ in range(2):
        with pytest.raises(ClientError) as exc:
            voice.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
        assert error_of(exc) == (status, code, "Injected fault")
    voice.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    assert [c.status for c in chime.calls()] == [200, status, status, 200]


def test_injected_fault_with_explicit_code(chime: ChimeBackend, legacy: ChimeClient) -> None:
    chime.inject_faults(403, times=1, code="AccessDeniedException")
    with pytest.raises(ClientError) as exc:
        legacy.get_phone_number(PhoneNumberId=NUMBER)
    assert error_of(exc)[:2] == (403, "AccessDeniedException")


def test_dropped_connection_surfaces_as_connection_error(
    chime: ChimeBackend, voice: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    voice.get_phone_number(PhoneNumberId=NUMBER)  # a pooled keep-alive connection
    chime.drop_connections(1, operation="UpdatePhoneNumber")

    with pytest.raises(ConnectionClosedError):
        voice.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    voice.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    assert [(c.operation, c.status) for c in chime.calls()] == [
        ("GetPhoneNumber", 200),
        ("UpdatePhoneNumber", 0),
        ("UpdatePhoneNumber", 200),
    ]


def test_fail_update_hits_only_the_named_detail(
    chime: ChimeBackend, voice: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    chime.fail_update("CallingName", 409, "ConflictException")

    voice.update_phone_number(PhoneNumberId=NUMBER, ProductType="SipMediaApplicationDialIn")
    with pytest.raises(ClientError) as exc:
        voice.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")
    assert error_of(exc) == (409, "ConflictException", "Injected update failure")
    voice.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")
    assert [c.status for c in chime.update_calls()] == [200, 409, 200]


def test_hang_holds_only_the_matching_request_until_released(
    chime: ChimeBackend, chime_server: FakeChimeServer
) -> None:
    chime.seed_number(NUMBER)
    chime.hang(1, operation="UpdatePhoneNumber", detail="CallingName")
    quick = Config(retries={"total_max_attempts": 1}, read_timeout=0.5, connect_timeout=2)
    client = voice_client(chime_server, quick)
    client.update_phone_number(PhoneNumberId=NUMBER, Name="desk")  # another detail: answered
    with pytest.raises(ReadTimeoutError):
        client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")
    chime.release_hung()
    client.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")  # once only
    assert chime.number(NUMBER)["CallingName"] == "Acme"


def test_omit_phone_number_answers_an_applied_update_with_an_empty_reply(
    chime: ChimeBackend, voice: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    chime.omit_phone_number(1, operation="UpdatePhoneNumber", detail="Name")
    assert "PhoneNumber" in voice.update_phone_number(
        PhoneNumberId=NUMBER, ProductType="VoiceConnector"
    )
    assert "PhoneNumber" not in voice.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    assert chime.number(NUMBER)["Name"] == "desk"  # applied all the same
    assert "PhoneNumber" in voice.get_phone_number(PhoneNumberId=NUMBER)


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


# ----- call log, batch, reset ---------------------------------------------------------


def test_call_log_records_sequence_and_signing_region(
    chime: ChimeBackend, legacy: ChimeClient, voice: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    legacy.update_phone_number(PhoneNumberId=NUMBER, ProductType="SipMediaApplicationDialIn")
    voice.get_phone_number(PhoneNumberId=NUMBER)
    voice.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")

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


def test_batch_update_applies_rules_per_item(
    chime: ChimeBackend, voice: ChimeSDKVoiceClient
) -> None:
    chime.seed_number(NUMBER)
    chime.seed_number(TOLL_FREE, kind=NumberKind.US_TOLL_FREE)
    result = voice.batch_update_phone_number(
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


def test_reset_restores_defaults(chime: ChimeBackend, voice: ChimeSDKVoiceClient) -> None:
    chime.seed_number(NUMBER)
    chime.set_rate_limit(0, burst=1)
    chime.inject_faults(500, times=5)
    chime.drop_connections(5)
    chime.fail_update("Name", 400, "BadRequestException", times=5)
    chime.set_calling_name_delay(None)
    with pytest.raises(ConnectionClosedError):
        voice.get_phone_number(PhoneNumberId=NUMBER)

    chime.reset()
    assert chime.calls() == []
    with pytest.raises(KeyError):
        chime.number(NUMBER)
    chime.seed_number(NUMBER)
    for _ in range(3):
        voice.get_phone_number(PhoneNumberId=NUMBER)
    voice.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    pending = voice.update_phone_number(PhoneNumberId=NUMBER, CallingName="Acme")
    assert pending["PhoneNumber"]["CallingNameStatus"] == "UpdateSucceeded"


def test_concurrent_requests_are_all_logged(
    chime: ChimeBackend, chime_server: FakeChimeServer
) -> None:
    chime.seed_number(NUMBER)
    voice = voice_client(chime_server)

    def rename(i: int) -> str:
        return voice.update_phone_number(PhoneNumberId=NUMBER, Name=f"n{i}")["PhoneNumber"]["Name"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        names = list(pool.map(rename, range(40)))
    assert sorted(names) == sorted(f"n{i}" for i in range(40))
    assert len(chime.update_calls()) == 40
    assert {c.status for c in chime.update_calls()} == {200}


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


def test_direct_operation_calls_are_not_logged() -> None:
    backend = ChimeBackend()
    backend.seed_number(NUMBER)
    backend.update_phone_number("chime", NUMBER, {"ProductType": "BusinessCalling"})
    assert backend.get_phone_number("chime", NUMBER)["PhoneNumber"]["ProductType"] == (
        "BusinessCalling"
    )
    assert backend.batch_update_phone_number("chime", []) == {"PhoneNumberErrors": []}
    assert backend.calls() == []


# ----- CloudFormation responder -------------------------------------------------------


def put(url: str, body: dict[str, Any], context: ssl.SSLContext) -> int:
    split = urlsplit(url)
    conn = http.client.HTTPSConnection(split.netloc, context=context, timeout=5)
    try:
        target = f"{split.path}?{split.query}"
        conn.request("PUT", target, body=json.dumps(body), headers={"content-type": ""})
        response = conn.getresponse()
        response.read()
        return int(response.status)
    finally:
        conn.close()


def test_responder_records_put_over_verified_tls(responder: CfnResponder) -> None:
    url = responder.new_response_url()
    assert re.fullmatch(
        r"https://127\.0\.0\.1:\d+/cfn-response/[0-9a-f-]{36}\?X-Amz-Signature=[0-9a-f]{64}", url
    )
    assert url != responder.new_response_url()
    context = ssl.create_default_context(cafile=responder.ca_path)

    assert put(url, {"Status": "SUCCESS", "PhysicalResourceId": "a"}, context) == 200
    assert put(url, {"Status": "FAILED", "Reason": "b"}, context) == 200
    assert responder.wait_for(url, count=2) == [
        {"Status": "SUCCESS", "PhysicalResourceId": "a"},
        {"Status": "FAILED", "Reason": "b"},
    ]
    assert responder.responses(responder.new_response_url()) == []


def test_responder_is_untrusted_without_its_ca(responder: CfnResponder) -> None:
    url = responder.new_response_url()
    with pytest.raises(ssl.SSLCertVerificationError):
        put(url, {}, ssl.create_default_context(cafile=None, capath=None, cadata=None))
    assert responder.responses(url) == []


def test_responder_answers_statuses_it_is_told_and_records_every_attempt(
    responder: CfnResponder,
) -> None:
    url = responder.new_response_url()
    context = ssl.create_default_context(cafile=responder.ca_path)
    responder.answer_next([503, 403])
    assert put(url, {"Status": "SUCCESS"}, context) == 503
    assert put(url, {"Status": "FAILED"}, context) == 403
    assert put(url, {"Status": "SUCCESS"}, context) == 200
    assert responder.responses(url) == [{"Status": "SUCCESS"}]  # only what was accepted
    assert responder.attempts(url) == [
        (503, {"Status": "SUCCESS"}),
        (403, {"Status": "FAILED"}),
        (200, {"Status": "SUCCESS"}),
    ]


def test_responder_failures_drop_the_connection(responder: CfnResponder) -> None:
    url = responder.new_response_url()
    context = ssl.create_default_context(cafile=responder.ca_path)
    responder.set_failures(1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        put(url, {"Status": "SUCCESS"}, context)
    assert put(url, {"Status": "SUCCESS"}, context) == 200
    assert responder.wait_for(url) == [{"Status": "SUCCESS"}]
    assert responder.dropped == 1


def test_crhelper_send_response_reaches_responder(
    aws_env: dict[str, str], responder: CfnResponder
) -> None:
    # The real sender, trusting our CA only through SSL_CERT_FILE from aws_env. It is
    # missing from crhelper's stubs, hence the lookup by name.
    send_response = importlib.import_module("crhelper.utils")._send_response

    url = responder.new_response_url()
    send_response(url, {"Status": "SUCCESS", "PhysicalResourceId": "pid", "Data": {}})
    assert responder.wait_for(url, timeout=5) == [
        {"Status": "SUCCESS", "PhysicalResourceId": "pid", "Data": {}}
    ]


def test_wait_for_times_out(responder: CfnResponder) -> None:
    with pytest.raises(TimeoutError, match="0 of 1 responses"):
        responder.wait_for(responder.new_response_url(), timeout=0.05)
