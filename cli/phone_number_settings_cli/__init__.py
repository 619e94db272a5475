"""The ``phone-number-settings`` command: plan and drift of Custom::PhoneNumberSettings."""
