"""cfn-lint rules for ``Custom::PhoneNumberSettings``, the handler's own rules before deploy.

    cfn-lint template.yaml --append-rules phone_number_settings_cli.cfn_lint_rules

Templates go before ``--append-rules``: it takes every word after it. cfn-lint imports a
module path given there and runs every rule class the module holds, so the classes are
imported here. A directory path works too: cfn-lint then loads each ``*.py`` file of it
except this one.
"""

from __future__ import annotations

from phone_number_settings_cli.cfn_lint_rules.phone_number_settings import (
    PhoneNumberDeclaredTwice,
    PhoneNumberSettingsProperties,
)

__all__ = ["PhoneNumberDeclaredTwice", "PhoneNumberSettingsProperties"]
