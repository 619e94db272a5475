"""The template of mistakes and where cfn-lint with our rules must report each one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

DATA: Final = Path(__file__).resolve().parent / "data"
MISTAKES: Final = DATA / "phone-numbers-with-mistakes.yaml"
# Values in Fn::If branches, literal functions, parameters, and resources under Conditions.
BRANCHES: Final = DATA / "phone-numbers-in-branches.yaml"
# Odd shapes: null and list Properties, malformed functions, parameters and conditions.
ODD_SHAPES: Final = DATA / "phone-numbers-odd-shapes.yaml"
RULES_MODULE: Final = "phone_number_settings_cfn_lint"
# A line of the template ending in "# expect E9101" (or "# expect E9101 W9101") must be
# reported with that rule (each of those rules).
_EXPECTATION: Final = re.compile(r"#\s*expect\s+(?P<rules>[EWI]\d{4}(?:\s+[EWI]\d{4})*)\s*$")


def expected_findings(path: Path = MISTAKES) -> set[tuple[int, str]]:
    """(line, rule id) of every marked line."""
    return {
        (number, rule)
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if (found := _EXPECTATION.search(line))
        for rule in found["rules"].split()
    }
