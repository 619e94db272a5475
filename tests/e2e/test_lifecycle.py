"""The example app's whole lifecycle: CLI synth, the real asset in its own process, CFN's order.

Each step checks the exact Chime calls of every event CloudFormation sends and the fake's
state after it: one detail per UpdatePhoneNumber, in the order ProductType, Name,
CallingName, and no call for a detail that already matches.
"""

from __future__ import annotations

from typing import Any

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.cloudformation.assembly import StackTemplate
from phone_number_settings_fakes.cloudformation.driver import (
    CloudFormationDriver,
    EventRecord,
    StackOperation,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

SUPPORT = "+12065550100"  # SupportLine: chime-sdk-voice in us-west-2, Retain
FRONT_DESK = "+12065550101"  # FrontDesk: legacy chime, Retain
CAMPAIGN = "+12065550102"  # CampaignLine: chime-sdk-voice, DESTROY
SPARE = "+12065550103"
SPARE_2 = "+12065550104"
GET = "GetPhoneNumber"
UPDATE = "UpdatePhoneNumber"


def logical_id(template: StackTemplate, construct_id: str) -> str:
    """The logical id of the example's construct ``construct_id`` (by its aws:cdk:path)."""
    path = f"{template.name}/{construct_id}/Resource/Default"
    (found,) = [
        key
        for key, resource in template.resources.items()
        if resource.get("Metadata", {}).get("aws:cdk:path") == path
    ]
    return found


def settings(chime: ChimeBackend, number: str) -> dict[str, Any]:
    state = chime.number(number)
    return {key: state.get(key) for key in ("ProductType", "Name", "CallingName")}


def seed_all(chime: ChimeBackend) -> None:
    for number in (SUPPORT, FRONT_DESK, CAMPAIGN, SPARE, SPARE_2):
        chime.seed_number(number, product_type="VoiceConnector")


def calls_by_resource(operation: StackOperation, template: StackTemplate) -> list[str]:
    """One line per event: phase, RequestType, construct id, then its Chime calls in order.

    For example ``"create Create FrontDesk: +12065550101 Get, CallingName='Acme'"``: the
    number, then ``Get`` for GetPhoneNumber and ``Detail='value'`` for UpdatePhoneNumber.
    """
    names = {
        logical_id(template, name): name for name in ("SupportLine", "FrontDesk", "CampaignLine")
    }
    return [
        f"{event.phase} {event.request_type} {names[event.logical_id]}: {_calls_line(event)}"
        for event in operation.events
    ]


def _calls_line(event: EventRecord) -> str:
    if not event.calls:
        return "no call"
    (number,) = {call.phone_number_id for call in event.calls}
    shown = [
        "Get" if call.operation == GET else ", ".join(f"{k}={v!r}" for k, v in call.body.items())
        for call in event.calls
    ]
    return f"{number} {', '.join(shown)}"


CREATE_CALLS = [
    f"create Create SupportLine: {SUPPORT} Get, ProductType='SipMediaApplicationDialIn', Name='Support line', CallingName='Acme Support'",
    f"create Create FrontDesk: {FRONT_DESK} Get, ProductType='BusinessCalling', CallingName='Acme Front Desk'",
    f"create Create CampaignLine: {CAMPAIGN} Get, Name='Spring campaign'",
]
CREATED: dict[str, dict[str, str | None]] = {
    SUPPORT: {
        "ProductType": "SipMediaApplicationDialIn",
        "Name": "Support line",
        "CallingName": "Acme Support",
    },
    FRONT_DESK: {"ProductType": "BusinessCalling", "Name": None, "CallingName": "Acme Front Desk"},
    CAMPAIGN: {"ProductType": "VoiceConnector", "Name": "Spring campaign", "CallingName": None},
}


@pytest.fixture
def created(
    cloudformation: CloudFormationDriver, chime: ChimeBackend, example_template: StackTemplate
) -> CloudFormationDriver:
    seed_all(chime)
    operation = cloudformation.create_stack(example_template)
    assert operation.status == "CREATE_COMPLETE", [e.reason for e in operation.events]
    return cloudformation


def test_create_stack_sets_every_declared_detail_in_order(
    cloudformation: CloudFormationDriver, chime: ChimeBackend, example_template: StackTemplate
) -> None:
    seed_all(chime)
    operation = cloudformation.create_stack(example_template)

    assert operation.status == "CREATE_COMPLETE"
    assert calls_by_resource(operation, example_template) == CREATE_CALLS
    assert [e.physical_id for e in operation.events] == [SUPPORT, FRONT_DESK, CAMPAIGN]
    for number, expected in CREATED.items():
        assert settings(chime, number) == expected
    # Each namespace got its own calls, signed for its own Region.
    assert {(c.phone_number_id, c.namespace, c.region) for c in chime.calls()} == {
        (SUPPORT, "chime-sdk-voice", "us-west-2"),
        (FRONT_DESK, "chime", "us-east-1"),
        (CAMPAIGN, "chime-sdk-voice", "us-west-2"),
    }
    # Fn::GetAtt values come back in Data (the example's Outputs read two of them).
    support_data = operation.events[0].response["Data"]
    assert support_data["E164PhoneNumber"] == SUPPORT
    assert support_data["CallingNameStatus"] == "UpdateSucceeded"


def test_update_changes_only_what_changed(
    created: CloudFormationDriver, chime: ChimeBackend, example_template: StackTemplate
) -> None:
    support, front = (logical_id(example_template, n) for n in ("SupportLine", "FrontDesk"))
    new = example_template.edited(support, CallingName="Acme Help").edited(
        front, CallingName="Front Desk", ProductType="VoiceConnector"
    )
    operation = created.update_stack(new)

    assert operation.status == "UPDATE_COMPLETE"
    assert calls_by_resource(operation, example_template) == [
        f"update Update SupportLine: {SUPPORT} Get, CallingName='Acme Help'",
        f"update Update FrontDesk: {FRONT_DESK} Get, ProductType='VoiceConnector', CallingName='Front Desk'",
    ]  # CampaignLine's properties did not change: CloudFormation sends it nothing
    update = operation.events[0].event
    assert update["PhysicalResourceId"] == SUPPORT
    assert update["OldResourceProperties"]["CallingName"] == "Acme Support"
    assert update["ResourceProperties"]["CallingName"] == "Acme Help"
    assert [e.physical_id for e in operation.events] == [SUPPORT, FRONT_DESK]
    assert settings(chime, SUPPORT) == {**CREATED[SUPPORT], "CallingName": "Acme Help"}
    assert settings(chime, FRONT_DESK) == {
        "ProductType": "VoiceConnector",
        "Name": None,
        "CallingName": "Front Desk",
    }
    assert settings(chime, CAMPAIGN) == CREATED[CAMPAIGN]


def test_failed_update_reverts_itself_and_rollback_restores_the_rest(
    created: CloudFormationDriver, chime: ChimeBackend, example_template: StackTemplate
) -> None:
    support, front = (logical_id(example_template, n) for n in ("SupportLine", "FrontDesk"))
    new = example_template.edited(support, Name="Main line").edited(
        front, ProductType="VoiceConnector", CallingName="Front Desk"
    )
    chime.fail_update("CallingName", 400, "BadRequestException")
    operation = created.update_stack(new)

    assert operation.status == "UPDATE_ROLLBACK_COMPLETE"
    assert calls_by_resource(operation, example_template) == [
        f"update Update SupportLine: {SUPPORT} Get, Name='Main line'",
        # CallingName is answered 400; the event then reverts its own ProductType.
        f"update Update FrontDesk: {FRONT_DESK} Get, ProductType='VoiceConnector', CallingName='Front Desk', ProductType='BusinessCalling'",
        # UPDATE_ROLLBACK: old properties again, last touched first.
        f"rollback Update FrontDesk: {FRONT_DESK} Get",
        f"rollback Update SupportLine: {SUPPORT} Get, Name='Support line'",
    ]
    failed = operation.events[1]
    assert failed.status == "FAILED"
    assert "CallingName failed, reverted ProductType" in failed.reason
    assert "Front Desk" not in failed.reason  # a sensitive value never reaches the Reason
    rollback = operation.events[2].event
    assert rollback["ResourceProperties"]["ProductType"] == "BusinessCalling"
    assert rollback["OldResourceProperties"]["ProductType"] == "VoiceConnector"
    assert [e.status for e in operation.events[2:]] == ["SUCCESS", "SUCCESS"]
    for number, expected in CREATED.items():
        assert settings(chime, number) == expected


def test_replacement_cleans_up_the_old_number_unless_retained(
    created: CloudFormationDriver, chime: ChimeBackend, example_template: StackTemplate
) -> None:
    support, campaign = (logical_id(example_template, n) for n in ("SupportLine", "CampaignLine"))
    new = example_template.edited(support, PhoneNumberId=SPARE_2).edited(
        campaign, PhoneNumberId=SPARE
    )
    operation = created.update_stack(new)

    assert operation.status == "UPDATE_COMPLETE"
    assert calls_by_resource(operation, example_template) == [
        f"update Update SupportLine: {SPARE_2} Get, ProductType='SipMediaApplicationDialIn', Name='Support line', CallingName='Acme Support'",
        f"update Update CampaignLine: {SPARE} Get, Name='Spring campaign'",
        # Cleanup: only CampaignLine (UpdateReplacePolicy Delete) loses its old number.
        f"cleanup Delete CampaignLine: {CAMPAIGN} Get, Name=''",
    ]
    assert [e.physical_id for e in operation.events] == [SPARE_2, SPARE, CAMPAIGN]
    cleanup = operation.events[2].event
    assert cleanup["PhysicalResourceId"] == CAMPAIGN
    assert cleanup["ResourceProperties"]["PhoneNumberId"] == CAMPAIGN  # the old properties
    assert [(s.logical_id, s.physical_id) for s in operation.skipped] == [(support, SUPPORT)]
    assert "UpdateReplacePolicy Retain" in operation.skipped[0].why
    assert settings(chime, SUPPORT) == CREATED[SUPPORT]  # retained: left as it was
    assert settings(chime, CAMPAIGN) == {**CREATED[CAMPAIGN], "Name": None}
    assert settings(chime, SPARE) == CREATED[CAMPAIGN]
    assert settings(chime, SPARE_2) == CREATED[SUPPORT]


def test_delete_stack_clears_destroy_resources_and_leaves_retained_ones(
    created: CloudFormationDriver, chime: ChimeBackend, example_template: StackTemplate
) -> None:
    operation = created.delete_stack()

    assert operation.status == "DELETE_COMPLETE"
    assert calls_by_resource(operation, example_template) == [
        f"delete Delete CampaignLine: {CAMPAIGN} Get, Name=''",
    ]
    assert sorted(s.physical_id for s in operation.skipped) == [SUPPORT, FRONT_DESK]
    assert settings(chime, SUPPORT) == CREATED[SUPPORT]
    assert settings(chime, FRONT_DESK) == CREATED[FRONT_DESK]
    assert settings(chime, CAMPAIGN) == {**CREATED[CAMPAIGN], "Name": None}


def test_delete_stack_with_destroy_everywhere_clears_names_and_calling_names(
    cloudformation: CloudFormationDriver, chime: ChimeBackend, example_template: StackTemplate
) -> None:
    template = example_template
    for name in ("SupportLine", "FrontDesk"):
        template = template.edited(
            logical_id(template, name), DeletionPolicy="Delete", UpdateReplacePolicy="Delete"
        )
    seed_all(chime)
    assert cloudformation.create_stack(template).status == "CREATE_COMPLETE"
    operation = cloudformation.delete_stack()

    assert calls_by_resource(operation, template) == [
        f"delete Delete CampaignLine: {CAMPAIGN} Get, Name=''",
        f"delete Delete FrontDesk: {FRONT_DESK} Get, CallingName=''",
        f"delete Delete SupportLine: {SUPPORT} Get, Name='', CallingName=''",
    ]
    assert operation.skipped == []
    # A product type cannot be unset: it stays; what the resources set is cleared.
    assert settings(chime, SUPPORT) == {
        "ProductType": "SipMediaApplicationDialIn",
        "Name": None,
        "CallingName": None,
    }
    assert settings(chime, FRONT_DESK) == {
        "ProductType": "BusinessCalling",
        "Name": None,
        "CallingName": None,
    }


def test_failed_create_rolls_back_with_a_delete_that_makes_no_call(
    cloudformation: CloudFormationDriver, chime: ChimeBackend, example_template: StackTemplate
) -> None:
    chime.seed_number(SUPPORT, product_type="VoiceConnector")
    chime.seed_number(FRONT_DESK, product_type="VoiceConnector")  # CAMPAIGN does not exist
    operation = cloudformation.create_stack(example_template)

    assert operation.status == "ROLLBACK_COMPLETE"
    assert calls_by_resource(operation, example_template) == [
        *CREATE_CALLS[:2],
        f"create Create CampaignLine: {CAMPAIGN} Get",  # 404
        "rollback Delete CampaignLine: no call",
    ]
    failed, rollback = operation.events[2:]
    assert failed.status == "FAILED"
    assert CAMPAIGN in failed.reason
    invented = failed.physical_id
    assert invented != CAMPAIGN
    assert invented.startswith("PhoneNumberSettingsExample_")  # crhelper made it up
    assert rollback.event["PhysicalResourceId"] == invented
    assert rollback.status == "SUCCESS"
    # Retain also holds on a create rollback: the other two keep their settings.
    assert sorted(s.physical_id for s in operation.skipped) == [SUPPORT, FRONT_DESK]
    assert settings(chime, SUPPORT) == CREATED[SUPPORT]
