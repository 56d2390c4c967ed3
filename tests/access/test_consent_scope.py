"""A consent limited to a scope (issue 11: the discharge consent covers the case only) counts for the scope's
record types and nothing else; asked without a record type it never counts. And the admission basis needs
evidence (policy.may_register_admission)."""

import datetime as dt

import pytest

from nara.access import registry
from nara.access.policy import ConsentFact, PersonFacts, may_register_admission, may_see_record
from nara.audit.basis import Basis
from nara.directory.actor import Actor

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
OWN, OTHER = 1, 2
ACTOR = Actor(user_id=9, unit_id=90, org_id=OWN, roles=frozenset({"nurse"}))


def facts(record_types):
    consent = ConsentFact(OWN, frozenset({OTHER}), NOW.date() - dt.timedelta(days=1), None, None, record_types)
    return PersonFacts(has_relationship=True, consents=(consent,))


@pytest.mark.parametrize(
    "record_types,record_type,allowed",
    [
        (None, "plans.careplan", True),  # an unscoped consent covers every record
        (None, None, True),
        (frozenset({"transitions.dischargecase"}), "transitions.dischargecase", True),
        (frozenset({"transitions.dischargecase"}), "plans.careplan", False),
        (frozenset({"transitions.dischargecase"}), "plans.frailtyassessment", False),
        (frozenset({"transitions.dischargecase"}), None, False),  # no record type: a scoped consent never counts
        (frozenset(), "transitions.dischargecase", False),  # an unknown scope covers nothing
    ],
)
def test_a_scoped_consent_counts_only_for_its_record_types(record_types, record_type, allowed):
    decision = may_see_record(ACTOR, facts(record_types), OTHER, "Marks kommun", NOW, record_type)
    assert decision.allowed is allowed
    assert decision.basis == (Basis.CONSENT if allowed else None)
    if not allowed:
        assert "Samtycke saknas" in decision.reason


def test_scope_registry_knows_the_discharge_case_and_nothing_else():
    assert registry.consent_scope_record_types("") is None
    assert registry.consent_scope_record_types("discharge_case") == frozenset({"transitions.dischargecase"})
    assert registry.consent_scope_record_types("no_such_scope") == frozenset()
    assert registry.consent_scope_label("discharge_case") == "uppgifterna i utskrivningsärendet"


@pytest.mark.parametrize(
    "roles,unit_kind,evidence,allowed,reason",
    [
        ({"nurse"}, "ward", True, True, ""),
        ({"nurse"}, "ward", False, False, "Sök på hela personnumret"),  # the opaque id alone
        ({"nurse"}, "health_centre", True, False, "Bara en vårdavdelning"),
        ({"analyst"}, "ward", True, False, "Din roll ger inte åtkomst"),
    ],
)
def test_the_admission_basis_needs_a_ward_and_evidence(roles, unit_kind, evidence, allowed, reason):
    actor = Actor(user_id=9, unit_id=90, org_id=OWN, roles=frozenset(roles))
    decision = may_register_admission(actor, unit_kind, evidence)
    assert decision.allowed is allowed and reason in decision.reason
    assert decision.basis == (Basis.ADMISSION if allowed else None)
