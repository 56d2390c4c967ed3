"""A directory for the synthetic region (benchmarks/synthetic.py): organisations and units for the HSA-ids in the
lake, so that the risk run's two data scopes (the listed unit's organisation's encounters, "own", and everyone's,
"all"; nara/identify/definitions/engine.py) split the data as a region's would.

    python -m benchmarks.directory --out units.csv   (in a Nära environment: its database and NARA_LAKE_DIR)

The synthetic HSA-ids say what each unit is:

    SE2321000131-E<12 digits n>   vårdcentral n: the region's, except those with n % 5 == 1 (Privat vårdgivare A)
                                  and n % 5 == 3 (Privat vårdgivare B): 40 % private, as in a vårdval region
    SE2321000131-S<g>000          the emergency department of hospital group g (the region)
    SE2321000131-S<g><ward>       a ward or clinic of hospital group g (the region); ward 024 of every group is
                                  left out, so that some encounters are at units the directory lacks
    SE2120<kommunkod>00-HSV01     the municipality's home health care (the municipality)

Only the ids found in the lake are created, the same way every time, so the same lake gives the same directory.
"""

from __future__ import annotations

import argparse
import csv
import re
from dataclasses import dataclass
from pathlib import Path

REGION = ("Västra Götalandsregionen (syntetisk)", "region")
PRIVATE = {1: ("Privat vårdgivare A (syntetisk)", "private"), 3: ("Privat vårdgivare B (syntetisk)", "private")}
LEFT_OUT_WARD = "024"

_HEALTH_CENTRE = re.compile(r"^SE2321000131-E(\d{12})$")
_HOSPITAL = re.compile(r"^SE2321000131-S(\d)(\d{3})$")
_HOME_HEALTH = re.compile(r"^SE2120(\d{4})00-HSV01$")


@dataclass(frozen=True)
class PlannedUnit:
    hsa_id: str
    name: str
    kind: str  # nara.directory.models.Unit.Kind
    organisation: str
    organisation_kind: str  # Organisation.Kind
    municipality_code: str = ""


def plan(hsa_ids) -> list[PlannedUnit]:
    """The units of the directory for these HSA-ids (unknown shapes and the left-out wards are not in it)."""
    out = []
    for hsa in sorted({h for h in hsa_ids if h}):
        if m := _HEALTH_CENTRE.match(hsa):
            n = int(m.group(1))
            org, kind = PRIVATE.get(n % 5, REGION)
            out.append(PlannedUnit(hsa, f"Vårdcentral {n}", "health_centre", org, kind))
        elif m := _HOSPITAL.match(hsa):
            group, ward = m.groups()
            if ward == LEFT_OUT_WARD:
                continue
            if ward == "000":
                out.append(PlannedUnit(hsa, f"Akutmottagning {group}", "emergency_department", *REGION))
            else:
                out.append(PlannedUnit(hsa, f"Sjukhus {group} avdelning {ward}", "ward", *REGION))
        elif m := _HOME_HEALTH.match(hsa):
            code = m.group(1)
            out.append(PlannedUnit(hsa, f"Hemsjukvården {code}", "home_health", f"Kommun {code} (syntetisk)",
                                   "municipality", code))
    return out


def lake_hsa_ids() -> list[str]:
    """Every unit HSA-id in the current lake: where encounters were, and where persons are listed."""
    from nara.identify import lake

    with lake.connect() as con:
        rows = con.execute("SELECT unit_hsa FROM encounters UNION SELECT listed_unit_hsa FROM population").fetchall()
    return [r[0] for r in rows if r[0]]


def load(hsa_ids=None) -> list[tuple[str, int]]:
    """Create the planned organisations and units in the database (needs Django); returns (HSA-id, organisation id)
    of every unit in the directory afterwards, as the risk run reads them."""
    from django.db import transaction

    from nara.directory.models import Organisation, Unit
    from nara.identify import runs

    planned = plan(lake_hsa_ids() if hsa_ids is None else hsa_ids)
    with transaction.atomic():
        orgs = {}
        for p in planned:
            if p.organisation not in orgs:
                orgs[p.organisation], _ = Organisation.objects.get_or_create(
                    name=p.organisation,
                    defaults={"kind": p.organisation_kind, "municipality_code": p.municipality_code},
                )
        existing = set(Unit.objects.values_list("hsa_id", flat=True))
        Unit.objects.bulk_create([
            Unit(organisation=orgs[p.organisation], name=p.name, hsa_id=p.hsa_id, kind=p.kind,
                 municipality_code=p.municipality_code)
            for p in planned if p.hsa_id not in existing
        ])
    return runs.directory_units()


def write_units(path: Path, units: list[tuple[str, int]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["unit_hsa", "organisation_id"])
        writer.writerows(units)
    return path


def read_units(path: Path) -> list[tuple[str, int]]:
    with open(path, newline="", encoding="utf-8") as f:
        return [(row["unit_hsa"], int(row["organisation_id"])) for row in csv.DictReader(f)]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="the synthetic region's directory, from the lake")
    parser.add_argument("--out", type=Path, required=True, help="CSV of (unit_hsa, organisation_id)")
    args = parser.parse_args(argv)
    import django

    django.setup()
    units = load()
    write_units(args.out, units)
    print(f"{len(units)} units in the directory")


if __name__ == "__main__":
    main()
