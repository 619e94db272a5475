"""The user guide on many numbers quotes the retry policy's and the function's constants:
each quoted figure is checked against the code, so the page cannot go stale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from phone_number_settings_chime.retry import (
    COUNT_CEILING,
    MIN_FIRST_CAP_SECONDS,
    SECONDS_PER_RESOURCE,
)
from phone_number_settings_core.rules import PROVIDER_TIMEOUT_SECONDS
from phone_number_settings_lambda.handler import (
    RESPONSE_MARGIN_SECONDS,
    REVERT_RESERVE_MAX_SECONDS,
)

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "guide" / "many-numbers.md"
WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}
# The guide's rule of thumb ("about twice"): a deploy takes up to this many times its least
# possible time (the design note has the measured grid).
PLANNED_OVER_BOUND = 2
CALLS_PER_NUMBER = 3  # GetPhoneNumber and two changed details


def text() -> str:
    return " ".join(GUIDE.read_text(encoding="utf-8").split())


def test_the_guide_quotes_the_first_cap_and_the_count_ceiling() -> None:
    guide = text()
    assert f"({SECONDS_PER_RESOURCE:g} s per resource)" in guide
    assert f"never lowers it below {MIN_FIRST_CAP_SECONDS:g} s" in guide
    assert f"nothing and starts at {MIN_FIRST_CAP_SECONDS:g} s." in guide
    assert f"starts at the {MIN_FIRST_CAP_SECONDS:g} s cap" in guide
    assert f"the cap stays within {WORDS[int(COUNT_CEILING)]} starting caps" in guide


def test_the_guide_quotes_the_time_budget() -> None:
    guide = text()
    assert f"less {RESPONSE_MARGIN_SECONDS:g} s to answer CloudFormation" in guide
    assert f"up to {REVERT_RESERVE_MAX_SECONDS:g} s kept for undoing" in guide
    assert f"Lambda's most, {PROVIDER_TIMEOUT_SECONDS // 60} minutes" in guide
    assert "the least time is calls / R; plan for about twice that" in guide


@pytest.mark.parametrize(("rate", "label"), [(1, "1 request/s"), (5, "5 requests/s")])
def test_the_timeout_table_follows_from_the_budget(rate: int, label: str) -> None:
    budget = PROVIDER_TIMEOUT_SECONDS - RESPONSE_MARGIN_SECONDS - REVERT_RESERVE_MAX_SECONDS
    numbers = budget * rate / PLANNED_OVER_BOUND / CALLS_PER_NUMBER
    found = re.search(rf"\| {re.escape(label)} \| about ([\d,]+) \|", text())
    assert found is not None, label
    quoted = int(found.group(1).replace(",", ""))
    assert numbers * 0.9 <= quoted <= numbers  # rounded down, never promising more
