"""The access matrix through every selector that returns personal data, against the database.

role × care relationship × own/other organisation × consent (none/valid/expired/withdrawn) × block × emergency.
The person has one record of the user's own organisation (a fixed contact recorded by the region) and two of
another organisation (a relative and a care-team entry recorded by Marks kommun).
"""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from nara.access import gate
from nara.access.models import Block, Consent, EmergencyAccess
from nara.directory import selectors as directory_selectors
from nara.people import selectors
from nara.people.models import FixedContact
from tests import factories as f
from tests.world import build

pytestmark = pytest.mark.django_db

CASES = list(
    itertools.product(
        ["elder_nurse", "analyst"], ["listed", "none"], ["none", "valid", "expired", "withdrawn"], [False, True],
        ["none", "open", "expired"],
    )
)


def expected(role, relationship, consent, blocked, emergency):
    """(sees the person, sees own-org record, sees other-org records), as DESIGN.md §4 words it."""
    if role == "analyst":
        return (False, False, False)
    if emergency == "open":
        return (True, True, True)
    if relationship == "none":
        return (False, False, False)
    return (True, True, consent == "valid" and not blocked)


def arrange(w, role, relationship, consent, blocked, emergency):
    unit = w.vc if relationship == "listed" else f.unit(w.region, name="Vårdcentralen Annanstans")
    user = f.staff(unit, [role])
    today = timezone.localdate()
    if consent != "none":
        c = Consent.objects.create(
            person=w.person, receiving_org=w.region, method="written",
            valid_from=today - dt.timedelta(days=30),
            valid_to=today - dt.timedelta(days=1) if consent == "expired" else None,
            withdrawn_at=timezone.now() if consent == "withdrawn" else None,
            recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse,
        )
        c.source_orgs.add(w.mark)
    if blocked:
        Block.objects.create(person=w.person, blocked_org=w.mark, recorded_by_unit=w.hsv, recorded_by_org=w.mark,
                             recorded_by=w.mark_nurse)
    if emergency != "none":
        now = timezone.now()
        EmergencyAccess.objects.create(
            person=w.person, user=user, unit=unit, reason="Akut", opened_at=now - dt.timedelta(hours=1),
            expires_at=now + dt.timedelta(hours=1) if emergency == "open" else now - dt.timedelta(minutes=1),
        )
    # The user is also the person's fixed contact, so the start page's "my persons" list has something to show.
    FixedContact.objects.create(person=w.person, kind="care_contact", staff=user, unit=unit,
                                valid_from=today, valid_to=today if relationship == "none" else None,
                                recorded_by_unit=unit, recorded_by_org=w.region, recorded_by=user)
    if relationship == "none":  # the entry above would create a relationship; end it yesterday instead
        FixedContact.objects.filter(staff=user).update(valid_from=today - dt.timedelta(days=9),
                                                       valid_to=today - dt.timedelta(days=1))
    return f.actor(user)


@pytest.mark.parametrize("role,relationship,consent,blocked,emergency", CASES)
def test_every_selector(role, relationship, consent, blocked, emergency):
    w = build()
    actor = arrange(w, role, relationship, consent, blocked, emergency)
    sees_person, sees_own, sees_other = expected(role, relationship, consent, blocked, emergency)

    # search (by name and by exact personnummer)
    assert bool(selectors.search(actor, "Lindqvist").persons) == sees_person
    from nara.core.personnummer import parse

    assert bool(selectors.search(actor, "", parse(w.person.personnummer)).persons) == sees_person
    # start page: persons where I am fixed contact
    if actor.can("person_data"):
        mine = directory_selectors.start_page(actor)["my_persons"]
        assert (w.person in mine) == (sees_person and relationship == "listed")
    # overview and the record lists
    if not sees_person:
        with pytest.raises(gate.AccessDenied):
            selectors.overview(actor, w.person.pk)
        return
    data = selectors.overview(actor, w.person.pk)
    access = data["access"]
    own_shown = any(r.pk == w.fixed.pk for r in data["fixed_contacts"].shown)
    assert own_shown == sees_own
    for kind, record in (("relatives", w.relative), ("care_team", w.team_entry)):
        visible = selectors.records(actor, access, kind, "test")
        assert ([r.pk for r in visible.shown] == [record.pk]) == sees_other
        assert bool(data[kind].shown) == sees_other
        if not sees_other:
            assert [h.blocked for h in visible.hidden] == [blocked]
            assert visible.hidden[0].org_name == "Marks kommun"
