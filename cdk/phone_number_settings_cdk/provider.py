"""The Lambda that serves ``Custom::PhoneNumberSettings`` resources, or one imported by token.

A stack gets its own provider (``PhoneNumberSettingsProvider.of``), or shares the one the
provider stack deploys once per account and Region (``from_parameter``, ``from_service_token``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Protocol, TypedDict

from aws_cdk import (
    Acknowledgment,
    CfnResource,
    Duration,
    RemovalPolicy,
    Stack,
    Token,
    Validations,
)
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from constructs import Construct, IConstruct

from phone_number_settings_cdk.bundling import handler_code
from phone_number_settings_core.rules import (
    MAX_EVENT_AGE_SECONDS,
    MAX_RETRY_ATTEMPTS,
    MAX_SERVICE_TIMEOUT_SECONDS,
    PROVIDER_TIMEOUT_SECONDS,
    SHARED_PROVIDER_PARAMETER_NAME,
    service_timeout_seconds,
)
from phone_number_settings_lambda import LAMBDA_HANDLER, RESOURCES_SERVED_VARIABLE

if TYPE_CHECKING:
    from typing_extensions import Unpack

# The newest Python runtime aws-cdk-lib 2.275 offers; tests/infra fail when a newer one appears.
LAMBDA_RUNTIME: Final = lambda_.Runtime.PYTHON_3_14
# The handler retries throttling within its own time budget and answers before the Lambda
# timeout; Lambda's longest timeout leaves the most room for backoff rounds under throttling.
DEFAULT_TIMEOUT: Final = Duration.seconds(PROVIDER_TIMEOUT_SECONDS)
# Lambda gives CPU in proportion to memory: 256 MB roughly halves the cold start of importing
# boto3 compared with 128 MB, while the function itself needs well under 128 MB.
DEFAULT_MEMORY_SIZE_MB: Final = 256
DEFAULT_LOG_RETENTION: Final = logs.RetentionDays.ONE_MONTH
# How old an event may be when it starts, and how often Lambda retries a function error
# (the function's EventInvokeConfig); the rules module says why.
MAX_EVENT_AGE: Final = Duration.seconds(MAX_EVENT_AGE_SECONDS)
# The handler keeps 3 s to send its response and at least 2 s to undo a failed event's
# earlier calls; below 10 s too little is left for the calls themselves.
MIN_LAMBDA_TIMEOUT_SECONDS: Final = 10
MAX_LAMBDA_TIMEOUT_SECONDS: Final = 900
# Lambda's own log-level controls (LoggingConfig); the handler follows them.
DEFAULT_APPLICATION_LOG_LEVEL: Final = lambda_.ApplicationLogLevel.INFO
DEFAULT_SYSTEM_LOG_LEVEL: Final = lambda_.SystemLogLevel.INFO
MIN_MEMORY_SIZE_MB: Final = 128
MAX_MEMORY_SIZE_MB: Final = 10240

CHIME_ACTIONS: Final = ("chime:GetPhoneNumber", "chime:UpdatePhoneNumber")
LOG_ACTIONS: Final = ("logs:CreateLogStream", "logs:PutLogEvents")
# Read-only: the handler reads the status and the resources of the stack an event came from.
STACK_READ_ACTIONS: Final = (
    "cloudformation:DescribeStackResources",
    "cloudformation:DescribeStacks",
    "cloudformation:ListStackResources",
)

# Acknowledged cdk-nag findings (cdk-nag 3 reads CDK's own Validations acknowledgements, so
# the construct needs no cdk-nag import). Each is a single finding, not a whole rule.
NAG_ACKNOWLEDGEMENTS: Final = (
    Acknowledgment(
        id="AwsSolutions-IAM5[Resource::*]",
        reason=(
            "chime:GetPhoneNumber and chime:UpdatePhoneNumber support no resource-level "
            "permissions (Service Authorization Reference, Amazon Chime): Resource must be *. "
            "The statement grants only these two actions."
        ),
    ),
)
# The shared provider serves any stack of its account and Region, known only by the events.
SHARED_NAG_ACKNOWLEDGEMENTS: Final = (
    Acknowledgment(
        id=(
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:"
            "<AWS::AccountId>:stack/*]"
        ),
        reason=(
            "The shared provider serves the stacks of its account and Region, which it cannot "
            "name in advance; the statement grants only cloudformation:DescribeStacks, "
            "ListStackResources and DescribeStackResources, all read-only."
        ),
    ),
)


class IPhoneNumberSettingsProvider(Protocol):
    """What ``PhoneNumberSettings`` needs of a provider: where events go, how long to wait."""

    @property
    def service_token(self) -> str: ...

    @property
    def service_timeout(self) -> Duration: ...

    def serve(self, resource: Construct) -> None:
        """Take ``resource`` among those the provider serves."""


def service_timeout_for(lambda_timeout: Duration) -> Duration:
    """The ServiceTimeout for a provider whose Lambda times out after ``lambda_timeout``:
    time for an event to start as late as its age allows, run until the timeout, and answer."""
    seconds = service_timeout_seconds(int(lambda_timeout.to_seconds()))
    if seconds > MAX_SERVICE_TIMEOUT_SECONDS:
        raise ValueError(
            f"a Lambda timeout of {lambda_timeout.to_seconds():g} s needs a ServiceTimeout of "
            f"{seconds} s (timeout + {MAX_EVENT_AGE_SECONDS} s event age + grace), above "
            f"CloudFormation's {MAX_SERVICE_TIMEOUT_SECONDS} s"
        )
    return Duration.seconds(seconds)


# An imported provider has no Lambda timeout to read. The shared provider stack deploys the
# provider with DEFAULT_TIMEOUT, so its resources wait what a stack's own default provider's do.
IMPORTED_SERVICE_TIMEOUT: Final = service_timeout_for(DEFAULT_TIMEOUT)


class ImportedPhoneNumberSettingsProvider(Construct):
    """A provider deployed elsewhere (the shared provider stack), known by its ServiceToken."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service_token: str,
        service_timeout: Duration | None = None,
    ) -> None:
        if not Token.is_unresolved(service_token) and not service_token.startswith("arn:"):
            raise ValueError(
                f"{scope.node.path}/{construct_id}: service_token must be the provider "
                "function's ARN (arn:...) or a token such as Fn.import_value(...)"
            )
        super().__init__(scope, construct_id)
        self._service_token = service_token
        self._service_timeout = (
            service_timeout if service_timeout is not None else IMPORTED_SERVICE_TIMEOUT
        )

    @property
    def service_token(self) -> str:
        return self._service_token

    @property
    def service_timeout(self) -> Duration:
        """Given at import, else the shared provider's (its default Lambda timeout, the
        event age and the grace)."""
        return self._service_timeout

    def serve(self, resource: Construct) -> None:
        """Nothing to configure: the function is deployed elsewhere, serving any number of
        stacks, so its retry policy starts from its default cap."""


class ProviderOptions(TypedDict, total=False):
    """The options of a provider; each left out (or None) takes its default."""

    timeout: Duration | None  # DEFAULT_TIMEOUT
    memory_size: int | None  # DEFAULT_MEMORY_SIZE_MB
    log_retention: logs.RetentionDays | None  # DEFAULT_LOG_RETENTION
    application_log_level: lambda_.ApplicationLogLevel | None  # INFO
    system_log_level: lambda_.SystemLogLevel | None  # INFO
    # True for the shared provider: it reads any stack of its account and Region. False: only
    # the stack that holds the provider (whose resources it serves).
    serves_other_stacks: bool | None  # False


class PhoneNumberSettingsProvider(Construct):
    """Lambda function, role and log group behind ``Custom::PhoneNumberSettings``.

    Use ``PhoneNumberSettingsProvider.of(scope)`` to share one provider per stack.
    """

    SINGLETON_ID: Final = "ChimePhoneNumberSettingsProvider"

    def __init__(
        self, scope: Construct, construct_id: str, **options: Unpack[ProviderOptions]
    ) -> None:
        """The options (``ProviderOptions``) left out or None take their defaults."""
        timeout = options.get("timeout") or DEFAULT_TIMEOUT
        memory_size = options.get("memory_size")
        memory_size = DEFAULT_MEMORY_SIZE_MB if memory_size is None else memory_size
        # Checked before joining the tree, so a rejected provider leaves no half-built node.
        _check_options(f"{scope.node.path}/{construct_id}", timeout, memory_size)
        super().__init__(scope, construct_id)
        self.timeout: Duration = timeout
        self.memory_size: int = memory_size
        self.log_retention = options.get("log_retention") or DEFAULT_LOG_RETENTION
        self.application_log_level = (
            options.get("application_log_level") or DEFAULT_APPLICATION_LOG_LEVEL
        )
        self.system_log_level = options.get("system_log_level") or DEFAULT_SYSTEM_LOG_LEVEL
        self.serves_other_stacks: bool = bool(options.get("serves_other_stacks"))
        self._served: list[str] = []
        # The construct whose first use made this provider with the defaults, if one did.
        self._defaults_chosen_for: str | None = None

        self.log_group = logs.LogGroup(
            self,
            "LogGroup",
            retention=self.log_retention,
            # The logs belong to this provider: deleting the stack deletes them too.
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=(
                "Custom::PhoneNumberSettings provider: reads and updates Chime numbers, "
                "reads the stacks it serves"
            ),
            inline_policies={
                "PhoneNumberSettings": iam.PolicyDocument(
                    statements=[
                        iam.PolicyStatement(actions=list(CHIME_ACTIONS), resources=["*"]),
                        iam.PolicyStatement(
                            actions=list(STACK_READ_ACTIONS), resources=[self._stacks_read()]
                        ),
                        # The log group's Arn ends in ":*": its own log streams, nothing else.
                        iam.PolicyStatement(
                            actions=list(LOG_ACTIONS),
                            resources=[self.log_group.log_group_arn],
                        ),
                    ]
                )
            },
        )
        Validations.of(self.role).acknowledge(*NAG_ACKNOWLEDGEMENTS)
        if self.serves_other_stacks:
            Validations.of(self.role).acknowledge(*SHARED_NAG_ACKNOWLEDGEMENTS)

        self.function = lambda_.Function(
            self,
            "Function",
            description="Sets Amazon Chime phone number settings for Custom::PhoneNumberSettings",
            runtime=LAMBDA_RUNTIME,
            architecture=lambda_.Architecture.ARM_64,
            handler=LAMBDA_HANDLER,
            code=handler_code(),
            timeout=self.timeout,
            memory_size=self.memory_size,
            role=self.role,
            log_group=self.log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            # No LOG_LEVEL variable: ApplicationLogLevel is the one switch, and it can be
            # changed on the deployed function in the console or the CLI.
            application_log_level_v2=self.application_log_level,
            system_log_level_v2=self.system_log_level,
        )
        # lambda.Function always adds DependsOn its role (so that a role's separate default
        # policy exists before the function); with our inline policy the GetAtt of the role
        # already orders them, which cfn-lint reports as W3005. Scoped to this one resource.
        cfn_function = self.function.node.default_child
        assert isinstance(cfn_function, CfnResource)
        cfn_function.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})
        self.function.configure_async_invoke(
            max_event_age=MAX_EVENT_AGE, retry_attempts=MAX_RETRY_ATTEMPTS
        )

    def _stacks_read(self) -> str:
        """The stacks the function may read: its own stack's id, or every stack it may serve."""
        stack = Stack.of(self)
        if self.serves_other_stacks:
            return stack.format_arn(service="cloudformation", resource="stack", resource_name="*")
        return stack.stack_id

    def serve(self, resource: Construct) -> None:
        """Count ``resource`` among those this function serves: its retries scale with them."""
        self._served.append(resource.node.path)
        self.function.add_environment(RESOURCES_SERVED_VARIABLE, str(len(self._served)))

    @property
    def service_token(self) -> str:
        """The ServiceToken of resources this provider serves: the function ARN."""
        return self.function.function_arn

    @property
    def service_timeout(self) -> Duration:
        """How long CloudFormation should wait for a response (``service_timeout_for``)."""
        return service_timeout_for(self.timeout)

    @classmethod
    def from_service_token(
        cls,
        scope: Construct,
        construct_id: str,
        service_token: str,
        *,
        service_timeout: Duration | None = None,
    ) -> ImportedPhoneNumberSettingsProvider:
        """A provider deployed elsewhere, by its ServiceToken (the function ARN, or a token).

        For the shared provider stack's export:
        ``from_service_token(self, "Shared", Fn.import_value(SHARED_PROVIDER_EXPORT_NAME))``.
        ``service_timeout`` defaults to IMPORTED_SERVICE_TIMEOUT (see README).
        """
        return ImportedPhoneNumberSettingsProvider(
            scope, construct_id, service_token=service_token, service_timeout=service_timeout
        )

    @classmethod
    def from_parameter(
        cls,
        scope: Construct,
        construct_id: str,
        parameter_name: str = SHARED_PROVIDER_PARAMETER_NAME,
        *,
        service_timeout: Duration | None = None,
    ) -> ImportedPhoneNumberSettingsProvider:
        """The provider whose ServiceToken the SSM parameter holds, read at each deploy.

        Default: the parameter the shared provider stack writes.
        """
        service_token = ssm.StringParameter.value_for_string_parameter(scope, parameter_name)
        return cls.from_service_token(
            scope, construct_id, service_token, service_timeout=service_timeout
        )

    @classmethod
    def of(
        cls, scope: IConstruct, **options: Unpack[ProviderOptions]
    ) -> PhoneNumberSettingsProvider:
        """Return the stack's provider, creating it on first use.

        Options left as None accept whatever the existing provider has; an option that
        differs from the existing provider's raises ValueError, because the resources
        already wired to it would silently get other settings.
        """
        stack = Stack.of(scope)
        existing = stack.node.try_find_child(cls.SINGLETON_ID)
        if existing is None:
            created = cls(stack, cls.SINGLETON_ID, **options)
            if all(value is None for value in options.values()) and scope is not stack:
                created._defaults_chosen_for = scope.node.path
            return created
        if not isinstance(existing, cls):
            raise TypeError(
                f"{existing.node.path} is not a PhoneNumberSettingsProvider; the construct id "
                f"{cls.SINGLETON_ID} is reserved for it"
            )
        conflicts = [
            f"{name} {_shown(value)}, existing {_shown(getattr(existing, name))}"
            for name, value in options.items()
            if value is not None and _shown(value) != _shown(getattr(existing, name))
        ]
        if conflicts:
            if existing._defaults_chosen_for is not None:
                # The usual cause: options given after the first number took the defaults.
                raise ValueError(
                    f"{existing.node.path} already exists with the default options "
                    f"({'; '.join(conflicts)}): {existing._defaults_chosen_for} created it. "
                    "Call PhoneNumberSettingsProvider.of(stack, ...) with your options before "
                    "the first PhoneNumberSettings of the stack"
                )
            raise ValueError(
                f"{existing.node.path} already exists with other options ({'; '.join(conflicts)}); "
                "pass the same options, none, or create a second provider with "
                "PhoneNumberSettingsProvider(scope, id, ...) and give it as provider="
            )
        return existing


def _shown(option: object) -> str:
    """An option as the conflict message shows it (and compares it)."""
    if isinstance(option, Duration):
        return f"{option.to_seconds():g} s"
    return str(getattr(option, "name", option))


def _check_options(path: str, timeout: Duration, memory_size: int) -> None:
    timeout_seconds = timeout.to_seconds()
    if not MIN_LAMBDA_TIMEOUT_SECONDS <= timeout_seconds <= MAX_LAMBDA_TIMEOUT_SECONDS or (
        timeout_seconds % 1
    ):
        raise ValueError(
            f"{path}: timeout must be whole seconds from {MIN_LAMBDA_TIMEOUT_SECONDS} (the "
            "handler keeps 3 s to answer CloudFormation and 2 s to undo a failed event) to "
            f"{MAX_LAMBDA_TIMEOUT_SECONDS} (a Lambda limit), not {timeout_seconds:g}"
        )
    if not MIN_MEMORY_SIZE_MB <= memory_size <= MAX_MEMORY_SIZE_MB:
        raise ValueError(
            f"{path}: memory_size must be {MIN_MEMORY_SIZE_MB} to "
            f"{MAX_MEMORY_SIZE_MB} MB, not {memory_size}"
        )
