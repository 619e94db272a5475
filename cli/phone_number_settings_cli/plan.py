"""Plan each declared resource with the handler's own rules, planner and Chime gateway.

Two steps: ``prepare`` validates a declaration without any I/O; ``plan_all`` then reads
the numbers that need it (GetPhoneNumber only) concurrently and diffs them with
``planner.plan_changes``, exactly as a deploy would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Final, Protocol

from phone_number_settings_chime.deadline import Deadline
from phone_number_settings_core.duplicates import NumberKey, declared_twice_message
from phone_number_settings_core.errors import (
    BlockedChangeError,
    MissingRegionError,
    PhoneNumberNotFoundError,
    PhoneNumberSettingsError,
)
from phone_number_settings_core.model import DeclaredSettings, DetailChange, LivePhoneNumber
from phone_number_settings_core.planner import needs_call, plan_changes
from phone_number_settings_core.properties import (
    KnownOnlyAtDeployError,
    declared_number,
    parse_properties,
)
from phone_number_settings_core.rules import DETAILS_IN_CALL_ORDER, PHONE_NUMBER_ID, Namespace
from phone_number_settings_templates.branches import is_no_value, readings
from phone_number_settings_templates.conditions import Conditions, template_solver
from phone_number_settings_templates.problems import reading_problems
from phone_number_settings_templates.reader import (
    TemplateResource,
    resolved_at_deploy,
    shown_expression,
)

PROGRESS_THRESHOLD: Final = 20
PROGRESS_EVERY: Final = 20


class Status(StrEnum):
    """What a deploy would do with one resource."""

    NO_CHANGE = "no_change"
    CHANGE = "change"
    KNOWN_AT_DEPLOY = "known_at_deploy"
    BLOCKED = "blocked"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    ERROR = "error"


# A deploy would fail on these (or the plan could not tell): exit code 1.
FAILING: Final = frozenset({Status.BLOCKED, Status.INVALID, Status.NOT_FOUND, Status.ERROR})
# Something may change (exit code 2): a diff, or a value known only at deploy.
CHANGING: Final = frozenset({Status.CHANGE, Status.KNOWN_AT_DEPLOY})


class DetailState(StrEnum):
    SAME = "same"
    CHANGE = "change"
    KNOWN_AT_DEPLOY = "known_at_deploy"
    NOT_READ = "not_read"


@dataclass(frozen=True)
class DetailRow:
    """One managed detail: live value -> declared value."""

    detail: str
    live: str | None
    declared: str | None
    state: DetailState
    # The intrinsic (e.g. {"Ref": "Param"}) when the declared value is known only at deploy.
    expression: str | None = None


@dataclass(frozen=True)
class ResourcePlan:
    declaration: TemplateResource
    status: Status
    phone_number_id: str | None = None
    namespace: str | None = None
    region: str | None = None
    details: tuple[DetailRow, ...] = ()
    calls: tuple[DetailChange, ...] = ()
    live: LivePhoneNumber | None = None
    reason: str | None = None
    notes: tuple[str, ...] = ()
    # Every rule the declaration breaks (INVALID), each in full; ``reason`` joins them.
    problems: tuple[str, ...] = ()
    # What a deploy in the wrong order could undo (a number moving across stacks); these
    # do not change the exit code: the deploy itself would not fail.
    warnings: tuple[str, ...] = ()
    # The number declared, when known despite other broken rules: compared with the others.
    number: NumberKey | None = field(default=None, compare=False)


@dataclass(frozen=True)
class PendingRead:
    """A valid declaration whose number must be read before it can be planned."""

    declaration: TemplateResource
    desired: DeclaredSettings
    # Details whose declared value is an intrinsic, with its short rendering.
    unresolved: Mapping[str, str] = field(hash=False)


class NumberReader(Protocol):
    """GetPhoneNumber with the handler's retries (``chime.ChimeGateway`` has it)."""

    def get(self, phone_number_id: str, deadline: Deadline) -> LivePhoneNumber: ...


ReaderFactory = Callable[[Namespace, str], NumberReader]
Progress = Callable[[int, int], None]


def prepare(declaration: TemplateResource, *, default_region: str) -> ResourcePlan | PendingRead:
    """Validate a declaration with the handler's own rules; no I/O.

    Every reading of the properties is checked (each branch of ``Fn::If``); every problem
    found is listed. ``default_region`` is the region the deploy's Lambda would use when
    the resource gives no Region: the stack's, else the standard AWS configuration's
    ("" if none).
    """
    properties = declaration.properties
    problems = every_problem(properties)
    if not isinstance(properties, Mapping) or resolved_at_deploy(properties):
        if problems:
            return ResourcePlan(
                declaration, Status.INVALID, reason="; ".join(problems), problems=problems
            )
        return ResourcePlan(
            declaration,
            Status.KNOWN_AT_DEPLOY,
            reason=f"Properties known at deploy ({shown_expression(properties)}); "
            "the number was not read",
        )
    properties = {key: value for key, value in properties.items() if not is_no_value(value)}
    number = properties.get(PHONE_NUMBER_ID)
    shown_number = number if isinstance(number, str) else None
    unresolved = {
        key: shown_expression(value)
        for key, value in properties.items()
        if resolved_at_deploy(value)
    }
    declared_rows = _rows_without_live(properties, unresolved)
    if problems:
        return ResourcePlan(
            declaration,
            Status.INVALID,
            shown_number,
            details=declared_rows,
            reason="; ".join(problems),
            problems=problems,
            number=declared_number(
                properties, default_region=default_region, is_unresolved=resolved_at_deploy
            ),
        )
    try:
        desired = parse_properties(
            properties, default_region=default_region, is_unresolved=resolved_at_deploy
        )
    except KnownOnlyAtDeployError as unknown:
        return _known_at_deploy(
            declaration, shown_number, declared_rows, unknown.keys, namespace=unknown.namespace
        )
    except MissingRegionError:
        return ResourcePlan(
            declaration,
            Status.ERROR,
            shown_number,
            details=declared_rows,
            reason="region not known: give the resource a Region, the stack an "
            "environment, or set AWS_REGION",
        )
    details = {key: value for key, value in unresolved.items() if key in desired.unresolved}
    return PendingRead(declaration, desired, details)


def every_problem(properties: object) -> tuple[str, ...]:
    """Every rule any reading of ``properties`` breaks (each branch of ``Fn::If``), once each."""
    found: dict[str, None] = {}
    for reading in readings(properties):
        for problem in reading_problems(reading):
            found.setdefault(problem.message())
    return tuple(found)


def plan_read(pending: PendingRead, *, readers: ReaderFactory, deadline: Deadline) -> ResourcePlan:
    """Read the number (GetPhoneNumber, retried like the handler) and plan its calls."""
    desired = pending.desired
    located = ResourcePlan(
        pending.declaration,
        Status.ERROR,
        desired.phone_number_id,
        str(desired.namespace),
        desired.region,
        details=_rows_of(pending, None),
        notes=_notes(pending),
    )
    if deadline.remaining() <= 0:
        return replace(located, reason="not read: the plan's time budget ran out (see --timeout)")
    try:
        live = readers(desired.namespace, desired.region).get(desired.phone_number_id, deadline)
    except PhoneNumberNotFoundError as error:
        return replace(located, status=Status.NOT_FOUND, reason=str(error))
    except PhoneNumberSettingsError as error:
        return replace(located, reason=str(error))
    located = replace(located, live=live, details=_rows_of(pending, live))
    try:
        calls = plan_changes(desired, live)
    except BlockedChangeError as error:
        return replace(located, status=Status.BLOCKED, reason=str(error))
    if calls:
        status = Status.CHANGE
    elif pending.unresolved:
        status = Status.KNOWN_AT_DEPLOY
    else:
        status = Status.NO_CHANGE
    return replace(located, status=status, calls=calls)


def plan_all(
    declarations: Sequence[TemplateResource],
    *,
    readers: ReaderFactory,
    default_region: Callable[[TemplateResource], str],
    deadline: Deadline,
    concurrency: int,
    progress: Progress | None = None,
) -> tuple[ResourcePlan, ...]:
    """Plan every declaration, in order; at most ``concurrency`` numbers read at a time.

    ``progress(done, total)`` is called every PROGRESS_EVERY reads, and after the last,
    when more than PROGRESS_THRESHOLD numbers are read.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    prepared = _without_duplicates(
        [prepare(d, default_region=default_region(d)) for d in declarations]
    )
    pending = [
        (index, item) for index, item in enumerate(prepared) if isinstance(item, PendingRead)
    ]
    report = _progress_reporter(len(pending), progress)
    plans: list[ResourcePlan | PendingRead] = list(prepared)

    def read(item: PendingRead) -> ResourcePlan:
        try:
            return plan_read(item, readers=readers, deadline=deadline)
        finally:
            report()

    if pending:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="plan") as pool:
            results = pool.map(read, [item for _, item in pending])
            for (index, _), result in zip(pending, results, strict=True):
                plans[index] = result
    return tuple(plan for plan in plans if isinstance(plan, ResourcePlan))


def _without_duplicates(
    prepared: list[ResourcePlan | PendingRead],
) -> list[ResourcePlan | PendingRead]:
    """Numbers declared twice are INVALID, each naming all its declarations: not read.

    Declarations whose Conditions cannot hold together (``IsProd`` and its ``Fn::Not``) are
    not twice; an INVALID declaration whose number is known counts too.
    """
    claims = [
        (index, key, _declaration(item))
        for index, item in enumerate(prepared)
        if (key := _declared_key(item)) is not None
    ]
    grouped: dict[NumberKey, list[tuple[int, TemplateResource]]] = {}
    for index, key, declaration in claims:
        grouped.setdefault(key, []).append((index, declaration))
    result = list(prepared)
    solvers: dict[int, Callable[[Conditions], bool]] = {}
    for key, same in grouped.items():
        for index, declaration in same:
            together = [
                other for _, other in same if _can_exist_together(declaration, other, solvers)
            ]
            if len(together) < 2:
                continue
            message = declared_twice_message(key, tuple(shown_name(d) for d in together))
            result[index] = _declared_twice(result[index], key, message)
    return result


def _declaration(item: ResourcePlan | PendingRead) -> TemplateResource:
    return item.declaration


def _declared_key(item: ResourcePlan | PendingRead) -> NumberKey | None:
    if isinstance(item, PendingRead):
        return NumberKey.of(item.desired)
    return item.number if item.status is Status.INVALID else None


def _can_exist_together(
    first: TemplateResource,
    second: TemplateResource,
    solvers: dict[int, Callable[[Conditions], bool]],
) -> bool:
    """False when both come from one template and their Conditions cannot both be true."""
    if first is second or (first.stack, first.source) != (second.stack, second.source):
        return True
    conditions = {first.condition, second.condition} - {None}
    if len(conditions) < len((first, second)):
        return True
    template = id(first.template_conditions)
    if template not in solvers:
        solvers[template] = template_solver({"Conditions": dict(first.template_conditions)})
    return solvers[template](tuple(sorted((str(name), True) for name in conditions)))


def _declared_twice(item: ResourcePlan | PendingRead, key: NumberKey, message: str) -> ResourcePlan:
    if isinstance(item, ResourcePlan):
        problems = (*item.problems, message)
        return replace(item, reason="; ".join(problems), problems=problems)
    return ResourcePlan(
        item.declaration,
        Status.INVALID,
        key.phone_number_id,
        str(key.namespace),
        key.region,
        details=_rows_of(item, None),
        reason=message,
        problems=(message,),
    )


def shown_name(declaration: TemplateResource) -> str:
    """How the user knows the resource: its construct path (CDK), else stack/logical id."""
    return declaration.construct_path or f"{declaration.stack}/{declaration.logical_id}"


def exit_code(plans: Iterable[ResourcePlan]) -> int:
    """0 nothing to change, 2 changes (or values known only at deploy), 1 a deploy would fail."""
    statuses = {plan.status for plan in plans}
    if statuses & FAILING:
        return 1
    if statuses & CHANGING:
        return 2
    return 0


def _known_at_deploy(
    declaration: TemplateResource,
    number: str | None,
    rows: tuple[DetailRow, ...],
    keys: Sequence[str],
    *,
    namespace: Namespace | None = None,
) -> ResourcePlan:
    return ResourcePlan(
        declaration,
        Status.KNOWN_AT_DEPLOY,
        number,
        str(namespace) if namespace else None,
        details=rows,
        reason=f"{', '.join(keys)} known at deploy; the number was not read",
    )


def _rows_without_live(
    properties: Mapping[str, object], unresolved: Mapping[str, str]
) -> tuple[DetailRow, ...]:
    rows = []
    for detail in DETAILS_IN_CALL_ORDER:
        if detail not in properties:
            continue
        if detail in unresolved:
            rows.append(
                DetailRow(detail, None, None, DetailState.KNOWN_AT_DEPLOY, unresolved[detail])
            )
        else:
            value = properties[detail]
            rows.append(
                DetailRow(
                    detail, None, value if isinstance(value, str) else None, DetailState.NOT_READ
                )
            )
    return tuple(rows)


def _rows_of(pending: PendingRead, live: LivePhoneNumber | None) -> tuple[DetailRow, ...]:
    declared = pending.desired.managed_details()
    rows = []
    for detail in DETAILS_IN_CALL_ORDER:
        current = live.detail(detail) if live else None
        if detail in pending.unresolved:
            rows.append(
                DetailRow(
                    detail,
                    current,
                    None,
                    DetailState.KNOWN_AT_DEPLOY,
                    pending.unresolved[detail],
                )
            )
        elif detail in declared:
            value = declared[detail]
            if live is None:
                state = DetailState.NOT_READ
            else:
                state = DetailState.CHANGE if needs_call(detail, value, live) else DetailState.SAME
            rows.append(DetailRow(detail, current, value, state))
    return tuple(rows)


def _notes(pending: PendingRead) -> tuple[str, ...]:
    notes = []
    if pending.unresolved:
        notes.append(
            f"{', '.join(pending.unresolved)} known at deploy: no call planned for "
            f"{'it' if len(pending.unresolved) == 1 else 'them'}, and the rules that need "
            f"{'its value' if len(pending.unresolved) == 1 else 'their values'} "
            "(toll-free, non-U.S., pending calling name) were not checked"
        )
    return tuple(notes)


def _progress_reporter(total: int, progress: Progress | None) -> Callable[[], None]:
    lock = threading.Lock()
    done = 0

    def report() -> None:
        nonlocal done
        with lock:
            done += 1
            if (
                progress is not None
                and total > PROGRESS_THRESHOLD
                and (done % PROGRESS_EVERY == 0 or done == total)
            ):
                progress(done, total)

    return report
