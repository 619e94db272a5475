"""Keep the ResponseURL and sensitive property values out of crhelper's log lines.

crhelper logs the whole event and the response body at DEBUG (the presigned
ResponseURL is a credential; CallingName and Name are marked sensitive in the API
model). A filter on crhelper's loggers rewrites those records, whatever the level.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any, Final

from phone_number_settings_core.rules import SENSITIVE_DETAILS

REDACTED: Final = "[redacted]"
CRHELPER_LOGGERS: Final = ("crhelper.resource_helper", "crhelper.utils", "crhelper.log_helper")
_SECRET_KEYS: Final = frozenset({"ResponseURL"})
_MIN_REDACTED_CHARS: Final = 2


def sanitized(value: Any) -> Any:
    """A copy of an event or response body with secrets replaced, structure kept."""
    if isinstance(value, Mapping):
        return {
            key: REDACTED
            if (key in _SECRET_KEYS or key in SENSITIVE_DETAILS) and isinstance(item, str)
            else sanitized(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [sanitized(item) for item in value]
    return value


def secrets_of(event: Mapping[str, Any]) -> tuple[str, ...]:
    """The strings of one event that must not reach a log line."""
    found: list[str] = []
    url = event.get("ResponseURL")
    if isinstance(url, str):
        found.append(url)
        found.extend(part for part in (url.partition("?")[2],) if part)
    for key in ("ResourceProperties", "OldResourceProperties"):
        properties = event.get(key)
        if isinstance(properties, Mapping):
            found.extend(
                value
                for detail in SENSITIVE_DETAILS
                if isinstance(value := properties.get(detail), str)
            )
    return tuple(sorted({s for s in found if len(s) >= _MIN_REDACTED_CHARS}, key=len, reverse=True))


def _spellings(secret: str) -> Iterable[str]:
    # As written, as json.dumps writes it, as repr() writes it inside a logged dict.
    yield secret
    yield json.dumps(secret)[1:-1]
    yield repr(secret)[1:-1]


class RedactingFilter(logging.Filter):
    """Rewrites records that would carry the current event's secrets."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: tuple[str, ...] = ()

    def track(self, event: Mapping[str, Any]) -> None:
        self._secrets = secrets_of(event)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            for spelling in _spellings(secret):
                text = text.replace(spelling, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, Mapping):
            record.msg = str(sanitized(record.msg))
        message = self.redact(_structured(record.getMessage()))
        record.msg, record.args = message, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        return True


def _structured(message: str) -> str:
    """Sanitise a message that is a JSON document (crhelper logs the response body so)."""
    if not message.startswith("{"):
        return message
    try:
        document = json.loads(message)
    except ValueError:
        return message
    return json.dumps(sanitized(document))


def install(redacting: RedactingFilter) -> None:
    """Put ``redacting`` on crhelper's loggers in place of an earlier edge's filter."""
    for name in CRHELPER_LOGGERS:
        target = logging.getLogger(name)
        for old in [f for f in target.filters if isinstance(f, RedactingFilter)]:
            target.removeFilter(old)
        target.addFilter(redacting)
