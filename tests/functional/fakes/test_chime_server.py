"""The fake Chime's wire layer: routes, path prefixes, signing regions, error format."""

from __future__ import annotations

import http.client
import re
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer
from tests.functional.fakes.chime_clients import NO_RETRIES, NUMBER, raw_request, voice_client_of


def test_botocore_keeps_endpoint_path_prefix_from_env(
    aws_env: dict[str, str], chime: ChimeBackend
) -> None:
    # The fake tells the namespaces apart by path prefix only; this proves botocore keeps
    # the prefix of AWS_ENDPOINT_URL_* on every operation's URL.
    chime.seed_number(NUMBER)
    chime_client = boto3.client("chime", config=NO_RETRIES)
    voice_client = boto3.client("chime-sdk-voice", config=NO_RETRIES)
    chime_client.get_phone_number(PhoneNumberId=NUMBER)
    voice_client.update_phone_number(PhoneNumberId=NUMBER, Name="desk")
    chime_client.batch_update_phone_number(UpdatePhoneNumberRequestItems=[])

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


def test_concurrent_requests_are_all_logged(
    chime: ChimeBackend, chime_server: FakeChimeServer
) -> None:
    chime.seed_number(NUMBER)
    voice_client = voice_client_of(chime_server)

    def rename(i: int) -> str:
        return voice_client.update_phone_number(PhoneNumberId=NUMBER, Name=f"n{i}")["PhoneNumber"][
            "Name"
        ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        names = list(pool.map(rename, range(40)))
    assert sorted(names) == sorted(f"n{i}" for i in range(40))
    assert len(chime.update_calls()) == 40
    assert {c.status for c in chime.update_calls()} == {200}
