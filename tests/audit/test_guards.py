"""The access log is append-only at the database level, not only in Python."""
import pytest
from django.db import DatabaseError, connection, transaction

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
