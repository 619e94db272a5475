"""``plan --app`` warns of numbers moving across its stacks, from what CloudFormation holds.

The reads go to the CloudFormation API stand-in over real boto3 (ListStackResources by
stack name, every page); a CloudFormation that cannot be read never fails the plan.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.cloudformation.api_server import (
    LIST_STACK_RESOURCES,
    FakeCloudFormationServer,
)
from phone_number_settings_fakes.cloudformation.stacks import stack_arn
from tests.functional.cli.plan_support import (
    NUMBER,
    OTHER,
    Result,
    closed_port,
    plan,
    template,
    write,
)

CUSTOM = "Custom::PhoneNumberSettings"
GENERIC = "AWS::CloudFormation::CustomResource"
LINE = {"PhoneNumberId": NUMBER, "Name": "front desk"}
MOVE_WARNING = (
    f"{NUMBER} moves from stack Old to stack New: deploy Old first, or set RETAIN on its "
    "resource before moving; otherwise Old's cleanup clears what New sets"
)


@dataclass
class Scene:
    """One test's fake Chime, CloudFormation stand-in and cdk.out."""

    chime: ChimeBackend
    api: FakeCloudFormationServer
    capsys: pytest.CaptureFixture[str]
    out: Path

    def plan(self, *argv: str) -> Result:
        return plan(self.capsys, "--app", str(self.out), *argv)

    def assembly(self, stacks: dict[str, dict[str, Any]]) -> None:
        """cdk.out holds ``stacks`` (name -> template), each in us-west-2."""
        for name, document in stacks.items():
            write(self.out / f"{name}.template.json", document)
        write(
            self.out / "manifest.json",
            {
                "version": "48.0.0",
                "artifacts": {
                    name: {
                        "type": "aws:cloudformation:stack",
                        "environment": "aws://123456789012/us-west-2",
                        "properties": {"templateFile": f"{name}.template.json", "stackName": name},
                    }
                    for name in stacks
                },
            },
        )

    def moved_app(self) -> None:
        """Old no longer declares NUMBER; New now does. Old still declares OTHER."""
        self.chime.seed_number(NUMBER, name="front desk")
        self.chime.seed_number(OTHER, name="lobby")
        self.assembly(
            {
                "Old": template(("Lobby", {"PhoneNumberId": OTHER, "Name": "lobby"})),
                "New": template(("FrontDesk", LINE)),
            }
        )

    def deployed(self, name: str, *resources: tuple[str, str, str | None]) -> None:
        """A stack CloudFormation holds, UPDATE_COMPLETE, with (logical id, type, physical id)s."""
        stack_id = stack_arn("us-west-2", name)
        self.api.backend.add_stack(stack_id, name, "CREATE_IN_PROGRESS")
        for logical_id, resource_type, physical_id in resources:
            self.api.backend.set_resource(
                stack_id,
                logical_id,
                "CREATE_COMPLETE",
                resource_type=resource_type,
                physical_id=physical_id,
            )
        self.api.backend.set_stack_status(stack_id, "UPDATE_COMPLETE")

    def list_calls(self) -> list[tuple[str, str | None]]:
        calls = self.api.controls.calls(LIST_STACK_RESOURCES)
        return sorted((call.params["StackName"], call.region) for call in calls)


@pytest.fixture
def scene(
    chime: ChimeBackend,
    cloudformation_api_env: FakeCloudFormationServer,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> Scene:
    return Scene(chime, cloudformation_api_env, capsys, tmp_path / "cdk.out")


def warnings_of(result: Result) -> dict[tuple[str, str], list[str]]:
    return {(r["stack"], r["logical_id"]): r["warnings"] for r in result.json()["resources"]}


class TestMoves:
    def test_a_number_moving_across_stacks_is_warned_of_in_json_and_table(
        self, scene: Scene
    ) -> None:
        # GIVEN Old deployed with NUMBER (and OTHER); its new template drops NUMBER, New takes it
        scene.deployed("Old", ("FrontDesk", CUSTOM, NUMBER), ("Lobby", CUSTOM, OTHER))
        scene.moved_app()
        # WHEN planned, as JSON and as a table
        as_json = scene.plan("--json")
        as_table = scene.plan()
        # THEN New's resource carries the warning naming both stacks and the safe orders
        assert warnings_of(as_json) == {
            ("Old", "Lobby"): [],
            ("New", "FrontDesk"): [MOVE_WARNING],
        }
        assert as_json.json()["summary"]["warnings"] == 1
        assert f"  WARNING: {MOVE_WARNING}\n" in as_table.out
        assert "; 1 WARNING." in as_table.out
        # AND the exit code is still what a deploy would change: nothing here
        assert (as_json.code, as_table.code, as_json.json()["exit_code"]) == (0, 0, 0)
        assert (as_json.err, as_table.err) == ("", "")
        # AND each stack was listed by name, in its Region
        assert scene.list_calls() == 2 * [("New", "us-west-2")] + 2 * [("Old", "us-west-2")]

    def test_a_number_staying_in_its_stack_is_not_warned_of(self, scene: Scene) -> None:
        # GIVEN New already deployed with NUMBER under another logical id (a rename), Old
        # with OTHER, which it still declares
        scene.deployed("New", ("OldFrontDesk", CUSTOM, NUMBER))
        scene.deployed("Old", ("Lobby", CUSTOM, OTHER))
        scene.moved_app()
        # WHEN planned
        result = scene.plan("--json")
        # THEN no warning: a move within a stack keeps the settings
        assert result.code == 0, result
        assert warnings_of(result) == {("Old", "Lobby"): [], ("New", "FrontDesk"): []}
        assert result.json()["summary"]["warnings"] == 0
        assert result.err == ""

    def test_a_number_both_stacks_still_declare_is_not_a_move(self, scene: Scene) -> None:
        scene.deployed("Old", ("FrontDesk", CUSTOM, NUMBER))
        scene.chime.seed_number(NUMBER, name="front desk")
        scene.assembly(
            {"Old": template(("FrontDesk", LINE)), "New": template(("FrontDesk", LINE))},
        )
        result = scene.plan("--json")
        # The number declared twice is INVALID (exit 1) in both; it leaves neither stack.
        assert result.code == 1
        assert warnings_of(result) == {("Old", "FrontDesk"): [], ("New", "FrontDesk"): []}

    def test_a_generic_custom_resource_holding_the_number_counts_and_a_failed_create_does_not(
        self, scene: Scene
    ) -> None:
        # GIVEN Old holds NUMBER through AWS::CloudFormation::CustomResource, and a resource
        # whose Create failed (its PhysicalResourceId is not a number)
        scene.deployed(
            "Old",
            ("FrontDesk", GENERIC, NUMBER),
            ("Broken", CUSTOM, "phone-number-settings-not-created-1234"),
            ("Lobby", CUSTOM, OTHER),
        )
        scene.moved_app()
        result = scene.plan("--json")
        assert result.code == 0, result
        assert warnings_of(result) == {("Old", "Lobby"): [], ("New", "FrontDesk"): [MOVE_WARNING]}

    def test_a_stack_of_a_nested_assembly_that_now_declares_no_number_is_read_too(
        self, scene: Scene
    ) -> None:
        # GIVEN a Stage's stack Old, deployed with NUMBER, whose template now holds a topic only
        scene.deployed("Old", ("FrontDesk", CUSTOM, NUMBER))
        scene.chime.seed_number(NUMBER, name="front desk")
        scene.assembly({"New": template(("FrontDesk", LINE))})
        stage = scene.out / "assembly-Prod"
        write(stage / "Old.template.json", {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
        manifest = json.loads((scene.out / "manifest.json").read_text())
        manifest["artifacts"]["assembly-Prod"] = {
            "type": "cdk:cloud-assembly",
            "properties": {"directoryName": "assembly-Prod"},
        }
        write(scene.out / "manifest.json", manifest)
        write(
            stage / "manifest.json",
            {
                "version": "48.0.0",
                "artifacts": {
                    "Old": {
                        "type": "aws:cloudformation:stack",
                        "environment": "aws://unknown-account/unknown-region",
                        "properties": {"templateFile": "Old.template.json"},
                    }
                },
            },
        )
        # WHEN planned
        result = scene.plan("--json")
        # THEN Old was read in the configured Region, and the move is warned of
        assert warnings_of(result) == {("New", "FrontDesk"): [MOVE_WARNING]}
        assert scene.list_calls() == [("New", "us-west-2"), ("Old", "us-west-2")]

    def test_stacks_not_deployed_yet_are_new_and_warn_of_nothing(self, scene: Scene) -> None:
        # GIVEN neither stack exists in CloudFormation
        scene.moved_app()
        # WHEN planned
        result = scene.plan("--json")
        # THEN both were asked for, neither is an error, nothing is said on stderr
        assert result.code == 0, result
        assert result.err == ""
        assert warnings_of(result) == {("Old", "Lobby"): [], ("New", "FrontDesk"): []}
        assert scene.list_calls() == [("New", "us-west-2"), ("Old", "us-west-2")]
        assert all(
            call.error_code == "ValidationError"
            for call in scene.api.controls.calls(LIST_STACK_RESOURCES)
        )

    def test_every_page_of_a_large_stack_is_read(self, scene: Scene) -> None:
        # GIVEN Old holds NUMBER as its last resource, on the third page of two
        scene.api.backend.page_size = 2
        fillers = [(f"Topic{index}", "AWS::SNS::Topic", f"arn:topic:{index}") for index in range(4)]
        scene.deployed("Old", *fillers, ("Lobby", CUSTOM, OTHER), ("FrontDesk", CUSTOM, NUMBER))
        scene.moved_app()
        result = scene.plan("--json")
        assert warnings_of(result)[("New", "FrontDesk")] == [MOVE_WARNING]
        old_pages = [
            call.params.get("NextToken")
            for call in scene.api.controls.calls(LIST_STACK_RESOURCES)
            if call.params["StackName"] == "Old"
        ]
        assert len(old_pages) == 3
        assert old_pages[0] is None
        assert None not in old_pages[1:]

    def test_a_single_template_is_one_stack_and_cloudformation_is_not_asked(
        self, scene: Scene
    ) -> None:
        scene.chime.seed_number(NUMBER, name="front desk")
        path = write(scene.out / "New.template.json", template(("FrontDesk", LINE)))
        result = plan(scene.capsys, "--template", str(path), "--json")
        assert result.code == 0, result
        assert scene.api.controls.calls() == []


class TestCloudFormationNotRead:
    """The plan goes on without the move check, saying why in one line on stderr."""

    @pytest.mark.parametrize(
        ("fault", "notice"),
        [
            (
                "refuse",
                "moves across stacks not checked (ListStackResources answered AccessDenied for "
                "stack Old; 1 more stack not read)",
            ),
            (
                "throttle",
                "moves across stacks not checked (ListStackResources answered Throttling for "
                "stack Old; 1 more stack not read)",
            ),
        ],
    )
    def test_refused_or_throttled_reads_give_one_line_and_the_same_plan(
        self,
        *,
        scene: Scene,
        fault: str,
        notice: str,
    ) -> None:
        # GIVEN a move CloudFormation would show, were it readable
        scene.deployed("Old", ("FrontDesk", CUSTOM, NUMBER))
        scene.moved_app()
        # WHEN CloudFormation refuses every read, or throttles more than botocore retries
        if fault == "refuse":
            scene.api.controls.refuse(LIST_STACK_RESOURCES)
        else:
            scene.api.controls.throttle(times=100, action=LIST_STACK_RESOURCES)
        result = scene.plan("--json")
        # THEN the plan succeeds with its Chime output, and says once why moves were not checked
        assert result.code == 0, result
        assert result.err == notice + "\n"
        assert warnings_of(result) == {("Old", "Lobby"): [], ("New", "FrontDesk"): []}
        assert [r["status"] for r in result.json()["resources"]] == ["no_change", "no_change"]

    @pytest.mark.parametrize("kind", ["closed port", "port that never answers"])
    def test_an_unreachable_cloudformation_gives_one_line_and_the_same_plan(
        self,
        *,
        scene: Scene,
        monkeypatch: pytest.MonkeyPatch,
        silent_port: int,
        kind: str,
    ) -> None:
        scene.moved_app()
        reachable = scene.plan("--json", "--timeout", "2")
        port = closed_port() if kind == "closed port" else silent_port
        monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", f"https://127.0.0.1:{port}")
        result = scene.plan("--json", "--timeout", "2")
        # The plan waits for CloudFormation no longer than --timeout, when that is shorter
        # than MOVE_CHECK_SECONDS.
        cause = (
            "ListStackResources for stack Old: could not connect"
            if kind == "closed port"
            else "CloudFormation did not answer within 2 s for stack Old"
        )
        assert result.code == 0, result
        assert result.err == (f"moves across stacks not checked ({cause}; 1 more stack not read)\n")
        assert result.json() == reachable.json()

    def test_no_credentials_gives_one_line_and_the_same_plan_as_chime_gives(
        self,
        *,
        scene: Scene,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        scene.moved_app()
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
        result = scene.plan("--json")
        # Chime cannot be read either: each resource says so; the move check says it once.
        assert result.code == 1
        assert result.err == (
            "moves across stacks not checked (ListStackResources for stack Old: no AWS "
            "credentials found; 1 more stack not read)\n"
        )
        assert {r["status"] for r in result.json()["resources"]} == {"error"}
