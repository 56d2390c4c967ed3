"""The exact access-log rows of the register pages: each record list (with each record's basis); adding,
changing and removing a record (a relative): the person read, the record read where the page shows it first,
and the write itself with the writer's basis; and the search (each person found, by personnummer or by name,
and nobody outside the relationship)."""

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


def test_record_pages_log_each_record_shown_with_its_basis(client):
    """Kinna's nurse: the region's fixed contact is its own; Mark's relative and care-team entry need the
    person's consent to the region, which is given for Mark's data here, not for Kungsbacka's."""
    from nara.access.models import Consent
    from nara.directory.models import Unit
    from nara.people.models import CareTeamMember
    from tests import factories as f

    w = build()
    consent = Consent.objects.create(person=w.person, receiving_org=w.region, method="verbal",
                                     recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse)
    consent.source_orgs.set([w.mark])
    kungsbacka = f.organisation("Kungsbacka kommun", code="1384")
    k_unit = f.unit(kungsbacka, kind=Unit.Kind.HOME_HEALTH, name="Hemsjukvården Kungsbacka")
    CareTeamMember.objects.create(person=w.person, unit=k_unit, role="Hemsjukvård", valid_from=w.team_entry.valid_from,
                                  recorded_by_unit=k_unit, recorded_by_org=kungsbacka,
                                  recorded_by=f.staff(k_unit, ["nurse"]))
    client.force_login(w.vc_nurse)
    for slug, kind, shown in (("narstaende", "relatives", [(w.relative, Basis.CONSENT)]),
                              ("fasta-kontakter", "fixed_contacts", [(w.fixed, Basis.OWN_ORG)]),
                              ("vardteam", "care_team", [(w.team_entry, Basis.CONSENT)])):
        since = logrows.mark()
        assert client.get(reverse("people:records", args=[w.person.pk, slug])).status_code == 200
        ctx = f"people:{kind}"
        assert logrows.written(since, w.vc_nurse) == logrows.expect(
            logrows.person(w.person, ctx), *(logrows.record(r, basis, ctx) for r, basis in shown)
        ), slug
