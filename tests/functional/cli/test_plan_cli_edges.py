"""``plan`` at its edges: load, a failing network, and the installed console scripts."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from phone_number_settings_chime.deadline import Deadline
from phone_number_settings_cli import main as cli
from phone_number_settings_cli.gateways import ReadOnlyGateways, configured_region
from phone_number_settings_cli.plan import NumberReader, ReaderFactory
from phone_number_settings_core.model import LivePhoneNumber
from phone_number_settings_core.rules import Namespace
from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.clock import SteppedClock
from tests.functional.cli.plan_support import (
    CONSOLE_SCRIPT,
    NUMBER,
    YAML_EXAMPLE,
    closed_port,
    only,
    plan_template,
    seed_example_numbers,
    template,
    write,
)


class InFlight:
    """A ReaderFactory wrapper: holds reads back until ``bound`` are in flight at once.

    So a bounded pool reaches its bound whatever the timing, and ``most`` shows whether
    it ever went past it.
    """

    def __init__(self, inner: ReaderFactory, bound: int) -> None:
        self._inner = inner
        self._bound = bound
        self._condition = threading.Condition()
        self._released = False
        self.now = 0
        self.most = 0

    def __call__(self, namespace: Namespace, region: str) -> NumberReader:
        return _CountedReader(self, self._inner(namespace, region))

    def enter(self) -> None:
        with self._condition:
            self.now += 1
            self.most = max(self.most, self.now)
            if self.now >= self._bound:
                self._released = True
                self._condition.notify_all()
            self._condition.wait_for(lambda: self._released, timeout=10)

    def leave(self) -> None:
        with self._condition:
            self.now -= 1


@dataclass(frozen=True)
class _CountedReader:
    counter: InFlight
    inner: NumberReader

    def get(self, phone_number_id: str, deadline: Deadline) -> LivePhoneNumber:
        self.counter.enter()
        try:
            return self.inner.get(phone_number_id, deadline)
        finally:
            self.counter.leave()


def hundred_numbers(chime: ChimeBackend, tmp_path: Path) -> Path:
    numbers = [f"+1206555{index:04d}" for index in range(100)]
    for index, number in enumerate(numbers):
        chime.seed_number(number, name=f"line {index}" if index % 10 else "old")
    return write(
        tmp_path / "Fleet.template.json",
        template(
            *(
                (f"Line{index}", {"PhoneNumberId": n, "Name": f"line {index}"})
                for index, n in enumerate(numbers)
            )
        ),
    )


class TestLoad:
    def test_hundred_throttled_resources_under_the_concurrency_bound(
        self, chime: ChimeBackend, tmp_path: Path
    ) -> None:
        # GIVEN 100 resources, 10 of them drifted, and Chime throttling 30 reads
        path = hundred_numbers(chime, tmp_path)
        chime.inject_faults(429, times=30, code="ThrottledClientException")
        clock = SteppedClock()
        counter = InFlight(ReadOnlyGateways(timing=clock.timing()), bound=cli.DEFAULT_CONCURRENCY)
        out, err = io.StringIO(), io.StringIO()
        # WHEN planned with the default bound (4 reads at a time)
        code = cli.run(
            ["plan", "--template", str(path), "--json"],
            readers=lambda: counter,
            configured_region=configured_region,
            stdout=out,
            stderr=err,
            clock=clock,
        )
        # THEN every number was read despite throttling, never more than 4 at a time
        document = json.loads(out.getvalue())
        assert code == 2
        assert document["summary"]["change"] == 10
        assert document["summary"]["no_change"] == 90
        assert counter.most == cli.DEFAULT_CONCURRENCY == 4
        reads = chime.calls("GetPhoneNumber")
        assert sum(1 for c in reads if c.status == 200) == 100
        assert sum(1 for c in reads if c.status == 429) == 30
        assert clock.sleeps  # the throttled reads were retried after a backoff
        assert err.getvalue().splitlines() == [f"read {n}/100 numbers" for n in range(20, 101, 20)]

    def test_concurrency_flag_bounds_reads(self, chime: ChimeBackend, tmp_path: Path) -> None:
        path = hundred_numbers(chime, tmp_path)
        counter = InFlight(ReadOnlyGateways(), bound=2)
        out, err = io.StringIO(), io.StringIO()
        code = cli.run(
            ["plan", "--template", str(path), "--concurrency", "2"],
            readers=lambda: counter,
            configured_region=configured_region,
            stdout=out,
            stderr=err,
        )
        assert code == 2
        assert counter.most == 2
        assert "Plan: 100 resources: 90 no change, 10 change (10 UpdatePhoneNumber calls)." in (
            out.getvalue()
        )


def run_command(argv: list[str], aws_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A process with the test's AWS settings (the fakes) and no other AWS_* variable."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **aws_env}
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)


class TestNetworkEdge:
    """The plan meets a network that fails: quick, plain errors that name the endpoint."""

    @pytest.mark.parametrize("kind", ["closed port", "port that never answers"])
    def test_unreachable_endpoint_is_an_error_within_seconds(
        self,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        silent_port: int,
        kind: str,
    ) -> None:
        # GIVEN credentials and a region, but a Chime endpoint nobody answers on
        port = closed_port() if kind == "closed port" else silent_port
        endpoint = f"http://127.0.0.1:{port}/chime-sdk-voice"
        monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_VOICE", endpoint)
        # WHEN planned
        started = time.monotonic()
        result = plan_template(capsys, tmp_path, ("Line", {"PhoneNumberId": NUMBER, "Name": "a"}))
        # THEN an ERROR naming the endpoint and the cause, in seconds, not minutes
        assert time.monotonic() - started < 15
        assert result.code == 1
        resource = only(result)
        assert resource["status"] == "error"
        cause = "could not connect" if kind == "closed port" else "no answer within 3.0 s"
        assert resource["reason"] == (
            f"GetPhoneNumber on {NUMBER}: cannot reach Chime at {endpoint} ({cause}); "
            "gave up after 3 attempts within the plan's time budget (--timeout)"
        )
        assert "Lambda" not in result.out
        assert "deploy" not in resource["reason"]

    def test_no_credentials_is_said_in_plain_words(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("AWS_ACCESS_KEY_ID")
        monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
        result = plan_template(capsys, tmp_path, ("Line", {"PhoneNumberId": NUMBER, "Name": "a"}))
        assert result.code == 1
        assert only(result)["reason"] == (
            f"GetPhoneNumber on {NUMBER} failed: no AWS credentials found"
        )

    def test_throttling_is_retried_within_the_timeout_with_a_line_on_stderr(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, name="a")
        chime.inject_faults(429, times=100_000, code="ThrottledClientException")
        path = write(
            tmp_path / "T.template.json", template(("Line", {"PhoneNumberId": NUMBER, "Name": "a"}))
        )
        # A stepped clock: the backoff's waits take no real time, so a loaded machine cannot
        # spend the whole --timeout on the first attempt.
        clock = SteppedClock()
        out, err = io.StringIO(), io.StringIO()
        code = cli.run(
            ["plan", "--template", str(path), "--json", "--timeout", "20"],
            readers=lambda: ReadOnlyGateways(
                timing=clock.timing(), notice=lambda line: print(line, file=err)
            ),
            configured_region=configured_region,
            stdout=out,
            stderr=err,
            clock=clock,
        )
        assert code == 1
        (resource,) = json.loads(out.getvalue())["resources"]
        reason = resource["reason"]
        assert reason.startswith(f"GetPhoneNumber on {NUMBER}: Chime throttled; gave up after ")
        assert reason.endswith("attempts within the plan's time budget (--timeout)")
        assert clock.sleeps
        assert err.getvalue().splitlines()[0] == (
            "Chime throttled; retrying (the plan waits up to its --timeout)"
        )


class TestConsoleScript:
    def test_installed_console_script_and_module_against_the_fake(
        self, chime: ChimeBackend, aws_env: dict[str, str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, product_type="VoiceConnector")
        path = write(
            tmp_path / "Telephony.template.json",
            template(("Line", {"PhoneNumberId": NUMBER, "ProductType": "VoiceConnector"})),
        )
        for command in (
            [str(CONSOLE_SCRIPT)],
            [sys.executable, "-m", "phone_number_settings_cli"],
        ):
            done = run_command([*command, "plan", "--template", str(path)], aws_env)
            assert done.returncode == 0, done.stderr
            assert "Telephony/Line: no change" in done.stdout
        assert [(c.operation, c.region) for c in chime.calls()] == [
            ("GetPhoneNumber", "us-west-2"),
            ("GetPhoneNumber", "us-west-2"),
        ]

    def test_installed_console_script_plans_the_yaml_example(
        self, chime: ChimeBackend, aws_env: dict[str, str]
    ) -> None:
        seed_example_numbers(chime)
        done = run_command([str(CONSOLE_SCRIPT), "plan", "--template", str(YAML_EXAMPLE)], aws_env)
        assert done.returncode == 2, done.stderr
        assert "phone-numbers/CampaignLine: change" in done.stdout
        assert '1. UpdatePhoneNumber +12065550102 Name="Spring campaign"' in done.stdout
