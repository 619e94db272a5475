"""A local fake of the Amazon Chime phone-number APIs (chime and chime-sdk-voice)."""

from __future__ import annotations

from phone_number_settings_fakes.chime.backend import (
    CallRecord,
    ChimeBackend,
    ChimeError,
    NumberKind,
)
from phone_number_settings_fakes.chime.server import FakeChimeServer

__all__ = ["CallRecord", "ChimeBackend", "ChimeError", "FakeChimeServer", "NumberKind"]
