"""A file that is not the contract's CSV says what was found (delimiter, encoding, binary content) and what is
expected, through `nara import` and through the upload page, instead of only "Kolumner saknas"."""

from __future__ import annotations

import zipfile

import duckdb
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from nara.identify.models import ImportBatch
from tests.world import build

pytestmark = pytest.mark.django_db

HEADER = ["kallsystem", "kontakt_id", "personnummer", "enhet_hsaid", "vardtyp", "kontaktform", "start"]
ROW = ["Cosmic", "K-1", "19320314-2413", "SE2321000131-E000000000201", "akutbesök", "fysiskt besök",
       "2026-03-01 14:05"]
MISSING = "Kolumner saknas i filen: kallsystem, kontakt_id, personnummer, enhet_hsaid, vardtyp, kontaktform, start."
EXPECTED_DELIMITERS = "Avgränsaren ska vara semikolon (;), komma (,) eller tabb."
EXPECTED_TEXT = "Importen läser CSV-text i UTF-8 (med eller utan BOM) eller Windows-1252"


def text(delimiter: str) -> str:
    return delimiter.join(HEADER) + "\r\n" + delimiter.join(ROW) + "\r\n"


def pipe_delimited(tmp_path):
    path = tmp_path / "kontakter.csv"
    path.write_text(text("|"), encoding="utf-8")
    return path


def spaces_windows_1252(tmp_path):
    """Spaces between the names, and 'Källsystem' in Windows-1252 (not UTF-8)."""
    path = tmp_path / "kontakter.csv"
    path.write_bytes((" ".join(["Källsystem", *HEADER[1:]]) + "\n" + " ".join(ROW) + "\n").encode("cp1252"))
    return path


def one_column_missing(tmp_path):
    path = tmp_path / "kontakter.csv"
    path.write_text(";".join(HEADER[:5] + HEADER[6:]) + "\n" + ";".join(ROW[:5] + ROW[6:]) + "\n", encoding="utf-8")
    return path


def utf16_excel_unicode_text(tmp_path):
    """What Excel writes as "Unicode-text": UTF-16 little endian with a BOM, tabs between the fields."""
    path = tmp_path / "kontakter.txt"
    path.write_bytes(text("\t").encode("utf-16"))
    return path


def utf16_big_endian_without_bom(tmp_path):
    path = tmp_path / "kontakter.csv"
    path.write_bytes(text(";").encode("utf-16-be"))
    return path


def excel_workbook(tmp_path):
    path = tmp_path / "kontakter.csv"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return path


def parquet_named_csv(tmp_path):
    path = tmp_path / "kontakter.csv"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT 'Cosmic' AS kallsystem, 'K-1' AS kontakt_id) TO '{path}' (FORMAT parquet)")
    con.close()
    return path


def other_binary(tmp_path):
    path = tmp_path / "kontakter.csv"
    path.write_bytes(bytes(range(256)) * 40)
    return path


CASES = {
    "pipe": (pipe_delimited, [
        MISSING,
        "Filen lästes som UTF-8 med komma (,) mellan fälten; rubrikraden gav 1 kolumn: "
        "”kallsystem|kontakt_id|personnummer|enhet_hsaid|vardtyp|kontaktform|start”.",
        "Rubrikraden verkar i stället ha lodstreck (|) mellan kolumnnamnen. " + EXPECTED_DELIMITERS,
    ]),
    "spaces": (spaces_windows_1252, [
        MISSING,
        "Filen lästes som Windows-1252 med komma (,) mellan fälten; rubrikraden gav 1 kolumn: "
        "”Källsystem kontakt_id personnummer enhet_hsaid vardtyp kontaktform start”.",
        "Rubrikraden verkar i stället ha mellanslag mellan kolumnnamnen. " + EXPECTED_DELIMITERS,
    ]),
    "one-missing": (one_column_missing, [
        "Kolumner saknas i filen: kontaktform.",
        "Filen lästes som UTF-8 med semikolon (;) mellan fälten; rubrikraden gav 6 kolumner: ”kallsystem”, "
        "”kontakt_id”, ”personnummer”, ”enhet_hsaid”, ”vardtyp”, ”start”.",
    ]),
    "utf16-le-bom": (utf16_excel_unicode_text, [
        "Filen är kodad som UTF-16 (little endian), som Excel skriver ”Unicode-text”. " + EXPECTED_TEXT
        + ": spara den som CSV UTF-8 (i Excel: Spara som → CSV UTF-8).",
    ]),
    "utf16-be": (utf16_big_endian_without_bom, [
        "Filen är kodad som UTF-16 (big endian). " + EXPECTED_TEXT
        + ": spara den som CSV UTF-8 (i Excel: Spara som → CSV UTF-8).",
    ]),
    "xlsx": (excel_workbook, [
        "Filen är ingen textfil utan binär: en zip-fil, till exempel en Excel-arbetsbok (.xlsx). " + EXPECTED_TEXT
        + ", med semikolon, komma eller tabb mellan fälten: spara arbetsboken som CSV UTF-8.",
    ]),
    "parquet": (parquet_named_csv, [
        "Filen är ingen textfil utan binär: en Parquet-fil. Ge den ändelsen .parquet (eller ange formatet "
        "parquet) så läses den som Parquet.",
    ]),
    "binary": (other_binary, [
        "Filen är ingen textfil utan binär. " + EXPECTED_TEXT
        + ", med semikolon, komma eller tabb mellan fälten.",
    ]),
}


@pytest.mark.parametrize("case", CASES)
def test_the_command_says_what_it_found_and_what_it_expects(lake_dir, tmp_path, case):
    make, expected = CASES[case]
    with pytest.raises(CommandError) as raised:
        call_command("import", "encounters", str(make(tmp_path)), "--no-progress")
    assert raised.value.returncode == 2
    message = str(raised.value)
    for sentence in expected:
        assert sentence in message
    if case not in ("pipe", "spaces", "one-missing"):
        assert "Kolumner saknas" not in message
    if case == "one-missing":
        assert "verkar i stället" not in message  # the delimiter was right
    assert "19320314" not in message and "2413" not in message
    assert ImportBatch.objects.get().status == ImportBatch.Status.REJECTED


def test_a_header_that_is_data_is_not_echoed(lake_dir, tmp_path):
    """Without a header row the 'columns' are the first row's values: a personnummer among them stays hidden."""
    path = tmp_path / "kontakter.csv"
    path.write_text(";".join(ROW) + "\n" + ";".join(ROW) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import", "encounters", str(path), "--no-progress")
    message = str(raised.value)
    assert "rubrikraden gav 7 kolumner: ”Cosmic”, ”K-1”, ”(dolt: liknar ett personnummer)”, " in message
    assert "19320314" not in message and "2413" not in message


@pytest.mark.parametrize("case", ["pipe", "utf16-le-bom", "xlsx", "binary"])
def test_the_upload_page_shows_the_same_explanation(client, settings, lake_dir, tmp_path, case):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    w = build()
    client.force_login(w.vc_analyst)
    make, expected = CASES[case]
    path = make(tmp_path)
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = client.post(reverse("identify:upload"), {"kind": "encounters", "file": upload})
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED
    page = client.get(response["Location"]).content.decode()
    message = page.split('data-testid="import-message"')[1].split("</div>")[0]
    for sentence in expected:
        assert sentence in message, sentence
