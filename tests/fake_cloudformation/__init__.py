"""A local HTTPS stand-in for CloudFormation's presigned S3 ResponseURL."""

from __future__ import annotations

from tests.fake_cloudformation.responder import CfnResponder

__all__ = ["CfnResponder"]
