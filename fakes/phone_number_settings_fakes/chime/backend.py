"""In-memory state and rules of the Chime phone-number APIs (legacy and voice namespaces)."""

from __future__ import annotations

import base64
import binascii
import functools
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import botocore.session
from botocore.model import StringShape

LEGACY = "chime"
VOICE = "chime-sdk-voice"
NAMESPACES = (LEGACY, VOICE)

GET_PHONE_NUMBER = "GetPhoneNumber"
UPDATE_PHONE_NUMBER = "UpdatePhoneNumber"
BATCH_UPDATE_PHONE_NUMBER = "BatchUpdatePhoneNumber"
LIST_PHONE_NUMBERS = "ListPhoneNumbers"

ACCOUNT_ID = "123456789012"
ARN_REGION = "us-east-1"

PRODUCT_TYPES: dict[str, tuple[str, ...]] = {
    LEGACY: ("BusinessCalling", "VoiceConnector", "SipMediaApplicationDialIn"),
    VOICE: ("VoiceConnector", "SipMediaApplicationDialIn"),
}
UPDATABLE_DETAILS: dict[str, tuple[str, ...]] = {
    LEGACY: ("CallingName", "ProductType"),
    VOICE: ("CallingName", "Name", "ProductType"),
}

CALLING_NAME_PATTERN = r"^$|^[a-zA-Z0-9 ]{2,15}$"
NAME_PATTERN = r"^$|^[a-zA-Z0-9\,\.\_\-]+(\s+[a-zA-Z0-9\,\.\_\-]+)*$"
NAME_MAX_LENGTH = 256
# The service reads the model's patterns as Smithy does: ECMA-262 regular expressions,
# whose \s is this class (WhiteSpace and LineTerminator), not Python's str.isspace().
ECMA_WHITESPACE = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"


def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled as an ECMA-262 engine reads it (for these patterns: its \\s)."""
    return re.compile(pattern.replace("\\s", ECMA_WHITESPACE))


# fullmatch, because `$` alone would also accept a trailing newline.
_CALLING_NAME_RE = ecma_pattern(CALLING_NAME_PATTERN)
_NAME_RE = ecma_pattern(NAME_PATTERN)

CALLING_NAME_STATUSES = ("Unassigned", "UpdateInProgress", "UpdateSucceeded", "UpdateFailed")

# Codes used when a test injects a bare status.
DEFAULT_ERROR_CODES: dict[int, str] = {
    400: "BadRequestException",
    401: "UnauthorizedClientException",
    403: "ForbiddenException",
    404: "NotFoundException",
    409: "ConflictException",
    410: "GoneException",
    422: "UnprocessableEntityException",
    429: "ThrottledClientException",
    500: "ServiceFailureException",
    503: "ServiceUnavailableException",
}

# BatchUpdatePhoneNumber reports per-item failures with the model's ErrorCode enum.
_BATCH_ERROR_CODES: dict[str, str] = {
    "BadRequestException": "BadRequest",
    "ConflictException": "Conflict",
    "ForbiddenException": "Forbidden",
    "NotFoundException": "NotFound",
    "ServiceFailureException": "ServiceFailure",
    "ServiceUnavailableException": "ServiceUnavailable",
    "ThrottledClientException": "Throttled",
    "UnauthorizedClientException": "Unauthorized",
}

# Status of a call record whose connection was closed without any response.
DROPPED = 0


class NumberKind(StrEnum):
    """What the rules of UpdatePhoneNumber care about in a number."""

    US_LOCAL = "US_LOCAL"
    US_TOLL_FREE = "US_TOLL_FREE"
    NON_US = "NON_US"


class ChimeError(Exception):
    """An error answer in the service's terms; the server turns it into the wire format."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CallRecord:
    """One request as the fake received it; `status` is DROPPED (0) for a dropped connection."""

    operation: str
    namespace: str
    phone_number_id: str | None
    body: dict[str, Any]
    region: str | None
    status: int
    error_code: str | None
    at: float
    # The query string (ListPhoneNumbers' filters and paging), one value per parameter.
    query: Mapping[str, str] = field(default_factory=dict)

    def as_tuple(self) -> tuple[str, str | None, dict[str, Any]]:
        """The (operation, id, body) triple tests compare call sequences with."""
        return (self.operation, self.phone_number_id, self.body)


@dataclass(frozen=True)
class Reply:
    """What the server must send back: a JSON body, nothing at all (``drop``), or nothing
    until the backend is reset or the server stops (``hang``)."""

    status: int
    body: dict[str, Any]
    error_code: str | None = None
    drop: bool = False
    hang: bool = False


@dataclass
class _Number:
    e164: str
    kind: NumberKind
    product_type: str | None
    calling_name: str | None
    calling_name_status: str
    # While UpdateInProgress: the clock reading at which it succeeds; None means never.
    calling_name_settles_at: float | None
    name: str | None
    status: str
    created: datetime
    updated: datetime
    # ListPhoneNumbers' filter-name/filter-value match these (e.g. VoiceConnectorId: abc).
    associations: dict[str, str] = field(default_factory=dict)


@dataclass
class _Fault:
    remaining: int
    operation: str | None
    status: int = 0
    code: str = ""
    detail: str | None = None

    def matches(self, operation: str, body: dict[str, Any] | None = None) -> bool:
        return (
            self.remaining > 0
            and self.operation in (None, operation)
            and (self.detail is None or self.detail in (body or {}))
        )


@dataclass
class _Bucket:
    rate: float
    burst: int
    tokens: float
    last: float


@dataclass
class _State:
    numbers: dict[str, _Number] = field(default_factory=dict)
    calls: list[CallRecord] = field(default_factory=list)
    calling_name_delay: float | None = 0.0
    bucket: _Bucket | None = None
    faults: list[_Fault] = field(default_factory=list)
    drops: list[_Fault] = field(default_factory=list)
    hangs: list[_Fault] = field(default_factory=list)
    empty_replies: list[_Fault] = field(default_factory=list)
    update_failures: list[_Fault] = field(default_factory=list)
    last_write: datetime | None = None


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _bad_request(message: str) -> ChimeError:
    return ChimeError(400, "BadRequestException", message)


@dataclass(frozen=True)
class ListModel:
    """ListPhoneNumbers' query parameters in one namespace, read from botocore's API model."""

    parameters: tuple[str, ...]  # the wire names: status, product-type, ...
    enums: dict[str, tuple[str, ...]]  # parameters whose model shape is an enum
    min_results: int
    max_results: int


@functools.cache
def list_phone_numbers_model(namespace: str) -> ListModel:
    service = botocore.session.get_session().get_service_model(namespace)
    shape = service.operation_model(LIST_PHONE_NUMBERS).input_shape
    assert shape is not None
    members = shape.members
    max_results = members["MaxResults"].metadata
    return ListModel(
        parameters=tuple(member.serialization["name"] for member in members.values()),
        enums={
            member.serialization["name"]: tuple(member.enum)
            for member in members.values()
            if isinstance(member, StringShape) and member.enum
        },
        min_results=int(max_results["min"]),
        max_results=int(max_results["max"]),
    )


# NextToken: opaque to clients; here the (base64) ID of the last number of the page.
def _token_after(e164: str) -> str:
    return base64.urlsafe_b64encode(e164.encode()).decode()


def _token_position(token: str) -> str:
    try:
        position = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        position = ""
    if not position.startswith("+"):
        raise _bad_request("Invalid next-token")
    return position


class ChimeBackend:
    """The phone-number inventory shared by both namespaces, with the service's rules.

    `dispatch` is the one entry point of the HTTP layer: it logs the request and applies
    drops, throttling and injected faults before the operation itself. The operation
    methods can also be called directly; those calls are not logged.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._state = _State()
        self._released = threading.Event()

    # ----- test controls -------------------------------------------------------------

    def reset(self) -> None:
        self.release_hung()
        with self._lock:
            self._state = _State()

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
        if calling_name_status is None:
            calling_name_status = "UpdateSucceeded" if calling_name else "Unassigned"
        self._check_calling_name_status(calling_name_status)
        with self._lock:
            now = self._write_time()
            self._state.numbers[e164] = _Number(
                e164=e164,
                kind=kind,
                product_type=product_type,
                calling_name=calling_name,
                calling_name_status=calling_name_status,
                calling_name_settles_at=None,
                name=name,
                status=status,
                created=now,
                updated=now,
                associations=dict(associations or {}),
            )

    def set_calling_name_delay(self, seconds: float | None) -> None:
        """How long an accepted CallingName update stays UpdateInProgress; None = forever."""
        if seconds is not None and seconds < 0:
            raise ValueError("delay must be >= 0 or None")
        with self._lock:
            self._state.calling_name_delay = seconds

    def force_calling_name_status(self, e164: str, status: str) -> None:
        """Pin CallingNameStatus (e.g. UpdateFailed); a forced UpdateInProgress never ends."""
        self._check_calling_name_status(status)
        with self._lock:
            number = self._state.numbers[e164]
            number.calling_name_status = status
            number.calling_name_settles_at = None

    def set_rate_limit(self, requests_per_second: float | None, burst: int = 1) -> None:
        """A token bucket shared by every operation and namespace; None = unlimited."""
        if requests_per_second is None:
            with self._lock:
                self._state.bucket = None
            return
        if requests_per_second < 0 or burst < 1:
            raise ValueError("requests_per_second must be >= 0 and burst >= 1")
        with self._lock:
            self._state.bucket = _Bucket(
                rate=requests_per_second, burst=burst, tokens=float(burst), last=self._clock()
            )

    def inject_faults(
        self, status: int, times: int, operation: str | None = None, code: str | None = None
    ) -> None:
        """Answer the next `times` matching requests with `status` (code from the status)."""
        resolved = code or DEFAULT_ERROR_CODES.get(status, "ServiceFailureException")
        with self._lock:
            self._state.faults.append(
                _Fault(remaining=times, operation=operation, status=status, code=resolved)
            )

    def drop_connections(self, times: int, operation: str | None = None) -> None:
        """Close the socket without answering the next `times` matching requests."""
        with self._lock:
            self._state.drops.append(_Fault(remaining=times, operation=operation))

    def hang(self, times: int, operation: str | None = None, detail: str | None = None) -> None:
        """Never answer the next ``times`` matching requests (``detail``: an update of it);
        they are held until ``release_hung`` (reset, or the server stopping)."""
        with self._lock:
            self._state.hangs.append(_Fault(remaining=times, operation=operation, detail=detail))

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
        with self._lock:
            self._state.empty_replies.append(
                _Fault(remaining=times, operation=operation, detail=detail)
            )

    def fail_update(self, detail: str, status: int, code: str, times: int = 1) -> None:
        """Fail the next `times` UpdatePhoneNumber calls that set `detail` (e.g. CallingName)."""
        with self._lock:
            self._state.update_failures.append(
                _Fault(
                    remaining=times,
                    operation=UPDATE_PHONE_NUMBER,
                    status=status,
                    code=code,
                    detail=detail,
                )
            )

    # ----- assertions ----------------------------------------------------------------

    def calls(self, operation: str | None = None) -> list[CallRecord]:
        with self._lock:
            return [c for c in self._state.calls if operation in (None, c.operation)]

    def update_calls(self) -> list[CallRecord]:
        return self.calls(UPDATE_PHONE_NUMBER)

    def number(self, e164: str) -> dict[str, Any]:
        """Current state in the voice namespace's shape; KeyError if unknown."""
        with self._lock:
            return self._view(self._state.numbers[e164], VOICE)

    # ----- HTTP entry point ----------------------------------------------------------

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
            reply = self._dispatch_locked(
                operation, namespace, phone_number_id, body, malformed_body, query=query
            )
            self._state.calls.append(
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

    def _dispatch_locked(
        self,
        operation: str,
        namespace: str,
        phone_number_id: str | None,
        body: dict[str, Any],
        malformed_body: bool,
        *,
        query: dict[str, str],
    ) -> Reply:
        # Order mirrors a real request's path: network, front door throttle, service.
        if self._consume(self._state.drops, operation) is not None:
            return Reply(status=DROPPED, body={}, drop=True)
        if self._consume(self._state.hangs, operation, body) is not None:
            return Reply(status=DROPPED, body={}, hang=True)
        try:
            self._throttle()
            fault = self._consume(self._state.faults, operation)
            if fault is not None:
                raise ChimeError(fault.status, fault.code, "Injected fault")
            if malformed_body:
                raise _bad_request("The request body is not a JSON object")
            result = self._run(operation, namespace, phone_number_id, body, query)
            if self._consume(self._state.empty_replies, operation, body) is not None:
                result = {}  # the API model makes PhoneNumber optional
        except ChimeError as error:
            return Reply(
                status=error.status,
                body={"Code": error.code, "Message": error.message},
                error_code=error.code,
            )
        return Reply(status=200, body=result)

    def _run(
        self,
        operation: str,
        namespace: str,
        phone_number_id: str | None,
        body: dict[str, Any],
        query: dict[str, str],
    ) -> dict[str, Any]:
        if namespace not in NAMESPACES:
            raise ChimeError(404, "NotFoundException", f"Unknown namespace {namespace}")
        if operation == LIST_PHONE_NUMBERS:
            return self._list(namespace, query)
        if operation == GET_PHONE_NUMBER and phone_number_id is not None:
            return self._get(namespace, phone_number_id)
        if operation == UPDATE_PHONE_NUMBER and phone_number_id is not None:
            for failure in self._state.update_failures:
                if failure.matches(operation, body):
                    failure.remaining -= 1
                    raise ChimeError(failure.status, failure.code, "Injected update failure")
            return self._update(namespace, phone_number_id, body)
        if operation == BATCH_UPDATE_PHONE_NUMBER:
            items = body.get("UpdatePhoneNumberRequestItems")
            if set(body) != {"UpdatePhoneNumberRequestItems"} or not isinstance(items, list):
                raise _bad_request("UpdatePhoneNumberRequestItems must be the only field")
            return self._batch_update(namespace, items)
        raise ChimeError(404, "NotFoundException", f"Unknown operation {operation}")

    # ----- operations ----------------------------------------------------------------

    def get_phone_number(self, namespace: str, phone_number_id: str) -> dict[str, Any]:
        with self._lock:
            return self._get(namespace, phone_number_id)

    def update_phone_number(
        self, namespace: str, phone_number_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        with self._lock:
            return self._update(namespace, phone_number_id, body)

    def batch_update_phone_number(
        self, namespace: str, items: list[dict[str, Any]]
    ) -> dict[str, Any]:
        with self._lock:
            return self._batch_update(namespace, list(items))

    def list_phone_numbers(
        self, namespace: str, query: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """ListPhoneNumbers with the wire's query parameters (``product-type``, ...)."""
        with self._lock:
            return self._list(namespace, dict(query or {}))

    def _list(self, namespace: str, query: dict[str, str]) -> dict[str, Any]:
        """Filters and paging as the API model has them; numbers in ID order."""
        model = list_phone_numbers_model(namespace)
        unknown = sorted(set(query) - set(model.parameters))
        if unknown:
            raise _bad_request(f"Unknown query parameter(s): {', '.join(unknown)}")
        for parameter, allowed in model.enums.items():
            if parameter in query and query[parameter] not in allowed:
                raise _bad_request(
                    f"Invalid {parameter} {query[parameter]}; valid values: {', '.join(allowed)}"
                )
        if ("filter-name" in query) != ("filter-value" in query):
            raise _bad_request("filter-name and filter-value must be given together")
        page_size = model.max_results
        if "max-results" in query:
            text = query["max-results"]
            if not text.isdigit() or not model.min_results <= int(text) <= model.max_results:
                raise _bad_request(
                    f"max-results must be from {model.min_results} to {model.max_results}"
                )
            page_size = int(text)
        after = _token_position(query["next-token"]) if "next-token" in query else None

        def wanted(number: _Number) -> bool:
            return (
                query.get("product-type", number.product_type) == number.product_type
                and query.get("status", number.status) == number.status
                and (
                    "filter-name" not in query
                    or number.associations.get(query["filter-name"]) == query["filter-value"]
                )
            )

        matching = [
            number
            for e164, number in sorted(self._state.numbers.items())
            if (after is None or e164 > after) and wanted(number)
        ]
        page = matching[:page_size]
        result: dict[str, Any] = {"PhoneNumbers": [self._view(n, namespace) for n in page]}
        if len(matching) > page_size:
            result["NextToken"] = _token_after(page[-1].e164)
        return result

    def _get(self, namespace: str, phone_number_id: str) -> dict[str, Any]:
        return {"PhoneNumber": self._view(self._find(phone_number_id), namespace)}

    def _update(self, namespace: str, phone_number_id: str, body: dict[str, Any]) -> dict[str, Any]:
        detail, value = self._validate_update(namespace, body)
        number = self._find(phone_number_id)
        self._check_number_rules(number, detail, value)
        if detail == "CallingName":
            self._settle(number)
            if number.calling_name_status == "UpdateInProgress":
                raise ChimeError(
                    409,
                    "ConflictException",
                    "A calling name update is already in progress for this phone number",
                )
            if value:
                number.calling_name = value
                number.calling_name_status = "UpdateInProgress"
                delay = self._state.calling_name_delay
                number.calling_name_settles_at = None if delay is None else self._clock() + delay
            else:
                number.calling_name = None
                number.calling_name_status = "Unassigned"
                number.calling_name_settles_at = None
        elif detail == "Name":
            number.name = value or None
        else:
            number.product_type = value
        number.updated = self._write_time()
        return {"PhoneNumber": self._view(number, namespace)}

    def _batch_update(self, namespace: str, items: list[Any]) -> dict[str, Any]:
        errors: list[dict[str, str]] = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("PhoneNumberId"), str):
                raise _bad_request("Every item needs a PhoneNumberId")
            phone_number_id = item["PhoneNumberId"]
            rest = {k: v for k, v in item.items() if k != "PhoneNumberId"}
            try:
                self._update(namespace, phone_number_id, rest)
            except ChimeError as error:
                errors.append(
                    {
                        "PhoneNumberId": phone_number_id,
                        "ErrorCode": _BATCH_ERROR_CODES.get(error.code, "ServiceFailure"),
                        "ErrorMessage": error.message,
                    }
                )
        return {"PhoneNumberErrors": errors}

    # ----- rules ---------------------------------------------------------------------

    @staticmethod
    def _validate_update(namespace: str, body: dict[str, Any]) -> tuple[str, str]:
        """The input checks that need no state; returns the one (detail, value)."""
        allowed = UPDATABLE_DETAILS[namespace]
        unknown = sorted(set(body) - set(allowed))
        if unknown:
            raise _bad_request(f"Unknown field(s) in request: {', '.join(unknown)}")
        if len(body) != 1:
            raise _bad_request(
                f"Exactly one of {', '.join(allowed)} must be set per call, got {len(body)}"
            )
        ((detail, value),) = body.items()
        if not isinstance(value, str):
            raise _bad_request(f"{detail} must be a string")
        # CallingName and Name are sensitive in the model, so messages never echo them.
        if detail == "CallingName" and not _CALLING_NAME_RE.fullmatch(value):
            raise _bad_request(f"CallingName must match pattern {CALLING_NAME_PATTERN}")
        if detail == "Name":
            if len(value) > NAME_MAX_LENGTH:
                raise _bad_request(f"Name must be at most {NAME_MAX_LENGTH} characters")
            if not _NAME_RE.fullmatch(value):
                raise _bad_request(f"Name must match pattern {NAME_PATTERN}")
        if detail == "ProductType" and value not in PRODUCT_TYPES[namespace]:
            raise _bad_request(
                f"Invalid ProductType {value}; valid values: {', '.join(PRODUCT_TYPES[namespace])}"
            )
        return detail, value

    @staticmethod
    def _check_number_rules(number: _Number, detail: str, value: str) -> None:
        if number.kind is NumberKind.US_TOLL_FREE:
            if detail == "CallingName" and value:
                raise _bad_request("Calling names are not supported for toll-free numbers")
            if detail == "ProductType" and value == "BusinessCalling":
                raise _bad_request("Toll-free numbers cannot use the BusinessCalling product type")
        if (
            number.kind is NumberKind.NON_US
            and detail == "ProductType"
            and value != "SipMediaApplicationDialIn"
        ):
            raise _bad_request(
                "Numbers outside the U.S. must use the SipMediaApplicationDialIn product type"
            )

    @staticmethod
    def _check_calling_name_status(status: str) -> None:
        if status not in CALLING_NAME_STATUSES:
            raise ValueError(f"unknown CallingNameStatus {status!r}")

    # ----- helpers (lock held) -------------------------------------------------------

    def _find(self, phone_number_id: str) -> _Number:
        number = self._state.numbers.get(phone_number_id)
        if number is None:
            raise ChimeError(404, "NotFoundException", f"Phone number {phone_number_id} not found")
        return number

    def _settle(self, number: _Number) -> None:
        # Lazy: a pending calling name succeeds once the clock passes its deadline.
        if (
            number.calling_name_status == "UpdateInProgress"
            and number.calling_name_settles_at is not None
            and self._clock() >= number.calling_name_settles_at
        ):
            number.calling_name_status = "UpdateSucceeded"
            number.calling_name_settles_at = None

    def _write_time(self) -> datetime:
        # Strictly increasing at the wire's millisecond precision, so every write shows.
        now = datetime.now(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        last = self._state.last_write
        if last is not None and now <= last:
            now = last + timedelta(milliseconds=1)
        self._state.last_write = now
        return now

    def _throttle(self) -> None:
        bucket = self._state.bucket
        if bucket is None:
            return
        now = self._clock()
        bucket.tokens = min(float(bucket.burst), bucket.tokens + (now - bucket.last) * bucket.rate)
        bucket.last = now
        if bucket.tokens < 1.0:
            raise ChimeError(429, "ThrottledClientException", "Rate exceeded")
        bucket.tokens -= 1.0

    @staticmethod
    def _consume(
        faults: list[_Fault], operation: str, body: dict[str, Any] | None = None
    ) -> _Fault | None:
        for fault in faults:
            if fault.matches(operation, body):
                fault.remaining -= 1
                return fault
        return None

    def _view(self, number: _Number, namespace: str) -> dict[str, Any]:
        self._settle(number)
        us = number.kind is not NumberKind.NON_US
        view: dict[str, Any] = {
            "PhoneNumberId": number.e164,
            "E164PhoneNumber": number.e164,
            "Country": "US" if us else "GB",
            "Type": "TollFree" if number.kind is NumberKind.US_TOLL_FREE else "Local",
            "ProductType": number.product_type,
            "Status": number.status,
            "Capabilities": {
                "InboundCall": True,
                "InboundMMS": True,
                "InboundSMS": True,
                "OutboundCall": True,
                "OutboundMMS": True,
                "OutboundSMS": True,
            },
            "Associations": [
                {"Name": name, "Value": value, "AssociatedTimestamp": _iso(number.created)}
                for name, value in sorted(number.associations.items())
            ],
            "CallingName": number.calling_name,
            "CallingNameStatus": number.calling_name_status,
            "CreatedTimestamp": _iso(number.created),
            "UpdatedTimestamp": _iso(number.updated),
        }
        if namespace == VOICE:
            view["PhoneNumberArn"] = (
                f"arn:aws:chime:{ARN_REGION}:{ACCOUNT_ID}:phone-number/{number.e164}"
            )
            view["Name"] = number.name
        return {k: v for k, v in view.items() if v is not None}
