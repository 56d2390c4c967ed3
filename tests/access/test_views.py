"""Consent, block and emergency pages through the test client."""

import pytest
from django.urls import reverse

from nara.access.models import Block, EmergencyAccess
from nara.audit.models import AccessLogEntry
from tests.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build()


def test_emergency_access_in_two_steps_then_followed_up(client, w):
    client.force_login(w.outsider_nurse)
    overview = reverse("people:overview", args=[w.person.pk])
    url = reverse("access:emergency", args=[w.person.pk])
    assert client.get(overview).status_code == 403
    page = client.get(url).content.decode()
    assert "Steg 1 av 2" in page and not EmergencyAccess.objects.exists()
    page = client.post(url, {"step": "locate"}).content.decode()
    ea = EmergencyAccess.objects.get()
    assert "Marks kommun" in page and "Steg 2 av 2" in page and ea.opened_at is None
    assert client.get(overview).status_code == 403  # step one shows where data exists, nothing more
    missing = client.post(url, {"step": "open", "ea": ea.pk, "reason": "Akut"}).content.decode()
    assert "Detta fält måste fyllas i." in missing  # the confirmation box
    assert "åtminstone har 10 tecken" in missing  # reason too short
    response = client.post(url, {"step": "open", "ea": ea.pk, "reason": "Medvetslös, ingen närstående nås",
                                 "confirm": "on"})
    assert response.status_code == 302
    body = client.get(overview).content.decode()
    assert "Karl Lindqvist" in body and "Du har nödåtkomst" in body
    # Steps one and two, each once per organisation holding data about the person (the region and Mark).
    assert AccessLogEntry.objects.filter(user=w.outsider_nurse, action="emergency").count() == 2 * 2

    client.force_login(w.vc_manager)
    followup = reverse("access:emergency_followup")
    assert "Medvetslös, ingen närstående nås" in client.get(followup).content.decode()
    # The manager's reading of the follow-up list is a log-review read of each emergency access shown.
    assert list(
        AccessLogEntry.objects.filter(user=w.vc_manager, context="access:emergency_followup").values_list(
            "person_id", "record_type", "record_id", "basis"
        )
    ) == [(w.person.pk, "access.emergencyaccess", str(ea.pk), "log_review")]
    client.post(followup, {"ea": ea.pk, "comment": "Kontrollerat med medarbetaren, befogat."})
    ea.refresh_from_db()
    assert ea.reviewed_by == w.vc_manager and ea.review_comment.startswith("Kontrollerat")

    client.force_login(w.outsider_nurse)
    client.post(reverse("access:emergency_close", args=[ea.pk]))
    assert client.get(overview).status_code == 403
    # Closing early is logged like the opening (who, when, which emergency access).
    closed = AccessLogEntry.objects.filter(user=w.outsider_nurse, context="access:emergency:close")
    assert sorted(closed.values_list("person_id", "action", "record_id", "basis", "data_org_id")) == sorted([
        (w.person.pk, "emergency", str(ea.pk), "emergency", w.region.pk),
        (w.person.pk, "emergency", str(ea.pk), "emergency", w.mark.pk),
    ])
    client.post(reverse("access:emergency_close", args=[ea.pk]))  # already closed: nothing more is logged
    assert closed.count() == 2


def test_followup_is_for_managers_only(client, w):
    client.force_login(w.vc_nurse)
    assert client.get(reverse("access:emergency_followup")).status_code == 403


def test_block_hides_data_from_others_and_lifting_shows_it_again(client, w):
    from nara.access.models import Consent

    Consent.objects.create(person=w.person, receiving_org=w.region, all_sources=True, method="written",
                           recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse)
    client.force_login(w.mark_nurse)
    response = client.post(reverse("access:blocks", args=[w.person.pk]), {"note": "Personen vill inte dela"})
    assert response.status_code == 302
    block = Block.objects.get()
    assert block.blocked_org == w.mark  # a block is registered by the organisation that holds the data

    client.force_login(w.vc_nurse)
    overview = reverse("people:overview", args=[w.person.pk])
    body = client.get(overview).content.decode()
    assert "Karl Lindqvist" not in body and "Spärrade uppgifter finns hos Marks kommun." in body
    assert "Personen vill inte dela" not in client.get(reverse("access:blocks", args=[w.person.pk])).content.decode()

    client.force_login(w.mark_nurse)
    lifted = client.post(reverse("access:blocks", args=[w.person.pk]),
                         {"lift": "1", "block": block.pk, "version": block.version, "lift_note": "Samtycke muntligt"})
    assert lifted.status_code == 302
    client.force_login(w.vc_nurse)
    assert "Karl Lindqvist" in client.get(overview).content.decode()


def test_an_organisation_the_consent_names_withdraws_it_in_the_ui(client, w):
    """Issue 11 item 15: the service let Mark withdraw a consent naming Mark's data, but the page offered nothing."""
    from nara.access.models import Consent

    consent = Consent.objects.create(person=w.person, receiving_org=w.region, method="verbal",
                                     recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse)
    consent.source_orgs.set([w.mark])
    client.force_login(w.mark_nurse)
    edit = reverse("access:consent_edit", args=[w.person.pk, consent.pk])
    listing = client.get(reverse("access:consents", args=[w.person.pk])).content.decode()
    assert f'href="{edit}"' in listing and "Återkalla" in listing
    page = client.get(edit).content.decode()
    assert 'name="withdraw"' in page and "Spara ändringen" not in page  # only the recording organisation changes it
    # Changing is still refused to Mark, whatever is posted.
    client.post(edit, {"receiving_org": w.mark.pk, "method": "written", "version": consent.version})
    consent.refresh_from_db()
    assert consent.receiving_org == w.region and consent.withdrawn_at is None
    response = client.post(edit, {"withdraw": "1", "version": consent.version, "note": "Sade det vid hembesöket"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == w.mark_nurse

    client.force_login(w.outsider_nurse)  # not named: neither change nor withdraw
    assert client.get(edit).status_code == 403
