"""The gate against the database: relationships, consent, block and emergency, for every selector."""

import datetime as dt

import pytest
from django.utils import timezone

from nara.access import gate, services
from nara.access.models import Block, Consent, EmergencyAccess
from nara.audit.basis import Basis
from nara.audit.models import AccessLogEntry, Action
from nara.people import selectors
from tests import factories as f
from tests import logrows
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
    # Each step leaves one row per organisation holding data about the person (the region's fixed contact,
    # Mark's relative, care-team entry and block), so each follows it up in its own log review.
    assert sorted(logged.filter(action=Action.EMERGENCY).values_list("context", "data_org_id")) == sorted([
        ("access:emergency:locate", w.region.pk), ("access:emergency:locate", w.mark.pk),
        ("access:emergency:open", w.region.pk), ("access:emergency:open", w.mark.pk),
    ])
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


# --- The exact rows the gate's list calls and log helpers write ---------------------------------------------

CTX = "test:gate"


def _stranger_relative(w):
    from nara.people.models import Relative

    return Relative.objects.create(person=w.stranger, name="Greta Okänd", relation="dotter", recorded_by_unit=w.vc,
                                   recorded_by_org=w.region, recorded_by=w.vc_nurse)


def test_open_persons_logs_one_register_read_per_visible_person(w):
    anna = f.actor(w.vc_nurse)
    since = logrows.mark()
    opened = gate.open_persons(anna, [w.person.pk, w.stranger.pk, w.person.pk, None], CTX)
    assert set(opened) == {w.person.pk}
    assert opened[w.person.pk].basis == Basis.RELATIONSHIP
    assert logrows.written(since, w.vc_nurse) == [logrows.person(w.person, CTX)]


def test_open_persons_names_what_the_list_shows(w):
    """A risk list shows the run's row of each person: record type and id given, the person's basis kept."""
    since = logrows.mark()
    gate.open_persons(f.actor(w.vc_nurse), [w.person.pk, w.stranger.pk], CTX, action=Action.EXPORT,
                      record_type="identify.risklist", record_id=7)
    assert logrows.written(since) == [(w.person.pk, Action.EXPORT, "identify.risklist", "7", Basis.RELATIONSHIP, CTX)]


def test_open_persons_without_log_or_capability_writes_nothing(w):
    since = logrows.mark()
    assert set(gate.open_persons(f.actor(w.vc_nurse), [w.person.pk], CTX, log=False)) == {w.person.pk}
    assert gate.open_persons(f.actor(w.vc_analyst), [w.person.pk], CTX) == {}
    assert logrows.written(since) == []


def test_open_persons_under_emergency_access_logs_the_emergency_basis(w):
    outsider = f.actor(w.outsider_nurse)
    ea, _ = services.emergency_locate(outsider, w.person.pk)
    services.emergency_open(outsider, ea.pk, "Medvetslös, inga närstående nås.")
    since = logrows.mark()
    gate.open_persons(outsider, [w.person.pk, w.stranger.pk], CTX)  # the stranger is listed at their unit
    assert logrows.written(since) == logrows.expect(
        logrows.person(w.person, CTX, Basis.EMERGENCY), logrows.person(w.stranger, CTX, Basis.RELATIONSHIP)
    )


def test_filter_across_logs_shown_persons_and_each_shown_record_with_its_basis(w):
    anna = f.actor(w.vc_nurse)
    theirs = _stranger_relative(w)
    since = logrows.mark()
    # The region's fixed contact (own organisation), Mark's relative (no consent), a record of a person without
    # relationship; the fixed contact twice (a list may hold a record in two sections): logged once.
    across = gate.filter_across(anna, [w.fixed, w.relative, theirs, w.fixed], CTX)
    assert [r.decision.allowed for r in across.rows] == [True, False, False, True]
    assert across.hidden_count == 2 and across.rows[2].access is None
    assert set(across.accesses) == {w.person.pk}
    assert logrows.written(since, w.vc_nurse) == logrows.expect(
        logrows.person(w.person, CTX), logrows.record(w.fixed, Basis.OWN_ORG, CTX)
    )
    consent(w)  # Mark's data shared with the region
    since = logrows.mark()
    gate.filter_across(anna, [w.fixed, w.relative, theirs], CTX, action=Action.PRINT)
    assert logrows.written(since) == logrows.expect(
        logrows.person(w.person, CTX, action=Action.PRINT),
        logrows.record(w.fixed, Basis.OWN_ORG, CTX, Action.PRINT),
        logrows.record(w.relative, Basis.CONSENT, CTX, Action.PRINT),
    )


def test_filter_across_logs_nothing_for_hidden_records_or_with_log_false(w):
    anna = f.actor(w.vc_nurse)
    since = logrows.mark()
    across = gate.filter_across(anna, [w.relative, _stranger_relative(w)], CTX)
    assert across.shown == [] and across.accesses == {}
    gate.filter_across(anna, [w.fixed], CTX, log=False)
    assert logrows.written(since) == []


def test_filter_across_persons_of_hidden_logs_the_person_shown_with_a_hidden_record(w):
    """An inbox row names the person of a case it may not show: that register read is logged, the record not."""
    from nara.people.models import Relative

    anna = f.actor(w.vc_nurse)
    other = f.person(listed_unit=w.vc, given="Signe", family="Berg")
    hidden_only = Relative.objects.create(person=other, name="Nils Berg", relation="make", recorded_by_unit=w.hsv,
                                          recorded_by_org=w.mark, recorded_by=w.mark_nurse)
    since = logrows.mark()
    across = gate.filter_across(anna, [w.fixed, w.relative, hidden_only], CTX, persons_of_hidden=True)
    assert set(across.accesses) == {w.person.pk, other.pk}
    assert logrows.written(since) == logrows.expect(
        logrows.person(w.person, CTX), logrows.person(other, CTX), logrows.record(w.fixed, Basis.OWN_ORG, CTX)
    )
    # Only hidden records on the page: the persons shown are still logged.
    since = logrows.mark()
    gate.filter_across(anna, [hidden_only], CTX, persons_of_hidden=True)
    assert logrows.written(since) == [logrows.person(other, CTX)]


def test_log_persons_logs_each_given_person(w):
    anna = f.actor(w.vc_nurse)
    other = f.person(listed_unit=w.vc, given="Signe", family="Berg")
    opened = gate.open_persons(anna, [w.person.pk, other.pk], CTX, log=False)
    since = logrows.mark()
    gate.log_persons(anna, [], CTX)
    assert logrows.written(since) == []
    gate.log_persons(anna, [opened[w.person.pk], opened[other.pk]], CTX, Action.PRINT)
    assert logrows.written(since) == logrows.expect(
        logrows.person(w.person, CTX, action=Action.PRINT), logrows.person(other, CTX, action=Action.PRINT)
    )


def test_log_records_logs_each_record_with_its_own_basis(w):
    consent(w)
    anna = f.actor(w.vc_nurse)
    access = gate.open_person(anna, w.person.pk, CTX, log=False)
    since = logrows.mark()
    gate.log_records(anna, access, [], CTX)
    gate.log_records(anna, access, [w.fixed, w.relative], CTX, Action.PRINT)
    assert logrows.written(since, w.vc_nurse) == logrows.expect(
        logrows.record(w.fixed, Basis.OWN_ORG, CTX, Action.PRINT),
        logrows.record(w.relative, Basis.CONSENT, CTX, Action.PRINT),
    )


def test_log_register_records_logs_consents_and_blocks_with_the_persons_basis(w):
    c = consent(w)
    block = Block.objects.create(person=w.person, blocked_org=w.mark, recorded_by_unit=w.hsv, recorded_by_org=w.mark,
                                 recorded_by=w.mark_nurse)
    anna = f.actor(w.vc_nurse)
    access = gate.open_person(anna, w.person.pk, CTX, log=False)
    since = logrows.mark()
    gate.log_register_records(anna, access, [], CTX)
    gate.log_register_records(anna, access, [c, block], CTX)
    assert logrows.written(since) == logrows.expect(
        logrows.record(c, Basis.RELATIONSHIP, CTX), logrows.record(block, Basis.RELATIONSHIP, CTX)
    )


def test_open_person_for_admission_logs_the_admission_basis(w):
    """A ward opens a person it has no relationship with yet to send the admission notice, with evidence of the
    admission (the whole personnummer typed and a reason: an open admission access): logged as such."""
    from nara.access import services
    from nara.directory.models import Unit

    ward = f.unit(w.region, kind=Unit.Kind.WARD, name="Avdelning 7")
    ward_nurse = f.actor(f.staff(ward, ["nurse"]))
    with pytest.raises(gate.AccessDenied, match="Sök på hela personnumret"):
        gate.open_person_for_admission(ward_nurse, w.person.pk, CTX)  # the opaque id alone
    for person in (w.person, w.stranger):
        services.open_admission(ward_nurse, person.pk, "Inlagd via akuten", typed=True)
    since = logrows.mark()
    access = gate.open_person_for_admission(ward_nurse, w.person.pk, CTX)
    assert access.basis == Basis.ADMISSION
    gate.open_person_for_admission(ward_nurse, w.stranger.pk, CTX, log=False)
    assert logrows.written(since) == [logrows.person(w.person, CTX, Basis.ADMISSION)]
    # A person the unit already has a relationship with is opened (and logged) as by open_person.
    since = logrows.mark()
    gate.open_person_for_admission(f.actor(w.vc_nurse), w.person.pk, CTX)
    assert logrows.written(since) == [logrows.person(w.person, CTX)]
    with pytest.raises(gate.AccessDenied):
        gate.open_person_for_admission(f.actor(w.outsider_nurse), w.person.pk, CTX)


def test_filter_records_logs_each_shown_record_with_its_basis(w):
    anna = f.actor(w.vc_nurse)
    access = gate.open_person(anna, w.person.pk, CTX, log=False)
    since = logrows.mark()
    visible = gate.filter_records(anna, access, [w.fixed, w.relative], CTX)
    assert visible.shown == [w.fixed] and [g.count for g in visible.hidden] == [1]
    assert logrows.written(since, w.vc_nurse) == [logrows.record(w.fixed, Basis.OWN_ORG, CTX)]
    consent(w)
    access = gate.open_person(anna, w.person.pk, CTX, log=False)
    since = logrows.mark()
    gate.filter_records(anna, access, [w.fixed, w.relative], CTX, log=False)
    assert logrows.written(since) == []
    gate.filter_records(anna, access, [w.fixed, w.relative], CTX)
    assert logrows.written(since) == logrows.expect(
        logrows.record(w.fixed, Basis.OWN_ORG, CTX), logrows.record(w.relative, Basis.CONSENT, CTX)
    )
