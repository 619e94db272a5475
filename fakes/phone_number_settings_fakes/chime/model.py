"""The Chime phone-number API's vocabulary and one number as the service holds it.

Names follow botocore's models, not the product's: this fake stays independent of the
code it stands in for, so a misreading of the API in one does not hide in the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

# The two namespaces, by their botocore service names (and the fake's path prefixes).
CHIME = "chime"
CHIME_SDK_VOICE = "chime-sdk-voice"
NAMESPACES = (CHIME, CHIME_SDK_VOICE)

GET_PHONE_NUMBER = "GetPhoneNumber"
UPDATE_PHONE_NUMBER = "UpdatePhoneNumber"
BATCH_UPDATE_PHONE_NUMBER = "BatchUpdatePhoneNumber"
LIST_PHONE_NUMBERS = "ListPhoneNumbers"

ACCOUNT_ID = "123456789012"
ARN_REGION = "us-east-1"

CALLING_NAME_STATUSES = ("Unassigned", "UpdateInProgress", "UpdateSucceeded", "UpdateFailed")
# The service documents that calling-name updates take up to 72 hours; the fake holds one
# pending that long unless a test sets another delay.
CALLING_NAME_SETTLE_SECONDS = 72 * 3600.0


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


def bad_request(message: str) -> ChimeError:
    return ChimeError(400, "BadRequestException", message)


def not_found(message: str) -> ChimeError:
    return ChimeError(404, "NotFoundException", message)


def check_calling_name_status(status: str) -> None:
    if status not in CALLING_NAME_STATUSES:
        raise ValueError(f"unknown CallingNameStatus {status!r}")


@dataclass
class PhoneNumber:
    """One number of the account's inventory, which both namespaces share."""

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

    def settle(self, now: float) -> None:
        """A pending calling name succeeds once the clock passes its settling time."""
        if (
            self.calling_name_status == "UpdateInProgress"
            and self.calling_name_settles_at is not None
            and now >= self.calling_name_settles_at
        ):
            self.calling_name_status = "UpdateSucceeded"
            self.calling_name_settles_at = None

    def view(self, namespace: str) -> dict[str, Any]:
        """The PhoneNumber structure of ``namespace``'s API model (absent fields left out)."""
        view: dict[str, Any] = {
            "PhoneNumberId": self.e164,
            "E164PhoneNumber": self.e164,
            "Country": "GB" if self.kind is NumberKind.NON_US else "US",
            "Type": "TollFree" if self.kind is NumberKind.US_TOLL_FREE else "Local",
            "ProductType": self.product_type,
            "Status": self.status,
            "Capabilities": {
                "InboundCall": True,
                "InboundMMS": True,
                "InboundSMS": True,
                "OutboundCall": True,
                "OutboundMMS": True,
                "OutboundSMS": True,
            },
            "Associations": [
                {"Name": name, "Value": value, "AssociatedTimestamp": iso(self.created)}
                for name, value in sorted(self.associations.items())
            ],
            "CallingName": self.calling_name,
            "CallingNameStatus": self.calling_name_status,
            "CreatedTimestamp": iso(self.created),
            "UpdatedTimestamp": iso(self.updated),
        }
        if namespace == CHIME_SDK_VOICE:
            view["PhoneNumberArn"] = (
                f"arn:aws:chime:{ARN_REGION}:{ACCOUNT_ID}:phone-number/{self.e164}"
            )
            view["Name"] = self.name
        return {k: v for k, v in view.items() if v is not None}


def iso(moment: datetime) -> str:
    """A timestamp as the service writes it: ISO 8601, milliseconds, Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
