"""ListPhoneNumbers: its query parameters as botocore's API model has them, and paging."""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import botocore.session
from botocore.model import StringShape

from phone_number_settings_fakes.chime.model import LIST_PHONE_NUMBERS, PhoneNumber, bad_request


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
        raise bad_request("Invalid next-token")
    return position


def _page_size(model: ListModel, query: dict[str, str]) -> int:
    if "max-results" not in query:
        return model.max_results
    text = query["max-results"]
    if not text.isdigit() or not model.min_results <= int(text) <= model.max_results:
        raise bad_request(f"max-results must be from {model.min_results} to {model.max_results}")
    return int(text)


def _check_query(model: ListModel, query: dict[str, str]) -> None:
    unknown = sorted(set(query) - set(model.parameters))
    if unknown:
        raise bad_request(f"Unknown query parameter(s): {', '.join(unknown)}")
    for parameter, allowed in model.enums.items():
        if parameter in query and query[parameter] not in allowed:
            raise bad_request(
                f"Invalid {parameter} {query[parameter]}; valid values: {', '.join(allowed)}"
            )
    if ("filter-name" in query) != ("filter-value" in query):
        raise bad_request("filter-name and filter-value must be given together")


def _wanted(number: PhoneNumber, query: dict[str, str]) -> bool:
    return (
        query.get("product-type", number.product_type) == number.product_type
        and query.get("status", number.status) == number.status
        and (
            "filter-name" not in query
            or number.associations.get(query["filter-name"]) == query["filter-value"]
        )
    )


def list_page(
    namespace: str, numbers: Iterable[PhoneNumber], query: dict[str, str]
) -> dict[str, Any]:
    """One page of ``numbers`` (settled) in ID order, filtered as the query asks."""
    model = list_phone_numbers_model(namespace)
    _check_query(model, query)
    page_size = _page_size(model, query)
    after = _token_position(query["next-token"]) if "next-token" in query else None
    matching = sorted(
        (
            number
            for number in numbers
            if (after is None or number.e164 > after) and _wanted(number, query)
        ),
        key=lambda number: number.e164,
    )
    page = matching[:page_size]
    result: dict[str, Any] = {"PhoneNumbers": [number.view(namespace) for number in page]}
    if len(matching) > page_size:
        result["NextToken"] = _token_after(page[-1].e164)
    return result
