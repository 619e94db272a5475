"""Create, Update and Delete of one PhoneNumberSettings resource, as plain functions.

No crhelper here: the edge in ``handler`` hands in the properties, a gateway factory
and the deadline, and turns the result or the raised error into the response.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Final, Protocol

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
from phone_number_settings_core.planner import needs_call, plan_changes, plan_cleanup
from phone_number_settings_core.properties import parse_properties
from phone_number_settings_core.rules import (
    CALLING_NAME,
    DETAILS,
    PHONE_NUMBER_ID,
    SENSITIVE_DETAILS,
    Namespace,
    check_phone_number_id,
)

logger = logging.getLogger(__name__)

# The Reason of a rollback that could not put the calling name back (a SUCCESS).
HELD_CALLING_NAME_REASON: Final = (
    "Rolled back, except CallingName: a calling-name change is pending on {number}, so its "
    "CallingName differs from the template until Chime is done (up to 72 hours). Deploy "
    "again once CallingNameStatus is no longer UpdateInProgress"
)


class PhoneNumberGateway(Protocol):
    """What the lifecycle needs from Chime (``chime.ChimeGateway`` in production)."""

    def get(self, phone_number_id: str, deadline: Deadline) -> LivePhoneNumber: ...

    def update(
        self, phone_number_id: str, detail: str, value: str, deadline: Deadline
    ) -> LivePhoneNumber: ...


GatewayFactory = Callable[[Namespace, str], PhoneNumberGateway]


@dataclass(frozen=True)
class Outcome:
    """A successful Create or Update: the PhysicalResourceId, the response Data, and a
    Reason when the SUCCESS comes with a warning."""

    physical_resource_id: str
    data: dict[str, str]
    reason: str = ""


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
    rollback: bool = False,
    rolled_back_from: object = None,
) -> Outcome:
    """Make the number match the properties: all the event's changes, or none of them.

    In a ``rollback`` (an Update putting the previous template back), a calling name that
    Chime cannot take back yet is left as is, every other detail goes back, and the
    SUCCESS says so in its Reason: a failed rollback would leave the stack stuck. A detail
    that only the failed template (``rolled_back_from``, the event's OldResourceProperties)
    declared is cleared again where the number still shows its value.
    """
    desired = parse_properties(properties, default_region=default_region)
    gateway = gateways(desired.namespace, desired.region)
    live = gateway.get(desired.phone_number_id, deadlines.apply)
    if rollback:
        desired = _without_added_details(desired, rolled_back_from, live, default_region)
    held = rollback and _calling_name_held(desired, live)
    changes = plan_changes(replace(desired, calling_name=None) if held else desired, live)
    logger.debug(
        "%s: planned %s", desired.phone_number_id, ", ".join(map(_shown, changes)) or "no call"
    )
    applied: list[DetailChange] = []
    for change in changes:
        try:
            live = _apply(gateway, desired, change, deadlines.apply)
        except PhoneNumberSettingsError as error:
            if rollback and _pending_conflict(change, error):
                held = True
                live = _read_again(gateway, desired, live, deadlines.revert)
                break
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
    reason = HELD_CALLING_NAME_REASON.format(number=desired.phone_number_id) if held else ""
    if held:
        logger.warning("%s", reason)
    return Outcome(desired.phone_number_id, live.response_data(), reason)


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


def declared_number(properties: object, request_type: str) -> str:
    """The PhysicalResourceId of an event that changes nothing: the declared number for a
    Create, "" otherwise (crhelper then answers with the event's, or makes one up)."""
    if request_type != "Create" or not isinstance(properties, dict):
        return ""
    try:
        return check_phone_number_id(properties.get(PHONE_NUMBER_ID))
    except PhoneNumberSettingsError:
        return ""


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


def _without_added_details(
    desired: DeclaredSettings, failed: object, live: LivePhoneNumber, default_region: str
) -> DeclaredSettings:
    """``desired`` declaring "" for each clearable detail the failed template added.

    Such a detail was not managed before the update; the value the number shows is the
    failed update's, so going back means clearing it. A value changed since by someone
    else, or a failed template that cannot be read, is left alone.
    """
    try:
        added_by = parse_properties(failed, default_region=default_region)
    except PhoneNumberSettingsError:
        return desired
    if (added_by.phone_number_id, added_by.namespace, added_by.region) != (
        desired.phone_number_id,
        desired.namespace,
        desired.region,
    ):
        return desired  # a replacement rolled back: the other number is the cleanup's
    declared = desired.managed_details()
    cleared: dict[str, Any] = {
        spec.field: ""
        for spec in DETAILS
        if spec.clearable
        and spec.key not in declared
        and spec.key not in desired.unresolved
        and (value := added_by.managed_details().get(spec.key))
        and live.detail(spec.key) == value
    }
    return replace(desired, **cleared) if cleared else desired


def _calling_name_held(desired: DeclaredSettings, live: LivePhoneNumber) -> bool:
    """True when the declared calling name needs a call that Chime's pending change blocks."""
    return (
        desired.calling_name is not None
        and live.calling_name_pending
        and needs_call(CALLING_NAME, desired.calling_name, live)
    )


def _pending_conflict(change: DetailChange, error: PhoneNumberSettingsError) -> bool:
    """Chime refused a calling-name call because another one is still pending."""
    return (
        change.detail == CALLING_NAME
        and isinstance(error, ChimeApiError)
        and error.code == "ConflictException"
    )


def _read_again(
    gateway: PhoneNumberGateway,
    desired: DeclaredSettings,
    last_known: LivePhoneNumber,
    deadline: Deadline,
) -> LivePhoneNumber:
    """The number as Chime holds it now, or ``last_known`` if it cannot be read."""
    try:
        return gateway.get(desired.phone_number_id, deadline)
    except PhoneNumberSettingsError:
        return last_known


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
