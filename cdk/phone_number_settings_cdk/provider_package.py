"""The shared provider for template users: a packaged template and its code zip.

Reads the ``PhoneNumberSettingsProvider`` stack that ``cdk synth`` wrote to a cloud assembly
and writes a template that needs no CDK bootstrap, whose function's ``Code`` is the zip
beside it: ``aws cloudformation package`` (or ``sam deploy``) uploads the zip and rewrites
``Code``. ``make dist`` runs it:
``python -m phone_number_settings_cdk.provider_package cdk.out dist/provider``.
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from phone_number_settings_cdk.provider_stack import SHARED_PROVIDER_STACK_NAME

TEMPLATE_NAME: Final = "phone-number-settings-provider.template.json"
CODE_NAME: Final = "phone-number-settings-provider.zip"
# What only a CDK-bootstrapped environment has, or only the CDK reads.
_BOOTSTRAP_PARAMETER: Final = "BootstrapVersion"
_BOOTSTRAP_RULE: Final = "CheckBootstrapVersion"
_CDK_METADATA_TYPE: Final = "AWS::CDK::Metadata"
_ASSET_METADATA_PREFIX: Final = "aws:asset:"
# A fixed timestamp: the same asset gives the same zip, byte for byte.
_ZIP_TIME: Final = (1980, 1, 1, 0, 0, 0)


class ProviderPackageError(Exception):
    """The cloud assembly does not hold the provider stack as expected."""


def packaged_template(template: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The template rewritten for ``package``, and the asset path of its one function."""
    result = json.loads(json.dumps(template))
    result.get("Parameters", {}).pop(_BOOTSTRAP_PARAMETER, None)
    result.get("Rules", {}).pop(_BOOTSTRAP_RULE, None)
    resources: dict[str, Any] = result["Resources"]
    for logical_id, resource in list(resources.items()):
        if resource["Type"] == _CDK_METADATA_TYPE:
            del resources[logical_id]
            if condition := resource.get("Condition"):
                result.get("Conditions", {}).pop(condition, None)
    functions = [r for r in resources.values() if r["Type"] == "AWS::Lambda::Function"]
    if len(functions) != 1:
        raise ProviderPackageError(f"expected one function, found {len(functions)}")
    (function,) = functions
    metadata = function.get("Metadata", {})
    asset_path = metadata.get("aws:asset:path")
    if not isinstance(asset_path, str):
        raise ProviderPackageError("the function has no aws:asset:path metadata")
    function["Metadata"] = {
        key: value for key, value in metadata.items() if not key.startswith(_ASSET_METADATA_PREFIX)
    }
    function["Properties"]["Code"] = CODE_NAME
    for section in ("Parameters", "Rules", "Conditions"):
        if section in result and not result[section]:
            del result[section]
    return result, asset_path


def zip_directory(source: Path, target: Path) -> None:
    """Zip ``source``'s files, sorted, with fixed timestamps."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), _ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())


def package(assembly: Path, outdir: Path) -> tuple[Path, Path]:
    """Write the packaged template and the code zip into ``outdir``; their paths."""
    source = assembly / f"{SHARED_PROVIDER_STACK_NAME}.template.json"
    if not source.is_file():
        raise ProviderPackageError(f"{source} not found: run cdk synth first")
    template, asset_path = packaged_template(json.loads(source.read_text()))
    outdir.mkdir(parents=True, exist_ok=True)
    template_path, code_path = outdir / TEMPLATE_NAME, outdir / CODE_NAME
    template_path.write_text(json.dumps(template, indent=1) + "\n")
    zip_directory(assembly / asset_path, code_path)
    return template_path, code_path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m phone_number_settings_cdk.provider_package", description=__doc__
    )
    parser.add_argument("assembly", type=Path, help="the cloud assembly, e.g. cdk.out")
    parser.add_argument("outdir", type=Path, help="where to write, e.g. dist/provider")
    args = parser.parse_args(argv)
    try:
        written = package(args.assembly, args.outdir)
    except ProviderPackageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
