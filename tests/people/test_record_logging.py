"""The exact access-log rows of the register pages: adding, changing and removing a record (a relative) — the
person read, the record read where the page shows it first, and the write itself with the writer's basis — and
the search (each person found, by personnummer or by name, and nobody outside the relationship)."""

import pytest
from django.urls import reverse

from nara.audit.basis import Basis
from nara.audit.models import Action
from nara.people.models import Relative
from tests import logrows
from tests.world import build

pytestmark = pytest.mark.django_db


def post(client, user, url, data):
    client.force_login(user)
    since = logrows.mark()
    assert client.post(url, data).status_code == 302
    return logrows.written(since, user)


def test_adding_changing_and_removing_a_relative_log_each_write(client):
    w = build()
    ctx = "people:relatives"
    rows = post(client, w.mark_nurse, reverse("people:records", args=[w.person.pk, "narstaende"]),
                {"name": "Eva Lindqvist", "relation": "dotter", "phone": "070-1234567"})
    eva = Relative.objects.get(name="Eva Lindqvist")
    assert rows == logrows.expect(logrows.person(w.person, ctx), logrows.record(eva, Basis.RELATIONSHIP, ctx,
                                                                                Action.CREATE))
    url = reverse("people:record_edit", args=[w.person.pk, "narstaende", eva.pk])
    opened = [logrows.person(w.person, f"{ctx}:edit"), logrows.record(eva, Basis.OWN_ORG, f"{ctx}:edit")]
    rows = post(client, w.mark_nurse, url,
                {"name": "Eva Lindqvist", "relation": "dotter", "phone": "070-7654321", "version": eva.version})
    assert Relative.objects.get(pk=eva.pk).phone == "070-7654321"
    assert rows == logrows.expect(*opened, logrows.record(eva, Basis.RELATIONSHIP, ctx, Action.CHANGE))
    rows = post(client, w.mark_nurse, url, {"remove": "1", "version": Relative.objects.get(pk=eva.pk).version})
    assert not Relative.objects.filter(pk=eva.pk).exists()
    assert rows == logrows.expect(*opened, logrows.record(eva, Basis.RELATIONSHIP, f"{ctx}:remove", Action.CHANGE))


def test_search_logs_each_person_found_and_nobody_outside_the_relationship(client):
    w = build()
    client.force_login(w.vc_nurse)
    ctx = "people:search"
    for query, found in [(w.person.personnummer, [w.person]), ("Lindqvist", [w.person]),
                         (w.stranger.personnummer, []), ("Okänd", [])]:
        since = logrows.mark()
        assert client.post(reverse("people:search"), {"q": query}).status_code == 200
        assert logrows.written(since, w.vc_nurse) == [logrows.person(p, ctx) for p in found], query
