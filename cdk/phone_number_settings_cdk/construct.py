"""``PhoneNumberSettings``: one ``Custom::PhoneNumberSettings`` resource, checked at synth."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from aws_cdk import CustomResource, RemovalPolicy, Stack, Token
from constructs import Construct, IConstruct

from phone_number_settings_cdk.provider import (
    IPhoneNumberSettingsProvider,
    PhoneNumberSettingsProvider,
)
from phone_number_settings_core import rules
from phone_number_settings_core.duplicates import NumberKey, declared_twice_message
from phone_number_settings_core.errors import InvalidPropertyError
from phone_number_settings_core.model import RESPONSE_ATTRIBUTES, ResponseAttribute
from phone_number_settings_core.rules import RESOURCE_TYPE, Namespace, ProductType


class PhoneNumberSettings(Construct):
    """Declares the calling name, product type and name of an Amazon Chime phone number.

    The number itself is not created or released: the resource manages its settings only.
    Properties are checked at synth time with the handler's own rules; values that are
    tokens (parameters, other resources' attributes) are checked by the handler at deploy.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        phone_number_id: str,
        calling_name: str | None = None,
        product_type: ProductType | str | None = None,
        name: str | None = None,
        namespace: Namespace | str | None = None,
        region: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        provider: IPhoneNumberSettingsProvider | None = None,
    ) -> None:
        """Create the resource.

        :param phone_number_id: the number's ID, its E.164 form such as ``+12065550100``.
        :param calling_name: outbound calling name (2 to 15 letters A-Z, digits, spaces);
            ``""`` clears it. Updates take up to 72 hours.
        :param product_type: ``ProductType``; BusinessCalling only with ``Namespace.CHIME``.
        :param name: the number's name; ``Namespace.CHIME_SDK_VOICE`` only; ``""`` clears.
        :param namespace: which API manages the number; omitted: the handler's default,
            ``Namespace.CHIME_SDK_VOICE``.
        :param region: Region of the Chime SDK Voice endpoint; omitted: the stack's Region.
            The legacy ``chime`` namespace is served from us-east-1 only.
        :param removal_policy: RETAIN (default) leaves the settings on the number when the
            resource leaves the stack; DESTROY lets CloudFormation send Delete, which clears
            what the resource set. SNAPSHOT is not supported.
        :param provider: the provider to use: the stack's own by default
            (``PhoneNumberSettingsProvider.of(scope)``), or one shared by many stacks
            (``PhoneNumberSettingsProvider.from_parameter(...)`` or ``from_service_token``).
        """
        path = f"{scope.node.path}/{construct_id}"
        given: dict[str, object | None] = {
            "phone_number_id": phone_number_id,
            "calling_name": calling_name,
            "product_type": product_type,
            "name": name,
            "namespace": namespace,
            "region": region,
        }
        # The resource's PascalCase properties: only those given, enums as plain strings.
        properties = {
            key: _plain(value)
            for key, keyword in rules.CONSTRUCT_KEYWORDS.items()
            if (value := given[keyword]) is not None
        }
        # Checked before joining the tree, so a rejected resource leaves no half-built node.
        # Every problem at once, in the caller's words (keyword and property), raised from
        # None: one traceback, ending at the caller's line, without the rules' internals.
        problems = rules.property_problems(properties, is_unresolved=Token.is_unresolved)
        messages = [_in_python_terms(problem) for problem in problems]
        if removal_policy == RemovalPolicy.SNAPSHOT:
            messages.append("removal_policy SNAPSHOT is not supported by custom resources")
        declared = _DeclaredNumbers.of(scope)
        broken = {problem.property_name for problem in problems}
        key = None if broken & _IDENTITY else _number_key(properties, Stack.of(scope))
        twice = declared.conflict(key, path)
        if messages:
            if twice:
                messages.append(twice)
            raise ValueError(f"{path}: {'; '.join(messages)}") from None
        if twice:
            raise ValueError(twice) from None

        super().__init__(scope, construct_id)
        declared.add(key, path)
        self.provider: IPhoneNumberSettingsProvider = provider or PhoneNumberSettingsProvider.of(
            self
        )
        self.provider.serve(self)
        self._resource = CustomResource(
            self,
            "Resource",
            resource_type=RESOURCE_TYPE,
            service_token=self.provider.service_token,
            service_timeout=self.provider.service_timeout,
            properties=properties,
            removal_policy=removal_policy,
        )

    @property
    def resource(self) -> CustomResource:
        """The underlying ``CustomResource``, for escape hatches and dependencies."""
        return self._resource

    @property
    def phone_number_id(self) -> str:
        """The physical resource ID (``Ref``): the phone number ID the handler manages."""
        return self._resource.ref

    def get_attribute(self, key: str) -> str:
        """``Fn::GetAtt`` of a response attribute by its key, e.g. ``"CallingNameStatus"``."""
        return self._resource.get_att_string(key)

    if TYPE_CHECKING:
        # The attr_* properties are made from RESPONSE_ATTRIBUTES below; each is a str token.
        def __getattr__(self, name: str) -> str: ...


def _attribute_property(attribute: ResponseAttribute) -> property:
    def read(self: PhoneNumberSettings) -> str:
        return self.get_attribute(attribute.key)

    read.__doc__ = f"``Fn::GetAtt {attribute.key}``: {attribute.description}."
    return property(read)


for _attribute in RESPONSE_ATTRIBUTES:
    setattr(PhoneNumberSettings, f"attr_{_attribute.field}", _attribute_property(_attribute))


class _DeclaredNumbers(Construct):
    """Every number declared in one app, so that no number is declared twice in it."""

    ID = "PhoneNumberSettingsDeclaredNumbers"

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self._owners: dict[NumberKey, str] = {}

    @classmethod
    def of(cls, scope: IConstruct) -> _DeclaredNumbers:
        root = scope.node.root
        found = root.node.try_find_child(cls.ID)
        if isinstance(found, cls):
            return found
        return cls(root, cls.ID)  # type: ignore[arg-type]  # the root is a Construct

    def conflict(self, key: NumberKey | None, path: str) -> str | None:
        """Why ``key`` cannot be declared at ``path``: declared already in the app; or None."""
        if key is not None and key in self._owners:
            return declared_twice_message(key, (self._owners[key], path))
        return None

    def add(self, key: NumberKey | None, path: str) -> None:
        if key is not None:
            self._owners[key] = path


def _number_key(properties: dict[str, object], stack: Stack) -> NumberKey | None:
    """The number's identity, or None while its id or namespace is a token."""
    number, namespace = properties[rules.PHONE_NUMBER_ID], properties.get(rules.NAMESPACE)
    if not isinstance(number, str) or Token.is_unresolved(number):
        return None
    if isinstance(namespace, str) and Token.is_unresolved(namespace):
        return None
    chosen = Namespace(namespace) if isinstance(namespace, str) else rules.DEFAULT_NAMESPACE
    region = properties.get(rules.REGION) or rules.fixed_region(chosen) or stack.region
    shown = "the stack's Region" if Token.is_unresolved(region) else str(region)
    return NumberKey(number, chosen, shown)


def _in_python_terms(error: InvalidPropertyError) -> str:
    """``calling_name (CallingName): too long: ...``: the keyword first, then the property."""
    named = ", ".join(
        f"{rules.CONSTRUCT_KEYWORDS[key]} ({key})" if key in rules.CONSTRUCT_KEYWORDS else key
        for key in error.property_name.split(", ")
    )
    return f"{named}: {error.rule}"


# A broken rule on these leaves the number unknown: it cannot be compared with others.
_IDENTITY = frozenset({rules.PHONE_NUMBER_ID, rules.NAMESPACE, rules.REGION})


def _plain(value: object) -> object:
    # jsii serialises str subclasses unreliably; the template must hold the bare value.
    return str(value.value) if isinstance(value, StrEnum) else value
