"""The exact access-log rows of the person overview's register part: the person, each fixed contact, care-team
entry and relative shown with its own basis, and every consent and current block shown (register information
every carer with a relationship sees: the person's basis). The panels other apps add log their own rows
(tests of those apps); they are left out here."""

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.access.models import Block, Consent
from nara.audit.basis import Basis
from tests import logrows
from tests.world import build

pytestmark = pytest.mark.django_db
CTX = "people:overview"


def register_rows(since, user):
    return [r for r in logrows.written(since, user) if r[2].split(".")[0] in {"people", "access"}]


@pytest.fixture
def w():
    w = build()
    stamp = {"recorded_by_unit": w.vc, "recorded_by_org": w.region, "recorded_by": w.vc_nurse}
    w.shared = Consent.objects.create(person=w.person, receiving_org=w.region, all_sources=True, method="verbal",
                                      **stamp)
    w.withdrawn = Consent.objects.create(person=w.person, receiving_org=w.mark, all_sources=True, method="verbal",
                                         withdrawn_at=timezone.now(), **stamp)
    mark_stamp = {"recorded_by_unit": w.hsv, "recorded_by_org": w.mark, "recorded_by": w.mark_nurse}
    w.block = Block.objects.create(person=w.person, blocked_org=w.mark, **mark_stamp)
    w.lifted = Block.objects.create(person=w.person, blocked_org=w.region, lifted_at=timezone.now(), **mark_stamp)
    return w


def test_overview_logs_person_records_consents_and_current_blocks(client, w):
    """Kinna's nurse: the region's fixed contact (own organisation); Mark's relative and care-team entry are
    blocked despite the consent, so not logged; both consents and the current block are; the lifted block is
    not shown."""
    client.force_login(w.vc_nurse)
    since = logrows.mark()
    body = client.get(reverse("people:overview", args=[w.person.pk])).content.decode()
    assert "Karl Lindqvist" not in body
    assert register_rows(since, w.vc_nurse) == logrows.expect(
        logrows.person(w.person, CTX),
        logrows.record(w.fixed, Basis.OWN_ORG, CTX),
        logrows.record(w.shared, Basis.RELATIONSHIP, CTX),
        logrows.record(w.withdrawn, Basis.RELATIONSHIP, CTX),
        logrows.record(w.block, Basis.RELATIONSHIP, CTX),
    )


def test_overview_for_the_other_organisation_logs_its_own_records(client, w):
    """Mark's nurse: Mark's relative and care-team entry (own organisation); the region's fixed contact needs a
    consent to Mark, which was withdrawn."""
    client.force_login(w.mark_nurse)
    since = logrows.mark()
    body = client.get(reverse("people:overview", args=[w.person.pk])).content.decode()
    assert "Karl Lindqvist" in body
    assert register_rows(since, w.mark_nurse) == logrows.expect(
        logrows.person(w.person, CTX),
        logrows.record(w.relative, Basis.OWN_ORG, CTX),
        logrows.record(w.team_entry, Basis.OWN_ORG, CTX),
        logrows.record(w.shared, Basis.RELATIONSHIP, CTX),
        logrows.record(w.withdrawn, Basis.RELATIONSHIP, CTX),
        logrows.record(w.block, Basis.RELATIONSHIP, CTX),
    )
