"""``phone-number-settings plan``: what a deploy would change on each number, and drift.

Exit codes, like ``terraform plan -detailed-exitcode``: 0 nothing to change, 2 changes
(or drift, or values known only at deploy), 1 an error or a resource a deploy would fail on.
Read-only: the only Chime call is GetPhoneNumber. With a cloud assembly of more than one
stack, ListStackResources on those stacks too, to warn of numbers moving across them
(``moves``); a warning does not change the exit code.

``phone-number-settings adopt`` writes declarations matching the numbers already live
(ListPhoneNumbers only): exit 0 written, 1 an error.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, NoReturn, TextIO

from phone_number_settings_chime.deadline import Deadline
from phone_number_settings_cli import __version__
from phone_number_settings_cli.adopt import ListerFactory, NumbersNotListedError, adopt
from phone_number_settings_cli.adopt_writers import WRITERS
from phone_number_settings_cli.gateways import (
    ADOPT_DEADLINE_PURPOSE,
    ReadOnlyGateways,
    configured_region,
)
from phone_number_settings_cli.moves import (
    MOVE_CHECK_SECONDS,
    CloudFormationStacks,
    DeployedRead,
    StackLister,
    with_move_warnings,
)
from phone_number_settings_cli.plan import ReaderFactory, exit_code, plan_all
from phone_number_settings_cli.render import render_json, render_table
from phone_number_settings_core.errors import (
    InvalidPropertyError,
    MissingExtraError,
    PhoneNumberSettingsError,
)
from phone_number_settings_core.rules import (
    DEFAULT_NAMESPACE,
    Namespace,
    check_phone_number_id,
    check_product_type,
    check_region,
    fixed_region,
)
from phone_number_settings_templates.reader import (
    TemplateError,
    TemplateResource,
    read_assembly,
    read_assembly_stacks,
    read_template,
)

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
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
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
        "--app",
        type=Path,
        metavar="DIR",
        help="a cloud assembly directory, e.g. cdk.out; with more than one stack, their "
        "deployed resources are listed too (ListStackResources) to warn of numbers moving "
        "across them",
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
    _add_adopt_parser(commands)
    return parser


def _add_adopt_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    adopt_parser = commands.add_parser(
        "adopt",
        help="write declarations that match the numbers already live (read-only)",
        description="List the numbers of one namespace and Region (ListPhoneNumbers only) and "
        "write PhoneNumberSettings declarations that match what is live, so that a deploy "
        "changes nothing. Exit 0: written; 1: error.",
    )
    adopt_parser.add_argument(
        "--namespace",
        type=Namespace,
        choices=list(Namespace),
        default=DEFAULT_NAMESPACE,
        help=f"the API that manages the numbers (default {DEFAULT_NAMESPACE})",
    )
    adopt_parser.add_argument(
        "--region",
        help="Region of the numbers (default: AWS_REGION, AWS_DEFAULT_REGION or the "
        "profile's region, as plan; chime is us-east-1 only)",
    )
    adopt_parser.add_argument(
        "--product-type", metavar="TYPE", help="only numbers of this product type"
    )
    adopt_parser.add_argument(
        "--number",
        action="append",
        default=[],
        metavar="E164",
        dest="numbers",
        help="only this number (repeat for more); an error if it is not listed",
    )
    adopt_parser.add_argument(
        "--format",
        choices=list(WRITERS),
        default="python",
        help="python: CDK code for the construct; yaml or json: a CloudFormation template "
        "using the shared provider's export (default python)",
    )
    adopt_parser.add_argument(
        "--output", type=Path, metavar="FILE", help="write here (never over an existing file)"
    )
    adopt_parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=DEFAULT_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"time budget, retries included (default {DEFAULT_TIMEOUT_SECONDS:g})",
    )


def run(
    argv: Sequence[str],
    *,
    readers: Callable[[], ReaderFactory],
    configured_region: Callable[[], str],
    stdout: TextIO,
    stderr: TextIO,
    clock: Callable[[], float] = time.monotonic,
    listers: Callable[[], ListerFactory] = lambda: ReadOnlyGateways(
        deadline_purpose=ADOPT_DEADLINE_PURPOSE
    ),
    stacks: Callable[[], StackLister] = CloudFormationStacks,
) -> int:
    """The command with its collaborators handed in; returns the exit code."""
    try:
        args = build_parser().parse_args(argv)
    except _UsageError as error:
        print(error, file=stderr)
        return EXIT_ERROR
    except SystemExit as done:  # --help, --version
        return done.code if isinstance(done.code, int) else EXIT_ERROR
    if args.command == "adopt":
        return _run_adopt(
            args,
            listers=listers(),
            configured_region=configured_region,
            stdout=stdout,
            stderr=stderr,
            clock=clock,
        )
    try:
        parameters = dict(args.parameter)
        declarations = (
            read_assembly(args.app, parameters=parameters)
            if args.app
            else read_template(args.template, parameters=parameters)
        )
        # A move across stacks is seen only where a plan holds more than one stack.
        assembly_stacks = read_assembly_stacks(args.app) if args.app else ()
    except TemplateError as error:
        print(f"error: {error}", file=stderr)
        return EXIT_ERROR
    region = _once(configured_region)
    deployed = (
        DeployedRead(
            assembly_stacks,
            stacks(),
            region=region,
            seconds=min(MOVE_CHECK_SECONDS, args.timeout),
            clock=clock,
        )
        if len(assembly_stacks) > 1
        else None
    )

    def default_region(declaration: TemplateResource) -> str:
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
    if deployed is not None:
        reading = deployed.collect()
        if (notice := reading.notice()) is not None:
            print(notice, file=stderr, flush=True)
        plans = with_move_warnings(plans, assembly_stacks, reading)
    stdout.write(render_json(plans) if args.json else render_table(plans))
    stdout.flush()
    return exit_code(plans)


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point ``phone-number-settings``."""
    try:
        return run(
            sys.argv[1:] if argv is None else argv,
            readers=lambda: ReadOnlyGateways(notice=lambda line: print(line, file=sys.stderr)),
            configured_region=configured_region,
            stdout=sys.stdout,
            stderr=sys.stderr,
        )
    except MissingExtraError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR


def _run_adopt(
    args: argparse.Namespace,
    *,
    listers: ListerFactory,
    configured_region: Callable[[], str],
    stdout: TextIO,
    stderr: TextIO,
    clock: Callable[[], float],
) -> int:
    namespace: Namespace = args.namespace
    # As plan: --region, else the standard configuration's (AWS_REGION, AWS_DEFAULT_REGION,
    # profile). The legacy namespace has one Region whatever is configured.
    asked_region: tuple[str, str | None] = ("--region", args.region)
    if args.region is None and fixed_region(namespace) is None:
        asked_region = ("configured Region", configured_region() or None)
    region_source, asked = asked_region
    # The rules module's own checks, so an option is held to the property's rule.
    checks: list[tuple[str, str, Callable[[str], object]]] = [
        ("--number", number, check_phone_number_id) for number in args.numbers
    ]
    if asked is not None:
        checks.append((region_source, asked, lambda text: check_region(text, namespace)))
    if args.product_type is not None:
        checks.append(
            ("--product-type", args.product_type, lambda t: check_product_type(t, namespace))
        )
    for option, value, check in checks:
        try:
            check(value)
        except InvalidPropertyError as error:
            print(f"error: {option} {value}: {error.rule}", file=stderr)
            return EXIT_ERROR
    region = fixed_region(namespace) or asked
    if not region:
        print(
            f"error: no Region for namespace {namespace}: give --region, or set AWS_REGION "
            "(or a profile's region)",
            file=stderr,
        )
        return EXIT_ERROR
    if args.output is not None and args.output.exists():
        print(f"error: {args.output} exists; adopt never overwrites a file", file=stderr)
        return EXIT_ERROR
    try:
        adoption = adopt(
            listers,
            namespace=namespace,
            region=region,
            deadline=Deadline.after(args.timeout, clock),
            product_type=args.product_type,
            numbers=args.numbers,
        )
    except (NumbersNotListedError, PhoneNumberSettingsError) as error:
        print(f"error: {error}", file=stderr)
        return EXIT_ERROR
    if not adoption.numbers:
        print(f"error: ListPhoneNumbers found no numbers in {namespace} ({region})", file=stderr)
        return EXIT_ERROR
    text = WRITERS[args.format](adoption)
    if args.output is None:
        stdout.write(text)
        stdout.flush()
    else:
        try:
            with args.output.open("x", encoding="utf-8") as file:
                file.write(text)
        except OSError as error:
            print(f"error: cannot write {args.output}: {error.strerror or error}", file=stderr)
            return EXIT_ERROR
    listed, declared = len(adoption.numbers), len(adoption.declared)
    print(
        f"adopt: {listed} number{'s' if listed != 1 else ''} listed in {namespace} ({region}), "
        f"{declared} declared"
        + (f", {listed - declared} not (see the comments)" if declared < listed else "")
        + (f"; written to {args.output}" if args.output is not None else ""),
        file=stderr,
    )
    return 0


def _once(compute: Callable[[], str]) -> Callable[[], str]:
    """``compute`` called at most once, and only when needed."""
    cache: list[str] = []

    def value() -> str:
        if not cache:
            cache.append(compute())
        return cache[0]

    return value
