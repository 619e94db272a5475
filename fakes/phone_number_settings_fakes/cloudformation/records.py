"""What the driver records of a stack operation: the events sent, their answers, the
Chime calls they caused, the stack statuses passed through; and what CloudFormation
would reject in an answer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from phone_number_settings_fakes.chime import CallRecord
from phone_number_settings_fakes.cloudformation.assembly import CustomResourceSpec

MAX_RESPONSE_BYTES: Final = 4096
MAX_PHYSICAL_ID_BYTES: Final = 1024
SUCCESS: Final = "SUCCESS"
# The status of an event that got no response: CloudFormation waits its ServiceTimeout,
# then fails the resource.
NO_RESPONSE: Final = "NO_RESPONSE"


class ProtocolViolation(AssertionError):
    """The function's answer breaks the custom-resource protocol."""


@dataclass(frozen=True)
class EventRecord:
    """One event CloudFormation sent, the answer it took, and the Chime calls it caused.

    ``deliveries`` counts how often Lambda handed the event to the function (its retries
    after a function error, duplicates of its queue); ``responses`` holds every answer
    PUT to the event's ResponseURL, the first of which CloudFormation takes.
    """

    request_type: str
    logical_id: str
    phase: str  # "create", "update", "cleanup", "rollback", "rollback-cleanup", "delete", ...
    event: Mapping[str, Any]
    response: Mapping[str, Any]  # {} when none came
    calls: tuple[CallRecord, ...]
    seconds: float
    spec: CustomResourceSpec
    stack_status: str = ""  # the stack's status while the event ran
    request_id: str = ""  # Lambda's, kept by its re-deliveries
    deliveries: int = 1
    responses: tuple[Mapping[str, Any], ...] = ()
    invocation_errors: tuple[str, ...] = ()
    # The id CloudFormation goes on with when no response named one.
    assumed_physical_id: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.response)

    @property
    def status(self) -> str:
        return str(self.response.get("Status", NO_RESPONSE))

    @property
    def physical_id(self) -> str:
        return str(self.response.get("PhysicalResourceId") or self.assumed_physical_id)

    @property
    def reason(self) -> str:
        if not self.answered:
            errors = "; ".join(self.invocation_errors) or "none"
            return (
                "CloudFormation did not receive a response from your Custom Resource "
                f"within its ServiceTimeout (Lambda errors: {errors})"
            )
        return str(self.response.get("Reason", ""))

    def call_tuples(self) -> list[tuple[str, str | None, dict[str, Any]]]:
        return [call.as_tuple() for call in self.calls]


@dataclass(frozen=True)
class Skipped:
    """An event CloudFormation does not send, and why (a Retain policy)."""

    request_type: str
    logical_id: str
    physical_id: str
    why: str


@dataclass
class StackOperation:
    """One stack operation (or a re-delivery between operations): its final status and
    every stack status it passed through, in order."""

    name: str
    status: str = ""
    statuses: list[str] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failure: str = ""  # why it failed, when it did

    def for_resource(self, logical_id: str) -> list[EventRecord]:
        return [event for event in self.events if event.logical_id == logical_id]

    def sent(self) -> list[tuple[str, str, str]]:
        """(phase, RequestType, LogicalResourceId) of every event, in order."""
        return [(e.phase, e.request_type, e.logical_id) for e in self.events]


def check_response(event: Mapping[str, Any], response: Mapping[str, Any]) -> None:
    """What CloudFormation would reject in a response."""
    problems = []
    for key in ("RequestId", "LogicalResourceId", "StackId"):
        if response.get(key) != event[key]:
            problems.append(f"{key} {response.get(key)!r} != {event[key]!r}")
    if response.get("Status") not in (SUCCESS, "FAILED"):
        problems.append(f"Status {response.get('Status')!r}")
    physical_id = response.get("PhysicalResourceId")
    if not isinstance(physical_id, str) or not physical_id:
        problems.append("no PhysicalResourceId")
    elif len(physical_id.encode()) > MAX_PHYSICAL_ID_BYTES:
        problems.append("PhysicalResourceId longer than 1 KB")
    if response.get("Status") == "FAILED" and not response.get("Reason"):
        problems.append("FAILED without Reason")
    if len(json.dumps(response).encode()) > MAX_RESPONSE_BYTES:
        problems.append("response body over 4096 bytes")
    if event["RequestType"] == "Delete" and physical_id != event.get("PhysicalResourceId"):
        problems.append("Delete answered with another PhysicalResourceId")
    if problems:
        raise ProtocolViolation("; ".join(problems))
