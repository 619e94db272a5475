"""mkdocs hook: ``{{ rules.PROVIDER_TIMEOUT_SECONDS }}`` in a page becomes the code's value.

A number or name the code defines is written once, in the code; the pages name the constant.
An unknown module alias or constant fails the build, so a renamed constant cannot leave a
page behind.
"""

from __future__ import annotations

import enum
import functools
import importlib
import json
import re
import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Final

from mkdocs.exceptions import PluginError

# Short names the pages use, and the modules they stand for.
MODULES: Final = {
    "rules": "phone_number_settings_core.rules",
    "model": "phone_number_settings_core.model",
    "retry": "phone_number_settings_chime.retry",
    "function": "phone_number_settings_lambda",
    "handler": "phone_number_settings_lambda.handler",
    "cli": "phone_number_settings_cli.main",
    "provider": "phone_number_settings_cdk.provider",
    "provider_stack": "phone_number_settings_cdk.provider_stack",
    "provider_package": "phone_number_settings_cdk.provider_package",
}
ROOT: Final = Path(__file__).resolve().parent.parent


@functools.cache
def _pins() -> dict[str, SimpleNamespace]:
    """Versions the repository pins, by the same dotted names: ``pypi.aws_cdk_lib``
    (constraints.txt), ``npm.aws_cdk`` (package.json), ``version.VERSION`` (pyproject)."""

    def key(name: str) -> str:
        return re.sub(r"[-.]", "_", name.lower())

    constraints = (ROOT / "constraints.txt").read_text().split()
    pypi = dict(line.split("==") for line in constraints if "==" in line)
    npm = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {
        "pypi": SimpleNamespace(**{key(name): pin for name, pin in pypi.items()}),
        "npm": SimpleNamespace(**{key(name): pin for name, pin in npm.items()}),
        "version": SimpleNamespace(VERSION=project["version"]),
    }


PLACEHOLDER: Final = re.compile(r"\{\{\s*([a-z_]+)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def render(value: Any) -> str:
    """How a constant reads in prose: enums by value, sequences comma-separated, a value
    object (such as a response attribute) by its ``key``."""
    if isinstance(getattr(value, "key", None), str):
        return str(value.key)
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, tuple | list | frozenset):
        return ", ".join(render(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def substitute(markdown: str, where: str) -> str:
    """``markdown`` with every placeholder replaced; PluginError names the first unknown one."""

    def value(match: re.Match[str]) -> str:
        alias, name = match.groups()
        pins = _pins()
        if alias in pins:
            source: Any = pins[alias]
        elif alias in MODULES:
            source = importlib.import_module(MODULES[alias])
        else:
            raise PluginError(f"{where}: unknown module {alias!r} in {match.group(0)}")
        if not hasattr(source, name):
            raise PluginError(f"{where}: {alias} has no {name} ({match.group(0)})")
        return render(getattr(source, name))

    return PLACEHOLDER.sub(value, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    return substitute(markdown, page.file.src_uri)
