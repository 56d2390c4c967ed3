"""The directory part of the demo region: organisations, units, staff users and their assignments."""
from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from nara.demo import data
from nara.directory.models import Assignment, Organisation, StaffProfile, Unit


@dataclass
class Region:
    region: Organisation
    municipalities: dict[str, Organisation]  # municipality key -> organisation
    orgs: dict[str, Organisation]  # owner key ("region", municipality key, provider key) -> organisation
    units: dict[str, Unit]
    users: dict[str, object] = field(default_factory=dict)  # username -> user
    # unit key -> role -> users, in creation order (named staff first)
    staff: dict[str, dict[str, list]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))

    def one(self, unit_key: str, *roles: str):
        """The first staff member of the unit with the first of `roles` that is staffed there."""
        for role in roles:
            if self.staff[unit_key][role]:
                return self.staff[unit_key][role][0]
        raise LookupError(f"No staff with roles {roles} at {unit_key}")

    def anyone(self, unit_key: str):
        for users in self.staff[unit_key].values():
            if users:
                return users[0]
        raise LookupError(f"No staff at {unit_key}")


def _hsa_prefix(owner: str) -> str:
    if owner == "region":
        return data.REGION_HSA
    if owner in data.PRIVATE_PROVIDERS:
        return data.PRIVATE_PROVIDERS[owner][1]
    code = next(m.code for m in data.MUNICIPALITIES if m.key == owner)
    return data.municipality_hsa(code)


def build_organisations() -> tuple[Organisation, dict[str, Organisation], dict[str, Organisation]]:
    region = Organisation.objects.create(
        name=data.REGION_NAME, kind=Organisation.Kind.REGION, org_number=data.REGION_ORG_NUMBER,
        hsa_id=data.REGION_HSA,
    )
    orgs = {"region": region}
    municipalities = {}
    for m in data.MUNICIPALITIES:
        municipalities[m.key] = orgs[m.key] = Organisation.objects.create(
            name=m.name, kind=Organisation.Kind.MUNICIPALITY, municipality_code=m.code, hsa_id=_hsa_prefix(m.key),
        )
    for key, (name, hsa) in data.PRIVATE_PROVIDERS.items():
        orgs[key] = Organisation.objects.create(name=name, kind=Organisation.Kind.PRIVATE, hsa_id=hsa)
    return region, municipalities, orgs


def build_units(orgs: dict[str, Organisation]) -> dict[str, Unit]:
    units = []
    keys = []
    for n, spec in enumerate(data.unit_specs(), start=1):
        units.append(Unit(
            organisation=orgs[spec.owner], name=spec.name, kind=spec.kind,
            hsa_id=f"{_hsa_prefix(spec.owner)}-E{n:012d}", municipality_code=spec.municipality_code,
            phone=data.FICTION_LANDLINE[n % len(data.FICTION_LANDLINE)],
        ))
        keys.append(spec.key)
    for key, (name, hsa_id) in data.HOSPITAL_CLINICS.items():
        kind = Unit.Kind.EMERGENCY_DEPARTMENT if key == "er" else Unit.Kind.SPECIALIST_CLINIC
        units.append(Unit(organisation=orgs["region"], name=name, kind=kind, hsa_id=hsa_id))
        keys.append(key)
    for unit in units:
        unit.save()
    return dict(zip(keys, units, strict=True))


def ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded if ch.isalnum())


def build_staff(rng: random.Random, region: Region, valid_from: dt.date) -> None:
    """Create ~40 users with one shared demo password (hashed once), a StaffProfile and their assignments."""
    user_model = get_user_model()
    password_hash = make_password(data.DEMO_PASSWORD)
    taken = {spec.username for spec in data.NAMED_STAFF}
    names_taken = {(spec.given, spec.family) for spec in data.NAMED_STAFF}
    specs = list(data.NAMED_STAFF) + data.generated_staff()
    hsa_counter = 0
    for spec in specs:
        given, family, username = spec.given, spec.family, spec.username
        if username is None:
            while True:
                sex = rng.choice("FM")
                given = rng.choice(data.GIVEN_NAMES[(sex, "mid")])
                family = rng.choice(data.FAMILY_NAMES)
                username = f"{ascii_slug(given)}.{ascii_slug(family)}"
                if username not in taken and (given, family) not in names_taken:
                    break
        taken.add(username)
        names_taken.add((given, family))
        user = user_model(username=username, first_name=given, last_name=family, password=password_hash)
        user.save()
        hsa_counter += 1
        first_unit = region.units[spec.assignments[0][0]]
        StaffProfile.objects.create(
            user=user, title=spec.title, hsa_id=f"{first_unit.organisation.hsa_id}-P{hsa_counter:012d}",
        )
        for unit_key, roles in spec.assignments:
            Assignment.objects.create(user=user, unit=region.units[unit_key], roles=list(roles), valid_from=valid_from)
            for role in roles:
                region.staff[unit_key][role].append(user)
        region.users[username] = user


def build_region(rng: random.Random, today: dt.date) -> Region:
    region, municipalities, orgs = build_organisations()
    result = Region(region=region, municipalities=municipalities, orgs=orgs, units=build_units(orgs))
    build_staff(rng, result, valid_from=today.replace(year=today.year - 3, month=1, day=1))
    return result
