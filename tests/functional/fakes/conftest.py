"""Clients of the session's fake Chime, and a private one on a virtual clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mypy_boto3_chime import ChimeClient
from mypy_boto3_chime_sdk_voice import ChimeSDKVoiceClient

from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer
from phone_number_settings_fakes.clock import SteppedClock
from tests.functional.fakes.chime_clients import chime_client_of, voice_client_of


@pytest.fixture
def chime_client(chime_server: FakeChimeServer) -> ChimeClient:
    return chime_client_of(chime_server)


@pytest.fixture
def voice_client(chime_server: FakeChimeServer) -> ChimeSDKVoiceClient:
    return voice_client_of(chime_server)


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock(now=1000.0)


@pytest.fixture
def clocked(clock: SteppedClock) -> Iterator[FakeChimeServer]:
    """A private server whose backend runs on the virtual clock."""
    with FakeChimeServer(ChimeBackend(clock=clock)) as server:
        yield server
