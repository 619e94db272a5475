"""The rules each reading of a resource's Properties breaks, with where and when.

Shared by the plan and the lint rules: each problem comes with the value that breaks it
(its place in the template and its source: the template, a parameter's Default or an
AllowedValue) and the conditions it is read under. A rule that also reads the Namespace
(ProductType, Name, Region) is under the Namespace's conditions too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from phone_number_settings_core.errors import InvalidPropertyError
from phone_number_settings_core.rules import (
    NAME,
    NAMESPACE,
    PRODUCT_TYPE,
    REGION,
    property_problems,
    type_name,
)
from phone_number_settings_templates.branches import Choice, Conditions, Reading
from phone_number_settings_templates.reader import as_passed, resolved_at_deploy

_NAMESPACE_DEPENDENT: Final = frozenset({PRODUCT_TYPE, NAME, REGION})


@dataclass(frozen=True)
class ReadingProblem:
    """A rule one reading breaks."""

    problem: InvalidPropertyError
    # The value that breaks it; None for the Properties object (a property missing).
    choice: Choice | None
    # The values the rule read: the choice, and the Namespace for the rules that read it.
    involved: tuple[Choice, ...]
    conditions: Conditions  # the Fn::If conditions those values are under

    def message(self) -> str:
        """The problem, with the conditions it holds under (``... (when IsProd is true)``)."""
        return with_conditions(str(self.problem), self.conditions)


def reading_problems(reading: Reading) -> Iterator[ReadingProblem]:
    """Every rule ``reading`` breaks; nothing when its Properties are known only at deploy."""
    if resolved_at_deploy(reading.properties):
        return
    if not isinstance(reading.properties, Mapping):
        not_an_object = InvalidPropertyError(
            "Properties",
            f"must be an object of named properties, not {type_name(reading.properties)}",
        )
        yield ReadingProblem(not_an_object, None, (), reading.outer_conditions)
        return
    passed = as_passed(reading.properties)
    assert isinstance(passed, Mapping)
    by_name = {str(key): choice for key, choice in reading.choices.items()}
    for problem in property_problems(passed, is_unresolved=resolved_at_deploy):
        choice = by_name.get(problem.property_name)
        if choice is None:  # a property missing, perhaps as AWS::NoValue under a condition
            yield ReadingProblem(problem, None, (), reading.absence_conditions())
            continue
        involved = [choice]
        if problem.property_name in _NAMESPACE_DEPENDENT and NAMESPACE in by_name:
            involved.append(by_name[NAMESPACE])
        conditions = {*reading.outer_conditions}
        conditions.update(pair for one in involved for pair in one.conditions)
        yield ReadingProblem(problem, choice, tuple(involved), tuple(sorted(conditions)))


def with_conditions(message: str, conditions: Conditions) -> str:
    """``message (when IsProd is true and IsBig is false)``; the message alone without any."""
    if not conditions:
        return message
    shown = " and ".join(f"{name} is {'true' if truth else 'false'}" for name, truth in conditions)
    return f"{message} (when {shown})"
