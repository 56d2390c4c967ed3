"""The exact access-log rows of the consent, block and emergency follow-up pages and of their writes.

Reading: the person's register read and each consent or block shown (register information: the person's
basis). Writing: one row per consent or block created or changed, with the basis the writer had. A POST that
redirects shows nothing, so it logs only what it read to decide and what it wrote.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.access import services
from nara.access.models import Block, Consent, EmergencyAccess
from nara.audit.basis import Basis
from nara.audit.models import Action
from tests import factories as f
from tests import logrows
from tests.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = build()
    stamp = {"recorded_by_unit": w.vc, "recorded_by_org": w.region, "recorded_by": w.vc_nurse}
    w.consent = Consent.objects.create(person=w.person, receiving_org=w.region, all_sources=True, method="verbal",
                                       **stamp)
    w.other_consent = Consent.objects.create(person=w.person, receiving_org=w.mark, all_sources=True,
                                             method="written", **stamp)
    w.block = Block.objects.create(person=w.person, blocked_org=w.mark, recorded_by_unit=w.hsv,
                                   recorded_by_org=w.mark, recorded_by=w.mark_nurse)
    # Another person's consent: never on Astrid's pages.
    Consent.objects.create(person=w.stranger, receiving_org=w.region, all_sources=True, method="verbal", **stamp)
    return w


def call(client, user, method, url, data=None):
    client.force_login(user)
    since = logrows.mark()
    response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), response.status_code
    return logrows.written(since, user)


def test_consents_page_logs_the_person_and_each_consent(client, w):
    rows = call(client, w.vc_nurse, "get", reverse("access:consents", args=[w.person.pk]))
    ctx = "access:consents"
    assert rows == logrows.expect(
        logrows.person(w.person, ctx),
        logrows.record(w.consent, Basis.RELATIONSHIP, ctx),
        logrows.record(w.other_consent, Basis.RELATIONSHIP, ctx),
    )


def test_blocks_page_logs_the_person_and_each_block(client, w):
    lifted = Block.objects.create(person=w.person, blocked_org=w.region, lifted_at=timezone.now(),
                                  recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse)
    rows = call(client, w.vc_nurse, "get", reverse("access:blocks", args=[w.person.pk]))
    ctx = "access:blocks"
    assert rows == logrows.expect(
        logrows.person(w.person, ctx),
        logrows.record(w.block, Basis.RELATIONSHIP, ctx),
        logrows.record(lifted, Basis.RELATIONSHIP, ctx),  # the page lists lifted blocks too
    )


def test_consent_edit_page_logs_the_consent_read(client, w):
    rows = call(client, w.vc_nurse, "get", reverse("access:consent_edit", args=[w.person.pk, w.consent.pk]))
    ctx = "access:consent:edit"
    assert rows == logrows.expect(logrows.person(w.person, ctx), logrows.record(w.consent, Basis.RELATIONSHIP, ctx))


def test_registering_a_consent_logs_its_creation(client, w):
    rows = call(client, w.mark_nurse, "post", reverse("access:consents", args=[w.person.pk]),
                {"all_sources": "on", "method": "verbal", "valid_from": dt.date.today().isoformat()})
    created = Consent.objects.get(receiving_org=w.mark, recorded_by_org=w.mark)
    assert rows == [logrows.record(created, Basis.RELATIONSHIP, "access:consent", Action.CREATE)]


def test_changing_and_withdrawing_a_consent_log_the_read_and_the_change(client, w):
    url = reverse("access:consent_edit", args=[w.person.pk, w.consent.pk])
    read = [logrows.person(w.person, "access:consent:edit"),
            logrows.record(w.consent, Basis.RELATIONSHIP, "access:consent:edit")]
    rows = call(client, w.vc_nurse, "post", url, {"version": w.consent.version, "all_sources": "on",
                                                  "method": "written", "valid_from": "2026-01-01"})
    assert Consent.objects.get(pk=w.consent.pk).method == "written"
    assert rows == logrows.expect(*read, logrows.record(w.consent, Basis.RELATIONSHIP, "access:consent",
                                                        Action.CHANGE))
    version = Consent.objects.get(pk=w.consent.pk).version
    rows = call(client, w.vc_nurse, "post", url, {"withdraw": "1", "version": version, "note": "Muntligt"})
    assert Consent.objects.get(pk=w.consent.pk).withdrawn_at is not None
    assert rows == logrows.expect(*read, logrows.record(w.consent, Basis.RELATIONSHIP, "access:consent:withdraw",
                                                        Action.CHANGE))


def test_consents_between_organisations_log_each_consent_created(w):
    """A SIP's consent: each organisation may take part of the others' data, one consent (and row) each."""
    since = logrows.mark()
    created = services.register_consents_between(f.actor(w.vc_nurse), w.person.pk, [w.region.pk, w.mark.pk],
                                                 "verbal", "SIP")
    assert len(created) == 2
    assert logrows.written(since, w.vc_nurse) == logrows.expect(
        *(logrows.record(c, Basis.RELATIONSHIP, "access:consent", Action.CREATE) for c in created)
    )


def test_registering_and_lifting_a_block_log_the_write(client, w):
    url = reverse("access:blocks", args=[w.person.pk])
    rows = call(client, w.vc_nurse, "post", url, {"note": "Vill inte dela"})
    block = Block.objects.get(blocked_org=w.region, lifted_at__isnull=True)
    assert rows == [logrows.record(block, Basis.RELATIONSHIP, "access:block", Action.CREATE)]
    rows = call(client, w.vc_nurse, "post", url, {"lift": "1", "block": block.pk, "version": block.version,
                                                  "lift_note": "Samtycke muntligt"})
    assert Block.objects.get(pk=block.pk).lifted_at is not None
    assert rows == [logrows.record(block, Basis.RELATIONSHIP, "access:block:lift", Action.CHANGE)]


def test_reviewing_an_emergency_access_logs_the_review(client, w):
    outsider = f.actor(w.outsider_nurse)
    ea, _ = services.emergency_locate(outsider, w.person.pk)
    services.emergency_open(outsider, ea.pk, "Medvetslös, inga närstående nås.")
    rows = call(client, w.vc_manager, "post", reverse("access:emergency_followup"),
                {"ea": ea.pk, "comment": "Kontrollerat, befogat."})
    assert EmergencyAccess.objects.get(pk=ea.pk).reviewed_at is not None
    assert rows == [(w.person.pk, Action.CHANGE, "access.emergencyaccess", str(ea.pk), Basis.LOG_REVIEW,
                     "access:emergency:review")]


def test_scoped_consents_log_each_consent_created(w):
    """The discharge case's consent: the receiving organisation may take part of that scope of the actor's data."""
    since = logrows.mark()
    created = services.register_scoped_consents(f.actor(w.vc_nurse), w.person.pk, [w.mark.pk, w.region.pk],
                                                 "discharge_case", "verbal", "Utskrivning", timezone.now())
    assert [c.receiving_org for c in created] == [w.mark]  # never to the actor's own organisation
    assert logrows.written(since, w.vc_nurse) == [
        logrows.record(created[0], Basis.RELATIONSHIP, "access:consent", Action.CREATE)
    ]


def test_admission_access_is_logged_when_opened_read_and_reviewed(client, w):
    """A ward opens a person it has no relationship with (the whole personnummer typed, a reason); the manager's
    follow-up list reads it (log review) and the review documents it."""
    from nara.access.models import AdmissionAccess
    from nara.directory.models import Unit

    ward_nurse = f.staff(f.unit(w.region, kind=Unit.Kind.WARD, name="Avdelning 7"), ["nurse"])
    since = logrows.mark()
    admission = services.open_admission(f.actor(ward_nurse), w.stranger.pk, "Inlagd via akuten", typed=True)
    assert logrows.written(since, ward_nurse) == [
        (w.stranger.pk, Action.CREATE, "access.admissionaccess", str(admission.pk), Basis.ADMISSION,
         "access:admission:open")
    ]
    rows = call(client, w.vc_manager, "get", reverse("access:emergency_followup"))
    assert rows == [(w.stranger.pk, Action.READ, "access.admissionaccess", str(admission.pk), Basis.LOG_REVIEW,
                     "access:emergency_followup")]
    rows = call(client, w.vc_manager, "post", reverse("access:emergency_followup"),
                {"admission": admission.pk, "comment": "Inlagd via akuten, stämmer."})
    assert AdmissionAccess.objects.get(pk=admission.pk).reviewed_at is not None
    assert rows == [(w.stranger.pk, Action.CHANGE, "access.admissionaccess", str(admission.pk), Basis.LOG_REVIEW,
                     "access:admission:review")]
