"""What the cfn-lint rules find on the ``Custom::PhoneNumberSettings`` resources of a template.

Plain functions over decoded template values (cfn-lint is not imported here), using the
handler's own rules module. Each reading of a resource's Properties is checked (every
branch of ``Fn::If``, literal functions, the Defaults and AllowedValues of the parameters
referenced: see ``phone_number_settings_templates.branches``). What CloudFormation resolves
only at deploy is skipped, as the construct skips CDK tokens and the plan shows it as known
at deploy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from phone_number_settings_core.duplicates import NumberKey
from phone_number_settings_core.properties import declared_number
from phone_number_settings_core.rules import (
    NAMESPACE,
    PHONE_NUMBER_ID,
    REGION,
)
from phone_number_settings_templates.branches import (
    Choice,
    Conditions,
    PathPart,
    Reading,
    Source,
    TemplateValues,
    always_holds,
    merged_conditions,
    readings,
)
from phone_number_settings_templates.problems import reading_problems, with_conditions
from phone_number_settings_templates.reader import as_passed, resolved_at_deploy

UNQUOTED_NUMBER_HINT: Final = (
    " (YAML reads an unquoted +12065550100 as a number and drops the +: quote it)"
)
_IDENTITY: Final = (PHONE_NUMBER_ID, NAMESPACE, REGION)


class Severity(StrEnum):
    ERROR = "error"  # E9101: the template as written breaks a rule
    WARNING = "warning"  # W9101: a parameter's Default or AllowedValue breaks a rule


@dataclass(frozen=True)
class Finding:
    """A broken rule, where it is written (a path from the resource's Properties)."""

    path: tuple[PathPart, ...]
    message: str
    severity: Severity = Severity.ERROR
    property: str | None = None  # None: the Properties object, or several properties


@dataclass(frozen=True)
class LintedResource:
    """One ``Custom::PhoneNumberSettings`` of the template linted."""

    logical_id: str
    properties: object = field(hash=False)
    condition: str | None = None


def resource_findings(
    properties: object,
    values: TemplateValues | None = None,
    *,
    can_hold: Callable[[Conditions], bool] = always_holds,
    yaml: bool = True,
    condition: str | None = None,
) -> list[Finding]:
    """Every rule each reading of ``properties`` breaks, once per place and message.

    ``yaml``: the template is YAML, where an unquoted +12065550100 is read as a number.
    ``condition``: the resource's Condition; branches that contradict it are not read.
    """
    within: Conditions = ((condition, True),) if condition else ()
    found: dict[tuple[tuple[PathPart, ...], str], Finding] = {}
    every_allowed: dict[tuple[tuple[PathPart, ...], str, str], set[object]] = {}
    for reading in readings(properties, values, can_hold=can_hold, within=within):
        for finding, allowed in _reading_findings(reading, yaml=yaml):
            if allowed is not None:
                where = (finding.path, allowed.parameter or "", finding.property or "")
                every_allowed.setdefault(where, set()).add(allowed.value)
            known = found.get((finding.path, finding.message))
            if known is None or known.severity is Severity.WARNING:
                found[(finding.path, finding.message)] = finding
    findings = list(found.values())
    findings.extend(_no_allowed_value_passes(every_allowed, values or TemplateValues()))
    return findings


def _reading_findings(reading: Reading, *, yaml: bool) -> Iterable[tuple[Finding, Choice | None]]:
    """Each problem of one reading, with the AllowedValue choice that caused it (if one)."""
    for found in reading_problems(reading):
        choice = found.choice
        if choice is None:  # where the Properties object is written
            yield Finding(reading.path, found.message()), None
            continue
        key = found.problem.property_name
        message = str(found.problem)
        if key == PHONE_NUMBER_ID and yaml and _is_number(choice.value):
            message += UNQUOTED_NUMBER_HINT
        parameters = [one for one in found.involved if one.source is not Source.TEMPLATE]
        for one in parameters:
            message += f" ({_parameter_source(one)})"
        severity = Severity.WARNING if parameters else Severity.ERROR
        message = with_conditions(message, found.conditions)
        allowed = choice if choice.source is Source.ALLOWED_VALUE and len(parameters) == 1 else None
        yield Finding(choice.path, message, severity, key), allowed


def _no_allowed_value_passes(
    every_allowed: Mapping[tuple[tuple[PathPart, ...], str, str], set[object]],
    values: TemplateValues,
) -> Iterable[Finding]:
    """An error where no AllowedValue of the parameter referenced passes the rules."""
    for (path, parameter, key), broken in every_allowed.items():
        declaration = values.parameters.get(parameter)
        allowed = declaration.get("AllowedValues") if isinstance(declaration, Mapping) else None
        if isinstance(allowed, list) and allowed and len(broken) >= len(set(map(str, allowed))):
            yield Finding(
                path,
                f"{key}: no AllowedValue of parameter {parameter} passes the rules "
                "(see the warnings here): a deploy would fail whatever value is given",
                property=key,
            )


def _parameter_source(choice: Choice) -> str:
    if choice.source is Source.DEFAULT:
        several = "s" if "," in (choice.parameter or "") else ""
        return f"the Default of parameter{several} {choice.parameter}"
    return f"an AllowedValue of parameter {choice.parameter}"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class _Claim:
    key: NumberKey
    logical_id: str
    path: tuple[PathPart, ...]
    conditions: Conditions


def duplicate_findings(
    resources: Sequence[LintedResource],
    regions: Sequence[str],
    values: TemplateValues | None = None,
    *,
    can_hold: Callable[[Conditions], bool] = always_holds,
) -> list[tuple[str, Finding]]:
    """(logical id, finding) for each resource declaring a number declared before it.

    The same PhoneNumberId, Namespace and Region in two resources that can exist together
    (their Conditions, and the Fn::If branches the values are in, can hold at once): they
    would overwrite each other's settings, and deleting one would clear what the other
    set. A resource without Region is in the stack's Region, each of ``regions`` in turn.
    Numbers from a parameter's value, or known only at deploy, are not compared; other
    broken rules do not hide a number declared twice.
    """
    found: dict[tuple[str, tuple[PathPart, ...]], Finding] = {}
    for region in regions:
        claims: dict[NumberKey, list[_Claim]] = {}
        for resource in resources:
            for claim in _claims(resource, region, values, can_hold):
                claims.setdefault(claim.key, []).append(claim)
        for same in claims.values():
            for index, later in enumerate(same):
                for earlier in same[:index]:
                    if earlier.logical_id == later.logical_id:
                        continue
                    together = _together(earlier.conditions, later.conditions, can_hold)
                    if together is None:
                        continue
                    key = later.key
                    message = (
                        f"{PHONE_NUMBER_ID}: {key.phone_number_id} ({key.namespace}, "
                        f"{key.region}) is also declared by {earlier.logical_id}; the two "
                        "resources would overwrite each other's settings"
                    )
                    found.setdefault(
                        (later.logical_id, later.path),
                        Finding(later.path, with_conditions(message, together)),
                    )
                    break
    return [(logical_id, finding) for (logical_id, _), finding in found.items()]


def _claims(
    resource: LintedResource,
    region: str,
    values: TemplateValues | None,
    can_hold: Callable[[Conditions], bool],
) -> Iterable[_Claim]:
    own: Conditions = ((resource.condition, True),) if resource.condition else ()
    seen: set[tuple[NumberKey, Conditions]] = set()
    for reading in readings(resource.properties, values, can_hold=can_hold, within=own):
        if not isinstance(reading.properties, Mapping):
            continue
        identity = [reading.choices[key] for key in _IDENTITY if key in reading.choices]
        if any(choice.source is not Source.TEMPLATE for choice in identity):
            continue
        key = declared_number(
            as_passed(reading.properties),  # type: ignore[arg-type]
            default_region=region,
            is_unresolved=resolved_at_deploy,
        )
        if key is None:
            continue
        conditions = tuple(
            sorted(
                {
                    *own,
                    *reading.outer_conditions,
                    *(pair for choice in identity for pair in choice.conditions),
                }
            )
        )
        if (key, conditions) in seen:
            continue
        seen.add((key, conditions))
        yield _Claim(key, resource.logical_id, reading.choices[PHONE_NUMBER_ID].path, conditions)


def _together(
    first: Conditions, second: Conditions, can_hold: Callable[[Conditions], bool]
) -> Conditions | None:
    """The conditions under which both hold, or None when they cannot hold together."""
    together = merged_conditions(first, second)
    if together is None:
        return None
    if together and not can_hold(together):
        return None
    return together
