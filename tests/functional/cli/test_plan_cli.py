"""``phone-number-settings plan`` against the fake Chime service: output, exit codes, load."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from phone_number_settings_chime.deadline import Deadline
from phone_number_settings_cli import main as cli
from phone_number_settings_cli.gateways import ReadOnlyGateways, configured_region
from phone_number_settings_cli.plan import NumberReader, ReaderFactory
from phone_number_settings_core.model import LivePhoneNumber
from phone_number_settings_core.rules import Namespace
from phone_number_settings_fakes.chime import ChimeBackend, NumberKind
from phone_number_settings_fakes.clock import SteppedClock
from phone_number_settings_templates.reader import load_template
from tests.functional.conftest import seed_matching

REPO_ROOT = Path(__file__).resolve().parents[3]
CONSOLE_SCRIPT = REPO_ROOT / ".venv" / "bin" / "phone-number-settings"
NUMBER = "+12065550100"
OTHER = "+12065550111"
TOLL_FREE = "+18005550100"
LONDON = "+442071838750"
SERVICE_TOKEN = {"Fn::GetAtt": ["ProviderFunction", "Arn"]}


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture(autouse=True)
def never_updates(chime: ChimeBackend, aws_env: dict[str, str]) -> Iterator[None]:
    """Every test: the plan is read-only, whatever it found."""
    yield
    assert chime.update_calls() == []


def template(*resources: tuple[str, dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "Resources": {
            logical_id: {
                "Type": "Custom::PhoneNumberSettings",
                "Properties": {"ServiceToken": SERVICE_TOKEN, **properties},
            }
            for logical_id, properties in resources
        }
        | extra,
    }


def write(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))
    return path


def plan(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    code = cli.main(["plan", *argv])
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def plan_template(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    *resources: tuple[str, dict[str, Any]],
    json_output: bool = True,
) -> Result:
    path = write(tmp_path / "Telephony.template.json", template(*resources))
    return plan(capsys, "--template", str(path), *(["--json"] if json_output else []))


def only(result: Result) -> dict[str, Any]:
    resources = result.json()["resources"]
    assert len(resources) == 1, resources
    resource: dict[str, Any] = resources[0]
    return resource


def calls_of(resource: dict[str, Any]) -> list[tuple[str, str]]:
    return [(call["detail"], call["value"]) for call in resource["calls"]]


FULL = {
    "PhoneNumberId": NUMBER,
    "ProductType": "SipMediaApplicationDialIn",
    "Name": "front desk",
    "CallingName": "Acme Support",
}


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


class TestCloudAssembly:
    def test_stacks_of_an_assembly_and_a_nested_one(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # GIVEN cdk.out with a stack in ap-southeast-2, one of unknown region, and a Stage
        out = tmp_path / "cdk.out"
        write(out / "Sydney.template.json", template(("A", {"PhoneNumberId": NUMBER, "Name": "a"})))
        write(
            out / "Anywhere.template.json", template(("B", {"PhoneNumberId": OTHER, "Name": "b"}))
        )
        write(
            out / "assembly-Prod" / "ProdTelephony.template.json",
            template(("C", {"PhoneNumberId": NUMBER, "Namespace": "chime", "CallingName": "Acme"})),
        )
        write(
            out / "manifest.json",
            {
                "version": "48.0.0",
                "artifacts": {
                    "Sydney": {
                        "type": "aws:cloudformation:stack",
                        "environment": "aws://123456789012/ap-southeast-2",
                        "properties": {"templateFile": "Sydney.template.json"},
                    },
                    "Anywhere": {
                        "type": "aws:cloudformation:stack",
                        "environment": "aws://unknown-account/unknown-region",
                        "properties": {
                            "templateFile": "Anywhere.template.json",
                            "stackName": "anywhere-stack",
                        },
                    },
                    "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
                    "assembly-Prod": {
                        "type": "cdk:cloud-assembly",
                        "properties": {"directoryName": "assembly-Prod", "displayName": "Prod"},
                    },
                },
            },
        )
        write(
            out / "assembly-Prod" / "manifest.json",
            {
                "version": "48.0.0",
                "artifacts": {
                    "ProdTelephony": {
                        "type": "aws:cloudformation:stack",
                        "environment": "aws://123456789012/eu-west-1",
                        "properties": {
                            "templateFile": "ProdTelephony.template.json",
                            "stackName": "Prod-Telephony",
                        },
                    }
                },
            },
        )
        chime.seed_number(NUMBER, name="a", calling_name="Acme")
        chime.seed_number(OTHER, name="b")
        # WHEN the assembly is planned
        result = plan(capsys, "--app", str(out), "--json")
        # THEN every stack's resource, each read in its stack's region
        assert result.code == 0, result
        located = [
            (r["stack"], r["logical_id"], r["region"], r["status"])
            for r in result.json()["resources"]
        ]
        assert located == [
            ("Sydney", "A", "ap-southeast-2", "no_change"),
            ("anywhere-stack", "B", "us-west-2", "no_change"),
            ("Prod-Telephony", "C", "us-east-1", "no_change"),
        ]
        assert sorted((c.phone_number_id, c.region) for c in chime.calls()) == [
            (NUMBER, "ap-southeast-2"),
            (NUMBER, "us-east-1"),
            (OTHER, "us-west-2"),
        ]

    def test_assembly_without_manifest_is_an_error(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        result = plan(capsys, "--app", str(tmp_path))
        assert result.code == 1
        assert "cannot read cloud assembly manifest" in result.err
        assert result.out == ""


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
        }
        line = document["resources"][0]
        assert line == {
            "stack": "Telephony",
            "logical_id": "Line",
            "source": str(tmp_path / "Telephony.template.json"),
            "condition": None,
            "status": "change",
            "reason": None,
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


class InFlight:
    """A ReaderFactory wrapper: holds reads back until ``bound`` are in flight at once.

    So a bounded pool reaches its bound whatever the timing, and ``most`` shows whether
    it ever went past it.
    """

    def __init__(self, inner: ReaderFactory, bound: int) -> None:
        self._inner = inner
        self._bound = bound
        self._condition = threading.Condition()
        self._released = False
        self.now = 0
        self.most = 0

    def __call__(self, namespace: Namespace, region: str) -> NumberReader:
        return _CountedReader(self, self._inner(namespace, region))

    def enter(self) -> None:
        with self._condition:
            self.now += 1
            self.most = max(self.most, self.now)
            if self.now >= self._bound:
                self._released = True
                self._condition.notify_all()
            self._condition.wait_for(lambda: self._released, timeout=10)

    def leave(self) -> None:
        with self._condition:
            self.now -= 1


@dataclass(frozen=True)
class _CountedReader:
    counter: InFlight
    inner: NumberReader

    def get(self, phone_number_id: str, deadline: Deadline) -> LivePhoneNumber:
        self.counter.enter()
        try:
            return self.inner.get(phone_number_id, deadline)
        finally:
            self.counter.leave()


def hundred_numbers(chime: ChimeBackend, tmp_path: Path) -> Path:
    numbers = [f"+1206555{index:04d}" for index in range(100)]
    for index, number in enumerate(numbers):
        chime.seed_number(number, name=f"line {index}" if index % 10 else "old")
    return write(
        tmp_path / "Fleet.template.json",
        template(
            *(
                (f"Line{index}", {"PhoneNumberId": n, "Name": f"line {index}"})
                for index, n in enumerate(numbers)
            )
        ),
    )


YAML_EXAMPLE = REPO_ROOT / "examples" / "cloudformation" / "phone-numbers.yaml"
SAM_EXAMPLE = REPO_ROOT / "examples" / "sam" / "template.yaml"
EXAMPLE_CALLS = [
    (
        "SupportLine",
        [("ProductType", "SipMediaApplicationDialIn"), ("CallingName", "Acme Support")],
    ),
    ("FrontDesk", [("CallingName", "Acme Front Desk")]),
    ("CampaignLine", [("Name", "Spring campaign")]),
]


def seed_example_numbers(chime: ChimeBackend) -> None:
    """The examples' three numbers, each a call or two away from what they declare."""
    chime.seed_number(NUMBER, product_type="VoiceConnector", name="Support line")
    chime.seed_number("+12065550101", product_type="BusinessCalling")
    chime.seed_number("+12065550102")


def without_sources(document: dict[str, Any]) -> dict[str, Any]:
    for resource in document["resources"]:
        resource.pop("source")
    return document


class TestYamlTemplates:
    def test_the_yaml_example_plans_exactly_as_the_same_template_in_json(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # GIVEN the YAML example (short forms, a parameter default) and the same as JSON
        seed_example_numbers(chime)
        as_json = write(tmp_path / "phone-numbers.json", dict(load_template(YAML_EXAMPLE)))
        # WHEN both are planned
        from_yaml = plan(capsys, "--template", str(YAML_EXAMPLE), "--json")
        from_json = plan(capsys, "--template", str(as_json), "--json")
        # THEN the same plan, and it is a real one: every number read, the calls diffed
        assert from_yaml.code == from_json.code == 2
        assert without_sources(from_yaml.json()) == without_sources(from_json.json())
        resources = from_yaml.json()["resources"]
        assert [(r["stack"], r["logical_id"]) for r in resources] == [
            ("phone-numbers", name) for name, _ in EXAMPLE_CALLS
        ]
        assert [(r["logical_id"], calls_of(r)) for r in resources] == EXAMPLE_CALLS
        # The !ImportValue ServiceToken is the provider's, not a value "known at deploy".
        assert {r["status"] for r in resources} == {"change"}
        reads = sorted((c.phone_number_id, c.namespace, c.region) for c in chime.calls())
        assert reads == sorted(
            2  # once per plan
            * [
                (NUMBER, "chime-sdk-voice", "us-west-2"),
                ("+12065550101", "chime", "us-east-1"),
                ("+12065550102", "chime-sdk-voice", "us-west-2"),
            ]
        )

    def test_a_given_parameter_takes_the_place_of_the_default(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str]
    ) -> None:
        seed_example_numbers(chime)
        result = plan(
            capsys,
            "--template", str(YAML_EXAMPLE),
            "--parameter", "CampaignName=Summer campaign",
            "--json",
        )  # fmt: skip
        (campaign,) = [r for r in result.json()["resources"] if r["logical_id"] == "CampaignLine"]
        assert calls_of(campaign) == [("Name", "Summer campaign")]

    def test_a_parameter_the_template_lacks_exits_1(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        result = plan(capsys, "--template", str(YAML_EXAMPLE), "--parameter", "Campaign=x")
        assert result.code == 1
        assert f"error: --parameter Campaign: not a parameter of {YAML_EXAMPLE}" in result.err

    def test_the_sam_example_plans_with_its_dynamic_reference_service_token(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str]
    ) -> None:
        seed_example_numbers(chime)
        result = plan(capsys, "--template", str(SAM_EXAMPLE), "--json")
        assert result.code == 2
        resources = result.json()["resources"]
        assert [(r["logical_id"], calls_of(r)) for r in resources] == EXAMPLE_CALLS

    def test_yaml_values_that_depend_on_the_deploy_stay_known_at_deploy(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, calling_name="Acme")
        path = tmp_path / "Telephony.yaml"
        path.write_text(
            "Parameters:\n"
            "  Team: {Type: String, Default: Support}\n"
            "Resources:\n"
            "  Line:\n"
            "    Type: Custom::PhoneNumberSettings\n"
            "    Properties:\n"
            "      ServiceToken: !ImportValue PhoneNumberSettings-ServiceToken\n"
            f'      PhoneNumberId: "{NUMBER}"\n'
            '      CallingName: !Sub "${Team} ${AWS::StackName}"\n'
            '      Name: "{{resolve:ssm:/acme/line-name}}"\n'
        )
        result = plan(capsys, "--template", str(path), "--json")
        assert result.code == 2
        resource = only(result)
        assert resource["status"] == "known_at_deploy"
        assert resource["calls"] == []
        assert [(d["detail"], d["state"], d["expression"]) for d in resource["details"]] == [
            ("Name", "known_at_deploy", '"{{resolve:ssm:/acme/line-name}}"'),
            ("CallingName", "known_at_deploy", '{"Fn::Sub":"${Team} ${AWS::StackName}"}'),
        ]


class TestLoad:
    def test_hundred_throttled_resources_under_the_concurrency_bound(
        self, chime: ChimeBackend, tmp_path: Path
    ) -> None:
        # GIVEN 100 resources, 10 of them drifted, and Chime throttling 30 reads
        path = hundred_numbers(chime, tmp_path)
        chime.inject_faults(429, times=30, code="ThrottledClientException")
        clock = SteppedClock()
        counter = InFlight(ReadOnlyGateways(timing=clock.timing()), bound=cli.DEFAULT_CONCURRENCY)
        out, err = io.StringIO(), io.StringIO()
        # WHEN planned with the default bound (4 reads at a time)
        code = cli.run(
            ["plan", "--template", str(path), "--json"],
            readers=lambda: counter,
            configured_region=configured_region,
            stdout=out,
            stderr=err,
            clock=clock,
        )
        # THEN every number was read despite throttling, never more than 4 at a time
        document = json.loads(out.getvalue())
        assert code == 2
        assert document["summary"]["change"] == 10
        assert document["summary"]["no_change"] == 90
        assert counter.most == cli.DEFAULT_CONCURRENCY == 4
        reads = chime.calls("GetPhoneNumber")
        assert sum(1 for c in reads if c.status == 200) == 100
        assert sum(1 for c in reads if c.status == 429) == 30
        assert clock.sleeps  # the throttled reads were retried after a backoff
        assert err.getvalue().splitlines() == [f"read {n}/100 numbers" for n in range(20, 101, 20)]

    def test_concurrency_flag_bounds_reads(self, chime: ChimeBackend, tmp_path: Path) -> None:
        path = hundred_numbers(chime, tmp_path)
        counter = InFlight(ReadOnlyGateways(), bound=2)
        out, err = io.StringIO(), io.StringIO()
        code = cli.run(
            ["plan", "--template", str(path), "--concurrency", "2"],
            readers=lambda: counter,
            configured_region=configured_region,
            stdout=out,
            stderr=err,
        )
        assert code == 2
        assert counter.most == 2
        assert "Plan: 100 resources: 90 no change, 10 change (10 UpdatePhoneNumber calls)." in (
            out.getvalue()
        )


def run_command(argv: list[str], aws_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A process with the test's AWS settings (the fakes) and no other AWS_* variable."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **aws_env}
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose connections are accepted (by the kernel) and never answered."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends


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


class TestNetworkEdge:
    """The plan meets a network that fails: quick, plain errors that name the endpoint."""

    @pytest.mark.parametrize("kind", ["closed port", "port that never answers"])
    def test_unreachable_endpoint_is_an_error_within_seconds(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        silent_port: int,
        kind: str,
    ) -> None:
        # GIVEN credentials and a region, but a Chime endpoint nobody answers on
        port = closed_port() if kind == "closed port" else silent_port
        endpoint = f"http://127.0.0.1:{port}/chime-sdk-voice"
        monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_VOICE", endpoint)
        # WHEN planned
        started = time.monotonic()
        result = plan_template(capsys, tmp_path, ("Line", {"PhoneNumberId": NUMBER, "Name": "a"}))
        # THEN an ERROR naming the endpoint and the cause, in seconds, not minutes
        assert time.monotonic() - started < 15
        assert result.code == 1
        resource = only(result)
        assert resource["status"] == "error"
        cause = "could not connect" if kind == "closed port" else "no answer within 3.0 s"
        assert resource["reason"] == (
            f"GetPhoneNumber on {NUMBER}: cannot reach Chime at {endpoint} ({cause}); "
            "gave up after 3 attempts within the plan's time budget (--timeout)"
        )
        assert "Lambda" not in result.out
        assert "deploy" not in resource["reason"]

    def test_no_credentials_is_said_in_plain_words(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
        result = plan_template(capsys, tmp_path, ("Line", {"PhoneNumberId": NUMBER, "Name": "a"}))
        assert result.code == 1
        assert only(result)["reason"] == (
            f"GetPhoneNumber on {NUMBER} failed: no AWS credentials found"
        )

    def test_throttling_is_retried_within_the_timeout_with_a_line_on_stderr(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, name="a")
        chime.inject_faults(429, times=100_000, code="ThrottledClientException")
        path = write(
            tmp_path / "T.template.json", template(("Line", {"PhoneNumberId": NUMBER, "Name": "a"}))
        )
        result = plan(capsys, "--template", str(path), "--json", "--timeout", "2")
        assert result.code == 1
        reason = only(result)["reason"]
        assert reason.startswith(f"GetPhoneNumber on {NUMBER}: Chime throttled; gave up after ")
        assert reason.endswith("attempts within the plan's time budget (--timeout)")
        assert result.err.splitlines()[0] == (
            "Chime throttled; retrying (the plan waits up to its --timeout)"
        )


class TestConsoleScript:
    def test_installed_console_script_and_module_against_the_fake(
        self, chime: ChimeBackend, aws_env: dict[str, str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, product_type="VoiceConnector")
        path = write(
            tmp_path / "Telephony.template.json",
            template(("Line", {"PhoneNumberId": NUMBER, "ProductType": "VoiceConnector"})),
        )
        for command in (
            [str(CONSOLE_SCRIPT)],
            [sys.executable, "-m", "phone_number_settings_cli"],
        ):
            done = run_command([*command, "plan", "--template", str(path)], aws_env)
            assert done.returncode == 0, done.stderr
            assert "Telephony/Line: no change" in done.stdout
        assert [(c.operation, c.region) for c in chime.calls()] == [
            ("GetPhoneNumber", "us-west-2"),
            ("GetPhoneNumber", "us-west-2"),
        ]

    def test_installed_console_script_plans_the_yaml_example(
        self, chime: ChimeBackend, aws_env: dict[str, str]
    ) -> None:
        seed_example_numbers(chime)
        done = run_command([str(CONSOLE_SCRIPT), "plan", "--template", str(YAML_EXAMPLE)], aws_env)
        assert done.returncode == 2, done.stderr
        assert "phone-numbers/CampaignLine: change" in done.stdout
        assert '1. UpdatePhoneNumber +12065550102 Name="Spring campaign"' in done.stdout
