"""Every row is checked; the report names row, field and reason in Swedish; bad files change nothing."""

import csv
import datetime as dt

import pytest

from nara.identify import lake
from nara.identify.importing import contract
from nara.identify.models import ImportBatch, ReidentificationKey
from nara.identify.services import import_extract

from .conftest import lake_snapshot, write_csv

pytestmark = pytest.mark.django_db

GOOD = {
    "kallsystem": "Cosmic", "kontakt_id": "K-1", "personnummer": "19320314-2413",
    "enhet_hsaid": "SE2321000131-E000000000201", "vardtyp": "slutenvårdstillfälle", "kontaktform": "fysiskt besök",
    "yrke": "läkare", "start": "2026-03-01 14:05", "slut": "2026-03-08 10:00", "planerad": "nej",
    "huvuddiagnos": "I50.9", "bidiagnoser": "E11.9|N18.3", "utskrivning_till": "hem",
}
PERSON = {"personnummer": "19381102-3526", "fodelsedatum": "1938-11-02", "kon": "K", "kommunkod": "1463",
          "listad_enhet_hsaid": "SE2321000131-E000000000101", "dodsdatum": ""}
WRONG_CHECK_DIGIT = "19320314-2414"


def encounters_file(tmp_path, *changes, name="kontakter.csv"):
    """A file whose row 2 is GOOD and rows 3… are GOOD with each change applied (and their own ids)."""
    rows = [dict(GOOD)]
    for i, change in enumerate(changes, start=2):
        rows.append({**GOOD, "kontakt_id": f"K-{i}", **change})
    header = list(GOOD)
    return write_csv(tmp_path / name, header, [[r[c] for c in header] for r in rows])


def errors_of(batch):
    """(row, field, reason) from the rejection message's lines."""
    return batch.message.splitlines()[1:]


ENCOUNTER_CASES = [
    ({"personnummer": WRONG_CHECK_DIGIT}, "personnummer",
     "Ogiltigt personnummer: Kontrollsiffran (sista siffran) stämmer inte. Kontrollera numret."),
    ({"personnummer": "19321314-2413"}, "personnummer",
     "Ogiltigt personnummer: Månaden i personnumret finns inte (måste vara 01–12)."),
    ({"personnummer": "abc"}, "personnummer",
     "Ogiltigt personnummer: Personnumret har fel format. Skriv det som ÅÅÅÅMMDD-NNNN (12 siffror) eller ÅÅMMDD-NNNN."),
    ({"personnummer": ""}, "personnummer", "Värde saknas."),
    ({"vardtyp": "tandvård"}, "vardtyp",
     "Okänd vårdtyp. Tillåtna: primärvårdsbesök, akutbesök, slutenvårdstillfälle, specialiserad öppenvård, "
     "hemsjukvårdsbesök. (värde: ”tandvård”)"),
    ({"kontaktform": "brev"}, "kontaktform",
     "Okänd kontaktform. Tillåtna: fysiskt besök, hembesök, telefon, digitalt. (värde: ”brev”)"),
    ({"slut": "2026-02-28 10:00"}, "slut", "Sluttiden är före starttiden. (värde: ”2026-02-28 10:00”)"),
    ({"start": "2099-01-01 10:00", "slut": ""}, "start", "Tidpunkten ligger i framtiden. (värde: ”2099-01-01 10:00”)"),
    ({"start": "2026-02-30"}, "start",
     "Ogiltig tidpunkt (skriv ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM, t.ex. 2026-11-22 14:05). (värde: ”2026-02-30”)"),
    ({"start": "1/3/2026"}, "start",
     "Ogiltig tidpunkt (skriv ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM, t.ex. 2026-11-22 14:05). (värde: ”1/3/2026”)"),
    ({"huvuddiagnos": "50.9"}, "huvuddiagnos",
     "Ogiltig ICD-10-kod (förväntat t.ex. I50.9 eller I509). (värde: ”50.9”)"),
    ({"bidiagnoser": "E11.9|XX"}, "bidiagnoser",
     "Ogiltig ICD-10-kod (förväntat t.ex. I50.9 eller I509). (värde: ”XX”)"),
    ({"planerad": "kanske"}, "planerad", "Okänt värde för planerad (använd ja eller nej). (värde: ”kanske”)"),
    ({"utskrivning_till": "rymt"}, "utskrivning_till",
     "Okänt värde för utskrivning till. Tillåtna: hem, annan enhet, avliden. (värde: ”rymt”)"),
    ({"enhet_hsaid": "vårdcentralen"}, "enhet_hsaid",
     "Ogiltigt HSA-id (t.ex. SE2321000131-E000000000001). (värde: ”vårdcentralen”)"),
    ({"kallsystem": ""}, "kallsystem", "Värde saknas."),
    ({"kontakt_id": "K-1"}, "kontakt_id", "Vårdkontakten finns redan på rad 2 i filen. (värde: ”K-1”)"),
    # Spaces around a value are not part of it: only spaces is no value, and a padded key is the same key.
    ({"kallsystem": "   "}, "kallsystem", "Värde saknas."),
    ({"personnummer": "  "}, "personnummer", "Värde saknas."),
    ({"vardtyp": " "}, "vardtyp", "Värde saknas."),
    ({"kallsystem": " Cosmic ", "kontakt_id": " K-1"}, "kontakt_id",
     "Vårdkontakten finns redan på rad 2 i filen. (värde: ”K-1”)"),
]


@pytest.mark.parametrize(("change", "field", "reason"), ENCOUNTER_CASES, ids=[c[1] + "-" + str(i) for i, c in enumerate(ENCOUNTER_CASES)])
def test_each_kind_of_bad_encounter_row_is_named(lake_dir, tmp_path, change, field, reason):
    batch = import_extract("encounters", encounters_file(tmp_path, {}, change))
    assert batch.status == ImportBatch.Status.REJECTED
    assert errors_of(batch) == [f"Rad 4, {field}: {reason}"]
    assert batch.message.splitlines()[0] == \
        "Filen avvisades: 1 av 3 rader har fel (1 fel). Ingenting har sparats."
    assert WRONG_CHECK_DIGIT not in batch.message and "19320314" not in batch.message


POPULATION_CASES = [
    ({"kommunkod": "14"}, "kommunkod", "Ogiltig kommunkod (fyra siffror, t.ex. 1463). (värde: ”14”)"),
    ({"kommunkod": ""}, "kommunkod", "Värde saknas."),
    ({"fodelsedatum": "1929-01-06"}, "fodelsedatum",
     "Födelsedatumet stämmer inte med personnumret. (värde: ”1929-01-06”)"),
    ({"kon": "K"}, "kon", "Könet stämmer inte med personnumret. (värde: ”K”)"),
    ({"kon": "X"}, "kon", "Okänt kön (använd K eller M). (värde: ”X”)"),
    ({"dodsdatum": "2099-12-31"}, "dodsdatum", "Datumet ligger i framtiden. (värde: ”2099-12-31”)"),
    ({"dodsdatum": "1928-01-01"}, "dodsdatum", "Dödsdatumet är före födelsedatumet. (värde: ”1928-01-01”)"),
    ({"dodsdatum": "31/12/2025"}, "dodsdatum",
     "Ogiltigt datum (skriv ÅÅÅÅ-MM-DD, t.ex. 2026-11-22). (värde: ”31/12/2025”)"),
    ({"personnummer": "381102-3526", "fodelsedatum": "", "kon": ""}, "personnummer",
     "Personen finns redan på rad 2 i filen."),
    ({"personnummer": "19290105-5738"}, "personnummer",
     "Ogiltigt personnummer: Kontrollsiffran (sista siffran) stämmer inte. Kontrollera numret."),
]


@pytest.mark.parametrize(("change", "field", "reason"), POPULATION_CASES, ids=[c[1] + "-" + str(i) for i, c in enumerate(POPULATION_CASES)])
def test_each_kind_of_bad_population_row_is_named(lake_dir, tmp_path, change, field, reason):
    other = {**PERSON, "personnummer": "19441224-6805", "fodelsedatum": "", "kon": ""}
    header = list(PERSON)
    third = {**PERSON, "personnummer": "19290105-5737", "fodelsedatum": "1929-01-05", "kon": "M", **change}
    rows = [[PERSON[c] for c in header], [other[c] for c in header], [third[c] for c in header]]
    batch = import_extract("population", write_csv(tmp_path / "befolkning.csv", header, rows, delimiter=","))
    assert batch.status == ImportBatch.Status.REJECTED
    assert errors_of(batch) == [f"Rad 4, {field}: {reason}"]


def test_several_errors_in_one_row_and_malformed_lines(lake_dir, tmp_path):
    path = encounters_file(tmp_path, {"vardtyp": "x", "start": "igår", "personnummer": WRONG_CHECK_DIGIT})
    with open(path, "a", encoding="utf-8") as f:
        f.write("Cosmic;K-9;för;få;fält\n")
    batch = import_extract("encounters", path)
    assert errors_of(batch) == [
        "Rad 3, personnummer: Ogiltigt personnummer: Kontrollsiffran (sista siffran) stämmer inte. Kontrollera numret.",
        "Rad 3, vardtyp: Okänd vårdtyp. Tillåtna: primärvårdsbesök, akutbesök, slutenvårdstillfälle, "
        "specialiserad öppenvård, hemsjukvårdsbesök. (värde: ”x”)",
        "Rad 3, start: Ogiltig tidpunkt (skriv ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM, t.ex. 2026-11-22 14:05). "
        "(värde: ”igår”)",
        "Rad 4: Raden har fel antal fält.",
    ]


def test_missing_column_rejects_the_file(lake_dir, tmp_path):
    path = write_csv(tmp_path / "k.csv", ["kallsystem", "kontakt_id"], [["Cosmic", "1"]])
    batch = import_extract("encounters", path)
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.message.startswith(
        "Kolumner saknas i filen: personnummer, enhet_hsaid, vardtyp, kontaktform, start.")


def test_a_bad_file_changes_nothing(lake_dir, tmp_path):
    first = import_extract("encounters", encounters_file(tmp_path, {"kontakt_id": "K-7"}))
    assert first.status == ImportBatch.Status.SUCCEEDED
    before, keys_before = lake_snapshot(lake_dir), list(ReidentificationKey.objects.values_list("pk", flat=True))
    bad = encounters_file(tmp_path, {"personnummer": "19441224-6805", "kontakt_id": "K-8"},
                          {"vardtyp": "okänd"}, name="bad.csv")
    batch = import_extract("encounters", bad)
    assert batch.status == ImportBatch.Status.REJECTED
    assert lake_snapshot(lake_dir) == before
    assert list(ReidentificationKey.objects.values_list("pk", flat=True)) == keys_before  # no half-written keys
    assert not batch.report_path


def test_accept_valid_rows_imports_the_good_and_reports_the_bad(lake_dir, tmp_path):
    path = encounters_file(tmp_path, {"personnummer": WRONG_CHECK_DIGIT}, {"slut": "2026-01-01"},
                           {"personnummer": "19441224-6805"})
    report = tmp_path / "fel.csv"
    batch = import_extract("encounters", path, accept_valid_rows=True, report_path=report)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert (batch.rows_read, batch.rows_imported, batch.rows_rejected) == (4, 2, 2)
    assert batch.report_path == str(report)
    with open(report, encoding="utf-8") as f:
        lines = list(csv.reader(f, delimiter=";"))
    assert lines == [
        ["rad", "falt", "orsak", "varde"],
        ["3", "personnummer", "Ogiltigt personnummer: Kontrollsiffran (sista siffran) stämmer inte. Kontrollera numret.", ""],
        ["4", "slut", "Sluttiden är före starttiden.", "2026-01-01"],
    ]
    assert "1932" not in report.read_text()
    with lake.connect() as con:
        assert con.execute("SELECT list(encounter_id ORDER BY encounter_id) FROM encounters").fetchone()[0] == ["K-1", "K-4"]


def test_accept_valid_rows_without_report_path_writes_one_under_var(lake_dir, tmp_path):
    batch = import_extract("encounters", encounters_file(tmp_path, {"vardtyp": "?"}), accept_valid_rows=True)
    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert batch.report_path.startswith(str(tmp_path / "import-reports"))
    assert "vardtyp" in open(batch.report_path, encoding="utf-8").read()


def test_values_that_look_like_a_personnummer_are_hidden(lake_dir, tmp_path):
    batch = import_extract("encounters", encounters_file(tmp_path, {"yrke": "x", "vardtyp": "19441224-6805"}))
    assert errors_of(batch)[0].endswith("(värde: ”(dolt: liknar ett personnummer)”)")
    assert "6805" not in batch.message


def test_unknown_format_and_fhir_population_are_refused(lake_dir, tmp_path):
    odd = tmp_path / "x.xlsx"
    odd.write_bytes(b"PK")
    assert import_extract("population", odd).message.startswith("Okänt filformat ”.xlsx”")
    fhir = tmp_path / "p.ndjson"
    fhir.write_text("{}\n")
    assert import_extract("population", fhir).message == "FHIR NDJSON kan bara användas för vårdkontakter."


def test_fhir_problems_are_reported_by_line(lake_dir, tmp_path):
    path = tmp_path / "e.ndjson"
    path.write_text(
        '{"resourceType": "Encounter", "id": "e1", "identifier": [{"value": "1"}], "meta": {"source": "X"},'
        ' "class": {"code": "AMB"}, "subject": {"identifier": {"system": '
        '"http://electronichealth.se/identifier/personnummer", "value": "19320314-2413"}},'
        ' "serviceProvider": {"identifier": {"value": "SE2321000131-E000000000201"}},'
        ' "period": {"start": "2026-01-01T10:00:00+01:00"}}\n'
        "not json\n"
        '{"resourceType": "Condition", "encounter": {"reference": "Encounter/nope"}, "code": {"coding": [{"code": "I10"}]}}\n'
    )
    batch = import_extract("encounters", path)
    assert errors_of(batch) == [
        "Rad 1, vardtyp: Okänd vårdtyp. Tillåtna: primärvårdsbesök, akutbesök, slutenvårdstillfälle, "
        "specialiserad öppenvård, hemsjukvårdsbesök. (värde: ”AMB”)",
        "Rad 2: Raden är inte giltig JSON.",
        "Rad 3, Condition.encounter: Diagnosen hänvisar till en vårdkontakt som inte finns i filen. "
        "(värde: ”Encounter/nope”)",
    ]


def test_contract_columns_cover_the_schema():
    assert set(contract.ALIASES.values()) <= set(contract.COLUMNS["population"]) | set(contract.COLUMNS["encounters"])
    assert dt.date  # keep the import list honest for readers: dates are parsed in SQL, not here


def test_values_are_read_without_the_spaces_around_them(lake_dir, tmp_path):
    """Exports pad fields; every field means the same with or without spaces around it (one is left blank)."""
    padded = {column: f"  {value} " for column, value in GOOD.items()}
    padded["utskrivning_till"] = "   "
    path = write_csv(tmp_path / "kontakter.csv", list(GOOD), [list(padded.values())])
    batch = import_extract("encounters", path)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    with lake.connect() as con:
        row = con.execute("SELECT source_system, encounter_id, unit_hsa, care_type, contact_form, profession, planned, "
                          "main_diagnosis, secondary_diagnoses, discharge_disposition FROM encounters").fetchall()
    assert row == [("Cosmic", "K-1", "SE2321000131-E000000000201", "inpatient", "physical", "läkare", False, "I509",
                    ["E119", "N183"], None)]
    assert list(ReidentificationKey.objects.values_list("personnummer", flat=True)) == ["19320314-2413"]
