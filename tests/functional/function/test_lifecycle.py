"""Create, Update and Delete through the real handler, crhelper, boto3 and the fake Chime."""

from __future__ import annotations

import pytest

from phone_number_settings_fakes.chime import ChimeBackend, NumberKind
from tests.functional.conftest import Invoker, seed_matching

NUMBER = "+12065550100"
OTHER = "+12065550111"
TOLL_FREE = "+18005550100"
LONDON = "+442071838750"


def updates(chime: ChimeBackend) -> list[tuple[str | None, dict[str, object]]]:
    return [(c.phone_number_id, c.body) for c in chime.update_calls()]


def full(**extra: str) -> dict[str, str]:
    return {
        "PhoneNumberId": NUMBER,
        "ProductType": "SipMediaApplicationDialIn",
        "Name": "front desk",
        "CallingName": "Acme Support",
        **extra,
    }


class TestCreate:
    def test_applies_each_changed_detail_in_order(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        # GIVEN a number with a product type only
        chime.seed_number(NUMBER, product_type="VoiceConnector")
        # WHEN the resource is created with all three details
        response = invoke("Create", full())
        # THEN one call per detail: ProductType, Name, CallingName
        assert response["Status"] == "SUCCESS", response["Reason"]
        assert response["PhysicalResourceId"] == NUMBER
        assert updates(chime) == [
            (NUMBER, {"ProductType": "SipMediaApplicationDialIn"}),
            (NUMBER, {"Name": "front desk"}),
            (NUMBER, {"CallingName": "Acme Support"}),
        ]
        assert response["Data"] == {
            "PhoneNumberId": NUMBER,
            "E164PhoneNumber": NUMBER,
            "ProductType": "SipMediaApplicationDialIn",
            "CallingName": "Acme Support",
            # Chime takes up to 72 hours to apply a calling name; the reply says so.
            "CallingNameStatus": "UpdateInProgress",
            "Name": "front desk",
            "Type": "Local",
            "Country": "US",
            "Status": "Unassigned",
        }

    def test_matching_number_needs_no_update_call(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        seed_matching(chime)
        response = invoke("Create", full())
        assert response["Status"] == "SUCCESS"
        assert updates(chime) == []
        assert [c.operation for c in chime.calls()] == ["GetPhoneNumber"]
        assert response["Data"]["CallingName"] == "Acme Support"

    def test_absent_property_is_left_unmanaged(self, chime: ChimeBackend, invoke: Invoker) -> None:
        chime.seed_number(NUMBER, name="lobby", calling_name="Old Name")
        response = invoke("Create", {"PhoneNumberId": NUMBER, "CallingName": "New Name"})
        assert response["Status"] == "SUCCESS"
        assert updates(chime) == [(NUMBER, {"CallingName": "New Name"})]
        assert chime.number(NUMBER)["Name"] == "lobby"

    def test_empty_calling_name_clears_it(self, chime: ChimeBackend, invoke: Invoker) -> None:
        chime.seed_number(NUMBER, calling_name="Old Name")
        response = invoke("Create", {"PhoneNumberId": NUMBER, "CallingName": ""})
        assert response["Status"] == "SUCCESS"
        assert updates(chime) == [(NUMBER, {"CallingName": ""})]
        assert "CallingName" not in chime.number(NUMBER) or not chime.number(NUMBER)["CallingName"]

    def test_failed_calling_name_is_sent_again(self, chime: ChimeBackend, invoke: Invoker) -> None:
        chime.seed_number(NUMBER, calling_name="Acme Support")
        chime.force_calling_name_status(NUMBER, "UpdateFailed")
        response = invoke("Create", {"PhoneNumberId": NUMBER, "CallingName": "Acme Support"})
        assert response["Status"] == "SUCCESS"
        assert updates(chime) == [(NUMBER, {"CallingName": "Acme Support"})]


class TestRefusedBeforeAnyCall:
    @pytest.mark.parametrize(
        ("properties", "reason"),
        [
            (
                {"PhoneNumberId": NUMBER, "CallingName": "A"},
                "CallingName: too short: 1 character, at least 2",
            ),
            (
                {"PhoneNumberId": NUMBER, "CallingName": "Acme Support Line"},
                "CallingName: too long: 17 characters, at most 15 "
                "(pattern ^$|^[a-zA-Z0-9 ]{2,15}$)",
            ),
            (
                {"PhoneNumberId": NUMBER, "CallingName": "Acme-Support!"},
                "CallingName: character 5 is not a letter A-Z, a digit or a space (pattern",
            ),
            (
                {"PhoneNumberId": NUMBER, "CallingNmae": "Acme"},
                "CallingNmae: unknown property; valid properties are PhoneNumberId",
            ),
            ({"PhoneNumberId": NUMBER}, "ProductType, Name, CallingName: at least one"),
            (
                {"PhoneNumberId": NUMBER, "ProductType": "BusinessCalling"},
                "ProductType: BusinessCalling is not offered",
            ),
            (
                {"PhoneNumberId": NUMBER, "Name": "desk", "Namespace": "chime"},
                "Name: only Namespace chime-sdk-voice",
            ),
            ({"CallingName": "Acme"}, "PhoneNumberId: is required"),
            (
                {"PhoneNumberId": NUMBER, "CallingName": ["Acme"]},
                "CallingName: must be a string, not list",
            ),
        ],
    )
    def test_invalid_properties_fail_with_zero_chime_calls(
        self, chime: ChimeBackend, invoke: Invoker, properties: dict[str, object], reason: str
    ) -> None:
        chime.seed_number(NUMBER)
        response = invoke("Create", properties)
        assert response["Status"] == "FAILED"
        assert response["Reason"].startswith(reason)
        assert chime.calls() == []

    def test_invalid_update_keeps_the_physical_id(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        response = invoke(
            "Update",
            {"PhoneNumberId": NUMBER, "CallingName": "!"},
            physical_id=NUMBER,
            old_properties={"PhoneNumberId": NUMBER, "CallingName": "Acme"},
        )
        assert (response["Status"], response["PhysicalResourceId"]) == ("FAILED", NUMBER)
        assert chime.calls() == []

    def test_unknown_number(self, chime: ChimeBackend, invoke: Invoker) -> None:
        response = invoke("Create", {"PhoneNumberId": NUMBER, "CallingName": "Acme"})
        assert response["Status"] == "FAILED"
        assert response["Reason"] == (
            f"phone number {NUMBER} not found in namespace chime-sdk-voice "
            "(check PhoneNumberId, Namespace and Region)"
        )
        assert updates(chime) == []

    def test_toll_free_takes_no_calling_name(self, chime: ChimeBackend, invoke: Invoker) -> None:
        chime.seed_number(TOLL_FREE, kind=NumberKind.US_TOLL_FREE)
        response = invoke(
            "Create",
            {
                "PhoneNumberId": TOLL_FREE,
                "ProductType": "SipMediaApplicationDialIn",
                "CallingName": "Acme",
            },
        )
        assert response["Status"] == "FAILED"
        assert (
            response["Reason"]
            == f"CallingName: {TOLL_FREE} is toll-free and toll-free numbers take no calling name"
        )
        assert updates(chime) == []

    def test_toll_free_not_business_calling(self, chime: ChimeBackend, invoke: Invoker) -> None:
        chime.seed_number(TOLL_FREE, kind=NumberKind.US_TOLL_FREE)
        response = invoke(
            "Create",
            {"PhoneNumberId": TOLL_FREE, "ProductType": "BusinessCalling", "Namespace": "chime"},
        )
        assert response["Status"] == "FAILED"
        assert "cannot use BusinessCalling" in response["Reason"]
        assert updates(chime) == []

    def test_outside_us_must_be_sip_media_application(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(LONDON, kind=NumberKind.NON_US, product_type="SipMediaApplicationDialIn")
        response = invoke(
            "Create", {"PhoneNumberId": LONDON, "ProductType": "VoiceConnector", "Name": "uk"}
        )
        assert response["Status"] == "FAILED"
        assert "outside the U.S." in response["Reason"]
        assert updates(chime) == []

    def test_pending_calling_name_change(self, chime: ChimeBackend, invoke: Invoker) -> None:
        chime.seed_number(NUMBER, calling_name="Old Name")
        chime.force_calling_name_status(NUMBER, "UpdateInProgress")
        response = invoke("Create", full())
        assert response["Status"] == "FAILED"
        assert response["Reason"] == (
            f"CallingName: a calling-name change is pending on {NUMBER} (Chime takes up to 72 hours); "
            "deploy again once CallingNameStatus is no longer UpdateInProgress"
        )
        assert updates(chime) == []


class TestUpdate:
    def test_only_changed_details_are_sent(self, chime: ChimeBackend, invoke: Invoker) -> None:
        seed_matching(chime)
        response = invoke(
            "Update", full(CallingName="Acme Sales"), physical_id=NUMBER, old_properties=full()
        )
        assert response["Status"] == "SUCCESS"
        assert response["PhysicalResourceId"] == NUMBER
        assert updates(chime) == [(NUMBER, {"CallingName": "Acme Sales"})]

    def test_later_failure_reverts_earlier_changes(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        # GIVEN a number whose calling-name call will be refused
        chime.seed_number(
            NUMBER, product_type="VoiceConnector", name="lobby", calling_name="Acme Support"
        )
        chime.fail_update("CallingName", 400, "BadRequestException")
        # WHEN an update changes all three details
        response = invoke(
            "Update", full(CallingName="Acme Sales"), physical_id=NUMBER, old_properties=full()
        )
        # THEN the two applied details are put back, last first, and the event FAILED
        assert response["Status"] == "FAILED"
        assert response["PhysicalResourceId"] == NUMBER
        assert response["Reason"] == (
            "CallingName failed, reverted ProductType, Name: UpdatePhoneNumber CallingName on "
            f"{NUMBER} failed: BadRequestException (HTTP 400)"
        )
        assert updates(chime) == [
            (NUMBER, {"ProductType": "SipMediaApplicationDialIn"}),
            (NUMBER, {"Name": "front desk"}),
            (NUMBER, {"CallingName": "Acme Sales"}),
            (NUMBER, {"Name": "lobby"}),
            (NUMBER, {"ProductType": "VoiceConnector"}),
        ]
        state = chime.number(NUMBER)
        assert (state["ProductType"], state["Name"], state["CallingName"]) == (
            "VoiceConnector",
            "lobby",
            "Acme Support",
        )

    def test_changed_phone_number_is_a_replacement(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER, calling_name="Acme Support")
        chime.seed_number(OTHER)
        response = invoke(
            "Update",
            {"PhoneNumberId": OTHER, "CallingName": "Acme Support"},
            physical_id=NUMBER,
            old_properties={"PhoneNumberId": NUMBER, "CallingName": "Acme Support"},
        )
        assert response["Status"] == "SUCCESS"
        assert response["PhysicalResourceId"] == OTHER
        assert updates(chime) == [(OTHER, {"CallingName": "Acme Support"})]
        # CloudFormation then deletes the old one with the old properties
        cleanup = invoke(
            "Delete", {"PhoneNumberId": NUMBER, "CallingName": "Acme Support"}, physical_id=NUMBER
        )
        assert cleanup["Status"] == "SUCCESS"
        assert updates(chime)[-1] == (NUMBER, {"CallingName": ""})
        assert chime.number(OTHER)["CallingName"] == "Acme Support"

    def test_duplicate_delivery_makes_no_second_update(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER)
        chime.set_calling_name_delay(None)  # the calling name stays pending, as it may for 72 h
        event = invoke.event("Create", full())
        first = invoke.send(event)
        calls_after_first = len(chime.update_calls())
        event["ResponseURL"] = invoke.responder.new_response_url()
        second = invoke.send(event)
        assert first["Status"] == second["Status"] == "SUCCESS"
        assert first["Data"] == second["Data"]
        assert first["Data"]["CallingNameStatus"] == "UpdateInProgress"
        assert calls_after_first == 3
        assert len(chime.update_calls()) == calls_after_first


class TestDelete:
    def test_invented_physical_id_after_failed_create_needs_no_call(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER)
        create = invoke("Create", {"PhoneNumberId": NUMBER, "CallingName": "!"})
        assert create["Status"] == "FAILED"
        invented = create["PhysicalResourceId"]
        assert invented.startswith("telephony_SupportLine_")
        response = invoke(
            "Delete", {"PhoneNumberId": NUMBER, "CallingName": "!"}, physical_id=invented
        )
        assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", invented)
        assert chime.calls() == []

    def test_clears_name_and_calling_name_still_ours(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        seed_matching(chime)
        response = invoke("Delete", full(), physical_id=NUMBER)
        assert response["Status"] == "SUCCESS"
        assert updates(chime) == [(NUMBER, {"Name": ""}), (NUMBER, {"CallingName": ""})]
        assert chime.number(NUMBER)["ProductType"] == "SipMediaApplicationDialIn"

    def test_leaves_values_changed_by_someone_else(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER, name="renamed by hand", calling_name="Acme Support")
        response = invoke("Delete", full(), physical_id=NUMBER)
        assert response["Status"] == "SUCCESS"
        assert updates(chime) == [(NUMBER, {"CallingName": ""})]
        assert chime.number(NUMBER)["Name"] == "renamed by hand"

    def test_number_gone_is_success(self, chime: ChimeBackend, invoke: Invoker) -> None:
        response = invoke("Delete", full(), physical_id=NUMBER)
        assert response["Status"] == "SUCCESS"
        assert updates(chime) == []

    def test_pending_calling_name_is_a_warning_not_a_failure(
        self, chime: ChimeBackend, invoke: Invoker, caplog: pytest.LogCaptureFixture
    ) -> None:
        chime.seed_number(NUMBER, name="front desk", calling_name="Acme Support")
        chime.force_calling_name_status(NUMBER, "UpdateInProgress")
        response = invoke("Delete", full(), physical_id=NUMBER)
        assert response["Status"] == "SUCCESS"
        assert updates(chime) == [(NUMBER, {"Name": ""})]
        assert any(
            r.levelname == "WARNING" and "still pending" in r.getMessage() for r in caplog.records
        )

    def test_refused_call_is_a_warning_not_a_failure(
        self, chime: ChimeBackend, invoke: Invoker, caplog: pytest.LogCaptureFixture
    ) -> None:
        chime.seed_number(NUMBER, calling_name="Acme Support")
        chime.inject_faults(403, times=1, operation="UpdatePhoneNumber", code="ForbiddenException")
        response = invoke("Delete", full(), physical_id=NUMBER)
        assert response["Status"] == "SUCCESS"
        assert any(
            r.levelname == "WARNING" and "ForbiddenException" in r.getMessage()
            for r in caplog.records
        )

    def test_invalid_properties_delete_without_calls(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        response = invoke(
            "Delete", {"PhoneNumberId": "garbage", "CallingName": "x"}, physical_id="garbage"
        )
        assert response["Status"] == "SUCCESS"
        assert chime.calls() == []

    def test_delete_does_not_sleep_two_minutes(self, chime: ChimeBackend, invoke: Invoker) -> None:
        import time

        chime.seed_number(NUMBER)
        started = time.monotonic()
        response = invoke("Delete", full(), physical_id=NUMBER, timeout_seconds=300)
        assert response["Status"] == "SUCCESS"
        assert time.monotonic() - started < 60  # crhelper's default would sleep 120 s


class TestNamespacesAndRegions:
    def test_legacy_namespace_signs_for_us_east_1(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER)
        response = invoke(
            "Create",
            {
                "PhoneNumberId": NUMBER,
                "ProductType": "BusinessCalling",
                "CallingName": "Acme",
                "Namespace": "chime",
            },
        )
        assert response["Status"] == "SUCCESS", response["Reason"]
        assert {(c.namespace, c.region) for c in chime.calls()} == {("chime", "us-east-1")}
        assert "Name" not in response["Data"]
        assert response["Data"]["ProductType"] == "BusinessCalling"

    def test_voice_namespace_uses_the_lambda_region(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER)
        invoke("Create", {"PhoneNumberId": NUMBER, "Name": "desk"})
        assert {(c.namespace, c.region) for c in chime.calls()} == {
            ("chime-sdk-voice", "us-west-2")
        }

    def test_region_property_picks_the_signed_region(
        self, chime: ChimeBackend, invoke: Invoker
    ) -> None:
        chime.seed_number(NUMBER)
        response = invoke(
            "Create", {"PhoneNumberId": NUMBER, "Name": "desk", "Region": "eu-central-1"}
        )
        assert response["Status"] == "SUCCESS"
        assert {(c.namespace, c.region) for c in chime.calls()} == {
            ("chime-sdk-voice", "eu-central-1")
        }


def test_response_stays_under_cloudformation_limit(chime: ChimeBackend, invoke: Invoker) -> None:
    import json

    longest_name = " ".join(["abcdefghij"] * 23)[:256].strip()
    chime.seed_number(NUMBER)
    event = invoke.event("Create", full(Name=longest_name), logical_id="L" * 255)
    response = invoke.send(event)
    assert response["Status"] == "SUCCESS", response["Reason"]
    assert len(json.dumps(response).encode()) < 4096
