"""Test support only. Never import this from application code.

Django empties the database after transactional tests (live_server, browser tests) with `flush`. On PostgreSQL
that is TRUNCATE, which the row triggers do not see. On SQLite it is `DELETE FROM`, which the append-only
trigger rightly refuses for young rows, so the flush fails. `empty_access_log` clears the table just before the
flush by lifting the SQLite trigger for one statement inside one transaction and putting it straight back.
"""
from importlib import import_module

from django.db import connection, transaction

_guards = import_module("nara.audit.migrations.0003_append_only_guards")


def empty_access_log() -> None:
    if connection.vendor != "sqlite":
        return  # TRUNCATE in flush is not blocked by the row triggers
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in _guards.SQLITE_REMOVE:
            cursor.execute(sql)
        cursor.execute("DELETE FROM audit_accesslogentry")
        for sql in _guards.SQLITE_INSTALL:
            cursor.execute(sql)
