"""Plays CloudFormation's side of the custom-resource protocol against real Lambda processes.

A model of what CloudFormation sends, in which order, for the stack operations the tests
need; the templates come from a synthesised cloud assembly. Events are sent one at a
time (CloudFormation would send independent ones in parallel) so each event's Chime calls
can be told apart. The model:

- Create stack: a Create per custom resource, in template order. On the first FAILED,
  creation stops and the stack rolls back: a Delete, in reverse order, for every resource
  created so far and for the failed one (with the PhysicalResourceId its FAILED response
  carried), except those whose DeletionPolicy is Retain (RetainExceptOnCreate is deleted).
- Update stack: for each resource of the new template, a Create if it is new, an Update
  (ResourceProperties, OldResourceProperties, PhysicalResourceId) if its properties
  changed. A different PhysicalResourceId in the answer is a replacement. After the last
  success comes the cleanup: a Delete of every replaced resource's old id (with the old
  properties) unless its UpdateReplacePolicy is Retain, and of every resource that left
  the template unless its DeletionPolicy is Retain or RetainExceptOnCreate.
- On a FAILED Update the stack rolls back: in reverse order, every resource touched so far
  including the failed one gets an Update back to its old properties (ResourceProperties =
  old, OldResourceProperties = the ones it was sent), a resource that was replaced gets a
  Delete of its new id instead, and a resource created by the update gets a Delete.
- Delete stack: a Delete per custom resource in reverse template order, except those
  whose DeletionPolicy is Retain or RetainExceptOnCreate.
- A ServiceToken ``Fn::ImportValue`` is the function of the stack (of ``exports_from``, the
  stacks already deployed in the Region) whose Outputs export that name.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from phone_number_settings_fakes.chime import CallRecord
from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_fakes.cloudformation.assembly import (
    AssemblyError,
    CustomResourceSpec,
    StackTemplate,
)
from phone_number_settings_fakes.lambda_service.runner import (
    ACCOUNT_ID,
    ExecutionEnvironment,
    LambdaEnvironment,
)

MAX_RESPONSE_BYTES: Final = 4096
MAX_PHYSICAL_ID_BYTES: Final = 1024
RETAIN: Final = "Retain"
RETAIN_EXCEPT_ON_CREATE: Final = "RetainExceptOnCreate"


class ProtocolViolation(AssertionError):
    """The function's answer breaks the custom-resource protocol."""


@dataclass(frozen=True)
class EventRecord:
    """One event CloudFormation sent, the answer it got, and the Chime calls it caused."""

    request_type: str
    logical_id: str
    phase: str  # "create", "update", "cleanup", "rollback", "delete"
    event: Mapping[str, Any]
    response: Mapping[str, Any]
    calls: tuple[CallRecord, ...]
    seconds: float

    @property
    def status(self) -> str:
        return str(self.response.get("Status"))

    @property
    def physical_id(self) -> str:
        return str(self.response.get("PhysicalResourceId"))

    @property
    def reason(self) -> str:
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
    name: str
    status: str = ""
    events: list[EventRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def for_resource(self, logical_id: str) -> list[EventRecord]:
        return [event for event in self.events if event.logical_id == logical_id]

    def sent(self) -> list[tuple[str, str, str]]:
        """(phase, RequestType, LogicalResourceId) of every event, in order."""
        return [(e.phase, e.request_type, e.logical_id) for e in self.events]


@dataclass
class _Deployed:
    spec: CustomResourceSpec
    physical_id: str


class CloudFormationDriver:
    """One stack: its deployed state, the function processes serving it, and the event log.

    ``warm=True`` keeps one execution environment per function across events, as Lambda
    does for invocations that come one after another; ``warm=False`` starts a new one for
    every event.
    """

    def __init__(
        self,
        runtime: LambdaEnvironment,
        responder: CfnResponder,
        *,
        chime_calls: Callable[[], list[CallRecord]] = list,
        stack_name: str = "PhoneNumberSettingsExample",
        warm: bool = True,
        region: str = "us-west-2",
        exports_from: Sequence[StackTemplate] = (),
    ) -> None:
        self.runtime = runtime
        self.responder = responder
        self.chime_calls = chime_calls
        self.stack_name = stack_name
        self.region = region
        self.warm = warm
        self.stack_id = (
            f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/{stack_name}/{uuid.uuid4()}"
        )
        self.template: StackTemplate | None = None
        self.deployed: dict[str, _Deployed] = {}
        self.history: list[StackOperation] = []
        self._processes: dict[str, ExecutionEnvironment] = {}
        self.exports = {
            name: (stack, function_id)
            for stack in exports_from
            for name, function_id in stack.exported_functions().items()
        }

    # ----- stack operations ----------------------------------------------------------

    def create_stack(self, template: StackTemplate) -> StackOperation:
        operation = self._begin("CREATE")
        self.template = template
        created: list[_Deployed] = []
        for spec in template.custom_resources():
            record = self._send(operation, "create", "Create", spec, spec.properties)
            deployed = _Deployed(spec, record.physical_id)
            created.append(deployed)
            if record.status != "SUCCESS":
                operation.status = "ROLLBACK_COMPLETE"
                for resource in reversed(created):
                    if resource.spec.deletion_policy == RETAIN:
                        operation.skipped.append(_retained("rollback", resource, RETAIN))
                        continue
                    self._delete(operation, "rollback", resource)
                self.deployed = {}
                return operation
            self.deployed[spec.logical_id] = deployed
        operation.status = "CREATE_COMPLETE"
        return operation

    def update_stack(self, template: StackTemplate) -> StackOperation:
        operation = self._begin("UPDATE")
        before = dict(self.deployed)
        # (old deployed, new spec, new physical id or None when created)
        touched: list[tuple[_Deployed | None, CustomResourceSpec, str]] = []
        for spec in template.custom_resources():
            old = before.get(spec.logical_id)
            if old is None:
                record = self._send(operation, "update", "Create", spec, spec.properties)
            elif dict(old.spec.properties) == dict(spec.properties):
                continue
            else:
                record = self._send(
                    operation,
                    "update",
                    "Update",
                    spec,
                    spec.properties,
                    physical_id=old.physical_id,
                    old_properties=old.spec.properties,
                )
            if record.status != "SUCCESS":
                touched.append((old, spec, old.physical_id if old else record.physical_id))
                self._roll_back_update(operation, touched)
                operation.status = "UPDATE_ROLLBACK_COMPLETE"
                return operation
            touched.append((old, spec, record.physical_id))

        # Success: the new template is the stack's; then the cleanup phase.
        self.template = template
        self.deployed = dict(before)
        for _old, spec, physical_id in touched:
            self.deployed[spec.logical_id] = _Deployed(spec, physical_id)
        for old, _spec, physical_id in touched:
            if old is None or old.physical_id == physical_id:
                continue
            if old.spec.update_replace_policy == RETAIN:
                operation.skipped.append(_retained("cleanup", old, f"UpdateReplacePolicy {RETAIN}"))
                continue
            self._delete(operation, "cleanup", old)
        new_ids = {spec.logical_id for spec in template.custom_resources()}
        for logical_id, old in reversed(list(before.items())):
            if logical_id in new_ids:
                continue
            self.deployed.pop(logical_id, None)
            self._delete_unless_retained(operation, "cleanup", old)
        operation.status = "UPDATE_COMPLETE"
        return operation

    def delete_stack(self) -> StackOperation:
        operation = self._begin("DELETE")
        for resource in reversed(list(self.deployed.values())):
            self._delete_unless_retained(operation, "delete", resource)
        self.deployed = {}
        self.template = None
        self.close()
        operation.status = "DELETE_COMPLETE"
        return operation

    def _roll_back_update(
        self,
        operation: StackOperation,
        touched: list[tuple[_Deployed | None, CustomResourceSpec, str]],
    ) -> None:
        for old, spec, physical_id in reversed(touched):
            if old is None or old.physical_id != physical_id:
                # Created by this update, or replaced: the new one goes.
                self._delete(operation, "rollback", _Deployed(spec, physical_id))
                continue
            self._send(
                operation,
                "rollback",
                "Update",
                old.spec,
                old.spec.properties,
                physical_id=old.physical_id,
                old_properties=spec.properties,
            )

    def _delete_unless_retained(
        self, operation: StackOperation, phase: str, resource: _Deployed
    ) -> None:
        """A resource leaving the stack, unless its DeletionPolicy keeps it (as CloudFormation)."""
        policy = resource.spec.deletion_policy
        if policy in (RETAIN, RETAIN_EXCEPT_ON_CREATE):
            operation.skipped.append(_retained(phase, resource, f"DeletionPolicy {policy}"))
        else:
            self._delete(operation, phase, resource)

    def _delete(self, operation: StackOperation, phase: str, resource: _Deployed) -> None:
        self._send(
            operation,
            phase,
            "Delete",
            resource.spec,
            resource.spec.properties,
            physical_id=resource.physical_id,
        )

    # ----- one event -----------------------------------------------------------------

    def event(
        self,
        request_type: str,
        spec: CustomResourceSpec,
        properties: Mapping[str, Any],
        *,
        physical_id: str | None = None,
        old_properties: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The event as CloudFormation builds it (ServiceToken added back as an ARN)."""
        _, function_id, stack_name = self._function_of(spec)
        token = self.service_token(function_id, stack_name)
        event: dict[str, Any] = {
            "RequestType": request_type,
            "ServiceToken": token,
            "ResponseURL": self.responder.new_response_url(),
            "StackId": self.stack_id,
            "RequestId": str(uuid.uuid4()),
            "LogicalResourceId": spec.logical_id,
            "ResourceType": "Custom::PhoneNumberSettings",
            "ResourceProperties": {"ServiceToken": token, **properties},
        }
        if physical_id is not None:
            event["PhysicalResourceId"] = physical_id
        if old_properties is not None:
            event["OldResourceProperties"] = {"ServiceToken": token, **old_properties}
        return event

    def service_token(self, function_logical_id: str, stack_name: str | None = None) -> str:
        return (
            f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:"
            f"{stack_name or self.stack_name}-{function_logical_id}"
        )

    def _function_of(self, spec: CustomResourceSpec) -> tuple[StackTemplate | None, str, str]:
        """The template holding the resource's function (None: the stack's, not deployed
        yet), its logical id, its stack's name."""
        if spec.service_token_import is None:
            return self.template, spec.function_logical_id, self.stack_name
        try:
            stack, function_id = self.exports[spec.service_token_import]
        except KeyError:
            raise AssemblyError(
                f"{spec.logical_id}: no export named {spec.service_token_import} "
                "among the stacks of exports_from"
            ) from None
        return stack, function_id, stack.name

    def _send(
        self,
        operation: StackOperation,
        phase: str,
        request_type: str,
        spec: CustomResourceSpec,
        properties: Mapping[str, Any],
        *,
        physical_id: str | None = None,
        old_properties: Mapping[str, Any] | None = None,
    ) -> EventRecord:
        event = self.event(
            request_type,
            spec,
            properties,
            physical_id=physical_id,
            old_properties=old_properties,
        )
        calls_before = len(self.chime_calls())
        started = time.monotonic()
        process = self._process(spec)
        invocation = process.invoke(event)
        if not self.warm:
            process.close()
        # crhelper answers before the handler returns; a function error is retried by
        # Lambda for async invocations, but a handler that raised has still answered.
        responses = self.responder.wait_for(event["ResponseURL"], timeout=10)
        seconds = time.monotonic() - started
        if len(responses) != 1:
            raise ProtocolViolation(f"{len(responses)} responses to one event: {responses}")
        response = responses[0]
        check_response(event, response)
        if not invocation.ok:
            raise ProtocolViolation(
                f"handler raised {invocation.error_type}: {invocation.error_message}"
            )
        record = EventRecord(
            request_type=request_type,
            logical_id=spec.logical_id,
            phase=phase,
            event=event,
            response=response,
            calls=tuple(self.chime_calls()[calls_before:]),
            seconds=seconds,
        )
        operation.events.append(record)
        return record

    def _process(self, spec: CustomResourceSpec) -> ExecutionEnvironment:
        stack, function_id, stack_name = self._function_of(spec)
        function_name = f"{stack_name}-{function_id}"
        process = self._processes.get(function_name)
        if process is None or not process.alive or not self.warm:
            assert stack is not None, "the stack's template is known once it is created"
            process = self.runtime.start(stack.function(function_id), function_name)
            self._processes[function_name] = process
        return process

    def _begin(self, name: str) -> StackOperation:
        operation = StackOperation(name)
        self.history.append(operation)
        return operation

    def close(self) -> None:
        for process in self._processes.values():
            process.close()
        self._processes.clear()

    def __enter__(self) -> CloudFormationDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_response(event: Mapping[str, Any], response: Mapping[str, Any]) -> None:
    """What CloudFormation would reject in a response."""
    problems = []
    for key in ("RequestId", "LogicalResourceId", "StackId"):
        if response.get(key) != event[key]:
            problems.append(f"{key} {response.get(key)!r} != {event[key]!r}")
    if response.get("Status") not in ("SUCCESS", "FAILED"):
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


def _retained(phase: str, resource: _Deployed, why: str) -> Skipped:
    return Skipped("Delete", resource.spec.logical_id, resource.physical_id, f"{phase}: {why}")
