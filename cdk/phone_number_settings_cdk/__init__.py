"""AWS CDK construct for ``Custom::PhoneNumberSettings``, and the provider it deploys."""

from __future__ import annotations

from phone_number_settings_core.extras import AWS_CDK, import_extra

# Before any module that needs it: without the cdk extra, one line naming it.
import_extra("aws_cdk", AWS_CDK, needed_for="the CDK construct")

from phone_number_settings_cdk.construct import PhoneNumberSettings
from phone_number_settings_cdk.provider import (
    ImportedPhoneNumberSettingsProvider,
    IPhoneNumberSettingsProvider,
    PhoneNumberSettingsProvider,
)
from phone_number_settings_cdk.provider_stack import PhoneNumberSettingsProviderStack
from phone_number_settings_core.rules import (
    RESOURCE_TYPE,
    SHARED_PROVIDER_EXPORT_NAME,
    SHARED_PROVIDER_PARAMETER_NAME,
    Namespace,
    ProductType,
)

__all__ = [
    "RESOURCE_TYPE",
    "SHARED_PROVIDER_EXPORT_NAME",
    "SHARED_PROVIDER_PARAMETER_NAME",
    "IPhoneNumberSettingsProvider",
    "ImportedPhoneNumberSettingsProvider",
    "Namespace",
    "PhoneNumberSettings",
    "PhoneNumberSettingsProvider",
    "PhoneNumberSettingsProviderStack",
    "ProductType",
]
