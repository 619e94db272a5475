"""Infra test setup: pinned Node first on PATH, a quiet CDK CLI, one shared synthesised app.

jsii starts Node when aws_cdk is first imported, so PATH is fixed here, before any test
module imports it: the machine's end-of-life Node 20 would print a banner.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bench.install_sizes import Distributions, build

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_BIN = REPO_ROOT / "node_modules" / ".bin"
VENV_BIN = Path(sys.executable).parent
EXAMPLE_APP = REPO_ROOT / "cdk" / "app.py"

# The CLI must not phone home: cdk.json turns notices and telemetry off; the version check
# has no cdk.json key, only this variable. Telemetry gets the variable too, belt and braces.
QUIET_CDK_ENV: Mapping[str, str] = {
    "CDK_DISABLE_VERSION_CHECK": "1",
    "CDK_DISABLE_CLI_TELEMETRY": "true",
}


def tool_path(*first: Path) -> str:
    """PATH with the given directories, then pinned Node and the venv, then the rest."""
    ahead = [str(path) for path in (*first, NODE_BIN, VENV_BIN)]
    rest = [entry for entry in os.environ.get("PATH", "").split(os.pathsep) if entry not in ahead]
    return os.pathsep.join(ahead + rest)


os.environ["PATH"] = tool_path()
os.environ.update(QUIET_CDK_ENV)


def subprocess_env(**overrides: str) -> dict[str, str]:
    env = {**os.environ, **QUIET_CDK_ENV, "PATH": tool_path()}
    env.update(overrides)
    return env


def run(
    command: list[str], *, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing text output; the caller checks returncode."""
    return subprocess.run(
        command,
        cwd=cwd,
        env=dict(env) if env is not None else subprocess_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def load_example_app() -> ModuleType:
    """Import cdk/app.py (a script, not a package module) without running main()."""
    spec = importlib.util.spec_from_file_location("phone_number_settings_example_app", EXAMPLE_APP)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class SharedApp:
    """One synthesised app for the template tests: jsii calls are the cost, so share it."""

    example_template: Any  # aws_cdk.assertions.Template
    token_template: Any
    example_stack: Any  # aws_cdk.Stack
    token_stack: Any
    outdir: Path


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> SharedApp:
    from aws_cdk import App, CfnParameter, Stack
    from aws_cdk.assertions import Template

    from phone_number_settings_cdk import PhoneNumberSettings, ProductType

    outdir = tmp_path_factory.mktemp("shared-cdk-out")
    app = App(outdir=str(outdir))
    example_stack = load_example_app().PhoneNumberSettingsExampleStack(app, "Example")

    # Values CloudFormation fills in at deploy: the construct must let them through.
    token_stack = Stack(app, "Tokens")
    calling_name = CfnParameter(token_stack, "CallingName", type="String")
    namespace = CfnParameter(token_stack, "Namespace", type="String")
    phone_number_id = CfnParameter(token_stack, "PhoneNumberId", type="String")
    PhoneNumberSettings(
        token_stack,
        "VoiceWithParameterName",
        phone_number_id="+12065550100",
        calling_name=calling_name.value_as_string,
        namespace="chime-sdk-voice",
    )
    PhoneNumberSettings(
        token_stack,
        "BusinessCallingInParameterNamespace",
        phone_number_id=phone_number_id.value_as_string,
        product_type=ProductType.BUSINESS_CALLING,
        namespace=namespace.value_as_string,
    )
    app.synth()
    return SharedApp(
        example_template=Template.from_stack(example_stack),
        token_template=Template.from_stack(token_stack),
        example_stack=example_stack,
        token_stack=token_stack,
        outdir=outdir,
    )


@pytest.fixture
def fresh_stack() -> Any:
    """A new stack in a new app, for tests that build and expect construction to fail."""
    from aws_cdk import App, Stack

    return Stack(App(), "Fresh")


@pytest.fixture(scope="session")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> Distributions:
    """The wheel and the sdist, built once (the packaging tests share an xdist group)."""
    return build(tmp_path_factory.mktemp("build"))
