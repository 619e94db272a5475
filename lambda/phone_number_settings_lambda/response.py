"""Deliver the custom resource's response to CloudFormation's ResponseURL.

crhelper PUTs the response once per try and takes any HTTP answer as delivered, so a
503 from S3 (SlowDown) loses the response and the stack waits out its ServiceTimeout.
``ResponseSender`` replaces crhelper's sending function (crhelper's ``_send`` takes it):
it sends again after 5xx answers and connection errors, with backoff, while the
invocation has time left; after a 4xx (an expired or wrong URL) it stops and says so.
It sends one response per invocation, whichever comes first: ours or crhelper's timeout.
The URL is a credential: it is never logged.
"""

from __future__ import annotations

import http.client
import json
import logging
import ssl
import threading
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

from phone_number_settings_chime.deadline import Deadline, Timing
from phone_number_settings_chime.retry import Backoff

logger = logging.getLogger(__name__)

SEND_BACKOFF: Final = Backoff(base_seconds=0.2, cap_seconds=2.0)
# One PUT waits at most this long for S3's answer (and never past the deadline).
PUT_TIMEOUT_SECONDS: Final = 10.0


class ResponseSender:
    """crhelper's ``send_response`` with retries, for one execution environment."""

    def __init__(self, timing: Timing, backoff: Backoff = SEND_BACKOFF) -> None:
        self._timing = timing
        self._backoff = backoff
        self._lock = threading.Lock()
        self._deadline: Deadline | None = None
        self._sent = False

    def begin_event(self, deadline: Deadline) -> None:
        """A new invocation, which has until ``deadline`` to send its one response."""
        with self._lock:
            self._deadline = deadline
            self._sent = False

    def __call__(self, url: str, body: Mapping[str, Any], ssl_verify: object = None) -> None:
        """Send ``body`` (crhelper's signature; ``ssl_verify`` is not used: None by us)."""
        with self._lock:
            if self._sent:
                logger.warning(
                    "a second response (%s) in one invocation was not sent", body.get("Status")
                )
                return
            self._sent = True
            deadline = self._deadline
        self._deliver(url, json.dumps(body).encode(), str(body.get("Status")), deadline)

    def _deliver(self, url: str, payload: bytes, status: str, deadline: Deadline | None) -> None:
        attempt = 0
        while True:
            attempt += 1
            left = PUT_TIMEOUT_SECONDS if deadline is None else deadline.remaining()
            try:
                code = _put(url, payload, timeout=max(0.1, min(PUT_TIMEOUT_SECONDS, left)))
            except (OSError, http.client.HTTPException) as error:
                problem = f"{type(error).__name__}"
            else:
                if 200 <= code < 300:
                    logger.info(
                        "%s response delivered (HTTP %d, attempt %d)", status, code, attempt
                    )
                    return
                if code < 500:
                    logger.error(
                        "%s response refused with HTTP %d: the ResponseURL has expired or is "
                        "wrong; not sent again",
                        status,
                        code,
                    )
                    return
                problem = f"HTTP {code}"
            pause = self._backoff.delay(attempt, self._timing.random)
            if deadline is not None and deadline.remaining() < pause + 0.1:
                logger.error(
                    "%s response not delivered: %s after %d attempts, and the invocation "
                    "is out of time",
                    status,
                    problem,
                    attempt,
                )
                return
            logger.warning("%s response not delivered (%s); sending again", status, problem)
            self._timing.sleep(pause)


def _put(url: str, payload: bytes, *, timeout: float) -> int:
    """PUT ``payload`` as crhelper does (empty content-type, as the presigned URL expects)."""
    split = urlsplit(url)
    connection = http.client.HTTPSConnection(
        split.netloc, timeout=timeout, context=ssl.create_default_context()
    )
    try:
        connection.request(
            "PUT",
            urlunsplit(("", "", split.path, split.query, "")),
            body=payload,
            headers={"content-type": "", "content-length": str(len(payload))},
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
