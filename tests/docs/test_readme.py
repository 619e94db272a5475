"""README stays a user's page and says what the code says: its numbers and names are the
code's, its YAML passes the rules, its links lead somewhere. (The site takes its numbers from
the code at build; README is read on GitHub, so it is checked here instead.)"""

from __future__ import annotations

import re
from pathlib import Path

from cfnlint.api import ManualArgs, lint

from phone_number_settings_core import rules
from tests.docs.markdown import README, REPO_ROOT, block_after, fenced_blocks, section

TEXT = README.read_text()
# Pages other branches add; the lead removes an entry once its page has landed.


def test_readme_is_a_page_not_a_manual() -> None:
    assert len(TEXT.splitlines()) <= 260
    # Contributor material lives in CONTRIBUTING.md and the site.
    for heading in ("## Where things are", "## Many numbers under a rate limit", "### Props"):
        assert heading not in TEXT


def test_the_shared_providers_names_and_timeout_are_the_codes() -> None:
    assert f"`{rules.SHARED_PROVIDER_EXPORT_NAME}`" in TEXT
    assert f"`{rules.SHARED_PROVIDER_PARAMETER_NAME}`" in TEXT
    imports = set(re.findall(r"!ImportValue (\S+)", TEXT))
    assert imports == {rules.SHARED_PROVIDER_EXPORT_NAME}
    resolved = set(re.findall(r"\{\{resolve:ssm:([^}]+)\}\}", TEXT))
    assert resolved == {rules.SHARED_PROVIDER_PARAMETER_NAME}
    timeouts = set(re.findall(r"ServiceTimeout: (\d+)", TEXT))
    assert timeouts == {str(rules.SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS)}


def test_the_sample_construct_error_quotes_the_rule() -> None:
    (sample,) = [line for line in TEXT.splitlines() if line.startswith("ValueError:")]
    assert sample.endswith(
        f"at most {rules.CALLING_NAME_MAX_LENGTH} (pattern {rules.CALLING_NAME_PATTERN})"
    )


def test_the_yaml_quick_start_passes_cfn_lint_with_the_rules() -> None:
    template = block_after(TEXT, "<!-- quick-start-yaml -->", "yaml")
    matches = lint(
        template,
        config=ManualArgs(append_rules=["phone_number_settings_cfn_lint"], regions=["us-west-2"]),
    )
    assert [str(match) for match in matches] == []


def test_the_yaml_quick_start_is_checked_by_the_rules() -> None:
    """The same block with a broken value fails: the lint above could fail."""
    template = block_after(TEXT, "<!-- quick-start-yaml -->", "yaml")
    broken = template.replace("CallingName: Acme Support", "CallingName: A")
    matches = lint(broken, config=ManualArgs(append_rules=["phone_number_settings_cfn_lint"]))
    assert [match.rule.id for match in matches] == ["E9101"]


def test_the_cdk_quick_start_is_the_app_the_step_by_step_block_synthesises() -> None:
    app = block_after(TEXT, "<!-- quick-start-cdk -->", "python")
    page = REPO_ROOT / "docs" / "getting-started" / "cdk.md"
    (steps,) = fenced_blocks(section(page, "## Your own app, step by step"), "bash")
    assert f"cat > app.py <<'APP'\n{app}APP\n" in steps


def test_local_links_lead_to_files() -> None:
    links = re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", TEXT)
    assert links
    missing = [link for link in links if not (REPO_ROOT / link).exists()]
    assert missing == []
    pages = [link for link in links if link.startswith("docs/")]
    assert all(Path(link).suffix == ".md" for link in pages)
