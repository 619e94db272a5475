"""The Chime client shared by the Lambda function and the command.

``gateway`` calls GetPhoneNumber, UpdatePhoneNumber and ListPhoneNumbers over boto3 with
the retries of ``retry``, each call bounded by a ``deadline.Deadline``. Pure rules come
from ``phone_number_settings_core``; nothing here knows CloudFormation or crhelper.
"""
