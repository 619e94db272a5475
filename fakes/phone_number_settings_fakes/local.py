"""``phone-number-settings-local``: the local Chime stand-in, for trying plan and adopt.

Starts the fake Chime service over HTTPS on 127.0.0.1 (a throwaway certificate authority
written to a temporary folder), seeds a few numbers, prints the ``export`` lines that point
the AWS SDK at it, then serves until interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import argparse
import signal
import ssl
import sys
import tempfile
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import FrameType
from typing import Any, Final, TextIO, cast

import trustme

from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer
from phone_number_settings_fakes.http import TlsHTTPServer, TrackingHTTPServer

# Any signing Region the fake accepts; plan and adopt read it from the environment.
LOCAL_REGION: Final = "us-west-2"
# The fake checks no signature; the SDK only needs credentials to sign with.
LOCAL_CREDENTIALS: Final = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}
ENDPOINT_VARIABLES: Final = {
    "AWS_ENDPOINT_URL_CHIME_SDK_VOICE": "chime-sdk-voice",
    "AWS_ENDPOINT_URL_CHIME": "chime",
}


def seed_numbers(backend: ChimeBackend) -> tuple[str, ...]:
    """A small team's numbers, set by hand: what ``adopt`` would meet in an account."""
    backend.seed_number(
        "+12065550100",
        product_type="SipMediaApplicationDialIn",
        name="Support line",
        calling_name="Acme Support",
        status="Assigned",
    )
    backend.seed_number(
        "+12065550101",
        product_type="VoiceConnector",
        calling_name="Acme Sales",
        calling_name_status="UpdateInProgress",
        status="Assigned",
    )
    backend.seed_number("+12065550102", product_type="VoiceConnector", name="Spring campaign")
    return ("+12065550100", "+12065550101", "+12065550102")


class LocalChime(FakeChimeServer):
    """The fake Chime service over HTTPS, its CA certificate in ``ca_path``."""

    thread_name = "local-chime"

    def __init__(self, backend: ChimeBackend, folder: Path) -> None:
        super().__init__(backend)
        self._ca = trustme.CA()
        self._leaf = self._ca.issue_cert("127.0.0.1", "localhost")
        self.ca_path = folder / "local-chime-ca.pem"
        self._ca.cert_pem.write_to_path(str(self.ca_path))

    def make_server(self) -> TrackingHTTPServer[Any]:
        plain = super().make_server()
        # Same handler and owner; only the socket layer differs.
        plain.server_close()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._leaf.configure_cert(context)
        return TlsHTTPServer(
            cast(type[BaseHTTPRequestHandler], plain.RequestHandlerClass), plain.owner, context
        )

    def https_endpoint_url(self, namespace: str) -> str:
        return self.endpoint_url(namespace).replace("http://", "https://", 1)


def environment(server: LocalChime) -> dict[str, str]:
    """The variables that send boto3 (and so plan and adopt) to the local stand-in."""
    return {
        **{
            variable: server.https_endpoint_url(namespace)
            for variable, namespace in ENDPOINT_VARIABLES.items()
        },
        "AWS_CA_BUNDLE": str(server.ca_path),
        **LOCAL_CREDENTIALS,
        "AWS_REGION": LOCAL_REGION,
    }


def serve(stop: threading.Event, out: TextIO) -> None:
    """Start, print the export lines, wait for ``stop``, shut down and remove the CA."""
    with (
        tempfile.TemporaryDirectory(prefix="phone-number-settings-local-") as folder,
        LocalChime(ChimeBackend(), Path(folder)) as server,
    ):
        numbers = seed_numbers(server.backend)
        print("# Local Chime stand-in (HTTPS on 127.0.0.1). Paste into another shell:", file=out)
        for variable, value in environment(server).items():
            print(f"export {variable}={value}", file=out)
        print(f"# Seeded: {', '.join(numbers)}. Ctrl-C stops it.", file=out, flush=True)
        stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point ``phone-number-settings-local``."""
    argparse.ArgumentParser(prog="phone-number-settings-local", description=__doc__).parse_args(
        argv
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    serve(stop, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
