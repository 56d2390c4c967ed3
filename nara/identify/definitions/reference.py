"""The code lists the definitions join against, read through the one ICD-10 normalisation (nara.identify.icd10).

hfrs_points(category, points DECIMAL(4,1)) from reference/hfrs_icd10.csv, and avoidable_codes(grupp, code) from
reference/avoidable_hospitalisation.csv (lines starting with # are comments). Both are small; they are loaded
in Python so a malformed line gets a clear message, then handed to DuckDB as bound values.
"""

from __future__ import annotations

import csv
import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path

from nara.identify import icd10

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
HFRS_CSV = REFERENCE_DIR / "hfrs_icd10.csv"
AVOIDABLE_CSV = REFERENCE_DIR / "avoidable_hospitalisation.csv"


class ReferenceError(ValueError):
    pass


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.lstrip().startswith("#")]
    return list(csv.DictReader(lines))


def hfrs_points(path: Path = HFRS_CSV) -> list[tuple[str, Decimal]]:
    """(three-character category, points), sorted by category."""
    points: dict[str, Decimal] = {}
    for n, row in enumerate(_rows(path), start=2):
        try:
            category = icd10.normalise(row["icd10_category"])[:3]
            value = Decimal(row["points"].strip())
        except (KeyError, icd10.ICD10Error, InvalidOperation, AttributeError) as exc:
            raise ReferenceError(f"{path.name} rad {n}: {exc}") from None
        if category in points:
            raise ReferenceError(f"{path.name} rad {n}: kategorin {category} finns redan.")
        points[category] = value
    return sorted(points.items())


def avoidable_codes(path: Path = AVOIDABLE_CSV) -> list[tuple[str, str]]:
    """(diagnosis group, normalised code prefix), sorted and without duplicates."""
    codes = set()
    for n, row in enumerate(_rows(path), start=1):
        try:
            group = row["grupp"].strip()
            code = icd10.normalise(row["kod"])
        except (KeyError, icd10.ICD10Error, AttributeError) as exc:
            raise ReferenceError(f"{path.name}, rad {n} efter kommentarerna: {exc}") from None
        if not group:
            raise ReferenceError(f"{path.name}, rad {n} efter kommentarerna: diagnosgrupp saknas.")
        codes.add((group, code))
    return sorted(codes)


def sha256s() -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (HFRS_CSV, AVOIDABLE_CSV)}


def register(con) -> None:
    """Create the reference tables as temporary tables in a DuckDB connection."""
    con.execute("CREATE OR REPLACE TEMP TABLE hfrs_points (category VARCHAR PRIMARY KEY, points DECIMAL(4, 1))")
    con.executemany("INSERT INTO hfrs_points VALUES (?, ?)", [(c, str(p)) for c, p in hfrs_points()])
    con.execute("CREATE OR REPLACE TEMP TABLE avoidable_codes (grupp VARCHAR, code VARCHAR)")
    con.executemany("INSERT INTO avoidable_codes VALUES (?, ?)", avoidable_codes())
