"""README's "Try plan and adopt without AWS", run as a reader would: the command it starts,
the lines it prints pasted into a second shell, and that shell's commands, as written."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs.markdown import README, REPO_ROOT, fenced_blocks, section

SECTION = section(README, "## Try plan and adopt without AWS")
SERVER_COMMAND, SESSION = fenced_blocks(SECTION, "bash")
PRINTED_EXAMPLE, EXPECTED_OUTPUT = fenced_blocks(SECTION, "text")


def clean_environment(tmp_path: Path) -> dict[str, str]:
    """The machine's environment without any AWS setting: only the pasted lines count."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = str(tmp_path / "absent-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "absent-credentials")
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["PATH"] = f"{REPO_ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


@pytest.fixture
def printed_lines(tmp_path: Path) -> Iterator[list[str]]:
    """Starts the section's first command in the checkout; yields the lines it printed
    before serving; stops it with Ctrl-C's signal and checks that it ends cleanly."""
    server = subprocess.Popen(
        ["bash", "-c", f"exec {SERVER_COMMAND.strip()}"],
        cwd=REPO_ROOT,
        env=clean_environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    lines: list[str] = []
    try:
        for line in server.stdout:
            lines.append(line.rstrip("\n"))
            if "Ctrl-C" in line:
                break
        assert lines, server.poll()
        assert "Ctrl-C" in lines[-1], lines
        yield lines
    finally:
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=10)
    assert server.returncode == 0, stderr
    # The CA file it wrote goes with it.
    ca_file = next(line.split("=", 1)[1] for line in lines if "AWS_CA_BUNDLE=" in line)
    assert not Path(ca_file).exists()


def test_the_command_prints_what_the_section_shows(printed_lines: list[str]) -> None:
    exports = [line for line in printed_lines if line.startswith("export ")]
    shown = PRINTED_EXAMPLE.splitlines()
    assert [line.split("=", 1)[0] for line in exports] == [line.split("=", 1)[0] for line in shown]
    for printed, example in zip(exports, shown, strict=True):
        if "<" not in example:
            assert printed == example
    assert "https://127.0.0.1:" in exports[0]


def test_the_second_shell_runs_as_written(printed_lines: list[str], tmp_path: Path) -> None:
    exports = "\n".join(line for line in printed_lines if line.startswith("export "))
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", f"{exports}\nset -x\n{SESSION}"],
        cwd=work,
        env=clean_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The first plan finds nothing to change, the second the edited calling name.
    first_plan, second_plan = done.stdout.split("Exit code 0: nothing to change.\n")
    assert "Plan: 3 resources: 3 no change." in first_plan
    assert "Exit code 2" in second_plan
    for line in EXPECTED_OUTPUT.splitlines():
        assert line in second_plan.splitlines(), (line, second_plan)
    adopted = (work / "numbers.yaml").read_text()
    assert "pending (UpdateInProgress" in adopted
