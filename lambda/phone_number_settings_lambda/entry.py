"""The Lambda's entry point: standard library only, so that it loads when nothing else does.

The bundler ships this file at the asset's root as ``phone_number_settings_entry`` (the
Handler is ``phone_number_settings_entry.handler``), so no package ``__init__`` runs
before it. It imports the real handler inside ``try``. If that fails (a missing package, a
broken build, a runtime upgrade), every event is still answered at once, instead of
CloudFormation waiting out its ServiceTimeout: FAILED for Create and Update, naming the
import error; SUCCESS for Delete, saying that nothing was cleared, because a Delete never
leaves a stack stuck. The ResponseURL is a credential: it is never logged.
"""

from __future__ import annotations

import http.client
import importlib
import json
import logging
import ssl
import time
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

REAL_HANDLER_MODULE: Final = "phone_number_settings_lambda.handler"
REASON_MAX_CHARS: Final = 256
# Not a phone number, so a later Delete of a Create answered here changes nothing.
FALLBACK_PHYSICAL_ID_PREFIX: Final = "phone-number-settings-not-created-"
PUT_ATTEMPTS: Final = 5
PUT_TIMEOUT_SECONDS: Final = 10.0
PUT_PAUSE_SECONDS: Final = 1.0
# The PUT stops this long before Lambda would end the invocation.
STOP_MARGIN_SECONDS: Final = 0.5

Handler = Callable[[dict[str, Any], Any], Any]
Put = Callable[[str, bytes, float], int]

logger = logging.getLogger(__name__)


def load_handler(module_name: str = REAL_HANDLER_MODULE) -> tuple[Handler | None, str]:
    """The real handler, or None and what went wrong (the error's type and message)."""
    try:
        module = importlib.import_module(module_name)
        loaded: Handler = module.handler
    except Exception as error:  # whatever breaks the import, the events still get answers
        return None, f"{type(error).__name__}: {error}"
    return loaded, ""


_REAL_HANDLER, _IMPORT_ERROR = load_handler()
if _REAL_HANDLER is None:
    logger.error(
        "the handler cannot be imported (%s); events are answered without it", _IMPORT_ERROR
    )


def handler(event: dict[str, Any], context: Any) -> Any:
    """Lambda entry point: the real handler, or an answer without it."""
    if _REAL_HANDLER is not None:
        return _REAL_HANDLER(event, context)
    answer_without_handler(event, context, _IMPORT_ERROR)
    return None


def response_without_handler(event: Mapping[str, Any], import_error: str) -> dict[str, Any]:
    """The response to ``event`` when the handler cannot be imported."""
    request_type = event.get("RequestType")
    if request_type == "Delete":
        status = "SUCCESS"
        reason = (
            "Nothing cleared: the function's code cannot be imported, so the number's "
            f"settings are left as they are ({import_error})"
        )
    else:
        status = "FAILED"
        reason = f"The function's code cannot be imported: {import_error}"
    if len(reason) > REASON_MAX_CHARS:
        reason = reason[: REASON_MAX_CHARS - 3] + "..."
    physical_id = event.get("PhysicalResourceId")
    if not isinstance(physical_id, str) or not physical_id:
        physical_id = FALLBACK_PHYSICAL_ID_PREFIX + str(event.get("RequestId", ""))
    return {
        "Status": status,
        "Reason": reason,
        "PhysicalResourceId": physical_id,
        "StackId": event.get("StackId"),
        "RequestId": event.get("RequestId"),
        "LogicalResourceId": event.get("LogicalResourceId"),
        "NoEcho": False,
        "Data": {},
    }


def answer_without_handler(
    event: Mapping[str, Any],
    context: Any,
    import_error: str,
    *,
    put: Put | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """PUT the response to the ResponseURL, trying again while time is left; True if sent."""
    send = put or _put
    response = response_without_handler(event, import_error)
    payload = json.dumps(response).encode()
    url = str(event.get("ResponseURL", ""))
    for attempt in range(1, PUT_ATTEMPTS + 1):
        left = context.get_remaining_time_in_millis() / 1000 - STOP_MARGIN_SECONDS
        if left <= 0:
            break
        try:
            code = send(url, payload, min(PUT_TIMEOUT_SECONDS, left))
        except (OSError, http.client.HTTPException, ValueError) as error:
            problem = type(error).__name__
        else:
            if 200 <= code < 300:
                logger.warning("%s answered without the handler", response["Status"])
                return True
            if code < 500:
                logger.error("%s response refused with HTTP %d", response["Status"], code)
                return False
            problem = f"HTTP {code}"
        logger.warning(
            "%s response not delivered (%s), attempt %d", response["Status"], problem, attempt
        )
        sleep(PUT_PAUSE_SECONDS * attempt)
    logger.error("%s response not delivered: out of attempts or time", response["Status"])
    return False


def _put(url: str, payload: bytes, timeout: float) -> int:
    """PUT ``payload`` as crhelper does (empty content-type, as the presigned URL expects)."""
    split = urlsplit(url)
    if split.scheme != "https" or not split.netloc:
        raise ValueError("the ResponseURL is not an https URL")
    connection = http.client.HTTPSConnection(
        split.netloc, timeout=timeout, context=ssl.create_default_context()
    )
    try:
        connection.request(
            "PUT",
            urlunsplit(("", "", split.path, split.query, "")),
            body=payload,
            headers={"content-type": "", "content-length": str(len(payload))},
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
