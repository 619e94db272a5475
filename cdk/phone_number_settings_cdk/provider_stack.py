"""The shared provider: a stack holding only the provider, deployed once per account and Region.

It publishes the ServiceToken twice, under the names of the rules module: as a CloudFormation
export (for ``!ImportValue`` and ``Fn.importValue``) and as an SSM parameter (for
``{{resolve:ssm:...}}`` and ``PhoneNumberSettingsProvider.from_parameter``).
"""

from __future__ import annotations

from typing import Any, Final

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from phone_number_settings_cdk.provider import PhoneNumberSettingsProvider
from phone_number_settings_core.rules import (
    SHARED_PROVIDER_EXPORT_NAME,
    SHARED_PROVIDER_PARAMETER_NAME,
)

SHARED_PROVIDER_STACK_NAME: Final = "PhoneNumberSettingsProvider"


class PhoneNumberSettingsProviderStack(Stack):
    """The provider with its default options, and its ServiceToken as export and parameter.

    Export names are unique per account and Region, so a second copy fails to deploy
    rather than silently competing with the first.
    """

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        kwargs.setdefault(
            "description",
            "Shared provider of Custom::PhoneNumberSettings (Amazon Chime phone number settings)",
        )
        super().__init__(scope, construct_id, **kwargs)
        # Default options: importers derive their ServiceTimeout from the default timeout.
        # It serves the stacks of its account and Region, and reads them.
        self.provider = PhoneNumberSettingsProvider.of(self, serves_other_stacks=True)
        self.export = CfnOutput(
            self,
            "ServiceToken",
            value=self.provider.service_token,
            export_name=SHARED_PROVIDER_EXPORT_NAME,
            description="ServiceToken of Custom::PhoneNumberSettings",
        )
        self.parameter = ssm.StringParameter(
            self,
            "ServiceTokenParameter",
            parameter_name=SHARED_PROVIDER_PARAMETER_NAME,
            string_value=self.provider.service_token,
            description="ServiceToken of Custom::PhoneNumberSettings (the shared provider)",
        )
