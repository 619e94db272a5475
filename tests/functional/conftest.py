"""The real handler, a new Lambda execution environment per test, driven like CloudFormation."""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from phone_number_settings_chime.deadline import Clock
from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.clock import SteppedClock
from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_lambda.handler import LambdaHandler, build_handler
from tests.stack_story import StackStory

STACK_ID = "arn:aws:cloudformation:us-west-2:123456789012:stack/telephony/6a1b2c3d-aaaa-bbbb-cccc-1234567890ab"
SERVICE_TOKEN = "arn:aws:lambda:us-west-2:123456789012:function:PhoneNumberSettings"
NUMBER = "+12065550100"
# Every detail declared, the values a number "already matching" holds.
DETAILS = {
    "ProductType": "SipMediaApplicationDialIn",
    "Name": "front desk",
    "CallingName": "Acme Support",
}


def seed_matching(chime: ChimeBackend, number: str = NUMBER) -> None:
    """A number that already holds every value of DETAILS."""
    chime.seed_number(
        number,
        product_type=DETAILS["ProductType"],
        name=DETAILS["Name"],
        calling_name=DETAILS["CallingName"],
    )


@dataclass
class LambdaContext:
    """The parts of Lambda's context object crhelper and the handler read."""

    timeout_seconds: float = 300.0
    clock: Clock = time.monotonic
    started: float = field(init=False)
    function_name: str = "PhoneNumberSettings"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    invoked_function_arn: str = SERVICE_TOKEN
    memory_limit_in_mb: int = 256

    def __post_init__(self) -> None:
        self.started = self.clock()

    def get_remaining_time_in_millis(self) -> int:
        return int((self.started + self.timeout_seconds - self.clock()) * 1000)


def cfn_event(
    request_type: str,
    properties: Any,
    *,
    response_url: str,
    physical_id: str | None = None,
    old_properties: dict[str, Any] | None = None,
    logical_id: str = "SupportLine",
) -> dict[str, Any]:
    resource_properties = (
        {"ServiceToken": SERVICE_TOKEN, **properties}
        if isinstance(properties, dict)
        else properties
    )
    event: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": SERVICE_TOKEN,
        "ResponseURL": response_url,
        "StackId": STACK_ID,
        "RequestId": str(uuid.uuid4()),
        "LogicalResourceId": logical_id,
        "ResourceType": "Custom::PhoneNumberSettings",
        "ResourceProperties": resource_properties,
    }
    if physical_id is not None:
        event["PhysicalResourceId"] = physical_id
    if old_properties is not None:
        event["OldResourceProperties"] = {"ServiceToken": SERVICE_TOKEN, **old_properties}
    return event


@dataclass
class Invoker:
    """Sends one event to the handler and returns the one response CloudFormation got.

    With a ``SteppedClock`` the handler's backoff sleeps and time budget are virtual: a
    test of the time budget takes no real time. Without one, time is real.
    """

    responder: CfnResponder
    clock: SteppedClock | None = None
    # The stack the events come from: in progress, holding no other resource.
    story: StackStory = field(default_factory=StackStory)
    handler: LambdaHandler = field(init=False)

    def __post_init__(self) -> None:
        self.cold_start()

    def cold_start(self, clock: SteppedClock | None = None) -> None:
        """A new execution environment, built from the current environment variables."""
        if clock is not None:
            self.clock = clock
        timing = self.clock.timing() if self.clock else None
        self.handler = build_handler(dict(os.environ), timing=timing, story=self.story)

    def context(self, timeout_seconds: float = 300.0) -> LambdaContext:
        return LambdaContext(timeout_seconds=timeout_seconds, clock=self.clock or time.monotonic)

    def event(self, request_type: str, properties: Any, **kwargs: Any) -> dict[str, Any]:
        return cfn_event(
            request_type, properties, response_url=self.responder.new_response_url(), **kwargs
        )

    def send(self, event: dict[str, Any], timeout_seconds: float = 300.0) -> dict[str, Any]:
        self.handler(event, self.context(timeout_seconds))
        responses = self.responder.responses(event["ResponseURL"])
        assert len(responses) == 1, responses
        response = responses[0]
        assert response["RequestId"] == event["RequestId"]
        assert response["LogicalResourceId"] == event["LogicalResourceId"]
        assert response["StackId"] == event["StackId"]
        return response

    def __call__(
        self, request_type: str, properties: Any, timeout_seconds: float = 300.0, **kwargs: Any
    ) -> dict[str, Any]:
        return self.send(self.event(request_type, properties, **kwargs), timeout_seconds)


@pytest.fixture
def invoke(aws_env: dict[str, str], responder: CfnResponder) -> Invoker:
    return Invoker(responder)
