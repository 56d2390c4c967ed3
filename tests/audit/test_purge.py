"""The retention purge removes exactly the rows older than the retention, never younger, never below 5 years."""
import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from nara.audit import services
from nara.audit.models import AccessLogEntry
from tests import factories
from tests.audit.conftest import entry, years_ago


@pytest.fixture
def rows(db):
    unit = factories.unit()
    actor, person = factories.actor(factories.staff(unit)), factories.person()
    return {
        "8y": entry(actor, person, at=years_ago(8)),
        "6y": entry(actor, person, at=years_ago(6)),
        "5y+2d": entry(actor, person, at=years_ago(5) - dt.timedelta(days=2)),
        "4y": entry(actor, person, at=years_ago(4)),
        "now": entry(actor, person),
    }


def _left():
    return set(AccessLogEntry.objects.values_list("pk", flat=True))


def test_purge_service_removes_only_rows_older_than_retention(rows):
    removed, _cutoff = services.purge_expired(batch_size=1)  # several batches
    assert removed == 3
    assert _left() == {rows["4y"].pk, rows["now"].pk}


def test_four_year_old_row_cannot_be_purged_even_with_a_manual_call(rows):
    with pytest.raises(services.RetentionError):
        services.purge_expired(years=4)
    assert rows["4y"].pk in _left()


def test_command_removes_exactly_the_old_rows_and_reports_the_count(rows, capsys):
    call_command("purge_access_log")
    assert "Tog bort 3 loggposter" in capsys.readouterr().out
    assert _left() == {rows["4y"].pk, rows["now"].pk}


def test_command_dry_run_removes_nothing(rows, capsys):
    call_command("purge_access_log", "--dry-run")
    assert "3 loggposter" in capsys.readouterr().out
    assert len(_left()) == 5


def test_longer_retention_keeps_more(rows, settings):
    settings.NARA_AUDIT_RETENTION_YEARS = 7
    call_command("purge_access_log")
    assert _left() == {rows[k].pk for k in ("6y", "5y+2d", "4y", "now")}


@pytest.mark.parametrize("years", [0, 3, 4])
def test_command_refuses_retention_below_five_years(rows, settings, years):
    settings.NARA_AUDIT_RETENTION_YEARS = years
    with pytest.raises(CommandError, match="minst 5 år"):
        call_command("purge_access_log")
    assert len(_left()) == 5
