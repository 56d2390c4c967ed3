"""Dates far in the past or future (issue 11 item 14): 0001-01-01 and 9999-12-31 were saved for CFS ratings, care
plans, limitations and consents. One rule (nara.core.dates) with a window per kind of date, used by every date
field of every form: checked on every form class, and through the views on a few real forms."""

from __future__ import annotations

import ast
import datetime as dt
import html
import re
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from tests.core.test_form_errors import form_classes
from tests.plans import builders as pb
from tests.transitions import builders as tb
from tests.world import build

ROOT = Path(__file__).resolve().parent.parent.parent / "nara"
TODAY = timezone.localdate()


# --- Every date field of every form uses the rule ----------------------------------------------------------------


def date_fields():
    for cls in form_classes():
        for name, field in cls.base_fields.items():
            if isinstance(field, (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)):
                yield pytest.param(cls, name, id=f"{cls.__module__}.{cls.__name__}.{name}")


def test_date_fields_are_found():
    assert len(list(date_fields())) > 30


@pytest.mark.parametrize(("cls", "name"), list(date_fields()))
def test_every_date_field_of_every_form_uses_the_shared_rule(cls, name):
    from nara.core import dates

    field = cls.base_fields[name]
    assert isinstance(field, (dates.DateField, dates.DateTimeField)), f"{name}: {type(field).__name__}"
    assert isinstance(field.window, dates.Window)


def test_no_form_builds_a_date_field_of_its_own():
    """Fields added in a form's __init__ are not in base_fields: no module but nara/core/dates.py constructs a
    Django date or datetime field."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts or path == ROOT / "core" / "dates.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("DateField", "DateTimeField", "SplitDateTimeField")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "forms"
            ):
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    assert found == []


# --- The windows -------------------------------------------------------------------------------------------------


def test_a_date_that_has_happened_is_not_in_the_future():
    from nara.core import dates

    field = dates.PastDate(label="Bedömningsdatum")
    assert field.clean(TODAY.isoformat()) == TODAY
    assert field.clean("1900-01-01") == dt.date(1900, 1, 1)
    with pytest.raises(forms.ValidationError, match="”Bedömningsdatum” kan inte vara ett datum i framtiden."):
        field.clean((TODAY + dt.timedelta(days=1)).isoformat())
    with pytest.raises(forms.ValidationError, match=r"”Bedömningsdatum” kan inte vara före 1900-01-01\. Kontrollera"):
        field.clean("1899-12-31")


@pytest.mark.parametrize(
    ("kind", "years"), [("SoonDate", 1), ("PlannedDate", 5), ("LastingDate", 10)]
)
def test_a_planned_date_is_at_most_so_many_years_ahead(kind, years):
    from nara.core import dates

    field = getattr(dates, kind)(label="Nästa uppföljning")
    last = dates.years_ahead(TODAY, years)
    assert field.clean(last.isoformat()) == last
    with pytest.raises(forms.ValidationError) as refused:
        field.clean((last + dt.timedelta(days=1)).isoformat())
    assert refused.value.messages == [
        f"”Nästa uppföljning” kan inte vara mer än {years} år fram i tiden (senast {last.isoformat()})."
    ]


def test_years_ahead_of_a_leap_day():
    from nara.core import dates

    assert dates.years_ahead(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)


def test_a_time_is_judged_by_its_local_date():
    from nara.core import dates

    field = dates.PastDateTime(label="Inskriven")
    now = timezone.localtime().replace(second=0, microsecond=0)
    assert field.clean(now.strftime("%Y-%m-%dT%H:%M")) == now
    for extreme in ("0001-01-01T00:00", "9999-12-31T23:59"):
        with pytest.raises(forms.ValidationError, match="”Inskriven” kan inte vara"):
            field.clean(extreme)


def test_the_log_filters_keep_the_dates_naras_records_have():
    from nara.core import dates

    field = dates.RecordedDate(label="Från och med", required=False)
    assert field.clean("2000-01-01") == dt.date(2000, 1, 1)
    with pytest.raises(forms.ValidationError, match="Ange ett datum mellan 2000-01-01 och 2099-12-31."):
        field.clean("1999-12-31")


# --- Real forms through the views --------------------------------------------------------------------------------

# What the message on the field says: too early, or too far ahead ("i framtiden" for a date that has happened).
EXTREMES = {"0001-01-01": r"före 1900-01-01\. Kontrollera årtalet\.", "9999-12-31": r"i framtiden\.|fram i tiden \("}


def _cfs(w):
    from nara.plans.models import FrailtyAssessment

    data = {"score": "5", "habitual_status_confirmed": "on", "rater": w.vc_nurse.pk, "occasion": "first"}
    return reverse("plans:cfs_new", args=[w.person.pk]), w.vc_nurse, data, FrailtyAssessment.objects.count


def _care_plan(w):
    from nara.plans.models import CarePlan

    data = {
        "established_on": TODAY.isoformat(), "plan": "Plan", "palliative_orders": "Morfin", "review_due": "",
        "diagnoses": "", "goals_of_care": "",
    }
    url = reverse("plans:careplan_new", args=[w.person.pk, "palliativ"])
    return url, pb.vc_physician(w), data, CarePlan.objects.count


def _limitation(w):
    from nara.plans.models import TreatmentLimitation

    data = {"kind": "no_cpr", "decided_on": TODAY.isoformat(), "discussed_with": "Astrid", "valid_until": ""}
    return reverse("plans:limitation_new", args=[w.person.pk]), pb.vc_physician(w), data, TreatmentLimitation.objects.count


def _consent(w):
    from nara.access.models import Consent

    data = {"source_orgs": [w.mark.pk], "method": "verbal", "valid_from": TODAY.isoformat(), "valid_to": ""}
    return reverse("access:consents", args=[w.person.pk]), w.vc_nurse, data, Consent.objects.count


def _agreement(w):
    from nara.transitions.models import Agreement

    data = {
        "name": "Överenskommelse", "region": w.region.pk, "municipality": w.mark.pk, "valid_from": "2020-01-01",
        "valid_to": "", "day_kind": "working", "days_after_notice": "3", "notice_cutoff": "12:00",
    }
    return reverse("transitions:agreement_new"), w.vc_manager, data, Agreement.objects.count


def _care_team(w):
    from nara.people.models import CareTeamMember

    data = {"unit": w.vc.pk, "role": "Distriktssköterska", "valid_from": TODAY.isoformat(), "valid_to": ""}
    return reverse("people:records", args=[w.person.pk, "vardteam"]), w.vc_nurse, data, CareTeamMember.objects.count


def _case_date(w):
    from nara.transitions.models import DischargeCase

    case = tb.case_start(w)
    url = reverse("transitions:case_step", args=[w.person.pk, case.pk, "datum"])

    def saved():
        return DischargeCase.objects.filter(pk=case.pk).values_list("version", "expected_discharge_on").get()

    return url, w.ward_nurse, {"version": case.version}, saved


def _case_ready(w):
    from nara.transitions.models import DischargeCase

    case = tb.case_start(w)
    url = reverse("transitions:case_step", args=[w.person.pk, case.pk, "utskrivningsklar"])

    def saved():
        return DischargeCase.objects.filter(pk=case.pk).values_list("version", "status").get()

    return url, w.ward_nurse, {"version": case.version}, saved


def _sip_follow_up(w):
    from nara.plans.models import Sip

    sip = pb.sip(w, plan=True)
    url = reverse("plans:sip_part", args=[w.person.pk, sip.pk, "uppfoljning"])

    def saved():
        return Sip.objects.filter(pk=sip.pk).values_list("version", "next_follow_up").get()

    data = {"form": "follow_up", "version": sip.version, "kind": "follow_up", "held_on": TODAY.isoformat(),
            "notes": "Går bra"}
    return url, w.vc_nurse, data, saved


FORMS = {
    "cfs-rated_on": (_cfs, "rated_on"),
    "careplan-established_on": (_care_plan, "established_on"),
    "careplan-review_due": (_care_plan, "review_due"),
    "limitation-decided_on": (_limitation, "decided_on"),
    "limitation-valid_until": (_limitation, "valid_until"),
    "consent-valid_from": (_consent, "valid_from"),
    "consent-valid_to": (_consent, "valid_to"),
    "agreement-valid_to": (_agreement, "valid_to"),
    "care_team-valid_from": (_care_team, "valid_from"),
    "case-expected_discharge_on": (_case_date, "expected_discharge_on"),
    "case-ready_at": (_case_ready, "at"),
    "sip-next_follow_up": (_sip_follow_up, "next_follow_up"),
}


def _field_errors(body: str, field: str) -> str:
    found = re.search(rf'<ul class="errorlist" id="[\w-]*?[_-]{re.escape(field)}_error">(.*?)</ul>', body, re.S)
    return html.unescape(found.group(1)) if found else ""


@pytest.mark.django_db
@pytest.mark.parametrize("value", sorted(EXTREMES))
@pytest.mark.parametrize("name", sorted(FORMS))
def test_an_extreme_date_is_refused_on_its_field_and_nothing_is_saved(client, name, value):
    w = build()
    make, field = FORMS[name]
    url, user, data, saved = make(w)
    client.force_login(user)
    before = saved()
    if field == "at":
        value = f"{value}T10:00"
    response = client.post(url, {**data, field: value})
    body = response.content.decode()
    assert response.status_code in (200, 400), body[:2000]  # the SIP pages answer invalid input with 400
    assert re.search(EXTREMES[value[:10]], _field_errors(body, field)), _field_errors(body, field) or body[:4000]
    assert saved() == before
