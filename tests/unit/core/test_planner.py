"""The plan of UpdatePhoneNumber calls for every combination of declared vs live details."""

from __future__ import annotations

import itertools

import pytest

from phone_number_settings_core.errors import BlockedChangeError
from phone_number_settings_core.model import DeclaredSettings, DetailChange, LivePhoneNumber
from phone_number_settings_core.planner import plan_changes, plan_cleanup
from phone_number_settings_core.rules import DETAIL_BY_KEY, DETAILS_IN_CALL_ORDER, Namespace

NUMBER = "+12065550100"
LIVE_VALUES = {"ProductType": "VoiceConnector", "Name": "desk", "CallingName": "Acme"}
OTHER_VALUES = {"ProductType": "SipMediaApplicationDialIn", "Name": "lobby", "CallingName": "Zeta"}
# For each detail: unmanaged (absent), declared equal to live, declared different.
CHOICES = ("absent", "same", "different")


def desired(**details: str | None) -> DeclaredSettings:
    return DeclaredSettings(NUMBER, Namespace.CHIME_SDK_VOICE, "us-west-2", **details)  # type: ignore[arg-type]


def live(**overrides: str | None) -> LivePhoneNumber:
    values: dict[str, str | None] = {
        "product_type": "VoiceConnector",
        "name": "desk",
        "calling_name": "Acme",
        "calling_name_status": "UpdateSucceeded",
        "type": "Local",
        "country": "US",
    }
    values.update(overrides)
    return LivePhoneNumber(phone_number_id=NUMBER, **values)


@pytest.mark.parametrize("choice", list(itertools.product(CHOICES, repeat=3)))
def test_plan_calls_only_changed_details_in_fixed_order(choice: tuple[str, str, str]) -> None:
    # GIVEN a declaration that leaves out, repeats or changes each detail
    declared: dict[str, str | None] = {}
    expected = []
    for detail, how in zip(DETAILS_IN_CALL_ORDER, choice, strict=True):
        if how == "same":
            declared[DETAIL_BY_KEY[detail].field] = LIVE_VALUES[detail]
        elif how == "different":
            declared[DETAIL_BY_KEY[detail].field] = OTHER_VALUES[detail]
            expected.append(DetailChange(detail, OTHER_VALUES[detail], LIVE_VALUES[detail]))
    # WHEN planned against the live number
    plan = plan_changes(desired(**declared), live())
    # THEN one call per changed detail, ProductType, Name, CallingName
    assert list(plan) == expected


def test_empty_string_clears_and_matches_an_absent_live_value() -> None:
    assert plan_changes(desired(calling_name="", name=""), live(calling_name=None, name=None)) == ()
    assert plan_changes(desired(calling_name=""), live()) == (
        DetailChange("CallingName", "", "Acme"),
    )


def test_failed_calling_name_counts_as_not_applied() -> None:
    plan = plan_changes(desired(calling_name="Acme"), live(calling_name_status="UpdateFailed"))
    assert plan == (DetailChange("CallingName", "Acme", "Acme"),)


def test_calling_name_equal_and_in_progress_is_already_applied() -> None:
    assert (
        plan_changes(desired(calling_name="Acme"), live(calling_name_status="UpdateInProgress"))
        == ()
    )


def test_different_calling_name_while_pending_blocks_before_any_call() -> None:
    with pytest.raises(BlockedChangeError) as raised:
        plan_changes(
            desired(product_type="SipMediaApplicationDialIn", calling_name="Zeta"),
            live(calling_name_status="UpdateInProgress"),
        )
    assert str(raised.value).startswith(
        "CallingName: a calling-name change is pending on " + NUMBER
    )
    assert "72 hours" in str(raised.value)
    assert "Zeta" not in str(raised.value)
    assert "Acme" not in str(raised.value)


def test_pending_calling_name_does_not_block_other_details() -> None:
    plan = plan_changes(desired(name="lobby"), live(calling_name_status="UpdateInProgress"))
    assert plan == (DetailChange("Name", "lobby", "desk"),)


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (
            {"calling_name": "Acme"},
            "CallingName: +12065550100 is toll-free and toll-free numbers take no calling name",
        ),
        (
            {"product_type": "BusinessCalling"},
            "ProductType: +12065550100 is toll-free and toll-free numbers cannot use BusinessCalling",
        ),
    ],
)
def test_toll_free_rules(declared: dict[str, str], message: str) -> None:
    with pytest.raises(BlockedChangeError) as raised:
        plan_changes(desired(**declared), live(type="TollFree", calling_name=None))
    assert str(raised.value) == message


def test_toll_free_may_clear_calling_name_and_take_voice_connector() -> None:
    number = live(type="TollFree", calling_name=None, product_type="SipMediaApplicationDialIn")
    assert plan_changes(desired(calling_name="", product_type="VoiceConnector"), number) == (
        DetailChange("ProductType", "VoiceConnector", "SipMediaApplicationDialIn"),
    )


def test_numbers_outside_the_us_must_be_sip_media_application_dial_in() -> None:
    with pytest.raises(BlockedChangeError, match=r"^ProductType: .* outside the U\.S\. \(GB\)"):
        plan_changes(desired(product_type="VoiceConnector"), live(country="GB"))
    assert plan_changes(desired(product_type="SipMediaApplicationDialIn"), live(country="GB")) == (
        DetailChange("ProductType", "SipMediaApplicationDialIn", "VoiceConnector"),
    )


def test_revert_of_a_change_restores_the_previous_value() -> None:
    assert DetailChange("Name", "lobby", "desk").reverted() == DetailChange("Name", "desk", "lobby")
    assert DetailChange("Name", "lobby", None).reverted() == DetailChange("Name", "", "lobby")
    assert DetailChange("ProductType", "VoiceConnector", None).reverted() is None


class TestCleanup:
    def test_clears_name_and_calling_name_still_ours(self) -> None:
        plan = plan_cleanup(
            desired(product_type="VoiceConnector", name="desk", calling_name="Acme"), live()
        )
        assert plan.changes == (
            DetailChange("Name", "", "desk"),
            DetailChange("CallingName", "", "Acme"),
        )
        assert plan.warnings == ()

    def test_leaves_values_someone_else_changed(self) -> None:
        plan = plan_cleanup(desired(name="lobby", calling_name="Zeta"), live())
        assert plan.changes == ()

    def test_leaves_pending_calling_name_with_a_warning(self) -> None:
        plan = plan_cleanup(
            desired(calling_name="Acme"), live(calling_name_status="UpdateInProgress")
        )
        assert plan.changes == ()
        assert plan.warnings == (
            "CallingName on +12065550100 left as is: its change is still pending (up to 72 hours)",
        )

    def test_nothing_to_clear_when_declared_empty(self) -> None:
        plan = plan_cleanup(desired(calling_name="", name=""), live(calling_name=None, name=None))
        assert plan.changes == ()


def test_response_data_holds_known_attributes_only() -> None:
    number = LivePhoneNumber.from_api(
        {
            "PhoneNumberId": NUMBER,
            "E164PhoneNumber": NUMBER,
            "ProductType": "VoiceConnector",
            "Capabilities": {},
        },
        phone_number_id=NUMBER,
    )
    assert number.response_data() == {
        "PhoneNumberId": NUMBER,
        "E164PhoneNumber": NUMBER,
        "ProductType": "VoiceConnector",
    }


def test_a_reply_without_an_id_keeps_the_requested_one() -> None:
    # The API model makes every member of PhoneNumber optional.
    number = LivePhoneNumber.from_api({"ProductType": 7}, phone_number_id=NUMBER)
    assert number == LivePhoneNumber(NUMBER)
    assert number.response_data() == {"PhoneNumberId": NUMBER}
