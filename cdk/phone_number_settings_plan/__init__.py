"""Plan and drift report for PhoneNumberSettings resources (read-only)."""
