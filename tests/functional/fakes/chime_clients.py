"""Real boto3 clients of the fake Chime, and the readings the fake's tests share."""

from __future__ import annotations

import http.client
import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from mypy_boto3_chime import ChimeClient
from mypy_boto3_chime_sdk_voice import ChimeSDKVoiceClient

from phone_number_settings_fakes.chime import CHIME, CHIME_SDK_VOICE, FakeChimeServer

NUMBER = "+12065550100"
TOLL_FREE = "+18005550100"
NO_RETRIES = Config(retries={"total_max_attempts": 1})


def pointed_at(server: FakeChimeServer, namespace: str, region: str) -> dict[str, Any]:
    """boto3.client arguments for ``namespace`` of the fake, with test credentials."""
    return {
        "endpoint_url": server.endpoint_url(namespace),
        "region_name": region,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }


def chime_client_of(server: FakeChimeServer) -> ChimeClient:
    return boto3.client("chime", config=NO_RETRIES, **pointed_at(server, CHIME, "us-east-1"))


def voice_client_of(server: FakeChimeServer, config: Config = NO_RETRIES) -> ChimeSDKVoiceClient:
    return boto3.client(
        "chime-sdk-voice", config=config, **pointed_at(server, CHIME_SDK_VOICE, "us-west-2")
    )


def client_of(server: FakeChimeServer, namespace: str) -> ChimeClient | ChimeSDKVoiceClient:
    """A client of ``namespace`` (``chime`` or ``chime-sdk-voice``)."""
    return chime_client_of(server) if namespace == CHIME else voice_client_of(server)


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
