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

BATCH = 50_000


def store(con: duckdb.DuckDBPyConnection, select_sql: str, progress: Callable[[int], None] | None = None) -> int:
    """Upsert the (personnummer, pseudonym) rows of a DuckDB query; return how many were offered."""
    table = ReidentificationKey._meta.db_table
    total = 0
    result = con.execute(select_sql)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # IF NOT EXISTS + TRUNCATE: inside an outer transaction (tests, a caller's atomic block) the table
            # of an earlier call may still exist.
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS nara_incoming_keys "
                           "(pseudonym varchar(32), personnummer varchar(13)) ON COMMIT DROP")
            cursor.execute("TRUNCATE nara_incoming_keys")
        while rows := result.fetchmany(BATCH):
            if connection.vendor == "postgresql":
                with cursor.cursor.copy("COPY nara_incoming_keys (personnummer, pseudonym) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {table} (personnummer, pseudonym, updated_at) VALUES (%s, %s, %s) "
                    f"ON CONFLICT (pseudonym) DO UPDATE SET personnummer = excluded.personnummer, "
                    f"updated_at = excluded.updated_at WHERE {table}.personnummer <> excluded.personnummer",
                    [(pnr, pseudonym, now) for pnr, pseudonym in rows],
                )
            total += len(rows)
            if progress:
                progress(total)
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (pseudonym, personnummer, updated_at) "
                f"SELECT pseudonym, personnummer, %s FROM nara_incoming_keys "
                f"ON CONFLICT (pseudonym) DO UPDATE SET personnummer = excluded.personnummer, "
                f"updated_at = excluded.updated_at WHERE {table}.personnummer <> excluded.personnummer",
                [now],
            )
    return total
