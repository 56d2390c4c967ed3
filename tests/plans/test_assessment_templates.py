"""The assessment templates are valid data, every one renders and validates, results are derived by the documented
rule, and one assessment of each template is saved, listed and shown."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.audit.models import AccessLogEntry, Action
from nara.plans import assessment_templates as tpl
from nara.plans.assessment_forms import AssessmentForm
from nara.plans.models import StructuredAssessment
from tests import factories as f
from tests.plans import builders as b
from tests.world import build

TODAY = timezone.localdate()
SENIOR_ALERT_AREAS = {"risk-fall", "risk-trycksar", "risk-undernaring", "risk-munhalsa"}


@pytest.fixture
def w(db):
    return build()


@pytest.fixture
def anna(client, w):
    client.force_login(w.vc_nurse)
    return client


def valid_answers(template: tpl.Template) -> dict:
    """A complete, valid POST for the template: the first option everywhere, numbers at their minimum."""
    data = {
        "performed_on": TODAY.isoformat(),
        "summary": "Sammanfattat",
        "actions_note": "",
        "follow_up_on": "",
    }
    for item in template.items:
        name = f"i_{item.id}"
        if item.kind in (tpl.YESNO, tpl.CHOICE, tpl.SCALE):
            data[name] = item.choices()[0].id
        elif item.kind == tpl.NUMBER:
            data[name] = str(item.min_value)
        else:
            data[name] = f"Svar på {item.id}"
    if template.result.mode == tpl.CHOSEN:
        data["result"] = template.result.outcomes[0].id
    data["actions"] = [template.actions[0].id]
    return data


# --- the data --------------------------------------------------------------------------------------------------


def test_the_required_templates_exist():
    assert {"halsosamtal", "kartlaggande-samtal"} | SENIOR_ALERT_AREAS == set(tpl.TEMPLATES)


@pytest.mark.parametrize("key", sorted(tpl.TEMPLATES))
def test_template_is_valid_data(key):
    t = tpl.TEMPLATES[key]
    assert t.key == key and key != "cfs" and t.version >= 1 and str(t.title)
    ids = [i.id for i in t.items]
    assert len(ids) == len(set(ids)), "item ids must be unique within a template"
    assert len({s.id for s in t.sections}) == len(t.sections)
    assert len({a.id for a in t.actions}) == len(t.actions) and t.actions
    for item in t.items:
        assert item.kind in tpl.KINDS and str(item.label)
        if item.kind == tpl.CHOICE:
            assert len({o.id for o in item.options}) == len(item.options) >= 2
        if item.kind in (tpl.NUMBER, tpl.SCALE):
            assert (
                item.min_value is not None and item.max_value is not None and item.min_value < item.max_value
            )
        for answer in item.points:
            assert answer in {o.id for o in item.choices()}
        if item.required_if:
            other, answer = item.required_if
            assert answer in {o.id for o in t.item(other).choices()}
    assert t.result.mode in (tpl.DERIVED, tpl.CHOSEN) and str(t.result.description)
    outcome_ids = {o.id for o in t.result.outcomes}
    for _minimum, outcome in t.result.thresholds:
        assert outcome in outcome_ids
    if t.result.mode == tpl.DERIVED:
        assert t.result.thresholds and any(i.points for i in t.items)
    if key in SENIOR_ALERT_AREAS:
        assert t.kind == tpl.RISK and outcome_ids == {"none", "risk", "high"}


def test_health_talk_covers_the_issue_topics():
    sections = {s.id for s in tpl.HEALTH_TALK.sections}
    assert {
        "health",
        "habits",
        "falls",
        "nutrition",
        "oral",
        "memory",
        "medicines",
        "social",
        "relatives",
        "matters",
    } <= sections
    items = {i.id for i in tpl.HEALTH_TALK.items}
    assert {"physical_activity", "alcohol", "tobacco", "medicines_count", "loneliness", "age_group"} <= items
    actions = {a.id for a in tpl.HEALTH_TALK.actions}
    assert {"fall_prevention", "medication_review", "dental_referral", "cfs", "mapping", "sip"} <= actions


def test_mapping_talk_covers_the_closest_relative():
    assert {
        "closest_relative",
        "relative_needs_support",
        "relative_support_what",
        "relative_support_offered",
    } <= {i.id for i in tpl.MAPPING_TALK.items}


def test_age_group():
    assert [tpl.age_group_for(a) for a in (62, 70, 74, 75, 90)] == ["60", "70", "70", "75", "75"]


def test_falls_result_is_derived_by_points():
    t = tpl.FALLS
    no = {i.id: "no" for i in t.items if i.kind == tpl.YESNO}
    assert t.derive(no) == "none"
    assert t.derive({**no, "unsteady": "yes"}) == "risk"
    assert t.derive({**no, "fallen_before": "yes"}) == "risk"  # 2 points
    assert t.derive({**no, "fallen_before": "yes", "vision": "yes"}) == "high"  # 3 points
    assert tpl.PRESSURE_ULCERS.derive({"mobility": "still", "moisture": "yes"}) == "high"
    assert tpl.ORAL_HEALTH.derive({"pain": "yes"}) is None  # chosen by the assessor


# --- the form ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(tpl.TEMPLATES))
def test_every_template_renders_and_validates(w, key):
    t = tpl.TEMPLATES[key]
    actor = f.actor(w.vc_nurse)
    form = AssessmentForm(template=t, actor=actor)
    html = form.as_div()
    for item in t.items:
        assert f'name="i_{item.id}"' in html
    data = valid_answers(t)
    data["performed_by"] = str(w.vc_nurse.pk)
    form = AssessmentForm(data, template=t, actor=actor)
    assert form.is_valid(), form.errors
    assert set(form.answers()) == {i.id for i in t.items}
    empty = AssessmentForm(
        {"performed_by": str(w.vc_nurse.pk), "performed_on": TODAY.isoformat()}, template=t, actor=actor
    )
    assert not empty.is_valid()
    for item in t.items:
        if item.is_required:
            assert str(item.label) in " ".join(str(e) for e in empty.errors[f"i_{item.id}"]), item.id


def test_number_errors_name_the_item(w):
    actor = f.actor(w.vc_nurse)
    data = {**valid_answers(tpl.HEALTH_TALK), "performed_by": str(w.vc_nurse.pk), "i_medicines_count": "99"}
    form = AssessmentForm(data, template=tpl.HEALTH_TALK, actor=actor)
    assert not form.is_valid()
    assert form.errors["i_medicines_count"] == [
        "”Antal läkemedel som personen tar regelbundet” kan inte vara större än 60."
    ]


def test_relative_support_required_when_the_relative_needs_support(w):
    actor = f.actor(w.vc_nurse)
    data = {
        **valid_answers(tpl.MAPPING_TALK),
        "performed_by": str(w.vc_nurse.pk),
        "i_relative_needs_support": "yes",
        "i_relative_support_what": "",
        "i_relative_support_offered": "",
    }
    form = AssessmentForm(data, template=tpl.MAPPING_TALK, actor=actor)
    assert not form.is_valid()
    assert "Har den närmaste anhörige själv behov av stöd?" in str(form.errors["i_relative_support_offered"])
    assert "i_relative_support_what" in form.errors
    data.update(i_relative_needs_support="no")
    assert AssessmentForm(data, template=tpl.MAPPING_TALK, actor=actor).is_valid()


def test_follow_up_not_before_the_assessment(w):
    actor = f.actor(w.vc_nurse)
    data = {
        **valid_answers(tpl.FALLS),
        "performed_by": str(w.vc_nurse.pk),
        "follow_up_on": (TODAY - dt.timedelta(days=1)).isoformat(),
    }
    form = AssessmentForm(data, template=tpl.FALLS, actor=actor)
    assert "Uppföljningsdatum kan inte vara före datum för bedömningen." in form.errors["follow_up_on"]


# --- saved and shown ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(tpl.TEMPLATES))
def test_one_assessment_of_each_template_saved_and_shown(anna, w, key):
    t = tpl.TEMPLATES[key]
    data = valid_answers(t)
    data["performed_by"] = str(w.vc_nurse.pk)
    data["follow_up_on"] = (TODAY + dt.timedelta(days=90)).isoformat()
    new_page = anna.get(reverse("plans:assessment_new", args=[w.person.pk, key]))
    assert new_page.status_code == 200
    response = anna.post(reverse("plans:assessment_new", args=[w.person.pk, key]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    record = StructuredAssessment.objects.get()
    assert record.template == key and record.template_version == t.version
    assert record.recorded_by_org == w.region and record.follow_up_on == TODAY + dt.timedelta(days=90)
    assert AccessLogEntry.objects.filter(
        action=Action.CREATE, record_type="plans.structuredassessment"
    ).exists()
    detail = anna.get(response["Location"]).content.decode()
    assert str(t.title) in detail and str(t.actions[0].label) in detail
    assert str(t.outcome_label(record.result)) in detail
    listing = anna.get(reverse("plans:assessment_list", args=[w.person.pk, key])).content.decode()
    assert TODAY.isoformat() in listing
    index = anna.get(reverse("plans:assessments", args=[w.person.pk])).content.decode()
    assert f'data-testid="assessments-{key}"' in index


def test_derived_result_is_computed_on_the_server(anna, w):
    data = valid_answers(tpl.FALLS)  # first option "yes" everywhere: 2 + 6 points
    data.update(performed_by=str(w.vc_nurse.pk), result="none")
    anna.post(reverse("plans:assessment_new", args=[w.person.pk, "risk-fall"]), data)
    assert StructuredAssessment.objects.get().result == "high"


def test_health_talk_suggests_the_age_group(anna, w):
    w.person.birth_date = TODAY.replace(year=TODAY.year - 72)
    w.person.save()
    body = anna.get(reverse("plans:assessment_new", args=[w.person.pk, "halsosamtal"])).content.decode()
    assert 'name="i_age_group" value="70" required id="id_i_age_group_1" checked' in body


def test_unknown_template_is_404(anna, w):
    assert anna.get(reverse("plans:assessment_list", args=[w.person.pk, "okand"])).status_code == 404


def test_hidden_from_other_org_without_consent_and_changed_only_by_own(client, w):
    record = b.structured_assessment(w)
    client.force_login(w.mark_nurse)
    listing = client.get(reverse("plans:assessment_list", args=[w.person.pk, "risk-fall"])).content.decode()
    assert "Vårdcentralen Kinna" not in listing and "Västra Götalandsregionen" in listing
    detail = client.get(reverse("plans:assessment_detail", args=[w.person.pk, "risk-fall", record.pk]))
    assert detail.status_code == 403


def test_concurrent_edit_of_an_assessment(anna, w):
    record = b.structured_assessment(w)
    url = reverse("plans:assessment_edit", args=[w.person.pk, "risk-fall", record.pk])
    assert anna.get(url).status_code == 200
    data = {
        **valid_answers(tpl.FALLS),
        "performed_by": str(w.vc_nurse.pk),
        "version": "1",
        "summary": "Min text",
    }
    StructuredAssessment.objects.filter(pk=record.pk).update(version=2)
    body = anna.post(url, data).content.decode()
    assert "Någon annan har ändrat uppgiften" in body and "Min text" in body
    data["version"] = "2"
    assert anna.post(url, data).status_code == 302
    assert StructuredAssessment.objects.get().summary == "Min text"


def test_print_view_is_logged_as_print(anna, w):
    record = b.structured_assessment(w, template="halsosamtal", answers={"what_matters": "Trädgården"})
    response = anna.get(reverse("plans:assessment_print", args=[w.person.pk, "halsosamtal", record.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "Trädgården" in body and w.person.personnummer not in body
    assert AccessLogEntry.objects.filter(
        action=Action.PRINT, record_type="plans.structuredassessment", record_id=str(record.pk)
    ).exists()
