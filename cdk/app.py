"""Example CDK app: Chime phone number settings in both namespaces, and the shared provider.

``cdk synth`` runs this file (see cdk.json). The phone numbers are placeholders. The
provider stack is independent of the example stack (which has its own provider): deploy
it once per account and Region for templates and apps that import its ServiceToken.
"""

from __future__ import annotations

from aws_cdk import App, CfnOutput, RemovalPolicy, Stack
from constructs import Construct

from phone_number_settings_cdk import (
    Namespace,
    PhoneNumberSettings,
    PhoneNumberSettingsProviderStack,
    ProductType,
)
from phone_number_settings_cdk.provider_stack import SHARED_PROVIDER_STACK_NAME

STACK_NAME = "PhoneNumberSettingsExample"


class PhoneNumberSettingsExampleStack(Stack):
    """Three numbers: two Chime SDK Voice numbers and one on the legacy Chime API."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(
            scope,
            construct_id,
            description="Example: Amazon Chime phone number settings (Custom::PhoneNumberSettings)",
        )
        support_line = PhoneNumberSettings(
            self,
            "SupportLine",
            phone_number_id="+12065550100",
            calling_name="Acme Support",
            product_type=ProductType.SIP_MEDIA_APPLICATION_DIAL_IN,
            name="Support line",
            region="us-west-2",
        )
        # Legacy Amazon Chime numbers: BusinessCalling exists only there, served from us-east-1.
        PhoneNumberSettings(
            self,
            "FrontDesk",
            phone_number_id="+12065550101",
            calling_name="Acme Front Desk",
            product_type=ProductType.BUSINESS_CALLING,
            namespace=Namespace.CHIME,
        )
        # DESTROY: removing this resource (or the stack) clears the name again.
        PhoneNumberSettings(
            self,
            "CampaignLine",
            phone_number_id="+12065550102",
            name="Spring campaign",
            removal_policy=RemovalPolicy.DESTROY,
        )
        CfnOutput(self, "SupportLineNumber", value=support_line.attr_e164_phone_number)
        CfnOutput(self, "SupportLineCallingNameStatus", value=support_line.attr_calling_name_status)


def main() -> None:
    app = App()
    PhoneNumberSettingsExampleStack(app, STACK_NAME)
    PhoneNumberSettingsProviderStack(app, SHARED_PROVIDER_STACK_NAME)
    app.synth()


if __name__ == "__main__":
    main()
