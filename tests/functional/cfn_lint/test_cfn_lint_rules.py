"""The cfn-lint rules as cfn-lint loads and runs them (in process): each mistake at its line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from phone_number_settings_cfn_lint.checks import UNQUOTED_NUMBER_HINT
from phone_number_settings_core.rules import RESOURCE_TYPE
from tests.lint_expectations import BRANCHES, MISTAKES, ODD_SHAPES, RULES_MODULE, expected_findings

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


def test_odd_shapes_crash_nothing_and_are_reported_in_plain_words() -> None:
    from cfnlint.api import lint as cfn_lint
    from cfnlint.core import get_rules

    everything = get_rules([RULES_MODULE], [], [])
    found = cfn_lint(ODD_SHAPES.read_text(), everything)
    assert not [match for match in found if match.rule.id.startswith("E000")]
    ours = [match for match in found if match.rule.id in OUR_RULES]
    assert {(match.linenumber, match.rule.id) for match in ours} == expected_findings(ODD_SHAPES)
    assert not any("_node" in match.message for match in ours)


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


def test_the_quote_it_hint_appears_for_a_yaml_number_only(tmp_path: Path) -> None:
    from cfnlint.api import ManualArgs, lint_file

    def messages(name: str, text: str) -> list[str]:
        path = tmp_path / name
        path.write_text(text)
        found = lint_file(path, ManualArgs(append_rules=[RULES_MODULE]))
        return [match.message for match in found if match.rule.id == "E9101"]

    resource = {
        "Type": RESOURCE_TYPE,
        "Properties": {"ServiceToken": "arn", "PhoneNumberId": 12065550100, "Name": "desk"},
    }
    (in_json,) = messages("template.json", json.dumps({"Resources": {"Line": resource}}))
    assert in_json == (
        "PhoneNumberId: must be an E.164 number such as +12065550100 (pattern ^\\+[1-9][0-9]{1,14}$)"
    )
    yaml_text = (
        f"Resources:\n  Line:\n    Type: {RESOURCE_TYPE}\n    Properties:\n"
        "      ServiceToken: arn\n      Name: desk\n      PhoneNumberId: {}\n"
    )
    (in_yaml,) = messages("number.yaml", yaml_text.format("+12065550100"))
    assert in_yaml == in_json + UNQUOTED_NUMBER_HINT
    (boolean,) = messages("boolean.yaml", yaml_text.format("true"))
    assert boolean == in_json
