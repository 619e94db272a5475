"""The guide page on many numbers: its constants come from the code, and its timeout
table follows from them."""

from __future__ import annotations

import re

import pytest

from phone_number_settings_chime.retry import MIN_FIRST_CAP_SECONDS
from phone_number_settings_core.rules import PROVIDER_TIMEOUT_SECONDS
from phone_number_settings_lambda.handler import (
    RESPONSE_MARGIN_SECONDS,
    REVERT_RESERVE_MAX_SECONDS,
)
from tests.docs.markdown import REPO_ROOT
from tests.docs.site import load_hooks

PAGE = REPO_ROOT / "docs" / "guide" / "many-numbers.md"
# The page's rule of thumb ("plan for about twice that"): a deploy takes up to this many
# times its least possible time (the design note has the measured grid).
PLANNED_OVER_BOUND = 2
CALLS_PER_NUMBER = 3  # GetPhoneNumber and two changed details


def rendered() -> str:
    return " ".join(load_hooks().substitute(PAGE.read_text(), PAGE.name).split())


def test_the_page_takes_the_policys_and_the_budgets_numbers_from_the_code() -> None:
    page = rendered()
    assert f"never lowers it below {MIN_FIRST_CAP_SECONDS:g} s" in page
    assert (
        f"less {RESPONSE_MARGIN_SECONDS:g} s to answer CloudFormation and up to "
        f"{REVERT_RESERVE_MAX_SECONDS:g} s kept for undoing"
    ) in page
    assert f"Lambda's most, {PROVIDER_TIMEOUT_SECONDS} s" in page
    assert "the least time is calls / R; plan for about twice that" in page


@pytest.mark.parametrize(("rate", "label"), [(1, "1 request/s"), (5, "5 requests/s")])
def test_the_timeout_table_follows_from_the_budget(rate: int, label: str) -> None:
    budget = PROVIDER_TIMEOUT_SECONDS - RESPONSE_MARGIN_SECONDS - REVERT_RESERVE_MAX_SECONDS
    numbers = budget * rate / PLANNED_OVER_BOUND / CALLS_PER_NUMBER
    found = re.search(rf"\| {re.escape(label)} \| about ([\d,]+) \|", rendered())
    assert found is not None, label
    quoted = int(found.group(1).replace(",", ""))
    assert numbers * 0.9 <= quoted <= numbers  # rounded down, never promising more
