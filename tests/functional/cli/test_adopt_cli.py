"""``phone-number-settings adopt`` against the fake Chime service, and plan on its output."""

from __future__ import annotations

import io
import json
import logging
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from cfnlint.api import lint
from cfnlint.decode import decode_str

from phone_number_settings_chime.deadline import Deadline
from phone_number_settings_chime.gateway import CLIENT_CONFIG, ChimeGateway
from phone_number_settings_cli import __version__
from phone_number_settings_cli import main as cli
from phone_number_settings_cli.gateways import ADOPT_DEADLINE_PURPOSE, ReadOnlyGateways
from phone_number_settings_core.errors import ChimeApiError
from phone_number_settings_core.rules import Namespace
from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_fakes.chime.inventory import (
    DECLARED_IN_CHIME_SDK_VOICE,
    FRONT_DESK,
    REFUSED_IN_CHIME_SDK_VOICE,
    SALES_LINE,
    SUPPORT_LINE,
    seed_team_numbers,
)
from phone_number_settings_fakes.clock import SteppedClock

REPO_ROOT = Path(__file__).resolve().parents[3]
VOICE = ["--region", "us-west-2"]


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def read_only(chime: ChimeBackend, aws_env: dict[str, str]) -> Iterator[None]:
    """Every test: adopt (and the plan after it) never writes to a number."""
    yield
    assert chime.update_calls() == []


def run(
    capsys: pytest.CaptureFixture[str], command: str, *argv: str, clock: SteppedClock | None = None
) -> Result:
    """The command as main() runs it; with ``clock``, retries sleep on that clock instead."""
    if clock is None:
        code = cli.main([command, *argv])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = cli.run(
        [command, *argv],
        readers=ReadOnlyGateways,
        configured_region=lambda: "us-west-2",
        stdout=stdout,
        stderr=stderr,
        clock=clock,
        listers=lambda: ReadOnlyGateways(
            timing=clock.timing(), deadline_purpose=ADOPT_DEADLINE_PURPOSE
        ),
    )
    return Result(code, stdout.getvalue(), stderr.getvalue())


def list_queries(chime: ChimeBackend) -> list[dict[str, str]]:
    return [dict(call.query) for call in chime.calls("ListPhoneNumbers")]


class TestAdoptThenPlan:
    """The promise: what adopt writes, plan finds nothing to change on."""

    def test_json_template_plans_no_change(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # GIVEN a team's numbers, set by hand
        seed_team_numbers(chime)
        template = tmp_path / "Adopted.template.json"

        # WHEN adopt writes a template, and plan reads it
        adopted = run(capsys, "adopt", *VOICE, "--format", "json", "--output", str(template))
        planned = run(capsys, "plan", "--template", str(template))

        # THEN every declared number is "no change", and the refused ones are left out
        assert adopted.code == 0, adopted.err
        assert adopted.out == ""
        assert adopted.err == (
            "adopt: 6 numbers listed in chime-sdk-voice (us-west-2), 3 declared, "
            f"3 not (see the comments); written to {template}\n"
        )
        assert planned.code == 0, planned.out + planned.err
        assert "Plan: 3 resources: 3 no change." in planned.out
        document = json.loads(template.read_text())
        assert [r["Properties"]["PhoneNumberId"] for r in document["Resources"].values()] == list(
            DECLARED_IN_CHIME_SDK_VOICE
        )
        not_declared = document["Metadata"]["PhoneNumberSettingsAdopt"]["NotDeclared"]
        assert [entry["PhoneNumberId"] for entry in not_declared] == list(
            REFUSED_IN_CHIME_SDK_VOICE
        )
        assert [c.operation for c in chime.calls()] == ["ListPhoneNumbers"] + ["GetPhoneNumber"] * 3

    def test_yaml_template_is_clean_for_cfn_lint_and_plans_no_change(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        seed_team_numbers(chime)
        adopted = run(capsys, "adopt", *VOICE, "--format", "yaml")
        assert adopted.code == 0, adopted.err

        assert lint(adopted.out, regions=["us-west-2"]) == []
        decoded, problems = decode_str(adopted.out)
        assert problems == []
        # plan reads JSON today; the same template, through cfn-lint's decoder, plans clean.
        as_json = tmp_path / "Adopted.template.json"
        as_json.write_text(json.dumps(decoded))
        planned = run(capsys, "plan", "--template", str(as_json))
        assert planned.code == 0, planned.out
        assert "Plan: 3 resources: 3 no change." in planned.out

    def test_legacy_namespace_adopts_business_calling(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        seed_team_numbers(chime)
        template = tmp_path / "Legacy.template.json"
        adopted = run(
            capsys,
            "adopt",
            "--namespace",
            "chime",
            "--product-type",
            "BusinessCalling",
            "--format",
            "json",
            "--output",
            str(template),
        )
        assert adopted.code == 0, adopted.err
        [resource] = json.loads(template.read_text())["Resources"].values()
        assert resource["Properties"] | {"ServiceToken": None} == {
            "ServiceToken": None,
            "ServiceTimeout": "1200",
            "PhoneNumberId": FRONT_DESK,
            "ProductType": "BusinessCalling",
            "CallingName": "Acme Front Desk",
            "Namespace": "chime",
        }
        assert [(c.namespace, c.region) for c in chime.calls()] == [("chime", "us-east-1")]
        assert list_queries(chime) == [{"max-results": "99", "product-type": "BusinessCalling"}]
        assert run(capsys, "plan", "--template", str(template)).code == 0

    def test_a_number_changed_by_hand_after_adopt_shows_as_drift(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # The loop's negative: plan is not "exit 0 whatever the template says".
        seed_team_numbers(chime)
        template = tmp_path / "Adopted.template.json"
        assert run(capsys, "adopt", *VOICE, "--format", "json", "--output", str(template)).code == 0
        # (a direct backend call: not in the call log, so not taken for adopt's)
        chime.update_phone_number("chime-sdk-voice", SUPPORT_LINE, {"Name": "Renamed"})
        planned = run(capsys, "plan", "--template", str(template))
        assert planned.code == 2
        assert f'1. UpdatePhoneNumber {SUPPORT_LINE} Name="Support line"' in planned.out


class TestListing:
    def test_pages_follow_next_token_at_the_models_page_size(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str]
    ) -> None:
        numbers = [f"+1206555{index:04d}" for index in range(150)]
        for number in numbers:
            chime.seed_number(number, product_type="VoiceConnector")
        result = run(capsys, "adopt", *VOICE, "--format", "json")
        assert result.code == 0, result.err
        resources = json.loads(result.out)["Resources"]
        assert [r["Properties"]["PhoneNumberId"] for r in resources.values()] == numbers
        queries = list_queries(chime)
        assert [query["max-results"] for query in queries] == ["100", "100"]
        assert "next-token" not in queries[0]
        assert queries[1]["next-token"]

    def test_throttled_pages_are_retried_like_every_call(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str]
    ) -> None:
        seed_team_numbers(chime)
        chime.inject_faults(429, times=3, operation="ListPhoneNumbers")
        clock = SteppedClock()
        result = run(capsys, "adopt", *VOICE, clock=clock)
        assert result.code == 0
        assert '"Number12065550100",' in result.out
        assert [c.status for c in chime.calls()] == [429, 429, 429, 200]
        assert len(clock.sleeps) == 3

    def test_throttling_past_the_budget_is_an_error_naming_the_option(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str]
    ) -> None:
        seed_team_numbers(chime)
        chime.inject_faults(429, times=10_000, operation="ListPhoneNumbers")
        result = run(capsys, "adopt", *VOICE, "--timeout", "20", clock=SteppedClock())
        assert (result.code, result.out) == (1, "")
        message = result.err
        assert message.startswith("error: ListPhoneNumbers on page 1: Chime throttled; gave up ")
        assert message.rstrip().endswith("within adopt's time budget (--timeout)")

    @pytest.mark.parametrize(
        ("status", "code", "message"),
        [
            (403, "AccessDeniedException", "AccessDeniedException (HTTP 403): Injected fault"),
            # NotFound names no number here: it is not GetPhoneNumber's "number not found".
            (404, "NotFoundException", "NotFoundException (HTTP 404)"),
        ],
    )
    def test_refusals_are_errors_not_crashes(
        self,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        status: int,
        code: str,
        message: str,
    ) -> None:
        chime.inject_faults(status, times=1, operation="ListPhoneNumbers", code=code)
        result = run(capsys, "adopt", *VOICE)
        assert (result.code, result.out) == (1, "")
        assert result.err == f"error: ListPhoneNumbers on page 1 failed: {message}\n"

    def test_one_log_line_per_page_without_values(
        self,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        caplog.set_level(logging.INFO, logger="phone_number_settings_chime")
        seed_team_numbers(chime)
        assert run(capsys, "adopt", *VOICE).code == 0
        [line] = [r.getMessage() for r in caplog.records]
        assert line == "ListPhoneNumbers page 1 (chime-sdk-voice us-west-2): ok, attempts=1"

    def test_a_repeated_next_token_stops_the_listing(self) -> None:
        # A service bug the fake does not have: botocore's own Stubber plays it.
        client = boto3.client(
            "chime-sdk-voice",
            region_name="us-west-2",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=CLIENT_CONFIG,
        )
        gateway = ChimeGateway(client, namespace=Namespace.CHIME_SDK_VOICE, region="us-west-2")
        with Stubber(client) as stubber:
            page: dict[str, Any] = {"PhoneNumbers": [{"PhoneNumberId": SUPPORT_LINE}]}
            stubber.add_response("list_phone_numbers", {**page, "NextToken": "same"})
            stubber.add_response("list_phone_numbers", {**page, "NextToken": "same"})
            with pytest.raises(ChimeApiError) as raised:
                gateway.list_phone_numbers(Deadline.after(10))
        assert raised.value.code == "RepeatedNextToken"
        assert str(raised.value) == (
            "ListPhoneNumbers on page 2 returned a NextToken it had returned before; stopped"
        )


class TestOptions:
    def test_numbers_narrow_the_output_and_missing_ones_fail(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str]
    ) -> None:
        seed_team_numbers(chime)
        narrowed = run(capsys, "adopt", *VOICE, "--number", SALES_LINE, "--format", "json")
        assert narrowed.code == 0
        [resource] = json.loads(narrowed.out)["Resources"].values()
        assert resource["Properties"]["PhoneNumberId"] == SALES_LINE

        missing = run(capsys, "adopt", *VOICE, "--number", SALES_LINE, "--number", "+15550000000")
        assert (missing.code, missing.out) == (1, "")
        assert missing.err == (
            "error: not found in chime-sdk-voice (us-west-2): +15550000000; "
            "check the numbers, --namespace and --region\n"
        )

    def test_product_type_is_a_server_side_filter(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str]
    ) -> None:
        seed_team_numbers(chime)
        result = run(capsys, "adopt", *VOICE, "--product-type", "SipMediaApplicationDialIn")
        assert result.code == 0
        assert list_queries(chime) == [
            {"max-results": "100", "product-type": "SipMediaApplicationDialIn"}
        ]
        assert '"Number12065550100"' in result.out
        assert "12065550101" not in result.out

    def test_output_never_overwrites_a_file(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        seed_team_numbers(chime)
        existing = tmp_path / "app.py"
        existing.write_text("my app\n")
        result = run(capsys, "adopt", *VOICE, "--output", str(existing))
        assert result.code == 1
        assert result.err == f"error: {existing} exists; adopt never overwrites a file\n"
        assert existing.read_text() == "my app\n"
        assert chime.calls() == []

    def test_no_numbers_at_all_is_an_error(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str]
    ) -> None:
        result = run(capsys, "adopt", *VOICE)
        assert result.code == 1
        assert (
            result.err
            == "error: ListPhoneNumbers found no numbers in chime-sdk-voice (us-west-2)\n"
        )

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (
                ["--namespace", "chime", "--region", "us-west-2"],
                "error: --region us-west-2: Namespace chime (the legacy API) is served only "
                "from us-east-1",
            ),
            (["--region", "Oregon"], "error: --region Oregon: must be an AWS Region name"),
            (
                [*VOICE, "--product-type", "BusinessCalling"],
                "error: --product-type BusinessCalling: BusinessCalling is not offered by "
                "Namespace chime-sdk-voice",
            ),
            ([*VOICE, "--number", "2065550100"], "error: --number 2065550100: must be an E.164"),
            ([*VOICE, "--format", "toml"], "argument --format: invalid choice: 'toml'"),
            (["--namespace", "voice"], "argument --namespace: invalid Namespace value: 'voice'"),
        ],
    )
    def test_bad_options_exit_1_before_any_call(
        self,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        argv: list[str],
        message: str,
    ) -> None:
        result = run(capsys, "adopt", *argv)
        assert result.code == 1
        assert message in result.err
        assert chime.calls() == []


class TestRegionFromTheConfiguration:
    """Without --region, adopt reads the Region as plan does: the standard AWS configuration."""

    @pytest.mark.parametrize("variable", ["AWS_REGION", "AWS_DEFAULT_REGION"])
    def test_the_environment_names_the_region(
        self,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        variable: str,
    ) -> None:
        seed_team_numbers(chime)
        monkeypatch.delenv("AWS_REGION")
        monkeypatch.delenv("AWS_DEFAULT_REGION")
        monkeypatch.setenv(variable, "eu-central-1")
        result = run(capsys, "adopt", "--format", "yaml")
        assert result.code == 0, result.err
        assert {call.region for call in chime.calls("ListPhoneNumbers")} == {"eu-central-1"}
        assert "--region eu-central-1" in result.out  # the command that reads them again
        assert "listed in chime-sdk-voice (eu-central-1)" in result.err

    def test_a_profile_names_the_region(
        self,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
    ) -> None:
        seed_team_numbers(chime)
        monkeypatch.delenv("AWS_REGION")
        monkeypatch.delenv("AWS_DEFAULT_REGION")
        config = tmp_path / "aws-config"
        config.write_text("[profile telephony]\nregion = ca-central-1\n")
        monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
        monkeypatch.setenv("AWS_PROFILE", "telephony")
        result = run(capsys, "adopt", "--format", "json")
        assert result.code == 0, result.err
        assert {call.region for call in chime.calls("ListPhoneNumbers")} == {"ca-central-1"}

    def test_the_option_wins_over_the_environment(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str]
    ) -> None:
        seed_team_numbers(chime)
        result = run(capsys, "adopt", "--region", "eu-west-1", "--format", "yaml")
        assert result.code == 0, result.err
        assert {call.region for call in chime.calls("ListPhoneNumbers")} == {"eu-west-1"}

    def test_no_region_anywhere_is_an_error_before_any_call(
        self,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.delenv("AWS_REGION")
        monkeypatch.delenv("AWS_DEFAULT_REGION")
        result = run(capsys, "adopt")
        assert result.code == 1
        assert result.err == (
            "error: no Region for namespace chime-sdk-voice: give --region, or set AWS_REGION "
            "(or a profile's region)\n"
        )
        assert chime.calls() == []

    def test_a_malformed_configured_region_is_refused_by_the_rules(
        self,
        chime: ChimeBackend,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("AWS_REGION", "Oregon")
        result = run(capsys, "adopt")
        assert result.code == 1
        assert "error: configured Region Oregon: must be an AWS Region name" in result.err
        assert chime.calls() == []


def test_version_is_the_one_in_pyproject(capsys: pytest.CaptureFixture[str]) -> None:
    declared = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert __version__ == declared
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"phone-number-settings {declared}\n"
