"""The risk run: RiskRun record, the Parquet result (byte-identical for the same input), failures, the command,
the nightly task and the generated docs/definitions.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import random

import duckdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nara.directory.models import Organisation, Unit
from nara.identify import runs, tasks
from nara.identify.definitions import docs as definition_docs
from nara.identify.definitions import engine, load_all
from nara.identify.models import RiskRun
from tests import factories as f
from tests.identify.test_definitions import D, Region

pytestmark = pytest.mark.django_db

# The shape of lake.files().
EXTRACTS = {
    "population": {"path": "/lake/population-aaaa.parquet", "sha256": "a" * 64, "rows": 4},
    "encounters": {"path": "/lake/encounters-bbbb.parquet", "sha256": "b" * 64, "rows": 16},
}


def small_region(seed: int = 0, threads: int | None = None, own_visits: int = 0) -> Region:
    """A handful of persons touching every definition; rows inserted in a seed-dependent order. With
    `own_visits`, b also has that many primary-care visits at U1, her listed unit."""
    build = Region()
    build.old("a", 82, unit="U1", municipality="1463")
    build.old("b", 70, unit="U1", municipality="1463")
    build.old("c", 77, unit="U2", municipality="1490")
    build.old("d", 40, unit="U2", municipality="1490")
    for i in range(7):
        build.encounter("b", "primary_care", f"2025-0{1 + i % 5}-1{i}T09:00")
    build.encounter("a", "emergency", "2025-02-01T10:00", main="S72.0", secondary=["W19"])
    build.stay("a", "2025-02-01T14:00", "2025-02-08T10:00", main="S72.0", secondary=["W19", "F00", "R29"],
               disposition="other_unit")
    build.stay("a", "2025-02-08T11:00", "2025-02-20T10:00", main="I50.9", disposition="home")
    build.stay("a", "2025-03-01T14:00", "2025-03-04T10:00", main="N39.0")
    for month in (1, 2, 3):
        build.stay("c", f"2025-0{month}-05T08:00", f"2025-0{month}-07T08:00", main="I50", secondary=["E11", "I10"])
    build.encounter("d", "emergency", "2025-02-01T10:00")
    for i in range(own_visits):
        build.encounter("b", "primary_care", f"2025-04-{10 + i:02d}T09:00", unit="U1")

    region = Region()
    rows = list(build.encounters)
    random.Random(seed).shuffle(rows)
    for row in build.population:
        region.con.execute("INSERT INTO population VALUES (?, ?, ?, ?, ?, ?, ?)", row)
    for row in rows:
        region.con.execute("INSERT INTO encounters VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
    if threads:
        region.con.execute(f"SET threads = {int(threads)}")
    return region


@pytest.fixture
def lake(tmp_path, settings):
    settings.NARA_LAKE_DIR = tmp_path / "lake"
    return settings.NARA_LAKE_DIR


def execute(seed=0, threads=None, own_visits=0, **kw):
    return runs.execute(D, connect=lambda: small_region(seed, threads, own_visits).con,
                        extract_files=lambda: EXTRACTS, **kw)


def test_run_records_versions_extracts_counts_and_duration(lake):
    run = execute(triggered_by="test")
    run.refresh_from_db()
    assert run.status == RiskRun.Status.SUCCEEDED
    assert run.reference_date == D
    assert run.results_path == str(lake / "risk" / f"run-{run.pk}.parquet")
    assert run.duration_seconds is not None and run.finished_at is not None
    versions = run.definition_versions
    assert set(versions["definitions"]) == {d.id for d in load_all()}
    assert versions["definitions"]["mangbesokare_vardcentral"]["version"] == 1
    assert versions["definitions"]["mangbesokare_vardcentral"]["parameters"]["more_than_visits"] == 5
    assert set(versions["base"]) == {"persons", "stays"}
    assert set(versions["reference"]) == {"hfrs_icd10.csv", "avoidable_hospitalisation.csv"}
    assert run.extracts == {
        "encounters": {"file": "encounters-bbbb.parquet", "sha256": "b" * 64, "rows": 16},
        "population": {"file": "population-aaaa.parquet", "sha256": "a" * 64, "rows": 4},
    }
    assert run.counts["persons_flagged"] == 3  # a, b, c; d is 40
    assert run.counts["definitions"]["mangbesokare_vardcentral"] == {"flagged": 1, "rows": 1}
    assert run.counts["definitions"]["multisjuk_aldre"]["flagged"] == 1


def test_result_file_columns_and_rows(lake):
    run = execute()
    con = duckdb.connect()
    columns = con.execute("DESCRIBE SELECT * FROM read_parquet($p)", {"p": run.results_path}).fetchall()
    assert [(c[0], c[1]) for c in columns] == [
        ("pseudonym", "VARCHAR"), ("listed_unit_hsa", "VARCHAR"), ("municipality_code", "VARCHAR"),
        ("scope", "VARCHAR"), ("definition", "VARCHAR"), ("flagged", "BOOLEAN"), ("value", "DOUBLE"),
        ("band", "VARCHAR"), ("reason", "VARCHAR"), ("other_orgs", "BIGINT[]"), ("unknown_units", "BOOLEAN"),
    ]
    rows = con.execute("SELECT * FROM read_parquet($p)", {"p": run.results_path}).fetchall()
    assert rows == sorted(rows, key=lambda r: (r[1], r[0], r[3], r[4]))
    assert {r[0] for r in rows} == {"a", "b", "c"}
    # No unit of this region is in the directory: every person's encounters are at unknown units, so no person
    # has an own scope (rows of scope "all" only).
    assert {r[3] for r in rows} == {"all"} and all(r[9] == [] and r[10] for r in rows)
    by_key = {(r[0], r[4]): r for r in rows}
    assert by_key[("b", "mangbesokare_vardcentral")][1:9] == (
        "U1", "1463", "all", "mangbesokare_vardcentral", True, 7.0, None, "7 besök på vårdcentralen senaste 12 mån")
    # a: the transfer on 8 February is one stay; 9 days later a readmission.
    assert by_key[("a", "aterinskrivning_30d")][5:7] == (True, 1.0)
    # a: S72 1.4 + W19 3.2 + F00 7.1 + R29 3.6 + N39 3.2 (I50 has no points).
    assert by_key[("a", "hfrs")][5:9] == (True, 18.5, "high", "HFRS 18,5 (hög risk)")


def test_same_input_gives_byte_identical_files(lake):
    """Different row order and thread count, same input: the same bytes."""
    first = execute(seed=1, threads=1)
    second = execute(seed=2, threads=4)
    assert first.results_path != second.results_path
    digest = [hashlib.sha256(open(r.results_path, "rb").read()).hexdigest() for r in (first, second)]
    assert digest[0] == digest[1]
    assert first.counts == second.counts


def test_both_scopes_are_byte_identical_for_the_same_input(lake):
    """With a directory: U1 is the region's, the encounters' unit a private provider's. b's visits at U1 are her
    own organisation's data; everything else is another organisation's."""
    region = f.organisation(kind=Organisation.Kind.REGION)
    private = f.organisation(kind=Organisation.Kind.PRIVATE)
    Unit.objects.create(organisation=region, name="U1", hsa_id="U1", kind=Unit.Kind.HEALTH_CENTRE)
    Unit.objects.create(organisation=private, name="Privat", hsa_id="SE-unit", kind=Unit.Kind.HEALTH_CENTRE)
    first = execute(seed=1, threads=1, own_visits=7)
    second = execute(seed=2, threads=4, own_visits=7)
    digest = [hashlib.sha256(open(r.results_path, "rb").read()).hexdigest() for r in (first, second)]
    assert digest[0] == digest[1] and first.counts == second.counts
    rows = duckdb.connect().execute(
        "SELECT pseudonym, scope, definition, value, other_orgs, unknown_units FROM read_parquet($p) "
        "WHERE definition = 'mangbesokare_vardcentral' ORDER BY ALL", {"p": first.results_path}).fetchall()
    assert rows == [("b", "all", "mangbesokare_vardcentral", 14.0, [private.pk], False),
                    ("b", "own", "mangbesokare_vardcentral", 7.0, [private.pk], False)]
    assert first.counts["own_scope"] == {"persons_with_other_data": 3, "persons_flagged": 1}
    assert first.definition_versions["directory"]["units"] == 2


def test_a_failed_run_is_recorded_and_leaves_no_file(lake, monkeypatch):
    def broken(con, definition, reference_date, scope):
        raise engine.EngineError("Definitionen hfrs: något gick fel")

    monkeypatch.setattr(engine, "run_definition", broken)
    with pytest.raises(runs.RiskRunFailed) as failure:
        execute()
    run = RiskRun.objects.get(pk=failure.value.run.pk)
    assert run.status == RiskRun.Status.FAILED
    assert "något gick fel" in run.message and run.message.startswith("Riskkörningen misslyckades")
    assert run.results_path == "" and run.finished_at is not None
    assert not (lake / "risk").exists() or list((lake / "risk").iterdir()) == []


def test_failure_while_writing_leaves_no_half_written_file(lake, monkeypatch):
    real_copy = engine.write_parquet

    def crash_after_writing(con, path):
        def fail(*_a, **_k):
            raise OSError("disk full")

        monkeypatch.setattr(engine.os, "replace", fail)
        return real_copy(con, path)

    monkeypatch.setattr(engine, "write_parquet", crash_after_writing)
    with pytest.raises(runs.RiskRunFailed):
        execute()
    assert list((lake / "risk").iterdir()) == []
    assert RiskRun.objects.get().status == RiskRun.Status.FAILED


def test_a_broken_region_override_fails_the_run_with_a_swedish_message(lake):
    with pytest.raises(runs.RiskRunFailed) as failure:
        execute(overrides={"hfrs": {"flag_above": "hög"}})
    assert "fel typ" in failure.value.run.message


def test_overrides_change_results_and_are_recorded(lake, tmp_path):
    path = tmp_path / "region.toml"
    path.write_text("[mangbesokare_vardcentral]\nmore_than_visits = 10\n", encoding="utf-8")
    run = execute(overrides=path)
    assert run.definition_versions["definitions"]["mangbesokare_vardcentral"]["parameters"]["more_than_visits"] == 10
    assert run.counts["definitions"]["mangbesokare_vardcentral"]["flagged"] == 0


def test_command_runs_for_a_date(lake, monkeypatch, capsys):
    monkeypatch.setattr(runs, "_lake_connect", lambda: small_region().con)
    monkeypatch.setattr(runs, "_lake_files", lambda: EXTRACTS)
    call_command("identify", "run", "--date", "2025-06-15", "--no-progress")
    run = RiskRun.objects.get()
    assert run.reference_date == D and run.status == RiskRun.Status.SUCCEEDED
    assert run.triggered_by == "kommandorad"
    assert "3 personer flaggade" in capsys.readouterr().out


def test_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="Ogiltigt datum"):
        call_command("identify", "run", "--date", "15/6 2025")


def test_command_reports_a_failed_run(lake, monkeypatch):
    def no_lake():
        raise FileNotFoundError("sjön saknas")

    monkeypatch.setattr(runs, "_lake_connect", no_lake)
    monkeypatch.setattr(runs, "_lake_files", lambda: {})
    with pytest.raises(CommandError, match="sjön saknas"):
        call_command("identify", "run", "--no-progress")
    assert RiskRun.objects.get().status == RiskRun.Status.FAILED


def test_nightly_task_runs_the_same_code(lake, monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(runs, "_lake_connect", lambda: small_region().con)
    monkeypatch.setattr(runs, "_lake_files", lambda: EXTRACTS)
    result = tasks.risk_run.enqueue(reference_date="2025-06-15")
    run = RiskRun.objects.get()
    assert result.return_value == {"risk_run": run.pk, "status": "succeeded", "results_path": run.results_path}
    assert run.reference_date == dt.date(2025, 6, 15) and run.triggered_by == "bakgrundsjobb"


def test_command_enqueues_the_nightly_task(lake, monkeypatch, settings, capsys):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(runs, "_lake_connect", lambda: small_region().con)
    monkeypatch.setattr(runs, "_lake_files", lambda: EXTRACTS)
    call_command("identify", "run", "--enqueue", "--date", "2025-06-15")
    assert "ligger i kön" in capsys.readouterr().out
    assert RiskRun.objects.get().triggered_by == "bakgrundsjobb"


def test_docs_definitions_md_is_up_to_date():
    """docs/definitions.md is generated: run `nara identify docs` after changing a definition."""
    assert definition_docs.DOCS_PATH.read_text(encoding="utf-8") == definition_docs.render()


def test_docs_show_version_parameters_source_and_sql():
    text = definition_docs.render()
    for d in load_all():
        assert f"`{d.id}`, version {d.version}" in text
        assert d.sql in text
        assert d.source in text
        for p in d.parameters:
            assert f"`{p.name}`" in text
    assert "bekräfta mot Socialstyrelsens aktuella specifikation" in text


def test_run_against_an_empty_lake_succeeds_with_no_rows(lake):
    """The real lake.connect()/lake.files(): before any import the views are empty and nothing is flagged."""
    run = runs.execute(D)
    assert run.status == RiskRun.Status.SUCCEEDED, run.message
    assert run.extracts == {}
    assert run.counts["persons_flagged"] == 0 and run.counts["rows"] == 0
    assert duckdb.connect().execute("SELECT count(*) FROM read_parquet($p)", {"p": run.results_path}).fetchone() == (0,)
