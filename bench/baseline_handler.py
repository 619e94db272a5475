"""Baseline for the load benchmark: how such a custom resource is usually written today.

crhelper, boto3 with its default retries (legacy mode: any 429 retried, at most 4
times), one UpdatePhoneNumber per declared detail on every Create and Update, no
GetPhoneNumber and no diff, no retries of its own. Delete does nothing. Run by the bench
as ``baseline_handler.handler`` from an asset holding this file and crhelper.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from botocore.config import Config
from crhelper import CfnResource

DETAILS = ("ProductType", "Name", "CallingName")
helper = CfnResource(json_logging=False, log_level="INFO", boto_level="ERROR", sleep_on_delete=0)


def _client(properties: dict[str, Any]) -> Any:
    namespace = properties.get("Namespace", "chime-sdk-voice")
    region = (
        "us-east-1"
        if namespace == "chime"
        else properties.get("Region") or os.environ["AWS_REGION"]
    )
    # Stated explicitly so that AWS_RETRY_MODE or a new botocore default cannot change it.
    return boto3.client(namespace, region_name=region, config=Config(retries={"mode": "legacy"}))


@helper.create
@helper.update
def _apply(event: dict[str, Any], _context: Any) -> str:
    properties = event["ResourceProperties"]
    client = _client(properties)
    for detail in DETAILS:
        if detail in properties:
            client.update_phone_number(
                PhoneNumberId=properties["PhoneNumberId"], **{detail: properties[detail]}
            )
    return str(properties["PhoneNumberId"])


@helper.delete
def _delete(_event: dict[str, Any], _context: Any) -> None:
    return None


def handler(event: dict[str, Any], context: Any) -> None:
    helper(event, context)
