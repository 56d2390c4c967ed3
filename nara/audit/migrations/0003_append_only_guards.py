"""Database-level protection of the access log (HSLF-FS 2016:40 4 kap. 9 §).

UPDATE is always refused. DELETE is refused for rows younger than 5 years. The 5 years are hard-coded on
purpose: it is the legal minimum retention, so no setting may lower it (NARA_AUDIT_RETENTION_YEARS may only be
longer, and the purge service enforces that). The guards hold even for SQL run outside Django.

SQLite stores Django datetimes as UTC text 'YYYY-MM-DD HH:MM:SS[.ffffff]', which compares correctly as text
with datetime('now', '-5 years') (also UTC).
"""
from django.db import migrations

SQLITE_INSTALL = [
    """
    CREATE TRIGGER audit_accesslogentry_no_update
    BEFORE UPDATE ON audit_accesslogentry
    BEGIN
        SELECT RAISE(ABORT, 'audit_accesslogentry is append-only: rows cannot be changed');
    END
    """,
    # Legal floor: 5 years (HSLF-FS 2016:40). Do not make this configurable.
    """
    CREATE TRIGGER audit_accesslogentry_no_early_delete
    BEFORE DELETE ON audit_accesslogentry
    WHEN OLD.logged_at >= datetime('now', '-5 years')
    BEGIN
        SELECT RAISE(ABORT, 'audit_accesslogentry rows younger than 5 years cannot be deleted');
    END
    """,
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_update",
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_early_delete",
]

POSTGRES_INSTALL = [
    # Legal floor: 5 years (HSLF-FS 2016:40). Do not make this configurable.
    """
    CREATE OR REPLACE FUNCTION audit_accesslogentry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION 'audit_accesslogentry is append-only: rows cannot be changed';
        END IF;
        IF OLD.logged_at >= now() - interval '5 years' THEN
            RAISE EXCEPTION 'audit_accesslogentry rows younger than 5 years cannot be deleted';
        END IF;
        RETURN OLD;
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_accesslogentry_no_update
    BEFORE UPDATE ON audit_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION audit_accesslogentry_guard()
    """,
    """
    CREATE TRIGGER audit_accesslogentry_no_early_delete
    BEFORE DELETE ON audit_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION audit_accesslogentry_guard()
    """,
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_update ON audit_accesslogentry",
    "DROP TRIGGER IF EXISTS audit_accesslogentry_no_early_delete ON audit_accesslogentry",
    "DROP FUNCTION IF EXISTS audit_accesslogentry_guard()",
]

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_REMOVE),
    "postgresql": (POSTGRES_INSTALL, POSTGRES_REMOVE),
}


def _run(schema_editor, index):
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        # Refuse rather than run an unprotected log on a database nobody has written guards for.
        raise RuntimeError(f"No access-log guards written for database vendor {vendor!r}")
    for sql in STATEMENTS[vendor][index]:
        schema_editor.execute(sql)


def install(apps, schema_editor):
    _run(schema_editor, 0)


def remove(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_spotcheck_person"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
