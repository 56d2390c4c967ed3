"""CFS ratings: validation, the under-65 warning, trend and due rules, visibility across organisations, changes
of one's own records with the version check, and the selectors other parts use."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.access import gate
from nara.access.models import Consent
from nara.audit.models import AccessLogEntry, Action
from nara.plans import assessment_selectors as sel
from nara.plans import due
from nara.plans.models import ConditionChange, FrailtyAssessment
from tests import factories as f
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def w():
    return build()


@pytest.fixture
def anna(client, w):
    client.force_login(w.vc_nurse)
    return client


def post_cfs(client, w, **overrides):
    data = {
        "score": "5",
        "rated_on": TODAY.isoformat(),
        "habitual_status_confirmed": "on",
        "rater": str(w.vc_nurse.pk),
        "occasion": "first",
        "comment": "",
        **overrides,
    }
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("plans:cfs_new", args=[w.person.pk]), data)


def consent_for_region(w):
    return Consent.objects.create(
        person=w.person,
        receiving_org=w.region,
        all_sources=True,
        method="verbal",
        recorded_by_unit=w.vc,
        recorded_by_org=w.region,
        recorded_by=w.vc_nurse,
    )


# --- recording and validation ----------------------------------------------------------------------------------


def test_nurse_records_a_rating_and_it_is_logged(anna, w):
    response = post_cfs(anna, w, comment="Klarar sig med hemtjänst")
    assert response.status_code == 302
    rating = FrailtyAssessment.objects.get()
    assert (rating.score, rating.rater, rating.recorded_by_org) == (5, w.vc_nurse, w.region)
    assert AccessLogEntry.objects.filter(
        person=w.person, action=Action.CREATE, record_type="plans.frailtyassessment"
    ).exists()
    page = anna.get(response["Location"]).content.decode()
    assert "5 – Lätt skör" in page and "Klarar sig med hemtjänst" in page


@pytest.mark.parametrize("score", ["0", "10", "x", None])
def test_score_must_be_one_to_nine(anna, w, score):
    response = post_cfs(anna, w, score=score)
    assert response.status_code == 200
    body = response.content.decode()
    assert "CFS-nivå" in body and ("1 och 9" in body or "1–9" in body)
    assert not FrailtyAssessment.objects.exists()


def test_habitual_status_must_be_confirmed_with_a_reason(anna, w):
    response = post_cfs(anna, w, habitual_status_confirmed=None)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bekräfta att bedömningen gäller personens vanliga tillstånd före akut sjukdom" in body
    assert "inte bedömas utifrån tillståndet under en akut sjukdom" in body
    assert not FrailtyAssessment.objects.exists()


def test_rating_date_not_in_the_future(anna, w):
    response = post_cfs(anna, w, rated_on=(TODAY + dt.timedelta(days=1)).isoformat())
    assert "”Bedömningsdatum” kan inte vara ett datum i framtiden." in response.content.decode()


def test_rater_defaults_to_user_and_may_be_another_of_the_unit_but_not_outside(anna, w):
    form_page = anna.get(reverse("plans:cfs_new", args=[w.person.pk])).content.decode()
    assert f'value="{w.vc_nurse.pk}" selected' in form_page
    colleague = f.staff(w.vc, ["nurse"])
    assert post_cfs(anna, w, rater=str(colleague.pk)).status_code == 302
    assert FrailtyAssessment.objects.get().rater == colleague
    response = post_cfs(anna, w, rater=str(w.mark_nurse.pk))
    assert "Bedömaren måste vara medarbetare på din enhet." in response.content.decode()


def test_under_65_warning_on_form_and_result(anna, w):
    w.person.birth_date = TODAY.replace(year=TODAY.year - 60) - dt.timedelta(days=10)
    w.person.save()
    warning = "CFS är validerad för personer 65 år och äldre"
    assert warning in anna.get(reverse("plans:cfs_new", args=[w.person.pk])).content.decode()
    response = post_cfs(anna, w)
    assert response.status_code == 302  # a warning, not a refusal
    assert warning in anna.get(response["Location"]).content.decode()


def test_no_warning_for_a_person_of_65_or_more(anna, w):
    assert w.person.age() >= 65
    body = anna.get(reverse("plans:cfs_new", args=[w.person.pk])).content.decode()
    assert "CFS är validerad för personer" not in body


# --- trend and due -----------------------------------------------------------------------------------------------


def test_trend_words():
    assert sel.trend(6, 4) == sel.RISING and "Stigande" in sel.trend_text(6, 4)
    assert sel.trend(4, 6) == sel.FALLING and "Sjunkande" in sel.trend_text(4, 6)
    assert sel.trend(5, 5) == sel.STABLE and "Oförändrad" in sel.trend_text(5, 5)
    assert sel.trend(5, None) is None


def test_due_yearly_and_at_once_after_a_change(settings):
    settings.NARA_CFS_REASSESS_DAYS = 365
    rated = dt.date(2026, 1, 10)
    assert due.cfs_due(rated, None) == dt.date(2027, 1, 10)
    assert due.cfs_due(rated, dt.date(2025, 12, 1)) == dt.date(
        2027, 1, 10
    )  # older change: already rated since
    assert due.cfs_due(rated, dt.date(2026, 3, 1)) == dt.date(2026, 3, 1)
    assert due.cfs_due(None, None) is None


def test_latest_cfs_summary_trend_due_and_overdue(w):
    actor = f.actor(w.vc_nurse)
    b.cfs_rating(w, score=4, rated_on=TODAY - dt.timedelta(days=500))
    b.cfs_rating(w, score=6, rated_on=TODAY - dt.timedelta(days=400))
    access = gate.open_person(actor, w.person.pk, "test")
    latest = sel.latest_cfs(actor, access, "test")
    assert latest["score"] == 6 and latest["label"] == "Måttligt skör"
    assert latest["previous_score"] == 4 and latest["trend"] == sel.RISING
    assert latest["due_on"] == TODAY - dt.timedelta(days=400 - 365)
    assert latest["overdue"] is True


def test_noting_a_change_makes_a_new_rating_due(anna, w):
    b.cfs_rating(w, score=5, rated_on=TODAY - dt.timedelta(days=30))
    page = anna.get(reverse("plans:cfs", args=[w.person.pk])).content.decode()
    due_on = (TODAY + dt.timedelta(days=335)).isoformat()
    assert f"Ny bedömning behövs senast {due_on}" in page
    response = anna.post(
        reverse("plans:condition_changes", args=[w.person.pk]),
        {"noted_on": TODAY.isoformat(), "description": "Sjukhusvistelse med lunginflammation"},
    )
    assert response.status_code == 302
    assert ConditionChange.objects.get().recorded_by_org == w.region
    page = anna.get(reverse("plans:cfs", args=[w.person.pk])).content.decode()
    assert f"Ny bedömning behövs senast {TODAY.isoformat()}" in page


def test_change_form_validates_in_swedish(anna, w):
    response = anna.post(
        reverse("plans:condition_changes", args=[w.person.pk]), {"noted_on": "", "description": ""}
    )
    body = response.content.decode()
    assert "Fyll i datum för förändringen." in body and "Beskriv kort vad som har förändrats." in body


def test_cfs_page_shows_chart_table_and_trend(anna, w):
    b.cfs_rating(w, score=3, rated_on=TODAY - dt.timedelta(days=200))
    b.cfs_rating(w, score=6, rated_on=TODAY - dt.timedelta(days=10))
    body = anna.get(reverse("plans:cfs", args=[w.person.pk])).content.decode()
    assert 'data-testid="cfs-chart"' in body and "<polyline" in body
    assert "3 – Klarar sig bra" in body and "6 – Måttligt skör" in body
    assert "Stigande (mer skör): från 3 till 6" in body


def test_other_orgs_rating_hidden_without_consent_and_shown_with(anna, w):
    b.cfs_rating(w, score=7, user=w.mark_nurse, unit=w.hsv, org=w.mark)
    actor = f.actor(w.vc_nurse)
    access = gate.open_person(actor, w.person.pk, "test")
    assert sel.latest_cfs(actor, access, "test") is None
    assert sel.cfs_history(actor, access, "test").hidden[0].org_name == "Marks kommun"
    body = anna.get(reverse("plans:cfs", args=[w.person.pk])).content.decode()
    assert "7 – Allvarligt skör" not in body and "Marks kommun" in body
    consent_for_region(w)
    access = gate.open_person(actor, w.person.pk, "test")
    assert sel.latest_cfs(actor, access, "test")["score"] == 7
    assert "7 – Allvarligt skör" in anna.get(reverse("plans:cfs", args=[w.person.pk])).content.decode()


def test_other_orgs_rating_detail_is_refused_without_consent(anna, w):
    rating = b.cfs_rating(w, score=7, user=w.mark_nurse, unit=w.hsv, org=w.mark)
    response = anna.get(reverse("plans:cfs_detail", args=[w.person.pk, rating.pk]))
    assert response.status_code == 403


def test_only_own_organisation_changes_a_rating(anna, w):
    rating = b.cfs_rating(w, score=7, user=w.mark_nurse, unit=w.hsv, org=w.mark)
    consent_for_region(w)
    assert anna.get(reverse("plans:cfs_detail", args=[w.person.pk, rating.pk])).status_code == 200
    response = anna.get(reverse("plans:cfs_edit", args=[w.person.pk, rating.pk]))
    assert response.status_code == 403
    assert "annan huvudman" in response.content.decode()


def test_concurrent_edit_is_detected_and_input_kept(anna, w):
    rating = b.cfs_rating(w, score=5)
    url = reverse("plans:cfs_edit", args=[w.person.pk, rating.pk])
    FrailtyAssessment.objects.filter(pk=rating.pk).update(version=2)  # someone else saved meanwhile
    response = anna.post(
        url,
        {
            "score": "6",
            "rated_on": TODAY.isoformat(),
            "habitual_status_confirmed": "on",
            "rater": str(w.vc_nurse.pk),
            "occasion": "change",
            "comment": "Min ändring",
            "version": "1",
        },
    )
    body = response.content.decode()
    assert (
        response.status_code == 409 and "Någon annan har ändrat uppgiften" in body and "Min ändring" in body
    )
    assert FrailtyAssessment.objects.get().score == 5
    response = anna.post(
        url,
        {
            "score": "6",
            "rated_on": TODAY.isoformat(),
            "habitual_status_confirmed": "on",
            "rater": str(w.vc_nurse.pk),
            "occasion": "change",
            "comment": "Min ändring",
            "version": "2",
        },
    )
    assert response.status_code == 302
    assert FrailtyAssessment.objects.get().score == 6
    assert AccessLogEntry.objects.filter(action=Action.CHANGE, record_type="plans.frailtyassessment").exists()


def test_pages_are_logged(anna, w):
    rating = b.cfs_rating(w)
    for url in [
        reverse("plans:cfs", args=[w.person.pk]),
        reverse("plans:cfs_detail", args=[w.person.pk, rating.pk]),
        reverse("plans:assessments", args=[w.person.pk]),
    ]:
        before = AccessLogEntry.objects.filter(
            record_type="plans.frailtyassessment", record_id=str(rating.pk)
        ).count()
        assert anna.get(url).status_code == 200
        after = AccessLogEntry.objects.filter(
            record_type="plans.frailtyassessment", record_id=str(rating.pk)
        ).count()
        assert after > before, url
