"""Static reference data for the synthetic demo region: organisations, units, named staff, names and places.

Everything here is fictitious except the municipality names and kommunkoder. Postal codes and streets are
plausible for each locality, not exact. Phone numbers come from the ranges Post- och telestyrelsen keeps for
use in fiction, so no real subscriber can be called by mistake.
"""
from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "nara-demo"  # noqa: S105 - shared, documented demo password; never used outside the demo

# Skatteverket keeps birth serials 980–999 for test persons: every synthetic number uses one of them.
TEST_SERIALS = tuple(range(980, 1000))

# PTS numbers reserved for fiction (TV, books, demos).
FICTION_MOBILE = [f"070-17406{n:02d}" for n in range(5, 100)]
FICTION_LANDLINE = [f"031-39006{n:02d}" for n in range(0, 100)]


@dataclass(frozen=True)
class Locality:
    name: str
    postal_codes: tuple[int, int]  # inclusive range of five-digit codes
    weight: float  # share of the municipality's residents
    health_centre: str  # key of the nearest vårdcentral


@dataclass(frozen=True)
class Municipality:
    key: str
    name: str
    code: str
    short: str  # used in unit names: "Hemsjukvården Mark"
    weight: float  # share of the region's synthetic population
    localities: tuple[Locality, ...]


REGION_NAME = "Västra Götalandsregionen"
REGION_HSA = "SE2321000131"
REGION_ORG_NUMBER = "232100-0131"

MUNICIPALITIES = (
    Municipality("mark", "Marks kommun", "1463", "Mark", 0.30, (
        Locality("Kinna", (51150, 51158), 0.30, "kinna"),
        Locality("Örby", (51191, 51193), 0.10, "kinna"),
        Locality("Skene", (51160, 51164), 0.25, "skene"),
        Locality("Fritsla", (51170, 51173), 0.12, "skene"),
        Locality("Sätila", (51195, 51196), 0.12, "satila"),
        Locality("Horred", (51197, 51198), 0.11, "satila"),
    )),
    Municipality("boras", "Borås stad", "1490", "Borås", 0.62, (
        Locality("Borås", (50330, 50334), 0.15, "norrby"),
        Locality("Borås", (50335, 50338), 0.20, "hassleholmen"),
        Locality("Borås", (50490, 50496), 0.15, "hassleholmen"),
        Locality("Borås", (50350, 50352), 0.10, "norrby"),
        Locality("Sandared", (51830, 51833), 0.10, "sandared"),
        Locality("Dalsjöfors", (51631, 51634), 0.10, "dalsjofors"),
        Locality("Fristad", (51331, 51334), 0.08, "dalsjofors"),
        Locality("Viskafors", (51531, 51534), 0.07, "sandared"),
    )),
    Municipality("bollebygd", "Bollebygds kommun", "1443", "Bollebygd", 0.08, (
        Locality("Bollebygd", (51730, 51735), 0.80, "bollebygd"),
        Locality("Olsfors", (51737, 51737), 0.12, "bollebygd"),
        Locality("Hultafors", (51796, 51796), 0.08, "bollebygd"),
    )),
)

# Fictional private care providers: key -> (name, HSA prefix)
PRIVATE_PROVIDERS = {
    "lindangen": ("Lindängens Vård AB", "SE5599000011"),
    "viskan": ("Vårdkompaniet Viskan AB", "SE5599000029"),
}


def municipality_hsa(code: str) -> str:
    return f"SE21200{code}0"


@dataclass(frozen=True)
class UnitSpec:
    key: str
    name: str
    kind: str  # nara.directory.models.Unit.Kind value
    owner: str  # "region", a municipality key or a private provider key
    municipality_code: str = ""


# Hospital clinics that record encounters in the extracts (ER, specialist outpatient care). They are in the
# directory so that the person timeline can name them and check whose data they are; nobody signs in there.
HOSPITAL_CLINICS = {
    "er": ("SÄS Akutmottagningen Borås", f"{REGION_HSA}-E000000001001"),
    "so_medicine": ("SÄS Medicinmottagningen", f"{REGION_HSA}-E000000001002"),
    "so_ortho": ("SÄS Ortopedmottagningen", f"{REGION_HSA}-E000000001003"),
    "so_lung": ("SÄS Lungmottagningen", f"{REGION_HSA}-E000000001004"),
    "so_eye": ("SÄS Ögonmottagningen", f"{REGION_HSA}-E000000001005"),
}


def unit_specs() -> list[UnitSpec]:
    specs = [
        UnitSpec("kinna", "Vårdcentralen Kinna", "health_centre", "region", "1463"),
        UnitSpec("skene", "Vårdcentralen Skene", "health_centre", "region", "1463"),
        UnitSpec("satila", "Vårdcentralen Sätila", "health_centre", "lindangen", "1463"),
        UnitSpec("hassleholmen", "Vårdcentralen Hässleholmen", "health_centre", "region", "1490"),
        UnitSpec("norrby", "Vårdcentralen Norrby", "health_centre", "viskan", "1490"),
        UnitSpec("sandared", "Vårdcentralen Sandared", "health_centre", "region", "1490"),
        UnitSpec("dalsjofors", "Vårdcentralen Dalsjöfors", "health_centre", "region", "1490"),
        UnitSpec("bollebygd", "Vårdcentralen Bollebygd", "health_centre", "region", "1443"),
        UnitSpec("m5", "SÄS Medicinavdelning M5", "ward", "region"),
        UnitSpec("nava", "SÄS NÄVA – avdelning för sköra äldre", "ward", "region"),
        UnitSpec("mobile", "Mobila teamet Södra Älvsborg", "mobile_team", "region"),
        UnitSpec("analysis", "Analys och uppföljning, Södra Älvsborg", "analysis", "region"),
    ]
    for m in MUNICIPALITIES:
        specs += [
            UnitSpec(f"{m.key}_home_health", f"Hemsjukvården {m.short}", "home_health", m.key, m.code),
            UnitSpec(f"{m.key}_home_care", f"Hemtjänsten {m.short}", "home_care", m.key, m.code),
            UnitSpec(f"{m.key}_needs", f"Biståndsenheten {m.short}", "needs_assessment", m.key, m.code),
            UnitSpec(f"{m.key}_rehab", f"Rehabenheten {m.short}", "rehab", m.key, m.code),
        ]
    return specs


@dataclass(frozen=True)
class StaffSpec:
    """One demo user. username/given/family None: generated from the seed."""

    username: str | None
    given: str | None
    family: str | None
    title: str
    assignments: tuple[tuple[str, tuple[str, ...]], ...]  # (unit key, roles)


# The memorable sign-ins shown in the README and by `nara demo`.
NAMED_STAFF = (
    StaffSpec("anna.ssk", "Anna", "Lindberg", "Äldresjuksköterska",
              (("kinna", ("elder_nurse",)), ("mobile", ("nurse",)))),
    StaffSpec("erik.lakare", "Erik", "Holm", "Specialist i allmänmedicin", (("kinna", ("physician",)),)),
    StaffSpec("karin.chef", "Karin", "Ek", "Verksamhetschef", (("kinna", ("manager",)),)),
    StaffSpec("maria.dsk", "Maria", "Johansson", "Distriktssköterska", (("mark_home_health", ("nurse",)),)),
    StaffSpec("johan.chef", "Johan", "Berg", "Enhetschef", (("mark_home_health", ("manager",)),)),
    StaffSpec("lena.bistand", "Lena", "Sandberg", "Biståndshandläggare", (("mark_needs", ("needs_assessor",)),)),
    StaffSpec("omar.at", "Omar", "Haddad", "Arbetsterapeut", (("mark_rehab", ("occupational_therapist",)),)),
    StaffSpec("jonas.fys", "Jonas", "Wikström", "Fysioterapeut", (("mark_rehab", ("physiotherapist",)),)),
    StaffSpec("petra.usk", "Petra", "Alm", "Undersköterska", (("mark_home_care", ("assistant_nurse",)),)),
    StaffSpec("nils.avd", "Nils", "Forsberg", "Sjuksköterska", (("nava", ("nurse",)),)),
    StaffSpec("mobil.ssk", "Mona", "Strand", "Sjuksköterska", (("mobile", ("nurse",)),)),
    StaffSpec("sara.analys", "Sara", "Nyström", "Utvecklingsledare", (("analysis", ("analyst",)),)),
)


def _generated(unit_key: str, role: str, title: str, count: int = 1) -> list[StaffSpec]:
    return [StaffSpec(None, None, None, title, ((unit_key, (role,)),)) for _ in range(count)]


def generated_staff() -> list[StaffSpec]:
    """The rest of the ~40 staff: one elder nurse and one physician per other vårdcentral, municipal staff."""
    specs = _generated("kinna", "physician", "Specialist i allmänmedicin")
    for key in ("skene", "satila", "hassleholmen", "norrby", "sandared", "dalsjofors", "bollebygd"):
        specs += _generated(key, "elder_nurse", "Äldresjuksköterska")
        specs += _generated(key, "physician", "Specialist i allmänmedicin")
    specs += _generated("mark_home_health", "assistant_nurse", "Undersköterska")
    for m in ("boras", "bollebygd"):
        specs += _generated(f"{m}_home_health", "nurse", "Distriktssköterska")
        specs += _generated(f"{m}_home_care", "assistant_nurse", "Undersköterska")
        specs += _generated(f"{m}_needs", "needs_assessor", "Biståndshandläggare")
        specs += _generated(f"{m}_rehab", "occupational_therapist", "Arbetsterapeut")
    specs += _generated("boras_home_health", "manager", "Enhetschef")
    specs += _generated("m5", "nurse", "Sjuksköterska")
    specs += _generated("m5", "physician", "Överläkare")
    specs += _generated("mobile", "physician", "Specialist i geriatrik")
    return specs


# --- names --------------------------------------------------------------------------------------------------

GIVEN_NAMES = {
    # (sex, cohort) -> names; cohorts: "old" born before 1960, "mid" 1960–1989, "young" 1990 and later
    ("F", "old"): [
        "Astrid", "Gunnel", "Birgitta", "Margareta", "Ingrid", "Elsa", "Kerstin", "Ulla", "Britt", "Gun",
        "Barbro", "Inga", "Anna-Lisa", "Maj-Britt", "Signe", "Greta", "Marianne", "Elisabeth", "Solveig",
        "Siv", "Gudrun", "Ingegerd", "Ann-Marie", "Karin", "Märta", "Ebba", "Gunvor", "Rut", "Aina", "Doris",
    ],
    ("M", "old"): [
        "Karl-Erik", "Lennart", "Bengt", "Rolf", "Sven", "Åke", "Bertil", "Stig", "Lars", "Kjell",
        "Ingvar", "Göran", "Nils", "Olle", "Rune", "Leif", "Tage", "Evert", "Arne", "Gunnar", "Hans",
        "Sune", "Bo", "Sten", "Torsten", "Gösta", "Harry", "Allan", "Yngve", "Folke",
    ],
    ("F", "mid"): [
        "Anna", "Maria", "Eva", "Karin", "Sara", "Lena", "Helena", "Malin", "Sofia", "Emma", "Jenny",
        "Linda", "Camilla", "Johanna", "Susanne", "Petra", "Fatima", "Amira", "Leila", "Sanna", "Therese",
    ],
    ("M", "mid"): [
        "Erik", "Johan", "Anders", "Per", "Mikael", "Peter", "Fredrik", "Daniel", "Andreas", "Thomas",
        "Magnus", "Jonas", "Mattias", "Omar", "Ali", "Ahmed", "Stefan", "Niklas", "Marcus", "Henrik",
    ],
    ("F", "young"): [
        "Alice", "Maja", "Elsa", "Wilma", "Ella", "Ebba", "Olivia", "Saga", "Selma", "Alva", "Freja",
        "Nora", "Vera", "Tilde", "Ines", "Noor", "Hanna", "Stella", "Juni", "Lea",
    ],
    ("M", "young"): [
        "William", "Liam", "Noah", "Hugo", "Lucas", "Oliver", "Elias", "Adam", "Leo", "Alexander", "Nils",
        "Vincent", "Theo", "Isak", "Melvin", "Axel", "Ludvig", "Yusuf", "Emil", "Viggo",
    ],
}

FAMILY_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg",
    "Jakobsson", "Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Axelsson", "Berg",
    "Bergström", "Lundberg", "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson",
    "Sandberg", "Henriksson", "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Lundin",
    "Håkansson", "Björk", "Bergman", "Gunnarsson", "Holm", "Samuelsson", "Isaksson", "Fransson", "Bergqvist",
    "Nyström", "Holmberg", "Arvidsson", "Löfgren", "Söderberg", "Nyberg", "Blomqvist", "Claesson",
    "Nordström", "Mårtensson", "Lundström", "Björklund", "Eliasson", "Berggren", "Sandström", "Nordin",
    "Ström", "Åberg", "Hermansson", "Ekström", "Holmgren", "Hedlund", "Dahlberg", "Sundberg", "Sjögren",
    "Abrahamsson", "Falk", "Martinsson", "Öberg", "Andreasson", "Månsson", "Åkesson", "Hassan", "Mohammed",
    "Ali", "Yilmaz", "Kovačević", "Nieminen", "Virtanen",
]

STREETS = [
    "Storgatan", "Kyrkogatan", "Skolgatan", "Järnvägsgatan", "Boråsvägen", "Bergsgatan", "Parkgatan",
    "Björkvägen", "Ekvägen", "Lindvägen", "Tallvägen", "Granvägen", "Ängsvägen", "Solvägen", "Backavägen",
    "Norra vägen", "Södra vägen", "Villagatan", "Kvarngatan", "Fabriksgatan", "Åvägen", "Lärkvägen",
    "Tranvägen", "Hagavägen", "Allégatan", "Prästgårdsvägen", "Smedjegatan", "Västergatan", "Östergatan",
]

RELATIONS_SPOUSE = {"F": "make", "M": "maka"}
RELATIONS_OTHER = ["dotter", "son", "dotter", "son", "sambo", "syster", "bror", "barnbarn", "granne"]

CONSENT_PURPOSES = [
    "Samordnad vård och omsorg i hemmet",
    "Planering inför SIP",
    "Fast vårdkontakt och daglig avstämning",
]


@dataclass(frozen=True)
class DemoPersonSpec:
    given: str
    family: str
    sex: str
    birth: tuple[int, int, int]
    street: str


# Listed at Vårdcentralen Kinna, living in Marks kommun, on Hemsjukvården Mark's care team, and without consent:
# sign in as anna.ssk, register a consent, and Mark's data appears.
DEMO_PERSONS = (
    DemoPersonSpec("Astrid", "Lindqvist", "F", (1938, 3, 14), "Varbergsvägen 12"),
    DemoPersonSpec("Gösta", "Karlsson", "M", (1935, 11, 2), "Kinnaborgsvägen 4"),
    DemoPersonSpec("Margit", "Ekholm", "F", (1941, 7, 23), "Kyrkogatan 9"),
    DemoPersonSpec("Ingvar", "Sjöholm", "M", (1946, 1, 30), "Ängsvägen 3"),
)
