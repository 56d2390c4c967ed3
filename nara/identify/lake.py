"""The analytics lake: each table is a set of Parquet files under settings.NARA_LAKE_DIR, named by a manifest.

Layout: `manifest.json` names the current files of each table (`population`, `encounters`) with their sha256,
row counts and buckets. A table is split into BUCKETS[table] files by the first hex digit of the pseudonym
(encounters: 16; population: one file), so one file holds a range of pseudonyms, each file is sorted on its own
(in memory, a region's encounters never go through one big spilled sort), and the files in bucket order are the
whole table in FILE_ORDER. Readers never see the split: `connect()` gives one view per table over all its files, and
`person_source()` names the one file that can hold a given person.

A write puts new, content-named Parquet files beside the old ones (temp file, fsync, rename), then replaces the
manifest the same way. The manifest rename is the commit: a process killed at any moment leaves either the old
manifest (and unreferenced files that the next write sweeps away) or the new one. Readers resolve the manifest
once per `connect()`, so a query sees one consistent generation; replaced files are kept for RETIRED_GRACE so a
long-running reader is not pulled from under its feet.

Files are written in FILE_ORDER (person first, key last) with fixed settings, so the same content gives
byte-identical files (and names). Hidden files (dot-names) are scratch space: the lock, temp files, DuckDB's
spill directory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings

from nara.identify import schema
from nara.identify.importing.checkpoints import checkpoint

TABLES = {"population": schema.POPULATION, "encounters": schema.ENCOUNTERS}
KEYS = {"population": ("pseudonym",), "encounters": ("source_system", "encounter_id")}
# Row order of each file: by person first, so one person's encounters (the timeline on the person overview) lie
# in a few row groups that DuckDB finds from their min/max statistics. The key ends the order, so it is total.
FILE_ORDER = {"population": ("pseudonym",), "encounters": ("pseudonym", "source_system", "encounter_id")}
VERSION = {"population": "extract_date", "encounters": "version_at"}
# Files per table, split by the pseudonym's first hex digit (1, 2, 4, 8 or 16). A region's encounters (30 M rows)
# give 16 files of ~2 M rows, each sorted in memory.
BUCKETS = {"population": 1, "encounters": 16}
HEX = "0123456789abcdef"
MANIFEST = "manifest.json"
RETIRED_GRACE = dt.timedelta(hours=6)
ROW_GROUP_SIZE = 122_880  # DuckDB's default, stated so that output never depends on a changed default
# zstd level 1: about half the write time of the default level 3 for files ~10 % larger. No bloom filters (5 %
# of the write time): the files are sorted by pseudonym, so min/max statistics already find a person's row groups.
PARQUET_OPTIONS = (f"FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE {ROW_GROUP_SIZE}, "
                   "WRITE_BLOOM_FILTER false")


def lake_dir() -> Path:
    return Path(settings.NARA_LAKE_DIR)


def _normalise(entry: dict) -> dict:
    """A manifest entry as {"files": [{"file", "sha256", "rows"}], "sha256", "rows"}; a lake written before
    tables were split names one "file" per table."""
    if "files" in entry:
        return entry
    one = {"file": entry["file"], "sha256": entry["sha256"], "rows": entry["rows"]}
    return {"files": [one], "sha256": entry["sha256"], "rows": entry["rows"]}


def read_manifest(directory: Path | None = None) -> dict:
    path = (directory or lake_dir()) / MANIFEST
    if not path.exists():
        return {"tables": {}, "retired": []}
    manifest = json.loads(path.read_text())
    manifest["tables"] = {table: _normalise(entry) for table, entry in manifest["tables"].items()}
    return manifest


def bucketed(table: str, entry: dict) -> bool:
    """Whether a manifest entry's files are split as BUCKETS[table] says (each file names its bucket). A lake
    written before the split, or with another number of buckets, is read as one set of files and rewritten
    whole by the next import."""
    return entry.get("buckets") == BUCKETS[table] and all("bucket" in part for part in entry["files"])


def generation_sha256(parts: list[dict]) -> str:
    """One digest for a table's set of files: its identity in a risk run's record of what it read."""
    return hashlib.sha256("".join(f"{p['file']} {p['sha256']}\n" for p in parts).encode()).hexdigest()


def files() -> dict[str, dict]:
    """The current data of each table: {"encounters": {"path", "paths", "sha256", "rows"}}; for recording which
    extracts a risk run used. `paths` are the table's files in bucket order; `path` is the file when there is
    one, else a name for the generation (`encounters-<digest>`, not a file); `sha256` is the generation's digest.
    Tables never imported are absent."""
    directory = lake_dir()
    out = {}
    for table, entry in sorted(read_manifest(directory)["tables"].items()):
        paths = [str(directory / part["file"]) for part in entry["files"]]
        path = paths[0] if len(paths) == 1 else str(directory / f"{table}-{entry['sha256'][:16]}")
        out[table] = {"path": path, "paths": paths, "sha256": entry["sha256"], "rows": entry["rows"]}
    return out


def empty_select(columns: dict[str, str]) -> str:
    cols = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in columns.items())
    return f"SELECT {cols} WHERE false"


def typed_select(columns: dict[str, str], source: str) -> str:
    cols = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in columns.items())
    return f"SELECT {cols} FROM {source}"


def parquet_source(path: Path | str | list) -> str:
    if isinstance(path, list | tuple):
        return "read_parquet([" + ", ".join(sql_literal(str(p)) for p in path) + "])"
    return "read_parquet(" + sql_literal(str(path)) + ")"


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def bucket_of(table: str, pseudonym: str) -> int:
    """The bucket (file) of a pseudonym: its first hex digit, scaled to BUCKETS[table]."""
    digit = HEX.find(pseudonym[:1].lower())
    return max(digit, 0) * BUCKETS[table] // 16


def bucket_sql(table: str, pseudonym: str) -> str:
    """SQL twin of bucket_of over the expression `pseudonym`."""
    if BUCKETS[table] == 1:
        return "0"
    digit = f"greatest(position(lower(substr({pseudonym}, 1, 1)) IN '{HEX}') - 1, 0)"
    return f"CAST({digit} * {BUCKETS[table]} // 16 AS INTEGER)"


def connect(database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with views `population` and `encounters` over the current lake files, with exactly
    the columns and types of nara.identify.schema (empty views when a table has no data yet)."""
    con = duckdb.connect(database)
    attach_views(con)
    return con


def attach_views(con: duckdb.DuckDBPyConnection) -> None:
    current = files()
    for table, columns in TABLES.items():
        if table in current:
            body = typed_select(columns, parquet_source(current[table]["paths"]))
        else:
            body = empty_select(columns)
        con.execute(f"CREATE OR REPLACE VIEW {table} AS {body}")


def person_source(table: str, pseudonym: str) -> str | None:
    """A typed query of the rows of `table` that can belong to `pseudonym`: over the one file of its bucket (the
    person timeline reads one file's footer, not all of them). None when the table has no data."""
    directory = lake_dir()
    entry = read_manifest(directory)["tables"].get(table)
    if not entry:
        return None
    parts = entry["files"]
    bucket = bucket_of(table, pseudonym)
    chosen = [p for p in parts if p["bucket"] == bucket] if bucketed(table, entry) else parts
    if not chosen:
        return f"({empty_select(TABLES[table])})"
    return f"({typed_select(TABLES[table], parquet_source([directory / p['file'] for p in chosen]))})"


@dataclass
class MergeResult:
    changed: bool
    rows_total: int  # rows in the table after the merge
    rows_changed: int  # incoming rows that were new or replaced an older version
    paths: list[Path]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Writer:
    """Holds the lake's write lock; all changes go through `merge` (see `writing`)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.manifest = read_manifest(directory)

    @property
    def scratch(self) -> Path:
        return self.directory / ".scratch"

    def current_paths(self, table: str) -> list[Path]:
        entry = self.manifest["tables"].get(table)
        return [self.directory / part["file"] for part in entry["files"]] if entry else []

    def merge(self, con: duckdb.DuckDBPyConnection, table: str, incoming: str,
              bucket_rows: Callable[[int], str] | None = None, count: int | None = None) -> MergeResult:
        """Merge the rows of DuckDB relation `incoming` (the schema's columns, one row per key) into `table`.

        Per key the newer version wins; on an equal version the incoming row wins (a corrected re-delivery).
        An incoming row equal to the stored one in everything but the version is no change at all, so
        re-importing the same or an overlapping extract leaves the files untouched; otherwise only the buckets
        that get new or replaced rows are written again (a correction for a few persons rewrites their files, not
        the region's lake). When the table is empty, the importer may say how to get there faster:
        `bucket_rows(b)`, a query of the rows of `incoming` in bucket b already in FILE_ORDER (with exactly the
        schema's columns), and `count`, the number of rows of `incoming`."""
        columns, keys, version = TABLES[table], KEYS[table], VERSION[table]
        current = self.current_paths(table)
        kept: list[dict] = []  # parts of the current generation that stay as they are
        cols = ", ".join(columns)
        order = ", ".join(FILE_ORDER[table])
        in_bucket = bucket_sql(table, "pseudonym")
        if not current:
            # An empty table: every incoming row is new (one row per key), so there is nothing to join.
            changed = count if count is not None else con.execute(f"SELECT count(*) FROM {incoming}").fetchone()[0]
            if not changed:
                return MergeResult(False, 0, 0, [])

            def rows(b: int) -> str:
                if bucket_rows:
                    return bucket_rows(b)
                return f"SELECT {cols} FROM {incoming} WHERE {in_bucket} = {b} ORDER BY {order}"

            to_write = range(BUCKETS[table])
        else:
            on = " AND ".join(f"i.{k} = e.{k}" for k in keys)
            content = [c for c in columns if c not in keys and c != version]
            differs = " OR ".join(f"i.{c} IS DISTINCT FROM e.{c}" for c in content)
            con.execute(f"CREATE OR REPLACE VIEW lake_existing AS "
                        f"{typed_select(columns, parquet_source(current))}")
            con.execute(f"""
                CREATE OR REPLACE TABLE lake_winners AS
                SELECT i.*, {bucket_sql(table, "i.pseudonym")} AS lake_bucket
                FROM {incoming} i LEFT JOIN lake_existing e ON {on}
                WHERE e.{keys[0]} IS NULL OR (i.{version} >= e.{version} AND ({differs}))
            """)
            changed = con.execute("SELECT count(*) FROM lake_winners").fetchone()[0]
            if not changed:
                total = con.execute("SELECT count(*) FROM lake_existing").fetchone()[0]
                return MergeResult(False, total, 0, current)
            touched = {b for (b,) in con.execute("SELECT DISTINCT lake_bucket FROM lake_winners").fetchall()}
            entry = self.manifest["tables"][table]
            old_parts = entry["files"]
            by_bucket = {}
            if bucketed(table, entry):  # else the whole table is rewritten in today's layout
                for part in old_parts:
                    by_bucket.setdefault(part["bucket"], []).append(self.directory / part["file"])
                kept = [part for part in old_parts if part["bucket"] not in touched]
            to_write = sorted(touched) if by_bucket else range(BUCKETS[table])

            def rows(b: int) -> str:
                # A bucket's stored rows are in its own file (when the lake says which); the others are not read.
                existing = "lake_existing"
                if by_bucket:
                    existing = f"({typed_select(columns, parquet_source(by_bucket[b]))})" if b in by_bucket else \
                        f"({empty_select(columns)})"
                return f"""
                    SELECT {cols} FROM (
                        SELECT {cols} FROM {existing} e
                        WHERE {in_bucket} = {b} AND NOT EXISTS (
                            SELECT 1 FROM lake_winners i WHERE i.lake_bucket = {b} AND {on})
                        UNION ALL SELECT {cols} FROM lake_winners WHERE lake_bucket = {b}
                    ) ORDER BY {order}
                """
        self.scratch.mkdir(exist_ok=True)

        def finish(b: int, tmp: Path, count: int) -> dict:
            _fsync(tmp)
            sha = _sha256(tmp)
            final = self.directory / f"{table}-{sha[:16]}.parquet"
            os.replace(tmp, final)
            return {"file": final.name, "sha256": sha, "rows": count, "bucket": b}

        # One bucket after another, each COPY on all of DuckDB's threads (two buckets at a time, each on its own
        # cursor, measured 15 % slower at full scale and used more memory). A file's fsync and checksum run on a
        # thread of their own meanwhile (both release the GIL), overlapping the next bucket's COPY. Each file's
        # bytes depend only on its rows.
        con.execute("SET preserve_insertion_order = true")  # the rows in FILE_ORDER, whatever was set
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = []
            for b in to_write:
                tmp = self.scratch / f"{table}-{b}-{os.getpid()}.parquet"
                con.execute(f"COPY ({rows(b)}) TO {sql_literal(str(tmp))} ({PARQUET_OPTIONS})")
                count = con.execute(f"SELECT count(*) FROM {parquet_source(tmp)}").fetchone()[0]
                if count:
                    pending.append(pool.submit(finish, b, tmp, count))
                else:
                    tmp.unlink()
            written = [future.result() for future in pending]
        parts = sorted(kept + written, key=lambda part: part["bucket"])
        if current:
            con.execute("DROP VIEW lake_existing; DROP TABLE lake_winners")
        _fsync(self.directory)
        checkpoint("lake-file-written")
        total = sum(p["rows"] for p in parts)
        self._commit(table, parts, total)
        return MergeResult(True, total, changed, [self.directory / p["file"] for p in parts])

    def _commit(self, table: str, parts: list[dict], rows: int) -> None:
        now = dt.datetime.now(dt.UTC)
        old = self.manifest["tables"].get(table)
        cutoff = now - RETIRED_GRACE
        names = {p["file"] for p in parts}
        retired = [
            r for r in self.manifest.get("retired", [])
            if r["file"] not in names and dt.datetime.fromisoformat(r["at"]) > cutoff
        ]
        for part in (old or {}).get("files", []):
            if part["file"] not in names:
                retired.append({"file": part["file"], "at": now.isoformat(timespec="seconds")})
        entry = {"files": parts, "sha256": generation_sha256(parts), "rows": rows, "buckets": BUCKETS[table]}
        tables = dict(self.manifest["tables"], **{table: entry})
        manifest = {"tables": dict(sorted(tables.items())), "retired": retired}
        tmp = self.scratch / f"manifest-{os.getpid()}.json"
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        _fsync(tmp)
        os.replace(tmp, self.directory / MANIFEST)  # the commit point
        _fsync(self.directory)
        self.manifest = manifest
        checkpoint("lake-committed")

    def sweep(self) -> None:
        """Remove what crashed writers left behind and files retired longer ago than RETIRED_GRACE."""
        shutil.rmtree(self.scratch, ignore_errors=True)
        live = {part["file"] for entry in self.manifest["tables"].values() for part in entry["files"]}
        cutoff = dt.datetime.now(dt.UTC) - RETIRED_GRACE
        keep = {r["file"] for r in self.manifest.get("retired", []) if dt.datetime.fromisoformat(r["at"]) > cutoff}
        for path in self.directory.glob("*.parquet"):
            if path.name not in live and path.name not in keep:
                path.unlink(missing_ok=True)


@contextlib.contextmanager
def writing() -> Iterator[Writer]:
    """The lake's single writer: an exclusive lock for the whole import (readers never wait)."""
    directory = lake_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        writer = Writer(directory)
        writer.sweep()
        # Scratch holds the extract's text (personnummer and all) while the import runs: the service's user only.
        writer.scratch.mkdir(mode=0o700, exist_ok=True)
        writer.scratch.chmod(0o700)  # whatever the umask
        try:
            yield writer
        finally:
            shutil.rmtree(writer.scratch, ignore_errors=True)


def sweep_if_idle() -> bool:
    """Remove what a killed writer left (scratch files, unreferenced Parquet) unless a write runs now; for a
    starting worker, which must not wait for another process's import. True when it swept."""
    directory = lake_dir()
    if not directory.is_dir():
        return False
    with open(directory / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        Writer(directory).sweep()
        return True
