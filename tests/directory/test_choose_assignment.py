"""After sign-in a user acts under one assignment: chosen when there are several, taken at once when only one."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_single_assignment_goes_straight_to_the_start_page(client):
    vc = f.unit(name="Vårdcentralen Kinna")
    client.force_login(f.staff(vc, ["nurse"]))
    response = client.get(reverse("directory:choose_assignment"))
    assert response.status_code == 302 and response.url == reverse("directory:start")
    assert "Vårdcentralen Kinna" in client.get(reverse("directory:start")).content.decode()


def test_several_assignments_are_chosen_between(client):
    from nara.directory.models import Assignment

    vc = f.unit(name="Vårdcentralen Kinna")
    team = f.unit(vc.organisation, name="Mobila teamet")
    user = f.staff(vc, ["nurse"])
    Assignment.objects.create(user=user, unit=team, roles=["nurse"], valid_from="2020-01-01")
    client.force_login(user)
    body = client.get(reverse("directory:choose_assignment")).content.decode()
    assert "Vårdcentralen Kinna" in body and "Mobila teamet" in body
    chosen = Assignment.objects.get(user=user, unit=team)
    response = client.post(reverse("directory:choose_assignment"), {"assignment": chosen.pk})
    assert response.url == reverse("directory:start")
    assert "Mobila teamet" in client.get(reverse("directory:start")).content.decode()
