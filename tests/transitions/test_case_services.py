"""Discharge case services step by step as Lag (2017:612) has them: admission notice addressed from the register,
acknowledgements, date change notices, planning, fixed care contact, utskrivningsklar (withdrawn, renewed), SIP
invitation, discharge with information transfer, messages, cancellation, and the refused steps."""

import datetime as dt

import pytest
from django.utils import timezone

from nara.audit.models import AccessLogEntry, Action
from nara.core.models import ConcurrentEditError
from nara.directory.models import Unit
from nara.people.models import FixedContact
from nara.transitions import case_rules
from nara.transitions import case_services as s
from nara.transitions.case_services import CaseRefused
from nara.transitions.models import Agreement, CaseEvent, CaseStatus, Receipt
from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
K = CaseEvent.Kind


@pytest.fixture
def w():
    world = build()
    b.case_parties(world)
    return world


def ward(w):
    return f.actor(w.ward_nurse)


def bist(w):
    return f.actor(w.bist_user)


def vc(w):
    return f.actor(w.vc_nurse)


def fresh(case):
    case.refresh_from_db()
    return case


def open_receipts(unit):
    return Receipt.objects.filter(unit=unit, acknowledged_at__isnull=True)


# --- Admission notice -----------------------------------------------------------------------------------------


def test_admission_notice_is_addressed_from_the_register(w):
    f.unit(w.mark, kind=Unit.Kind.HOME_CARE, name="Hemtjänst Mark")  # not a receiver
    other = f.organisation("Borås stad")
    f.unit(other, kind=Unit.Kind.NEEDS_ASSESSMENT, name="Bistånd Borås")  # another municipality
    case = b.case_start(w)
    assert case.municipality == w.mark and case.health_centre == w.vc
    notice = case.events.get(kind=K.ADMISSION_NOTICE)
    assert {r.unit for r in notice.receipts.all()} == {w.case_bist, w.hsv, w.vc}
    assert not notice.receipts.filter(acknowledged_at__isnull=False).exists()
    assert notice.data["late"] is False
    assert case.status == CaseStatus.ADMITTED
    assert case.planning_due_at == case.notice_sent_at + dt.timedelta(hours=48)
    assert AccessLogEntry.objects.filter(
        person=w.person, action=Action.CREATE, record_type="transitions.dischargecase"
    ).exists()


def test_home_health_unit_only_when_on_the_care_team(w):
    w.team_entry.valid_to = dt.date(2025, 6, 1)
    w.team_entry.save()
    case = b.case_start(w)
    assert w.hsv.pk not in s.addressed_unit_ids(case)


def test_consent_lets_the_municipality_take_part_of_the_regions_case_data_only(w):
    case = b.case_start(
        w, consent="representative", representative_name="Karl Lindqvist", representative_relation="son"
    )
    consents = list(case.consents.all())
    # One direction only: the municipality receives the region's case data; the region receives nothing.
    assert [(c.receiving_org_id, [o.pk for o in c.source_orgs.all()]) for c in consents] == [
        (w.mark.pk, [w.region.pk])
    ]
    consent = consents[0]
    assert consent.purpose == s.CONSENT_PURPOSE and consent.method == "representative"
    assert (consent.representative_name, consent.representative_relation) == ("Karl Lindqvist", "son")
    assert consent.scope == s.CONSENT_SCOPE and consent.given_at is not None


def test_a_consent_without_the_time_it_was_given_is_refused(w):
    with pytest.raises(CaseRefused, match="när samtycket lämnades"):
        b.case_start(w, consent="verbal", consent_given_at=None)
    assert not w.person.discharge_cases.exists()


def test_without_consent_no_consent_rows(w):
    case = b.case_start(w, consent="")
    assert not case.consents.exists()


def test_agreement_resolved_by_date_or_none(w):
    first = b.case_start(w)
    assert first.agreement is None
    s.cancel(ward(w), first.pk, first.version, "Fel")
    agreement = Agreement.objects.create(
        region=w.region, municipality=w.mark, name="Överenskommelse Mark", valid_from=dt.date(2020, 1, 1)
    )
    Agreement.objects.create(
        region=w.region,
        municipality=w.mark,
        name="Gammal",
        valid_from=dt.date(2010, 1, 1),
        valid_to=dt.date(2019, 12, 31),
    )
    assert b.case_start(w).agreement == agreement


def test_late_notice_is_flagged(w):
    case = b.case_start(w, admitted_hours_ago=30)
    assert case.events.get(kind=K.ADMISSION_NOTICE).data["late"] is True


def test_refused_without_municipality(w):
    w.person.municipality = None
    w.person.save()
    with pytest.raises(CaseRefused, match="saknar folkbokföringskommun"):
        b.case_start(w)


def test_only_a_ward_sends_the_notice(w):
    with pytest.raises(CaseRefused, match="vårdavdelning"):
        s.start_case(
            vc(w),
            w.person.pk,
            {
                "admitted_at": timezone.now(),
                "expected_discharge_on": timezone.localdate(),
                "consent_method": "",
            },
        )


def test_one_open_case_per_ward(w):
    b.case_start(w)
    with pytest.raises(CaseRefused, match="redan ett öppet"):
        b.case_start(w)


# --- Acknowledgement and date change --------------------------------------------------------------------------


def test_acknowledge_own_receipt_once(w):
    case = b.case_start(w)
    receipt = open_receipts(w.case_bist).get()
    s.acknowledge(bist(w), case.pk, case.version, receipt.pk)
    receipt.refresh_from_db()
    assert receipt.acknowledged_at and receipt.acknowledged_by == w.bist_user
    assert fresh(case).events.filter(kind=K.ACKNOWLEDGED).count() == 1
    with pytest.raises(CaseRefused, match="redan kvitterat"):
        s.acknowledge(bist(w), case.pk, case.version, receipt.pk)
    vc_receipt = open_receipts(w.vc).get()
    with pytest.raises(CaseRefused, match="inte adresserat till din enhet"):
        s.acknowledge(bist(w), case.pk, case.version, vc_receipt.pk)


def test_stale_version_is_refused(w):
    case = b.case_start(w)
    with pytest.raises(ConcurrentEditError):
        s.acknowledge(bist(w), case.pk, case.version + 1, open_receipts(w.case_bist).get().pk)


def test_date_change_is_a_new_notice_to_acknowledge(w):
    case = b.case_start(w)
    for unit, actor in ((w.case_bist, bist(w)), (w.vc, vc(w))):
        s.acknowledge(actor, case.pk, fresh(case).version, open_receipts(unit).get().pk)
    new_date = case.expected_discharge_on + dt.timedelta(days=2)
    s.change_expected_date(ward(w), case.pk, fresh(case).version, new_date, "Infektion")
    case = fresh(case)
    assert case.expected_discharge_on == new_date
    event = case.events.get(kind=K.DATE_CHANGED)
    assert event.data == {"from": (new_date - dt.timedelta(days=2)).isoformat(), "to": new_date.isoformat()}
    assert {r.unit for r in event.receipts.filter(acknowledged_at__isnull=True)} == {w.case_bist, w.hsv, w.vc}
    with pytest.raises(CaseRefused, match="avdelning"):
        s.change_expected_date(bist(w), case.pk, case.version, new_date + dt.timedelta(days=1))


# --- Planning, fixed contact, messages ------------------------------------------------------------------------


def test_planning_by_receivers_only(w):
    case = b.case_start(w)
    s.submit_planning(bist(w), case.pk, case.version, {"needs": "Hemtjänst 4 ggr/dag", "aids": "Rollator"})
    case = fresh(case)
    info = case.planning.get()
    assert info.unit == w.case_bist and info.aids == "Rollator"
    assert case.events.get(kind=K.PLANNING).receipts.get().unit == w.case_ward
    with pytest.raises(CaseRefused, match="tagit emot meddelanden"):
        s.submit_planning(ward(w), case.pk, case.version, {"needs": "x"})
    with pytest.raises(CaseRefused, match="behoven"):
        s.submit_planning(bist(w), case.pk, case.version, {"needs": " "})


def test_fixed_contact_by_the_health_centre(w):
    case = b.case_start(w)
    with pytest.raises(CaseRefused, match="vårdcentral"):
        s.appoint_fixed_contact(bist(w), case.pk, case.version, w.vc_nurse.pk)
    with pytest.raises(CaseRefused, match="medarbetare på vårdcentralen"):
        s.appoint_fixed_contact(vc(w), case.pk, case.version, w.ward_nurse.pk)
    s.appoint_fixed_contact(vc(w), case.pk, case.version, w.vc_nurse.pk)
    case = fresh(case)
    assert case.fixed_care_contact == w.vc_nurse and case.fixed_care_contact_unit == w.vc
    assert FixedContact.objects.filter(person=w.person, kind="care_contact", staff=w.vc_nurse).count() == 1
    assert case.events.filter(kind=K.FIXED_CONTACT).count() == 1


def test_message_goes_to_the_other_parties(w):
    case = b.case_start(w)
    s.send_message(bist(w), case.pk, case.version, "Vi behöver veta om hon klarar trappor.")
    event = fresh(case).events.get(kind=K.MESSAGE)
    assert {r.unit for r in event.receipts.all()} == {w.case_ward, w.hsv, w.vc}
    # The ward acknowledges the message addressed to it.
    s.acknowledge(ward(w), case.pk, fresh(case).version, event.receipts.get(unit=w.case_ward).pk)
    with pytest.raises(CaseRefused, match="Skriv"):
        s.send_message(ward(w), case.pk, fresh(case).version, "")


# --- Utskrivningsklar -----------------------------------------------------------------------------------------


def test_ready_withdrawn_and_renewed(w):
    case = b.case_start(w)
    at = timezone.now() - dt.timedelta(hours=1)
    s.notify_ready(ward(w), case.pk, case.version, at)
    case = fresh(case)
    assert case.status == CaseStatus.READY
    ready_event = case.events.get(kind=K.READY)
    assert ready_event.at == at and ready_event.receipts.count() == 3
    with pytest.raises(CaseRefused, match="redan utskrivningsklar"):
        s.notify_ready(ward(w), case.pk, case.version)
    with pytest.raises(CaseRefused, match="Skriv varför"):
        s.withdraw_ready(ward(w), case.pk, case.version, "")
    s.withdraw_ready(ward(w), case.pk, case.version, "Feber igen")
    case = fresh(case)
    assert case.status == CaseStatus.ADMITTED
    notice = case.ready_notices.get()
    assert notice.withdrawn_at and notice.withdrawal_reason == "Feber igen"
    s.notify_ready(ward(w), case.pk, case.version)
    case = fresh(case)
    assert case.status == CaseStatus.READY and case.ready_notices.count() == 2
    assert case.events.filter(kind=K.READY).last().data == {"renewed": True}


def test_ready_time_cannot_be_in_the_future_or_before_admission(w):
    case = b.case_start(w)
    with pytest.raises(CaseRefused, match="framtiden"):
        s.notify_ready(ward(w), case.pk, case.version, timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(CaseRefused, match="före inskrivningen"):
        s.notify_ready(ward(w), case.pk, case.version, case.admitted_at - dt.timedelta(hours=1))


def test_withdraw_needs_a_ready_notice(w):
    case = b.case_start(w)
    with pytest.raises(CaseRefused, match="inte utskrivningsklar"):
        s.withdraw_ready(ward(w), case.pk, case.version, "x")


# --- SIP ------------------------------------------------------------------------------------------------------


def test_the_discharge_consent_is_not_carried_into_the_sip(w):
    """The consent the ward recorded covers the case data only; the SIP (whose consent lets every party see the
    others' records) needs the person's own consent to the SIP."""
    case = b.case_start(w)
    s.notify_ready(ward(w), case.pk, case.version)
    starts = timezone.now() + dt.timedelta(days=2)
    s.invite_to_sip(vc(w), case.pk, fresh(case).version, {"starts_at": starts, "place": "Hemma hos Astrid"})
    case = fresh(case)
    assert case.sip is not None and case.sip.consent_given_at is None and not case.sip.consents.exists()
    assert case.sip_invited_at is None and not case.sip.meetings.exists()


def test_sip_started_and_invited_with_the_sip_consent_documented_in_the_step(w):
    case = b.case_start(w)
    s.notify_ready(ward(w), case.pk, case.version)
    starts = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(CaseRefused, match="vem som lämnade samtycket"):
        s.invite_to_sip(vc(w), case.pk, fresh(case).version, {"starts_at": starts, "consent_method": "verbal"})
    s.invite_to_sip(
        vc(w),
        case.pk,
        fresh(case).version,
        {
            "starts_at": starts,
            "place": "Hemma hos Astrid",
            "consent_method": "verbal",
            "consent_given_by": "Astrid Lindqvist",
        },
    )
    case = fresh(case)
    sip = case.sip
    assert sip is not None and sip.consent_given_at is not None and sip.consent_given_by == "Astrid Lindqvist"
    assert sip.participants.filter(unit=w.case_bist).exists()
    assert sip.meetings.count() == 1
    assert case.sip_invited_at == sip.meetings.get().invited_at
    assert case.events.get(kind=K.SIP_INVITATION).receipts.filter(unit=w.case_bist).exists()
    with pytest.raises(CaseRefused, match="redan skickad"):
        s.invite_to_sip(vc(w), case.pk, case.version, {})
    with pytest.raises(CaseRefused, match="vårdcentral"):
        s.invite_to_sip(ward(w), case.pk, case.version, {})


def test_sip_without_consent_is_started_and_time_taken_from_the_sip(w):
    from nara.plans import sip_services

    case = b.case_start(w, consent="")
    s.invite_to_sip(vc(w), case.pk, case.version, {"starts_at": timezone.now() + dt.timedelta(days=1)})
    case = fresh(case)
    assert case.sip is not None and case.sip_invited_at is None
    assert case.sip.consent_given_at is None and not case.sip.meetings.exists()
    # Later, on the SIP page: consent and invitation; the case shows the time, and the step records it.
    sip = sip_services.record_consent(
        vc(w),
        case.sip.pk,
        case.sip.version,
        {"method": "verbal", "given_by": "Astrid", "relatives_take_part": False, "relatives": []},
    )
    sip = sip_services.send_invitation(
        vc(w), sip.pk, sip.version, {"kind": "planning", "starts_at": timezone.now() + dt.timedelta(days=1)}
    )
    assert case_rules.sip_invitation_time(fresh(case)) == sip.meetings.get().invited_at
    s.invite_to_sip(vc(w), case.pk, fresh(case).version, {})
    assert fresh(case).sip_invited_at == sip.meetings.get().invited_at


def earlier_sip(w, **kw):
    """The person's SIP from an earlier episode: started by the vårdcentral, Mark taking part, a meeting held
    two months ago; still open (plan fixed)."""
    from tests.plans import builders as plans

    sip = plans.sip(w, plan=True, **kw)
    sip.meetings.update(
        invited_at=timezone.now() - dt.timedelta(days=60), starts_at=timezone.now() - dt.timedelta(days=55)
    )
    return sip


def test_sip_step_uses_the_persons_open_sip_instead_of_a_second(w):
    from nara.plans.models import Sip

    existing = earlier_sip(w)
    case = b.case_start(w)
    s.notify_ready(ward(w), case.pk, case.version)
    starts = timezone.now() + dt.timedelta(days=2)
    s.invite_to_sip(vc(w), case.pk, fresh(case).version, {"starts_at": starts, "place": "Hemma hos Astrid"})
    case = fresh(case)
    assert Sip.objects.filter(person=w.person).count() == 1
    assert case.sip_id == existing.pk
    existing.refresh_from_db()
    meetings = list(existing.meetings.order_by("invited_at"))
    assert (
        len(meetings) == 2 and meetings[-1].starts_at == starts and meetings[-1].place == "Hemma hos Astrid"
    )
    assert (
        case.sip_invited_at == meetings[-1].invited_at
    )  # the new meeting, not the one of the earlier episode
    assert existing.participants.filter(unit=w.case_bist, removed_at__isnull=True).exists()
    assert existing.status == "active"  # a new meeting does not reopen the fixed plan
    event = case.events.get(kind=K.SIP_INVITATION)
    assert event.data == {"sip": existing.pk, "meeting": meetings[-1].pk}


def test_sip_step_without_a_time_links_the_open_sip_and_takes_its_next_invitation(w):
    from nara.plans import sip_services
    from nara.plans.models import Sip

    existing = earlier_sip(w)
    case = b.case_start(w)
    s.notify_ready(ward(w), case.pk, case.version)
    s.invite_to_sip(vc(w), case.pk, fresh(case).version, {})
    case = fresh(case)
    assert (
        case.sip_id == existing.pk and case.sip_invited_at is None
    )  # the old meeting is not this invitation
    assert Sip.objects.filter(person=w.person).count() == 1
    assert "pågående SIP" in case.events.filter(kind=K.MESSAGE).last().text
    existing.refresh_from_db()
    sip = sip_services.send_invitation(
        vc(w),
        existing.pk,
        existing.version,
        {"kind": "planning", "starts_at": timezone.now() + dt.timedelta(days=1)},
    )
    new = sip.meetings.order_by("-invited_at").first()
    assert case_rules.sip_invitation_time(fresh(case)) == new.invited_at


def test_sip_step_refused_when_the_open_sip_is_not_the_health_centres(w):
    """The open SIP is the municipality's and the vårdcentral does not take part: no second SIP; the refusal
    says what to do."""
    from nara.plans import sip_services
    from nara.plans.models import Sip

    mark = f.actor(w.mark_nurse)
    sip_services.start_sip(mark, w.person.pk, "Hemtjänst och hemsjukvård behöver samordnas.")
    case = b.case_start(w)
    s.notify_ready(ward(w), case.pk, case.version)
    with pytest.raises(CaseRefused, match="redan en pågående SIP"):
        s.invite_to_sip(
            vc(w), case.pk, fresh(case).version, {"starts_at": timezone.now() + dt.timedelta(days=2)}
        )
    assert Sip.objects.filter(person=w.person).count() == 1
    assert fresh(case).sip_id is None and not fresh(case).events.filter(kind=K.SIP_INVITATION).exists()


def test_a_closed_sip_is_not_reused(w):
    from nara.plans import sip_services
    from nara.plans.models import Sip

    old = earlier_sip(w)
    sip_services.close_sip(vc(w), old.pk, old.version, "Målen är nådda.")
    case = b.case_start(w)
    s.notify_ready(ward(w), case.pk, case.version)
    s.invite_to_sip(vc(w), case.pk, fresh(case).version, {"starts_at": timezone.now() + dt.timedelta(days=2)})
    assert Sip.objects.filter(person=w.person).count() == 2
    assert fresh(case).sip_id != old.pk


# --- Discharge and cancellation -------------------------------------------------------------------------------


DISCHARGE = {"summary": "Pneumoni behandlad", "medication_changes": "Ny: Furix", "discharged_to": "Hemmet"}


def test_discharge_needs_ready_then_transfers_the_information(w):
    # The agreement's trygg hemgång rule gives the vårdcentral a call within 72 h when the case is discharged.
    b.fu_agreement(w, rules=[("phone_call", "health_centre", 72, False)])
    case = b.case_start(w)
    with pytest.raises(CaseRefused, match="inte utskrivningsklar"):
        s.discharge(ward(w), case.pk, case.version, DISCHARGE)
    s.notify_ready(ward(w), case.pk, case.version)
    with pytest.raises(CaseRefused, match="sammanfattning"):
        s.discharge(ward(w), case.pk, fresh(case).version, {**DISCHARGE, "summary": ""})
    with pytest.raises(CaseRefused, match="avdelning"):
        s.discharge(bist(w), case.pk, fresh(case).version, DISCHARGE)
    s.discharge(ward(w), case.pk, fresh(case).version, DISCHARGE)
    case = fresh(case)
    assert case.status == CaseStatus.DISCHARGED and case.discharged_at
    assert case.medication_changes == "Ny: Furix" and case.discharged_to == "Hemmet"
    assert case.events.get(kind=K.DISCHARGED).receipts.count() == 3
    task = case.follow_up_tasks.get()
    assert task.responsible_unit == w.vc and task.due_at == case.discharged_at + dt.timedelta(hours=72)
    # Messages still go after discharge; other steps are refused.
    s.send_message(vc(w), case.pk, case.version, "Hembesök gjort.")
    with pytest.raises(CaseRefused, match="redan utskriven"):
        s.cancel(ward(w), case.pk, fresh(case).version, "x")


def test_cancel_with_reason(w):
    case = b.case_start(w)
    with pytest.raises(CaseRefused, match="skälet"):
        s.cancel(ward(w), case.pk, case.version, " ")
    with pytest.raises(CaseRefused, match="avdelning"):
        s.cancel(vc(w), case.pk, case.version, "Fel person")
    s.cancel(ward(w), case.pk, case.version, "Fel person")
    case = fresh(case)
    assert case.status == CaseStatus.CANCELLED and case.cancel_reason == "Fel person"
    assert case.events.get(kind=K.CANCELLED).receipts.count() == 3
    with pytest.raises(CaseRefused, match="makulerat"):
        s.notify_ready(ward(w), case.pk, case.version)
    with pytest.raises(CaseRefused, match="makulerat"):
        s.submit_planning(vc(w), case.pk, case.version, {"needs": "x"})


def test_every_step_writes_the_access_log(w):
    case = b.case_start(w)
    before = AccessLogEntry.objects.filter(person=w.person, action=Action.CHANGE).count()
    s.send_message(ward(w), case.pk, case.version, "Hej")
    assert AccessLogEntry.objects.filter(person=w.person, action=Action.CHANGE).count() == before + 1


def test_readmission_is_flagged_on_the_new_case(w):
    first = b.case_start(w)
    s.notify_ready(ward(w), first.pk, first.version)
    s.discharge(ward(w), first.pk, fresh(first).version, DISCHARGE)
    later = timezone.now() + dt.timedelta(hours=3)
    second = b.case_start(w, now=later, admitted_hours_ago=1)
    assert fresh(second).readmission_of == first
    assert first.events.filter(kind=K.READMITTED).exists()


def test_acknowledge_all_open_notices_of_the_unit(w):
    case = b.case_start(w)
    s.change_expected_date(ward(w), case.pk, case.version, case.expected_discharge_on + dt.timedelta(days=1))
    assert open_receipts(w.case_bist).count() == 2
    s.acknowledge(bist(w), case.pk, fresh(case).version)
    assert open_receipts(w.case_bist).count() == 0 and open_receipts(w.vc).count() == 2
    event = fresh(case).events.get(kind=K.ACKNOWLEDGED)
    assert len(event.data["receipts"]) == 2
    with pytest.raises(CaseRefused, match="inga okvitterade"):
        s.acknowledge(bist(w), case.pk, fresh(case).version)
