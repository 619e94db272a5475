"""The boto3 story reader against the CloudFormation API stand-in: where listing a stack's
resources is refused, DescribeStackResources tells the same story."""

from __future__ import annotations

import pytest

from phone_number_settings_core.errors import StoryUnavailableError
from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer
from phone_number_settings_fakes.cloudformation.stacks import stack_arn
from phone_number_settings_lambda.story import CloudFormationStoryReader, StackResource

NUMBER = "+12065550100"
CUSTOM = "Custom::PhoneNumberSettings"


@pytest.fixture
def reader(cloudformation_env: FakeCloudFormationServer) -> CloudFormationStoryReader:
    return CloudFormationStoryReader()


def renamed_stack(server: FakeCloudFormationServer) -> str:
    """A stack in its cleanup after a rename: the old logical id leaving, the new one in."""
    stack_id = stack_arn("us-west-2", "Telephony")
    server.backend.add_stack(stack_id, "Telephony", "UPDATE_IN_PROGRESS")
    for logical_id, status in (("Old", "DELETE_IN_PROGRESS"), ("New", "CREATE_COMPLETE")):
        server.backend.set_resource(
            stack_id, logical_id, status, resource_type=CUSTOM, physical_id=NUMBER
        )
    server.backend.set_stack_status(stack_id, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
    return stack_id


EXPECTED = {
    StackResource("Old", NUMBER, CUSTOM, "DELETE_IN_PROGRESS"),
    StackResource("New", NUMBER, CUSTOM, "CREATE_COMPLETE"),
}


def test_listing_refused_falls_back_to_describing_the_resources(
    reader: CloudFormationStoryReader, cloudformation_stacks: FakeCloudFormationServer
) -> None:
    stack_id = renamed_stack(cloudformation_stacks)
    cloudformation_stacks.controls.refuse("ListStackResources")

    assert set(reader.stack_resources(stack_id)) == EXPECTED
    assert [call.action for call in cloudformation_stacks.controls.calls()] == [
        "ListStackResources",
        "DescribeStackResources",
    ]


def test_listing_is_asked_first_and_enough_when_it_answers(
    reader: CloudFormationStoryReader, cloudformation_stacks: FakeCloudFormationServer
) -> None:
    stack_id = renamed_stack(cloudformation_stacks)

    assert set(reader.stack_resources(stack_id)) == EXPECTED
    assert [call.action for call in cloudformation_stacks.controls.calls()] == [
        "ListStackResources"
    ]


def test_both_refused_is_an_unknown_story_naming_both(
    reader: CloudFormationStoryReader, cloudformation_stacks: FakeCloudFormationServer
) -> None:
    stack_id = renamed_stack(cloudformation_stacks)
    cloudformation_stacks.controls.refuse()

    with pytest.raises(StoryUnavailableError) as raised:
        reader.stack_resources(stack_id)
    assert str(raised.value) == (
        "ListStackResources answered AccessDenied; DescribeStackResources answered AccessDenied"
    )
