"""The demo region's extracts: written from the demo persons, imported through the one import path, risk-run."""

import csv
import datetime as dt
import io
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from nara.core import personnummer
from nara.demo import data, extracts, generator, histories
from nara.directory.middleware import actor_for
from nara.directory.models import Assignment
from nara.identify import definitions, lake, selectors
from nara.identify.importing import contract
from nara.identify.models import ImportBatch, RiskRun
from nara.people.models import Person

PERSONS = 1500
NAMED = {(spec.given, spec.family): i for i, spec in enumerate(data.DEMO_PERSONS)}
# What the named persons are flagged for at least (histories.py tells their stories).
EXPECTED = {
    histories.ASTRID: {"aterinskrivning_30d", "hfrs", "multisjuk_aldre", "undvikbar_slutenvard",
                       "frekventa_akutbesok", "akutbesok_80plus"},
    histories.GOSTA: {"mangbesokare_vardcentral", "fallskada_65plus", "frekventa_akutbesok", "akutbesok_80plus"},
    histories.MARGIT: {"mangbesokare_vardcentral", "undvikbar_slutenvard", "frekventa_akutbesok",
                       "akutbesok_80plus"},
    histories.INGVAR: {"multisjuk_aldre", "undvikbar_slutenvard", "mangbesokare_vardcentral"},
}


def run_demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", "--persons", str(PERSONS), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    return run_demo()


def anna_at_kinna():
    assignment = Assignment.objects.select_related("unit__organisation", "user").get(
        user__username="anna.ssk", unit__name="Vårdcentralen Kinna")
    return actor_for(assignment)


def test_demo_imports_both_extracts_whole_and_completes_a_risk_run(loaded):
    batches = {b.kind: b for b in ImportBatch.objects.all()}
    assert set(batches) == {contract.POPULATION, contract.ENCOUNTERS}
    for batch in batches.values():
        assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
        assert batch.rows_rejected == 0 and batch.rows_imported == batch.rows_read > 0
    assert batches[contract.POPULATION].rows_imported == PERSONS == Person.objects.count()
    assert batches[contract.ENCOUNTERS].rows_imported > PERSONS * 5  # two years of care
    (run,) = RiskRun.objects.all()
    assert run.status == RiskRun.Status.SUCCEEDED and run.reference_date == timezone.localdate()
    flagged = {ident: c["flagged"] for ident, c in run.counts["definitions"].items()}
    assert set(flagged) == {d.id for d in definitions.load_all()}
    assert all(n >= 1 for n in flagged.values()), flagged
    assert "Riskkörningen" in loaded and "lästes in i analyslagret" in loaded


def test_the_named_demo_persons_are_on_kinnas_risk_list_with_their_reasons(loaded):
    result = selectors.risk_list(anna_at_kinna())
    found = {}
    for row in result.rows:  # the first page, as anna.ssk sees it
        if row.person is not None and (row.person.given_name, row.person.family_name) in NAMED:
            found[NAMED[(row.person.given_name, row.person.family_name)]] = row
    assert set(found) == set(EXPECTED)
    for index, expected in EXPECTED.items():
        row = found[index]
        assert expected <= {c.definition for c in row.row.flagged}, (index, row.row.reasons)
        assert row.row.reasons
    astrid = found[histories.ASTRID].row
    assert astrid.hfrs > 15 and "HFRS" in astrid.reasons and "återinskrivningar" in astrid.reasons
    assert "Fallskada 3 gånger" in found[histories.GOSTA].row.reasons
    assert "besök på vårdcentralen" in found[histories.GOSTA].row.reasons


def test_output_never_contains_a_personnummer(loaded):
    assert not personnummer.PNR_IN_TEXT.search(loaded)


def test_extract_files_follow_the_contract(loaded):
    directory = extracts.directory()
    for kind, name in ((contract.POPULATION, extracts.POPULATION_FILE),
                       (contract.ENCOUNTERS, extracts.ENCOUNTERS_FILE)):
        with open(directory / name, encoding="utf-8", newline="") as f:
            reader = csv.reader(f, delimiter=";")
            assert next(reader) == contract.COLUMNS[kind]
            rows = list(reader)
        assert rows
    assert len(rows) == ImportBatch.objects.get(kind=contract.ENCOUNTERS).rows_read
    header = contract.COLUMNS[contract.ENCOUNTERS]
    column = {name: header.index(name) for name in header}
    care_types = {r[column["vardtyp"]] for r in rows}
    assert care_types == {"primärvårdsbesök", "akutbesök", "slutenvårdstillfälle", "specialiserad öppenvård",
                          "hemsjukvårdsbesök"}
    midnight = f"{timezone.localdate().isoformat()} 00:00"
    assert max(r[column["start"]] for r in rows) < midnight
    dispositions = {r[column["utskrivning_till"]] for r in rows if r[column["vardtyp"]] == "slutenvårdstillfälle"}
    assert {"hem", "annan enhet"} <= dispositions
    units = {r[column["enhet_hsaid"]] for r in rows}
    demo_units = extracts.demo_units()
    assert {demo_units[k] for k in ("kinna", "m5", "nava", "mark_home_health")} <= units
    assert units <= set(demo_units.values())


@pytest.mark.django_db
def test_same_seed_gives_the_same_files_byte_for_byte(tmp_path):
    today = dt.date(2026, 11, 22)
    generator.generate(seed=11, persons=600, today=today)
    first = extracts.write(11, today, tmp_path / "a")
    second = extracts.write(11, today, tmp_path / "b")
    other = extracts.write(12, today, tmp_path / "c")
    for name in (extracts.POPULATION_FILE, extracts.ENCOUNTERS_FILE):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert first.encounter_rows == second.encounter_rows > 0
    assert (tmp_path / "c" / extracts.ENCOUNTERS_FILE).read_bytes() != (tmp_path / "a" / extracts.ENCOUNTERS_FILE
                                                                         ).read_bytes()
    assert other.persons == first.persons == 600


def test_if_empty_refills_an_emptied_lake_and_then_does_nothing(loaded):
    assert run_demo("--if-empty").startswith("Demodata finns redan")
    assert RiskRun.objects.count() == 1
    shutil.rmtree(settings.NARA_LAKE_DIR)
    assert not lake.files()
    out = run_demo("--if-empty")
    assert "analyslagret är tomt" in out and not personnummer.PNR_IN_TEXT.search(out)
    assert set(lake.files()) == {"population", "encounters"}
    assert RiskRun.objects.filter(status=RiskRun.Status.SUCCEEDED).count() == 2
    assert Person.objects.count() == PERSONS
    assert run_demo("--if-empty").startswith("Demodata finns redan")
    assert RiskRun.objects.count() == 2


@pytest.mark.django_db
def test_a_fresh_region_over_a_lake_with_data_leaves_the_lake_alone(tmp_path):
    from nara.identify import services

    path = tmp_path / "befolkning.csv"
    number = personnummer.make(dt.date(1940, 5, 17), 983)
    path.write_text(f"personnummer;kommunkod\n{number};1463\n", encoding="utf-8")
    assert services.import_extract(contract.POPULATION, path).status == ImportBatch.Status.SUCCEEDED
    out = run_demo()
    assert "innehåller redan data" in out and not personnummer.PNR_IN_TEXT.search(out)
    assert Person.objects.count() == PERSONS
    assert ImportBatch.objects.count() == 1 and not RiskRun.objects.exists()
