"""The service's rules for one UpdatePhoneNumber body and the number it targets.

These are Chime's rules as its API model and documentation state them, written apart
from the product's rules module on purpose (see model.py).
"""

from __future__ import annotations

import re
from typing import Any

from phone_number_settings_fakes.chime.model import (
    CHIME,
    CHIME_SDK_VOICE,
    NumberKind,
    PhoneNumber,
    bad_request,
)

PRODUCT_TYPES: dict[str, tuple[str, ...]] = {
    CHIME: ("BusinessCalling", "VoiceConnector", "SipMediaApplicationDialIn"),
    CHIME_SDK_VOICE: ("VoiceConnector", "SipMediaApplicationDialIn"),
}
UPDATABLE_DETAILS: dict[str, tuple[str, ...]] = {
    CHIME: ("CallingName", "ProductType"),
    CHIME_SDK_VOICE: ("CallingName", "Name", "ProductType"),
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


def validate_update(namespace: str, body: dict[str, Any]) -> tuple[str, str]:
    """The input checks that need no state; returns the one (detail, value)."""
    allowed = UPDATABLE_DETAILS[namespace]
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise bad_request(f"Unknown field(s) in request: {', '.join(unknown)}")
    if len(body) != 1:
        raise bad_request(
            f"Exactly one of {', '.join(allowed)} must be set per call, got {len(body)}"
        )
    ((detail, value),) = body.items()
    if not isinstance(value, str):
        raise bad_request(f"{detail} must be a string")
    # CallingName and Name are sensitive in the model, so messages never echo them.
    if detail == "CallingName" and not _CALLING_NAME_RE.fullmatch(value):
        raise bad_request(f"CallingName must match pattern {CALLING_NAME_PATTERN}")
    if detail == "Name":
        if len(value) > NAME_MAX_LENGTH:
            raise bad_request(f"Name must be at most {NAME_MAX_LENGTH} characters")
        if not _NAME_RE.fullmatch(value):
            raise bad_request(f"Name must match pattern {NAME_PATTERN}")
    if detail == "ProductType" and value not in PRODUCT_TYPES[namespace]:
        raise bad_request(
            f"Invalid ProductType {value}; valid values: {', '.join(PRODUCT_TYPES[namespace])}"
        )
    return detail, value


def check_number_rules(number: PhoneNumber, detail: str, value: str) -> None:
    """The rules that depend on the kind of number being updated."""
    if number.kind is NumberKind.US_TOLL_FREE:
        if detail == "CallingName" and value:
            raise bad_request("Calling names are not supported for toll-free numbers")
        if detail == "ProductType" and value == "BusinessCalling":
            raise bad_request("Toll-free numbers cannot use the BusinessCalling product type")
    if (
        number.kind is NumberKind.NON_US
        and detail == "ProductType"
        and value != "SipMediaApplicationDialIn"
    ):
        raise bad_request(
            "Numbers outside the U.S. must use the SipMediaApplicationDialIn product type"
        )
