"""Load an extract file into DuckDB as text: `src` (`_rad` + the contract's columns, trimmed, '' → NULL)
and table `src_errors` (rows that could not even be read: wrong number of fields, broken quotes, bad JSON).

`_rad` is what a person looks up in the file: the line number for CSV (the header is line 1) and NDJSON, the
row number (from 1) for Parquet. Everything stays text here; validation parses it, so one bad value becomes one
reported error instead of a failed cast. Each date/time column also comes as `<column>__present` (a value is
given) and `<column>__ts` (the value as a TIMESTAMP, NULL when it cannot be read): for a Parquet column that is
already a DATE or TIMESTAMP these skip the round trip through text, with the same result. Every other column
also comes as `<column>__raw`, the text as the file holds it (not trimmed): validation trims and checks each
distinct value once (validate._dictionary) instead of trimming every row.

`src` is a view over the file (Parquet), or over the scratch Parquet file a CSV is parsed into once, not a copy:
each of its columns is computed only where a query uses it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from nara.core.personnummer import PNR_IN_TEXT
from nara.identify.importing import contract, fhir
from nara.identify.importing.errors import ExtractRejected
from nara.identify.lake import sql_literal

FORMATS = ("csv", "parquet", "ndjson")
SUFFIXES = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet", ".ndjson": "ndjson",
            ".jsonl": "ndjson"}
ERRORS_TABLE = "CREATE OR REPLACE TABLE src_errors (_rad BIGINT, falt VARCHAR, orsak VARCHAR, varde VARCHAR)"
TEMPORAL = ("fodelsedatum", "dodsdatum", "uttagsdatum", "start", "slut", "andrad")
TIMESTAMP_SHAPE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?"
# A native value whose text has this shape (4-digit year): exactly the values the text route reads back unchanged.
NATIVE_RANGE = "BETWEEN TIMESTAMP '0001-01-01 00:00:00' AND TIMESTAMP '9999-12-31 23:59:59.999999'"


def timestamp_sql(text: str) -> str:
    return f"(CASE WHEN regexp_full_match({text}, '{TIMESTAMP_SHAPE}') THEN try_cast({text} AS TIMESTAMP) END)"


def detect_format(path: Path) -> str:
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ExtractRejected(
            _("Okänt filformat ”%(suffix)s”. Använd .csv, .parquet eller .ndjson, eller ange formatet.")
            % {"suffix": path.suffix}
        )
    return fmt


def load(con: duckdb.DuckDBPyConnection, kind: str, path: Path, fmt: str, scratch: Path) -> int:
    """Create `src` and `src_errors` from the file; return the number of data rows read."""
    if path.stat().st_size == 0:
        raise ExtractRejected(_("Filen är tom."))
    con.execute(ERRORS_TABLE)
    if fmt == "csv":
        _load_csv(con, kind, path, scratch)
    elif fmt == "parquet":
        _load_parquet(con, kind, path)
    elif fmt == "ndjson":
        if kind != contract.ENCOUNTERS:
            raise ExtractRejected(_("FHIR NDJSON kan bara användas för vårdkontakter."))
        _load_ndjson(con, path, scratch)
    else:
        raise ExtractRejected(_("Okänt filformat ”%(suffix)s”.") % {"suffix": fmt})
    return con.execute("SELECT (SELECT count(*) FROM src) + (SELECT count(DISTINCT _rad) FROM src_errors)").fetchone()[0]


def _select_src(kind: str, names: dict[str, str], row_expr: str, source: str, exprs: dict[str, str] | None = None,
                native: dict[str, str] | None = None, create: str = "TABLE") -> str:
    """CREATE for `src`: the file's columns under their contract names (missing optional ones as NULL).
    `native`: contract column → a TIMESTAMP expression for date/time columns the file already types."""
    missing = [c for c in contract.REQUIRED[kind] if c not in names]
    if missing:
        raise ExtractRejected(
            _("Kolumner saknas i filen: %(columns)s. Se importkontraktet (docs/extract-contract.md).")
            % {"columns": ", ".join(missing)}
        )
    parts = [f"{row_expr} AS _rad"]
    raw_parts = []
    for column in contract.COLUMNS[kind]:
        if column in names:
            value = (exprs or {}).get(column) or f'CAST("{names[column]}" AS VARCHAR)'
            text = f"nullif(trim({value}), '')"
        else:
            value = text = "CAST(NULL AS VARCHAR)"
        parts.append(f"{text} AS {column}")
        if column not in TEMPORAL:
            raw_parts.append((column, value))
            continue
        if column in (native or {}):
            raw = f'"{names[column]}"'
            parts.append(f"{raw} IS NOT NULL AS {column}__present")
            parts.append(f"CASE WHEN {native[column]} {NATIVE_RANGE} THEN {native[column]} END AS {column}__ts")
        else:
            parts.append(f"{text} IS NOT NULL AS {column}__present")
            parts.append(f"{timestamp_sql(text)} AS {column}__ts")
    if create == "VIEW":
        parts += [f"{value} AS {column}__raw" for column, value in raw_parts]
        return f"CREATE OR REPLACE VIEW src AS SELECT {', '.join(parts)} FROM {source}"
    # A table holds the trimmed text once; its `__raw` columns are that text (trimming it again changes nothing).
    raw = ", ".join(f"{column} AS {column}__raw" for column, _value in raw_parts)
    return (f"CREATE OR REPLACE TABLE src_rows AS SELECT {', '.join(parts)} FROM {source}; "
            f"CREATE OR REPLACE VIEW src AS SELECT *, {raw} FROM src_rows")


def _contract_names(headers: list[str]) -> dict[str, str]:
    """Contract name → the file's header; a column given twice is an error, unknown columns are ignored."""
    names: dict[str, str] = {}
    for header in headers:
        name = contract.column_name(header)
        if name in names:
            raise ExtractRejected(_("Kolumnen %(column)s finns flera gånger i filen.") % {"column": _shown_column(name)})
        names[name] = header.replace('"', '""')
    return names


# --- CSV --------------------------------------------------------------------------------------------------

SAMPLE_BYTES = 1 << 16  # the start of the file, for the delimiter and for what kind of file it is
DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": gettext_lazy("semikolon (;)"), ",": gettext_lazy("komma (,)"), "\t": gettext_lazy("tabb"),
                   "|": gettext_lazy("lodstreck (|)"), " ": gettext_lazy("mellanslag")}
UTF8, CP1252 = "UTF-8", "Windows-1252"  # the encodings the contract accepts, as the messages name them
COLUMNS_SHOWN = 12
HIDDEN = gettext_lazy("(dolt: liknar ett personnummer)")


def _delimiter(sample: bytes) -> str:
    """Swedish systems export with ';' (Excel's list separator in Swedish) or ','; the header line decides."""
    header = sample.split(b"\n", 1)[0]
    counts = {d: header.count(d.encode()) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _unicode_encoding(sample: bytes) -> str | None:
    """UTF-16 or UTF-32 (by the byte order mark, or by the zero bytes of their mostly-ASCII text): Unicode, but
    not an encoding the contract accepts. None for anything else."""
    boms = ((b"\xff\xfe\x00\x00", "UTF-32 (little endian)"), (b"\x00\x00\xfe\xff", "UTF-32 (big endian)"),
            (b"\xff\xfe", "UTF-16 (little endian)"), (b"\xfe\xff", "UTF-16 (big endian)"))
    for bom, name in boms:
        if sample.startswith(bom):
            return name
    head = sample[:4096]
    head = head[:len(head) - len(head) % 4]
    if len(head) < 8 or not head.count(0):
        return None

    def zero(start: int, step: int) -> float:
        part = head[start::step]
        return part.count(0) / len(part)

    if min(zero(1, 4), zero(2, 4), zero(3, 4)) > 0.9 and zero(0, 4) < 0.1:
        return "UTF-32 (little endian)"
    if min(zero(0, 4), zero(1, 4), zero(2, 4)) > 0.9 and zero(3, 4) < 0.1:
        return "UTF-32 (big endian)"
    if zero(1, 2) > 0.7 and zero(0, 2) < 0.1:
        return "UTF-16 (little endian)"
    if zero(0, 2) > 0.7 and zero(1, 2) < 0.1:
        return "UTF-16 (big endian)"
    return None


def _binary_kind(sample: bytes) -> str | None:
    """What a file that is not text is (a message), or None for text. Text in UTF-8 or Windows-1252 never holds a
    zero byte and hardly any other control character."""
    signatures = (
        (b"PK\x03\x04", _("Filen är ingen textfil utan binär: en zip-fil, till exempel en Excel-arbetsbok (.xlsx). "
                          "Importen läser CSV-text i UTF-8 (med eller utan BOM) eller Windows-1252, med semikolon, "
                          "komma eller tabb mellan fälten: spara arbetsboken som CSV UTF-8.")),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
         _("Filen är ingen textfil utan binär: en äldre Excel-arbetsbok (.xls). Importen läser CSV-text i UTF-8 "
           "(med eller utan BOM) eller Windows-1252, med semikolon, komma eller tabb mellan fälten: spara "
           "arbetsboken som CSV UTF-8.")),
        (b"PAR1", _("Filen är ingen textfil utan binär: en Parquet-fil. Ge den ändelsen .parquet (eller ange "
                    "formatet parquet) så läses den som Parquet.")),
        (b"\x1f\x8b", _("Filen är ingen textfil utan binär: en gzip-komprimerad fil. Packa upp den först. Importen "
                        "läser CSV-text i UTF-8 (med eller utan BOM) eller Windows-1252, med semikolon, komma eller "
                        "tabb mellan fälten.")),
    )
    for signature, message in signatures:
        if sample.startswith(signature):
            return message
    controls = sum(sample.count(bytes([b])) for b in (*range(0, 9), *range(14, 32), 127))
    if sample.count(0) or controls > len(sample) // 100:
        return _("Filen är ingen textfil utan binär. Importen läser CSV-text i UTF-8 (med eller utan BOM) eller "
                 "Windows-1252, med semikolon, komma eller tabb mellan fälten.")
    return None


def _refuse_unless_text(sample: bytes) -> None:
    """A file the CSV reader would only turn into "columns missing": say what it is and what is expected."""
    encoding = _unicode_encoding(sample)
    expected = _("Importen läser CSV-text i UTF-8 (med eller utan BOM) eller Windows-1252: spara den som CSV UTF-8 "
                 "(i Excel: Spara som → CSV UTF-8).")
    if encoding == "UTF-16 (little endian)":
        raise ExtractRejected(_("Filen är kodad som UTF-16 (little endian), som Excel skriver ”Unicode-text”.")
                              + " " + expected)
    if encoding:
        raise ExtractRejected(_("Filen är kodad som %(encoding)s.") % {"encoding": encoding} + " " + expected)
    if message := _binary_kind(sample):
        raise ExtractRejected(message)


def _shown_column(name: str) -> str:
    """A header as a message may show it: the first row may be data (a file without a header row)."""
    name = name.lstrip("\ufeff")
    if PNR_IN_TEXT.search(name):
        name = str(HIDDEN)
    return "”" + (name if len(name) <= 80 else name[:79] + "…") + "”"


def _delimiter_name(delimiter: str) -> str:
    return str(DELIMITER_NAMES.get(delimiter) or f"”{delimiter}”")


def _columns_missing(kind: str, missing: list[str], headers: list[str], header_line: str, delimiter: str,
                     encoding: str) -> str:
    """Which columns are missing, how the file was read (encoding, delimiter, the columns that gave) and, when
    another character splits the header line into more of the contract's columns, that it seems to be the
    delimiter."""
    shown = ", ".join(_shown_column(h) for h in headers[:COLUMNS_SHOWN])
    if len(headers) > COLUMNS_SHOWN:
        shown += " " + _("och %(count)s till") % {"count": len(headers) - COLUMNS_SHOWN}
    parts = [
        _("Kolumner saknas i filen: %(columns)s.") % {"columns": ", ".join(missing)},
        ngettext("Filen lästes som %(encoding)s med %(delimiter)s mellan fälten; rubrikraden gav %(count)s kolumn: "
                 "%(columns)s.",
                 "Filen lästes som %(encoding)s med %(delimiter)s mellan fälten; rubrikraden gav %(count)s kolumner: "
                 "%(columns)s.", len(headers))
        % {"encoding": encoding, "delimiter": _delimiter_name(delimiter), "count": len(headers), "columns": shown},
    ]
    required = set(contract.REQUIRED[kind])

    def found(separator: str) -> int:
        return len(required & {contract.column_name(part) for part in header_line.split(separator)})

    candidates = {ch for ch in header_line if not (ch.isalnum() or ch in "_-\"\ufeff")} - {delimiter}
    best = max(sorted(candidates), key=found, default=None)
    if best is not None and found(best) > found(delimiter):
        parts.append(_("Rubrikraden verkar i stället ha %(delimiter)s mellan kolumnnamnen. Avgränsaren ska vara "
                       "semikolon (;), komma (,) eller tabb.") % {"delimiter": _delimiter_name(best)})
    parts.append(_("Se importkontraktet (docs/extract-contract.md)."))
    return " ".join(parts)


def _read_csv(con, path: Path, delimiter: str, scratch: Path) -> bool:
    """Parse the file once into a scratch Parquet file of its text, in file order, and make `raw_csv` a view
    over it (`file_row_number` = position among the rows read); rejects go into `csv_rejects`. False on
    invalid UTF-8. The text is read from that file by each scan (a few columns at a time, compressed), so a
    region's 5 GB CSV neither fills memory nor goes through DuckDB's spill files."""
    con.execute("DROP TABLE IF EXISTS csv_rejects; DROP TABLE IF EXISTS csv_scans")
    scratch.mkdir(parents=True, exist_ok=True)
    text = sql_literal(str(scratch / "extract-text.parquet"))
    con.execute("SET preserve_insertion_order = true")  # file order: file_row_number is the row's position
    con.execute(f"""
        COPY (SELECT * FROM read_csv({sql_literal(str(path))},
            delim={sql_literal(delimiter)}, quote='"', escape='"', header=true, all_varchar=true,
            encoding='utf-8', strict_mode=false, store_rejects=true, rejects_table='csv_rejects',
            rejects_scan='csv_scans')) TO {text} (FORMAT parquet, COMPRESSION snappy)
    """)
    con.execute(f"CREATE OR REPLACE VIEW raw_csv AS SELECT * FROM read_parquet({text}, file_row_number=true)")
    bad = con.execute("SELECT count(*) FROM csv_rejects WHERE error_type = 'INVALID ENCODING'").fetchone()[0]
    return bad == 0


def _to_utf8(path: Path, scratch: Path) -> Path:
    """Windows-1252 → UTF-8, streamed (Windows-1252 is what older Swedish systems and Excel write)."""
    target = scratch / "extract-utf8.csv"
    with open(path, encoding="cp1252", errors="replace", newline="") as src, \
            open(target, "w", encoding="utf-8", newline="") as dst:
        while block := src.read(1 << 22):
            dst.write(block)
    return target


def _load_csv(con, kind: str, path: Path, scratch: Path) -> None:
    with open(path, "rb") as f:
        sample = f.read(SAMPLE_BYTES)
    _refuse_unless_text(sample)
    delimiter = _delimiter(sample)
    encoding = UTF8
    try:
        if not _read_csv(con, path, delimiter, scratch):
            encoding = CP1252
            _read_csv(con, _to_utf8(path, scratch), delimiter, scratch)
    except duckdb.Error as error:
        raise ExtractRejected(_("Filen kunde inte läsas som CSV.")) from error
    headers = [row[0] for row in con.execute("DESCRIBE raw_csv").fetchall() if row[0] != "file_row_number"]
    names = _contract_names(headers)
    if missing := [c for c in contract.REQUIRED[kind] if c not in names]:
        line = sample.split(b"\n", 1)[0].rstrip(b"\r")
        text = line.decode("utf-8-sig", errors="replace") if encoding == UTF8 else line.decode("cp1252", "replace")
        raise ExtractRejected(_columns_missing(kind, missing, headers, text, delimiter, encoding))
    # Rejected lines shift the line numbers of the rows after them: g = good rows before a rejected line.
    con.execute("""
        CREATE OR REPLACE TABLE csv_bad AS
        SELECT line, min(error_type::VARCHAR) AS error_type FROM csv_rejects GROUP BY line
    """)
    if not con.execute("SELECT count(*) FROM csv_bad").fetchone()[0]:
        # The usual case: line = position among the rows + 2 (the header is line 1); src is a view over raw_csv.
        con.execute(_select_src(kind, names, "file_row_number + 2", "raw_csv", create="VIEW"))
        return
    con.execute("""
        CREATE OR REPLACE TABLE csv_shift AS
        SELECT line - 1 - row_number() OVER (ORDER BY line) AS g, row_number() OVER (ORDER BY line) AS n
        FROM csv_bad;
        CREATE OR REPLACE TABLE csv_shift AS SELECT g, max(n) AS n FROM csv_shift GROUP BY g;
    """)
    source = "raw_csv r ASOF LEFT JOIN csv_shift s ON r.file_row_number >= s.g"
    con.execute(_select_src(kind, names, "r.file_row_number + 2 + coalesce(s.n, 0)", source))
    fields = _("Raden har fel antal fält.")
    quotes = _("Raden kunde inte läsas (citattecken eller tecken som inte går att läsa).")
    con.execute(f"""
        INSERT INTO src_errors SELECT line, NULL, CASE WHEN error_type IN ('TOO MANY COLUMNS', 'MISSING COLUMNS')
            THEN {sql_literal(fields)} ELSE {sql_literal(quotes)} END, NULL FROM csv_bad
    """)
    con.execute("DROP VIEW raw_csv")


# --- Parquet ----------------------------------------------------------------------------------------------

def _parquet_text(column: str, kind: str, name: str) -> str:
    """A typed Parquet column as the text a CSV would hold."""
    quoted = f'"{column}"'
    if kind.startswith("TIMESTAMP WITH TIME ZONE"):
        return f"CAST(timezone('Europe/Stockholm', {quoted}) AS VARCHAR)"  # local time, as the contract says
    if kind.endswith("[]"):
        return f"array_to_string({quoted}, '|')"
    if name == "kommunkod" and kind in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "USMALLINT", "UINTEGER"):
        return f"lpad(CAST({quoted} AS VARCHAR), 4, '0')"  # 180 → 0180 (Stockholm) when stored as a number
    return f"CAST({quoted} AS VARCHAR)"


def _parquet_native(column: str, kind: str) -> str | None:
    """A typed Parquet date/time column as TIMESTAMP (local time), or None when it has to go through text."""
    quoted = f'"{column}"'
    if kind in ("TIMESTAMP", "DATE"):
        return f"CAST({quoted} AS TIMESTAMP)"
    if kind == "TIMESTAMP WITH TIME ZONE":
        return f"timezone('Europe/Stockholm', {quoted})"
    return None


def _load_parquet(con, kind: str, path: Path) -> None:
    source = f"read_parquet({sql_literal(str(path))}, file_row_number=true)"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({sql_literal(str(path))})").fetchall()
    except duckdb.Error as error:
        raise ExtractRejected(_("Filen kunde inte läsas som Parquet.")) from error
    types = {row[0]: row[1] for row in described}
    names = _contract_names(list(types))
    exprs = {name: _parquet_text(header, types[header], name) for name, header in names.items()}
    native = {name: expr for name, header in names.items()
              if name in TEMPORAL and (expr := _parquet_native(header, types[header]))}
    con.execute(_select_src(kind, names, "file_row_number + 1", source, exprs, native, create="VIEW"))


# --- FHIR NDJSON ------------------------------------------------------------------------------------------

def _load_ndjson(con, path: Path, scratch: Path) -> None:
    scratch.mkdir(parents=True, exist_ok=True)
    flat = scratch / "fhir-flat.csv"
    columns = contract.COLUMNS[contract.ENCOUNTERS]
    errors = []
    with open(flat, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["_rad", *columns])
        for line, row, error in fhir.encounter_rows(path):
            if error:
                errors.append((line, *error))
            else:
                writer.writerow([line, *(row.get(c) or "" for c in columns)])
    source = f"read_csv({sql_literal(str(flat))}, delim=',', quote='\"', escape='\"', header=true, all_varchar=true)"
    names = {c: c for c in columns}
    con.execute(_select_src(contract.ENCOUNTERS, names, "CAST(_rad AS BIGINT)", source))
    if errors:
        con.executemany("INSERT INTO src_errors VALUES (?, ?, ?, ?)", errors)
