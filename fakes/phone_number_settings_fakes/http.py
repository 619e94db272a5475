"""Start-up and shut-down of the local HTTP(S) servers the fakes are made of."""

from __future__ import annotations

import abc
import contextlib
import re
import socket
import ssl
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import trustme

Owner = TypeVar("Owner")
_CREDENTIAL_RE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/[^/,\s]+/aws4_request")


def signing_region(authorization: str | None) -> str | None:
    """The Region of a SigV4 Authorization header's credential scope, or None."""
    match = _CREDENTIAL_RE.search(authorization or "")
    return match.group(1) if match else None


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 (keep-alive: every reply sets Content-Length), no access log on stderr."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def read_body(self) -> bytes:
        """The whole request body, read first so the connection stays usable."""
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def drop_connection(self) -> None:
        """Close the socket without any answer, as a failing network would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class TrackingHTTPServer(ThreadingHTTPServer, Generic[Owner]):
    """A threading server on 127.0.0.1, random port, that can close its open connections.

    ``owner`` is what its request handlers serve (``self.server.owner``).
    """

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], owner: Owner) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.owner = owner
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        # Tracked so that stop() can close idle keep-alive connections of pooled clients.
        with self._open_lock:
            self._open.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A killed or impatient client resets its connection: expected, not worth a trace.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)

    def close_open_connections(self) -> None:
        with self._open_lock:
            open_now = list(self._open)
        for sock in open_now:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class LocalTrust:
    """A throw-away certificate authority and its 127.0.0.1 leaf, for HTTPS fakes.

    ``ca_path`` is the PEM file a client trusts (``SSL_CERT_FILE``); fakes that share one
    ``LocalTrust`` are all trusted through that one file.
    """

    def __init__(self) -> None:
        self._ca = trustme.CA()
        self._leaf = self._ca.issue_cert("127.0.0.1", "localhost")
        self._tmpdir = tempfile.TemporaryDirectory(prefix="fake-ca-")
        self._ca_path = Path(self._tmpdir.name) / "ca.pem"
        self._ca.cert_pem.write_to_path(str(self._ca_path))

    @property
    def ca_path(self) -> str:
        return str(self._ca_path)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._leaf.configure_cert(context)
        return context

    def close(self) -> None:
        """Delete the CA file."""
        self._tmpdir.cleanup()


class TlsHTTPServer(TrackingHTTPServer[Owner]):
    """A TrackingHTTPServer whose connections speak TLS with ``context``.

    The handshake happens in the worker thread: a stuck client cannot block accept().
    """

    def __init__(
        self, handler: type[BaseHTTPRequestHandler], owner: Owner, context: ssl.SSLContext
    ) -> None:
        super().__init__(handler, owner)
        self.context = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            tls.close()


class LocalServer(abc.ABC):
    """Serves ``make_server()``'s server from a daemon thread; a context manager."""

    thread_name = "local-server"

    def __init__(self) -> None:
        self._server: TrackingHTTPServer[Any] | None = None
        self._thread: threading.Thread | None = None

    @abc.abstractmethod
    def make_server(self) -> TrackingHTTPServer[Any]:
        """Builds the server bound to port 0; each fake says what it serves."""

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{self.thread_name} not started")
        return int(self._server.server_address[1])

    def start(self) -> Self:
        if self._server is None:
            self._server = self.make_server()
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=self.thread_name,
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

    def close(self) -> None:
        """Stop, and release whatever else the server holds."""
        self.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
