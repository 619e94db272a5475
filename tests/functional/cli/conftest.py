"""Fixtures of the command's functional tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer


@pytest.fixture(autouse=True)
def never_updates(chime: ChimeBackend, aws_env: dict[str, str]) -> Iterator[None]:
    """Every test: the plan and adopt are read-only, whatever they found."""
    yield
    assert chime.update_calls() == []


@pytest.fixture(autouse=True)
def cloudformation_api_env(
    cloudformation_env: FakeCloudFormationServer,
) -> FakeCloudFormationServer:
    """Every test: plan's CloudFormation reads go to the stand-in, holding no stack yet."""
    return cloudformation_env


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose connections are accepted (by the kernel) and never answered."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])
