"""The entry module's own answer, PUT over real HTTPS to the ResponseURL stand-in."""

from __future__ import annotations

from dataclasses import dataclass

from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_lambda import entry
from tests.functional.conftest import cfn_event

IMPORT_ERROR = "ModuleNotFoundError: No module named 'crhelper'"


@dataclass
class Context:
    seconds_left: float = 30.0

    def get_remaining_time_in_millis(self) -> int:
        return int(self.seconds_left * 1000)


def test_a_create_is_answered_failed_over_https(
    aws_env: dict[str, str], responder: CfnResponder
) -> None:
    event = cfn_event(
        "Create", {"PhoneNumberId": "+12065550100"}, response_url=responder.new_response_url()
    )
    assert entry.answer_without_handler(event, Context(), IMPORT_ERROR)
    (response,) = responder.responses(event["ResponseURL"])
    assert response == entry.response_without_handler(event, IMPORT_ERROR)
    assert response["Status"] == "FAILED"


def test_a_server_error_is_answered_again(aws_env: dict[str, str], responder: CfnResponder) -> None:
    responder.answer_next([503])
    event = cfn_event(
        "Delete",
        {"PhoneNumberId": "+12065550100"},
        response_url=responder.new_response_url(),
        physical_id="+12065550100",
    )
    assert entry.answer_without_handler(event, Context(), IMPORT_ERROR, sleep=lambda _: None)
    assert [status for status, _ in responder.attempts(event["ResponseURL"])] == [503, 200]
    (response,) = responder.responses(event["ResponseURL"])
    assert response["Status"] == "SUCCESS"
