"""Thin REST-JSON HTTP layer over ChimeBackend: routing, SigV4 region, wire-format errors."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.fake_chime.backend import (
    BATCH_UPDATE_PHONE_NUMBER,
    GET_PHONE_NUMBER,
    NAMESPACES,
    UPDATE_PHONE_NUMBER,
    ChimeBackend,
    Reply,
)

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
        if (
            len(segments) == 1
            and method == "POST"
            and parse_qs(split.query).get("operation") == ["batch-update"]
        ):
            return BATCH_UPDATE_PHONE_NUMBER, namespace, None
    return f"{method} {split.path}", namespace, None


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps boto3's pooled connections alive; every reply sets Content-Length.
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        # Read the whole body first so the connection stays usable whatever we answer.
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: Any = {}
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        operation, namespace, phone_number_id = route(self.command, self.path)
        reply = self.server.backend.dispatch(
            operation,
            namespace,
            phone_number_id,
            body if isinstance(body, dict) else {},
            sigv4_region(self.headers.get("Authorization")),
            malformed_body=not isinstance(body, dict),
        )
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
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


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, backend: ChimeBackend) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.backend = backend
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        # Tracked so stop() can close idle keep-alive connections of pooled clients.
        with self._open_lock:
            self._open.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def close_open_connections(self) -> None:
        with self._open_lock:
            open_now = list(self._open)
        for sock in open_now:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class FakeChimeServer:
    """Serves a ChimeBackend on 127.0.0.1 (random port) for real boto3 clients."""

    def __init__(self, backend: ChimeBackend) -> None:
        self.backend = backend
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("server not started")
        return int(self._server.server_address[1])

    def endpoint_url(self, namespace: str) -> str:
        """The endpoint_url for boto3.client(namespace): the namespace is a path prefix."""
        if namespace not in NAMESPACES:
            raise ValueError(f"unknown namespace {namespace!r}; expected one of {NAMESPACES}")
        return f"http://127.0.0.1:{self.port}/{namespace}"

    def start(self) -> FakeChimeServer:
        if self._server is not None:
            return self
        self._server = _Server(self.backend)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-chime",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_open_connections()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeChimeServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
