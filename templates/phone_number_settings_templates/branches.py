"""Every way a resource's Properties can read before deploy, each with where it is written.

A value under ``Fn::If`` has one reading per branch (each under its condition, true or
false); ``Ref: AWS::NoValue`` is an absent property; ``Fn::Sub`` without variables,
``Fn::Join`` of literals and ``Fn::FindInMap`` with literal keys into the template's
Mappings are the literal they evaluate to; a ``Ref`` to a parameter reads as its Default and
as each of its AllowedValues. Whatever else is known only at deploy stays as written.

The readings of a resource are the combinations of its properties' readings whose
conditions can hold together (a condition true in one branch and false in another cannot;
``can_hold`` asks the template's condition solver about the rest).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Final

from phone_number_settings_templates.parameters import (
    COMMA_DELIMITED_LIST,
    LIST_TYPE_PREFIX,
    SSM_VALUE_TYPE_PREFIX,
    scalar_as_string,
)

# Combinations of branches read per resource, at most: enough for a few Fn::If per resource.
MAX_READINGS: Final = 256
NO_VALUE: Final = "AWS::NoValue"
_SUB_VARIABLE: Final = re.compile(r"\$\{(?!!)")
_SUB_PARAMETER: Final = re.compile(r"\$\{([^!}][^}]*)\}")

PathPart = str | int
Conditions = tuple[tuple[str, bool], ...]


class Absent:
    """The value of ``Ref: AWS::NoValue``: the property is not given."""


ABSENT: Final = Absent()


class Source(StrEnum):
    """Where a reading of a value comes from."""

    TEMPLATE = "template"  # written in the template (a literal, or a branch of Fn::If)
    DEFAULT = "Default"  # a parameter's Default
    ALLOWED_VALUE = "AllowedValues"  # one of a parameter's AllowedValues


@dataclass(frozen=True)
class Choice:
    """One reading of one value."""

    value: object
    path: tuple[PathPart, ...]  # where it is written, from the resource's Properties
    conditions: Conditions = ()  # the Fn::If conditions, true or false, it is read under
    source: Source = Source.TEMPLATE
    parameter: str | None = None  # the parameter read, for a Default or an AllowedValue


@dataclass(frozen=True)
class Reading:
    """One reading of a resource's Properties: the values, and where each is written."""

    properties: object  # an object of the values read, or what Properties is instead
    path: tuple[PathPart, ...]  # where that Properties object is written
    choices: Mapping[object, Choice] = field(default_factory=dict, hash=False)
    conditions: Conditions = ()  # every Fn::If taken, in Properties and in its values
    outer_conditions: Conditions = ()  # the Fn::If taken by Properties as a whole
    # The properties read as AWS::NoValue, with where and under which conditions.
    absent: Mapping[object, Choice] = field(default_factory=dict, hash=False)

    def absence_conditions(self) -> Conditions:
        """The conditions under which the properties are as given: Properties', NoValues'."""
        pairs = {*self.outer_conditions}
        pairs.update(pair for choice in self.absent.values() for pair in choice.conditions)
        return tuple(sorted(pairs))

    @property
    def from_template(self) -> bool:
        """True when no value is a parameter's Default or AllowedValue."""
        return all(choice.source is Source.TEMPLATE for choice in self.choices.values())

    def condition_text(self) -> str:
        """``when IsProd is true``, or "" when no Fn::If was taken."""
        if not self.conditions:
            return ""
        parts = [f"{name} is {'true' if truth else 'false'}" for name, truth in self.conditions]
        return "when " + " and ".join(parts)


@dataclass(frozen=True)
class TemplateValues:
    """What a template declares that decides values before deploy."""

    parameters: Mapping[str, object] = field(default_factory=dict, hash=False)
    mappings: Mapping[str, object] = field(default_factory=dict, hash=False)

    @classmethod
    def of(cls, template: Mapping[str, object], *, with_parameters: bool = True) -> TemplateValues:
        parameters = template.get("Parameters")
        mappings = template.get("Mappings")
        return cls(
            parameters if with_parameters and isinstance(parameters, Mapping) else {},
            mappings if isinstance(mappings, Mapping) else {},
        )


def is_no_value(value: object) -> bool:
    """True for ``{"Ref": "AWS::NoValue"}``: the property is not given."""
    return isinstance(value, Mapping) and len(value) == 1 and value.get("Ref") == NO_VALUE


def always_holds(_: Conditions) -> bool:
    """The ``can_hold`` that knows nothing of the template's Conditions."""
    return True


def readings(
    properties: object,
    values: TemplateValues | None = None,
    *,
    can_hold: Callable[[Conditions], bool] = always_holds,
    within: Conditions = (),
) -> list[Reading]:
    """Every reading of a resource's Properties, at most MAX_READINGS of them.

    ``within``: the resource's own Condition (true), which its branches must agree with.
    """
    known = values or TemplateValues()
    found: list[Reading] = []
    for written in choices(properties, (), known):
        if merged_conditions(written.conditions, within) is None:
            continue
        whole = replace(written, value={}) if isinstance(written.value, Absent) else written
        if not isinstance(whole.value, Mapping):
            found.append(Reading(whole.value, whole.path, {}, whole.conditions, whole.conditions))
            continue
        keys = list(whole.value)
        per_key = [choices(whole.value[key], (*whole.path, key), known) for key in keys]
        base = merged_conditions(whole.conditions, within) or ()
        for combination in itertools.islice(_consistent(per_key, base), MAX_READINGS):
            picked, conditions = combination
            if conditions and not can_hold(conditions):
                continue
            pairs = list(zip(keys, picked, strict=True))
            taken = {key: c for key, c in pairs if not isinstance(c.value, Absent)}
            absent = {key: c for key, c in pairs if isinstance(c.value, Absent)}
            found.append(
                Reading(
                    {key: choice.value for key, choice in taken.items()},
                    whole.path,
                    taken,
                    conditions,
                    whole.conditions,
                    absent,
                )
            )
        if len(found) >= MAX_READINGS:
            break
    return found[:MAX_READINGS]


def _consistent(
    per_key: list[list[Choice]], base: Conditions
) -> Iterator[tuple[tuple[Choice, ...], Conditions]]:
    for picked in itertools.product(*per_key):
        conditions: Conditions | None = base
        for choice in picked:
            conditions = merged_conditions(conditions, choice.conditions)
            if conditions is None:
                break
        if conditions is not None:
            yield picked, conditions


def choices(value: object, path: tuple[PathPart, ...], values: TemplateValues) -> list[Choice]:
    """Every reading of one value written at ``path``."""
    if isinstance(value, Mapping) and len(value) == 1:
        ((function, argument),) = value.items()
        if function == "Fn::If":
            branches = _if_branches(argument, path, values)
            if branches is not None:
                return branches
        if is_no_value(value):
            return [Choice(ABSENT, path)]
        if function == "Ref" and isinstance(argument, str):
            from_parameter = _parameter_choices(argument, path, values)
            if from_parameter:
                return from_parameter
        literal = literal_value(value, values)
        if literal is not None:
            return [Choice(literal, path)]
        if function == "Fn::Sub":
            with_defaults = _sub_with_defaults(argument, path, values)
            if with_defaults is not None:
                return [with_defaults]
    return [Choice(value, path)]


def _if_branches(
    argument: object, path: tuple[PathPart, ...], values: TemplateValues
) -> list[Choice] | None:
    if not isinstance(argument, list) or len(argument) != 3 or not isinstance(argument[0], str):
        return None
    condition = str(argument[0])
    found = []
    for index, truth in ((1, True), (2, False)):
        for choice in choices(argument[index], (*path, "Fn::If", index), values):
            conditions = merged_conditions(choice.conditions, ((condition, truth),))
            if conditions is not None:
                found.append(replace(choice, conditions=conditions))
    return found


def _sub_with_defaults(
    argument: object, path: tuple[PathPart, ...], values: TemplateValues
) -> Choice | None:
    """``Fn::Sub`` whose every variable is a parameter with a Default, read with the Defaults."""
    if not isinstance(argument, str):
        return None
    names: list[str] = []

    def default_of(match: re.Match[str]) -> str:
        name = match.group(1)
        default = [c for c in _parameter_choices(name, path, values) if c.source is Source.DEFAULT]
        if not default or not isinstance(default[0].value, str):
            raise LookupError(name)
        names.append(name)
        return default[0].value

    try:
        text = _SUB_PARAMETER.sub(default_of, str(argument))
    except LookupError:
        return None
    parameter = ", ".join(dict.fromkeys(names))
    return Choice(text.replace("${!", "${"), path, source=Source.DEFAULT, parameter=parameter)


def _parameter_choices(
    name: str, path: tuple[PathPart, ...], values: TemplateValues
) -> list[Choice]:
    declaration = values.parameters.get(name)
    if not isinstance(declaration, Mapping):
        return []
    kind = str(declaration.get("Type", "String"))
    if (
        kind.startswith(SSM_VALUE_TYPE_PREFIX)
        or kind.startswith(LIST_TYPE_PREFIX)
        or kind == COMMA_DELIMITED_LIST
    ):
        return []
    found = []
    if "Default" in declaration:
        default = scalar_as_string(declaration["Default"])
        found.append(Choice(default, path, source=Source.DEFAULT, parameter=name))
    allowed = declaration.get("AllowedValues")
    if isinstance(allowed, list):
        found.extend(
            Choice(scalar_as_string(item), path, source=Source.ALLOWED_VALUE, parameter=name)
            for item in allowed
        )
    return found


def literal_value(value: object, values: TemplateValues) -> object | None:
    """What a function of literals evaluates to before deploy; None when it needs the deploy.

    ``Fn::Sub`` without variables (``${!Literal}`` is written ``${Literal}``), ``Fn::Join``
    of literals, ``Fn::FindInMap`` with literal keys into the template's Mappings.
    """
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return value
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    ((function, argument),) = value.items()
    if function == "Fn::Sub":
        text = argument[0] if isinstance(argument, list) and len(argument) == 2 else argument
        if isinstance(text, str) and not _SUB_VARIABLE.search(text):
            return str(text).replace("${!", "${")
        return None
    if function == "Fn::Join":
        return _joined(argument, values)
    if function == "Fn::FindInMap":
        return _found_in_map(argument, values)
    return None


def with_literals(value: object, values: TemplateValues) -> object:
    """``value`` with each function of literals replaced by what it evaluates to, inner first."""
    if isinstance(value, Mapping):
        inner = {key: with_literals(item, values) for key, item in value.items()}
        literal = literal_value(inner, values) if len(inner) == 1 else None
        return inner if literal is None or isinstance(literal, Mapping) else literal
    if isinstance(value, list):
        return [with_literals(item, values) for item in value]
    return value


def _joined(argument: object, values: TemplateValues) -> str | None:
    if not isinstance(argument, list) or len(argument) != 2:
        return None
    delimiter, items = argument
    if not isinstance(delimiter, str) or not isinstance(items, list):
        return None
    parts = [literal_value(item, values) for item in items]
    if not all(isinstance(part, str | int | float) for part in parts):
        return None
    return str(delimiter).join(str(scalar_as_string(part)) for part in parts)


def _found_in_map(argument: object, values: TemplateValues) -> object | None:
    if not isinstance(argument, list) or len(argument) not in (3, 4):
        return None
    keys = [literal_value(key, values) for key in argument[:3]]
    if not all(isinstance(key, str) for key in keys):
        return None
    found: object = values.mappings
    for key in keys:
        if not isinstance(found, Mapping) or key not in found:
            return None
        found = found[key]
    return found


def merged_conditions(conditions: Conditions | None, more: Conditions) -> Conditions | None:
    """Both sets of conditions, or None when one condition would be both true and false."""
    if conditions is None:
        return None
    merged = dict(conditions)
    for name, truth in more:
        if merged.setdefault(name, truth) != truth:
            return None
    return tuple(sorted(merged.items()))
