"""The person's log extract (loggutdrag) and its printable version."""
import datetime as dt

import pytest
from django.urls import reverse

from nara.audit.basis import Basis
from nara.audit.models import AccessLogEntry, Action
from tests import factories
from tests.audit.conftest import assert_no_personnummer, entry


def _review_rows(world, action):
    return AccessLogEntry.objects.filter(
        person=world.p1, user_id=world.manager.pk, action=action, basis=Basis.LOG_REVIEW,
        record_type="audit.accesslogentry",
    )


def test_extract_lists_units_and_times_and_logs_a_read(client, world):
    at = dt.datetime(2026, 6, 1, 8, 30, tzinfo=dt.UTC)  # 10:30 in Stockholm (summer time)
    entry(factories.actor(world.nurse), world.p1, at=at)
    client.force_login(world.manager)
    response = client.get(reverse("audit:extract", args=[world.p1.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2026-06-01 10:30" in body
    assert "Hemsjukvård Norr" in body and "Hemtjänst Söder" in body and "Kommun A" in body
    assert "Astrid Lind" in body and "1940-05-17" in body
    assert "Karl Berg" not in body
    assert "Vårdcentral Väst" not in body  # another organisation issues its own extract
    assert reverse("audit:extract_print", args=[world.p1.pk]) in body
    assert_no_personnummer(response, world.p1)
    assert _review_rows(world, Action.READ).count() == 1
    assert not _review_rows(world, Action.PRINT).exists()


def test_extract_period_filter(client, world):
    client.force_login(world.manager)
    day = world.rows.nurse_p1.logged_at.astimezone().date()
    response = client.get(reverse("audit:extract", args=[world.p1.pk]),
                          {"date_from": day.isoformat(), "date_to": day.isoformat()})
    rows = response.context["rows"]
    assert [r.unit_name for r in rows] == ["Hemsjukvård Norr"]


def test_extract_rejects_reversed_period(client, world):
    client.force_login(world.manager)
    response = client.get(reverse("audit:extract", args=[world.p1.pk]),
                          {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 400
    assert "Från-datumet kan inte vara senare än till-datumet." in response.content.decode()


def test_print_view_logs_a_print_row(client, world):
    client.force_login(world.manager)
    response = client.get(reverse("audit:extract_print", args=[world.p1.pk]), {"date_from": "2020-01-01"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-print" in body and "<button" in body
    assert "Hemsjukvård Norr" in body and "2020-01-01" in body
    assert_no_personnummer(response, world.p1)
    assert _review_rows(world, Action.PRINT).count() == 1


def test_unknown_person_is_404(client, world):
    client.force_login(world.manager)
    response = client.get(reverse("audit:extract", args=["7c9e6679-7425-40de-944b-e07fc1f90ae7"]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["audit:extract", "audit:extract_print", "audit:review"])
@pytest.mark.parametrize("query", [{"date_from": "0001-01-01"}, {"date_to": "9999-12-31"},
                                   {"date_from": "1999-12-31", "date_to": "2100-01-01"}])
def test_a_day_outside_naras_dates_is_answered_in_swedish(client, world, name, query):
    """0001-01-01 or 9999-12-31 in the period was a server error (no aware datetime for the day after)."""
    client.force_login(world.manager)
    args = [] if name == "audit:review" else [world.p1.pk]
    response = client.get(reverse(name, args=args), query)
    assert response.status_code in (200, 400)
    assert "Ange ett datum mellan 2000-01-01 och 2099-12-31." in response.content.decode()
    assert response.context["form"].errors
