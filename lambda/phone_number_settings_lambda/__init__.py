"""The Lambda function behind ``Custom::PhoneNumberSettings``.

``entry`` is the Lambda's entry point (standard library only); ``handler`` is the crhelper
edge; ``story`` reads the stack's status and resources from CloudFormation; ``lifecycle``
runs Create, Update and Delete as plain functions; ``response`` sends the answer to
CloudFormation. Chime is reached through
``phone_number_settings_chime``. The asset ships this package, the Chime client,
``phone_number_settings_core`` and crhelper: exactly what the function runs.
"""

from __future__ import annotations

from typing import Final

# The entry module, standard library only: the bundler writes ENTRY_SOURCE of this package
# at the asset's root under this name, so it loads even when the rest of the asset cannot.
ENTRY_MODULE: Final = "phone_number_settings_entry"
ENTRY_SOURCE: Final = "entry.py"
# The Lambda Handler string: module path inside the asset, then the function name.
LAMBDA_HANDLER: Final = f"{ENTRY_MODULE}.handler"
# How many resources of its stack a provider function serves; the construct sets it and the
# retry policy scales its first backoff cap with it.
RESOURCES_SERVED_VARIABLE: Final = "PHONE_NUMBER_SETTINGS_RESOURCES_SERVED"
