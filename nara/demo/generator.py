"""Generate the synthetic demo region into the database, deterministically from a seed.

The generator writes directly with bulk_create: it is not a user reading or changing anyone's data, so it
writes no access-log rows. No personnummer is ever printed or logged; demo persons are reported by name.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nara.access.models import Block, Consent
from nara.demo import data
from nara.demo.plans import build_plan_records, save_demo_sip, save_plan_records
from nara.demo.population import build_persons, build_records
from nara.demo.region import build_region
from nara.demo.transitions import admit_gosta, save_agreements, save_discharge_cases
from nara.directory.models import Organisation, Unit
from nara.directory.roles import Role
from nara.people.models import CareTeamMember, FixedContact, Person, Relative

DEFAULT_SEED = 20261122
DEFAULT_PERSONS = 20_000
BATCH = 2000


class AlreadyLoaded(Exception):
    """The database already holds persons (or the demo directory); the demo is never loaded twice."""


@dataclass(frozen=True)
class DemoPerson:
    name: str
    birth_year: int


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    demo_persons: tuple[DemoPerson, ...]


def demo_signins() -> list[dict]:
    """The memorable demo sign-ins: username, name, title, assignments (unit and role labels), password."""
    unit_names = {spec.key: spec.name for spec in data.unit_specs()}
    return [
        {
            "username": spec.username,
            "name": f"{spec.given} {spec.family}",
            "title": spec.title,
            "assignments": [
                {"unit": unit_names[unit_key], "roles": [str(Role(r).label) for r in roles]}
                for unit_key, roles in spec.assignments
            ],
            "password": data.DEMO_PASSWORD,
        }
        for spec in data.NAMED_STAFF
    ]


def is_loaded() -> bool:
    return Person.objects.exists()


def _check_empty() -> None:
    if is_loaded():
        raise AlreadyLoaded(_("Databasen innehåller redan personer."))
    usernames = [spec.username for spec in data.NAMED_STAFF]
    names = [data.REGION_NAME, *(m.name for m in data.MUNICIPALITIES)]
    unit_names = [spec.name for spec in data.unit_specs()]
    if (
        get_user_model().objects.filter(username__in=usernames).exists()
        or Organisation.objects.filter(name__in=names).exists()
        or Unit.objects.filter(name__in=unit_names).exists()
    ):
        raise AlreadyLoaded(_("Databasen innehåller redan demoregionens organisationer eller användare."))


def _save_persons(residents) -> None:
    Person.objects.bulk_create([r.person for r in residents], batch_size=BATCH)


def _save_records(records) -> None:
    Relative.objects.bulk_create(records.relatives, batch_size=BATCH)
    FixedContact.objects.bulk_create(records.fixed_contacts, batch_size=BATCH)
    CareTeamMember.objects.bulk_create(records.care_team, batch_size=BATCH)
    consents = Consent.objects.bulk_create([pair[0] for pair in records.consents], batch_size=BATCH)
    through = Consent.source_orgs.through
    links = [
        through(consent_id=consent.pk, organisation_id=org.pk)
        for consent, pair in zip(consents, records.consents, strict=True)
        for org in pair[1]
    ]
    through.objects.bulk_create(links, batch_size=BATCH)
    Block.objects.bulk_create(records.blocks, batch_size=BATCH)


def generate(seed: int = DEFAULT_SEED, persons: int = DEFAULT_PERSONS, today: dt.date | None = None) -> Summary:
    """Build and save the whole region in one transaction; raise AlreadyLoaded if it is not empty."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    with transaction.atomic():
        _check_empty()
        region = build_region(rng, today)
        residents = build_persons(rng, region, persons, today)
        records = build_records(rng, region, residents, today)
        # A stream of its own, so that plans added later never change the persons and records above.
        plans = build_plan_records(random.Random(seed + 4), region, residents, today)
        _save_persons(residents)
        _save_records(records)
        save_plan_records(plans, today)
        save_demo_sip(region, residents, today)
        agreements = save_agreements(region)
        cases = save_discharge_cases(region, residents, today, random.Random(seed + 5))
        admit_gosta(region, residents, today)
    demo = tuple(
        DemoPerson(r.person.full_name, r.person.birth_date.year) for r in residents if r.is_demo
    )
    counts = {
        "organisations": len(region.orgs),
        "units": len(region.units),
        "staff": len(region.users),
        "persons": len(residents),
        "aged_65": sum(1 for r in residents if r.age >= 65),
        "relatives": len(records.relatives),
        "fixed_contacts": len(records.fixed_contacts),
        "care_team": len(records.care_team),
        "consents": len(records.consents),
        "blocks": len(records.blocks),
        "cfs_ratings": len(plans.frailty),
        "care_plans": len(plans.care_plans),
        "treatment_limitations": len(plans.limitations),
        "agreements": len(agreements),
        "discharge_cases": cases,
    }
    return Summary(counts, demo)
