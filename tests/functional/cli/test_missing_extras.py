"""The command on an install without an extra it needs: one line naming the extra.

The interpreter is told the module is absent (a None entry in sys.modules makes its
import fail as a missing module does); tests/infra/test_extras.py does the same on
real installs of each extra.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from phone_number_settings_cli.main import EXIT_ERROR

WITHOUT = """
import sys
sys.modules[sys.argv[1]] = None
from phone_number_settings_cli.main import main
sys.exit(main(sys.argv[2:]))
"""

YAML_TEMPLATE = """\
Resources:
  Line:
    Type: Custom::PhoneNumberSettings
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:f
      PhoneNumberId: "+12065550100"
"""


def command_without(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT, module, *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        check=False,
    )


@pytest.mark.parametrize("name", ["template.yaml", "template.yml", "template.txt"])
def test_plan_of_a_yaml_template_without_cfn_lint_names_the_templates_extra(
    tmp_path: Path, name: str
) -> None:
    (tmp_path / name).write_text(YAML_TEMPLATE)
    done = command_without("cfnlint", "plan", "--template", name, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (EXIT_ERROR, "")
    assert done.stderr == (
        "error: reading a YAML template needs cfn-lint, which is not installed: "
        "pip install 'phone-number-settings[templates]'\n"
    )


def test_a_json_template_needs_no_extra(tmp_path: Path) -> None:
    # An empty template: nothing to plan, so no Chime call, and no cfn-lint either.
    (tmp_path / "template.json").write_text('{"Resources": {}}')
    done = command_without("cfnlint", "plan", "--template", "template.json", cwd=tmp_path)
    assert "cfn-lint" not in done.stderr
    assert "Traceback" not in done.stderr
