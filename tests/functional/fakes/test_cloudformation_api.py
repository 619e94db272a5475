"""The CloudFormation API stand-in, exercised through real boto3 clients over HTTPS."""

from __future__ import annotations

import http.client
import ssl
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError

from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer
from phone_number_settings_fakes.cloudformation.controls import DROPPED
from phone_number_settings_fakes.cloudformation.stacks import (
    CloudFormationBackend,
    stack_arn,
)

NO_RETRIES = Config(retries={"total_max_attempts": 1})
CUSTOM = "Custom::PhoneNumberSettings"
NUMBER = "+12065550100"


def client(server: FakeCloudFormationServer, region: str = "us-west-2", **config: Any) -> Any:
    """A real boto3 CloudFormation client pointed at the stand-in, trusting its CA."""
    return boto3.client(
        "cloudformation",
        region_name=region,
        endpoint_url=server.endpoint_url,
        verify=server.ca_path,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config.get("config", NO_RETRIES),
    )


def stack_with(backend: CloudFormationBackend, name: str, resources: int) -> str:
    """A stack in UPDATE_IN_PROGRESS holding ``resources`` custom resources R0, R1, ..."""
    stack_id = stack_arn("us-west-2", name)
    backend.add_stack(stack_id, name, "CREATE_IN_PROGRESS")
    for index in range(resources):
        backend.set_resource(
            stack_id, f"R{index}", "CREATE_COMPLETE", resource_type=CUSTOM, physical_id=f"P{index}"
        )
    backend.set_stack_status(stack_id, "UPDATE_IN_PROGRESS")
    return stack_id


def error_of(raised: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str, str]:
    response: Any = raised.value.response
    error = response["Error"]
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        error["Type"],
        error["Code"],
        error["Message"],
    )


@pytest.fixture
def api(cloudformation_stacks: FakeCloudFormationServer) -> FakeCloudFormationServer:
    return cloudformation_stacks


def test_describe_stacks_by_id_and_by_name(api: FakeCloudFormationServer) -> None:
    stack_id = stack_with(api.backend, "Example", 1)

    (by_id,) = client(api).describe_stacks(StackName=stack_id)["Stacks"]
    (by_name,) = client(api).describe_stacks(StackName="Example")["Stacks"]

    assert by_id == by_name
    assert by_id["StackId"] == stack_id
    assert by_id["StackName"] == "Example"
    assert by_id["StackStatus"] == "UPDATE_IN_PROGRESS"
    assert isinstance(by_id["CreationTime"], datetime)
    assert by_id["LastUpdatedTime"] >= by_id["CreationTime"]
    assert "DeletionTime" not in by_id


def test_a_deleted_stack_is_described_by_id_only(api: FakeCloudFormationServer) -> None:
    stack_id = stack_with(api.backend, "Gone", 1)
    api.backend.set_stack_status(stack_id, "DELETE_COMPLETE")

    (stack,) = client(api).describe_stacks(StackName=stack_id)["Stacks"]
    assert (stack["StackStatus"], "DeletionTime" in stack) == ("DELETE_COMPLETE", True)
    with pytest.raises(ClientError) as raised:
        client(api).describe_stacks(StackName="Gone")
    assert error_of(raised) == (
        400,
        "Sender",
        "ValidationError",
        "Stack with id Gone does not exist",
    )
    assert client(api).describe_stacks()["Stacks"] == []


def test_stacks_are_regional(api: FakeCloudFormationServer) -> None:
    stack_id = stack_with(api.backend, "Example", 1)

    with pytest.raises(ClientError) as raised:
        client(api, region="eu-west-1").describe_stacks(StackName=stack_id)

    assert error_of(raised) == (
        400,
        "Sender",
        "ValidationError",
        f"Stack with id {stack_id} does not exist",
    )
    assert [call.region for call in api.controls.calls()] == ["eu-west-1"]


def test_list_stack_resources_pages_with_next_token(api: FakeCloudFormationServer) -> None:
    stack_id = stack_with(api.backend, "Example", 5)
    api.backend.page_size = 2

    first = client(api).list_stack_resources(StackName=stack_id)
    pages = list(client(api).get_paginator("list_stack_resources").paginate(StackName=stack_id))

    assert [r["LogicalResourceId"] for r in first["StackResourceSummaries"]] == ["R0", "R1"]
    assert "NextToken" in first
    assert [len(page["StackResourceSummaries"]) for page in pages] == [2, 2, 1]
    assert "NextToken" not in pages[-1]
    summaries = [r for page in pages for r in page["StackResourceSummaries"]]
    assert [(r["LogicalResourceId"], r["PhysicalResourceId"]) for r in summaries] == [
        (f"R{i}", f"P{i}") for i in range(5)
    ]
    assert {r["ResourceType"] for r in summaries} == {CUSTOM}
    assert {r["ResourceStatus"] for r in summaries} == {"CREATE_COMPLETE"}
    assert all(isinstance(r["LastUpdatedTimestamp"], datetime) for r in summaries)


def test_a_next_token_of_another_stack_is_refused(api: FakeCloudFormationServer) -> None:
    one, other = stack_with(api.backend, "One", 3), stack_with(api.backend, "Other", 3)
    api.backend.page_size = 1
    token = client(api).list_stack_resources(StackName=one)["NextToken"]

    for bad in (token, "not-a-token"):
        with pytest.raises(ClientError) as raised:
            client(api).list_stack_resources(StackName=other, NextToken=bad)
        assert error_of(raised) == (400, "Sender", "ValidationError", "Invalid NextToken")


def test_resources_keep_their_latest_status_and_leave_when_removed(
    api: FakeCloudFormationServer,
) -> None:
    stack_id = stack_with(api.backend, "Example", 2)
    api.backend.set_resource(stack_id, "R0", "DELETE_IN_PROGRESS")
    api.backend.remove_resource(stack_id, "R1")

    (summary,) = client(api).list_stack_resources(StackName=stack_id)["StackResourceSummaries"]

    assert (summary["LogicalResourceId"], summary["ResourceStatus"]) == ("R0", "DELETE_IN_PROGRESS")
    assert summary["PhysicalResourceId"] == "P0"


def test_describe_stack_resources_by_stack_logical_id_or_physical_id(
    api: FakeCloudFormationServer,
) -> None:
    stack_id = stack_with(api.backend, "Example", 3)
    api.backend.set_resource(stack_id, "R2", "CREATE_COMPLETE", physical_id=NUMBER)
    cloudformation = client(api)

    every = cloudformation.describe_stack_resources(StackName=stack_id)["StackResources"]
    (by_logical,) = cloudformation.describe_stack_resources(
        StackName="Example", LogicalResourceId="R1"
    )["StackResources"]
    (by_physical,) = cloudformation.describe_stack_resources(PhysicalResourceId=NUMBER)[
        "StackResources"
    ]

    assert [r["LogicalResourceId"] for r in every] == ["R0", "R1", "R2"]
    assert {(r["StackId"], r["StackName"]) for r in every} == {(stack_id, "Example")}
    assert by_logical["PhysicalResourceId"] == "P1"
    assert isinstance(by_logical["Timestamp"], datetime)
    assert (by_physical["LogicalResourceId"], by_physical["StackId"]) == ("R2", stack_id)
    with pytest.raises(ClientError) as raised:
        cloudformation.describe_stack_resources(StackName=stack_id, LogicalResourceId="Nope")
    assert error_of(raised) == (
        400,
        "Sender",
        "ValidationError",
        "Resource Nope does not exist for stack Example",
    )


def test_refused_calls_get_access_denied(api: FakeCloudFormationServer) -> None:
    stack_id = stack_with(api.backend, "Example", 1)
    api.controls.refuse("ListStackResources")

    client(api).describe_stacks(StackName=stack_id)
    with pytest.raises(ClientError) as raised:
        client(api).list_stack_resources(StackName=stack_id)

    status, fault, code, message = error_of(raised)
    assert (status, fault, code) == (403, "Sender", "AccessDenied")
    assert "is not authorized to perform: cloudformation:ListStackResources" in message
    assert f"on resource: {stack_id}" in message
    assert [(c.action, c.status, c.error_code) for c in api.controls.calls()] == [
        ("DescribeStacks", 200, None),
        ("ListStackResources", 403, "AccessDenied"),
    ]


def test_throttling_is_retried_by_botocore(api: FakeCloudFormationServer) -> None:
    stack_id = stack_with(api.backend, "Example", 1)
    api.controls.throttle(2, "DescribeStacks")
    retrying = Config(retries={"mode": "standard", "total_max_attempts": 3})

    (stack,) = client(api, config=retrying).describe_stacks(StackName=stack_id)["Stacks"]

    assert stack["StackStatus"] == "UPDATE_IN_PROGRESS"
    assert [(c.status, c.error_code) for c in api.controls.calls()] == [
        (400, "Throttling"),
        (400, "Throttling"),
        (200, None),
    ]
    api.controls.throttle(1)
    with pytest.raises(ClientError) as raised:
        client(api).describe_stacks(StackName=stack_id)
    assert error_of(raised) == (400, "Sender", "Throttling", "Rate exceeded")


def test_dropped_connections_get_no_answer(api: FakeCloudFormationServer) -> None:
    stack_id = stack_with(api.backend, "Example", 1)
    api.controls.drop_connections(1)

    with pytest.raises(ConnectionClosedError):
        client(api).describe_stacks(StackName=stack_id)
    client(api).describe_stacks(StackName=stack_id)

    assert [c.status for c in api.controls.calls()] == [DROPPED, 200]


def test_an_action_the_stand_in_does_not_serve_is_invalid(api: FakeCloudFormationServer) -> None:
    with pytest.raises(ClientError) as raised:
        client(api).describe_stack_events(StackName="Example")

    assert error_of(raised) == (
        400,
        "Sender",
        "InvalidAction",
        "The action DescribeStackEvents is not valid for this web service.",
    )


def raw_post(api: FakeCloudFormationServer, body: str, headers: dict[str, str]) -> tuple[int, str]:
    context = ssl.create_default_context(cafile=api.ca_path)
    connection = http.client.HTTPSConnection("127.0.0.1", api.port, context=context)
    try:
        connection.request("POST", "/", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_errors_are_the_query_protocols_xml(api: FakeCloudFormationServer) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    signed = {
        **form,
        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261204/us-west-2/"
        "cloudformation/aws4_request, SignedHeaders=host, Signature=0",
    }

    unsigned = raw_post(api, "Action=DescribeStacks&Version=2010-05-15", form)
    missing = raw_post(api, "Action=ListStackResources&Version=2010-05-15", signed)

    assert unsigned[0] == 403
    assert "<Code>MissingAuthenticationToken</Code>" in unsigned[1]
    assert missing[0] == 400
    assert missing[1].startswith("<?xml")
    assert (
        "<Error><Type>Sender</Type><Code>ValidationError</Code><Message>1 validation error "
        "detected: Value null at 'stackName' failed to satisfy constraint: Member must not "
        "be null</Message></Error><RequestId>"
    ) in missing[1]
