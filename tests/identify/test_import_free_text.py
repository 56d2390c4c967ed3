"""A personnummer belongs in the personnummer column only, which is pseudonymised: a value in any column the lake
stores as written (free text, an id, an HSA-id) that looks like one — in any spelling parse() accepts — refuses its
row, and the value is never echoed (message, report, log, page), for CSV, Parquet and the population extract."""

from __future__ import annotations

import csv
import logging
import re

import duckdb
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nara.identify import lake
from nara.identify.models import ImportBatch
from nara.identify.services import import_extract
from tests.world import build

from .conftest import write_csv
from .test_import_validation import GOOD, PERSON, encounters_file, errors_of

pytestmark = pytest.mark.django_db

PNR = "19511031-1239"  # a valid personnummer (not the row's own: a relative, a shifted column, a careless id)
DIGITS = PNR.replace("-", "")
REASON = ("Värdet innehåller något som liknar ett personnummer. Personnummer får bara stå i kolumnen "
          "personnummer (som pseudonymiseras); ta bort det ur det här fältet.")
HIDDEN = "(värde: ”(dolt: liknar ett personnummer)”)"

SPELLINGS = [
    PNR, DIGITS, "511031-1239", "5110311239", "19511031 1239", "1951 10 31 - 1239", "511031 1239",
    "200517+1232",  # a centenarian's plus form
    "19511091-1236",  # samordningsnummer
    "19511031-1238",  # a wrong check digit is still a birth date and a serial
]
CASES = [
    *[("yrke", f"läkare, anhörig {spelled}") for spelled in SPELLINGS],
    ("kontakt_id", f"{PNR}-0001"),
    ("kontakt_id", DIGITS),
    ("kontakt_id", f"K/{DIGITS}/1"),
    ("kallsystem", f"Cosmic {PNR}"),
    ("enhet_hsaid", f"SE2321000131-{DIGITS}"),
]


def assert_never_echoed(*texts: str) -> None:
    for text in texts:
        compact = re.sub(r"[\s+-]", "", text)
        assert DIGITS not in compact and DIGITS[2:] not in compact and "1951 10 31" not in text


def lake_text() -> str:
    """Every value of the lake's encounter table, as text."""
    with lake.connect() as con:
        rows = con.execute("SELECT * FROM encounters").fetchall()
    return repr(rows)


@pytest.mark.parametrize(("field", "value"), CASES, ids=[f"{f}-{i}" for i, (f, _v) in enumerate(CASES)])
def test_a_personnummer_outside_its_column_refuses_the_row(lake_dir, tmp_path, caplog, field, value):
    caplog.set_level(logging.DEBUG)
    batch = import_extract("encounters", encounters_file(tmp_path, {field: value}))
    assert batch.status == ImportBatch.Status.REJECTED
    assert errors_of(batch) == [f"Rad 3, {field}: {REASON} {HIDDEN}"]
    assert_never_echoed(batch.message, caplog.text)


@pytest.mark.parametrize(("field", "value"), CASES[:1] + CASES[-5:])
def test_with_accept_valid_rows_the_row_stays_out_of_the_lake_and_the_report_hides_it(
        lake_dir, tmp_path, field, value):
    report = tmp_path / "fel.csv"
    batch = import_extract("encounters", encounters_file(tmp_path, {field: value}), accept_valid_rows=True,
                           report_path=report)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert (batch.rows_imported, batch.rows_rejected) == (1, 1)
    with open(report, encoding="utf-8") as f:
        assert list(csv.reader(f, delimiter=";"))[1:] == [["3", field, REASON, "(dolt: liknar ett personnummer)"]]
    assert_never_echoed(report.read_text(encoding="utf-8"), batch.message, lake_text())


def test_ordinary_values_pass(lake_dir, tmp_path):
    """HSA-ids (an organisation number after SE, a serial after a letter), ids with shorter numbers, dates."""
    batch = import_extract("encounters", encounters_file(
        tmp_path, {"kontakt_id": "PV-1234567-12", "yrke": "sjuksköterska 2"},
        {"kontakt_id": "2026-03-01-0001", "enhet_hsaid": "SE2321000131-E000000000201"},
        {"kontakt_id": "123456789", "kallsystem": "Cosmic 2.1"}))
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message


def test_parquet_columns_are_checked_too(lake_dir, tmp_path):
    path = tmp_path / "kontakter.parquet"
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1, 'läkare'), (195110311239, 'läkare'), "
                f"(3, 'anhörig {PNR}')) v(id, yrke)")
    columns = ", ".join(f"'{v}' AS {c}" for c, v in GOOD.items() if c not in ("kontakt_id", "yrke"))
    con.execute(f"COPY (SELECT id AS kontakt_id, yrke, {columns} FROM t ORDER BY id) TO '{path}' (FORMAT parquet)")
    con.close()
    batch = import_extract("encounters", path)
    assert batch.status == ImportBatch.Status.REJECTED
    assert errors_of(batch) == [f"Rad 2, yrke: {REASON} {HIDDEN}", f"Rad 3, kontakt_id: {REASON} {HIDDEN}"]
    assert_never_echoed(batch.message)


def test_the_population_extract_is_checked_too(lake_dir, tmp_path):
    header = list(PERSON)
    third = {**PERSON, "personnummer": "19290105-5737", "fodelsedatum": "", "kon": "",
             "listad_enhet_hsaid": f"SE2321000131-{DIGITS}"}
    path = write_csv(tmp_path / "befolkning.csv", header, [[PERSON[c] for c in header], [third[c] for c in header]])
    batch = import_extract("population", path)
    assert batch.status == ImportBatch.Status.REJECTED
    assert errors_of(batch) == [f"Rad 3, listad_enhet_hsaid: {REASON} {HIDDEN}"]
    assert_never_echoed(batch.message)


def test_the_upload_page_shows_the_refusal_without_the_number(client, settings, lake_dir, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    w = build()
    client.force_login(w.vc_analyst)
    path = encounters_file(tmp_path, {"yrke": f"läkare, anhörig {PNR}"})
    upload = SimpleUploadedFile("kontakter.csv", path.read_bytes())
    response = client.post(reverse("identify:upload"), {"kind": "encounters", "file": upload})
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED
    page = client.get(response["Location"]).content.decode()
    errors = page.split('data-testid="import-errors"')[1].split("</table>")[0]
    assert f"<td>3</td><td>yrke</td><td>{REASON}</td><td>(dolt: liknar ett personnummer)</td>" in errors
    report = client.get(reverse("identify:upload_report", args=[ImportBatch.objects.get().pk]))
    assert_never_echoed(page, b"".join(report.streaming_content).decode("utf-8"), caplog.text)
