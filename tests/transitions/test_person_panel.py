"""The person overview shows the person's discharge cases and hemsjukvård enrolment, through the gate."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db


def test_the_overview_shows_an_open_case_to_the_ward_and_the_health_centre(client):
    w = build()
    case = b.case_start(w)
    for user in (w.ward_nurse, w.vc_nurse):
        client.force_login(user)
        body = client.get(reverse("people:overview", args=[w.person.pk])).content.decode()
        assert reverse("transitions:case_detail", args=[w.person.pk, case.pk]) in body, user


def test_without_consent_the_municipality_sees_only_that_a_case_exists(client):
    w = build()
    case = b.case_start(w, consent="")
    client.force_login(w.bist_user)
    body = client.get(reverse("people:overview", args=[w.person.pk])).content.decode()
    assert reverse("transitions:case_detail", args=[w.person.pk, case.pk]) not in body
    assert "Samtycke saknas" in body


def test_an_unrelated_unit_cannot_open_the_overview(client):
    w = build()
    b.case_start(w)
    client.force_login(f.staff(f.unit(w.region), ["nurse"]))
    assert client.get(reverse("people:overview", args=[w.person.pk])).status_code == 403
