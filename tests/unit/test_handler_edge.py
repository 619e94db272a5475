"""The crhelper edge's own duties: short Reasons, unknown errors masked."""

from __future__ import annotations

import importlib
import logging
from types import ModuleType

import pytest

from phone_number_settings_handler.errors import InvalidPropertyError, PhoneNumberSettingsError


@pytest.fixture
def edge(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    import phone_number_settings_handler.handler as module

    return importlib.reload(module)


def test_long_reason_keeps_its_head(edge: ModuleType) -> None:
    def fail() -> None:
        raise InvalidPropertyError("CallingNmae", "x" * 400)

    with pytest.raises(PhoneNumberSettingsError) as raised:
        edge._guarded(fail)
    assert str(raised.value).startswith("CallingNmae: xxx")
    assert len(str(raised.value)) == 256


def test_unknown_error_is_masked_and_logged_without_its_message(
    edge: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    secret = " ".join(["Secret", "Calling", "Name"])  # not in any source line of the traceback

    def fail() -> None:
        raise KeyError(secret)

    caplog.set_level(logging.DEBUG)
    with pytest.raises(PhoneNumberSettingsError) as raised:
        edge._guarded(fail)
    assert str(raised.value) == "internal error (KeyError); see the function's log"
    assert "unexpected KeyError" in caplog.text
    assert secret not in caplog.text


@pytest.mark.parametrize(("value", "level"), [("debug", "DEBUG"), ("LOUD", "INFO"), ("", "INFO")])
def test_log_level_falls_back_to_info(
    edge: ModuleType, monkeypatch: pytest.MonkeyPatch, value: str, level: str
) -> None:
    monkeypatch.setenv("LOG_LEVEL", value)
    assert edge._log_level() == level


def test_lambda_handler_string_names_the_entry_point(edge: ModuleType) -> None:
    from phone_number_settings_handler import LAMBDA_HANDLER

    module_name, _, function_name = LAMBDA_HANDLER.rpartition(".")
    assert importlib.import_module(module_name) is edge
    assert callable(getattr(edge, function_name))
