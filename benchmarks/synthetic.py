"""A region-scale synthetic extract (population + encounters), generated in DuckDB SQL.

    python -m benchmarks.synthetic --scale 1 --seed 1 --out var/bench/data/s1-seed1

At scale 1: 1.7 M persons in the 49 municipalities of a Västra Götaland-like region and about 30 M encounter
rows over the two years before REFERENCE_DATE. Every random draw is a hash of (seed, purpose, person, item), so
the output is the same for one seed and scale whatever the thread count. The distribution is documented in
docs/performance.md ("The synthetic region"); the constants below are the single source of it.

Files are written in the column names and Swedish values of docs/extract-contract.md (FILE_COLUMNS below),
once as Parquet and once as CSV (semicolon-separated, as Swedish systems export).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import shutil
import time
from pathlib import Path

import duckdb

# The rates and code mixes the demo region uses too (one place); the values that differ for the bench are below.
from nara.demo.rates import (
    DEATH_IN_HOSPITAL,
    ER_BEFORE_ADMISSION,
    FALL_SHARE_IP,
    GERIATRIC_HFRS_WEIGHT,
    HOME_HEALTH_VISITS_PER_WEEK,
    MEAN_LOS,
    MIX_ER,
    MIX_FALL_CAUSE,
    MIX_GERIATRIC,
    MIX_INJURY_ER,
    MIX_INJURY_IP,
    MIX_PC,
    MIX_SECONDARY,
    MIX_SO,
    NULL_DIAGNOSIS,
    PLANNED_ADMISSION,
    PROFESSIONS_HH,
    PROFESSIONS_PC,
    READMISSION_SHARE,
    TRANSFER_SHARE,
)
from nara.identify.definitions.reference import HFRS_CSV

REFERENCE_DATE = dt.date(2026, 11, 1)  # extract date and risk-run date; encounters lie in the two years before
WINDOW_DAYS = 730
PERSONS = 1_700_000

# kommunkod, name, population in thousands (rounded, 2024) — Västra Götaland, 1.75 M inhabitants.
MUNICIPALITIES = [
    ("1401", "Härryda", 39), ("1402", "Partille", 40), ("1407", "Öckerö", 13), ("1415", "Stenungsund", 27),
    ("1419", "Tjörn", 16), ("1421", "Orust", 15), ("1427", "Sotenäs", 9), ("1430", "Munkedal", 10),
    ("1435", "Tanum", 13), ("1438", "Dals-Ed", 5), ("1439", "Färgelanda", 7), ("1440", "Ale", 32),
    ("1441", "Lerum", 44), ("1442", "Vårgårda", 12), ("1443", "Bollebygd", 10), ("1444", "Grästorp", 6),
    ("1445", "Essunga", 6), ("1446", "Karlsborg", 7), ("1447", "Gullspång", 5), ("1452", "Tranemo", 12),
    ("1460", "Bengtsfors", 9), ("1461", "Mellerud", 9), ("1462", "Lilla Edet", 14), ("1463", "Mark", 35),
    ("1465", "Svenljunga", 11), ("1466", "Herrljunga", 10), ("1470", "Vara", 16), ("1471", "Götene", 13),
    ("1472", "Tibro", 11), ("1473", "Töreboda", 9), ("1480", "Göteborg", 600), ("1481", "Mölndal", 71),
    ("1482", "Kungälv", 48), ("1484", "Lysekil", 14), ("1485", "Uddevalla", 58), ("1486", "Strömstad", 13),
    ("1487", "Vänersborg", 40), ("1488", "Trollhättan", 60), ("1489", "Alingsås", 42), ("1490", "Borås", 115),
    ("1491", "Ulricehamn", 25), ("1492", "Åmål", 12), ("1493", "Mariestad", 25), ("1494", "Lidköping", 40),
    ("1495", "Skara", 19), ("1496", "Skövde", 57), ("1497", "Hjo", 9), ("1498", "Tidaholm", 13),
    ("1499", "Falköping", 34),
]
# Hospital group of each municipality: 0 Sahlgrenska (Göteborg area), 1 SÄS (Borås), 2 SkaS (Skaraborg),
# 3 NU (Fyrbodal), 4 Alingsås, 5 Kungälv. Each group has WARDS wards (HSA ids SE2321000131-S<group><ward>).
HOSPITAL_GROUP = {
    **dict.fromkeys("1401 1402 1407 1415 1419 1421 1440 1441 1480 1481".split(), 0),
    **dict.fromkeys("1443 1452 1463 1465 1466 1490 1491 1442".split(), 1),
    **dict.fromkeys("1444 1445 1446 1447 1470 1471 1472 1473 1493 1494 1495 1496 1497 1498 1499".split(), 2),
    **dict.fromkeys("1427 1430 1435 1438 1439 1460 1461 1462 1484 1485 1486 1487 1488 1492".split(), 3),
    "1489": 4, "1482": 5,
}
WARDS = 24
PERSONS_PER_HEALTH_CENTRE = 9_000  # about 190 vårdcentraler, as in the region

# Age bands at REFERENCE_DATE: (lowest age, highest age, share of population, share female,
#  annual mortality, share geriatric diagnosis mix, share enrolled in home health care)
AGE_BANDS = [
    (0, 19, 0.220, 0.49, 0.0003, 0.02, 0.000),
    (20, 64, 0.580, 0.49, 0.0025, 0.08, 0.002),
    (65, 74, 0.105, 0.52, 0.0150, 0.35, 0.020),
    (75, 84, 0.070, 0.56, 0.0450, 0.55, 0.080),
    (85, 94, 0.023, 0.64, 0.1400, 0.70, 0.300),
    (95, 104, 0.002, 0.78, 0.3300, 0.75, 0.550),
]
# Encounters per person-year by age band (before the person's frailty multiplier):
# primary care, emergency (ER), inpatient admissions, specialist outpatient.
RATES = [
    (2.9, 0.22, 0.05, 1.4),
    (5.0, 0.25, 0.07, 2.6),
    (6.5, 0.35, 0.18, 4.4),
    (8.0, 0.55, 0.32, 5.2),
    (9.5, 1.00, 0.60, 4.2),
    (9.0, 1.30, 0.80, 2.1),
]
FRAILTY_SIGMA = 0.8  # per-person log-normal multiplier of every rate (mean 1): gives over-dispersed counts
FALL_SHARE_ER = (0.05, 0.04, 0.08, 0.12, 0.18, 0.22)  # ER visits that are a fall injury
CODE_STYLE = (0.85, 0.10, 0.05)  # diagnosis written "I50.9", "I509", "i50.9"

# ICD-10 category mixes (weights). The geriatric mix adds every HFRS category (weight GERIATRIC_HFRS_WEIGHT each).
MIX_IP = dict(I21=4, I50=4, J18=6, K35=3, O80=6, I63=3, K80=3, C34=2, C18=2, J44=3, N39=2, I48=3, A41=2,
              K56=2, M16=3, M17=3, E11=1, F20=1, F32=1, R07=2, I26=1, K57=2)
# Conditions of avoidable hospitalisation (undvikbar slutenvård) and other geriatric care, beside HFRS.

# File layout: internal column -> file column, and the Swedish code words (docs/extract-contract.md).
FILE_COLUMNS = {
    "population": {
        "personnummer": "personnummer",
        "birth_date": "fodelsedatum",
        "sex": "kon",
        "municipality_code": "kommunkod",
        "listed_unit_hsa": "listad_enhet_hsaid",
        "date_of_death": "dodsdatum",
        "extract_date": "uttagsdatum",
    },
    "encounters": {
        "source_system": "kallsystem",
        "encounter_id": "kontakt_id",
        "personnummer": "personnummer",
        "unit_hsa": "enhet_hsaid",
        "care_type": "vardtyp",
        "contact_form": "kontaktform",
        "profession": "yrke",
        "start_at": "start",
        "end_at": "slut",
        "planned": "planerad",
        "main_diagnosis": "huvuddiagnos",
        "secondary_diagnoses": "bidiagnoser",
        "discharge_disposition": "utskrivning_till",
        "version_at": "andrad",
    },
}
SECONDARY_SEPARATOR = "|"  # how a file writes the list of secondary diagnoses in one field
CARE_TYPE_WORDS = {"primary_care": "primärvårdsbesök", "emergency": "akutbesök", "inpatient": "slutenvårdstillfälle",
                   "specialist_outpatient": "specialiserad öppenvård", "home_health": "hemsjukvårdsbesök"}
CONTACT_FORM_WORDS = {"physical": "fysiskt besök", "home_visit": "hembesök", "phone": "telefon",
                      "digital": "digitalt"}
DISPOSITION_WORDS = {"home": "hem", "other_unit": "annan enhet", "deceased": "avliden"}


def _try_contract() -> None:
    """Take file column names and code words from nara's import code when it publishes them."""
    try:
        from nara.identify import schema
    except Exception:  # noqa: BLE001 - generating without Django settings is fine
        return
    for attr, target in (("CARE_TYPES", CARE_TYPE_WORDS), ("CONTACT_FORMS", CONTACT_FORM_WORDS),
                         ("DISPOSITIONS", DISPOSITION_WORDS)):
        target.update(getattr(schema, attr, {}))


def _slots(weights: dict[str, float], n: int = 2000) -> list[str]:
    """A list in which each key appears in proportion to its weight: list[1 + floor(u * len)] draws one."""
    total = sum(weights.values())
    exact = {k: w * n / total for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: counts[k] - exact[k])[: n - sum(counts.values())]:
        counts[k] += 1
    return [k for k, c in counts.items() for _ in range(c)]


def hfrs_categories() -> list[str]:
    """In the file's order (the draws depend on it); the file is the project's copy the risk run uses."""
    with HFRS_CSV.open() as f:
        return [row["icd10_category"].strip().upper() for row in csv.DictReader(f)]


def _sql_list(values) -> str:
    return "[" + ", ".join(_sql_value(v) for v in values) + "]"


def _sql_value(v) -> str:
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    return repr(v)


def _luhn_sql(nine: str) -> str:
    """SQL for the Luhn check digit of a nine-digit string expression (nara.core.personnummer's rule)."""
    terms = []
    for i in range(9):
        d = f"CAST(substr({nine}, {i + 1}, 1) AS INTEGER)"
        terms.append(f"(({d} * 2) // 10 + ({d} * 2) % 10)" if i % 2 == 0 else d)
    return f"(10 - ({' + '.join(terms)}) % 10) % 10"


def build(con: duckdb.DuckDBPyConnection, scale: float, seed: int) -> None:
    """Create the tables `population` and `encounters` (internal column names, English codes) in `con`."""
    n_persons = max(50, round(PERSONS * scale))
    ref = REFERENCE_DATE.isoformat()
    munis = sorted(MUNICIPALITIES)
    units = [max(1, round(pop * 1000 / PERSONS_PER_HEALTH_CENTRE)) for _, _, pop in munis]
    offsets = [sum(units[:i]) for i in range(len(units))]
    hfrs = hfrs_categories()
    geriatric = {**{c: GERIATRIC_HFRS_WEIGHT for c in hfrs}}
    for k, w in MIX_GERIATRIC.items():
        geriatric[k] = geriatric.get(k, 0) + w
    secondary = {**{c: GERIATRIC_HFRS_WEIGHT * 0.5 for c in hfrs}}
    for k, w in MIX_SECONDARY.items():
        secondary[k] = secondary.get(k, 0) + w
    muni_weights = {str(i + 1): pop for i, (_, _, pop) in enumerate(munis)}
    band_weights = {str(i + 1): b[2] for i, b in enumerate(AGE_BANDS)}

    def col(values):
        return _sql_list(values)

    con.execute(f"""
    CREATE OR REPLACE TABLE mix AS SELECT
      {col([int(x) for x in _slots(band_weights, 10000)])} AS band_slots,
      {col([int(x) for x in _slots(muni_weights, 20000)])} AS muni_slots,
      {col([m[0] for m in munis])} AS muni_code,
      {col(units)} AS muni_units, {col(offsets)} AS muni_offset,
      {col([HOSPITAL_GROUP[m[0]] for m in munis])} AS muni_hospital,
      {col([b[0] for b in AGE_BANDS])} AS age_lo, {col([b[1] for b in AGE_BANDS])} AS age_hi,
      {col([b[3] for b in AGE_BANDS])} AS female, {col([b[4] for b in AGE_BANDS])} AS mortality,
      {col([b[5] for b in AGE_BANDS])} AS geriatric_share, {col([b[6] for b in AGE_BANDS])} AS home_health,
      {col([r[0] for r in RATES])} AS rate_pc, {col([r[1] for r in RATES])} AS rate_er,
      {col([r[2] for r in RATES])} AS rate_ip, {col([r[3] for r in RATES])} AS rate_so,
      {col(PLANNED_ADMISSION)} AS planned_ip, {col(MEAN_LOS)} AS mean_los,
      {col(READMISSION_SHARE)} AS readmission, {col(FALL_SHARE_ER)} AS fall_er, {col(FALL_SHARE_IP)} AS fall_ip,
      {col(_slots(MIX_PC))} AS mix_pc, {col(_slots(MIX_ER))} AS mix_er, {col(_slots(MIX_IP))} AS mix_ip,
      {col(_slots(MIX_SO))} AS mix_so, {col(_slots(geriatric))} AS mix_ger, {col(_slots(secondary))} AS mix_sec,
      {col(_slots(MIX_INJURY_ER))} AS mix_inj_er, {col(_slots(MIX_INJURY_IP))} AS mix_inj_ip,
      {col(_slots(MIX_FALL_CAUSE))} AS mix_fall,
      {col(_slots(PROFESSIONS_PC, 100))} AS prof_pc, {col(_slots(PROFESSIONS_HH, 100))} AS prof_hh
    """)
    # u(purpose, a, b): a uniform draw in [0, 1) that depends only on the seed and its arguments.
    con.execute(f"CREATE OR REPLACE MACRO u(p, a, b) AS hash({int(seed)}, p, a, b) / 18446744073709551616.0")
    con.execute("CREATE OR REPLACE MACRO pick(l, x) AS l[1 + floor(x * len(l))::BIGINT]")
    # An ICD-10 code as a source system writes it: category + optional 4th character, dotted/plain/lower case.
    dot, plain, _ = CODE_STYLE
    con.execute("CREATE OR REPLACE MACRO icd_digit(x) AS CAST(floor(x * 1000)::BIGINT % 10 AS VARCHAR)")
    con.execute("CREATE OR REPLACE MACRO icd_style(x) AS (floor(x * 100000)::BIGINT % 100) / 100.0")
    con.execute(f"""CREATE OR REPLACE MACRO icd(cat, x) AS
      CASE WHEN x < 0.2 THEN (CASE WHEN icd_style(x) >= {dot + plain} THEN lower(cat) ELSE cat END)
           WHEN icd_style(x) < {dot} THEN cat || '.' || icd_digit(x)
           WHEN icd_style(x) < {dot + plain} THEN cat || icd_digit(x)
           ELSE lower(cat || '.' || icd_digit(x)) END""")

    # --- persons -----------------------------------------------------------------------------------------
    con.execute(f"""
    CREATE OR REPLACE TABLE person AS
    WITH a AS (
      SELECT id, pick(band_slots, u('band', id, 0)) AS band, pick(muni_slots, u('muni', id, 0)) AS m
      FROM range({n_persons}) r(id), mix
    ), b AS (
      SELECT a.*, age_lo[band] + floor(u('age', id, 0) * (age_hi[band] - age_lo[band] + 1))::INT AS age,
             u('sex', id, 0) < female[band] AS is_female, u('coord', id, 0) < 0.003 AS coordination,
             exp({FRAILTY_SIGMA} * sqrt(-2 * ln(greatest(u('z1', id, 0), 1e-12))) * cos(2 * pi() * u('z2', id, 0))
                 - {FRAILTY_SIGMA ** 2 / 2}) AS frailty
      FROM a, mix
    ), c AS (
      SELECT b.*, DATE '{ref}' - greatest(1, floor((age + u('bd', id, 0)) * 365.2425)::INT) AS birth_date
      FROM b
    ), d AS (
      SELECT c.*, row_number() OVER (PARTITION BY birth_date, coordination, is_female ORDER BY id) - 1 AS k,
             strftime(birth_date, '%Y%m') || lpad(CAST(day(birth_date) + 60 * coordination::INT AS VARCHAR), 2, '0')
               AS ymd
      FROM c
    ), e AS (
      SELECT d.*, lpad(CAST(2 * ((k + hash({int(seed)}, birth_date) % 499) % 499 + 1) + (NOT is_female)::INT
                       AS VARCHAR), 3, '0') AS serial
      FROM d
    ), f AS (
      SELECT e.*, substr(ymd, 3) || serial AS nine FROM e
    )
    SELECT id, band, age, birth_date, is_female, coordination, frailty,
           ymd || '-' || serial || CAST({_luhn_sql('nine')} AS VARCHAR) AS personnummer,
           muni_code[m] AS municipality_code, muni_hospital[m] AS hospital,
           CASE WHEN u('list', id, 0) < 0.95
                  THEN 'SE2321000131-E' || lpad(CAST(muni_offset[m] + floor(u('unit', id, 0) * muni_units[m])::INT + 1
                                                     AS VARCHAR), 12, '0')
                WHEN u('list', id, 0) < 0.98
                  THEN 'SE2321000131-E' || lpad(CAST(floor(u('unit', id, 0) * {sum(units)})::INT + 1 AS VARCHAR),
                                                12, '0')
           END AS listed_unit_hsa,
           CASE WHEN u('death', id, 0) < least(0.95, (1 - (1 - mortality[band]) ** 2)
                                                  * least(greatest(frailty, 0.3), 3.0))
                 AND DATE '{ref}' - {WINDOW_DAYS} + floor(u('dd', id, 0) * {WINDOW_DAYS})::INT > birth_date
                THEN DATE '{ref}' - {WINDOW_DAYS} + floor(u('dd', id, 0) * {WINDOW_DAYS})::INT END AS date_of_death
    FROM f, mix
    """)
    # Exposure: the part of the window the person is alive in the region; counts per care type.
    con.execute(f"""
    CREATE OR REPLACE TABLE exposure AS
    WITH x AS (
      SELECT p.*, greatest(DATE '{ref}' - {WINDOW_DAYS}, birth_date) AS es,
             coalesce(date_of_death, DATE '{ref}' - 1) AS ee
      FROM person p
    ), y AS (
      SELECT x.*, (ee - es + 1) AS days, (ee - es + 1) / 365.25 AS years,
             u('hh', id, 0) < home_health[band] * least(greatest(frailty, 0.3), 3.0) AS home_health_enrolled
      FROM x, mix
    )
    SELECT y.*,
      floor(rate_pc[band] * frailty ** 0.6 * years + u('npc', id, 0))::INT AS n_pc,
      floor(rate_er[band] * frailty * years + u('ner', id, 0))::INT AS n_er,
      floor(rate_ip[band] * frailty ** 1.2 * years + u('nip', id, 0))::INT AS n_ip,
      floor(rate_so[band] * frailty ** 0.5 * years + u('nso', id, 0))::INT AS n_so,
      CASE WHEN home_health_enrolled THEN
        floor(({HOME_HEALTH_VISITS_PER_WEEK[0]} + u('hhr', id, 0) * {HOME_HEALTH_VISITS_PER_WEEK[1] - HOME_HEALTH_VISITS_PER_WEEK[0]})
              * days / 7.0 * CASE WHEN u('hhs', id, 0) < 0.5 THEN 1 ELSE u('hhf', id, 0) END)::INT
      ELSE 0 END AS n_hh,
      geriatric_share[band] AS ger
    FROM y, mix
    """)

    # --- encounters ----------------------------------------------------------------------------------------
    # Primary care, ER, specialist outpatient and home health: one row per (person, k).
    hc_unit = ("'SE2321000131-E' || lpad(CAST(muni_offset[list_position(muni_code, municipality_code)] + "
               "floor(u('pcu', id, k) * muni_units[list_position(muni_code, municipality_code)])::INT + 1 "
               "AS VARCHAR), 12, '0')")
    ward = f"'SE2321000131-S' || hospital || lpad(CAST(floor(u(%s, id, k) * {WARDS})::INT + 1 AS VARCHAR), 3, '0')"

    def dx(kind: str, mix: str, p_null: float) -> str:
        return (f"CASE WHEN u('{kind}n', id, k) < {p_null} THEN NULL "
                f"ELSE icd(CASE WHEN u('{kind}g', id, k) < ger THEN pick(mix_ger, u('{kind}c', id, k)) "
                f"ELSE pick({mix}, u('{kind}c', id, k)) END, u('{kind}f', id, k)) END")

    def secondaries(kind: str, most: str) -> str:
        return (f"list_transform(range(floor(u('{kind}s', id, k) * ({most}))::INT), "
                f"lambda j: icd(pick(mix_sec, u('{kind}sc', id, k * 64 + j)), u('{kind}sf', id, k * 64 + j)))")

    def day(kind: str, weekdays: bool) -> str:
        d = f"(es + floor(u('{kind}d', id, k) * days)::INT)"
        if weekdays:  # 90 % of visits on weekdays: move most weekend days to the Friday before
            d = (f"greatest(es, {d} - CASE WHEN isodow({d}) >= 6 AND u('{kind}w', id, k) < 0.9 "
                 f"THEN (isodow({d}) - 5)::INT ELSE 0 END)")
        return d

    con.execute(f"""
    CREATE OR REPLACE TABLE enc_simple AS
    WITH pc AS (SELECT e.*, unnest(range(n_pc)) AS k FROM exposure e WHERE n_pc > 0),
         er AS (SELECT e.*, unnest(range(n_er)) AS k FROM exposure e WHERE n_er > 0),
         so AS (SELECT e.*, unnest(range(n_so)) AS k FROM exposure e WHERE n_so > 0),
         hh AS (SELECT e.*, unnest(range(n_hh)) AS k FROM exposure e WHERE n_hh > 0)
    SELECT id, 'PV-' || id || '-' || k AS encounter_id, 'asynja' AS source_system,
           CASE WHEN u('pcl', id, k) < 0.85 AND listed_unit_hsa IS NOT NULL THEN listed_unit_hsa ELSE {hc_unit} END
             AS unit_hsa,
           'primary_care' AS care_type,
           CASE WHEN u('pcf', id, k) < (CASE WHEN band >= 5 THEN 0.15 ELSE 0.02 END) THEN 'home_visit'
                WHEN u('pcf', id, k) < 0.72 THEN 'physical' WHEN u('pcf', id, k) < 0.92 THEN 'phone'
                ELSE 'digital' END AS contact_form,
           pick(prof_pc, u('pcp', id, k)) AS profession,
           {day('pc', True)} + INTERVAL (8 * 60 + floor(u('pct', id, k) * 108) * 5) MINUTE AS start_at,
           INTERVAL (15 + floor(u('pcm', id, k) * 31)) MINUTE AS duration,
           u('pcpl', id, k) < 0.85 AS planned,
           {dx('pc', 'mix_pc', NULL_DIAGNOSIS['pc'])} AS main_diagnosis,
           {secondaries('pc', '1.6 + ger')} AS secondary_diagnoses, NULL AS discharge_disposition
    FROM pc, mix
    UNION ALL
    SELECT id, 'AK-' || id || '-' || k, 'millennium', 'SE2321000131-S' || hospital || '000',
           'emergency', 'physical', 'läkare',
           {day('er', False)} + INTERVAL (floor(u('ert', id, k) * 1440)) MINUTE,
           INTERVAL (60 + floor(u('erm', id, k) * 420)) MINUTE, false,
           CASE WHEN u('erx', id, k) < fall_er[band] THEN icd(pick(mix_inj_er, u('eri', id, k)), u('erif', id, k))
                ELSE {dx('er', 'mix_er', NULL_DIAGNOSIS['er'])} END,
           CASE WHEN u('erx', id, k) < fall_er[band]
                THEN list_prepend(icd(pick(mix_fall, u('erw', id, k)), u('erwf', id, k)), {secondaries('er', '1.5')})
                ELSE {secondaries('er', '1.5 + ger')} END,
           NULL
    FROM er, mix
    UNION ALL
    SELECT id, 'SO-' || id || '-' || k, 'millennium', {ward % "'sou'"}, 'specialist_outpatient',
           CASE WHEN u('sof', id, k) < 0.85 THEN 'physical' WHEN u('sof', id, k) < 0.95 THEN 'phone' ELSE 'digital' END,
           CASE WHEN u('sop', id, k) < 0.8 THEN 'läkare' ELSE 'sjuksköterska' END,
           {day('so', True)} + INTERVAL (8 * 60 + floor(u('sot', id, k) * 96) * 5) MINUTE,
           INTERVAL (20 + floor(u('som', id, k) * 41)) MINUTE, true,
           {dx('so', 'mix_so', NULL_DIAGNOSIS['so'])}, {secondaries('so', '1.5 + ger')}, NULL
    FROM so, mix
    UNION ALL
    SELECT id, 'HS-' || id || '-' || k, 'lifecare', 'SE2120' || municipality_code || '00-HSV01', 'home_health',
           'home_visit', pick(prof_hh, u('hhp', id, k)),
           {day('hh', False)} + INTERVAL (7 * 60 + floor(u('hht', id, k) * 168) * 5) MINUTE,
           INTERVAL (10 + floor(u('hhm', id, k) * 51)) MINUTE, true,
           CASE WHEN u('hhn', id, k) < {NULL_DIAGNOSIS['hh']} THEN NULL
                ELSE icd(pick(mix_ger, u('hhc', id, k)), u('hhcf', id, k)) END,
           [], NULL
    FROM hh, mix
    """)

    # Inpatient stays: base admissions, same-day transfers, readmissions within 1–31 days, deaths in hospital.
    con.execute(f"""
    CREATE OR REPLACE TABLE stay_base AS
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
    SELECT id, k, band, ger, hospital, es, ee, date_of_death, planned, fall,
           'SV-' || id || '-' || k AS encounter_id,
           {ward % "'ipw'"} AS unit_hsa,
           adm_day + INTERVAL (adm_minute) MINUTE AS start_at,
           greatest(adm_day + INTERVAL (adm_minute + 120) MINUTE,
                    adm_day + INTERVAL (los) DAY + INTERVAL (9 * 60 + floor(u('ipd', id, k) * 96) * 5) MINUTE) AS end_at,
           CASE WHEN fall THEN icd(pick(mix_inj_ip, u('ipi', id, k)), u('ipif', id, k))
                ELSE {dx('ip', 'mix_ip', 0)} END AS main_diagnosis,
           CASE WHEN fall THEN list_prepend(icd(pick(mix_fall, u('ipw', id, k)), u('ipwf', id, k)),
                                            {secondaries('ip', '3 + 5 * ger')})
                ELSE {secondaries('ip', '3 + 5 * ger')} END AS secondary_diagnoses,
           u('iptr', id, k) < {TRANSFER_SHARE} AS transferred,
           NOT planned AND u('ipra', id, k) < readmission[band] AS readmitted,
           NOT planned AND u('iper', id, k) < {ER_BEFORE_ADMISSION} AS via_er
    FROM s, mix
    """)
    con.execute(f"""
    CREATE OR REPLACE TABLE stays AS
    WITH tr AS (  -- same-day transfer: the next ward admits 30–180 minutes after discharge
      SELECT id, k, band, ger, hospital, es, ee, date_of_death, false AS planned,
             encounter_id || 'T' AS encounter_id,
             'SE2321000131-S' || hospital || lpad(CAST(floor(u('trw', id, k) * {WARDS})::INT + 1 AS VARCHAR), 3, '0')
               AS unit_hsa,
             end_at + INTERVAL (30 + floor(u('trs', id, k) * 150)) MINUTE AS start_at,
             end_at + INTERVAL (1 + floor(u('trl', id, k) * 14)) DAY AS end_at,
             main_diagnosis, secondary_diagnoses
      FROM stay_base WHERE transferred
    ), ra AS (  -- readmission 1–31 days after discharge (31 lies just outside a 30-day window)
      SELECT id, k, band, ger, hospital, es, ee, date_of_death, false AS planned,
             encounter_id || 'R' AS encounter_id,
             'SE2321000131-S' || hospital || lpad(CAST(floor(u('raw', id, k) * {WARDS})::INT + 1 AS VARCHAR), 3, '0')
               AS unit_hsa,
             CAST(end_at AS DATE) + INTERVAL (1 + floor(u('rad', id, k) * 31)) DAY
               + INTERVAL (floor(u('rat', id, k) * 1440)) MINUTE AS start_at,
             NULL::TIMESTAMP AS end_at,
             icd(CASE WHEN u('rag', id, k) < ger THEN pick(mix_ger, u('rac', id, k))
                      ELSE pick(mix_ip, u('rac', id, k)) END, u('raf', id, k)) AS main_diagnosis,
             {secondaries('ra', '3 + 5 * ger')} AS secondary_diagnoses
      FROM stay_base, mix WHERE readmitted AND NOT transferred
    ), dh AS (  -- death in hospital: admitted 0–13 days before the day of death
      SELECT id, 0 AS k, band, ger, hospital, es, ee, date_of_death, false AS planned,
             'SV-' || id || '-D' AS encounter_id,
             'SE2321000131-S' || hospital || lpad(CAST(floor(u('dhw', id, 0) * {WARDS})::INT + 1 AS VARCHAR), 3, '0')
               AS unit_hsa,
             greatest(es, date_of_death - floor(u('dhd', id, 0) * 14)::INT)
               + INTERVAL (floor(u('dht', id, 0) * 720)) MINUTE AS start_at,
             date_of_death + INTERVAL (12 * 60 + floor(u('dhe', id, 0) * 690)) MINUTE AS end_at,
             icd(pick(mix_ger, u('dhc', id, 0)), u('dhf', id, 0)) AS main_diagnosis,
             list_prepend('Z51.5', {secondaries('dh', '3 + 5 * ger')}) AS secondary_diagnoses
      FROM exposure, mix WHERE date_of_death IS NOT NULL AND u('dh', id, 0) < {DEATH_IN_HOSPITAL}
    ), ra2 AS (
      SELECT * REPLACE (start_at + INTERVAL (1 + floor(-ln(greatest(u('ral', id, k), 1e-9)) * 5)) DAY AS end_at)
      FROM ra
    ), allstays AS (
      SELECT id, k, band, ger, hospital, es, ee, date_of_death, planned, encounter_id, unit_hsa, start_at,
             end_at, main_diagnosis, secondary_diagnoses,
             CASE WHEN transferred THEN 'other_unit' ELSE 'home' END AS disposition
      FROM stay_base
      UNION ALL SELECT *, 'home' FROM tr
      UNION ALL SELECT *, 'home' FROM ra2
      UNION ALL SELECT *, 'deceased' FROM dh
    )
    SELECT * REPLACE (
             CASE WHEN date_of_death IS NOT NULL AND end_at > date_of_death + INTERVAL 23 HOUR
                  THEN date_of_death + INTERVAL 23 HOUR ELSE end_at END AS end_at,
             CASE WHEN date_of_death IS NOT NULL AND end_at > date_of_death + INTERVAL 23 HOUR
                  THEN 'deceased' ELSE disposition END AS disposition)
    FROM allstays
    WHERE start_at < DATE '{ref}' AND (date_of_death IS NULL OR start_at < date_of_death + INTERVAL 12 HOUR)
    """)

    con.execute(f"""
    CREATE OR REPLACE TABLE encounters AS
    WITH rows AS (
      SELECT id, encounter_id, source_system, unit_hsa, care_type, contact_form, profession, start_at,
             start_at + duration AS end_at, planned, main_diagnosis, secondary_diagnoses,
             discharge_disposition::VARCHAR AS discharge_disposition
      FROM enc_simple
      UNION ALL
      SELECT id, encounter_id, 'millennium', unit_hsa, 'inpatient', 'physical', 'läkare', start_at, end_at,
             planned, main_diagnosis, secondary_diagnoses, disposition
      FROM stays
      UNION ALL  -- the ER visit before an unplanned admission
      SELECT id, 'AK-' || id || '-A' || k, 'millennium', 'SE2321000131-S' || hospital || '000', 'emergency',
             'physical', 'läkare', start_at - INTERVAL (60 + floor(u('aea', id, k) * 300)) MINUTE, start_at, false,
             main_diagnosis, [], NULL
      FROM stay_base WHERE via_er
    )
    SELECT p.personnummer, r.* EXCLUDE (id, end_at, discharge_disposition),
           CASE WHEN r.end_at >= TIMESTAMP '{ref}' THEN NULL ELSE r.end_at END AS end_at,
           CASE WHEN r.end_at >= TIMESTAMP '{ref}' THEN NULL ELSE r.discharge_disposition END
             AS discharge_disposition,
           least(TIMESTAMP '{ref}' - INTERVAL 1 MINUTE,
                 coalesce(CASE WHEN r.end_at >= TIMESTAMP '{ref}' THEN NULL ELSE r.end_at END, r.start_at)
                 + INTERVAL (1 + floor(u('ver', p.id, hash(r.encounter_id)) * 2880)) MINUTE) AS version_at
    FROM rows r JOIN person p USING (id)
    WHERE r.start_at < TIMESTAMP '{ref}'
    """)
    con.execute(f"""
    CREATE OR REPLACE TABLE population AS
    SELECT personnummer, municipality_code, listed_unit_hsa, date_of_death, DATE '{ref}' AS extract_date,
           birth_date, CASE WHEN is_female THEN 'F' ELSE 'M' END AS sex, age
    FROM person
    """)


def write(con: duckdb.DuckDBPyConnection, out: Path, formats=("parquet", "csv")) -> dict[str, Path]:
    """Write population and encounters in the file contract's columns; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    cols = FILE_COLUMNS

    def word(column: str, words: dict) -> str:
        cases = " ".join(f"WHEN {_sql_value(k)} THEN {_sql_value(v)}" for k, v in words.items())
        return f"CASE {column} {cases} END"

    pop_exprs = {"sex": "CASE sex WHEN 'F' THEN 'K' ELSE 'M' END"}
    pop = ", ".join(f"{pop_exprs.get(k, k)} AS {v}" for k, v in cols["population"].items())
    enc_exprs = {
        "care_type": word("care_type", CARE_TYPE_WORDS),
        "contact_form": word("contact_form", CONTACT_FORM_WORDS),
        "discharge_disposition": word("discharge_disposition", DISPOSITION_WORDS),
        "planned": "CASE WHEN planned THEN 'ja' ELSE 'nej' END",
        "secondary_diagnoses": f"nullif(array_to_string(secondary_diagnoses, '{SECONDARY_SEPARATOR}'), '')",
    }
    enc = ", ".join(f"{enc_exprs.get(k, k)} AS {v}" for k, v in cols["encounters"].items())
    paths = {}
    for fmt in formats:
        for name, select in (("population", f"SELECT {pop} FROM population ORDER BY personnummer"),
                             ("encounters", f"SELECT {enc} FROM encounters")):
            path = out / f"{name}.{fmt}"
            tmp = path.with_suffix(path.suffix + ".tmp")
            if fmt == "parquet":
                options = "FORMAT parquet, COMPRESSION zstd"
            else:
                options = "FORMAT csv, DELIMITER ';', HEADER true, TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S'"
            con.execute(f"COPY ({select}) TO '{tmp}' ({options})")
            tmp.replace(path)
            paths[f"{name}_{fmt}"] = path
    return paths


def generate(out: Path, scale: float = 1.0, seed: int = 1, formats=("parquet", "csv"),
             threads: int | None = None, quiet: bool = False) -> dict:
    """Generate and write the extract into `out`; returns a summary (also saved as out/summary.json)."""
    _try_contract()
    t0 = time.perf_counter()
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    tmpdir = out / "duckdb-tmp"
    con.execute(f"SET temp_directory = '{tmpdir}'")
    con.execute("SET preserve_insertion_order = false")
    build(con, scale, seed)
    paths = write(con, out, formats)
    summary = {
        "scale": scale, "seed": seed, "reference_date": REFERENCE_DATE.isoformat(),
        "persons": con.execute("SELECT count(*) FROM population").fetchone()[0],
        "encounters": con.execute("SELECT count(*) FROM encounters").fetchone()[0],
        "seconds": round(time.perf_counter() - t0, 1),
        "files": {k: {"path": str(p), "bytes": p.stat().st_size} for k, p in paths.items()},
    }
    summary["by_care_type"] = dict(con.execute(
        "SELECT care_type, count(*) FROM encounters GROUP BY 1 ORDER BY 1").fetchall())
    summary["deaths"] = con.execute("SELECT count(date_of_death) FROM population").fetchone()[0]
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    con.close()
    shutil.rmtree(tmpdir, ignore_errors=True)
    if not quiet:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    return summary


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 1.7 M persons, ~30 M encounter rows")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--formats", default="parquet,csv")
    args = parser.parse_args(argv)
    generate(args.out, args.scale, args.seed, tuple(args.formats.split(",")))


if __name__ == "__main__":
    main()
