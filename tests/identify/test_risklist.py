"""The risk list ("Identifiera"): who is re-identified, who never is, opening rows, decisions, export, counts.

The risk run's results file is written here with DuckDB, following the contract (RiskRun.results_path with the
columns pseudonym, definition, flagged, value, band, reason, listed_unit_hsa, municipality_code).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

import duckdb
import pytest
from django.urls import reverse
from django.utils import timezone

from nara.access import gate
from nara.audit.models import AccessLogEntry, Action
from nara.core import personnummer
from nara.directory.models import Unit
from nara.identify import decisions, linking, selectors
from nara.identify.models import ReidentificationKey, RiskDecision, RiskRun
from nara.identify.pseudonym import pseudonym
from nara.people.models import Person
from tests import factories as f
from tests.world import build

pytestmark = pytest.mark.django_db

COLUMNS = ("pseudonym, scope, definition, flagged, value, band, reason, listed_unit_hsa, municipality_code, "
           "other_orgs, unknown_units")


def write_results(path, rows) -> str:
    """rows: (pseudonym, definition, flagged, value, band, reason, listed_unit_hsa, municipality_code), scope "all"
    and nothing from other organisations (the scopes themselves are tested in test_risklist_scopes.py)."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE r (pseudonym VARCHAR, definition VARCHAR, flagged BOOLEAN, value DOUBLE, band VARCHAR, "
        "reason VARCHAR, listed_unit_hsa VARCHAR, municipality_code VARCHAR)"
    )
    if rows:
        con.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [list(r) for r in rows])
    con.execute(f"COPY (SELECT {COLUMNS} FROM (SELECT *, 'all' AS scope, CAST([] AS BIGINT[]) AS other_orgs, "
                f"false AS unknown_units FROM r)) TO '{path}' (FORMAT parquet)")
    con.close()
    return str(path)


def make_run(path, rows) -> RiskRun:
    return RiskRun.objects.create(
        reference_date=timezone.localdate(), status=RiskRun.Status.SUCCEEDED, finished_at=timezone.now(),
        results_path=write_results(path, rows),
    )


def key(person_or_pnr) -> str:
    pnr = getattr(person_or_pnr, "personnummer", person_or_pnr)
    p = pseudonym(pnr)
    ReidentificationKey.objects.update_or_create(pseudonym=p, defaults={"personnummer": pnr})
    return p


def visits(p, unit_hsa, n=7, code="1463"):
    return (p, "mangbesokare_vardcentral", True, float(n), None, f"{n} besök på vårdcentralen senaste 12 mån",
            unit_hsa, code)


def hfrs(p, unit_hsa, value=12.4, flagged=False, code="1463"):
    band, label = ("high", "hög risk") if value > 15 else ("intermediate", "intermediär risk")
    return (p, "hfrs", flagged, value, band, f"HFRS {str(value).replace('.', ',')} ({label})", unit_hsa, code)


def calm(p, unit_hsa, code="1463"):
    return (p, "mangbesokare_vardcentral", False, 1.0, None, "1 besök", unit_hsa, code)


@dataclass
class Scene:
    w: object
    run: RiskRun
    other_vc: Unit
    astrid: str  # pseudonyms
    stranger: str
    newcomer_pnr: str
    newcomer: str
    unlisted: Person
    unlisted_p: str
    no_key: str
    other_unit_person: Person
    other_unit_p: str


def build_scene(tmp_path) -> Scene:
    """Astrid is listed at vc in register and extract. Bertil (the world's stranger) is listed at another
    vårdcentral in the register, but at vc in the extract. A newcomer has a key but no register entry. Unlisted
    Ulla is in the register without a listing. One pseudonym has no key at all. Olle is listed at the other
    vårdcentral in both."""
    w = build()
    other_vc = w.stranger.listed_unit
    vc, other = w.vc.hsa_id, other_vc.hsa_id
    astrid, stranger = key(w.person), key(w.stranger)
    newcomer_pnr = personnummer.make(dt.date(1938, 3, 2), 417)
    newcomer = key(newcomer_pnr)
    unlisted = f.person(listed_unit=None, given="Ulla", family="Olistad")
    unlisted_p = key(unlisted)
    no_key = "f" * 32
    olle = f.person(listed_unit=other_vc, given="Olle", family="Annanstans")
    olle_p = key(olle)
    rows = [
        visits(astrid, vc, 7), hfrs(astrid, vc, 12.4), (astrid, "akutbesok_80plus", True, 3.0, None, "3 akutbesök senaste 12 mån", vc, "1463"),
        visits(stranger, vc, 9),
        visits(newcomer, vc, 6), hfrs(newcomer, vc, 3.0),
        visits(unlisted_p, vc, 8),
        visits(no_key, vc, 10), hfrs(no_key, vc, 20.5, flagged=True),
        calm(pseudonym(f.person(listed_unit=w.vc).personnummer), vc),
        visits(olle_p, other, 12), hfrs(olle_p, other, 16.0, flagged=True),
    ]
    run = make_run(tmp_path / "results.parquet", rows)
    return Scene(w, run, other_vc, astrid, stranger, newcomer_pnr, newcomer, unlisted, unlisted_p, no_key, olle,
                 olle_p)


@pytest.fixture
def s(tmp_path):
    return build_scene(tmp_path)


def actor(user):
    return f.actor(user)


# --- Re-identification and access ---------------------------------------------------------------------------


def test_list_reidentifies_only_persons_with_a_care_relationship(s):
    result = selectors.risk_list(actor(s.w.vc_nurse))
    by_p = {r.row.pseudonym: r for r in result.rows}
    assert set(by_p) == {s.astrid, s.stranger, s.newcomer, s.unlisted_p, s.no_key}  # flagged, listed at vc
    assert by_p[s.astrid].person == s.w.person
    # Bertil is listed at another vårdcentral in the register: the extract alone never re-identifies him.
    assert by_p[s.stranger].person is None and by_p[s.stranger].has_key
    assert by_p[s.newcomer].person is None and by_p[s.newcomer].has_key
    assert by_p[s.no_key].person is None and not by_p[s.no_key].has_key
    logged = AccessLogEntry.objects.filter(action=Action.READ, record_type=selectors.RECORD_TYPE)
    assert list(logged.values_list("person_id", flat=True)) == [s.w.person.pk]
    assert logged.get().basis == "relationship" and logged.get().record_id == str(s.run.pk)


def test_another_units_listed_persons_are_never_reidentified(s):
    result = selectors.risk_list(actor(s.w.outsider_nurse))  # at the other vårdcentral
    assert [r.row.pseudonym for r in result.rows] == [s.other_unit_p]
    assert result.rows[0].person == s.other_unit_person
    assert not AccessLogEntry.objects.filter(person=s.w.person).exists()


def test_list_page_shows_names_reasons_and_no_identifier_in_links(client, s):
    client.force_login(s.w.vc_nurse)
    body = client.get(reverse("identify:list")).content.decode()
    assert "Astrid Lindqvist" in body and "Bertil" not in body and "Ulla" not in body
    assert "3 akutbesök senaste 12 mån · 7 besök på vårdcentralen senaste 12 mån · HFRS 12,4 (intermediär risk)" in body
    assert "Ej identifierad i registret" in body
    assert s.w.person.personnummer not in body and s.w.stranger.personnummer not in body
    urls = re.findall(r'(?:href|action)="([^"]*)"', body)
    assert urls and not any(s.astrid in u or s.newcomer in u for u in urls)
    assert f'name="rad" value="{s.newcomer}"' in body  # a not yet identified row is opened by POST


def test_sorted_by_number_of_criteria_then_hfrs(s):
    rows = selectors.risk_list(actor(s.w.vc_nurse)).rows
    # Two criteria first (the no-key row has the higher HFRS), then one criterion in pseudonym order.
    assert [r.row.pseudonym for r in rows[:2]] == [s.no_key, s.astrid]
    assert all(r.row.n_flagged == 1 for r in rows[2:])


def test_filter_by_criterion(client, s):
    client.force_login(s.w.vc_nurse)
    result = selectors.risk_list(actor(s.w.vc_nurse), "hfrs")
    assert {r.row.pseudonym for r in result.rows} == {s.no_key}
    assert result.definition == "hfrs"
    result = selectors.risk_list(actor(s.w.vc_nurse), "akutbesok_80plus")
    assert {r.row.pseudonym for r in result.rows} == {s.astrid}
    assert selectors.risk_list(actor(s.w.vc_nurse), "nonsense").definition is None
    body = client.get(reverse("identify:list"), {"kriterium": "hfrs"}).content.decode()
    assert "1 person uppfyller kriteriet Hospital Frailty Risk Score (HFRS)." in body
    body = client.get(reverse("identify:list"), {"kriterium": "mangbesokare_vardcentral"}).content.decode()
    assert "5 personer uppfyller kriteriet Mångbesökare på vårdcentralen." in body


def test_analysts_never_see_identities(client, s):
    with pytest.raises(gate.AccessDenied):
        selectors.risk_list(actor(s.w.vc_analyst))
    client.force_login(s.w.vc_analyst)
    assert client.get(reverse("identify:list")).status_code == 403
    assert client.post(reverse("identify:export")).status_code == 403
    assert client.post(reverse("identify:open"), {"rad": s.newcomer}).status_code == 302
    assert not Person.objects.filter(personnummer=s.newcomer_pnr).exists()
    assert client.get(reverse("identify:person", args=[s.w.person.pk])).status_code == 403
    body = client.get(reverse("identify:statistics")).content.decode()
    assert "Astrid" not in body and s.astrid not in body and s.w.person.personnummer not in body
    assert not AccessLogEntry.objects.exclude(action="denied").exists()  # only the refusals are logged


def test_home_health_unit_has_no_risk_list(client, s):
    client.force_login(s.w.mark_nurse)
    assert client.get(reverse("identify:list")).status_code == 403
    assert "Identifiera" not in client.get(reverse("directory:start")).content.decode()


def test_no_run_yet(client, tmp_path):
    w = build()
    client.force_login(w.vc_nurse)
    body = client.get(reverse("identify:list")).content.decode()
    assert 'data-testid="no-run"' in body


# --- Opening a row -----------------------------------------------------------------------------------------------


def test_opening_a_row_creates_the_person_exactly_once(client, s):
    client.force_login(s.w.vc_nurse)
    first = client.post(reverse("identify:open"), {"rad": s.newcomer})
    person = Person.objects.get(personnummer=s.newcomer_pnr)
    assert first.status_code == 302 and first["Location"] == reverse("identify:person", args=[person.pk])
    assert s.newcomer_pnr not in first["Location"] and s.newcomer not in first["Location"]
    assert person.listed_unit == s.w.vc and person.municipality == s.w.mark and linking.name_missing(person)
    second = client.post(reverse("identify:open"), {"rad": s.newcomer})
    assert second["Location"] == first["Location"]
    assert Person.objects.filter(personnummer=s.newcomer_pnr).count() == 1
    created = AccessLogEntry.objects.filter(person=person, action=Action.CREATE, record_type="people.person")
    assert created.count() == 1
    # Now identified on the list.
    rows = {r.row.pseudonym: r for r in selectors.risk_list(actor(s.w.vc_nurse)).rows}
    assert rows[s.newcomer].person == person
    page = client.get(first["Location"]).content.decode()
    assert 'data-testid="name-missing"' in page


def test_opening_links_a_person_listed_nowhere(s):
    opened = linking.open_row(actor(s.w.vc_nurse), s.unlisted_p)
    assert opened.outcome == "linked" and opened.person == s.unlisted
    s.unlisted.refresh_from_db()
    assert s.unlisted.listed_unit == s.w.vc
    assert AccessLogEntry.objects.filter(person=s.unlisted, action=Action.CHANGE).count() == 1


def test_opening_never_takes_over_another_units_patient(client, s):
    with pytest.raises(gate.AccessDenied):
        linking.open_row(actor(s.w.vc_nurse), s.stranger)
    s.w.stranger.refresh_from_db()
    assert s.w.stranger.listed_unit == s.other_vc
    # A pseudonym from another unit's list cannot be opened either, whatever the browser sends.
    with pytest.raises(gate.AccessDenied):
        linking.open_row(actor(s.w.vc_nurse), s.other_unit_p)
    client.force_login(s.w.vc_nurse)
    response = client.post(reverse("identify:open"), {"rad": s.stranger}, follow=True)
    assert "listad på en annan vårdcentral" in response.content.decode()
    assert not AccessLogEntry.objects.filter(person=s.w.stranger).exists()


def test_opening_an_existing_visible_person(s):
    opened = linking.open_row(actor(s.w.vc_nurse), s.astrid)
    assert opened.outcome == "existing" and opened.person == s.w.person


def test_row_without_key_cannot_be_opened(s):
    with pytest.raises(gate.AccessDenied):
        linking.open_row(actor(s.w.vc_nurse), s.no_key)


# --- Decisions ----------------------------------------------------------------------------------------------------


def test_decisions_need_a_relationship(s):
    with pytest.raises(gate.AccessDenied):
        decisions.record_decision(actor(s.w.outsider_nurse), s.w.person.pk, "health_talk")
    with pytest.raises(gate.AccessDenied):
        decisions.record_decision(actor(s.w.vc_analyst), s.w.person.pk, "health_talk")
    assert not RiskDecision.objects.exists()


def test_decision_recorded_logged_and_shown_on_the_list(client, s):
    client.force_login(s.w.vc_nurse)
    url = reverse("identify:person", args=[s.w.person.pk])
    response = client.post(url, {"decision": "health_talk", "note": "Ring efter helgen"})
    assert response.status_code == 302
    d = RiskDecision.objects.get()
    assert d.run == s.run and d.recorded_by == s.w.vc_nurse and d.recorded_by_org == s.w.region
    assert AccessLogEntry.objects.filter(action=Action.CREATE, record_type="identify.riskdecision").count() == 1
    page = client.get(url).content.decode()
    name = s.w.vc_nurse.get_full_name()
    today = timezone.localdate().isoformat()
    assert f"{today}, {name}: Erbjud hälsosamtal" in page and "Ring efter helgen" in page
    assert "<td>intermediär risk</td>" in page  # the band's label, not its code
    listing = client.get(reverse("identify:list")).content.decode()
    assert f"{today}, {name}: Erbjud hälsosamtal" in listing


def test_invalid_decision_is_refused_with_a_message(client, s):
    client.force_login(s.w.vc_nurse)
    response = client.post(reverse("identify:person", args=[s.w.person.pk]), {"decision": "nope"})
    assert response.status_code == 200 and "Välj ett av alternativen i listan." in response.content.decode()
    assert not RiskDecision.objects.exists()


def test_person_page_for_someone_without_relationship_is_denied(client, s):
    client.force_login(s.w.vc_nurse)
    assert client.get(reverse("identify:person", args=[s.w.stranger.pk])).status_code == 403
    assert client.post(reverse("identify:person", args=[s.w.stranger.pk]), {"decision": "cfs"}).status_code == 403
    assert not RiskDecision.objects.exists()


# --- Export -------------------------------------------------------------------------------------------------------


def test_export_is_csv_for_excel_and_logged_per_person(client, s):
    linking.open_row(actor(s.w.vc_nurse), s.newcomer)
    client.force_login(s.w.vc_nurse)
    response = client.post(reverse("identify:export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Namn", "Personnummer", "Ålder"]
    names = {r[0] for r in rows[1:]}
    assert names == {"Astrid Lindqvist", linking.NAME_MISSING}
    assert "Bertil Okänd" not in raw.decode("utf-8-sig")
    exported = AccessLogEntry.objects.filter(action=Action.EXPORT)
    assert exported.count() == 2 and not exported.filter(person=s.w.stranger).exists()
    assert s.w.vc.hsa_id in response["Content-Disposition"]


# --- Aggregates -------------------------------------------------------------------------------------------------


def test_statistics_suppress_small_cells_and_totals(client, s):
    client.force_login(s.w.vc_analyst)
    stats = selectors.statistics(actor(s.w.vc_analyst))
    by_unit = stats.tables[0]
    cells = dict(by_unit.rows)
    columns = [c for c, _label in by_unit.columns]
    # Every count in this small world is below 5: all hidden, totals too.
    vc_cells = cells["Vårdcentralen Kinna"]
    assert vc_cells[columns.index("mangbesokare_vardcentral")].hidden
    assert all(v.hidden or v.value == 0 for row in cells.values() for v in row)
    body = client.get(reverse("identify:statistics")).content.decode()
    assert "&lt;5" in body and "Vårdcentralen Kinna" in body and "Marks kommun" in body


def test_managers_see_statistics_too(client, s):
    client.force_login(s.w.vc_manager)
    assert client.get(reverse("identify:statistics")).status_code == 200
    client.force_login(s.w.vc_nurse)
    assert client.get(reverse("identify:statistics")).status_code == 403


def test_pages_of_fifty_log_only_the_persons_shown(client, tmp_path):
    w = build()
    persons = [f.person(listed_unit=w.vc, given=f"Person{i:02d}", family="Listad") for i in range(60)]
    make_run(tmp_path / "r.parquet", [visits(key(p), w.vc.hsa_id, 6 + i % 5) for i, p in enumerate(persons)])
    client.force_login(w.vc_nurse)
    first = client.get(reverse("identify:list")).content.decode()
    assert "Sida 1 av 2" in first and first.count("Listad</a>") == 50
    assert AccessLogEntry.objects.filter(record_type=selectors.RECORD_TYPE).count() == 50
    second = client.get(reverse("identify:list"), {"page": "2"}).content.decode()
    assert second.count("Listad</a>") == 10
    assert AccessLogEntry.objects.filter(record_type=selectors.RECORD_TYPE).values("person").distinct().count() == 60
    assert client.get(reverse("identify:list"), {"page": "x"}).status_code == 200


def test_missing_results_file_is_a_clear_message(client, tmp_path):
    w = build()
    run = make_run(tmp_path / "gone.parquet", [])
    (tmp_path / "gone.parquet").unlink()
    assert run.results_path
    client.force_login(w.vc_nurse)
    assert "Resultatet av den senaste riskkörningen saknas" in client.get(reverse("identify:list")).content.decode()
