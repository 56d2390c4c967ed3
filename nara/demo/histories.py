"""The care histories of the four named demo persons (data.DEMO_PERSONS), written out contact by contact.

Their rows replace the random ones in the encounter extract, so each of them is on Vårdcentralen Kinna's risk
list for reasons a demo can tell (days are counted back from the extract date, so the stories stay in the risk
windows whatever day the demo is loaded):

- Astrid Lindqvist, 88: heart failure and frailty; four unplanned stays in a year, two of them readmissions
  within two weeks, one with a same-day transfer from M5 to NÄVA; high HFRS; multisjuk; avoidable stays.
- Gösta Karlsson, 91: a mångbesökare at the vårdcentral who falls: three emergency visits for fall injuries,
  the last a hip fracture with a stay on M5 and NÄVA.
- Margit Ekholm, 85: KOL; a mångbesökare, three emergency visits, an avoidable stay for a KOL exacerbation.
- Ingvar Sjöholm, 80: diabetes and angina; three stays in a year (multisjuk), two of them avoidable, and often at
  the vårdcentral.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    person: int  # index in data.DEMO_PERSONS
    care_type: str  # nara.identify.schema.CARE_TYPES key
    unit: str  # demo unit key (data.unit_specs) or an outside unit key (extracts.OUTSIDE_UNITS)
    start: tuple[int, str]  # (days before the extract date, "HH:MM")
    end: tuple[int, str]
    main: str
    secondary: tuple[str, ...] = ()
    planned: bool = True
    contact_form: str = "physical"
    profession: str = "läkare"
    disposition: str | None = None  # inpatient only


def _pc(person: int, days: int, time: str, main: str, *secondary: str, form: str = "physical",
        profession: str = "läkare") -> Event:
    hours, minutes = (int(x) for x in time.split(":"))
    end = f"{hours + (minutes + 30) // 60:02d}:{(minutes + 30) % 60:02d}"
    return Event(person, "primary_care", "kinna", (days, time), (days, end), main, secondary, True, form, profession)


def _er(person: int, days: int, time: str, end_time: str, main: str, *secondary: str, end_days: int | None = None
        ) -> Event:
    return Event(person, "emergency", "er", (days, time), (days if end_days is None else end_days, end_time),
                 main, secondary, False)


def _stay(person: int, ward: str, start: tuple[int, str], end: tuple[int, str], main: str, *secondary: str,
          planned: bool = False, to: str = "home") -> Event:
    return Event(person, "inpatient", ward, start, end, main, secondary, planned, disposition=to)


def _so(person: int, clinic: str, days: int, time: str, main: str, *secondary: str) -> Event:
    hours, minutes = (int(x) for x in time.split(":"))
    return Event(person, "specialist_outpatient", clinic, (days, time), (days, f"{hours + 1:02d}:{minutes:02d}"),
                 main, secondary)


ASTRID, GOSTA, MARGIT, INGVAR = range(4)

EVENTS: tuple[Event, ...] = (
    # Astrid Lindqvist
    _pc(ASTRID, 330, "09:20", "I50.9", "E11.9"),
    _pc(ASTRID, 240, "10:40", "I50.9"),
    _pc(ASTRID, 180, "14:00", "N39.0", form="phone", profession="sjuksköterska"),
    _pc(ASTRID, 110, "09:00", "I50.9", "F03"),
    _pc(ASTRID, 45, "13:30", "R26.8", form="home_visit"),
    _so(ASTRID, "so_medicine", 250, "10:00", "I50.9", "I48.9"),
    _so(ASTRID, "so_medicine", 70, "13:15", "I50.9", "I48.9", "N18.3"),
    _er(ASTRID, 300, "08:40", "13:00", "I50.9", "R06.0"),
    _stay(ASTRID, "m5", (300, "13:05"), (293, "11:00"), "I50.9", "E11.9", "N18.3", "I48.9", "R54"),
    _er(ASTRID, 280, "21:15", "23:45", "J15.9", "R41.0"),
    _stay(ASTRID, "m5", (280, "23:50"), (276, "10:00"), "J15.9", "F05.9", "E86", to="other_unit"),
    _stay(ASTRID, "nava", (276, "11:30"), (269, "13:00"), "J15.9", "F05.9", "E86", "N39.0", "R26.8", "R29.6"),
    _stay(ASTRID, "nava", (150, "15:10"), (142, "11:00"), "N39.0", "F03", "L89.1", "R41.0", "E87.1"),
    _er(ASTRID, 130, "06:50", "10:30", "J18.9"),
    _stay(ASTRID, "m5", (130, "10:40"), (121, "12:00"), "J18.9", "E87.1", "Z75.1", "F05.9", "R26.8"),
    # Gösta Karlsson
    *(_pc(GOSTA, days, time, main, form=form, profession=profession) for days, time, main, form, profession in (
        (340, "08:30", "I10", "physical", "läkare"),
        (300, "10:15", "R26.8", "physical", "fysioterapeut"),
        (260, "13:00", "S52.5", "physical", "läkare"),
        (230, "09:45", "M17.9", "physical", "fysioterapeut"),
        (200, "14:30", "I10", "physical", "sjuksköterska"),
        (150, "11:00", "R26.8", "home_visit", "sjuksköterska"),
        (100, "09:15", "S00.8", "physical", "läkare"),
        (60, "10:30", "M79.6", "physical", "läkare"),
        (25, "13:45", "S72.0", "home_visit", "läkare"),
        (170, "08:10", "I10", "phone", "sjuksköterska"),
        (12, "08:20", "R26.8", "phone", "sjuksköterska"),
    )),
    _er(GOSTA, 240, "11:20", "15:40", "S52.5", "W01"),
    _er(GOSTA, 120, "19:05", "23:30", "S00.8", "W18"),
    _er(GOSTA, 35, "07:30", "11:30", "S72.0", "W19", "R26.8"),
    _stay(GOSTA, "m5", (35, "11:45"), (32, "09:30"), "S72.0", "W19", "R26.8", "I10", to="other_unit"),
    _stay(GOSTA, "nava", (32, "10:45"), (20, "12:00"), "S72.0", "R26.8", "I10", "M81.9", "Z74.1"),
    # Margit Ekholm
    *(_pc(MARGIT, days, time, main, form=form) for days, time, main, form in (
        (320, "10:00", "J44.9", "physical"),
        (270, "09:30", "I10", "physical"),
        (210, "13:15", "J44.9", "physical"),
        (160, "11:40", "J44.9", "physical"),
        (120, "08:45", "M54.5", "physical"),
        (80, "14:20", "J44.9", "physical"),
        (40, "10:10", "J44.9", "physical"),
        (100, "15:00", "J44.9", "phone"),
    )),
    _so(MARGIT, "so_lung", 160, "09:00", "J44.9"),
    _er(MARGIT, 200, "16:20", "21:10", "R07.4"),
    _er(MARGIT, 130, "22:05", "23:55", "J44.1", "R06.0"),
    _er(MARGIT, 75, "09:10", "13:20", "J44.1", "J96.0"),
    _stay(MARGIT, "m5", (75, "13:30"), (69, "11:00"), "J44.1", "J96.0", "I10"),
    # Ingvar Sjöholm
    _pc(INGVAR, 330, "09:00", "E11.9", "I10"),
    _pc(INGVAR, 250, "10:30", "E11.9"),
    _pc(INGVAR, 210, "09:40", "E11.9", profession="sjuksköterska"),
    _pc(INGVAR, 150, "14:15", "I10", profession="sjuksköterska"),
    _pc(INGVAR, 120, "08:50", "E11.9", profession="sjuksköterska"),
    _pc(INGVAR, 90, "10:20", "I20.9", "I10"),
    _pc(INGVAR, 50, "11:00", "E11.9", "N18.3"),
    _so(INGVAR, "so_medicine", 240, "08:30", "E11.9", "N18.3"),
    _er(INGVAR, 310, "14:10", "17:50", "E11.6"),
    _stay(INGVAR, "m5", (310, "18:00"), (305, "10:30"), "E11.6", "I10", "N18.3", "E78.5"),
    _er(INGVAR, 190, "02:40", "06:00", "I20.0"),
    _stay(INGVAR, "m5", (190, "06:15"), (186, "12:00"), "I20.0", "I25.1", "I10", "E11.9"),
    _stay(INGVAR, "m5", (60, "07:30"), (57, "11:00"), "K80.2", "E11.9", "I10", planned=True),
)
