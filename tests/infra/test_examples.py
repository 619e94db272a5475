"""The examples/ folder: TypeScript type-checked and synthesised, every template through cfn-lint.

The commands are the ones README documents: ``tsc`` and ``cdk synth`` with the pinned
tools, and ``cfn-lint --append-rules phone_number_settings_cfn_lint``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from phone_number_settings_core.properties import parse_properties
from phone_number_settings_core.rules import (
    CLOUDFORMATION_PROPERTIES,
    RESOURCE_PROPERTIES,
    RESOURCE_TYPE,
    SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS,
)
from phone_number_settings_templates.parameters import (
    declared_parameters,
    parameter_values,
    resolve,
)
from phone_number_settings_templates.reader import as_passed, load_template
from tests.infra.conftest import NODE_BIN, REPO_ROOT, VENV_BIN, run
from tests.lint_expectations import MISTAKES, RULES_MODULE, expected_findings

EXAMPLES = REPO_ROOT / "examples"
YAML_EXAMPLE = EXAMPLES / "cloudformation" / "phone-numbers.yaml"
SAM_EXAMPLE = EXAMPLES / "sam" / "template.yaml"
TYPESCRIPT = EXAMPLES / "typescript"
TSC = TYPESCRIPT / "node_modules" / ".bin" / "tsc"
TYPESCRIPT_STACK = "PhoneNumbersTypeScript"
# cfn-lint --format parseable: file:line:column:end line:end column:rule:message
PARSEABLE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):\d+:\d+:\d+:(?P<rule>[EWI]\d+):")


def pinned(constraints: str, name: str) -> str:
    (version,) = re.findall(rf"^{re.escape(name)}==(\S+)$", constraints, re.MULTILINE)
    return str(version)


# A number of seconds or minutes in a comment ("300 s", "5 minutes").
DURATION_IN_COMMENT = re.compile(r"(#|//).*\b\d+\s*(s|seconds?|min|minutes?)\b")


@pytest.mark.parametrize(
    ("example", "service_timeout"),
    [
        (YAML_EXAMPLE, re.compile(r"ServiceTimeout: (\d+)")),
        (SAM_EXAMPLE, re.compile(r"ServiceTimeout: (\d+)")),
        (TYPESCRIPT / "app.ts", re.compile(r"SERVICE_TIMEOUT = Duration\.seconds\((\d+)\)")),
    ],
)
def test_examples_wait_the_shared_providers_service_timeout_and_comments_state_no_duration(
    example: Path, service_timeout: re.Pattern[str]
) -> None:
    text = example.read_text()
    timeouts = service_timeout.findall(text)
    assert timeouts
    assert set(timeouts) == {str(SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS)}
    assert not DURATION_IN_COMMENT.findall(text), DURATION_IN_COMMENT.findall(text)


def test_typescript_pins_the_aws_cdk_lib_and_constructs_of_the_python_side() -> None:
    constraints = (REPO_ROOT / "constraints.txt").read_text()
    package = json.loads((TYPESCRIPT / "package.json").read_text())
    lock = json.loads((TYPESCRIPT / "package-lock.json").read_text())["packages"]
    expected = {
        "aws-cdk-lib": pinned(constraints, "aws-cdk-lib"),
        "constructs": pinned(constraints, "constructs"),
    }
    assert package["dependencies"] == expected
    assert {name: lock[f"node_modules/{name}"]["version"] for name in expected} == expected
    # Exact versions only, in package.json as in the lock file.
    typescript = package["devDependencies"]["typescript"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", typescript)
    assert lock["node_modules/typescript"]["version"] == typescript


def example_custom_resources(template: Any) -> dict[str, dict[str, Any]]:
    """Each Custom::PhoneNumberSettings' properties as CloudFormation would send them."""
    values = parameter_values(declared_parameters(template), {})
    return {
        logical_id: dict(as_passed(resolve(resource["Properties"], values)))  # type: ignore[call-overload]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == RESOURCE_TYPE
    }


# Session, not class scope: the worker may run other groups' tests between these, and a
# class fixture would then be set up (a 5 s synth) again.
@pytest.fixture(scope="session")
def synthesised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TypeScript app through the pinned CDK CLI (its cdk.json runs ``node app.ts``)."""
    outdir = tmp_path_factory.mktemp("typescript-cdk-out")
    result = run(
        [str(NODE_BIN / "cdk"), "synth", "--quiet", "--output", str(outdir)], cwd=TYPESCRIPT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return outdir / f"{TYPESCRIPT_STACK}.template.json"


@pytest.mark.slow
@pytest.mark.xdist_group("examples")
class TestTypeScript:
    def test_tsc_type_checks_the_app(self) -> None:
        result = run([str(TSC), "-p", str(TYPESCRIPT)], cwd=TYPESCRIPT)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")

    def test_tsc_refuses_a_product_type_the_handler_does_not_know(self, tmp_path: Path) -> None:
        # GIVEN the app with a misspelt ProductType, beside the example's own packages
        for name in ("package.json", "tsconfig.json"):
            (tmp_path / name).write_text((TYPESCRIPT / name).read_text())
        (tmp_path / "node_modules").symlink_to(TYPESCRIPT / "node_modules")
        source = (TYPESCRIPT / "app.ts").read_text()
        broken = source.replace("productType: 'BusinessCalling'", "productType: 'Business'")
        assert broken != source
        (tmp_path / "app.ts").write_text(broken)
        # WHEN type-checked THEN tsc names the line and the allowed values
        result = run([str(TSC), "-p", str(tmp_path)], cwd=tmp_path)
        assert result.returncode != 0
        assert re.search(
            r"app\.ts\(\d+,\d+\): error TS2322: Type '\"Business\"' is not assignable",
            result.stdout,
        ), result.stdout

    def test_synthesised_properties_are_what_the_handler_accepts(self, synthesised: Path) -> None:
        template = json.loads(synthesised.read_text())
        resources = example_custom_resources(template)
        assert list(resources) == ["SupportLine", "FrontDesk", "CampaignLine"]
        for properties in resources.values():
            assert set(properties) <= {*RESOURCE_PROPERTIES, *CLOUDFORMATION_PROPERTIES}
            # The handler's own parser, as at deploy (AWS_REGION being us-west-2).
            parse_properties(properties, default_region="us-west-2")
        # The same three numbers as the YAML example, and the same deletion policies.
        assert resources == example_custom_resources(load_template(YAML_EXAMPLE))
        policies = {
            logical_id: resource["DeletionPolicy"]
            for logical_id, resource in template["Resources"].items()
            if resource["Type"] == RESOURCE_TYPE
        }
        assert policies == {
            "SupportLine": "Retain",
            "FrontDesk": "Retain",
            "CampaignLine": "Delete",
        }

    def test_cfn_lint_with_the_rules_passes_every_example_and_finds_each_mistake(
        self, synthesised: Path
    ) -> None:
        # One cfn-lint run (as README shows it) over the examples and the template of mistakes.
        # The templates come first: --append-rules takes every word after it.
        files = [YAML_EXAMPLE, SAM_EXAMPLE, synthesised, MISTAKES]
        result = run(
            [
                str(VENV_BIN / "cfn-lint"), *map(str, files),
                "--append-rules", RULES_MODULE, "--format", "parseable",
            ],
            cwd=REPO_ROOT,
        )  # fmt: skip
        findings = {
            (Path(found["file"]).name, int(found["line"]), found["rule"])
            for line in result.stdout.splitlines()
            if (found := PARSEABLE.match(line))
        }
        expected = {(MISTAKES.name, line, rule) for line, rule in expected_findings()}
        assert len(result.stdout.splitlines()) == len(findings)  # every line parsed
        assert findings == expected, result.stdout + result.stderr
        assert result.returncode == 2  # errors found (in the template of mistakes only)
