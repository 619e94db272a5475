"""``plan`` reads cloud assemblies and YAML templates (short forms, parameters, SAM)."""

from __future__ import annotations

from pathlib import Path

import pytest

from phone_number_settings_fakes.chime import ChimeBackend
from phone_number_settings_templates.reader import load_template
from tests.functional.cli.plan_support import (
    EXAMPLE_CALLS,
    NUMBER,
    OTHER,
    SAM_EXAMPLE,
    YAML_EXAMPLE,
    calls_of,
    only,
    plan,
    seed_example_numbers,
    template,
    without_sources,
    write,
)


class TestCloudAssembly:
    def test_stacks_of_an_assembly_and_a_nested_one(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # GIVEN cdk.out with a stack in ap-southeast-2, one of unknown region, and a Stage
        out = tmp_path / "cdk.out"
        write(out / "Sydney.template.json", template(("A", {"PhoneNumberId": NUMBER, "Name": "a"})))
        write(
            out / "Anywhere.template.json", template(("B", {"PhoneNumberId": OTHER, "Name": "b"}))
        )
        write(
            out / "assembly-Prod" / "ProdTelephony.template.json",
            template(("C", {"PhoneNumberId": NUMBER, "Namespace": "chime", "CallingName": "Acme"})),
        )
        write(
            out / "manifest.json",
            {
                "version": "48.0.0",
                "artifacts": {
                    "Sydney": {
                        "type": "aws:cloudformation:stack",
                        "environment": "aws://123456789012/ap-southeast-2",
                        "properties": {"templateFile": "Sydney.template.json"},
                    },
                    "Anywhere": {
                        "type": "aws:cloudformation:stack",
                        "environment": "aws://unknown-account/unknown-region",
                        "properties": {
                            "templateFile": "Anywhere.template.json",
                            "stackName": "anywhere-stack",
                        },
                    },
                    "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
                    "assembly-Prod": {
                        "type": "cdk:cloud-assembly",
                        "properties": {"directoryName": "assembly-Prod", "displayName": "Prod"},
                    },
                },
            },
        )
        write(
            out / "assembly-Prod" / "manifest.json",
            {
                "version": "48.0.0",
                "artifacts": {
                    "ProdTelephony": {
                        "type": "aws:cloudformation:stack",
                        "environment": "aws://123456789012/eu-west-1",
                        "properties": {
                            "templateFile": "ProdTelephony.template.json",
                            "stackName": "Prod-Telephony",
                        },
                    }
                },
            },
        )
        chime.seed_number(NUMBER, name="a", calling_name="Acme")
        chime.seed_number(OTHER, name="b")
        # WHEN the assembly is planned
        result = plan(capsys, "--app", str(out), "--json")
        # THEN every stack's resource, each read in its stack's region
        assert result.code == 0, result
        located = [
            (r["stack"], r["logical_id"], r["region"], r["status"])
            for r in result.json()["resources"]
        ]
        assert located == [
            ("Sydney", "A", "ap-southeast-2", "no_change"),
            ("anywhere-stack", "B", "us-west-2", "no_change"),
            ("Prod-Telephony", "C", "us-east-1", "no_change"),
        ]
        assert sorted((c.phone_number_id, c.region) for c in chime.calls()) == [
            (NUMBER, "ap-southeast-2"),
            (NUMBER, "us-east-1"),
            (OTHER, "us-west-2"),
        ]

    def test_assembly_without_manifest_is_an_error(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        result = plan(capsys, "--app", str(tmp_path))
        assert result.code == 1
        assert "cannot read cloud assembly manifest" in result.err
        assert result.out == ""


class TestYamlTemplates:
    def test_the_yaml_example_plans_exactly_as_the_same_template_in_json(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        # GIVEN the YAML example (short forms, a parameter default) and the same as JSON
        seed_example_numbers(chime)
        as_json = write(tmp_path / "phone-numbers.json", dict(load_template(YAML_EXAMPLE)))
        # WHEN both are planned
        from_yaml = plan(capsys, "--template", str(YAML_EXAMPLE), "--json")
        from_json = plan(capsys, "--template", str(as_json), "--json")
        # THEN the same plan, and it is a real one: every number read, the calls diffed
        assert from_yaml.code == from_json.code == 2
        assert without_sources(from_yaml.json()) == without_sources(from_json.json())
        resources = from_yaml.json()["resources"]
        assert [(r["stack"], r["logical_id"]) for r in resources] == [
            ("phone-numbers", name) for name, _ in EXAMPLE_CALLS
        ]
        assert [(r["logical_id"], calls_of(r)) for r in resources] == EXAMPLE_CALLS
        # The !ImportValue ServiceToken is the provider's, not a value "known at deploy".
        assert {r["status"] for r in resources} == {"change"}
        reads = sorted((c.phone_number_id, c.namespace, c.region) for c in chime.calls())
        assert reads == sorted(
            2  # once per plan
            * [
                (NUMBER, "chime-sdk-voice", "us-west-2"),
                ("+12065550101", "chime", "us-east-1"),
                ("+12065550102", "chime-sdk-voice", "us-west-2"),
            ]
        )

    def test_a_given_parameter_takes_the_place_of_the_default(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str]
    ) -> None:
        seed_example_numbers(chime)
        result = plan(
            capsys,
            "--template", str(YAML_EXAMPLE),
            "--parameter", "CampaignName=Summer campaign",
            "--json",
        )  # fmt: skip
        (campaign,) = [r for r in result.json()["resources"] if r["logical_id"] == "CampaignLine"]
        assert calls_of(campaign) == [("Name", "Summer campaign")]

    def test_a_parameter_the_template_lacks_exits_1(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        result = plan(capsys, "--template", str(YAML_EXAMPLE), "--parameter", "Campaign=x")
        assert result.code == 1
        assert f"error: --parameter Campaign: not a parameter of {YAML_EXAMPLE}" in result.err

    def test_the_sam_example_plans_with_its_dynamic_reference_service_token(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str]
    ) -> None:
        seed_example_numbers(chime)
        result = plan(capsys, "--template", str(SAM_EXAMPLE), "--json")
        assert result.code == 2
        resources = result.json()["resources"]
        assert [(r["logical_id"], calls_of(r)) for r in resources] == EXAMPLE_CALLS

    def test_yaml_values_that_depend_on_the_deploy_stay_known_at_deploy(
        self, chime: ChimeBackend, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        chime.seed_number(NUMBER, calling_name="Acme")
        path = tmp_path / "Telephony.yaml"
        path.write_text(
            "Parameters:\n"
            "  Team: {Type: String, Default: Support}\n"
            "Resources:\n"
            "  Line:\n"
            "    Type: Custom::PhoneNumberSettings\n"
            "    Properties:\n"
            "      ServiceToken: !ImportValue PhoneNumberSettings-ServiceToken\n"
            f'      PhoneNumberId: "{NUMBER}"\n'
            '      CallingName: !Sub "${Team} ${AWS::StackName}"\n'
            '      Name: "{{resolve:ssm:/acme/line-name}}"\n'
        )
        result = plan(capsys, "--template", str(path), "--json")
        assert result.code == 2
        resource = only(result)
        assert resource["status"] == "known_at_deploy"
        assert resource["calls"] == []
        assert [(d["detail"], d["state"], d["expression"]) for d in resource["details"]] == [
            ("Name", "known_at_deploy", '"{{resolve:ssm:/acme/line-name}}"'),
            ("CallingName", "known_at_deploy", '{"Fn::Sub":"${Team} ${AWS::StackName}"}'),
        ]
