"""Recording what the unit decided for a person on its risk list (one transaction; access check and log inside)."""

from __future__ import annotations

from django.db import transaction

from nara.access import gate
from nara.audit import services as audit
from nara.audit.models import Action
from nara.directory.actor import Actor
from nara.directory.roles import Capability
from nara.identify import risklist
from nara.identify.models import RiskDecision
from nara.identify.pseudonym import pseudonym
from nara.identify.selectors import require_risk_list, shown_row

CONTEXT = "identify:decision"


@transaction.atomic
def record_decision(actor: Actor, person_id, decision: str, note: str = "") -> RiskDecision:
    """Save a decision; needs a health-centre assignment, the person-data capability and a care relationship.

    The decision is tied to the latest risk run when the person is on the unit's list in it (as the actor sees it).
    """
    unit = require_risk_list(actor)
    access = gate.require_write(actor, person_id, Capability.PERSON_DATA, CONTEXT)
    if decision not in RiskDecision.Decision.values:
        raise ValueError(decision)
    run = risklist.latest_run()
    if run is not None:
        try:
            if shown_row(actor, run, unit, pseudonym(access.person.personnummer), access.person.pk) is None:
                run = None
        except risklist.ResultsMissing:
            run = None
    record = RiskDecision.objects.create(
        person=access.person,
        decision=decision,
        note=note.strip(),
        run=run,
        recorded_by_unit_id=actor.unit_id,
        recorded_by_org_id=actor.org_id,
        recorded_by_id=actor.user_id,
    )
    audit.record(actor, access.person.pk, Action.CREATE, record._meta.label_lower, record.pk, access.basis, CONTEXT)
    return record
