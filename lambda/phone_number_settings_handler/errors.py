"""Errors the handler raises; each message is written to fit a 256-character Reason.

Messages never contain a CallingName or Name value: crhelper logs every FAILED
Reason at ERROR, and the API model marks both values sensitive.
"""

from __future__ import annotations


class PhoneNumberSettingsError(Exception):
    """Base class: anything that ends an event as FAILED with this message as Reason."""


class InvalidPropertyError(PhoneNumberSettingsError, ValueError):
    """A resource property breaks a rule; raised before any Chime call."""

    def __init__(self, property_name: str, rule: str) -> None:
        self.property_name = property_name
        self.rule = rule
        super().__init__(f"{property_name}: {rule}")


class PhoneNumberNotFoundError(PhoneNumberSettingsError):
    """GetPhoneNumber answered NotFoundException."""

    def __init__(self, phone_number_id: str, namespace: str) -> None:
        self.phone_number_id = phone_number_id
        self.namespace = namespace
        super().__init__(
            f"phone number {phone_number_id} not found in namespace {namespace} "
            "(check PhoneNumberId, Namespace and Region)"
        )


class BlockedChangeError(PhoneNumberSettingsError):
    """The live number forbids the declared settings (toll-free, non-U.S., pending name)."""


class ChimeApiError(PhoneNumberSettingsError):
    """Chime refused a call with a non-retryable error."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        self.operation = operation
        self.code = code
        super().__init__(message)


class ChimeUnavailableError(PhoneNumberSettingsError):
    """Throttling or server errors outlasted the invocation's time budget."""

    def __init__(self, operation: str, cause: str, attempts: int) -> None:
        self.operation = operation
        self.attempts = attempts
        super().__init__(
            f"{operation}: Chime {cause}; gave up after {attempts} attempts "
            "to answer before the Lambda timeout. Retry the deployment later"
        )


class PartialUpdateError(PhoneNumberSettingsError):
    """A later call of an event failed; earlier changes of the event were reverted."""
