"""Decide which UpdatePhoneNumber calls an event needs: the diff of declared vs live.

Pure functions. The same planner serves the handler and the plan/drift command.
"""

from __future__ import annotations

from dataclasses import dataclass

from phone_number_settings_core.errors import BlockedChangeError
from phone_number_settings_core.model import (
    CallingNameStatus,
    DeclaredSettings,
    DetailChange,
    LivePhoneNumber,
)
from phone_number_settings_core.rules import CALLING_NAME, DETAILS, ProductType

PENDING_CALLING_NAME_RULE = (
    "a calling-name change is pending on {number} (Chime takes up to 72 hours); "
    "deploy again once CallingNameStatus is no longer UpdateInProgress"
)


def check_live_rules(desired: DeclaredSettings, live: LivePhoneNumber) -> None:
    """Raise BlockedChangeError if the live number cannot take the declared settings."""
    number = desired.phone_number_id
    if live.is_toll_free:
        if desired.calling_name:
            raise BlockedChangeError(
                f"CallingName: {number} is toll-free and toll-free numbers take no calling name"
            )
        if desired.product_type == ProductType.BUSINESS_CALLING:
            raise BlockedChangeError(
                f"ProductType: {number} is toll-free and toll-free numbers cannot use "
                "BusinessCalling"
            )
    if (
        live.is_outside_us
        and desired.product_type is not None
        and desired.product_type != ProductType.SIP_MEDIA_APPLICATION_DIAL_IN
    ):
        raise BlockedChangeError(
            f"ProductType: {number} is outside the U.S. ({live.country}); such numbers must use "
            "SipMediaApplicationDialIn"
        )


def needs_call(detail: str, declared: str, live: LivePhoneNumber) -> bool:
    current = live.detail(detail)
    if detail == CALLING_NAME and live.calling_name_status == CallingNameStatus.UPDATE_FAILED:
        return declared != "" or bool(current)  # a failed calling name was never applied
    return declared != (current or "")


def plan_changes(desired: DeclaredSettings, live: LivePhoneNumber) -> tuple[DetailChange, ...]:
    """The calls that make ``live`` match ``desired``, in call order; checks live rules first."""
    check_live_rules(desired, live)
    changes = tuple(
        DetailChange(detail, value, live.detail(detail))
        for detail, value in desired.managed_details().items()
        if needs_call(detail, value, live)
    )
    if any(change.detail == CALLING_NAME for change in changes) and live.calling_name_pending:
        raise BlockedChangeError(
            "CallingName: " + PENDING_CALLING_NAME_RULE.format(number=desired.phone_number_id)
        )
    return changes


@dataclass(frozen=True)
class CleanupPlan:
    """What a Delete clears, and what it must leave alone with a warning."""

    changes: tuple[DetailChange, ...]
    warnings: tuple[str, ...]


def plan_cleanup(declared: DeclaredSettings, live: LivePhoneNumber) -> CleanupPlan:
    """Clear the Name and CallingName this resource set, only where the live value is still ours.

    A product type cannot be unset, so it stays as it is.
    """
    changes: list[DetailChange] = []
    warnings: list[str] = []
    number = declared.phone_number_id
    for detail in (spec.key for spec in DETAILS if spec.clearable):
        ours = declared.managed_details().get(detail)
        current = live.detail(detail)
        if not ours or current != ours:
            continue  # never set by us, or changed since by someone else: not ours to clear
        if detail == CALLING_NAME and live.calling_name_pending:
            warnings.append(
                f"CallingName on {number} left as is: its change is still pending (up to 72 hours)"
            )
            continue
        changes.append(DetailChange(detail, "", current))
    return CleanupPlan(tuple(changes), tuple(warnings))
