"""Turn CloudFormation ResourceProperties into validated DesiredSettings."""

from __future__ import annotations

from collections.abc import Mapping

from phone_number_settings_handler.errors import InvalidPropertyError
from phone_number_settings_handler.model import DesiredSettings
from phone_number_settings_handler.rules import (
    CALLING_NAME,
    DEFAULT_NAMESPACE,
    LEGACY_REGION,
    NAME,
    NAMESPACE,
    PHONE_NUMBER_ID,
    PRODUCT_TYPE,
    REGION,
    Namespace,
    check_properties,
)


def parse_properties(
    properties: object, *, default_region: str, require_detail: bool = True
) -> DesiredSettings:
    """Validate every rule, then build the settings; raises InvalidPropertyError.

    ``require_detail`` is passed to ``rules.check_properties``.
    """
    if not isinstance(properties, Mapping) or not all(isinstance(k, str) for k in properties):
        raise InvalidPropertyError("ResourceProperties", "must be an object of named properties")
    check_properties(properties, require_detail=require_detail)
    namespace = Namespace(properties.get(NAMESPACE, DEFAULT_NAMESPACE))
    if namespace is Namespace.CHIME:
        region = LEGACY_REGION
    else:
        region = str(properties.get(REGION) or default_region)
        if not region:
            raise InvalidPropertyError(REGION, "is required when AWS_REGION is not set")

    def optional(key: str) -> str | None:
        value = properties.get(key)
        return value if isinstance(value, str) else None

    return DesiredSettings(
        phone_number_id=str(properties[PHONE_NUMBER_ID]),
        namespace=namespace,
        region=region,
        product_type=optional(PRODUCT_TYPE),
        name=optional(NAME),
        calling_name=optional(CALLING_NAME),
    )
