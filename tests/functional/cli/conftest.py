"""Fixtures of the command's functional tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from phone_number_settings_fakes.chime import ChimeBackend


@pytest.fixture(autouse=True)
def never_updates(chime: ChimeBackend, aws_env: dict[str, str]) -> Iterator[None]:
    """Every test: the plan and adopt are read-only, whatever they found."""
    yield
    assert chime.update_calls() == []
