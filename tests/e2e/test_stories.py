"""A deployment is a story: rollbacks, renames, replacements and re-deliveries, end to end.

Each story runs the synthesised asset under awslambdaric against the fake Chime, with
CloudFormation played by the driver, which keeps the stack's status and resources in the
CloudFormation API stand-in (paging small, so that a reader must follow NextToken). Chime
keeps a new calling name pending (``set_calling_name_delay``), as it does for up to 72 h.
Each story checks the stack's final status, the numbers' final state and the calls made.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer
from phone_number_settings_fakes.cloudformation.assembly import StackTemplate
from phone_number_settings_fakes.cloudformation.driver import (
    CloudFormationDriver,
    EventRecord,
    StackOperation,
)
from tests.e2e.test_lifecycle import (
    CAMPAIGN,
    SPARE,
    SUPPORT,
    UPDATE,
    logical_id,
    seed_all,
    settings,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

PENDING_FOR_DAYS = 72 * 3600.0
SETTLED_AT_ONCE = 0.0
ROLLED_BACK = [
    "UPDATE_IN_PROGRESS",
    "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE",
]
UPDATED = ["UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE"]


@dataclass(frozen=True)
class Stage:
    """The example stack's CloudFormation, its Chime numbers and its template."""

    cloudformation: CloudFormationDriver
    chime: ChimeBackend
    template: StackTemplate
    api: FakeCloudFormationServer

    def deploy(self, template: StackTemplate | None = None, settled: bool = False) -> None:
        """Seeds the numbers and creates the stack; its calling names have settled long
        ago (``settled``) or stay pending. Any calling name set later stays pending."""
        seed_all(self.chime)
        self.chime.set_calling_name_delay(SETTLED_AT_ONCE if settled else PENDING_FOR_DAYS)
        created = self.cloudformation.create_stack(template or self.template)
        assert created.status == "CREATE_COMPLETE", [e.reason for e in created.events]
        self.chime.set_calling_name_delay(PENDING_FOR_DAYS)

    def logical_id(self, construct_id: str) -> str:
        return logical_id(self.template, construct_id)


@pytest.fixture
def stage(
    cloudformation: CloudFormationDriver,
    chime: ChimeBackend,
    example_template: StackTemplate,
    cloudformation_stacks: FakeCloudFormationServer,
) -> Stage:
    cloudformation_stacks.backend.page_size = 3
    return Stage(cloudformation, chime, example_template, cloudformation_stacks)


def another_resource(template: StackTemplate) -> str:
    """The provider's role: a resource of the stack that is not a custom resource."""
    (role,) = [key for key, r in template.resources.items() if r["Type"] == "AWS::IAM::Role"]
    return role


def story(operation: StackOperation, template: StackTemplate) -> list[str]:
    """One line per event: phase, RequestType, construct id, answer, then its Chime calls
    (``Get``; ``Detail='value'`` for an UpdatePhoneNumber, ``!409`` when refused)."""
    return [f"{_header(event, template)}: {_calls(event)}" for event in operation.events]


def _header(event: EventRecord, template: StackTemplate) -> str:
    path = str(template.resources.get(event.logical_id, {}).get("Metadata", {}).get(
        "aws:cdk:path", event.logical_id))  # fmt: skip
    name = path.split("/")[1] if "/" in path else path
    return f"{event.phase} {event.request_type} {name} {event.status}"


def _calls(event: EventRecord) -> str:
    if not event.calls:
        return "no call"
    shown = []
    for call in event.calls:
        text = "Get" if call.operation != UPDATE else ", ".join(
            f"{k}={v!r}" for k, v in call.body.items())  # fmt: skip
        shown.append(text if call.status == 200 else f"{text}!{call.status}")
    numbers = sorted({call.phone_number_id or "" for call in event.calls})
    return f"{' '.join(numbers)} {', '.join(shown)}"


def written(event: EventRecord) -> list[dict[str, Any]]:
    """The bodies of the event's UpdatePhoneNumber calls that Chime accepted."""
    return [c.body for c in event.calls if c.operation == UPDATE and c.status == 200]


def warnings(log: str) -> list[dict[str, Any]]:
    records = []
    for line in log.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("level") == "WARNING":
            records.append(record)
    return records


def test_update_rollback_leaves_a_pending_calling_name_and_restores_the_rest(
    stage: Stage,
) -> None:
    stage.deploy(settled=True)
    support = stage.logical_id("SupportLine")
    new = stage.template.edited(support, Name="Main line", CallingName="Acme Help")

    operation = stage.cloudformation.update_stack(new, failing_resource=another_resource(new))

    _forward, rollback = operation.events
    assert story(operation, new)[0] == (
        f"update Update SupportLine SUCCESS: {SUPPORT} Get, Name='Main line', "
        "CallingName='Acme Help'"
    )
    assert (rollback.phase, rollback.request_type, rollback.stack_status) == (
        "rollback",
        "Update",
        "UPDATE_ROLLBACK_IN_PROGRESS",
    )
    assert rollback.event["ResourceProperties"]["CallingName"] == "Acme Support"
    # Chime cannot take the old calling name back yet: the rest goes back, the stack too.
    assert rollback.status == "SUCCESS", rollback.reason
    assert written(rollback) == [{"Name": "Support line"}]
    assert operation.statuses == ROLLED_BACK
    assert settings(stage.chime, SUPPORT) == {
        "ProductType": "SipMediaApplicationDialIn",
        "Name": "Support line",
        "CallingName": "Acme Help",
    }
    assert stage.chime.number(SUPPORT)["CallingNameStatus"] == "UpdateInProgress"
    logged = warnings(stage.cloudformation.function_log())
    assert any("CallingName" in json.dumps(record) for record in logged)


def test_rollback_after_a_name_was_added_clears_it_again(stage: Stage) -> None:
    support = stage.logical_id("SupportLine")
    without_name = stage.template.edited(support, Name=None)
    stage.deploy(without_name)
    with_name = without_name.edited(support, Name="Main line")

    operation = stage.cloudformation.update_stack(
        with_name, failing_resource=another_resource(with_name)
    )

    # The previous template does not declare Name; the failed one added it. Going back
    # means no Name, as before the update.
    assert story(operation, with_name) == [
        f"update Update SupportLine SUCCESS: {SUPPORT} Get, Name='Main line'",
        f"rollback Update SupportLine SUCCESS: {SUPPORT} Get, Name=''",
    ]
    assert "Name" not in operation.events[1].event["ResourceProperties"]
    assert operation.statuses == ROLLED_BACK
    assert settings(stage.chime, SUPPORT) == {
        "ProductType": "SipMediaApplicationDialIn",
        "Name": None,
        "CallingName": "Acme Support",
    }


def test_a_rename_under_destroy_keeps_the_settings(stage: Stage) -> None:
    stage.deploy()
    campaign = stage.logical_id("CampaignLine")
    moved = stage.template.renamed(campaign, "CampaignLineMoved9F8E7D6C")
    writes_before = len(stage.chime.update_calls())

    operation = stage.cloudformation.update_stack(moved)

    # The new logical id is a new resource; the old one goes in the cleanup, same number.
    assert operation.sent() == [
        ("update", "Create", "CampaignLineMoved9F8E7D6C"),
        ("cleanup", "Delete", campaign),
    ]
    assert [e.physical_id for e in operation.events] == [CAMPAIGN, CAMPAIGN]
    assert [e.status for e in operation.events] == ["SUCCESS", "SUCCESS"]
    assert operation.statuses == UPDATED
    assert stage.chime.update_calls()[writes_before:] == []
    # The function read the stack's resources, three a page, by the stack's id.
    listed = stage.api.controls.calls("ListStackResources")
    assert {c.params["StackName"] for c in listed} == {stage.cloudformation.stack_id}
    assert any("NextToken" in c.params for c in listed)
    assert settings(stage.chime, CAMPAIGN) == {
        "ProductType": "VoiceConnector",
        "Name": "Spring campaign",
        "CallingName": None,
    }


def test_a_replacement_sets_the_new_number_and_clears_the_old_one(stage: Stage) -> None:
    support = stage.logical_id("SupportLine")
    start = stage.template.edited(support, DeletionPolicy="Delete", UpdateReplacePolicy="Delete")
    stage.deploy(start, settled=True)  # the old number's calling name has settled
    replaced = start.edited(support, PhoneNumberId=SPARE)

    operation = stage.cloudformation.update_stack(replaced)

    assert story(operation, replaced) == [
        f"update Update SupportLine SUCCESS: {SPARE} Get, ProductType='SipMediaApplicationDialIn', "
        "Name='Support line', CallingName='Acme Support'",
        f"cleanup Delete SupportLine SUCCESS: {SUPPORT} Get, Name='', CallingName=''",
    ]
    assert operation.events[1].event["ResourceProperties"]["PhoneNumberId"] == SUPPORT
    assert operation.statuses == UPDATED
    assert settings(stage.chime, SPARE) == {
        "ProductType": "SipMediaApplicationDialIn",
        "Name": "Support line",
        "CallingName": "Acme Support",
    }
    assert stage.chime.number(SPARE)["CallingNameStatus"] == "UpdateInProgress"
    assert settings(stage.chime, SUPPORT) == {
        "ProductType": "SipMediaApplicationDialIn",
        "Name": None,
        "CallingName": None,
    }


def test_a_stale_redelivery_of_an_old_update_changes_nothing(stage: Stage) -> None:
    stage.deploy()
    campaign = stage.logical_id("CampaignLine")
    cloudformation = stage.cloudformation
    summer = cloudformation.update_stack(stage.template.edited(campaign, Name="Summer campaign"))
    autumn = cloudformation.update_stack(stage.template.edited(campaign, Name="Autumn campaign"))
    assert (summer.status, autumn.status) == ("UPDATE_COMPLETE", "UPDATE_COMPLETE")

    # Lambda's queue hands the first update's event over again, after the stack moved on.
    late = cloudformation.redeliver(summer.events[0])

    assert late.stack_status == "UPDATE_COMPLETE"
    assert late.status == "SUCCESS", late.reason
    assert [c.operation for c in late.calls if c.operation == UPDATE] == []
    (described, *_) = reversed(stage.api.controls.calls("DescribeStacks"))
    assert (described.params["StackName"], described.status) == (
        stage.cloudformation.stack_id,
        200,
    )
    assert cloudformation.status == "UPDATE_COMPLETE"
    assert settings(stage.chime, CAMPAIGN)["Name"] == "Autumn campaign"


def test_a_stale_redelivery_of_the_create_changes_nothing(stage: Stage) -> None:
    seed_all(stage.chime)
    stage.chime.set_calling_name_delay(PENDING_FOR_DAYS)
    created = stage.cloudformation.create_stack(stage.template)
    campaign = stage.logical_id("CampaignLine")
    renamed = stage.cloudformation.update_stack(stage.template.edited(campaign, Name="Summer"))
    assert (created.status, renamed.status) == ("CREATE_COMPLETE", "UPDATE_COMPLETE")

    # CampaignLine's Create, retried by Lambda long after the stack went on.
    late = stage.cloudformation.redeliver(created.for_resource(campaign)[0])

    assert late.stack_status == "UPDATE_COMPLETE"
    assert late.status == "SUCCESS", late.reason
    assert written(late) == []
    assert settings(stage.chime, CAMPAIGN)["Name"] == "Summer"


def test_a_duplicate_delivery_while_in_progress_stays_idempotent(stage: Stage) -> None:
    stage.deploy()
    campaign = stage.logical_id("CampaignLine")
    stage.cloudformation.duplicate_next(campaign)

    operation = stage.cloudformation.update_stack(stage.template.edited(campaign, Name="Summer"))

    (update,) = operation.events
    assert update.deliveries == 2
    assert [r["Status"] for r in update.responses] == ["SUCCESS", "SUCCESS"]
    assert written(update) == [{"Name": "Summer"}]  # the second delivery finds it done
    assert operation.statuses == UPDATED
    assert settings(stage.chime, CAMPAIGN)["Name"] == "Summer"


def test_an_asset_that_cannot_import_still_answers(stage: Stage, tmp_path: Path) -> None:
    seed_all(stage.chime)
    stage.chime.set_calling_name_delay(PENDING_FOR_DAYS)
    (spec, *_) = stage.template.custom_resources()
    broken = tmp_path / "asset"
    shutil.copytree(stage.template.function(spec.function_logical_id).asset_dir, broken)
    shutil.rmtree(broken / "crhelper")
    template = stage.template
    for name in ("SupportLine", "FrontDesk"):  # retained: no rollback Delete would be sent
        template = template.without(stage.logical_id(name))
    template = template.with_function_asset(spec.function_logical_id, broken)

    operation = stage.cloudformation.create_stack(template)

    assert story(operation, template) == [
        "create Create CampaignLine FAILED: no call",
        "rollback Delete CampaignLine SUCCESS: no call",
    ]
    assert "crhelper" in operation.events[0].reason
    assert operation.statuses == ["CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
    assert stage.chime.calls() == []
    assert settings(stage.chime, CAMPAIGN) == {
        "ProductType": "VoiceConnector",
        "Name": None,
        "CallingName": None,
    }


def test_a_forward_update_that_meets_a_pending_calling_name_fails_and_rolls_back(
    stage: Stage,
) -> None:
    stage.deploy()  # its calling names stay pending
    new = stage.template.edited(stage.logical_id("SupportLine"), CallingName="Acme Help")

    operation = stage.cloudformation.update_stack(new)

    forward, rollback = operation.events
    assert (forward.phase, forward.status) == ("update", "FAILED")
    assert "pending" in forward.reason
    assert "CallingName" in forward.reason
    assert "Acme Help" not in forward.reason  # a value never reaches the Reason
    assert (rollback.phase, rollback.status) == ("rollback", "SUCCESS")
    assert [written(event) for event in operation.events] == [[], []]
    assert operation.statuses == ROLLED_BACK
    assert settings(stage.chime, SUPPORT)["CallingName"] == "Acme Support"
