"""ChimeBackend: the service, the test controls and the call log behind one lock.

``dispatch`` is the one entry point of the wire layer: it logs the request and applies
drops, held connections, throttling and injected faults, in the order a real request
meets them, before the service's operation. The operation methods can also be called
directly; those calls are not logged.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from phone_number_settings_fakes.chime.call_log import DROPPED, CallRecord
from phone_number_settings_fakes.chime.controls import (
    DEFAULT_ERROR_CODES,
    Controls,
    Fault,
    TokenBucket,
    consume,
)
from phone_number_settings_fakes.chime.model import (
    CHIME_SDK_VOICE,
    UPDATE_PHONE_NUMBER,
    ChimeError,
    NumberKind,
    bad_request,
)
from phone_number_settings_fakes.chime.service import ChimeService, NumberSeed


@dataclass(frozen=True)
class Reply:
    """What the server must send back: a JSON body, nothing at all (``drop``), or nothing
    until the backend is reset or the server stops (``hang``)."""

    status: int
    body: dict[str, Any]
    error_code: str | None = None
    drop: bool = False
    hang: bool = False


class ChimeBackend:
    """The fake Chime: its inventory and rules, what tests control, and what it received."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._service = ChimeService(clock)
        self._controls = Controls()
        self._calls: list[CallRecord] = []
        self._released = threading.Event()

    # ----- the inventory -------------------------------------------------------------

    def reset(self) -> None:
        """Back to a fresh service: no numbers, no controls, no calls, default delays."""
        self.release_hung()
        with self._lock:
            self._service = ChimeService(self._clock)
            self._controls = Controls()
            self._calls = []

    def seed_number(
        self,
        e164: str,
        *,
        kind: NumberKind = NumberKind.US_LOCAL,
        product_type: str | None = "VoiceConnector",
        calling_name: str | None = None,
        calling_name_status: str | None = None,
        name: str | None = None,
        status: str = "Unassigned",
        associations: Mapping[str, str] | None = None,
    ) -> None:
        """Add (or replace) a number; CallingNameStatus defaults from `calling_name`."""
        seed = NumberSeed(
            e164=e164,
            kind=kind,
            product_type=product_type,
            calling_name=calling_name,
            calling_name_status=calling_name_status,
            name=name,
            status=status,
            associations=associations,
        )
        with self._lock:
            self._service.seed(seed)

    def set_calling_name_delay(self, seconds: float | None) -> None:
        """How long an accepted CallingName update stays UpdateInProgress; None = forever.

        By default it stays pending as long as the service documents (model.py's
        CALLING_NAME_SETTLE_SECONDS): a test that wants it applied says so with 0.
        """
        if seconds is not None and seconds < 0:
            raise ValueError("delay must be >= 0 or None")
        with self._lock:
            self._service.calling_name_delay = seconds

    def force_calling_name_status(self, e164: str, status: str) -> None:
        """Pin CallingNameStatus (e.g. UpdateFailed); a forced UpdateInProgress never ends."""
        with self._lock:
            self._service.force_calling_name_status(e164, status)

    def number(self, e164: str) -> dict[str, Any]:
        """Current state in the chime-sdk-voice namespace's shape; KeyError if unknown."""
        with self._lock:
            return self._service.view(e164, CHIME_SDK_VOICE)

    # ----- test controls -------------------------------------------------------------

    def set_rate_limit(self, requests_per_second: float | None, burst: int = 1) -> None:
        """A token bucket shared by every operation and namespace; None = unlimited."""
        if requests_per_second is not None and (requests_per_second < 0 or burst < 1):
            raise ValueError("requests_per_second must be >= 0 and burst >= 1")
        with self._lock:
            self._controls.bucket = (
                None
                if requests_per_second is None
                else TokenBucket(requests_per_second, burst, float(burst), self._clock())
            )

    def inject_faults(
        self, status: int, times: int, operation: str | None = None, code: str | None = None
    ) -> None:
        """Answer the next `times` matching requests with `status` (code from the status)."""
        resolved = code or DEFAULT_ERROR_CODES.get(status, "ServiceFailureException")
        self._add(self._controls.faults, Fault(times, operation, status, resolved))

    def drop_connections(self, times: int, operation: str | None = None) -> None:
        """Close the socket without answering the next `times` matching requests."""
        self._add(self._controls.drops, Fault(times, operation))

    def hang(self, times: int, operation: str | None = None, detail: str | None = None) -> None:
        """Never answer the next ``times`` matching requests (``detail``: an update of it);
        they are held until ``release_hung`` (reset, or the server stopping)."""
        self._add(self._controls.hangs, Fault(times, operation, detail=detail))

    def release_hung(self) -> None:
        """Let every held request go (its connection is then closed without an answer)."""
        self._released.set()
        self._released = threading.Event()

    def wait_released(self, timeout: float) -> None:
        self._released.wait(timeout)

    def omit_phone_number(
        self, times: int, operation: str | None = None, detail: str | None = None
    ) -> None:
        """Answer the next ``times`` matching requests, once done, with ``{}``: no PhoneNumber."""
        self._add(self._controls.empty_replies, Fault(times, operation, detail=detail))

    def fail_update(self, detail: str, status: int, code: str, times: int = 1) -> None:
        """Fail the next `times` UpdatePhoneNumber calls that set `detail` (e.g. CallingName)."""
        failure = Fault(times, UPDATE_PHONE_NUMBER, status, code, detail)
        self._add(self._controls.update_failures, failure)

    def _add(self, faults: list[Fault], fault: Fault) -> None:
        with self._lock:
            faults.append(fault)

    # ----- the call log --------------------------------------------------------------

    def calls(self, operation: str | None = None) -> list[CallRecord]:
        with self._lock:
            return [c for c in self._calls if operation in (None, c.operation)]

    def update_calls(self) -> list[CallRecord]:
        return self.calls(UPDATE_PHONE_NUMBER)

    # ----- the wire layer's entry point ----------------------------------------------

    def dispatch(
        self,
        operation: str,
        namespace: str,
        phone_number_id: str | None,
        body: dict[str, Any],
        region: str | None,
        *,
        malformed_body: bool = False,
        query: Mapping[str, str] | None = None,
    ) -> Reply:
        """Run one request end to end and log it, whatever the outcome."""
        query = dict(query or {})
        with self._lock:
            reply = self._reply(
                operation,
                namespace,
                phone_number_id,
                body,
                malformed_body=malformed_body,
                query=query,
            )
            self._calls.append(
                CallRecord(
                    operation=operation,
                    namespace=namespace,
                    phone_number_id=phone_number_id,
                    body=body,
                    region=region,
                    status=reply.status,
                    error_code=reply.error_code,
                    at=self._clock(),
                    query=query,
                )
            )
            return reply

    def _reply(
        self,
        operation: str,
        namespace: str,
        phone_number_id: str | None,
        body: dict[str, Any],
        *,
        malformed_body: bool,
        query: dict[str, str],
    ) -> Reply:
        controls = self._controls
        # Order mirrors a real request's path: network, front door throttle, service.
        if consume(controls.drops, operation) is not None:
            return Reply(status=DROPPED, body={}, drop=True)
        if consume(controls.hangs, operation, body) is not None:
            return Reply(status=DROPPED, body={}, hang=True)
        try:
            if controls.bucket is not None and not controls.bucket.take(self._clock()):
                raise ChimeError(429, "ThrottledClientException", "Rate exceeded")
            fault = consume(controls.faults, operation)
            if fault is not None:
                raise ChimeError(fault.status, fault.code, "Injected fault")
            if malformed_body:
                raise bad_request("The request body is not a JSON object")
            failure = consume(controls.update_failures, operation, body)
            if failure is not None:
                raise ChimeError(failure.status, failure.code, "Injected update failure")
            result = self._service.run(operation, namespace, phone_number_id, body, query)
            if consume(controls.empty_replies, operation, body) is not None:
                result = {}  # the API model makes PhoneNumber optional
        except ChimeError as error:
            return Reply(
                status=error.status,
                body={"Code": error.code, "Message": error.message},
                error_code=error.code,
            )
        return Reply(status=200, body=result)

    # ----- operations, called directly (not logged) ----------------------------------

    def get_phone_number(self, namespace: str, phone_number_id: str) -> dict[str, Any]:
        with self._lock:
            return self._service.get(namespace, phone_number_id)

    def update_phone_number(
        self, namespace: str, phone_number_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        with self._lock:
            return self._service.update(namespace, phone_number_id, body)

    def batch_update_phone_number(
        self, namespace: str, items: list[dict[str, Any]]
    ) -> dict[str, Any]:
        with self._lock:
            return self._service.batch_update(namespace, list(items))

    def list_phone_numbers(
        self, namespace: str, query: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """ListPhoneNumbers with the wire's query parameters (``product-type``, ...)."""
        with self._lock:
            return self._service.list_page(namespace, dict(query or {}))
