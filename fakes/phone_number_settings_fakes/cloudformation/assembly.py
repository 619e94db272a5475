"""Synthesise with the pinned CDK CLI and read a cloud assembly as CloudFormation would see it."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from phone_number_settings_core.rules import RESOURCE_TYPE

REPO_ROOT: Final = Path(__file__).resolve().parents[3]
NODE_BIN: Final = REPO_ROOT / "node_modules" / ".bin"
VENV_BIN: Final = Path(sys.executable).parent
EXAMPLE_STACK: Final = "PhoneNumberSettingsExample"
FUNCTION_TYPE: Final = "AWS::Lambda::Function"
# Lambda's default when a function declares no Timeout.
DEFAULT_LAMBDA_TIMEOUT_SECONDS: Final = 3
DEFAULT_LAMBDA_MEMORY_MB: Final = 128


class AssemblyError(Exception):
    """The cloud assembly is not shaped as the driver expects."""


def cli_env() -> dict[str, str]:
    """The caller's environment with pinned Node and the venv first, and a quiet CDK CLI."""
    ahead = [str(NODE_BIN), str(VENV_BIN)]
    rest = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p not in ahead]
    return {
        **os.environ,
        "PATH": os.pathsep.join(ahead + rest),
        "CDK_DISABLE_VERSION_CHECK": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }


@dataclass(frozen=True)
class Synthesis:
    """A cloud assembly the CLI wrote, and what the CLI printed while writing it."""

    outdir: Path
    stdout: str
    stderr: str


def synth_example_app(outdir: Path, timeout: float = 300) -> Synthesis:
    """``cdk synth -o outdir`` of the example app (cdk.json) with the pinned CLI."""
    completed = subprocess.run(
        [str(NODE_BIN / "cdk"), "synth", "--quiet", "--output", str(outdir)],
        cwd=REPO_ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        raise AssemblyError(
            f"cdk synth failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
        )
    return Synthesis(outdir, completed.stdout, completed.stderr)


@dataclass(frozen=True)
class FunctionSpec:
    """What Lambda needs to run one AWS::Lambda::Function of the template."""

    logical_id: str
    asset_dir: Path
    handler: str
    timeout_seconds: int
    memory_mb: int
    environment: Mapping[str, str]
    runtime: str
    # LoggingConfig: LogFormat ("Text" when absent) and ApplicationLogLevel (JSON only).
    log_format: str = "Text"
    application_log_level: str | None = None


@dataclass(frozen=True)
class CustomResourceSpec:
    """One Custom::PhoneNumberSettings of the template, properties as CloudFormation sends them."""

    logical_id: str
    function_logical_id: str
    properties: Mapping[str, Any]  # without ServiceToken, every scalar a string
    deletion_policy: str  # "Delete" when absent
    update_replace_policy: str
    # The export a ServiceToken ``Fn::ImportValue`` names; function_logical_id is then "" and
    # the driver finds the function in the stack that exports it.
    service_token_import: str | None = None


@dataclass(frozen=True)
class StackTemplate:
    """A stack template plus the cloud assembly directory its asset paths are relative to."""

    name: str
    body: Mapping[str, Any]
    assembly_dir: Path

    @property
    def resources(self) -> Mapping[str, Any]:
        resources: Mapping[str, Any] = self.body.get("Resources", {})
        return resources

    def custom_resources(self) -> list[CustomResourceSpec]:
        """Every Custom::PhoneNumberSettings, in template order."""
        return [
            self.custom_resource(logical_id)
            for logical_id, resource in self.resources.items()
            if resource.get("Type") == RESOURCE_TYPE
        ]

    def custom_resource(self, logical_id: str) -> CustomResourceSpec:
        resource = self.resources[logical_id]
        properties = dict(resource.get("Properties", {}))
        token = properties.pop("ServiceToken", None)
        imported = _import_value(token)
        function_id = "" if imported else _get_att_arn(token)
        if function_id is None or (
            not imported and self.resources.get(function_id, {}).get("Type") != FUNCTION_TYPE
        ):
            raise AssemblyError(
                f"{logical_id}: ServiceToken must be Fn::GetAtt [<AWS::Lambda::Function>, Arn] "
                "or Fn::ImportValue of an export name"
            )
        return CustomResourceSpec(
            logical_id=logical_id,
            function_logical_id=function_id,
            service_token_import=imported,
            properties={key: cloudformation_value(value) for key, value in properties.items()},
            deletion_policy=str(resource.get("DeletionPolicy", "Delete")),
            update_replace_policy=str(resource.get("UpdateReplacePolicy", "Delete")),
        )

    def exported_functions(self) -> dict[str, str]:
        """Export name -> function logical id, for Outputs exporting a function's Arn."""
        exported = {}
        for output in self.body.get("Outputs", {}).values():
            name = output.get("Export", {}).get("Name")
            function_id = _get_att_arn(output.get("Value"))
            if isinstance(name, str) and function_id is not None:
                exported[name] = function_id
        return exported

    def function(self, logical_id: str) -> FunctionSpec:
        resource = self.resources[logical_id]
        properties = resource.get("Properties", {})
        asset_path = resource.get("Metadata", {}).get("aws:asset:path")
        if not asset_path:
            raise AssemblyError(f"{logical_id}: no aws:asset:path metadata")
        asset_dir = self.assembly_dir / asset_path
        if not asset_dir.is_dir():
            raise AssemblyError(f"{logical_id}: asset directory {asset_dir} is missing")
        variables = properties.get("Environment", {}).get("Variables", {})
        logging_config = properties.get("LoggingConfig", {})
        return FunctionSpec(
            logical_id=logical_id,
            asset_dir=asset_dir,
            handler=str(properties["Handler"]),
            timeout_seconds=int(properties.get("Timeout", DEFAULT_LAMBDA_TIMEOUT_SECONDS)),
            memory_mb=int(properties.get("MemorySize", DEFAULT_LAMBDA_MEMORY_MB)),
            environment={k: cloudformation_value(v) for k, v in variables.items()},
            runtime=str(properties.get("Runtime", "")),
            log_format=str(logging_config.get("LogFormat", "Text")),
            application_log_level=logging_config.get("ApplicationLogLevel"),
        )

    def edited(self, logical_id: str, **changes: Any) -> StackTemplate:
        """A copy with some of the resource's Properties (or policies) changed; None removes.

        Keys ``DeletionPolicy`` and ``UpdateReplacePolicy`` set the resource attributes.
        """
        body = copy.deepcopy(dict(self.body))
        resource = body["Resources"][logical_id]
        for key, value in changes.items():
            target = (
                resource
                if key in ("DeletionPolicy", "UpdateReplacePolicy")
                else resource["Properties"]
            )
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
        return StackTemplate(self.name, body, self.assembly_dir)

    def renamed(self, logical_id: str, new_logical_id: str) -> StackTemplate:
        """A copy in which the resource has another logical id, in the same place (a
        refactor, a construct moved); references to it are not rewritten."""
        body = copy.deepcopy(dict(self.body))
        body["Resources"] = {
            (new_logical_id if key == logical_id else key): value
            for key, value in body["Resources"].items()
        }
        return StackTemplate(self.name, body, self.assembly_dir)

    def with_function_asset(self, logical_id: str, asset_dir: Path) -> StackTemplate:
        """A copy whose function ``logical_id`` runs the code in ``asset_dir`` instead."""
        body = copy.deepcopy(dict(self.body))
        metadata = body["Resources"][logical_id].setdefault("Metadata", {})
        metadata["aws:asset:path"] = str(asset_dir.resolve())
        return StackTemplate(self.name, body, self.assembly_dir)

    def without(self, logical_id: str) -> StackTemplate:
        body = copy.deepcopy(dict(self.body))
        del body["Resources"][logical_id]
        return StackTemplate(self.name, body, self.assembly_dir)


def _get_att_arn(token: object) -> str | None:
    if isinstance(token, dict) and set(token) == {"Fn::GetAtt"}:
        target = token["Fn::GetAtt"]
        if isinstance(target, list) and len(target) == 2 and target[1] == "Arn":
            return str(target[0])
    return None


def _import_value(token: object) -> str | None:
    if isinstance(token, dict) and set(token) == {"Fn::ImportValue"}:
        name = token["Fn::ImportValue"]
        return name if isinstance(name, str) else None
    return None


def cloudformation_value(value: Any) -> Any:
    """A template value as CloudFormation hands it to a custom resource: scalars as strings.

    Intrinsic functions are not resolved here (the stacks under test use none in these
    properties); meeting one is an error rather than a silently wrong event.
    """
    if isinstance(value, dict):
        if any(key == "Ref" or key.startswith("Fn::") for key in value):
            raise AssemblyError(f"intrinsic function not supported by the driver: {value}")
        return {key: cloudformation_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [cloudformation_value(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class CloudAssembly:
    directory: Path

    @property
    def manifest(self) -> Mapping[str, Any]:
        manifest: Mapping[str, Any] = json.loads((self.directory / "manifest.json").read_text())
        return manifest

    def stack_names(self) -> list[str]:
        return [
            name
            for name, artifact in self.manifest.get("artifacts", {}).items()
            if artifact.get("type") == "aws:cloudformation:stack"
        ]

    def stack(self, name: str) -> StackTemplate:
        artifact = self.manifest["artifacts"][name]
        template_file = artifact["properties"]["templateFile"]
        body = json.loads((self.directory / template_file).read_text())
        return StackTemplate(name, body, self.directory)


def asset_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path


def zipped_size(root: Path) -> int:
    """Bytes of the asset zipped the way CDK does (deflate), bytecode left out."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in asset_files(root):
            archive.write(path, path.relative_to(root).as_posix())
    return len(buffer.getvalue())
