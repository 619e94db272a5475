"""``phone-number-settings plan``: what a deploy would change on each number, and drift.

Exit codes, like ``terraform plan -detailed-exitcode``: 0 nothing to change, 2 changes
(or drift, or values known only at deploy), 1 an error or a resource a deploy would fail on.
Read-only: the only Chime call is GetPhoneNumber.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, NoReturn, TextIO

from phone_number_settings_cli.gateways import ReadOnlyGateways, configured_region
from phone_number_settings_cli.plan import ReaderFactory, exit_code, plan_all
from phone_number_settings_cli.render import render_json, render_table
from phone_number_settings_cli.templates import (
    ResourceDeclaration,
    TemplateError,
    read_assembly,
    read_template,
)
from phone_number_settings_lambda.retry import Deadline

EXIT_ERROR: Final = 1
DEFAULT_CONCURRENCY: Final = 4
MAX_CONCURRENCY: Final = 64
DEFAULT_TIMEOUT_SECONDS: Final = 300.0


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad arguments; 2 means "changes" here, so raise instead."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.format_usage()}{self.prog}: error: {message}")


def _bounded_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}")
        return value

    return parse


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def _parameter(text: str) -> tuple[str, str]:
    key, equals, value = text.partition("=")
    if not key or not equals:
        raise argparse.ArgumentTypeError(f"not KEY=VALUE: {text!r}")
    return key, value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="phone-number-settings",
        description="Tools for Custom::PhoneNumberSettings resources.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    plan = commands.add_parser(
        "plan",
        help="show the UpdatePhoneNumber calls a deploy would make, and drift (read-only)",
        description="Compare each Custom::PhoneNumberSettings resource of the templates with "
        "its live number (GetPhoneNumber only). Exit 0: nothing to change; 2: changes or "
        "drift; 1: error, or a resource a deploy would fail on.",
    )
    source = plan.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--app", type=Path, metavar="DIR", help="a cloud assembly directory, e.g. cdk.out"
    )
    source.add_argument("--template", type=Path, metavar="FILE", help="one template (JSON or YAML)")
    plan.add_argument(
        "--parameter",
        type=_parameter,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a template parameter's value (repeatable); parameters not given use their "
        "Default, or stay known at deploy",
    )
    plan.add_argument("--json", action="store_true", help="print JSON instead of a table")
    plan.add_argument(
        "--concurrency",
        type=_bounded_int(1, MAX_CONCURRENCY),
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"numbers read at a time (default {DEFAULT_CONCURRENCY})",
    )
    plan.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=DEFAULT_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help="time budget of the whole plan, retries included "
        f"(default {DEFAULT_TIMEOUT_SECONDS:g})",
    )
    return parser


def run(
    argv: Sequence[str],
    *,
    readers: Callable[[], ReaderFactory],
    configured_region: Callable[[], str],
    stdout: TextIO,
    stderr: TextIO,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """The command with its collaborators handed in; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
    except _UsageError as error:
        print(error, file=stderr)
        return EXIT_ERROR
    except SystemExit as done:  # --help
        return done.code if isinstance(done.code, int) else EXIT_ERROR
    try:
        parameters = dict(args.parameter)
        declarations = (
            read_assembly(args.app, parameters=parameters)
            if args.app
            else read_template(args.template, parameters=parameters)
        )
    except TemplateError as error:
        print(f"error: {error}", file=stderr)
        return EXIT_ERROR
    region = _once(configured_region)

    def default_region(declaration: ResourceDeclaration) -> str:
        return declaration.stack_region or region()

    def progress(done: int, total: int) -> None:
        print(f"read {done}/{total} numbers", file=stderr, flush=True)

    plans = plan_all(
        declarations,
        readers=readers(),
        default_region=default_region,
        deadline=Deadline.after(args.timeout, clock),
        concurrency=args.concurrency,
        progress=progress,
    )
    stdout.write(render_json(plans) if args.json else render_table(plans))
    stdout.flush()
    return exit_code(plans)


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point ``phone-number-settings``."""
    return run(
        sys.argv[1:] if argv is None else argv,
        readers=ReadOnlyGateways,
        configured_region=configured_region,
        stdout=sys.stdout,
        stderr=sys.stderr,
    )


def _once(compute: Callable[[], str]) -> Callable[[], str]:
    """``compute`` called at most once, and only when needed."""
    cache: list[str] = []

    def value() -> str:
        if not cache:
            cache.append(compute())
        return cache[0]

    return value
