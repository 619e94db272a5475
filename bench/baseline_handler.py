"""Baseline for the load benchmark: how such a custom resource is usually written today.

crhelper, boto3 with its default retries (legacy mode: any 429 retried, at most 4
times), one UpdatePhoneNumber per declared detail on every Create and Update, no
GetPhoneNumber and no diff, no retries of its own. Delete does nothing. The benchmark's
worker builds one per simulated execution environment with ``build``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from crhelper import CfnResource

DETAILS = ("ProductType", "Name", "CallingName")


def build(session: boto3.session.Session) -> Callable[[dict[str, Any], Any], None]:
    """One execution environment's handler; ``session`` is its own (sessions are not shared)."""
    helper = CfnResource(
        json_logging=False, log_level="WARNING", boto_level="ERROR", sleep_on_delete=0
    )
    clients: dict[str, Any] = {}

    def client(properties: dict[str, Any]) -> Any:
        namespace = properties.get("Namespace", "chime-sdk-voice")
        region = (
            "us-east-1"
            if namespace == "chime"
            else properties.get("Region") or os.environ["AWS_REGION"]
        )
        if namespace not in clients:
            # Stated explicitly so that AWS_RETRY_MODE or a new botocore default cannot change it.
            clients[namespace] = session.client(
                namespace, region_name=region, config=Config(retries={"mode": "legacy"})
            )
        return clients[namespace]

    def apply(event: dict[str, Any], _context: Any) -> str:
        properties = event["ResourceProperties"]
        for detail in DETAILS:
            if detail in properties:
                client(properties).update_phone_number(
                    PhoneNumberId=properties["PhoneNumberId"], **{detail: properties[detail]}
                )
        return str(properties["PhoneNumberId"])

    helper.create(apply)
    helper.update(apply)
    helper.delete(lambda event, context: None)
    client({})  # created at init, like a module-level client
    return helper
