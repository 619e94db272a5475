"""The example app synthesised by the CDK CLI, read as ``plan`` reads it: construct paths."""

from __future__ import annotations

import pytest

from phone_number_settings_cli.plan import shown_name
from phone_number_settings_fakes.cloudformation.assembly import Synthesis
from phone_number_settings_templates.reader import read_assembly

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cli")]
STACK = "PhoneNumberSettingsExample"


def test_resources_are_named_by_their_construct_path(example_synthesis: Synthesis) -> None:
    declarations = [d for d in read_assembly(example_synthesis.outdir) if d.stack == STACK]
    logical_ids = {d.construct_path: d.logical_id for d in declarations}
    assert set(logical_ids) == {
        f"{STACK}/{name}" for name in ("SupportLine", "FrontDesk", "CampaignLine")
    }
    for path, logical_id in logical_ids.items():
        construct = str(path).split("/")[-1]
        assert logical_id.startswith(construct)
        assert logical_id != construct  # CDK's logical id carries a hash
    assert {shown_name(d) for d in declarations} == set(logical_ids)
