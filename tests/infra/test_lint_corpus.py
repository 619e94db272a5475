"""Our cfn-lint rules over real templates (cfn-lint's own fixtures): no crash, no false finding."""

from __future__ import annotations

import pytest

from bench.lint_corpus import CORPUS, corpus_templates, lint_all

OUR_RULE_IDS = {"E9101", "E9102", "W9101"}
# cfn-lint reports a rule that raised as E0002, naming the rule in the message.
RULE_CRASHED = "E0002"


@pytest.mark.slow
def test_our_rules_crash_nowhere_and_add_nothing_to_templates_without_our_type() -> None:
    templates = corpus_templates([CORPUS])
    assert len(templates) >= 100
    assert not any("Custom::PhoneNumberSettings" in path.read_text() for path in templates)
    without = lint_all(templates, ours=False)
    with_ours = lint_all(templates, ours=True)
    assert [f for f in with_ours.findings if f[2] in OUR_RULE_IDS] == []
    crashed = [f for f in with_ours.findings if f[2] == RULE_CRASHED]
    assert not any(rule in f[3] for f in crashed for rule in OUR_RULE_IDS), crashed
    assert sorted(with_ours.findings) == sorted(without.findings)
    # The corpus is linted for real: cfn-lint's own rules find its bad templates' mistakes.
    assert any("/bad/" in f[0] for f in without.findings)
