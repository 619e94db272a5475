"""What reaches the function's log: never the ResponseURL or a sensitive value, at any level."""

from __future__ import annotations

import logging

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from tests.functional.conftest import Invoker

NUMBER = "+12065550100"
CALLING_NAME = "Zqx Secretname"
OLD_CALLING_NAME = "Old Qwv Name"
NAME = "Private-desk.7"


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    handler = caplog.handler
    return "\n".join(handler.format(record) for record in caplog.records)


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_log_never_holds_response_url_or_sensitive_values(
    chime: ChimeBackend,
    invoke: Invoker,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    level: str,
) -> None:
    # GIVEN a container whose LOG_LEVEL is DEBUG (crhelper then logs events and bodies)
    monkeypatch.setenv("LOG_LEVEL", level)
    invoke.cold_start()
    caplog.set_level(logging.DEBUG)
    chime.seed_number(NUMBER, calling_name=OLD_CALLING_NAME)
    properties = {"PhoneNumberId": NUMBER, "Name": NAME, "CallingName": CALLING_NAME}
    # WHEN a create succeeds, an update fails and reverts, a delete clears, a bad value fails
    events = [
        invoke.event("Create", properties),
        invoke.event(
            "Update",
            {**properties, "Name": "other", "CallingName": "Another One"},
            physical_id=NUMBER,
            old_properties=properties,
        ),
        invoke.event("Delete", properties, physical_id=NUMBER),
        invoke.event("Create", {"PhoneNumberId": NUMBER, "CallingName": CALLING_NAME + "!"}),
    ]
    statuses = []
    for event in events:
        if event["RequestType"] == "Update":
            chime.fail_update("CallingName", 400, "BadRequestException", times=1)
        statuses.append(invoke.send(event)["Status"])
    assert statuses == ["SUCCESS", "FAILED", "SUCCESS", "FAILED"]
    # THEN none of the secrets is in any log line
    text = everything_logged(caplog)
    assert text, "nothing was logged"
    if level == "DEBUG":
        assert "[redacted]" in text  # crhelper's debug lines were there, and were rewritten
    for event in events:
        url = event["ResponseURL"]
        assert url not in text
        assert url.split("?")[1] not in text
    for secret in (CALLING_NAME, OLD_CALLING_NAME, NAME, "Another One"):
        assert secret not in text


def test_one_log_line_per_chime_call(
    chime: ChimeBackend, invoke: Invoker, caplog: pytest.LogCaptureFixture
) -> None:
    chime.seed_number(NUMBER)
    chime.inject_faults(
        429, times=2, operation="UpdatePhoneNumber", code="ThrottledClientException"
    )
    caplog.set_level(logging.INFO)
    invoke(
        "Create",
        {"PhoneNumberId": NUMBER, "ProductType": "SipMediaApplicationDialIn", "Name": NAME},
    )
    lines = [r for r in caplog.records if r.name == "phone_number_settings_chime.gateway"]
    assert [r.getMessage() for r in lines] == [
        f"GetPhoneNumber {NUMBER} (chime-sdk-voice us-west-2): ok, attempts=1",
        f"UpdatePhoneNumber ProductType {NUMBER} (chime-sdk-voice us-west-2): ok, attempts=3",
        f"UpdatePhoneNumber Name {NUMBER} (chime-sdk-voice us-west-2): ok, attempts=1",
    ]
    assert [(r.operation, r.detail, r.outcome, r.attempts) for r in lines] == [  # type: ignore[attr-defined]
        ("GetPhoneNumber", None, "ok", 1),
        ("UpdatePhoneNumber", "ProductType", "ok", 3),
        ("UpdatePhoneNumber", "Name", "ok", 1),
    ]
