"""``python -m bench.simulate``: the retry policy in a discrete-event model, in seconds.

N invocations start together (with several stacks, each stack's within 2 s of the
others'); each makes 3 calls in turn (GetPhoneNumber, two UpdatePhoneNumber), retrying
throttled ones, against one token bucket (rate R, burst B,
continuous refill: a request takes a token or is answered 429 and takes none). A neighbour
reads one number every 1/(0.2 R) s and never retries. Virtual time: the whole grid with
many seeds takes seconds, so a trade-off curve over the policy's constant can be drawn,
which the real benchmark (``bench.load``, minutes per point) cannot afford. The policies
are the product's own ``RetryPolicy`` (on a virtual clock) and the two baselines.

    python -m bench.simulate                                  # the grid, 60 seeds per case
    python -m bench.simulate --sweep evidence_share 0.9 0.95 2  # trade-off over a constant

Calibration: for the fixed-cap full jitter it gives what the real benchmark measures
(burst 1: about 1.6-1.8 wall/bound at 30 resources and 5 req/s, 1.1 and 20 429s per
success at 60 and 1 req/s).
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from bench.grid import CASES, REAL, Case
from phone_number_settings_chime.deadline import Deadline, Timing
from phone_number_settings_chime.retry import Backoff, RetryPolicy
from phone_number_settings_fakes.clock import SteppedClock

BUDGET_SECONDS: Final = 877.0  # the default function's: 900 s less the margins
CALLS: Final = 3
STACK_SPREAD_SECONDS: Final = 2.0  # stacks deployed at once start within this of each other
SWEEPABLE: Final = ("target_share", "evidence_share", "min_first_cap")  # RetryPolicy's keywords


class Waits(Protocol):
    def before_call(self) -> float: ...

    def before_retry(self, attempt: int) -> float | None: ...  # None: give up (boto3)

    def accepted(self) -> None: ...

    def throttled(self) -> None: ...


class Boto3Legacy:
    """boto3's default retries: at most 5 attempts, rand() x 2**(k-1) before retry k."""

    def __init__(self, draw: Callable[[], float]) -> None:
        self._draw = draw

    def before_call(self) -> float:
        return 0.0

    def before_retry(self, attempt: int) -> float | None:
        return None if attempt >= 5 else self._draw() * 2.0 ** (attempt - 1)

    def accepted(self) -> None:
        pass

    def throttled(self) -> None:
        pass


class FullJitter(Boto3Legacy):
    """The handler before the policy: full jitter, 0.5 s base, 5 s cap, until the deadline."""

    def before_retry(self, attempt: int) -> float | None:
        return Backoff(0.5, 5.0).delay(attempt, self._draw)


@dataclass(frozen=True)
class Outcome:
    wall_over_bound: float
    throttled_per_success: float
    neighbour_share: float
    failed: int


def simulate(
    policy: str, case: Case, seed: int, options: dict[str, float] | None = None
) -> Outcome:
    """One deploy of ``case``; ``options`` are keywords for our RetryPolicy."""
    row = case.row
    draws = random.Random(seed)
    clock = SteppedClock(now=0.0)  # the virtual time every simulated invocation reads
    tokens, refilled = float(row.burst), 0.0

    def take(at: float) -> bool:
        nonlocal tokens, refilled
        tokens = min(row.burst, tokens + (at - refilled) * row.rate)
        refilled = at
        if tokens >= 1.0 - 1e-9:
            tokens -= 1.0
            return True
        return False

    def waits(start: float) -> Waits:
        draw = random.Random(draws.random()).random
        if policy == "boto3":
            return Boto3Legacy(draw)
        if policy == "full jitter":
            return FullJitter(draw)
        return RetryPolicy(
            Timing(clock=clock, random=draw),
            resources_served=case.resources_served(),
            deadline=Deadline(start + BUDGET_SECONDS, clock),
            **(options or {}),
        )

    n = row.resources
    stack_starts = [draws.uniform(0.0, STACK_SPREAD_SECONDS) for _ in range(case.stacks)]
    if case.stacks == 1:
        stack_starts = [0.0]
    starts = [stack_starts[i // case.per_stack] + draws.uniform(0.0, 0.05) for i in range(n)]
    policies: list[Waits] = []
    for start in starts:
        clock.now = start
        policies.append(waits(start))
    calls, attempts, ends = [0] * n, [0] * n, [math.nan] * n
    failed = [False] * n
    accepted = throttled = sequence = 0
    arrivals: list[tuple[float, int, int]] = []  # (at the bucket, seq, who)
    answers: list[tuple[float, int, int, bool]] = []  # (back at the caller, seq, who, ok)

    def send(who: int, at: float) -> None:
        nonlocal sequence
        if at - starts[who] > BUDGET_SECONDS:
            failed[who], ends[who] = True, starts[who] + BUDGET_SECONDS
            return
        sequence += 1
        heapq.heappush(arrivals, (at + draws.uniform(0.0025, 0.01), sequence, who))

    for who in range(n):
        send(who, starts[who])
    period = 1.0 / (0.2 * row.rate)
    neighbour_at = draws.uniform(0.0, period)
    neighbour: list[tuple[float, bool]] = []
    while any(math.isnan(end) for end in ends):
        soonest = min(
            arrivals[0][0] if arrivals else math.inf,
            answers[0][0] if answers else math.inf,
            neighbour_at,
        )
        clock.now = soonest
        if soonest == neighbour_at:
            neighbour.append((soonest, take(soonest)))
            neighbour_at += period
        elif arrivals and arrivals[0][0] == soonest:
            at, _, who = heapq.heappop(arrivals)
            sequence += 1
            heapq.heappush(answers, (at + draws.uniform(0.0025, 0.01), sequence, who, take(at)))
        else:
            at, _, who, ok = heapq.heappop(answers)
            waiting = policies[who]
            if ok:
                accepted += 1
                waiting.accepted()
                calls[who] += 1
                attempts[who] = 0
                if calls[who] == CALLS:
                    ends[who] = at
                    continue
                send(who, at + waiting.before_call())
            else:
                throttled += 1
                waiting.throttled()
                attempts[who] += 1
                pause = waiting.before_retry(attempts[who])
                if pause is None:
                    failed[who], ends[who] = True, at
                    continue
                send(who, at + pause)
    wall = max(ends) - min(starts)
    reads = [ok for at, ok in neighbour if at <= wall]
    return Outcome(
        wall_over_bound=wall / (accepted / row.rate),
        throttled_per_success=throttled / max(accepted, 1),
        neighbour_share=reads.count(False) / max(len(reads), 1),
        failed=sum(failed),
    )


def mean_outcome(policy: str, case: Case, seeds: int, options: dict[str, float]) -> str:
    outcomes = [simulate(policy, case, seed, options) for seed in range(seeds)]
    wall = statistics.mean(o.wall_over_bound for o in outcomes)
    per_success = statistics.mean(o.throttled_per_success for o in outcomes)
    neighbour = statistics.mean(o.neighbour_share for o in outcomes)
    failed = sum(o.failed for o in outcomes)
    return f"{wall:4.2f} {per_success:5.1f} {neighbour:4.0%}" + (f" F{failed}" if failed else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.simulate", description=__doc__)
    parser.add_argument("--seeds", type=int, default=60)
    parser.add_argument(
        "--sweep", nargs="+", metavar=("KEYWORD", "VALUE"), help=f"one of {', '.join(SWEEPABLE)}"
    )
    args = parser.parse_args(argv)
    lines: list[tuple[str, str, dict[str, float]]]
    if args.sweep:
        keyword, *values = args.sweep
        if keyword not in SWEEPABLE or not values:
            parser.error(f"--sweep takes one of {', '.join(SWEEPABLE)} and its values")
        lines = [(f"{keyword} {value}", "ours", {keyword: float(value)}) for value in values]
    else:
        lines = [("ours", "ours", {}), ("full jitter", "full jitter", {}), ("boto3", "boto3", {})]
    print(f"simulated, mean of {args.seeds} seeds; cells: wall/bound, 429 per success, "
          "neighbour's 429 share, F = FAILED resources (sum)")  # fmt: skip
    print(f"{'case':<28}{'told':<16}" + "".join(f"{label:>22}" for label, _, _ in lines))
    for case in CASES:
        cells = [
            mean_outcome(policy, case, args.seeds, options)
            if policy == "ours" or (case.told == REAL and case.stacks == 1)
            else ""
            for _, policy, options in lines
        ]
        print(f"{case.label:<28}{case.told_label:<16}" + "".join(f"{c:>22}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
