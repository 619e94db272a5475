"""The two rules: each resource's properties, and a number declared by two resources.

Both report at the line of the property concerned. The checks live in
``phone_number_settings_cfn_lint.checks``; these classes only walk cfn-lint's template.
"""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from phone_number_settings_cfn_lint.checks import duplicate_numbers, property_problems
from phone_number_settings_core.rules import PHONE_NUMBER_ID, RESOURCE_TYPE
from phone_number_settings_templates.reader import TemplateResource

_TAGS = ["resources", "custom", "phone-number-settings"]


def _declared(cfn: Any) -> list[TemplateResource]:
    declared = []
    for logical_id, resource in cfn.get_resources([RESOURCE_TYPE]).items():
        condition = resource.get("Condition")
        declared.append(
            TemplateResource(
                logical_id=str(logical_id),
                properties=resource.get("Properties", {}),
                condition=condition if isinstance(condition, str) else None,
            )
        )
    return declared


def _properties_path(cfn: Any, logical_id: str) -> list[str]:
    resource = cfn.template["Resources"][logical_id]
    if "Properties" in resource:
        return ["Resources", logical_id, "Properties"]
    return ["Resources", logical_id]


class PhoneNumberSettingsProperties(CloudFormationLintRule):  # type: ignore[misc]
    """Unknown keys, patterns, enums and namespace rules, as the handler checks them."""

    id = "E9101"
    shortdesc = "Custom::PhoneNumberSettings properties follow the handler's rules"
    description = (
        "Checks each Custom::PhoneNumberSettings with the rules the handler applies at "
        "deploy: known keys only, PhoneNumberId in E.164 form, CallingName and Name "
        "patterns, ProductType and Namespace values, what each namespace allows. Values "
        "that are intrinsic functions or dynamic references are skipped."
    )
    source_url = ""
    tags = _TAGS

    def match(self, cfn: Any) -> list[RuleMatch]:
        matches = []
        for resource in _declared(cfn):
            path = _properties_path(cfn, resource.logical_id)
            for problem in property_problems(resource.properties):
                where = [*path, problem.key] if problem.key is not None else path
                matches.append(RuleMatch(where, problem.message))
        return matches


class PhoneNumberDeclaredTwice(CloudFormationLintRule):  # type: ignore[misc]
    """Two resources for the same number, namespace and Region overwrite each other."""

    id = "E9102"
    shortdesc = "A phone number is declared by one Custom::PhoneNumberSettings only"
    description = (
        "Two Custom::PhoneNumberSettings resources with the same PhoneNumberId, Namespace "
        "and Region would overwrite each other's settings, and deleting one would clear "
        "what the other set. A resource without Region counts as in each Region linted."
    )
    source_url = ""
    tags = _TAGS

    def match(self, cfn: Any) -> list[RuleMatch]:
        return [
            RuleMatch([*_properties_path(cfn, logical_id), PHONE_NUMBER_ID], message)
            for logical_id, message in duplicate_numbers(_declared(cfn), cfn.regions)
        ]
