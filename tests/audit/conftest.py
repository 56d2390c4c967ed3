"""Shared data for the audit tests: two organisations, a manager and a nurse, persons and log rows."""
import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.utils import timezone

from nara.audit.basis import Basis
from nara.audit.models import AccessLogEntry, Action
from tests import factories


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def entry(actor, person, *, at=None, action=Action.READ, basis=Basis.OWN_ORG, record_type="people.person"):
    """Insert one log row with a chosen time: a plain INSERT at "now", or a historical row through
    restore_rows (the database refuses backdated rows from anyone else)."""
    row = AccessLogEntry(
        logged_at=at or timezone.now(), user_id=actor.user_id, user_name=actor.display_name,
        unit_id=actor.unit_id, unit_name=actor.unit_name, org_name=actor.org_name, person_id=person.pk,
        action=action, record_type=record_type, record_id="1", basis=basis,
    )
    if at is None:
        return AccessLogEntry.objects.bulk_create([row])[0]
    return restore_rows([row])[0]


def restore_rows(rows: list[AccessLogEntry]) -> list[AccessLogEntry]:
    """Insert historical rows the way a data-only restore of a backup does: with the insert guard
    (migration 0004) lifted for this one statement, inside one transaction that puts it back, so every other
    INSERT, the application's included, stays guarded. Not available to the application: it lives in the
    tests, and needs the right to drop triggers, which the application never uses."""
    guards = importlib.import_module("nara.audit.migrations.0004_insert_guards")
    install, remove = guards.STATEMENTS[connection.vendor]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in remove:
            cursor.execute(sql)
        created = AccessLogEntry.objects.bulk_create(rows)
        for sql in install:
            cursor.execute(sql)
    return created


def ago(**kwargs):
    return timezone.now() - dt.timedelta(**kwargs)


def years_ago(years: float):
    return timezone.now() - dt.timedelta(days=round(365.25 * years))


@pytest.fixture
def world(db):
    org_a = factories.organisation(name="Kommun A")
    org_b = factories.organisation(name="Region B", kind="region")
    home = factories.unit(org_a, kind="home_health", name="Hemsjukvård Norr")
    care = factories.unit(org_a, kind="home_care", name="Hemtjänst Söder")
    vc = factories.unit(org_b, name="Vårdcentral Väst")
    manager = factories.staff(home, roles=("manager",), username="chefen")
    nurse = factories.staff(home, roles=("nurse",), username="sjukskoterskan")
    aide = factories.staff(care, roles=("assistant_nurse",), username="underskoterskan")
    doctor = factories.staff(vc, roles=("physician",), username="lakaren")
    p1 = factories.person(given="Astrid", family="Lind")
    p2 = factories.person(given="Karl", family="Berg", birth=dt.date(1938, 2, 3))
    a_nurse, a_aide, a_doctor = factories.actor(nurse), factories.actor(aide), factories.actor(doctor)
    rows = SimpleNamespace(
        nurse_p1=entry(a_nurse, p1, at=ago(days=10)),
        nurse_p2_change=entry(a_nurse, p2, at=ago(days=3), action=Action.CHANGE),
        aide_p1_consent=entry(a_aide, p1, at=ago(hours=2), basis=Basis.CONSENT),
        nurse_p2_emergency=entry(a_nurse, p2, at=ago(hours=5), action=Action.EMERGENCY, basis=Basis.EMERGENCY),
        aide_p2_emergency_read=entry(a_aide, p2, at=ago(days=20), basis=Basis.EMERGENCY),
        doctor_p1=entry(a_doctor, p1, at=ago(hours=1)),  # another organisation: not the manager's to review
    )
    return SimpleNamespace(org_a=org_a, org_b=org_b, home=home, care=care, vc=vc, manager=manager, nurse=nurse,
                           aide=aide, doctor=doctor, p1=p1, p2=p2, rows=rows, a_manager=factories.actor(manager))


def pnr_forms(person):
    """The canonical 12-digit form and the 10-digit form without century, with and without the hyphen."""
    full = person.personnummer
    short = full[2:]
    return {full, short, full.replace("-", ""), short.replace("-", "")}


def assert_no_personnummer(response, *persons):
    body = response.content.decode()
    for person in persons:
        for form in pnr_forms(person):
            assert form not in body
