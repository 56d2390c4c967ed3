"""Plans and assessments in the demo region: CFS ratings for home health care patients (Västra Götaland rates all
of them, yearly and after a change), medical and palliative care plans, treatment limitations and prepared care
requests, so the person overview, the prepared care request and the work lists have content on first start.

The named demo persons (data.DEMO_PERSONS) get a written-out story: Astrid's CFS ratings are Mark's data (hidden
at Vårdcentralen Kinna until she consents), Margit is in palliative care with a treatment limitation, Gösta has
nothing yet (the SIP is made live in the demo). Written directly, like the rest of the generator: no access-log
rows, because no user read or changed anything.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from nara.plans.models import CarePlan, FrailtyAssessment, PreparedCareRequest, TreatmentLimitation

BATCH = 2000


@dataclass
class PlanRecords:
    frailty: list[FrailtyAssessment] = field(default_factory=list)
    care_plans: list[CarePlan] = field(default_factory=list)
    limitations: list[TreatmentLimitation] = field(default_factory=list)
    care_requests: list[PreparedCareRequest] = field(default_factory=list)


def _recorded(region, unit_key: str, user) -> dict:
    unit = region.units[unit_key]
    return {"recorded_by_unit": unit, "recorded_by_org": unit.organisation, "recorded_by": user}


def _cfs_history(rng, region, r, today, out: PlanRecords) -> int:
    """One to three yearly-ish ratings by the home health nurse, drifting upwards; returns the latest score."""
    unit_key = f"{r.municipality}_home_health"
    nurse = region.one(unit_key, "nurse")
    score = min(9, max(3, round(rng.gauss(4.5 + (r.age - 75) / 8, 1.0))))
    last = today - dt.timedelta(days=rng.randint(10, 480))  # some are overdue (> 365 days)
    dates = [last - dt.timedelta(days=rng.randint(150, 400) * i) for i in range(rng.randint(1, 3))]
    scores = []
    for i, _day in enumerate(dates):
        scores.append(max(1, score - i * rng.choice((0, 0, 1))))
    for i, (day, value) in enumerate(zip(reversed(dates), reversed(scores), strict=True)):
        out.frailty.append(
            FrailtyAssessment(
                person=r.person,
                score=value,
                rated_on=day,
                habitual_status_confirmed=True,
                rater=nurse,
                occasion=FrailtyAssessment.Occasion.FIRST if i == 0 else FrailtyAssessment.Occasion.YEARLY,
                **_recorded(region, unit_key, nurse),
            )
        )
    return score


def _palliative(region, r, physician, unit_key, established: dt.date, out: PlanRecords) -> None:
    out.care_plans.append(
        CarePlan(
            person=r.person,
            kind=CarePlan.Kind.PALLIATIVE,
            established_on=established,
            responsible_physician=physician,
            diagnoses="Hjärtsvikt NYHA IV. KOL.",
            goals_of_care="Symtomlindring i hemmet. Undvika onödiga sjukhusbesök.",
            plan="Brytpunktssamtal genomfört. Hemsjukvården följer upp symtom varje vecka.",
            palliative_orders=(
                "Morfin 5 mg s.c. vid smärta eller andnöd, högst 6 gånger per dygn.\n"
                "Midazolam 2,5 mg s.c. vid oro.\n"
                "Glykopyrron 0,2 mg s.c. vid rosslig andning.\n"
                "Furosemid 40 mg s.c. vid ökad andnöd med ödem."
            ),
            review_due=established + dt.timedelta(days=365),
            **_recorded(region, unit_key, physician),
        )
    )
    out.limitations.append(
        TreatmentLimitation(
            person=r.person,
            kind=TreatmentLimitation.Kind.NO_CPR,
            description="Hjärt-lungräddning ska inte påbörjas.",
            decided_by=physician,
            decided_on=established,
            discussed_with="personen själv och dottern",
            **_recorded(region, unit_key, physician),
        )
    )


def _demo_person_plans(region, r, index: int, today: dt.date, out: PlanRecords) -> None:
    anna = region.users["anna.ssk"]
    erik = region.users["erik.lakare"]
    maria = region.users["maria.dsk"]
    if index == 0:  # Astrid: rated by Mark's home health care (shown at Kinna only with her consent)
        for days, score, occasion in ((700, 4, "first"), (330, 5, "yearly")):
            out.frailty.append(
                FrailtyAssessment(
                    person=r.person, score=score, rated_on=today - dt.timedelta(days=days),
                    habitual_status_confirmed=True, rater=maria, occasion=occasion,
                    **_recorded(region, "mark_home_health", maria),
                )
            )
    elif index == 2:  # Margit: palliative care at home with a limitation, rated at Kinna
        for days, score, occasion in ((420, 6, "first"), (40, 7, "change")):
            out.frailty.append(
                FrailtyAssessment(
                    person=r.person, score=score, rated_on=today - dt.timedelta(days=days),
                    habitual_status_confirmed=True, rater=anna, occasion=occasion,
                    comment="Bedömd tillsammans med hemsjukvården." if days < 100 else "",
                    **_recorded(region, "kinna", anna),
                )
            )
        _palliative(region, r, erik, "kinna", today - dt.timedelta(days=40), out)
        out.care_requests.append(
            PreparedCareRequest(
                person=r.person,
                medication_list_location="Nationella läkemedelslistan. Dosett i köksskåpet hemma.",
                diagnoses="Hjärtsvikt, KOL, förmaksflimmer.",
                wishes="Vill vårdas hemma så långt det går. Vill inte till sjukhus om det kan undvikas.",
                other_information="Hör dåligt på vänster öra. Dottern har nyckel.",
                **_recorded(region, "kinna", anna),
            )
        )


def build_plan_records(rng: random.Random, region, residents, today: dt.date) -> PlanRecords:
    out = PlanRecords()
    demo_index = 0
    for r in residents:
        if r.is_demo:
            _demo_person_plans(region, r, demo_index, today, out)
            demo_index += 1
            continue
        if r.person.date_of_death or r.age < 75 or not r.has_care_team or rng.random() > 0.7:
            continue
        score = _cfs_history(rng, region, r, today, out)
        if not r.health_centre:
            continue
        physician = region.one(r.health_centre, "physician")
        if score >= 7 and rng.random() < 0.4:
            _palliative(region, r, physician, r.health_centre, today - dt.timedelta(days=rng.randint(20, 420)), out)
        elif score >= 6 and rng.random() < 0.3:
            out.care_plans.append(
                CarePlan(
                    person=r.person,
                    kind=CarePlan.Kind.MEDICAL,
                    established_on=today - dt.timedelta(days=rng.randint(20, 400)),
                    responsible_physician=physician,
                    diagnoses="Hjärtsvikt. Diabetes typ 2. Lätt kognitiv svikt.",
                    goals_of_care="Stabil vikt och blodsocker, bo kvar hemma.",
                    plan="Vikt två gånger i veckan via hemsjukvården. Läkemedelsgenomgång årligen.",
                    **_recorded(region, r.health_centre, physician),
                )
            )
    return out


def _stamp_times(model, objects, day_of) -> None:
    """Records look written on their own date, not on the day the demo was loaded ("recent changes" reads them)."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    for obj in objects:
        obj.created_at = obj.updated_at = dt.datetime.combine(day_of(obj), dt.time(10), tzinfo=tz)
    model.objects.bulk_update(objects, ["created_at", "updated_at"], batch_size=BATCH)


def save_plan_records(records: PlanRecords, today: dt.date) -> None:
    FrailtyAssessment.objects.bulk_create(records.frailty, batch_size=BATCH)
    CarePlan.objects.bulk_create(records.care_plans, batch_size=BATCH)
    TreatmentLimitation.objects.bulk_create(records.limitations, batch_size=BATCH)
    PreparedCareRequest.objects.bulk_create(records.care_requests, batch_size=BATCH)
    _stamp_times(FrailtyAssessment, records.frailty, lambda o: o.rated_on)
    _stamp_times(CarePlan, records.care_plans, lambda o: o.established_on)
    _stamp_times(TreatmentLimitation, records.limitations, lambda o: o.decided_on)
    _stamp_times(PreparedCareRequest, records.care_requests, lambda o: today - dt.timedelta(days=38))


def save_demo_sip(region, residents, today: dt.date) -> None:
    """Ingvar's SIP, agreed four weeks ago between Vårdcentralen Kinna and Marks kommun, with a follow-up due this
    week: the SIP page, its history and print, and the work lists of anna.ssk and lena.bistand have content.

    Written directly (the generator is not a user), with the person's SIP consent as ordinary Consent rows and
    one SipVersion holding the snapshot, as the services would leave it.
    """
    from django.utils import timezone

    from nara.access.models import Consent
    from nara.people.models import Relative
    from nara.plans import sip_snapshot
    from nara.plans.due import week_bounds
    from nara.plans.models import (
        Sip,
        SipAction,
        SipFollowUp,
        SipGoal,
        SipMeeting,
        SipMeetingResponse,
        SipOtherMeasure,
        SipParticipant,
        SipStatus,
        SipVersion,
    )

    ingvar = next(r.person for r in residents if r.is_demo and r.person.given_name == "Ingvar")
    anna, lena, maria = (region.users[u] for u in ("anna.ssk", "lena.bistand", "maria.dsk"))
    jonas = region.users["jonas.fys"]
    kinna, needs, home_health, rehab = (region.units[k] for k in ("kinna", "mark_needs", "mark_home_health",
                                                                  "mark_rehab"))
    vgr, mark = kinna.organisation, needs.organisation
    tz = timezone.get_current_timezone()

    def at(days_ago: int, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(hour), tzinfo=tz)

    consents = []
    for receiving, source in ((vgr, mark), (mark, vgr)):
        c = Consent.objects.create(
            person=ingvar, receiving_org=receiving, method=Consent.Method.VERBAL, purpose="SIP",
            valid_from=today - dt.timedelta(days=42), recorded_by_unit=kinna, recorded_by_org=vgr, recorded_by=anna,
        )
        c.source_orgs.set([source])
        consents.append(c)
    daughter = Relative.objects.filter(person=ingvar, relation="dotter").first()
    follow_up = min(week_bounds(today)[0] + dt.timedelta(days=3), today + dt.timedelta(days=3))
    sip = Sip.objects.create(
        person=ingvar, status=SipStatus.ACTIVE, recorded_by_unit=kinna, recorded_by_org=vgr, recorded_by=anna,
        initiative_reason="Två fall i hemmet på tre månader och ett akutbesök. Behöver insatser från både "
        "vårdcentralen och kommunen.",
        consent_given_at=at(42), consent_method=Consent.Method.VERBAL, consent_given_by="Ingvar Sjöholm",
        relatives_take_part=daughter is not None, relatives_note=daughter.name if daughter else "",
        what_matters="Att kunna gå ut med hunden själv igen och bo kvar i huset.",
        situation="Bor ensam i villa med trappa till sovrummet. Dottern bor i Borås och hälsar på varje helg.",
        needs="Balans och gångförmåga, hjälp med dusch och inköp, översyn av läkemedel (yrsel).",
        overall_responsible_org=vgr, coordinator=anna, coordinator_unit=kinna, next_follow_up=follow_up,
        plan_agreed_at=at(28, 11),
    )
    sip.consents.set(consents)
    Sip.objects.filter(pk=sip.pk).update(created_at=at(43, 14))  # the initiative, six weeks ago
    sip.refresh_from_db()
    participants = [
        SipParticipant(sip=sip, kind="staff", organisation=vgr, unit=kinna, staff=anna, role="Äldresjuksköterska"),
        SipParticipant(sip=sip, kind="staff", organisation=mark, unit=needs, staff=lena, role="Biståndshandläggare"),
        SipParticipant(sip=sip, kind="staff", organisation=mark, unit=home_health, staff=maria,
                       role="Distriktssköterska"),
        SipParticipant(sip=sip, kind="person", name=ingvar.full_name, phone=ingvar.phone),
    ]
    if daughter:
        participants.append(SipParticipant(sip=sip, kind="relative", relative=daughter, name=daughter.name,
                                           role=daughter.relation, phone=daughter.phone))
    for p in participants:
        p.added_at = at(42)
        p.save()
    meeting = SipMeeting.objects.create(
        sip=sip, starts_at=at(28), place="Hemma hos Ingvar, Ängsvägen 3, Kinna", invited_at=at(41),
        invited_by=anna, message="Välkommen till SIP-möte. Ingvar och hans dotter deltar.",
    )
    for p in participants:
        SipMeetingResponse.objects.create(meeting=meeting, participant=p, answer="confirmed",
                                          answered_at=at(40), answered_by=p.staff)
    walk = SipGoal.objects.create(sip=sip, text="Jag vill kunna gå ut med hunden själv igen.", position=1)
    home = SipGoal.objects.create(sip=sip, text="Jag vill bo kvar hemma.", position=2)
    for goal, text, org, unit, staff, days, status in (
        (walk, "Balansträning hemma två gånger i veckan i åtta veckor", mark, rehab, jonas, 28, "ongoing"),
        (walk, "Läkemedelsgenomgång med läkare (yrsel)", vgr, kinna, anna, -5, "planned"),
        (home, "Beslut om hemtjänst: hjälp med dusch och inköp", mark, needs, lena, -20, "done"),
        (home, "Trygghetslarm och hembesök av hemsjukvården efter fall", mark, home_health, maria, 5, "planned"),
    ):
        SipAction.objects.create(
            sip=sip, goal=goal, description=text, responsible_org=org, responsible_unit=unit,
            responsible_staff=staff, due_date=today + dt.timedelta(days=days), status=status,
            done_at=at(20) if status == "done" else None,
        )
    SipOtherMeasure.objects.create(sip=sip, by="relative", by_name=daughter.name if daughter else "",
                                   description="Handlar och tittar till Ingvar varje lördag.")
    SipOtherMeasure.objects.create(sip=sip, by="civil_society", by_name="PRO Kinna",
                                   description="Seniorgympa på träffpunkten på torsdagar.")
    SipFollowUp.objects.create(
        sip=sip, held_on=today - dt.timedelta(days=14), recorded_by=anna, recorded_by_unit=kinna,
        notes="Telefonuppföljning. Hemtjänsten har börjat. Balansträningen går bra, inget nytt fall.",
        goals_outcome="Går kortare promenader med rollator.", person_view="Känner sig tryggare.",
        next_follow_up=follow_up,
    )
    SipVersion.objects.create(
        sip=sip, number=sip.version, changed_at=at(14), changed_by=anna, changed_by_unit=kinna,
        summary="Inläst med demoregionen: planen fastställd och uppföljd.", snapshot=sip_snapshot.build(sip),
    )
