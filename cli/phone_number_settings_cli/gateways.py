"""Read-only access to Chime through the Lambda's ChimeClients and ChimeGateway.

Only ``get`` and ``list_phone_numbers`` are exposed, so neither plan nor adopt can call
UpdatePhoneNumber. Credentials, region
and endpoints (``AWS_ENDPOINT_URL_CHIME*``) come from the standard AWS configuration.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Final

import boto3
import botocore.exceptions

from phone_number_settings_chime.deadline import Deadline, Timing
from phone_number_settings_chime.gateway import ChimeClients, ChimeGateway, plain_words
from phone_number_settings_chime.retry import UNREACHABLE, AttemptLimits
from phone_number_settings_core.errors import ChimeApiError
from phone_number_settings_core.model import LivePhoneNumber
from phone_number_settings_core.rules import Namespace

PLAN_DEADLINE_PURPOSE: Final = "within the plan's time budget (--timeout)"
# The plan waits a few seconds for one answer and tries an unreachable endpoint three
# times: a wrong endpoint or no network is reported within seconds. Throttling is
# retried for as long as --timeout allows.
PLAN_LIMITS: Final = AttemptLimits(seconds=3.0, unreachable_attempts=3)
# While Chime keeps the plan waiting, one line on stderr at most this often.
NOTICE_EVERY_SECONDS: Final = 10.0


class WaitNotices:
    """Tells the person running the plan, now and then, why it is waiting."""

    def __init__(self, notice: Callable[[str], None], clock: Callable[[], float]) -> None:
        self._notice = notice
        self._clock = clock
        self._lock = threading.Lock()
        self._last: float | None = None

    def __call__(self, cause: str, pause: float) -> None:
        with self._lock:
            now = self._clock()
            if self._last is not None and now - self._last < NOTICE_EVERY_SECONDS:
                return
            self._last = now
        words = "cannot reach Chime" if cause == UNREACHABLE else f"Chime {cause}"
        self._notice(f"{words}; retrying (the plan waits up to its --timeout)")


ADOPT_DEADLINE_PURPOSE: Final = "within adopt's time budget (--timeout)"


class ReadOnlyGateway:
    """GetPhoneNumber and ListPhoneNumbers, with the handler's throttling retries; no write."""

    def __init__(self, gateway: ChimeGateway) -> None:
        self._gateway = gateway

    def get(self, phone_number_id: str, deadline: Deadline) -> LivePhoneNumber:
        return self._gateway.get(phone_number_id, deadline)

    def list_phone_numbers(
        self, deadline: Deadline, *, product_type: str | None = None
    ) -> tuple[LivePhoneNumber, ...]:
        return self._gateway.list_phone_numbers(deadline, product_type=product_type)


class ReadOnlyGateways:
    """A ReaderFactory: one gateway per (namespace, region), safe to share between threads.

    boto3 clients may be used from many threads, but creating them (``ChimeClients``,
    a boto3 Session) may not: that happens under a lock.
    """

    def __init__(
        self,
        clients: ChimeClients | None = None,
        *,
        timing: Timing | None = None,
        notice: Callable[[str], None] = lambda line: None,
        deadline_purpose: str = PLAN_DEADLINE_PURPOSE,
    ) -> None:
        self._clients = clients or ChimeClients()
        self._timing = timing or Timing()
        self._waits = WaitNotices(notice, self._timing.clock)
        self._deadline_purpose = deadline_purpose
        self._lock = threading.Lock()
        self._gateways: dict[tuple[Namespace, str], ReadOnlyGateway] = {}

    def __call__(self, namespace: Namespace, region: str) -> ReadOnlyGateway:
        with self._lock:
            key = (namespace, region)
            if key not in self._gateways:
                try:
                    client = self._clients.client(namespace, region)
                except botocore.exceptions.BotoCoreError as error:  # e.g. a malformed region
                    raise ChimeApiError(
                        "GetPhoneNumber",
                        type(error).__name__,
                        f"no {namespace} client for region {region}: {plain_words(error)}",
                    ) from None
                self._gateways[key] = ReadOnlyGateway(
                    ChimeGateway(
                        client,
                        namespace=namespace,
                        region=region,
                        deadline_purpose=self._deadline_purpose,
                        limits=PLAN_LIMITS,
                        timing=self._timing,
                        on_retry=self._waits,
                    )
                )
            return self._gateways[key]


def configured_region(
    session_factory: Callable[[], boto3.session.Session] = boto3.session.Session,
) -> str:
    """The region of the standard AWS configuration (AWS_REGION, AWS_DEFAULT_REGION,
    profile), or "" when none is set."""
    return os.environ.get("AWS_REGION") or session_factory().region_name or ""
