"""Log review (loggkontroll): who may see it, which rows, filters, and that the review itself is logged."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from nara.audit.basis import Basis
from nara.audit.models import AccessLogEntry, Action
from nara.core import personnummer
from tests import factories
from tests.audit.conftest import assert_no_personnummer, entry

URL = reverse("audit:review")


def _shown(response):
    return {row.pk for row in response.context["page"].object_list}


def _ids(world, *names):
    return {getattr(world.rows, n).pk for n in names}


OWN_ORG_ROWS = ("nurse_p1", "nurse_p2_change", "aide_p1_consent", "nurse_p2_emergency", "aide_p2_emergency_read")


@pytest.mark.parametrize("name", ["review", "spot_checks"])
def test_nurse_gets_403(client, world, name):
    client.force_login(world.nurse)
    assert client.get(reverse(f"audit:{name}")).status_code == 403


def test_nurse_cannot_open_extract_or_choose_person(client, world):
    client.force_login(world.nurse)
    assert client.get(reverse("audit:extract", args=[world.p1.pk])).status_code == 403
    assert client.get(reverse("audit:extract_print", args=[world.p1.pk])).status_code == 403
    assert client.post(reverse("audit:choose_person"), {"personnummer": world.p1.personnummer}).status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    assert client.get(URL).status_code == 302


def test_manager_sees_the_rows_of_own_organisation_only(client, world):
    client.force_login(world.manager)
    response = client.get(URL)
    assert response.status_code == 200
    assert _shown(response) == _ids(world, *OWN_ORG_ROWS)
    assert "Vårdcentral Väst" not in response.content.decode()


def _days_ago(n):
    return (timezone.localdate() - dt.timedelta(days=n)).isoformat()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"user": "sjukskoterskan"}, ("nurse_p1", "nurse_p2_change", "nurse_p2_emergency")),
        ({"user": "Användare"}, OWN_ORG_ROWS),  # part of the display name
        ({"action": "change"}, ("nurse_p2_change",)),
        ({"basis": "consent"}, ("aide_p1_consent",)),
        ({"basis": "emergency"}, ("nurse_p2_emergency", "aide_p2_emergency_read")),
        ({"date_from": _days_ago(4), "date_to": _days_ago(2)}, ("nurse_p2_change",)),
        ({"date_to": _days_ago(5)}, ("nurse_p1", "aide_p2_emergency_read")),
        ({"quick": "emergency"}, ("nurse_p2_emergency", "aide_p2_emergency_read")),
        # The manager's unit is the home health unit; the aide works at the home care unit.
        ({"quick": "last_day"}, ("nurse_p2_emergency",)),
        ({"action": "read", "basis": "own_org"}, ("nurse_p1",)),
    ],
)
def test_filters_give_exact_rows(client, world, params, expected):
    client.force_login(world.manager)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert _shown(response) == _ids(world, *expected)


def test_unit_filter(client, world):
    client.force_login(world.manager)
    response = client.get(URL, {"unit": world.care.pk})
    assert _shown(response) == _ids(world, "aide_p1_consent", "aide_p2_emergency_read")


def test_unit_of_another_organisation_is_not_a_valid_choice(client, world):
    client.force_login(world.manager)
    response = client.get(URL, {"unit": world.vc.pk})
    assert response.context["page"] is None
    assert "Välj en enhet i listan." in response.content.decode()


def test_person_filter_goes_by_post_and_the_url_carries_only_the_uuid(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("audit:choose_person") + "?action=read", {"personnummer": world.p1.personnummer})
    assert response.status_code == 302
    location = response["Location"]
    assert str(world.p1.pk) in location and "action=read" in location
    assert world.p1.personnummer not in location and world.p1.personnummer[2:] not in location
    response = client.get(location)
    assert _shown(response) == _ids(world, "nurse_p1", "aide_p1_consent")
    assert "Astrid Lind" in response.content.decode()
    assert_no_personnummer(response, world.p1, world.p2)


def test_person_filter_accepts_the_ten_digit_form(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("audit:choose_person"), {"personnummer": world.p2.personnummer[2:]})
    assert str(world.p2.pk) in response["Location"]


@pytest.mark.parametrize("value", ["19400517-0000", "nonsense", ""])
def test_bad_personnummer_is_answered_in_swedish_and_not_echoed(client, world, value):
    client.force_login(world.manager)
    response = client.post(reverse("audit:choose_person"), {"personnummer": value})
    assert response.status_code == 400
    body = response.content.decode()
    assert any(m in body for m in ("Personnumret", "Ange ett personnummer", "Kontrollsiffran", "Födelsenumret"))
    if value:
        assert f'value="{value}"' not in body


def test_unknown_person_is_reported_without_echoing_the_number(client, world):
    client.force_login(world.manager)
    stranger = personnummer.make(dt.date(1931, 1, 1), 999)
    response = client.post(reverse("audit:choose_person"), {"personnummer": stranger})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Det finns ingen person med det numret i registret." in body
    assert stranger not in body and stranger[2:] not in body


def test_personnummer_typed_into_the_user_or_person_field_is_not_echoed(client, world):
    client.force_login(world.manager)
    response = client.get(URL, {"user": world.p1.personnummer, "person": world.p2.personnummer})
    assert response.context["page"] is None
    assert "Skriv inte personnummer här" in response.content.decode()
    assert_no_personnummer(response, world.p1, world.p2)


def test_review_page_logs_one_row_per_person_shown(client, world):
    client.force_login(world.manager)
    before = AccessLogEntry.objects.count()
    response = client.get(URL)
    assert_no_personnummer(response, world.p1, world.p2)
    new = AccessLogEntry.objects.filter(record_type="audit.accesslogentry")
    assert AccessLogEntry.objects.count() == before + 2
    assert {(r.person_id, r.user_id, r.unit_id, r.action, r.basis) for r in new} == {
        (p.pk, world.manager.pk, world.home.pk, Action.READ, Basis.LOG_REVIEW) for p in (world.p1, world.p2)
    }


def test_review_page_shows_swedish_time_format_and_person_without_personnummer(client, world):
    actor = factories.actor(world.nurse)
    at = dt.datetime(2026, 1, 22, 13, 5, tzinfo=dt.UTC)  # 14:05 in Stockholm (winter time)
    entry(actor, world.p1, at=at)
    client.force_login(world.manager)
    body = client.get(URL, {"date_from": "2026-01-22", "date_to": "2026-01-22"}).content.decode()
    assert "2026-01-22 14:05" in body
    assert "Astrid Lind" in body and "1940-05-17" in body
    assert world.p1.personnummer not in body


def test_pagination_has_50_rows_and_marks_the_current_page(client, world):
    actor = factories.actor(world.nurse)
    for i in range(55):
        entry(actor, world.p1, at=timezone.now() - dt.timedelta(days=30, minutes=i))
    client.force_login(world.manager)
    response = client.get(URL, {"date_to": _days_ago(25)})
    assert len(response.context["page"].object_list) == 50
    assert 'aria-current="page"' in response.content.decode()
    response = client.get(URL, {"date_to": _days_ago(25), "page": 2})
    assert len(response.context["page"].object_list) == 5
