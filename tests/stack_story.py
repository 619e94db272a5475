"""A StoryReader made of plain data: the stack a test's events come from, as CloudFormation
would describe it (DescribeStacks, ListStackResources)."""

from __future__ import annotations

from dataclasses import dataclass, field

from phone_number_settings_core.errors import StoryUnavailableError
from phone_number_settings_lambda.story import StackResource


@dataclass
class StackStory:
    """The stack's status and resources; ``refusal`` set: every read is refused with it."""

    status: str = "UPDATE_IN_PROGRESS"
    resources: list[StackResource] = field(default_factory=list)
    refusal: str | None = None
    reads: list[tuple[str, str]] = field(default_factory=list)

    def stack_status(self, stack_id: str) -> str:
        self.reads.append(("DescribeStacks", stack_id))
        if self.refusal is not None:
            raise StoryUnavailableError(f"DescribeStacks answered {self.refusal}")
        return self.status

    def stack_resources(self, stack_id: str) -> tuple[StackResource, ...]:
        self.reads.append(("ListStackResources", stack_id))
        if self.refusal is not None:
            raise StoryUnavailableError(f"ListStackResources answered {self.refusal}")
        return tuple(self.resources)

    def declare(
        self,
        logical_id: str,
        physical_id: str | None,
        status: str = "UPDATE_COMPLETE",
        resource_type: str = "Custom::PhoneNumberSettings",
    ) -> None:
        """Add a resource of the stack."""
        self.resources.append(StackResource(logical_id, physical_id, resource_type, status))
