"""The contract of ``Custom::PhoneNumberSettings``: rules, values, the planner. Pure Python.

Everything else stands on this package: the Lambda handler validates and plans with it at
deploy time, the CDK construct validates with it at synth time, and the command plans with
it before a deploy. Importing it imports neither boto3, crhelper nor aws_cdk.
"""
