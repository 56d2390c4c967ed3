"""Documented spot checks (loggkontroller)."""
from django.urls import reverse

from nara.audit.models import SpotCheck
from tests import factories
from tests.audit.conftest import assert_no_personnummer


def test_spot_check_is_saved_with_the_selection_and_count(client, world):
    client.force_login(world.manager)
    url = reverse("audit:review") + f"?basis=emergency&person={world.p2.pk}"
    response = client.post(url, {"outcome": "follow_up", "comment": "Nödåtkomsten följs upp med chefen."})
    assert response.status_code == 302 and response["Location"] == reverse("audit:spot_checks")
    check = SpotCheck.objects.get()
    assert check.rows_examined == 2
    assert check.comment == "Nödåtkomsten följs upp med chefen."
    assert check.reviewer == world.manager and check.reviewer_unit == world.home
    assert check.person_id == world.p2.pk
    assert "Nödåtkomst" in check.filter_description and "Karl Berg" in check.filter_description
    assert world.p2.personnummer not in check.filter_description
    assert world.p2.personnummer[2:] not in check.filter_description

    response = client.get(reverse("audit:spot_checks"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nödåtkomsten följs upp med chefen." in body and "Kräver uppföljning" in body
    assert_no_personnummer(response, world.p1, world.p2)


def test_spot_check_without_comment_is_rejected_in_swedish(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("audit:review"), {"outcome": "no_remark", "comment": "   "})
    assert response.status_code == 400
    assert "Skriv en kommentar om vad kontrollen visade." in response.content.decode()
    assert not SpotCheck.objects.exists()


def test_spot_check_without_outcome_is_rejected(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("audit:review"), {"comment": "Kontrollerat."})
    assert response.status_code == 400
    assert "Välj resultatet av kontrollen." in response.content.decode()
    assert not SpotCheck.objects.exists()


def test_spot_checks_of_other_organisations_are_not_listed(client, world):
    other_manager = factories.staff(world.vc, roles=("manager",))
    client.force_login(other_manager)
    client.post(reverse("audit:review"), {"outcome": "no_remark", "comment": "Region B:s kontroll."})
    client.force_login(world.manager)
    assert "Region B:s kontroll." not in client.get(reverse("audit:spot_checks")).content.decode()


def test_spot_check_list_logs_a_log_review_read_of_each_person_named(client, world):
    """A spot check about a person names them on the list: one log-review row per person, none for the rest."""
    from nara.audit.models import AccessLogEntry

    client.force_login(world.manager)
    client.post(reverse("audit:review") + f"?person={world.p2.pk}", {"outcome": "no_remark", "comment": "Karl."})
    client.post(reverse("audit:review") + f"?person={world.p2.pk}", {"outcome": "no_remark", "comment": "Igen."})
    client.post(reverse("audit:review"), {"outcome": "no_remark", "comment": "Ingen person vald."})
    since = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert client.get(reverse("audit:spot_checks")).status_code == 200
    rows = AccessLogEntry.objects.filter(pk__gt=since)
    assert list(rows.values_list("user_id", "person_id", "action", "record_type", "record_id", "basis", "context")) == [
        (world.manager.pk, world.p2.pk, "read", "audit.accesslogentry", "", "log_review", "audit:spot_checks")
    ]
