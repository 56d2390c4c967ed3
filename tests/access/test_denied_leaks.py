"""A refusal never reveals a person id the user could not already know (issue 11 item 9).

The probe found trygg hemgång task pages (/overgangar/trygg-hemgang/<task pk>/utford/) whose 403 page linked to
the emergency access page of the task's person: a user without relationship learnt the person's opaque id from a
task number. The 403 page links to emergency access only for the person whose id the user's own request carried
in its path (they came from that person's page).

Every URL pattern that takes no person id is walked (the URL configuration, with the samples of
tests/test_url_robustness.py), GET and POST, as every kind of user; no 403 answer may contain any person's UUID.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from nara.people.models import Person
from tests import test_url_robustness as robustness
from tests.world import build

pytestmark = pytest.mark.django_db

NON_PERSON_PATTERNS = sorted(name for name, convs in robustness.patterns() if "person_id" not in convs)
SIGNED_IN = [u for u in robustness.USERS if u is not None]


@pytest.fixture
def _lake(settings, tmp_path):
    settings.NARA_LAKE_DIR = tmp_path / "lake"
    settings.VAR_DIR = tmp_path


def test_the_walk_covers_the_task_pages():
    assert "transitions:safe_return_done" in NON_PERSON_PATTERNS
    assert len(NON_PERSON_PATTERNS) >= 30


@pytest.mark.usefixtures("_lake")
@pytest.mark.parametrize("name", NON_PERSON_PATTERNS)
def test_no_person_id_in_a_refusal_of_a_page_without_person(name):
    w = robustness.world()
    url = reverse(name, kwargs=robustness.sample_kwargs(w, name))
    person_ids = [str(pk) for pk in Person.objects.values_list("pk", flat=True)]
    client = Client()
    refused = 0
    for who in SIGNED_IN:
        client.force_login(getattr(w, who))
        for method in ("get", "post"):
            sid = transaction.savepoint()  # a POST that is let through must not change what the next user meets
            response = getattr(client, method)(url, {"note": "Ringt", "comment": "Kontrollerat"})
            transaction.savepoint_rollback(sid)
            if response.status_code != 403:
                continue
            refused += 1
            body = response.content.decode()
            leaked = [pid for pid in person_ids if pid in body]
            assert not leaked, f"{method.upper()} {url} as {who}: the 403 page shows a person id"
    if name == "transitions:safe_return_done":
        assert refused, "the task page of the probe's finding was not refused to anyone: nothing was tested"


def test_emergency_link_for_the_person_of_the_page_the_user_asked_for(client):
    """The person's own page (the id is in the user's request): the refusal still offers emergency access."""
    w = build()
    client.force_login(w.outsider_nurse)
    response = client.get(reverse("people:overview", args=[w.person.pk]))
    assert response.status_code == 403
    assert reverse("access:emergency", args=[w.person.pk]) in response.content.decode()

