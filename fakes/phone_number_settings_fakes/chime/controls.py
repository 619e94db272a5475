"""What tests turn on in the fake: faults, dropped and held connections, empty replies,
failed updates, and a token bucket. Apart from the model, as moto keeps its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Codes used when a test injects a bare status.
DEFAULT_ERROR_CODES: dict[int, str] = {
    400: "BadRequestException",
    401: "UnauthorizedClientException",
    403: "ForbiddenException",
    404: "NotFoundException",
    409: "ConflictException",
    410: "GoneException",
    422: "UnprocessableEntityException",
    429: "ThrottledClientException",
    500: "ServiceFailureException",
    503: "ServiceUnavailableException",
}


@dataclass
class Fault:
    """The next ``remaining`` requests that match get this fault's treatment."""

    remaining: int
    operation: str | None
    status: int = 0
    code: str = ""
    # Only update bodies that set this detail match (None: every body).
    detail: str | None = None

    def matches(self, operation: str, body: dict[str, Any] | None = None) -> bool:
        return (
            self.remaining > 0
            and self.operation in (None, operation)
            and (self.detail is None or self.detail in (body or {}))
        )


@dataclass
class TokenBucket:
    """A rate limit shared by every operation and namespace."""

    rate: float
    burst: int
    tokens: float
    last: float

    def take(self, now: float) -> bool:
        """Spend a token if one is there (after refilling up to ``now``)."""
        self.tokens = min(float(self.burst), self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


@dataclass
class Controls:
    """Every control a test has set, consumed as matching requests arrive."""

    bucket: TokenBucket | None = None
    faults: list[Fault] = field(default_factory=list)
    drops: list[Fault] = field(default_factory=list)
    hangs: list[Fault] = field(default_factory=list)
    empty_replies: list[Fault] = field(default_factory=list)
    update_failures: list[Fault] = field(default_factory=list)


def consume(
    faults: list[Fault], operation: str, body: dict[str, Any] | None = None
) -> Fault | None:
    """The first fault matching the request, with one use spent; None if none matches."""
    for fault in faults:
        if fault.matches(operation, body):
            fault.remaining -= 1
            return fault
    return None
