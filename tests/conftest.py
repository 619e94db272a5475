"""Shared fixtures: the fakes, a sealed AWS environment, one CLI synth per test run."""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from phone_number_settings_fakes.chime import ChimeBackend, FakeChimeServer
from phone_number_settings_fakes.cloudformation import CfnResponder
from phone_number_settings_fakes.cloudformation.api_server import FakeCloudFormationServer
from phone_number_settings_fakes.cloudformation.assembly import Synthesis, synth_example_app


@pytest.fixture(scope="session")
def example_synthesis(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Synthesis:
    """The example app synthesised by the pinned CDK CLI once per test run, for every worker.

    Under xdist the workers share the run's temp root; the first to take the lock
    synthesises, the others read its result.
    """
    run_root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        run_root = run_root.parent
    outdir = run_root / "example-cdk-out"
    record = run_root / "example-synthesis.pickle"
    with (run_root / "example-synthesis.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if record.exists():
            synthesis: Synthesis = pickle.loads(record.read_bytes())
        else:
            synthesis = synth_example_app(outdir)
            record.write_bytes(pickle.dumps(synthesis))
    return synthesis


@pytest.fixture(scope="session")
def chime_server() -> Iterator[FakeChimeServer]:
    with FakeChimeServer(ChimeBackend()) as server:
        yield server


@pytest.fixture
def chime(chime_server: FakeChimeServer) -> ChimeBackend:
    chime_server.backend.reset()
    return chime_server.backend


@pytest.fixture(scope="session")
def cfn_responder() -> Iterator[CfnResponder]:
    with CfnResponder() as responder:
        yield responder


@pytest.fixture
def responder(cfn_responder: CfnResponder) -> CfnResponder:
    cfn_responder.reset()
    return cfn_responder


@pytest.fixture(scope="session")
def cloudformation_api(cfn_responder: CfnResponder) -> Iterator[FakeCloudFormationServer]:
    """The CloudFormation API stand-in, trusted through the responder's CA file."""
    with FakeCloudFormationServer(trust=cfn_responder.trust) as server:
        yield server


@pytest.fixture
def cloudformation_stacks(cloudformation_api: FakeCloudFormationServer) -> FakeCloudFormationServer:
    """The stand-in with no stacks, no faults and no calls logged."""
    cloudformation_api.backend.reset()
    cloudformation_api.controls.reset()
    return cloudformation_api


@pytest.fixture
def aws_env(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    chime_server: FakeChimeServer,
    cfn_responder: CfnResponder,
) -> dict[str, str]:
    """Point every AWS client of the test at the fakes; returns the variables it set."""
    # Every AWS_* goes (profiles, retry modes, endpoint overrides, container creds...),
    # so nothing configured on the machine changes what the code under test does.
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-west-2",
        "AWS_DEFAULT_REGION": "us-west-2",
        "AWS_ENDPOINT_URL_CHIME": chime_server.endpoint_url("chime"),
        "AWS_ENDPOINT_URL_CHIME_SDK_VOICE": chime_server.endpoint_url("chime-sdk-voice"),
        "AWS_CONFIG_FILE": str(tmp_path / "absent-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "absent-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "SSL_CERT_FILE": cfn_responder.ca_path,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def cloudformation_env(
    aws_env: dict[str, str],
    cloudformation_stacks: FakeCloudFormationServer,
    monkeypatch: pytest.MonkeyPatch,
) -> FakeCloudFormationServer:
    """boto3's CloudFormation clients of the test go to the stand-in (no stacks yet)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", cloudformation_stacks.endpoint_url)
    # botocore trusts its own CA bundle, not SSL_CERT_FILE.
    monkeypatch.setenv("AWS_CA_BUNDLE", cloudformation_stacks.ca_path)
    return cloudformation_stacks
