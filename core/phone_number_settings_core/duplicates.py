"""Numbers declared by more than one resource: each deploy would undo the other's settings."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from phone_number_settings_core.model import DeclaredSettings
from phone_number_settings_core.rules import Namespace

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class NumberKey:
    """What makes two declarations the same number: its id, namespace and region."""

    phone_number_id: str
    namespace: Namespace
    region: str

    @classmethod
    def of(cls, desired: DeclaredSettings) -> NumberKey:
        return cls(desired.phone_number_id, desired.namespace, desired.region)


def declared_twice(owners: Iterable[tuple[Key, str]]) -> dict[Key, tuple[str, ...]]:
    """Each key claimed by two or more owners (construct paths, logical ids), in order."""
    claims: dict[Key, list[str]] = {}
    for key, owner in owners:
        claims.setdefault(key, []).append(owner)
    return {key: tuple(found) for key, found in claims.items() if len(found) > 1}


def declared_twice_message(key: NumberKey, owners: tuple[str, ...]) -> str:
    """Why the declarations conflict, naming every one of them."""
    return (
        f"PhoneNumberId {key.phone_number_id} ({key.namespace}, {key.region}) is declared by "
        f"{len(owners)} resources: {', '.join(owners)}; each deploy would undo the other's "
        "settings. Declare each number once"
    )
