"""Events read against their stack's story: rollbacks, stale re-deliveries, renames.

The handler, crhelper, boto3 and the fake Chime are real; the stack is a plain-data
StoryReader (``tests.stack_story``), as DescribeStacks and ListStackResources describe it.
"""

from __future__ import annotations

import logging

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_lambda.lifecycle import HELD_CALLING_NAME_REASON
from tests.functional.conftest import STACK_ID, Invoker

NUMBER = "+12065550100"
OLD_NAME = "Old Support"
NEW_NAME = "New Support"
SECRET_NAME = "Zqx Pendingname"  # never in a log line
BEFORE = {"PhoneNumberId": NUMBER, "Name": "lobby", "CallingName": OLD_NAME}
AFTER = {"PhoneNumberId": NUMBER, "Name": "front-desk", "CallingName": SECRET_NAME}


def updates(chime: ChimeBackend) -> list[dict[str, object]]:
    return [call.body for call in chime.update_calls()]


def logged(caplog: pytest.LogCaptureFixture, level: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelname == level]


def pending_after_forward_update(chime: ChimeBackend) -> None:
    """The number as the forward update left it: new Name, new calling name still pending."""
    chime.seed_number(
        NUMBER, name="front-desk", calling_name=SECRET_NAME, calling_name_status="UpdateInProgress"
    )
    chime.force_calling_name_status(NUMBER, "UpdateInProgress")


class TestRollback:
    def test_pending_calling_name_stays_every_other_detail_goes_back(
        self, chime: ChimeBackend, invoke: Invoker, caplog: pytest.LogCaptureFixture
    ) -> None:
        # GIVEN an update that changed Name and CallingName, now rolled back
        pending_after_forward_update(chime)
        invoke.story.status = "UPDATE_ROLLBACK_IN_PROGRESS"
        caplog.set_level(logging.DEBUG)
        # WHEN the rollback Update puts the previous template back
        response = invoke("Update", BEFORE, physical_id=NUMBER, old_properties=AFTER)
        # THEN the Name goes back, the calling name is left, and the SUCCESS says so
        assert response["Status"] == "SUCCESS"
        assert updates(chime) == [{"Name": "lobby"}]
        assert response["Reason"] == HELD_CALLING_NAME_REASON.format(number=NUMBER)
        assert len(response["Reason"]) <= 256
        assert response["PhysicalResourceId"] == NUMBER
        assert (response["Data"]["CallingName"], response["Data"]["CallingNameStatus"]) == (
            SECRET_NAME,
            "UpdateInProgress",
        )
        assert response["Data"]["Name"] == "lobby"
        assert logged(caplog, "WARNING") == [HELD_CALLING_NAME_REASON.format(number=NUMBER)]
        assert SECRET_NAME not in caplog.text

    def test_a_conflict_from_chime_is_held_the_same_way(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        # GIVEN Chime reports no pending change, but refuses the calling name as pending
        chime.seed_number(NUMBER, name="front-desk", calling_name=SECRET_NAME)
        chime.fail_update("CallingName", 409, "ConflictException")
        invoke.story.status = "UPDATE_ROLLBACK_IN_PROGRESS"
        response = invoke("Update", BEFORE, physical_id=NUMBER, old_properties=AFTER)
        assert response["Status"] == "SUCCESS"
        assert response["Reason"] == HELD_CALLING_NAME_REASON.format(number=NUMBER)
        # The Name that went back stays back: nothing is reverted toward the failed template.
        assert chime.number(NUMBER)["Name"] == "lobby"
        assert chime.number(NUMBER)["CallingName"] == SECRET_NAME

    def test_rollback_without_a_pending_name_rolls_everything_back(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER, name="front-desk", calling_name=NEW_NAME)
        invoke.story.status = "UPDATE_ROLLBACK_IN_PROGRESS"
        response = invoke("Update", BEFORE, physical_id=NUMBER, old_properties=AFTER)
        assert response["Status"] == "SUCCESS"
        assert response["Reason"] == ""
        assert updates(chime) == [{"Name": "lobby"}, {"CallingName": OLD_NAME}]

    @pytest.mark.parametrize("status", ["UPDATE_IN_PROGRESS", None])
    def test_a_forward_update_meeting_a_pending_name_still_fails(
        self, chime: ChimeBackend, invoke: Invoker, status: str | None
    ) -> None:
        # GIVEN a forward update (or a stack CloudFormation does not describe)
        pending_after_forward_update(chime)
        if status is None:
            invoke.story.refusal = "AccessDenied"
        else:
            invoke.story.status = status
        response = invoke("Update", BEFORE, physical_id=NUMBER, old_properties=AFTER)
        assert response["Status"] == "FAILED"
        assert response["Reason"].startswith(
            f"CallingName: a calling-name change is pending on {NUMBER}"
        )
        assert updates(chime) == []


class TestStaleEvents:
    @pytest.mark.parametrize(
        "status", ["UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "DELETE_COMPLETE"]
    )
    def test_an_update_of_a_finished_stack_changes_nothing(
        self, chime: ChimeBackend, invoke: Invoker, caplog: pytest.LogCaptureFixture, status: str
    ) -> None:
        chime.seed_number(NUMBER, name="lobby", calling_name=OLD_NAME)
        invoke.story.status = status
        response = invoke("Update", AFTER, physical_id=NUMBER, old_properties=BEFORE)
        assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", NUMBER)
        assert chime.calls() == []
        assert logged(caplog, "WARNING") == [
            f"the stack is {status}, no longer in progress: this Update came late or again, "
            "and changes nothing"
        ]

    def test_a_create_of_a_finished_stack_answers_with_the_number(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER)
        invoke.story.status = "CREATE_COMPLETE"
        response = invoke("Create", AFTER)
        assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", NUMBER)
        assert chime.calls() == []

    def test_a_delete_of_a_finished_stack_clears_nothing(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER, name="front-desk", calling_name=SECRET_NAME)
        invoke.story.status = "UPDATE_COMPLETE"
        response = invoke("Delete", AFTER, physical_id=NUMBER)
        assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", NUMBER)
        assert chime.calls() == []
        assert chime.number(NUMBER)["CallingName"] == SECRET_NAME

    def test_the_same_event_twice_in_progress_stays_idempotent(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER, name="lobby", calling_name=OLD_NAME)
        event = invoke.event(
            "Update", {**AFTER, "CallingName": NEW_NAME}, physical_id=NUMBER, old_properties=BEFORE
        )
        first = invoke.send(event)
        event["ResponseURL"] = invoke.responder.new_response_url()
        second = invoke.send(event)
        assert (first["Status"], second["Status"]) == ("SUCCESS", "SUCCESS")
        assert updates(chime) == [{"Name": "front-desk"}, {"CallingName": NEW_NAME}]
        assert invoke.story.reads == [("DescribeStacks", STACK_ID)] * 2

    def test_a_stack_cloudformation_will_not_describe_works_as_before(
        self, chime: ChimeBackend, invoke: Invoker, caplog: pytest.LogCaptureFixture
    ) -> None:
        chime.seed_number(NUMBER, name="lobby", calling_name=OLD_NAME)
        invoke.story.refusal = "AccessDenied"
        response = invoke("Update", AFTER, physical_id=NUMBER, old_properties=BEFORE)
        assert response["Status"] == "SUCCESS"
        assert updates(chime) == [{"Name": "front-desk"}, {"CallingName": SECRET_NAME}]
        assert logged(caplog, "WARNING") == [
            "stack not read (DescribeStacks answered AccessDenied); acting on the event alone"
        ]


class TestRenamesAndMoves:
    def test_delete_of_an_old_logical_id_keeps_what_the_new_one_declares(
        self, chime: ChimeBackend, invoke: Invoker, caplog: pytest.LogCaptureFixture
    ) -> None:
        # GIVEN a resource renamed OldLine -> NewLine under DESTROY, both declaring the number
        chime.seed_number(NUMBER, name="front-desk", calling_name=SECRET_NAME)
        invoke.story.status = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"
        invoke.story.declare("OldLine", NUMBER, status="DELETE_IN_PROGRESS")
        invoke.story.declare("NewLine", NUMBER, status="CREATE_COMPLETE")
        caplog.set_level(logging.INFO)
        # WHEN the cleanup deletes the old logical id
        response = invoke("Delete", AFTER, physical_id=NUMBER, logical_id="OldLine")
        # THEN the settings stay
        assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", NUMBER)
        assert chime.calls() == []
        assert (
            f"Delete changes nothing: NewLine of this stack still declare {NUMBER}: its "
            "settings stay"
        ) in logged(caplog, "INFO")

    def test_rollback_of_a_rename_keeps_the_old_declaration(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER, name="front-desk", calling_name=SECRET_NAME)
        invoke.story.status = "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"
        invoke.story.declare("OldLine", NUMBER, status="UPDATE_COMPLETE")
        invoke.story.declare("NewLine", NUMBER, status="DELETE_IN_PROGRESS")
        response = invoke("Delete", AFTER, physical_id=NUMBER, logical_id="NewLine")
        assert response["Status"] == "SUCCESS"
        assert chime.calls() == []

    def test_a_stack_delete_clears_as_before(self, chime: ChimeBackend, invoke: Invoker) -> None:
        chime.seed_number(NUMBER, name="front-desk", calling_name=NEW_NAME)
        invoke.story.status = "DELETE_IN_PROGRESS"
        invoke.story.declare("OldLine", NUMBER, status="DELETE_IN_PROGRESS")
        invoke.story.declare("NewLine", NUMBER, status="CREATE_COMPLETE")
        response = invoke(
            "Delete", {**AFTER, "CallingName": NEW_NAME}, physical_id=NUMBER, logical_id="OldLine"
        )
        assert response["Status"] == "SUCCESS"
        assert updates(chime) == [{"Name": ""}, {"CallingName": ""}]

    def test_a_delete_with_no_other_declaration_clears_as_before(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER, name="front-desk", calling_name=NEW_NAME)
        invoke.story.status = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"
        invoke.story.declare("OldLine", NUMBER, status="DELETE_IN_PROGRESS")
        invoke.story.declare("Elsewhere", "+12065550111")
        response = invoke(
            "Delete", {**AFTER, "CallingName": NEW_NAME}, physical_id=NUMBER, logical_id="OldLine"
        )
        assert response["Status"] == "SUCCESS"
        assert updates(chime) == [{"Name": ""}, {"CallingName": ""}]
        assert [op for op, _ in invoke.story.reads] == ["DescribeStacks", "ListStackResources"]
