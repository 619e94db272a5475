"""The site's constants come from the code, and a name the code lacks fails the build."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

from phone_number_settings_core import rules
from tests.docs.site import load_hooks

hooks = load_hooks()


def test_constants_pins_and_the_version_are_filled_in() -> None:
    page = (
        "timeout {{ rules.PROVIDER_TIMEOUT_SECONDS }} s, order {{rules.DETAILS_IN_CALL_ORDER}}, "
        "aws-cdk {{ npm.aws_cdk }}, version {{ version.VERSION }}, "
        'SSM "{{resolve:ssm:{{ rules.SHARED_PROVIDER_PARAMETER_NAME }}}}"'
    )
    filled = hooks.substitute(page, "page.md")
    assert f"timeout {rules.PROVIDER_TIMEOUT_SECONDS} s" in filled
    assert "order ProductType, Name, CallingName," in filled
    assert "{{ npm" not in filled
    assert "version {{" not in filled
    assert f'SSM "{{{{resolve:ssm:{rules.SHARED_PROVIDER_PARAMETER_NAME}}}}}"' in filled


def test_enums_read_as_their_values() -> None:
    assert hooks.render(rules.Namespace.CHIME) == "chime"


@pytest.mark.parametrize(
    ("placeholder", "message"),
    [
        ("{{ rules.NO_SUCH_CONSTANT }}", "page.md: rules has no NO_SUCH_CONSTANT"),
        ("{{ nowhere.PROVIDER_TIMEOUT_SECONDS }}", "page.md: unknown module 'nowhere'"),
    ],
)
def test_an_unknown_name_fails_the_build(placeholder: str, message: str) -> None:
    with pytest.raises(PluginError, match=message):
        hooks.substitute(f"text {placeholder} text", "page.md")
