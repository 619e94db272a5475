"""The wire layer of the CloudFormation API stand-in: the query protocol over HTTPS.

Requests are form-encoded ``Action=...&Version=2010-05-15&...`` POSTs signed with SigV4
(the signing Region picks the Region whose stacks are read). Replies are XML written from
botocore's ``cloudformation`` service model (``<Action>Response`` / ``<Action>Result``,
lists of ``<member>``, required members checked), errors the service's
``<ErrorResponse>`` with Type, Code and Message.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

import botocore.session
from botocore.model import ListShape, Shape, StructureShape

from phone_number_settings_fakes.cloudformation.controls import (
    DROP,
    DROPPED,
    REFUSE,
    THROTTLE,
    ApiCall,
    ApiControls,
    access_denied,
    throttled,
)
from phone_number_settings_fakes.cloudformation.stacks import (
    ACCOUNT_ID,
    CloudFormationBackend,
    CloudFormationError,
    Stack,
    StackResource,
)
from phone_number_settings_fakes.http import (
    LocalServer,
    LocalTrust,
    QuietHandler,
    TlsHTTPServer,
    TrackingHTTPServer,
    signing_region,
)

API_VERSION: Final = "2010-05-15"
DESCRIBE_STACKS: Final = "DescribeStacks"
LIST_STACK_RESOURCES: Final = "ListStackResources"
DESCRIBE_STACK_RESOURCES: Final = "DescribeStackResources"
MODEL: Final = botocore.session.get_session().get_service_model("cloudformation")


# ----- the operations, in the model's terms ------------------------------------------


def _stack_fields(stack: Stack) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "StackId": stack.stack_id,
        "StackName": stack.name,
        "CreationTime": stack.created,
        "StackStatus": stack.status,
    }
    optional = {
        "LastUpdatedTime": stack.updated,
        "DeletionTime": stack.deleted,
        "StackStatusReason": stack.status_reason,
    }
    fields.update({key: value for key, value in optional.items() if value is not None})
    return fields


def _resource_fields(resource: StackResource, time_key: str) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "LogicalResourceId": resource.logical_id,
        "ResourceType": resource.resource_type,
        "ResourceStatus": resource.status,
        time_key: resource.updated,
    }
    if resource.physical_id is not None:
        fields["PhysicalResourceId"] = resource.physical_id
    if resource.status_reason is not None:
        fields["ResourceStatusReason"] = resource.status_reason
    return fields


def answer(
    backend: CloudFormationBackend, action: str, params: Mapping[str, str], region: str
) -> dict[str, Any]:
    """The output structure of ``action``; CloudFormationError for an error answer."""
    if action == DESCRIBE_STACKS:
        stacks = backend.describe_stacks(region, params.get("StackName"))
        return {"Stacks": [_stack_fields(stack) for stack in stacks]}
    if action == LIST_STACK_RESOURCES:
        _, resources, token = backend.list_stack_resources(
            region, _required(params, "StackName"), params.get("NextToken")
        )
        page: dict[str, Any] = {
            "StackResourceSummaries": [
                _resource_fields(r, "LastUpdatedTimestamp") for r in resources
            ]
        }
        if token is not None:
            page["NextToken"] = token
        return page
    if action == DESCRIBE_STACK_RESOURCES:
        stack, resources = backend.describe_stack_resources(
            region,
            params.get("StackName"),
            params.get("LogicalResourceId"),
            params.get("PhysicalResourceId"),
        )
        return {
            "StackResources": [
                {"StackName": stack.name, "StackId": stack.stack_id}
                | _resource_fields(resource, "Timestamp")
                for resource in resources
            ]
        }
    raise CloudFormationError(
        "InvalidAction", f"The action {action} is not valid for this web service."
    )


def _required(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    if value is None:
        field = name[0].lower() + name[1:]
        raise CloudFormationError(
            "ValidationError",
            f"1 validation error detected: Value null at '{field}' failed to satisfy "
            "constraint: Member must not be null",
        )
    return value


def resource_of(params: Mapping[str, str], region: str) -> str:
    """The resource ARN IAM checks a call against (for AccessDenied's message)."""
    name = params.get("StackName")
    if name is None:
        return "*"
    if name.startswith("arn:"):
        return name
    return f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/{name}/*"


# ----- XML, from the service model -----------------------------------------------------


def _timestamp(value: datetime) -> str:
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _write(parent: ET.Element, name: str, shape: Shape, value: Any) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(shape, StructureShape):
        missing = [member for member in shape.required_members if member not in value]
        if missing:
            raise AssertionError(f"{shape.name} without required {missing}")
        unknown = set(value) - set(shape.members)
        if unknown:
            raise AssertionError(f"{shape.name} has no members {sorted(unknown)}")
        for member, member_shape in shape.members.items():
            if member in value:
                _write(
                    element,
                    member_shape.serialization.get("name", member),
                    member_shape,
                    value[member],
                )
    elif isinstance(shape, ListShape):
        item_name = shape.member.serialization.get("name", "member")
        for item in value:
            _write(element, item_name, shape.member, item)
    elif shape.type_name == "timestamp":
        element.text = _timestamp(value)
    elif shape.type_name == "boolean":
        element.text = "true" if value else "false"
    else:
        element.text = str(value)


def response_xml(action: str, output: Mapping[str, Any], request_id: str) -> bytes:
    operation = MODEL.operation_model(action)
    root = ET.Element(f"{action}Response", xmlns=MODEL.metadata["xmlNamespace"])
    shape = operation.output_shape
    assert shape is not None
    _write(root, shape.serialization["resultWrapper"], shape, output)
    metadata = ET.SubElement(root, "ResponseMetadata")
    ET.SubElement(metadata, "RequestId").text = request_id
    payload: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return payload


def error_xml(error: CloudFormationError, request_id: str) -> bytes:
    root = ET.Element("ErrorResponse", xmlns=MODEL.metadata["xmlNamespace"])
    body = ET.SubElement(root, "Error")
    ET.SubElement(body, "Type").text = error.fault
    ET.SubElement(body, "Code").text = error.code
    ET.SubElement(body, "Message").text = error.message
    ET.SubElement(root, "RequestId").text = request_id
    payload: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return payload


# ----- HTTP --------------------------------------------------------------------------


class _Handler(QuietHandler):
    server: TrackingHTTPServer[FakeCloudFormationServer]

    def do_POST(self) -> None:
        self._handle(self.read_body().decode("utf-8", "replace"))

    def do_GET(self) -> None:
        self.read_body()
        self._handle(urlsplit(self.path).query)

    def _handle(self, query: str) -> None:
        params = {
            name: values[-1] for name, values in parse_qs(query, keep_blank_values=True).items()
        }
        action = params.pop("Action", "")
        params.pop("Version", None)
        region = signing_region(self.headers.get("Authorization"))
        owner = self.server.owner
        request_id = str(uuid.uuid4())
        fault = owner.controls.take(action)
        if fault == DROP:
            owner.controls.record(ApiCall(action, params, region, DROPPED, None))
            self.drop_connection()
            return
        try:
            if region is None:
                raise CloudFormationError(
                    "MissingAuthenticationToken", "Request is missing Authentication Token", 403
                )
            if fault == REFUSE:
                raise access_denied(action, resource_of(params, region))
            if fault == THROTTLE:
                raise throttled()
            output = answer(owner.backend, action, params, region)
        except CloudFormationError as error:
            owner.controls.record(ApiCall(action, params, region, error.status, error.code))
            self._send(error.status, error_xml(error, request_id), request_id)
            return
        owner.controls.record(ApiCall(action, params, region, 200, None))
        self._send(200, response_xml(action, output, request_id), request_id)

    def _send(self, status: int, payload: bytes, request_id: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-amzn-RequestId", request_id)
        self.end_headers()
        self.wfile.write(payload)


class FakeCloudFormationServer(LocalServer):
    """Serves a CloudFormationBackend over HTTPS on 127.0.0.1 for real boto3 clients.

    ``trust`` is the CA to serve with (share the responder's, so that the function's one
    SSL_CERT_FILE trusts both); made and owned here when not given.
    """

    thread_name = "fake-cloudformation"

    def __init__(
        self,
        backend: CloudFormationBackend | None = None,
        trust: LocalTrust | None = None,
        controls: ApiControls | None = None,
    ) -> None:
        super().__init__()
        self.backend = backend or CloudFormationBackend()
        self.controls = controls or ApiControls()
        self._owns_trust = trust is None
        self.trust = trust or LocalTrust()

    @property
    def ca_path(self) -> str:
        return self.trust.ca_path

    @property
    def endpoint_url(self) -> str:
        """The value of AWS_ENDPOINT_URL_CLOUDFORMATION."""
        return f"https://127.0.0.1:{self.port}"

    def make_server(self) -> TrackingHTTPServer[FakeCloudFormationServer]:
        return TlsHTTPServer(_Handler, self, self.trust.server_context())

    def close(self) -> None:
        self.stop()
        if self._owns_trust:
            self.trust.close()
