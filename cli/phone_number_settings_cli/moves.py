"""Numbers moving across the stacks of one plan: declared by one, still deployed by another.

One stack cannot see another. When a number leaves stack A for stack B, A's cleanup
Delete clears the Name and CallingName A set, possibly after B set them. ``plan`` sees
every stack of a cloud assembly, so it asks CloudFormation (ListStackResources,
read-only) which settings resources each stack has deployed, and warns of such moves.

The decision (``moves_across_stacks``) is a pure function. The reads start before the
Chime reads and run beside them on daemon threads; ``DeployedRead.collect`` waits for
them at most ``MOVE_CHECK_SECONDS`` from their start. A stack CloudFormation does not
know is new (nothing deployed); any other failure (no credentials, AccessDenied,
unreachable, throttled) skips the check for that stack and is said in one line: the
move check never fails a plan nor holds it up.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, Protocol

import boto3
import botocore.exceptions

from phone_number_settings_chime.gateway import (
    CLOUDFORMATION_CLIENT_CONFIG,
    AttemptTimedOut,
    Started,
    plain_words,
)
from phone_number_settings_cli.plan import ResourcePlan
from phone_number_settings_core.errors import InvalidPropertyError, StackResourcesUnavailableError
from phone_number_settings_core.rules import (
    RESOURCE_LEAVING_STATUSES,
    SETTINGS_RESOURCE_TYPES,
    check_phone_number_id,
)
from phone_number_settings_templates.reader import AssemblyStack

LIST_STACK_RESOURCES: Final = "ListStackResources"
# The plan waits for CloudFormation at most this long from the start of the reads; the
# Chime reads usually take longer, and then the plan does not wait at all.
MOVE_CHECK_SECONDS: Final = 3.0
# How CloudFormation answers for a stack it does not know: a ValidationError saying so.
_NO_SUCH_STACK: Final = re.compile(r"Stack with id .+ does not exist")


@dataclass(frozen=True)
class Move:
    """A number declared by ``to_stack`` and still deployed by ``from_stack``."""

    phone_number_id: str
    from_stack: AssemblyStack
    to_stack: AssemblyStack

    def message(self) -> str:
        old, new = self.from_stack.name, self.to_stack.name
        return (
            f"{self.phone_number_id} moves from stack {old} to stack {new}: deploy {old} "
            f"first, or set RETAIN on its resource before moving; otherwise {old}'s cleanup "
            f"clears what {new} sets"
        )


def moves_across_stacks(
    declared: Mapping[AssemblyStack, frozenset[str]],
    deployed: Mapping[AssemblyStack, frozenset[str]],
) -> tuple[Move, ...]:
    """Each number a stack declares that another stack has deployed and no longer declares.

    ``declared``: the numbers each stack's new template declares (a stack declaring none
    may be missing); ``deployed``: the numbers each stack read has deployed now.
    """
    found: list[Move] = []
    for to_stack, numbers in declared.items():
        for number in sorted(numbers):
            found.extend(
                Move(number, from_stack, to_stack)
                for from_stack, held in deployed.items()
                if from_stack != to_stack
                and number in held
                and number not in declared.get(from_stack, frozenset())
            )
    return tuple(found)


def deployed_numbers(summaries: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """The numbers of the settings resources among ListStackResources' summaries.

    Their PhysicalResourceId is the number; one that is not an E.164 number (a Create that
    failed) declares nothing, nor does a resource on its way out of the stack.
    """
    numbers = set()
    for summary in summaries:
        if (
            summary.get("ResourceType") not in SETTINGS_RESOURCE_TYPES
            or summary.get("ResourceStatus") in RESOURCE_LEAVING_STATUSES
        ):
            continue
        try:
            numbers.add(check_phone_number_id(summary.get("PhysicalResourceId")))
        except InvalidPropertyError:
            continue
    return frozenset(numbers)


class StackLister(Protocol):
    """The numbers a stack has deployed; raises StackResourcesUnavailableError."""

    def deployed(self, stack: str, region: str) -> frozenset[str]: ...


class CloudFormationStacks:
    """``StackLister`` over boto3: ListStackResources by stack name, every page.

    One client per Region, made when first needed (under a lock: the reads run on threads).
    Credentials and the endpoint (``AWS_ENDPOINT_URL_CLOUDFORMATION``) come from the
    standard AWS configuration.
    """

    def __init__(
        self, session_factory: Callable[[], boto3.session.Session] = boto3.session.Session
    ) -> None:
        self._session_factory = session_factory
        self._lock = threading.Lock()
        self._session: boto3.session.Session | None = None
        self._clients: dict[str, Any] = {}

    def deployed(self, stack: str, region: str) -> frozenset[str]:
        if not region:
            raise StackResourcesUnavailableError(f"no Region known for stack {stack}")
        try:
            pages = self._client(region).get_paginator("list_stack_resources")
            summaries = [
                summary
                for page in pages.paginate(StackName=stack)
                for summary in _summaries(page, stack)
            ]
        except botocore.exceptions.ClientError as error:
            answer = error.response.get("Error", {})
            code = answer.get("Code", "") or "an error"
            if code == "ValidationError" and _NO_SUCH_STACK.search(answer.get("Message", "")):
                return frozenset()  # not deployed yet: a new stack
            raise StackResourcesUnavailableError(
                f"{LIST_STACK_RESOURCES} answered {code} for stack {stack}"
            ) from None
        except botocore.exceptions.BotoCoreError as error:
            raise StackResourcesUnavailableError(
                f"{LIST_STACK_RESOURCES} for stack {stack}: {plain_words(error)}"
            ) from None
        return deployed_numbers(summaries)

    def _client(self, region: str) -> Any:
        with self._lock:
            if region not in self._clients:
                if self._session is None:
                    self._session = self._session_factory()
                self._clients[region] = self._session.client(
                    "cloudformation", region_name=region, config=CLOUDFORMATION_CLIENT_CONFIG
                )
            return self._clients[region]


def _summaries(page: object, stack: str) -> list[Mapping[str, Any]]:
    summaries = page.get("StackResourceSummaries") if isinstance(page, Mapping) else None
    if not isinstance(summaries, list) or not all(isinstance(s, Mapping) for s in summaries):
        raise StackResourcesUnavailableError(
            f"{LIST_STACK_RESOURCES} answered something unexpected for stack {stack}"
        )
    return summaries


@dataclass(frozen=True)
class DeployedReading:
    """What was read: the numbers each stack has deployed, and why others were not read."""

    deployed: Mapping[AssemblyStack, frozenset[str]]
    problems: tuple[str, ...] = ()

    def notice(self) -> str | None:
        """One line for stderr when a stack was not read, else None."""
        if not self.problems:
            return None
        more = len(self.problems) - 1
        others = f"; {more} more stack{'s' if more != 1 else ''} not read" if more else ""
        return f"moves across stacks not checked ({self.problems[0]}{others})"


class DeployedRead:
    """Every stack's read, started now on daemon threads; ``collect`` waits, bounded.

    ``region`` gives the Region of a stack whose assembly names none (the configured one).
    """

    def __init__(
        self,
        stacks: Sequence[AssemblyStack],
        lister: StackLister,
        *,
        region: Callable[[], str],
        seconds: float = MOVE_CHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seconds = seconds
        self._clock = clock
        self._until = clock() + seconds
        self._reads = {
            stack: Started(
                functools.partial(lister.deployed, stack.name, stack.region or region()),
                name="plan-stacks",
            )
            for stack in stacks
        }

    def collect(self) -> DeployedReading:
        deployed: dict[AssemblyStack, frozenset[str]] = {}
        problems = []
        for stack, read in self._reads.items():
            try:
                deployed[stack] = read.result(self._until - self._clock())
            except AttemptTimedOut:
                problems.append(
                    f"CloudFormation did not answer within {self._seconds:g} s for stack "
                    f"{stack.name}"
                )
            except StackResourcesUnavailableError as error:
                problems.append(str(error))
            except Exception as error:  # the move check must never fail the plan
                problems.append(f"unexpected {type(error).__name__} reading stack {stack.name}")
        return DeployedReading(deployed, tuple(problems))


def with_move_warnings(
    plans: Sequence[ResourcePlan], stacks: Sequence[AssemblyStack], reading: DeployedReading
) -> tuple[ResourcePlan, ...]:
    """The plans, each declaration a number moves to carrying that move's warning."""
    declared: dict[AssemblyStack, frozenset[str]] = {stack: frozenset() for stack in stacks}
    for plan in plans:
        key = _stack_of(plan)
        if plan.phone_number_id:
            declared[key] = declared.get(key, frozenset()) | {plan.phone_number_id}
    warnings: dict[tuple[AssemblyStack, str], list[str]] = {}
    for move in moves_across_stacks(declared, reading.deployed):
        warnings.setdefault((move.to_stack, move.phone_number_id), []).append(move.message())
    warned = []
    for plan in plans:
        found = warnings.get((_stack_of(plan), plan.phone_number_id or ""), [])
        warned.append(replace(plan, warnings=(*plan.warnings, *found)) if found else plan)
    return tuple(warned)


def _stack_of(plan: ResourcePlan) -> AssemblyStack:
    return AssemblyStack(plan.declaration.stack, plan.declaration.stack_region)
