"""import_extra: a module an audience's extra brings, or one line naming that extra."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phone_number_settings_core.errors import MissingExtraError, PhoneNumberSettingsError
from phone_number_settings_core.extras import AWS_CDK, CFN_LINT, Extra, import_extra


def test_an_installed_module_is_returned() -> None:
    assert import_extra("json", CFN_LINT, needed_for="anything") is json


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            CFN_LINT,
            "reading a YAML template needs cfn-lint, which is not installed: "
            "pip install 'phone-number-settings[templates]'",
        ),
        (
            AWS_CDK,
            "reading a YAML template needs aws-cdk-lib, which is not installed: "
            "pip install 'phone-number-settings[cdk]'",
        ),
    ],
)
def test_a_missing_module_names_the_extra_to_install(extra: Extra, message: str) -> None:
    with pytest.raises(MissingExtraError) as raised:
        import_extra(
            "phone_number_settings_absent.decode", extra, needed_for="reading a YAML template"
        )
    assert str(raised.value) == message
    assert raised.value.extra == extra.name
    # Caught as the package's errors are, and as an ImportError by plain Python code.
    assert isinstance(raised.value, PhoneNumberSettingsError)
    assert isinstance(raised.value, ImportError)


def test_a_module_whose_own_dependency_is_missing_keeps_its_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Installed but broken is not "install the extra": the real error must show.
    (tmp_path / "half_installed.py").write_text("import phone_number_settings_absent\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as raised:
        import_extra("half_installed", CFN_LINT, needed_for="x")
    assert not isinstance(raised.value, MissingExtraError)
    assert raised.value.name == "phone_number_settings_absent"
