"""The redacting filter: crhelper's own log calls, at DEBUG, carry no secret."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from phone_number_settings_lambda.log_redaction import REDACTED, RedactingFilter, sanitized

URL = "https://cfn.example/bucket/key?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA"
EVENT = {
    "RequestType": "Create",
    "ResponseURL": URL,
    "ResourceProperties": {
        "PhoneNumberId": "+12065550100",
        "CallingName": "Acme O'Hara",
        "Name": "desk",
    },
    "OldResourceProperties": {"PhoneNumberId": "+12065550100", "CallingName": "Old Co"},
}
SECRETS = (URL, "X-Amz-Signature=deadbeef", "Acme O'Hara", "Acme O\\'Hara", "Old Co", "'desk'")


@pytest.fixture
def captured(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    redacting = RedactingFilter()
    redacting.track(EVENT)
    logger = logging.getLogger("test.redaction")
    logger.addFilter(redacting)
    caplog.set_level(logging.DEBUG)
    yield caplog
    logger.removeFilter(redacting)


def emitted(caplog: pytest.LogCaptureFixture) -> str:
    return caplog.text + "".join(r.getMessage() for r in caplog.records)


def test_event_logged_as_a_dict_keeps_shape_without_secrets(
    captured: pytest.LogCaptureFixture,
) -> None:
    logging.getLogger("test.redaction").debug(EVENT)  # what crhelper does with every event
    text = emitted(captured)
    assert "+12065550100" in text  # the rest stays readable
    for secret in SECRETS:
        assert secret not in text


def test_response_url_line_and_json_body(captured: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("test.redaction")
    log.debug("CFN response URL: {}".format(URL))  # noqa: UP032 - crhelper's own call
    body = {
        "Status": "SUCCESS",
        "Data": {"CallingName": "Acme O'Hara", "Name": "desk", "Type": "Local"},
    }
    log.debug(json.dumps(body))
    text = emitted(captured)
    assert "CFN response URL: " + REDACTED in text
    assert '"Type": "Local"' in text
    for secret in SECRETS:
        assert secret not in text


def test_traceback_text_is_redacted(captured: pytest.LogCaptureFixture) -> None:
    try:
        raise RuntimeError("refused Old Co")
    except RuntimeError:
        logging.getLogger("test.redaction").exception("failed")
    assert "Old Co" not in captured.text
    assert "refused " + REDACTED in captured.text


def test_sanitized_replaces_only_secret_keys() -> None:
    assert sanitized({"a": [{"ResponseURL": "u", "Name": "n", "Other": "o"}]}) == {
        "a": [{"ResponseURL": REDACTED, "Name": REDACTED, "Other": "o"}]
    }
