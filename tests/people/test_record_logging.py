"""The exact access-log rows of adding, changing and removing a register record (a relative) through the pages:
the person read, the record read where the page shows it first, and the write itself with the writer's basis."""

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
