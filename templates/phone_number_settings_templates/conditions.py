"""Whether conditions can hold together, asked of cfn-lint's condition solver.

cfn-lint turns a template's Conditions (``Fn::Equals`` over parameters and pseudo
parameters, ``Fn::And``, ``Fn::Or``, ``Fn::Not``, ``Condition``, and the template's Rules)
into a satisfiability problem; its own rules use it the same way. A condition the solver
does not know (a name missing from Conditions, a form it cannot read) is taken as free.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

Conditions = tuple[tuple[str, bool], ...]


def solver_of(conditions: Any) -> Callable[[Conditions], bool]:
    """``can_hold`` over cfn-lint's ``Conditions`` (a linted template's ``cfn.conditions``)."""

    answers: dict[Conditions, bool] = {}  # the same few combinations are asked again and again

    def can_hold(assignment: Conditions) -> bool:
        if assignment not in answers:
            known = {
                name: {truth} for name, truth in assignment if conditions.get(name) is not None
            }
            answers[assignment] = not known or (
                next(iter(conditions.build_scenarios(known)), None) is not None
            )
        return answers[assignment]

    return can_hold


def template_solver(template: Mapping[str, object]) -> Callable[[Conditions], bool]:
    """``can_hold`` for a template read as plain values (the plan's)."""
    from cfnlint.conditions import Conditions as Solver  # noqa: PLC0415 (slow import)

    return solver_of(Solver(SimpleNamespace(template=template)))
