"""The emergency follow-up of the organisation whose data an emergency access opened (issue 11 item 8).

A municipality nurse without any relationship opens emergency access to a person the region holds data about.
The region's manager finds it among the emergency accesses to follow up, marked as made by another organisation
("av annan huvudman"), and documents the region's own follow-up; the municipality's manager follows up their own
staff's access independently.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.access import services
from nara.access.models import EmergencyAccess, EmergencyDataReview
from nara.audit.basis import Basis
from nara.audit.models import Action
from nara.directory.models import Unit
from tests import factories as f
from tests import logrows
from tests.transitions import builders as tb
from tests.world import build

pytestmark = pytest.mark.django_db

FOLLOWUP = reverse("access:emergency_followup")


@pytest.fixture
def w():
    w = build()
    w.syd = f.unit(w.mark, kind=Unit.Kind.HOME_HEALTH, name="Hemsjukvården Syd")
    w.syd_nurse = f.staff(w.syd, ["nurse"], username="syd")
    w.mark_manager = tb.ag_mark_manager(w)
    actor = f.actor(w.syd_nurse)
    w.ea, _where = services.emergency_locate(actor, w.person.pk)
    services.emergency_open(actor, w.ea.pk, "Medvetslös vid hembesök, ingen närstående nås.")
    return w


def rows_of(client, user):
    client.force_login(user)
    response = client.get(FOLLOWUP)
    assert response.status_code == 200
    return response


def test_the_data_holding_region_lists_the_municipality_users_emergency_access(client, w):
    response = rows_of(client, w.vc_manager)
    assert [ea.pk for ea in response.context["rows"]] == [w.ea.pk]
    body = response.content.decode()
    assert "Medvetslös vid hembesök" in body and "Hemsjukvården Syd" in body
    assert "av annan huvudman" in body and "Marks kommun" in body


def test_the_users_own_organisation_lists_it_as_its_own(client, w):
    response = rows_of(client, w.mark_manager)
    assert [ea.pk for ea in response.context["rows"]] == [w.ea.pk]
    assert "av annan huvudman" not in response.content.decode()


def test_not_listed_for_an_organisation_whose_data_it_did_not_open(client, w):
    """A person only the municipality holds data about: the region has nothing to follow up."""
    from nara.people.models import Relative

    only_mark = f.person(listed_unit=None, given="Greta", family="Kommunsson", municipality=w.mark)
    Relative.objects.create(person=only_mark, name="Sven Kommunsson", relation="make", recorded_by_unit=w.hsv,
                            recorded_by_org=w.mark, recorded_by=w.mark_nurse)
    ea, _ = services.emergency_locate(f.actor(w.syd_nurse), only_mark.pk)
    assert ea.pk not in {row.pk for row in rows_of(client, w.vc_manager).context["rows"]}
    assert ea.pk in {row.pk for row in rows_of(client, w.mark_manager).context["rows"]}


def test_the_region_documents_its_own_follow_up_and_the_municipalitys_stays_open(client, w):
    client.force_login(w.vc_manager)
    since = logrows.mark()
    response = client.post(FOLLOWUP, {"ea": w.ea.pk, "comment": "Kontrollerat med kommunens chef, befogat."})
    assert response.status_code == 302
    review = EmergencyDataReview.objects.get()
    assert (review.emergency_id, review.organisation_id, review.reviewed_by_id) == (
        w.ea.pk, w.region.pk, w.vc_manager.pk)
    assert logrows.written(since, w.vc_manager) == [
        (w.person.pk, Action.CHANGE, "access.emergencyaccess", str(w.ea.pk), Basis.LOG_REVIEW,
         "access:emergency:review")
    ]
    assert EmergencyAccess.objects.get(pk=w.ea.pk).reviewed_at is None  # the municipality's own is still due
    assert "Kontrollerat med kommunens chef" in rows_of(client, w.vc_manager).content.decode()
    municipality = rows_of(client, w.mark_manager).content.decode()
    assert "Kontrollerat med kommunens chef" not in municipality
    assert f'name="ea" value="{w.ea.pk}"' in municipality  # still to be followed up there
    client.force_login(w.mark_manager)
    client.post(FOLLOWUP, {"ea": w.ea.pk, "comment": "Samtal med medarbetaren."})
    assert EmergencyAccess.objects.get(pk=w.ea.pk).review_comment == "Samtal med medarbetaren."
    assert EmergencyDataReview.objects.count() == 1


def test_a_follow_up_is_documented_once_per_organisation(client, w):
    client.force_login(w.vc_manager)
    client.post(FOLLOWUP, {"ea": w.ea.pk, "comment": "Kontrollerat, befogat."})
    assert client.post(FOLLOWUP, {"ea": w.ea.pk, "comment": "En gång till."}).status_code == 403
    assert list(EmergencyDataReview.objects.values_list("comment", flat=True)) == ["Kontrollerat, befogat."]


def test_an_organisation_without_part_in_it_cannot_follow_it_up(client, w):
    other = f.organisation("Borås Stad", code="1490")
    manager = f.staff(f.unit(other, kind=Unit.Kind.HOME_HEALTH), ["manager"])
    client.force_login(manager)
    assert client.post(FOLLOWUP, {"ea": w.ea.pk, "comment": "Kontrollerat."}).status_code == 403
    assert not EmergencyDataReview.objects.exists()


def test_not_yet_followed_up_come_first(client, w):
    older = EmergencyAccess.objects.create(person=w.person, user=w.syd_nurse, unit=w.syd,
                                           located_at=timezone.now() - dt.timedelta(days=3))
    newer_done = EmergencyAccess.objects.create(person=w.person, user=w.syd_nurse, unit=w.syd,
                                                reviewed_at=timezone.now(), reviewed_by=w.mark_manager,
                                                review_comment="Klart")
    rows = [ea.pk for ea in rows_of(client, w.mark_manager).context["rows"]]
    assert rows == [w.ea.pk, older.pk, newer_done.pk]
