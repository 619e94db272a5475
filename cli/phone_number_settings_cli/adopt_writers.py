"""Write an ``Adoption``: Python CDK code for the construct, or a template (YAML or JSON).

- Python: a CDK app with one ``PhoneNumberSettings`` per declared number; the construct
  brings the stack's own provider.
- YAML and JSON: a CloudFormation template whose resources take their ServiceToken from the
  shared provider stack's export (``rules.SHARED_PROVIDER_EXPORT_NAME``).

Every resource keeps its settings when it leaves the stack (Retain, the construct's
default): adopted settings were there before the stack and outlive it. Comments say what
was not declared and why; JSON has no comments, so there they go into Metadata.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from phone_number_settings_cli import __version__
from phone_number_settings_cli.adopt import Adoption
from phone_number_settings_core.rules import (
    CONSTRUCT_KEYWORDS,
    NAMESPACE,
    PHONE_NUMBER_ID,
    PRODUCT_TYPE,
    RESOURCE_TYPE,
    SHARED_PROVIDER_EXPORT_NAME,
    SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS,
    Namespace,
    ProductType,
)

STACK_NAME: Final = "AdoptedPhoneNumbers"
PYTHON_CHECK: Final = (
    '`cdk synth --app "python3 <this file>"`, then `phone-number-settings plan --app cdk.out`'
)
TEMPLATE_CHECK: Final = "`phone-number-settings plan --template <this file>`"
TEMPLATE_FORMAT_VERSION: Final = "2010-09-09"
METADATA_KEY: Final = "PhoneNumberSettingsAdopt"
RETAIN: Final = "Retain"
# Comment lines are wrapped to stay within this width (ruff's line length in this repo).
LINE_WIDTH: Final = 99
IMPORT_VALUE: Final = "Fn::ImportValue"


def write_python(adoption: Adoption) -> str:
    """A CDK app (``python3 adopted.py`` or ``cdk synth --app ...``)."""
    lines = [
        f'"""Amazon Chime phone number settings, as live in {_where(adoption)}.',
        "",
        *_wrapped(f"{_provenance(adoption, PYTHON_CHECK)}.", "", "", width=LINE_WIDTH - 3),
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from aws_cdk import App, Stack",
        "from constructs import Construct",
        "",
        f"from phone_number_settings_cdk import {', '.join(_python_imports(adoption))}",
        "",
        "",
        f"class {STACK_NAME}(Stack):",
        '    """One PhoneNumberSettings per adopted number; RETAIN (the default) keeps them."""',
        "",
        "    def __init__(self, scope: Construct, construct_id: str) -> None:",
        "        super().__init__(scope, construct_id)",
    ]
    indent = " " * 8
    for number in adoption.numbers:
        lines.extend(_comment_lines(number.comments, indent, "# "))
        if number.properties is not None:
            lines.append(f"{indent}PhoneNumberSettings(")
            lines.append(f"{indent}    self,")
            lines.append(f"{indent}    {_quoted(number.logical_id)},")
            lines.extend(
                f"{indent}    {CONSTRUCT_KEYWORDS[key]}={_python_value(key, value)},"
                for key, value in _in_python_order(number.properties)
            )
            lines.append(f"{indent})")
    lines += [
        "",
        "",
        "def main() -> None:",
        "    app = App()",
        f"    {STACK_NAME}(app, {_quoted(STACK_NAME)})",
        "    app.synth()",
        "",
        "",
        'if __name__ == "__main__":',
        "    main()",
    ]
    return "\n".join(lines) + "\n"


def write_json(adoption: Adoption) -> str:
    """A CloudFormation template in JSON; what is not declared goes into Metadata."""
    template = _template(adoption)
    resources = template["Resources"]
    for number in adoption.declared:
        if number.comments:
            resources[number.logical_id]["Metadata"] = {"Comments": list(number.comments)}
    template["Metadata"][METADATA_KEY]["NotDeclared"] = [
        {PHONE_NUMBER_ID: number.phone_number_id, "Comments": list(number.comments)}
        for number in adoption.not_declared
    ]
    return json.dumps(template, indent=2) + "\n"


def write_yaml(adoption: Adoption) -> str:
    """A CloudFormation template in YAML, with comments where a number is not declared."""
    template = _template(adoption)
    resources = template.pop("Resources")
    lines = [*_comment_lines((_provenance(adoption, TEMPLATE_CHECK) + ".",), "", "# ")]
    lines.extend(_yaml_lines(template, ""))
    lines.append("Resources:" + ("" if adoption.declared else " {}"))
    indent = "  "
    for number in adoption.numbers:
        lines.extend(_comment_lines(number.comments, indent, "# "))
        if number.properties is not None:
            lines.extend(_yaml_lines({number.logical_id: resources[number.logical_id]}, indent))
    return "\n".join(lines) + "\n"


WRITERS: Final[Mapping[str, Callable[[Adoption], str]]] = {
    "python": write_python,
    "yaml": write_yaml,
    "json": write_json,
}


def _template(adoption: Adoption) -> dict[str, Any]:
    return {
        "AWSTemplateFormatVersion": TEMPLATE_FORMAT_VERSION,
        "Description": f"Amazon Chime phone number settings, as live in {_where(adoption)}",
        "Metadata": {
            METADATA_KEY: {
                "Source": _provenance(adoption, TEMPLATE_CHECK),
                "ServiceToken": f"the export {SHARED_PROVIDER_EXPORT_NAME} of the shared "
                "provider stack (one per account and Region)",
            }
        },
        "Resources": {
            number.logical_id: {
                "Type": RESOURCE_TYPE,
                # Adopted settings were there before the stack: removing the resource or
                # the stack leaves them on the number, as the construct's RETAIN does.
                "DeletionPolicy": RETAIN,
                "UpdateReplacePolicy": RETAIN,
                "Properties": {
                    "ServiceToken": {IMPORT_VALUE: SHARED_PROVIDER_EXPORT_NAME},
                    # What the shared provider's function needs: its timeout and a grace.
                    "ServiceTimeout": str(SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS),
                    **number.properties,
                },
            }
            for number in adoption.declared
            if number.properties is not None
        },
    }


def _where(adoption: Adoption) -> str:
    return f"{adoption.namespace} ({adoption.region})"


def _provenance(adoption: Adoption, check: str) -> str:
    declared, listed = len(adoption.declared), len(adoption.numbers)
    return (
        f"Written by phone-number-settings {__version__}: `{adoption.command()}` listed "
        f"{listed} number{'s' if listed != 1 else ''} and declared {declared}"
        + (f"; {listed - declared} not declared (see the comments)" if declared < listed else "")
        + f". Check: {check} exits 0 (nothing to change)"
    )


def _python_imports(adoption: Adoption) -> list[str]:
    used = {key for number in adoption.declared for key in number.properties or {}}
    names = ["PhoneNumberSettings"]
    if NAMESPACE in used:
        names.insert(0, "Namespace")
    if PRODUCT_TYPE in used:
        names.append("ProductType")
    return names


def _in_python_order(properties: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    return ((key, properties[key]) for key in CONSTRUCT_KEYWORDS if key in properties)


def _python_value(key: str, value: str) -> str:
    if key == PRODUCT_TYPE:
        return f"ProductType.{ProductType(value).name}"
    if key == NAMESPACE:
        return f"Namespace.{Namespace(value).name}"
    return _quoted(value)


def _yaml_lines(mapping: Mapping[str, Any], indent: str) -> Iterator[str]:
    """Block YAML for nested mappings of strings; every scalar double-quoted (JSON style)."""
    for key, value in mapping.items():
        if isinstance(value, Mapping) and set(value) == {IMPORT_VALUE}:
            yield f"{indent}{key}: !ImportValue {_quoted(value[IMPORT_VALUE])}"
        elif isinstance(value, Mapping):
            yield f"{indent}{key}:"
            yield from _yaml_lines(value, indent + "  ")
        else:
            yield f"{indent}{key}: {_quoted(value)}"


def _comment_lines(comments: tuple[str, ...], indent: str, marker: str) -> list[str]:
    return [
        line
        for comment in comments
        for line in _wrapped(comment, indent + marker, indent + marker + "  ")
    ]


def _wrapped(text: str, first: str, rest: str, *, width: int = LINE_WIDTH) -> list[str]:
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _quoted(value: str) -> str:
    # JSON string syntax is valid Python and valid YAML (double-quoted) for every value.
    return json.dumps(value)
