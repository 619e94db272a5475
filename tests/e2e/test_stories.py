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


@pytest.fixture
def stacks(
    cloudformation_stacks: FakeCloudFormationServer, cloudformation: CloudFormationDriver
) -> FakeCloudFormationServer:
    cloudformation_stacks.backend.page_size = 3
    return cloudformation_stacks


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
    cloudformation: CloudFormationDriver,
    chime: ChimeBackend,
    example_template: StackTemplate,
    stacks: FakeCloudFormationServer,
) -> None:
    seed_all(chime)
    chime.set_calling_name_delay(SETTLED_AT_ONCE)  # the create's calling names settled long ago
    assert cloudformation.create_stack(example_template).status == "CREATE_COMPLETE"
    chime.set_calling_name_delay(PENDING_FOR_DAYS)
    support = logical_id(example_template, "SupportLine")
    new = example_template.edited(support, Name="Main line", CallingName="Acme Help")

    operation = cloudformation.update_stack(new, failing_resource=another_resource(new))

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
    assert settings(chime, SUPPORT) == {
        "ProductType": "SipMediaApplicationDialIn",
        "Name": "Support line",
        "CallingName": "Acme Help",
    }
    assert chime.number(SUPPORT)["CallingNameStatus"] == "UpdateInProgress"
    assert any("CallingName" in json.dumps(r) for r in warnings(cloudformation.function_log()))


def test_rollback_after_a_name_was_added_clears_it_again(
    cloudformation: CloudFormationDriver,
    chime: ChimeBackend,
    example_template: StackTemplate,
    stacks: FakeCloudFormationServer,
) -> None:
    seed_all(chime)
    chime.set_calling_name_delay(PENDING_FOR_DAYS)  # the create's calling names stay pending
    support = logical_id(example_template, "SupportLine")
    without_name = example_template.edited(support, Name=None)
    assert cloudformation.create_stack(without_name).status == "CREATE_COMPLETE"
    with_name = without_name.edited(support, Name="Main line")

    operation = cloudformation.update_stack(with_name, failing_resource=another_resource(with_name))

    assert story(operation, with_name) == [
        f"update Update SupportLine SUCCESS: {SUPPORT} Get, Name='Main line'",
        f"rollback Update SupportLine SUCCESS: {SUPPORT} Get, Name=''",
    ]
    assert operation.statuses == ROLLED_BACK
    assert settings(chime, SUPPORT) == {
        "ProductType": "SipMediaApplicationDialIn",
        "Name": None,
        "CallingName": "Acme Support",
    }


def test_a_rename_under_destroy_keeps_the_settings(
    cloudformation: CloudFormationDriver,
    chime: ChimeBackend,
    example_template: StackTemplate,
    stacks: FakeCloudFormationServer,
) -> None:
    seed_all(chime)
    chime.set_calling_name_delay(PENDING_FOR_DAYS)
    assert cloudformation.create_stack(example_template).status == "CREATE_COMPLETE"
    campaign = logical_id(example_template, "CampaignLine")
    moved = example_template.renamed(campaign, "CampaignLineMoved9F8E7D6C")
    writes_before = len(chime.update_calls())

    operation = cloudformation.update_stack(moved)

    # The new logical id is a new resource; the old one goes in the cleanup, same number.
    assert operation.sent() == [
        ("update", "Create", "CampaignLineMoved9F8E7D6C"),
        ("cleanup", "Delete", campaign),
    ]
    assert [e.physical_id for e in operation.events] == [CAMPAIGN, CAMPAIGN]
    assert [e.status for e in operation.events] == ["SUCCESS", "SUCCESS"]
    assert operation.statuses == UPDATED
    assert chime.update_calls()[writes_before:] == []
    assert settings(chime, CAMPAIGN) == {
        "ProductType": "VoiceConnector",
        "Name": "Spring campaign",
        "CallingName": None,
    }


def test_a_replacement_sets_the_new_number_and_clears_the_old_one(
    cloudformation: CloudFormationDriver,
    chime: ChimeBackend,
    example_template: StackTemplate,
    stacks: FakeCloudFormationServer,
) -> None:
    seed_all(chime)
    chime.set_calling_name_delay(SETTLED_AT_ONCE)  # the old number's calling name has settled
    support = logical_id(example_template, "SupportLine")
    start = example_template.edited(support, DeletionPolicy="Delete", UpdateReplacePolicy="Delete")
    assert cloudformation.create_stack(start).status == "CREATE_COMPLETE"
    chime.set_calling_name_delay(PENDING_FOR_DAYS)
    replaced = start.edited(support, PhoneNumberId=SPARE)

    operation = cloudformation.update_stack(replaced)

    assert story(operation, replaced) == [
        f"update Update SupportLine SUCCESS: {SPARE} Get, ProductType='SipMediaApplicationDialIn', "
        "Name='Support line', CallingName='Acme Support'",
        f"cleanup Delete SupportLine SUCCESS: {SUPPORT} Get, Name='', CallingName=''",
    ]
    assert operation.events[1].event["ResourceProperties"]["PhoneNumberId"] == SUPPORT
    assert operation.statuses == UPDATED
    assert settings(chime, SPARE) == {
        "ProductType": "SipMediaApplicationDialIn",
        "Name": "Support line",
        "CallingName": "Acme Support",
    }
    assert chime.number(SPARE)["CallingNameStatus"] == "UpdateInProgress"
    assert settings(chime, SUPPORT) == {
        "ProductType": "SipMediaApplicationDialIn",
        "Name": None,
        "CallingName": None,
    }


def test_a_stale_redelivery_of_an_old_update_changes_nothing(
    cloudformation: CloudFormationDriver,
    chime: ChimeBackend,
    example_template: StackTemplate,
    stacks: FakeCloudFormationServer,
) -> None:
    seed_all(chime)
    chime.set_calling_name_delay(PENDING_FOR_DAYS)
    assert cloudformation.create_stack(example_template).status == "CREATE_COMPLETE"
    campaign = logical_id(example_template, "CampaignLine")
    summer = cloudformation.update_stack(example_template.edited(campaign, Name="Summer campaign"))
    autumn = cloudformation.update_stack(example_template.edited(campaign, Name="Autumn campaign"))
    assert (summer.status, autumn.status) == ("UPDATE_COMPLETE", "UPDATE_COMPLETE")

    # Lambda's queue hands the first update's event over again, after the stack moved on.
    late = cloudformation.redeliver(summer.events[0])

    assert late.stack_status == "UPDATE_COMPLETE"
    assert late.status == "SUCCESS", late.reason
    assert [c.operation for c in late.calls if c.operation == UPDATE] == []
    assert cloudformation.status == "UPDATE_COMPLETE"
    assert settings(chime, CAMPAIGN)["Name"] == "Autumn campaign"


def test_a_duplicate_delivery_while_in_progress_stays_idempotent(
    cloudformation: CloudFormationDriver,
    chime: ChimeBackend,
    example_template: StackTemplate,
    stacks: FakeCloudFormationServer,
) -> None:
    seed_all(chime)
    chime.set_calling_name_delay(PENDING_FOR_DAYS)
    assert cloudformation.create_stack(example_template).status == "CREATE_COMPLETE"
    campaign = logical_id(example_template, "CampaignLine")
    cloudformation.duplicate_next(campaign)

    operation = cloudformation.update_stack(example_template.edited(campaign, Name="Summer"))

    (update,) = operation.events
    assert update.deliveries == 2
    assert [r["Status"] for r in update.responses] == ["SUCCESS", "SUCCESS"]
    assert written(update) == [{"Name": "Summer"}]  # the second delivery finds it done
    assert operation.statuses == UPDATED
    assert settings(chime, CAMPAIGN)["Name"] == "Summer"


def test_an_asset_that_cannot_import_still_answers(
    cloudformation: CloudFormationDriver,
    chime: ChimeBackend,
    example_template: StackTemplate,
    stacks: FakeCloudFormationServer,
    tmp_path: Path,
) -> None:
    seed_all(chime)
    chime.set_calling_name_delay(PENDING_FOR_DAYS)
    (spec, *_) = example_template.custom_resources()
    broken = tmp_path / "asset"
    shutil.copytree(example_template.function(spec.function_logical_id).asset_dir, broken)
    shutil.rmtree(broken / "crhelper")
    template = example_template
    for name in ("SupportLine", "FrontDesk"):  # retained: no rollback Delete would be sent
        template = template.without(logical_id(example_template, name))
    template = template.with_function_asset(spec.function_logical_id, broken)

    operation = cloudformation.create_stack(template)

    assert story(operation, template) == [
        "create Create CampaignLine FAILED: no call",
        "rollback Delete CampaignLine SUCCESS: no call",
    ]
    assert "crhelper" in operation.events[0].reason
    assert operation.statuses == ["CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"]
    assert chime.calls() == []
    assert settings(chime, CAMPAIGN) == {
        "ProductType": "VoiceConnector",
        "Name": None,
        "CallingName": None,
    }


def test_a_forward_update_that_meets_a_pending_calling_name_fails_and_rolls_back(
    cloudformation: CloudFormationDriver,
    chime: ChimeBackend,
    example_template: StackTemplate,
    stacks: FakeCloudFormationServer,
) -> None:
    seed_all(chime)
    chime.set_calling_name_delay(PENDING_FOR_DAYS)  # the create's calling names stay pending
    assert cloudformation.create_stack(example_template).status == "CREATE_COMPLETE"
    support = logical_id(example_template, "SupportLine")
    new = example_template.edited(support, CallingName="Acme Help")

    operation = cloudformation.update_stack(new)

    forward, rollback = operation.events
    assert (forward.phase, forward.status) == ("update", "FAILED")
    assert "pending" in forward.reason
    assert "CallingName" in forward.reason
    assert "Acme Help" not in forward.reason  # a value never reaches the Reason
    assert (rollback.phase, rollback.status) == ("rollback", "SUCCESS")
    assert [written(event) for event in operation.events] == [[], []]
    assert operation.statuses == ROLLED_BACK
    assert settings(chime, SUPPORT)["CallingName"] == "Acme Support"
