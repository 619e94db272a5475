"""The story's pure decisions: stale events, rollbacks, who else declares a number."""

from __future__ import annotations

import logging
import threading

import pytest

from phone_number_settings_core.errors import StoryUnavailableError
from phone_number_settings_lambda.story import (
    READ_MAX_SECONDS,
    UNKNOWN,
    StackResource,
    Story,
    is_in_progress,
    is_rollback,
    is_stale,
    other_declarers,
    read_budget,
    read_story,
    region_of,
    unchanged_because,
)
from tests.stack_story import StackStory

NUMBER = "+12065550100"
STACK_ID = "arn:aws:cloudformation:eu-west-1:123456789012:stack/telephony/6a1b2c3d-aaaa"


def resource(
    logical_id: str,
    physical_id: str | None = NUMBER,
    status: str = "UPDATE_COMPLETE",
    resource_type: str = "Custom::PhoneNumberSettings",
) -> StackResource:
    return StackResource(logical_id, physical_id, resource_type, status)


@pytest.mark.parametrize(
    ("status", "in_progress"),
    [
        ("CREATE_IN_PROGRESS", True),
        ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", True),
        ("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", True),
        ("DELETE_IN_PROGRESS", True),
        ("UPDATE_COMPLETE", False),
        ("UPDATE_ROLLBACK_FAILED", False),
        ("DELETE_COMPLETE", False),
        ("ROLLBACK_COMPLETE", False),
    ],
)
def test_in_progress_is_any_status_ending_in_in_progress(status: str, in_progress: bool) -> None:
    assert is_in_progress(status) is in_progress
    assert is_stale(Story(status)) is not in_progress


def test_an_unknown_story_is_never_stale_nor_a_rollback() -> None:
    assert not is_stale(UNKNOWN)
    assert not is_rollback(UNKNOWN)


@pytest.mark.parametrize(
    "status", ["UPDATE_ROLLBACK_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "IMPORT_ROLLBACK_IN_PROGRESS"]
)
def test_rollback_statuses(status: str) -> None:
    assert is_rollback(Story(status))


@pytest.mark.parametrize(
    "status", ["UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"]
)
def test_forward_and_cleanup_statuses_are_no_rollback(status: str) -> None:
    assert not is_rollback(Story(status))


def test_a_renamed_resource_still_declares_the_number() -> None:
    story = Story(
        "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
        (resource("OldLine", status="DELETE_IN_PROGRESS"), resource("NewLine", NUMBER)),
    )
    keepers = other_declarers(story, logical_id="OldLine", phone_number_id=NUMBER)
    assert [k.logical_id for k in keepers] == ["NewLine"]
    assert (
        unchanged_because(story, request_type="Delete", logical_id="OldLine", physical_id=NUMBER)
        == f"NewLine of this stack still declare {NUMBER}: its settings stay"
    )


def test_the_rollback_of_a_rename_keeps_the_old_declaration() -> None:
    story = Story(
        "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
        (
            resource("OldLine", status="UPDATE_COMPLETE"),
            resource("NewLine", status="DELETE_IN_PROGRESS"),
        ),
    )
    assert [
        r.logical_id for r in other_declarers(story, logical_id="NewLine", phone_number_id=NUMBER)
    ] == ["OldLine"]


@pytest.mark.parametrize(
    "other",
    [
        resource("Other", status="DELETE_COMPLETE"),
        resource("Other", status="DELETE_IN_PROGRESS"),
        resource("Other", status="DELETE_SKIPPED"),
        resource("Other", physical_id="+12065550111"),
        resource("Other", physical_id=None),
        resource("Other", resource_type="AWS::SNS::Topic"),
        resource("Line"),  # the resource itself
    ],
)
def test_resources_that_do_not_keep_the_number(other: StackResource) -> None:
    story = Story("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", (other,))
    assert other_declarers(story, logical_id="Line", phone_number_id=NUMBER) == ()


def test_generic_custom_resource_type_keeps_the_number() -> None:
    story = Story(
        "UPDATE_IN_PROGRESS",
        (resource("Other", resource_type="AWS::CloudFormation::CustomResource"),),
    )
    assert len(other_declarers(story, logical_id="Line", phone_number_id=NUMBER)) == 1


@pytest.mark.parametrize("status", ["DELETE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS"])
def test_when_the_whole_stack_goes_no_resource_keeps_the_number(status: str) -> None:
    story = Story(status, (resource("Other", status="CREATE_COMPLETE"),))
    assert other_declarers(story, logical_id="Line", phone_number_id=NUMBER) == ()
    assert (
        unchanged_because(story, request_type="Delete", logical_id="Line", physical_id=NUMBER)
        is None
    )


@pytest.mark.parametrize("request_type", ["Create", "Update", "Delete"])
def test_an_event_of_a_finished_stack_changes_nothing(request_type: str) -> None:
    why = unchanged_because(
        Story("UPDATE_COMPLETE"), request_type=request_type, logical_id="Line", physical_id=NUMBER
    )
    assert why == (
        f"the stack is UPDATE_COMPLETE, no longer in progress: this {request_type} came late "
        "or again, and changes nothing"
    )


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_create_and_update_ignore_other_declarers(request_type: str) -> None:
    story = Story("UPDATE_IN_PROGRESS", (resource("Other"),))
    assert (
        unchanged_because(story, request_type=request_type, logical_id="Line", physical_id=NUMBER)
        is None
    )


def test_stack_arn_gives_the_region() -> None:
    assert region_of(STACK_ID) == "eu-west-1"


@pytest.mark.parametrize("stack_id", ["", "telephony", "arn:aws:lambda:eu-west-1:1:function:f"])
def test_a_stack_id_that_is_no_stack_arn_is_refused(stack_id: str) -> None:
    with pytest.raises(StoryUnavailableError, match="not a CloudFormation stack ARN"):
        region_of(stack_id)


@pytest.mark.parametrize(
    ("seconds_left", "budget"),
    [(300.0, READ_MAX_SECONDS), (10.0, 1.0), (2.0, 0.5), (0.2, 0.2), (-1.0, 0.0)],
)
def test_reading_takes_a_small_share_of_the_event_never_past_it(
    seconds_left: float, budget: float
) -> None:
    assert read_budget(seconds_left) == pytest.approx(budget)


def test_read_story_reads_resources_only_when_asked() -> None:
    stack = StackStory(status="UPDATE_IN_PROGRESS")
    stack.declare("Other", NUMBER)
    assert read_story(stack, STACK_ID, with_resources=False, seconds=1.0) == Story(
        "UPDATE_IN_PROGRESS"
    )
    assert read_story(stack, STACK_ID, with_resources=True, seconds=1.0).resources == (
        resource("Other"),
    )
    assert [operation for operation, _ in stack.reads] == [
        "DescribeStacks",
        "DescribeStacks",
        "ListStackResources",
    ]


def test_a_refused_read_is_an_unknown_story_and_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    story = read_story(StackStory(refusal="AccessDenied"), STACK_ID, with_resources=True, seconds=1)
    assert story == UNKNOWN
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "WARNING",
            "stack not read (DescribeStacks answered AccessDenied); acting on the event alone",
        )
    ]


def test_a_hung_read_is_abandoned_within_its_budget(caplog: pytest.LogCaptureFixture) -> None:
    class Hung(StackStory):
        def stack_status(self, stack_id: str) -> str:
            threading.Event().wait(1)
            return "UPDATE_IN_PROGRESS"

    assert read_story(Hung(), STACK_ID, with_resources=False, seconds=0.05) == UNKNOWN
    assert "CloudFormation did not answer within 0.1 s" in caplog.text


def test_an_unexpected_error_is_an_unknown_story(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(StackStory):
        def stack_status(self, stack_id: str) -> str:
            raise KeyError("Stacks")

    assert read_story(Broken(), STACK_ID, with_resources=False, seconds=1) == UNKNOWN
    assert "unexpected KeyError while reading it" in caplog.text
