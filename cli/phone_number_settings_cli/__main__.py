"""``python -m phone_number_settings_cli plan ...``: the same as ``phone-number-settings``."""

from __future__ import annotations

from phone_number_settings_cli.main import main

raise SystemExit(main())
