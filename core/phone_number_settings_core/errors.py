"""Errors of the contract; each message is written to fit a 256-character Reason.

Messages never contain a CallingName or Name value: crhelper logs every FAILED Reason at
ERROR, and the API model marks both values sensitive.
"""

from __future__ import annotations

import re
from typing import Final


class PhoneNumberSettingsError(Exception):
    """Base class: anything that ends an event as FAILED with this message as Reason."""


class InvalidPropertyError(PhoneNumberSettingsError, ValueError):
    """A resource property breaks a rule; raised before any Chime call."""

    def __init__(self, property_name: str, rule: str) -> None:
        self.property_name = property_name
        self.rule = rule
        super().__init__(f"{property_name}: {rule}")


class InvalidPropertiesError(InvalidPropertyError):
    """Several properties break rules: the message names each of them and fits a Reason.

    Problems with the same rule are named together (``Colour, Size: unknown property``).
    When the full text is too long the patterns are left out, then each rule is cut, so
    that every broken property is still named.
    """

    def __init__(self, problems: tuple[InvalidPropertyError, ...]) -> None:
        self.problems = problems
        grouped: dict[str, list[str]] = {}
        for problem in problems:
            grouped.setdefault(problem.rule, []).append(problem.property_name)
        parts = [(_named(names), rule) for rule, names in grouped.items()]
        super().__init__(
            ", ".join(problem.property_name for problem in problems),
            "; ".join(f"{name}: {rule}" for name, rule in parts),
        )
        self.args = (_fitted(parts),)


REASON_MAX_CHARS: Final = 256
_NAMES_SHOWN = 3


def _named(names: list[str]) -> str:
    shown = ", ".join(names[:_NAMES_SHOWN])
    more = len(names) - _NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


_PATTERN_NOTE = re.compile(r" \(pattern .*\)$")
_CUT = "..."


def _fitted(parts: list[tuple[str, str]]) -> str:
    """``name: rule; name: rule`` in at most REASON_MAX_CHARS, every name kept."""
    full = "; ".join(f"{name}: {rule}" for name, rule in parts)
    if len(full) <= REASON_MAX_CHARS:
        return full
    parts = [(name, _PATTERN_NOTE.sub("", rule)) for name, rule in parts]
    short = "; ".join(f"{name}: {rule}" for name, rule in parts)
    if len(short) <= REASON_MAX_CHARS:
        return short
    names_only = "; ".join(name for name, _ in parts)
    if len(names_only) + len(_CUT) >= REASON_MAX_CHARS:
        return names_only[: REASON_MAX_CHARS - len(_CUT)] + _CUT
    spare = REASON_MAX_CHARS - len(names_only) - len(parts) * len(": ")
    share = max(spare // len(parts), len(_CUT))
    return "; ".join(
        f"{name}: {rule if len(rule) <= share else rule[: share - len(_CUT)] + _CUT}"
        for name, rule in parts
    )


class MissingRegionError(InvalidPropertyError):
    """No Region property, and no default Region to fall back on."""

    def __init__(self) -> None:
        super().__init__("Region", "is required when AWS_REGION is not set")


class PhoneNumberNotFoundError(PhoneNumberSettingsError):
    """Chime answered NotFoundException (to GetPhoneNumber or UpdatePhoneNumber)."""

    def __init__(self, phone_number_id: str, namespace: str) -> None:
        self.phone_number_id = phone_number_id
        self.namespace = namespace
        super().__init__(
            f"phone number {phone_number_id} not found in namespace {namespace} "
            "(check PhoneNumberId, Namespace and Region)"
        )


class BlockedChangeError(PhoneNumberSettingsError):
    """The live number forbids the declared settings (toll-free, non-U.S., pending name)."""


class ChimeApiError(PhoneNumberSettingsError):
    """Chime refused a call with an error that another attempt would not change."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        self.operation = operation
        self.code = code
        super().__init__(message)


class IncompleteReplyError(ChimeApiError):
    """Chime accepted the call, but its reply holds no PhoneNumber (the model allows it)."""


class ChimeUnavailableError(PhoneNumberSettingsError):
    """Throttling, server or network errors lasted until the time budget ran out."""

    def __init__(self, message: str, *, cause: str, attempts: int) -> None:
        self.cause = cause
        self.attempts = attempts
        super().__init__(message)


class PartialUpdateError(PhoneNumberSettingsError):
    """A later call of an event failed; earlier changes of the event were reverted."""


class MissingExtraError(PhoneNumberSettingsError, ImportError):
    """A module this use needs is not installed; the message names the extra that brings it."""

    def __init__(self, needed_for: str, distribution: str, extra: str) -> None:
        self.extra = extra
        super().__init__(
            f"{needed_for} needs {distribution}, which is not installed: "
            f"pip install 'phone-number-settings[{extra}]'"
        )


class StoryUnavailableError(PhoneNumberSettingsError):
    """CloudFormation could not tell the stack's story (unreachable, refused, unexpected).

    Never ends an event: the handler then acts on the event alone and logs this message.
    """


class StackResourcesUnavailableError(PhoneNumberSettingsError):
    """CloudFormation could not list a stack's resources for ``plan`` (unreachable,
    refused, throttled, unexpected).

    Never fails the plan: its check of moves across stacks is skipped, saying this.
    """
