"""Each risk definition on small hand-made cases with known answers.

The engine takes any DuckDB connection with `population` and `encounters`; here they are in-memory tables built
from a few rows (codes go through nara.identify.icd10.normalise, as the import stores them).
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import duckdb
import pytest

from nara.identify import icd10, schema
from nara.identify.definitions import engine, load_all

D = dt.date(2025, 6, 15)  # the reference date of every case unless a test says otherwise


class Region:
    """A tiny lake: add persons and encounters, then compute."""

    def __init__(self):
        self.con = duckdb.connect(":memory:")
        self.con.execute(schema.create_sql("population", schema.POPULATION))
        self.con.execute(schema.create_sql("encounters", schema.ENCOUNTERS))
        self._ids = itertools.count(1)
        self.population: list[tuple] = []
        self.encounters: list[tuple] = []

    def person(self, pseudonym, born, *, died=None, unit="SE2321000131-E000000000001", municipality="1480",
               extract=dt.date(2025, 6, 1)):
        row = (pseudonym, dt.date.fromisoformat(born), "F", municipality, unit,
               dt.date.fromisoformat(died) if died else None, extract)
        self.population.append(row)
        self.con.execute("INSERT INTO population VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        return pseudonym

    def old(self, pseudonym, age=70, **kw):
        """A person of `age` completed years on D (birthday well away from D)."""
        return self.person(pseudonym, f"{D.year - age}-01-01", **kw)

    def encounter(self, pseudonym, care_type, start, end=None, *, planned=False, main=None, secondary=(),
                  disposition=None, form="physical", source="sys", encounter_id=None, unit="SE-unit"):
        start_at = dt.datetime.fromisoformat(start)
        end_at = dt.datetime.fromisoformat(end) if end else (start_at if care_type != "inpatient" else None)
        row = (source, encounter_id or f"e{next(self._ids)}", pseudonym, unit, care_type, form, "läkare",
               start_at, end_at, planned, icd10.normalise(main) if main else None,
               [icd10.normalise(c) for c in secondary], disposition, dt.datetime(2025, 6, 1))
        self.encounters.append(row)
        self.con.execute("INSERT INTO encounters VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)

    def stay(self, pseudonym, start, end, *, disposition="home", planned=False, main="I50.9", secondary=(), **kw):
        self.encounter(pseudonym, "inpatient", start, end, planned=planned, main=main, secondary=secondary,
                       disposition=disposition, **kw)

    def compute(self, date=D, overrides=None, units=(), scope="all") -> dict[tuple[str, str], tuple]:
        """(pseudonym, definition) → (flagged, value, band, reason), every row the definitions gave in `scope`;
        `units`: (unit HSA-id, organisation id) of the directory."""
        engine.compute(self.con, date, load_all(overrides), units=units)
        rows = self.con.execute(
            "SELECT pseudonym, definition, flagged, value, band, reason FROM risk_results WHERE scope = $s "
            "ORDER BY ALL", {"s": scope}
        ).fetchall()
        return {(r[0], r[1]): r[2:] for r in rows}

    def value(self, pseudonym, definition, **kw):
        return self.compute(**kw).get((pseudonym, definition))


@pytest.fixture
def region():
    return Region()


# --- common rules: age, death, windows ----------------------------------------------------------------------


def test_birthday_on_the_reference_date_counts(region):
    region.person("turns65", "1960-06-15")  # 65 exactly on D
    region.person("turns65tomorrow", "1960-06-16")
    for p in ("turns65", "turns65tomorrow"):
        for day in range(1, 7):
            region.encounter(p, "primary_care", f"2025-05-{day:02d}T09:00")
    result = region.compute()
    assert result[("turns65", "mangbesokare_vardcentral")][:2] == (True, 6.0)
    assert ("turns65tomorrow", "mangbesokare_vardcentral") not in result


def test_leap_day_birthday_becomes_older_on_first_of_march(region):
    region.person("leap", "1960-02-29")
    region.encounter("leap", "emergency", "2025-02-01T10:00")
    assert region.value("leap", "frekventa_akutbesok", date=dt.date(2025, 2, 28)) is None  # still 64
    assert region.value("leap", "frekventa_akutbesok", date=dt.date(2025, 3, 1))[1] == 1.0


def test_dead_before_the_reference_date_is_left_out_dead_on_it_is_in(region):
    region.old("died_before", 85, died="2025-06-14")
    region.old("died_on", 85, died="2025-06-15")
    for p in ("died_before", "died_on"):
        region.encounter(p, "emergency", "2025-06-01T10:00")
    result = region.compute()
    assert ("died_before", "akutbesok_80plus") not in result
    assert result[("died_on", "akutbesok_80plus")][0] is True


def test_newest_extract_row_of_a_person_wins(region):
    region.old("moved", 85, unit="OLD", extract=dt.date(2025, 1, 1))
    region.old("moved", 85, unit="NEW", extract=dt.date(2025, 6, 1))
    region.encounter("moved", "emergency", "2025-06-01T10:00")
    region.compute()
    assert region.con.execute("SELECT listed_unit_hsa FROM persons WHERE pseudonym = 'moved'").fetchall() == [
        ("NEW",)]
    assert region.con.execute("SELECT DISTINCT pseudonym, listed_unit_hsa FROM risk_output").fetchall() == [
        ("moved", "NEW")]


def test_twelve_month_window_is_exclusive_at_the_start_and_inclusive_at_the_end(region):
    region.old("p", 70)
    region.encounter("p", "emergency", "2024-06-15T12:00")  # D − 12 months: outside
    region.encounter("p", "emergency", "2024-06-16T00:00")  # first day inside
    region.encounter("p", "emergency", "2025-06-15T23:59")  # D itself: inside
    region.encounter("p", "emergency", "2025-06-16T00:00")  # after D: never
    assert region.value("p", "frekventa_akutbesok")[:2] == (False, 2.0)


def test_window_at_month_end_clamps(region):
    region.old("p", 70)
    region.encounter("p", "emergency", "2023-02-28T12:00")  # D − 12 months = 2023-02-28: outside
    region.encounter("p", "emergency", "2023-03-01T12:00")
    assert region.value("p", "frekventa_akutbesok", date=dt.date(2024, 2, 29))[1] == 1.0


# --- mångbesökare ----------------------------------------------------------------------------------------------


def test_mangbesokare_more_than_five_visits(region):
    region.old("five", 70)
    region.old("six", 70)
    region.old("young", 64)
    for p, n in (("five", 5), ("six", 6), ("young", 9)):
        for i in range(n):
            region.encounter(p, "primary_care", f"2025-0{1 + i % 5}-10T09:00")
    region.encounter("five", "primary_care", "2025-05-11T09:00", form="phone")  # not a visit by default
    region.encounter("five", "emergency", "2025-05-12T09:00")  # not primary care
    result = region.compute()
    assert result[("five", "mangbesokare_vardcentral")] == (
        False, 5.0, None, "5 besök på vårdcentralen senaste 12 mån")
    assert result[("six", "mangbesokare_vardcentral")][:2] == (True, 6.0)
    assert ("young", "mangbesokare_vardcentral") not in result


def test_mangbesokare_thresholds_are_configurable(region):
    region.old("p", 70)
    for i in range(4):
        region.encounter("p", "primary_care", f"2025-0{1 + i}-10T09:00")
    region.encounter("p", "primary_care", "2025-05-11T09:00", form="digital")
    overrides = {"mangbesokare_vardcentral": {"more_than_visits": 4, "count_remote_contacts": True}}
    assert region.value("p", "mangbesokare_vardcentral", overrides=overrides)[:2] == (True, 5.0)


def test_same_day_visits_each_count(region):
    region.old("p", 70)
    for _ in range(6):
        region.encounter("p", "primary_care", "2025-03-01T09:00")
    assert region.value("p", "mangbesokare_vardcentral")[:2] == (True, 6.0)


# --- emergency visits ------------------------------------------------------------------------------------------


def test_frequent_emergency_visitors_from_three_visits(region):
    region.old("two", 70)
    region.old("three", 70)
    for p, n in (("two", 2), ("three", 3)):
        for i in range(n):
            region.encounter(p, "emergency", f"2025-0{1 + i}-03T22:00")
    result = region.compute()
    assert result[("two", "frekventa_akutbesok")][:2] == (False, 2.0)
    assert result[("three", "frekventa_akutbesok")] == (True, 3.0, None, "3 akutbesök senaste 12 mån")
    assert region.value("two", "frekventa_akutbesok", overrides={"frekventa_akutbesok": {"min_visits": 2}})[0]


def test_emergency_visit_at_80_or_older(region):
    region.person("eighty_today", "1945-06-15")
    region.person("seventy_nine", "1945-06-16")
    for p in ("eighty_today", "seventy_nine"):
        region.encounter(p, "emergency", "2025-01-03T22:00")
    result = region.compute()
    assert result[("eighty_today", "akutbesok_80plus")] == (
        True, 1.0, None, "1 akutbesök senaste 12 mån vid 80 år eller äldre")
    assert ("seventy_nine", "akutbesok_80plus") not in result


# --- unplanned readmission within 30 days --------------------------------------------------------------------

R = "aterinskrivning_30d"


def test_readmission_within_30_days_counts_day_30_not_31(region):
    region.old("day30", 70)
    region.old("day31", 70)
    region.stay("day30", "2025-01-01T10:00", "2025-01-05T12:00")
    region.stay("day30", "2025-02-04T08:00", "2025-02-06T12:00")  # 30 days after 5 January
    region.stay("day31", "2025-01-01T10:00", "2025-01-05T12:00")
    region.stay("day31", "2025-02-05T08:00", "2025-02-06T12:00")  # 31 days
    result = region.compute()
    assert result[("day30", R)] == (True, 1.0, None, "1 oplanerad återinskrivning inom 30 dagar senaste 12 mån")
    assert ("day31", R) not in result


def test_same_day_readmission_after_discharge_home(region):
    region.old("p", 70)
    region.stay("p", "2025-03-01T08:00", "2025-03-03T10:00", disposition="home")
    region.stay("p", "2025-03-03T18:00", "2025-03-06T10:00")
    assert region.value("p", R)[:2] == (True, 1.0)


def test_same_day_transfer_between_wards_is_one_stay(region):
    region.old("p", 80)
    region.stay("p", "2025-03-01T08:00", "2025-03-03T10:00", disposition="other_unit", encounter_id="ward1")
    region.stay("p", "2025-03-03T10:30", "2025-03-09T10:00", disposition="home", encounter_id="ward2")
    region.stay("p", "2025-03-20T08:00", "2025-03-22T10:00")  # 11 days after the merged stay ended
    result = region.compute()
    assert result[("p", R)][:2] == (True, 1.0)
    stays = region.con.execute("SELECT stay_id, start_at, end_at, encounters FROM stays ORDER BY stay_id").fetchall()
    assert stays == [(1, dt.datetime(2025, 3, 1, 8), dt.datetime(2025, 3, 9, 10), 2),
                     (2, dt.datetime(2025, 3, 20, 8), dt.datetime(2025, 3, 22, 10), 1)]
    assert result[("p", "multisjuk_aldre")][1] == 2.0  # two stays, not three


def test_overlapping_encounters_are_one_stay_whatever_the_disposition(region):
    region.old("p", 70)
    region.stay("p", "2025-03-01T08:00", "2025-03-10T10:00", disposition="home")
    region.stay("p", "2025-03-05T08:00", "2025-03-06T10:00", disposition="home")  # inside the first
    region.stay("p", "2025-03-15T08:00", "2025-03-16T10:00")
    region.compute()
    assert region.con.execute("SELECT count(*) FROM stays").fetchone() == (2,)
    assert region.value("p", R)[1] == 1.0


def test_same_day_admissions_are_ordered_by_a_complete_key(region):
    """Two stays starting at the same minute: the result must not depend on which row came first."""
    region.old("p", 70)
    region.stay("p", "2025-03-01T08:00", "2025-03-01T08:00", disposition="home", source="b", encounter_id="2")
    region.stay("p", "2025-03-01T08:00", "2025-03-01T08:00", disposition="home", source="a", encounter_id="1")
    region.stay("p", "2025-03-10T08:00", "2025-03-12T08:00")
    first = region.compute()
    reordered = Region()
    reordered.population = region.population
    for row in region.population:
        reordered.con.execute("INSERT INTO population VALUES (?, ?, ?, ?, ?, ?, ?)", row)
    for row in reversed(region.encounters):
        reordered.con.execute("INSERT INTO encounters VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
    assert reordered.compute() == first
    assert first[("p", R)][1] == 2.0  # 0 days after the first, then 9 days after the second


def test_stay_ending_in_death_is_no_index(region):
    region.old("p", 70)
    region.stay("p", "2025-03-01T08:00", "2025-03-03T10:00", disposition="other_unit")
    region.stay("p", "2025-03-03T10:00", "2025-03-05T10:00", disposition="deceased")  # transfer, then death
    region.stay("p", "2025-03-10T08:00", "2025-03-12T08:00")  # (e.g. a data error): not a readmission
    region.compute()
    assert region.con.execute("SELECT died FROM stays ORDER BY stay_id").fetchall() == [(True,), (False,)]
    assert region.value("p", R) is None


def test_readmission_ending_in_death_still_counts(region):
    region.old("p", 70)
    region.stay("p", "2025-03-01T08:00", "2025-03-03T10:00")
    region.stay("p", "2025-03-10T08:00", "2025-03-12T08:00", disposition="deceased")
    assert region.value("p", R)[:2] == (True, 1.0)


def test_planned_stays_are_neither_index_nor_readmission(region):
    region.old("planned_index", 70)
    region.old("planned_readmission", 70)
    region.stay("planned_index", "2025-03-01T08:00", "2025-03-03T10:00", planned=True)
    region.stay("planned_index", "2025-03-10T08:00", "2025-03-12T08:00")
    region.stay("planned_readmission", "2025-03-01T08:00", "2025-03-03T10:00")
    region.stay("planned_readmission", "2025-03-10T08:00", "2025-03-12T08:00", planned=True)
    result = region.compute()
    assert (("planned_index", R) not in result) and (("planned_readmission", R) not in result)


def test_index_stay_before_the_window_counts_for_a_readmission_inside_it(region):
    region.old("p", 70)
    region.stay("p", "2024-06-01T08:00", "2024-06-10T10:00")  # discharged before the window starts
    region.stay("p", "2024-06-20T08:00", "2024-06-22T10:00")  # readmitted inside the window
    assert region.value("p", R)[:2] == (True, 1.0)


def test_ongoing_stay_is_no_index(region):
    region.old("p", 70)
    region.stay("p", "2025-06-01T08:00", None)
    region.compute()
    assert region.con.execute("SELECT end_at FROM stays").fetchall() == [(None,)]
    assert region.value("p", R) is None


# --- multisjuka äldre ------------------------------------------------------------------------------------------

M = "multisjuk_aldre"


def test_multisjuk_three_stays_and_three_diagnoses_at_75(region):
    region.person("p", "1950-06-15")  # 75 on D
    region.stay("p", "2025-01-01T08:00", "2025-01-03T08:00", main="i50.9", secondary=["I10"])
    region.stay("p", "2025-02-01T08:00", "2025-02-03T08:00", main="I509", secondary=["e11.9", "W19"])
    region.stay("p", "2025-03-01T08:00", "2025-03-03T08:00", main="I50.1", secondary=["Z74.1"])
    result = region.compute()
    # I50, I10, E11: three categories (I50.9, i509 and I50.1 are one; W19 and Z74 are not diseases).
    assert result[("p", M)] == (
        True, 3.0, None, "3 vårdtillfällen i slutenvård och 3 olika diagnoser senaste 12 mån")


def test_multisjuk_needs_both_and_age_75(region):
    region.person("two_diagnoses", "1940-01-01")
    region.person("seventy_four", "1950-06-16")
    for p in ("two_diagnoses", "seventy_four"):
        for month in (1, 2, 3):
            region.stay(p, f"2025-0{month}-01T08:00", f"2025-0{month}-03T08:00", main="I50", secondary=["I10"])
    region.encounter("seventy_four", "specialist_outpatient", "2025-04-01T08:00", main="E11")
    result = region.compute()
    assert result[("two_diagnoses", M)] == (
        False, 3.0, None, "3 vårdtillfällen i slutenvård och 2 olika diagnoser senaste 12 mån")
    assert ("seventy_four", M) not in result


def test_multisjuk_counts_specialist_outpatient_diagnoses(region):
    region.old("p", 80)
    for month in (1, 2, 3):
        region.stay("p", f"2025-0{month}-01T08:00", f"2025-0{month}-03T08:00", main="I50")
    region.encounter("p", "specialist_outpatient", "2025-04-01T08:00", main="E11", secondary=["N18.3"])
    region.encounter("p", "primary_care", "2025-04-02T08:00", main="J44")  # primary care: not counted
    assert region.value("p", M)[:2] == (True, 3.0)


# --- HFRS ------------------------------------------------------------------------------------------------------

H = "hfrs"


def test_hfrs_sums_distinct_categories_over_two_years(region):
    region.old("p", 80)
    region.stay("p", "2023-06-16T08:00", "2023-06-18T08:00", main="F00.1")  # first day of 24 months: 7.1
    region.stay("p", "2023-06-15T08:00", "2023-06-17T08:00", main="G81")  # outside the window
    region.stay("p", "2025-01-01T08:00", "2025-01-03T08:00", main="s72.0", secondary=["S7201", "W19", "x999"])
    region.encounter("p", "emergency", "2025-02-01T08:00", main="R29.6")  # not inpatient
    # F00 7.1 + S72 1.4 (once) + W19 3.2 = 11.7; X99 has no points.
    assert region.value("p", H) == (False, 11.7, "intermediate", "HFRS 11,7 (intermediär risk)")


@pytest.mark.parametrize(("codes", "score", "band", "flagged"), [
    (["R29", "N39", "R26"], 9.4, "intermediate", False),
    (["M81", "R11", "Z91"], 2.2, "low", False),
    (["I69", "N39"], 6.9, "intermediate", False),
    (["R29", "R26", "F03"], 8.3, "intermediate", False),
    (["F00", "G81", "I69"], 15.2, "high", True),
])
def test_hfrs_bands(region, codes, score, band, flagged):
    region.old("p", 70)
    region.stay("p", "2025-01-01T08:00", "2025-01-03T08:00", main=codes[0], secondary=codes[1:])
    assert region.value("p", H)[:3] == (flagged, score, band)


def test_hfrs_band_boundaries_are_exact(region):
    """< 5 low, 5–15 intermediate (both ends included), > 15 high. The points are summed as exact decimals:
    in floating point T83 2.4 + S42 2.3 + R11 0.3 is 4.999999999999999 and would fall into the low band."""
    cases = {
        "p4_9": (["S42", "R33", "R69"], 4.9, "low", False),
        "p5_0": (["T83", "S42", "R11"], 5.0, "intermediate", False),
        "p15_0": (["F00", "G30", "S42", "L97"], 15.0, "intermediate", False),
        "p15_1": (["F00", "G81", "S42", "R33"], 15.1, "high", True),
    }
    for p, (codes, *_expected) in cases.items():
        region.old(p, 70)
        region.stay(p, "2025-01-01T08:00", "2025-01-03T08:00", main=codes[0], secondary=codes[1:])
    result = region.compute()
    for p, (_codes, score, band, flagged) in cases.items():
        assert result[(p, H)][:3] == (flagged, score, band), p
    assert result[("p15_1", H)][3] == "HFRS 15,1 (hög risk)"


def test_hfrs_flag_threshold_is_configurable(region):
    region.old("p", 70)
    region.stay("p", "2025-01-01T08:00", "2025-01-03T08:00", main="T83", secondary=["S42", "R11"])
    assert region.value("p", H, overrides={H: {"flag_above": 4.5}})[:3] == (True, 5.0, "intermediate")


# --- avoidable hospitalisation ---------------------------------------------------------------------------------

A = "undvikbar_slutenvard"


def test_avoidable_hospitalisation_by_main_diagnosis_prefix(region):
    region.old("p", 70)
    region.stay("p", "2025-01-01T08:00", "2025-01-03T08:00", main="i50.9")  # heart failure (list: I50)
    region.stay("p", "2025-02-01T08:00", "2025-02-03T08:00", main="N39.0")  # UTI (list: N39.0)
    region.stay("p", "2025-03-01T08:00", "2025-03-03T08:00", main="n391")  # N39.1 is not on the list
    region.stay("p", "2025-04-01T08:00", "2025-04-03T08:00", main="S72.0", secondary=["I50"])  # main only
    region.stay("p", "2025-05-01T08:00", "2025-05-03T08:00", main="J44.1", planned=True)  # planned
    assert region.value("p", A) == (True, 2.0, None, "2 undvikbara vårdtillfällen i slutenvård senaste 12 mån")
    assert region.value("p", A, overrides={A: {"only_unplanned": False}})[1] == 3.0


def test_avoidable_transfer_counts_once_with_the_first_main_diagnosis(region):
    region.old("p", 66)
    region.old("young", 64)
    region.stay("p", "2025-01-01T08:00", "2025-01-03T08:00", main="E11.9", disposition="other_unit")
    region.stay("p", "2025-01-03T09:00", "2025-01-09T08:00", main="J44.1")
    region.stay("young", "2025-01-01T08:00", "2025-01-03T08:00", main="E11.9")
    result = region.compute()
    assert result[("p", A)] == (True, 1.0, None, "1 undvikbart vårdtillfälle i slutenvård senaste 12 mån")
    assert ("young", A) not in result


def test_avoidable_list_is_normalised_and_marked_for_confirmation():
    from nara.identify.definitions import reference

    text = reference.AVOIDABLE_CSV.read_text(encoding="utf-8")
    assert "bekräfta mot Socialstyrelsens aktuella specifikation" in text
    codes = {code for _group, code in reference.avoidable_codes()}
    assert {"I50", "N390", "J44", "E10", "E14", "I110"} <= codes
    assert all(code == code.upper() and "." not in code for code in codes)


def test_hfrs_reference_list_matches_the_paper():
    from nara.identify.definitions import reference

    points = reference.hfrs_points()
    assert len(points) == 109
    assert sum(p for _c, p in points) == Decimal("173.2")
    assert dict(points)["F00"] == Decimal("7.1")


# --- fall injuries ---------------------------------------------------------------------------------------------

F = "fallskada_65plus"


def test_fall_injury_needs_injury_and_fall_cause_on_one_encounter(region):
    region.old("fall", 65)
    region.old("no_cause", 70)
    region.old("no_injury", 70)
    region.old("split", 70)
    region.old("young", 64)
    region.encounter("fall", "emergency", "2025-03-01T10:00", main="s72.00", secondary=["w01"])
    region.stay("fall", "2025-03-01T14:00", "2025-03-08T10:00", main="S72.0", secondary=["W01.9"])  # same fall
    region.encounter("fall", "primary_care", "2025-04-01T10:00", main="S52.5", secondary=["W19"])
    region.encounter("no_cause", "emergency", "2025-03-01T10:00", main="S72.0", secondary=["V43"])
    region.encounter("no_injury", "emergency", "2025-03-01T10:00", main="R55", secondary=["W19"])
    region.encounter("split", "emergency", "2025-03-01T10:00", main="S72.0")
    region.encounter("split", "emergency", "2025-03-02T10:00", main="R55", secondary=["W19"])
    region.encounter("young", "emergency", "2025-03-01T10:00", main="S72.0", secondary=["W19"])
    result = region.compute()
    assert result[("fall", F)] == (True, 2.0, None, "Fallskada 2 gånger senaste 12 mån")
    assert not {("no_cause", F), ("no_injury", F), ("split", F), ("young", F)} & set(result)


def test_fall_cause_range_w00_to_w19(region):
    region.old("w00", 70)
    region.old("w20", 70)
    region.encounter("w00", "emergency", "2025-03-01T10:00", main="T14.0", secondary=["W00"])
    region.encounter("w20", "emergency", "2025-03-01T10:00", main="S72.0", secondary=["W20"])
    result = region.compute()
    assert result[("w00", F)] == (True, 1.0, None, "Fallskada 1 gång senaste 12 mån")
    assert ("w20", F) not in result


# --- codes and output ------------------------------------------------------------------------------------------


def test_code_spellings_are_one_code():
    assert {icd10.normalise(c) for c in ("I50.9", "i50.9", "I509", " i509 ", "I50.9†")} == {"I509"}
    assert icd10.category("s72.01") == "S72"


def test_output_holds_flagged_persons_with_all_their_values(region):
    region.old("flagged", 70)
    region.old("unflagged", 70)
    for p in ("flagged", "unflagged"):
        region.stay(p, "2025-01-01T08:00", "2025-01-03T08:00", main="R29")  # HFRS 3.6, low, no flag
    region.encounter("flagged", "emergency", "2025-03-01T10:00", main="S72.0", secondary=["W19"])
    counts = engine.compute(region.con, D, load_all())
    rows = region.con.execute(
        "SELECT pseudonym, definition, flagged, band FROM risk_output ORDER BY pseudonym, definition").fetchall()
    assert rows == [
        ("flagged", "fallskada_65plus", True, None),
        ("flagged", "frekventa_akutbesok", False, None),  # 1 visit: a value, not a flag
        ("flagged", "hfrs", False, "low"),
    ]
    assert counts.persons_flagged == 1
    assert counts.definitions["hfrs"] == {"flagged": 0, "rows": 2}


# --- data scopes: the listed unit's organisation's data ("own") and everyone's ("all") ------------------------

VC, PRIVATE_VC, HOSPITAL, OTHER_HOSPITAL = "SE-VC1", "SE-PVC1", "SE-H1", "SE-H2"
UNITS = [(VC, 1), (HOSPITAL, 1), (PRIVATE_VC, 2), (OTHER_HOSPITAL, 3)]  # (HSA-id, organisation id)


def output(region, pseudonym):
    return region.con.execute(
        "SELECT scope, definition, flagged, value, reason, other_orgs, unknown_units FROM risk_output "
        "WHERE pseudonym = $p ORDER BY scope, definition", {"p": pseudonym}).fetchall()


def test_own_scope_counts_only_the_listed_units_organisations_encounters(region):
    region.old("p", 70, unit=VC)
    for i in range(13):
        region.encounter("p", "primary_care", f"2025-0{1 + i % 5}-{10 + i}T09:00", unit=VC)
    for i in range(4):
        region.encounter("p", "primary_care", f"2025-04-0{1 + i}T09:00", unit=PRIVATE_VC)
    region.encounter("p", "primary_care", "2025-05-02T09:00", unit="SE-NOT-IN-DIRECTORY")
    region.encounter("p", "primary_care", "2025-07-01T09:00", unit=OTHER_HOSPITAL)  # after the reference date
    assert region.value("p", "mangbesokare_vardcentral", units=UNITS)[1] == 18.0
    assert region.value("p", "mangbesokare_vardcentral", units=UNITS, scope="own")[1] == 13.0
    assert output(region, "p") == [
        ("all", "mangbesokare_vardcentral", True, 18.0, "18 besök på vårdcentralen senaste 12 mån", [2], True),
        ("own", "mangbesokare_vardcentral", True, 13.0, "13 besök på vårdcentralen senaste 12 mån", [2], True),
    ]


def test_a_person_with_only_own_data_has_one_scope(region):
    region.old("p", 70, unit=VC)
    for day in range(1, 8):
        region.encounter("p", "primary_care", f"2025-03-0{day}T09:00", unit=VC)
    region.stay("p", "2025-02-01T08:00", "2025-02-03T08:00", main="R29", unit=HOSPITAL)  # the same region
    counts = engine.compute(region.con, D, load_all(), units=UNITS)
    assert {(r[0], tuple(r[5]), r[6]) for r in output(region, "p")} == {("all", (), False)}
    assert counts.persons_with_other_data == 0 and counts.own_persons_flagged == 0


def test_stays_are_built_from_the_scopes_encounters(region):
    """A readmission that only another organisation's stay makes is a readmission in "all" only; the person
    flagged only through others' data has no own-scope rows at all."""
    region.old("p", 70, unit=VC)
    region.stay("p", "2025-01-01T08:00", "2025-01-05T08:00", main="R29", unit=HOSPITAL)
    region.stay("p", "2025-01-10T08:00", "2025-01-12T08:00", main="R29", unit=OTHER_HOSPITAL)
    assert region.value("p", "aterinskrivning_30d", units=UNITS)[:2] == (True, 1.0)
    assert region.value("p", "aterinskrivning_30d", units=UNITS, scope="own") is None
    assert region.value("p", "hfrs", units=UNITS, scope="own")[1] == 3.6  # R29 once, the other stay left out
    assert {r[0] for r in output(region, "p")} == {"all"}


def transfers_through_another_organisation(region, main):
    region.old("p", 70, unit=VC)
    region.stay("p", "2025-03-01T08:00", "2025-03-03T10:00", unit=HOSPITAL, disposition="other_unit", main=main)
    region.stay("p", "2025-03-03T12:00", "2025-03-05T10:00", unit=OTHER_HOSPITAL, disposition="other_unit",
                main=main)
    region.stay("p", "2025-03-05T12:00", "2025-03-09T10:00", unit=HOSPITAL, main=main)


def test_a_transfer_through_another_organisation_splits_the_own_stay(region):
    """Own data only: the ward stay before and after a stay elsewhere are two stays (no merge through it). The
    person is flagged in "all" (heart failure is avoidable hospitalisation), so the own scope is computed."""
    transfers_through_another_organisation(region, "I50.9")
    assert region.value("p", "undvikbar_slutenvard", units=UNITS)[:2] == (True, 1.0)
    assert region.value("p", "aterinskrivning_30d", units=UNITS) is None  # one stay of three encounters
    assert region.value("p", "aterinskrivning_30d", units=UNITS, scope="own")[:2] == (True, 1.0)


def test_the_own_scope_is_computed_only_for_persons_flagged_in_all(region):
    """The same stays with a diagnosis that flags nothing on all data: the own data alone would make a
    readmission, but a person whom all data together does not flag is on no list, so nothing is computed."""
    transfers_through_another_organisation(region, "R29")
    assert region.compute(units=UNITS, scope="own") == {}
    assert output(region, "p") == []


def test_a_person_listed_at_a_unit_missing_from_the_directory_has_no_own_scope(region):
    region.old("p", 70, unit="SE-UNKNOWN-VC")
    for day in range(1, 8):
        region.encounter("p", "primary_care", f"2025-03-0{day}T09:00", unit=VC)
    engine.compute(region.con, D, load_all(), units=UNITS)
    assert {(r[0], tuple(r[5]), r[6]) for r in output(region, "p")} == {("all", (1,), False)}


def test_without_a_directory_every_encounter_is_at_an_unknown_unit(region):
    region.old("p", 70, unit=VC)
    for day in range(1, 8):
        region.encounter("p", "primary_care", f"2025-03-0{day}T09:00", unit=VC)
    engine.compute(region.con, D, load_all())
    assert {(r[0], tuple(r[5]), r[6]) for r in output(region, "p")} == {("all", (), True)}
    # The connection is left as given: `encounters` is the caller's table again, the base relations of all data.
    assert region.con.execute("SELECT count(*) FROM encounters").fetchone() == (7,)
