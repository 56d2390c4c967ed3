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


def save_discharge_cases(region, residents, today: dt.date, rng) -> int:
    """A few discharge cases in every state, so the inboxes, the case pages, trygg hemgång, the overview and the
    monthly statements have content on first start. Written directly, mirroring case_services (no access log: the
    generator is not a user); `_event` and `receiving_units` are the services' own helpers.
    """
    from django.utils import timezone

    from nara.access.models import Consent
    from nara.directory.actor import Actor
    from nara.directory.models import Assignment
    from nara.transitions import case_services, safe_return_services
    from nara.transitions.models import CaseStatus, DischargeCase, PlanningInfo, ReadyNotice

    tz = timezone.get_current_timezone()
    kinds = case_services.CaseEvent.Kind

    def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)

    def actor_of(user, unit_key):
        unit = region.units[unit_key]
        roles = Assignment.objects.filter(user=user, unit=unit).values_list("roles", flat=True).first() or []
        return Actor(user.pk, unit.pk, unit.organisation_id, frozenset(roles), display_name=user.get_full_name(),
                     unit_name=unit.name)

    pools = {
        m: [r for r in residents if r.municipality == m and not r.is_demo and r.age >= 80 and r.health_centre
            and r.has_care_team and not r.person.date_of_death]
        for m in ("mark", "boras")
    }
    for pool in pools.values():
        rng.shuffle(pool)
    # Mark and Borås take turns, so both municipalities have cases in every state.
    pool = [
        pools[m][i // 2] for i, m in enumerate(["mark", "boras"] * 5) if i // 2 < len(pools[m])
    ]  # a small demo (--persons 500) may have fewer
    first_of_month = today.replace(day=1)
    last_month = (first_of_month - dt.timedelta(days=1)).replace(day=1)
    # (ward, admitted, ready after days, discharged after days (None: still admitted), acknowledged)
    plans = [
        ("nava", today - dt.timedelta(days=1), None, None, False),
        ("m5", today - dt.timedelta(days=9), 3, None, True),
        ("nava", today - dt.timedelta(days=6), 2, None, True),
        ("nava", today - dt.timedelta(days=12), 7, 10, True),
    ] + [  # last month: some stay well beyond the waiting days, so the statement has payment days
        ("m5" if i % 2 else "nava", last_month + dt.timedelta(days=2 + 4 * i), 3 + i % 3, 3 + i % 3 + (2, 6, 9)[i % 3],
         True)
        for i in range(6)
    ]
    count = 0
    for (ward_key, admitted_on, ready_after, discharged_after, acknowledged), r in zip(plans, pool, strict=False):
        nurse = region.one(ward_key, "nurse")
        ward = actor_of(nurse, ward_key)
        municipality = region.municipalities[r.municipality]
        health_centre = region.units[r.health_centre]
        admitted = at(admitted_on, 14, 20)
        notice_at = admitted + dt.timedelta(hours=5)
        case = DischargeCase.objects.create(
            person=r.person, ward=region.units[ward_key], admitted_at=admitted, notice_sent_at=notice_at,
            expected_discharge_on=admitted_on + dt.timedelta(days=(discharged_after or 5)),
            reason=rng.choice(["Pneumoni", "Hjärtsvikt, försämring", "Fall med höftfraktur", "Urinvägsinfektion",
                               "KOL-exacerbation"]),
            municipality=municipality, health_centre=health_centre,
            agreement=case_services.resolve_agreement(region.region.pk, municipality.pk, admitted_on),
            both_must_act=admitted_on >= first_of_month, planning_due_at=notice_at + dt.timedelta(hours=48),
            recorded_by_unit=region.units[ward_key], recorded_by_org=region.region, recorded_by=nurse,
        )
        # As case_services.start_case: the receivers take part of the region's case data only (never the other way).
        receivers = {municipality.pk, health_centre.organisation_id} - {region.region.pk}
        for receiving in sorted(receivers):
            consent = Consent.objects.create(
                person=r.person, receiving_org_id=receiving, method=Consent.Method.VERBAL,
                purpose=case_services.CONSENT_PURPOSE, scope=case_services.CONSENT_SCOPE,
                given_at=admitted + dt.timedelta(hours=1), valid_from=admitted_on, recorded_by_unit=case.ward,
                recorded_by_org=region.region, recorded_by=nurse,
            )
            consent.source_orgs.set([region.region])
            case.consents.add(consent)
        units = case_services.receiving_units(r.person, municipality, health_centre, admitted_on)
        case_services._event(ward, case, kinds.ADMISSION_NOTICE, case.reason, {"late": False},
                             at=notice_at, to_units=[u.pk for u in units])
        if acknowledged:  # the municipality planned and the vårdcentral appointed the fast vårdkontakt
            needs_key = f"{r.municipality}_needs"
            needs, assessor = region.units[needs_key], region.one(needs_key, "needs_assessor")
            PlanningInfo.objects.create(
                case=case, unit=needs, user=assessor, submitted_at=notice_at + dt.timedelta(hours=20),
                needs="Hjälp med personlig omvårdnad morgon och kväll, inköp.", aids="Rollator finns.",
                home_care="Hemtjänst två gånger per dag.", home_health_care="Hembesök för läkemedel.",
            )
            case.fixed_care_contact = region.one(r.health_centre, "elder_nurse")
            case.fixed_care_contact_unit = health_centre
        if ready_after is not None:
            ready_at = at(admitted_on + dt.timedelta(days=ready_after), 10, 30)
            ReadyNotice.objects.create(case=case, notified_at=ready_at, notified_by=nurse)
            case_services._event(ward, case, kinds.READY, "", {"renewed": False}, at=ready_at,
                                 to_units=[u.pk for u in units])
            case.status = CaseStatus.READY
        if discharged_after is not None:
            case.status = CaseStatus.DISCHARGED
            case.discharged_at = at(admitted_on + dt.timedelta(days=discharged_after), 13)
            case.discharged_to = "Hemmet"
            case.discharge_summary = f"{case.reason}. Behandlad och förbättrad."
            case.medication_changes = "Se läkemedelslistan i NPÖ."
            case.follow_up_information = "Uppföljning på vårdcentralen inom två veckor."
            case_services._event(ward, case, kinds.DISCHARGED, "Hemmet", {}, at=case.discharged_at,
                                 to_units=[u.pk for u in units])
        case.save()
        if acknowledged:
            for event in case.events.all():
                event.receipts.update(acknowledged_at=event.at + dt.timedelta(hours=2))
        if case.status == CaseStatus.DISCHARGED:
            safe_return_services.create_safe_return_tasks(case, ward)
        count += 1
    return count


def admit_gosta(region, residents, today: dt.date) -> None:
    """Gösta Karlsson was admitted to NÄVA this morning (the hospital's admission shows as a care-team entry), so
    nils.avd finds him by name and can send the admission notice live in the demo."""
    from nara.people.models import CareTeamMember

    gosta = next(r.person for r in residents if r.is_demo and r.person.given_name == "Gösta")
    nils, nava = region.users["nils.avd"], region.units["nava"]
    CareTeamMember.objects.create(
        person=gosta, unit=nava, staff=nils, role="Inskriven på avdelning", valid_from=today,
        recorded_by_unit=nava, recorded_by_org=nava.organisation, recorded_by=nils,
    )
