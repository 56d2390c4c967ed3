"""Denied attempts in the log review: shown with their reason, a filter "Nekade försök" (also on the manager's start
page), and never in the person's log extract (a denied attempt did not access the person's data)."""

import pytest
from django.urls import reverse

from nara.audit.models import AccessLogEntry, Action
from tests.world import build

pytestmark = pytest.mark.django_db

REVIEW = reverse("audit:review")
NO_RELATIONSHIP = "Din enhet har ingen aktuell vårdrelation med personen."
NO_PAGE = "Du har inte behörighet till den här sidan under ditt nuvarande uppdrag."


@pytest.fixture
def w(client):
    """A read by the region's nurse, and two denied attempts at the region's units: a nurse without relationship
    opening the person, an analyst opening the log review."""
    w = build()
    client.force_login(w.vc_nurse)
    assert client.get(reverse("people:overview", args=[w.person.pk])).status_code == 200
    client.force_login(w.outsider_nurse)
    assert client.get(reverse("people:overview", args=[w.person.pk])).status_code == 403
    client.force_login(w.vc_analyst)
    assert client.get(REVIEW).status_code == 403
    w.denied = list(AccessLogEntry.objects.filter(action=Action.DENIED).order_by("pk"))
    assert [(d.user_id, d.person_id) for d in w.denied] == [(w.outsider_nurse.pk, w.person.pk),
                                                           (w.vc_analyst.pk, None)]
    client.logout()
    return w


def _shown(response):
    return {row.pk for row in response.context["page"].object_list}


@pytest.mark.parametrize("params", [{"quick": "denied"}, {"action": "denied"}])
def test_filter_shows_exactly_the_denied_attempts_with_their_reasons(client, w, params):
    client.force_login(w.vc_manager)
    response = client.get(REVIEW, params)
    assert response.status_code == 200
    assert _shown(response) == {d.pk for d in w.denied}
    body = response.content.decode()
    assert NO_RELATIONSHIP in body and NO_PAGE in body
    assert "ingen person" in body  # the analyst's attempt named no person
    assert "Nekade försök" in response.context["description"] or "Nekad åtkomst" in response.context["description"]


def test_quick_filter_is_offered_and_marked_when_chosen(client, w):
    client.force_login(w.vc_manager)
    body = client.get(REVIEW, {"quick": "denied"}).content.decode()
    assert '<a class="button secondary" href="?quick=denied" aria-current="true">Nekade försök' in body
    assert "Nekade försök" in client.get(REVIEW, {"quick": "denied"}).context["description"]


def test_unfiltered_review_lists_denied_attempts_beside_reads(client, w):
    client.force_login(w.vc_manager)
    response = client.get(REVIEW)
    shown = _shown(response)
    assert {d.pk for d in w.denied} <= shown
    assert AccessLogEntry.objects.filter(pk__in=shown, action=Action.READ, user=w.vc_nurse).exists()


def test_extract_does_not_list_denied_attempts(client, w):
    """The extract tells the person who accessed their data; the refused nurse did not."""
    client.force_login(w.vc_manager)
    rows = client.get(reverse("audit:extract", args=[w.person.pk])).context["rows"]
    assert rows and {r.unit_name for r in rows} == {"Vårdcentralen Kinna"}
    assert all(r.action_label != "Nekad åtkomst" for r in rows)


def test_managers_start_page_links_to_the_denied_attempts(client, w):
    client.force_login(w.vc_manager)
    body = client.get(reverse("directory:start")).content.decode()
    assert f'href="{REVIEW}?quick=denied"' in body
