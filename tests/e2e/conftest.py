"""E2E fixtures: one CLI synth and one Lambda runtime per session, a driver per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer
from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer
from phone_number_settings_fakes.cloudformation.assembly import (
    EXAMPLE_STACK,
    CloudAssembly,
    StackTemplate,
    Synthesis,
)
from phone_number_settings_fakes.cloudformation.driver import CloudFormationDriver
from phone_number_settings_fakes.lambda_service.runner import (
    Endpoints,
    LambdaEnvironment,
)


@pytest.fixture(scope="session")
def cloud_assembly(example_synthesis: Synthesis) -> CloudAssembly:
    """The example app, synthesised once by the pinned CDK CLI (``cdk synth -o``)."""
    return CloudAssembly(example_synthesis.outdir)


@pytest.fixture(scope="session")
def example_template(cloud_assembly: CloudAssembly) -> StackTemplate:
    return cloud_assembly.stack(EXAMPLE_STACK)


@pytest.fixture(scope="session")
def lambda_env(
    tmp_path_factory: pytest.TempPathFactory,
    chime_server: FakeChimeServer,
    cfn_responder: CfnResponder,
    cloudformation_api: FakeCloudFormationServer,
) -> LambdaEnvironment:
    """Lambda's Python runtime (boto3 and awslambdaric), copied from the dev environment;
    the function's AWS calls go to the fake Chime and the CloudFormation stand-in."""
    return LambdaEnvironment.create(
        tmp_path_factory.mktemp("lambda"),
        Endpoints(
            chime=chime_server.endpoint_url("chime"),
            chime_sdk_voice=chime_server.endpoint_url("chime-sdk-voice"),
            ca_file=cfn_responder.ca_path,
            cloudformation=cloudformation_api.endpoint_url,
        ),
    )


@pytest.fixture
def chime(chime: ChimeBackend) -> ChimeBackend:
    """The session's fake Chime, with calling names applied at once: these stacks live
    seconds, not the days Chime may take (tests/functional cover a name left pending)."""
    chime.set_calling_name_delay(0)
    return chime


@pytest.fixture
def cloudformation(
    lambda_env: LambdaEnvironment,
    responder: CfnResponder,
    chime: ChimeBackend,
    cloudformation_stacks: FakeCloudFormationServer,
) -> Iterator[CloudFormationDriver]:
    """CloudFormation playing one stack, whose status and resources the function can read."""
    with CloudFormationDriver(
        lambda_env, responder, chime_calls=chime.calls, stacks=cloudformation_stacks.backend
    ) as driver:
        yield driver
