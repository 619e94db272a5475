"""Turn ResourceProperties into validated DeclaredSettings: every rule checked once, here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from phone_number_settings_core.duplicates import NumberKey
from phone_number_settings_core.errors import InvalidPropertyError, MissingRegionError
from phone_number_settings_core.model import DeclaredSettings
from phone_number_settings_core.rules import (
    DEFAULT_NAMESPACE,
    DETAILS,
    NAMESPACE,
    PHONE_NUMBER_ID,
    REGION,
    Namespace,
    check_properties,
    fixed_region,
    never_unresolved,
    property_problems,
    type_name,
)

_IDENTITY: Final = (PHONE_NUMBER_ID, NAMESPACE, REGION)


class KnownOnlyAtDeployError(Exception):
    """The number, its namespace or its region is an unresolved value (plan only)."""

    def __init__(self, keys: tuple[str, ...], namespace: Namespace | None) -> None:
        self.keys = keys
        self.namespace = namespace
        super().__init__(f"{', '.join(keys)} known only at deploy")


def parse_properties(
    properties: object,
    *,
    default_region: str,
    is_unresolved: Callable[[object], bool] = never_unresolved,
) -> DeclaredSettings:
    """Check every rule, then build the settings; raises InvalidPropertyError.

    ``default_region`` is used when the resource gives no Region ("" if there is none:
    MissingRegionError). Values for which ``is_unresolved`` is true (the plan's intrinsic
    functions) pass the rules that need them; a detail so declared is listed in
    ``DeclaredSettings.unresolved``, and an unresolved number, namespace or region raises
    KnownOnlyAtDeployError.
    """
    if not isinstance(properties, Mapping):
        raise InvalidPropertyError(
            "ResourceProperties",
            f"must be an object of named properties, not {type_name(properties)}",
        )
    check_properties(properties, is_unresolved=is_unresolved)

    def unresolved(key: str) -> bool:
        return key in properties and is_unresolved(properties[key])

    namespace = (
        None if unresolved(NAMESPACE) else Namespace(properties.get(NAMESPACE, DEFAULT_NAMESPACE))
    )
    served_from = fixed_region(namespace) if namespace is not None else None
    location = [key for key in (PHONE_NUMBER_ID, NAMESPACE) if unresolved(key)]
    if served_from is None and unresolved(REGION):
        location.append(REGION)
    if location:
        raise KnownOnlyAtDeployError(tuple(location), namespace)
    assert namespace is not None  # an unresolved namespace raised above
    region = served_from or str(properties.get(REGION) or default_region)
    if not region:
        raise MissingRegionError

    def known(key: str) -> str | None:
        value = properties.get(key)
        return value if isinstance(value, str) and not unresolved(key) else None

    return DeclaredSettings(
        phone_number_id=str(properties[PHONE_NUMBER_ID]),
        namespace=namespace,
        region=region,
        unresolved=frozenset(detail.key for detail in DETAILS if unresolved(detail.key)),
        **{detail.field: known(detail.key) for detail in DETAILS},
    )


def declared_number(
    properties: Mapping[Any, object],
    *,
    default_region: str,
    is_unresolved: Callable[[object], bool] = never_unresolved,
) -> NumberKey | None:
    """The number ``properties`` declare (id, namespace, region), whatever else they break.

    None when the number, its namespace or its region breaks a rule, is missing or is
    known only at deploy: such a declaration cannot be compared with others. A bad
    CallingName does not hide that the number is declared twice.
    """
    if PHONE_NUMBER_ID not in properties:
        return None
    problems = property_problems(properties, is_unresolved=is_unresolved)
    if any(problem.property_name in _IDENTITY for problem in problems):
        return None
    if any(key in properties and is_unresolved(properties[key]) for key in _IDENTITY[:2]):
        return None
    namespace = Namespace(str(properties.get(NAMESPACE, DEFAULT_NAMESPACE)))
    served_from = fixed_region(namespace)
    if served_from is None and REGION in properties and is_unresolved(properties[REGION]):
        return None
    region = served_from or str(properties.get(REGION) or default_region)
    if not region:
        return None
    return NumberKey(str(properties[PHONE_NUMBER_ID]), namespace, region)
