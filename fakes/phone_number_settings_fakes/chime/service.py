"""The phone-number inventory both namespaces share, and the operations that read and
change it. Not thread-safe: ChimeBackend holds its lock around every call."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from phone_number_settings_fakes.chime.listing import list_page
from phone_number_settings_fakes.chime.model import (
    BATCH_UPDATE_PHONE_NUMBER,
    CALLING_NAME_SETTLE_SECONDS,
    GET_PHONE_NUMBER,
    LIST_PHONE_NUMBERS,
    NAMESPACES,
    UPDATE_PHONE_NUMBER,
    ChimeError,
    NumberKind,
    PhoneNumber,
    bad_request,
    check_calling_name_status,
    not_found,
)
from phone_number_settings_fakes.chime.rules import check_number_rules, validate_update

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


@dataclass(frozen=True)
class NumberSeed:
    """A number as a test puts it in the inventory (see ChimeBackend.seed_number)."""

    e164: str
    kind: NumberKind = NumberKind.US_LOCAL
    product_type: str | None = "VoiceConnector"
    calling_name: str | None = None
    calling_name_status: str | None = None
    name: str | None = None
    status: str = "Unassigned"
    associations: Mapping[str, str] | None = None


class ChimeService:
    """The numbers and the operations on them, with the service's rules."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.numbers: dict[str, PhoneNumber] = {}
        # How long an accepted CallingName update stays UpdateInProgress; None = forever.
        self.calling_name_delay: float | None = CALLING_NAME_SETTLE_SECONDS
        self._last_write: datetime | None = None

    def seed(self, seed: NumberSeed) -> None:
        """Add (or replace) a number; CallingNameStatus defaults from its calling name."""
        status = seed.calling_name_status
        if status is None:
            status = "UpdateSucceeded" if seed.calling_name else "Unassigned"
        check_calling_name_status(status)
        now = self._write_time()
        self.numbers[seed.e164] = PhoneNumber(
            e164=seed.e164,
            kind=seed.kind,
            product_type=seed.product_type,
            calling_name=seed.calling_name,
            calling_name_status=status,
            calling_name_settles_at=None,
            name=seed.name,
            status=seed.status,
            created=now,
            updated=now,
            associations=dict(seed.associations or {}),
        )

    def force_calling_name_status(self, e164: str, status: str) -> None:
        check_calling_name_status(status)
        number = self.numbers[e164]
        number.calling_name_status = status
        number.calling_name_settles_at = None

    def view(self, e164: str, namespace: str) -> dict[str, Any]:
        """A number's current state in ``namespace``'s shape; KeyError if unknown."""
        number = self.numbers[e164]
        number.settle(self._clock())
        return number.view(namespace)

    def run(
        self,
        operation: str,
        namespace: str,
        phone_number_id: str | None,
        body: dict[str, Any],
        query: dict[str, str],
    ) -> dict[str, Any]:
        """One request's operation, routed by name; a ChimeError for what the API refuses."""
        if namespace not in NAMESPACES:
            raise not_found(f"Unknown namespace {namespace}")
        if operation == LIST_PHONE_NUMBERS:
            return self.list_page(namespace, query)
        if operation == GET_PHONE_NUMBER and phone_number_id is not None:
            return self.get(namespace, phone_number_id)
        if operation == UPDATE_PHONE_NUMBER and phone_number_id is not None:
            return self.update(namespace, phone_number_id, body)
        if operation == BATCH_UPDATE_PHONE_NUMBER:
            items = body.get("UpdatePhoneNumberRequestItems")
            if set(body) != {"UpdatePhoneNumberRequestItems"} or not isinstance(items, list):
                raise bad_request("UpdatePhoneNumberRequestItems must be the only field")
            return self.batch_update(namespace, items)
        raise not_found(f"Unknown operation {operation}")

    def list_page(self, namespace: str, query: dict[str, str]) -> dict[str, Any]:
        now = self._clock()
        for number in self.numbers.values():
            number.settle(now)
        return list_page(namespace, self.numbers.values(), query)

    def get(self, namespace: str, phone_number_id: str) -> dict[str, Any]:
        number = self._find(phone_number_id)
        number.settle(self._clock())
        return {"PhoneNumber": number.view(namespace)}

    def update(self, namespace: str, phone_number_id: str, body: dict[str, Any]) -> dict[str, Any]:
        detail, value = validate_update(namespace, body)
        number = self._find(phone_number_id)
        check_number_rules(number, detail, value)
        if detail == "CallingName":
            self._update_calling_name(number, value)
        elif detail == "Name":
            number.name = value or None
        else:
            number.product_type = value
        number.updated = self._write_time()
        number.settle(self._clock())
        return {"PhoneNumber": number.view(namespace)}

    def batch_update(self, namespace: str, items: list[Any]) -> dict[str, Any]:
        errors: list[dict[str, str]] = []
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("PhoneNumberId"), str):
                raise bad_request("Every item needs a PhoneNumberId")
            phone_number_id = item["PhoneNumberId"]
            rest = {k: v for k, v in item.items() if k != "PhoneNumberId"}
            try:
                self.update(namespace, phone_number_id, rest)
            except ChimeError as error:
                errors.append(
                    {
                        "PhoneNumberId": phone_number_id,
                        "ErrorCode": _BATCH_ERROR_CODES.get(error.code, "ServiceFailure"),
                        "ErrorMessage": error.message,
                    }
                )
        return {"PhoneNumberErrors": errors}

    def _update_calling_name(self, number: PhoneNumber, value: str) -> None:
        # A pending update must complete before another is accepted.
        number.settle(self._clock())
        if number.calling_name_status == "UpdateInProgress":
            raise ChimeError(
                409,
                "ConflictException",
                "A calling name update is already in progress for this phone number",
            )
        if value:
            number.calling_name = value
            number.calling_name_status = "UpdateInProgress"
            delay = self.calling_name_delay
            number.calling_name_settles_at = None if delay is None else self._clock() + delay
        else:
            number.calling_name = None
            number.calling_name_status = "Unassigned"
            number.calling_name_settles_at = None

    def _find(self, phone_number_id: str) -> PhoneNumber:
        number = self.numbers.get(phone_number_id)
        if number is None:
            raise not_found(f"Phone number {phone_number_id} not found")
        return number

    def _write_time(self) -> datetime:
        # Strictly increasing at the wire's millisecond precision, so every write shows.
        now = datetime.now(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if self._last_write is not None and now <= self._last_write:
            now = self._last_write + timedelta(milliseconds=1)
        self._last_write = now
        return now
