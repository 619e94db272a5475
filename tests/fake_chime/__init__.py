"""A local fake of the Amazon Chime phone-number APIs (chime and chime-sdk-voice)."""

from __future__ import annotations

from tests.fake_chime.backend import CallRecord, ChimeBackend, ChimeError, NumberKind
from tests.fake_chime.server import FakeChimeServer

__all__ = ["CallRecord", "ChimeBackend", "ChimeError", "FakeChimeServer", "NumberKind"]
