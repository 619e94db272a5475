"""The boto3 StoryReader against a local server speaking CloudFormation's query protocol.

Replies are shaped per botocore's ``cloudformation`` model (XML, ``member`` lists, errors as
``ErrorResponse``), so boto3 parses them as it would CloudFormation's.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_lambda.handler import build_handler
from phone_number_settings_lambda.story import (
    UNKNOWN,
    CloudFormationStoryReader,
    StackResource,
    Story,
    read_story,
)
from tests.functional.conftest import Invoker

NUMBER = "+12065550100"
STACK_ID = "arn:aws:cloudformation:eu-west-1:123456789012:stack/telephony/6a1b2c3d-aaaa-bbbb"
NAMESPACE = "http://cloudformation.amazonaws.com/doc/2010-05-15/"


@dataclass
class Stack:
    """What the server tells: the status, pages of resource rows, or an error for every call."""

    status: str = "UPDATE_ROLLBACK_IN_PROGRESS"
    pages: list[list[StackResource]] = field(default_factory=list)
    error: tuple[int, str, str] | None = None
    requests: list[dict[str, str]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)

    def reply(self, form: dict[str, str]) -> tuple[int, str]:
        if self.error is not None:
            status, code, message = self.error
            return status, (
                f'<ErrorResponse xmlns="{NAMESPACE}"><Error><Type>Sender</Type>'
                f"<Code>{code}</Code><Message>{escape(message)}</Message></Error>"
                "<RequestId>4a5b6c</RequestId></ErrorResponse>"
            )
        action = form["Action"]
        if action == "DescribeStacks":
            result = (
                "<Stacks><member><StackName>telephony</StackName>"
                f"<StackId>{STACK_ID}</StackId><CreationTime>2026-11-01T00:00:00Z</CreationTime>"
                f"<StackStatus>{self.status}</StackStatus></member></Stacks>"
            )
        else:
            page = int(form.get("NextToken", "0") or 0)
            rows = "".join(
                f"<member><LogicalResourceId>{r.logical_id}</LogicalResourceId>"
                + (
                    f"<PhysicalResourceId>{r.physical_id}</PhysicalResourceId>"
                    if r.physical_id
                    else ""
                )
                + f"<ResourceType>{r.resource_type}</ResourceType>"
                "<LastUpdatedTimestamp>2026-11-01T00:00:00Z</LastUpdatedTimestamp>"
                f"<ResourceStatus>{r.status}</ResourceStatus></member>"
                for r in self.pages[page]
            )
            token = f"<NextToken>{page + 1}</NextToken>" if page + 1 < len(self.pages) else ""
            result = f"<StackResourceSummaries>{rows}</StackResourceSummaries>{token}"
        return 200, (
            f'<{action}Response xmlns="{NAMESPACE}"><{action}Result>{result}</{action}Result>'
            f"<ResponseMetadata><RequestId>4a5b6c</RequestId></ResponseMetadata></{action}Response>"
        )


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        form = {key: values[0] for key, values in parse_qs(body).items()}
        self.server.stack.requests.append(form)
        self.server.stack.authorizations.append(self.headers.get("Authorization", ""))
        status, xml = self.server.stack.reply(form)
        payload = xml.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    def __init__(self, stack: Stack) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stack = stack


@pytest.fixture
def stack(aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    stack = Stack()
    server = _Server(stack)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", f"http://127.0.0.1:{server.server_port}")
    yield stack
    server.shutdown()
    server.server_close()
    thread.join()


def row(
    logical_id: str, physical_id: str | None = NUMBER, status: str = "UPDATE_COMPLETE"
) -> StackResource:
    return StackResource(logical_id, physical_id, "Custom::PhoneNumberSettings", status)


def test_status_is_read_in_the_stacks_region(stack: Stack) -> None:
    story = read_story(CloudFormationStoryReader(), STACK_ID, with_resources=False, seconds=5)
    assert story == Story("UPDATE_ROLLBACK_IN_PROGRESS")
    assert [(r["Action"], r["StackName"]) for r in stack.requests] == [("DescribeStacks", STACK_ID)]
    assert "/eu-west-1/cloudformation/aws4_request" in stack.authorizations[0]


def test_resources_are_read_page_by_page(stack: Stack) -> None:
    stack.pages = [
        [row("OldLine", status="DELETE_IN_PROGRESS"), row("Topic", None)],
        [row("NewLine", status="CREATE_COMPLETE")],
    ]
    reader = CloudFormationStoryReader()
    assert reader.stack_resources(STACK_ID) == (
        row("OldLine", status="DELETE_IN_PROGRESS"),
        row("Topic", None),
        row("NewLine", status="CREATE_COMPLETE"),
    )
    assert [r.get("NextToken") for r in stack.requests] == [None, "1"]


def cold_handler(invoke: Invoker) -> None:
    invoke.handler = build_handler(dict(os.environ), story=CloudFormationStoryReader())


def update_as_before(
    chime: ChimeBackend, invoke: Invoker, caplog: pytest.LogCaptureFixture
) -> list[str]:
    """An Update through the real reader; the warnings it logged."""
    chime.seed_number(NUMBER, calling_name="Old Support")
    cold_handler(invoke)
    event = invoke.event(
        "Update",
        {"PhoneNumberId": NUMBER, "CallingName": "New Support"},
        physical_id=NUMBER,
        old_properties={"PhoneNumberId": NUMBER, "CallingName": "Old Support"},
    )
    event["StackId"] = STACK_ID
    response = invoke.send(event)
    assert response["Status"] == "SUCCESS", response["Reason"]
    assert [c.body for c in chime.update_calls()] == [{"CallingName": "New Support"}]
    return [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]


def test_access_denied_behaves_as_before_with_a_warning(
    stack: Stack, chime: ChimeBackend, invoke: Invoker, caplog: pytest.LogCaptureFixture
) -> None:
    stack.error = (403, "AccessDenied", "User is not authorized to perform DescribeStacks")
    assert update_as_before(chime, invoke, caplog) == [
        "stack not read (DescribeStacks answered AccessDenied); acting on the event alone"
    ]
    assert len(stack.requests) == 1  # refusals are not retried


def test_unreachable_cloudformation_behaves_as_before_with_a_warning(
    aws_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    chime: ChimeBackend,
    invoke: Invoker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", f"http://127.0.0.1:{port}")
    assert update_as_before(chime, invoke, caplog) == [
        "stack not read (DescribeStacks: could not connect); acting on the event alone"
    ]


def test_validation_error_is_an_unknown_story(stack: Stack) -> None:
    stack.error = (400, "ValidationError", f"Stack with id {STACK_ID} does not exist")
    assert (
        read_story(CloudFormationStoryReader(), STACK_ID, with_resources=True, seconds=5) == UNKNOWN
    )
