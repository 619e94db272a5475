"""HTTPS server that records custom-resource responses PUT to fake presigned URLs."""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from typing import Any
from urllib.parse import urlsplit

from phone_number_settings_fakes.http import (
    LocalServer,
    LocalTrust,
    QuietHandler,
    TlsHTTPServer,
    TrackingHTTPServer,
)

_PREFIX = "/cfn-response/"


class _Handler(QuietHandler):
    server: TrackingHTTPServer[CfnResponder]

    def do_PUT(self) -> None:
        raw = self.read_body()
        # crhelper never closes its connection, so we do, after every answer.
        self.close_connection = True
        status = self.server.owner._answer(urlsplit(self.path).path, raw)
        if status is None:
            self.drop_connection()
            return
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.end_headers()


class CfnResponder(LocalServer):
    """Serves HTTPS on 127.0.0.1 with a trustme CA; ``ca_path`` is for SSL_CERT_FILE.

    ``trust`` is the CA (shared by the other HTTPS fakes of a test run, so one
    SSL_CERT_FILE trusts them all); ``trust`` is made here, and owned, when not given.
    """

    thread_name = "fake-cfn-responder"

    def __init__(self, trust: LocalTrust | None = None) -> None:
        super().__init__()
        self._owns_trust = trust is None
        self.trust = trust or LocalTrust()
        self._lock = threading.Condition()
        self._received: dict[str, list[dict[str, Any]]] = {}
        self._attempts: dict[str, list[tuple[int | None, dict[str, Any]]]] = {}
        self._failures: list[int | None] = []
        self._dropped = 0

    @property
    def ca_path(self) -> str:
        return self.trust.ca_path

    @property
    def dropped(self) -> int:
        """How many PUTs were answered by dropping the connection (see set_failures)."""
        with self._lock:
            return self._dropped

    def make_server(self) -> TrackingHTTPServer[CfnResponder]:
        return TlsHTTPServer(_Handler, self, self.trust.server_context())

    def close(self) -> None:
        """Stop, and delete the CA file if the CA is this responder's own."""
        self.stop()
        if self._owns_trust:
            self.trust.close()

    def new_response_url(self) -> str:
        """A unique URL shaped like a presigned S3 URL; its signature is a secret to tests."""
        return (
            f"https://127.0.0.1:{self.port}{_PREFIX}{uuid.uuid4()}"
            f"?X-Amz-Signature={secrets.token_hex(32)}"
        )

    def responses(self, url: str) -> list[dict[str, Any]]:
        """Parsed bodies PUT to `url` so far, oldest first."""
        with self._lock:
            return list(self._received.get(urlsplit(url).path, []))

    def wait_for(self, url: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until `count` responses arrived for `url`; TimeoutError otherwise."""
        key = urlsplit(url).path
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._received.get(key, [])) >= count, timeout):
                got = len(self._received.get(key, []))
                raise TimeoutError(f"{got} of {count} responses arrived within {timeout}s")
            return list(self._received[key])

    def attempts(self, url: str) -> list[tuple[int | None, dict[str, Any]]]:
        """Every PUT to ``url``: the status it was answered with (None: dropped), its body."""
        with self._lock:
            return list(self._attempts.get(urlsplit(url).path, []))

    def set_failures(self, n: int) -> None:
        """Drop the connection of the next ``n`` PUTs without answering."""
        self.answer_next([None] * n)

    def answer_next(self, statuses: list[int | None]) -> None:
        """Answer the next PUTs with these statuses (None: drop the connection) instead of
        200; a PUT answered other than 2xx is not a response received."""
        with self._lock:
            self._failures = list(statuses)

    def reset(self) -> None:
        with self._lock:
            self._received.clear()
            self._attempts.clear()
            self._failures = []
            self._dropped = 0

    def _answer(self, path: str, raw: bytes) -> int | None:
        try:
            parsed: Any = json.loads(raw)
        except ValueError:
            parsed = None
        # Kept even when not a JSON object, so a test sees that something odd arrived.
        body = parsed if isinstance(parsed, dict) else {"_raw": raw.decode("utf-8", "replace")}
        with self._lock:
            status = self._failures.pop(0) if self._failures else 200
            self._attempts.setdefault(path, []).append((status, body))
            if status is None:
                self._dropped += 1
            elif 200 <= status < 300:
                self._received.setdefault(path, []).append(body)
                self._lock.notify_all()
            return status
