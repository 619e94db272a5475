"""Frozen value types shared by the parser, the planner and the Chime gateway."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from phone_number_settings_handler.rules import (
    CALLING_NAME,
    DETAILS_IN_CALL_ORDER,
    NAME,
    PRODUCT_TYPE,
    Namespace,
)

CALLING_NAME_IN_PROGRESS = "UpdateInProgress"
CALLING_NAME_FAILED = "UpdateFailed"
TOLL_FREE_TYPE = "TollFree"
UNITED_STATES = "US"


@dataclass(frozen=True)
class DesiredSettings:
    """The validated ResourceProperties of one event. ``None`` means "not managed"."""

    phone_number_id: str
    namespace: Namespace
    region: str
    product_type: str | None = None
    name: str | None = None
    calling_name: str | None = None

    def managed_details(self) -> dict[str, str]:
        """The details this resource declares, in call order."""
        values = {PRODUCT_TYPE: self.product_type, NAME: self.name, CALLING_NAME: self.calling_name}
        return {
            detail: value
            for detail in DETAILS_IN_CALL_ORDER
            if (value := values[detail]) is not None
        }


@dataclass(frozen=True)
class LivePhoneNumber:
    """What GetPhoneNumber or UpdatePhoneNumber says the number is now."""

    phone_number_id: str
    e164_phone_number: str | None = None
    product_type: str | None = None
    calling_name: str | None = None
    calling_name_status: str | None = None
    name: str | None = None
    type: str | None = None
    country: str | None = None
    status: str | None = None

    @classmethod
    def from_api(cls, phone_number: Mapping[str, Any]) -> LivePhoneNumber:
        def text(key: str) -> str | None:
            value = phone_number.get(key)
            return value if isinstance(value, str) else None

        return cls(
            phone_number_id=text("PhoneNumberId") or "",
            e164_phone_number=text("E164PhoneNumber"),
            product_type=text("ProductType"),
            calling_name=text("CallingName"),
            calling_name_status=text("CallingNameStatus"),
            name=text("Name"),
            type=text("Type"),
            country=text("Country"),
            status=text("Status"),
        )

    def detail(self, detail: str) -> str | None:
        values = {
            PRODUCT_TYPE: self.product_type,
            NAME: self.name,
            CALLING_NAME: self.calling_name,
        }
        return values[detail]

    @property
    def is_toll_free(self) -> bool:
        return self.type == TOLL_FREE_TYPE

    @property
    def is_outside_us(self) -> bool:
        return self.country is not None and self.country != UNITED_STATES

    @property
    def calling_name_pending(self) -> bool:
        return self.calling_name_status == CALLING_NAME_IN_PROGRESS

    def response_data(self) -> dict[str, str]:
        """The Data that Fn::GetAtt reads, each attribute when known."""
        data = {
            "PhoneNumberId": self.phone_number_id,
            "E164PhoneNumber": self.e164_phone_number,
            "ProductType": self.product_type,
            "CallingName": self.calling_name,
            "CallingNameStatus": self.calling_name_status,
            "Name": self.name,
            "Type": self.type,
            "Country": self.country,
            "Status": self.status,
        }
        return {key: value for key, value in data.items() if value is not None}


@dataclass(frozen=True)
class DetailChange:
    """One UpdatePhoneNumber call: set ``detail`` to ``value``; ``previous`` is for revert."""

    detail: str
    value: str
    previous: str | None

    def reverted(self) -> DetailChange | None:
        """The call that undoes this one, if the previous value can be set again."""
        if self.previous is None and self.detail == PRODUCT_TYPE:
            return None  # a product type cannot be unset
        return DetailChange(self.detail, self.previous or "", self.value)
