"""Builders for transitions objects on the two-organisation world of tests/world.py (shared by the transitions
tests and tests/test_view_logging.py). Append your own functions; each takes the World or a case."""

# --- Trygg hemgång, hemsjukvård enrolment and overview (followup/enrolment/overview areas) ----------------------


def fu_ward(w):
    """A hospital ward of the region with a nurse (w._fu_ward, w._fu_ward_nurse); created once per World."""
    from nara.directory.models import Unit
    from tests import factories as f

    if getattr(w, "_fu_ward", None) is None:
        w._fu_ward = f.unit(w.region, kind=Unit.Kind.WARD, name="Avdelning 12 SÄS")
        w._fu_ward_nurse = f.staff(w._fu_ward, ["nurse"], username="ward_nurse")
    return w._fu_ward


def fu_needs_assessment(w):
    """Biståndsenheten Mark with a needs assessor (w._fu_bist_user); created once per World."""
    from nara.directory.models import Unit
    from tests import factories as f

    if getattr(w, "_fu_bist", None) is None:
        w._fu_bist = f.unit(w.mark, kind=Unit.Kind.NEEDS_ASSESSMENT, name="Biståndsenheten Mark")
        w._fu_bist_user = f.staff(w._fu_bist, ["needs_assessor"], username="bist")
    return w._fu_bist


def fu_agreement(w, rules=(), criteria=None, **extra):
    """An agreement Region–Mark from 2020 with follow-up rules given as (kind, responsible, hours, only_hh)."""
    import datetime as dt

    from nara.transitions.models import Agreement, FollowUpRule

    agreement = Agreement.objects.create(
        region=w.region,
        municipality=w.mark,
        name="Överenskommelse Mark",
        valid_from=dt.date(2020, 1, 1),
        home_health_criteria=criteria
        if criteria is not None
        else [
            "Kan inte ta sig till vårdcentralen",
            "Behov av hälso- och sjukvård i hemmet mer än tillfälligt",
        ],
        **extra,
    )
    for kind, responsible, hours, only_hh in rules:
        FollowUpRule.objects.create(
            agreement=agreement,
            kind=kind,
            label=dict(FollowUpRule.Kind.choices)[kind],
            responsible=responsible,
            within_hours=hours,
            only_if_home_health=only_hh,
        )
    return agreement


def fu_case(w, person=None, status="admitted", admitted_at=None, discharged_at=None, agreement=None, **extra):
    """A discharge case of w.person at the ward, addressed to Mark and Vårdcentralen Kinna (models only)."""
    from django.utils import timezone

    from nara.transitions.models import DischargeCase

    ward = fu_ward(w)
    admitted_at = admitted_at or timezone.now() - timezone.timedelta(days=3)
    return DischargeCase.objects.create(
        person=person or w.person,
        status=status,
        ward=ward,
        admitted_at=admitted_at,
        notice_sent_at=extra.pop("notice_sent_at", admitted_at),
        expected_discharge_on=extra.pop("expected_discharge_on", admitted_at.date()),
        municipality=extra.pop("municipality", w.mark),
        health_centre=extra.pop("health_centre", w.vc),
        agreement=agreement,
        discharged_at=discharged_at,
        recorded_by_unit=ward,
        recorded_by_org=w.region,
        recorded_by=w._fu_ward_nurse,
        **extra,
    )


def fu_event(case, kind, at, units=(), user=None, acknowledged=False, **extra):
    """A CaseEvent with receipts for `units` (acknowledged at `at` when asked)."""
    from nara.transitions.models import CaseEvent, Receipt

    event = CaseEvent.objects.create(case=case, kind=kind, at=at, user=user, unit=case.ward, **extra)
    for unit in units:
        Receipt.objects.create(event=event, unit=unit, acknowledged_at=at if acknowledged else None)
    return event


def fu_ready(case, at, withdrawn_at=None):
    from nara.transitions.models import ReadyNotice

    return ReadyNotice.objects.create(
        case=case, notified_at=at, notified_by=case.recorded_by, withdrawn_at=withdrawn_at
    )


def fu_consent(w, receiving=None, source=None):
    """The person lets `receiving` (default Mark) take part of `source`'s (default the region's) data."""
    import datetime as dt

    from nara.access.models import Consent

    consent = Consent.objects.create(
        person=w.person,
        receiving_org=receiving or w.mark,
        method="verbal",
        valid_from=dt.date(2020, 1, 1),
        recorded_by_unit=w.vc,
        recorded_by_org=w.region,
        recorded_by=w.vc_nurse,
    )
    consent.source_orgs.set([source or w.region])
    return consent


def fu_enrolment(w, status="requested", start_on=None, next_review_on=None, physician=None, **extra):
    """An enrolment of w.person requested by Vårdcentralen Kinna (vc_nurse), home health unit Hemsjukvården Mark."""
    from nara.transitions.models import HomeHealthEnrolment

    return HomeHealthEnrolment.objects.create(
        person=extra.pop("person", w.person),
        status=status,
        municipality=w.mark,
        criteria_met=[{"criterion": "Kan inte ta sig till vårdcentralen", "met": True, "explanation": ""}],
        request_reason="Svårt att ta sig till vårdcentralen",
        home_health_unit=w.hsv,
        physician_unit=w.vc,
        physician=physician,
        start_on=start_on,
        next_review_on=next_review_on,
        recorded_by_unit=w.vc,
        recorded_by_org=w.region,
        recorded_by=w.vc_nurse,
        **extra,
    )


def fu_enrolment_pk(w):
    import datetime as dt

    return fu_enrolment(
        w, status="enrolled", start_on=dt.date(2026, 1, 1), next_review_on=dt.date(2026, 7, 1)
    ).pk


# --- Discharge case (case area) ----------------------------------------------------------------------------------


def case_parties(w):
    """The ward (w.case_ward, nurse w.ward_nurse "sara") with the person admitted (a care-team entry), and
    Biståndsenheten Marks kommun (w.case_bist, needs assessor w.bist_user "lena"); created once per World."""
    import datetime as dt

    from nara.directory.models import Unit
    from nara.people.models import CareTeamMember
    from tests import factories as f

    if getattr(w, "case_ward", None) is None:
        w.case_ward = f.unit(w.region, kind=Unit.Kind.WARD, name="Medicinavdelning 31 SÄS")
        w.ward_nurse = f.staff(w.case_ward, ["nurse"], username="sara")
        w.case_bist = f.unit(w.mark, kind=Unit.Kind.NEEDS_ASSESSMENT, name="Biståndsenheten Marks kommun")
        w.bist_user = f.staff(w.case_bist, ["needs_assessor"], username="lena")
        # The hospital's admission registers the ward on the person's care team: the ward's care relationship.
        CareTeamMember.objects.create(
            person=w.person,
            unit=w.case_ward,
            role="Inskriven på avdelning",
            valid_from=dt.date(2025, 1, 1),
            recorded_by_unit=w.case_ward,
            recorded_by_org=w.region,
            recorded_by=w.ward_nurse,
        )
    return w


def case_start(w, consent="verbal", both_must_act=True, admitted_hours_ago=5, **data):
    """A discharge case started through case_services.start_case by the ward nurse (the admission notice)."""
    import datetime as dt

    from django.utils import timezone

    from nara.transitions import case_services
    from tests import factories as f

    case_parties(w)
    now = data.pop("now", None) or timezone.now()
    values = {
        "admitted_at": now - dt.timedelta(hours=admitted_hours_ago),
        "expected_discharge_on": timezone.localdate() + dt.timedelta(days=4),
        "reason": "Pneumoni",
        "both_must_act": both_must_act,
        "consent_method": consent,
        "consent_given_at": now - dt.timedelta(hours=admitted_hours_ago) if consent else None,
        "now": now,
        **data,
    }
    return case_services.start_case(f.actor(w.ward_nurse), w.person.pk, values)


def case_pk(w):
    return case_start(w).pk


# --- Agreements and payment days (agreements area) ---------------------------------------------------------------


def ag_local(day, hour=10, minute=0, second=0):
    """A local (Europe/Stockholm) moment on `day`, as an aware datetime."""
    import datetime as dt

    from nara.transitions.daycount import STOCKHOLM

    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=STOCKHOLM)


def ag_agreement(w, **extra):
    """Agreement Region–Mark from 2020: by default 3 calendar days after the notice day, both notices required."""
    import datetime as dt

    from nara.transitions.models import Agreement

    values = {
        "region": w.region,
        "municipality": w.mark,
        "name": "Utskrivningsöverenskommelse Mark",
        "valid_from": dt.date(2020, 1, 1),
        **extra,
    }
    return Agreement.objects.create(**values)


def ag_ward(w):
    from nara.directory.models import Unit
    from tests import factories as f

    if getattr(w, "_ag_ward", None) is None:
        w._ag_ward = f.unit(w.region, kind=Unit.Kind.WARD, name="Avdelning 40 SÄS")
        w._ag_ward_nurse = f.staff(w._ag_ward, ["nurse"])
    return w._ag_ward


def ag_case(w, admitted_on, agreement=None, person=None, admission_notice=True, **extra):
    """A discharge case admitted on `admitted_on` 08:00 (models only), with its admission notice event."""
    from nara.transitions.models import CaseEvent, DischargeCase

    ward = ag_ward(w)
    admitted_at = ag_local(admitted_on, 8)
    case = DischargeCase.objects.create(
        person=person or w.person,
        status=extra.pop("status", "admitted"),
        ward=ward,
        admitted_at=admitted_at,
        notice_sent_at=admitted_at,
        expected_discharge_on=admitted_on,
        municipality=w.mark,
        health_centre=w.vc,
        agreement=agreement,
        recorded_by_unit=ward,
        recorded_by_org=w.region,
        recorded_by=w._ag_ward_nurse,
        **extra,
    )
    if admission_notice:
        CaseEvent.objects.create(case=case, kind="admission_notice", at=admitted_at, unit=ward)
    return case


def ag_ready(case, at, withdrawn_at=None):
    from nara.transitions.models import CaseEvent, ReadyNotice

    CaseEvent.objects.create(case=case, kind="ready", at=at, unit=case.ward)
    case.status = "ready"
    case.save(update_fields=["status"])
    return ReadyNotice.objects.create(
        case=case, notified_at=at, notified_by=case.recorded_by, withdrawn_at=withdrawn_at
    )


def ag_withdraw(notice, at):
    from nara.transitions.models import CaseEvent

    notice.withdrawn_at = at
    notice.withdrawn_by = notice.notified_by
    notice.save(update_fields=["withdrawn_at", "withdrawn_by"])
    CaseEvent.objects.create(case=notice.case, kind="ready_withdrawn", at=at, unit=notice.case.ward)


def ag_discharge(case, at):
    from nara.transitions.models import CaseEvent

    case.status = "discharged"
    case.discharged_at = at
    case.save(update_fields=["status", "discharged_at"])
    CaseEvent.objects.create(case=case, kind="discharged", at=at, unit=case.ward)
    return case


def ag_day_price(year, price):
    from decimal import Decimal

    from nara.transitions.models import DayPrice

    return DayPrice.objects.create(year=year, price=Decimal(price), source="Socialstyrelsen (test)")


def ag_mark_manager(w):
    """A manager of Marks kommun (at Hemsjukvården Mark); w.vc_manager is a manager of the region."""
    from tests import factories as f

    if getattr(w, "_ag_mark_manager", None) is None:
        w._ag_mark_manager = f.staff(w.hsv, ["manager"], username="mark_chef")
    return w._ag_mark_manager


def ag_fresh(case):
    """The case reloaded with what the day count reads."""
    from nara.transitions.models import DischargeCase

    return (
        DischargeCase.objects.select_related("agreement")
        .prefetch_related("ready_notices", "events")
        .get(pk=case.pk)
    )
