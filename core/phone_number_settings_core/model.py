"""Frozen values shared by the parser, the planner, the Chime gateway and the construct.

``LivePhoneNumber``'s fields are the response attributes (what ``Fn::GetAtt`` reads), each
with its key: the handler's Data, the parsing of Chime's replies and the construct's
``attr_*`` properties are all built from ``RESPONSE_ATTRIBUTES``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, Final

from phone_number_settings_core.rules import DETAIL_BY_KEY, DETAILS, Namespace


class CallingNameStatus(StrEnum):
    UNASSIGNED = "Unassigned"
    UPDATE_IN_PROGRESS = "UpdateInProgress"  # Chime takes up to 72 hours
    UPDATE_SUCCEEDED = "UpdateSucceeded"
    UPDATE_FAILED = "UpdateFailed"


TOLL_FREE_TYPE: Final = "TollFree"
UNITED_STATES: Final = "US"

_KEY: Final = "key"
_DESCRIPTION: Final = "description"


def _attribute(key: str, description: str) -> Any:
    return field(default=None, metadata={_KEY: key, _DESCRIPTION: description})


@dataclass(frozen=True)
class DeclaredSettings:
    """The validated ResourceProperties of one event. ``None`` means "not managed"."""

    phone_number_id: str
    namespace: Namespace
    region: str
    product_type: str | None = None
    name: str | None = None
    calling_name: str | None = None
    # Details declared with a value known only at deploy (the plan sees intrinsics).
    unresolved: frozenset[str] = frozenset()

    def managed_details(self) -> dict[str, str]:
        """The details this resource declares with a known value, in call order."""
        return _known_values(self, ((detail.key, detail.field) for detail in DETAILS))


@dataclass(frozen=True)
class LivePhoneNumber:
    """What GetPhoneNumber or UpdatePhoneNumber says the number is now.

    The fields are the response attributes, in the order they are documented.
    """

    phone_number_id: str = field(
        metadata={_KEY: "PhoneNumberId", _DESCRIPTION: "the number's ID as Chime reports it"}
    )
    e164_phone_number: str | None = _attribute("E164PhoneNumber", "the number in E.164 form")
    product_type: str | None = _attribute("ProductType", "the product type after the event")
    calling_name: str | None = _attribute(
        "CallingName", "the calling name Chime holds (its update may still be pending)"
    )
    calling_name_status: str | None = _attribute(
        "CallingNameStatus", "Unassigned, UpdateInProgress, UpdateSucceeded or UpdateFailed"
    )
    name: str | None = _attribute("Name", "the number's name (chime-sdk-voice only)")
    type: str | None = _attribute("Type", "Local or TollFree")
    country: str | None = _attribute("Country", "the number's country code, such as US")
    status: str | None = _attribute("Status", "the number's status, such as Assigned")

    @classmethod
    def from_api(cls, phone_number: Mapping[str, Any], *, phone_number_id: str) -> LivePhoneNumber:
        """From the API's ``PhoneNumber``; ``phone_number_id`` stands in when it has no id."""

        def text(key: str) -> str | None:
            value = phone_number.get(key)
            return value if isinstance(value, str) else None

        values = {attribute.field: text(attribute.key) for attribute in RESPONSE_ATTRIBUTES}
        reported_id = values.pop("phone_number_id")
        return cls(phone_number_id=reported_id or phone_number_id, **values)

    def detail(self, key: str) -> str | None:
        """The live value of the detail ``key`` (e.g. "CallingName")."""
        value: str | None = getattr(self, DETAIL_BY_KEY[key].field)
        return value

    @property
    def is_toll_free(self) -> bool:
        return self.type == TOLL_FREE_TYPE

    @property
    def is_outside_us(self) -> bool:
        return self.country is not None and self.country != UNITED_STATES

    @property
    def calling_name_pending(self) -> bool:
        return self.calling_name_status == CallingNameStatus.UPDATE_IN_PROGRESS

    def response_data(self) -> dict[str, str]:
        """The Data that Fn::GetAtt reads, each attribute when known."""
        return _known_values(self, ((a.key, a.field) for a in RESPONSE_ATTRIBUTES))


def _known_values(value: object, keys_and_fields: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{key: value.field}`` for each field that is not None, in the order given."""
    return {
        key: found for key, name in keys_and_fields if (found := getattr(value, name)) is not None
    }


@dataclass(frozen=True)
class ResponseAttribute:
    """One attribute Fn::GetAtt can read after a successful Create or Update."""

    key: str  # the Fn::GetAtt name, the Data key and the field of the API's PhoneNumber
    field: str  # the LivePhoneNumber field; the construct's property is attr_<field>
    description: str


RESPONSE_ATTRIBUTES: Final = tuple(
    ResponseAttribute(spec.metadata[_KEY], spec.name, spec.metadata[_DESCRIPTION])
    for spec in fields(LivePhoneNumber)
)


@dataclass(frozen=True)
class DetailChange:
    """One UpdatePhoneNumber call: set ``detail`` to ``value``; ``previous`` is for revert."""

    detail: str
    value: str
    previous: str | None

    def reverted(self) -> DetailChange | None:
        """The call that undoes this one, if the previous value can be set again."""
        if self.previous is None and not DETAIL_BY_KEY[self.detail].clearable:
            return None  # e.g. a product type cannot be unset
        return DetailChange(self.detail, self.previous or "", self.value)
