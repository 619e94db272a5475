"""Local stand-ins for the AWS services around the product, for tests, demo and benchmark.

- ``chime``: the fake Chime service (both namespaces) that real boto3 clients talk to.
- ``cloudformation``: CloudFormation's side: the HTTPS ResponseURL server, the reader of a
  synthesised cloud assembly, and the driver that sends events in CloudFormation's order.
- ``lambda_service``: runs a synthesised Lambda asset as Lambda would.
- ``clock``: the virtual clock (SteppedClock) of tests, fakes and benchmarks.
- ``demo``: ``make demo``, a stack's lifecycle against all of the above.

Nothing here is shipped to users or into the Lambda asset.
"""
