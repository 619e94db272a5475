"""Property-based: whatever ResourceProperties CloudFormation hands over, exactly one answer."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phone_number_settings_core.errors import InvalidPropertyError
from phone_number_settings_core.rules import RESOURCE_PROPERTIES, check_properties
from phone_number_settings_fakes.chime import ChimeBackend
from tests.functional.conftest import Invoker

NUMBER = "+12065550100"
MARKER = "Zq9"

plausible_values = st.sampled_from(
    [
        NUMBER,
        "+18005550100",
        "Acme Support",
        "",
        "VoiceConnector",
        "SipMediaApplicationDialIn",
        "BusinessCalling",
        "chime",
        "chime-sdk-voice",
        "us-east-1",
        "eu-central-1",
        "front desk",
    ]
)
values: st.SearchStrategy[Any] = st.one_of(
    plausible_values,
    st.text(max_size=40),
    st.text(min_size=300, max_size=5000),
    st.integers(),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
keys = st.one_of(st.sampled_from(RESOURCE_PROPERTIES), st.text(max_size=30))
property_maps = st.dictionaries(keys, values, max_size=7)
resource_properties: st.SearchStrategy[Any] = st.one_of(
    property_maps,
    property_maps.map(lambda p: {"PhoneNumberId": NUMBER, **p}),
    st.lists(st.text(max_size=5), max_size=2),
    st.text(max_size=10),
    st.none(),
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(properties=resource_properties)
def test_any_properties_get_one_answer_and_no_update_when_invalid(
    chime: ChimeBackend, invoke: Invoker, properties: Any
) -> None:
    chime.reset()
    chime.seed_number(NUMBER)
    if isinstance(properties, dict):
        # A marker in each sensitive value shows whether a Reason ever echoes one.
        properties = {
            key: MARKER + value
            if key in ("CallingName", "Name") and isinstance(value, str)
            else value
            for key, value in properties.items()
        }
    event = invoke.event("Create", properties)
    if isinstance(properties, dict):
        event["ResourceProperties"] = {"ServiceToken": "arn:aws:lambda:x", **properties}
    response = invoke.send(event)  # asserts exactly one response
    assert response["Status"] in {"SUCCESS", "FAILED"}
    assert len(json.dumps(response).encode()) <= 4096
    assert len(response["Reason"]) <= 256
    invalid = not isinstance(properties, dict)
    if not invalid:
        try:
            check_properties(event["ResourceProperties"])
        except InvalidPropertyError:
            invalid = True
    if invalid:
        assert response["Status"] == "FAILED"
        assert chime.calls() == []
    assert MARKER not in response["Reason"]
