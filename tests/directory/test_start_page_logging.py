"""The exact access-log rows of the start page: each person named under "my persons" (the user is their fixed
contact) is a register read; the count of listed persons reads nobody."""

import datetime as dt

import pytest
from django.urls import reverse

from nara.people.models import FixedContact
from tests import factories as f
from tests import logrows
from tests.world import build

pytestmark = pytest.mark.django_db


def test_start_page_logs_the_persons_named_and_nobody_else(client):
    w = build()  # Anna is Astrid's navigator at Vårdcentralen Kinna
    # Anna named as fixed contact at another unit (no relationship of Kinna's), and an ended contact: not shown.
    FixedContact.objects.create(person=w.stranger, kind="navigator", staff=w.vc_nurse, unit=w.stranger.listed_unit,
                                valid_from=dt.date(2025, 1, 1), recorded_by_unit=w.vc, recorded_by_org=w.region,
                                recorded_by=w.vc_nurse)
    cecilia = f.person(listed_unit=w.vc, given="Cecilia", family="Ek")
    FixedContact.objects.create(person=cecilia, kind="navigator", staff=w.vc_nurse, unit=w.vc,
                                valid_from=dt.date(2025, 1, 1), valid_to=dt.date.today() - dt.timedelta(days=1),
                                recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse)
    client.force_login(w.vc_nurse)
    since = logrows.mark()
    body = client.get(reverse("directory:start")).content.decode()
    assert "Astrid" in body and "Bertil" not in body and "Cecilia" not in body
    assert logrows.written(since, w.vc_nurse) == [logrows.person(w.person, "start:my_persons")]
