"""`nara import`: Swedish summary on success, non-zero exit and the reasons when the file is rejected."""

import io

import pytest
from django.core.management import CommandError, call_command

from nara.identify.models import ImportBatch

from .conftest import FILES, write_csv

pytestmark = pytest.mark.django_db


def test_import_command_succeeds_and_summarises(lake_dir):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "encounters", str(FILES / "encounters_semicolon_cp1252.csv"), stdout=out, stderr=err)
    assert "6 rader lästes in, varav 6 nya eller ändrade; analyslagret har nu 6 rader." in out.getvalue()
    assert ImportBatch.objects.get().status == ImportBatch.Status.SUCCEEDED


def test_import_command_fails_with_the_reasons(lake_dir, tmp_path):
    path = write_csv(tmp_path / "p.csv", ["personnummer", "kommunkod"], [["19320314-2414", "1463"]])
    with pytest.raises(CommandError) as raised:
        call_command("import", "population", str(path), "--no-progress")
    assert raised.value.returncode == 2
    assert "Rad 2, personnummer: Ogiltigt personnummer" in str(raised.value)
    assert "2414" not in str(raised.value)


def test_import_command_accepts_valid_rows_with_a_report(lake_dir, tmp_path):
    path = write_csv(tmp_path / "p.csv", ["personnummer", "kommunkod"], [["19320314-2413", "1463"], ["x", "1"]])
    report = tmp_path / "fel.csv"
    out = io.StringIO()
    call_command("import", "population", str(path), "--accept-valid-rows", "--report", str(report),
                 "--format", "csv", "--no-progress", stdout=out)
    assert "1 rader avvisades" in out.getvalue()
    assert report.read_text(encoding="utf-8").count("\n") == 3  # header + two errors on row 3
