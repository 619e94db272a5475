"""The rules: each resource's properties (E9101, W9101), a number declared twice (E9102).

Each reports at the line the value is written on (the branch of an ``Fn::If``, the
property that references a parameter). The checks live in
``phone_number_settings_cfn_lint.checks``; these classes only read cfn-lint's template.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from phone_number_settings_cfn_lint.checks import (
    Finding,
    LintedResource,
    Severity,
    duplicate_findings,
    resource_findings,
)
from phone_number_settings_core.rules import RESOURCE_TYPE
from phone_number_settings_templates.branches import PathPart, TemplateValues
from phone_number_settings_templates.conditions import solver_of

_TAGS: Final = ["resources", "custom", "phone-number-settings"]
_JSON_SUFFIXES: Final = (".json",)


def _declared(cfn: Any) -> list[LintedResource]:
    declared = []
    for logical_id, resource in cfn.get_resources([RESOURCE_TYPE]).items():
        if not isinstance(resource, dict):
            continue
        condition = resource.get("Condition")
        declared.append(
            LintedResource(
                logical_id=str(logical_id),
                properties=resource.get("Properties", {}),
                condition=str(condition) if isinstance(condition, str) else None,
            )
        )
    return declared


def _properties_path(cfn: Any, logical_id: str) -> list[PathPart]:
    resource = cfn.template["Resources"][logical_id]
    if "Properties" in resource:
        return ["Resources", logical_id, "Properties"]
    return ["Resources", logical_id]


def _is_yaml(cfn: Any) -> bool:
    """False for a JSON template file; True for YAML, and when no file is named."""
    filename = getattr(cfn, "filename", None)
    if not isinstance(filename, str) or filename == "-":
        return True
    path = Path(filename)
    if path.suffix in _JSON_SUFFIXES:
        return False
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return True
    return False


def _findings(cfn: Any, severity: Severity) -> list[RuleMatch]:
    values = TemplateValues.of(cfn.template)
    can_hold = solver_of(cfn.conditions)
    yaml = _is_yaml(cfn)
    matches = []
    for resource in _declared(cfn):
        path = _properties_path(cfn, resource.logical_id)
        for finding in resource_findings(
            resource.properties,
            values,
            can_hold=can_hold,
            yaml=yaml,
            condition=resource.condition,
        ):
            if finding.severity is severity:
                matches.append(_match(path, finding))
    return matches


def _match(path: list[PathPart], finding: Finding) -> RuleMatch:
    return RuleMatch([*path, *finding.path], finding.message)


class _PhoneNumberSettingsRule(CloudFormationLintRule):  # type: ignore[misc]
    """What our rules share: their tags, and no page of their own."""

    source_url = ""
    tags = _TAGS


class _PropertiesRule(_PhoneNumberSettingsRule):
    """Reports the findings of one severity over each resource's properties."""

    severity = Severity.ERROR

    def match(self, cfn: Any) -> list[RuleMatch]:
        return _findings(cfn, self.severity)


class PhoneNumberSettingsProperties(_PropertiesRule):
    """Unknown keys, patterns, enums and namespace rules, as the handler checks them."""

    id = "E9101"
    shortdesc = "Custom::PhoneNumberSettings properties follow the handler's rules"
    description = (
        "Checks each Custom::PhoneNumberSettings with the rules the handler applies at "
        "deploy: known keys only, PhoneNumberId in E.164 form, CallingName and Name "
        "patterns, ProductType and Namespace values, what each namespace allows. Each "
        "branch of Fn::If is checked, and Fn::Sub, Fn::Join and Fn::FindInMap of literals; "
        "Ref AWS::NoValue is an absent property. Values known only at deploy are skipped."
    )


class PhoneNumberSettingsParameterValues(_PropertiesRule):
    """A parameter's Default or AllowedValue that a property would break a rule with."""

    id = "W9101"
    shortdesc = "Parameters referenced by Custom::PhoneNumberSettings have values it accepts"
    description = (
        "Checks the Default and each AllowedValue of a parameter that a "
        "Custom::PhoneNumberSettings property references with Ref, with the handler's "
        "rules: a deploy with that value would fail."
    )
    severity = Severity.WARNING


class PhoneNumberDeclaredTwice(_PhoneNumberSettingsRule):
    """Two resources for the same number, namespace and Region overwrite each other."""

    id = "E9102"
    shortdesc = "A phone number is declared by one Custom::PhoneNumberSettings only"
    description = (
        "Two Custom::PhoneNumberSettings resources with the same PhoneNumberId, Namespace "
        "and Region that can exist together (their Conditions can hold at once) would "
        "overwrite each other's settings, and deleting one would clear what the other "
        "set. A resource without Region counts as in each Region linted."
    )

    def match(self, cfn: Any) -> list[RuleMatch]:
        declared = _declared(cfn)
        if len(declared) < 2:
            return []
        found = duplicate_findings(
            declared,
            cfn.regions,
            TemplateValues.of(cfn.template),
            can_hold=solver_of(cfn.conditions),
        )
        return [_match(_properties_path(cfn, logical_id), finding) for logical_id, finding in found]
