"""cfn-lint over the corpus of real templates, with and without our rules: findings and time.

    .venv/bin/python -m bench.lint_corpus [--repeat N] [DIR ...]

The corpus (``tests/data/corpus``, cfn-lint's own test templates) declares no
``Custom::PhoneNumberSettings``: our rules should add no finding and cost little. All
templates are linted in one cfn-lint run in process, as ``cfn-lint T1 T2 ...`` does, with
cfn-lint's rules only and with ours appended, the two interleaved ``--repeat`` times; the
best of each is kept. Prints templates, findings and seconds for both, the findings our
rules added, and the time spent inside our rules (the wall times vary with the machine's
load more than our share). Not a test: nothing here asserts
(``tests/infra/test_lint_corpus.py`` does).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
CORPUS: Final = REPO_ROOT / "tests" / "data" / "corpus"
OUR_RULES: Final = "phone_number_settings_cfn_lint"
TEMPLATE_SUFFIXES: Final = (".yaml", ".yml", ".json", ".template")


@dataclass(frozen=True)
class Run:
    templates: int
    findings: tuple[tuple[str, int, str, str], ...]  # (file, line, rule id, message)
    seconds: float


def corpus_templates(directories: Sequence[Path]) -> list[Path]:
    return sorted(
        path
        for directory in directories
        for path in directory.rglob("*")
        if path.is_file() and path.suffix in TEMPLATE_SUFFIXES
    )


def lint_all(templates: Sequence[Path], *, ours: bool) -> Run:
    """One cfn-lint run over every template, as ``cfn-lint T1 T2 ...`` makes it.

    The rules are loaded before the clock starts: the time is the linting's.
    """
    from cfnlint.config import ConfigMixIn  # noqa: PLC0415 (slow import)
    from cfnlint.runner import Runner  # noqa: PLC0415

    options = {"append_rules": [OUR_RULES]} if ours else {}
    runner = Runner(ConfigMixIn(["--", *map(str, templates)], **options))
    started = time.perf_counter()
    findings = [
        (
            str(Path(match.filename).relative_to(REPO_ROOT)),
            match.linenumber,
            match.rule.id,
            match.message,
        )
        for match in runner.run()
    ]
    return Run(len(templates), tuple(findings), time.perf_counter() - started)


class RuleClock:
    """Time spent inside our rules' ``match``: their own cost, free of the machine's noise.

    Wraps the rule classes' ``match`` in this process only (cfn-lint instantiates the
    classes it imports from the module, so the wrapper is what it calls).
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        from phone_number_settings_cfn_lint import rules  # noqa: PLC0415

        ours: tuple[type[Any], ...] = (
            rules.PhoneNumberSettingsProperties,
            rules.PhoneNumberSettingsParameterValues,
            rules.PhoneNumberDeclaredTwice,
        )
        for rule in ours:
            setattr(rule, "match", self._timed(rule.match))  # noqa: B010 (mypy: a method)

    def _timed(self, match: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        def timed(rule: Any, cfn: Any) -> Any:
            started = time.perf_counter()
            try:
                return match(rule, cfn)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="*", type=Path, default=[CORPUS])
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args(argv)
    templates = corpus_templates(arguments.directories)
    clock = RuleClock()
    lint_all(templates, ours=True)  # schemas and caches loaded, outside the timing
    runs: dict[bool, list[Run]] = {False: [], True: []}
    ours_seconds = []
    for _ in range(arguments.repeat):  # interleaved, so that a busy moment hits both
        runs[False].append(lint_all(templates, ours=False))
        clock.seconds = 0.0
        runs[True].append(lint_all(templates, ours=True))
        ours_seconds.append(clock.seconds)
    without = min(runs[False], key=lambda run: run.seconds)
    with_ours = min(runs[True], key=lambda run: run.seconds)
    added = sorted(set(with_ours.findings) - set(without.findings))
    print(f"{'run':<22}{'templates':>10}{'findings':>10}{'seconds':>10}")
    for name, run in (("cfn-lint", without), ("cfn-lint + our rules", with_ours)):
        print(f"{name:<22}{run.templates:>10}{len(run.findings):>10}{run.seconds:>10.2f}")
    print(f"findings our rules added: {len(added)}")
    for finding in added[:20]:
        print(f"  {finding}")
    spent = min(ours_seconds)
    print(
        f"time inside our rules: {spent:.3f} s, {spent / without.seconds * 100:.2f} % of "
        f"cfn-lint's own run (best of {arguments.repeat}; the wall times above vary with "
        "the machine's load more than that)"
    )


if __name__ == "__main__":
    main()
