"""``python -m phone_number_settings_plan plan ...``: the same as ``phone-number-settings``."""

from __future__ import annotations

from phone_number_settings_plan.cli import main

raise SystemExit(main())
