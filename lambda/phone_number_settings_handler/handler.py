"""The Lambda entry point: crhelper wiring only. The logic lives in ``lifecycle``.

Handler string: ``phone_number_settings_handler.handler.handler``.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Callable
from typing import Any, Final, TypeVar

from crhelper import CfnResource

from phone_number_settings_handler import log_redaction
from phone_number_settings_handler.chime import ChimeClients, ChimeGateway
from phone_number_settings_handler.errors import PhoneNumberSettingsError
from phone_number_settings_handler.lifecycle import (
    Budget,
    PhoneNumberGateway,
    create_or_update,
    delete,
)
from phone_number_settings_handler.retry import Deadline
from phone_number_settings_handler.rules import Namespace

logger = logging.getLogger(__name__)
T = TypeVar("T")

# crhelper sends "Execution timed out" 0.5 s before the Lambda ends; we answer earlier,
# leaving time for crhelper to PUT our own response.
RESPONSE_MARGIN_SECONDS: Final = 3.0
# Of the time left, this share (at most REVERT_RESERVE_MAX_SECONDS) is kept for undoing
# the event's earlier calls when a later one fails.
REVERT_RESERVE_SHARE: Final = 0.2
REVERT_RESERVE_MAX_SECONDS: Final = 20.0
# crhelper sleeps on Delete so the last log lines reach CloudWatch before the stack
# removes the function; its default of 120 s is far more than that needs.
SLEEP_ON_DELETE_SECONDS: Final = 2
REASON_MAX_CHARS: Final = 256


def _log_level() -> str:
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    return level if level in logging.getLevelNamesMapping() else "INFO"


_redacting = log_redaction.RedactingFilter()
log_redaction.install(_redacting)
_helper = CfnResource(
    json_logging=False,
    log_level=_log_level(),
    boto_level="ERROR",  # botocore at DEBUG would log request bodies, calling names included
    sleep_on_delete=SLEEP_ON_DELETE_SECONDS,
)
_clients = ChimeClients()


def _gateway(namespace: Namespace, region: str) -> PhoneNumberGateway:
    return ChimeGateway(_clients.client(namespace, region), namespace=namespace, region=region)


def _deadline(context: Any) -> Deadline:
    return Deadline.after(context.get_remaining_time_in_millis() / 1000 - RESPONSE_MARGIN_SECONDS)


def _default_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or ""


@_helper.create
@_helper.update
def _create_or_update(event: dict[str, Any], context: Any) -> str:
    deadline = _deadline(context)
    reserve = min(REVERT_RESERVE_MAX_SECONDS, max(deadline.remaining(), 0) * REVERT_RESERVE_SHARE)
    outcome = _guarded(
        lambda: create_or_update(
            event.get("ResourceProperties"),
            default_region=_default_region(),
            gateways=_gateway,
            budget=Budget.within(deadline, reserve),
        )
    )
    _helper.Data.update(outcome.data)
    return outcome.physical_resource_id


@_helper.delete
def _delete(event: dict[str, Any], context: Any) -> None:
    try:
        warnings = delete(
            str(event.get("PhysicalResourceId", "")),
            event.get("ResourceProperties"),
            default_region=_default_region(),
            gateways=_gateway,
            deadline=_deadline(context),
        )
    except Exception as error:  # a Delete must never leave the stack stuck
        _log_unexpected(error)
        warnings = ("nothing cleared after an unexpected error",)
    for warning in warnings:
        logger.warning("Delete answered SUCCESS, but %s", warning)


def _guarded(work: Callable[[], T]) -> T:
    """Run ``work``; its errors become a short Reason that never quotes a sensitive value."""
    try:
        return work()
    except PhoneNumberSettingsError as error:
        reason = str(error)
        if len(reason) > REASON_MAX_CHARS:
            # crhelper would keep the tail; the head names the property and the rule.
            raise PhoneNumberSettingsError(reason[: REASON_MAX_CHARS - 3] + "...") from None
        raise
    except Exception as error:
        _log_unexpected(error)
        raise PhoneNumberSettingsError(
            f"internal error ({type(error).__name__}); see the function's log"
        ) from None


def _log_unexpected(error: Exception) -> None:
    # The message of an unknown error might quote a value, so log the type and the frames.
    frames = "".join(traceback.format_tb(error.__traceback__))
    logger.error("unexpected %s at\n%s", type(error).__name__, frames)


def handler(event: dict[str, Any], context: Any) -> None:
    """Lambda entry point for Custom::PhoneNumberSettings events."""
    _redacting.track(event)
    _helper(event, context)
