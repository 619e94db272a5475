"""``phone-number-settings adopt``: declarations that match the numbers already live.

Lists the numbers of one namespace and Region (ListPhoneNumbers, through the Lambda's
gateway and retries; read-only) and decides, with the handler's own parser and planner,
what each number can declare so that a deploy, and ``plan``, find nothing to change:

- ProductType and Name when set; CallingName only once Chime has applied it
  (``UpdateSucceeded``); a pending or failed calling name becomes a comment instead.
- A number whose live settings the rules refuse (a toll-free number with a calling name,
  a non-U.S. number that is not SipMediaApplicationDialIn, ...) is not declared: it becomes
  a comment that quotes the rule.

The writers (``adopt_writers``) turn an ``Adoption`` into Python CDK code or a template.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from phone_number_settings_chime.deadline import Deadline
from phone_number_settings_core.errors import BlockedChangeError, InvalidPropertyError
from phone_number_settings_core.model import CallingNameStatus, LivePhoneNumber
from phone_number_settings_core.planner import plan_changes
from phone_number_settings_core.properties import parse_properties
from phone_number_settings_core.rules import (
    CALLING_NAME,
    DEFAULT_NAMESPACE,
    DETAILS,
    NAME,
    NAMESPACE,
    NAMESPACES_WITH_NAME,
    PHONE_NUMBER_ID,
    PRODUCT_TYPE,
    REGION,
    Namespace,
    fixed_region,
)

# Read-only: the IAM action adopt needs (both namespaces use the chime prefix).
IAM_ACTIONS: Final = ("chime:ListPhoneNumbers",)


class NumberLister(Protocol):
    """ListPhoneNumbers with the handler's retries (``gateways.ReadOnlyGateway`` has it)."""

    def list_phone_numbers(
        self, deadline: Deadline, *, product_type: str | None = None
    ) -> tuple[LivePhoneNumber, ...]: ...


ListerFactory = Callable[[Namespace, str], NumberLister]


class NumbersNotListedError(Exception):
    """Numbers asked for with --number that ListPhoneNumbers did not report."""

    def __init__(self, missing: Sequence[str], namespace: Namespace, region: str) -> None:
        self.missing = tuple(missing)
        super().__init__(
            f"not found in {namespace} ({region}): {', '.join(missing)}; "
            "check the numbers, --namespace and --region"
        )


@dataclass(frozen=True)
class AdoptedNumber:
    """One listed number: its resource properties, or None when the rules refuse it."""

    phone_number_id: str
    # PascalCase resource properties in the contract's order; None: not declared.
    properties: dict[str, str] | None
    # Why something live is not declared, one sentence each, for the reader of the output.
    comments: tuple[str, ...]

    @property
    def logical_id(self) -> str:
        """The logical ID (and construct id): from the number, so renames keep it stable."""
        return "Number" + "".join(char for char in self.phone_number_id if char.isalnum())


@dataclass(frozen=True)
class Adoption:
    """What adopt read and decided, for the writers."""

    namespace: Namespace
    region: str
    numbers: tuple[AdoptedNumber, ...]
    product_type: str | None = None
    requested: tuple[str, ...] = ()

    @property
    def declared(self) -> tuple[AdoptedNumber, ...]:
        return tuple(number for number in self.numbers if number.properties is not None)

    @property
    def not_declared(self) -> tuple[AdoptedNumber, ...]:
        return tuple(number for number in self.numbers if number.properties is None)

    def command(self) -> str:
        """The command line that reads the same numbers again."""
        words = ["phone-number-settings adopt", f"--namespace {self.namespace}"]
        if fixed_region(self.namespace) is None:
            words.append(f"--region {self.region}")
        if self.product_type:
            words.append(f"--product-type {self.product_type}")
        words.extend(f"--number {number}" for number in self.requested)
        return " ".join(words)


def adopt(
    listers: ListerFactory,
    *,
    namespace: Namespace,
    region: str,
    deadline: Deadline,
    product_type: str | None = None,
    numbers: Sequence[str] = (),
) -> Adoption:
    """List the numbers (all, or those of ``numbers``) and decide each one's declaration.

    Raises NumbersNotListedError when a number of ``numbers`` is not listed, and the
    gateway's errors (PhoneNumberSettingsError) when Chime cannot be read.
    """
    region = fixed_region(namespace) or region
    listed = listers(namespace, region).list_phone_numbers(deadline, product_type=product_type)
    if numbers:
        by_id = {live.phone_number_id: live for live in listed}
        missing = [number for number in numbers if number not in by_id]
        if missing:
            raise NumbersNotListedError(missing, namespace, region)
        listed = tuple(by_id[number] for number in dict.fromkeys(numbers))
    return Adoption(
        namespace=namespace,
        region=region,
        numbers=tuple(adopt_number(live, namespace=namespace, region=region) for live in listed),
        product_type=product_type,
        requested=tuple(dict.fromkeys(numbers)),
    )


def adopt_number(live: LivePhoneNumber, *, namespace: Namespace, region: str) -> AdoptedNumber:
    """The declaration that matches ``live``, checked as the handler would check it."""
    number = live.phone_number_id
    properties = {PHONE_NUMBER_ID: number}
    if live.product_type:
        properties[PRODUCT_TYPE] = live.product_type
    if live.name and namespace in NAMESPACES_WITH_NAME:
        properties[NAME] = live.name
    comments = []
    if live.calling_name:
        if live.calling_name_status == CallingNameStatus.UPDATE_SUCCEEDED:
            properties[CALLING_NAME] = live.calling_name
        else:
            comments.append(_calling_name_not_applied(live))
    if namespace is not DEFAULT_NAMESPACE:
        properties[NAMESPACE] = str(namespace)
    if fixed_region(namespace) is None:
        # Explicit, so the resource reads the same Region whatever stack it lands in.
        properties[REGION] = region
    try:
        # The handler's own checks: every property rule, then the rules of the live number.
        plan_changes(parse_properties(properties, default_region=region), live)
    except (InvalidPropertyError, BlockedChangeError) as refused:
        return AdoptedNumber(
            number, None, (f"{number} is not declared: {refused}. Live: {_live_facts(live)}",)
        )
    return AdoptedNumber(number, properties, tuple(comments))


def _calling_name_not_applied(live: LivePhoneNumber) -> str:
    quoted = _quoted(live.calling_name or "")
    status = live.calling_name_status
    if status == CallingNameStatus.UPDATE_IN_PROGRESS:
        why = (
            "is pending (UpdateInProgress; Chime takes up to 72 hours); adopt again once "
            "CallingNameStatus is UpdateSucceeded"
        )
    elif status == CallingNameStatus.UPDATE_FAILED:
        why = "failed (UpdateFailed): Chime never applied it; declare it to try again"
    else:
        why = f"is not applied (CallingNameStatus {_quoted(status or 'not reported')})"
    return f"{live.phone_number_id}: CallingName {quoted} is not declared: it {why}"


def _live_facts(live: LivePhoneNumber) -> str:
    facts = [f"Type {_quoted(live.type or '?')}", f"Country {_quoted(live.country or '?')}"]
    for detail in DETAILS:
        value = live.detail(detail.key)
        if value:
            facts.append(f"{detail.key} {_quoted(value)}")
    if live.calling_name:
        facts.append(f"CallingNameStatus {_quoted(live.calling_name_status or '?')}")
    return ", ".join(facts)


def _quoted(value: str) -> str:
    # JSON quoting: one line, control characters escaped, safe inside any comment.
    return json.dumps(value)
