"""The crhelper edge's own duties: short Reasons, unknown errors masked, built on demand."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from phone_number_settings_core.errors import InvalidPropertyError, PhoneNumberSettingsError
from phone_number_settings_lambda import (
    ENTRY_MODULE,
    LAMBDA_HANDLER,
    RESOURCES_SERVED_VARIABLE,
    entry,
)
from phone_number_settings_lambda.handler import guarded, log_level, resources_served


def test_long_reason_keeps_its_head() -> None:
    def fail() -> None:
        raise InvalidPropertyError("CallingNmae", "x" * 400)

    with pytest.raises(PhoneNumberSettingsError) as raised:
        guarded(fail)
    assert str(raised.value).startswith("CallingNmae: xxx")
    assert len(str(raised.value)) == 256


def test_unknown_error_is_masked_and_logged_without_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = " ".join(["Secret", "Calling", "Name"])  # not in any source line of the traceback

    def fail() -> None:
        raise KeyError(secret)

    caplog.set_level(logging.DEBUG)
    with pytest.raises(PhoneNumberSettingsError) as raised:
        guarded(fail)
    assert str(raised.value) == "internal error (KeyError); see the function's log"
    assert "unexpected KeyError" in caplog.text
    assert secret not in caplog.text


@pytest.mark.parametrize(
    ("environ", "level"),
    [
        ({"AWS_LAMBDA_LOG_LEVEL": "WARN", "LOG_LEVEL": "DEBUG"}, "WARNING"),
        ({"AWS_LAMBDA_LOG_LEVEL": "TRACE"}, "DEBUG"),
        ({"AWS_LAMBDA_LOG_LEVEL": "FATAL"}, "CRITICAL"),
        ({"AWS_LAMBDA_LOG_LEVEL": "error"}, "ERROR"),
        ({"AWS_LAMBDA_LOG_LEVEL": "LOUD", "LOG_LEVEL": "debug"}, "DEBUG"),
        ({"LOG_LEVEL": "warn"}, "WARNING"),
        ({"LOG_LEVEL": "LOUD"}, "INFO"),
        ({}, "INFO"),
    ],
)
def test_lambdas_application_log_level_rules_then_log_level_then_info(
    environ: dict[str, str], level: str
) -> None:
    assert log_level(environ) == level


def test_lambda_handler_string_names_the_entry_point() -> None:
    # The bundler ships the package's entry source at the asset's root as ENTRY_MODULE.
    module_name, _, function_name = LAMBDA_HANDLER.rpartition(".")
    assert module_name == ENTRY_MODULE
    assert callable(getattr(entry, function_name))


def test_importing_the_entry_point_builds_nothing() -> None:
    # The edge (crhelper and its boto3 clients) is built on the first event, not at import.
    code = (
        "import sys, phone_number_settings_lambda.handler;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'crhelper' and"
        " m != 'crhelper' and m.count('.') == 1),"
        " phone_number_settings_lambda.handler._this_environment.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().endswith(" 0")


@pytest.mark.parametrize(
    ("value", "expected"), [("30", 30), ("1", 1), ("0", None), ("", None), ("many", None)]
)
def test_resources_sharing_the_function_come_from_the_construct_or_are_unknown(
    value: str, expected: int | None
) -> None:
    assert resources_served({RESOURCES_SERVED_VARIABLE: value}) == expected
    assert resources_served({}) is None


def test_a_reason_names_every_broken_property() -> None:
    from phone_number_settings_core.properties import parse_properties

    properties = {
        "ServiceToken": "arn",
        "PhoneNumberId": "12065550100",
        "CallingName": "Acme Support Line Extra",
        "Name": "desk #1",
        "Colour": "blue",
    }
    with pytest.raises(PhoneNumberSettingsError) as raised:
        guarded(lambda: parse_properties(properties, default_region="us-east-1"))
    reason = str(raised.value)
    assert len(reason) <= 256
    assert reason.startswith("Colour: unknown property; ")
    for name in ("PhoneNumberId", "Name", "CallingName"):
        assert f"; {name}: " in reason
    assert "desk #1" not in reason
