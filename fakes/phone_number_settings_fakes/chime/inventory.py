"""A telephony team's numbers, set up by hand before any stack: what ``adopt`` meets.

One of each case adopt must tell apart: applied, pending and failed calling names, a
number only the chime namespace can hold (BusinessCalling), and numbers whose settings
the rules refuse.
"""

from __future__ import annotations

from phone_number_settings_fakes.chime.backend import ChimeBackend
from phone_number_settings_fakes.chime.model import NumberKind

SUPPORT_LINE = "+12065550100"  # every detail set and applied
SALES_LINE = "+12065550101"  # calling name still pending
CAMPAIGN_LINE = "+12065550102"  # calling name failed; a name
FRONT_DESK = "+12065550103"  # BusinessCalling: the chime namespace's alone
TOLL_FREE_LINE = "+18005550199"  # a calling name the rules refuse on toll-free numbers
LONDON_LINE = "+442071838750"  # outside the U.S. but not SipMediaApplicationDialIn

# What an adopt in chime-sdk-voice declares, and what it must leave as comments.
DECLARED_IN_CHIME_SDK_VOICE = (SUPPORT_LINE, SALES_LINE, CAMPAIGN_LINE)
REFUSED_IN_CHIME_SDK_VOICE = (FRONT_DESK, TOLL_FREE_LINE, LONDON_LINE)


def seed_team_numbers(backend: ChimeBackend) -> None:
    """Seed the team's numbers (both namespaces see the same inventory)."""
    backend.seed_number(
        SUPPORT_LINE,
        product_type="SipMediaApplicationDialIn",
        name="Support line",
        calling_name="Acme Support",
        status="Assigned",
    )
    backend.seed_number(
        SALES_LINE,
        product_type="VoiceConnector",
        calling_name="Acme Sales",
        calling_name_status="UpdateInProgress",
        status="Assigned",
    )
    backend.seed_number(
        CAMPAIGN_LINE,
        product_type="VoiceConnector",
        name="Spring campaign",
        calling_name="Acme Promo",
        calling_name_status="UpdateFailed",
    )
    backend.seed_number(FRONT_DESK, product_type="BusinessCalling", calling_name="Acme Front Desk")
    backend.seed_number(
        TOLL_FREE_LINE,
        kind=NumberKind.US_TOLL_FREE,
        product_type="VoiceConnector",
        calling_name="Acme Free",
    )
    backend.seed_number(LONDON_LINE, kind=NumberKind.NON_US, product_type="VoiceConnector")
