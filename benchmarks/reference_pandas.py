"""A straightforward pandas implementation of every risk definition, written from the definitions' descriptions
(nara/identify/sql/*.toml, docs/definitions.md) and not from their SQL. The benchmark times it against the
DuckDB engine on the same lake data, and tests/identify/test_bench_reference.py checks that both agree.

    python -m benchmarks.reference_pandas --lake var/bench/.../lake --date 2026-11-01 --units units.csv \
        --out ref.parquet

Input: the lake's current `population` and `encounters` Parquet files (named by the lake's manifest.json), and
the directory's units (unit HSA-id → organisation id; benchmarks/directory.py writes them).
Output: one row per (person, scope, definition) as the risk run writes them. Scope "all" reads every encounter;
scope "own", computed for the persons flagged in "all" who have encounters at another organisation's unit (or at
a unit missing from the directory) up to the reference date, reads only the encounters at units of the
organisation of the person's listed unit. Per scope: persons flagged by at least one definition, their rows that are flagged or have a non-zero
value; columns pseudonym, listed_unit_hsa, municipality_code, scope, definition, flagged, value (rounded to 2
decimals), band, other_orgs (the other organisations, sorted) and unknown_units.

Parameter values and the code lists (HFRS points, avoidable-hospitalisation prefixes) come from the same files
the engine reads (nara.identify.definitions), so a region's edits apply to both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from nara.identify.definitions import load_all, reference

ENCOUNTER_COLUMNS = [
    "pseudonym", "source_system", "encounter_id", "unit_hsa", "care_type", "contact_form", "start_at", "end_at",
    "planned", "main_diagnosis", "secondary_diagnoses", "discharge_disposition",
]
POPULATION_COLUMNS = [
    "pseudonym", "birth_date", "sex", "municipality_code", "listed_unit_hsa", "date_of_death", "extract_date",
]
OUTPUT_COLUMNS = ["pseudonym", "listed_unit_hsa", "municipality_code", "scope", "definition", "flagged", "value",
                  "band", "other_orgs", "unknown_units"]


# --- input -----------------------------------------------------------------------------------------------------

def lake_files(lake: Path) -> dict[str, list[Path]]:
    """Each table's Parquet files (a table is split into files by pseudonym; see nara/identify/lake.py)."""
    manifest = json.loads((lake / "manifest.json").read_text())
    return {table: [lake / part["file"] for part in entry["files"]] if "files" in entry else [lake / entry["file"]]
            for table, entry in manifest["tables"].items()}


def read_table(paths: list[Path], columns: list[str]) -> pd.DataFrame:
    """Parquet into pandas; list columns stay Arrow-backed (a Python list per row would cost gigabytes)."""
    table = pa.concat_tables([pq.read_table(path, columns=columns) for path in paths])
    return table.to_pandas(
        date_as_object=False,
        types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_list(t) else None,
    )


def load(lake: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    files = lake_files(lake)
    return read_table(files["population"], POPULATION_COLUMNS), read_table(files["encounters"], ENCOUNTER_COLUMNS)


# --- shared building blocks ------------------------------------------------------------------------------------

def persons_at(population: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    """The newest extract row per person, alive on the reference date, with age in completed years."""
    newest = population.sort_values(
        ["pseudonym", "extract_date", "birth_date", "date_of_death", "municipality_code", "listed_unit_hsa", "sex"],
        ascending=[True, False, True, True, True, True, True],
    ).drop_duplicates("pseudonym")
    alive = newest[newest["date_of_death"].isna() | (newest["date_of_death"] >= ref)].copy()
    birth = alive["birth_date"]
    before_birthday = (birth.dt.month > ref.month) | ((birth.dt.month == ref.month) & (birth.dt.day > ref.day))
    alive["age"] = ref.year - birth.dt.year - before_birthday.astype(int)
    return alive.set_index("pseudonym")


def in_window(start_at: pd.Series, ref: pd.Timestamp, months: int) -> pd.Series:
    """Start day after the same day `months` months before the reference date, and at most the reference date."""
    day = start_at.dt.normalize()
    return (day > ref - pd.DateOffset(months=months)) & (day <= ref)


def diagnosis_rows(encounters: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per (encounter, diagnosis): the main diagnosis and each secondary diagnosis, with `keys`."""
    main = encounters[keys + ["main_diagnosis"]].rename(columns={"main_diagnosis": "code"})
    secondary = encounters[keys + ["secondary_diagnoses"]].explode("secondary_diagnoses")
    secondary = secondary.rename(columns={"secondary_diagnoses": "code"})
    secondary["code"] = secondary["code"].astype("str")
    codes = pd.concat([main, secondary], ignore_index=True)
    return codes[codes["code"].notna()]


def stays(encounters: pd.DataFrame, ref: pd.Timestamp) -> pd.DataFrame:
    """Inpatient episodes: encounters in time order per person; one continues the episode when it starts
    before the episode's latest end so far (an ongoing encounter overlaps everything after it), or on the day
    the previous encounter ended with a transfer to another unit."""
    ip = encounters[(encounters["care_type"] == "inpatient") & (encounters["start_at"].dt.normalize() <= ref)]
    ip = ip.sort_values(["pseudonym", "start_at", "end_at", "source_system", "encounter_id"]).reset_index(drop=True)
    person = ip["pseudonym"]
    by_person = ip.groupby(person, sort=False)
    latest_end = by_person["end_at"].cummax()
    latest_end = latest_end.groupby(person, sort=False).ffill().groupby(person, sort=False).shift()
    ongoing_before = ip["end_at"].isna().astype(int).groupby(person, sort=False).cumsum()
    ongoing_before = (ongoing_before - ip["end_at"].isna().astype(int)) > 0
    previous_end = by_person["end_at"].shift()
    previous_disposition = by_person["discharge_disposition"].shift()
    first = ~person.duplicated()
    overlaps = ongoing_before | (ip["start_at"] < latest_end)
    transfer = (ip["start_at"].dt.normalize() == previous_end.dt.normalize()) & (previous_disposition == "other_unit")
    ip["new_stay"] = first | ~(overlaps | transfer)
    ip["stay_id"] = ip["new_stay"].astype(int).groupby(person, sort=False).cumsum()
    ip["ongoing"] = ip["end_at"].isna()
    ip["deceased"] = ip["discharge_disposition"] == "deceased"
    # Start, planned and main diagnosis of a stay are those of its first encounter.
    first_rows = ip.loc[ip["new_stay"], ["pseudonym", "stay_id", "start_at", "planned", "main_diagnosis"]]
    spans = ip.groupby(["pseudonym", "stay_id"], sort=False).agg(
        end_at=("end_at", "max"), ongoing=("ongoing", "any"), died=("deceased", "any"),
    ).reset_index()
    result = first_rows.merge(spans, on=["pseudonym", "stay_id"])
    result.loc[result["ongoing"], "end_at"] = pd.NaT
    result["planned"] = result["planned"].fillna(False).astype(bool)  # unknown counts as unplanned
    return result


def _result(values: pd.Series, flagged: pd.Series, persons: pd.DataFrame, min_age: int) -> pd.DataFrame:
    """Rows for the persons in the population who are old enough."""
    frame = pd.DataFrame({"value": values.astype(float), "flagged": flagged.astype(bool)})
    old_enough = persons.index[persons["age"] >= min_age]
    return frame[frame.index.isin(old_enough)]


# --- the definitions, one function each ------------------------------------------------------------------------

def count_visits(encounters, persons, ref, p, care_type, min_key=None, more_than_key=None, forms=None):
    e = encounters[(encounters["care_type"] == care_type) & in_window(encounters["start_at"], ref, p["window_months"])]
    if forms is not None:
        e = e[e["contact_form"].isin(forms)]
    visits = e.groupby("pseudonym").size()
    flagged = visits > p[more_than_key] if more_than_key else visits >= p[min_key]
    return _result(visits, flagged, persons, p["min_age"])


def akutbesok_80plus(ctx, p):
    return count_visits(ctx["encounters"], ctx["persons"], ctx["ref"], p, "emergency", min_key="min_visits")


def frekventa_akutbesok(ctx, p):
    return count_visits(ctx["encounters"], ctx["persons"], ctx["ref"], p, "emergency", min_key="min_visits")


def mangbesokare_vardcentral(ctx, p):
    forms = None if p["count_remote_contacts"] else ["physical", "home_visit"]
    return count_visits(ctx["encounters"], ctx["persons"], ctx["ref"], p, "primary_care",
                        more_than_key="more_than_visits", forms=forms)


def fallskada_65plus(ctx, p):
    enc = ctx["encounters"]
    e = enc[in_window(enc["start_at"], ctx["ref"], p["window_months"])].copy()
    e["day"] = e["start_at"].dt.normalize()
    codes = diagnosis_rows(e, ["pseudonym", "source_system", "encounter_id", "day"])
    category = codes["code"].str[:3]
    codes = codes.assign(injury=(category >= "S00") & (category <= "T14"),
                         fall=(category >= "W00") & (category <= "W19"))
    per_encounter = codes.groupby(["pseudonym", "source_system", "encounter_id", "day"])[["injury", "fall"]].any()
    falls = per_encounter[per_encounter["injury"] & per_encounter["fall"]].reset_index()
    days = falls.groupby("pseudonym")["day"].nunique()
    return _result(days, days >= p["min_days"], ctx["persons"], p["min_age"])


def hfrs(ctx, p):
    enc = ctx["encounters"]
    e = enc[(enc["care_type"] == "inpatient") & in_window(enc["start_at"], ctx["ref"], p["window_months"])]
    codes = diagnosis_rows(e, ["pseudonym"])
    categories = codes.assign(category=codes["code"].str[:3])[["pseudonym", "category"]].drop_duplicates()
    # Points in tenths as integers: the sum is exact, so the band limits 5 and 15 are never blurred by rounding.
    points = pd.DataFrame([(c, int(v * 10)) for c, v in reference.hfrs_points()], columns=["category", "tenths"])
    scored = categories.merge(points, on="category")
    tenths = scored.groupby("pseudonym")["tenths"].sum()
    return _result(tenths / 10, tenths > round(p["flag_above"] * 10), ctx["persons"], p["min_age"])


def hfrs_band(value: float) -> str | None:
    if pd.isna(value):
        return None
    return "low" if value < 5 else "intermediate" if value <= 15 else "high"


def multisjuk_aldre(ctx, p):
    ref, enc, st = ctx["ref"], ctx["encounters"], ctx["stays"]
    stay_counts = st[in_window(st["start_at"], ref, p["window_months"])].groupby("pseudonym").size()
    e = enc[enc["care_type"].isin(["inpatient", "specialist_outpatient"])
            & in_window(enc["start_at"], ref, p["window_months"])]
    codes = diagnosis_rows(e, ["pseudonym"])
    codes = codes[codes["code"].str[:1] < "V"]  # not external causes (V–Y) or contact reasons (Z)
    diagnoses = codes.assign(category=codes["code"].str[:3]).groupby("pseudonym")["category"].nunique()
    diagnoses = diagnoses.reindex(stay_counts.index, fill_value=0)
    flagged = (stay_counts >= p["min_stays"]) & (diagnoses >= p["min_diagnoses"])
    return _result(stay_counts, flagged, ctx["persons"], p["min_age"])


def aterinskrivning_30d(ctx, p):
    ref, st = ctx["ref"], ctx["stays"].sort_values(["pseudonym", "stay_id"]).reset_index(drop=True)
    person = st["pseudonym"]
    # An index stay is unplanned, has ended and did not end in death; readmission counts from its end day.
    index_end = st["end_at"].dt.normalize().where(~st["planned"] & ~st["died"] & st["end_at"].notna())
    latest_index_end = index_end.groupby(person).cummax().groupby(person).ffill().groupby(person).shift()
    gap = (st["start_at"].dt.normalize() - latest_index_end).dt.days
    readmission = (~st["planned"] & latest_index_end.notna() & (gap >= 0) & (gap <= p["readmission_days"])
                   & in_window(st["start_at"], ref, p["window_months"]))
    counts = st[readmission].groupby("pseudonym").size()
    return _result(counts, counts >= p["min_readmissions"], ctx["persons"], p["min_age"])


def undvikbar_slutenvard(ctx, p):
    st = ctx["stays"]
    s = st[in_window(st["start_at"], ctx["ref"], p["window_months"])]
    if p["only_unplanned"]:
        s = s[~s["planned"]]
    prefixes = {code for _group, code in reference.avoidable_codes()}
    main = s["main_diagnosis"].fillna("")
    avoidable = pd.Series(False, index=s.index)
    for length in sorted({len(code) for code in prefixes}):
        avoidable |= main.str[:length].isin({c for c in prefixes if len(c) == length})
    counts = s[avoidable].groupby("pseudonym").size()
    return _result(counts, counts >= p["min_stays"], ctx["persons"], p["min_age"])


DEFINITIONS = {
    "akutbesok_80plus": akutbesok_80plus,
    "aterinskrivning_30d": aterinskrivning_30d,
    "fallskada_65plus": fallskada_65plus,
    "frekventa_akutbesok": frekventa_akutbesok,
    "hfrs": hfrs,
    "mangbesokare_vardcentral": mangbesokare_vardcentral,
    "multisjuk_aldre": multisjuk_aldre,
    "undvikbar_slutenvard": undvikbar_slutenvard,
}
BANDS = {"hfrs": hfrs_band}


# --- the two data scopes ----------------------------------------------------------------------------------------

def organisations(persons: pd.DataFrame, encounters: pd.DataFrame, units: pd.DataFrame, ref: pd.Timestamp,
                  flagged) -> tuple[pd.DataFrame, pd.Series]:
    """Per person among `flagged` with encounters elsewhere: `other_orgs` (the other organisations with an
    encounter starting on or before the reference date, sorted) and `unknown_units` (such an encounter at a unit
    not in `units`); and a mask of the encounters in the "own" scope (at a unit of the organisation of the
    person's listed unit, for those persons)."""
    unit_org = units.set_index("unit_hsa")["organisation_id"]
    person_org = persons["listed_unit_hsa"].map(unit_org)
    encounter_org = encounters["unit_hsa"].map(unit_org)
    own_org = encounters["pseudonym"].map(person_org)
    is_own = encounter_org.notna() & own_org.notna() & (encounter_org == own_org)
    elsewhere = (~is_own & encounters["pseudonym"].isin(flagged)
                 & (encounters["start_at"].dt.normalize() <= ref))
    others = pd.DataFrame({"pseudonym": encounters.loc[elsewhere, "pseudonym"],
                           "org": encounter_org[elsewhere]})
    known = others.dropna().drop_duplicates().sort_values(["pseudonym", "org"])
    table = pd.DataFrame({"unknown_units": others["org"].isna().groupby(others["pseudonym"]).any()})
    table["other_orgs"] = known.groupby("pseudonym")["org"].agg(lambda orgs: tuple(int(o) for o in orgs))
    table["other_orgs"] = table["other_orgs"].map(lambda v: v if isinstance(v, tuple) else ())
    own_mask = is_own & encounters["pseudonym"].isin(table.index)
    return table, own_mask


def run_definitions(ctx: dict) -> pd.DataFrame:
    """Every definition (with the region's parameter values) over the context's encounters and stays; the rows of
    the persons flagged by at least one, that are flagged or have a non-zero value."""
    parts = []
    for definition in load_all():
        if definition.id not in DEFINITIONS:
            raise KeyError(f"the pandas reference has no implementation of definition {definition.id!r}")
        part = DEFINITIONS[definition.id](ctx, definition.params())
        part = part.rename_axis("pseudonym").reset_index()
        part["definition"] = definition.id
        part["value"] = part["value"].round(2)
        band = BANDS.get(definition.id)
        part["band"] = part["value"].map(band) if band else None
        parts.append(part)
    results = pd.concat(parts, ignore_index=True)
    flagged_persons = results.loc[results["flagged"], "pseudonym"].unique()
    return results[results["pseudonym"].isin(flagged_persons)
                   & (results["flagged"] | (results["value"].fillna(0) != 0))]


def compute(population: pd.DataFrame, encounters: pd.DataFrame, reference_date: dt.date,
            units: pd.DataFrame | list | None = None) -> pd.DataFrame:
    """Both scopes of every definition for one reference date; `units` = (unit_hsa, organisation_id) rows."""
    ref = pd.Timestamp(reference_date)
    persons = persons_at(population, ref)
    units = pd.DataFrame(units if units is not None else [], columns=["unit_hsa", "organisation_id"])
    every = run_definitions({"ref": ref, "persons": persons, "encounters": encounters,
                             "stays": stays(encounters, ref)}).assign(scope="all")
    flagged = every.loc[every["flagged"], "pseudonym"].unique()
    others, own_mask = organisations(persons, encounters, units, ref, flagged)
    own = encounters[own_mask]  # a copy, but only of the flagged persons with data elsewhere
    mine = run_definitions({"ref": ref, "persons": persons, "encounters": own, "stays": stays(own, ref)})
    results = pd.concat([every, mine.assign(scope="own")], ignore_index=True)
    results = results.join(persons[["listed_unit_hsa", "municipality_code"]], on="pseudonym")
    results = results.join(others, on="pseudonym")
    results["other_orgs"] = results["other_orgs"].map(lambda v: v if isinstance(v, tuple) else ())
    results["unknown_units"] = results["unknown_units"].fillna(False).astype(bool)
    return results[OUTPUT_COLUMNS].sort_values(["pseudonym", "scope", "definition"]).reset_index(drop=True)


def differences(engine: pd.DataFrame, ref: pd.DataFrame, limit: int = 50) -> list[str]:
    """How the engine's results differ from the reference's: same (pseudonym, scope, definition) rows, and per row
    the same flagged, band, unit, municipality, other organisations and unknown units and the same value after
    rounding to 2 decimals."""
    keys = ["pseudonym", "scope", "definition"]
    engine, ref = engine[OUTPUT_COLUMNS].copy(), ref[OUTPUT_COLUMNS].copy()
    for frame in (engine, ref):  # a list column read from Parquet is an array per row: compare as tuples
        frame["other_orgs"] = frame["other_orgs"].map(lambda v: tuple(int(o) for o in v))
    merged = engine.merge(ref, on=keys, how="outer", suffixes=("_engine", "_ref"), indicator=True)
    found = []
    for _, row in merged[merged["_merge"] != "both"].head(limit).iterrows():
        where = "engine" if row["_merge"] == "left_only" else "reference"
        found.append(f"{row['definition']} {row['scope']} {row['pseudonym']}: only in the {where}")
    both = merged[merged["_merge"] == "both"]
    for column in ("flagged", "value", "band", "listed_unit_hsa", "municipality_code", "other_orgs",
                   "unknown_units"):
        a, b = both[f"{column}_engine"], both[f"{column}_ref"]
        if column == "value":
            a, b = a.astype(float).round(2), b.astype(float).round(2)
        same = (a == b) | (a.isna() & b.isna())
        for _, row in both[~same].head(limit).iterrows():
            found.append(f"{row['definition']} {row['scope']} {row['pseudonym']}: {column} "
                         f"engine={row[f'{column}_engine']!r} "
                         f"reference={row[f'{column}_ref']!r}")
    return found[:limit]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="pandas reference of the risk definitions")
    parser.add_argument("--lake", type=Path, required=True)
    parser.add_argument("--date", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--units", type=Path, required=True, help="the directory's units (benchmarks/directory.py)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    from benchmarks.directory import read_units

    t0 = time.perf_counter()
    population, encounters = load(args.lake)
    units = read_units(args.units)
    t1 = time.perf_counter()
    results = compute(population, encounters, args.date, units)
    t2 = time.perf_counter()
    results.to_parquet(args.out, index=False)
    print(json.dumps({"rows": len(results), "read_seconds": round(t1 - t0, 2),
                      "compute_seconds": round(t2 - t1, 2)}))


if __name__ == "__main__":
    main()
