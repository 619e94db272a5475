"""The deployment's story, where CloudFormation keeps it: the stack's status and resources.

An event says what to do; the stack it came from says whether it still matters (a stale
re-delivery), whether it is a rollback, and whether another resource of the stack still
declares the number. ``read_story`` asks a ``StoryReader`` (``CloudFormationStoryReader``
in production: DescribeStacks and ListStackResources, or DescribeStackResources where
listing is refused; all read-only) within a few seconds;
when CloudFormation cannot tell, the story is unknown and the handler works as if it had
not asked. The decisions are pure functions of what was read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, Protocol

import boto3
import botocore.exceptions

from phone_number_settings_chime.gateway import (
    CLOUDFORMATION_CLIENT_CONFIG,
    AttemptTimedOut,
    bounded,
    plain_words,
)
from phone_number_settings_core.errors import StoryUnavailableError
from phone_number_settings_core.rules import RESOURCE_LEAVING_STATUSES, SETTINGS_RESOURCE_TYPES

logger = logging.getLogger(__name__)

IN_PROGRESS_SUFFIX: Final = "_IN_PROGRESS"
# The statuses in which CloudFormation sends Updates back to the previous template.
ROLLBACK_STATUSES: Final = frozenset(
    {"UPDATE_ROLLBACK_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "IMPORT_ROLLBACK_IN_PROGRESS"}
)
# The statuses in which every resource of the stack is on its way out: a stack delete, and
# the rollback of a failed stack create. No resource then keeps a number for another.
STACK_LEAVING_STATUSES: Final = frozenset({"DELETE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS"})

# Reading the story waits at most this long, and at most this share of the event's time.
READ_MAX_SECONDS: Final = 5.0
READ_MIN_SECONDS: Final = 0.5
READ_SHARE_OF_EVENT: Final = 0.1
# A StackId: arn:PARTITION:cloudformation:REGION:ACCOUNT:stack/NAME/UUID
_ARN_FIELDS: Final = 6
_REGION_FIELD: Final = 3


@dataclass(frozen=True)
class StackResource:
    """One row of ListStackResources."""

    logical_id: str
    physical_id: str | None
    resource_type: str
    status: str


class StoryReader(Protocol):
    """Read-only access to the stack an event came from; raises StoryUnavailableError."""

    def stack_status(self, stack_id: str) -> str: ...

    def stack_resources(self, stack_id: str) -> tuple[StackResource, ...]: ...


@dataclass(frozen=True)
class Story:
    """What CloudFormation said of the stack; ``stack_status`` None means it could not say."""

    stack_status: str | None = None
    resources: tuple[StackResource, ...] | None = None

    @property
    def known(self) -> bool:
        return self.stack_status is not None


UNKNOWN: Final = Story()


def is_in_progress(stack_status: str) -> bool:
    """True while CloudFormation is working on the stack and waits for its resources."""
    return stack_status.endswith(IN_PROGRESS_SUFFIX)


def is_stale(story: Story) -> bool:
    """True when the stack is known and no longer in progress: nobody waits for the event."""
    return story.stack_status is not None and not is_in_progress(story.stack_status)


def is_rollback(story: Story) -> bool:
    """True when an Update of this story puts the previous template back."""
    return story.stack_status in ROLLBACK_STATUSES


def other_declarers(
    story: Story, *, logical_id: str, phone_number_id: str
) -> tuple[StackResource, ...]:
    """The other settings resources of the stack that still declare ``phone_number_id``.

    Their PhysicalResourceId is the number. During a stack delete or a create rollback every
    resource is leaving, so none keeps the number for another.
    """
    if story.resources is None or story.stack_status in STACK_LEAVING_STATUSES:
        return ()
    return tuple(
        resource
        for resource in story.resources
        if resource.logical_id != logical_id
        and resource.physical_id == phone_number_id
        and resource.resource_type in SETTINGS_RESOURCE_TYPES
        and resource.status not in RESOURCE_LEAVING_STATUSES
    )


def region_of(stack_id: str) -> str:
    """The Region of a StackId ARN; StoryUnavailableError if it is not one."""
    fields = stack_id.split(":")
    if len(fields) != _ARN_FIELDS or fields[2] != "cloudformation" or not fields[_REGION_FIELD]:
        raise StoryUnavailableError("the event's StackId is not a CloudFormation stack ARN")
    return fields[_REGION_FIELD]


def read_budget(seconds_left: float) -> float:
    """How long reading the story may take, of the ``seconds_left`` the event has."""
    share = max(READ_MIN_SECONDS, seconds_left * READ_SHARE_OF_EVENT)
    return max(0.0, min(READ_MAX_SECONDS, share, seconds_left))


def read_story(
    reader: StoryReader, stack_id: str, *, with_resources: bool, seconds: float
) -> Story:
    """The stack's status (and resources if asked), or UNKNOWN with one WARNING saying why."""
    if seconds <= 0:
        logger.warning("stack not read: no time left; acting on the event alone")
        return UNKNOWN

    def read() -> Story:
        status = reader.stack_status(stack_id)
        resources = reader.stack_resources(stack_id) if with_resources else None
        return Story(status, resources)

    try:
        return bounded(read, seconds)
    except AttemptTimedOut:
        why = f"CloudFormation did not answer within {seconds:.1f} s"
    except StoryUnavailableError as error:
        why = str(error)
    except Exception as error:  # an unexpected answer must not change what the event does
        why = f"unexpected {type(error).__name__} while reading it"
    logger.warning("stack not read (%s); acting on the event alone", why)
    return UNKNOWN


class CloudFormationStoryReader:
    """``StoryReader`` over boto3, a client per Region (the StackId's), made when first needed.

    The endpoint comes from boto3's own configuration (AWS_ENDPOINT_URL_CLOUDFORMATION).
    """

    def __init__(
        self, session_factory: Callable[[], boto3.session.Session] = boto3.session.Session
    ) -> None:
        self._session_factory = session_factory
        self._clients: dict[str, Any] = {}

    def stack_status(self, stack_id: str) -> str:
        reply = self._call("DescribeStacks", stack_id, "describe_stacks", StackName=stack_id)
        stacks = reply.get("Stacks")
        status = stacks[0].get("StackStatus") if isinstance(stacks, list) and stacks else None
        if not isinstance(status, str) or not status:
            raise StoryUnavailableError("DescribeStacks answered without a StackStatus")
        return status

    def stack_resources(self, stack_id: str) -> tuple[StackResource, ...]:
        """ListStackResources, page by page; DescribeStackResources when that is refused.

        Both are read-only and documented for the purpose; DescribeStackResources returns
        at most 100 resources, enough for a stack of custom resources that share a number.
        """
        try:
            return self._listed_resources(stack_id)
        except StoryUnavailableError as listing:
            try:
                reply = self._call(
                    "DescribeStackResources",
                    stack_id,
                    "describe_stack_resources",
                    StackName=stack_id,
                )
            except StoryUnavailableError as describing:
                raise StoryUnavailableError(f"{listing}; {describing}") from None
            return tuple(_resources(reply.get("StackResources"), "DescribeStackResources"))

    def _listed_resources(self, stack_id: str) -> tuple[StackResource, ...]:
        resources: list[StackResource] = []
        token: str | None = None
        while True:
            paging = {"NextToken": token} if token else {}
            reply = self._call(
                "ListStackResources",
                stack_id,
                "list_stack_resources",
                StackName=stack_id,
                **paging,
            )
            resources.extend(_resources(reply.get("StackResourceSummaries"), "ListStackResources"))
            next_token = reply.get("NextToken")
            if not isinstance(next_token, str) or not next_token or next_token == token:
                return tuple(resources)
            token = next_token

    def _call(self, operation: str, stack_id: str, method: str, **arguments: Any) -> Any:
        client = self._client(region_of(stack_id))
        try:
            reply = getattr(client, method)(**arguments)
        except botocore.exceptions.ClientError as error:
            code = error.response.get("Error", {}).get("Code", "") or "an error"
            raise StoryUnavailableError(f"{operation} answered {code}") from None
        except botocore.exceptions.BotoCoreError as error:
            raise StoryUnavailableError(f"{operation}: {plain_words(error)}") from None
        if not isinstance(reply, dict):
            raise StoryUnavailableError(f"{operation} answered something unexpected")
        return reply

    def _client(self, region: str) -> Any:
        if region not in self._clients:
            session = self._session_factory()
            self._clients[region] = session.client(
                "cloudformation", region_name=region, config=CLOUDFORMATION_CLIENT_CONFIG
            )
        return self._clients[region]


def _resources(summaries: object, operation: str) -> Iterable[StackResource]:
    if not isinstance(summaries, list):
        raise StoryUnavailableError(f"{operation} answered without its list of resources")
    for summary in summaries:
        if not isinstance(summary, dict):
            raise StoryUnavailableError(f"{operation} answered something unexpected")
        physical_id = summary.get("PhysicalResourceId")
        yield StackResource(
            logical_id=str(summary.get("LogicalResourceId", "")),
            physical_id=physical_id if isinstance(physical_id, str) else None,
            resource_type=str(summary.get("ResourceType", "")),
            status=str(summary.get("ResourceStatus", "")),
        )


def unchanged_because(
    story: Story, *, request_type: str, logical_id: str, physical_id: str
) -> str | None:
    """Why the event must change nothing, or None when it is to be carried out.

    A Create, Update or Delete whose stack is no longer in progress is stale: CloudFormation
    stopped waiting for it. A Delete also leaves the number alone while another resource of
    the stack declares it (a renamed or moved resource).
    """
    if story.stack_status is not None and is_stale(story):
        return (
            f"the stack is {story.stack_status}, no longer in progress: this {request_type} "
            "came late or again, and changes nothing"
        )
    if request_type != "Delete" or not physical_id:
        return None
    keepers = other_declarers(story, logical_id=logical_id, phone_number_id=physical_id)
    if not keepers:
        return None
    names = ", ".join(sorted(resource.logical_id for resource in keepers))
    return f"{names} of this stack still declare {physical_id}: its settings stay"
