"""Plays CloudFormation's side of the custom-resource protocol against real Lambda processes.

A model of what CloudFormation sends, in which order, for the stack operations the tests
need, and of what it records meanwhile: the stack's status and resources are kept in a
``CloudFormationBackend`` (which the CloudFormation API stand-in serves) at every step, as
the function would read them. The templates come from a synthesised cloud assembly. Events
are sent one at a time (CloudFormation would send independent ones in parallel) so each
event's Chime calls can be told apart. The model:

- Create stack (``CREATE_IN_PROGRESS``): a Create per custom resource, in template order.
  On the first failure (a FAILED answer, no answer, or ``failing_resource``), creation
  stops and the stack rolls back (``ROLLBACK_IN_PROGRESS``): a Delete, in reverse order,
  for every resource created so far and for the failed one (with the PhysicalResourceId
  its FAILED response carried), except those whose DeletionPolicy is Retain
  (RetainExceptOnCreate is deleted). A failed rollback Delete ends in ``ROLLBACK_FAILED``,
  else ``ROLLBACK_COMPLETE``.
- Update stack (``UPDATE_IN_PROGRESS``): for each resource of the new template, a Create
  if it is new (a new logical id, also for a renamed resource), an Update
  (ResourceProperties, OldResourceProperties, PhysicalResourceId) if its properties
  changed. A different PhysicalResourceId in the answer is a replacement. After the last
  success comes the cleanup (``UPDATE_COMPLETE_CLEANUP_IN_PROGRESS``): a Delete of every
  replaced resource's old id (with the old properties) unless its UpdateReplacePolicy is
  Retain, and of every resource that left the template unless its DeletionPolicy is Retain
  or RetainExceptOnCreate; a failed cleanup Delete does not fail the stack.
- When an event of the update fails, or ``failing_resource`` (another resource of the
  template) fails after the custom resources, the stack rolls back
  (``UPDATE_ROLLBACK_IN_PROGRESS``): in reverse order, every custom resource updated so far,
  including the failed one, gets an Update back (ResourceProperties = its previous
  properties, OldResourceProperties = the ones it was sent). A failed rollback Update ends
  in ``UPDATE_ROLLBACK_FAILED``. Otherwise, in ``UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS``,
  resources the update created, and the new ids of replaced ones, get a Delete; then
  ``UPDATE_ROLLBACK_COMPLETE``.
- Delete stack (``DELETE_IN_PROGRESS``): a Delete per custom resource in reverse template
  order, except those whose DeletionPolicy is Retain or RetainExceptOnCreate. A failed
  Delete ends in ``DELETE_FAILED`` (the failed resources stay), else ``DELETE_COMPLETE``.
- Lambda invokes asynchronously: a function error (also an init or import error) is
  retried ``MaximumRetryAttempts`` times (the function's ``AWS::Lambda::EventInvokeConfig``,
  2 without one) with the same request id; the first response PUT counts. No response at
  all is the resource's failure after ServiceTimeout (not waited for here).
  ``duplicate_next`` and ``redeliver`` deliver an event again, as Lambda's at-least-once
  queue may: while its stack is in progress, or after the stack moved on; an event older
  than ``MaximumEventAgeInSeconds`` (6 hours without one) is discarded instead.
- A ServiceToken ``Fn::ImportValue`` is the function of the stack (of ``exports_from``, the
  stacks already deployed in the Region) whose Outputs export that name.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from phone_number_settings_fakes.chime import CallRecord
from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_fakes.cloudformation.assembly import (
    AssemblyError,
    CustomResourceSpec,
    StackTemplate,
)
from phone_number_settings_fakes.cloudformation.records import (
    MAX_PHYSICAL_ID_BYTES,
    MAX_RESPONSE_BYTES,
    NO_RESPONSE,
    SUCCESS,
    EventRecord,
    ProtocolViolation,
    Skipped,
    StackOperation,
    check_response,
)
from phone_number_settings_fakes.cloudformation.stacks import CloudFormationBackend, stack_arn
from phone_number_settings_fakes.lambda_service.async_invoke import (
    DEFAULT_MAX_EVENT_AGE_SECONDS,
    DEFAULT_RETRY_ATTEMPTS,
    AsyncInvoker,
)
from phone_number_settings_fakes.lambda_service.runner import ACCOUNT_ID, LambdaEnvironment

__all__ = [
    "MAX_PHYSICAL_ID_BYTES",
    "MAX_RESPONSE_BYTES",
    "NO_RESPONSE",
    "CloudFormationDriver",
    "EventRecord",
    "ProtocolViolation",
    "Skipped",
    "StackOperation",
    "StackStateError",
    "check_response",
]

RETAIN: Final = "Retain"
RETAIN_EXCEPT_ON_CREATE: Final = "RetainExceptOnCreate"
UPDATABLE: Final = ("CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE")
INJECTED_FAILURE: Final = (
    'Resource handler returned message: "Injected failure" (HandlerErrorCode: InternalFailure)'
)


class StackStateError(RuntimeError):
    """CloudFormation refuses the operation in the stack's current status."""


@dataclass
class _Deployed:
    spec: CustomResourceSpec
    physical_id: str


@dataclass(frozen=True)
class _Touched:
    """A custom resource the update sent an event to: before (None: new), now."""

    old: _Deployed | None
    spec: CustomResourceSpec
    physical_id: str

    @property
    def created_or_replaced(self) -> bool:
        return self.old is None or self.old.physical_id != self.physical_id


class CloudFormationDriver:
    """One stack: its deployed state, the function processes serving it, and the event log.

    ``warm=True`` keeps one execution environment per function across events, as Lambda
    does for invocations that come one after another; ``warm=False`` starts a new one for
    every event. ``stacks`` is where the stack's status and resources are kept (serve it
    with ``FakeCloudFormationServer`` for the function to read); the driver's own when not
    given.
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
        stacks: CloudFormationBackend | None = None,
    ) -> None:
        self.runtime = runtime
        self.responder = responder
        self.invoker = AsyncInvoker(runtime, responder, warm)
        self.chime_calls = chime_calls
        self.stack_name = stack_name
        self.region = region
        self.stacks = stacks or CloudFormationBackend()
        self.stack_id = stack_arn(region, stack_name)
        self.template: StackTemplate | None = None
        self.deployed: dict[str, _Deployed] = {}
        self.history: list[StackOperation] = []
        self._duplicates: dict[str, int] = {}
        self.exports = {
            name: (stack, function_id)
            for stack in exports_from
            for name, function_id in stack.exported_functions().items()
        }

    @property
    def status(self) -> str:
        """The stack's status as CloudFormation reports it ("" before it is created)."""
        try:
            return self.stacks.stack(self.stack_id).status
        except KeyError:
            return ""

    def put_stack(self, status: str) -> None:
        """The stack exists, in ``status``, with no operation played: for events sent one
        by one with ``event``, outside any stack operation."""
        if self.status:
            self.stacks.set_stack_status(self.stack_id, status)
        else:
            self.stacks.add_stack(self.stack_id, self.stack_name, status)

    # ----- stack operations ----------------------------------------------------------

    def create_stack(
        self, template: StackTemplate, *, failing_resource: str | None = None
    ) -> StackOperation:
        """Create; ``failing_resource`` (a logical id, not a custom resource) fails after
        every custom resource was created, so that the stack rolls back."""
        self._check_failing(template, failing_resource)
        if self.status == "DELETE_COMPLETE":  # a new stack of the same name: a new id
            self.stack_id = stack_arn(self.region, self.stack_name)
        elif self.status:
            raise StackStateError(f"Stack [{self.stack_name}] already exists")
        operation = self._begin("CREATE")
        self.stacks.add_stack(self.stack_id, self.stack_name, "CREATE_IN_PROGRESS")
        self._moved(operation, "CREATE_IN_PROGRESS")
        self.template = template
        self._add_other_resources(template, "CREATE_COMPLETE", skip=failing_resource)
        created: list[_Deployed] = []
        for spec in template.custom_resources():
            self._mark(template, spec.logical_id, "CREATE_IN_PROGRESS")
            record = self._send(operation, "create", "Create", spec, spec.properties)
            deployed = _Deployed(spec, record.physical_id)
            created.append(deployed)
            if record.status != SUCCESS:
                self._fail(operation, template, spec.logical_id, "CREATE_FAILED", record)
                break
            self._mark(template, spec.logical_id, "CREATE_COMPLETE", record.physical_id)
            self.deployed[spec.logical_id] = deployed
        else:
            if failing_resource is None:
                self._moved(operation, "CREATE_COMPLETE")
                return operation
            self._fail_other(operation, template, failing_resource, "CREATE_FAILED")

        self._moved(operation, "ROLLBACK_IN_PROGRESS")
        failed: dict[str, _Deployed] = {}
        for resource in reversed(created):
            if resource.spec.deletion_policy == RETAIN:
                self._skip(operation, "rollback", resource, RETAIN)
            elif not self._delete(operation, "rollback", resource):
                failed[resource.spec.logical_id] = resource
        self.deployed = failed
        self._add_other_resources(template, "DELETE_COMPLETE")
        self._moved(operation, "ROLLBACK_FAILED" if failed else "ROLLBACK_COMPLETE")
        return operation

    def update_stack(
        self, template: StackTemplate, *, failing_resource: str | None = None
    ) -> StackOperation:
        """Update; ``failing_resource`` (a logical id of the new template, not a custom
        resource) fails after every custom resource's event, so that the update rolls back."""
        if self.status not in UPDATABLE:
            raise StackStateError(
                f"Stack:{self.stack_id} is in {self.status} state and can not be updated."
            )
        self._check_failing(template, failing_resource)
        operation = self._begin("UPDATE")
        self._moved(operation, "UPDATE_IN_PROGRESS")
        before = dict(self.deployed)
        old_template = self.template
        self._add_other_resources(template, "CREATE_COMPLETE", skip=failing_resource, new_only=True)
        touched: list[_Touched] = []
        for spec in template.custom_resources():
            old = before.get(spec.logical_id)
            verb = "CREATE" if old is None else "UPDATE"
            if old is None:
                self._mark(template, spec.logical_id, "CREATE_IN_PROGRESS")
                record = self._send(operation, "update", "Create", spec, spec.properties)
            elif dict(old.spec.properties) == dict(spec.properties):
                continue
            else:
                self._mark(template, spec.logical_id, "UPDATE_IN_PROGRESS")
                record = self._send(
                    operation,
                    "update",
                    "Update",
                    spec,
                    spec.properties,
                    physical_id=old.physical_id,
                    old_properties=old.spec.properties,
                )
            if record.status != SUCCESS:
                touched.append(_Touched(old, spec, old.physical_id if old else record.physical_id))
                self._fail(operation, template, spec.logical_id, f"{verb}_FAILED", record)
                self._roll_back_update(operation, template, touched, before)
                return operation
            self._mark(template, spec.logical_id, f"{verb}_COMPLETE", record.physical_id)
            touched.append(_Touched(old, spec, record.physical_id))
        if failing_resource is not None:
            self._fail_other(operation, template, failing_resource, "UPDATE_FAILED")
            self._roll_back_update(operation, template, touched, before, failing_resource)
            return operation

        # Success: the new template is the stack's; then the cleanup phase.
        self.template = template
        self.deployed = dict(before)
        for change in touched:
            self.deployed[change.spec.logical_id] = _Deployed(change.spec, change.physical_id)
        self._moved(operation, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
        for change in touched:
            if change.old is None or not change.created_or_replaced:
                continue
            if change.old.spec.update_replace_policy == RETAIN:
                self._skip(operation, "cleanup", change.old, f"UpdateReplacePolicy {RETAIN}")
                continue
            self._delete(operation, "cleanup", change.old, keep_row=True)
        new_ids = {spec.logical_id for spec in template.custom_resources()}
        for logical_id, old in reversed(list(before.items())):
            if logical_id in new_ids:
                continue
            self.deployed.pop(logical_id, None)
            self._delete_unless_retained(operation, "cleanup", old)
            self.stacks.remove_resource(self.stack_id, logical_id)
        if old_template is not None:
            for logical_id in set(old_template.resources) - set(template.resources):
                self.stacks.remove_resource(self.stack_id, logical_id)
        self._moved(operation, "UPDATE_COMPLETE")
        return operation

    def delete_stack(self) -> StackOperation:
        operation = self._begin("DELETE")
        self._moved(operation, "DELETE_IN_PROGRESS")
        failed: dict[str, _Deployed] = {}
        for resource in reversed(list(self.deployed.values())):
            if not self._delete_unless_retained(operation, "delete", resource):
                failed[resource.spec.logical_id] = resource
        self.deployed = failed
        if failed:
            self._moved(operation, "DELETE_FAILED")
            return operation
        if self.template is not None:
            self._add_other_resources(self.template, "DELETE_COMPLETE")
        self.template = None
        self.close()
        self._moved(operation, "DELETE_COMPLETE")
        return operation

    def _roll_back_update(
        self,
        operation: StackOperation,
        template: StackTemplate,
        touched: list[_Touched],
        before: dict[str, _Deployed],
        failing_resource: str | None = None,
    ) -> None:
        self._moved(operation, "UPDATE_ROLLBACK_IN_PROGRESS")
        if failing_resource is not None:
            self._mark(template, failing_resource, "UPDATE_COMPLETE")
        rollback_failed = False
        for change in reversed(touched):
            old = change.old
            if change.created_or_replaced:
                if old is not None:  # the old resource still is: the logical id points back
                    self._mark(template, old.spec.logical_id, "UPDATE_COMPLETE", old.physical_id)
                continue
            assert old is not None
            self._mark(template, old.spec.logical_id, "UPDATE_IN_PROGRESS")
            record = self._send(
                operation,
                "rollback",
                "Update",
                old.spec,
                old.spec.properties,
                physical_id=old.physical_id,
                old_properties=change.spec.properties,
            )
            if record.status == SUCCESS:
                self._mark(template, old.spec.logical_id, "UPDATE_COMPLETE")
            else:
                self._fail(operation, template, old.spec.logical_id, "UPDATE_FAILED", record)
                rollback_failed = True
        self.deployed = dict(before)
        if rollback_failed:
            self._moved(operation, "UPDATE_ROLLBACK_FAILED")
            return
        self._moved(operation, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS")
        for change in reversed(touched):
            if change.created_or_replaced:
                gone = _Deployed(change.spec, change.physical_id)
                self._delete(operation, "rollback-cleanup", gone, keep_row=change.old is not None)
                if change.old is None:
                    self.stacks.remove_resource(self.stack_id, change.spec.logical_id)
        self._moved(operation, "UPDATE_ROLLBACK_COMPLETE")

    def _delete_unless_retained(
        self, operation: StackOperation, phase: str, resource: _Deployed
    ) -> bool:
        """A resource leaving the stack, unless its DeletionPolicy keeps it (as CloudFormation).

        False when its Delete failed."""
        policy = resource.spec.deletion_policy
        if policy in (RETAIN, RETAIN_EXCEPT_ON_CREATE):
            self._skip(operation, phase, resource, f"DeletionPolicy {policy}")
            return True
        return self._delete(operation, phase, resource)

    def _delete(
        self, operation: StackOperation, phase: str, resource: _Deployed, keep_row: bool = False
    ) -> bool:
        """Sends the Delete; False when it failed. ``keep_row``: the logical id now stands
        for another physical resource, whose record stays as it is."""
        logical_id = resource.spec.logical_id
        if not keep_row:
            self._mark_custom(logical_id, "DELETE_IN_PROGRESS")
        record = self._send(
            operation,
            phase,
            "Delete",
            resource.spec,
            resource.spec.properties,
            physical_id=resource.physical_id,
        )
        ok = record.status == SUCCESS
        if not keep_row:
            self._mark_custom(
                logical_id, "DELETE_COMPLETE" if ok else "DELETE_FAILED", reason=_why(record)
            )
        return ok

    def _skip(self, operation: StackOperation, phase: str, resource: _Deployed, why: str) -> None:
        operation.skipped.append(
            Skipped("Delete", resource.spec.logical_id, resource.physical_id, f"{phase}: {why}")
        )
        self._mark_custom(resource.spec.logical_id, "DELETE_SKIPPED")

    # ----- what CloudFormation records -----------------------------------------------

    def _moved(self, operation: StackOperation, status: str) -> None:
        self.stacks.set_stack_status(self.stack_id, status, operation.failure or None)
        operation.statuses.append(status)
        operation.status = status

    def _mark(
        self,
        template: StackTemplate,
        logical_id: str,
        status: str,
        physical_id: str | None = None,
        reason: str | None = None,
    ) -> None:
        self.stacks.set_resource(
            self.stack_id,
            logical_id,
            status,
            resource_type=str(template.resources[logical_id]["Type"]),
            physical_id=physical_id,
            reason=reason,
        )

    def _mark_custom(self, logical_id: str, status: str, reason: str | None = None) -> None:
        self.stacks.set_resource(self.stack_id, logical_id, status, reason=reason)

    def _fail(
        self,
        operation: StackOperation,
        template: StackTemplate,
        logical_id: str,
        status: str,
        record: EventRecord,
    ) -> None:
        self._mark(template, logical_id, status, record.physical_id, _why(record))
        operation.failure = operation.failure or f"The following resource(s) failed: [{logical_id}]"

    def _fail_other(
        self, operation: StackOperation, template: StackTemplate, logical_id: str, status: str
    ) -> None:
        self._mark(template, logical_id, status.replace("FAILED", "IN_PROGRESS"))
        self._mark(template, logical_id, status, reason=INJECTED_FAILURE)
        operation.failure = f"The following resource(s) failed: [{logical_id}]"

    def _check_failing(self, template: StackTemplate, logical_id: str | None) -> None:
        if logical_id is None:
            return
        resource = template.resources.get(logical_id)
        if resource is None or logical_id in {s.logical_id for s in template.custom_resources()}:
            raise AssemblyError(
                f"failing_resource {logical_id}: not a resource of the template other than "
                "the custom resources"
            )

    def _add_other_resources(
        self,
        template: StackTemplate,
        status: str,
        skip: str | None = None,
        new_only: bool = False,
    ) -> None:
        """The template's resources other than the custom ones (the provider function, its
        role, ...), all in ``status`` at once: the stories are about the custom resources."""
        custom = {spec.logical_id for spec in template.custom_resources()}
        known = set() if self.template is None or not new_only else set(self.template.resources)
        for logical_id in template.resources:
            if logical_id in custom or logical_id == skip or logical_id in known:
                continue
            self._mark(template, logical_id, status, self._physical_id_for(logical_id))

    def _physical_id_for(self, logical_id: str) -> str:
        if (
            self.template is not None
            and self.template.resources.get(logical_id, {}).get("Type") == "AWS::Lambda::Function"
        ):
            return f"{self.stack_name}-{logical_id}"
        return f"{self.stack_name}-{logical_id}-{secrets.token_hex(6).upper()}"

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

    def duplicate_next(self, logical_id: str, times: int = 1) -> None:
        """Lambda delivers the next event for ``logical_id`` ``times`` more times, right
        after the first, while the stack is still in progress."""
        self._duplicates[logical_id] = self._duplicates.get(logical_id, 0) + times

    def redeliver(self, record: EventRecord, *, age_seconds: float = 0.0) -> EventRecord:
        """Lambda delivers ``record``'s event again now, whatever the stack's status: an
        event from its queue, late. Logged as a "REDELIVERY" operation.

        ``age_seconds`` is how long it waited in the queue: older than the function's
        MaximumEventAgeInSeconds, Lambda discards it (no delivery, no response)."""
        operation = self._begin("REDELIVERY")
        operation.status = self.status
        if age_seconds > self._max_event_age(record.spec):
            discarded = replace(
                record,
                phase="redelivery",
                response={},
                responses=(),
                calls=(),
                deliveries=0,
                seconds=0.0,
                stack_status=operation.status,
                invocation_errors=(),
            )
            operation.events.append(discarded)
            return discarded
        return self._deliver(operation, "redelivery", record.spec, record.event, record.request_id)

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

    def _retry_attempts(self, spec: CustomResourceSpec) -> int:
        """MaximumRetryAttempts of the function's EventInvokeConfig, or Lambda's default."""
        configured = self._event_invoke_config(spec).get("MaximumRetryAttempts")
        return DEFAULT_RETRY_ATTEMPTS if configured is None else int(configured)

    def _max_event_age(self, spec: CustomResourceSpec) -> float:
        """MaximumEventAgeInSeconds of the function's EventInvokeConfig, or Lambda's default."""
        configured = self._event_invoke_config(spec).get("MaximumEventAgeInSeconds")
        return DEFAULT_MAX_EVENT_AGE_SECONDS if configured is None else float(configured)

    def _event_invoke_config(self, spec: CustomResourceSpec) -> Mapping[str, Any]:
        """The Properties of the AWS::Lambda::EventInvokeConfig of the resource's function."""
        stack, function_id, _ = self._function_of(spec)
        for resource in (stack.resources if stack else {}).values():
            properties: Mapping[str, Any] = resource.get("Properties", {})
            if resource.get("Type") == "AWS::Lambda::EventInvokeConfig" and properties.get(
                "FunctionName"
            ) == {"Ref": function_id}:
                return properties
        return {}

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
        return self._deliver(operation, phase, spec, event, str(uuid.uuid4()))

    def _deliver(
        self,
        operation: StackOperation,
        phase: str,
        spec: CustomResourceSpec,
        event: Mapping[str, Any],
        request_id: str,
    ) -> EventRecord:
        """Lambda's delivery of one event, then the first new response PUT to its URL."""
        stack, function_id, stack_name = self._function_of(spec)
        assert stack is not None, "the stack's template is known once it is created"
        calls_before = len(self.chime_calls())
        delivered = self.invoker.deliver(
            stack.function(function_id),
            f"{stack_name}-{function_id}",
            event,
            request_id=request_id,
            retries=self._retry_attempts(spec),
            duplicates=self._duplicates.pop(spec.logical_id, 0),
        )
        if delivered.responses:
            check_response(event, delivered.responses[0])
        record = EventRecord(
            request_type=str(event["RequestType"]),
            logical_id=spec.logical_id,
            phase=phase,
            event=event,
            response=delivered.responses[0] if delivered.responses else {},
            calls=tuple(self.chime_calls()[calls_before:]),
            seconds=delivered.seconds,
            spec=spec,
            stack_status=operation.status,
            request_id=request_id,
            deliveries=delivered.deliveries,
            responses=delivered.responses,
            invocation_errors=delivered.errors,
            assumed_physical_id=str(
                event.get("PhysicalResourceId")
                or f"{self.stack_name}-{spec.logical_id}-{secrets.token_hex(6).upper()}"
            ),  # CloudFormation's own name for a resource that has none
        )
        operation.events.append(record)
        return record

    def function_log(self) -> str:
        """What the function wrote, every execution environment started, oldest first."""
        return self.invoker.function_log()

    def _begin(self, name: str) -> StackOperation:
        operation = StackOperation(name)
        self.history.append(operation)
        return operation

    def close(self) -> None:
        self.invoker.close()

    def __enter__(self) -> CloudFormationDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _physical_id_for(template: StackTemplate, stack_name: str, logical_id: str) -> str:
    """The name CloudFormation gives a resource that has none in the template."""
    if template.resources[logical_id].get("Type") == "AWS::Lambda::Function":
        return f"{stack_name}-{logical_id}"  # as the ServiceToken ARNs name it
    return f"{stack_name}-{logical_id}-{secrets.token_hex(6).upper()}"


def _why(record: EventRecord) -> str | None:
    return None if record.status == SUCCESS else record.reason[:1024]
