"""The exact access-log rows of the plans part of the person overview and of the contract list: each plan,
treatment limitation, contract and CFS rating shown, with its own basis; nothing of Kungsbacka's (no consent).
The scenario is tests/plans/test_careplan_logging.py's."""

import pytest
from django.urls import reverse

from nara.audit.basis import Basis
from tests import logrows
from tests.plans import builders as b
from tests.plans.test_careplan_logging import plans_world

pytestmark = pytest.mark.django_db


def opened(client, w, name, **kwargs):
    client.force_login(w.vc_nurse)
    since = logrows.mark()
    assert client.get(reverse(name, kwargs={"person_id": w.person.pk, **kwargs})).status_code == 200
    return logrows.written(since, w.vc_nurse)


def test_overview_plans_panel_logs_each_plan_limitation_contract_and_rating(client):
    w = plans_world()
    ctx = "people:overview"
    rows = [r for r in opened(client, w, "people:overview") if r[2].startswith("plans.")]
    assert rows == logrows.expect(
        *(logrows.record(r, Basis.OWN_ORG, ctx) for r in (w.limitation, w.plan, w.contract, w.rating)),
        logrows.record(w.mark_plan, Basis.CONSENT, ctx),
    )


def test_contract_list_logs_each_contract_shown(client):
    w = plans_world()
    theirs = b.contract(w, user=w.mark_nurse, unit=w.hsv, org=w.mark)
    b.contract(w, user=w.k_user, unit=w.k_unit, org=w.k_unit.organisation)  # Kungsbacka's: hidden
    ctx = "plans:contracts"
    assert opened(client, w, "plans:contracts") == logrows.expect(
        logrows.person(w.person, ctx),
        logrows.record(w.contract, Basis.OWN_ORG, ctx),
        logrows.record(theirs, Basis.CONSENT, ctx),
    )
