"""Create, Update and Delete of one PhoneNumberSettings resource, as plain functions.

No crhelper here: the edge in ``handler`` hands in the properties, a gateway factory
and the deadline, and turns the result or the raised error into the response.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from phone_number_settings_chime.deadline import Deadline
from phone_number_settings_chime.retry import THROTTLED
from phone_number_settings_core.errors import (
    ChimeApiError,
    ChimeUnavailableError,
    IncompleteReplyError,
    PartialUpdateError,
    PhoneNumberNotFoundError,
    PhoneNumberSettingsError,
)
from phone_number_settings_core.model import DeclaredSettings, DetailChange, LivePhoneNumber
from phone_number_settings_core.planner import plan_changes, plan_cleanup
from phone_number_settings_core.properties import parse_properties
from phone_number_settings_core.rules import CALLING_NAME, SENSITIVE_DETAILS, Namespace

logger = logging.getLogger(__name__)


class PhoneNumberGateway(Protocol):
    """What the lifecycle needs from Chime (``chime.ChimeGateway`` in production)."""

    def get(self, phone_number_id: str, deadline: Deadline) -> LivePhoneNumber: ...

    def update(
        self, phone_number_id: str, detail: str, value: str, deadline: Deadline
    ) -> LivePhoneNumber: ...


GatewayFactory = Callable[[Namespace, str], PhoneNumberGateway]


@dataclass(frozen=True)
class Outcome:
    """A successful Create or Update: the PhysicalResourceId and the response Data."""

    physical_resource_id: str
    data: dict[str, str]


@dataclass(frozen=True)
class EventDeadlines:
    """Time for the event's own calls, and the later limit for reverting them."""

    apply: Deadline
    revert: Deadline

    @classmethod
    def within(cls, deadline: Deadline, revert_reserve: float) -> EventDeadlines:
        return cls(apply=deadline.earlier_by(revert_reserve), revert=deadline)


def create_or_update(
    properties: object,
    *,
    default_region: str,
    gateways: GatewayFactory,
    deadlines: EventDeadlines,
) -> Outcome:
    """Make the number match the properties: all the event's changes, or none of them."""
    desired = parse_properties(properties, default_region=default_region)
    gateway = gateways(desired.namespace, desired.region)
    live = gateway.get(desired.phone_number_id, deadlines.apply)
    changes = plan_changes(desired, live)
    logger.debug(
        "%s: planned %s", desired.phone_number_id, ", ".join(map(_shown, changes)) or "no call"
    )
    applied: list[DetailChange] = []
    for change in changes:
        try:
            live = _apply(gateway, desired, change, deadlines.apply)
        except PhoneNumberSettingsError as error:
            raise _reverted(
                gateway,
                desired,
                applied=applied,
                failed=change,
                error=error,
                deadline=deadlines.revert,
            ) from None
        applied.append(change)
    if not changes:
        logger.info("%s already matches; no UpdatePhoneNumber call", desired.phone_number_id)
    return Outcome(desired.phone_number_id, live.response_data())


def delete(
    physical_resource_id: str,
    properties: object,
    *,
    default_region: str,
    gateways: GatewayFactory,
    deadline: Deadline,
) -> tuple[str, ...]:
    """Clear what the resource set, where still ours. Never raises: returns warnings instead.

    A Delete that failed would leave the stack stuck in DELETE_FAILED or
    UPDATE_ROLLBACK_FAILED, which is worse than settings left on the number.
    """
    try:
        declared = parse_properties(properties, default_region=default_region)
    except PhoneNumberSettingsError as error:
        return (f"nothing cleared: the properties are invalid ({error})",)
    if physical_resource_id != declared.phone_number_id:
        # Not an id we returned: the Create failed and crhelper made one up.
        logger.info("PhysicalResourceId is not a phone number this resource set; nothing to do")
        return ()
    gateway = gateways(declared.namespace, declared.region)
    try:
        live = gateway.get(declared.phone_number_id, deadline)
        cleanup = plan_cleanup(declared, live)
        for change in cleanup.changes:
            gateway.update(declared.phone_number_id, change.detail, change.value, deadline)
    except PhoneNumberNotFoundError:
        logger.info("%s no longer exists; nothing to clear", declared.phone_number_id)
        return ()
    except PhoneNumberSettingsError as error:
        return (f"settings of {declared.phone_number_id} not cleared: {error}",)
    return cleanup.warnings


def _shown(change: DetailChange) -> str:
    """A planned call for the log: the value only when the API model does not mark it sensitive."""
    if change.detail in SENSITIVE_DETAILS:
        return f"{change.detail} (value not logged)"
    return f"{change.detail}={change.value}"


def _apply(
    gateway: PhoneNumberGateway,
    desired: DeclaredSettings,
    change: DetailChange,
    deadline: Deadline,
) -> LivePhoneNumber:
    try:
        return gateway.update(desired.phone_number_id, change.detail, change.value, deadline)
    except ChimeApiError as error:
        # A calling-name call that timed out may still have landed; the retry then meets
        # the pending change as a conflict. If the number shows our value, it did land.
        if change.detail == CALLING_NAME and error.code == "ConflictException":
            live = gateway.get(desired.phone_number_id, deadline)
            if live.calling_name == change.value:
                return live
        raise


def _reverted(
    gateway: PhoneNumberGateway,
    desired: DeclaredSettings,
    *,
    applied: list[DetailChange],
    failed: DetailChange,
    error: PhoneNumberSettingsError,
    deadline: Deadline,
) -> PhoneNumberSettingsError:
    """Undo ``applied`` (last first, best effort) and describe the failure for the Reason.

    A failed call that may still have landed (no answer, a server error, a reply without
    PhoneNumber) is checked on the live number first, and undone too if it did.
    """
    if not _refused(error) and _landed(gateway, desired, failed, deadline):
        applied = [*applied, failed]
    if not applied:
        return error
    not_reverted: list[str] = []
    for change in reversed(applied):
        undo = change.reverted()
        if undo is None:
            not_reverted.append(change.detail)
            continue
        try:
            gateway.update(desired.phone_number_id, undo.detail, undo.value, deadline)
        except PhoneNumberSettingsError:
            not_reverted.append(change.detail)
    done = [c.detail for c in applied if c.detail not in not_reverted]
    summary = f"reverted {', '.join(done)}" if done else ""
    if not_reverted:
        summary += ("; " if summary else "") + f"could not revert {', '.join(not_reverted)}"
    return PartialUpdateError(f"{failed.detail} failed, {summary}: {error}")


def _refused(error: PhoneNumberSettingsError) -> bool:
    """True when Chime's answer says the call was not applied."""
    if isinstance(error, ChimeUnavailableError):
        return error.cause == THROTTLED  # every attempt was turned away at the door
    return not isinstance(error, IncompleteReplyError)


def _landed(
    gateway: PhoneNumberGateway, desired: DeclaredSettings, change: DetailChange, deadline: Deadline
) -> bool:
    try:
        live = gateway.get(desired.phone_number_id, deadline)
    except PhoneNumberSettingsError:
        logger.warning(
            "%s: could not read the number to check %s", desired.phone_number_id, change.detail
        )
        return False
    return live.detail(change.detail) == change.value
