"""Talk to Chime: GetPhoneNumber and UpdatePhoneNumber with our own retries.

botocore's own retries are switched off (``standard`` mode does not retry Chime's
ThrottledClientException), so every transient failure is retried here, within the
invocation's deadline. One log line per call; never a CallingName or Name value.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any

import boto3
import botocore.exceptions
from botocore.config import Config

from phone_number_settings_handler.errors import (
    ChimeApiError,
    ChimeUnavailableError,
    PhoneNumberNotFoundError,
)
from phone_number_settings_handler.model import LivePhoneNumber
from phone_number_settings_handler.retry import (
    Backoff,
    Deadline,
    RetriesExhausted,
    call_with_retries,
)
from phone_number_settings_handler.rules import SENSITIVE_DETAILS, Namespace

logger = logging.getLogger(__name__)

# One attempt per botocore call: the retry loop below owns retries, whatever
# AWS_RETRY_MODE or AWS_MAX_ATTEMPTS say. Short timeouts keep a hung connection from
# eating the invocation's budget.
CLIENT_CONFIG = Config(
    retries={"total_max_attempts": 1, "mode": "standard"},
    connect_timeout=5,
    read_timeout=15,
    user_agent_extra="PhoneNumberSettings",
)
_SERVER_MESSAGE_CHARS = 120


class ChimeClients:
    """boto3 clients created once per container, one per (namespace, region)."""

    def __init__(
        self, session_factory: Callable[[], boto3.session.Session] = boto3.session.Session
    ) -> None:
        self._session_factory = session_factory
        self._session: boto3.session.Session | None = None
        self._clients: dict[tuple[Namespace, str], Any] = {}

    def client(self, namespace: Namespace, region: str) -> Any:
        key = (namespace, region)
        if key not in self._clients:
            if self._session is None:
                self._session = self._session_factory()
            if namespace is Namespace.CHIME:
                client: Any = self._session.client(
                    "chime", region_name=region, config=CLIENT_CONFIG
                )
            else:
                client = self._session.client(
                    "chime-sdk-voice", region_name=region, config=CLIENT_CONFIG
                )
            self._clients[key] = client
        return self._clients[key]


def transient_cause(error: Exception) -> str | None:
    """Why ``error`` is worth another attempt, or None if it is not."""
    if isinstance(error, botocore.exceptions.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code == "ThrottledClientException" or status == 429:
            return "throttled"
        if status >= 500:
            return "unavailable"
        return None
    if isinstance(error, botocore.exceptions.ConnectionError | botocore.exceptions.HTTPClientError):
        return "unreachable"
    return None


class ChimeGateway:
    """The lifecycle's PhoneNumberGateway over one boto3 client (one namespace, one region)."""

    def __init__(
        self,
        client: Any,
        *,
        namespace: Namespace,
        region: str,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        uniform: Callable[[], float] = random.random,
    ) -> None:
        self._client = client
        self._namespace = namespace
        self._region = region
        self._backoff = backoff or Backoff()
        self._sleep = sleep
        self._uniform = uniform

    def get(self, phone_number_id: str, deadline: Deadline) -> LivePhoneNumber:
        response = self._call(
            "GetPhoneNumber",
            phone_number_id,
            None,
            lambda: self._client.get_phone_number(PhoneNumberId=phone_number_id),
            deadline,
        )
        return LivePhoneNumber.from_api(response["PhoneNumber"])

    def update(
        self, phone_number_id: str, detail: str, value: str, deadline: Deadline
    ) -> LivePhoneNumber:
        arguments = {"PhoneNumberId": phone_number_id, detail: value}
        response = self._call(
            "UpdatePhoneNumber",
            phone_number_id,
            detail,
            lambda: self._client.update_phone_number(**arguments),
            deadline,
        )
        return LivePhoneNumber.from_api(response["PhoneNumber"])

    def _call(
        self,
        operation: str,
        phone_number_id: str,
        detail: str | None,
        call: Callable[[], Any],
        deadline: Deadline,
    ) -> Any:
        what = f"{operation} {detail}" if detail else operation
        attempts = 0

        def counted() -> Any:
            nonlocal attempts
            attempts += 1
            return call()

        outcome = "ok"
        try:
            return call_with_retries(
                counted,
                transient_cause=transient_cause,
                deadline=deadline,
                backoff=self._backoff,
                sleep=self._sleep,
                uniform=self._uniform,
            ).value
        except RetriesExhausted as exhausted:
            outcome = f"gave up ({exhausted.cause})"
            raise ChimeUnavailableError(
                f"{what} on {phone_number_id}", exhausted.cause, exhausted.attempts
            ) from None
        except botocore.exceptions.ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", "Unknown"))
            outcome = code
            if code == "NotFoundException":
                raise PhoneNumberNotFoundError(phone_number_id, str(self._namespace)) from None
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
            server_message = "" if detail in SENSITIVE_DETAILS else _server_message(error)
            raise ChimeApiError(
                operation,
                code,
                f"{what} on {phone_number_id} failed: {code} (HTTP {status}){server_message}",
            ) from None
        except botocore.exceptions.BotoCoreError as error:
            outcome = type(error).__name__
            raise ChimeApiError(
                operation, outcome, f"{what} on {phone_number_id} failed: {outcome}"
            ) from None
        finally:
            logger.info(
                "%s %s (%s %s): %s, attempts=%d",
                what,
                phone_number_id,
                self._namespace,
                self._region,
                outcome,
                attempts,
                extra={
                    "operation": operation,
                    "phone_number_id": phone_number_id,
                    "detail": detail,
                    "outcome": outcome,
                    "attempts": attempts,
                },
            )


def _server_message(error: botocore.exceptions.ClientError) -> str:
    # Only for details that are not sensitive: the service may quote the value it refused.
    message = str(error.response.get("Error", {}).get("Message", "")).strip()
    return f": {message[:_SERVER_MESSAGE_CHARS]}" if message else ""
