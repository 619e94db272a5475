"""CloudFormation's side of a custom resource: the ResponseURL server, the cloud assembly
reader, and the driver that sends events in CloudFormation's order."""

from __future__ import annotations

from phone_number_settings_fakes.cloudformation.responder import CfnResponder

__all__ = ["CfnResponder"]
