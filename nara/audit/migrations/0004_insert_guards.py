"""Database-level protection of the access log, part 2: what may be INSERTed (issue 11 item 12).

Migration 0003 refuses UPDATE and early DELETE. An INSERT could still forge history:

- **Overwriting a row.** SQLite's `INSERT OR REPLACE` (also `REPLACE INTO`) deletes the existing row and
  inserts the new one without firing the DELETE trigger (SQLite fires delete triggers on REPLACE only with
  recursive_triggers on). Refused here: an INSERT whose id already exists is aborted before SQLite resolves the
  conflict, whatever the conflict clause. On PostgreSQL the primary key already refuses a plain INSERT of an
  existing id and `INSERT ... ON CONFLICT DO UPDATE` is an UPDATE (refused by 0003); the same check is added
  anyway so both databases refuse with the same message.
- **Backdated (or forward-dated) rows.** A row is written by `audit.services` with the time of the access, so
  its `logged_at` is "now". A row dated more than TOLERANCE away from the database's clock is refused: it would
  forge an access in the past (or future) and, being old, could be slipped into a period already reviewed.
  One hour covers any clock difference between the application and the database server and the slowest
  request; a legitimate row is never that far off. On PostgreSQL the check uses clock_timestamp() (the time
  of the INSERT, not of the transaction start). On SQLite a `logged_at` that is not a time at all is refused
  too (SQLite would store any text).

Restoring a backup: a full restore (pg_dump/pg_restore, or SQLite's `.backup`/`.dump`) creates the triggers
after the data, so old rows load. A data-only restore into an existing schema must disable triggers
(`pg_restore --data-only --disable-triggers`, as a superuser); see docs/operator-guide.md. The tests insert
historical rows the same way, inside their own transaction (tests/audit/conftest.py: restore_rows).
"""
from django.db import migrations

TOLERANCE_MINUTES = 60  # also in docs/decisions.md and docs/operator-guide.md

SQLITE_INSTALL = [
    """
    CREATE TRIGGER audit_accesslogentry_no_overwrite
    BEFORE INSERT ON audit_accesslogentry
    WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_accesslogentry WHERE id = NEW.id)
    BEGIN
        SELECT RAISE(ABORT, 'audit_accesslogentry is append-only: an existing row cannot be replaced');
    END
    """,
    f"""
    CREATE TRIGGER audit_accesslogentry_no_backdating
    BEFORE INSERT ON audit_accesslogentry
    WHEN julianday(NEW.logged_at) IS NULL
        OR julianday(NEW.logged_at) < julianday('now', '-{TOLERANCE_MINUTES} minutes')
        OR julianday(NEW.logged_at) > julianday('now', '+{TOLERANCE_MINUTES} minutes')
    BEGIN
        SELECT RAISE(ABORT, 'audit_accesslogentry rows must be logged at the time of the access');
    END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_overwrite",
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_backdating",
]

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_accesslogentry_insert_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_accesslogentry WHERE id = NEW.id) THEN
            RAISE EXCEPTION 'audit_accesslogentry is append-only: an existing row cannot be replaced';
        END IF;
        IF NEW.logged_at IS NULL
           OR NEW.logged_at < clock_timestamp() - interval '{TOLERANCE_MINUTES} minutes'
           OR NEW.logged_at > clock_timestamp() + interval '{TOLERANCE_MINUTES} minutes' THEN
            RAISE EXCEPTION 'audit_accesslogentry rows must be logged at the time of the access';
        END IF;
        RETURN NEW;
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_accesslogentry_insert_guard
    BEFORE INSERT ON audit_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION audit_accesslogentry_insert_guard()
    """,
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_accesslogentry_insert_guard ON audit_accesslogentry",
    "DROP FUNCTION IF EXISTS audit_accesslogentry_insert_guard()",
]

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_REMOVE),
    "postgresql": (POSTGRES_INSTALL, POSTGRES_REMOVE),
}


def _run(schema_editor, index):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"No access-log guards written for database vendor {vendor!r}")
    for sql in STATEMENTS[vendor][index]:
        schema_editor.execute(sql)


def install(apps, schema_editor):
    _run(schema_editor, 0)


def remove(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_append_only_guards"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
