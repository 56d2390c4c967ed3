"""Discharge agreements in the demo region: one agreement between Västra Götalandsregionen and each demo
municipality, day prices, trygg hemgång rules and the criteria for enrolment in kommunal hemsjukvård.

The law (2017:612) is dispositive, so these are example values of the kind regions agree on, not facts: Mark
keeps the law's fallback (3 calendar days after the utskrivningsklar notice), Borås counts working days with a
12:00 cut-off, Bollebygd also requires the SIP invitation. The day prices of 2019, 2020 and 2022 are
Socialstyrelsen's [V]; later years are estimates marked as such [U].
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from nara.transitions.models import Agreement, DayPrice, FollowUpRule

DAY_PRICES = (
    (2019, "7800", "Socialstyrelsen"),
    (2020, "8200", "Socialstyrelsen"),
    (2022, "9300", "Socialstyrelsen"),
    (2023, "9900", "Uppskattat i demoregionen – kontrollera mot Socialstyrelsens beslut"),
    (2024, "10300", "Uppskattat i demoregionen – kontrollera mot Socialstyrelsens beslut"),
    (2025, "10600", "Uppskattat i demoregionen – kontrollera mot Socialstyrelsens beslut"),
    (2026, "10900", "Uppskattat i demoregionen – kontrollera mot Socialstyrelsens beslut"),
)

HOME_HEALTH_CRITERIA = [
    "Personen har behov av hälso- och sjukvårdsinsatser i hemmet under längre tid än två veckor",
    "Personen kan inte ta sig till vårdcentralen utan betydande svårighet",
    "Läkarstöd från vårdcentralen är ordnat (namngiven läkare)",
    "Läkemedelslistan är uppdaterad och överlämnad",
    "Personen har informerats och samtycker till inskrivning",
]

# (kind, label, responsible, within hours, only for persons enrolled in hemsjukvård)
FOLLOW_UP_RULES = (
    ("home_visit", "Hembesök av hemsjukvården", "home_health", 24, True),
    ("phone_call", "Uppföljande samtal från vårdcentralen", "health_centre", 72, False),
    ("medication_review", "Läkemedelsgenomgång", "health_centre", 14 * 24, False),
    ("cfs_reassessment", "Ny CFS-bedömning efter sjukhusvistelsen", "home_health", 7 * 24, True),
)


# Mark keeps the law's fallback; Borås and Bollebygd show other rules regions use.
VARIANTS = {
    "boras": {
        "day_kind": Agreement.DayKind.WORKING,
        "notice_cutoff": dt.time(12, 0),
        "extra_non_working_days": ["12-24", "12-31"],
    },
    "bollebygd": {"require_sip_invitation": True},
}


def save_agreements(region) -> list[Agreement]:
    """The demo's agreements, day prices and rules (written directly, like the rest of the generator)."""
    DayPrice.objects.bulk_create(
        [DayPrice(year=y, price=Decimal(p), source=s) for y, p, s in DAY_PRICES], ignore_conflicts=True
    )
    agreements = []
    for key, municipality in sorted(region.municipalities.items()):
        agreement = Agreement.objects.create(
            region=region.region,
            municipality=municipality,
            name=f"Överenskommelse om utskrivning från sluten vård, {region.region.name} – {municipality.name}",
            valid_from=dt.date(2025, 1, 1),
            days_after_notice=3,
            count_day_zero=False,
            require_both_notices=True,
            **VARIANTS.get(key, {}),
            home_health_criteria=HOME_HEALTH_CRITERIA,
        )
        FollowUpRule.objects.bulk_create(
            [
                FollowUpRule(
                    agreement=agreement, kind=kind, label=label, responsible=responsible, within_hours=hours,
                    only_if_home_health=only_enrolled,
                )
                for kind, label, responsible, hours, only_enrolled in FOLLOW_UP_RULES
            ]
        )
        agreements.append(agreement)
    return agreements
