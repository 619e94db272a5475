"""The fake CloudFormation ResponseURL server, reached over verified TLS."""

from __future__ import annotations

import http.client
import importlib
import json
import re
import ssl
from typing import Any
from urllib.parse import urlsplit

import pytest

from phone_number_settings_fakes.cloudformation import CfnResponder


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
