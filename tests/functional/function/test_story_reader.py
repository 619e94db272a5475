"""The boto3 StoryReader against the CloudFormation API stand-in, over real HTTPS.

The stand-in speaks CloudFormation's query protocol with replies shaped by botocore's own
model, so boto3 parses them as it would CloudFormation's.
"""

from __future__ import annotations

import os
import socket

import pytest

from phone_number_settings_core.errors import StoryUnavailableError
from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer
from phone_number_settings_fakes.cloudformation.stacks import stack_arn
from phone_number_settings_lambda.handler import build_handler
from phone_number_settings_lambda.story import (
    UNKNOWN,
    CloudFormationStoryReader,
    StackResource,
    Story,
    read_story,
)
from tests.functional.conftest import Invoker

NUMBER = "+12065550100"
CUSTOM = "Custom::PhoneNumberSettings"
# Not the test's default Region: the reader must follow the StackId's.
REGION = "eu-west-1"
STACK_ID = stack_arn(REGION, "telephony")


def row(
    logical_id: str, physical_id: str | None = NUMBER, status: str = "UPDATE_COMPLETE"
) -> StackResource:
    return StackResource(logical_id, physical_id, CUSTOM, status)


@pytest.fixture
def api(cloudformation_env: FakeCloudFormationServer) -> FakeCloudFormationServer:
    """The stand-in holding one stack in REGION, rolling back."""
    cloudformation_env.backend.add_stack(STACK_ID, "telephony", "UPDATE_IN_PROGRESS")
    cloudformation_env.backend.set_stack_status(STACK_ID, "UPDATE_ROLLBACK_IN_PROGRESS")
    return cloudformation_env


def holding(api: FakeCloudFormationServer, *rows: StackResource) -> None:
    for resource in rows:
        api.backend.set_resource(
            STACK_ID,
            resource.logical_id,
            resource.status,
            resource_type=resource.resource_type,
            physical_id=resource.physical_id,
        )


def actions(api: FakeCloudFormationServer) -> list[str]:
    return [call.action for call in api.controls.calls()]


def test_status_is_read_in_the_stacks_region(api: FakeCloudFormationServer) -> None:
    story = read_story(CloudFormationStoryReader(), STACK_ID, with_resources=False, seconds=5)
    assert story == Story("UPDATE_ROLLBACK_IN_PROGRESS")
    (call,) = api.controls.calls()
    assert (call.action, call.params["StackName"], call.region) == (
        "DescribeStacks",
        STACK_ID,
        REGION,
    )


def test_resources_are_read_page_by_page(api: FakeCloudFormationServer) -> None:
    rows = (row("OldLine", status="DELETE_IN_PROGRESS"), row("Topic", None), row("NewLine"))
    holding(api, *rows)
    api.backend.page_size = 2
    assert set(CloudFormationStoryReader().stack_resources(STACK_ID)) == set(rows)
    assert actions(api) == ["ListStackResources", "ListStackResources"]


def test_listing_refused_falls_back_to_describing_the_resources(
    api: FakeCloudFormationServer,
) -> None:
    rows = (row("Old", status="DELETE_IN_PROGRESS"), row("New", status="CREATE_COMPLETE"))
    holding(api, *rows)
    api.controls.refuse("ListStackResources")
    assert set(CloudFormationStoryReader().stack_resources(STACK_ID)) == set(rows)
    assert actions(api) == ["ListStackResources", "DescribeStackResources"]


def test_both_refused_is_an_error_naming_both(api: FakeCloudFormationServer) -> None:
    api.controls.refuse()
    with pytest.raises(StoryUnavailableError) as raised:
        CloudFormationStoryReader().stack_resources(STACK_ID)
    assert str(raised.value) == (
        "ListStackResources answered AccessDenied; DescribeStackResources answered AccessDenied"
    )


def test_a_stack_cloudformation_does_not_know_is_an_unknown_story(
    cloudformation_env: FakeCloudFormationServer,
) -> None:
    assert (
        read_story(CloudFormationStoryReader(), STACK_ID, with_resources=True, seconds=5) == UNKNOWN
    )


def update_as_before(
    chime: ChimeBackend, invoke: Invoker, caplog: pytest.LogCaptureFixture
) -> list[str]:
    """An Update through a cold handler's real reader; the warnings it logged."""
    chime.seed_number(NUMBER, calling_name="Old Support")
    invoke.handler = build_handler(dict(os.environ), story=CloudFormationStoryReader())
    event = invoke.event(
        "Update",
        {"PhoneNumberId": NUMBER, "CallingName": "New Support"},
        physical_id=NUMBER,
        old_properties={"PhoneNumberId": NUMBER, "CallingName": "Old Support"},
    )
    event["StackId"] = STACK_ID
    response = invoke.send(event)
    assert response["Status"] == "SUCCESS", response["Reason"]
    assert [c.body for c in chime.update_calls()] == [{"CallingName": "New Support"}]
    return [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]


def test_access_denied_behaves_as_before_with_a_warning(
    api: FakeCloudFormationServer,
    chime: ChimeBackend,
    invoke: Invoker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    api.controls.refuse()
    assert update_as_before(chime, invoke, caplog) == [
        "stack not read (DescribeStacks answered AccessDenied); acting on the event alone"
    ]
    assert actions(api) == ["DescribeStacks"]  # refusals are not retried


def test_unreachable_cloudformation_behaves_as_before_with_a_warning(
    aws_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    chime: ChimeBackend,
    invoke: Invoker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", f"https://127.0.0.1:{port}")
    assert update_as_before(chime, invoke, caplog) == [
        "stack not read (DescribeStacks: could not connect); acting on the event alone"
    ]
