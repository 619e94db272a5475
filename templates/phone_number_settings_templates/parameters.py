"""What a template's parameters decide before deploy: ``Ref``, ``Fn::Sub``, ``Fn::Join`` over them.

A parameter's value is the one given on the command line, else its ``Default``. Everything
else stays as written, to be shown as "known at deploy": pseudo parameters, resource
attributes, imports, parameters without a value, and SSM-typed parameters (their value is
the parameter store's, read at deploy).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Final

ParameterValue = str | list[str]

SSM_VALUE_TYPE_PREFIX: Final = "AWS::SSM::Parameter::Value<"
LIST_TYPE_PREFIX: Final = "List<"
COMMA_DELIMITED_LIST: Final = "CommaDelimitedList"
_SUB_VARIABLE: Final = re.compile(r"\$\{([^}]*)\}")


def declared_parameters(template: Mapping[str, object]) -> Mapping[str, object]:
    """The template's ``Parameters`` section ({} when absent or not an object)."""
    parameters = template.get("Parameters", {})
    return parameters if isinstance(parameters, Mapping) else {}


def parameter_values(
    declared: Mapping[str, object], given: Mapping[str, str]
) -> dict[str, ParameterValue]:
    """The value of each parameter known before deploy: given, else its Default."""
    values: dict[str, ParameterValue] = {}
    for name, declaration in declared.items():
        if not isinstance(declaration, Mapping):
            continue
        kind = str(declaration.get("Type", "String"))
        if kind.startswith(SSM_VALUE_TYPE_PREFIX):
            continue  # given or default, the value is a parameter store name
        text = scalar_as_string(given.get(name, declaration.get("Default")))
        if not isinstance(text, str):
            continue
        if kind == COMMA_DELIMITED_LIST or kind.startswith(LIST_TYPE_PREFIX):
            values[name] = [item.strip() for item in text.split(",")]
        else:
            values[name] = text
    return values


def resolve(value: object, parameters: Mapping[str, ParameterValue]) -> object:
    """``value`` with every ``Ref``/``Fn::Sub``/``Fn::Join`` that ``parameters`` decide evaluated.

    Inner values are resolved first, so ``!Join ["", [!Ref A, !Sub "${B}"]]`` resolves when
    both A and B have values; what still depends on the deploy is kept, with what could be
    resolved inside it already substituted.
    """
    if isinstance(value, Mapping):
        resolved = {key: resolve(item, parameters) for key, item in value.items()}
        if len(resolved) == 1:
            ((function, argument),) = resolved.items()
            evaluate = _EVALUATORS.get(function)
            result = evaluate(argument, parameters) if evaluate else None
            if result is not None:
                return result
        return resolved
    if isinstance(value, list):
        return [resolve(item, parameters) for item in value]
    return value


def _ref(argument: object, parameters: Mapping[str, ParameterValue]) -> ParameterValue | None:
    return parameters.get(argument) if isinstance(argument, str) else None


def _sub(argument: object, parameters: Mapping[str, ParameterValue]) -> str | None:
    variables: Mapping[str, object] = parameters
    if isinstance(argument, list) and len(argument) == 2:
        argument, own = argument
        if not isinstance(own, Mapping):
            return None
        variables = {**parameters, **own}
    if not isinstance(argument, str):
        return None
    unresolved = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group(1)
        if name.startswith("!"):  # ${!Literal} is written as ${Literal}
            return "${" + name[1:] + "}"
        value = variables.get(name)
        if isinstance(value, str):
            return value
        unresolved = True
        return match.group(0)

    text = _SUB_VARIABLE.sub(substitute, argument)
    return None if unresolved else text


def _join(argument: object, _parameters: Mapping[str, ParameterValue]) -> str | None:
    if not isinstance(argument, list) or len(argument) != 2:
        return None
    delimiter, items = argument
    if not isinstance(delimiter, str) or not isinstance(items, list):
        return None
    if not all(isinstance(item, str) for item in items):
        return None
    return delimiter.join(items)


_EVALUATORS: Final[Mapping[str, Callable[[object, Mapping[str, ParameterValue]], object]]] = {
    "Ref": _ref,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
}


def scalar_as_string(value: object) -> object:
    """A scalar as CloudFormation passes it on (``5`` -> ``"5"``, ``true`` -> ``"true"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value
