"""The encounter timeline on the person overview: 24 months from the lake, filtered like any record, logged."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from django.urls import reverse
from django.utils import timezone

from nara.access.models import Block, Consent
from nara.audit.models import AccessLogEntry
from nara.identify import schema, timeline
from nara.identify.pseudonym import pseudonym
from tests import factories as f
from tests.world import build

pytestmark = pytest.mark.django_db


def months_ago(n: int, day: int = 10) -> dt.datetime:
    today = timezone.localdate()
    y, m = today.year, today.month - n
    while m < 1:
        y, m = y - 1, m + 12
    return dt.datetime(y, m, min(day, 28), 9, 30)


def lake_with(rows):
    """An in-memory DuckDB with the lake's `encounters` table holding `rows` (dicts of some columns)."""
    con = duckdb.connect()
    con.execute(schema.create_sql("encounters", schema.ENCOUNTERS))
    for i, r in enumerate(rows):
        con.execute(
            "INSERT INTO encounters (source_system, encounter_id, pseudonym, unit_hsa, care_type, start_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            ["test", str(i), r["p"], r["unit"], r["type"], r["at"]],
        )
    return con


@pytest.fixture
def w(monkeypatch):
    world = build()
    world.er = f.unit(world.region, kind="ward", name="Akutmottagningen Södra Älvsborgs sjukhus")
    p = pseudonym(world.person.personnummer)
    rows = [
        {"p": p, "unit": world.er.hsa_id, "type": "emergency", "at": months_ago(1)},
        {"p": p, "unit": world.er.hsa_id, "type": "emergency", "at": months_ago(1, 20)},
        {"p": p, "unit": world.er.hsa_id, "type": "inpatient", "at": months_ago(3)},
        {"p": p, "unit": world.vc.hsa_id, "type": "primary_care", "at": months_ago(0, 1)},
        {"p": p, "unit": world.vc.hsa_id, "type": "primary_care", "at": months_ago(5)},
        {"p": p, "unit": world.vc.hsa_id, "type": "primary_care", "at": months_ago(23)},
        {"p": p, "unit": "SE-UNKNOWN-1", "type": "primary_care", "at": months_ago(2)},
        {"p": p, "unit": world.er.hsa_id, "type": "emergency", "at": months_ago(30)},  # outside the window
        {"p": p, "unit": world.hsv.hsa_id, "type": "home_health", "at": months_ago(2)},  # not in the chart
        {"p": pseudonym(world.stranger.personnummer), "unit": world.er.hsa_id, "type": "emergency",
         "at": months_ago(1)},
    ]
    monkeypatch.setattr(timeline, "_connect", lambda: lake_with(rows))
    return world


def test_own_organisation_sees_the_timeline_and_the_read_is_logged(client, w):
    client.force_login(w.vc_nurse)
    body = client.get(reverse("people:overview", args=[w.person.pk])).content.decode()
    assert 'data-testid="timeline-chart"' in body and 'data-testid="timeline-table"' in body
    assert "Akutbesök 2; Inskrivningar i slutenvård 1; Besök i primärvården 3" in body
    assert "1 vårdkontakt vid en enhet som saknas i katalogen visas inte." in body
    logged = AccessLogEntry.objects.filter(person=w.person, record_type=timeline.RECORD_TYPE)
    assert list(logged.values_list("basis", flat=True)) == ["own_org"]


def test_months_and_counts(w):
    from nara.access import gate
    from tests.factories import actor

    a = actor(w.vc_nurse)
    access = gate.open_person(a, w.person.pk, "test")
    tl = timeline.for_person(a, access, "test")
    assert len(tl.months) == 24 and tl.months[-1].start == timezone.localdate().replace(day=1)
    by_month = {m.label: m.counts for m in tl.months}
    assert by_month[months_ago(1).strftime("%Y-%m")] == {"emergency": 2}
    assert sum(m.counts.get("primary_care", 0) for m in tl.months) == 3
    assert len(tl.bars) == 5 and all(b["h"] > 0 for b in tl.bars)


def test_another_organisation_needs_consent(client, w):
    client.force_login(w.mark_nurse)  # the municipality's home health care, on the care team
    url = reverse("people:overview", args=[w.person.pk])
    body = client.get(url).content.decode()
    assert 'data-testid="timeline-chart"' not in body and 'data-testid="timeline-empty"' in body
    assert "6 uppgifter från Västra Götalandsregionen visas inte." in body
    assert not AccessLogEntry.objects.filter(record_type=timeline.RECORD_TYPE).exists()
    Consent.objects.create(person=w.person, receiving_org=w.mark, all_sources=True, method="verbal",
                           recorded_by_unit=w.hsv, recorded_by_org=w.mark, recorded_by=w.mark_nurse)
    body = client.get(url).content.decode()
    assert 'data-testid="timeline-chart"' in body
    assert AccessLogEntry.objects.get(record_type=timeline.RECORD_TYPE).basis == "consent"


def test_blocked_data_is_not_shown(client, w):
    Consent.objects.create(person=w.person, receiving_org=w.mark, all_sources=True, method="verbal",
                           recorded_by_unit=w.hsv, recorded_by_org=w.mark, recorded_by=w.mark_nurse)
    Block.objects.create(person=w.person, blocked_org=w.region, recorded_by_unit=w.vc, recorded_by_org=w.region,
                         recorded_by=w.vc_nurse)
    client.force_login(w.mark_nurse)
    body = client.get(reverse("people:overview", args=[w.person.pk])).content.decode()
    section = body.split('id="h-timeline"')[1].split("</section>")[0]
    assert 'data-testid="timeline-chart"' not in section
    assert "Spärrade uppgifter finns hos Västra Götalandsregionen." in section


def test_no_lake_no_timeline(client, w, monkeypatch):
    monkeypatch.setattr(timeline, "_connect", lambda: None)
    client.force_login(w.vc_nurse)
    body = client.get(reverse("people:overview", args=[w.person.pk])).content.decode()
    assert "h-timeline" not in body


def test_empty_lake_no_timeline(client, w, monkeypatch):
    monkeypatch.setattr(timeline, "_connect", lambda: lake_with([]))
    client.force_login(w.vc_nurse)
    assert "h-timeline" not in client.get(reverse("people:overview", args=[w.person.pk])).content.decode()


def test_person_without_encounters_gets_a_note(client, w, monkeypatch):
    other = f.person(listed_unit=w.vc, given="Greta", family="Frisk")
    client.force_login(w.vc_nurse)
    body = client.get(reverse("people:overview", args=[other.pk])).content.decode()
    assert 'data-testid="timeline-empty"' in body
    assert AccessLogEntry.objects.filter(person=other, record_type=timeline.RECORD_TYPE).count() == 1


def test_real_lake_connection_without_data_is_harmless(client, settings, tmp_path, monkeypatch):
    w = build()
    settings.NARA_LAKE_DIR = tmp_path / "lake"
    client.force_login(w.vc_nurse)
    assert client.get(reverse("people:overview", args=[w.person.pk])).status_code == 200
