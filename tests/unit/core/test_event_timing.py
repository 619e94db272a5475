"""The numbers that bound a late or repeated event, and the page that states them."""

from __future__ import annotations

from pathlib import Path

from phone_number_settings_core.rules import (
    MAX_EVENT_AGE_SECONDS,
    MAX_RETRY_ATTEMPTS,
    MAX_SERVICE_TIMEOUT_SECONDS,
    PROVIDER_TIMEOUT_SECONDS,
    RESPONSE_GRACE_SECONDS,
    SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS,
    service_timeout_seconds,
)
from phone_number_settings_lambda import LAMBDA_HANDLER
from phone_number_settings_lambda.entry import FALLBACK_PHYSICAL_ID_PREFIX
from phone_number_settings_lambda.story import READ_MAX_SECONDS

LIFECYCLE_PAGE = Path(__file__).parents[3] / "docs" / "reference" / "lifecycle.md"
# Lambda's limits: EventInvokeConfig and the function timeout.
EVENT_AGE_RANGE = range(60, 21601)
RETRY_RANGE = range(3)
LAMBDA_TIMEOUT_MAX = 900


def test_event_age_and_retries_are_within_lambdas_limits() -> None:
    assert MAX_EVENT_AGE_SECONDS in EVENT_AGE_RANGE
    assert MAX_RETRY_ATTEMPTS in RETRY_RANGE


def test_both_retries_of_a_quick_crash_fit_in_the_event_age() -> None:
    # Lambda retries about 1 minute, then 2 minutes, after a function error.
    assert MAX_EVENT_AGE_SECONDS > 60 + 120


def test_a_late_event_running_until_the_timeout_answers_within_the_service_timeout() -> None:
    for timeout in (10, 300, PROVIDER_TIMEOUT_SECONDS, LAMBDA_TIMEOUT_MAX):
        service_timeout = service_timeout_seconds(timeout)
        assert MAX_EVENT_AGE_SECONDS + timeout < service_timeout <= MAX_SERVICE_TIMEOUT_SECONDS


def test_the_lifecycle_page_states_the_numbers_of_the_code() -> None:
    page = LIFECYCLE_PAGE.read_text()
    assert f"| `MaximumEventAgeInSeconds` | {MAX_EVENT_AGE_SECONDS} |" in page
    assert f"| `MaximumRetryAttempts` | {MAX_RETRY_ATTEMPTS} |" in page
    assert (
        f"Lambda timeout + {MAX_EVENT_AGE_SECONDS} s + {RESPONSE_GRACE_SECONDS} s "
        f"({SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS} s for the default "
        f"{PROVIDER_TIMEOUT_SECONDS} s timeout)"
    ) in page
    assert f"ServiceTimeout is {SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS} s" in page
    assert f"at most a few seconds ({READ_MAX_SECONDS:g} s" in page
    assert f"The Lambda's Handler is `{LAMBDA_HANDLER}`" in page
    assert f"`{FALLBACK_PHYSICAL_ID_PREFIX}<RequestId>`" in page
