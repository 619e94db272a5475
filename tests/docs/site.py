"""The site's hook module (docs/hooks.py, loaded by mkdocs by path), for the tests."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from tests.docs.markdown import REPO_ROOT


def load_hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "phone_number_settings_docs_hooks", REPO_ROOT / "docs" / "hooks.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
