"""Throttling, server errors, dropped connections and the time budget, end to end."""

from __future__ import annotations

import threading

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.clock import SteppedClock
from tests.functional.conftest import Invoker

NUMBER = "+12065550100"
SETTINGS = {
    "PhoneNumberId": NUMBER,
    "ProductType": "SipMediaApplicationDialIn",
    "CallingName": "Acme Support",
}


def statuses(chime: ChimeBackend) -> list[int]:
    return [c.status for c in chime.calls()]


@pytest.mark.parametrize("retry_mode", ["standard", "adaptive", "legacy"])
def test_throttling_is_survived_whatever_the_retry_mode(
    chime: ChimeBackend, invoke: Invoker, monkeypatch: pytest.MonkeyPatch, retry_mode: str
) -> None:
    # GIVEN botocore told to use a retry mode that does not retry Chime's 429
    monkeypatch.setenv("AWS_RETRY_MODE", retry_mode)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    invoke.cold_start(SteppedClock())
    chime.seed_number(NUMBER)
    chime.inject_faults(429, times=6, code="ThrottledClientException")
    # WHEN the resource is created
    response = invoke("Create", SETTINGS)
    # THEN the throttled answers were retried until every call went through
    assert response["Status"] == "SUCCESS", response["Reason"]
    assert statuses(chime).count(429) == 6
    assert [c.body for c in chime.update_calls() if c.status == 200] == [
        {"ProductType": "SipMediaApplicationDialIn"},
        {"CallingName": "Acme Support"},
    ]


def test_rate_limited_service_is_survived(chime: ChimeBackend, invoke: Invoker) -> None:
    chime.seed_number(NUMBER)
    chime.set_rate_limit(2, burst=1)
    response = invoke("Create", SETTINGS)
    assert response["Status"] == "SUCCESS", response["Reason"]
    assert chime.number(NUMBER)["CallingName"] == "Acme Support"


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_bursts_are_retried(chime: ChimeBackend, invoke: Invoker, status: int) -> None:
    invoke.cold_start(SteppedClock())
    chime.seed_number(NUMBER)
    chime.inject_faults(status, times=4, operation="UpdatePhoneNumber")
    response = invoke("Create", SETTINGS)
    assert response["Status"] == "SUCCESS", response["Reason"]
    assert statuses(chime).count(status) == 4


def test_dropped_connections_are_retried(chime: ChimeBackend, invoke: Invoker) -> None:
    invoke.cold_start(SteppedClock())
    chime.seed_number(NUMBER)
    chime.drop_connections(3)
    response = invoke("Create", SETTINGS)
    assert response["Status"] == "SUCCESS", response["Reason"]
    assert statuses(chime).count(0) == 3


def test_other_errors_fail_at_once_with_a_short_reason(
    chime: ChimeBackend, invoke: Invoker
) -> None:
    chime.seed_number(NUMBER)
    chime.inject_faults(403, times=1, operation="UpdatePhoneNumber", code="ForbiddenException")
    response = invoke("Create", SETTINGS)
    assert response["Status"] == "FAILED"
    assert response["Reason"].startswith(
        f"UpdatePhoneNumber ProductType on {NUMBER} failed: ForbiddenException (HTTP 403)"
    )
    assert len(chime.update_calls()) == 1


def test_budget_exhaustion_is_answered_before_the_lambda_times_out(
    chime: ChimeBackend, invoke: Invoker
) -> None:
    # GIVEN a service that throttles everything, and a Lambda with 8 (virtual) seconds left
    invoke.cold_start(SteppedClock())
    chime.seed_number(NUMBER)
    chime.inject_faults(429, times=100_000, code="ThrottledClientException")
    event = invoke.event("Create", SETTINGS)
    context = invoke.context(timeout_seconds=8)
    # WHEN the event is handled
    invoke.handler(event, context)
    answered_with_ms_left = context.get_remaining_time_in_millis()
    # THEN our own FAILED response went out before crhelper's "Execution timed out" timer
    responses = invoke.responder.responses(event["ResponseURL"])
    assert len(responses) == 1
    assert responses[0]["Status"] == "FAILED"
    reason = responses[0]["Reason"]
    assert reason.startswith(f"GetPhoneNumber on {NUMBER}: Chime throttled; gave up after ")
    assert "attempts to answer before the Lambda timeout" in reason
    attempts = int(reason.split("gave up after ")[1].split()[0])
    assert attempts == statuses(chime).count(429) >= 3
    assert answered_with_ms_left > 1000
    # and crhelper's timer, which would send "Execution timed out", was cancelled
    for timer in [t for t in threading.enumerate() if isinstance(t, threading.Timer)]:
        timer.join(timeout=1)
        assert not timer.is_alive()


def test_budget_exhaustion_mid_event_reverts_what_it_changed(
    chime: ChimeBackend, invoke: Invoker
) -> None:
    invoke.cold_start(SteppedClock())
    chime.seed_number(NUMBER)
    chime.fail_update("CallingName", 503, "ServiceUnavailableException", times=100_000)
    response = invoke("Create", SETTINGS, timeout_seconds=10)
    assert response["Status"] == "FAILED"
    assert response["Reason"].startswith(
        "CallingName failed, reverted ProductType: UpdatePhoneNumber CallingName on "
        f"{NUMBER}: Chime unavailable; gave up after "
    )
    assert chime.number(NUMBER)["ProductType"] == "VoiceConnector"


def test_a_response_refused_with_503_is_sent_again(chime: ChimeBackend, invoke: Invoker) -> None:
    invoke.cold_start(SteppedClock())
    chime.seed_number(NUMBER)
    invoke.responder.answer_next([503, None])  # S3's SlowDown, then a dropped connection
    event = invoke.event("Create", SETTINGS)
    invoke.handler(event, invoke.context())
    attempts = invoke.responder.attempts(event["ResponseURL"])
    assert [status for status, _ in attempts] == [503, None, 200]
    assert attempts[0][1] == attempts[2][1]
    assert attempts[2][1]["Status"] == "SUCCESS"


def test_a_response_refused_with_403_is_not_sent_again_and_is_logged(
    chime: ChimeBackend, invoke: Invoker, caplog: pytest.LogCaptureFixture
) -> None:
    chime.seed_number(NUMBER)
    invoke.responder.answer_next([403])
    event = invoke.event("Create", SETTINGS)
    invoke.handler(event, invoke.context())
    assert [status for status, _ in invoke.responder.attempts(event["ResponseURL"])] == [403]
    assert "SUCCESS response refused with HTTP 403" in caplog.text
    assert event["ResponseURL"].split("?")[1] not in caplog.text


def test_a_response_that_cannot_be_delivered_in_time_is_logged(
    chime: ChimeBackend, invoke: Invoker, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a ResponseURL that keeps answering 503, and little time left
    invoke.cold_start(SteppedClock())
    chime.seed_number(NUMBER)
    invoke.responder.answer_next([503] * 1000)
    event = invoke.event("Create", SETTINGS)
    invoke.handler(event, invoke.context(timeout_seconds=15))
    attempts = invoke.responder.attempts(event["ResponseURL"])
    assert len(attempts) > 1
    assert {status for status, _ in attempts} == {503}
    assert "response not delivered: HTTP 503 after" in caplog.text


def test_a_reply_without_phone_number_fails_the_detail_and_reverts_what_landed(
    chime: ChimeBackend, invoke: Invoker
) -> None:
    chime.seed_number(NUMBER, product_type="VoiceConnector", calling_name="Old Name")
    # Applied at once, so the revert of the calling name is not refused as pending.
    chime.set_calling_name_delay(0)
    chime.omit_phone_number(1, operation="UpdatePhoneNumber", detail="CallingName")
    response = invoke("Create", SETTINGS)
    assert response["Status"] == "FAILED"
    assert response["Reason"] == (
        "CallingName failed, reverted ProductType, CallingName: UpdatePhoneNumber CallingName "
        f"on {NUMBER}: Chime's reply holds no PhoneNumber"
    )
    assert chime.number(NUMBER)["ProductType"] == "VoiceConnector"
    assert chime.number(NUMBER)["CallingName"] == "Old Name"
