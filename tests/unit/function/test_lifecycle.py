"""Lifecycle edge cases on a scripted in-memory gateway (the PhoneNumberGateway port)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from phone_number_settings_chime.deadline import Deadline
from phone_number_settings_core.errors import (
    ChimeApiError,
    PartialUpdateError,
    PhoneNumberSettingsError,
)
from phone_number_settings_core.model import LivePhoneNumber
from phone_number_settings_core.rules import DETAIL_BY_KEY, Namespace
from phone_number_settings_lambda.lifecycle import EventDeadlines, create_or_update, delete

NUMBER = "+12065550100"


@dataclass
class ScriptedGateway:
    """Holds one number; ``failures`` maps (detail, value) to the error that call raises."""

    live: LivePhoneNumber
    failures: dict[tuple[str, str], PhoneNumberSettingsError] = field(default_factory=dict)
    applied_before_failing: set[tuple[str, str]] = field(default_factory=set)
    calls: list[tuple[str, str]] = field(default_factory=list)

    def get(self, phone_number_id: str, deadline: Deadline) -> LivePhoneNumber:
        return self.live

    def update(
        self, phone_number_id: str, detail: str, value: str, deadline: Deadline
    ) -> LivePhoneNumber:
        self.calls.append((detail, value))
        if (detail, value) in self.applied_before_failing:
            self.live = replace(self.live, **{DETAIL_BY_KEY[detail].field: value})
        if (detail, value) in self.failures:
            raise self.failures[(detail, value)]
        self.live = replace(self.live, **{DETAIL_BY_KEY[detail].field: value})
        return self.live


def deadlines() -> EventDeadlines:
    return EventDeadlines.within(Deadline.after(60), revert_reserve=10)


def run(gateway: ScriptedGateway, **details: str) -> dict[str, str]:
    return create_or_update(
        {"PhoneNumberId": NUMBER, **details},
        default_region="us-west-2",
        gateways=lambda namespace, region: gateway,
        deadlines=deadlines(),
    ).data


def conflict() -> ChimeApiError:
    return ChimeApiError("UpdatePhoneNumber", "ConflictException", "conflict")


def test_calling_name_that_landed_before_a_retry_conflict_counts_as_applied() -> None:
    # GIVEN a calling-name call whose first attempt landed, so its retry met a conflict
    gateway = ScriptedGateway(LivePhoneNumber(NUMBER, calling_name="Old"))
    gateway.failures[("CallingName", "Acme")] = conflict()
    gateway.applied_before_failing.add(("CallingName", "Acme"))
    # WHEN the event runs, THEN it succeeds with the value in place
    assert run(gateway, CallingName="Acme")["CallingName"] == "Acme"


def test_real_conflict_still_fails() -> None:
    gateway = ScriptedGateway(LivePhoneNumber(NUMBER, calling_name="Old"))
    gateway.failures[("CallingName", "Acme")] = conflict()
    with pytest.raises(ChimeApiError, match="conflict"):
        run(gateway, CallingName="Acme")


def test_revert_that_fails_is_named_in_the_reason() -> None:
    gateway = ScriptedGateway(LivePhoneNumber(NUMBER, product_type="VoiceConnector", name="a"))
    gateway.failures[("CallingName", "Acme")] = ChimeApiError("UpdatePhoneNumber", "X", "boom")
    gateway.failures[("Name", "a")] = ChimeApiError("UpdatePhoneNumber", "X", "revert boom")
    with pytest.raises(PartialUpdateError) as raised:
        run(gateway, ProductType="SipMediaApplicationDialIn", Name="b", CallingName="Acme")
    assert str(raised.value) == (
        "CallingName failed, reverted ProductType; could not revert Name: boom"
    )
    assert gateway.calls == [
        ("ProductType", "SipMediaApplicationDialIn"),
        ("Name", "b"),
        ("CallingName", "Acme"),
        ("Name", "a"),
        ("ProductType", "VoiceConnector"),
    ]


def test_product_type_without_a_previous_value_cannot_be_reverted() -> None:
    gateway = ScriptedGateway(LivePhoneNumber(NUMBER, product_type=None))
    gateway.failures[("Name", "b")] = ChimeApiError("UpdatePhoneNumber", "X", "boom")
    with pytest.raises(
        PartialUpdateError, match=r"^Name failed, could not revert ProductType: boom$"
    ):
        run(gateway, ProductType="VoiceConnector", Name="b")


def test_delete_reports_a_refused_clear_as_a_warning() -> None:
    gateway = ScriptedGateway(LivePhoneNumber(NUMBER, calling_name="Acme"))
    gateway.failures[("CallingName", "")] = ChimeApiError("UpdatePhoneNumber", "X", "refused")
    warnings = delete(
        NUMBER,
        {"PhoneNumberId": NUMBER, "CallingName": "Acme"},
        default_region="us-west-2",
        gateways=lambda namespace, region: gateway,
        deadline=Deadline.after(60),
    )
    assert warnings == (f"settings of {NUMBER} not cleared: refused",)


def test_gateway_is_chosen_by_namespace_and_region() -> None:
    chosen: list[tuple[Namespace, str]] = []
    gateway = ScriptedGateway(LivePhoneNumber(NUMBER))

    def factory(namespace: Namespace, region: str) -> ScriptedGateway:
        chosen.append((namespace, region))
        return gateway

    for properties in (
        {"Namespace": "chime", "CallingName": "Acme"},
        {"Region": "eu-west-2", "CallingName": "Acme"},
        {"CallingName": "Acme"},
    ):
        create_or_update(
            {"PhoneNumberId": NUMBER, **properties},
            default_region="us-west-2",
            gateways=factory,
            deadlines=deadlines(),
        )
    assert chosen == [
        (Namespace.CHIME, "us-east-1"),
        (Namespace.CHIME_SDK_VOICE, "eu-west-2"),
        (Namespace.CHIME_SDK_VOICE, "us-west-2"),
    ]


def rollback(
    gateway: ScriptedGateway, failed: dict[str, str] | None = None, **details: str
) -> tuple[str, dict[str, str]]:
    outcome = create_or_update(
        {"PhoneNumberId": NUMBER, **details},
        default_region="us-west-2",
        gateways=lambda namespace, region: gateway,
        deadlines=deadlines(),
        rollback=True,
        rolled_back_from={"PhoneNumberId": NUMBER, **(failed or {})},
    )
    return outcome.reason, outcome.data


def test_rollback_leaves_a_pending_calling_name_and_says_so() -> None:
    gateway = ScriptedGateway(
        LivePhoneNumber(
            NUMBER, name="new", calling_name="New", calling_name_status="UpdateInProgress"
        )
    )
    reason, data = rollback(gateway, Name="old", CallingName="Old")
    assert gateway.calls == [("Name", "old")]
    assert reason.startswith(
        f"Rolled back, except CallingName: a calling-name change is pending on {NUMBER}"
    )
    assert (data["CallingName"], data["CallingNameStatus"]) == ("New", "UpdateInProgress")


def test_rollback_meeting_a_conflict_keeps_what_went_back() -> None:
    gateway = ScriptedGateway(LivePhoneNumber(NUMBER, name="new", calling_name="New"))
    gateway.failures[("CallingName", "Old")] = conflict()
    reason, _ = rollback(gateway, Name="old", CallingName="Old")
    assert gateway.calls == [("Name", "old"), ("CallingName", "Old")]  # no revert of Name
    assert gateway.live.name == "old"
    assert reason.startswith("Rolled back, except CallingName")


def test_rollback_with_another_error_fails_and_reverts_as_any_update() -> None:
    gateway = ScriptedGateway(LivePhoneNumber(NUMBER, name="new", calling_name="New"))
    gateway.failures[("CallingName", "Old")] = ChimeApiError(
        "UpdatePhoneNumber", "BadRequestException", "bad request"
    )
    with pytest.raises(PartialUpdateError, match="CallingName failed, reverted Name: bad request"):
        rollback(gateway, Name="old", CallingName="Old")
    assert gateway.live.name == "new"


def test_a_forward_update_meeting_a_conflict_is_reverted_and_fails() -> None:
    gateway = ScriptedGateway(LivePhoneNumber(NUMBER, name="new", calling_name="New"))
    gateway.failures[("CallingName", "Old")] = conflict()
    with pytest.raises(PartialUpdateError, match="CallingName failed, reverted Name: conflict"):
        run(gateway, Name="old", CallingName="Old")


def test_rollback_clears_a_detail_only_the_failed_template_added() -> None:
    # GIVEN the failed update added Name (the previous template did not declare it)
    gateway = ScriptedGateway(LivePhoneNumber(NUMBER, name="Main line", calling_name="Acme"))
    # WHEN CloudFormation rolls back to the template without Name
    rollback(gateway, failed={"Name": "Main line", "CallingName": "Acme"}, CallingName="Acme")
    # THEN the Name goes back to what it was before the update: none
    assert gateway.calls == [("Name", "")]


def test_rollback_leaves_an_added_detail_someone_changed_since() -> None:
    gateway = ScriptedGateway(LivePhoneNumber(NUMBER, name="Set by hand", calling_name="Acme"))
    rollback(gateway, failed={"Name": "Main line", "CallingName": "Acme"}, CallingName="Acme")
    assert gateway.calls == []


def test_a_forward_update_that_drops_a_detail_leaves_it() -> None:
    gateway = ScriptedGateway(LivePhoneNumber(NUMBER, name="Main line", calling_name="Acme"))
    run(gateway, CallingName="Acme")
    assert gateway.calls == []
