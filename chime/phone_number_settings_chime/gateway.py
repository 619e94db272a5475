"""Talk to Chime: GetPhoneNumber, UpdatePhoneNumber, ListPhoneNumbers with our own retries.

botocore's own retries are switched off (its ``standard`` mode does not retry Chime's
ThrottledClientException), so every transient failure is retried here, within the
caller's deadline. Each attempt runs on a thread of its own and is waited for no longer
than the time left: a hung connection cannot hold the caller past its deadline. One log
line per call; never a CallingName or Name value.
"""

from __future__ import annotations

import functools
import itertools
import logging
import queue
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import boto3
import botocore.exceptions
from botocore.config import Config

from phone_number_settings_chime.deadline import Deadline, Timing
from phone_number_settings_chime.retry import (
    THROTTLED,
    UNREACHABLE,
    AttemptLimits,
    Pacing,
    RetriesExhausted,
    RetryPolicy,
    call_with_retries,
)
from phone_number_settings_core.errors import (
    ChimeApiError,
    ChimeUnavailableError,
    IncompleteReplyError,
    PhoneNumberNotFoundError,
)
from phone_number_settings_core.model import LivePhoneNumber
from phone_number_settings_core.rules import SENSITIVE_DETAILS, Namespace

if TYPE_CHECKING:
    from mypy_boto3_chime import ChimeClient
    from mypy_boto3_chime_sdk_voice import ChimeSDKVoiceClient

    PhoneNumberClient = ChimeClient | ChimeSDKVoiceClient

logger = logging.getLogger(__name__)
T = TypeVar("T")

# One attempt per botocore call: the retry loop below owns retries, whatever
# AWS_RETRY_MODE or AWS_MAX_ATTEMPTS say. botocore's own timeouts only end abandoned
# attempts in the background; the caller stops waiting at AttemptLimits.seconds.
CLIENT_CONFIG: Final = Config(
    retries={"total_max_attempts": 1, "mode": "standard"},
    connect_timeout=5,
    read_timeout=10,
    user_agent_extra="PhoneNumberSettings",
)
# Reading CloudFormation (the handler's story, plan's check of moves across stacks): one
# retry inside botocore (throttling, a dropped connection), each attempt short; the
# callers bound the whole read in time.
CLOUDFORMATION_CLIENT_CONFIG: Final = Config(
    retries={"total_max_attempts": 2, "mode": "standard"},
    connect_timeout=2,
    read_timeout=3,
    user_agent_extra="PhoneNumberSettings",
)
# The Lambda waits for one attempt at most this long (and never past its deadline), and
# keeps trying an unreachable Chime until the deadline: its stack is waiting for it.
LAMBDA_LIMITS: Final = AttemptLimits(seconds=10.0)
LAMBDA_DEADLINE_PURPOSE: Final = "to answer before the Lambda timeout. Retry the deployment later"
GET_PHONE_NUMBER: Final = "GetPhoneNumber"
UPDATE_PHONE_NUMBER: Final = "UpdatePhoneNumber"
LIST_PHONE_NUMBERS: Final = "ListPhoneNumbers"
# When a model gives MaxResults no maximum: a page size every namespace accepts.
LIST_PAGE_SIZE_FALLBACK: Final = 99
_SERVER_MESSAGE_CHARS: Final = 120

# What a person would call botocore's errors that are not Chime's answers.
_PLAIN_WORDS: Final[Mapping[type[Exception], str]] = {
    botocore.exceptions.NoCredentialsError: "no AWS credentials found",
    botocore.exceptions.PartialCredentialsError: "the AWS credentials are incomplete",
    botocore.exceptions.NoRegionError: "no AWS Region configured",
    botocore.exceptions.ConnectTimeoutError: "connecting timed out",
    botocore.exceptions.ReadTimeoutError: "no answer (read timed out)",
    botocore.exceptions.EndpointConnectionError: "could not connect",
    botocore.exceptions.ConnectionClosedError: "the connection closed without an answer",
    botocore.exceptions.SSLError: "the TLS handshake failed",
    botocore.exceptions.ProxyConnectionError: "could not connect to the proxy",
}


class AttemptTimedOut(Exception):  # noqa: N818 - reads as what happened
    """No answer came within the attempt's window."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"no answer within {seconds:.1f} s")


class ChimeClients:
    """boto3 clients created once per container, one per (namespace, region)."""

    def __init__(
        self, session_factory: Callable[[], boto3.session.Session] = boto3.session.Session
    ) -> None:
        self._session_factory = session_factory
        self._session: boto3.session.Session | None = None
        self._clients: dict[tuple[Namespace, str], PhoneNumberClient] = {}

    def client(self, namespace: Namespace, region: str) -> PhoneNumberClient:
        key = (namespace, region)
        if key not in self._clients:
            if self._session is None:
                self._session = self._session_factory()
            if namespace is Namespace.CHIME:
                client: PhoneNumberClient = self._session.client(
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
            return THROTTLED
        if status >= 500:
            return "unavailable"
        return None
    if isinstance(
        error,
        AttemptTimedOut | botocore.exceptions.ConnectionError | botocore.exceptions.HTTPClientError,
    ):
        return UNREACHABLE
    return None


def plain_words(error: Exception) -> str:
    """A short, value-free description of a botocore or attempt error."""
    if isinstance(error, AttemptTimedOut):
        return str(error)
    for kind, words in _PLAIN_WORDS.items():
        if isinstance(error, kind):
            return words
    return type(error).__name__


def bounded(call: Callable[[], T], seconds: float) -> T:
    """``call()`` on a thread of its own; AttemptTimedOut if it has not answered in time.

    An abandoned attempt ends in the background when botocore's own timeouts fire.
    """
    return Started(call).result(seconds)


class Started(Generic[T]):
    """``call()`` running on a daemon thread from now; ``result`` waits for it, bounded.

    A daemon thread, so that a call abandoned after its time never holds up the exit.
    """

    def __init__(self, call: Callable[[], T], name: str = "chime-attempt") -> None:
        self._outcome: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)
        self._taken: tuple[bool, Any] | None = None

        def run() -> None:
            try:
                self._outcome.put((True, call()))
            except BaseException as error:  # handed to the caller, never lost
                self._outcome.put((False, error))

        threading.Thread(target=run, name=name, daemon=True).start()

    def result(self, seconds: float) -> T:
        """The call's value (or its exception, raised); AttemptTimedOut after ``seconds``."""
        if self._taken is None:
            try:
                self._taken = self._outcome.get(timeout=max(0.0, seconds))
            except queue.Empty:
                raise AttemptTimedOut(seconds) from None
        ok, value = self._taken
        if not ok:
            raise value
        result: T = value
        return result


class ChimeGateway:
    """The lifecycle's PhoneNumberGateway over one boto3 client (one namespace, one region).

    ``deadline_purpose`` ends the message of ChimeUnavailableError: what the deadline was for.
    ``policy`` paces the retries; one per invocation, shared by its gateways.
    ``on_retry(cause, pause)`` hears of every wait between attempts.
    """

    def __init__(
        self,
        client: PhoneNumberClient,
        *,
        namespace: Namespace,
        region: str,
        deadline_purpose: str = LAMBDA_DEADLINE_PURPOSE,
        limits: AttemptLimits = LAMBDA_LIMITS,
        policy: Pacing | None = None,
        timing: Timing | None = None,
        on_retry: Callable[[str, float], None] | None = None,
    ) -> None:
        self._client = client
        self._namespace = namespace
        self._region = region
        self._deadline_purpose = deadline_purpose
        self._limits = limits
        self._timing = timing or Timing()
        self._policy: Pacing = policy or RetryPolicy(self._timing)
        self._on_retry = on_retry

    def get(self, phone_number_id: str, deadline: Deadline) -> LivePhoneNumber:
        response = self._call(
            GET_PHONE_NUMBER,
            phone_number_id,
            None,
            lambda: self._client.get_phone_number(PhoneNumberId=phone_number_id),
            deadline,
        )
        return self._live(GET_PHONE_NUMBER, phone_number_id, None, response)

    def update(
        self, phone_number_id: str, detail: str, value: str, deadline: Deadline
    ) -> LivePhoneNumber:
        arguments: dict[str, Any] = {"PhoneNumberId": phone_number_id, detail: value}
        response = self._call(
            UPDATE_PHONE_NUMBER,
            phone_number_id,
            detail,
            lambda: self._client.update_phone_number(**arguments),
            deadline,
        )
        return self._live(UPDATE_PHONE_NUMBER, phone_number_id, detail, response)

    def list_phone_numbers(
        self, deadline: Deadline, *, product_type: str | None = None
    ) -> tuple[LivePhoneNumber, ...]:
        """Every number ListPhoneNumbers reports, optionally of one product type.

        botocore has no paginator for ListPhoneNumbers in either namespace, so NextToken is
        followed here; each page is one call with the same retries and log line as the rest.
        """
        filters: dict[str, Any] = {"MaxResults": self._list_page_size()}
        if product_type is not None:
            filters["ProductType"] = product_type
        numbers: list[LivePhoneNumber] = []
        tokens_seen: set[str] = set()
        next_token: str | None = None
        for page in itertools.count(1):
            arguments = filters if next_token is None else {**filters, "NextToken": next_token}
            try:
                response: Mapping[str, Any] = self._call(
                    LIST_PHONE_NUMBERS,
                    f"page {page}",
                    None,
                    functools.partial(self._client.list_phone_numbers, **arguments),
                    deadline,
                )
            except PhoneNumberNotFoundError:
                raise ChimeApiError(
                    LIST_PHONE_NUMBERS,
                    "NotFoundException",
                    f"{LIST_PHONE_NUMBERS} on page {page} failed: NotFoundException (HTTP 404)",
                ) from None
            for item in response.get("PhoneNumbers") or ():
                reported_id = item.get("PhoneNumberId") or item.get("E164PhoneNumber") or ""
                numbers.append(LivePhoneNumber.from_api(item, phone_number_id=reported_id))
            next_token = response.get("NextToken") or None
            if next_token is None:
                break
            if next_token in tokens_seen:  # a service bug would otherwise loop forever
                raise ChimeApiError(
                    LIST_PHONE_NUMBERS,
                    "RepeatedNextToken",
                    f"{LIST_PHONE_NUMBERS} on page {page} returned a NextToken it had "
                    "returned before; stopped",
                )
            tokens_seen.add(next_token)
        return tuple(numbers)

    def _list_page_size(self) -> int:
        """The largest MaxResults the namespace's API model allows (100 voice, 99 legacy)."""
        operation = self._client.meta.service_model.operation_model(LIST_PHONE_NUMBERS)
        assert operation.input_shape is not None
        metadata = operation.input_shape.members["MaxResults"].metadata
        return int(metadata.get("max", LIST_PAGE_SIZE_FALLBACK))

    def _live(
        self, operation: str, phone_number_id: str, detail: str | None, response: Mapping[str, Any]
    ) -> LivePhoneNumber:
        # The API model makes PhoneNumber optional in both replies.
        phone_number = response.get("PhoneNumber")
        if not isinstance(phone_number, Mapping):
            what = f"{operation} {detail}" if detail else operation
            raise IncompleteReplyError(
                operation,
                "NoPhoneNumber",
                f"{what} on {phone_number_id}: Chime's reply holds no PhoneNumber",
            )
        return LivePhoneNumber.from_api(phone_number, phone_number_id=phone_number_id)

    def _call(
        self,
        operation: str,
        phone_number_id: str,
        detail: str | None,
        call: Callable[[], T],
        deadline: Deadline,
    ) -> T:
        what = f"{operation} {detail}" if detail else operation
        attempts = 0

        def attempt(seconds: float) -> T:
            nonlocal attempts
            attempts += 1
            return bounded(call, seconds)

        outcome = "ok"
        try:
            return call_with_retries(
                attempt,
                transient_cause=transient_cause,
                deadline=deadline,
                policy=self._policy,
                timing=self._timing,
                limits=self._limits,
                what=f"{what} {phone_number_id}",
                on_retry=self._on_retry,
            )
        except RetriesExhausted as exhausted:
            outcome = f"gave up ({exhausted.cause})"
            raise ChimeUnavailableError(
                self._gave_up(f"{what} on {phone_number_id}", exhausted),
                cause=exhausted.cause,
                attempts=exhausted.attempts,
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
                operation, outcome, f"{what} on {phone_number_id} failed: {plain_words(error)}"
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

    def _gave_up(self, call: str, exhausted: RetriesExhausted) -> str:
        if exhausted.attempts == 0:
            return f"{call}: not attempted, no time left {self._deadline_purpose}"
        tried = f"gave up after {exhausted.attempts} attempts {self._deadline_purpose}"
        if exhausted.cause == UNREACHABLE and exhausted.last_error is not None:
            endpoint = self._client.meta.endpoint_url
            reason = plain_words(exhausted.last_error)
            return f"{call}: cannot reach Chime at {endpoint} ({reason}); {tried}"
        return f"{call}: Chime {exhausted.cause}; {tried}"


def _server_message(error: botocore.exceptions.ClientError) -> str:
    # Only for details that are not sensitive: the service may quote the value it refused.
    message = str(error.response.get("Error", {}).get("Message", "")).strip()
    return f": {message[:_SERVER_MESSAGE_CHARS]}" if message else ""
