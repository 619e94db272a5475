"""A local fake of the Amazon Chime phone-number APIs (chime and chime-sdk-voice).

Laid out as moto lays out its fakes: ``model``, ``rules``, ``listing`` and ``service``
are the service itself; ``controls`` are what tests turn on; ``call_log`` records what
came in; ``backend`` puts them behind one lock; ``server`` is the wire layer.
"""

from __future__ import annotations

from phone_number_settings_fakes.chime.backend import ChimeBackend, Reply
from phone_number_settings_fakes.chime.call_log import CallRecord
from phone_number_settings_fakes.chime.model import (
    CHIME,
    CHIME_SDK_VOICE,
    ChimeError,
    NumberKind,
)
from phone_number_settings_fakes.chime.server import FakeChimeServer

__all__ = [
    "CHIME",
    "CHIME_SDK_VOICE",
    "CallRecord",
    "ChimeBackend",
    "ChimeError",
    "FakeChimeServer",
    "NumberKind",
    "Reply",
]
