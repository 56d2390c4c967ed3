"""Builders for plans objects on the two-organisation world of tests/world.py (shared by the plans tests and
tests/test_view_logging.py). Each takes the World and returns the created object."""


# --- Assessments (CFS, condition changes, structured assessments) ---------------------------------------------


def cfs_rating(w, score=5, rated_on=None, user=None, unit=None, org=None, **extra):
    """A CFS rating of w.person recorded at Vårdcentralen Kinna by vc_nurse (or the given user/unit/org)."""
    import datetime as dt

    from nara.plans.models import FrailtyAssessment

    user = user or w.vc_nurse
    return FrailtyAssessment.objects.create(
        person=w.person,
        score=score,
        rated_on=rated_on or dt.date.today(),
        habitual_status_confirmed=True,
        rater=user,
        recorded_by_unit=unit or w.vc,
        recorded_by_org=org or w.region,
        recorded_by=user,
        **extra,
    )


def cfs_rating_pk(w):
    return cfs_rating(w).pk


def condition_change(w, noted_on=None, user=None, unit=None, org=None, description="Sjukhusvistelse"):
    import datetime as dt

    from nara.plans.models import ConditionChange

    user = user or w.vc_nurse
    return ConditionChange.objects.create(
        person=w.person,
        noted_on=noted_on or dt.date.today(),
        description=description,
        recorded_by_unit=unit or w.vc,
        recorded_by_org=org or w.region,
        recorded_by=user,
    )


def structured_assessment(
    w, template="risk-fall", answers=None, result="risk", user=None, unit=None, org=None
):
    import datetime as dt

    from nara.plans.models import StructuredAssessment

    user = user or w.vc_nurse
    return StructuredAssessment.objects.create(
        person=w.person,
        template=template,
        performed_on=dt.date.today(),
        performed_by=user,
        answers=answers if answers is not None else {"fallen_before": "no", "unsteady": "yes"},
        result=result,
        recorded_by_unit=unit or w.vc,
        recorded_by_org=org or w.region,
        recorded_by=user,
    )


def structured_assessment_pk(w):
    return structured_assessment(w).pk


# --- Care plans, treatment limitations, patient contracts, care request, referral (careplan area) -------------


def vc_physician(w):
    """A physician (fast läkarkontakt) at Vårdcentralen Kinna; created once per World."""
    from tests import factories as f

    if getattr(w, "_vc_physician", None) is None:
        w._vc_physician = f.staff(w.vc, ["physician"], username="doktor")
    return w._vc_physician


def _stamp(w, user, unit, org):
    return {"recorded_by": user, "recorded_by_unit": unit or w.vc, "recorded_by_org": org or w.region}


def care_plan(w, kind="hospital", user=None, unit=None, org=None, **extra):
    """A care plan of w.person. Medical/palliative plans default to the vc physician, the hospital's plan to
    vc_nurse."""
    import datetime as dt

    from nara.plans.models import CarePlan

    if user is None:
        user = w.vc_nurse if kind == CarePlan.Kind.HOSPITAL else vc_physician(w)
    values = {"established_on": dt.date.today(), "plan": "Plan"}
    if kind != CarePlan.Kind.HOSPITAL:
        values["responsible_physician"] = user
    if kind == CarePlan.Kind.HOSPITAL:
        values.update(source_unit_name="Medicinavdelning 5, SÄS", received_on=dt.date.today())
    if kind == CarePlan.Kind.PALLIATIVE:
        values["palliative_orders"] = "Morfin 5 mg sc vid smärta"
    values.update(extra)
    return CarePlan.objects.create(person=w.person, kind=kind, **_stamp(w, user, unit, org), **values)


def care_plan_pk(w):
    return care_plan(w).pk


def limitation(w, kind="no_cpr", user=None, unit=None, org=None, **extra):
    from nara.plans.models import TreatmentLimitation

    user = user or vc_physician(w)
    values = {"discussed_with": "Astrid själv och sonen Karl", "decided_by": user, **extra}
    return TreatmentLimitation.objects.create(
        person=w.person, kind=kind, **_stamp(w, user, unit, org), **values
    )


def limitation_pk(w):
    return limitation(w).pk


def contract(w, user=None, unit=None, org=None, **extra):
    from nara.plans.models import PatientContract

    user = user or w.vc_nurse
    values = {
        "agreement": "Anna ringer varannan vecka.",
        "contact_staff": user,
        "contact_unit": unit or w.vc,
        **extra,
    }
    return PatientContract.objects.create(person=w.person, **_stamp(w, user, unit, org), **values)


def contract_pk(w):
    return contract(w).pk


def referral(w, user=None, unit=None, org=None, **extra):
    from nara.plans.models import MedicalReferral

    user = user or w.mark_nurse
    values = {"reason": "Fallit, misstänkt höftfraktur", **extra}
    return MedicalReferral.objects.create(
        person=w.person, **_stamp(w, user, unit or w.hsv, org or w.mark), **values
    )


def referral_pk(w):
    return referral(w).pk


# --- SIP (sip area) -------------------------------------------------------------------------------------------


def sip_needs_assessor(w):
    """A needs assessor at "Biståndsenheten Mark" (no care relationship with Astrid until added to a SIP)."""
    from nara.directory.models import Unit
    from tests import factories as f

    if getattr(w, "_sip_assessor", None) is None:
        w._sip_unit = f.unit(w.mark, kind=Unit.Kind.NEEDS_ASSESSMENT, name="Biståndsenheten Mark")
        w._sip_assessor = f.staff(w._sip_unit, ["needs_assessor"], username="bertil")
    return w._sip_assessor


def sip(w, consent=True, with_mark=True, plan=False, user=None):
    """A SIP for w.person started by vc_nurse (region) through the services, so versions and consents are real.

    with_mark: hsv (Mark's home health care, mark_nurse) takes part; consent: the person's consent is recorded;
    plan: goals, actions, responsibility and an agreed plan (status active)."""
    import datetime as dt

    from django.utils import timezone

    from nara.plans import sip_services as s
    from nara.plans.models import SipMeeting, SipParticipant
    from tests import factories as f

    vc = f.actor(user or w.vc_nurse)
    obj = s.start_sip(vc, w.person.pk, "Behov av insatser från både kommun och region efter fall.")
    if with_mark:
        obj = s.add_participant(
            vc,
            obj.pk,
            obj.version,
            {"kind": "staff", "unit": w.hsv, "staff": w.mark_nurse, "role": "Sjuksköterska"},
        )
    if consent:
        obj = s.record_consent(
            vc,
            obj.pk,
            obj.version,
            {"method": "verbal", "given_by": "Astrid Lindqvist", "relatives_take_part": False},
        )
    if plan:
        when = timezone.now() + dt.timedelta(days=3)
        obj = s.send_invitation(
            vc, obj.pk, obj.version, {"kind": "planning", "starts_at": when, "place": "Hemma hos Astrid"}
        )
        # Time passes and the meeting is held: the plan is fixed there (sip_rules.meeting_refusal).
        SipMeeting.objects.filter(sip=obj).update(starts_at=timezone.now() - dt.timedelta(hours=1))
        obj = s.change_status(vc, obj.pk, obj.version, "mapping")
        obj = s.save_mapping(
            vc,
            obj.pk,
            obj.version,
            {"what_matters": "Att bo kvar hemma", "situation": "Bor ensam", "needs": "Stöd"},
        )
        obj = s.save_goal(vc, obj.pk, obj.version, "Jag vill kunna gå till affären själv.")
        obj = s.save_action(
            vc,
            obj.pk,
            obj.version,
            {"description": "Fallriskbedömning", "responsible_unit": w.vc, "responsible_staff": w.vc_nurse},
        )
        coordinator = obj.participants.get(staff=w.vc_nurse, kind=SipParticipant.Kind.STAFF)
        obj = s.save_responsibility(
            vc,
            obj.pk,
            obj.version,
            {
                "overall_responsible_org": w.region,
                "coordinator": coordinator.staff,
                "coordinator_unit": coordinator.unit,
                "next_follow_up": dt.date.today() + dt.timedelta(days=90),
            },
        )
        obj = s.change_status(vc, obj.pk, obj.version, "active")
    return obj


def sip_pk(w):
    return sip(w).pk


def health_talk_pk(w):
    return structured_assessment(
        w,
        template="halsosamtal",
        answers={"age_group": "75", "what_matters": "Att bo kvar hemma"},
        result="follow_up",
    ).pk
