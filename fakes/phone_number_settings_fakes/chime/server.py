"""Thin REST-JSON HTTP layer over ChimeBackend: routing, SigV4 region, wire-format errors."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from phone_number_settings_fakes.chime.backend import ChimeBackend, Reply
from phone_number_settings_fakes.chime.model import (
    BATCH_UPDATE_PHONE_NUMBER,
    GET_PHONE_NUMBER,
    LIST_PHONE_NUMBERS,
    NAMESPACES,
    UPDATE_PHONE_NUMBER,
)
from phone_number_settings_fakes.http import LocalServer, QuietHandler, TrackingHTTPServer

# A request the backend holds ("never answered") is dropped after this long at the latest.
HANG_LIMIT_SECONDS = 120.0
_CREDENTIAL_RE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/[^/,\s]+/aws4_request")


def sigv4_region(authorization: str | None) -> str | None:
    """The signing region of a SigV4 Authorization header, or None if it has none."""
    match = _CREDENTIAL_RE.search(authorization or "")
    return match.group(1) if match else None


def route(method: str, target: str) -> tuple[str, str, str | None]:
    """(operation, namespace, phone_number_id) of a request line.

    Both namespaces share their paths, so the first path segment (kept by botocore
    from endpoint_url) tells them apart. An unknown route yields a pseudo operation
    name that the backend answers with 404.
    """
    split = urlsplit(target)
    _, _, rest = split.path.partition("/")
    namespace, _, path = rest.partition("/")
    segments = path.split("/")
    if segments[0] == "phone-numbers":
        if len(segments) == 2 and segments[1]:
            # The id is percent-encoded on the wire: %2B12065550100.
            phone_number_id = unquote(segments[1])
            if method == "GET":
                return GET_PHONE_NUMBER, namespace, phone_number_id
            if method == "POST":
                return UPDATE_PHONE_NUMBER, namespace, phone_number_id
        if len(segments) == 1 and method == "GET":
            return LIST_PHONE_NUMBERS, namespace, None
        if (
            len(segments) == 1
            and method == "POST"
            and parse_qs(split.query).get("operation") == ["batch-update"]
        ):
            return BATCH_UPDATE_PHONE_NUMBER, namespace, None
    return f"{method} {split.path}", namespace, None


class _Handler(QuietHandler):
    server: TrackingHTTPServer[ChimeBackend]

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        raw = self.read_body()
        body: Any = {}
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        operation, namespace, phone_number_id = route(self.command, self.path)
        reply = self.server.owner.dispatch(
            operation,
            namespace,
            phone_number_id,
            body if isinstance(body, dict) else {},
            sigv4_region(self.headers.get("Authorization")),
            malformed_body=not isinstance(body, dict),
            query={
                name: values[-1]
                for name, values in parse_qs(
                    urlsplit(self.path).query, keep_blank_values=True
                ).items()
            },
        )
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        if reply.hang:
            self.server.owner.wait_released(HANG_LIMIT_SECONDS)
        if reply.drop or reply.hang:
            self.drop_connection()
            return
        payload = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if reply.error_code is not None:
            self.send_header("x-amzn-ErrorType", reply.error_code)
        self.end_headers()
        self.wfile.write(payload)


class FakeChimeServer(LocalServer):
    """Serves a ChimeBackend on 127.0.0.1 (random port) for real boto3 clients."""

    thread_name = "fake-chime"

    def __init__(self, backend: ChimeBackend) -> None:
        super().__init__()
        self.backend = backend

    def make_server(self) -> TrackingHTTPServer[ChimeBackend]:
        return TrackingHTTPServer(_Handler, self.backend)

    def stop(self) -> None:
        self.backend.release_hung()
        super().stop()

    def endpoint_url(self, namespace: str) -> str:
        """The endpoint_url for boto3.client(namespace): the namespace is a path prefix."""
        if namespace not in NAMESPACES:
            raise ValueError(f"unknown namespace {namespace!r}; expected one of {NAMESPACES}")
        return f"http://127.0.0.1:{self.port}/{namespace}"
