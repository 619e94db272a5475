"""``plan`` output: the JSON shape, the table, exit codes, numbers declared twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from tests.functional.cli.plan_support import (
    NUMBER,
    OTHER,
    only,
    plan,
    plan_template,
    write,
)


class TestOutputAndExitCodes:
    def test_json_shape(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, product_type="VoiceConnector", calling_name="Acme")
        result = plan_template(
            capsys,
            tmp_path,
            ("Line", {"PhoneNumberId": NUMBER, "ProductType": "SipMediaApplicationDialIn"}),
            ("Missing", {"PhoneNumberId": OTHER, "Name": "desk"}),
        )
        document = result.json()
        assert result.code == 1
        assert document["format_version"] == 1
        assert document["exit_code"] == 1
        assert document["summary"] == {
            "resources": 2,
            "calls": 1,
            "no_change": 0,
            "change": 1,
            "known_at_deploy": 0,
            "blocked": 0,
            "invalid": 0,
            "not_found": 1,
            "error": 0,
            "warnings": 0,
        }
        line = document["resources"][0]
        assert line == {
            "stack": "Telephony",
            "logical_id": "Line",
            "source": str(tmp_path / "Telephony.template.json"),
            "condition": None,
            "construct_path": None,
            "status": "change",
            "reason": None,
            "problems": [],
            "phone_number_id": NUMBER,
            "namespace": "chime-sdk-voice",
            "region": "us-west-2",
            "live": {
                "product_type": "VoiceConnector",
                "name": None,
                "calling_name": "Acme",
                "calling_name_status": "UpdateSucceeded",
                "type": "Local",
                "country": "US",
                "status": "Unassigned",
            },
            "details": [
                {
                    "detail": "ProductType",
                    "live": "VoiceConnector",
                    "declared": "SipMediaApplicationDialIn",
                    "state": "change",
                    "expression": None,
                }
            ],
            "calls": [
                {
                    "operation": "UpdatePhoneNumber",
                    "phone_number_id": NUMBER,
                    "detail": "ProductType",
                    "value": "SipMediaApplicationDialIn",
                }
            ],
            "notes": [],
            "warnings": [],
        }
        assert set(document["resources"][1]) == set(line)

    def test_template_without_the_resource_type_exits_0(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = write(tmp_path / "t.json", {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}})
        result = plan(capsys, "--template", str(path))
        assert result.code == 0
        assert "No Custom::PhoneNumberSettings resources found." in result.out

    @pytest.mark.parametrize(
        ("argv", "words"),
        [
            (["--template", "does/not/exist.json"], "cannot read template"),
            (["--app", "does/not/exist"], "cannot read cloud assembly manifest"),
            ([], "one of the arguments --app --template is required"),
            (["--template", "a.json", "--app", "cdk.out"], "not allowed with argument"),
            (["--template", "a.json", "--concurrency", "0"], "must be from 1 to 64"),
            (["--template", "a.json", "--timeout", "soon"], "not a number of seconds"),
            (["--template", "a.json", "--parameter", "Team"], "not KEY=VALUE: 'Team'"),
            (["--template", "a.json", "--parameter", "=x"], "not KEY=VALUE: '=x'"),
        ],
    )
    def test_bad_arguments_and_paths_exit_1_not_2(
        self, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
    ) -> None:
        result = plan(capsys, *argv)
        assert result.code == 1
        assert words in result.err

    def test_neither_json_nor_yaml_exits_1(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        path = tmp_path / "t.yaml"
        path.write_text("Resources:\n  Line: [Type: Custom::PhoneNumberSettings\n")
        result = plan(capsys, "--template", str(path))
        assert result.code == 1
        assert "t.yaml: not a JSON or YAML template (" in result.err
        assert result.out == ""

    def test_help_exits_0(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert plan(capsys, "--help").code == 0

    def test_unreadable_service_is_an_error_not_a_crash(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER)
        chime.inject_faults(403, times=1, operation="GetPhoneNumber", code="AccessDeniedException")
        result = plan_template(capsys, tmp_path, ("Line", {"PhoneNumberId": NUMBER, "Name": "d"}))
        assert result.code == 1
        resource = only(result)
        assert resource["status"] == "error"
        assert "AccessDeniedException" in resource["reason"]

    def test_values_are_not_logged(
        self,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        # botocore's own DEBUG lines carry bodies; the plan never turns them on. Ours:
        caplog.set_level("DEBUG", logger="phone_number_settings_chime")
        caplog.set_level("DEBUG", logger="phone_number_settings_cli")
        chime.seed_number(NUMBER, name="secretname", calling_name="Secret Old")
        result = plan_template(
            capsys, tmp_path, ("Line", {"PhoneNumberId": NUMBER, "CallingName": "Secret New"})
        )
        assert result.code == 2
        ours = [r for r in caplog.records if r.name.startswith("phone_number_settings")]
        assert ours  # the gateway's one line per call
        for text in ("secretname", "Secret Old", "Secret New"):
            assert all(text not in r.getMessage() for r in ours)
        assert "Secret New" in result.out  # shown to the user, as asked


class TestDeclaredTwice:
    def test_a_number_declared_twice_is_invalid_in_both_places_and_not_read(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER)
        result = plan_template(
            capsys,
            tmp_path,
            ("Support", {"PhoneNumberId": NUMBER, "Name": "a"}),
            ("Other", {"PhoneNumberId": "+12065550199", "Name": "b"}),
            ("Again", {"PhoneNumberId": NUMBER, "CallingName": "Acme", "Region": "us-west-2"}),
        )
        assert result.code == 1
        statuses = {r["logical_id"]: (r["status"], r["reason"]) for r in result.json()["resources"]}
        reason = (
            f"PhoneNumberId {NUMBER} (chime-sdk-voice, us-west-2) is declared by 2 resources: "
            "Telephony/Support, Telephony/Again; each deploy would undo the other's settings. "
            "Declare each number once"
        )
        assert statuses["Support"] == ("invalid", reason)
        assert statuses["Again"] == ("invalid", reason)
        assert statuses["Other"][0] == "not_found"
        assert [c.phone_number_id for c in chime.calls()] == ["+12065550199"]
