"""AWS CDK construct for ``Custom::PhoneNumberSettings``, and the provider it deploys."""

from __future__ import annotations

from phone_number_settings_cdk.construct import PhoneNumberSettings
from phone_number_settings_cdk.provider import PhoneNumberSettingsProvider
from phone_number_settings_core.rules import RESOURCE_TYPE, Namespace, ProductType

__all__ = [
    "RESOURCE_TYPE",
    "Namespace",
    "PhoneNumberSettings",
    "PhoneNumberSettingsProvider",
    "ProductType",
]
