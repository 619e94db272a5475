"""docs/reference/checks.md quotes the rules' own messages and numbers, not retyped ones."""

from __future__ import annotations

from phone_number_settings_core.errors import REASON_MAX_CHARS
from phone_number_settings_core.rules import property_problems
from tests.docs.markdown import REPO_ROOT

CHECKS_DOC = REPO_ROOT / "docs" / "reference" / "checks.md"


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_quoted_messages_are_the_rules_own() -> None:
    doc = flat(CHECKS_DOC.read_text())
    problems = property_problems(
        {"PhoneNumberId": "12065550100", "CallingName": "Acme Support Line Extra"}
    )
    for problem in problems:
        assert flat(problem.rule) in doc
    (bad_character,) = property_problems({"PhoneNumberId": "+12065550100", "CallingName": "Acme!"})
    assert flat(str(bad_character)) in doc


def test_the_reason_limit_is_the_codes() -> None:
    assert f"at most {REASON_MAX_CHARS} characters of a FAILED Reason" in flat(
        CHECKS_DOC.read_text()
    )
