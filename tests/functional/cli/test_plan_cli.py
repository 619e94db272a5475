"""``phone-number-settings plan`` against the fake Chime service: what a deploy would do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from phone_number_settings_fakes.chime import ChimeBackend, NumberKind
from tests.functional.cli.plan_support import (
    FULL,
    LONDON,
    NUMBER,
    OTHER,
    TOLL_FREE,
    calls_of,
    only,
    plan,
    plan_template,
    write,
)
from tests.functional.conftest import seed_matching


class TestPlan:
    def test_matching_number_plans_no_change_and_exits_0(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # GIVEN a number that already has every declared detail
        seed_matching(chime)
        # WHEN planned
        result = plan_template(capsys, tmp_path, ("SupportLine", FULL), json_output=False)
        # THEN nothing to change, after one GetPhoneNumber
        assert result.code == 0, result
        assert "Telephony/SupportLine: no change" in result.out
        assert "calls a deploy would make: none" in result.out
        assert "Exit code 0: nothing to change." in result.out
        assert [c.operation for c in chime.calls()] == ["GetPhoneNumber"]

    def test_each_changed_detail_is_one_call_in_deploy_order(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, product_type="VoiceConnector", name="lobby", calling_name="Old")
        result = plan_template(capsys, tmp_path, ("SupportLine", FULL))
        assert result.code == 2
        resource = only(result)
        assert resource["status"] == "change"
        assert calls_of(resource) == [
            ("ProductType", "SipMediaApplicationDialIn"),
            ("Name", "front desk"),
            ("CallingName", "Acme Support"),
        ]
        assert [
            (d["detail"], d["live"], d["declared"], d["state"]) for d in resource["details"]
        ] == [
            ("ProductType", "VoiceConnector", "SipMediaApplicationDialIn", "change"),
            ("Name", "lobby", "front desk", "change"),
            ("CallingName", "Old", "Acme Support", "change"),
        ]

    @pytest.mark.parametrize(
        ("detail", "live", "declared"),
        [
            ("ProductType", {"product_type": "VoiceConnector"}, "SipMediaApplicationDialIn"),
            ("Name", {"name": "lobby"}, "front desk"),
            ("CallingName", {"calling_name": "Old Name"}, "Acme Support"),
            ("CallingName", {"calling_name": "Old Name"}, ""),
        ],
    )
    def test_one_changed_detail_is_drift_exit_2(
        self,
        *,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        detail: str,
        live: dict[str, Any],
        declared: str,
    ) -> None:
        # GIVEN a number someone changed by hand in one detail
        chime.seed_number(NUMBER, **live)
        # WHEN planned in the table form
        result = plan_template(
            capsys,
            tmp_path,
            ("Line", {"PhoneNumberId": NUMBER, detail: declared}),
            json_output=False,
        )
        # THEN exit 2 and the one call that puts it back
        assert result.code == 2, result
        value = next(iter(live.values()))
        assert f'{detail}  "{value}" -> {json.dumps(declared)}   (change)' in result.out
        assert f"1. UpdatePhoneNumber {NUMBER} {detail}={json.dumps(declared)}" in result.out
        assert "2. UpdatePhoneNumber" not in result.out

    def test_pending_calling_name_blocks_the_deploy(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, calling_name="Old Name")
        chime.force_calling_name_status(NUMBER, "UpdateInProgress")
        result = plan_template(
            capsys, tmp_path, ("Line", {"PhoneNumberId": NUMBER, "CallingName": "Acme Support"})
        )
        assert result.code == 1
        resource = only(result)
        assert resource["status"] == "blocked"
        assert "pending" in resource["reason"]
        assert resource["calls"] == []
        assert resource["live"]["calling_name_status"] == "UpdateInProgress"

    def test_pending_calling_name_does_not_block_other_details(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, calling_name="Acme Support", name="lobby")
        chime.force_calling_name_status(NUMBER, "UpdateInProgress")
        result = plan_template(
            capsys,
            tmp_path,
            ("Line", {"PhoneNumberId": NUMBER, "CallingName": "Acme Support", "Name": "desk"}),
        )
        assert result.code == 2
        assert calls_of(only(result)) == [("Name", "desk")]

    @pytest.mark.parametrize(
        ("number", "kind", "properties", "words"),
        [
            (TOLL_FREE, NumberKind.US_TOLL_FREE, {"CallingName": "Acme Support"}, "toll-free"),
            (
                TOLL_FREE,
                NumberKind.US_TOLL_FREE,
                {"Namespace": "chime", "ProductType": "BusinessCalling"},
                "BusinessCalling",
            ),
            (LONDON, NumberKind.NON_US, {"ProductType": "VoiceConnector"}, "outside the U.S."),
        ],
    )
    def test_live_rules_block_the_deploy(
        self,
        *,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        number: str,
        kind: NumberKind,
        properties: dict[str, str],
        words: str,
    ) -> None:
        chime.seed_number(number, kind=kind, product_type="SipMediaApplicationDialIn")
        result = plan_template(
            capsys, tmp_path, ("Line", {"PhoneNumberId": number, **properties}), json_output=False
        )
        assert result.code == 1
        assert "Telephony/Line: BLOCKED" in result.out
        assert words in result.out
        assert "calls a deploy would make" not in result.out
        assert "Exit code 1: a deploy would fail" in result.out

    def test_unknown_number_is_not_found(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        result = plan_template(capsys, tmp_path, ("Line", {"PhoneNumberId": NUMBER, "Name": "x1"}))
        assert result.code == 1
        resource = only(result)
        assert resource["status"] == "not_found"
        assert f"phone number {NUMBER} not found" in resource["reason"]

    @pytest.mark.parametrize(
        ("properties", "words"),
        [
            (
                {"PhoneNumberId": NUMBER, "CallingName": "Acme!"},
                "CallingName: character 5 is not a letter A-Z",
            ),
            ({"PhoneNumberId": "2065550100", "Name": "desk"}, "PhoneNumberId: must be an E.164"),
            ({"PhoneNumberId": NUMBER}, "at least one of these must be given"),
            ({"PhoneNumberId": NUMBER, "Name": "x", "Colour": "red"}, "Colour: unknown property"),
            (
                {"PhoneNumberId": NUMBER, "Namespace": "chime", "Name": "desk"},
                "only Namespace chime-sdk-voice supports Name",
            ),
            (
                {"PhoneNumberId": NUMBER, "Namespace": "chime", "Region": "eu-west-1", "Name": "d"},
                "Name: only Namespace",
            ),
        ],
    )
    def test_invalid_property_fails_without_a_read(
        self,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        properties: dict[str, str],
        words: str,
    ) -> None:
        chime.seed_number(NUMBER)
        result = plan_template(capsys, tmp_path, ("Line", properties))
        assert result.code == 1
        resource = only(result)
        assert resource["status"] == "invalid"
        assert words in resource["reason"]
        assert chime.calls() == []

    def test_properties_not_an_object_are_invalid(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        document = {
            "Resources": {"Line": {"Type": "Custom::PhoneNumberSettings", "Properties": ["x"]}}
        }
        path = write(tmp_path / "t.json", document)
        result = plan(capsys, "--template", str(path), "--json")
        assert result.code == 1
        assert only(result)["status"] == "invalid"


class TestKnownAtDeploy:
    def test_unresolved_detail_is_not_guessed_and_gets_no_call(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, product_type="VoiceConnector", calling_name="Old Name")
        properties = {
            "PhoneNumberId": NUMBER,
            "ProductType": "SipMediaApplicationDialIn",
            "CallingName": {"Fn::Join": ["", ["Acme ", {"Ref": "Team"}]]},
        }
        result = plan_template(capsys, tmp_path, ("Line", properties))
        assert result.code == 2
        resource = only(result)
        assert resource["status"] == "change"
        assert calls_of(resource) == [("ProductType", "SipMediaApplicationDialIn")]
        calling_name = resource["details"][1]
        assert calling_name == {
            "detail": "CallingName",
            "live": "Old Name",
            "declared": None,
            "state": "known_at_deploy",
            "expression": '{"Fn::Join":["",["Acme ",{"Ref":"Team"}]]}',
        }
        assert any("CallingName known at deploy" in note for note in resource["notes"])

    def test_only_unresolved_details_exit_2_without_calls(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, name="desk")
        properties = {"PhoneNumberId": NUMBER, "Name": {"Ref": "LineName"}}
        result = plan_template(capsys, tmp_path, ("Line", properties), json_output=False)
        assert result.code == 2
        assert "Telephony/Line: known at deploy" in result.out
        assert 'Name  "desk" -> (known at deploy: {"Ref":"LineName"})' in result.out
        assert [c.operation for c in chime.calls()] == ["GetPhoneNumber"]

    @pytest.mark.parametrize(
        "properties",
        [
            {"PhoneNumberId": {"Fn::GetAtt": ["Order", "PhoneNumberId"]}, "Name": "desk"},
            {"PhoneNumberId": NUMBER, "Namespace": {"Ref": "Api"}, "Name": "desk"},
            {"PhoneNumberId": NUMBER, "Region": {"Ref": "AWS::Region"}, "Name": "desk"},
        ],
    )
    def test_unresolved_number_namespace_or_region_means_no_read(
        self,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        properties: dict[str, Any],
    ) -> None:
        chime.seed_number(NUMBER)
        result = plan_template(capsys, tmp_path, ("Line", properties))
        assert result.code == 2
        resource = only(result)
        assert resource["status"] == "known_at_deploy"
        assert "known at deploy; the number was not read" in resource["reason"]
        assert resource["live"] is None
        assert chime.calls() == []

    def test_unresolved_region_of_legacy_namespace_still_reads_us_east_1(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, calling_name="Acme")
        properties = {
            "PhoneNumberId": NUMBER,
            "Namespace": "chime",
            "Region": {"Ref": "AWS::Region"},
            "CallingName": "Acme",
        }
        result = plan_template(capsys, tmp_path, ("Line", properties))
        assert result.code == 0
        assert [(c.namespace, c.region) for c in chime.calls()] == [("chime", "us-east-1")]


class TestRegionsAndNamespaces:
    def test_each_namespace_reads_its_own_api_and_region(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, calling_name="Acme")
        chime.seed_number(OTHER, name="desk")
        result = plan_template(
            capsys,
            tmp_path,
            ("Legacy", {"PhoneNumberId": NUMBER, "Namespace": "chime", "CallingName": "Acme"}),
            ("Voice", {"PhoneNumberId": OTHER, "Name": "desk", "Region": "eu-central-1"}),
            ("VoiceDefault", {"PhoneNumberId": OTHER, "Name": "desk"}),
        )
        assert result.code == 0
        reads = {(c.namespace, c.phone_number_id, c.region) for c in chime.calls()}
        assert reads == {
            ("chime", NUMBER, "us-east-1"),
            ("chime-sdk-voice", OTHER, "eu-central-1"),
            ("chime-sdk-voice", OTHER, "us-west-2"),  # AWS_REGION of aws_env
        }
        located = [(r["namespace"], r["region"]) for r in result.json()["resources"]]
        assert located == [
            ("chime", "us-east-1"),
            ("chime-sdk-voice", "eu-central-1"),
            ("chime-sdk-voice", "us-west-2"),
        ]

    def test_no_region_anywhere_is_an_error(
        self,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.delenv("AWS_REGION")
        monkeypatch.delenv("AWS_DEFAULT_REGION")
        result = plan_template(capsys, tmp_path, ("Line", {"PhoneNumberId": NUMBER, "Name": "d"}))
        assert result.code == 1
        resource = only(result)
        assert resource["status"] == "error"
        assert resource["reason"].startswith("region not known")
        assert chime.calls() == []
