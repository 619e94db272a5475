"""What ``make bench`` prints and writes: a legend, the grid with each target beside its
figure, the figures as JSON and Markdown in ``bench/results/``, and the trade-off plot."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from bench.grid import NOTHING, ROWS, TARGETS, TENTH, Case, Target

ROOT: Final = Path(__file__).resolve().parent.parent
RESULTS_DIR: Final = ROOT / "bench" / "results"
PLOT: Final = ROOT / "docs" / "images" / "bench-tradeoff.png"

LEGEND: Final = """\
legend
  case         resources created at once against a token bucket (burst, rate); "10 stacks x 3"
               is ten stacks of three deployed at once, each with its own provider
  told         what each function is told of the resources that share it
               (PHONE_NUMBER_SETTINGS_RESOURCES_SERVED): the stack's real count, a tenth of
               it (as when ten stacks deploy at once), or nothing (the shared provider)
  handler      ours = the synthesised asset; full jitter = the same handler with a fixed 5 s
               cap; boto3 = a usual crhelper handler with boto3's default retries (the
               baselines ignore the count, so they run once per row)
  wall/bound   deploy time over the least possible (accepted calls / rate); lower is faster
  429/success  rejected calls per successful call; lower is kinder to the account
  neighbour    share of another application's reads (a fifth of the rate) answered 429
  FAILED       resources that answered FAILED (target 0 everywhere)
  [<= x ok]    our handler's target for that figure, met; [<= x MISSED]: not met"""


@dataclass(frozen=True)
class RunResult:
    case: Case
    handler: str
    resources: int
    failed: int
    wall_seconds: float
    accepted: int
    throttled: int
    wall_over_bound: float
    throttled_per_success: float
    neighbour_calls: int
    neighbour_throttled_share: float

    def as_json(self) -> dict[str, object]:
        return {
            "case": self.case.label,
            "told": self.case.told_label,
            "resources_served": self.case.resources_served(),
            "stacks": self.case.stacks,
            "burst": self.case.row.burst,
            "rate": self.case.row.rate,
            "handler": self.handler,
            "resources": self.resources,
            "failed": self.failed,
            "wall_seconds": self.wall_seconds,
            "accepted": self.accepted,
            "throttled": self.throttled,
            "wall_over_bound": self.wall_over_bound,
            "throttled_per_success": self.throttled_per_success,
            "neighbour_calls": self.neighbour_calls,
            "neighbour_throttled_share": self.neighbour_throttled_share,
        }


def judged(text: str, limit: float | None, unit: str = "") -> str:
    """``text`` (the value as shown) with the limit and whether the value shown meets it."""
    if limit is None:
        return text
    met = float(text.rstrip("%")) <= limit
    return f"{text} [<= {limit:g}{unit} {'ok' if met else 'MISSED'}]"


def cells(result: RunResult) -> list[str]:
    """The figures of one run, with our handler's targets beside them."""
    target = TARGETS.get(result.case.row) if result.handler == "ours" else None
    wall = f"{result.wall_over_bound:.2f}"
    per_success = f"{result.throttled_per_success:.2f}"
    share = result.neighbour_throttled_share
    neighbour = f"{share:.0%}"
    failed = str(result.failed)
    if target is not None:
        wall = judged(wall, target.wall_over_bound)
        per_success = judged(per_success, target.throttled_per_success)
        neighbour = judged(neighbour, _percent(target.neighbour_share), "%")
    if result.handler == "ours":
        failed = judged(failed, 0)
    return [result.case.label, result.case.told_label, result.handler, wall, per_success,
            neighbour, failed]  # fmt: skip


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100)


HEADER: Final = ["case", "told", "handler", "wall/bound", "429/success", "neighbour 429", "FAILED"]


def table(results: Sequence[RunResult]) -> str:
    rows = [HEADER, *(cells(r) for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = []
    previous = ""
    for row in rows:
        shown = list(row)
        if row is not HEADER and row[0] == previous:
            shown[0] = ""
        previous = row[0]
        lines.append(
            "  ".join(cell.ljust(width) for cell, width in zip(shown, widths, strict=True))
        )
    return "\n".join(line.rstrip() for line in lines)


def markdown(results: Sequence[RunResult], command: str, took: str, stamp: datetime) -> str:
    lines = [
        f"# make bench, {stamp:%Y-%m-%d %H:%M} UTC",
        "",
        f"`{command}` (`make bench` runs it without options): {took}.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
        *("| " + " | ".join(cells(r)) + " |" for r in results),
        "",
        "```",
        LEGEND,
        "```",
        "",
    ]
    return "\n".join(lines)


MARKERS: Final = {"ours": "o", "full jitter": "s", "boto3": "^"}
COLOURS: Final = ("tab:blue", "tab:orange", "tab:green")
X_MIN: Final = 0.5  # the plot's left edge, in 429s per success


def short_told(case: Case) -> str:
    if case.stacks > 1:
        return f"{case.stacks}x{case.per_stack}"
    return {NOTHING: "nothing", TENTH: "tenth"}.get(case.told, "real")


def plot(results: Sequence[RunResult], path: Path, stamp: datetime) -> None:
    """Wall / bound against 429s per success, one point per handler and case."""
    import matplotlib  # noqa: PLC0415 - only make bench draws

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from matplotlib.patches import Rectangle  # noqa: PLC0415

    figure, axes = plt.subplots(figsize=(11.5, 6.5), dpi=110)
    for row, colour in zip(ROWS, COLOURS, strict=True):
        target: Target | None = TARGETS.get(row)
        if target is not None:
            axes.add_patch(
                Rectangle(
                    (X_MIN, 0.0),
                    target.throttled_per_success - X_MIN,
                    target.wall_over_bound,
                    fill=True,
                    alpha=0.07,
                    color=colour,
                    linestyle="--",
                )
            )
            axes.plot(
                [X_MIN, target.throttled_per_success, target.throttled_per_success],
                [target.wall_over_bound, target.wall_over_bound, 0.0],
                color=colour,
                linestyle="--",
                linewidth=1,
            )
        for result in results:
            if result.case.row != row:
                continue
            x = max(result.throttled_per_success, X_MIN)
            axes.scatter(
                x,
                result.wall_over_bound,
                marker=MARKERS[result.handler],
                color=colour,
                s=70 if result.handler == "ours" else 45,
                edgecolors="black" if result.failed else "none",
                linewidths=1.5,
            )
            if result.handler == "ours":
                axes.annotate(
                    short_told(result.case),
                    (x, result.wall_over_bound),
                    textcoords="offset points",
                    xytext=(6, 4),
                    fontsize=8,
                    color=colour,
                )
    axes.set_xscale("log")
    axes.set_xlim(left=X_MIN)
    axes.set_xlabel("429 answers per successful call (log scale; lower is kinder to the account)")
    axes.set_ylabel("wall time / lower bound (lower is faster)")
    axes.set_ylim(bottom=0.8)
    axes.set_title(
        f"make bench, {stamp:%Y-%m-%d}: speed against rejected calls\n"
        "colour = row; marker = handler; label = what our function was told; "
        "dashed box = the row's target",
        fontsize=10,
    )
    handles = [
        axes.scatter([], [], color=colour, marker="o", label=row.label)
        for row, colour in zip(ROWS, COLOURS, strict=True)
    ]
    handles += [
        axes.scatter([], [], color="grey", marker=marker, label=handler)
        for handler, marker in MARKERS.items()
    ]
    handles.append(
        axes.scatter([], [], color="white", edgecolors="black", marker="o", label="with FAILED")
    )
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    axes.grid(alpha=0.3, which="both")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def write_report(results: Sequence[RunResult], *, command: str, took: str, stamp: datetime) -> None:
    print()
    print(LEGEND)
    print()
    print(table(results))
    print(f"\n{command} took {took}")
    RESULTS_DIR.mkdir(exist_ok=True)
    name = f"load-{stamp:%Y%m%dT%H%M%SZ}"
    figures = {
        "command": command,
        "took": took,
        "at": stamp.isoformat(),
        "runs": [r.as_json() for r in results],
    }
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
    (RESULTS_DIR / f"{name}.md").write_text(markdown(results, command, took, stamp))
    plot(results, PLOT, stamp)
    for path in (RESULTS_DIR / f"{name}.json", RESULTS_DIR / f"{name}.md", PLOT):
        print(f"written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
