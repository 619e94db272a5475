"""Render resource plans: a table for people, JSON (``FORMAT_VERSION``) for machines.

JSON shape (keys are stable; values that are not known are ``null``)::

    {"format_version": 1, "exit_code": 0 | 1 | 2,
     "summary": {"resources": int, "calls": int, "no_change": int, "change": int,
                 "known_at_deploy": int, "blocked": int, "invalid": int,
                 "not_found": int, "error": int, "warnings": int},
     "resources": [{
        "stack": str, "logical_id": str, "source": str, "condition": str | null,
        "construct_path": str | null,    # the CDK construct's path, e.g. "Telephony/SupportLine"
        "status": "no_change" | "change" | "known_at_deploy" | "blocked" | "invalid"
                  | "not_found" | "error",
        "reason": str | null,            # why blocked / invalid / not found / not read
        "problems": [str],               # invalid: every rule broken, each in full
        "phone_number_id": str | null, "namespace": str | null, "region": str | null,
        "live": null | {"product_type", "name", "calling_name", "calling_name_status",
                        "type", "country", "status"},          # each str | null
        "details": [{"detail": "ProductType" | "Name" | "CallingName",
                     "live": str | null, "declared": str | null,
                     "state": "same" | "change" | "known_at_deploy" | "not_read",
                     "expression": str | null}],   # the intrinsic, when known at deploy
        "calls": [{"operation": "UpdatePhoneNumber", "phone_number_id": str,
                   "detail": str, "value": str}],  # in the order a deploy makes them
        "notes": [str],
        "warnings": [str]}]}             # e.g. the number moves across stacks: deploy order
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Final

from phone_number_settings_cli.plan import (
    DetailRow,
    DetailState,
    ResourcePlan,
    Status,
    exit_code,
)
from phone_number_settings_templates.reader import TemplateResource

FORMAT_VERSION: Final = 1
# Detail states the table marks at the end of a row (known-at-deploy shows in the value).
_FLAGGED: Final = frozenset({DetailState.CHANGE})
UPDATE_PHONE_NUMBER: Final = "UpdatePhoneNumber"

_STATUS_WORDS: Final = {
    Status.NO_CHANGE: "no change",
    Status.CHANGE: "change",
    Status.KNOWN_AT_DEPLOY: "known at deploy",
    Status.BLOCKED: "BLOCKED",
    Status.INVALID: "INVALID",
    Status.NOT_FOUND: "NOT FOUND",
    Status.ERROR: "ERROR",
}
_EXIT_MEANING: Final = {
    0: "nothing to change",
    2: "a deploy would change numbers, or they drifted from the template",
    1: "a deploy would fail, or the plan could not tell (see BLOCKED, INVALID, NOT FOUND, "
    "ERROR above)",
}


def render_json(plans: Sequence[ResourcePlan]) -> str:
    document = {
        "format_version": FORMAT_VERSION,
        "exit_code": exit_code(plans),
        "summary": _summary(plans),
        "resources": [_resource_json(plan) for plan in plans],
    }
    return json.dumps(document, indent=2) + "\n"


def render_table(plans: Sequence[ResourcePlan]) -> str:
    if not plans:
        return "No Custom::PhoneNumberSettings resources found.\n"
    lines: list[str] = []
    for plan in plans:
        lines.extend(_resource_lines(plan))
        lines.append("")
    lines.append(_summary_line(plans))
    code = exit_code(plans)
    lines.append(f"Exit code {code}: {_EXIT_MEANING[code]}.")
    return "\n".join(lines) + "\n"


def _resource_lines(plan: ResourcePlan) -> list[str]:
    declaration = plan.declaration
    lines = [f"{_shown_name(declaration)}: {_STATUS_WORDS[plan.status]}"]
    where = ", ".join(part for part in (plan.namespace, plan.region) if part)
    number = _clean(plan.phone_number_id) if plan.phone_number_id else "(number not known)"
    live = plan.live
    facts = [f"{live.type or '?'} {live.country or '?'}"] if live else []
    if live and live.calling_name_status:
        facts.append(f"CallingNameStatus {live.calling_name_status}")
    lines.append(
        f"  number {number}"
        + (f" ({where})" if where else "")
        + (f": {', '.join(_clean(fact) for fact in facts)}" if facts else "")
    )
    if declaration.condition:
        lines.append(f"  only if condition {_clean(declaration.condition)} is true")
    if len(plan.problems) > 1:
        lines.append(f"  why: {len(plan.problems)} problems")
        lines.extend(f"    - {_clean(problem)}" for problem in plan.problems)
    elif plan.reason:
        lines.append(f"  why: {_clean(plan.reason)}")
    if plan.details:
        width = max(len(row.detail) for row in plan.details)
        shown = [(row, _shown_live(row, plan), _shown_declared(row)) for row in plan.details]
        live_width = max(len(text) for _, text, _ in shown)
        lines.extend(
            f"  {row.detail:<{width}}  {live_text:<{live_width}} -> {declared}"
            + (f"   ({row.state.value.replace('_', ' ')})" if row.state in _FLAGGED else "")
            for row, live_text, declared in shown
        )
    if plan.calls:
        lines.append("  calls a deploy would make:")
        lines.extend(
            f"    {index}. {UPDATE_PHONE_NUMBER} {_clean(plan.phone_number_id or '')} "
            f"{call.detail}={_quoted(call.value)}"
            for index, call in enumerate(plan.calls, start=1)
        )
    elif plan.status in (Status.NO_CHANGE, Status.KNOWN_AT_DEPLOY) and plan.live is not None:
        lines.append("  calls a deploy would make: none")
    lines.extend(f"  note: {_clean(note)}" for note in plan.notes)
    lines.extend(f"  WARNING: {_clean(warning)}" for warning in plan.warnings)
    return lines


def _shown_name(declaration: TemplateResource) -> str:
    """``Telephony/SupportLine (SupportLineB0BEB757)`` for CDK, else ``stack/LogicalId``."""
    if declaration.construct_path:
        return f"{_clean(declaration.construct_path)} ({_clean(declaration.logical_id)})"
    return f"{_clean(declaration.stack)}/{_clean(declaration.logical_id)}"


def _shown_live(row: DetailRow, plan: ResourcePlan) -> str:
    if plan.live is None:
        return "(not read)"
    return _quoted(row.live) if row.live is not None else "(not set)"


def _shown_declared(row: DetailRow) -> str:
    if row.state == DetailState.KNOWN_AT_DEPLOY:
        return f"(known at deploy: {_clean(row.expression or '')})"
    return _quoted(row.declared) if row.declared is not None else "(not a string)"


def _summary_line(plans: Sequence[ResourcePlan]) -> str:
    counts = _summary(plans)
    calls = counts["calls"]
    parts = [
        f"{counts[status.value]} {_STATUS_WORDS[status]}"
        + (
            f" ({calls} UpdatePhoneNumber call{'s' if calls != 1 else ''})"
            if status == Status.CHANGE
            else ""
        )
        for status in Status
        if counts[status.value]
    ]
    noun = "resource" if len(plans) == 1 else "resources"
    warnings = counts["warnings"]
    warned = f"; {warnings} WARNING{'S' if warnings != 1 else ''}" if warnings else ""
    return f"Plan: {len(plans)} {noun}: {', '.join(parts)}{warned}."


def _summary(plans: Sequence[ResourcePlan]) -> dict[str, int]:
    summary = {"resources": len(plans), "calls": sum(len(plan.calls) for plan in plans)}
    for status in Status:
        summary[status.value] = sum(1 for plan in plans if plan.status == status)
    summary["warnings"] = sum(len(plan.warnings) for plan in plans)
    return summary


def _resource_json(plan: ResourcePlan) -> dict[str, Any]:
    declaration = plan.declaration
    live = plan.live
    return {
        "stack": declaration.stack,
        "logical_id": declaration.logical_id,
        "source": declaration.source,
        "condition": declaration.condition,
        "construct_path": declaration.construct_path,
        "status": plan.status.value,
        "reason": plan.reason,
        "problems": list(plan.problems),
        "phone_number_id": plan.phone_number_id,
        "namespace": plan.namespace,
        "region": plan.region,
        "live": None
        if live is None
        else {
            "product_type": live.product_type,
            "name": live.name,
            "calling_name": live.calling_name,
            "calling_name_status": live.calling_name_status,
            "type": live.type,
            "country": live.country,
            "status": live.status,
        },
        "details": [
            {
                "detail": row.detail,
                "live": row.live,
                "declared": row.declared,
                "state": row.state.value,
                "expression": row.expression,
            }
            for row in plan.details
        ],
        "calls": [
            {
                "operation": UPDATE_PHONE_NUMBER,
                "phone_number_id": plan.phone_number_id,
                "detail": call.detail,
                "value": call.value,
            }
            for call in plan.calls
        ],
        "notes": list(plan.notes),
        "warnings": list(plan.warnings),
    }


def _quoted(value: str) -> str:
    # JSON quoting shows "" and spaces, and escapes control characters a terminal would obey.
    return json.dumps(value)


def _clean(text: str) -> str:
    return text if text.isprintable() else ascii(text)[1:-1]
