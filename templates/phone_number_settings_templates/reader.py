"""Read CloudFormation templates and cloud assemblies into PhoneNumberSettings declarations.

No AWS calls and no aws_cdk. Templates are JSON, or YAML with its short forms (``!Ref``,
``!Sub``, ``!ImportValue``, ...) read by cfn-lint's decoder. A template of a cloud
assembly is found through ``manifest.json`` (artifacts of type ``aws:cloudformation:stack``);
nested assemblies (``cdk:cloud-assembly``, as CDK Stages write them) are followed too.
Parameters with a value before deploy (given, or their Default) are substituted.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from phone_number_settings_core.extras import CFN_LINT, import_extra
from phone_number_settings_core.rules import RESOURCE_TYPE
from phone_number_settings_templates.branches import TemplateValues, with_literals
from phone_number_settings_templates.parameters import (
    declared_parameters,
    parameter_values,
    resolve,
    scalar_as_string,
)

STACK_ARTIFACT: Final = "aws:cloudformation:stack"
NESTED_ASSEMBLY_ARTIFACT: Final = "cdk:cloud-assembly"
MANIFEST: Final = "manifest.json"
_UNKNOWN_REGION: Final = "unknown-region"
_INTRINSIC_REF: Final = "Ref"
_INTRINSIC_PREFIX: Final = "Fn::"
_EXPRESSION_SHOWN_CHARS: Final = 60
# CloudFormation replaces these at deploy, in any string: {{resolve:ssm:/name}} and the like.
_DYNAMIC_REFERENCE: Final = "{{resolve:"
_TEMPLATE_SUFFIXES: Final = (".json", ".yaml", ".yml")
CDK_PATH_METADATA: Final = "aws:cdk:path"
# The ids CDK gives the CfnResource under a construct, innermost first.
_CFN_RESOURCE_IDS: Final = ("Default", "Resource")


class TemplateError(Exception):
    """A template or cloud assembly cannot be read."""


@dataclass(frozen=True)
class TemplateResource:
    """One ``Custom::PhoneNumberSettings`` resource as a template declares it."""

    logical_id: str
    # The template's Properties; the plan passes top-level scalars as CloudFormation does
    # (strings), the lint rules keep them as decoded.
    properties: object = field(hash=False)
    condition: str | None = None
    # The CDK construct's path (its ``aws:cdk:path`` metadata, without the CfnResource's own
    # "Resource/Default"), e.g. "Telephony/SupportLine"; None outside CDK.
    construct_path: str | None = None
    # The template's Conditions section, for telling which resources can exist together.
    template_conditions: Mapping[str, object] = field(
        default_factory=dict, hash=False, compare=False
    )
    # The stack's name ("" when the template alone is read), and its region when the cloud
    # assembly names it (None when not known).
    stack: str = ""
    stack_region: str | None = None
    source: str = ""


@dataclass(frozen=True)
class AssemblyStack:
    """A stack of a cloud assembly, whatever it declares: its name, and its region when the
    manifest names one."""

    name: str
    region: str | None = None


def is_intrinsic(value: object) -> bool:
    """True for a value CloudFormation resolves at deploy: ``{"Ref": ..}``, ``{"Fn::..": ..}``."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return False
    (key,) = value
    return isinstance(key, str) and (key == _INTRINSIC_REF or key.startswith(_INTRINSIC_PREFIX))


def resolved_at_deploy(value: object) -> bool:
    """True for an intrinsic function or a string holding a dynamic reference ``{{resolve:..}}``."""
    return is_intrinsic(value) or (isinstance(value, str) and _DYNAMIC_REFERENCE in value)


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
    path: Path,
    *,
    stack: str | None = None,
    stack_region: str | None = None,
    parameters: Mapping[str, str] | None = None,
) -> tuple[TemplateResource, ...]:
    """Every ``Custom::PhoneNumberSettings`` of one template file, in template order.

    ``parameters`` (``--parameter Key=Value``) take the place of the template's defaults;
    a name the template does not declare is an error.
    """
    given = parameters or {}
    template = load_template(path)
    _check_declared(given, set(declared_parameters(template)), path)
    return _declarations(template, path, stack=stack, stack_region=stack_region, given=given)


def read_assembly(
    directory: Path, *, parameters: Mapping[str, str] | None = None
) -> tuple[TemplateResource, ...]:
    """The declarations of every stack template of a cloud assembly (e.g. ``cdk.out``).

    A parameter given applies to every stack that declares it; one that no stack
    declares is an error.
    """
    given = parameters or {}
    declarations: list[TemplateResource] = []
    declared: set[str] = set()
    for path, stack, region in _stack_templates(directory, seen=set()):
        template = load_template(path)
        declared.update(declared_parameters(template))
        declarations.extend(
            _declarations(template, path, stack=stack, stack_region=region, given=given)
        )
    _check_declared(given, declared, directory)
    return tuple(declarations)


def read_assembly_stacks(directory: Path) -> tuple[AssemblyStack, ...]:
    """Every stack of a cloud assembly (nested assemblies too), in manifest order, including
    stacks that declare no ``Custom::PhoneNumberSettings``."""
    return tuple(
        AssemblyStack(stack, region) for _, stack, region in _stack_templates(directory, seen=set())
    )


def load_template(path: Path) -> Mapping[str, Any]:
    """A template file as plain JSON values (objects, arrays, strings, numbers, booleans).

    JSON is read as JSON; anything else that is not JSON as CloudFormation YAML, short
    forms included, by cfn-lint's decoder (imported only then: it takes half a second).
    """
    text = _read_text(path, "template")
    try:
        template = json.loads(text)
    except json.JSONDecodeError as error:
        if path.suffix == ".json":
            raise TemplateError(f"{path}: not JSON ({error.msg} at line {error.lineno})") from None
        template = _load_yaml(path, text)
        if not isinstance(template, Mapping):
            raise TemplateError(f"{path}: a template must be a YAML mapping") from None
    if not isinstance(template, Mapping):
        raise TemplateError(f"{path}: a template must be a JSON object")
    return template


def _declarations(
    template: Mapping[str, Any],
    path: Path,
    *,
    stack: str | None,
    stack_region: str | None,
    given: Mapping[str, str],
) -> tuple[TemplateResource, ...]:
    resources = template.get("Resources", {})
    if not isinstance(resources, Mapping):
        raise TemplateError(f"{path}: Resources must be a JSON object")
    values = parameter_values(declared_parameters(template), given)
    literals = TemplateValues.of(template, with_parameters=False)
    conditions = template.get("Conditions")
    template_conditions = conditions if isinstance(conditions, Mapping) else {}
    declarations = []
    for logical_id, resource in resources.items():
        if not isinstance(resource, Mapping) or resource.get("Type") != RESOURCE_TYPE:
            continue
        condition = resource.get("Condition")
        declarations.append(
            TemplateResource(
                stack=stack or _stack_name(path),
                logical_id=str(logical_id),
                properties=as_passed(
                    with_literals(resolve(resource.get("Properties", {}), values), literals)
                ),
                stack_region=stack_region,
                source=str(path),
                condition=condition if isinstance(condition, str) else None,
                construct_path=construct_path(resource),
                template_conditions=template_conditions,
            )
        )
    return tuple(declarations)


def construct_path(resource: Mapping[str, Any]) -> str | None:
    """The resource's CDK construct path from its ``aws:cdk:path`` metadata, if it has one.

    CDK writes the path of the CfnResource (``Stack/Line/Resource/Default`` for a
    CustomResource inside a construct); the user named the construct (``Stack/Line``).
    """
    metadata = resource.get("Metadata")
    path = metadata.get(CDK_PATH_METADATA) if isinstance(metadata, Mapping) else None
    if not isinstance(path, str) or not path:
        return None
    for own in _CFN_RESOURCE_IDS:
        path = path.removesuffix(f"/{own}")
    return path


def _stack_name(path: Path) -> str:
    name = path.name
    for suffix in _TEMPLATE_SUFFIXES:
        if name.endswith(suffix):
            name = name.removesuffix(suffix)
            break
    return name.removesuffix(".template")


def _check_declared(given: Mapping[str, str], declared: set[str], where: Path) -> None:
    unknown = sorted(set(given) - declared)
    if unknown:
        raise TemplateError(f"--parameter {', '.join(unknown)}: not a parameter of {where}")


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


def as_passed(properties: object) -> object:
    """Top-level scalars as CloudFormation hands them to a custom resource: strings."""
    if not isinstance(properties, Mapping):
        return properties
    return {key: scalar_as_string(value) for key, value in properties.items()}


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise TemplateError(f"cannot read {what} {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise TemplateError(f"cannot read {what} {path}: not UTF-8 text") from None


def _load_json(path: Path, what: str) -> Any:
    text = _read_text(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateError(f"{path}: not JSON ({error.msg} at line {error.lineno})") from None


def _load_yaml(path: Path, text: str) -> Any:
    # Imported here: half a second, for YAML only, and only the templates extra brings it.
    decode = import_extra("cfnlint.decode", CFN_LINT, needed_for="reading a YAML template")
    template, problems = decode.decode_str(text)
    if problems:
        first = problems[0]
        raise TemplateError(
            f"{path}: not a JSON or YAML template ({first.message} at line {first.linenumber})"
        )
    return _plain(template)


def _plain(value: object) -> object:
    """The decoder's nodes (str and dict subclasses that carry line marks) as plain values."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, datetime.date):  # YAML reads an unquoted 2010-09-09 as a date
        return value.isoformat()
    return value
