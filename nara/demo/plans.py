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
            discussed_with="Personen själv och dotter",
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
                other_information="Hör dåligt på vänster öra. Dottern Eva har nyckel.",
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


def save_plan_records(records: PlanRecords) -> None:
    FrailtyAssessment.objects.bulk_create(records.frailty, batch_size=BATCH)
    CarePlan.objects.bulk_create(records.care_plans, batch_size=BATCH)
    TreatmentLimitation.objects.bulk_create(records.limitations, batch_size=BATCH)
    PreparedCareRequest.objects.bulk_create(records.care_requests, batch_size=BATCH)
