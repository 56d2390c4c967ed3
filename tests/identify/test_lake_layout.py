"""The lake's files: a table split by the pseudonym's first hex digit, each file sorted by person and key, the
files in bucket order the whole table in order; readers (views, person_source) never see the split."""

import datetime as dt
import json

import duckdb
import pytest

from nara.identify import lake
from nara.identify.pseudonym import pseudonym
from nara.identify.services import import_extract

from .conftest import write_csv

pytestmark = pytest.mark.django_db

HEADER = [
    "kallsystem",
    "kontakt_id",
    "personnummer",
    "enhet_hsaid",
    "vardtyp",
    "kontaktform",
    "start",
    "andrad",
]


def personnummer(date: str, serial: int) -> str:
    """A valid personnummer (Luhn check digit over YYMMDDNNN)."""
    digits = f"{date[2:]}{serial:03d}"
    total = sum(sum(divmod(int(d) * (2 - i % 2), 10)) for i, d in enumerate(digits))
    return f"{date}-{serial:03d}{(10 - total % 10) % 10}"


PERSONS = [personnummer(f"19{30 + i}0{1 + i % 9}1{i % 10}", 100 + i) for i in range(24)]


def valid(number: str) -> bool:
    from nara.core.personnummer import parse

    parse(number)  # raises for an invalid one
    return True


def rows(versions: str, systems=("Cosmic", "PMO"), per_person=3):
    out = []
    for p, number in enumerate(PERSONS):
        for system in systems:
            for i in range(per_person):
                out.append(
                    [
                        system,
                        f"{p}-{i}",
                        number,
                        "SE2321000131-E000000000201",
                        "akutbesök",
                        "fysiskt besök",
                        f"2026-0{1 + i}-1{p % 9} 10:00",
                        versions,
                    ]
                )
    return out


def parts(table="encounters"):
    return json.loads((lake.lake_dir() / "manifest.json").read_text())["tables"][table]["files"]


def file_rows(part):
    with duckdb.connect() as con:
        return con.execute(
            f"SELECT pseudonym, source_system, encounter_id FROM "
            f"{lake.parquet_source(lake.lake_dir() / part['file'])}"
        ).fetchall()


def check_layout():
    files = parts()
    assert [p["bucket"] for p in files] == sorted({p["bucket"] for p in files})
    everything = []
    for part in files:
        got = file_rows(part)
        assert got == sorted(got)  # each file in FILE_ORDER
        assert {lake.bucket_of("encounters", r[0]) for r in got} == {part["bucket"]}
        assert part["rows"] == len(got)
        everything += got
    assert everything == sorted(everything)  # the files in bucket order: the whole table in order
    with lake.connect() as con:
        assert (
            con.execute("SELECT pseudonym, source_system, encounter_id FROM encounters").fetchall()
            == everything
        )
    return everything


def test_the_test_persons_are_valid():
    assert all(valid(n) for n in PERSONS)


def test_encounters_are_split_by_pseudonym_and_sorted(lake_dir, tmp_path):
    import_extract("encounters", write_csv(tmp_path / "a.csv", HEADER, rows("2026-03-02 00:00")))
    everything = check_layout()
    assert len(parts()) > 1 and len(everything) == len(set(everything))
    assert lake.files()["encounters"]["paths"] == [str(lake_dir / p["file"]) for p in parts()]
    assert lake.files()["encounters"]["rows"] == len(everything)


def test_a_merge_keeps_the_layout(lake_dir, tmp_path):
    import_extract(
        "encounters", write_csv(tmp_path / "a.csv", HEADER, rows("2026-03-02 00:00", systems=("Cosmic",)))
    )
    import_extract(
        "encounters", write_csv(tmp_path / "b.csv", HEADER, rows("2026-03-05 00:00", per_person=4))
    )
    everything = check_layout()
    assert len(everything) == len(set(everything)) == len(rows("x", per_person=4))


def test_person_source_reads_the_persons_file(lake_dir, tmp_path):
    import_extract("encounters", write_csv(tmp_path / "a.csv", HEADER, rows("2026-03-02 00:00")))
    for number in PERSONS:
        from nara.core.personnummer import parse

        p = pseudonym(parse(number).canonical)
        source = lake.person_source("encounters", p)
        assert source.count(".parquet") == 1
        with lake.connect() as con:
            mine = con.execute(f"SELECT count(*) FROM {source} WHERE pseudonym = ?", [p]).fetchone()[0]
            assert (
                mine
                == con.execute("SELECT count(*) FROM encounters WHERE pseudonym = ?", [p]).fetchone()[0]
                == 6
            )


def test_a_lake_written_before_the_split_is_read_and_merged(lake_dir, tmp_path, settings):
    """An old manifest names one file per table: readers use it, the next import rewrites it as buckets."""
    import_extract("encounters", write_csv(tmp_path / "a.csv", HEADER, rows("2026-03-02 00:00")))
    with lake.connect() as con:
        before = con.execute("SELECT * FROM encounters").fetchall()
    old = lake_dir / "encounters-old.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * FROM {lake.parquet_source([lake_dir / p['file'] for p in parts()])}) "
            f"TO '{old}' (FORMAT parquet)"
        )
    manifest = json.loads((lake_dir / "manifest.json").read_text())
    manifest["tables"]["encounters"] = {"file": old.name, "sha256": "0" * 64, "rows": len(before)}
    (lake_dir / "manifest.json").write_text(json.dumps(manifest))
    with lake.connect() as con:
        assert con.execute("SELECT * FROM encounters").fetchall() == before
    import_extract(
        "encounters",
        write_csv(tmp_path / "b.csv", HEADER, rows("2026-03-05 00:00", per_person=4)),
        extract_date=dt.date(2026, 3, 6),
    )
    check_layout()
    assert not old.exists() or old.name in {r["file"] for r in lake.read_manifest()["retired"]}


def test_a_merge_rewrites_only_the_buckets_it_changes(lake_dir, tmp_path):
    import_extract("encounters", write_csv(tmp_path / "a.csv", HEADER, rows("2026-03-02 00:00")))
    before = {p["bucket"]: p for p in parts()}
    inodes = {b: (lake_dir / p["file"]).stat().st_ino for b, p in before.items()}
    # A newer version of one person's encounters: only that person's bucket gets a new file.
    one = [r for r in rows("2026-03-05 00:00") if r[2] == PERSONS[0]]
    one[0][6] = "2026-02-01 08:00"
    import_extract("encounters", write_csv(tmp_path / "b.csv", HEADER, one), extract_date=dt.date(2026, 3, 6))
    from nara.core.personnummer import parse

    touched = lake.bucket_of("encounters", pseudonym(parse(PERSONS[0]).canonical))
    after = {p["bucket"]: p for p in parts()}
    assert after.keys() == before.keys()
    assert {b for b in after if after[b] != before[b]} == {touched}
    # Not even written again with the same bytes: the other files are the very same files.
    assert {b for b, p in after.items() if (lake_dir / p["file"]).stat().st_ino != inodes[b]} == {touched}
    check_layout()
    with lake.connect() as con:
        starts = con.execute(
            "SELECT start_at FROM encounters WHERE source_system = 'Cosmic' AND encounter_id = '0-0'"
        ).fetchall()
    assert starts == [(dt.datetime(2026, 2, 1, 8, 0),)]


def test_a_lake_split_another_way_is_read_whole_and_rewritten(lake_dir, tmp_path):
    """Files split for another number of buckets (an older or newer Nära): readers take all of them, and the next
    merge writes every bucket in today's layout instead of trusting the files' bucket numbers."""
    import_extract("encounters", write_csv(tmp_path / "a.csv", HEADER, rows("2026-03-02 00:00")))
    manifest = json.loads((lake_dir / "manifest.json").read_text())
    manifest["tables"]["encounters"]["buckets"] = 8
    (lake_dir / "manifest.json").write_text(json.dumps(manifest))
    from nara.core.personnummer import parse

    p = pseudonym(parse(PERSONS[0]).canonical)
    assert lake.person_source("encounters", p).count(".parquet") == len(parts())
    one = [r for r in rows("2026-03-05 00:00") if r[2] == PERSONS[0]][:1]
    one[0][6] = "2026-02-01 08:00"  # a real change, to one person's bucket
    import_extract("encounters", write_csv(tmp_path / "b.csv", HEADER, one), extract_date=dt.date(2026, 3, 6))
    assert json.loads((lake_dir / "manifest.json").read_text())["tables"]["encounters"]["buckets"] == 16
    before = {part["file"] for part in manifest["tables"]["encounters"]["files"]}
    assert not before & {part["file"] for part in parts()}  # every file written again
    check_layout()
    assert lake.person_source("encounters", p).count(".parquet") == 1
