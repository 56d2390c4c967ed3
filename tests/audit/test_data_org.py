"""The organisation whose data was read sees the access (issue 11 item 8).

Each log row names the organisation whose data it concerned (`data_org`: the record's recording organisation;
for an emergency access step, one row per organisation that holds data about the person). The log review and the
person's log extract of a manager cover the rows of their own organisation's units *and* the rows about data
their organisation recorded, whoever read it.

Two organisations: the region (Vårdcentralen Kinna; the person's fixed contact is its record) and Marks kommun
(its home health care; the care-team entry and the relative are its records). A nurse of another municipal unit,
without any relationship, opens emergency access and reads the person's overview.
"""

import pytest
from django.urls import reverse

from nara.access import services
from nara.audit.models import AccessLogEntry, Action
from nara.directory.models import Unit
from tests import factories as f
from tests import logrows
from tests.transitions import builders as tb
from tests.world import build

pytestmark = pytest.mark.django_db

REVIEW = reverse("audit:review")


@pytest.fixture
def w(client):
    w = build()
    w.syd = f.unit(w.mark, kind=Unit.Kind.HOME_HEALTH, name="Hemsjukvården Syd")
    w.syd_nurse = f.staff(w.syd, ["nurse"], username="syd")
    w.mark_manager = tb.ag_mark_manager(w)
    actor = f.actor(w.syd_nurse)
    w.since = logrows.mark()
    w.ea, _where = services.emergency_locate(actor, w.person.pk)
    services.emergency_open(actor, w.ea.pk, "Medvetslös vid hembesök, ingen närstående nås.")
    client.force_login(w.syd_nurse)
    assert client.get(reverse("people:overview", args=[w.person.pk])).status_code == 200
    client.logout()
    w.emergency_rows = list(AccessLogEntry.objects.filter(pk__gt=w.since, user=w.syd_nurse))
    return w


def _by(w, **filters):
    return {e.pk for e in AccessLogEntry.objects.filter(pk__gt=w.since, user=w.syd_nurse, **filters)}


def test_each_row_names_the_organisation_whose_data_it_concerned(w):
    rows = w.emergency_rows
    steps = [(e.context, e.data_org_id) for e in rows if e.action == Action.EMERGENCY]
    # One row per step and data-holding organisation (the region's fixed contact, Mark's care team and relative).
    assert sorted(steps) == sorted([
        ("access:emergency:locate", w.region.pk), ("access:emergency:locate", w.mark.pk),
        ("access:emergency:open", w.region.pk), ("access:emergency:open", w.mark.pk),
    ])
    reads = {(e.record_type, e.record_id): e.data_org_id for e in rows if e.action == Action.READ}
    assert reads[("people.fixedcontact", str(w.fixed.pk))] == w.region.pk
    assert reads[("people.relative", str(w.relative.pk))] == w.mark.pk
    assert reads[("people.person", str(w.person.pk))] is None  # the shared register is no organisation's record


def test_the_region_reviews_the_municipality_users_access_to_its_data(client, w):
    client.force_login(w.vc_manager)
    shown = {row.pk for row in client.get(REVIEW, {"user": "syd"}).context["page"].object_list}
    assert shown == _by(w, data_org=w.region)
    assert shown  # the emergency steps and the fixed contact's read
    body = client.get(REVIEW, {"user": "syd"}).content.decode()
    assert "Hemsjukvården Syd" in body and "Marks kommun" in body


def test_the_municipality_still_reviews_every_access_of_its_own_user(client, w):
    client.force_login(w.mark_manager)
    shown = {row.pk for row in client.get(REVIEW, {"user": "syd"}).context["page"].object_list}
    assert shown == {e.pk for e in w.emergency_rows}


def test_quick_filter_for_other_organisations_access_to_our_data(client, w):
    client.force_login(w.vc_nurse)
    assert client.get(reverse("people:overview", args=[w.person.pk])).status_code == 200  # the region's own read
    client.force_login(w.vc_manager)
    response = client.get(REVIEW, {"quick": "other_org"})
    assert {row.pk for row in response.context["page"].object_list} == _by(w, data_org=w.region)
    assert "Andra huvudmäns åtkomst till våra uppgifter" in response.context["description"]


def test_the_regions_extract_lists_the_municipality_unit(client, w):
    client.force_login(w.vc_manager)
    rows = client.get(reverse("audit:extract", args=[w.person.pk])).context["rows"]
    assert "Hemsjukvården Syd" in {r.unit_name for r in rows}
    assert {r.org_name for r in rows if r.unit_name == "Hemsjukvården Syd"} == {"Marks kommun"}


def test_rows_about_the_municipalitys_own_data_stay_with_the_municipality(client, w):
    """The relative's read (Mark's data, by Mark's user) is not the region's to review."""
    client.force_login(w.vc_manager)
    shown = {row.pk for row in client.get(REVIEW, {"user": "syd"}).context["page"].object_list}
    assert not shown & _by(w, data_org=w.mark)
    assert not shown & _by(w, data_org__isnull=True)


def test_a_write_names_the_organisation_of_the_record_written(w):
    """A record changed by another organisation than the one that recorded it (a shared SIP) or by its own: the
    data organisation is taken from the record itself, so no caller can forget it."""
    from nara.audit import services as audit

    since = logrows.mark()
    audit.record(f.actor(w.mark_nurse), w.person.pk, Action.READ, "people.fixedcontact", w.fixed.pk, "consent", "t")
    audit.record_many(f.actor(w.mark_nurse), [(w.person.pk, "people.relative", w.relative.pk, "own_org"),
                                              (w.person.pk, "people.person", w.person.pk, "relationship")],
                      Action.READ, "t")
    assert sorted((e.record_type, e.data_org_id) for e in AccessLogEntry.objects.filter(pk__gt=since)) == [
        ("people.fixedcontact", w.region.pk), ("people.person", None), ("people.relative", w.mark.pk)
    ]
