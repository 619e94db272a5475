"""Read CloudFormation templates and cloud assemblies: the plan's and the lint rules' input.

``reader`` finds the ``Custom::PhoneNumberSettings`` resources of a template or cloud
assembly; ``parameters`` fills in the parameters known before deploy. No AWS calls.
"""
