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

from phone_number_settings_core.errors import ChimeApiError
from phone_number_settings_core.model import LivePhoneNumber
from phone_number_settings_core.rules import Namespace
from phone_number_settings_lambda.chime import ChimeClients, ChimeGateway
from phone_number_settings_lambda.retry import Deadline, Timing

PLAN_BUDGET: Final = "within the plan's time budget (--timeout)"
ADOPT_BUDGET: Final = "within adopt's time budget (--timeout)"


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
        budget: str = PLAN_BUDGET,
    ) -> None:
        self._clients = clients or ChimeClients()
        self._timing = timing or Timing()
        self._budget = budget
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
                        f"no {namespace} client for region {region}: {type(error).__name__}",
                    ) from None
                self._gateways[key] = ReadOnlyGateway(
                    ChimeGateway(
                        client,
                        namespace=namespace,
                        region=region,
                        budget=self._budget,
                        timing=self._timing,
                    )
                )
            return self._gateways[key]


def configured_region(
    session_factory: Callable[[], boto3.session.Session] = boto3.session.Session,
) -> str:
    """The region of the standard AWS configuration (AWS_REGION, AWS_DEFAULT_REGION,
    profile), or "" when none is set."""
    return os.environ.get("AWS_REGION") or session_factory().region_name or ""
