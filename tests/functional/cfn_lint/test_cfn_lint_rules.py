"""The cfn-lint rules as cfn-lint loads and runs them (in process): each mistake at its line."""

from __future__ import annotations

from typing import Any

from phone_number_settings_core.rules import RESOURCE_TYPE
from tests.lint_expectations import BRANCHES, MISTAKES, RULES_MODULE, expected_findings

OUR_RULES = {"E9101", "E9102", "W9101"}


def rules_from(append: str) -> Any:
    """Our rules only, loaded the way ``cfn-lint --append-rules`` loads them."""
    from cfnlint.rules import RulesCollection

    rules = RulesCollection()
    rules.create_from_module(append)
    return rules


def lint(text: str, rules: Any, regions: list[str] | None = None) -> set[tuple[int, str]]:
    return {(match.linenumber, match.rule.id) for match in matches(text, rules, regions)}


def matches(text: str, rules: Any, regions: list[str] | None = None) -> list[Any]:
    from cfnlint.api import lint as cfn_lint

    return list(cfn_lint(text, rules, regions))


def test_the_module_path_loads_exactly_our_three_rules() -> None:
    assert sorted(rule.id for rule in rules_from(RULES_MODULE)) == sorted(OUR_RULES)


def test_each_mistake_is_found_at_its_line_and_nothing_else() -> None:
    expected = expected_findings()
    assert len(expected) >= 10  # the file's own markers were read
    assert lint(MISTAKES.read_text(), rules_from(RULES_MODULE)) == expected


def test_each_branch_parameter_and_condition_is_checked_at_its_line() -> None:
    expected = expected_findings(BRANCHES)
    assert {rule for _, rule in expected} == OUR_RULES
    assert lint(BRANCHES.read_text(), rules_from(RULES_MODULE)) == expected


def test_the_regions_linted_decide_where_a_number_without_region_is() -> None:
    # SameNumberAgain (Region us-east-1) meets Valid (no Region) only when linted for us-east-1.
    text = MISTAKES.read_text()
    findings = lint(text, rules_from(RULES_MODULE), ["eu-west-1"])
    assert "E9102" not in {rule for _, rule in findings}


def test_resources_of_other_types_are_left_alone() -> None:
    text = f"""
Resources:
  Other:
    Type: Custom::SomethingElse
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:x
      PhoneNumberId: not a number
  Ours:
    Type: {RESOURCE_TYPE}
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:x
      PhoneNumberId: not a number
      CallingName: Acme
"""
    assert lint(text, rules_from(RULES_MODULE)) == {(12, "E9101")}
