"""AWS CDK construct for Custom::PhoneNumberSettings."""

from __future__ import annotations

from chime_phone_number_settings.construct import ATTRIBUTE_PROPERTIES, PhoneNumberSettings
from chime_phone_number_settings.provider import PhoneNumberSettingsProvider
from phone_number_settings_handler.rules import RESOURCE_TYPE, ProductType
from phone_number_settings_handler.rules import Namespace as ChimeNamespace

__all__ = [
    "ATTRIBUTE_PROPERTIES",
    "RESOURCE_TYPE",
    "ChimeNamespace",
    "PhoneNumberSettings",
    "PhoneNumberSettingsProvider",
    "ProductType",
]
