"""Small builders for test data: real models, saved in the test database."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model

from nara.core import personnummer
from nara.directory.middleware import actor_for
from nara.directory.models import Assignment, Organisation, Unit
from nara.people.models import Person

_seq = itertools.count(1)


def organisation(name=None, kind=Organisation.Kind.MUNICIPALITY, code=None):
    n = next(_seq)
    if kind == Organisation.Kind.MUNICIPALITY and code is None:
        code = f"{1400 + n % 100:04d}"
    return Organisation.objects.create(name=name or f"Org {n}", kind=kind, municipality_code=code or "")


def unit(org=None, kind=Unit.Kind.HEALTH_CENTRE, name=None):
    n = next(_seq)
    org = org or organisation(kind=Organisation.Kind.REGION)
    return Unit.objects.create(
        organisation=org, name=name or f"Enhet {n}", hsa_id=f"SE2321000-T{n:05d}", kind=kind
    )


def staff(unit_, roles=("nurse",), username=None, password="demo-losen-123"):
    n = next(_seq)
    user = get_user_model().objects.create_user(
        username=username or f"user{n}", password=password, first_name="Test", last_name=f"Användare {n}"
    )
    Assignment.objects.create(user=user, unit=unit_, roles=list(roles), valid_from=dt.date(2020, 1, 1))
    return user


def actor(user, unit_=None):
    qs = Assignment.objects.filter(user=user).select_related("unit__organisation", "user")
    if unit_ is not None:
        qs = qs.filter(unit=unit_)
    return actor_for(qs.first())


def person(
    listed_unit=None, birth=dt.date(1940, 5, 17), given="Astrid", family="Testsson", municipality=None
):
    n = next(_seq)
    return Person.objects.create(
        personnummer=personnummer.make(birth, n % 999 + 1),  # serial 001–999
        given_name=given,
        family_name=family,
        birth_date=birth,
        sex="F",
        listed_unit=listed_unit,
        municipality=municipality,
    )
