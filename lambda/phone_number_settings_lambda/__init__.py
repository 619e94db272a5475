"""The Lambda function behind ``Custom::PhoneNumberSettings``.

``handler`` is the crhelper edge; ``lifecycle`` runs Create, Update and Delete as plain
functions; ``response`` sends the answer to CloudFormation. Chime is reached through
``phone_number_settings_chime``. The asset ships this package, the Chime client,
``phone_number_settings_core`` and crhelper: exactly what the function runs.
"""

from __future__ import annotations

from typing import Final

# The Lambda Handler string: module path inside the asset, then the function name.
LAMBDA_HANDLER: Final = "phone_number_settings_lambda.handler.handler"
# How many resources of its stack a provider function serves; the construct sets it and the
# retry policy scales its first backoff cap with it.
RESOURCES_SERVED_VARIABLE: Final = "PHONE_NUMBER_SETTINGS_RESOURCES_SERVED"
