"""Read CloudFormation templates and cloud assemblies into PhoneNumberSettings declarations.

No AWS calls and no aws_cdk: only JSON files. A template of a cloud assembly is found
through ``manifest.json`` (artifacts of type ``aws:cloudformation:stack``); nested
assemblies (``cdk:cloud-assembly``, as CDK Stages write them) are followed too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from phone_number_settings_core.rules import RESOURCE_TYPE

STACK_ARTIFACT: Final = "aws:cloudformation:stack"
NESTED_ASSEMBLY_ARTIFACT: Final = "cdk:cloud-assembly"
MANIFEST: Final = "manifest.json"
_UNKNOWN_REGION: Final = "unknown-region"
_INTRINSIC_REF: Final = "Ref"
_INTRINSIC_PREFIX: Final = "Fn::"
_EXPRESSION_SHOWN_CHARS: Final = 60


class TemplateError(Exception):
    """A template or cloud assembly cannot be read."""


@dataclass(frozen=True)
class ResourceDeclaration:
    """One ``Custom::PhoneNumberSettings`` resource as a template declares it."""

    stack: str
    logical_id: str
    # The template's Properties, top-level scalars as CloudFormation passes them (strings).
    properties: object = field(hash=False)
    # The stack's region when the cloud assembly names it; None when not known.
    stack_region: str | None = None
    source: str = ""
    condition: str | None = None


def is_intrinsic(value: object) -> bool:
    """True for a value CloudFormation resolves at deploy: ``{"Ref": ..}``, ``{"Fn::..": ..}``."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return False
    (key,) = value
    return isinstance(key, str) and (key == _INTRINSIC_REF or key.startswith(_INTRINSIC_PREFIX))


def shown_expression(value: object) -> str:
    """A short, one-line rendering of an intrinsic, e.g. ``{"Ref": "CallingNameParam"}``."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True)
    if len(text) > _EXPRESSION_SHOWN_CHARS:
        return text[: _EXPRESSION_SHOWN_CHARS - 3] + "..."
    return text


def region_of_environment(environment: object) -> str | None:
    """The region of a manifest environment ``aws://ACCOUNT/REGION``, if it names one."""
    if not isinstance(environment, str) or not environment.startswith("aws://"):
        return None
    _, _, region = environment.removeprefix("aws://").partition("/")
    return region if region and region != _UNKNOWN_REGION else None


def read_template(
    path: Path, *, stack: str | None = None, stack_region: str | None = None
) -> tuple[ResourceDeclaration, ...]:
    """Every ``Custom::PhoneNumberSettings`` of one template JSON file, in template order."""
    template = _load_json(path, "template")
    if not isinstance(template, Mapping):
        raise TemplateError(f"{path}: a template must be a JSON object")
    resources = template.get("Resources", {})
    if not isinstance(resources, Mapping):
        raise TemplateError(f"{path}: Resources must be a JSON object")
    stack_name = stack or path.name.removesuffix(".json").removesuffix(".template")
    declarations = []
    for logical_id, resource in resources.items():
        if not isinstance(resource, Mapping) or resource.get("Type") != RESOURCE_TYPE:
            continue
        condition = resource.get("Condition")
        declarations.append(
            ResourceDeclaration(
                stack=stack_name,
                logical_id=str(logical_id),
                properties=_as_passed(resource.get("Properties", {})),
                stack_region=stack_region,
                source=str(path),
                condition=condition if isinstance(condition, str) else None,
            )
        )
    return tuple(declarations)


def read_assembly(directory: Path) -> tuple[ResourceDeclaration, ...]:
    """The declarations of every stack template of a cloud assembly (e.g. ``cdk.out``)."""
    return tuple(
        declaration
        for template, stack, region in _stack_templates(directory, seen=set())
        for declaration in read_template(template, stack=stack, stack_region=region)
    )


def _stack_templates(directory: Path, *, seen: set[Path]) -> Iterator[tuple[Path, str, str | None]]:
    resolved = directory.resolve()
    if resolved in seen:
        return  # a manifest that points back at an assembly already read
    seen.add(resolved)
    manifest = _load_json(directory / MANIFEST, "cloud assembly manifest")
    artifacts = manifest.get("artifacts", {}) if isinstance(manifest, Mapping) else None
    if not isinstance(artifacts, Mapping):
        raise TemplateError(f"{directory / MANIFEST}: artifacts must be a JSON object")
    for artifact_id, artifact in artifacts.items():
        if not isinstance(artifact, Mapping):
            continue
        properties = artifact.get("properties", {})
        if not isinstance(properties, Mapping):
            continue
        if artifact.get("type") == STACK_ARTIFACT:
            template_file = properties.get("templateFile")
            if not isinstance(template_file, str):
                raise TemplateError(f"{directory / MANIFEST}: {artifact_id} has no templateFile")
            stack_name = properties.get("stackName")
            yield (
                directory / template_file,
                stack_name if isinstance(stack_name, str) else str(artifact_id),
                region_of_environment(artifact.get("environment")),
            )
        elif artifact.get("type") == NESTED_ASSEMBLY_ARTIFACT:
            nested = properties.get("directoryName")
            if isinstance(nested, str):
                yield from _stack_templates(directory / nested, seen=seen)


def _as_passed(properties: object) -> object:
    """Top-level scalars as CloudFormation hands them to a custom resource: strings."""
    if not isinstance(properties, Mapping):
        return properties
    return {key: _scalar_as_string(value) for key, value in properties.items()}


def _scalar_as_string(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def _load_json(path: Path, what: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TemplateError(f"cannot read {what} {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise TemplateError(f"cannot read {what} {path}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateError(
            f"{path}: not JSON ({error.msg} at line {error.lineno}); "
            "only JSON templates are supported"
        ) from None
