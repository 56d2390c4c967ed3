"""Agreements admin: managers of the parties list, create and edit agreements (version checked), the follow-up
rules and the home health criteria; region managers keep the day prices."""

import datetime as dt

import pytest
from django.urls import reverse

from nara.transitions.models import Agreement, DayPrice, FollowUpRule
from tests import factories as f
from tests.transitions import builders as b
from tests.world import build

pytestmark = pytest.mark.django_db


def agreement_data(w, **extra):
    return {
        "name": "Överenskommelse 2027",
        "region": w.region.pk,
        "municipality": w.mark.pk,
        "valid_from": "2027-01-01",
        "valid_to": "",
        "day_kind": "working",
        "days_after_notice": "3",
        "notice_cutoff": "12:00",
        "extra_non_working_days": "06-19\n12-24\n12-31",
        "require_both_notices": "on",
        "home_health_criteria": "Kan inte ta sig till vårdcentralen\n\nBehov av insatser mer än tillfälligt\n",
        **extra,
    }


def test_manager_creates_and_edits_an_agreement(client):
    w = build()
    client.force_login(w.vc_manager)
    assert client.get(reverse("transitions:agreements")).status_code == 200
    url = reverse("transitions:agreement_new")
    response = client.post(url, agreement_data(w, extra_non_working_days="midsommar", name=""))
    body = response.content.decode()
    assert "Skriv ett namn på överenskommelsen." in body
    assert "Det går inte att läsa: midsommar" in body
    assert not Agreement.objects.exists()
    response = client.post(url, agreement_data(w))
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert agreement.home_health_criteria == [
        "Kan inte ta sig till vårdcentralen",
        "Behov av insatser mer än tillfälligt",
    ]
    assert agreement.extra_non_working_days == ["06-19", "12-24", "12-31"]
    assert agreement.notice_cutoff == dt.time(12, 0)
    detail = client.get(reverse("transitions:agreement_detail", args=[agreement.pk])).content.decode()
    assert "Behov av insatser mer än tillfälligt" in detail and "12:00" in detail
    # Overlapping period for the same parties is refused.
    response = client.post(url, agreement_data(w, valid_from="2027-06-01"))
    assert "Perioden överlappar" in response.content.decode()
    # Edit with the version read; a stale version keeps the input and says so.
    edit = reverse("transitions:agreement_edit", args=[agreement.pk])
    response = client.post(edit, agreement_data(w, days_after_notice="5", version=agreement.version))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.days_after_notice == 5 and agreement.version == 2
    response = client.post(edit, agreement_data(w, days_after_notice="7", version=1))
    body = response.content.decode()
    assert response.status_code == 409 and 'value="7"' in body
    agreement.refresh_from_db()
    assert agreement.days_after_notice == 5


def test_only_managers_of_the_parties(client):
    w = build()
    agreement = b.ag_agreement(w)
    other = f.staff(f.unit(f.organisation("Bollebygds kommun")), ["manager"])
    for user in (w.vc_nurse, w.vc_analyst, w.mark_nurse, other):
        client.force_login(user)
        assert client.get(reverse("transitions:agreement_detail", args=[agreement.pk])).status_code == 403
        assert client.get(reverse("transitions:agreement_edit", args=[agreement.pk])).status_code == 403
        assert client.get(reverse("transitions:rule_new", args=[agreement.pk])).status_code == 403
    for user in (w.vc_nurse, w.mark_nurse):
        client.force_login(user)
        assert client.get(reverse("transitions:agreements")).status_code == 403
    # The other municipality's manager sees an empty list and may not create an agreement for others.
    client.force_login(other)
    assert (
        "Utskrivningsöverenskommelse Mark"
        not in client.get(reverse("transitions:agreements")).content.decode()
    )
    response = client.post(reverse("transitions:agreement_new"), agreement_data(w))
    assert "Din organisation måste vara part" in response.content.decode()
    # The municipality's own manager may.
    client.force_login(b.ag_mark_manager(w))
    assert client.get(reverse("transitions:agreement_detail", args=[agreement.pk])).status_code == 200


def test_follow_up_rules_crud(client):
    w = build()
    agreement = b.ag_agreement(w)
    client.force_login(b.ag_mark_manager(w))
    url = reverse("transitions:rule_new", args=[agreement.pk])
    data = {
        "kind": "home_visit",
        "label": "Hembesök av hemsjukvården",
        "responsible": "home_health",
        "within_hours": "0",
        "active": "on",
    }
    assert "mellan 1 och 1440" in client.post(url, data).content.decode()
    assert client.post(url, {**data, "within_hours": "24"}).status_code == 302
    rule = FollowUpRule.objects.get()
    edit = reverse("transitions:rule_edit", args=[agreement.pk, rule.pk])
    assert client.post(edit, {**data, "within_hours": "48"}).status_code == 302
    rule.refresh_from_db()
    assert rule.within_hours == 48
    assert (
        "Hembesök av hemsjukvården"
        in client.get(reverse("transitions:agreement_detail", args=[agreement.pk])).content.decode()
    )
    assert client.post(edit, {"remove": "1"}).status_code == 302
    assert not FollowUpRule.objects.exists()


def test_day_prices(client):
    w = build()
    client.force_login(w.vc_manager)
    url = reverse("transitions:day_prices")
    page = client.get(url).content.decode()
    assert "[U]" in page and "Socialstyrelsen" in page
    assert "större än noll" in client.post(url, {"year": "2026", "price": "0"}).content.decode()
    assert client.post(url, {"year": "2026", "price": "9900", "source": "Beslut"}).status_code == 302
    assert "finns redan" in client.post(url, {"year": "2026", "price": "9800"}).content.decode()
    price = DayPrice.objects.get()
    edit = reverse("transitions:day_price_edit", args=[price.pk])
    stale = "2000-01-01T00:00:00+00:00"
    response = client.post(edit, {"year": "2026", "price": "9950", "updated": stale})
    assert response.status_code == 409
    price.refresh_from_db()
    assert price.price == 9900
    response = client.post(edit, {"year": "2026", "price": "9950", "updated": price.updated_at.isoformat()})
    assert response.status_code == 302
    # A municipality's manager sees the prices but may not change them.
    client.force_login(b.ag_mark_manager(w))
    assert client.get(url).status_code == 200
    assert client.post(url, {"year": "2027", "price": "1"}).status_code == 200
    assert DayPrice.objects.count() == 1
    assert client.get(edit).status_code == 403
