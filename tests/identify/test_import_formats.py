"""Each extract format imports into the lake with the contract's mapping (docs/extract-contract.md)."""

import datetime as dt

import duckdb
import pytest

from nara.identify import lake
from nara.identify.models import ImportBatch, ReidentificationKey
from nara.identify.pseudonym import pseudonym
from nara.identify.services import import_extract

from .conftest import FILES

pytestmark = pytest.mark.django_db


def rows(table, order="1"):
    with lake.connect() as con:
        cursor = con.execute(f"SELECT * FROM {table} ORDER BY {order}")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_population_csv_comma_utf8(lake_dir):
    batch = import_extract("population", FILES / "population_comma_utf8.csv", extract_date=dt.date(2026, 10, 1))
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert (batch.rows_read, batch.rows_imported, batch.rows_rejected) == (5, 5, 0)
    by_person = {r["pseudonym"]: r for r in rows("population")}
    first = by_person[pseudonym("19320314-2413")]
    assert first == {
        "pseudonym": pseudonym("19320314-2413"), "birth_date": dt.date(1932, 3, 14), "sex": "M",
        "municipality_code": "1463", "listed_unit_hsa": "SE2321000131-E000000000101", "date_of_death": None,
        "extract_date": dt.date(2026, 10, 1),
    }
    # 12 digits without separator, and the short form: same canonical number, same pseudonym.
    assert by_person[pseudonym("19381102-3526")]["sex"] == "F"
    short = by_person[pseudonym("19410730-4687")]
    assert (short["birth_date"], short["date_of_death"], short["listed_unit_hsa"]) == (
        dt.date(1941, 7, 30), dt.date(2026, 9, 30), "SE2321000131-E000000000102")
    # A samordningsnummer: the birth date is the day minus 60.
    assert by_person[pseudonym("19400270-1110")]["birth_date"] == dt.date(1940, 2, 10)
    keys = dict(ReidentificationKey.objects.values_list("pseudonym", "personnummer"))
    assert keys[pseudonym("19410730-4687")] == "19410730-4687"
    assert len(keys) == 5


def test_encounters_csv_semicolon_windows_1252(lake_dir):
    batch = import_extract("encounters", FILES / "encounters_semicolon_cp1252.csv", extract_date=dt.date(2026, 9, 1))
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert batch.rows_imported == 6
    found = {r["encounter_id"]: r for r in rows("encounters")}
    first = found["K-1001"]
    assert first == {
        "source_system": "Cosmic", "encounter_id": "K-1001", "pseudonym": pseudonym("19320314-2413"),
        "unit_hsa": "SE2321000131-E000000000201", "care_type": "inpatient", "contact_form": "physical",
        "profession": "läkare", "start_at": dt.datetime(2026, 3, 1, 14, 5), "end_at": dt.datetime(2026, 3, 8, 10, 0),
        "planned": False, "main_diagnosis": "I509", "secondary_diagnoses": ["E119", "N183"],
        "discharge_disposition": "home", "version_at": dt.datetime(2026, 9, 1),
    }
    assert found["K-1002"]["discharge_disposition"] == "other_unit"
    assert found["K-1003"]["care_type"] == "primary_care"
    assert (found["K-1003"]["end_at"], found["K-1003"]["main_diagnosis"], found["K-1003"]["secondary_diagnoses"]) == (
        None, None, [])
    assert found["K-1003"]["profession"] == "sjuksköterska"
    assert (found["H-77"]["care_type"], found["H-77"]["contact_form"], found["H-77"]["planned"]) == (
        "home_health", "home_visit", True)
    assert found["K-1004"]["secondary_diagnoses"] == ["I10", "E785"]
    assert found["K-1004"]["contact_form"] == "digital"
    assert found["K-1005"]["discharge_disposition"] == "deceased"
    # Encounters of persons the lake did not know yet got their re-identification keys.
    assert ReidentificationKey.objects.count() == 5


def test_parquet_gives_the_same_lake_as_csv(lake_dir, tmp_path):
    """Typed Parquet columns (timestamps, a list of diagnoses) are read as the contract's text."""
    source = tmp_path / "encounters.parquet"
    con = duckdb.connect()
    con.execute(f"""
        COPY (SELECT kallsystem, kontakt_id, personnummer, enhet_hsaid, vardtyp, kontaktform, yrke,
                     CAST(replace("start", 'T', ' ') AS TIMESTAMP) AS "start", CAST(slut AS TIMESTAMP) AS slut,
                     planerad, huvuddiagnos, string_split(replace(bidiagnoser, ' ', ''), ',') AS bidiagnoser,
                     utskrivning_till
              FROM read_csv('{FILES / "encounters_semicolon_cp1252.csv"}', delim=';', all_varchar=true,
                            encoding='latin-1'))
        TO '{source}' (FORMAT parquet)
    """)
    con.close()
    batch = import_extract("encounters", source, extract_date=dt.date(2026, 9, 1))
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    from_parquet = rows("encounters", "encounter_id")
    for row in from_parquet:
        if row["encounter_id"] == "K-1001":
            row["secondary_diagnoses"] = ["E119", "N183"]  # the CSV field had '|', the Parquet list one element
    lake_dir_csv = tmp_path / "csv-lake"
    from django.conf import settings
    settings.NARA_LAKE_DIR = lake_dir_csv
    import_extract("encounters", FILES / "encounters_semicolon_cp1252.csv", extract_date=dt.date(2026, 9, 1))
    assert from_parquet == rows("encounters", "encounter_id")


def test_fhir_ndjson_encounters_with_conditions(lake_dir):
    batch = import_extract("encounters", FILES / "encounters_fhir.ndjson")
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    found = {r["encounter_id"]: r for r in rows("encounters")}
    assert found["K-2001"] == {
        "source_system": "Cosmic", "encounter_id": "K-2001", "pseudonym": pseudonym("19320314-2413"),
        "unit_hsa": "SE2321000131-E000000000201", "care_type": "inpatient", "contact_form": "physical",
        "profession": "läkare", "start_at": dt.datetime(2026, 3, 1, 14, 5), "end_at": dt.datetime(2026, 3, 8, 10, 0),
        "planned": False, "main_diagnosis": "I509", "secondary_diagnoses": ["E119"],
        "discharge_disposition": "home", "version_at": dt.datetime(2026, 3, 9, 8, 0),
    }
    second = found["K-2002"]
    assert second["pseudonym"] == pseudonym("19400270-1110")  # samordningsnummer system
    assert (second["care_type"], second["contact_form"], second["planned"]) == ("primary_care", "phone", True)
    assert second["start_at"] == dt.datetime(2026, 5, 10, 11, 0)  # 09:00 UTC is 11:00 in Swedish summer time
    assert (second["main_diagnosis"], second["secondary_diagnoses"]) == ("J441", [])
    assert second["unit_hsa"] == "SE2321000131-E000000000101"


def test_empty_lake_has_the_schema_columns(lake_dir):
    from nara.identify import schema

    with lake.connect() as con:
        for table, columns in (("population", schema.POPULATION), ("encounters", schema.ENCOUNTERS)):
            described = con.execute(f"DESCRIBE {table}").fetchall()
            assert [(r[0], r[1]) for r in described] == list(columns.items())
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    assert lake.files() == {}
