"""The access log is append-only at the database level, not only in Python."""
import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from nara.audit.models import AccessLogEntry, AppendOnlyError
from tests import factories
from tests.audit.conftest import entry, years_ago

TABLE = AccessLogEntry._meta.db_table


@pytest.fixture
def actor_person(db):
    unit = factories.unit()
    return factories.actor(factories.staff(unit)), factories.person()


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _exists(pk):
    return AccessLogEntry.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("age_years", [0, 4, 6])
def test_update_is_refused_by_the_database_whatever_the_age(actor_person, age_years):
    row = entry(*actor_person, at=years_ago(age_years))
    with pytest.raises(DatabaseError):
        _raw(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["change", row.pk])
    assert AccessLogEntry.objects.get(pk=row.pk).action == "read"


@pytest.mark.parametrize("age_years", [0, 4, 4.9])
def test_delete_of_a_row_younger_than_five_years_is_refused_by_the_database(actor_person, age_years):
    row = entry(*actor_person, at=years_ago(age_years))
    with pytest.raises(DatabaseError):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [row.pk])
    assert _exists(row.pk)


def test_delete_of_a_row_older_than_five_years_is_allowed_by_the_database(actor_person):
    row = entry(*actor_person, at=years_ago(6))
    assert _raw(f"DELETE FROM {TABLE} WHERE id = %s", [row.pk]) == 1
    assert not _exists(row.pk)


def test_a_whole_table_delete_fails_if_any_row_is_young(actor_person):
    old, young = entry(*actor_person, at=years_ago(6)), entry(*actor_person, at=years_ago(1))
    with pytest.raises(DatabaseError):
        _raw(f"DELETE FROM {TABLE}", [])
    assert _exists(old.pk) and _exists(young.pk)


def test_python_level_refuses_changes_too(actor_person):
    row = entry(*actor_person, at=years_ago(6))
    row.action = "change"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=row.pk).update(action="change")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=row.pk).delete()
    # bulk_update opens an atomic block without a savepoint: give it one so the test transaction survives.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AccessLogEntry.objects.bulk_update([row], ["action"])
    assert AccessLogEntry.objects.get(pk=row.pk).action == "read"


def test_transactional_tests_can_still_flush(transactional_db):
    # tests/conftest.py empties the log before Django's flush (a DELETE on SQLite, which the guard refuses);
    # without it this test errors in teardown. The guard itself stays on during the test.
    row = entry(factories.actor(factories.staff(factories.unit())), factories.person())
    with pytest.raises(DatabaseError):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [row.pk])


# --- inserts: no overwriting an existing row, no backdated rows (migration 0004) ---------------------------

COLUMNS = tuple(f.column for f in AccessLogEntry._meta.concrete_fields)  # id, logged_at, user_id, …


def _values(row, **changes):
    values = {c: getattr(row, c) for c in COLUMNS}
    values.update(changes)
    fields = {f.column: f for f in AccessLogEntry._meta.concrete_fields}
    return [fields[c].get_db_prep_value(values[c], connection) for c in COLUMNS]


def _insert_sql(verb="INSERT", tail=""):
    return f"{verb} INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))}) {tail}"


def _raw_refused(sql, params):
    """The database refuses the statement, naming the table (a binding or syntax error would not count)."""
    with pytest.raises(DatabaseError) as refused:
        _raw(sql, params)
    assert TABLE in str(refused.value), refused.value


def _snapshot(pk):
    return AccessLogEntry.objects.filter(pk=pk).values(*(c for c in COLUMNS)).get()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="INSERT OR REPLACE is SQLite's syntax")
@pytest.mark.parametrize("verb", ["INSERT OR REPLACE", "REPLACE", "INSERT OR IGNORE"])
def test_insert_or_replace_of_an_existing_id_is_refused_and_the_row_is_unchanged(actor_person, verb):
    row = entry(*actor_person)
    before = _snapshot(row.pk)
    _raw_refused(_insert_sql(verb), _values(row, action="change", user_name="Någon annan", record_id="999"))
    assert _snapshot(row.pk) == before


def test_upsert_of_an_existing_id_is_refused_and_the_row_is_unchanged(actor_person):
    # On both databases ON CONFLICT DO UPDATE is an UPDATE of the existing row, which the update guard refuses.
    row = entry(*actor_person)
    before = _snapshot(row.pk)
    _raw_refused(_insert_sql(tail="ON CONFLICT (id) DO UPDATE SET action = 'change', record_id = '999'"),
                 _values(row, action="change"))
    assert _snapshot(row.pk) == before


def test_plain_insert_of_an_existing_id_is_refused(actor_person):
    row = entry(*actor_person)
    before = _snapshot(row.pk)
    _raw_refused(_insert_sql(), _values(row, action="change"))
    assert _snapshot(row.pk) == before


@pytest.mark.parametrize("offset", [dt.timedelta(hours=-1, minutes=-5), dt.timedelta(days=-30),
                                    dt.timedelta(days=-365 * 3), dt.timedelta(hours=1, minutes=5),
                                    dt.timedelta(days=400)])
def test_an_insert_dated_outside_the_tolerance_is_refused(actor_person, offset):
    row = entry(*actor_person)
    count = AccessLogEntry.objects.count()
    _raw_refused(_insert_sql(), _values(row, id=row.pk + 1000, logged_at=timezone.now() + offset))
    # The ORM's INSERT is refused the same way (the guard is the database's, not Python's).
    actor, person = actor_person
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.bulk_create([AccessLogEntry(
            logged_at=timezone.now() + offset, user_id=actor.user_id, user_name="x", unit_id=actor.unit_id,
            unit_name="x", org_name="x", person_id=person.pk, action="read", record_type="people.person")])
    assert AccessLogEntry.objects.count() == count


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite stores times as text")
def test_a_logged_at_that_is_no_time_is_refused(actor_person):
    row = entry(*actor_person)
    params = _values(row, id=row.pk + 1000)
    params[COLUMNS.index("logged_at")] = "inte en tid"
    _raw_refused(_insert_sql(), params)


def test_normal_logging_still_works(actor_person):
    from nara.audit import services

    actor, person = actor_person
    services.record(actor, person.pk, "read", "people.person", person.pk, "own_org")
    assert services.record_many(actor, [(person.pk, "people.person", person.pk, "own_org")] * 3, "read") == 3
    # Within the tolerance (a slow request, clocks a little apart): accepted.
    row = entry(actor, person, at=timezone.now() - dt.timedelta(minutes=50))
    _raw(_insert_sql(), _values(row, id=row.pk + 1000, logged_at=timezone.now() + dt.timedelta(minutes=50)))
    assert AccessLogEntry.objects.filter(person=person).count() == 6


def test_historical_rows_only_through_the_test_restore_path_and_the_guard_is_back_afterwards(actor_person):
    old = entry(*actor_person, at=years_ago(3))  # tests/audit/conftest.py: restore_rows
    assert AccessLogEntry.objects.filter(pk=old.pk).exists()
    _raw_refused(_insert_sql(), _values(old, id=old.pk + 1000))
