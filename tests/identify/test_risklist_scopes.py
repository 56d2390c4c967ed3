"""Risk-list reasons follow the record rule of the timeline (issue 11): another organisation's encounters count
only when the actor may see that organisation's data about the person (a valid consent for the actor's
organisation, no block; or emergency access). Otherwise the list, the person's risk page and the export show the
own organisation's data with the note "Uppgifter från andra vårdgivare ingår inte", and a person flagged only
through others' data is not on the list at all. Through the real engine and risk run, on a tiny lake whose units
are the test directory's."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.urls import reverse

from nara.access import gate
from nara.access import services as access_services
from nara.access.models import Block, Consent
from nara.audit.basis import Basis
from nara.audit.models import Action
from nara.core import personnummer
from nara.directory.models import Organisation, Unit
from nara.identify import decisions, linking, risklist, runs, selectors
from nara.identify.models import RiskRun
from nara.identify.pseudonym import pseudonym
from tests import factories as f
from tests import logrows
from tests.identify.test_definitions import D, Region
from tests.identify.test_risklist import key
from tests.world import build

pytestmark = pytest.mark.django_db

NOTE = "Uppgifter från andra vårdgivare ingår inte"


@dataclass
class Scene:
    w: object
    private: Organisation  # Lindängens Vård AB, a private provider
    pvc: Unit  # its vårdcentral
    run: RiskRun
    astrid: str  # 13 visits at Kinna, 4 at Lindängen: flagged either way
    greta: object  # 3 at Kinna, 4 at Lindängen: flagged only with Lindängen's visits
    greta_p: str
    newcomer: str  # not in the register: like Greta
    unknown: object  # 13 at Kinna, 4 at a unit missing from the directory
    stranger_p: str  # Bertil, listed elsewhere in the register: 6 visits at Lindängen, 1 at Kinna


def visits(region, p, unit, n, day=10):
    """n primary-care visits at `unit` in January–April 2025 (the reference date D is 15 June 2025)."""
    for i in range(n):
        region.encounter(p, "primary_care", f"2025-{1 + i % 4:02d}-{day + i // 4:02d}T09:00", unit=unit)


def build_scene(settings, tmp_path) -> Scene:
    settings.NARA_LAKE_DIR = tmp_path / "lake"
    w = build()
    private = f.organisation("Lindängens Vård AB", kind=Organisation.Kind.PRIVATE)
    pvc = f.unit(private, name="Lindängens vårdcentral")
    greta = f.person(listed_unit=w.vc, given="Greta", family="Grankvist")
    unknown = f.person(listed_unit=w.vc, given="Ulf", family="Utanför")
    newcomer_pnr = personnummer.make(dt.date(1938, 3, 2), 417)
    region = Region()
    for person in (w.person, greta, unknown, w.stranger):
        region.old(key(person), 85, unit=w.vc.hsa_id, municipality="1463")
    newcomer = region.old(key(newcomer_pnr), 85, unit=w.vc.hsa_id, municipality="1463")
    visits(region, pseudonym(w.person.personnummer), w.vc.hsa_id, 13)
    visits(region, pseudonym(w.person.personnummer), pvc.hsa_id, 4, day=20)
    for p in (pseudonym(greta.personnummer), newcomer):
        visits(region, p, w.vc.hsa_id, 3)
        visits(region, p, pvc.hsa_id, 4, day=20)
    visits(region, pseudonym(unknown.personnummer), w.vc.hsa_id, 13)
    visits(region, pseudonym(unknown.personnummer), "SE-NOT-IN-THE-DIRECTORY", 4, day=20)
    visits(region, pseudonym(w.stranger.personnummer), w.vc.hsa_id, 1)
    visits(region, pseudonym(w.stranger.personnummer), pvc.hsa_id, 6, day=20)
    run = runs.execute(D, connect=lambda: region.con, extract_files=dict)
    assert run.status == RiskRun.Status.SUCCEEDED, run.message
    return Scene(w, private, pvc, run, pseudonym(w.person.personnummer), greta, pseudonym(greta.personnummer),
                 newcomer, unknown, pseudonym(w.stranger.personnummer))


@pytest.fixture
def s(settings, tmp_path):
    return build_scene(settings, tmp_path)


def consent(s, person, sources=None):
    """The person lets the region (Kinna's organisation) take part of `sources`' data (default: every source)."""
    c = Consent.objects.create(person=person, receiving_org=s.w.region, all_sources=sources is None,
                               method="verbal", recorded_by_unit=s.w.vc, recorded_by_org=s.w.region,
                               recorded_by=s.w.vc_nurse)
    if sources:
        c.source_orgs.set(sources)
    return c


def block(s, person, org):
    return Block.objects.create(person=person, blocked_org=org, recorded_by_unit=s.w.vc,
                                recorded_by_org=s.w.region, recorded_by=s.w.vc_nurse)


def nurse(s):
    return f.actor(s.w.vc_nurse)


def listed(s) -> dict:
    """Pseudonym → list row, the whole list of Kinna as its nurse sees it."""
    return {r.row.pseudonym: r for r in selectors.risk_list(nurse(s)).rows}


def csv_rows(client, s) -> dict:
    client.force_login(s.w.vc_nurse)
    raw = client.post(reverse("identify:export")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw), delimiter=";"))
    assert rows[0][4] == "Skäl" and rows[0][-1] == "Anmärkning"
    return {r[0]: (r[4], r[-1]) for r in rows[1:]}


# --- the list ---------------------------------------------------------------------------------------------------


def test_without_consent_the_list_counts_only_the_own_organisations_visits(client, s):
    rows = listed(s)
    astrid = rows[s.astrid]
    assert astrid.person == s.w.person
    assert astrid.row.reasons == "13 besök på vårdcentralen senaste 12 mån" and astrid.row.others_left_out
    # Greta and the newcomer have 3 own visits: flagged only by Lindängen's four, so not on the list at all.
    assert s.greta_p not in rows and s.newcomer not in rows
    client.force_login(s.w.vc_nurse)
    body = client.get(reverse("identify:list")).content.decode()
    assert "13 besök på vårdcentralen senaste 12 mån" in body and "17 besök" not in body
    assert body.count(f'data-testid="others-left-out">{NOTE}<') == 2  # Astrid and Ulf
    assert "Greta" not in body and "7 besök" not in body


def test_with_consent_every_organisations_visits_count(client, s):
    consent(s, s.w.person, [s.private])
    consent(s, s.greta, [s.private])
    rows = listed(s)
    assert rows[s.astrid].row.reasons == "17 besök på vårdcentralen senaste 12 mån"
    assert not rows[s.astrid].row.others_left_out
    assert rows[s.greta_p].person == s.greta and rows[s.greta_p].row.reasons.startswith("7 besök")
    assert s.newcomer not in rows  # not in the register: nobody has consented
    client.force_login(s.w.vc_nurse)
    body = client.get(reverse("identify:list")).content.decode()
    assert "17 besök på vårdcentralen senaste 12 mån" in body and "Greta Grankvist" in body


def test_a_block_on_the_other_provider_gives_the_own_scope_again(s):
    consent(s, s.w.person)
    consent(s, s.greta)
    block(s, s.w.person, s.private)
    block(s, s.greta, s.private)
    rows = listed(s)
    assert rows[s.astrid].row.reasons == "13 besök på vårdcentralen senaste 12 mån"
    assert rows[s.astrid].row.others_left_out
    assert s.greta_p not in rows


def test_a_consent_for_other_sources_or_another_receiver_does_not_count(s):
    consent(s, s.w.person, [s.w.mark])  # the municipality's data only
    Consent.objects.create(person=s.greta, receiving_org=s.w.mark, all_sources=True, method="verbal",
                           recorded_by_unit=s.w.hsv, recorded_by_org=s.w.mark, recorded_by=s.w.mark_nurse)
    rows = listed(s)
    assert rows[s.astrid].row.reasons.startswith("13 besök") and s.greta_p not in rows


def test_a_withdrawn_consent_does_not_count(s):
    c = consent(s, s.w.person)
    c.withdrawn_at = gate.now_local()
    c.save()
    assert listed(s)[s.astrid].row.reasons.startswith("13 besök")


def test_encounters_at_units_missing_from_the_directory_are_never_added(s):
    """As on the timeline: a unit the directory does not know has no known organisation, so no consent covers it."""
    consent(s, s.unknown)
    row = listed(s)[pseudonym(s.unknown.personnummer)]
    assert row.person == s.unknown and row.row.reasons.startswith("13 besök") and row.row.others_left_out


def test_the_filter_and_the_count_read_the_rows_shown(s):
    assert [d for d, _name in selectors.risk_list(nurse(s)).definitions] == ["mangbesokare_vardcentral"]
    result = selectors.risk_list(nurse(s), "mangbesokare_vardcentral")
    assert result.page.total == 2  # Astrid and Ulf; not Greta, the newcomer or Bertil


def test_emergency_access_sees_every_organisation(s):
    """Bertil is listed at Sätila in the register, at Kinna in the extract: 1 own visit, 6 at Lindängen, so he is
    on Kinna's list only when Lindängen's data counts."""
    assert s.stranger_p not in listed(s)
    ea, _ = access_services.emergency_locate(nurse(s), s.w.stranger.pk)
    access_services.emergency_open(nurse(s), ea.pk, "Medvetslös, inga närstående nås.")
    row = listed(s)[s.stranger_p]
    assert row.person == s.w.stranger and row.row.reasons == "7 besök på vårdcentralen senaste 12 mån"


def test_the_analysts_counts_take_every_organisations_data(s):
    counts = risklist.counts(s.run, "listed_unit_hsa")
    # Astrid, Greta, Ulf, Bertil and the newcomer: aggregated and suppressed, no person shown.
    assert counts.counts[(s.w.vc.hsa_id, "mangbesokare_vardcentral")] == 5
    assert counts.listed[s.w.vc.hsa_id] == 5


# --- the person's risk page, the export, opening a row and a decision -------------------------------------------


def test_the_person_risk_page_follows_the_same_rule(client, s):
    client.force_login(s.w.vc_nurse)
    url = reverse("identify:person", args=[s.w.person.pk])
    body = client.get(url).content.decode()
    assert "13 besök på vårdcentralen senaste 12 mån" in body and NOTE in body and "17 besök" not in body
    greta = client.get(reverse("identify:person", args=[s.greta.pk])).content.decode()
    assert "Personen finns inte på din vårdcentrals senaste risklista." in greta and "7 besök" not in greta
    consent(s, s.w.person)
    consent(s, s.greta)
    body = client.get(url).content.decode()
    assert "17 besök på vårdcentralen senaste 12 mån" in body and NOTE not in body
    assert "7 besök på vårdcentralen" in client.get(reverse("identify:person", args=[s.greta.pk])).content.decode()
    block(s, s.w.person, s.private)
    assert "13 besök på vårdcentralen senaste 12 mån" in client.get(url).content.decode()


def test_the_export_follows_the_same_rule(client, s):
    rows = csv_rows(client, s)
    assert rows["Astrid Lindqvist"] == ("13 besök på vårdcentralen senaste 12 mån", NOTE)
    assert "Greta Grankvist" not in rows
    consent(s, s.w.person)
    consent(s, s.greta)
    rows = csv_rows(client, s)
    assert rows["Astrid Lindqvist"] == ("17 besök på vårdcentralen senaste 12 mån", "")
    assert rows["Greta Grankvist"] == ("7 besök på vårdcentralen senaste 12 mån", "")


def test_a_row_flagged_only_through_others_data_cannot_be_opened(s):
    with pytest.raises(gate.AccessDenied, match="finns inte på enhetens risklista"):
        linking.open_row(nurse(s), s.newcomer)


def test_a_decision_is_tied_to_the_run_only_when_the_person_is_on_the_list_the_actor_sees(s):
    assert decisions.record_decision(nurse(s), s.greta.pk, "health_talk").run is None
    consent(s, s.greta)
    assert decisions.record_decision(nurse(s), s.greta.pk, "health_talk").run == s.run


# --- the access log stays as it was: one risk-list row per re-identified person, with the person's basis --------


def risklist_row(person, run, context, action=Action.READ, basis=Basis.RELATIONSHIP):
    return (person.pk, action, "identify.risklist", str(run.pk), basis, context)


def test_the_log_rows_are_the_same_with_and_without_consent(client, s):
    client.force_login(s.w.vc_nurse)
    since = logrows.mark()
    client.get(reverse("identify:list"))
    assert logrows.written(since, s.w.vc_nurse) == logrows.expect(
        risklist_row(s.w.person, s.run, "identify:risklist"), risklist_row(s.unknown, s.run, "identify:risklist"))
    consent(s, s.w.person)
    consent(s, s.greta)
    since = logrows.mark()
    client.get(reverse("identify:list"))
    assert logrows.written(since, s.w.vc_nurse) == logrows.expect(
        risklist_row(s.w.person, s.run, "identify:risklist"), risklist_row(s.unknown, s.run, "identify:risklist"),
        risklist_row(s.greta, s.run, "identify:risklist"))
    since = logrows.mark()
    client.post(reverse("identify:export"))
    assert logrows.written(since, s.w.vc_nurse) == logrows.expect(*(
        risklist_row(p, s.run, "identify:export", Action.EXPORT) for p in (s.w.person, s.unknown, s.greta)))
    since = logrows.mark()
    client.get(reverse("identify:person", args=[s.greta.pk]))
    assert logrows.written(since, s.w.vc_nurse) == logrows.expect(
        logrows.person(s.greta, "identify:person"), risklist_row(s.greta, s.run, "identify:person"))
