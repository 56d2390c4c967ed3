"""SIP services: the status workflow (allowed and refused), consent first, versioning, concurrent edits."""

import datetime as dt

import pytest
from django.utils import timezone

from nara.access.gate import AccessDenied
from nara.access.models import Consent
from nara.audit.models import AccessLogEntry, Action
from nara.core.models import ConcurrentEditError
from nara.plans import sip_rules
from nara.plans import sip_services as s
from nara.plans.models import Sip, SipMeetingResponse, SipParticipant, SipStatus, SipVersion
from nara.plans.sip_services import SipRefused
from tests import factories as f
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build()


def soon():
    return timezone.now() + dt.timedelta(days=2)


def invite(actor, sip):
    return s.send_invitation(
        actor, sip.pk, sip.version, {"kind": "planning", "starts_at": soon(), "place": "Hemma"}
    )


def test_start_writes_version_one_and_log(w):
    vc = f.actor(w.vc_nurse)
    sip = s.start_sip(vc, w.person.pk, "Fallit två gånger, behöver hemtjänst och rehab")
    assert sip.status == SipStatus.INITIATED and sip.version == 1
    assert sip.recorded_by_org == w.region
    v = SipVersion.objects.get(sip=sip)
    assert v.number == 1 and v.changed_by == w.vc_nurse and v.changed_by_unit == w.vc
    assert v.snapshot["initiative"]["reason"].startswith("Fallit")
    assert sip.participants.get().staff == w.vc_nurse
    assert AccessLogEntry.objects.filter(
        action=Action.CREATE, record_type="plans.sip", record_id=str(sip.pk)
    ).exists()


def test_empty_reason_refused(w):
    with pytest.raises(SipRefused):
        s.start_sip(f.actor(w.vc_nurse), w.person.pk, "  ")
    assert not Sip.objects.exists()


def test_a_second_initiative_is_refused_while_a_sip_is_open(w):
    first = s.start_sip(f.actor(w.vc_nurse), w.person.pk, "Behöver hemtjänst och rehab")
    with pytest.raises(SipRefused, match="redan en pågående SIP"):
        s.start_sip(f.actor(w.mark_nurse), w.person.pk, "Vill samordna hemsjukvården")
    assert list(Sip.objects.all()) == [first]
    Sip.objects.filter(pk=first.pk).update(status=SipStatus.CLOSED)
    second = s.start_sip(f.actor(w.mark_nurse), w.person.pk, "Nytt behov efter sjukhusvistelsen")
    assert second.pk != first.pk  # a closed SIP does not stop a new one


def test_invitation_requires_consent(w):
    sip = b.sip(w, consent=False)
    with pytest.raises(SipRefused, match="samtycke"):
        invite(f.actor(w.vc_nurse), sip)
    sip.refresh_from_db()
    assert sip.status == SipStatus.INITIATED and not sip.meetings.exists()


def test_plan_requires_consent(w):
    sip = b.sip(w, consent=False)
    vc = f.actor(w.vc_nurse)
    with pytest.raises(SipRefused, match="samtycke"):
        s.save_goal(vc, sip.pk, sip.version, "Bo kvar hemma")
    with pytest.raises(SipRefused, match="samtycke"):
        s.save_mapping(vc, sip.pk, sip.version, {"what_matters": "x", "situation": "", "needs": ""})
    assert not sip.goals.exists()


def test_consent_creates_consents_between_participating_orgs(w):
    sip = b.sip(w)
    consents = list(sip.consents.all())
    assert {(c.receiving_org_id, tuple(c.source_orgs.values_list("pk", flat=True))) for c in consents} == {
        (w.region.pk, (w.mark.pk,)),
        (w.mark.pk, (w.region.pk,)),
    }
    assert all(c.method == "verbal" and c.recorded_by_org == w.region for c in consents)
    assert sip.consent_given_at is not None


def test_org_added_later_gets_consents(w):
    sip = b.sip(w, with_mark=False)
    assert sip.consents.count() == 0  # only one organisation so far: nothing to share
    vc = f.actor(w.vc_nurse)
    sip = s.add_participant(vc, sip.pk, sip.version, {"kind": "staff", "unit": w.hsv, "staff": w.mark_nurse})
    received = {c.receiving_org_id for c in sip.consents.all()}
    assert received == {w.region.pk, w.mark.pk}
    assert Consent.objects.valid().filter(receiving_org=w.mark, source_orgs=w.region).exists()


def test_relatives_taking_part_become_participants(w):
    sip = b.sip(w, consent=False)
    vc = f.actor(w.vc_nurse)
    data = {
        "method": "verbal",
        "given_by": "Astrid",
        "relatives_take_part": True,
        "relatives": [w.relative],
        "relatives_note": "",
    }
    sip = s.record_consent(vc, sip.pk, sip.version, data)
    assert "Karl Lindqvist" in sip.relatives_note
    assert sip.participants.filter(kind=SipParticipant.Kind.RELATIVE, relative=w.relative).exists()


def test_allowed_path_to_active_and_follow_up(w):
    sip = b.sip(w, plan=True)
    assert sip.status == SipStatus.ACTIVE and sip.plan_agreed_at
    vc = f.actor(w.vc_nurse)
    nxt = dt.date.today() + dt.timedelta(days=60)
    sip = s.record_follow_up(
        vc,
        sip.pk,
        sip.version,
        {"kind": "follow_up", "held_on": dt.date.today(), "notes": "Går bättre", "next_follow_up": nxt},
    )
    assert sip.next_follow_up == nxt and sip.follow_ups.count() == 1
    sip = s.record_follow_up(
        vc,
        sip.pk,
        sip.version,
        {
            "kind": "evaluation",
            "held_on": dt.date.today(),
            "notes": "Revidera",
            "next_follow_up": nxt,
            "revise": True,
        },
    )
    assert sip.status == SipStatus.MAPPING  # active -> mapping to revise
    sip = s.change_status(vc, sip.pk, sip.version, SipStatus.ACTIVE)
    sip = s.close_sip(vc, sip.pk, sip.version, "Målen är uppnådda")
    assert sip.status == SipStatus.CLOSED and sip.closed_by == w.vc_nurse


def test_invitation_moves_initiated_to_invited_and_gives_responses(w):
    sip = b.sip(w)
    vc = f.actor(w.vc_nurse)
    sip = invite(vc, sip)
    assert sip.status == SipStatus.INVITED
    meeting = sip.meetings.get()
    answers = {r.participant.staff_id: r.answer for r in meeting.responses.select_related("participant")}
    assert answers == {w.vc_nurse.pk: "confirmed", w.mark_nurse.pk: "pending"}


def test_staff_answer_only_for_themselves(w):
    sip = invite(f.actor(w.vc_nurse), b.sip(w))
    mark_resp = SipMeetingResponse.objects.get(participant__staff=w.mark_nurse)
    with pytest.raises(SipRefused, match="själva"):
        s.answer_invitation(f.actor(w.vc_nurse), sip.pk, sip.version, mark_resp.pk, "confirmed")
    sip = s.answer_invitation(f.actor(w.mark_nurse), sip.pk, sip.version, mark_resp.pk, "confirmed")
    mark_resp.refresh_from_db()
    assert mark_resp.answer == "confirmed" and mark_resp.answered_by == w.mark_nurse


@pytest.mark.parametrize(
    ("status", "target"),
    [
        (SipStatus.INITIATED, SipStatus.MAPPING),
        (SipStatus.INITIATED, SipStatus.ACTIVE),
        (SipStatus.INVITED, SipStatus.ACTIVE),
        (SipStatus.INVITED, SipStatus.INITIATED),
        (SipStatus.ACTIVE, SipStatus.INVITED),
        (SipStatus.CLOSED, SipStatus.MAPPING),
        (SipStatus.CLOSED, SipStatus.ACTIVE),
    ],
)
def test_transitions_not_in_table_refused(w, status, target):
    sip = b.sip(w)
    Sip.objects.filter(pk=sip.pk).update(status=status)
    sip.refresh_from_db()
    assert target not in sip_rules.TRANSITIONS[status]
    with pytest.raises(SipRefused, match="Det går inte att gå från|SIP:en är avslutad"):
        s.change_status(f.actor(w.vc_nurse), sip.pk, sip.version, target)
    sip.refresh_from_db()
    assert sip.status == status


def test_closed_sip_cannot_be_changed(w):
    sip = b.sip(w)
    vc = f.actor(w.vc_nurse)
    sip = s.close_sip(vc, sip.pk, sip.version, "Personen flyttar")
    with pytest.raises(SipRefused, match="avslutad"):
        s.save_goal(vc, sip.pk, sip.version, "Nytt mål")
    with pytest.raises(SipRefused):
        s.close_sip(vc, sip.pk, sip.version, "igen")


def test_close_needs_reason(w):
    sip = b.sip(w)
    with pytest.raises(SipRefused, match="skälet"):
        s.close_sip(f.actor(w.vc_nurse), sip.pk, sip.version, "")
    with pytest.raises(SipRefused, match="skälet"):
        s.change_status(f.actor(w.vc_nurse), sip.pk, sip.version, SipStatus.CLOSED)


def test_fix_plan_refused_with_each_missing_reason(w):
    sip = invite(f.actor(w.vc_nurse), b.sip(w))
    vc = f.actor(w.vc_nurse)
    sip = s.change_status(vc, sip.pk, sip.version, SipStatus.MAPPING)
    with pytest.raises(SipRefused) as exc:
        s.change_status(vc, sip.pk, sip.version, SipStatus.ACTIVE)
    for reason in (
        "saknar personens egna mål",
        "saknar insatser",
        "Huvudman med övergripande ansvar",
        "Samordnare är inte angiven",
        "nästa uppföljning saknas",
    ):
        assert reason in exc.value.message
    sip.refresh_from_db()
    assert sip.status == SipStatus.MAPPING
    # Each requirement met in turn removes its reason.
    sip = s.save_goal(vc, sip.pk, sip.version, "Gå till affären")
    with pytest.raises(SipRefused) as exc:
        s.change_status(vc, sip.pk, sip.version, SipStatus.ACTIVE)
    assert "mål" not in exc.value.message.split(".")[0]


def test_mapping_without_consent_refused_by_rules(w):
    sip = b.sip(w, consent=False)
    Sip.objects.filter(pk=sip.pk).update(status=SipStatus.INVITED)
    sip.refresh_from_db()
    with pytest.raises(SipRefused, match="samtycke"):
        s.change_status(f.actor(w.vc_nurse), sip.pk, sip.version, SipStatus.MAPPING)


def test_agreed_plan_locked_until_revised(w):
    sip = b.sip(w, plan=True)
    vc = f.actor(w.vc_nurse)
    with pytest.raises(SipRefused, match="Revidera planen"):
        s.save_goal(vc, sip.pk, sip.version, "Nytt mål")
    # The status of an insats may still change.
    action = sip.actions.get()
    sip = s.save_action(
        vc,
        sip.pk,
        sip.version,
        {
            "description": action.description,
            "responsible_unit": action.responsible_unit,
            "responsible_staff": action.responsible_staff,
            "status": "done",
        },
        action_id=action.pk,
    )
    action.refresh_from_db()
    assert action.status == "done" and action.done_at


def test_every_change_writes_a_version_with_snapshot(w):
    sip = b.sip(w, plan=True)
    versions = list(SipVersion.objects.filter(sip=sip).order_by("number"))
    assert [v.number for v in versions] == list(range(1, sip.version + 1))
    assert all(v.changed_by == w.vc_nurse and v.changed_by_unit == w.vc and v.summary for v in versions)
    goal_version = next(v for v in versions if v.summary.startswith("Mål tillagt"))
    assert goal_version.snapshot["goals"][0]["text"] == "Jag vill kunna gå till affären själv."
    before = SipVersion.objects.get(sip=sip, number=goal_version.number - 1)
    assert before.snapshot["goals"] == []
    assert versions[-1].snapshot["status"] == "active"
    changes = AccessLogEntry.objects.filter(
        action=Action.CHANGE, record_type="plans.sip", record_id=str(sip.pk)
    )
    assert changes.count() == sip.version - 1


def test_stale_version_refused_and_nothing_saved(w):
    sip = b.sip(w)
    vc = f.actor(w.vc_nurse)
    mark = f.actor(w.mark_nurse)
    opened = sip.version  # both open the SIP at the same version
    s.save_goal(vc, sip.pk, opened, "Anna skrev det här")
    with pytest.raises(ConcurrentEditError, match="Någon annan har ändrat SIP:en"):
        s.save_goal(mark, sip.pk, opened, "Maria skrev det här")
    sip.refresh_from_db()
    assert list(sip.goals.values_list("text", flat=True)) == ["Anna skrev det här"]
    assert SipVersion.objects.filter(sip=sip).count() == sip.version


def test_writer_must_take_part(w):
    sip = b.sip(w, with_mark=False)
    with pytest.raises(AccessDenied, match="deltar inte"):
        s.save_goal(f.actor(w.mark_nurse), sip.pk, sip.version, "x")


def test_reader_role_without_person_data_refused(w):
    sip = b.sip(w)
    with pytest.raises(AccessDenied):
        s.save_goal(f.actor(w.vc_analyst), sip.pk, sip.version, "x")


def test_other_org_without_consent_cannot_write(w):
    sip = b.sip(w, consent=False)
    with pytest.raises(AccessDenied, match="Samtycke saknas"):
        s.add_participant(f.actor(w.mark_nurse), sip.pk, sip.version, {"kind": "other", "name": "Granne"})


def test_withdrawal_withdraws_every_linked_consent(w):
    sip = b.sip(w)
    sip = s.withdraw_consent(f.actor(w.vc_nurse), sip.pk, sip.version, "Vill inte längre")
    assert sip.consent_given_at is None
    assert sip.consents.count() == 2 and not sip.consents.filter(withdrawn_at__isnull=True).exists()
    # The plan cannot be made again until a new consent is recorded.
    with pytest.raises(SipRefused, match="samtycke"):
        s.save_goal(f.actor(w.vc_nurse), sip.pk, sip.version, "x")


def test_another_participating_org_may_register_the_withdrawal(w):
    # The person may tell any party to the SIP; the municipality registers it and every linked consent goes.
    sip = b.sip(w)
    sip = s.withdraw_consent(f.actor(w.mark_nurse), sip.pk, sip.version, "Ringde kommunen")
    assert not sip.consents.filter(withdrawn_at__isnull=True).exists()


def test_an_org_not_named_in_the_consent_cannot_withdraw_it(w):
    from nara.access import services as access_services

    sip = b.sip(w)
    consent = sip.consents.first()
    with pytest.raises(AccessDenied):
        access_services.withdraw_consent(f.actor(w.outsider_nurse), consent, consent.version, "x")
