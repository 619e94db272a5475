"""E2E fixtures: one CLI synth and one boto3-only interpreter per session, a driver per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer
from phone_number_settings_fakes.cloudformation import CfnResponder
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
    create_boto3_venv,
)


@pytest.fixture(scope="session")
def cloud_assembly(example_synthesis: Synthesis) -> CloudAssembly:
    """The example app, synthesised once by the pinned CDK CLI (``cdk synth -o``)."""
    return CloudAssembly(example_synthesis.outdir)


@pytest.fixture(scope="session")
def example_template(cloud_assembly: CloudAssembly) -> StackTemplate:
    return cloud_assembly.stack(EXAMPLE_STACK)


@pytest.fixture(scope="session")
def boto3_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv holding boto3 only, like the Lambda Python runtime."""
    return create_boto3_venv(tmp_path_factory.mktemp("lambda-python") / "venv")


@pytest.fixture(scope="session")
def lambda_env(
    tmp_path_factory: pytest.TempPathFactory,
    boto3_python: Path,
    chime_server: FakeChimeServer,
    cfn_responder: CfnResponder,
) -> LambdaEnvironment:
    return LambdaEnvironment.with_python(
        boto3_python,
        tmp_path_factory.mktemp("lambda-runtime"),
        Endpoints(
            chime=chime_server.endpoint_url("chime"),
            chime_sdk_voice=chime_server.endpoint_url("chime-sdk-voice"),
            ca_file=cfn_responder.ca_path,
        ),
    )


@pytest.fixture
def cloudformation(
    lambda_env: LambdaEnvironment, responder: CfnResponder, chime: ChimeBackend
) -> Iterator[CloudFormationDriver]:
    with CloudFormationDriver(lambda_env, responder, chime_calls=chime.calls) as driver:
        yield driver
