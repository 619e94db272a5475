"""CloudFormation's record of stacks and their resources, and the read calls that serve it.

The model behind the CloudFormation API stand-in: stacks (id, name, Region, status,
times) holding resources (logical id, physical id, type, status, time), kept by whoever
plays CloudFormation (the driver) and read by ``DescribeStacks``, ``ListStackResources``
and ``DescribeStackResources`` as the service answers them:

- stacks are regional: a stack is found only from its own Region;
- a stack is found by name while it exists, by its stack id also after it is deleted
  (status ``DELETE_COMPLETE``);
- ``ListStackResources`` pages (``page_size`` summaries a page, a ``NextToken`` for the
  rest); ``DescribeStackResources`` does not page, and also finds a stack by a physical id
  it holds.
"""

from __future__ import annotations

import base64
import binascii
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Final

ACCOUNT_ID: Final = "123456789012"
DELETE_COMPLETE: Final = "DELETE_COMPLETE"
# ListStackResources' page, as the service returns it.
DEFAULT_PAGE_SIZE: Final = 100


class CloudFormationError(Exception):
    """An error answer in the service's terms; the wire layer writes it as XML."""

    def __init__(self, code: str, message: str, status: int = 400, sender: bool = True) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.fault = "Sender" if sender else "Receiver"


def validation_error(message: str) -> CloudFormationError:
    return CloudFormationError("ValidationError", message)


def stack_arn(region: str, name: str) -> str:
    return f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/{name}/{uuid.uuid4()}"


def region_of(stack_id: str) -> str:
    """The Region field of a stack ARN."""
    return stack_id.split(":")[3]


@dataclass(frozen=True)
class StackResource:
    """One resource of a stack as CloudFormation records it."""

    logical_id: str
    resource_type: str
    status: str
    updated: datetime
    physical_id: str | None = None
    status_reason: str | None = None


@dataclass
class Stack:
    stack_id: str
    name: str
    status: str
    created: datetime
    updated: datetime | None = None
    status_reason: str | None = None
    deleted: datetime | None = None
    resources: dict[str, StackResource] = field(default_factory=dict)

    @property
    def region(self) -> str:
        return region_of(self.stack_id)


class CloudFormationBackend:
    """Thread-safe stacks; the driver writes them, the API stand-in reads them."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._stacks: dict[str, Stack] = {}
        self.page_size = DEFAULT_PAGE_SIZE

    def reset(self) -> None:
        """No stacks, pages of the service's size."""
        with self._lock:
            self._stacks.clear()
            self.page_size = DEFAULT_PAGE_SIZE

    # ----- what the driver (CloudFormation itself) writes --------------------------------

    def add_stack(self, stack_id: str, name: str, status: str) -> None:
        with self._lock:
            if stack_id in self._stacks:
                raise ValueError(f"stack {stack_id} exists already")
            self._stacks[stack_id] = Stack(stack_id, name, status, self._clock())

    def set_stack_status(self, stack_id: str, status: str, reason: str | None = None) -> None:
        with self._lock:
            stack = self._stacks[stack_id]
            now = self._clock()
            stack.status, stack.status_reason = status, reason
            if status == DELETE_COMPLETE:
                stack.deleted = now
            elif not status.startswith("CREATE_") and not status.startswith("ROLLBACK_"):
                stack.updated = now

    def set_resource(
        self,
        stack_id: str,
        logical_id: str,
        status: str,
        *,
        resource_type: str | None = None,
        physical_id: str | None = None,
        reason: str | None = None,
    ) -> None:
        """Sets the resource's status (and type or physical id when given), adding it if new."""
        with self._lock:
            resources = self._stacks[stack_id].resources
            now = self._clock()
            known = resources.get(logical_id)
            if known is None:
                if resource_type is None:
                    raise ValueError(f"{logical_id}: a new resource needs its type")
                known = StackResource(logical_id, resource_type, status, now)
            resources[logical_id] = replace(
                known,
                status=status,
                updated=now,
                resource_type=resource_type or known.resource_type,
                physical_id=physical_id if physical_id is not None else known.physical_id,
                status_reason=reason,
            )

    def remove_resource(self, stack_id: str, logical_id: str) -> None:
        """The resource is gone from the stack (deleted, or retained and let go)."""
        with self._lock:
            self._stacks[stack_id].resources.pop(logical_id, None)

    # ----- what tests read directly ------------------------------------------------------

    def stack(self, stack_id: str) -> Stack:
        with self._lock:
            stack = self._stacks[stack_id]
            return replace(stack, resources=dict(stack.resources))

    # ----- the API's read calls ----------------------------------------------------------

    def describe_stacks(self, region: str, stack_name: str | None) -> list[Stack]:
        with self._lock:
            if stack_name is None:
                return [
                    replace(s, resources={})
                    for s in self._stacks.values()
                    if s.region == region and s.deleted is None
                ]
            return [replace(self._find(region, stack_name), resources={})]

    def list_stack_resources(
        self, region: str, stack_name: str, next_token: str | None
    ) -> tuple[Stack, list[StackResource], str | None]:
        """One page of the stack's resources, and the token of the next page (None: last)."""
        with self._lock:
            stack = self._find(region, stack_name)
            start = _token_position(next_token, stack.stack_id) if next_token else 0
            resources = list(stack.resources.values())
            end = start + self.page_size
            token = _token_for(stack.stack_id, end) if end < len(resources) else None
            return replace(stack, resources={}), resources[start:end], token

    def describe_stack_resources(
        self,
        region: str,
        stack_name: str | None,
        logical_id: str | None,
        physical_id: str | None,
    ) -> tuple[Stack, list[StackResource]]:
        with self._lock:
            if stack_name is not None:
                stack = self._find(region, stack_name)
            elif physical_id is not None:
                stack = self._holding(region, physical_id)
            else:
                raise validation_error("Either StackName or PhysicalResourceId must be specified.")
            found = [
                resource
                for resource in stack.resources.values()
                if logical_id in (None, resource.logical_id)
                and physical_id in (None, resource.physical_id)
            ]
            if logical_id is not None and not found:
                raise validation_error(
                    f"Resource {logical_id} does not exist for stack {stack.name}"
                )
            return replace(stack, resources={}), found

    def _find(self, region: str, name_or_id: str) -> Stack:
        stack = self._stacks.get(name_or_id)
        if stack is None:
            # By name: the live stack of that name only.
            stack = next(
                (s for s in self._stacks.values() if s.name == name_or_id and s.deleted is None),
                None,
            )
        if stack is None or stack.region != region:
            raise validation_error(f"Stack with id {name_or_id} does not exist")
        return stack

    def _holding(self, region: str, physical_id: str) -> Stack:
        for stack in self._stacks.values():
            if (
                stack.region == region
                and stack.deleted is None
                and any(r.physical_id == physical_id for r in stack.resources.values())
            ):
                return stack
        raise validation_error(f"Stack for {physical_id} does not exist")


def _token_for(stack_id: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{position}|{stack_id}".encode()).decode()


def _token_position(token: str, stack_id: str) -> int:
    try:
        position, _, owner = base64.urlsafe_b64decode(token.encode()).decode().partition("|")
        if owner != stack_id:
            raise ValueError(owner)
        return int(position)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise validation_error("Invalid NextToken") from None
