"""CSV files a spreadsheet opens safely: the one way Nära writes CSV (issue 11 item 13).

A cell that starts with `=`, `+`, `-` or `@` is a formula to Excel, LibreOffice and Google Sheets, and a tab or
carriage return in front lets one slip through some importers ("CSV injection", OWASP). A name, a note or a
value from an extract file could then run a formula, fetch a URL with the sheet's data (HYPERLINK,
WEBSERVICE) or, in old Excel, start a program (DDE) on the machine of whoever opens the export. Such a cell
is written with a leading apostrophe, which spreadsheets show as text and never evaluate (OWASP's advice).

Only text is neutralised: numbers stay numbers. Python numbers (int, float, Decimal) are written as they
are, and so is text that is exactly a number (`-4`, `-36000,00`, `+1.5`: a sign, digits, at most one decimal
comma or point), which is how the statement writes its amounts in Swedish notation. Such a cell holds no
formula; anything more (`-1+1`, `-2+3+cmd|' /C calc'!A0`) is text and gets the apostrophe.

Use `writer(f, **csv options)` instead of `csv.writer`, `DictWriter` likewise, and `sql(expression)` around each
text column in a DuckDB `COPY … (FORMAT csv)`. tests/core/test_csv_safe.py fails when a module writes CSV
without this module.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
# The same rules for DuckDB (regular expressions in RE2 syntax).
_SQL_TRIGGER = r"^[=+\-@\t\r]"
_SQL_NUMBER = r"[+-]?[0-9]+([.,][0-9]+)?"
_SQL_PREFIX = "'" + PREFIX.replace("'", "''") + "'"


def cell(value):
    """One cell as written: None as empty, numbers unchanged, text with a leading apostrophe when a
    spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(text):
        return PREFIX + text
    return text


def row(values) -> list:
    return [cell(value) for value in values]


class _Writer:
    def __init__(self, inner):
        self._inner = inner

    @property
    def dialect(self):
        return self._inner.dialect

    def writerow(self, values):
        return self._inner.writerow(row(values))

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)


class _DictWriter:
    def __init__(self, inner: csv.DictWriter):
        self._inner = inner
        self.fieldnames = inner.fieldnames

    def writeheader(self):
        return self._inner.writerow({name: cell(name) for name in self.fieldnames})

    def writerow(self, values: dict):
        return self._inner.writerow({key: cell(value) for key, value in values.items()})

    def writerows(self, rows):
        for values in rows:
            self.writerow(values)


def writer(f, **options) -> _Writer:
    """csv.writer whose every cell goes through `cell`."""
    return _Writer(csv.writer(f, **options))


def dict_writer(f, fieldnames, **options) -> _DictWriter:
    """csv.DictWriter whose every cell (and header) goes through `cell`."""
    return _DictWriter(csv.DictWriter(f, fieldnames, **options))


def sql(expression: str) -> str:
    """DuckDB twin of `cell` for a text expression in a COPY to CSV (NULL stays NULL, an empty cell)."""
    text = f"CAST({expression} AS VARCHAR)"
    return (f"(CASE WHEN regexp_matches({text}, '{_SQL_TRIGGER}') AND NOT regexp_full_match({text}, "
            f"'{_SQL_NUMBER}') THEN {_SQL_PREFIX} || {text} ELSE {text} END)")
