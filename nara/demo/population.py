"""The synthetic population: persons with a Swedish age mix, and the records units keep about them.

Everything is drawn from one seeded random.Random in a fixed order, so one seed and one day give the same
region. Nothing here writes to the database; `generator.py` saves what these functions build.
"""
from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

from django.utils import timezone

from nara.access.models import Block, Consent
from nara.core import personnummer
from nara.demo import data
from nara.demo.region import Region
from nara.people.models import CareTeamMember, FixedContact, Person, Relative

# (youngest age, oldest age, share): about 20 % are 65+, 9–10 % 75+ and 2.5 % 85+, as in Sweden.
AGE_BANDS = (
    (0, 19, 0.220),
    (20, 64, 0.580),
    (65, 74, 0.105),
    (75, 84, 0.070),
    (85, 94, 0.023),
    (95, 103, 0.002),
)

# Health centres a resident of each municipality may be listed at when not at the nearest one.
NEARBY_HEALTH_CENTRES = {
    "mark": ("kinna", "skene", "satila"),
    "boras": ("hassleholmen", "norrby", "sandared", "dalsjofors"),
    "bollebygd": ("bollebygd", "sandared"),
}


@dataclass
class Resident:
    """A person being built, with the keys the record builders need."""

    person: Person
    municipality: str
    health_centre: str | None
    age: int
    is_demo: bool = False
    has_care_team: bool = False


@dataclass
class Records:
    relatives: list[Relative] = field(default_factory=list)
    fixed_contacts: list[FixedContact] = field(default_factory=list)
    care_team: list[CareTeamMember] = field(default_factory=list)
    consents: list = field(default_factory=list)  # (Consent, [source Organisation]) pairs
    blocks: list = field(default_factory=list)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def cohort(birth: dt.date) -> str:
    return "old" if birth.year < 1960 else "mid" if birth.year < 1990 else "young"


def band_sequence(rng: random.Random, n: int) -> list[tuple[int, int]]:
    """Exactly the band shares (rounded) in random order, so even a small region has the right mix."""
    counts = [round(n * share) for _, _, share in AGE_BANDS]
    counts[1] += n - sum(counts)
    bands = [(lo, hi) for (lo, hi, _), c in zip(AGE_BANDS, counts, strict=True) for _ in range(c)]
    rng.shuffle(bands)
    return bands


class NumberPool:
    """Unique synthetic personnummer: the birth date plus one of Skatteverket's test serials 980–999.

    Only a very large region (well over 100 000 persons) runs out of test serials on some days; those days
    then also use ordinary serials, still unique and checksum-valid.
    """

    def __init__(self, today: dt.date):
        self.today = today
        self.used: set[str] = set()

    def take(self, rng: random.Random, birth: dt.date, sex: str | None = None):
        serials = list(data.TEST_SERIALS)
        rng.shuffle(serials)
        serials += [rng.randrange(1, data.TEST_SERIALS[0]) for _ in range(20)]  # 001–979: never 000
        for serial in serials:
            number = personnummer.make(birth, serial)
            if number in self.used:
                continue
            parsed = personnummer.parse(number, today=self.today)
            if sex is not None and parsed.sex != sex:
                continue
            self.used.add(number)
            return parsed
        return None


def _birth_in_band(rng: random.Random, today: dt.date, lo: int, hi: int) -> dt.date:
    earliest = years_before(today, hi + 1) + dt.timedelta(days=1)
    latest = years_before(today, lo)
    return dt.date.fromordinal(rng.randint(earliest.toordinal(), latest.toordinal()))


def _phone(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.8:
        return rng.choice(data.FICTION_MOBILE)
    return rng.choice(data.FICTION_LANDLINE) if r < 0.9 else ""


def _place(rng: random.Random, municipality: data.Municipality) -> tuple[data.Locality, str, str]:
    locality = rng.choices(municipality.localities, weights=[loc.weight for loc in municipality.localities])[0]
    lo, hi = locality.postal_codes
    code = f"{rng.randint(lo, hi):05d}"
    street = f"{rng.choice(data.STREETS)} {rng.randint(1, 60)}"
    if rng.random() < 0.15:
        street += f", lgh {rng.randint(10, 14)}{rng.randint(1, 8):02d}"
    return locality, street, f"{code[:3]} {code[3:]}"


def _health_centre(rng: random.Random, municipality: str, nearest: str) -> str | None:
    r = rng.random()
    if r < 0.88:
        return nearest
    if r < 0.97:
        return rng.choice(NEARBY_HEALTH_CENTRES[municipality])
    return None


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def build_demo_persons(rng: random.Random, region: Region, pool: NumberPool) -> list[Resident]:
    mark = next(m for m in data.MUNICIPALITIES if m.key == "mark")
    kinna = next(loc for loc in mark.localities if loc.name == "Kinna")
    residents = []
    for spec in data.DEMO_PERSONS:
        birth = dt.date(*spec.birth)
        parsed = pool.take(rng, birth, sex=spec.sex)
        code = f"{kinna.postal_codes[0] + 4:05d}"
        person = Person(
            id=_uuid(rng), personnummer=parsed.canonical, given_name=spec.given, family_name=spec.family,
            birth_date=parsed.birth_date, sex=parsed.sex, municipality=region.municipalities["mark"],
            listed_unit=region.units["kinna"], street_address=spec.street, postal_code=f"{code[:3]} {code[3:]}",
            city=kinna.name, phone=rng.choice(data.FICTION_MOBILE),
        )
        residents.append(Resident(person, "mark", "kinna", age_on(birth, pool.today), is_demo=True))
    return residents


def build_persons(rng: random.Random, region: Region, n: int, today: dt.date) -> list[Resident]:
    pool = NumberPool(today)
    residents = build_demo_persons(rng, region, pool)
    reserved_names = {(spec.given, spec.family) for spec in data.DEMO_PERSONS}
    municipalities = data.MUNICIPALITIES
    weights = [m.weight for m in municipalities]
    for lo, hi in band_sequence(rng, max(n - len(residents), 0)):
        parsed = None
        while parsed is None:  # all 20 test serials taken for that day: draw another day
            parsed = pool.take(rng, _birth_in_band(rng, today, lo, hi))
        birth, sex = parsed.birth_date, parsed.sex
        while True:
            given = rng.choice(data.GIVEN_NAMES[(sex, cohort(birth))])
            family = rng.choice(data.FAMILY_NAMES)
            if (given, family) not in reserved_names:
                break
        municipality = rng.choices(municipalities, weights=weights)[0]
        locality, street, postal_code = _place(rng, municipality)
        centre = _health_centre(rng, municipality.key, locality.health_centre)
        age = age_on(birth, today)
        death = None
        if rng.random() < (0.015 if age >= 85 else 0.005 if age >= 75 else 0.0):
            death = today - dt.timedelta(days=rng.randint(1, 700))
        person = Person(
            id=_uuid(rng), personnummer=parsed.canonical, given_name=given, family_name=family,
            birth_date=birth, sex=sex, municipality=region.municipalities[municipality.key],
            listed_unit=region.units[centre] if centre else None, street_address=street,
            postal_code=postal_code, city=locality.name, phone=_phone(rng), date_of_death=death,
        )
        residents.append(Resident(person, municipality.key, centre, age))
    return residents


# --- records ------------------------------------------------------------------------------------------------


def _recorded(region: Region, unit_key: str, user) -> dict:
    unit = region.units[unit_key]
    return {"recorded_by_unit": unit, "recorded_by_org": unit.organisation, "recorded_by": user}


def _past(rng: random.Random, today: dt.date, lo: int = 30, hi: int = 1000) -> dt.date:
    return today - dt.timedelta(days=rng.randint(lo, hi))


def _relative(rng: random.Random, region: Region, r: Resident, first: bool, unit_key: str, user) -> Relative:
    p = r.person
    if first and r.age < 92 and rng.random() < 0.45:
        spouse_sex = "M" if p.sex == "F" else "F"
        name = f"{rng.choice(data.GIVEN_NAMES[(spouse_sex, 'old')])} {p.family_name}"
        relation, support = data.RELATIONS_SPOUSE[p.sex], 0.25
    else:
        relation = rng.choice(data.RELATIONS_OTHER)
        sex = "F" if relation in ("dotter", "syster") else "M" if relation in ("son", "bror") else rng.choice("FM")
        family = p.family_name if rng.random() < 0.6 else rng.choice(data.FAMILY_NAMES)
        name = f"{rng.choice(data.GIVEN_NAMES[(sex, 'mid')])} {family}"
        support = 0.05
    needs_support = rng.random() < support
    return Relative(
        person=p, name=name, relation=relation, phone=rng.choice(data.FICTION_MOBILE), is_contact_person=first,
        needs_support=needs_support,
        note="Behöver själv stöd – erbjud anhörigstöd." if needs_support else "",
        **_recorded(region, unit_key, user),
    )


def _care_team(rng, region: Region, r: Resident, today: dt.date, out: Records) -> None:
    m = r.municipality
    nurse = region.one(f"{m}_home_health", "nurse")
    out.care_team.append(CareTeamMember(
        person=r.person, unit=region.units[f"{m}_home_health"], staff=nurse if rng.random() < 0.5 else None,
        role="Hemsjukvård", valid_from=_past(rng, today), **_recorded(region, f"{m}_home_health", nurse),
    ))
    if rng.random() < 0.6:
        aide = region.one(f"{m}_home_care", "assistant_nurse")
        out.care_team.append(CareTeamMember(
            person=r.person, unit=region.units[f"{m}_home_care"], role="Hemtjänst", valid_from=_past(rng, today),
            **_recorded(region, f"{m}_home_care", aide),
        ))
    if rng.random() < 0.25:
        therapist = region.anyone(f"{m}_rehab")
        out.care_team.append(CareTeamMember(
            person=r.person, unit=region.units[f"{m}_rehab"], staff=therapist, role="Rehabilitering",
            valid_from=_past(rng, today), **_recorded(region, f"{m}_rehab", therapist),
        ))
    if rng.random() < 0.2:  # fast vårdkontakt in the municipality's home health care
        out.fixed_contacts.append(FixedContact(
            person=r.person, kind=FixedContact.Kind.CARE_CONTACT, staff=nurse,
            unit=region.units[f"{m}_home_health"], valid_from=_past(rng, today),
            **_recorded(region, f"{m}_home_health", nurse),
        ))
    r.has_care_team = True


def _fixed_contacts(rng, region: Region, r: Resident, today: dt.date, out: Records) -> None:
    centre = r.health_centre
    nurse = region.one(centre, "elder_nurse")
    physicians = region.staff[centre]["physician"]
    physician = physicians[0] if len(physicians) == 1 or rng.random() < 0.65 else rng.choice(physicians[1:])
    since = _past(rng, today)
    for kind, staff in ((FixedContact.Kind.NAVIGATOR, nurse), (FixedContact.Kind.PHYSICIAN, physician)):
        out.fixed_contacts.append(FixedContact(
            person=r.person, kind=kind, staff=staff, unit=region.units[centre], valid_from=since,
            **_recorded(region, centre, nurse),
        ))


def _consent(rng, region: Region, r: Resident, today: dt.date, out: Records) -> None:
    centre = r.health_centre
    nurse = region.one(centre, "elder_nurse")
    municipality = region.municipalities[r.municipality]
    all_sources = rng.random() < 0.4
    method = rng.choices(list(Consent.Method), weights=[55, 40, 5])[0]
    consent = Consent(
        person=r.person, receiving_org=region.units[centre].organisation, all_sources=all_sources, method=method,
        purpose=rng.choice(data.CONSENT_PURPOSES), valid_from=_past(rng, today, 10, 900),
        **_recorded(region, centre, nurse),
    )
    if method == Consent.Method.REPRESENTATIVE:
        consent.representative_name = f"{rng.choice(data.GIVEN_NAMES[('F', 'mid')])} {r.person.family_name}"
        consent.representative_relation = "dotter"
    state = rng.random()
    if state < 0.12:  # expired
        consent.valid_to = consent.valid_from + dt.timedelta(days=rng.randint(1, (today - consent.valid_from).days))
        consent.valid_to = min(consent.valid_to, today - dt.timedelta(days=1))
    elif state < 0.20:  # withdrawn
        days = rng.randint(1, max((today - consent.valid_from).days, 1))
        moment = dt.datetime.combine(consent.valid_from + dt.timedelta(days=days), dt.time(10, 30))
        consent.withdrawn_at = timezone.make_aware(min(moment, dt.datetime.combine(today, dt.time(0, 5))))
        consent.withdrawn_by = nurse
        consent.withdrawal_note = "Personen återkallade samtycket muntligt."
    elif rng.random() < 0.3:  # a fixed end date in the future
        consent.valid_to = today + dt.timedelta(days=rng.randint(30, 700))
    out.consents.append((consent, [] if all_sources else [municipality]))


def _block(region: Region, r: Resident, out: Records) -> None:
    m = r.municipality
    nurse = region.one(f"{m}_home_health", "nurse")
    out.blocks.append(Block(
        person=r.person, blocked_org=region.municipalities[m],
        note="Personen vill inte att uppgifter från kommunen lämnas till andra vårdgivare.",
        **_recorded(region, f"{m}_home_health", nurse),
    ))


def _demo_records(rng, region: Region, r: Resident, index: int, today: dt.date, out: Records) -> None:
    """Own data at Kinna, and Marks kommun's data that anna.ssk sees only after registering a consent."""
    anna, erik = region.users["anna.ssk"], region.users["erik.lakare"]
    maria, petra, lena = region.users["maria.dsk"], region.users["petra.usk"], region.users["lena.bistand"]
    p = r.person
    since = today - dt.timedelta(days=200 + 30 * index)
    for kind, staff in ((FixedContact.Kind.NAVIGATOR, anna), (FixedContact.Kind.PHYSICIAN, erik)):
        out.fixed_contacts.append(FixedContact(
            person=p, kind=kind, staff=staff, unit=region.units["kinna"], valid_from=since,
            **_recorded(region, "kinna", anna),
        ))
    out.care_team.append(CareTeamMember(
        person=p, unit=region.units["mark_home_health"], staff=maria, role="Hemsjukvård", valid_from=since,
        **_recorded(region, "mark_home_health", maria),
    ))
    if index % 2 == 0:
        out.care_team.append(CareTeamMember(
            person=p, unit=region.units["mark_home_care"], role="Hemtjänst", valid_from=since,
            **_recorded(region, "mark_home_care", petra),
        ))
    spouse_sex = "M" if p.sex == "F" else "F"
    out.relatives.append(Relative(
        person=p, name=f"{rng.choice(data.GIVEN_NAMES[(spouse_sex, 'old')])} {p.family_name}",
        relation=data.RELATIONS_SPOUSE[p.sex], phone=rng.choice(data.FICTION_MOBILE), is_contact_person=True,
        needs_support=index % 2 == 1, note="Behöver själv stöd – erbjud anhörigstöd." if index % 2 else "",
        **_recorded(region, "mark_needs", lena),
    ))
    out.relatives.append(Relative(
        person=p, name=f"{rng.choice(data.GIVEN_NAMES[('F', 'mid')])} {p.family_name}", relation="dotter",
        phone=rng.choice(data.FICTION_MOBILE), **_recorded(region, "kinna", anna),
    ))
    r.has_care_team = True


def build_records(rng: random.Random, region: Region, residents: list[Resident], today: dt.date) -> Records:
    out = Records()
    demo_index = 0
    for r in residents:
        if r.is_demo:
            _demo_records(rng, region, r, demo_index, today, out)
            demo_index += 1
            continue
        if r.person.date_of_death or r.age < 65:
            continue
        if rng.random() < (0.55 if r.age >= 80 else 0.4):
            for i in range(1 if rng.random() < 0.7 else 2):
                if r.health_centre and rng.random() < 0.5:
                    unit_key, user = r.health_centre, region.one(r.health_centre, "elder_nurse")
                else:
                    unit_key = f"{r.municipality}_needs"
                    user = region.one(unit_key, "needs_assessor")
                out.relatives.append(_relative(rng, region, r, i == 0, unit_key, user))
        if r.health_centre and r.age >= 75 and rng.random() < 0.6:
            _fixed_contacts(rng, region, r, today, out)
        care_team_share = 0.55 if r.age >= 85 else 0.3 if r.age >= 75 else 0.05
        if rng.random() < care_team_share:
            _care_team(rng, region, r, today, out)
            if r.health_centre and rng.random() < 0.5:
                _consent(rng, region, r, today, out)
    with_care_team = [r for r in residents if r.has_care_team and not r.is_demo]
    for r in rng.sample(with_care_team, min(len(with_care_team), max(2, len(with_care_team) // 200))):
        _block(region, r, out)
    return out
