"""Which numbers move across the stacks of a plan, and reading what the stacks deployed."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from phone_number_settings_cli.moves import (
    CloudFormationStacks,
    DeployedRead,
    DeployedReading,
    Move,
    deployed_numbers,
    moves_across_stacks,
    with_move_warnings,
)
from phone_number_settings_cli.plan import ResourcePlan, Status
from phone_number_settings_core.errors import StackResourcesUnavailableError
from phone_number_settings_templates.reader import AssemblyStack, TemplateResource

NUMBER = "+12065550100"
OTHER = "+12065550111"
OLD = AssemblyStack("Old", "us-west-2")
NEW = AssemblyStack("New", "us-west-2")
THIRD = AssemblyStack("Third", None)


class TestMovesAcrossStacks:
    def test_a_number_declared_by_one_stack_and_deployed_by_another_that_dropped_it(
        self,
    ) -> None:
        declared = {OLD: frozenset({OTHER}), NEW: frozenset({NUMBER})}
        deployed = {OLD: frozenset({NUMBER, OTHER}), NEW: frozenset()}
        assert moves_across_stacks(declared, deployed) == (Move(NUMBER, OLD, NEW),)

    def test_a_number_deployed_and_declared_by_the_same_stack_stays(self) -> None:
        declared = {OLD: frozenset(), NEW: frozenset({NUMBER})}
        assert moves_across_stacks(declared, {OLD: frozenset(), NEW: frozenset({NUMBER})}) == ()

    def test_a_number_the_old_stack_still_declares_is_not_a_move(self) -> None:
        declared = {OLD: frozenset({NUMBER}), NEW: frozenset({NUMBER})}
        assert moves_across_stacks(declared, {OLD: frozenset({NUMBER})}) == ()

    def test_a_stack_that_declares_nothing_may_be_missing_from_declared(self) -> None:
        declared = {NEW: frozenset({NUMBER})}
        assert moves_across_stacks(declared, {OLD: frozenset({NUMBER})}) == (
            Move(NUMBER, OLD, NEW),
        )

    def test_a_stack_not_read_shows_no_move(self) -> None:
        assert moves_across_stacks({OLD: frozenset(), NEW: frozenset({NUMBER})}, {}) == ()

    def test_a_number_still_deployed_by_two_stacks_moves_from_each(self) -> None:
        declared = {OLD: frozenset(), THIRD: frozenset(), NEW: frozenset({NUMBER})}
        deployed = {OLD: frozenset({NUMBER}), THIRD: frozenset({NUMBER})}
        assert moves_across_stacks(declared, deployed) == (
            Move(NUMBER, OLD, NEW),
            Move(NUMBER, THIRD, NEW),
        )

    def test_stacks_of_one_name_in_two_regions_are_two_stacks(self) -> None:
        sydney = AssemblyStack("Telephony", "ap-southeast-2")
        oregon = AssemblyStack("Telephony", "us-west-2")
        declared = {sydney: frozenset({NUMBER}), oregon: frozenset()}
        assert moves_across_stacks(declared, {oregon: frozenset({NUMBER})}) == (
            Move(NUMBER, oregon, sydney),
        )

    def test_the_message_names_both_stacks_and_the_safe_orders(self) -> None:
        assert Move(NUMBER, OLD, NEW).message() == (
            "+12065550100 moves from stack Old to stack New: deploy Old first, or set RETAIN "
            "on its resource before moving; otherwise Old's cleanup clears what New sets"
        )


class TestDeployedNumbers:
    def test_settings_resources_of_either_type_holding_a_number(self) -> None:
        summaries = [
            {"ResourceType": "Custom::PhoneNumberSettings", "PhysicalResourceId": NUMBER},
            {"ResourceType": "AWS::CloudFormation::CustomResource", "PhysicalResourceId": OTHER},
            {"ResourceType": "AWS::SNS::Topic", "PhysicalResourceId": "+12065550199"},
            {"ResourceType": "Custom::PhoneNumberSettings", "PhysicalResourceId": "not-created"},
            {"ResourceType": "Custom::PhoneNumberSettings"},
        ]
        assert deployed_numbers(summaries) == {NUMBER, OTHER}

    @pytest.mark.parametrize(
        ("status", "held"),
        [
            ("CREATE_COMPLETE", True),
            ("UPDATE_FAILED", True),
            ("DELETE_FAILED", True),
            ("DELETE_IN_PROGRESS", False),
            ("DELETE_COMPLETE", False),
            ("DELETE_SKIPPED", False),
        ],
    )
    def test_a_resource_on_its_way_out_holds_nothing(self, status: str, held: bool) -> None:
        summary = {
            "ResourceType": "Custom::PhoneNumberSettings",
            "PhysicalResourceId": NUMBER,
            "ResourceStatus": status,
        }
        assert deployed_numbers([summary]) == (frozenset({NUMBER}) if held else frozenset())


class Lister:
    """Answers from a table; blocks on ``release`` for a stack named in ``blocked``."""

    def __init__(self, answers: dict[str, frozenset[str] | Exception]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, str]] = []
        self.release = threading.Event()
        self.blocked: set[str] = set()

    def deployed(self, stack: str, region: str) -> frozenset[str]:
        self.asked.append((stack, region))
        if stack in self.blocked:
            self.release.wait(10)
        answer = self.answers[stack]
        if isinstance(answer, Exception):
            raise answer
        return answer


class TestDeployedRead:
    def test_each_stack_read_in_its_region_else_the_configured_one(self) -> None:
        lister = Lister({"Old": frozenset({NUMBER}), "Third": frozenset()})
        reading = DeployedRead([OLD, THIRD], lister, region=lambda: "eu-west-1").collect()
        assert reading == DeployedReading({OLD: frozenset({NUMBER}), THIRD: frozenset()})
        assert sorted(lister.asked) == [("Old", "us-west-2"), ("Third", "eu-west-1")]
        assert reading.notice() is None

    def test_a_stack_not_read_is_left_out_and_said_once(self) -> None:
        lister = Lister(
            {
                "Old": StackResourcesUnavailableError(
                    "ListStackResources answered AccessDenied for stack Old"
                ),
                "New": frozenset(),
                "Third": ValueError("odd"),
            }
        )
        reading = DeployedRead([OLD, NEW, THIRD], lister, region=lambda: "us-west-2").collect()
        assert reading.deployed == {NEW: frozenset()}
        assert reading.notice() == (
            "moves across stacks not checked (ListStackResources answered AccessDenied for "
            "stack Old; 1 more stack not read)"
        )
        assert reading.problems[1] == "unexpected ValueError reading stack Third"

    def test_collect_waits_no_longer_than_its_bound(self) -> None:
        lister = Lister({"Old": frozenset({NUMBER}), "New": frozenset()})
        lister.blocked.add("Old")
        try:
            reading = DeployedRead(
                [OLD, NEW], lister, region=lambda: "us-west-2", seconds=0.05
            ).collect()
        finally:
            lister.release.set()
        assert reading.deployed == {NEW: frozenset()}
        assert reading.notice() == (
            "moves across stacks not checked (CloudFormation did not answer within 0.05 s for "
            "stack Old)"
        )


def plan_of(stack: AssemblyStack, logical_id: str, number: str | None) -> ResourcePlan:
    declaration = TemplateResource(
        logical_id, {}, stack=stack.name, stack_region=stack.region, source=str(Path("t.json"))
    )
    return ResourcePlan(declaration, Status.NO_CHANGE, number)


class TestWithMoveWarnings:
    def test_the_declaration_the_number_moves_to_carries_the_warning(self) -> None:
        plans = (
            plan_of(OLD, "Lobby", OTHER),
            plan_of(NEW, "FrontDesk", NUMBER),
            plan_of(NEW, "Unknown", None),
        )
        reading = DeployedReading({OLD: frozenset({NUMBER, OTHER}), NEW: frozenset()})
        warned = with_move_warnings(plans, [OLD, NEW], reading)
        assert [plan.warnings for plan in warned] == [
            (),
            (Move(NUMBER, OLD, NEW).message(),),
            (),
        ]
        assert [plan.status for plan in warned] == [Status.NO_CHANGE] * 3

    def test_a_stack_of_the_assembly_without_declarations_declares_nothing(self) -> None:
        plans = (plan_of(NEW, "FrontDesk", NUMBER),)
        reading = DeployedReading({OLD: frozenset({NUMBER})})
        (warned,) = with_move_warnings(plans, [OLD, NEW], reading)
        assert warned.warnings == (Move(NUMBER, OLD, NEW).message(),)


def test_a_stack_without_a_region_is_not_read_and_says_why() -> None:
    with pytest.raises(StackResourcesUnavailableError, match=r"^no Region known for stack Old$"):
        CloudFormationStacks().deployed("Old", "")
