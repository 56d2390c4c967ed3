"""The access matrix: role × care relationship × own/other organisation × consent × block × emergency.

Expected outcomes are written as the rules read in DESIGN.md §4 and rules.md §3, one readable line each, and
checked against every combination of the pure policy.
"""

import datetime as dt
import itertools

import pytest

from nara.access.policy import ConsentFact, PersonFacts, may_see_person, may_see_record
from nara.audit.basis import Basis
from nara.directory.actor import Actor
from nara.directory.roles import Role

NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
OWN, OTHER, THIRD = 1, 2, 3

CONSENTS = {
    "none": (),
    "valid": (ConsentFact(OWN, frozenset({OTHER}), TODAY - dt.timedelta(days=10), None),),
    "valid_all_sources": (ConsentFact(OWN, None, TODAY - dt.timedelta(days=10), TODAY),),
    "other_source_only": (ConsentFact(OWN, frozenset({THIRD}), TODAY - dt.timedelta(days=10), None),),
    "to_other_receiver": (ConsentFact(THIRD, frozenset({OTHER}), TODAY - dt.timedelta(days=10), None),),
    "expired": (ConsentFact(OWN, frozenset({OTHER}), TODAY - dt.timedelta(days=30), TODAY - dt.timedelta(days=1)),),
    "not_yet": (ConsentFact(OWN, frozenset({OTHER}), TODAY + dt.timedelta(days=1), None),),
    "withdrawn": (
        ConsentFact(OWN, frozenset({OTHER}), TODAY - dt.timedelta(days=10), None, withdrawn_at=NOW - dt.timedelta(hours=1)),
    ),
}
CONSENT_COVERS = {"valid", "valid_all_sources"}
EMERGENCY = {"none": None, "open": NOW + dt.timedelta(hours=3), "expired": NOW - dt.timedelta(minutes=1)}
PERSON_DATA_ROLES = {r.value for r in Role} - {Role.ANALYST}


def combos():
    return itertools.product(
        [r.value for r in Role], [True, False], [OWN, OTHER], CONSENTS, [False, True], EMERGENCY
    )


@pytest.mark.parametrize("role,relationship,record_org,consent,blocked,emergency", list(combos()))
def test_record_matrix(role, relationship, record_org, consent, blocked, emergency):
    actor = Actor(user_id=9, unit_id=90, org_id=OWN, roles=frozenset({role}))
    facts = PersonFacts(
        has_relationship=relationship,
        consents=CONSENTS[consent],
        blocked_org_ids=frozenset({OTHER}) if blocked else frozenset(),
        emergency_until=EMERGENCY[emergency],
    )
    decision = may_see_record(actor, facts, record_org, "Marks kommun", NOW)

    may_read_people = role in PERSON_DATA_ROLES
    if not may_read_people:
        expected = (False, None)  # analysts: aggregates only, emergency access does not change that
    elif emergency == "open":
        expected = (True, Basis.EMERGENCY)  # blocked data included: that is what emergency access is for
    elif not relationship:
        expected = (False, None)
    elif record_org == OWN:
        expected = (True, Basis.OWN_ORG)  # own organisation's data, the block concerns sharing outward
    elif blocked:
        expected = (False, None)
    elif consent in CONSENT_COVERS:
        expected = (True, Basis.CONSENT)
    else:
        expected = (False, None)
    assert (decision.allowed, decision.basis) == expected
    if not decision.allowed:
        assert decision.reason, "a denial always says why"
    # Only a block is reported as a block, and only for another organisation's data.
    assert decision.blocked == (
        may_read_people and emergency != "open" and relationship and record_org == OTHER and blocked
    )


def test_denial_reasons_name_the_organisation_and_the_cause():
    actor = Actor(user_id=1, unit_id=1, org_id=OWN, roles=frozenset({Role.NURSE}))
    no_consent = may_see_record(actor, PersonFacts(True), OTHER, "Marks kommun", NOW)
    assert no_consent.reason == "Samtycke saknas för delning från Marks kommun."
    blocked = may_see_record(actor, PersonFacts(True, blocked_org_ids=frozenset({OTHER})), OTHER, "Marks kommun", NOW)
    assert "spärrat" in blocked.reason and "Marks kommun" in blocked.reason
    no_rel = may_see_person(actor, PersonFacts(False), NOW)
    assert "vårdrelation" in no_rel.reason


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_person_register_matrix(role):
    for relationship, emergency in itertools.product([True, False], EMERGENCY):
        actor = Actor(user_id=1, unit_id=1, org_id=OWN, roles=frozenset({role}))
        d = may_see_person(actor, PersonFacts(relationship, emergency_until=EMERGENCY[emergency]), NOW)
        if role not in PERSON_DATA_ROLES:
            assert not d.allowed
        elif emergency == "open":
            assert d.allowed and d.basis == Basis.EMERGENCY
        else:
            assert d.allowed == relationship
