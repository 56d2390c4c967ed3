"""Access matrix for the careplan-area selectors: role × relationship × consent × block × emergency.

Every selector returns the region's treatment limitation only where the policy allows it, and otherwise either
refuses the person or reports the limitation as hidden."""

import datetime as dt

import pytest
from django.utils import timezone

from nara.access import gate
from nara.access.models import Block, Consent, EmergencyAccess
from nara.plans import careplan_selectors, contract_selectors, overview_selectors
from tests import factories as f
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db

# scenario -> (user attribute, consent to Mark, block of the region, emergency, expected: "shown"/"hidden"/"denied")
SCENARIOS = {
    "own org": ("vc_nurse", False, False, False, "shown"),
    "other org, no consent": ("mark_nurse", False, False, False, "hidden"),
    "other org, consent": ("mark_nurse", True, False, False, "shown"),
    "other org, consent and block": ("mark_nurse", True, True, False, "hidden"),
    "analyst": ("vc_analyst", False, False, False, "denied"),
    "no relationship": ("outsider_nurse", True, False, False, "denied"),
    "emergency access": ("outsider_nurse", False, True, True, "shown"),
}


def limitation_kinds(name, actor, person_id):
    access = gate.open_person(actor, person_id, "test")
    if name == "care_plans":
        data = careplan_selectors.care_plans(actor, access, "test")
        return [x.kind for x in data["active_limitations"]], data["limitations_hidden"]
    if name == "care_request":
        cr = careplan_selectors.care_request(actor, person_id, "test")
        return [x.kind for x in cr.limitations], cr.limitations_hidden
    if name == "overview":
        data = overview_selectors.for_person(actor, access, "test")
        return [x.kind for x in data["limitations"]], data["limitations_hidden"]
    if name == "contracts":
        visible = contract_selectors.contracts(actor, access, "test")
        return ["no_cpr" for _ in visible.shown], visible.hidden
    raise AssertionError(name)


@pytest.mark.parametrize("selector", ["care_plans", "care_request", "overview", "contracts"])
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_matrix(selector, scenario):
    w = build()
    who, consent, block, emergency, expected = SCENARIOS[scenario]
    b.limitation(w)
    b.contract(w)
    if consent:
        Consent.objects.create(
            person=w.person,
            receiving_org=w.mark,
            all_sources=True,
            method="verbal",
            recorded_by_unit=w.vc,
            recorded_by_org=w.region,
            recorded_by=w.vc_nurse,
        )
    if block:
        Block.objects.create(
            person=w.person,
            blocked_org=w.region,
            recorded_by_unit=w.hsv,
            recorded_by_org=w.mark,
            recorded_by=w.mark_nurse,
        )
    user = getattr(w, who)
    if emergency:
        now = timezone.now()
        EmergencyAccess.objects.create(
            person=w.person,
            user=user,
            unit=user.assignments.get().unit,
            reason="Akut",
            opened_at=now,
            expires_at=now + dt.timedelta(hours=1),
        )
    actor = f.actor(user)
    if expected == "denied":
        with pytest.raises(gate.AccessDenied):
            limitation_kinds(selector, actor, w.person.pk)
        return
    shown, hidden = limitation_kinds(selector, actor, w.person.pk)
    if expected == "shown":
        assert shown == ["no_cpr"] and hidden == []
    else:
        assert shown == [] and [h.org_name for h in hidden] == ["Västra Götalandsregionen"]
        assert hidden[0].blocked == block
