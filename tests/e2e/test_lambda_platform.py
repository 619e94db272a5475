"""The synthesised asset under the real Lambda runtime client, where the platform meets it.

Lambda's log-level controls, a Chime call that never answers, a reply without
PhoneNumber, and a ResponseURL that refuses the first PUT: each event runs in an
execution environment of ``awslambdaric`` with the environment the template gives it.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.cloudformation import CfnResponder, assembly
from phone_number_settings_fakes.cloudformation.driver import CloudFormationDriver
from phone_number_settings_fakes.lambda_service import runner

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

NUMBER = "+12065550100"
CALLING_NAME = "Zqx Hidden"
NAME = "Quiet-desk.9"


@dataclasses.dataclass
class Platform:
    """One execution environment of the provider function, and events to send it."""

    lambda_env: runner.LambdaEnvironment
    driver: CloudFormationDriver
    responder: CfnResponder
    function: assembly.FunctionSpec
    spec: assembly.CustomResourceSpec
    environments: list[runner.ExecutionEnvironment] = dataclasses.field(default_factory=list)

    def start(self, **changes: Any) -> runner.ExecutionEnvironment:
        """A new environment, the function's template values replaced by ``changes``."""
        environment = self.lambda_env.start(dataclasses.replace(self.function, **changes))
        self.environments.append(environment.wait_ready())
        return environment

    def event(self, request_type: str, **properties: str) -> dict[str, Any]:
        values = {"PhoneNumberId": NUMBER, **properties}
        physical_id = NUMBER if request_type != "Create" else None
        old = values if request_type == "Update" else None
        return self.driver.event(
            request_type, self.spec, values, physical_id=physical_id, old_properties=old
        )

    def send(
        self, environment: runner.ExecutionEnvironment, event: dict[str, Any]
    ) -> runner.Invocation:
        invocation = environment.invoke(event)
        assert invocation.ok, invocation
        return invocation

    def only_response(self, event: dict[str, Any]) -> dict[str, Any]:
        (response,) = self.responder.wait_for(event["ResponseURL"], timeout=10)
        time.sleep(0.2)  # a second response would arrive right behind the first
        assert len(self.responder.attempts(event["ResponseURL"])) == 1
        return response


@pytest.fixture
def platform(
    lambda_env: runner.LambdaEnvironment,
    cloudformation: CloudFormationDriver,
    responder: CfnResponder,
    chime: ChimeBackend,
    example_template: assembly.StackTemplate,
) -> Iterator[Platform]:
    (spec, *_) = example_template.custom_resources()
    chime.seed_number(NUMBER, product_type="VoiceConnector")
    cloudformation.put_stack("UPDATE_IN_PROGRESS")  # the events below are the story in progress
    made = Platform(
        lambda_env,
        cloudformation,
        responder,
        example_template.function(spec.function_logical_id),
        spec,
    )
    yield made
    for environment in made.environments:
        environment.close()


def log_records(environment: runner.ExecutionEnvironment) -> list[dict[str, Any]]:
    """Every line the function wrote; each must be a JSON object (LogFormat JSON)."""
    lines = [line for line in environment.log.split("\n") if line.strip()]
    records = [json.loads(line) for line in lines]
    assert all(isinstance(record, dict) for record in records)
    return records


def test_lambda_application_log_level_warn_silences_info_and_debug(platform: Platform) -> None:
    # GIVEN LoggingConfig ApplicationLogLevel WARN (Lambda passes AWS_LAMBDA_LOG_LEVEL)
    environment = platform.start(application_log_level="WARN")
    # WHEN a create, an update and a delete run
    for request_type in ("Create", "Update", "Delete"):
        event = platform.event(request_type, CallingName=CALLING_NAME, ProductType="VoiceConnector")
        platform.send(environment, event)
        assert platform.only_response(event)["Status"] == "SUCCESS"
    # THEN no INFO or DEBUG line was written, by us or by crhelper
    levels = {record.get("level") for record in log_records(environment)}
    assert levels <= {"WARNING", "ERROR", "CRITICAL"}, levels


def test_lambda_application_log_level_debug_logs_the_plan_and_no_secret(
    platform: Platform, chime: ChimeBackend
) -> None:
    environment = platform.start(application_log_level="DEBUG")
    chime.inject_faults(429, times=1, operation="UpdatePhoneNumber")
    events = [
        platform.event("Create", Name=NAME, CallingName=CALLING_NAME, ProductType="VoiceConnector"),
        platform.event("Create", CallingName="!"),  # invalid: FAILED, no call
        platform.event("Delete", Name=NAME, CallingName=CALLING_NAME),
    ]
    statuses = []
    for event in events:
        platform.send(environment, event)
        statuses.append(platform.only_response(event)["Status"])
    assert statuses == ["SUCCESS", "FAILED", "SUCCESS"]

    records = log_records(environment)
    messages = [str(record.get("message")) for record in records]
    assert any(r.get("level") == "DEBUG" for r in records)
    assert any(
        "planned Name (value not logged), CallingName (value not logged)" in m for m in messages
    )
    assert any("attempt 1 throttled; next in" in m for m in messages)
    text = environment.log
    for event in events:
        assert event["ResponseURL"] not in text
        assert event["ResponseURL"].split("?")[1] not in text
    assert CALLING_NAME not in text
    assert NAME not in text


def test_a_hung_chime_call_is_answered_by_us_before_the_lambda_timeout(
    platform: Platform, chime: ChimeBackend
) -> None:
    # GIVEN a 12 s function, and a CallingName update Chime never answers
    environment = platform.start(timeout_seconds=12)
    chime.hang(1, operation="UpdatePhoneNumber", detail="CallingName")
    event = platform.event(
        "Create", ProductType="SipMediaApplicationDialIn", CallingName=CALLING_NAME
    )
    # WHEN the event is handled
    started = time.monotonic()
    invocation = platform.send(environment, event)
    # THEN exactly one response, ours, before the deadline, with ProductType put back
    response = platform.only_response(event)
    assert not invocation.timed_out
    assert time.monotonic() - started < 12
    assert invocation.duration_ms > 5_000  # the hung attempt waited for the time it had
    assert response["Status"] == "FAILED"
    assert response["PhysicalResourceId"]
    assert response["Reason"].startswith(
        f"CallingName failed, reverted ProductType: UpdatePhoneNumber CallingName on {NUMBER}: "
        "cannot reach Chime at "
    )
    assert "no answer within" in response["Reason"]
    assert CALLING_NAME not in response["Reason"]
    assert chime.number(NUMBER)["ProductType"] == "VoiceConnector"


def test_a_reply_without_phone_number_fails_the_detail_and_reverts(
    platform: Platform, chime: ChimeBackend
) -> None:
    # GIVEN a Name update that Chime applies but answers without PhoneNumber
    environment = platform.start()
    chime.seed_number(NUMBER, product_type="VoiceConnector", name="before")
    chime.omit_phone_number(1, operation="UpdatePhoneNumber", detail="Name")
    event = platform.event("Create", ProductType="SipMediaApplicationDialIn", Name=NAME)
    # WHEN the event runs
    platform.send(environment, event)
    # THEN it fails with a clear Reason, and both details are put back
    response = platform.only_response(event)
    assert response["Status"] == "FAILED"
    assert response["Reason"] == (
        f"Name failed, reverted ProductType, Name: UpdatePhoneNumber Name on {NUMBER}: "
        "Chime's reply holds no PhoneNumber"
    )
    assert chime.number(NUMBER)["ProductType"] == "VoiceConnector"
    assert chime.number(NUMBER)["Name"] == "before"


@pytest.mark.parametrize("first_answer", [503, None], ids=["HTTP 503", "connection dropped"])
def test_a_response_the_url_refuses_for_a_while_is_sent_again(
    platform: Platform, first_answer: int | None
) -> None:
    environment = platform.start()
    platform.responder.answer_next([first_answer])
    event = platform.event("Create", ProductType="SipMediaApplicationDialIn")
    platform.send(environment, event)
    attempts = platform.responder.attempts(event["ResponseURL"])
    assert [status for status, _ in attempts] == [first_answer, 200]
    assert attempts[0][1] == attempts[1][1]  # the same body
    assert attempts[1][1]["Status"] == "SUCCESS"


def test_a_response_the_url_rejects_is_not_sent_again_and_the_log_says_why(
    platform: Platform,
) -> None:
    environment = platform.start()
    platform.responder.answer_next([403])
    event = platform.event("Create", ProductType="SipMediaApplicationDialIn")
    platform.send(environment, event)
    assert [status for status, _ in platform.responder.attempts(event["ResponseURL"])] == [403]
    refusals = [
        record["message"]
        for record in log_records(environment)
        if "refused with HTTP 403" in str(record.get("message"))
    ]
    assert refusals == [
        "SUCCESS response refused with HTTP 403: the ResponseURL has expired or is wrong; "
        "not sent again"
    ]
    assert event["ResponseURL"].split("?")[1] not in environment.log
