"""The gate against the database: relationships, consent, block and emergency, for every selector."""

import datetime as dt

import pytest
from django.utils import timezone

from nara.access import gate, services
from nara.access.models import Block, Consent, EmergencyAccess
from nara.audit.models import AccessLogEntry, Action
from nara.people import selectors
from tests import factories as f
from tests.world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build()


def consent(w, **kw):
    c = Consent.objects.create(
        person=w.person, receiving_org=w.region, method="verbal", valid_from=kw.pop("valid_from", dt.date(2026, 1, 1)),
        recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse, **kw,
    )
    c.source_orgs.add(w.mark)
    return c


def shown(w, user):
    """What each selector shows the user of Mark's data: (relatives, care team) names, or None if denied."""
    actor = f.actor(user)
    try:
        data = selectors.overview(actor, w.person.pk)
    except gate.AccessDenied:
        return None
    return ([r.name for r in data["relatives"].shown], [t.unit.name for t in data["care_team"].shown])


def test_relationship_sources(w):
    anna = f.actor(w.vc_nurse)
    related = set(gate.relationship_persons(anna).values_list("pk", flat=True))
    assert w.person.pk in related and w.stranger.pk not in related
    # Mark's home health has the person through its care-team entry, not through listing.
    assert w.person.pk in set(gate.relationship_persons(f.actor(w.mark_nurse)).values_list("pk", flat=True))
    # An ended care-team entry ends the relationship.
    w.team_entry.valid_to = timezone.localdate() - dt.timedelta(days=1)
    w.team_entry.save()
    assert not gate.relationship_persons(f.actor(w.mark_nurse)).filter(pk=w.person.pk).exists()


@pytest.mark.parametrize(
    "state,expected",
    [
        ("no_consent", ([], [])),
        ("valid", (["Karl Lindqvist"], ["Hemsjukvården Mark"])),
        ("expired", ([], [])),
        ("withdrawn", ([], [])),
        ("future", ([], [])),
        ("valid_but_blocked", ([], [])),
    ],
)
def test_other_org_data_through_overview(w, state, expected):
    today = timezone.localdate()
    if state == "valid":
        consent(w)
    elif state == "expired":
        consent(w, valid_from=today - dt.timedelta(days=20), valid_to=today - dt.timedelta(days=1))
    elif state == "withdrawn":
        consent(w, withdrawn_at=timezone.now())
    elif state == "future":
        consent(w, valid_from=today + dt.timedelta(days=1))
    elif state == "valid_but_blocked":
        consent(w)
        Block.objects.create(person=w.person, blocked_org=w.mark, recorded_by_unit=w.hsv, recorded_by_org=w.mark,
                             recorded_by=w.mark_nurse)
    assert shown(w, w.vc_nurse) == expected


def test_blocked_data_is_reported_as_existing(w):
    consent(w)
    Block.objects.create(person=w.person, blocked_org=w.mark, recorded_by_unit=w.hsv, recorded_by_org=w.mark,
                         recorded_by=w.mark_nurse)
    data = selectors.overview(f.actor(w.vc_nurse), w.person.pk)
    assert [h.blocked for h in data["relatives"].hidden] == [True]
    assert data["relatives"].hidden[0].org_name == "Marks kommun"


def test_own_org_data_needs_no_consent_and_others_see_theirs(w):
    # Mark's nurse sees Mark's own records, not the region's fixed contact (no consent to Mark).
    data = selectors.overview(f.actor(w.mark_nurse), w.person.pk)
    assert [r.name for r in data["relatives"].shown] == ["Karl Lindqvist"]
    assert data["fixed_contacts"].shown == []
    assert "Samtycke saknas för delning från Västra Götalandsregionen." in data["fixed_contacts"].hidden[0].reason


def test_no_relationship_and_analyst_are_denied(w):
    assert shown(w, w.outsider_nurse) is None
    assert shown(w, w.vc_analyst) is None
    with pytest.raises(gate.AccessDenied, match="vårdrelation"):
        selectors.overview(f.actor(w.outsider_nurse), w.person.pk)


def test_search_only_within_relationship(w):
    anna = f.actor(w.vc_nurse)
    assert [p.family_name for p in selectors.search(anna, "Lindqvist").persons] == ["Lindqvist"]
    assert selectors.search(anna, "Okänd").persons == []
    from nara.core.personnummer import parse

    hit = selectors.search(anna, w.stranger.personnummer, parse(w.stranger.personnummer))
    assert hit.persons == [] and hit.outside_relationship == w.stranger  # path to emergency access
    analyst = f.actor(w.vc_analyst)
    assert selectors.search(analyst, "Lindqvist").persons == []


def test_emergency_two_steps_opens_everything_and_expires(w, settings):
    settings.NARA_EMERGENCY_ACCESS_HOURS = 2
    outsider = f.actor(w.outsider_nurse)
    ea, where = services.emergency_locate(outsider, w.person.pk)
    assert ("Marks kommun", "Närstående", 1) in where
    assert shown(w, w.outsider_nurse) is None  # step one alone opens nothing
    Block.objects.create(person=w.person, blocked_org=w.mark, recorded_by_unit=w.hsv, recorded_by_org=w.mark,
                         recorded_by=w.mark_nurse)
    services.emergency_open(outsider, ea.pk, "Medvetslös, inga närstående nås.")
    assert shown(w, w.outsider_nurse) == (["Karl Lindqvist"], ["Hemsjukvården Mark"])
    ea.refresh_from_db()
    assert ea.expires_at - ea.opened_at == dt.timedelta(hours=2)
    logged = AccessLogEntry.objects.filter(user=w.outsider_nurse, person=w.person)
    assert logged.filter(action=Action.EMERGENCY).count() == 2
    assert logged.filter(action=Action.READ, basis="emergency").exists()
    EmergencyAccess.objects.filter(pk=ea.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert shown(w, w.outsider_nurse) is None


def test_emergency_needs_capability(w):
    with pytest.raises(gate.AccessDenied):
        services.emergency_locate(f.actor(w.vc_analyst), w.person.pk)


def test_list_reads_are_logged_per_person(w):
    anna = f.actor(w.vc_nurse)
    before = AccessLogEntry.objects.count()
    result = selectors.search(anna, "Lindqvist")
    assert AccessLogEntry.objects.count() == before + len(result.persons) == before + 1
    row = AccessLogEntry.objects.latest("id")
    assert (row.person_id, row.action, row.basis, row.unit_name) == (w.person.pk, "read", "relationship", "Vårdcentralen Kinna")
