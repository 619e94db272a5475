"""cfn-lint rules for ``Custom::PhoneNumberSettings``, the handler's own rules before deploy.

    cfn-lint template.yaml --append-rules phone_number_settings_cfn_lint

Templates go before ``--append-rules``: it takes every word after it. cfn-lint imports a
module path given there and runs every rule class the module holds, so the classes are
imported here. Give the module path, not this folder: cfn-lint would load each file of a
folder on its own, outside this package.
"""

from __future__ import annotations

from phone_number_settings_cfn_lint.rules import (
    PhoneNumberDeclaredTwice,
    PhoneNumberSettingsParameterValues,
    PhoneNumberSettingsProperties,
)

__all__ = [
    "PhoneNumberDeclaredTwice",
    "PhoneNumberSettingsParameterValues",
    "PhoneNumberSettingsProperties",
]
