"""Re-identification keys (pseudonym → personnummer) into the operational database, in one transaction.

They are written before the lake is committed: a crash in between leaves keys for persons the lake does not
know yet (harmless: a key is only used for a pseudonym found in the lake), never pseudonyms in the lake that
nobody can re-identify. Keys never change for a given pseudonym key, so existing rows are left alone.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
from django.db import connection, transaction
from django.utils import timezone

from nara.identify.models import ReidentificationKey

BATCH = 100_000
SQLITE_CACHE_KIB = -262_144  # 256 MB while storing keys (negative: KiB)


def store(con: duckdb.DuckDBPyConnection, select_sql: str, progress: Callable[[int], None] | None = None) -> int:
    """Upsert the (personnummer, pseudonym) rows of a DuckDB query; return how many were offered.

    DuckDB hands over the rows ready to insert (sorted by pseudonym, the primary key, so the index grows at its
    end; for SQLite with the timestamp already as text), so Python only passes batches along: PostgreSQL gets
    them by COPY, SQLite by executemany on the driver's own connection."""
    table = ReidentificationKey._meta.db_table
    total = 0
    now = timezone.now()
    upsert = (f"ON CONFLICT (pseudonym) DO UPDATE SET personnummer = excluded.personnummer, "
              f"updated_at = excluded.updated_at WHERE {table}.personnummer <> excluded.personnummer")
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            # IF NOT EXISTS + TRUNCATE: inside an outer transaction (tests, a caller's atomic block) the table
            # of an earlier call may still exist.
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS nara_incoming_keys "
                           "(pseudonym varchar(32), personnummer varchar(13)) ON COMMIT DROP")
            cursor.execute("TRUNCATE nara_incoming_keys")
            result = con.execute(f"SELECT personnummer || chr(9) || pseudonym || chr(10) FROM ({select_sql}) "
                                 f"ORDER BY pseudonym")
        else:
            stamp = connection.ops.adapt_datetimefield_value(now)
            result = con.execute(f"SELECT personnummer, pseudonym, ? FROM ({select_sql}) ORDER BY pseudonym",
                                 [stamp])
            insert = (f"INSERT INTO {table} (personnummer, pseudonym, updated_at) VALUES (?, ?, ?) {upsert}")
            # The personnummer index takes its rows in random order: a page cache that holds it saves most reads.
            cache = cursor.execute("PRAGMA cache_size").fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
        try:
            while rows := result.fetchmany(BATCH):
                if postgres:
                    with cursor.cursor.copy("COPY nara_incoming_keys (personnummer, pseudonym) FROM STDIN") as copy:
                        copy.write("".join(row[0] for row in rows))
                else:
                    connection.connection.executemany(insert, rows)
                total += len(rows)
                if progress:
                    progress(total)
        finally:
            if not postgres:
                cursor.execute(f"PRAGMA cache_size = {int(cache)}")
        if postgres:
            cursor.execute(
                f"INSERT INTO {table} (pseudonym, personnummer, updated_at) "
                f"SELECT pseudonym, personnummer, %s FROM nara_incoming_keys ORDER BY pseudonym {upsert}",
                [now],
            )
    return total
