"""What the cfn-lint rules check on the ``Custom::PhoneNumberSettings`` resources of a template.

Plain functions over decoded template values (cfn-lint is not imported here), using the
handler's own rules module. Values CloudFormation resolves at deploy (intrinsic functions,
dynamic references) are skipped, as the construct skips CDK tokens and the plan shows them
as known at deploy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from phone_number_settings_core.duplicates import NumberKey, declared_twice
from phone_number_settings_core.errors import InvalidPropertyError
from phone_number_settings_core.model import DeclaredSettings
from phone_number_settings_core.properties import KnownOnlyAtDeployError, parse_properties
from phone_number_settings_core.rules import (
    DETAILS_IN_CALL_ORDER,
    PHONE_NUMBER_ID,
    check_properties,
    unknown_properties,
)
from phone_number_settings_templates.reader import TemplateResource, as_passed, resolved_at_deploy

UNQUOTED_NUMBER_HINT: Final = (
    " (YAML reads an unquoted +12065550100 as a number and drops the +: quote it)"
)


@dataclass(frozen=True)
class Problem:
    """A broken rule, at the property it concerns (None: the Properties object itself)."""

    key: str | None
    message: str


class _SetAside:
    """Stands in for a value already reported, so that the next check skips it."""


_SET_ASIDE: Final = _SetAside()


def _unresolved(value: object) -> bool:
    return value is _SET_ASIDE or resolved_at_deploy(value)


def property_problems(properties: object) -> list[Problem]:
    """Every rule ``properties`` break, not only the first.

    ``check_properties`` stops at the first broken rule; each one found is reported, its
    value set aside (treated as not known), and the check runs again.
    """
    if resolved_at_deploy(properties):
        return []
    if not isinstance(properties, Mapping):
        return [Problem(None, "Properties: must be an object of named properties")]
    passed = as_passed(properties)
    assert isinstance(passed, Mapping)
    remaining = dict(passed)
    problems: list[Problem] = []
    # Each round sets aside or removes a key, so the rounds are bounded by the keys.
    for _ in range(len(remaining) + 1):
        try:
            check_properties(remaining, is_unresolved=_unresolved)
        except InvalidPropertyError as error:
            key = error.property_name
            unknown = unknown_properties(remaining)
            if unknown:
                problems.extend(Problem(name, f"{name}: {error.rule}") for name in unknown)
                for name in unknown:
                    del remaining[name]
            elif key not in remaining:  # required keys missing: nothing more to check
                problems.append(Problem(None, str(error)))
                break
            elif remaining[key] is not _SET_ASIDE:
                hint = (
                    UNQUOTED_NUMBER_HINT
                    if key == PHONE_NUMBER_ID and isinstance(properties[key], int | float)
                    else ""
                )
                problems.append(Problem(key, f"{error}{hint}"))
                remaining[key] = _SET_ASIDE
            else:
                # A rule that holds whatever the value (Name under Namespace chime): the key
                # goes, so that the rules after it are checked too, with a stand-in detail
                # (skipped like the set-aside values) when it was the only one.
                del remaining[key]
                if not any(detail in remaining for detail in DETAILS_IN_CALL_ORDER):
                    stand_in = next(detail for detail in DETAILS_IN_CALL_ORDER if detail != key)
                    remaining[stand_in] = _SET_ASIDE
        else:
            break
    return problems


def duplicate_numbers(
    resources: Sequence[TemplateResource], regions: Sequence[str]
) -> list[tuple[str, str]]:
    """(logical id, message) for each resource declaring a number declared before it.

    The same PhoneNumberId, Namespace and Region: the two resources would overwrite each
    other's settings, and deleting one would clear what the other set. A resource without
    Region is in the stack's Region, each of ``regions`` in turn. Resources whose number,
    namespace or region is known only at deploy, or that break a rule, are not compared;
    nor are resources under different Conditions (they may never exist together).
    """
    found: dict[str, str] = {}
    for region in regions:
        claims = [
            ((NumberKey.of(desired), resource.condition), resource.logical_id)
            for resource in resources
            if (desired := _comparable(resource, region)) is not None
        ]
        twice = declared_twice(claims)
        for claim, logical_id in claims:
            owners = twice.get(claim, ())
            if owners and owners[0] != logical_id:
                key, first = claim[0], owners[0]
                found.setdefault(
                    logical_id,
                    f"{PHONE_NUMBER_ID}: {key.phone_number_id} ({key.namespace}, {key.region}) "
                    f"is also declared by {first}; the two resources would overwrite each "
                    "other's settings",
                )
    return list(found.items())


def _comparable(resource: TemplateResource, region: str) -> DeclaredSettings | None:
    """The resource's settings in ``region``; None if it breaks a rule or waits on the deploy."""
    try:
        return parse_properties(
            as_passed(resource.properties),
            default_region=region,
            is_unresolved=resolved_at_deploy,
        )
    except (InvalidPropertyError, KnownOnlyAtDeployError):
        return None
