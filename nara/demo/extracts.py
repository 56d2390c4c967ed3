"""The demo region's analytics data: a population extract and two years of encounters, imported into the lake
through the one import path (`nara.identify.services.import_extract`), then a risk run, so that the risk lists
are filled on first start.

The extracts are written from the operational database (the persons `generator.generate` saved), as the CSV files
a Swedish system exports (semicolon, UTF-8, the column names and words of docs/extract-contract.md), under
VAR_DIR/demo-extracts/. They hold synthetic personnummer only (Skatteverket's test serials), and still nothing
here prints one.

Encounters are generated in DuckDB SQL. Every random draw is a hash of (seed, purpose, person, item), so the files
are the same byte for byte for one database, seed and extract date, whatever the thread count. Rates by age are in
`rates.py`; the four named demo persons get the written-out histories of `histories.py` instead of random ones.
Every timestamp lies before midnight starting the extract date, so the files are valid all day: stays that last
past it are ongoing (no end time).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from django.conf import settings
from django.db.models import Min
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from nara.demo import data, histories, rates
from nara.demo.population import NEARBY_HEALTH_CENTRES, age_on
from nara.directory.models import Organisation, Unit
from nara.identify import schema
from nara.people.models import CareTeamMember, Person

DIRECTORY_NAME = "demo-extracts"
POPULATION_FILE = "befolkning.csv"
ENCOUNTERS_FILE = "vardkontakter.csv"
WINDOW_DAYS = 730  # two years of encounters before the extract date

OUTSIDE_UNITS = data.HOSPITAL_CLINICS
SPECIALIST_CLINICS = ("so_medicine", "so_medicine", "so_ortho", "so_lung", "so_eye")  # weights by repetition
# Source systems (kallsystem) by who records the contact.
PRIMARY_CARE_SYSTEM = "Asynja"
PRIVATE_PRIMARY_CARE_SYSTEM = "PMO"
HOSPITAL_SYSTEM = "Millennium"
HOME_HEALTH_SYSTEM = "Lifecare"

# The files use the Swedish words of the extract contract (nara.identify.schema) for the codes.


class DemoLoadFailed(Exception):
    """An extract was not imported whole, or the risk run failed; the message is Swedish, without personnummer."""


def directory() -> Path:
    return Path(settings.VAR_DIR) / DIRECTORY_NAME


@dataclass
class Written:
    population: Path
    encounters: Path
    persons: int
    encounter_rows: int
    by_care_type: dict[str, int] = field(default_factory=dict)


# --- reading the operational database ---------------------------------------------------------------------


def demo_units() -> dict[str, str]:
    """Demo unit key → HSA-id, for the units of the demo directory, plus the outside units."""
    by_name = dict(Unit.objects.filter(name__in=[s.name for s in data.unit_specs()]).values_list("name", "hsa_id"))
    units = {spec.key: by_name[spec.name] for spec in data.unit_specs() if spec.name in by_name}
    units.update({key: hsa for key, (_name, hsa) in OUTSIDE_UNITS.items()})
    return units


def demo_region_loaded() -> bool:
    """The database holds the demo region: its four named persons, listed at Vårdcentralen Kinna."""
    kinna = next(s.name for s in data.unit_specs() if s.key == "kinna")
    found = 0
    for spec in data.DEMO_PERSONS:
        found += Person.objects.filter(given_name=spec.given, family_name=spec.family,
                                       birth_date=dt.date(*spec.birth), listed_unit__name=kinna).exists()
    return found == len(data.DEMO_PERSONS)


def _demo_index(given: str, family: str, birth: dt.date, listed_unit: str | None, kinna: str | None) -> int:
    for i, spec in enumerate(data.DEMO_PERSONS, start=1):
        if (given, family, birth) == (spec.given, spec.family, dt.date(*spec.birth)) and listed_unit == kinna:
            return i
    return 0


def _persons(today: dt.date, units: dict[str, str]) -> dict[str, list]:
    """The persons as columns (lists) for DuckDB, ordered by personnummer; id = the position."""
    home_health = {}  # person id -> (unit HSA-id, enrolled since): the earliest hemsjukvård care-team entry
    rows = (CareTeamMember.objects.filter(unit__kind=Unit.Kind.HOME_HEALTH)
            .values("person_id", "unit__hsa_id").annotate(since=Min("valid_from"))
            .order_by("person_id", "since", "unit__hsa_id"))
    for row in rows:
        home_health.setdefault(row["person_id"], (row["unit__hsa_id"], row["since"]))
    kinna = units.get("kinna")
    columns: dict[str, list] = {k: [] for k in (
        "id", "pnr", "birth", "sex", "muni", "listed", "death", "age", "hh_unit", "hh_since", "demo")}
    persons = Person.objects.order_by("personnummer").values_list(
        "pk", "personnummer", "birth_date", "sex", "municipality__municipality_code", "listed_unit__hsa_id",
        "date_of_death", "given_name", "family_name",
    )
    for n, (pk, pnr, birth, sex, muni, listed, death, given, family) in enumerate(persons, start=1):
        hh_unit, hh_since = home_health.get(pk, (None, None))
        columns["id"].append(n)
        columns["pnr"].append(pnr)
        columns["birth"].append(birth.isoformat())
        columns["sex"].append(sex)
        columns["muni"].append(muni)
        columns["listed"].append(listed)
        columns["death"].append(death.isoformat() if death else None)
        columns["age"].append(age_on(birth, today))
        columns["hh_unit"].append(hh_unit)
        columns["hh_since"].append(hh_since.isoformat() if hh_since else None)
        columns["demo"].append(_demo_index(given, family, birth, listed, kinna))
    return columns


# --- SQL helpers ------------------------------------------------------------------------------------------


def _lit(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _list(values) -> str:
    return "[" + ", ".join(_lit(v) for v in values) + "]"


def _slots(weights: dict[str, float], n: int = 1000) -> list[str]:
    """Each key repeated in proportion to its weight (largest remainders), so pick(list, u) draws by weight."""
    total = sum(weights.values())
    exact = {k: w * n / total for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: (counts[k] - exact[k], k))[: n - sum(counts.values())]:
        counts[k] += 1
    return [k for k, c in counts.items() for _ in range(c)]


def _word(column: str, words: dict[str, str]) -> str:
    cases = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in words.items())
    return f"CASE {column} {cases} END"


def _macros(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    # u(purpose, a, b): a uniform draw in [0, 1) that depends only on the seed and its arguments.
    con.execute(f"CREATE MACRO u(p, a, b) AS hash({int(seed)}, p, a, b) / 18446744073709551616.0")
    con.execute("CREATE MACRO pick(l, x) AS l[1 + floor(x * len(l))::BIGINT]")
    usual = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in sorted(rates.USUAL_CODES.items()))
    # A category written as a code: bare, its usual code, or with a fourth character (".9" most often).
    con.execute(f"""CREATE MACRO icd(cat, x) AS
        CASE WHEN list_contains({_list(rates.BARE_CATEGORIES)}, cat) OR starts_with(cat, 'W') THEN cat
             ELSE coalesce(CASE cat {usual} END,
                           cat || '.' || CASE WHEN x < 0.6 THEN '9' ELSE CAST(floor((x - 0.6) * 22.5)::INT AS VARCHAR)
                                         END) END""")


def _mix_table(con: duckdb.DuckDBPyConnection, units: dict[str, str], private_units: list[str]) -> None:
    from nara.identify.definitions import reference

    geriatric = {category: rates.GERIATRIC_HFRS_WEIGHT for category, _points in reference.hfrs_points()}
    for k, w in rates.MIX_GERIATRIC.items():
        geriatric[k] = geriatric.get(k, 0) + w
    secondary = {category: rates.GERIATRIC_HFRS_WEIGHT * 0.5 for category, _points in reference.hfrs_points()}
    for k, w in rates.MIX_SECONDARY.items():
        secondary[k] = secondary.get(k, 0) + w
    munis = [m.code for m in data.MUNICIPALITIES]
    nearby = [[units[key] for key in NEARBY_HEALTH_CENTRES[m.key]] for m in data.MUNICIPALITIES]

    con.execute(f"""
    CREATE TABLE mix AS SELECT
      {_list(munis)} AS muni_code,
      {_list(nearby)} AS nearby,
      {_list(private_units)} AS private_units,
      {_list([units[k] for k in SPECIALIST_CLINICS])} AS clinics,
      {_list([r[0] for r in rates.RATES])} AS rate_pc, {_list([r[1] for r in rates.RATES])} AS rate_er,
      {_list([r[2] for r in rates.RATES])} AS rate_ip, {_list([r[3] for r in rates.RATES])} AS rate_so,
      {_list(rates.GERIATRIC_SHARE)} AS geriatric_share, {_list(rates.PLANNED_ADMISSION)} AS planned_ip,
      {_list(rates.MEAN_LOS)} AS mean_los, {_list(rates.READMISSION_SHARE)} AS readmission,
      {_list(rates.FALL_SHARE_ER)} AS fall_er, {_list(rates.FALL_SHARE_IP)} AS fall_ip,
      {_list(_slots(rates.MIX_PC))} AS mix_pc, {_list(_slots(rates.MIX_ER))} AS mix_er,
      {_list(_slots(rates.MIX_IP))} AS mix_ip, {_list(_slots(rates.MIX_SO))} AS mix_so,
      {_list(_slots(geriatric))} AS mix_ger, {_list(_slots(secondary))} AS mix_sec,
      {_list(_slots(rates.MIX_INJURY_ER))} AS mix_inj_er, {_list(_slots(rates.MIX_INJURY_IP))} AS mix_inj_ip,
      {_list(_slots(rates.MIX_FALL_CAUSE))} AS mix_fall,
      {_list(_slots(rates.PROFESSIONS_PC, 100))} AS prof_pc, {_list(_slots(rates.PROFESSIONS_HH, 100))} AS prof_hh
    """)


def _band_sql(age: str) -> str:
    cases = " ".join(f"WHEN {age} <= {hi} THEN {i}" for i, (_lo, hi) in enumerate(rates.AGE_BANDS, start=1))
    return f"CASE {cases} ELSE {len(rates.AGE_BANDS)} END"


# --- generation -------------------------------------------------------------------------------------------


def _build(con: duckdb.DuckDBPyConnection, persons: dict[str, list], units: dict[str, str], today: dt.date) -> None:
    """Create `person` and `encounters` (English codes, internal names) in `con`."""
    d = f"DATE '{today.isoformat()}'"
    midnight = f"TIMESTAMP '{today.isoformat()} 00:00:00'"
    sigma = rates.FRAILTY_SIGMA
    con.execute(f"""
    CREATE TABLE person AS
    WITH pin AS (
      SELECT unnest($id) AS id, unnest($pnr) AS personnummer, CAST(unnest($birth) AS DATE) AS birth_date,
             unnest($sex) AS sex, unnest($muni) AS kommunkod, CAST(unnest($listed) AS VARCHAR) AS listed,
             CAST(unnest($death) AS DATE) AS death, unnest($age) AS age,
             CAST(unnest($hh_unit) AS VARCHAR) AS hh_unit, CAST(unnest($hh_since) AS DATE) AS hh_since,
             unnest($demo) AS demo
    )
    SELECT pin.*, {_band_sql('age')} AS band, coalesce(list_position(muni_code, kommunkod), 1) AS m,
           exp({sigma} * sqrt(-2 * ln(greatest(u('z1', id, 0), 1e-12))) * cos(2 * pi() * u('z2', id, 0))
               - {sigma ** 2 / 2}) * CASE WHEN hh_unit IS NOT NULL THEN {rates.HOME_HEALTH_FRAILTY} ELSE 1 END
             AS frailty
    FROM pin, mix
    """, persons)
    lo, hi = rates.HOME_HEALTH_VISITS_PER_WEEK
    con.execute(f"""
    CREATE TABLE exposure AS
    WITH x AS (
      SELECT p.*, greatest({d} - {WINDOW_DAYS}, birth_date) AS es, least(coalesce(death, {d} - 1), {d} - 1) AS ee
      FROM person p
    ), y AS (
      SELECT x.*, (ee - es + 1) AS days, (ee - es + 1) / 365.25 AS years,
             greatest(es, coalesce(hh_since, es)) AS hs
      FROM x WHERE ee >= es
    )
    SELECT y.*, ee - hs + 1 AS hdays, geriatric_share[band] AS ger,
      CASE WHEN demo > 0 THEN 0 ELSE floor(rate_pc[band] * frailty ** 0.6 * years + u('npc', id, 0))::INT END AS n_pc,
      CASE WHEN demo > 0 THEN 0 ELSE floor(rate_er[band] * frailty * years + u('ner', id, 0))::INT END AS n_er,
      CASE WHEN demo > 0 THEN 0 ELSE floor(rate_ip[band] * frailty ** 1.2 * years + u('nip', id, 0))::INT END AS n_ip,
      CASE WHEN demo > 0 THEN 0 ELSE floor(rate_so[band] * frailty ** 0.5 * years + u('nso', id, 0))::INT END AS n_so,
      CASE WHEN hh_unit IS NOT NULL AND ee >= hs
           THEN floor(({lo} + u('hhr', id, 0) * {hi - lo}) * (ee - hs + 1) / 7.0)::INT ELSE 0 END AS n_hh
    FROM y, mix
    """)

    def dx(kind: str, mix: str, p_null: float, ger: str = "ger") -> str:
        return (f"CASE WHEN u('{kind}-dx-null', id, k) < {p_null} THEN NULL "
                f"ELSE icd(CASE WHEN u('{kind}-dx-ger', id, k) < {ger} THEN pick(mix_ger, u('{kind}-dx', id, k)) "
                f"ELSE pick({mix}, u('{kind}-dx', id, k)) END, u('{kind}-dx-code', id, k)) END")

    def secondaries(kind: str, most: str) -> str:
        return (f"list_sort(list_distinct(list_transform(range(floor(u('{kind}-sec-n', id, k) * ({most}))::INT), "
                f"lambda j: icd(pick(mix_sec, u('{kind}-sec', id, k * 64 + j)), u('{kind}-sec-code', id, k * 64 + j)))))")

    def day(kind: str, weekdays: bool, start: str = "es", length: str = "days") -> str:
        dd = f"({start} + floor(u('{kind}-day', id, k) * {length})::INT)"
        if weekdays:  # 90 % of visits on weekdays: most weekend days move to the Friday before
            dd = (f"greatest({start}, {dd} - CASE WHEN isodow({dd}) >= 6 AND u('{kind}-weekday', id, k) < 0.9 "
                  f"THEN (isodow({dd}) - 5)::INT ELSE 0 END)")
        return dd

    er_unit = _lit(units["er"])
    home_visits = rates.HOME_VISIT_SHARE_85
    null = rates.NULL_DIAGNOSIS
    con.execute(f"""
    CREATE TABLE enc_simple AS
    WITH pc AS (SELECT e.*, unnest(range(n_pc)) AS k FROM exposure e WHERE n_pc > 0),
         er AS (SELECT e.*, unnest(range(n_er)) AS k FROM exposure e WHERE n_er > 0),
         so AS (SELECT e.*, unnest(range(n_so)) AS k FROM exposure e WHERE n_so > 0),
         hh AS (SELECT e.*, unnest(range(n_hh)) AS k FROM exposure e WHERE n_hh > 0),
         pcu AS (
           SELECT pc.*, CASE WHEN listed IS NOT NULL AND u('pcl', id, k) < 0.85 THEN listed
                             ELSE pick(nearby[m], u('pcu', id, k)) END AS unit
           FROM pc, mix
         )
    SELECT id, 'PV-' || id || '-' || k AS encounter_id,
           CASE WHEN list_contains(private_units, unit) THEN {_lit(PRIVATE_PRIMARY_CARE_SYSTEM)}
                ELSE {_lit(PRIMARY_CARE_SYSTEM)} END AS source_system,
           unit AS unit_hsa, 'primary_care' AS care_type,
           CASE WHEN u('pcf', id, k) < (CASE WHEN band >= 5 THEN {home_visits} ELSE 0.02 END) THEN 'home_visit'
                WHEN u('pcf', id, k) < {rates.PHYSICAL_UPTO} THEN 'physical'
                WHEN u('pcf', id, k) < {rates.PHONE_UPTO} THEN 'phone'
                ELSE 'digital' END AS contact_form,
           pick(prof_pc, u('pcp', id, k)) AS profession,
           {day('pc', True)} + INTERVAL (8 * 60 + floor(u('pct', id, k) * 108) * 5) MINUTE AS start_at,
           INTERVAL (15 + floor(u('pcm', id, k) * 31)) MINUTE AS duration,
           u('pcpl', id, k) < 0.85 AS planned,
           {dx('pc', 'mix_pc', null['pc'])} AS main_diagnosis,
           {secondaries('pc', '1.6 + ger')} AS secondary_diagnoses
    FROM pcu, mix
    UNION ALL
    SELECT id, 'AK-' || id || '-' || k, {_lit(HOSPITAL_SYSTEM)}, {er_unit}, 'emergency', 'physical', 'läkare',
           {day('er', False)} + INTERVAL (floor(u('ert', id, k) * 1440)) MINUTE,
           INTERVAL (60 + floor(u('erm', id, k) * 420)) MINUTE, false,
           CASE WHEN u('erx', id, k) < fall_er[band] THEN icd(pick(mix_inj_er, u('eri', id, k)), u('erif', id, k))
                ELSE {dx('er', 'mix_er', null['er'])} END,
           CASE WHEN u('erx', id, k) < fall_er[band]
                THEN list_prepend(icd(pick(mix_fall, u('er-fall-cause', id, k)), 0), {secondaries('er', '1.5')})
                ELSE {secondaries('er', '1.5 + ger')} END
    FROM er, mix
    UNION ALL
    SELECT id, 'SO-' || id || '-' || k, {_lit(HOSPITAL_SYSTEM)}, pick(clinics, u('sou', id, k)),
           'specialist_outpatient',
           CASE WHEN u('sof', id, k) < 0.85 THEN 'physical' WHEN u('sof', id, k) < 0.95 THEN 'phone' ELSE 'digital' END,
           CASE WHEN u('sop', id, k) < 0.8 THEN 'läkare' ELSE 'sjuksköterska' END,
           {day('so', True)} + INTERVAL (8 * 60 + floor(u('sot', id, k) * 96) * 5) MINUTE,
           INTERVAL (20 + floor(u('som', id, k) * 41)) MINUTE, true,
           {dx('so', 'mix_so', null['so'])}, {secondaries('so', '1.5 + ger')}
    FROM so, mix
    UNION ALL
    SELECT id, 'HS-' || id || '-' || k, {_lit(HOME_HEALTH_SYSTEM)}, hh_unit, 'home_health', 'home_visit',
           pick(prof_hh, u('hhp', id, k)),
           {day('hh', False, 'hs', 'hdays')} + INTERVAL (7 * 60 + floor(u('hht', id, k) * 168) * 5) MINUTE,
           INTERVAL (10 + floor(u('hhm', id, k) * 51)) MINUTE, true,
           CASE WHEN u('hhn', id, k) < {null['hh']} THEN NULL
                ELSE icd(pick(mix_ger, u('hhc', id, k)), u('hhcf', id, k)) END,
           []::VARCHAR[]
    FROM hh, mix
    """)

    m5, nava = _lit(units["m5"]), _lit(units["nava"])

    def ward(purpose: str, k: str = "k") -> str:
        return f"CASE WHEN age >= 75 AND u('{purpose}', id, {k}) < {rates.NAVA_SHARE_75} THEN {nava} ELSE {m5} END"

    con.execute(f"""
    CREATE TABLE stay_base AS
    WITH ip AS (SELECT e.*, unnest(range(n_ip)) AS k FROM exposure e WHERE n_ip > 0),
    s AS (
      SELECT ip.*, u('ipp', id, k) < planned_ip[band] AS planned,
             u('ipx', id, k) < fall_ip[band] AS fall,
             {day('ip', False)} AS adm_day,
             CASE WHEN u('ipp', id, k) < planned_ip[band] THEN 7 * 60 + floor(u('ipt', id, k) * 36) * 5
                  ELSE floor(u('ipt', id, k) * 1440) END AS adm_minute,
             CASE WHEN u('ipp', id, k) < planned_ip[band] THEN 1 + floor(u('ipl', id, k) * 5)
                  ELSE floor(-ln(greatest(u('ipl', id, k), 1e-9)) * mean_los[band]) END::INT AS los
      FROM ip, mix
    )
    SELECT id, k, age, band, ger, death, es, planned, fall,
           'SV-' || id || '-' || k AS encounter_id,
           CASE WHEN planned THEN {m5} ELSE {ward('ip-ward')} END AS unit_hsa,
           adm_day + INTERVAL (adm_minute) MINUTE AS start_at,
           greatest(adm_day + INTERVAL (adm_minute + 120) MINUTE,
                    adm_day + INTERVAL (los) DAY + INTERVAL (9 * 60 + floor(u('ip-discharge', id, k) * 96) * 5) MINUTE) AS end_at,
           CASE WHEN fall THEN icd(pick(mix_inj_ip, u('ipi', id, k)), u('ipif', id, k))
                ELSE {dx('ip', 'mix_ip', 0, f'ger * {rates.GERIATRIC_MAIN_INPATIENT}')} END AS main_diagnosis,
           CASE WHEN fall THEN list_prepend(icd(pick(mix_fall, u('ip-fall-cause', id, k)), 0),
                                            {secondaries('ip', '3 + 5 * ger')})
                ELSE {secondaries('ip', '3 + 5 * ger')} END AS secondary_diagnoses,
           u('iptr', id, k) < {rates.TRANSFER_SHARE} AS transferred,
           NOT planned AND u('ipra', id, k) < readmission[band] AS readmitted,
           NOT planned AND u('iper', id, k) < {rates.ER_BEFORE_ADMISSION} AS via_er
    FROM s, mix
    """)
    con.execute(f"""
    CREATE TABLE stays AS
    WITH tr AS (  -- same-day transfer to the other ward, 30–180 minutes after the discharge
      SELECT id, k, death, false AS planned, encounter_id || 'T' AS encounter_id,
             CASE WHEN unit_hsa = {m5} THEN {nava} ELSE {m5} END AS unit_hsa,
             end_at + INTERVAL (30 + floor(u('trs', id, k) * 150)) MINUTE AS start_at,
             end_at + INTERVAL (1 + floor(u('trl', id, k) * 14)) DAY AS end_at,
             main_diagnosis, secondary_diagnoses
      FROM stay_base WHERE transferred
    ), ra AS (  -- readmission 1–31 days after the discharge (31 lies just outside a 30-day window)
      SELECT id, k, death, false AS planned, encounter_id || 'R' AS encounter_id, {ward('ra-ward')} AS unit_hsa,
             CAST(end_at AS DATE) + INTERVAL (1 + floor(u('rad', id, k) * 31)) DAY
               + INTERVAL (floor(u('rat', id, k) * 1440)) MINUTE AS start_at,
             NULL::TIMESTAMP AS end_at,
             icd(CASE WHEN u('rag', id, k) < ger THEN pick(mix_ger, u('rac', id, k))
                      ELSE pick(mix_ip, u('rac', id, k)) END, u('raf', id, k)) AS main_diagnosis,
             {secondaries('ra', '3 + 5 * ger')} AS secondary_diagnoses
      FROM stay_base, mix WHERE readmitted AND NOT transferred
    ), ra2 AS (
      SELECT * REPLACE (start_at + INTERVAL (1 + floor(-ln(greatest(u('ral', id, k), 1e-9)) * 5)) DAY AS end_at)
      FROM ra
    ), dh AS (  -- death in hospital: admitted 0–13 days before the day of death
      SELECT id, k, death, false AS planned, 'SV-' || id || '-D' AS encounter_id, {ward('dh-ward')} AS unit_hsa,
             greatest(es, death - floor(u('dhd', id, 0) * 14)::INT) + INTERVAL (floor(u('dht', id, 0) * 720)) MINUTE
               AS start_at,
             death + INTERVAL (12 * 60 + floor(u('dhe', id, 0) * 690)) MINUTE AS end_at,
             icd(pick(mix_ger, u('dhc', id, 0)), u('dhf', id, 0)) AS main_diagnosis,
             list_prepend('Z51.5', {secondaries('dh', '3 + 5 * ger')}) AS secondary_diagnoses
      FROM (SELECT *, 0 AS k FROM exposure), mix WHERE death IS NOT NULL AND death >= es AND u('dh', id, 0) < {rates.DEATH_IN_HOSPITAL}
    ), allstays AS (
      SELECT id, k, death, planned, encounter_id, unit_hsa, start_at, end_at, main_diagnosis, secondary_diagnoses,
             CASE WHEN transferred THEN 'other_unit' ELSE 'home' END AS disposition
      FROM stay_base
      UNION ALL SELECT *, 'home' FROM tr
      UNION ALL SELECT *, 'home' FROM ra2
      UNION ALL SELECT *, 'deceased' FROM dh
    )
    SELECT * REPLACE (
             CASE WHEN death IS NOT NULL AND end_at > death + INTERVAL 23 HOUR
                  THEN death + INTERVAL 23 HOUR ELSE end_at END AS end_at,
             CASE WHEN death IS NOT NULL AND end_at > death + INTERVAL 23 HOUR
                  THEN 'deceased' ELSE disposition END AS disposition)
    FROM allstays
    WHERE start_at < {midnight} AND (death IS NULL OR start_at < death + INTERVAL 12 HOUR)
    """)
    _scripted(con, units, today)
    con.execute(f"""
    CREATE TABLE encounters AS
    WITH rows AS (
      SELECT id, encounter_id, source_system, unit_hsa, care_type, contact_form, profession, start_at,
             start_at + duration AS end_at, planned, main_diagnosis, secondary_diagnoses,
             NULL::VARCHAR AS discharge_disposition
      FROM enc_simple
      UNION ALL
      SELECT id, encounter_id, {_lit(HOSPITAL_SYSTEM)}, unit_hsa, 'inpatient', 'physical', 'läkare', start_at, end_at,
             planned, main_diagnosis, secondary_diagnoses, disposition
      FROM stays
      UNION ALL  -- the emergency visit before an unplanned admission
      SELECT id, 'AK-' || id || '-A' || k, {_lit(HOSPITAL_SYSTEM)}, {er_unit}, 'emergency', 'physical', 'läkare',
             start_at - INTERVAL (60 + floor(u('aea', id, k) * 300)) MINUTE, start_at, false, main_diagnosis,
             []::VARCHAR[], NULL
      FROM stay_base WHERE via_er
      UNION ALL
      SELECT * FROM scripted
    ), bounded AS (
      SELECT r.* REPLACE (
               CASE WHEN r.end_at < {midnight} THEN r.end_at
                    WHEN r.care_type = 'inpatient' THEN NULL
                    ELSE {midnight} - INTERVAL 1 MINUTE END AS end_at,
               CASE WHEN r.end_at < {midnight} THEN r.discharge_disposition END AS discharge_disposition)
      FROM rows r WHERE r.start_at < {midnight}
    )
    SELECT p.personnummer, b.*,
           least({midnight} - INTERVAL 1 MINUTE,
                 coalesce(b.end_at, b.start_at) + INTERVAL (1 + floor(u('ver', b.id, hash(b.encounter_id)) * 2880))
                 MINUTE) AS version_at
    FROM bounded b JOIN person p USING (id)
    """)


def _scripted(con: duckdb.DuckDBPyConnection, units: dict[str, str], today: dt.date) -> None:
    """The named demo persons' histories (histories.EVENTS) as a table shaped like the generated rows."""
    con.execute("""
        CREATE TABLE scripted (id INTEGER, encounter_id VARCHAR, source_system VARCHAR, unit_hsa VARCHAR,
                               care_type VARCHAR, contact_form VARCHAR, profession VARCHAR, start_at TIMESTAMP,
                               end_at TIMESTAMP, planned BOOLEAN, main_diagnosis VARCHAR,
                               secondary_diagnoses VARCHAR[], discharge_disposition VARCHAR)
    """)
    ids = dict(con.execute("SELECT demo, id FROM person WHERE demo > 0").fetchall())
    systems = {"primary_care": PRIMARY_CARE_SYSTEM, "home_health": HOME_HEALTH_SYSTEM}
    prefixes = {"primary_care": "PV", "emergency": "AK", "inpatient": "SV", "specialist_outpatient": "SO"}

    def moment(when: tuple[int, str]) -> dt.datetime:
        days, hhmm = when
        return dt.datetime.combine(today - dt.timedelta(days=days), dt.time.fromisoformat(hhmm))

    rows = []
    for n, event in enumerate(histories.EVENTS):
        person = ids.get(event.person + 1)
        if person is None:
            continue
        rows.append((
            person, f"{prefixes[event.care_type]}-{person}-H{n}", systems.get(event.care_type, HOSPITAL_SYSTEM),
            units[event.unit], event.care_type, event.contact_form, event.profession, moment(event.start),
            moment(event.end), event.planned, event.main, list(event.secondary), event.disposition,
        ))
    if rows:
        con.executemany("INSERT INTO scripted VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _copy(con: duckdb.DuckDBPyConnection, select: str, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    con.execute(f"""COPY ({select}) TO {_lit(str(tmp))}
                    (FORMAT csv, DELIMITER ';', HEADER true, DATEFORMAT '%Y-%m-%d',
                     TIMESTAMPFORMAT '%Y-%m-%d %H:%M')""")
    tmp.replace(path)


def write(seed: int, today: dt.date, out: Path | None = None) -> Written:
    """Write the population and encounter extracts of every person in the database into `out`."""
    out = out or directory()
    out.mkdir(parents=True, exist_ok=True)
    units = demo_units()
    private_units = sorted(Unit.objects.filter(kind=Unit.Kind.HEALTH_CENTRE,
                                               organisation__kind=Organisation.Kind.PRIVATE)
                           .values_list("hsa_id", flat=True))
    persons = _persons(today, units)
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        _macros(con, seed)
        _mix_table(con, units, private_units)
        _build(con, persons, units, today)
        population = out / POPULATION_FILE
        _copy(con, f"""
            SELECT personnummer, birth_date AS fodelsedatum, CASE sex WHEN 'F' THEN 'K' ELSE 'M' END AS kon,
                   kommunkod, listed AS listad_enhet_hsaid, death AS dodsdatum, DATE '{today.isoformat()}' AS uttagsdatum
            FROM person ORDER BY personnummer""", population)
        encounters = out / ENCOUNTERS_FILE
        _copy(con, f"""
            SELECT source_system AS kallsystem, encounter_id AS kontakt_id, personnummer, unit_hsa AS enhet_hsaid,
                   {_word('care_type', schema.CARE_TYPES)} AS vardtyp,
                   {_word('contact_form', schema.CONTACT_FORMS)} AS kontaktform,
                   profession AS yrke, start_at AS start, end_at AS slut,
                   CASE WHEN planned THEN 'ja' ELSE 'nej' END AS planerad,
                   main_diagnosis AS huvuddiagnos, nullif(array_to_string(secondary_diagnoses, '|'), '') AS bidiagnoser,
                   {_word('discharge_disposition', schema.DISPOSITIONS)} AS utskrivning_till, version_at AS andrad
            FROM encounters ORDER BY start_at, source_system, encounter_id""", encounters)
        by_type = dict(con.execute("SELECT care_type, count(*) FROM encounters GROUP BY 1 ORDER BY 1").fetchall())
    finally:
        con.close()
    return Written(population, encounters, len(persons["id"]), sum(by_type.values()), by_type)


# --- import and risk run -----------------------------------------------------------------------------------


def lake_tables() -> set[str]:
    from nara.identify import lake

    return set(lake.files())


def has_risk_run() -> bool:
    from nara.identify import risklist

    run = risklist.latest_run()
    if run is None:
        return False
    try:
        risklist.results_file(run)
    except risklist.ResultsMissing:
        return False
    return True


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _s(seconds: float) -> str:
    return number_format(seconds, 1)


def risk_run(today: dt.date, say: Callable[[str], None]):
    from nara.identify import runs

    started = time.perf_counter()
    try:
        run = runs.execute(today, triggered_by="nara demo")
    except runs.RiskRunFailed as exc:
        raise DemoLoadFailed(exc.run.message) from None
    say(_("Riskkörningen för %(date)s är klar: %(n)s personer flaggade (%(s)s s).") % {
        "date": today.isoformat(), "n": _n(run.counts.get("persons_flagged", 0)),
        "s": _s(time.perf_counter() - started)})
    return run


def load(seed: int, today: dt.date, say: Callable[[str], None]):
    """Write the extracts, import them (population first) and run the risk run for `today`; returns the run."""
    from nara.identify import services
    from nara.identify.importing import contract
    from nara.identify.models import ImportBatch

    started = time.perf_counter()
    written = write(seed, today)
    say(_("Demouttagen skrevs till %(dir)s: %(persons)s personer och %(rows)s vårdkontakter under två år "
          "(%(s)s s).") % {"dir": written.population.parent, "persons": _n(written.persons),
                           "rows": _n(written.encounter_rows), "s": _s(time.perf_counter() - started)})
    steps = (
        (contract.POPULATION, written.population,
         _("Befolkningsuttaget kunde inte läsas in: %(message)s"),
         _("Befolkningsuttaget lästes in i analyslagret: %(rows)s rader (%(s)s s).")),
        (contract.ENCOUNTERS, written.encounters,
         _("Vårdkontakterna kunde inte läsas in: %(message)s"),
         _("Vårdkontakterna lästes in i analyslagret: %(rows)s rader (%(s)s s).")),
    )
    for kind, path, failed, done in steps:
        started = time.perf_counter()
        batch = services.import_extract(kind, path, extract_date=today)
        if batch.status != ImportBatch.Status.SUCCEEDED or batch.rows_rejected:
            raise DemoLoadFailed(failed % {"message": batch.message})
        say(done % {"rows": _n(batch.rows_imported), "s": _s(time.perf_counter() - started)})
    return risk_run(today, say)
