"""The local CloudFormation tells the truth: stack statuses, failed rollbacks, re-deliveries.

These run a tiny standard-library function (not the product's asset) that answers as its
properties tell it and reports the stack status it reads from the CloudFormation stand-in,
so what is checked is the driver and the stand-in, whatever the handler does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer
from phone_number_settings_fakes.cloudformation.assembly import StackTemplate
from phone_number_settings_fakes.cloudformation.driver import (
    NO_RESPONSE,
    CloudFormationDriver,
    StackOperation,
    StackStateError,
)
from phone_number_settings_fakes.lambda_service.runner import LambdaEnvironment

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("e2e")]

# Answers FAILED to the request types listed in FailOn; PhysicalResourceId is the Id
# property (a new one in an Update: a replacement); Data carries the stack status and the custom resources it reads from
# CloudFormation with boto3.
FUNCTION_CODE = """
import json
import urllib.request

import boto3


# LogicalId=PhysicalId=Status of each custom resource, as ListStackResources pages them.
def custom_resources(event):
    cloudformation = boto3.client("cloudformation", region_name=event["StackId"].split(":")[3])
    pages = cloudformation.get_paginator("list_stack_resources").paginate(
        StackName=event["StackId"]
    )
    return " ".join(
        f"{r['LogicalResourceId']}={r.get('PhysicalResourceId', '')}={r['ResourceStatus']}"
        for page in pages
        for r in page["StackResourceSummaries"]
        if r["ResourceType"] == event["ResourceType"]
    )


def handler(event, context):
    region = event["StackId"].split(":")[3]
    cloudformation = boto3.client("cloudformation", region_name=region)
    (stack,) = cloudformation.describe_stacks(StackName=event["StackId"])["Stacks"]
    properties = event["ResourceProperties"]
    if properties.get("Exit") == event["RequestType"]:
        raise SystemExit("told to exit")
    failed = event["RequestType"] in properties.get("FailOn", "").split(",")
    body = {
        "Status": "FAILED" if failed else "SUCCESS",
        "Reason": "told to fail",
        "PhysicalResourceId": (
            event["PhysicalResourceId"] if event["RequestType"] == "Delete" else properties["Id"]
        ),
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
        "Data": {"StackStatus": stack["StackStatus"], "Resources": custom_resources(event)},
    }
    request = urllib.request.Request(
        event["ResponseURL"], data=json.dumps(body).encode(), method="PUT"
    )
    urllib.request.urlopen(request).read()
"""
TOKEN = {"Fn::GetAtt": ["Answerer", "Arn"]}


def template(
    tmp_path: Path, invoke_config: dict[str, int] | None = None, **resources: dict[str, str]
) -> StackTemplate:
    """The function (with an EventInvokeConfig of ``invoke_config`` if given), a bucket
    (another resource, to fail), and one custom resource per keyword: its logical id, its
    properties."""
    asset = tmp_path / "asset"
    asset.mkdir(exist_ok=True)
    (asset / "answerer.py").write_text(FUNCTION_CODE)
    body: dict[str, Any] = {
        "Resources": {
            "Answerer": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Handler": "answerer.handler", "Timeout": 30},
                "Metadata": {"aws:asset:path": "asset"},
            },
            "Bucket": {"Type": "AWS::S3::Bucket"},
            **(
                {
                    "InvokeConfig": {
                        "Type": "AWS::Lambda::EventInvokeConfig",
                        "Properties": {
                            "FunctionName": {"Ref": "Answerer"},
                            "Qualifier": "$LATEST",
                            **invoke_config,
                        },
                    }
                }
                if invoke_config is not None
                else {}
            ),
            **{
                logical_id: {
                    "Type": "Custom::PhoneNumberSettings",
                    "Properties": {"ServiceToken": TOKEN, **properties},
                }
                for logical_id, properties in resources.items()
            },
        }
    }
    return StackTemplate("Truth", body, tmp_path)


@pytest.fixture
def driver(
    lambda_env: LambdaEnvironment,
    responder: CfnResponder,
    chime: ChimeBackend,
    cloudformation_stacks: FakeCloudFormationServer,
) -> Iterator[CloudFormationDriver]:
    cloudformation_stacks.backend.page_size = 2
    with CloudFormationDriver(
        lambda_env, responder, stack_name="Truth", stacks=cloudformation_stacks.backend
    ) as made:
        yield made


def seen(operation: StackOperation) -> list[tuple[str, str, str, str]]:
    """(phase, RequestType, logical id, the stack status the function read) per event."""
    return [
        (e.phase, e.request_type, e.logical_id, e.response.get("Data", {}).get("StackStatus", ""))
        for e in operation.events
    ]


def resources(driver: CloudFormationDriver) -> dict[str, tuple[str | None, str]]:
    stack = driver.stacks.stack(driver.stack_id)
    return {key: (r.physical_id, r.status) for key, r in stack.resources.items()}


def test_a_failed_rollback_update_fails_the_stack(
    driver: CloudFormationDriver, tmp_path: Path
) -> None:
    assert driver.create_stack(template(tmp_path, A={"Id": "a", "FailOn": "Update"})).status == (
        "CREATE_COMPLETE"
    )
    # The forward Update no longer fails; the rollback Update (the old properties) does.
    operation = driver.update_stack(
        template(tmp_path, A={"Id": "a", "FailOn": ""}), failing_resource="Bucket"
    )

    assert operation.status == "UPDATE_ROLLBACK_FAILED"
    assert operation.statuses == [
        "UPDATE_IN_PROGRESS",
        "UPDATE_ROLLBACK_IN_PROGRESS",
        "UPDATE_ROLLBACK_FAILED",
    ]
    assert seen(operation) == [
        ("update", "Update", "A", "UPDATE_IN_PROGRESS"),
        ("rollback", "Update", "A", "UPDATE_ROLLBACK_IN_PROGRESS"),
    ]
    rollback = operation.events[1]
    assert rollback.event["ResourceProperties"]["FailOn"] == "Update"
    assert rollback.event["OldResourceProperties"]["FailOn"] == ""
    assert rollback.status == "FAILED"
    assert resources(driver)["A"] == ("a", "UPDATE_FAILED")
    assert driver.status == "UPDATE_ROLLBACK_FAILED"
    with pytest.raises(StackStateError, match="is in UPDATE_ROLLBACK_FAILED state"):
        driver.update_stack(template(tmp_path, A={"Id": "a"}))


def test_a_rollback_that_succeeds_cleans_up_what_the_update_created(
    driver: CloudFormationDriver, tmp_path: Path
) -> None:
    driver.create_stack(template(tmp_path, A={"Id": "a"}))
    operation = driver.update_stack(
        template(tmp_path, A={"Id": "a", "FailOn": "x"}, B={"Id": "b"}),
        failing_resource="Bucket",
    )

    assert operation.statuses == [
        "UPDATE_IN_PROGRESS",
        "UPDATE_ROLLBACK_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE",
    ]
    assert seen(operation) == [
        ("update", "Update", "A", "UPDATE_IN_PROGRESS"),
        ("update", "Create", "B", "UPDATE_IN_PROGRESS"),
        ("rollback", "Update", "A", "UPDATE_ROLLBACK_IN_PROGRESS"),
        ("rollback-cleanup", "Delete", "B", "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS"),
    ]
    assert set(resources(driver)) == {"Answerer", "Bucket", "A"}
    assert resources(driver)["Bucket"][1] == "UPDATE_COMPLETE"


def test_a_failed_delete_fails_the_stack_and_keeps_the_resource(
    driver: CloudFormationDriver, tmp_path: Path
) -> None:
    driver.create_stack(template(tmp_path, A={"Id": "a", "FailOn": "Delete"}, B={"Id": "b"}))
    operation = driver.delete_stack()

    assert operation.statuses == ["DELETE_IN_PROGRESS", "DELETE_FAILED"]
    assert seen(operation) == [
        ("delete", "Delete", "B", "DELETE_IN_PROGRESS"),
        ("delete", "Delete", "A", "DELETE_IN_PROGRESS"),
    ]
    assert resources(driver)["A"] == ("a", "DELETE_FAILED")
    assert resources(driver)["B"] == ("b", "DELETE_COMPLETE")
    assert list(driver.deployed) == ["A"]


def test_a_failed_rollback_delete_of_a_create_fails_the_stack(
    driver: CloudFormationDriver, tmp_path: Path
) -> None:
    operation = driver.create_stack(
        template(tmp_path, A={"Id": "a", "FailOn": "Delete"}), failing_resource="Bucket"
    )

    assert operation.statuses == ["CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_FAILED"]
    assert seen(operation) == [
        ("create", "Create", "A", "CREATE_IN_PROGRESS"),
        ("rollback", "Delete", "A", "ROLLBACK_IN_PROGRESS"),
    ]


def test_a_deleted_stack_is_still_described_by_its_id(
    driver: CloudFormationDriver, tmp_path: Path
) -> None:
    driver.create_stack(template(tmp_path, A={"Id": "a"}))
    assert driver.delete_stack().status == "DELETE_COMPLETE"

    (stack,) = driver.stacks.describe_stacks("us-west-2", driver.stack_id)
    assert stack.status == "DELETE_COMPLETE"
    assert stack.deleted is not None


def test_a_stale_redelivery_meets_the_stack_as_it_is_now(
    driver: CloudFormationDriver, tmp_path: Path
) -> None:
    driver.create_stack(template(tmp_path, A={"Id": "a"}))
    update = driver.update_stack(template(tmp_path, A={"Id": "a", "Note": "1"}))
    assert update.status == "UPDATE_COMPLETE"

    again = driver.redeliver(update.events[0])

    assert again.event == update.events[0].event
    assert again.request_id == update.events[0].request_id
    assert again.response["Data"]["StackStatus"] == "UPDATE_COMPLETE"
    assert driver.history[-1].name == "REDELIVERY"
    assert driver.status == "UPDATE_COMPLETE"


def test_a_duplicate_in_progress_is_delivered_right_after_the_first(
    driver: CloudFormationDriver, tmp_path: Path, responder: CfnResponder
) -> None:
    driver.duplicate_next("A")
    operation = driver.create_stack(template(tmp_path, A={"Id": "a"}))

    (created,) = operation.events
    assert created.deliveries == 2
    assert [r["Data"]["StackStatus"] for r in created.responses] == ["CREATE_IN_PROGRESS"] * 2


def test_a_function_error_is_retried_and_no_answer_fails_the_resource(
    driver: CloudFormationDriver, tmp_path: Path
) -> None:
    operation = driver.create_stack(template(tmp_path, A={"Id": "a", "Exit": "Create"}))

    created, rollback = operation.events
    assert created.status == NO_RESPONSE
    assert created.deliveries == 3  # Lambda's two retries of an asynchronous invocation
    assert "did not receive a response" in created.reason
    assert "Runtime.ExitError" in created.reason
    assert rollback.request_type == "Delete"
    assert rollback.event["PhysicalResourceId"].startswith("Truth-A-")
    assert operation.status == "ROLLBACK_COMPLETE"


def test_a_rename_shows_both_logical_ids_on_one_physical_id(
    driver: CloudFormationDriver, tmp_path: Path
) -> None:
    driver.create_stack(template(tmp_path, A={"Id": "n"}, C={"Id": "c"}))
    operation = driver.update_stack(template(tmp_path, B={"Id": "n"}, C={"Id": "c"}))

    assert [(e.phase, e.request_type, e.logical_id) for e in operation.events] == [
        ("update", "Create", "B"),
        ("cleanup", "Delete", "A"),
    ]
    # What the function reads, ListStackResources paged two at a time, at each event.
    assert [e.response["Data"]["Resources"] for e in operation.events] == [
        "A=n=CREATE_COMPLETE C=c=CREATE_COMPLETE B==CREATE_IN_PROGRESS",
        "A=n=DELETE_IN_PROGRESS C=c=CREATE_COMPLETE B=n=CREATE_COMPLETE",
    ]
    assert operation.status == "UPDATE_COMPLETE"
    assert resources(driver) == {
        "Answerer": ("Truth-Answerer", "CREATE_COMPLETE"),
        "Bucket": (resources(driver)["Bucket"][0], "CREATE_COMPLETE"),
        "C": ("c", "CREATE_COMPLETE"),
        "B": ("n", "CREATE_COMPLETE"),
    }


def test_a_replacement_points_the_logical_id_at_the_new_physical_id(
    driver: CloudFormationDriver, tmp_path: Path
) -> None:
    driver.create_stack(template(tmp_path, A={"Id": "old"}))
    operation = driver.update_stack(template(tmp_path, A={"Id": "new"}))

    update, cleanup = operation.events
    assert (update.physical_id, cleanup.request_type) == ("new", "Delete")
    assert cleanup.event["PhysicalResourceId"] == "old"
    assert cleanup.event["ResourceProperties"]["Id"] == "old"  # the old properties
    assert [e.response["Data"]["Resources"] for e in operation.events] == [
        "A=old=UPDATE_IN_PROGRESS",
        "A=new=UPDATE_COMPLETE",
    ]
    assert resources(driver)["A"] == ("new", "UPDATE_COMPLETE")


def test_the_event_invoke_config_bounds_retries_and_the_age_of_a_redelivery(
    driver: CloudFormationDriver, tmp_path: Path
) -> None:
    config = {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60}
    failing = driver.create_stack(template(tmp_path, config, A={"Id": "a", "Exit": "Create"}))
    assert failing.events[0].deliveries == 1  # no retry

    driver.delete_stack()
    created = driver.create_stack(template(tmp_path, config, A={"Id": "a"}))
    too_old = driver.redeliver(created.events[0], age_seconds=61)
    young = driver.redeliver(created.events[0], age_seconds=59)

    assert (too_old.deliveries, too_old.answered, too_old.status) == (0, False, NO_RESPONSE)
    assert (young.deliveries, young.status) == (1, "SUCCESS")
