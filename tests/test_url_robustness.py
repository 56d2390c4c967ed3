"""No URL gives a server error: every URL pattern of the project, found by walking the URL configuration, is
requested with real arguments and with extreme values in each path segment, GET and POST, by signed-in users of
several roles (and anonymously); the forms on each page are then submitted with extreme values, and the query
parameters the views read are tried with extreme values too. A new URL pattern fails here until it is listed in
SAMPLES with real arguments; a new kind of path converter fails until it has extreme values in EXTREMES.

The answer to a bad value may be 400, 403, 404, a redirect or the page with a Swedish message; never 5xx."""

from __future__ import annotations

import datetime as dt
import uuid
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, converters, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from tests import factories as f
from tests.plans import builders as pb
from tests.transitions import builders as tb
from tests.world import build

pytestmark = pytest.mark.django_db

MIN_PATTERNS = 80  # the project had 84 patterns when this test was written; fewer means the walk went wrong

LONG = "å" * 3000
BIG_INTS = ["0", str(2**31), str(2**63), str(10**20)]
# Extreme values per path converter class (values a converter does not match are skipped: reverse() refuses them).
EXTREMES = {
    converters.IntConverter: BIG_INTS,
    converters.UUIDConverter: [str(uuid.uuid4()), "00000000-0000-0000-0000-000000000000"],
    converters.SlugConverter: ["x", "-", "a" * 3000],
    converters.StringConverter: ["x", LONG, "\u00e5\u00e4\u00f6\u20ac\U0001f600", "0001-01", "9999-12", "0000-00",
                                 "2026-13", "2026-1", "-1"],
    converters.PathConverter: ["x", LONG],
}
MONTHS = ["0001-01", "9999-12", "0000-00", "2026-13", "1900-01", "2999-12"]


def extremes_for(converter) -> list[str]:
    for cls, values in EXTREMES.items():
        if type(converter) is cls:
            return values
    # A project converter names its own extreme values (nara/core/converters.py).
    values = getattr(converter, "extremes", None)
    assert values, f"no extreme values for the path converter {type(converter).__name__}: add them to EXTREMES"
    return list(values)


# --- the world and its objects ----------------------------------------------------------------------------------


def consent(w):
    from nara.access.models import Consent

    return Consent.objects.create(person=w.person, receiving_org=w.region, all_sources=True, method="verbal",
                                  recorded_by_unit=w.vc, recorded_by_org=w.region, recorded_by=w.vc_nurse).pk


def emergency(w):
    from django.utils import timezone

    from nara.access.models import EmergencyAccess

    now = timezone.now()
    return EmergencyAccess.objects.create(person=w.person, user=w.outsider_nurse, unit=w.outsider_nurse_unit,
                                          reason="Akut försämring", opened_at=now,
                                          expires_at=now + dt.timedelta(hours=4)).pk


def batch(w):
    from django.conf import settings

    from nara.identify.models import ImportBatch

    report = settings.VAR_DIR / "import-reports" / "befolkning-fel.csv"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("rad;fält;fel\n2;kommunkod;Ogiltig kommunkod\n", encoding="utf-8")
    return ImportBatch.objects.create(kind="population", file_name="befolkning.csv", file_sha256="", file_format="csv",
                                      status="rejected", organisation=w.region, started_by=w.vc_manager,
                                      upload_name="befolkning.csv", report_path=str(report)).pk


def agreement(w):
    return tb.ag_agreement(w).pk


def statement_municipality(w):
    """Mark, with an agreement that makes the region's managers party to its statements."""
    if getattr(w, "_statement_agreement", None) is None:
        w._statement_agreement = tb.ag_agreement(w)
    return w.mark.pk


def statement_index(w):
    statement_municipality(w)
    return {}


def rule(w):
    from nara.transitions.models import FollowUpRule

    agreement = tb.fu_agreement(w, rules=[(FollowUpRule.Kind.HOME_VISIT, FollowUpRule.Responsible.HOME_HEALTH, 24,
                                           False)])
    w._rule_agreement = agreement.pk
    return agreement.follow_up_rules.get().pk


def rule_agreement(w):
    rule_pk = rule(w)
    return {"pk": w._rule_agreement, "rule_pk": rule_pk}


def day_price(w):
    return tb.ag_day_price(2025, "9000.00").pk


def safe_return_task(w):
    from django.utils import timezone

    from nara.transitions import safe_return_services
    from nara.transitions.models import FollowUpRule

    tb.fu_ward(w)
    at = timezone.now() - dt.timedelta(days=2)
    rules = [(FollowUpRule.Kind.PHONE_CALL, FollowUpRule.Responsible.HEALTH_CENTRE, 72, False)]
    case = tb.fu_case(w, status="discharged", admitted_at=at - dt.timedelta(days=5), discharged_at=at,
                      agreement=tb.fu_agreement(w, rules=rules))
    (task,) = safe_return_services.create_safe_return_tasks(case, f.actor(w._fu_ward_nurse))
    return task.pk


def world():
    w = build()
    # More roles: the municipality's manager, a ward nurse, a needs assessor, a physician, a user without any
    # assignment (signed in, acts for no unit).
    tb.ag_mark_manager(w)
    tb.case_parties(w)
    pb.vc_physician(w)
    from nara.access.models import Consent  # noqa: F401  (the app is loaded)
    from nara.directory.models import Assignment

    w.outsider_nurse_unit = Assignment.objects.get(user=w.outsider_nurse).unit
    w.no_assignment = f.staff(w.vc, ["nurse"], username="utan_uppdrag")
    Assignment.objects.filter(user=w.no_assignment).delete()
    w.mark_manager = w._ag_mark_manager
    w.ward_nurse_user = w.ward_nurse
    w.needs_assessor = w.bist_user
    w.physician = w._vc_physician
    return w


# Every URL pattern: its arguments (a literal, or a function of the world that creates the object and returns its
# URL value, or a dict of several) and the user (attribute of the world, None for anonymous) who may open it.
P = "person"
SAMPLES = {
    "login": ({}, None),
    "logout": ({}, "vc_nurse"),
    "set_language": ({}, "vc_nurse"),
    "directory:start": ({}, "vc_nurse"),
    "directory:choose_assignment": ({}, "vc_nurse"),
    "people:search": ({}, "vc_nurse"),
    "people:overview": ({"person_id": P}, "vc_nurse"),
    "people:records": ({"person_id": P, "slug": "narstaende"}, "vc_nurse"),
    "people:record_edit": ({"person_id": P, "slug": "fasta-kontakter", "pk": lambda w: w.fixed.pk}, "vc_nurse"),
    "access:consents": ({"person_id": P}, "vc_nurse"),
    "access:consent_edit": ({"person_id": P, "pk": consent}, "vc_nurse"),
    "access:blocks": ({"person_id": P}, "vc_nurse"),
    "access:emergency": ({"person_id": P}, "outsider_nurse"),
    "access:emergency_close": ({"ea_id": emergency}, "outsider_nurse"),
    "access:emergency_followup": ({}, "vc_manager"),
    "audit:review": ({}, "vc_manager"),
    "audit:choose_person": ({}, "vc_manager"),
    "audit:spot_checks": ({}, "vc_manager"),
    "audit:extract": ({"person_id": P}, "vc_manager"),
    "audit:extract_print": ({"person_id": P}, "vc_manager"),
    "identify:list": ({}, "vc_nurse"),
    "identify:open": ({}, "vc_nurse"),
    "identify:export": ({}, "vc_nurse"),
    "identify:person": ({"person_id": P}, "vc_nurse"),
    "identify:statistics": ({}, "vc_analyst"),
    "identify:upload": ({}, "vc_manager"),
    "identify:upload_status": ({"pk": batch}, "vc_manager"),
    "identify:upload_progress": ({"pk": batch}, "vc_manager"),
    "identify:upload_report": ({"pk": batch}, "vc_manager"),
    "plans:worklist": ({}, "vc_nurse"),
    "plans:sip_list": ({"person_id": P}, "vc_nurse"),
    "plans:sip_new": ({"person_id": P}, "vc_nurse"),
    "plans:sip_detail": ({"person_id": P, "pk": pb.sip_pk}, "vc_nurse"),
    "plans:sip_print": ({"person_id": P, "pk": pb.sip_pk}, "vc_nurse"),
    "plans:sip_history": ({"person_id": P, "pk": pb.sip_pk}, "vc_nurse"),
    "plans:sip_version": ({"person_id": P, "pk": pb.sip_pk, "number": 1}, "vc_nurse"),
    "plans:sip_part": ({"person_id": P, "pk": pb.sip_pk, "part": "deltagare"}, "vc_nurse"),
    "plans:assessments": ({"person_id": P}, "vc_nurse"),
    "plans:cfs": ({"person_id": P}, "vc_nurse"),
    "plans:cfs_new": ({"person_id": P}, "vc_nurse"),
    "plans:condition_changes": ({"person_id": P}, "vc_nurse"),
    "plans:cfs_detail": ({"person_id": P, "pk": pb.cfs_rating_pk}, "vc_nurse"),
    "plans:cfs_edit": ({"person_id": P, "pk": pb.cfs_rating_pk}, "vc_nurse"),
    "plans:assessment_list": ({"person_id": P, "key": "halsosamtal"}, "vc_nurse"),
    "plans:assessment_new": ({"person_id": P, "key": "risk-fall"}, "vc_nurse"),
    "plans:assessment_detail": ({"person_id": P, "key": "risk-fall", "pk": pb.structured_assessment_pk}, "vc_nurse"),
    "plans:assessment_edit": ({"person_id": P, "key": "risk-fall", "pk": pb.structured_assessment_pk}, "vc_nurse"),
    "plans:assessment_print": ({"person_id": P, "key": "halsosamtal", "pk": pb.health_talk_pk}, "vc_nurse"),
    "plans:careplans": ({"person_id": P}, "vc_nurse"),
    "plans:careplan_new": ({"person_id": P, "kind": "sjukhus"}, "vc_nurse"),
    "plans:careplan_detail": ({"person_id": P, "pk": pb.care_plan_pk}, "vc_nurse"),
    "plans:careplan_edit": ({"person_id": P, "pk": pb.care_plan_pk}, "vc_nurse"),
    "plans:limitation_new": ({"person_id": P}, "physician"),
    "plans:limitation_detail": ({"person_id": P, "pk": pb.limitation_pk}, "vc_nurse"),
    "plans:care_request": ({"person_id": P}, "vc_nurse"),
    "plans:care_request_edit": ({"person_id": P}, "vc_nurse"),
    "plans:care_request_print": ({"person_id": P}, "vc_nurse"),
    "plans:referral_new": ({"person_id": P}, "mark_nurse"),
    "plans:referral_print": ({"person_id": P, "pk": pb.referral_pk}, "mark_nurse"),
    "plans:contracts": ({"person_id": P}, "vc_nurse"),
    "plans:contract_new": ({"person_id": P}, "vc_nurse"),
    "plans:contract_edit": ({"person_id": P, "pk": pb.contract_pk}, "vc_nurse"),
    "plans:contract_print": ({"person_id": P, "pk": pb.contract_pk}, "vc_nurse"),
    "transitions:overview": ({}, "vc_manager"),
    "transitions:safe_return": ({}, "vc_nurse"),
    "transitions:safe_return_done": ({"pk": safe_return_task}, "vc_nurse"),
    "transitions:case_inbox": ({}, "needs_assessor"),
    "transitions:case_list": ({"person_id": P}, "vc_nurse"),
    "transitions:case_new": ({"person_id": P}, "ward_nurse_user"),
    "transitions:case_admission": ({"person_id": P}, "ward_nurse_user"),
    "transitions:case_detail": ({"person_id": P, "pk": tb.case_pk}, "ward_nurse_user"),
    "transitions:case_step": ({"person_id": P, "pk": tb.case_pk, "step": "meddelande"}, "ward_nurse_user"),
    "transitions:agreements": ({}, "vc_manager"),
    "transitions:agreement_new": ({}, "vc_manager"),
    "transitions:day_prices": ({}, "vc_manager"),
    "transitions:day_price_edit": ({"pk": day_price}, "vc_manager"),
    "transitions:agreement_detail": ({"pk": agreement}, "vc_manager"),
    "transitions:agreement_edit": ({"pk": agreement}, "vc_manager"),
    "transitions:rule_new": ({"pk": agreement}, "vc_manager"),
    "transitions:rule_edit": (rule_agreement, "vc_manager"),
    "transitions:statements": (statement_index, "vc_manager"),
    "transitions:statement_summary": ({"municipality_id": statement_municipality}, "vc_manager"),
    "transitions:statement": ({"municipality_id": statement_municipality, "month": "2025-10"}, "vc_manager"),
    "transitions:statement_print": ({"municipality_id": statement_municipality, "month": "2025-10"}, "vc_manager"),
    "transitions:statement_csv": ({"municipality_id": statement_municipality, "month": "2025-10"}, "vc_manager"),
    "transitions:statement_close": ({"municipality_id": statement_municipality, "month": "2025-10"}, "vc_manager"),
    "transitions:enrolment_register": ({}, "mark_nurse"),
    "transitions:enrolment": ({"person_id": P}, "vc_nurse"),
    "transitions:enrolment_request": ({"person_id": P}, "vc_nurse"),
    "transitions:enrolment_detail": ({"person_id": P, "pk": tb.fu_enrolment_pk}, "vc_nurse"),
}
# Who else asks for each URL: every role with the real arguments; a few with the extreme ones.
USERS = [None, "no_assignment", "vc_nurse", "vc_manager", "vc_analyst", "mark_nurse", "mark_manager",
         "outsider_nurse", "ward_nurse_user", "needs_assessor", "physician"]
EXTREME_USERS = ["mark_nurse"]  # besides the sample's user, who also POSTs
# Pages that have forms: the form filler must find them, or it has silently stopped testing anything.
FORM_PAGES = {"audit:review", "people:record_edit", "plans:contract_edit", "plans:sip_part", "transitions:case_step",
              "transitions:agreement_edit", "transitions:enrolment_request", "access:consents"}
# Ids of other objects in a path segment: the region's own organisation id as a municipality, and the like.
OTHER_IDS = {"municipality_id": [lambda w: w.region.pk, lambda w: w.vc.pk]}


def patterns():
    """(name, converters) of every URL pattern, through every include."""
    found = []

    def walk(resolver, namespace, inherited):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p, ns, {**inherited, **p.pattern.converters})
            elif isinstance(p, URLPattern):
                assert p.name, f"URL pattern {p.pattern} has no name"
                found.append((namespace + p.name, {**inherited, **p.pattern.converters}))

    walk(get_resolver(), "", {})
    return found


def test_every_url_pattern_is_listed_with_sample_arguments():
    found = patterns()
    assert len(found) >= MIN_PATTERNS
    names = [name for name, _ in found]
    assert len(names) == len(set(names)), "two URL patterns share a name"
    assert sorted(names) == sorted(SAMPLES)
    for _name, convs in found:
        for converter in convs.values():
            assert extremes_for(converter)


# --- requests --------------------------------------------------------------------------------------------------


class Run:
    """Sends requests as the world's users and collects every 5xx or exception (with what was sent)."""

    def __init__(self, w):
        self.w = w
        self.client = Client()
        self.failures: list[str] = []
        self.sent = 0
        self.statuses: dict[tuple, int] = {}

    def as_user(self, who):
        self.client.logout()
        if who is not None:
            self.client.force_login(getattr(self.w, who))

    def send(self, who, method, url, data=None):
        self.as_user(who)
        self.sent += 1
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(url, data or {})
        except Exception as exc:  # noqa: BLE001 - the point: report any exception the view lets through
            self.failures.append(f"{method.upper()} {url[:200]} as {who}: {type(exc).__name__}: {str(exc)[:200]}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method.upper()} {url[:200]} as {who}: HTTP {response.status_code}")
        self.statuses[(who, method, url)] = response.status_code
        return response


def value_of(w, v):
    return v(w) if callable(v) else (w.person.pk if v == P else v)


def sample_kwargs(w, name):
    args, _who = SAMPLES[name]
    if callable(args):
        return args(w)
    return {k: value_of(w, v) for k, v in args.items()}


def variants(w, name, convs, kwargs):
    """The sample's kwargs with one segment at a time replaced by an extreme value (or another object's id)."""
    for key, converter in convs.items():
        values = extremes_for(converter) + [value_of(w, v) for v in OTHER_IDS.get(key, [])]
        for value in values:
            try:
                yield reverse(name, kwargs={**kwargs, key: value})
            except NoReverseMatch:
                continue  # the pattern does not match this value: such a URL is a 404 before any view


@pytest.fixture
def _lake(settings, tmp_path):
    settings.NARA_LAKE_DIR = tmp_path / "lake"
    settings.VAR_DIR = tmp_path


@pytest.mark.usefixtures("_lake")
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_no_url_gives_a_server_error(name):
    w = world()
    convs = dict(patterns())[name]
    kwargs = sample_kwargs(w, name)
    url = reverse(name, kwargs=kwargs)
    _args, who = SAMPLES[name]
    run = Run(w)
    # The sample is real: the user who may open it gets the page (or, for a POST-only view, its POST's answer).
    page = run.send(who, "get", url)
    assert page is not None and (page.status_code < 400 or page.status_code == 405), (url, page and page.status_code)
    found = forms_in(page)
    assert found or name not in FORM_PAGES, f"{name}: no form found on the page"
    for form in found:
        submit_extremes(run, who, url, form)
    for user in USERS:
        run.send(user, "get", url)
        run.send(user, "post", url)
    tried = 0
    for extreme in variants(w, name, convs, kwargs):
        tried += 1
        run.send(who, "post", extreme)
        for user in dict.fromkeys([who, *EXTREME_USERS]):
            run.send(user, "get", extreme)
    assert tried >= len(convs), f"{name}: fewer extreme URLs than segments"
    assert not run.failures, "\n".join(run.failures)


# --- forms on the page, submitted with extreme values ----------------------------------------------------------


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                               "fields": [], "buttons": []})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image"):
                self.forms[-1]["buttons"].append((a["name"], a.get("value") or ""))
            elif kind != "file":
                checked = "checked" in a
                if kind in ("checkbox", "radio") and not checked:
                    self.forms[-1]["fields"].append({"name": a["name"], "type": kind, "value": None,
                                                     "option": a.get("value") or "on"})
                else:
                    self.forms[-1]["fields"].append({"name": a["name"], "type": kind, "value": a.get("value") or "",
                                                     "option": a.get("value") or "on"})
        elif tag == "button" and a.get("name"):
            self.forms[-1]["buttons"].append((a["name"], a.get("value") or ""))
        elif tag == "textarea" and a.get("name"):
            self.forms[-1]["fields"].append({"name": a["name"], "type": "textarea", "value": ""})
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "type": "select", "value": None}
            self.forms[-1]["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            if value and (self._select["value"] is None or "selected" in a):
                self._select["value"] = value

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_in(response):
    if response is None or "html" not in response.get("Content-Type", ""):
        return []
    parser = FormParser()
    parser.feed(response.content.decode())
    return [form for form in parser.forms if form["fields"] or form["buttons"]]


DATES = {"date": ("9999-12-31", "0001-01-01"), "datetime-local": ("9999-12-31T23:59", "0001-01-01T00:00"),
         "month": ("9999-12", "0001-01")}


def filled(form, variant):
    """The form's data: as the page gives it, or with every field of a kind at an extreme."""
    data = {}
    for field in form["fields"]:
        kind, value = field["type"], field["value"]
        if kind in ("checkbox", "radio"):
            value = field["option"] if (variant == "all-ticked" or value is not None) else None
        elif kind in DATES and variant in ("future", "past"):
            value = DATES[kind][0 if variant == "future" else 1]
        elif kind == "number" and variant in ("future", "past"):
            value = str(10**20) if variant == "future" else str(-(10**20))
        elif variant == "huge-ids" and (kind in ("select", "hidden") and (value or "").isdigit() or kind == "number"):
            value = str(2**63)
        elif variant == "long-text" and kind in ("text", "textarea", "search", "tel", "email", "url"):
            value = LONG + "\x00\u202e"
        elif variant == "empty" and kind != "hidden":
            value = ""
        if value is not None:
            data.setdefault(field["name"], []).append(value)
    return data


VARIANTS = ["page", "future", "past", "huge-ids", "long-text", "empty", "all-ticked"]


def submit_extremes(run, who, page_url, form):
    action = form["action"] or page_url
    path = urlsplit(action).path or page_url
    try:
        resolve(path)
    except Resolver404:
        return  # a link out of the application (none today)
    buttons = form["buttons"] or [None]
    for variant in VARIANTS:
        for button in buttons if variant == "page" else buttons[:1]:
            data = filled(form, variant)
            if button is not None:
                data[button[0]] = [button[1]]
            run.send(who, "post" if form["method"] == "post" else "get", path, data)


# --- query parameters the views read (request.GET) -------------------------------------------------------------

D = ["0001-01-01", "9999-12-31", "0000-00-00", "2026-02-30", LONG]
QUERIES = [
    *[("audit:review", {}, {key: value}, "vc_manager") for key in ("date_from", "date_to") for value in D],
    ("audit:review", {}, {"date_from": "9999-12-31", "date_to": "0001-01-01"}, "vc_manager"),
    ("audit:review", {}, {"date_from": "0001-01-01", "date_to": "9999-12-31", "page": str(10**20)}, "vc_manager"),
    ("audit:review", {}, {"page": "-1"}, "vc_manager"),
    ("audit:review", {}, {"user": str(10**20), "unit": str(10**20), "person": str(10**20)}, "vc_manager"),
    ("audit:spot_checks", {}, {"date_from": "0001-01-01", "date_to": "9999-12-31"}, "vc_manager"),
    *[(name, {"person_id": P}, {key: value}, "vc_manager")
      for name in ("audit:extract", "audit:extract_print") for key in ("date_from", "date_to") for value in D],
    *[(name, {"person_id": P}, {"date_from": "0001-01-01", "date_to": "9999-12-31"}, "vc_manager")
      for name in ("audit:extract", "audit:extract_print")],
    ("identify:list", {}, {"page": str(10**20)}, "vc_nurse"),
    ("identify:list", {}, {"page": "-5", "kriterium": LONG}, "vc_nurse"),
    ("identify:upload_status", {"pk": batch}, {"seen": LONG}, "vc_manager"),
    ("transitions:overview", {}, {"dagar": str(10**20)}, "vc_manager"),
    ("transitions:overview", {}, {"dagar": "-1"}, "vc_manager"),
    ("transitions:overview", {}, {"dagar": "x"}, "vc_manager"),
    ("people:search", {}, {"q": LONG}, "vc_nurse"),
    ("people:search", {}, {"q": "19620309-0003"}, "vc_nurse"),
    ("plans:sip_part", {"person_id": P, "pk": pb.sip_pk, "part": "deltagare"}, {"item": str(10**20)}, "vc_nurse"),
    *[(name, {"municipality_id": statement_municipality, "month": month}, {}, "vc_manager")
      for name in ("transitions:statement", "transitions:statement_print", "transitions:statement_csv")
      for month in MONTHS],
    *[(name, {"municipality_id": lambda w: w.region.pk, "month": "2025-10"}, {}, "vc_manager")
      for name in ("transitions:statement", "transitions:statement_print", "transitions:statement_csv",
                   "transitions:statement_close")],
    ("transitions:statement_summary", {"municipality_id": lambda w: w.region.pk}, {}, "vc_manager"),
    ("transitions:statement_summary", {"municipality_id": lambda w: w.region.pk}, {}, "vc_analyst"),
    ("transitions:statement_summary", {"municipality_id": lambda w: 2**63 - 1}, {}, "vc_manager"),
]


@pytest.mark.usefixtures("_lake")
@pytest.mark.parametrize("case", range(len(QUERIES)), ids=lambda i: f"{QUERIES[i][0]}-{i}")
def test_query_parameters_never_give_a_server_error(case):
    name, args, query, who = QUERIES[case]
    w = world()
    url = reverse(name, kwargs={k: value_of(w, v) for k, v in args.items()})
    run = Run(w)
    run.send(who, "get", url, query)
    if name == "transitions:statement_close":
        run.send(who, "post", url, query)
    assert run.sent and not run.failures, "\n".join(run.failures)


# Paths written out: ids and months no converter matches are 404 before any view (the examples).
STATEMENT = "/overgangar/betalningsansvar/{mark}/{month}/"
RAW = [
    *[STATEMENT.format(mark="{mark}", month=month) + tail for month in MONTHS for tail in ("", "utskrift/", "csv/")],
    STATEMENT.format(mark="{region}", month="2025-10"),
    STATEMENT.format(mark=10**19, month="2025-10"),  # 20 digits
    STATEMENT.format(mark=10**20, month="2025-10"),
    "/overgangar/betalningsansvar/{big}/",
    "/overgangar/overenskommelser/{big}/uppfoljning/1/",
    "/planer/{person}/sip/{big}/deltagare/",
    "/personer/{person}/fasta-kontakter/{big}/",
    "/atkomst/nodatkomst/{big}/avsluta/",
    "/identifiera/importer/{big}/",
]


@pytest.mark.usefixtures("_lake")
@pytest.mark.parametrize("path", RAW)
def test_written_out_paths_never_give_a_server_error(path):
    w = world()
    statement_municipality(w)
    url = path.format(mark=w.mark.pk, region=w.region.pk, big=10**20, person=w.person.pk)
    run = Run(w)
    for who in ("vc_manager", "mark_manager", "vc_nurse"):
        response = run.send(who, "get", url)
        if "betalningsansvar" in url and who == "vc_manager":
            assert response is None or response.status_code == 404, (url, response.status_code)
        run.send(who, "post", url)
    assert not run.failures, "\n".join(run.failures)
