"""Every page about a person writes access-log rows, found by walking the URL configuration: a new view that
takes a person id fails here until it is listed below, and then fails if it reads without logging."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from nara.audit.models import AccessLogEntry
from tests.plans import builders as plans_builders
from tests.transitions import builders as fu_builders
from tests.world import build

pytestmark = pytest.mark.django_db

# Extra URL arguments and the user (attribute of the World) who opens each person page.
PERSON_PAGES = {
    "people:overview": ({}, "vc_nurse"),
    "people:records": ({"slug": "narstaende"}, "vc_nurse"),
    "people:record_edit": ({"slug": "fasta-kontakter", "pk": "fixed"}, "vc_nurse"),
    "access:consents": ({}, "vc_nurse"),
    "access:consent_edit": ({"pk": "consent"}, "vc_nurse"),
    "access:blocks": ({}, "vc_nurse"),
    "access:emergency": ({}, "outsider_nurse"),  # GET is the warning page; the POST steps are logged (test_views)
    "audit:extract": ({}, "vc_manager"),
    "audit:extract_print": ({}, "vc_manager"),
    "identify:person": ({}, "vc_nurse"),
    "plans:assessments": ({}, "vc_nurse"),
    "plans:cfs": ({}, "vc_nurse"),
    "plans:cfs_new": ({}, "vc_nurse"),
    "plans:condition_changes": ({}, "vc_nurse"),
    "plans:cfs_detail": ({"pk": plans_builders.cfs_rating_pk}, "vc_nurse"),
    "plans:cfs_edit": ({"pk": plans_builders.cfs_rating_pk}, "vc_nurse"),
    "plans:assessment_list": ({"key": "halsosamtal"}, "vc_nurse"),
    "plans:assessment_new": ({"key": "risk-fall"}, "vc_nurse"),
    "plans:assessment_detail": (
        {"key": "risk-fall", "pk": plans_builders.structured_assessment_pk},
        "vc_nurse",
    ),
    "plans:assessment_edit": (
        {"key": "risk-fall", "pk": plans_builders.structured_assessment_pk},
        "vc_nurse",
    ),
    "plans:assessment_print": (
        {"key": "halsosamtal", "pk": plans_builders.health_talk_pk},
        "vc_nurse",
    ),
    "plans:careplans": ({}, "vc_nurse"),
    "plans:careplan_new": ({"kind": "sjukhus"}, "vc_nurse"),
    "plans:careplan_detail": ({"pk": plans_builders.care_plan_pk}, "vc_nurse"),
    "plans:careplan_edit": ({"pk": plans_builders.care_plan_pk}, "vc_nurse"),
    "plans:limitation_new": ({}, "vc_nurse"),
    "plans:limitation_detail": ({"pk": plans_builders.limitation_pk}, "vc_nurse"),
    "plans:care_request": ({}, "vc_nurse"),
    "plans:care_request_edit": ({}, "vc_nurse"),
    "plans:care_request_print": ({}, "vc_nurse"),
    "plans:referral_new": ({}, "mark_nurse"),
    "plans:referral_print": ({"pk": plans_builders.referral_pk}, "vc_nurse"),
    "plans:contracts": ({}, "vc_nurse"),
    "plans:contract_new": ({}, "vc_nurse"),
    "plans:contract_edit": ({"pk": plans_builders.contract_pk}, "vc_nurse"),
    "plans:contract_print": ({"pk": plans_builders.contract_pk}, "vc_nurse"),
    "plans:sip_list": ({}, "vc_nurse"),
    "plans:sip_new": ({}, "vc_nurse"),
    "plans:sip_detail": ({"pk": plans_builders.sip_pk}, "mark_nurse"),
    "plans:sip_part": ({"pk": plans_builders.sip_pk, "part": "deltagare"}, "vc_nurse"),
    "plans:sip_history": ({"pk": plans_builders.sip_pk}, "vc_nurse"),
    "plans:sip_version": ({"pk": plans_builders.sip_pk, "number": 1}, "vc_nurse"),
    "plans:sip_print": ({"pk": plans_builders.sip_pk}, "vc_nurse"),
    "transitions:case_list": ({}, "vc_nurse"),
    "transitions:case_new": ({}, "vc_nurse"),
    "transitions:case_admission": ({}, "vc_nurse"),  # POST only; its logging: tests/transitions/test_admission_basis
    "transitions:case_detail": ({"pk": fu_builders.case_pk}, "mark_nurse"),
    "transitions:case_step": ({"pk": fu_builders.case_pk, "step": "meddelande"}, "vc_nurse"),
    "transitions:enrolment": ({}, "vc_nurse"),
    "transitions:enrolment_request": ({}, "vc_nurse"),
    "transitions:enrolment_detail": ({"pk": fu_builders.fu_enrolment_pk}, "vc_nurse"),
}
LOG_REVIEW_PAGES = {"audit:extract", "audit:extract_print"}  # reading the log: one log-review row per person
NOT_A_READ = {"access:emergency"}
POST_ONLY = {"transitions:case_admission"}  # a GET is refused (405) and shows nothing
# Pages whose content identifies the person by personnummer: the register overview, and what ambulance and
# emergency staff receive (the prepared care request and the referral). Never in a URL (tests/people).
SHOWS_PERSONNUMMER = {
    "people:overview",
    "plans:care_request",
    "plans:care_request_print",
    "plans:referral_print",
}  # step 0 shows no personal data at all


def person_url_names():
    names = []

    def walk(resolver, namespace=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, f"{p.namespace}:" if p.namespace else namespace)
            elif isinstance(p, URLPattern) and "person_id" in str(p.pattern):
                names.append(namespace + p.name)

    walk(get_resolver())
    return names


def test_every_person_page_is_listed_here():
    assert sorted(person_url_names()) == sorted(PERSON_PAGES)


@pytest.mark.parametrize("name", sorted(PERSON_PAGES))
def test_person_page_writes_log_rows(client, name):
    from nara.access.models import Consent

    w = build()
    consent = Consent.objects.create(person=w.person, receiving_org=w.region, all_sources=True, method="verbal",
                                     recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse)
    objects = {"fixed": w.fixed.pk, "consent": consent.pk}
    extra, who = PERSON_PAGES[name]
    # A value is a key of `objects`, a literal, or a function of the world that creates the object and returns
    # its URL value (plans pages use the builders in tests/plans/builders.py).
    kwargs = {
        "person_id": w.person.pk,
        **{k: v(w) if callable(v) else objects.get(v, v) for k, v in extra.items()},
    }
    client.force_login(getattr(w, who))
    before = AccessLogEntry.objects.filter(person=w.person).count()
    since = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse(name, kwargs=kwargs))
    if name in POST_ONLY:
        assert response.status_code == 405
        assert AccessLogEntry.objects.filter(person=w.person).count() == before
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert w.person.personnummer not in body or name in SHOWS_PERSONNUMMER
    written = AccessLogEntry.objects.filter(person=w.person).count() - before
    if name in NOT_A_READ:
        assert written == 0 and "Astrid" not in body
    else:
        assert written > 0, f"{name} showed personal data without writing the access log"
        rows = AccessLogEntry.objects.filter(pk__gt=since, person=w.person)
        # The page names the person: their register read is logged (a log extract's is a log-review read).
        what = ("audit.accesslogentry", "") if name in LOG_REVIEW_PAGES else ("people.person", str(w.person.pk))
        assert rows.filter(record_type=what[0], record_id=what[1]).exists(), f"{name} did not log the person"
        # A page about one record logs that record (its own row, with its own basis).
        if "pk" in kwargs:
            assert rows.exclude(record_type="people.person").filter(record_id=str(kwargs["pk"])).exists(), (
                f"{name} showed record {kwargs['pk']} without logging it"
            )
