"""Importing the same data twice changes nothing; newer versions replace older; the lake never holds a
personnummer."""

import datetime as dt
import re

import pytest

from nara.identify import lake
from nara.identify.models import ImportBatch, ReidentificationKey
from nara.identify.services import import_extract

from .conftest import FILES, lake_snapshot, write_csv

pytestmark = pytest.mark.django_db

HEADER = ["kallsystem", "kontakt_id", "personnummer", "enhet_hsaid", "vardtyp", "kontaktform", "start", "slut",
          "huvuddiagnos", "andrad"]


def row(encounter_id, version, diagnosis="I50.9", pnr="19320314-2413", system="Cosmic"):
    return [system, encounter_id, pnr, "SE2321000131-E000000000201", "akutbesök", "fysiskt besök",
            "2026-03-01 10:00", "2026-03-01 12:00", diagnosis, version]


def diagnoses():
    with lake.connect() as con:
        return dict(con.execute("SELECT source_system || '/' || encounter_id, main_diagnosis FROM encounters").fetchall())


def test_same_file_twice_leaves_the_lake_byte_identical(lake_dir):
    for kind, name in (("population", "population_comma_utf8.csv"), ("encounters", "encounters_semicolon_cp1252.csv"),
                       ("encounters", "encounters_fhir.ndjson")):
        import_extract(kind, FILES / name, extract_date=dt.date(2026, 10, 1))
    before = lake_snapshot(lake_dir)
    assert {p.rsplit("/", 1)[-1] for f in lake.files().values() for p in f["paths"]} <= set(before)
    keys = ReidentificationKey.objects.count()
    for kind, name in (("population", "population_comma_utf8.csv"), ("encounters", "encounters_semicolon_cp1252.csv"),
                       ("encounters", "encounters_fhir.ndjson")):
        # A later extract date with identical content is no change either.
        batch = import_extract(kind, FILES / name, extract_date=dt.date(2026, 11, 1))
        assert batch.status == ImportBatch.Status.SUCCEEDED
        assert "varav 0 nya eller ändrade" in batch.message
    assert lake_snapshot(lake_dir) == before
    assert ReidentificationKey.objects.count() == keys


def test_same_content_gives_the_same_bytes_in_another_lake(lake_dir, tmp_path, settings):
    import_extract("encounters", FILES / "encounters_semicolon_cp1252.csv", extract_date=dt.date(2026, 10, 1))
    first = lake_snapshot(lake_dir)
    settings.NARA_LAKE_DIR = tmp_path / "other"
    import_extract("encounters", FILES / "encounters_semicolon_cp1252.csv", extract_date=dt.date(2026, 10, 1))
    assert {k: v for k, v in lake_snapshot(tmp_path / "other").items() if k != "manifest.json"} == \
        {k: v for k, v in first.items() if k != "manifest.json"}


def test_overlapping_extracts_newer_version_wins(lake_dir, tmp_path):
    first = write_csv(tmp_path / "a.csv", HEADER, [
        row("1", "2026-03-02 00:00"), row("2", "2026-03-02 00:00"), row("1", "2026-03-02 00:00", system="PMO")])
    import_extract("encounters", first)
    second = write_csv(tmp_path / "b.csv", HEADER, [
        row("2", "2026-03-05 00:00", diagnosis="J44.1"),  # newer: replaces
        row("1", "2026-03-01 00:00", diagnosis="S72.0"),  # older than what the lake has: ignored
        row("3", "2026-03-05 00:00"),  # new
    ])
    batch = import_extract("encounters", second)
    assert "2 nya eller ändrade" in batch.message and "analyslagret har nu 4 rader" in batch.message
    assert diagnoses() == {"Cosmic/1": "I509", "Cosmic/2": "J441", "Cosmic/3": "I509", "PMO/1": "I509"}
    with lake.connect() as con:
        assert con.execute("SELECT version_at FROM encounters WHERE encounter_id = '2' AND source_system = 'Cosmic'"
                           ).fetchone()[0] == dt.datetime(2026, 3, 5)


def test_equal_version_with_other_content_is_a_correction(lake_dir, tmp_path):
    import_extract("encounters", write_csv(tmp_path / "a.csv", HEADER, [row("1", "2026-03-02 00:00")]))
    import_extract("encounters", write_csv(tmp_path / "b.csv", HEADER, [row("1", "2026-03-02 00:00", "I10")]))
    assert diagnoses() == {"Cosmic/1": "I10"}


def test_newer_population_extract_replaces(lake_dir, tmp_path):
    header = ["personnummer", "kommunkod"]
    import_extract("population", write_csv(tmp_path / "a.csv", header, [["19320314-2413", "1463"]]),
                   extract_date=dt.date(2026, 1, 1))
    import_extract("population", write_csv(tmp_path / "b.csv", header, [["19320314-2413", "1490"]]),
                   extract_date=dt.date(2026, 6, 1))
    import_extract("population", write_csv(tmp_path / "c.csv", header, [["19320314-2413", "1443"]]),
                   extract_date=dt.date(2026, 3, 1))  # an older extract, imported late
    with lake.connect() as con:
        assert con.execute("SELECT municipality_code, extract_date FROM population").fetchall() == [
            ("1490", dt.date(2026, 6, 1))]


def test_no_personnummer_in_the_lake(lake_dir):
    import_extract("population", FILES / "population_comma_utf8.csv")
    import_extract("encounters", FILES / "encounters_semicolon_cp1252.csv")
    import_extract("encounters", FILES / "encounters_fhir.ndjson")
    numbers = set()
    for name in ("population_comma_utf8.csv", "encounters_semicolon_cp1252.csv", "encounters_fhir.ndjson"):
        numbers |= set(re.findall(r"(?<![0-9A-Z])(?:\d{6}|\d{8})-?\d{4}(?!\d)", (FILES / name).read_text(encoding="latin-1")))
    assert len(numbers) >= 6
    forms = {f for n in numbers for f in (n, n.replace("-", ""), n[-11:], n[-11:].replace("-", ""))}
    for path in lake_dir.iterdir():
        data = path.read_bytes()
        assert not any(f.encode() in data for f in forms), path
    with lake.connect() as con:
        for table in ("population", "encounters"):
            values = " ".join(str(v) for r in con.execute(f"SELECT * FROM {table}").fetchall() for v in r)
            assert not any(f in values for f in forms)
