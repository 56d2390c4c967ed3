"""The exact access-log rows of the risk list and its export: one row per re-identified person (the run's
risk-list row, with the person's basis), nothing for pseudonyms left pseudonymous."""

import pytest
from django.urls import reverse

from nara.access import services as access_services
from nara.audit.basis import Basis
from nara.audit.models import Action
from nara.identify import linking
from nara.people.models import Person
from tests import factories as f
from tests import logrows
from tests.identify.test_risklist import build_scene

pytestmark = pytest.mark.django_db


def risklist_row(person, run, context, basis=Basis.RELATIONSHIP, action=Action.READ):
    return (person.pk, action, "identify.risklist", str(run.pk), basis, context)


@pytest.fixture
def s(tmp_path):
    return build_scene(tmp_path)


def test_risk_list_logs_only_the_reidentified_persons(client, s):
    """Astrid (listed at Kinna) is re-identified; Bertil (listed elsewhere), Ulla (listed nowhere), the newcomer
    (not in the register) and the row without a key stay pseudonymous and are not logged."""
    client.force_login(s.w.vc_nurse)
    since = logrows.mark()
    body = client.get(reverse("identify:list")).content.decode()
    assert "Astrid" in body and "Bertil" not in body and "Ulla" not in body
    assert logrows.written(since, s.w.vc_nurse) == [risklist_row(s.w.person, s.run, "identify:risklist")]


def test_risk_list_under_emergency_access_logs_the_emergency_basis(client, s):
    """Bertil is on Kinna's list in the extract; with an open emergency access he is re-identified, so logged."""
    nurse = f.actor(s.w.vc_nurse)
    ea, _ = access_services.emergency_locate(nurse, s.w.stranger.pk)
    access_services.emergency_open(nurse, ea.pk, "Medvetslös, inga närstående nås.")
    client.force_login(s.w.vc_nurse)
    since = logrows.mark()
    assert "Bertil" in client.get(reverse("identify:list")).content.decode()
    assert logrows.written(since) == logrows.expect(
        risklist_row(s.w.person, s.run, "identify:risklist"),
        risklist_row(s.w.stranger, s.run, "identify:risklist", Basis.EMERGENCY),
    )


def test_export_logs_one_export_row_per_identified_person(client, s):
    linking.open_row(f.actor(s.w.vc_nurse), s.newcomer)  # the newcomer is now a person listed at Kinna
    newcomer = Person.objects.get(personnummer=s.newcomer_pnr)
    client.force_login(s.w.vc_nurse)
    since = logrows.mark()
    assert client.post(reverse("identify:export")).status_code == 200
    assert logrows.written(since, s.w.vc_nurse) == logrows.expect(
        risklist_row(s.w.person, s.run, "identify:export", action=Action.EXPORT),
        risklist_row(newcomer, s.run, "identify:export", action=Action.EXPORT),
    )


def test_person_page_logs_the_person_their_list_row_and_each_decision_shown(client, s):
    from nara.identify import decisions

    decision = decisions.record_decision(f.actor(s.w.vc_nurse), s.w.person.pk, "health_talk")
    client.force_login(s.w.vc_nurse)
    since = logrows.mark()
    assert client.get(reverse("identify:person", args=[s.w.person.pk])).status_code == 200
    ctx = "identify:person"
    assert logrows.written(since, s.w.vc_nurse) == logrows.expect(
        logrows.person(s.w.person, ctx), risklist_row(s.w.person, s.run, ctx),
        logrows.record(decision, Basis.OWN_ORG, ctx),
    )
    # A person listed at Kinna who is not on the latest list: only the register read.
    other = f.person(listed_unit=s.w.vc, given="Inga", family="Lista")
    since = logrows.mark()
    assert client.get(reverse("identify:person", args=[other.pk])).status_code == 200
    assert logrows.written(since) == [logrows.person(other, ctx)]
