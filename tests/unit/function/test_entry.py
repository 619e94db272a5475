"""The entry module: the real handler when it imports, an answer without it when not."""

from __future__ import annotations

import ast
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from phone_number_settings_lambda import ENTRY_MODULE, ENTRY_SOURCE, LAMBDA_HANDLER, entry, handler

STACK_ID = "arn:aws:cloudformation:us-west-2:123456789012:stack/telephony/6a1b2c3d"
URL = "https://127.0.0.1:9/cfn-response/abc?X-Amz-Signature=secret"
IMPORT_ERROR = "ModuleNotFoundError: No module named 'crhelper'"


def event(request_type: str, **extra: Any) -> dict[str, Any]:
    return {
        "RequestType": request_type,
        "ResponseURL": URL,
        "StackId": STACK_ID,
        "RequestId": "d1e2f3",
        "LogicalResourceId": "SupportLine",
        "ResourceType": "Custom::PhoneNumberSettings",
        "ResourceProperties": {"PhoneNumberId": "+12065550100", "CallingName": "Acme"},
        **extra,
    }


@dataclass
class Context:
    seconds_left: float = 30.0

    def get_remaining_time_in_millis(self) -> int:
        return int(self.seconds_left * 1000)


@dataclass
class Answers:
    """The S3 side of the ResponseURL: answers each PUT with the next status (or raises)."""

    statuses: list[int | None]
    received: list[tuple[str, dict[str, Any], float]] = field(default_factory=list)

    def __call__(self, url: str, payload: bytes, timeout: float) -> int:
        self.received.append((url, json.loads(payload), timeout))
        status = self.statuses.pop(0)
        if status is None:
            raise ConnectionResetError("reset")
        return status


def test_handler_string_names_the_entry_module() -> None:
    assert LAMBDA_HANDLER == "phone_number_settings_entry.handler"
    assert LAMBDA_HANDLER.split(".")[0] == ENTRY_MODULE
    assert Path(entry.__file__).name == ENTRY_SOURCE


def test_entry_module_imports_the_standard_library_only() -> None:
    tree = ast.parse(Path(entry.__file__).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}
    assert handler.__name__ == entry.REAL_HANDLER_MODULE


def test_the_real_handler_serves_when_it_imports() -> None:
    assert entry.load_handler() == (handler.handler, "")


def test_a_module_that_cannot_import_is_reported_by_type_and_message() -> None:
    assert entry.load_handler("phone_number_settings_lambda.no_such_module") == (
        None,
        "ModuleNotFoundError: No module named 'phone_number_settings_lambda.no_such_module'",
    )


@pytest.mark.parametrize("request_type", ["Create", "Update"])
def test_create_and_update_fail_naming_the_import_error(request_type: str) -> None:
    extra = {"PhysicalResourceId": "+12065550100"} if request_type == "Update" else {}
    response = entry.response_without_handler(event(request_type, **extra), IMPORT_ERROR)
    assert response == {
        "Status": "FAILED",
        "Reason": f"The function's code cannot be imported: {IMPORT_ERROR}",
        "PhysicalResourceId": extra.get(
            "PhysicalResourceId", "phone-number-settings-not-created-d1e2f3"
        ),
        "StackId": STACK_ID,
        "RequestId": "d1e2f3",
        "LogicalResourceId": "SupportLine",
        "NoEcho": False,
        "Data": {},
    }


def test_delete_succeeds_saying_nothing_was_cleared() -> None:
    response = entry.response_without_handler(
        event("Delete", PhysicalResourceId="+12065550100"), IMPORT_ERROR
    )
    assert (response["Status"], response["PhysicalResourceId"]) == ("SUCCESS", "+12065550100")
    assert response["Reason"] == (
        "Nothing cleared: the function's code cannot be imported, so the number's settings "
        f"are left as they are ({IMPORT_ERROR})"
    )


def test_a_long_import_error_is_cut_to_a_reason() -> None:
    response = entry.response_without_handler(event("Create"), "ImportError: " + "x" * 400)
    assert len(response["Reason"]) == 256
    assert response["Reason"].endswith("xxx...")


def test_answer_is_sent_again_after_a_server_error_and_a_reset(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers = Answers([503, None, 200])
    sent = entry.answer_without_handler(
        event("Create"), Context(), IMPORT_ERROR, put=answers, sleep=lambda _: None
    )
    assert sent
    assert [url for url, _, _ in answers.received] == [URL] * 3
    assert {body["Status"] for _, body, _ in answers.received} == {"FAILED"}
    assert "X-Amz-Signature" not in caplog.text


def test_answer_stops_after_a_client_error() -> None:
    answers = Answers([403, 200])
    assert not entry.answer_without_handler(
        event("Create"), Context(), IMPORT_ERROR, put=answers, sleep=lambda _: None
    )
    assert len(answers.received) == 1


def test_answer_never_waits_past_the_invocation() -> None:
    answers = Answers([200])
    assert not entry.answer_without_handler(
        event("Create"), Context(seconds_left=0.4), IMPORT_ERROR, put=answers
    )
    assert answers.received == []
    context = Context(seconds_left=3.0)
    entry.answer_without_handler(event("Create"), context, IMPORT_ERROR, put=answers)
    assert answers.received[0][2] == pytest.approx(2.5)


def test_a_response_url_that_is_not_https_is_not_sent_to() -> None:
    with pytest.raises(ValueError, match="not an https URL"):
        entry._put("http://127.0.0.1:9/x", b"{}", 1.0)
