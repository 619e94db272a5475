"""Lambda handler of the ``Custom::PhoneNumberSettings`` CloudFormation custom resource.

Importing this package (or its ``rules``) imports neither boto3 nor crhelper, so the CDK
construct can use the rules at synth time.
"""

from __future__ import annotations

from typing import Final

# The Lambda Handler string: module path inside the asset, then the function name.
LAMBDA_HANDLER: Final = "phone_number_settings_handler.handler.handler"
