"""What adopt declares for each live number, and how each writer writes it (no I/O)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode_str

from phone_number_settings_cli import __version__
from phone_number_settings_cli.adopt import AdoptedNumber, Adoption, adopt_number
from phone_number_settings_cli.adopt_writers import write_json, write_python, write_yaml
from phone_number_settings_core.model import LivePhoneNumber
from phone_number_settings_core.rules import (
    SHARED_PROVIDER_EXPORT_NAME,
    SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS,
    Namespace,
)

NUMBER = "+12065550100"
VOICE = Namespace.CHIME_SDK_VOICE
RUFF = Path(sys.executable).parent / "ruff"


def live(**values: Any) -> LivePhoneNumber:
    defaults: dict[str, Any] = {
        "phone_number_id": NUMBER,
        "type": "Local",
        "country": "US",
        "product_type": "VoiceConnector",
    }
    return LivePhoneNumber(**(defaults | values))


def adopted(number: LivePhoneNumber, namespace: Namespace = VOICE) -> AdoptedNumber:
    return adopt_number(number, namespace=namespace, region="us-west-2")


class TestWhatIsDeclared:
    def test_applied_details_are_declared_with_the_region_they_were_read_in(self) -> None:
        result = adopted(
            live(
                product_type="SipMediaApplicationDialIn",
                name="Support line",
                calling_name="Acme Support",
                calling_name_status="UpdateSucceeded",
            )
        )
        assert result.properties == {
            "PhoneNumberId": NUMBER,
            "ProductType": "SipMediaApplicationDialIn",
            "Name": "Support line",
            "CallingName": "Acme Support",
            "Region": "us-west-2",
        }
        assert result.comments == ()
        assert result.logical_id == "Number12065550100"

    @pytest.mark.parametrize(
        ("status", "words"),
        [
            ("UpdateInProgress", "it is pending (UpdateInProgress; Chime takes up to 72 hours)"),
            ("UpdateFailed", "it failed (UpdateFailed): Chime never applied it"),
            (None, 'it is not applied (CallingNameStatus "not reported")'),
        ],
    )
    def test_a_calling_name_not_applied_is_a_comment_not_a_declaration(
        self, status: str | None, words: str
    ) -> None:
        result = adopted(live(calling_name="Acme Sales", calling_name_status=status))
        assert result.properties == {
            "PhoneNumberId": NUMBER,
            "ProductType": "VoiceConnector",
            "Region": "us-west-2",
        }
        [comment] = result.comments
        assert comment.startswith(f'{NUMBER}: CallingName "Acme Sales" is not declared: {words}')

    def test_legacy_namespace_declares_the_namespace_and_no_region_or_name(self) -> None:
        result = adopted(
            live(
                product_type="BusinessCalling",
                name="set in the voice namespace",
                calling_name="Acme",
                calling_name_status="UpdateSucceeded",
            ),
            Namespace.CHIME,
        )
        assert result.properties == {
            "PhoneNumberId": NUMBER,
            "ProductType": "BusinessCalling",
            "CallingName": "Acme",
            "Namespace": "chime",
        }

    @pytest.mark.parametrize(
        ("number", "rule"),
        [
            (
                live(type="TollFree", calling_name="Acme", calling_name_status="UpdateSucceeded"),
                "CallingName: +12065550100 is toll-free and toll-free numbers take no calling name",
            ),
            (
                live(country="GB"),
                "ProductType: +12065550100 is outside the U.S. (GB); such numbers must use "
                "SipMediaApplicationDialIn",
            ),
            (
                live(product_type="BusinessCalling"),
                "ProductType: BusinessCalling is not offered by Namespace chime-sdk-voice",
            ),
            (
                live(product_type=None),
                "ProductType, Name, CallingName: at least one of these must be given",
            ),
            (live(phone_number_id="12065550100"), "PhoneNumberId: must be an E.164 number"),
            (live(name="desk #1"), "Name: character 6 is not a letter A-Z"),
        ],
    )
    def test_numbers_the_rules_refuse_are_comments_with_the_rule(
        self, number: LivePhoneNumber, rule: str
    ) -> None:
        result = adopted(number)
        assert result.properties is None
        [comment] = result.comments
        assert comment.startswith(f"{number.phone_number_id} is not declared: {rule}")
        assert '. Live: Type "' in comment


def adoption(*numbers: LivePhoneNumber, namespace: Namespace = VOICE) -> Adoption:
    return Adoption(
        namespace=namespace,
        region="us-west-2" if namespace is VOICE else "us-east-1",
        numbers=tuple(adopted(number, namespace) for number in numbers),
    )


MIXED = adoption(
    live(name="Support line", calling_name="Acme Support", calling_name_status="UpdateSucceeded"),
    live(
        phone_number_id="+12065550101",
        calling_name="Acme Sales",
        calling_name_status="UpdateInProgress",
    ),
    live(
        phone_number_id="+18005550199",
        type="TollFree",
        calling_name="Acme Free",
        calling_name_status="UpdateSucceeded",
    ),
)


class TestWriters:
    def test_python_is_a_cdk_app_that_ruff_leaves_as_it_is(self, tmp_path: Path) -> None:
        text = write_python(MIXED)
        compile(text, "adopted.py", "exec")
        path = tmp_path / "adopted.py"
        path.write_text(text)
        checked = subprocess.run(
            [str(RUFF), "format", "--check", "--diff", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert (
            "        PhoneNumberSettings(\n"
            "            self,\n"
            '            "Number12065550100",\n'
            '            phone_number_id="+12065550100",\n'
            '            calling_name="Acme Support",\n'
            "            product_type=ProductType.VOICE_CONNECTOR,\n"
            '            name="Support line",\n'
            '            region="us-west-2",\n'
            "        )\n"
        ) in text
        assert "from phone_number_settings_cdk import PhoneNumberSettings, ProductType\n" in text
        assert '# +12065550101: CallingName "Acme Sales" is not declared: it is pending' in text
        assert "# +18005550199 is not declared: CallingName: +18005550199 is toll-free" in text
        assert f"phone-number-settings {__version__}" in text
        assert max(len(line) for line in text.splitlines()) <= 100

    def test_python_names_the_namespace_enum_for_legacy_numbers(self) -> None:
        text = write_python(
            adoption(live(product_type="BusinessCalling"), namespace=Namespace.CHIME)
        )
        assert "            namespace=Namespace.CHIME,\n" in text
        assert (
            "from phone_number_settings_cdk import Namespace, PhoneNumberSettings, Product" in text
        )

    def test_json_template_imports_the_shared_service_token_and_retains(self) -> None:
        template = json.loads(write_json(MIXED))
        resources = template["Resources"]
        assert list(resources) == ["Number12065550100", "Number12065550101"]
        support = resources["Number12065550100"]
        assert support == {
            "Type": "Custom::PhoneNumberSettings",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "ServiceToken": {"Fn::ImportValue": SHARED_PROVIDER_EXPORT_NAME},
                "ServiceTimeout": str(SHARED_PROVIDER_SERVICE_TIMEOUT_SECONDS),
                "PhoneNumberId": "+12065550100",
                "ProductType": "VoiceConnector",
                "Name": "Support line",
                "CallingName": "Acme Support",
                "Region": "us-west-2",
            },
        }
        [pending] = resources["Number12065550101"]["Metadata"]["Comments"]
        assert "is pending (UpdateInProgress" in pending
        [refused] = template["Metadata"]["PhoneNumberSettingsAdopt"]["NotDeclared"]
        assert refused["PhoneNumberId"] == "+18005550199"
        assert "toll-free numbers take no calling name" in refused["Comments"][0]

    def test_yaml_decodes_to_the_json_templates_resources(self) -> None:
        text = write_yaml(MIXED)
        decoded, problems = decode_str(text)
        assert problems == []
        as_json = json.loads(write_json(MIXED))
        for resource in as_json["Resources"].values():
            resource.pop("Metadata", None)  # JSON's stand-in for YAML's comments
        assert json.loads(json.dumps(decoded["Resources"])) == as_json["Resources"]
        assert f"ServiceToken: !ImportValue {json.dumps(SHARED_PROVIDER_EXPORT_NAME)}\n" in text
        assert "  # +12065550101: CallingName" in text
        assert "  # +18005550199 is not declared: CallingName: +18005550199 is toll-free" in text

    def test_yaml_with_nothing_declared_is_still_a_mapping(self) -> None:
        text = write_yaml(adoption(live(product_type=None)))
        decoded, problems = decode_str(text)
        assert problems == []
        assert decoded["Resources"] == {}
        assert "# +12065550100 is not declared: ProductType, Name, CallingName" in text

    @pytest.mark.parametrize("writer", [write_python, write_yaml])
    def test_hostile_live_values_stay_inside_their_comment(self, writer: Any) -> None:
        # A Name the rules refuse, written to break out of a comment or a string.
        hostile = 'x"""\nimport os  # \u2028'
        text = writer(adoption(live(name=hostile)))
        assert "\nimport os" not in text
        assert '"x\\"\\"\\"\\nimport' in text  # JSON-escaped, within a comment line
        assert "\u2028" not in text
        if writer is write_python:
            compile(text, "adopted.py", "exec")
        else:
            assert decode_str(text)[1] == []
