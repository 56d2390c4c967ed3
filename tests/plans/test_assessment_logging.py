"""The exact access-log rows of the assessment pages: the person's register read and each rating, change in
condition and structured assessment shown, with its basis; nothing for Mark's records the region may not see."""

import datetime as dt

import pytest
from django.urls import reverse

from nara.audit.basis import Basis
from tests import logrows
from tests.plans import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def w():
    w = build()
    mark = {"user": w.mark_nurse, "unit": w.hsv, "org": w.mark}  # no consent: hidden from the region
    w.old = b.cfs_rating(w, score=4, rated_on=TODAY - dt.timedelta(days=400))
    w.new = b.cfs_rating(w, score=5, rated_on=TODAY - dt.timedelta(days=30))
    b.cfs_rating(w, score=6, rated_on=TODAY - dt.timedelta(days=10), **mark)
    w.change = b.condition_change(w, noted_on=TODAY - dt.timedelta(days=5))
    b.condition_change(w, noted_on=TODAY - dt.timedelta(days=3), description="Fall", **mark)
    w.fall = b.structured_assessment(w)
    b.structured_assessment(w, **mark)
    w.talk = b.structured_assessment(w, template="halsosamtal", answers={"age_group": "75"}, result="follow_up")
    return w


def opened(client, w, name, **kwargs):
    client.force_login(w.vc_nurse)
    since = logrows.mark()
    assert client.get(reverse(name, kwargs={"person_id": w.person.pk, **kwargs})).status_code == 200
    return logrows.written(since, w.vc_nurse)


def own(context, *records):
    return [logrows.record(r, Basis.OWN_ORG, context) for r in records]


def test_cfs_page_logs_each_rating_and_change_shown(client, w):
    ctx = "plans:cfs"
    assert opened(client, w, "plans:cfs") == logrows.expect(
        logrows.person(w.person, ctx), *own(ctx, w.old, w.new, w.change)
    )


def test_condition_changes_page_logs_each_rating_and_change_shown(client, w):
    ctx = "plans:condition_changes"
    assert opened(client, w, "plans:condition_changes") == logrows.expect(
        logrows.person(w.person, ctx), *own(ctx, w.old, w.new, w.change)
    )


def test_cfs_detail_logs_the_rating_and_the_previous_one_it_compares_with(client, w):
    ctx = "plans:cfs_detail"
    assert opened(client, w, "plans:cfs_detail", pk=w.new.pk) == logrows.expect(
        logrows.person(w.person, ctx), *own(ctx, w.new, w.old)
    )


def test_assessments_index_logs_each_assessment_and_what_the_cfs_summary_uses(client, w):
    ctx = "plans:assessments"
    assert opened(client, w, "plans:assessments") == logrows.expect(
        logrows.person(w.person, ctx), *own(ctx, w.fall, w.talk, w.new, w.old, w.change)
    )


def test_assessment_list_logs_the_assessments_of_its_template(client, w):
    ctx = "plans:assessment_list"
    assert opened(client, w, "plans:assessment_list", key="risk-fall") == logrows.expect(
        logrows.person(w.person, ctx), *own(ctx, w.fall)
    )
