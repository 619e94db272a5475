"""The property rules of ``Custom::PhoneNumberSettings``: one source for handler and construct.

Pure Python: importing this module must not import boto3, crhelper or aws_cdk, because
the CDK construct validates with it at synth time and the handler again at deploy time.
Values that are not known yet (unresolved CDK tokens) are skipped through ``is_unresolved``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from phone_number_settings_core.errors import InvalidPropertiesError, InvalidPropertyError


class Namespace(StrEnum):
    """Which Chime API manages the number."""

    CHIME_SDK_VOICE = "chime-sdk-voice"
    CHIME = "chime"  # the legacy Amazon Chime API, global in us-east-1


class ProductType(StrEnum):
    BUSINESS_CALLING = "BusinessCalling"
    VOICE_CONNECTOR = "VoiceConnector"
    SIP_MEDIA_APPLICATION_DIAL_IN = "SipMediaApplicationDialIn"


RESOURCE_TYPE: Final = "Custom::PhoneNumberSettings"
# How a PhoneNumberSettings resource can be typed in a template; its PhysicalResourceId is
# the number.
SETTINGS_RESOURCE_TYPES: Final = frozenset({RESOURCE_TYPE, "AWS::CloudFormation::CustomResource"})
# A stack's resource in these statuses no longer declares anything (DELETE_SKIPPED:
# retained, out of the stack). DELETE_FAILED is not among them: it is still in the stack.
RESOURCE_LEAVING_STATUSES: Final = frozenset(
    {"DELETE_IN_PROGRESS", "DELETE_COMPLETE", "DELETE_SKIPPED"}
)
# Where the shared provider stack (one per account and Region) publishes its ServiceToken.
SHARED_PROVIDER_EXPORT_NAME: Final = "PhoneNumberSettings-ServiceToken"
SHARED_PROVIDER_PARAMETER_NAME: Final = "/phone-number-settings/service-token"
# The provider function's default timeout (Lambda's most: it costs nothing unless used).
PROVIDER_TIMEOUT_SECONDS: Final = 900
# CloudFormation invokes the function asynchronously; the function's EventInvokeConfig
# bounds how old an event may be when it starts. An event that starts that late and then
# runs until the Lambda timeout must still answer within the resources' ServiceTimeout,
# so ServiceTimeout = timeout + MAX_EVENT_AGE_SECONDS + RESPONSE_GRACE_SECONDS: no event
# can run after CloudFormation stopped waiting for it.
# 240 s lets both of Lambda's retries of a quick crash start (about 1 and then 2 minutes
# after the failures, with time to spare), while an event older than that is dropped.
MAX_EVENT_AGE_SECONDS: Final = 240
# Lambda's most (2). A retry is the same event of the same operation: while its stack is
# still in progress it is what CloudFormation waits for, and it rescues an invocation that
# crashed without answering (killed for memory, a runtime fault). It cannot apply stale
# values: the age bound drops late retries, and the handler changes nothing for an event
# whose stack is no longer in progress; a repeated event is idempotent.
MAX_RETRY_ATTEMPTS: Final = 2
# Time past the latest possible end of an invocation for its response to reach CloudFormation.
RESPONSE_GRACE_SECONDS: Final = 60
# CloudFormation's limit on ServiceTimeout.
MAX_SERVICE_TIMEOUT_SECONDS: Final = 3600


def service_timeout_seconds(lambda_timeout_seconds: int) -> int:
    """The ServiceTimeout of resources served by a function with this Lambda timeout."""
    return lambda_timeout_seconds + MAX_EVENT_AGE_SECONDS + RESPONSE_GRACE_SECONDS


SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS: Final = service_timeout_seconds(PROVIDER_TIMEOUT_SECONDS)

PHONE_NUMBER_ID: Final = "PhoneNumberId"
CALLING_NAME: Final = "CallingName"
PRODUCT_TYPE: Final = "ProductType"
NAME: Final = "Name"
NAMESPACE: Final = "Namespace"
REGION: Final = "Region"

RESOURCE_PROPERTIES: Final = (PHONE_NUMBER_ID, CALLING_NAME, PRODUCT_TYPE, NAME, NAMESPACE, REGION)
# The CDK construct's keyword argument for each property, in the same order: errors at
# synth name both, and ``adopt`` writes Python code with them.
CONSTRUCT_KEYWORDS: Final[Mapping[str, str]] = {
    PHONE_NUMBER_ID: "phone_number_id",
    CALLING_NAME: "calling_name",
    PRODUCT_TYPE: "product_type",
    NAME: "name",
    NAMESPACE: "namespace",
    REGION: "region",
}
# Read by CloudFormation itself; allowed in ResourceProperties, ignored by the handler.
CLOUDFORMATION_PROPERTIES: Final = ("ServiceToken", "ServiceTimeout")


@dataclass(frozen=True)
class Detail:
    """A phone-number detail that UpdatePhoneNumber sets, one detail per call."""

    key: str  # the resource property and the API field, e.g. "CallingName"
    field: str  # the attribute of DeclaredSettings and LivePhoneNumber, e.g. "calling_name"
    sensitive: bool  # the API model marks it sensitive: never logged, never in a Reason
    clearable: bool  # "" clears it; a product type cannot be unset


# The details in the order they are applied. The calling name goes last: once sent it
# cannot be taken back for up to 72 hours.
DETAILS: Final = (
    Detail(PRODUCT_TYPE, "product_type", sensitive=False, clearable=False),
    Detail(NAME, "name", sensitive=True, clearable=True),
    Detail(CALLING_NAME, "calling_name", sensitive=True, clearable=True),
)
DETAIL_BY_KEY: Final[Mapping[str, Detail]] = {detail.key: detail for detail in DETAILS}
DETAILS_IN_CALL_ORDER: Final = tuple(detail.key for detail in DETAILS)
SENSITIVE_DETAILS: Final = frozenset(detail.key for detail in DETAILS if detail.sensitive)

DEFAULT_NAMESPACE: Final = Namespace.CHIME_SDK_VOICE
# The legacy Amazon Chime API is global, served from this Region only.
LEGACY_REGION: Final = "us-east-1"
PRODUCT_TYPES_BY_NAMESPACE: Final[Mapping[Namespace, tuple[ProductType, ...]]] = {
    Namespace.CHIME: (
        ProductType.BUSINESS_CALLING,
        ProductType.VOICE_CONNECTOR,
        ProductType.SIP_MEDIA_APPLICATION_DIAL_IN,
    ),
    Namespace.CHIME_SDK_VOICE: (
        ProductType.VOICE_CONNECTOR,
        ProductType.SIP_MEDIA_APPLICATION_DIAL_IN,
    ),
}
NAMESPACES_WITH_NAME: Final = frozenset({Namespace.CHIME_SDK_VOICE})

PHONE_NUMBER_ID_PATTERN: Final = r"^\+[1-9][0-9]{1,14}$"
CALLING_NAME_PATTERN: Final = r"^$|^[a-zA-Z0-9 ]{2,15}$"
NAME_PATTERN: Final = r"^$|^[a-zA-Z0-9\,\.\_\-]+(\s+[a-zA-Z0-9\,\.\_\-]+)*$"
CALLING_NAME_MIN_LENGTH: Final = 2
CALLING_NAME_MAX_LENGTH: Final = 15
NAME_MAX_LENGTH: Final = 256
REGION_PATTERN: Final = r"^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$"

# fullmatch, not match: "$" alone would accept a trailing newline. ASCII: the service's
# "\s" is Java's, which does not take Unicode spaces.
_PHONE_NUMBER_ID_RE: Final = re.compile(PHONE_NUMBER_ID_PATTERN, re.ASCII)
_CALLING_NAME_RE: Final = re.compile(CALLING_NAME_PATTERN, re.ASCII)
_NAME_RE: Final = re.compile(NAME_PATTERN, re.ASCII)
_REGION_RE: Final = re.compile(REGION_PATTERN, re.ASCII)

# The same rules as the patterns, as sets: they name the first character a value breaks on.
_LETTERS_AND_DIGITS: Final = frozenset(string.ascii_letters + string.digits)
_CALLING_NAME_CHARACTERS: Final = _LETTERS_AND_DIGITS | {" "}
_NAME_WORD_CHARACTERS: Final = _LETTERS_AND_DIGITS | set(",._-")
_NAME_SEPARATORS: Final = frozenset(string.whitespace)  # Java's and ASCII "\s"

_UNKNOWN_KEY_SHOWN_CHARS: Final = 40


def never_unresolved(_: object) -> bool:
    """The ``is_unresolved`` of a caller whose values are all known (the handler)."""
    return False


def fixed_region(namespace: Namespace) -> str | None:
    """The one Region a namespace is served from, or None when it is regional."""
    return LEGACY_REGION if namespace is Namespace.CHIME else None


def check_phone_number_id(value: object) -> str:
    text = _require_string(PHONE_NUMBER_ID, value)
    if not _PHONE_NUMBER_ID_RE.fullmatch(text):
        raise InvalidPropertyError(
            PHONE_NUMBER_ID,
            f"must be an E.164 number such as +12065550100 (pattern {PHONE_NUMBER_ID_PATTERN})",
        )
    return text


def check_calling_name(value: object) -> str:
    text = _require_string(CALLING_NAME, value)
    if not _CALLING_NAME_RE.fullmatch(text):
        # Say which rule broke (length, characters or both), never the value itself.
        broken = []
        if len(text) > CALLING_NAME_MAX_LENGTH:
            broken.append(f"too long: {len(text)} characters, at most {CALLING_NAME_MAX_LENGTH}")
        elif len(text) < CALLING_NAME_MIN_LENGTH:
            broken.append(
                f"too short: {len(text)} character, at least {CALLING_NAME_MIN_LENGTH} "
                '(or "" to clear it)'
            )
        position = _first_outside(text, _CALLING_NAME_CHARACTERS)
        if position is not None:
            broken.append(f"character {position} is not a letter A-Z, a digit or a space")
        raise InvalidPropertyError(
            CALLING_NAME, "; ".join(broken or ["invalid"]) + f" (pattern {CALLING_NAME_PATTERN})"
        )
    return text


def check_name(value: object) -> str:
    text = _require_string(NAME, value)
    if len(text) > NAME_MAX_LENGTH:
        raise InvalidPropertyError(
            NAME, f"too long: {len(text)} characters, at most {NAME_MAX_LENGTH}"
        )
    if not _NAME_RE.fullmatch(text):
        # Say which rule broke, never the value itself.
        position = _first_outside(text, _NAME_WORD_CHARACTERS | _NAME_SEPARATORS)
        if position is not None:
            broken = f"character {position} is not a letter A-Z, a digit, a space or , . _ -"
        else:  # only the placement of spaces is left to break the pattern
            broken = "must not begin or end with a space"
        raise InvalidPropertyError(NAME, f"{broken} (pattern {NAME_PATTERN})")
    return text


def check_namespace(value: object) -> Namespace:
    text = _require_string(NAMESPACE, value)
    try:
        return Namespace(text)
    except ValueError:
        raise InvalidPropertyError(NAMESPACE, f"must be one of {_listed(Namespace)}") from None


def check_product_type(value: object, namespace: Namespace | None = None) -> ProductType:
    """Check the enum; with a known namespace, also that the namespace offers the value."""
    text = _require_string(PRODUCT_TYPE, value)
    allowed = PRODUCT_TYPES_BY_NAMESPACE[namespace] if namespace else tuple(ProductType)
    if text not in allowed:
        if namespace is not None and text in tuple(ProductType):
            raise InvalidPropertyError(
                PRODUCT_TYPE,
                f"{text} is not offered by Namespace {namespace}; use one of {_listed(allowed)}"
                + (" or Namespace chime" if text == ProductType.BUSINESS_CALLING else ""),
            )
        raise InvalidPropertyError(PRODUCT_TYPE, f"must be one of {_listed(allowed)}")
    return ProductType(text)


def check_region(value: object, namespace: Namespace | None = None) -> str:
    text = _require_string(REGION, value)
    if not _REGION_RE.fullmatch(text):
        raise InvalidPropertyError(
            REGION, f"must be an AWS Region name such as us-west-2 (pattern {REGION_PATTERN})"
        )
    served_from = fixed_region(namespace) if namespace is not None else None
    if served_from is not None and text != served_from:
        raise InvalidPropertyError(
            REGION,
            f"Namespace {namespace} (the legacy API) is served only from {served_from}; "
            f"omit Region or use Namespace {Namespace.CHIME_SDK_VOICE}",
        )
    return text


def unknown_properties(properties: Mapping[Any, object]) -> list[str]:
    """The keys that are neither resource properties nor CloudFormation's own, sorted.

    A key YAML reads as a boolean (``On:``) or a number (``1:``) is unknown too, shown as text.
    """
    return sorted(
        str(key)
        for key in properties
        if not isinstance(key, str)
        or (key not in RESOURCE_PROPERTIES and key not in CLOUDFORMATION_PROPERTIES)
    )


def property_problems(
    properties: Mapping[Any, object],
    *,
    is_unresolved: Callable[[object], bool] = never_unresolved,
) -> tuple[InvalidPropertyError, ...]:
    """Every rule ``properties`` break, each as an InvalidPropertyError, in a stable order.

    ``properties`` holds the resource's PascalCase keys. A value for which
    ``is_unresolved`` is true is not known yet (a CDK token, an intrinsic function);
    the rules that need it are skipped. Unknown keys come first, one problem each.
    """
    problems = [
        InvalidPropertyError(
            _shown_key(key),
            f"unknown property; valid properties are {', '.join(RESOURCE_PROPERTIES)}",
        )
        for key in unknown_properties(properties)
    ]
    if PHONE_NUMBER_ID not in properties:
        problems.append(InvalidPropertyError(PHONE_NUMBER_ID, "is required"))
    if not any(detail in properties for detail in DETAILS_IN_CALL_ORDER):
        problems.append(
            InvalidPropertyError(
                ", ".join(DETAILS_IN_CALL_ORDER),
                "at least one of these must be given; there is nothing to manage",
            )
        )

    def known(key: str) -> bool:
        return key in properties and not is_unresolved(properties[key])

    def collect(check: Callable[[], object]) -> bool:
        try:
            check()
        except InvalidPropertyError as error:
            problems.append(error)
            return False
        return True

    if known(PHONE_NUMBER_ID):
        collect(lambda: check_phone_number_id(properties[PHONE_NUMBER_ID]))
    namespace: Namespace | None = DEFAULT_NAMESPACE
    if NAMESPACE in properties:
        namespace = None  # unknown until checked: the rules that need it are skipped
        if known(NAMESPACE) and collect(lambda: check_namespace(properties[NAMESPACE])):
            namespace = Namespace(str(properties[NAMESPACE]))
    if known(PRODUCT_TYPE):
        collect(lambda: check_product_type(properties[PRODUCT_TYPE], namespace))
    if NAME in properties and namespace is not None and namespace not in NAMESPACES_WITH_NAME:
        problems.append(
            InvalidPropertyError(
                NAME, f"only Namespace {Namespace.CHIME_SDK_VOICE} supports Name; remove it"
            )
        )
    elif known(NAME):
        collect(lambda: check_name(properties[NAME]))
    if known(CALLING_NAME):
        collect(lambda: check_calling_name(properties[CALLING_NAME]))
    if known(REGION):
        collect(lambda: check_region(properties[REGION], namespace))
    return tuple(problems)


def check_properties(
    properties: Mapping[Any, object],
    *,
    is_unresolved: Callable[[object], bool] = never_unresolved,
) -> None:
    """Raise InvalidPropertyError naming every rule ``properties`` break (none: return).

    One broken rule raises it as is; several raise InvalidPropertiesError, whose message
    names each broken property and fits a CloudFormation Reason.
    """
    problems = property_problems(properties, is_unresolved=is_unresolved)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InvalidPropertiesError(problems)


def type_name(value: object) -> str:
    """A value's type in the template's words: object, list, string, number, boolean, null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "list"
    return type(value).__name__


def _require_string(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidPropertyError(key, f"must be a string, not {type_name(value)}")
    return value


def _first_outside(text: str, allowed: frozenset[str]) -> int | None:
    """The 1-based position of the first character of ``text`` not in ``allowed``."""
    return next((i for i, char in enumerate(text, start=1) if char not in allowed), None)


def _listed(values: tuple[StrEnum, ...] | type[StrEnum]) -> str:
    return ", ".join(str(value) for value in values)


def _shown_key(key: object) -> str:
    # ascii() keeps control and non-ASCII characters readable in a Reason; long keys are cut.
    text = ascii(str(key))[1:-1]
    if len(text) > _UNKNOWN_KEY_SHOWN_CHARS:
        return text[:_UNKNOWN_KEY_SHOWN_CHARS] + "..."
    return text
