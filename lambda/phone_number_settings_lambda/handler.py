"""The Lambda entry point: crhelper wiring only. The logic lives in ``lifecycle``.

Handler string: ``phone_number_settings_lambda.handler.handler``. The edge (crhelper, the
Chime clients, the log filter, the response sender) is built by ``build_handler`` on the
first event, not at import, so tests build fresh ones with their own environment, clients
and clock.
"""

from __future__ import annotations

import functools
import logging
import os
import traceback
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from crhelper import CfnResource

from phone_number_settings_chime.deadline import Deadline, Timing
from phone_number_settings_chime.gateway import ChimeClients, ChimeGateway
from phone_number_settings_chime.retry import Pacing, RetryPolicy
from phone_number_settings_core.errors import PhoneNumberSettingsError
from phone_number_settings_core.rules import Namespace
from phone_number_settings_lambda import RESOURCES_SERVED_VARIABLE, log_redaction
from phone_number_settings_lambda.lifecycle import (
    EventDeadlines,
    GatewayFactory,
    PhoneNumberGateway,
    create_or_update,
    declared_number,
    delete,
)
from phone_number_settings_lambda.response import ResponseSender
from phone_number_settings_lambda.story import (
    CloudFormationStoryReader,
    Story,
    StoryReader,
    is_rollback,
    read_budget,
    read_story,
    unchanged_because,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")

# crhelper sends "Execution timed out" 0.5 s before the Lambda ends; we answer earlier,
# leaving time for crhelper to PUT our own response.
RESPONSE_MARGIN_SECONDS: Final = 3.0
# Of the time left, this share (at least REVERT_RESERVE_MIN_SECONDS, at most
# REVERT_RESERVE_MAX_SECONDS) is kept for undoing the event's earlier calls when a later
# one fails. The construct's minimum Lambda timeout leaves room for both margins.
REVERT_RESERVE_SHARE: Final = 0.2
REVERT_RESERVE_MIN_SECONDS: Final = 2.0
REVERT_RESERVE_MAX_SECONDS: Final = 20.0
# crhelper sleeps on Delete (120 s by default) so that the last log lines reach CloudWatch
# before the stack removes the function. Lambda ships what the function writes itself,
# and the provider's log group is deleted with the stack anyway: the sleep protects
# nothing, and a Delete answers at once.
SLEEP_ON_DELETE_SECONDS: Final = 0
REASON_MAX_CHARS: Final = 256

LambdaHandler = Callable[[dict[str, Any], Any], None]
PacingFactory = Callable[[Deadline], Pacing]


# Lambda's log-level names (ApplicationLogLevel) that Python spells otherwise.
_LAMBDA_LEVEL_NAMES: Final = {"TRACE": "DEBUG", "WARN": "WARNING", "FATAL": "CRITICAL"}
_PYTHON_LEVELS: Final = frozenset({"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})
# The invocation stops sending its response this long before Lambda ends it.
SEND_MARGIN_SECONDS: Final = 0.2


def resources_served(environ: Mapping[str, str]) -> int | None:
    """How many resources share this function (the construct sets it), if known."""
    text = environ.get(RESOURCES_SERVED_VARIABLE, "")
    return int(text) if text.isdigit() and int(text) > 0 else None


def log_level(environ: Mapping[str, str]) -> str:
    """The function's log level: Lambda's ApplicationLogLevel rules.

    Lambda passes ApplicationLogLevel as AWS_LAMBDA_LOG_LEVEL (JSON log format only);
    LOG_LEVEL serves functions logging in Text format; INFO otherwise. crhelper is given
    this level, so it never resets the root logger over Lambda's.
    """
    for variable in ("AWS_LAMBDA_LOG_LEVEL", "LOG_LEVEL"):
        name = environ.get(variable, "").strip().upper()
        name = _LAMBDA_LEVEL_NAMES.get(name, name)
        if name in _PYTHON_LEVELS:
            return name
    return "INFO"


class _CfnResource(CfnResource):
    """crhelper, sending its responses with ``send`` (what its ``_send`` takes)."""

    def __init__(self, send: ResponseSender, **options: Any) -> None:
        self._deliver = send
        super().__init__(**options)

    def _send(self, status: str | None = None, reason: str = "", send_response: Any = None) -> None:
        # crhelper's stub leaves out its private _send; resource_helper.py has it.
        super()._send(status, reason, send_response=self._deliver)  # type: ignore[misc]


class CustomResourceHandler:
    """One execution environment's handler: crhelper turns its answers into the response."""

    def __init__(
        self,
        *,
        environ: Mapping[str, str],
        clients: ChimeClients,
        timing: Timing,
        story: StoryReader,
        pacing: PacingFactory | None = None,
    ) -> None:
        self._environ = environ
        self._clients = clients
        self._timing = timing
        self._story_reader = story
        self._pacing = pacing or self._retry_policy
        self._redacting = log_redaction.RedactingFilter()
        log_redaction.install(self._redacting)
        self._sender = ResponseSender(timing)
        self._helper = _CfnResource(
            self._sender,
            json_logging=False,
            log_level=log_level(environ),
            # botocore at DEBUG would log request bodies, calling names included.
            boto_level="ERROR",
            sleep_on_delete=SLEEP_ON_DELETE_SECONDS,
        )
        self._helper.create(self._create_or_update)
        self._helper.update(self._create_or_update)
        self._helper.delete(self._delete)

    def __call__(self, event: dict[str, Any], context: Any) -> None:
        self._redacting.track(event)
        seconds_left = context.get_remaining_time_in_millis() / 1000
        self._sender.begin_event(
            Deadline.after(seconds_left - SEND_MARGIN_SECONDS, self._timing.clock)
        )
        self._helper(event, context)

    def _retry_policy(self, deadline: Deadline) -> Pacing:
        return RetryPolicy(
            self._timing, resources_served=resources_served(self._environ), deadline=deadline
        )

    def _gateways(self, deadline: Deadline) -> GatewayFactory:
        """This event's gateways: one retry policy for all of its calls."""
        policy = self._pacing(deadline)

        def gateway(namespace: Namespace, region: str) -> PhoneNumberGateway:
            return ChimeGateway(
                self._clients.client(namespace, region),
                namespace=namespace,
                region=region,
                policy=policy,
                timing=self._timing,
            )

        return gateway

    def _deadline(self, context: Any) -> Deadline:
        seconds = context.get_remaining_time_in_millis() / 1000 - RESPONSE_MARGIN_SECONDS
        return Deadline.after(seconds, self._timing.clock)

    def _default_region(self) -> str:
        return self._environ.get("AWS_REGION") or self._environ.get("AWS_DEFAULT_REGION") or ""

    def _story(self, event: dict[str, Any], deadline: Deadline, *, with_resources: bool) -> Story:
        return read_story(
            self._story_reader,
            str(event.get("StackId", "")),
            with_resources=with_resources,
            seconds=read_budget(deadline.remaining()),
        )

    def _create_or_update(self, event: dict[str, Any], context: Any) -> str:
        deadline = self._deadline(context)
        story = self._story(event, deadline, with_resources=False)
        request_type = str(event.get("RequestType", ""))
        why = unchanged_because(
            story,
            request_type=request_type,
            logical_id=str(event.get("LogicalResourceId", "")),
            physical_id=str(event.get("PhysicalResourceId", "")),
        )
        if why is not None:
            logger.warning("%s", why)
            # "": crhelper answers with the event's PhysicalResourceId.
            return declared_number(event.get("ResourceProperties"), request_type)
        left = max(deadline.remaining(), 0.0)
        reserve = min(
            REVERT_RESERVE_MAX_SECONDS,
            max(REVERT_RESERVE_MIN_SECONDS, left * REVERT_RESERVE_SHARE),
            left / 2,
        )
        deadlines = EventDeadlines.within(deadline, reserve)
        outcome = guarded(
            lambda: create_or_update(
                event.get("ResourceProperties"),
                default_region=self._default_region(),
                gateways=self._gateways(deadlines.apply),
                deadlines=deadlines,
                rollback=request_type == "Update" and is_rollback(story),
                rolled_back_from=event.get("OldResourceProperties"),
            )
        )
        self._helper.Data.update(outcome.data)
        self._helper.Reason = outcome.reason
        return outcome.physical_resource_id

    def _delete(self, event: dict[str, Any], context: Any) -> None:
        deadline = self._deadline(context)
        physical_id = str(event.get("PhysicalResourceId", ""))
        try:
            story = self._story(event, deadline, with_resources=True)
            why = unchanged_because(
                story,
                request_type="Delete",
                logical_id=str(event.get("LogicalResourceId", "")),
                physical_id=physical_id,
            )
            if why is not None:
                logger.info("Delete changes nothing: %s", why)
                return
            warnings = delete(
                physical_id,
                event.get("ResourceProperties"),
                default_region=self._default_region(),
                gateways=self._gateways(deadline),
                deadline=deadline,
            )
        except Exception as error:  # a Delete must never leave the stack stuck
            _log_unexpected(error)
            warnings = ("nothing cleared after an unexpected error",)
        for warning in warnings:
            logger.warning("Delete answered SUCCESS, but %s", warning)


def build_handler(
    environ: Mapping[str, str] | None = None,
    *,
    clients: ChimeClients | None = None,
    timing: Timing | None = None,
    pacing: PacingFactory | None = None,
    story: StoryReader | None = None,
) -> CustomResourceHandler:
    """A new edge: what a new execution environment would build on its first event.

    ``pacing`` replaces the retry policy (given each event's deadline); benchmarks compare.
    ``story`` reads the stack's status and resources (CloudFormation by default).
    """
    return CustomResourceHandler(
        environ=os.environ if environ is None else environ,
        clients=clients or ChimeClients(),
        timing=timing or Timing(),
        story=story or CloudFormationStoryReader(),
        pacing=pacing,
    )


@functools.cache
def _this_environment() -> CustomResourceHandler:
    return build_handler()


def handler(event: dict[str, Any], context: Any) -> None:
    """Lambda entry point for Custom::PhoneNumberSettings events."""
    _this_environment()(event, context)


def guarded(work: Callable[[], T]) -> T:
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
